"""Read a gate-accepted returned workbook: cached values (python-calamine) plus what only
the XML holds (sheet states and parts, protection, formulas, custom properties).

Runs inside an isolated worker. The result is semantics-free: sheets of values and
formulas by address. `intake.bind` then reads it through the issued layout.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from python_calamine import CalamineWorkbook

from perfeval_xl.engine.numbers import to_decimal
from perfeval_xl.findings import Finding, Location, finding
from perfeval_xl.intake.gate import gate_open
from perfeval_xl.intake.models import GateResult, SheetInfo
from perfeval_xl.intake.opc import CONTENT_TYPES_PART, VBA_CONTENT_TYPE, parse_content_types
from perfeval_xl.intake.xmlparts import (
    SMALL_PART_CAP,
    FormulaCell,
    WorkbookXml,
    read_application,
    read_custom_properties,
    read_workbook,
    read_xml_part,
    scan_sheet,
)
from perfeval_xl.intake.xmlsafe import XmlError
from perfeval_xl.intake.zipread import PartError, SafeZip
from perfeval_xl.integrity.vba import vba_project_hash
from perfeval_xl.layout.contract import META_SHEET

CellValue = Decimal | str | bool | dt.date | dt.datetime | None

VBA_PART_CAP = 64 * 1024 * 1024  # the gate's total-size limit bounds it further


@dataclass
class SheetRead:
    name: str
    state: str
    part: str
    values: dict[tuple[int, int], CellValue] = field(default_factory=dict)  # (row, col) 1-based; blanks left out
    formulas: dict[str, FormulaCell] = field(default_factory=dict)  # "H7" → formula as stored
    protection: dict[str, str] | None = None
    outside: list[str] = field(default_factory=list)  # filled cells outside the allowed ranges

    def value(self, row: int, col: int) -> CellValue:
        return self.values.get((row, col))


@dataclass
class WorkbookRead:
    path: str
    gate: GateResult
    sheets: list[SheetRead] = field(default_factory=list)
    workbook: WorkbookXml | None = None
    properties: dict[str, str] = field(default_factory=dict)
    application: str = ""  # docProps/app.xml: the software that last saved the file
    vba_hash: str | None = None  # integrity.vba.vba_project_hash of the VBA parts; None without VBA
    meta: dict[str, str] = field(default_factory=dict)  # _meta column A → column B
    findings: list[Finding] = field(default_factory=list)

    def sheet(self, name: str) -> SheetRead | None:
        for s in self.sheets:
            if s.name == name:
                return s
        return None

    @property
    def ok(self) -> bool:
        return self.gate.accepted and not any(f.severity == "reject" for f in self.findings)


def normalise(value: object) -> CellValue:
    """calamine's values as the engine reads them: numbers to Decimal (shortest repr), "" to None."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)):
        return to_decimal(value)
    if isinstance(value, (dt.datetime, dt.date)):
        return value
    if isinstance(value, dt.time):
        return value.isoformat()
    return str(value)


def read_returned(path: str | Path, allowed: dict[str, list[tuple[int, int, int, int]]] | None = None) -> WorkbookRead:
    """Gate the file, then read every sheet. `allowed`: per sheet, the rectangles the form uses."""
    gate, archive = gate_open(path)
    read = WorkbookRead(path=str(path), gate=gate)
    if archive is None or not gate.accepted:
        return read
    try:
        read.workbook = read_workbook(archive)
        read.properties = {p.name: p.value for p in read_custom_properties(archive)}
        read.application = read_application(archive)
        if gate.has_vba:
            read.vba_hash = _vba_hash(archive)
        _read_xml(read, archive, read.workbook.sheets, allowed or {})
        _read_values(read, Path(path))
    except (PartError, XmlError) as exc:
        read.findings.append(finding(exc.code, Location(file=str(path)), detail=str(exc)[:200]))
    return read


def _vba_hash(archive: SafeZip) -> str:
    """Hash of the VBA project parts (by name or content type, as the gate finds them), in name order."""
    types = parse_content_types(read_xml_part(archive, CONTENT_TYPES_PART, SMALL_PART_CAP))
    parts = sorted(n for n in archive.names()
                   if n.lower().endswith("vbaproject.bin") or types.of(n) == VBA_CONTENT_TYPE)
    return vba_project_hash(archive.read(name, VBA_PART_CAP) for name in parts)


def _read_xml(read: WorkbookRead, archive: SafeZip, sheets: list[SheetInfo],
              allowed: dict[str, list[tuple[int, int, int, int]]]) -> None:
    for info in sheets:
        if info.kind != "worksheet" or not info.part:
            read.sheets.append(SheetRead(info.name, info.state, info.part))
            continue
        scan = scan_sheet(archive, info.part, allowed.get(info.name, []), collect_formulas=True)
        read.sheets.append(SheetRead(info.name, info.state, info.part, formulas=scan.formula_cells,
                                     protection=scan.protection,
                                     outside=scan.outside if info.name in allowed else []))


def _read_values(read: WorkbookRead, path: Path) -> None:
    book = CalamineWorkbook.from_path(str(path))
    names = set(book.sheet_names)
    for sheet in read.sheets:
        if sheet.name not in names:
            continue
        rows = book.get_sheet_by_name(sheet.name).to_python(skip_empty_area=False)
        for r, row in enumerate(rows, start=1):
            for c, raw in enumerate(row, start=1):
                value = normalise(raw)
                if value is not None:
                    sheet.values[(r, c)] = value
    meta = read.sheet(META_SHEET)
    if meta is not None:
        for (r, c), value in meta.values.items():
            if c == 1 and isinstance(value, str):
                other = meta.values.get((r, 2))
                read.meta[value] = "" if other is None else str(other)
