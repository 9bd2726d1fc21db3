"""What only the XML holds (REFERENCE §8): bounded, DTD-free reads of workbook parts.

calamine gives cached values, merged ranges and sheet visibility; it does not give
sheet-to-part mapping, protection elements, defined names, custom document
properties or which cells outside the template's ranges were filled. These helpers
read them from a gate-accepted package (a SafeZip, or a zipfile.ZipFile), each part
with a hard byte cap. Sheet parts are scanned by sheetscan; the shapes of its results
(SheetScan, FormulaCell) are defined here with the other XML facts.

Errors are raised as PartError (missing, too large, corrupt) or XmlError (unsafe,
malformed); both carry the gate finding `code` they map to.
"""

from __future__ import annotations

import zipfile
from typing import Callable, TypeVar
from dataclasses import dataclass, field
from xml.etree.ElementTree import Element

from pydantic import BaseModel, ConfigDict

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
from perfeval_xl.intake.xmlsafe import XmlMalformed, parse_xml
from perfeval_xl.intake.zipread import PartMissing, SafeZip, read_part, resolve_name

Archive = SafeZip | zipfile.ZipFile
Rect = tuple[int, int, int, int]  # (min_row, min_col, max_row, max_col), 1-based, inclusive
_T = TypeVar("_T")

SMALL_PART_CAP = 2 * MiB
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


def _facts(archive: Archive, key: tuple[str, str, int], make: Callable[[], _T]) -> _T:
    """`make()` once per SafeZip and key: the gate and the reader derive the same facts from a part."""
    if not isinstance(archive, SafeZip):
        return make()
    if key not in archive.facts:
        archive.facts[key] = make()
    return archive.facts[key]  # type: ignore[return-value]


def read_relationships(archive: Archive, source_part: str, cap: int = SMALL_PART_CAP) -> list[Relationship]:
    """Relationships of `source_part` ("" for the package); PartMissing if it has no rels part.

    Callers only read the list (it is shared, as the parsed tree is)."""
    rels_part = rels_part_for(source_part)
    return _facts(archive, ("rels", source_part, cap),
                  lambda: parse_relationships(read_xml_part(archive, rels_part, cap), source_part))


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
    """Sheets (name, state, part), protection, defined names of the workbook part (read once per SafeZip)."""
    part = part or find_workbook_part(archive, cap)
    return _facts(archive, ("workbook", part, cap), lambda: _read_workbook(archive, part, cap))


def _read_workbook(archive: Archive, part: str, cap: int) -> WorkbookXml:
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
