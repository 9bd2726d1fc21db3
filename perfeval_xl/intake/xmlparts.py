"""What only the XML holds (REFERENCE §8): bounded, DTD-free reads of workbook parts.

calamine gives cached values, merged ranges and sheet visibility; it does not give
sheet-to-part mapping, protection elements, defined names, custom document
properties or which cells outside the template's ranges were filled. These helpers
read them from a gate-accepted package (a SafeZip, or a zipfile.ZipFile), each part
with a hard byte cap. Sheet parts are streamed with expat, never loaded whole.

Errors are raised as PartError (missing, too large, corrupt) or XmlError (unsafe,
malformed); both carry the gate finding `code` they map to.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass, field
from typing import Sequence
from xml.etree.ElementTree import Element
from xml.parsers import expat

from pydantic import BaseModel, ConfigDict

from perfeval_xl.intake.cellref import cell_name, parse_ref
from perfeval_xl.intake.models import MiB, SheetInfo
from perfeval_xl.intake.opc import (
    PACKAGE_RELS_PART,
    SHEET_REL_KINDS,
    STRICT_SPREADSHEET_NS,
    Relationship,
    local_name,
    parse_relationships,
    rels_part_for,
)
from perfeval_xl.intake.xmlsafe import XmlMalformed, XmlUnsafe, parse_xml
from perfeval_xl.intake.zipread import PartMissing, SafeZip, iter_part_chunks, read_part, resolve_name

Archive = SafeZip | zipfile.ZipFile
Rect = tuple[int, int, int, int]  # (min_row, min_col, max_row, max_col), 1-based, inclusive

SMALL_PART_CAP = 2 * MiB
SHEET_PART_CAP = 256 * MiB  # streamed, so this bounds time, not memory
_R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_R_NS_STRICT = "http://purl.oclc.org/ooxml/officeDocument/relationships"


class DefinedName(BaseModel):
    model_config = ConfigDict(frozen=True)

    name: str
    local_sheet_id: int | None = None
    hidden: bool = False
    value: str = ""


class WorkbookXml(BaseModel):
    """workbook.xml with its sheets resolved to parts through the workbook's rels."""

    model_config = ConfigDict(frozen=True)

    part: str
    sheets: list[SheetInfo]
    workbook_protection: dict[str, str] | None = None
    defined_names: list[DefinedName] = []
    app_name: str = ""  # <fileVersion appName>: "xl" for Excel; other writers differ
    strict: bool = False  # ISO 29500 Strict namespaces


class CustomProperty(BaseModel):
    model_config = ConfigDict(frozen=True)

    name: str
    type: str  # the vt: element's local name, e.g. "lpwstr", "i4", "bool"
    value: str


@dataclass(frozen=True, slots=True)
class FormulaCell:
    """A formula as stored: its text (empty for the followers of a shared formula) and sharing."""

    # A dataclass, not a model: hundreds per sheet, built from typed values in the scan.
    text: str = ""
    shared_index: str | None = None  # <f t="shared" si="...">
    shared_ref: str | None = None  # the master's range, e.g. "H7:H30"
    array: bool = False
    has_value: bool = False  # a non-empty cached <v> follows


@dataclass(frozen=True, slots=True)
class SheetScan:
    """One streaming pass over a sheet part (a dataclass: built per sheet from typed values)."""

    part: str
    dimension: str | None = None
    protection: dict[str, str] | None = None  # <sheetProtection> attributes; None if absent
    cells: int = 0  # <c> elements
    filled: int = 0  # cells with a value, an inline string or a formula
    formulas: int = 0
    extent: Rect | None = None  # of filled cells
    outside: list[str] = field(default_factory=list)  # filled cells outside the allowed rectangles, in file order
    outside_truncated: bool = False  # more than `limit` such cells
    unreadable_refs: int = 0  # cells whose r attribute is no cell reference (or absurdly large)
    first_unreadable_ref: str = ""
    formula_cells: dict[str, FormulaCell] = field(default_factory=dict)  # filled only with collect_formulas


def read_xml_part(archive: Archive, part: str, cap: int = SMALL_PART_CAP) -> Element:
    """Parse a whole part (at most `cap` bytes) with DTDs, entities and external refs forbidden.

    A SafeZip keeps what it parsed: the gate and the reader ask for the same few parts
    (the package rels four times). Callers only read the tree."""
    stored = resolve_name(archive, part)
    if stored is None:
        raise PartMissing(part, "part missing")
    parsed = archive.parsed if isinstance(archive, SafeZip) else {}
    if stored in parsed and parsed[stored][0] <= cap:
        return parsed[stored][1]
    data = read_part(archive, stored, cap)
    root = parse_xml(data, stored)
    parsed[stored] = (len(data), root)
    return root


def read_relationships(archive: Archive, source_part: str, cap: int = SMALL_PART_CAP) -> list[Relationship]:
    """Relationships of `source_part` ("" for the package); PartMissing if it has no rels part."""
    rels_part = rels_part_for(source_part)
    return parse_relationships(read_xml_part(archive, rels_part, cap), source_part)


def find_workbook_part(archive: Archive, cap: int = SMALL_PART_CAP) -> str:
    """The officeDocument target of the package rels, else xl/workbook.xml if present."""
    if resolve_name(archive, PACKAGE_RELS_PART) is not None:
        for rel in read_relationships(archive, "", cap):
            if rel.kind == "officeDocument" and rel.part:
                return rel.part
    if resolve_name(archive, "xl/workbook.xml") is not None:
        return "xl/workbook.xml"
    raise PartMissing("xl/workbook.xml", "no workbook part")


def read_workbook(archive: Archive, part: str | None = None, cap: int = SMALL_PART_CAP) -> WorkbookXml:
    """Sheets (name, state, part), protection, defined names of the workbook part."""
    part = part or find_workbook_part(archive, cap)
    root = read_xml_part(archive, part, cap)
    if local_name(root.tag) != "workbook":
        raise XmlMalformed(part, f"root element is <{local_name(root.tag)}>, not <workbook>")
    strict = root.tag.startswith("{" + STRICT_SPREADSHEET_NS + "}")
    rels = {rel.id: rel for rel in read_relationships(archive, part, cap)}
    sheets: list[SheetInfo] = []
    protection: dict[str, str] | None = None
    names: list[DefinedName] = []
    app_name = ""
    for child in root:
        kind = local_name(child.tag)
        if kind == "sheets":
            sheets = [_sheet_info(el, rels, archive) for el in child if local_name(el.tag) == "sheet"]
        elif kind == "workbookProtection":
            protection = dict(child.attrib)
        elif kind == "definedNames":
            names = [_defined_name(el) for el in child if local_name(el.tag) == "definedName"]
        elif kind == "fileVersion":
            app_name = child.get("appName") or ""
    return WorkbookXml(part=part, sheets=sheets, workbook_protection=protection, defined_names=names,
                       app_name=app_name, strict=strict)


def _sheet_info(el: Element, rels: dict[str, Relationship], archive: Archive) -> SheetInfo:
    rel_id = el.get(f"{{{_R_NS}}}id") or el.get(f"{{{_R_NS_STRICT}}}id") or ""
    rel = rels.get(rel_id)
    part = ""
    kind = "other"
    if rel is not None:
        kind = SHEET_REL_KINDS.get(rel.kind, "other")
        part = (resolve_name(archive, rel.part) or "") if rel.part else ""
    return SheetInfo(name=el.get("name") or "", sheet_id=el.get("sheetId") or "",
                     state=el.get("state") or "visible", rel_id=rel_id, part=part, kind=kind)


def _defined_name(el: Element) -> DefinedName:
    local = el.get("localSheetId")
    return DefinedName(name=el.get("name") or "",
                       local_sheet_id=int(local) if local and local.isdigit() else None,
                       hidden=(el.get("hidden") or "").lower() in ("1", "true"),
                       value=(el.text or "").strip())


def read_custom_properties(archive: Archive, cap: int = SMALL_PART_CAP) -> list[CustomProperty]:
    """docProps/custom.xml properties in file order (duplicates kept); [] when absent."""
    part = "docProps/custom.xml"
    if resolve_name(archive, PACKAGE_RELS_PART) is not None:
        for rel in read_relationships(archive, "", cap):
            if rel.kind == "custom-properties" and rel.part:
                part = rel.part
    if resolve_name(archive, part) is None:
        return []
    root = read_xml_part(archive, part, cap)
    props: list[CustomProperty] = []
    for el in root:
        if local_name(el.tag) != "property":
            continue
        value_el = next(iter(el), None)
        props.append(CustomProperty(
            name=el.get("name") or "",
            type=local_name(value_el.tag) if value_el is not None else "",
            value="".join(value_el.itertext()) if value_el is not None else "",
        ))
    return props


def read_application(archive: Archive, cap: int = SMALL_PART_CAP) -> str:
    """"Application AppVersion" from docProps/app.xml (the software that last saved it); "" when absent."""
    part = "docProps/app.xml"
    if resolve_name(archive, PACKAGE_RELS_PART) is not None:
        for rel in read_relationships(archive, "", cap):
            if rel.kind == "extended-properties" and rel.part:
                part = rel.part
    if resolve_name(archive, part) is None:
        return ""
    found = {local_name(el.tag): (el.text or "").strip() for el in read_xml_part(archive, part, cap)}
    return " ".join(v for v in (found.get("Application", ""), found.get("AppVersion", "")) if v)


def scan_sheet(archive: Archive, part: str, allowed: Sequence[Rect] = (), limit: int = 100,
               cap: int = SHEET_PART_CAP, stop_at_limit: bool = False,
               collect_formulas: bool = False) -> SheetScan:
    """Stream a sheet part once: dimension, protection, counts, and filled cells outside `allowed`.

    `allowed` rectangles are (min_row, min_col, max_row, max_col), 1-based and inclusive.
    At most `limit` outside cells are listed; with `stop_at_limit` the scan ends there
    (protection and counts then cover only the part read). With `collect_formulas`
    every formula cell's stored text is kept (the reader compares them with the register).
    """
    stored = resolve_name(archive, part)
    if stored is None:
        raise PartMissing(part, "part missing")
    state = _SheetState(stored, tuple(allowed), limit, stop_at_limit, collect_formulas)
    parser = expat.ParserCreate()
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    parser.StartDoctypeDeclHandler = state.doctype
    parser.EntityDeclHandler = state.doctype
    parser.ExternalEntityRefHandler = state.doctype
    parser.StartElementHandler = state.start
    parser.EndElementHandler = state.end
    if collect_formulas:
        parser.CharacterDataHandler = state.text
        parser.buffer_text = True
    try:
        for chunk in iter_part_chunks(archive, stored, cap):
            parser.Parse(chunk, False)
        parser.Parse(b"", True)
    except _LimitReached:
        pass
    except expat.ExpatError as exc:
        raise XmlMalformed(stored, f"malformed XML ({str(exc)[:160]})") from None
    return state.result()


def cells_outside(archive: Archive, part: str, allowed: Sequence[Rect], limit: int = 100,
                  cap: int = SHEET_PART_CAP) -> list[str]:
    """Filled cells (value, inline string or formula) outside `allowed`, at most `limit`, in file order."""
    return scan_sheet(archive, part, allowed, limit, cap, stop_at_limit=True).outside


class _LimitReached(Exception):
    pass


class _SheetState:
    """expat callbacks for scan_sheet; element names are matched without their prefix."""

    def __init__(self, part: str, allowed: tuple[Rect, ...], limit: int, stop_at_limit: bool,
                 collect_formulas: bool = False) -> None:
        self.part = part
        self.collect_formulas = collect_formulas
        self.formula_cells: dict[str, FormulaCell] = {}
        self.formula_attrs: dict[str, str] | None = None
        self.formula_text: list[str] | None = None
        self.formula_done = ""
        self.cell_has_value = False
        self.in_value = False
        self.allowed = allowed
        self.limit = limit
        self.stop_at_limit = stop_at_limit
        self.dimension: str | None = None
        self.protection: dict[str, str] | None = None
        self.cells = self.filled = self.formulas = 0
        self.outside: list[str] = []
        self.truncated = False
        self.row = 0
        self.col = 0
        self.in_cell = False
        self.cell_filled = False
        self.cell_formula = False
        self.extent: list[int] | None = None
        self.unreadable = 0
        self.first_unreadable = ""

    def doctype(self, *_args: object) -> None:
        raise XmlUnsafe(self.part, "DTD or entity")

    # start/end run for every element (thousands per sheet): cheapest tests first, no helper calls.

    def start(self, name: str, attrs: dict[str, str]) -> None:
        if ":" in name:
            name = name.rpartition(":")[2]
        if name == "c":
            self.cells += 1
            self.in_cell = True
            self.cell_filled = self.cell_formula = self.cell_has_value = False
            self.formula_attrs = None
            ref = attrs.get("r")
            position = parse_ref(ref) if ref else None
            if position is not None:
                self.row, self.col = position
                return
            if ref:
                self.unreadable += 1
                self.first_unreadable = self.first_unreadable or ref[:40]
            self.col += 1  # r is optional: the cell follows the previous one
        elif self.in_cell and (name == "v" or name == "is"):
            self.cell_filled = True
            self.in_value = name == "v"
        elif self.in_cell and name == "f":
            self.cell_filled = self.cell_formula = True
            if self.collect_formulas:
                self.formula_attrs = dict(attrs)
                self.formula_text = []
        elif name == "row":
            r = attrs.get("r", "")
            self.row = int(r) if r.isdigit() and len(r) <= 7 else self.row + 1
            self.col = 0
        elif name == "dimension":
            self.dimension = attrs.get("ref")
        elif name == "sheetProtection":
            self.protection = dict(attrs)

    def text(self, data: str) -> None:
        if self.formula_text is not None:
            self.formula_text.append(data)
        elif self.in_value and data.strip():
            self.cell_has_value = True  # openpyxl writes an empty <v/> after a formula: no cached result

    def end(self, name: str) -> None:
        if ":" in name:
            name = name.rpartition(":")[2]
        if name == "c":
            self._end_cell()
        elif name == "v":
            self.in_value = False
        elif name == "f" and self.formula_text is not None:
            self.formula_done = "".join(self.formula_text)
            self.formula_text = None

    def _end_cell(self) -> None:
        self.in_cell = False
        if not self.cell_filled:
            return
        self.filled += 1
        self.formulas += self.cell_formula
        row, col = self.row, self.col
        if self.cell_formula and self.formula_attrs is not None:
            attrs = self.formula_attrs
            shared = attrs.get("t") == "shared"
            self.formula_cells[cell_name(row, col)] = FormulaCell(
                text=self.formula_done, shared_index=attrs.get("si") if shared else None,
                shared_ref=attrs.get("ref") if shared else None, array=attrs.get("t") == "array",
                has_value=self.cell_has_value)
            self.formula_done = ""
        e = self.extent
        if e is None:
            self.extent = [row, col, row, col]
        else:
            if row < e[0]:
                e[0] = row
            elif row > e[2]:
                e[2] = row
            if col < e[1]:
                e[1] = col
            elif col > e[3]:
                e[3] = col
        for r1, c1, r2, c2 in self.allowed:
            if r1 <= row <= r2 and c1 <= col <= c2:
                return
        if len(self.outside) < self.limit:
            self.outside.append(cell_name(row, col))
        else:
            self.truncated = True
            if self.stop_at_limit:
                raise _LimitReached

    def result(self) -> SheetScan:
        return SheetScan(part=self.part, dimension=self.dimension, protection=self.protection,
                         cells=self.cells, filled=self.filled, formulas=self.formulas,
                         extent=tuple(self.extent) if self.extent else None,
                         outside=self.outside, outside_truncated=self.truncated,
                         unreadable_refs=self.unreadable, first_unreadable_ref=self.first_unreadable,
                         formula_cells=self.formula_cells)
