"""Locked content: every label and data cell compared with the form as issued, each change named.

One LOCKED_CELL_CHANGED per changed cell, with the issued and the found value (and,
for text, the first differing character by code point). A formula typed into a
locked cell is a change too, and so is anything filled outside the form's cells
(every such cell is locked: rows appended below a table, notes beside it); those are
listed up to MAX_OUTSIDE per sheet, the last finding saying how many more there are.
The definition the workbook carries in `_meta` is compared by meaning (decoded), not
by its base64 text, and reported with the definition fields that differ. A sheet that
is gone is reported by the sheet check, not cell by cell; a renamed sheet is compared
under its new name.
"""

from __future__ import annotations

from typing import Any

from perfeval_xl.findings import Finding, finding
from perfeval_xl.intake.cellref import cell_name, parse_ref
from perfeval_xl.intake.checks.context import CheckContext
from perfeval_xl.intake.reader import SheetRead
from perfeval_xl.integrity.checks.issued import issued_for
from perfeval_xl.integrity.checks.sheetmap import issued_pairing
from perfeval_xl.integrity.checks.values import difference, same, shown
from perfeval_xl.integrity.issue import SIGNATURE_KEY
from perfeval_xl.layout.contract import META_SHEET, Cell, SheetSpec
from perfeval_xl.layout.definition import PREFIX as DEFINITION_PREFIX
from perfeval_xl.layout.definition import IssuedDefinition, chunks_from_meta, decode

MAX_LISTED_FIELDS = 5
MAX_OUTSIDE = 100
_DEFINITION_KEY = f"meta:{DEFINITION_PREFIX}"


def check_locked_content(ctx: CheckContext) -> list[Finding]:
    """Every locked cell whose value (or formula) differs from the issued form."""
    issued = issued_for(ctx)
    if issued is None:
        return []
    pairing = issued_pairing(ctx, issued)
    out: list[Finding] = []
    areas = ctx.areas(issued.layout)
    for spec in issued.layout.sheets:
        sheet = pairing.by_expected.get(spec.name)
        if sheet is None:
            continue
        chunks: list[Cell] = []
        values, formulas = sheet.values, sheet.formulas
        meta = spec.name == META_SHEET  # the only sheet with definition chunks
        for cell in ctx.signed_cells(spec):
            if meta and cell.key and cell.key.startswith(_DEFINITION_KEY):
                chunks.append(cell)
                continue
            found = values.get((cell.row, cell.col))
            expected = cell.value
            if type(found) is type(expected) and found == expected and cell.ref not in formulas:
                continue  # unchanged: `same` without a call (most cells)
            changed = _changed_cell(ctx, spec.name, sheet, cell)
            if changed is not None:
                out.append(changed)
        if chunks:
            out.extend(_changed_definition(ctx, spec.name, sheet, chunks, issued.definition))
        out.extend(_filled_outside(ctx, spec, sheet, areas[spec.name][0]))
    return out


def _filled_outside(ctx: CheckContext, spec: SheetSpec, sheet: SheetRead,
                    area: tuple[int, int, int, int]) -> list[Finding]:
    """Cells holding a value or formula inside the form's area where the issued form has no cell
    (the signature row of _meta excepted). Beyond the form's area, filled cells are the intake's
    OUTSIDE_FORM_FILLED warning: notes typed beside a form change nothing that was issued."""
    top, left, bottom, right = area
    known = ctx.positions(spec)
    if spec.name == META_SHEET:
        known = known | {(r, c) for (r, c0), v in sheet.values.items() if c0 == 1 and v == SIGNATURE_KEY for c in (1, 2)}
    # Filled positions not in `known`: values first, then formulas (a set of every filled cell cost more).
    unknown = {p for p in sheet.values if p not in known}
    unknown.update(p for p in map(parse_ref, sheet.formulas) if p is not None and p not in known)
    extra = sorted(p for p in unknown if top <= p[0] <= bottom and left <= p[1] <= right)
    out = []
    for row, col in extra[:MAX_OUTSIDE]:
        ref = cell_name(row, col)
        stored = sheet.formulas.get(ref)
        found = "=" + stored.text if stored is not None and stored.text else shown(sheet.value(row, col))
        out.append(finding("LOCKED_CELL_CHANGED", ctx.at(spec.name, ref), sheet=spec.name, cell=ref, expected="",
                           found=found, detail="该单元格在表格区域以外，下发时为空白。",
                           detail_en="The cell lies outside the form and was blank when issued."))
    if len(extra) > MAX_OUTSIDE:
        more = len(extra) - MAX_OUTSIDE
        last = out[-1]
        out[-1] = last.model_copy(update={"params": {
            **last.params, "detail": f"{last.params['detail']}此表另有 {more} 个表格区域外的单元格被填写，未逐一列出。",
            "detail_en": f"{last.params['detail_en']} {more} more cells outside the form are filled, not listed."}})
    return out


def _changed_cell(ctx: CheckContext, sheet_name: str, sheet: SheetRead, cell: Cell) -> Finding | None:
    found = sheet.value(cell.row, cell.col)
    stored = sheet.formulas.get(cell.ref)
    if stored is None:
        if same(cell.value, found):
            return None
        zh, en = difference(cell.value, found)
        shown_found = shown(found)
    else:
        zh, en = "该单元格现为公式。", "The cell now holds a formula."
        shown_found = "=" + stored.text if stored.text else shown(found)
    return finding("LOCKED_CELL_CHANGED", ctx.at(sheet_name, cell.ref), sheet=sheet_name, cell=cell.ref,
                   expected=shown(cell.value), found=shown_found, detail=zh, detail_en=en)


def _changed_definition(ctx: CheckContext, sheet_name: str, sheet: SheetRead, chunks: list[Cell],
                        issued: IssuedDefinition) -> list[Finding]:
    values = [sheet.value(c.row, c.col) for c in chunks]
    texts = ["" if v is None else str(v) for v in values]
    found: IssuedDefinition | None
    if ctx.definition is not None and texts == chunks_from_meta(ctx.read.meta):
        found = ctx.definition  # the pipeline decoded these very chunks already
    else:
        try:
            found = decode(texts)
        except ValueError:
            found = None
    if found == issued:
        return []
    paths = [] if found is None else definition_changes(issued, found)
    fields = "不可解码" if found is None else "、".join(paths) or "（格式）"
    fields_en = "undecodable" if found is None else ", ".join(paths) or "(encoding)"
    changed = [(c, v) for c, v in zip(chunks, values, strict=True) if not same(c.value, v)]
    changed = changed or [(chunks[0], values[0])]
    return [finding("LOCKED_CELL_CHANGED", ctx.at(sheet_name, c.ref), sheet=sheet_name, cell=c.ref,
                    expected=shown(c.value), found=shown(v),
                    detail=f"这是工作簿内嵌的下发定义，改动的字段：{fields}。",
                    detail_en=f"This is the issued definition the workbook carries; fields changed: {fields_en}.")
            for c, v in changed]


def definition_changes(issued: IssuedDefinition, found: IssuedDefinition) -> list[str]:
    """Paths of the first fields that differ (e.g. "project.indicators[1].target_text"), at most MAX_LISTED_FIELDS."""
    out: list[str] = []
    _diff(issued.model_dump(mode="json"), found.model_dump(mode="json"), "", out)
    return out


def _diff(a: Any, b: Any, path: str, out: list[str]) -> None:
    if len(out) >= MAX_LISTED_FIELDS or a == b:
        return
    if isinstance(a, dict) and isinstance(b, dict):
        for key in list(a) + [k for k in b if k not in a]:
            _diff(a.get(key), b.get(key), f"{path}.{key}" if path else str(key), out)
    elif isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        for index, (x, y) in enumerate(zip(a, b, strict=True)):
            _diff(x, y, f"{path}[{index}]", out)
    else:
        out.append(path or "(root)")
