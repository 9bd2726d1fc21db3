"""Assemble the layout of one project's workbook."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace

from perfeval_xl.engine.profile import ScoringProfile
from perfeval_xl.engine.udf_calls import PROFILE_NAME
from perfeval_xl.layout import a1
from perfeval_xl.layout.context import FormContext
from perfeval_xl.layout.contract import FORM_VERSION, Role, SheetSpec, WorkbookLayout
from perfeval_xl.layout.definition import PREFIX as DEFINITION_PREFIX
from perfeval_xl.layout.flavour import NATIVE, PROFILE_KEY, Flavour
from perfeval_xl.layout.sheet_budget import budget_sheet
from perfeval_xl.layout.sheet_other import (
    completion_sheet,
    evaluators_sheet,
    goal_sheet,
    info_sheet,
    instructions_sheet,
    meta_entries,
    meta_sheet,
    targets_sheet,
)
from perfeval_xl.layout.sheet_scoring import scoring_sheet
from perfeval_xl.model import Batch, Project
from perfeval_xl.model.framework import Framework

# Defined names the collector and analysts can rely on whatever the project's size.
NAMED_KEYS = {
    "PE_TOTAL": "total",
    "PE_GRADE": "grade",
    "PE_UNFILLED": "unfilled",
    "PE_BUDGET_ANNUAL": "budget:annual",
    "PE_BUDGET_EXECUTED": "budget:executed",
    "PE_BUDGET_RATE": "budget:execution_rate",
    "PE_BUDGET_SCORE": "budget:score",
    "PE_FORM_VERSION": "meta:form_version",
    "PE_PROJECT_ID": "meta:project_id",
    "PE_BATCH_ID": "meta:batch_id",
    PROFILE_NAME: PROFILE_KEY,  # xlwings flavour only: the scoring profile every UDF call reads
}


def build_layout(
    batch: Batch,
    project: Project,
    profile: ScoringProfile,
    framework: Framework,
    issued_version: int = 1,
    flavour: Flavour = NATIVE,
    encoded_definition: list[str] | None = None,
) -> WorkbookLayout:
    """`encoded_definition`: the chunks `definition.encode` gives for this definition, when the caller
    holds them as issued (the intake: a returned workbook's own, confirmed by its signature)."""
    ctx = FormContext.create(batch, project, profile, framework, flavour)
    budget, budget_refs, budget_required = budget_sheet(ctx)
    scoring, refs = scoring_sheet(ctx, budget_refs, budget_required)
    if refs.budget_na:
        _budget_score_obeys_na(budget, refs.budget_na, ctx)
    entries = meta_entries(ctx, issued_version, encoded_definition) + flavour.meta_entries()
    sheets = [
        instructions_sheet(ctx, refs),
        info_sheet(ctx),
        targets_sheet(ctx),
        budget,
        scoring,
        goal_sheet(ctx),
        completion_sheet(ctx),
        evaluators_sheet(ctx, refs),
        meta_sheet(ctx, entries),
        *flavour.sheets(profile),
    ]
    for sheet in sheets:
        # Font size before font name: a name starting with a digit would extend "&9".
        sheet.print.header = f"&L&9&\"宋体\"{project.name}&R&9&\"宋体\"{sheet.name}"
        sheet.print.footer = "&C&9&\"宋体\"第 &P 页，共 &N 页"
    layout = WorkbookLayout(version=FORM_VERSION, project_id=project.id, sheets=sheets)
    for name, key in NAMED_KEYS.items():
        found = layout.locate(key)
        if found is not None:
            sheet, cell = found
            layout.names[name] = a1.qualified(sheet, a1.absolute(cell.ref))
    # The definition is long and lives in _meta only; the short facts are mirrored as properties.
    layout.properties = {f"perfeval_{k}": v for k, v in entries if not k.startswith(DEFINITION_PREFIX)}
    _check(layout)
    return layout


def _budget_score_obeys_na(budget: SheetSpec, na_cell: str, ctx: FormContext) -> None:
    """The 预算执行 sheet's score follows the 不适用 choice made on the scoring sheet, which is
    built after it (the scoring sheet needs the budget sheet's addresses)."""
    for i, cell in enumerate(budget.cells):
        if cell.key == "budget:score":
            budget.cells[i] = replace(cell, formula=ctx.formulas.not_applicable(na_cell, cell.formula))


def _check(layout: WorkbookLayout) -> None:
    """Internal consistency: one cell per address, one address per key, formulas starting with '='.

    The intake rebuilds a layout per file, so each rule is one comprehension over the cells and
    the offender is looked for only when it fails; the errors keep their precedence: a repeated
    address first, then repeated keys, then a formula without '='."""
    for sheet in layout.sheets:
        refs = [cell.ref for cell in sheet.cells]
        if len(set(refs)) != len(refs):
            seen: set[str] = set()
            for ref in refs:
                if ref in seen:
                    raise AssertionError(f"layout places two cells at {sheet.name}!{ref}")
                seen.add(ref)
    keys = [cell.key for sheet in layout.sheets for cell in sheet.cells if cell.key]
    if len(set(keys)) != len(keys):
        repeated = [key for key, count in Counter(keys).items() if count > 1]
        raise AssertionError(f"layout repeats keys {sorted(repeated)[:5]}")
    formula = Role.FORMULA
    no_equals = next((f"{sheet.name}!{cell.ref}" for sheet in layout.sheets for cell in sheet.cells
                      if cell.role is formula and not (cell.formula or "").startswith("=")), "")
    if no_equals:
        raise AssertionError(f"formula without '=' at {no_equals}")
