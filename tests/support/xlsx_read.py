"""Reading a written workbook back for assertions: sheet rows as values, and raw parts of the package."""

from __future__ import annotations

import zipfile
from pathlib import Path
from xml.etree import ElementTree

from openpyxl import load_workbook
from python_calamine import CalamineWorkbook

_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
_PKG = "{http://schemas.openxmlformats.org/package/2006/relationships}"


def sheet_rows(path: Path, sheet: str) -> list[dict[str, object]]:
    """Rows under the header of one sheet, as header → value (calamine: what a reader sees)."""
    rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_name(sheet).to_python()
    header = rows[0]
    return [dict(zip(header, row)) for row in rows[1:]]


def sheet_names(path: Path) -> list[str]:
    return CalamineWorkbook.from_path(str(path)).sheet_names


def parts(path: Path) -> dict[str, str]:
    """Every XML part of the package, decoded."""
    with zipfile.ZipFile(path) as archive:
        return {n: archive.read(n).decode("utf-8") for n in archive.namelist()
                if n.endswith((".xml", ".rels", ".vml"))}


def worksheet_parts(path: Path) -> dict[str, str]:
    """Sheet name → its worksheet XML."""
    xml = parts(path)
    rels = {rel.get("Id"): rel.get("Target", "").lstrip("/")
            for rel in ElementTree.fromstring(xml["xl/_rels/workbook.xml.rels"]).iter(f"{_PKG}Relationship")}
    out = {}
    for sheet in ElementTree.fromstring(xml["xl/workbook.xml"]).iter(f"{_MAIN}sheet"):
        target = rels[sheet.get(_REL_ID)]
        out[sheet.get("name")] = xml[target if target.startswith("xl/") else "xl/" + target]
    return out


def cell_values(path: Path, sheet: str, ref_range: str) -> list[object]:
    """Values of a rectangular range (openpyxl), row by row."""
    ws = load_workbook(path, read_only=True)[sheet]
    return [cell.value for row in ws[ref_range] for cell in row]
