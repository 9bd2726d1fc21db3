"""The scoring sheet: 绩效自评 (national column order, a subtotal block below) or
指标体系 (the whole coded tree, group rows carrying their subtotals and 得分率).

Each leaf's score that counts sits in a hidden helper column (得分 for formula rows,
the validated entered score for qualitative and direct rows), so every subtotal and
the total are plain sums over one column.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from decimal import Decimal

from perfeval_xl.engine.evaluate import group_paths
from perfeval_xl.engine.excel import RowRefs, num
from perfeval_xl.engine.resolve import ResolvedIndicator
from perfeval_xl.layout import a1
from perfeval_xl.layout.builder import PERCENT_FORMAT, SCORE_FORMAT, SheetBuilder
from perfeval_xl.layout.context import FormContext
from perfeval_xl.layout.contract import ConditionalFormat, InputType, PrintSetup, SheetSpec, Validation
from perfeval_xl.layout.sheet_budget import BudgetRefs
from perfeval_xl.model import IndicatorKind

LEVEL_HEADERS = ("一级指标", "二级指标", "三级指标", "四级指标")
ZERO = Decimal(0)
REASON = Validation(InputType.TEXT, max_length=1000, prompt="得分低于分值、或超额完成时必须说明原因")


@dataclass(frozen=True)
class Columns:
    """Column positions of the scoring sheet (each computed once: every leaf row asks for them)."""

    levels: int
    tree: bool
    na: bool

    def _base(self) -> int:
        return self.levels

    @cached_property
    def target(self) -> int:
        return self._base() + 1

    @cached_property
    def actual(self) -> int:
        return self._base() + 2

    @cached_property
    def weight(self) -> int:
        return self._base() + 3

    @cached_property
    def rate(self) -> int:
        return self._base() + 4

    @cached_property
    def score(self) -> int:
        return self._base() + 5

    @cached_property
    def score_rate(self) -> int | None:
        return self._base() + 6 if self.tree else None

    @cached_property
    def reason(self) -> int:
        return self._base() + (7 if self.tree else 6)

    @cached_property
    def not_applicable(self) -> int | None:
        return self.reason + 1 if self.na else None

    @cached_property
    def last_visible(self) -> int:
        return self.not_applicable or self.reason

    @cached_property
    def effective(self) -> int:
        # Hidden helpers sit after an empty spacer column: LibreOffice prints a number in a
        # zero-width hidden column as "###" spilling into the next printed cell if it is empty.
        return self.last_visible + 2

    @cached_property
    def applicable_weight(self) -> int | None:
        return self.effective + 1 if self.na else None

    @cached_property
    def applicable_flag(self) -> int | None:
        return self.effective + 2 if self.na else None

    def headers(self) -> list[tuple[int, str]]:
        out = [(i + 1, LEVEL_HEADERS[i]) for i in range(self.levels)]
        out += [(self.target, "年度指标值"), (self.actual, "实际完成值"), (self.weight, "分值"),
                (self.rate, "完成率"), (self.score, "得分")]
        if self.score_rate:
            out.append((self.score_rate, "得分率"))
        out.append((self.reason, "偏差原因分析及改进措施"))
        if self.not_applicable:
            out.append((self.not_applicable, "是否适用"))
        out.append((self.effective, "计分（隐藏）"))
        if self.na:
            out += [(self.applicable_weight, "适用分值（隐藏）"), (self.applicable_flag, "适用（隐藏）")]
        return out


@dataclass(frozen=True)
class ScoringRefs:
    total: str
    grade: str | None
    unfilled: str
    budget_na: str | None = None  # the 预算执行率 row's 不适用 choice (sheet-qualified), if offered


def scoring_sheet(ctx: FormContext, budget: BudgetRefs, budget_required: list[str]) -> tuple[SheetSpec, ScoringRefs]:
    cols = Columns(levels=ctx.framework.levels, tree=not ctx.national, na=ctx.profile.allow_not_applicable)
    spec = SheetSpec(ctx.scoring_sheet, print=PrintSetup(landscape=True))
    sb = SheetBuilder(spec)
    _widths(sb, cols)
    project = ctx.project
    title = "项目支出绩效自评表" if ctx.national else "绩效评价指标体系及评分表"
    sb.label(1, 1, f"（{ctx.title}）{title}", "title", span=cols.last_visible)
    sb.label(2, 1, f"项目名称：{project.name}", "subtitle", span=cols.levels + 1)
    sb.label(2, cols.actual, f"主管部门：{project.department}", "subtitle", span=cols.last_visible - cols.actual + 1)
    sb.label(3, 1, f"实施单位：{project.unit}", "subtitle", span=cols.levels + 1)
    sb.label(3, cols.actual, f"评价方式：{project.mode}", "subtitle", span=cols.last_visible - cols.actual + 1)
    header = 5
    for col, text in cols.headers():
        sb.label(header, col, text, "header")
    spec.freeze = a1.ref(header + 1, cols.levels + 1)
    spec.print.repeat_rows = (header, header)
    spec.hidden_columns = tuple(c for c in (cols.effective, cols.applicable_weight, cols.applicable_flag) if c)

    table = _Table(ctx, sb, cols, budget)
    row = header + 1
    leaf_rows: dict[str, int] = {}
    group_rows: dict[tuple[str, ...], int] = {}
    by_path = {g.path: g for g in project.groups}
    paths = group_paths(project)
    emitted: set[tuple[str, ...]] = set()
    for ind in ctx.resolved:
        path = ind.indicator.path
        if cols.tree:
            for depth in range(1, len(path) + 1):
                prefix = path[:depth]
                if prefix not in emitted:
                    emitted.add(prefix)
                    group_rows[prefix] = row
                    row += 1
        leaf_rows[ind.id] = row
        row += 1
    last_row = row - 1

    # Spans of leaf rows under each group (preorder keeps them contiguous).
    spans: dict[tuple[str, ...], tuple[int, int, list[ResolvedIndicator]]] = {}
    for path in paths:
        members = [r for r in ctx.resolved if r.indicator.path[: len(path)] == path]
        if members:
            rows = [leaf_rows[m.id] for m in members]
            first = group_rows.get(path, min(rows)) if cols.tree else min(rows)
            spans[path] = (first, max(rows), members)

    for ind in ctx.resolved:
        table.leaf(leaf_rows[ind.id], ind)
    if cols.tree:
        for path, r in group_rows.items():
            table.group_row(r, path, by_path.get(path), spans[path])
    else:
        table.merge_names(leaf_rows, spans)

    below = last_row + 2
    if not cols.tree:
        below = table.subtotal_block(below, [p for p in paths if len(p) <= 2 and p in spans], by_path, spans)
    refs = table.totals(below, header + 1, last_row, budget_required)
    table.signature(refs_row=below + 4)
    # Print the visible columns only (not the spacer or the hidden helpers).
    spec.print.area = f"A1:{a1.ref(spec.max_row, cols.last_visible)}"
    return spec, refs


def _widths(sb: SheetBuilder, cols: Columns) -> None:
    for i in range(1, cols.levels + 1):
        sb.spec.widths[i] = 12 if i < cols.levels else 24
    if not cols.tree and cols.levels >= 3:
        sb.spec.widths[2] = 18  # 二级指标 names such as 服务对象满意度指标 on one line
    sb.spec.widths.update({cols.target: 16, cols.actual: 13, cols.weight: 8, cols.rate: 10, cols.score: 9,
                           cols.reason: 34})
    if cols.score_rate:
        sb.spec.widths[cols.score_rate] = 10
    if cols.not_applicable:
        sb.spec.widths[cols.not_applicable] = 10
    for c in (cols.effective, cols.applicable_weight, cols.applicable_flag):
        if c:
            sb.spec.widths[c] = 8


class _Table:
    def __init__(self, ctx: FormContext, sb: SheetBuilder, cols: Columns, budget: BudgetRefs) -> None:
        self.ctx, self.sb, self.cols, self.budget = ctx, sb, cols, budget
        self.f = ctx.formulas
        self.u, self.wrap = ctx.udf_calls, ctx.flavour.wrap
        self.na_label = ctx.profile.not_applicable_label
        self.unfilled: list[tuple[str, str | None]] = []
        self.budget_na: str | None = None
        # The same for every row of the table: made once.
        self.na_choice = Validation(InputType.CHOICE, choices=(self.na_label,), prompt="本指标不适用时选择“不适用”，否则留空")
        self.tier_choice = Validation(InputType.CHOICE, choices=tuple(t.name for t in ctx.profile.qualitative_tiers),
                                      prompt="请选择完成档次")
        self.tier_prompt = _tier_prompt(ctx)

    def _c(self, row: int, col: int | None) -> str:
        assert col is not None
        return a1.ref(row, col)

    def _name(self, ind: ResolvedIndicator) -> str:
        return ind.indicator.label if self.ctx.framework.show_codes else ind.indicator.name

    def leaf(self, row: int, ind: ResolvedIndicator) -> None:
        sb, cols, f, cf = self.sb, self.cols, self.f, self.ctx.conditions
        key = f"ind:{ind.id}"
        level = len(ind.indicator.path) + 1
        sb.data(row, level, self._name(ind), "row_label", span=cols.levels - level + 1)
        weight_cell = self._c(row, cols.weight)
        sb.data(row, cols.weight, ind.weight, "data_num", number_format=SCORE_FORMAT)
        na_cell = self._c(row, cols.not_applicable) if cols.not_applicable else None
        if na_cell:
            sb.input(row, cols.not_applicable, f"{key}:na", self.na_choice, style="input_choice")
        reason_cell = self._c(row, cols.reason)
        sb.input(row, cols.reason, f"{key}:reason", REASON, style="input_text")
        actual_cell = self._c(row, cols.actual)
        score_cell = self._c(row, cols.score)
        eff_cell = self._c(row, cols.effective)
        refs = RowRefs(actual=actual_cell, weight=weight_cell, not_applicable=na_cell)
        kind = ind.kind
        if kind is not IndicatorKind.BUDGET:
            sb.data(row, cols.target, _target_text(ind), "data_wrap")
            sb.fit_rows(row, [(self._name(ind), sb.span_width(level, cols.levels)),
                              (_target_text(ind), sb.spec.widths[cols.target])])

        if kind is IndicatorKind.BUDGET:
            # The budget row reads the budget sheet: 全年预算数 as target, 全年执行数 as actual.
            b = self.budget
            sb.formula(row, cols.target, f"={b.annual}", f"{key}:annual", "formula", "#,##0.00")
            sb.formula(row, cols.actual, f"={b.executed}", f"{key}:executed", "formula", "#,##0.00")
            # Like every row, a budget row marked 不适用 shows no rate and no score (the engine drops it).
            sb.formula(row, cols.rate, f.not_applicable(na_cell, f"={b.rate}"), f"{key}:rate",
                       number_format=PERCENT_FORMAT)
            sb.formula(row, cols.score, f.not_applicable(na_cell, f"={b.score}"), f"{key}:score",
                       number_format=SCORE_FORMAT)
            self.budget_na = a1.qualified(self.ctx.scoring_sheet, na_cell) if na_cell else None
            sb.formula(row, cols.effective, f.effective(ind, refs, score_cell), f"{key}:eff", number_format=SCORE_FORMAT)
        elif kind is IndicatorKind.QUALITATIVE:
            sb.input(row, cols.actual, f"{key}:tier", self.tier_choice, style="input_choice")
            sb.data(row, cols.rate, None, "na_cell")
            rule = f.tier_condition(actual_cell, score_cell, weight_cell)
            sb.input(row, cols.score, f"{key}:score_input", Validation(
                InputType.TIER_SCORE, maximum_cell=weight_cell, formula=rule, prompt=self.tier_prompt),
                number_format=SCORE_FORMAT)
            refs = RowRefs(actual=actual_cell, weight=weight_cell, score_input=score_cell, not_applicable=na_cell)
            sb.formula(row, cols.effective, self.wrap(f.effective(ind, refs, None), self.u.entered(ind, refs)),
                       f"{key}:eff", number_format=SCORE_FORMAT)
            self.unfilled += [(actual_cell, na_cell), (score_cell, na_cell)]
            self._cf(score_cell, cf.invalid_entry(score_cell, eff_cell), "cf_error")
        elif kind is IndicatorKind.DIRECT:
            sb.data(row, cols.actual, None, "na_cell")
            sb.data(row, cols.rate, None, "na_cell")
            sb.input(row, cols.score, f"{key}:score_input", Validation(
                InputType.SCORE, maximum=ind.weight, maximum_cell=weight_cell,
                prompt=f"直接打分：0～{num(ind.weight or ZERO)} 分"), number_format=SCORE_FORMAT)
            refs = RowRefs(actual=actual_cell, weight=weight_cell, score_input=score_cell, not_applicable=na_cell)
            sb.formula(row, cols.effective, self.wrap(f.effective(ind, refs, None), self.u.entered(ind, refs)),
                       f"{key}:eff", number_format=SCORE_FORMAT)
            self.unfilled.append((score_cell, na_cell))
            self._cf(score_cell, cf.invalid_entry(score_cell, eff_cell), "cf_error")
        else:
            percent = ind.target.is_percent
            kind_input = InputType.PERCENT if percent else InputType.NUMBER
            prompt = "百分比：可直接输入“98%”" if percent else f"填写数字，不含单位{('（' + ind.indicator.unit + '）') if ind.indicator.unit else ''}"
            sb.input(row, cols.actual, f"{key}:actual", Validation(kind_input, prompt=prompt))
            rate = f.rate(ind, refs)
            if rate:
                sb.formula(row, cols.rate, self.wrap(rate, self.u.rate(ind, refs)), f"{key}:rate",
                           number_format=PERCENT_FORMAT)
            else:
                sb.data(row, cols.rate, None, "na_cell")
            score = f.score(ind, refs)
            if score:
                sb.formula(row, cols.score, self.wrap(score, self.u.score(ind, refs)), f"{key}:score",
                           number_format=SCORE_FORMAT)
            else:
                sb.data(row, cols.score, None, "na_cell")
            sb.formula(row, cols.effective, f.effective(ind, refs, score_cell if score else None), f"{key}:eff",
                       number_format=SCORE_FORMAT)
            self.unfilled.append((actual_cell, na_cell))
            worse = cf.worse_than_target(ind, actual_cell)
            if worse:
                self._cf(actual_cell, worse, "cf_warn")
            over = cf.over_achievement(ind, actual_cell, reason_cell)
            if over:
                self._cf(reason_cell, over, "cf_warn")
        if ind.kind.value in self.ctx.profile.reason_required_kinds:
            self._cf(reason_cell, cf.reason_missing(eff_cell, weight_cell, reason_cell), "cf_error")
        if cols.na:
            sb.formula(row, cols.applicable_weight, f.applicable(na_cell, self.na_label, weight_cell),
                       f"{key}:applicable_weight", number_format=SCORE_FORMAT)
            sb.formula(row, cols.applicable_flag, f.applicable(na_cell, self.na_label, "1"), f"{key}:applicable")

    def _cf(self, cell: str, formula: str, style: str) -> None:
        self.sb.spec.conditional.append(ConditionalFormat(cell, formula, style))

    def merge_names(self, leaf_rows: dict[str, int], spans: dict[tuple[str, ...], tuple[int, int, list]]) -> None:
        """National form: 一级/二级 names merged over their leaf rows."""
        for path, (first, last, _) in spans.items():
            level = len(path)
            self.sb.data(first, level, path[-1], "row_label", rows=last - first + 1)
            self.sb.fit_rows(first, [(path[-1], self.sb.spec.widths[level])], rows=last - first + 1)

    def group_row(self, row: int, path: tuple[str, ...], group, span: tuple[int, int, list]) -> None:
        sb, cols, f = self.sb, self.cols, self.f
        first, last, members = span
        level = len(path)
        name = f"{group.code} {path[-1]}" if group is not None and group.code else path[-1]
        style = "group_1" if level == 1 else "group_2"
        sb.data(row, level, name, style, span=cols.levels - level + 1)
        weight = group.weight if group is not None and group.weight is not None else sum(
            (m.weight or ZERO for m in members), ZERO)
        sb.data(row, cols.weight, weight, style, number_format=SCORE_FORMAT)
        for col in (cols.target, cols.actual, cols.rate, cols.reason):
            sb.data(row, col, None, style)
        if cols.not_applicable:
            sb.data(row, cols.not_applicable, None, style)
        eff = a1.rng(self._c(first, cols.effective), self._c(last, cols.effective))
        needed, weight_sum = self._needed(first, last, members)
        key = "group:" + "/".join(path)
        score = self._c(row, cols.score)
        sb.formula(row, cols.score, f.group_score([eff], needed), f"{key}:score", style, SCORE_FORMAT)
        sb.formula(row, cols.score_rate, f.group_rate(score, weight_sum), f"{key}:rate", style, PERCENT_FORMAT)

    def _needed(self, first: int, last: int, members: list[ResolvedIndicator]) -> tuple[str, str]:
        cols = self.cols
        if not cols.na:
            return str(len(members)), num(sum((m.weight or ZERO for m in members), ZERO))
        flags = a1.rng(self._c(first, cols.applicable_flag), self._c(last, cols.applicable_flag))
        weights = a1.rng(self._c(first, cols.applicable_weight), self._c(last, cols.applicable_weight))
        return f"SUM({flags})", f"SUM({weights})"

    def subtotal_block(self, row: int, paths: list[tuple[str, ...]], by_path: dict,
                       spans: dict[tuple[str, ...], tuple[int, int, list]]) -> int:
        sb, cols, f = self.sb, self.cols, self.f
        sb.label(row, 1, "分类汇总", "header", span=2)
        sb.label(row, 3, "分值", "header")
        sb.label(row, 4, "得分", "header")
        sb.label(row, 5, "得分率", "header")
        row += 1
        for path in paths:
            first, last, members = spans[path]
            group = by_path.get(path)
            indent = "　　" if len(path) > 1 else ""
            sb.data(row, 1, indent + path[-1], "group_1" if len(path) == 1 else "group_2", span=2)
            weight = group.weight if group is not None and group.weight is not None else sum(
                (m.weight or ZERO for m in members), ZERO)
            sb.data(row, 3, weight, "data_num", number_format=SCORE_FORMAT)
            eff = a1.rng(self._c(first, cols.effective), self._c(last, cols.effective))
            needed, weight_sum = self._needed(first, last, members)
            key = "group:" + "/".join(path)
            sb.formula(row, 4, f.group_score([eff], needed), f"{key}:score", number_format=SCORE_FORMAT)
            sb.formula(row, 5, f.group_rate(a1.ref(row, 4), weight_sum), f"{key}:rate", number_format=PERCENT_FORMAT)
            row += 1
        return row + 1

    def totals(self, row: int, first: int, last: int, budget_required: list[str]) -> ScoringRefs:
        sb, cols, f = self.sb, self.cols, self.f
        eff = a1.rng(self._c(first, cols.effective), self._c(last, cols.effective))
        members = list(self.ctx.resolved)
        needed, weight_sum = self._needed(first, last, members)
        sb.label(row, 1, "总分", "row_total", span=2)
        total = a1.ref(row, 3)
        weights = a1.rng(self._c(first, cols.weight), self._c(last, cols.weight))
        sb.formula(row, 3, self.wrap(f.total([eff], needed, weight_sum), self.u.total(eff, weights, needed)), "total",
                   "formula_total", SCORE_FORMAT)
        grade_formula = f.grade(total)
        sb.label(row, 4, "评价等级", "row_total")
        grade: str | None = None
        if grade_formula:
            grade = a1.ref(row, 5)
            grades = [g.name for g in self.ctx.profile.grades]
            sb.formula(row, 5, self.ctx.flavour.wrap_choice(grade_formula, self.u.grade(total), grades), "grade",
                       "formula_total")
        else:
            sb.label(row, 5, "不评定等级", "formula_total")
        sb.label(row + 1, 1, "未填写项数", "row_label", span=2)
        unfilled = a1.ref(row + 1, 3)
        cells = [(c, None) for c in budget_required] + self.unfilled
        sb.formula(row + 1, 3, f.unfilled(cells, self.na_label), "unfilled", "formula_unfilled")
        sb.label(row + 1, 4, "（为 0 时总分和等级才会显示）", "note", span=4)
        return ScoringRefs(total=total, grade=grade, unfilled=unfilled, budget_na=self.budget_na)

    def signature(self, refs_row: int) -> None:
        signature_block(self.sb, refs_row, self.cols.last_visible)


def signature_block(sb: SheetBuilder, row: int, width: int) -> None:
    """The block printed at the end of a form for signing and stamping."""
    half = max(width // 2, 2)
    sb.label(row, 1, "评价工作组组长（签字）：", "signature", span=half)
    sb.label(row, half + 1, "项目单位负责人（签字并盖章）：", "signature", span=width - half)
    sb.label(row + 2, half + 1, "日期：　　　　年　　月　　日", "signature", span=width - half)
    sb.spec.heights[row] = 36
    sb.spec.heights[row + 2] = 24


def _target_text(ind: ResolvedIndicator) -> str:
    text = ind.target.raw or ""
    if ind.indicator.deduction_rule:
        text = f"{text}（{ind.indicator.deduction_rule}）" if text else ind.indicator.deduction_rule
    if ind.bands and not text:
        text = "；".join(f"{b.label}：{b.text}" for b in ind.bands)
    return text


def _tier_prompt(ctx: FormContext) -> str:
    parts = []
    for t in ctx.profile.qualitative_tiers:
        high = "]" if t.high_inclusive else ")"
        parts.append(f"{t.name}：[{num(t.low * 100)}%,{num(t.high * 100)}%{high}")
    return "得分须在所选档次范围内（占分值比例）：" + "；".join(parts)
