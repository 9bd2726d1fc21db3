"""Reading a written workbook back for assertions: sheet rows as values, and raw parts of the package."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

from openpyxl import load_workbook
from python_calamine import CalamineWorkbook

_SHEET_ENTRY = re.compile(r'<sheet name="([^"]+)" sheetId="\d+"(?: state="\w+")? r:id="(rId\d+)"')
_REL = re.compile(r'<Relationship Id="(rId\d+)" Type="[^"]+/(\w+)" Target="([^"]+)"')


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
    rels = {rid: target for rid, kind, target in _REL.findall(xml["xl/_rels/workbook.xml.rels"])
            if kind == "worksheet"}
    out = {}
    for name, rid in _SHEET_ENTRY.findall(xml["xl/workbook.xml"]):
        target = rels[rid].lstrip("/")
        out[name] = xml[target if target.startswith("xl/") else "xl/" + target]
    return out


def cell_values(path: Path, sheet: str, ref_range: str) -> list[object]:
    """Values of a rectangular range (openpyxl), row by row."""
    ws = load_workbook(path, read_only=True)[sheet]
    return [cell.value for row in ws[ref_range] for cell in row]
