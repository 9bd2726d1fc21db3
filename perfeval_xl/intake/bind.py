"""Read a returned workbook through the layout it was issued with.

The layout is rebuilt from the definition the workbook carries in _meta (or, at
collection, from the register's copy); every input, cached result, locked cell and
formula is then looked up by the layout's keys and addresses.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from perfeval_xl.intake.reader import CellValue, ReturnReader, WorkbookRead
from perfeval_xl.intake.xmlparts import FormulaCell
from perfeval_xl.integrity.issue import with_meta
from perfeval_xl.layout import a1
from perfeval_xl.layout.build import build_layout
from perfeval_xl.layout.contract import META_SHEET, Role, WorkbookLayout
from perfeval_xl.layout.definition import IssuedDefinition, chunks_from_meta, decode
from perfeval_xl.layout.mapping import read_inputs
from perfeval_xl.model import ProjectInputs

Rect = tuple[int, int, int, int]


def definition_from_meta(meta: dict[str, str]) -> IssuedDefinition:
    """Raises ValueError when _meta carries no readable definition."""
    chunks = chunks_from_meta(meta)
    if not chunks:
        raise ValueError("no definition in _meta")
    return decode(chunks)


def issued_layout_for(definition: IssuedDefinition, meta: dict[str, str],
                      chunks_as_read: bool = False) -> WorkbookLayout:
    """The layout as it was issued: version and key id as _meta states them.

    `chunks_as_read`: take the definition's encoded chunks from _meta rather than encoding `definition`
    again, for a caller that confirms them afterwards (the workbook's signature covers them)."""
    version = int(meta.get("issued_version") or 1)
    layout = build_layout(definition.batch, definition.project, definition.profile, definition.framework,
                          issued_version=version,
                          encoded_definition=chunks_from_meta(meta) if chunks_as_read else None)
    return with_meta(layout, key_id=meta.get("key_id", ""))


def allowed_ranges(layout: WorkbookLayout) -> dict[str, list[Rect]]:
    """Per sheet, the rectangle the form occupies; anything filled beyond it is unexpected."""
    out: dict[str, list[Rect]] = {}
    for sheet in layout.sheets:
        rows = cols = 0
        for cell in sheet.cells:
            if cell.merge_to:  # a merged cell reaches its merge_to, the others their own address
                row, col = a1.parse(cell.merge_to)
            else:
                row, col = cell.row, cell.col
            if row > rows:
                rows = row
            if col > cols:
                cols = col
        out[sheet.name] = [(1, 1, rows + (2 if sheet.name == META_SHEET else 0), cols)]
    return out


@dataclass
class Bound:
    layout: WorkbookLayout
    definition: IssuedDefinition
    inputs: ProjectInputs
    input_values: dict[str, CellValue]  # input key → value as read
    cached: dict[str, CellValue]  # formula key → cached value as read
    formulas: dict[tuple[str, str], FormulaCell | None]  # (sheet, ref) of each layout formula cell → as read
    input_formulas: list[tuple[str, str, str]] = field(default_factory=list)  # (sheet, ref, key): typed formulas
    missing_sheets: list[str] = field(default_factory=list)
    extra_sheets: list[str] = field(default_factory=list)
    has_cached_values: bool = True  # False when formula cells carry no cached results at all


def bind(read: WorkbookRead, layout: WorkbookLayout, definition: IssuedDefinition) -> Bound:
    sheet_names = {s.name for s in layout.sheets}
    read_names = [s.name for s in read.sheets]
    input_values: dict[str, CellValue] = {}
    cached: dict[str, CellValue] = {}
    formulas: dict[tuple[str, str], FormulaCell | None] = {}
    input_formulas: list[tuple[str, str, str]] = []
    with_value = without_value = 0
    input_role, formula_role = Role.INPUT, Role.FORMULA  # an enum member lookup costs a call in 3.11
    for spec in layout.sheets:
        sheet = read.sheet(spec.name)
        values = sheet.values if sheet else {}
        stored_formulas = sheet.formulas if sheet else {}
        for cell in spec.cells:
            role = cell.role
            if role is input_role and cell.key:
                input_values[cell.key] = values.get((cell.row, cell.col))
                if cell.ref in stored_formulas:
                    input_formulas.append((spec.name, cell.ref, cell.key))
            elif role is formula_role:
                stored = stored_formulas.get(cell.ref)
                formulas[(spec.name, cell.ref)] = stored
                if cell.key:
                    cached[cell.key] = values.get((cell.row, cell.col))
                if stored is not None:
                    with_value += stored.has_value
                    without_value += not stored.has_value
    inputs = read_inputs(layout, definition.project, input_values, definition.profile.not_applicable_label)
    return Bound(
        layout=layout,
        definition=definition,
        inputs=inputs,
        input_values=input_values,
        cached=cached,
        formulas=formulas,
        input_formulas=input_formulas,
        missing_sheets=[name for name in sheet_names if name not in read_names],
        extra_sheets=[name for name in read_names if name not in sheet_names],
        has_cached_values=with_value > 0 or without_value == 0,
    )


def read_returned(path: str | Path) -> WorkbookRead:
    """Every stage of the reader in one call (the form's areas from the definition _meta carries),
    for tools that look at one trusted-enough file outside the pipeline (feedback, tests)."""
    with ReturnReader(path) as reader:
        if reader.read_meta():
            try:
                meta = reader.read.meta
                allowed = allowed_ranges(issued_layout_for(definition_from_meta(meta), meta))
            except Exception:  # an unreadable definition: read the sheets without the form's areas
                allowed = {}
            reader.read_sheets(allowed)
        return reader.read
