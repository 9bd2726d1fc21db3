"""The raw XML of a written .xlsx, read with the standard library only.

What openpyxl would smooth over is read as stored: each cell's style index and its
xf's `locked` flag, formula text, data validations, merged ranges, sheet and workbook
protection, sheet states, defined names and custom document properties.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
import zipfile
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path, PurePosixPath

from perfeval_xl.layout import a1

NS = {
    "m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
    "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "p": "http://schemas.openxmlformats.org/package/2006/relationships",
    "cp": "http://schemas.openxmlformats.org/officeDocument/2006/custom-properties",
    "vt": "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes",
}
_R_ID = f"{{{NS['r']}}}id"


@dataclass(frozen=True)
class XmlCell:
    ref: str
    style: int
    formula: str | None  # as stored, without "="


@dataclass(frozen=True)
class XmlValidation:
    ref: str
    type: str
    operator: str
    formula1: str | None
    formula2: str | None


class XlsxParts:
    def __init__(self, path: str | Path) -> None:
        with zipfile.ZipFile(path) as archive:
            self.parts = {name: archive.read(name) for name in archive.namelist()}

    def xml(self, part: str) -> ET.Element:
        return ET.fromstring(self.parts[part])

    @cached_property
    def workbook(self) -> ET.Element:
        return self.xml("xl/workbook.xml")

    @cached_property
    def sheet_parts(self) -> dict[str, str]:
        """Sheet name → zip part, in workbook order."""
        rels = {r.get("Id"): r.get("Target") for r in self.xml("xl/_rels/workbook.xml.rels").iter(f"{{{NS['p']}}}Relationship")}
        return {s.get("name"): str(PurePosixPath("xl") / rels[s.get(_R_ID)])
                for s in self.workbook.iterfind("m:sheets/m:sheet", NS)}

    @cached_property
    def sheet_states(self) -> dict[str, str]:
        return {s.get("name"): s.get("state", "visible") for s in self.workbook.iterfind("m:sheets/m:sheet", NS)}

    @cached_property
    def defined_names(self) -> dict[str, str]:
        return {d.get("name"): d.text for d in self.workbook.iterfind("m:definedNames/m:definedName", NS)}

    @cached_property
    def workbook_protection(self) -> dict[str, str] | None:
        node = self.workbook.find("m:workbookProtection", NS)
        return None if node is None else dict(node.attrib)

    @cached_property
    def locked_styles(self) -> list[bool]:
        """Per cellXfs index: does the style lock its cell (the default unless locked="0")?"""
        out = []
        for xf in self.xml("xl/styles.xml").iterfind("m:cellXfs/m:xf", NS):
            protection = xf.find("m:protection", NS)
            out.append(protection is None or protection.get("locked", "1") != "0")
        return out

    @cached_property
    def custom_properties(self) -> dict[str, str]:
        root = self.xml("docProps/custom.xml")
        return {p.get("name"): "".join(p.itertext()) for p in root.iterfind("cp:property", NS)}

    def sheet(self, name: str) -> ET.Element:
        return self.xml(self.sheet_parts[name])

    def cells(self, name: str) -> list[XmlCell]:
        out = []
        for c in self.sheet(name).iterfind("m:sheetData/m:row/m:c", NS):
            f = c.find("m:f", NS)
            out.append(XmlCell(c.get("r"), int(c.get("s", "0")), None if f is None else (f.text or "")))
        return out

    def merged_hidden(self, name: str) -> set[str]:
        """Cells covered by a merged range other than its top-left cell."""
        hidden: set[str] = set()
        for m in self.sheet(name).iterfind("m:mergeCells/m:mergeCell", NS):
            first, last = m.get("ref").split(":")
            (r1, c1), (r2, c2) = a1.parse(first), a1.parse(last)
            hidden |= {a1.ref(r, c) for r in range(r1, r2 + 1) for c in range(c1, c2 + 1)} - {first}
        return hidden

    def unlocked(self, name: str) -> set[str]:
        """Addressable cells a unit can type into once the sheet is protected."""
        styles = self.locked_styles
        sheet = self.sheet(name)
        for col in sheet.iterfind("m:cols/m:col", NS):  # a column style would unlock empty cells
            assert styles[int(col.get("style", "0"))], f"{name}: column {col.attrib} is unlocked"
        for row in sheet.iterfind("m:sheetData/m:row", NS):
            assert styles[int(row.get("s", "0"))], f"{name}: row {row.get('r')} is unlocked"
        return {c.ref for c in self.cells(name) if not styles[c.style]} - self.merged_hidden(name)

    def protection(self, name: str) -> dict[str, str] | None:
        node = self.sheet(name).find("m:sheetProtection", NS)
        return None if node is None else dict(node.attrib)

    def validations(self, name: str) -> list[XmlValidation]:
        out = []
        for v in self.sheet(name).iterfind("m:dataValidations/m:dataValidation", NS):
            f1, f2 = v.find("m:formula1", NS), v.find("m:formula2", NS)
            out.append(XmlValidation(v.get("sqref"), v.get("type", ""), v.get("operator", "between"),
                                     None if f1 is None else f1.text, None if f2 is None else f2.text))
        return out

    def conditional_formulas(self, name: str) -> list[str]:
        return [f.text or "" for f in self.sheet(name).iterfind("m:conditionalFormatting/m:cfRule/m:formula", NS)]
