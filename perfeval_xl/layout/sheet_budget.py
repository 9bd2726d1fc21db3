"""预算执行: sources × (年初预算数, 全年预算数) locked, 实际到位资金 and 全年执行数 typed,
结余, 到位率, 执行率 and the 预算执行率 score computed."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from perfeval_xl.layout import a1
from perfeval_xl.layout.builder import MONEY_FORMAT, PERCENT_FORMAT, SCORE_FORMAT, SheetBuilder
from perfeval_xl.layout.context import SHEET_BUDGET, FormContext
from perfeval_xl.layout.contract import InputType, PrintSetup, SheetSpec, Validation
from perfeval_xl.model import IndicatorKind

HEADERS = ("资金来源", "年初预算数", "全年预算数", "实际到位资金", "全年执行数", "结余", "到位率", "执行率")
MONEY_PROMPT = "单位：万元，填写非负数"


@dataclass(frozen=True)
class BudgetRefs:
    """Cells other sheets read (sheet-qualified)."""

    annual: str
    executed: str
    rate: str
    score: str | None


def budget_sheet(ctx: FormContext) -> tuple[SheetSpec, BudgetRefs, list[str]]:
    """The sheet, the cells other sheets read, and the required (budgeted) amount cells."""
    spec = SheetSpec(SHEET_BUDGET, print=PrintSetup(landscape=True, repeat_rows=(4, 4)))
    sb = SheetBuilder(spec)
    sb.widths(16, 13, 13, 14, 14, 12, 11, 11)
    f, u, wrap = ctx.formulas, ctx.udf_calls, ctx.flavour.wrap
    project = ctx.project
    sb.label(1, 1, f"{ctx.title}项目预算执行情况", "title", span=8)
    sb.label(2, 1, f"项目名称：{project.name}", "subtitle", span=6)
    sb.label(2, 7, "单位：万元", "subtitle_right", span=2)
    for col, header in enumerate(HEADERS, start=1):
        sb.label(4, col, header, "header")
    spec.freeze = "B5"

    row = 5
    received_cells: list[str] = []
    executed_cells: list[str] = []
    required: list[bool] = []
    annual_cells: list[str] = []
    initial_cells: list[str] = []
    for line in project.funds or ():
        budgeted = bool(line.annual_budget)
        key = f"fund:{line.source}"
        sb.data(row, 1, line.source, "row_label")
        sb.data(row, 2, line.initial_budget, "data_num", number_format=MONEY_FORMAT)
        sb.data(row, 3, line.annual_budget, "data_num", number_format=MONEY_FORMAT)
        prompt = MONEY_PROMPT if budgeted else MONEY_PROMPT + "；无此来源资金可不填"
        sb.input(row, 4, f"{key}:received", Validation(InputType.MONEY, prompt=prompt))
        sb.input(row, 5, f"{key}:executed", Validation(InputType.MONEY, prompt=prompt))
        d, e, c = a1.ref(row, 4), a1.ref(row, 5), a1.ref(row, 3)
        sb.formula(row, 6, f.difference(d, e), f"{key}:balance", number_format=MONEY_FORMAT)
        sb.formula(row, 7, f.ratio(d, c), f"{key}:arrival_rate", number_format=PERCENT_FORMAT)
        sb.formula(row, 8, wrap(f.ratio(e, c), u.execution_rate(c, e)), f"{key}:execution_rate",
                   number_format=PERCENT_FORMAT)
        received_cells.append(d)
        executed_cells.append(e)
        annual_cells.append(c)
        initial_cells.append(a1.ref(row, 2))
        required.append(budgeted)
        row += 1

    total = row
    sb.label(total, 1, "年度资金总额", "row_total")
    if annual_cells:
        sb.formula(total, 2, f.sum_plain(initial_cells), "budget:initial", "formula_total", MONEY_FORMAT)
        sb.formula(total, 3, f.sum_plain(annual_cells), "budget:annual", "formula_total", MONEY_FORMAT)
        sb.formula(total, 4, f.amount_total(received_cells, required), "budget:received", "formula_total", MONEY_FORMAT)
        sb.formula(total, 5, f.amount_total(executed_cells, required), "budget:executed", "formula_total", MONEY_FORMAT)
    else:
        for col in (2, 3, 4, 5):
            sb.data(total, col, None, "formula_total")
    t = {c: a1.ref(total, c) for c in range(2, 9)}
    sb.formula(total, 6, f.difference(t[4], t[5]), "budget:balance", "formula_total", MONEY_FORMAT)
    sb.formula(total, 7, f.ratio(t[4], t[3]), "budget:arrival_rate", "formula_total", PERCENT_FORMAT)
    sb.formula(total, 8, wrap(f.budget_rate(t[5], t[3]), u.execution_rate(t[3], t[5])), "budget:execution_rate",
               "formula_total", PERCENT_FORMAT)
    sb.label(total + 1, 1, "注：结余＝实际到位资金－全年执行数；到位率＝实际到位资金÷全年预算数；执行率＝全年执行数÷全年预算数。",
             "note", span=8)

    score_ref: str | None = None
    budget_leaf = next((r for r in ctx.resolved if r.kind is IndicatorKind.BUDGET), None)
    if budget_leaf is not None:
        s = total + 3
        sb.label(s, 1, "预算执行率得分", "header", span=2)
        sb.label(s, 3, "分值", "header")
        sb.label(s, 4, "执行率", "header")
        sb.label(s, 5, "得分", "header")
        weight: Decimal | None = budget_leaf.weight
        sb.label(s + 1, 1, "得分＝min(执行率, 100%)×分值", "note", span=2)
        sb.data(s + 1, 3, weight, "data_num", number_format=SCORE_FORMAT)
        sb.formula(s + 1, 4, f"={t[8]}", "budget:score_rate", number_format=PERCENT_FORMAT)
        score = wrap(f.budget_score(a1.ref(s + 1, 4), a1.ref(s + 1, 3)), u.execution_score(t[3], t[5], a1.ref(s + 1, 3)))
        sb.formula(s + 1, 5, score, "budget:score", "formula_total", SCORE_FORMAT)
        score_ref = a1.qualified(SHEET_BUDGET, a1.ref(s + 1, 5))
    refs = BudgetRefs(
        annual=a1.qualified(SHEET_BUDGET, t[3]),
        executed=a1.qualified(SHEET_BUDGET, t[5]),
        rate=a1.qualified(SHEET_BUDGET, t[8]),
        score=score_ref,
    )
    required_cells = [a1.qualified(SHEET_BUDGET, cell) for cells in (received_cells, executed_cells)
                      for cell, needed in zip(cells, required) if needed]
    return spec, refs, required_cells
