"""Read a gate-accepted returned workbook: cached values (python-calamine) plus what only
the XML holds (sheet states and parts, protection, formulas, custom properties).

Runs inside an isolated worker. The result is semantics-free: sheets of values and
formulas by address. `intake.bind` then reads it through the issued layout.

Reading is staged so that every part is read once although the fixed ranges are only
known after `_meta` has been read (the layout is rebuilt from the definition it holds):

    with ReturnReader(path) as reader:      # the gate
        if reader.read_meta():              # workbook.xml, custom properties, the _meta values
            allowed = ...                   # the layout's rectangles, from reader.read.meta
            reader.read_sheets(allowed)     # each sheet's XML scan, then its values

A stage that cannot read adds a finding to `read.findings` and returns False.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from python_calamine import CalamineError, CalamineWorkbook

from perfeval_xl.engine.numbers import to_decimal
from perfeval_xl.findings import Finding, Location, finding
from perfeval_xl.intake.gate import gate_open
from perfeval_xl.intake.models import GateLimits, GateResult
from perfeval_xl.intake.opc import CONTENT_TYPES_PART, VBA_CONTENT_TYPE, parse_content_types
from perfeval_xl.intake.xmlparts import (
    SMALL_PART_CAP,
    FormulaCell,
    WorkbookXml,
    read_application,
    read_custom_properties,
    read_workbook,
    read_xml_part,
)
from perfeval_xl.intake.sheetscan import scan_sheet
from perfeval_xl.intake.xmlsafe import XmlError
from perfeval_xl.intake.zipread import PartError, SafeZip
from perfeval_xl.integrity.vba import vba_project_hash
from perfeval_xl.layout.contract import META_SHEET

CellValue = Decimal | str | bool | dt.date | dt.datetime | None
Rect = tuple[int, int, int, int]
_CALAMINE_ERRORS = (CalamineError, ValueError, OSError)

VBA_PART_CAP = 64 * 1024 * 1024  # the gate's total-size limit bounds it further
# calamine's floats → to_decimal's Decimals (immutable, so shared): a batch's forms repeat
# the same numbers. Zeros stay out: 0.0 == -0.0 as keys, but their Decimals differ.
_DECIMAL_CACHE_MAX = 1 << 12
_decimals: dict[float, Decimal] = {}


@dataclass
class SheetRead:
    name: str
    state: str
    part: str
    values: dict[tuple[int, int], CellValue] = field(default_factory=dict)  # (row, col) 1-based; blanks left out
    formulas: dict[str, FormulaCell] = field(default_factory=dict)  # "H7" → formula as stored
    protection: dict[str, str] | None = None
    outside: list[str] = field(default_factory=list)  # filled cells outside the allowed ranges
    outside_truncated: bool = False  # more were filled than `outside` lists

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
    if type(value) is str:  # the commonest, first
        return value or None
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


class ReturnReader:
    """One returned file, read in stages (see the module docstring). Use as a context manager."""

    def __init__(self, path: str | Path, limits: GateLimits | None = None) -> None:
        gate, self._archive = gate_open(path, limits or GateLimits())
        self.read = WorkbookRead(path=str(path), gate=gate)
        self._book: CalamineWorkbook | None = None

    def __enter__(self) -> "ReturnReader":
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self._book is not None:
            self._book.close()
            self._book = None

    def read_meta(self) -> bool:
        """workbook.xml, the custom document properties and the values of `_meta`."""
        read = self.read
        if self._archive is None or not read.gate.accepted:
            return False
        try:
            read.workbook = read_workbook(self._archive)
            read.properties = {p.name: p.value for p in read_custom_properties(self._archive)}
            read.application = read_application(self._archive)
            if read.gate.has_vba:
                read.vba_hash = _vba_hash(self._archive)
        except (PartError, XmlError) as exc:
            read.findings.append(finding(exc.code, self._where(), detail=str(exc)[:200]))
            return False
        read.sheets = [SheetRead(info.name, info.state, info.part if info.kind == "worksheet" else "")
                       for info in read.workbook.sheets]
        meta = read.sheet(META_SHEET)
        if meta is None or not meta.part:
            return True  # no marker sheet: not our form, and no value parser is needed to say so
        try:
            self._read_values(meta)
        except _CALAMINE_ERRORS as exc:
            read.findings.append(self._unreadable(exc))
            return False
        for (r, c), value in meta.values.items():
            if c == 1 and isinstance(value, str):
                other = meta.values.get((r, 2))
                read.meta[value] = "" if other is None else str(other)
        return True

    def read_sheets(self, allowed: dict[str, list[Rect]]) -> bool:
        """Every worksheet's XML (formulas, protection, cells outside `allowed`) and values.

        `allowed`: per sheet, the rectangles the form uses; sheets it does not name get
        no outside list (they are not part of the form)."""
        read = self.read
        if self._archive is None or read.workbook is None:
            return False
        try:
            for sheet in read.sheets:
                if sheet.part:
                    self._scan(self._archive, sheet, allowed)
        except (PartError, XmlError) as exc:
            read.findings.append(finding(exc.code, self._where(), detail=str(exc)[:200]))
            return False
        try:
            for sheet in read.sheets:
                if sheet.part and sheet.name != META_SHEET:
                    self._read_values(sheet)
        except _CALAMINE_ERRORS as exc:
            read.findings.append(self._unreadable(exc))
            return False
        return True

    def _scan(self, archive: SafeZip, sheet: SheetRead, allowed: dict[str, list[Rect]]) -> None:
        scan = scan_sheet(archive, sheet.part, allowed.get(sheet.name, []), collect_formulas=True)
        sheet.formulas = scan.formula_cells
        sheet.protection = scan.protection
        if sheet.name in allowed:
            sheet.outside = scan.outside
            sheet.outside_truncated = scan.outside_truncated

    def _read_values(self, sheet: SheetRead) -> None:
        if self._book is None:
            self._book = self._open_book()
        if sheet.name not in self._book.sheet_names:
            return
        rows = self._book.get_sheet_by_name(sheet.name).to_python(skip_empty_area=False)
        values = sheet.values
        for r, row in enumerate(rows, start=1):
            for c, raw in enumerate(row, start=1):
                # normalise's commonest cases inline: blanks and text (most of the grid), numbers.
                kind = type(raw)
                if kind is str:
                    if raw:
                        values[(r, c)] = raw
                    continue
                value = (_decimals.get(raw) or _decimal(raw)) if kind is float else normalise(raw)
                if value is not None:
                    values[(r, c)] = value

    def _open_book(self) -> CalamineWorkbook:
        # From the bytes the gate judged (it holds them), not the path: calamine picks its
        # parser by a path's extension, and a unit may well send an .xlsx named .xls.
        data = self._archive.whole() if self._archive is not None else None
        if data is None:
            with open(self.read.path, "rb") as handle:
                data = handle.read()
        return CalamineWorkbook.from_filelike(io.BytesIO(data))

    def _where(self) -> Location:
        return Location(file=self.read.path)

    def _unreadable(self, exc: Exception) -> Finding:
        return finding("FORM_UNREADABLE", self._where(), detail=f"{type(exc).__name__}: {exc}"[:200])


def _decimal(value: float) -> Decimal | None:
    """to_decimal(value), kept in `_decimals` unless it is zero (or not a number)."""
    number = to_decimal(value)
    if number:
        if len(_decimals) >= _DECIMAL_CACHE_MAX:
            _decimals.clear()
        _decimals[value] = number
    return number


def _vba_hash(archive: SafeZip) -> str:
    """Hash of the VBA project parts (by name or content type, as the gate finds them), in name order."""
    types = parse_content_types(read_xml_part(archive, CONTENT_TYPES_PART, SMALL_PART_CAP))
    parts = sorted(n for n in archive.names()
                   if n.lower().endswith("vbaproject.bin") or types.of(n) == VBA_CONTENT_TYPE)
    return vba_project_hash(archive.read(name, VBA_PART_CAP) for name in parts)
