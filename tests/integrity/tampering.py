"""Making a returned workbook, by openpyxl (load, change, save) or by editing its XML, always
with one input filled as a unit would (绩效自评!E7 = 16 on the national form).

openpyxl drops every cached formula value and keeps formulas; XML edits change only
what they name. Both are how a unit (or someone helping it) would tamper.
"""

from __future__ import annotations

import base64
import io
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path

from openpyxl import Workbook, load_workbook

from perfeval_xl.intake.bind import read_returned
from perfeval_xl.layout.definition import IssuedDefinition, decode, encode
from tests.integrity import xmledit

SCORING = "绩效自评"
TARGETS = "绩效目标"
META = "_meta"
INPUT_REF, INPUT_VALUE = "E7", 16

SheetEdit = Callable[[str], str]


def by_openpyxl(src: Path, dst: Path, edit: Callable[[Workbook], None] = lambda wb: None,
                vba: bytes | None = None) -> Path:
    wb = load_workbook(src)
    if SCORING in wb.sheetnames:  # the national form; other frameworks get only `edit`
        wb[SCORING][INPUT_REF] = INPUT_VALUE
    edit(wb)
    if vba is not None:  # openpyxl copies VBA parts from `vba_archive` (the source package plus a project)
        buffer = io.BytesIO()
        with zipfile.ZipFile(src) as zin, zipfile.ZipFile(buffer, "w") as zout:
            for name in zin.namelist():
                zout.writestr(name, zin.read(name))
            zout.writestr("xl/vbaProject.bin", vba)
        wb.vba_archive = zipfile.ZipFile(buffer)
    wb.save(dst)
    return dst


def by_xml(src: Path, dst: Path, sheets: dict[str, SheetEdit] | None = None,
           parts: dict[str, xmledit.PartEdit] | None = None) -> Path:
    """Edit sheets (by name) and other parts; the input fill is added to 绩效自评."""
    sheets = dict(sheets or {})
    previous = sheets.get(SCORING, lambda x: x)
    sheets[SCORING] = lambda x: xmledit.set_cell(previous(x), INPUT_REF, INPUT_VALUE)
    edits: dict[str, xmledit.PartEdit] = {xmledit.sheet_part(src, name): fn for name, fn in sheets.items()}
    edits.update(parts or {})
    return xmledit.rewrite(src, dst, edits)


def meta_row(path: Path, key: str) -> int:
    """The _meta row holding `key` in column A."""
    sheet = read_returned(path).sheet(META)
    assert sheet is not None
    return next(r for (r, c), v in sheet.values.items() if c == 1 and v == key)


def meta_value(path: Path, key: str) -> str:
    return read_returned(path).meta[key]


def edited_signature(text: str) -> str:
    """One base64 character of the signature changed (still canonical base64)."""
    head, value = text.rsplit(";", 1)
    position = 10
    replacement = "B" if value[position] != "B" else "C"
    return f"{head};{value[:position]}{replacement}{value[position + 1:]}"


def edited_definition(path: Path, indicator: str, target: str) -> list[str]:
    """The _meta definition chunks with one indicator's target text changed."""
    meta = read_returned(path).meta
    chunks = [v for k, v in sorted(meta.items()) if k.startswith("definition_")]
    definition = decode(chunks)
    project = definition.project
    indicators = tuple(i.model_copy(update={"target_text": target}) if i.id == indicator else i
                       for i in project.indicators)
    changed = definition.model_copy(update={"project": project.model_copy(update={"indicators": indicators})})
    return encode(IssuedDefinition.model_validate(changed.model_dump()))


def definition_bomb() -> str:
    """A definition chunk that inflates to far more than any real definition."""
    return base64.b64encode(zlib.compress(b"{" + b" " * (64 * 1024 * 1024), 9)).decode("ascii")
