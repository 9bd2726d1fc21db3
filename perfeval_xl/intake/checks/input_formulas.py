"""Input cells take typed values only. A formula typed into one (=B5*2, or a link to
another workbook) is an error naming the cell: its result may change whenever the
workbook is recalculated, and the engine reads only what it shows now."""

from __future__ import annotations

from perfeval_xl.findings import Finding, finding
from perfeval_xl.intake.cellnames import describe_key
from perfeval_xl.intake.checks.context import CheckContext

SHOWN = 80  # characters of the formula quoted


def input_formulas(ctx: CheckContext) -> list[Finding]:
    assert ctx.bound is not None
    project = ctx.bound.definition.project
    out: list[Finding] = []
    for sheet_name, ref, key in ctx.bound.input_formulas:
        sheet = ctx.read.sheet(sheet_name)
        stored = sheet.formulas.get(ref) if sheet else None
        text = stored.text if stored and stored.text else "…"
        item, item_en = describe_key(key, project)
        out.append(finding("INPUT_FORMULA", ctx.at(sheet=sheet_name, cell=ref), item=item, item_en=item_en,
                           formula="=" + text[:SHOWN]))
    return out
