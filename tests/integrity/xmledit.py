"""Tampering by editing the package directly: rewrite parts of the zip, edit cells in sheet XML.

`rewrite(src, dst, edits)` copies a workbook, replacing, adding or (with None) dropping
parts. The text helpers change one thing in a part's XML the way a person with a zip
tool and a text editor would: they do not adjust anything else (no recalculation,
no fixing of references), which is exactly what the checks must cope with.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from xml.sax.saxutils import escape

from perfeval_xl.intake.xmlparts import read_workbook

PartEdit = Callable[[str], str] | bytes | str | None


def rewrite(src: Path, dst: Path, edits: dict[str, PartEdit]) -> Path:
    """Copy `src` to `dst`; per part name: a function of its text, new content, or None to drop it."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        names = zin.namelist()
        for name in names:
            if name not in edits:
                zout.writestr(name, zin.read(name))
                continue
            edit = edits[name]
            if edit is None:
                continue
            if callable(edit):
                edit = edit(zin.read(name).decode("utf-8"))
            zout.writestr(name, edit)
        for name, edit in edits.items():
            if name not in names and edit is not None and not callable(edit):
                zout.writestr(name, edit)
    return dst


def sheet_part(path: Path, sheet: str) -> str:
    with zipfile.ZipFile(path) as archive:
        for info in read_workbook(archive).sheets:
            if info.name == sheet:
                return info.part
    raise KeyError(sheet)


def edit_sheet(src: Path, dst: Path, sheet: str, edit: Callable[[str], str]) -> Path:
    return rewrite(src, dst, {sheet_part(src, sheet): edit})


def _cell_pattern(ref: str) -> re.Pattern[str]:
    return re.compile(rf'<c r="{ref}"(?=[\s/>])[^>]*?(?:/>|>.*?</c>)', re.S)


def _style(cell_xml: str) -> str:
    found = re.search(r'\ss="(\d+)"', cell_xml.split(">", 1)[0])
    return f' s="{found.group(1)}"' if found else ""


def set_cell(xml: str, ref: str, value: str | int | Decimal) -> str:
    """The cell holds `value` (text as an inline string, numbers as <v>), keeping its style."""
    pattern = _cell_pattern(ref)
    found = pattern.search(xml)
    assert found, f"cell {ref} not in the sheet XML"
    style = _style(found.group())
    if isinstance(value, str):
        new = f'<c r="{ref}"{style} t="inlineStr"><is><t xml:space="preserve">{escape(value)}</t></is></c>'
    else:
        new = f'<c r="{ref}"{style}><v>{value}</v></c>'
    return xml[:found.start()] + new + xml[found.end():]


def set_formula_cell(xml: str, ref: str, formula: str, cached: int) -> str:
    """The cell holds a formula (with a cached number), keeping its style."""
    found = _cell_pattern(ref).search(xml)
    assert found, f"cell {ref} not in the sheet XML"
    new = f'<c r="{ref}"{_style(found.group())}><f>{escape(formula)}</f><v>{cached}</v></c>'
    return xml[:found.start()] + new + xml[found.end():]


def drop_formula(xml: str, ref: str) -> str:
    """Paste-as-value: the cell keeps its cached <v> (if any) and loses its <f>."""
    found = _cell_pattern(ref).search(xml)
    assert found, f"cell {ref} not in the sheet XML"
    cell = re.sub(r"<f(?:\s[^>]*)?(?:/>|>.*?</f>)", "", found.group(), flags=re.S)
    return xml[:found.start()] + cell + xml[found.end():]


def set_formula(xml: str, ref: str, formula: str) -> str:
    found = _cell_pattern(ref).search(xml)
    assert found and "<f" in found.group(), f"formula cell {ref} not in the sheet XML"
    cell = re.sub(r"<f(\s[^>]*)?>.*?</f>", lambda m: f"<f{m.group(1) or ''}>{escape(formula)}</f>",
                  found.group(), count=1, flags=re.S)
    return xml[:found.start()] + cell + xml[found.end():]


def shift_rows(xml: str, first: int, by: int = 1) -> str:
    """Rows `first` and below move down `by` (an inserted row), references in formulas left as they were."""
    def row(match: re.Match[str]) -> str:
        number = int(match.group(2))
        return f"{match.group(1)}{number + by if number >= first else number}"

    def cell(match: re.Match[str]) -> str:
        number = int(match.group(3))
        return f"{match.group(1)}{match.group(2)}{number + by if number >= first else number}"

    xml = re.sub(r'(<row r=")(\d+)', row, xml)
    return re.sub(r'(<c r=")([A-Z]+)(\d+)', cell, xml)


def drop_element(xml: str, name: str) -> str:
    """Remove every <name .../> or <name ...>...</name>."""
    return re.sub(rf"<{name}(?:\s[^>]*)?(?:/>|>.*?</{name}>)", "", xml, flags=re.S)


def drop_row(xml: str, row: int) -> str:
    """Remove a whole row of cells (as clearing it and saving would)."""
    return re.sub(rf'<row r="{row}"(?=[\s/>])[^>]*?(?:/>|>.*?</row>)', "", xml, flags=re.S)


def rename_sheet(xml: str, old: str, new: str) -> str:
    return xml.replace(f'<sheet name="{escape(old)}"', f'<sheet name="{escape(new)}"', 1)


def set_property(xml: str, name: str, value: str | None) -> str:
    """Change (or with None remove) a custom document property."""
    pattern = re.compile(rf'<property [^>]*name="{re.escape(name)}"[^>]*>.*?</property>', re.S)
    if value is None:
        return pattern.sub("", xml)
    return pattern.sub(lambda m: re.sub(r"(<vt:lpwstr>).*?(</vt:lpwstr>)",
                                        lambda n: n.group(1) + escape(value) + n.group(2), m.group()), xml)


def add_sheet(src: Path, dst: Path, name: str) -> Path:
    """A new worksheet part with one cell, declared in workbook.xml, its rels and the content types."""
    sheet = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
             '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
             '<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>备注</t></is></c></row></sheetData></worksheet>')
    part = "xl/worksheets/sheet99.xml"
    rel = ('<Relationship Id="rId99" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
           'worksheet" Target="worksheets/sheet99.xml"/>')
    override = ('<Override PartName="/xl/worksheets/sheet99.xml" '
                'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>')
    return rewrite(src, dst, {
        part: sheet,
        "xl/workbook.xml": lambda x: x.replace(
            "</sheets>", f'<sheet name="{escape(name)}" sheetId="99" r:id="rId99"/></sheets>'),
        "xl/_rels/workbook.xml.rels": lambda x: x.replace("</Relationships>", rel + "</Relationships>"),
        "[Content_Types].xml": lambda x: x.replace("</Types>", override + "</Types>"),
    })


def remove_sheet(src: Path, dst: Path, name: str) -> Path:
    """Drop a sheet's <sheet> entry, its relationship, content type and part."""
    part = sheet_part(src, name)
    with zipfile.ZipFile(src) as archive:
        workbook = archive.read("xl/workbook.xml").decode("utf-8")
    rel_id = re.search(rf'<sheet name="{re.escape(escape(name))}"[^>]*r:id="(rId\d+)"', workbook)
    assert rel_id
    return rewrite(src, dst, {
        part: None,
        "xl/workbook.xml": lambda x: re.sub(rf'<sheet name="{re.escape(escape(name))}"[^>]*/>', "", x),
        "xl/_rels/workbook.xml.rels": lambda x: re.sub(rf'<Relationship Id="{rel_id.group(1)}"[^>]*/>', "", x),
        "[Content_Types].xml": lambda x: re.sub(rf'<Override PartName="/{re.escape(part)}"[^>]*/>', "", x),
    })


VBA_BYTES = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504  # an OLE2 header: the look of a vbaProject.bin


def add_vba(src: Path, dst: Path, data: bytes = VBA_BYTES) -> Path:
    """A VBA project part, related from the workbook, with the macro-enabled main content type."""
    rel = ('<Relationship Id="rIdVba" Type="http://schemas.microsoft.com/office/2006/relationships/vbaProject" '
           'Target="vbaProject.bin"/>')
    default = '<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/>'
    return rewrite(src, dst, {
        "xl/vbaProject.bin": data,
        "xl/_rels/workbook.xml.rels": lambda x: x.replace("</Relationships>", rel + "</Relationships>"),
        "[Content_Types].xml": lambda x: x.replace("<Default ", default + "<Default ", 1).replace(
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
            "application/vnd.ms-excel.sheet.macroEnabled.main+xml"),
    })
