"""Evaluate a project: indicator scores, budget figures, subtotals, total, grade, findings.

This is the single source of truth for every number the product shows. It does no
I/O; the workbook formulas, the UDFs and the collector are checked against it.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterable, Sequence
from decimal import Decimal
from functools import lru_cache, partial
from operator import attrgetter, is_
from typing import NamedTuple

from perfeval_xl.engine.memo import per_object
from perfeval_xl.engine.indicator import FIELD_LABELS, IndicatorScorer, locate, number_entry
from perfeval_xl.engine.numbers import div, round_half_up
from perfeval_xl.engine.profile import ScoringProfile
from perfeval_xl.engine.resolve import ResolvedIndicator, resolve
from perfeval_xl.engine.stated import FIGURE_LABELS, check_stated, check_stated_grade
from perfeval_xl.findings import Finding, Location, finding
from perfeval_xl.model.inputs import BLANK_INPUT, Entry
from perfeval_xl.model import (
    BudgetFigures,
    EvaluatorSummary,
    FundFigures,
    GroupResult,
    IndicatorKind,
    IndicatorResult,
    Project,
    ProjectInputs,
    ProjectResult,
)
from perfeval_xl.model.results import trusted

ZERO, HUNDRED = Decimal(0), Decimal(100)  # compared with: a Decimal compares faster with a Decimal than an int
# Results built from values the engine computed itself, of the declared types: no validation needed.
_ProjectResult, _BudgetFigures, _FundFigures = trusted(ProjectResult), trusted(BudgetFigures), trusted(FundFigures)
_GroupResult, _EvaluatorSummary = trusted(GroupResult), trusted(EvaluatorSummary)
BUDGET_LABEL = "预算执行率"


def resolve_project(
    project: Project, profile: ScoringProfile, default_kind: IndicatorKind | None = None
) -> list[ResolvedIndicator]:
    """Every indicator of `project` resolved (remembered while the project object lives)."""
    return list(_resolved(project, profile, default_kind))


def _resolved(
    project: Project, profile: ScoringProfile, default_kind: IndicatorKind | None = None
) -> tuple[ResolvedIndicator, ...]:
    # Keyed by the profile's identity; the entry holds the profile, so that identity stays its own.
    held, resolved = per_object(project, ("resolved", id(profile), default_kind), _held_resolution, project, profile,
                                default_kind)
    if held is not profile:  # pragma: no cover - the entry keeps `held` alive, so ids cannot collide
        resolved = tuple(_resolve_all(project, profile, default_kind))
    return resolved


def _held_resolution(
    project: Project, profile: ScoringProfile, default_kind: IndicatorKind | None
) -> tuple[ScoringProfile, tuple[ResolvedIndicator, ...]]:
    return profile, tuple(_resolve_all(project, profile, default_kind))


def _resolve_all(project: Project, profile: ScoringProfile, default_kind: IndicatorKind | None) -> list[ResolvedIndicator]:
    pid = project.id
    return [resolve(ind, profile, default_kind, project_id=pid) for ind in project.indicators]


@lru_cache(maxsize=4096)
def _prefixes(path: tuple[str, ...]) -> tuple[tuple[str, ...], ...]:
    """("产出指标", "数量指标") → (("产出指标",), ("产出指标", "数量指标")); batches repeat a few paths."""
    return tuple(path[:depth] for depth in range(1, len(path) + 1))


def group_paths(project: Project) -> list[tuple[str, ...]]:
    """Every inner node of the tree, in the order the leaves first reach it (preorder)."""
    return [node[0] for node in _tree(project)]


# An inner node of a project's tree and what scoring needs of it, derived from the project alone:
# (path, code of its declared group, points of its declared group, positions of the indicators under it in
# order, Σ weights of those leaves as `_applicable_sums` adds them, the weight its result shows when every leaf
# counts: declared else Σ, that Σ when positive else None: the divisor of its 得分率).
# A plain tuple of strings, numbers and None: the collector stops tracking it, and it stays out of its passes.
_Node = tuple[tuple[str, ...], str | None, Decimal | None, tuple[int, ...], Decimal, Decimal, Decimal | None]


def _tree(project: Project) -> tuple[_Node, ...]:
    """The project's inner nodes, as `group_paths` lists them (remembered per project object)."""
    return per_object(project, "tree", _build_tree, project)


def _build_tree(project: Project) -> tuple[_Node, ...]:
    leaves: dict[tuple[str, ...], list[int]] = {}
    for position, ind in enumerate(project.indicators):
        for node in _prefixes(ind.path):
            leaves.setdefault(node, []).append(position)
    for group in project.groups:
        leaves.setdefault(group.path, [])
    by_path = {g.path: g for g in project.groups}
    nodes = []
    for path, positions in leaves.items():
        weight = ZERO
        for position in positions:
            leaf_weight = project.indicators[position].weight
            if leaf_weight is not None:
                weight += leaf_weight
        group = by_path.get(path)
        declared = group.weight if group else None
        nodes.append((path, group.code if group else None, declared, tuple(positions), weight,
                      weight if declared is None else declared, weight if weight > ZERO else None))
    return tuple(nodes)


class _Funds(NamedTuple):
    """The project's side of the budget table, derived from the project alone."""

    lines: dict[str, _Line]  # by source
    sources: tuple[str, ...]  # the lines' sources in table order
    order: dict[str, int]  # table position of each source
    annual: Decimal | None
    initial: Decimal | None
    zero_budget_matters: bool  # BUDGET_ZERO applies when the annual budget is not positive


class _Line(NamedTuple):
    """A source's line of the budget table (the last one of a repeated source)."""

    initial: Decimal | None
    annual: Decimal | None
    budgeted: bool  # a blank amount of it is an input missing
    positive: bool  # its annual budget is positive (its rates are defined)
    unfilled: int  # how many of the project's lines are of this source and budgeted: each counts its blank amounts


_UNLISTED = _Line(None, None, False, False, 0)  # a source the project does not list


def _funds(project: Project) -> _Funds:
    """The project's `_Funds` (remembered per project object)."""
    return per_object(project, "funds", _build_funds, project)


def _build_funds(project: Project) -> _Funds:
    last = {f.source: f for f in project.funds}
    order = {f.source: i for i, f in enumerate(project.funds)}
    lines = {source: _Line(f.initial_budget, f.annual_budget, bool(f.annual_budget),
                           f.annual_budget is not None and f.annual_budget > ZERO,
                           sum(1 for g in project.funds if g.source == source and g.annual_budget))
             for source, f in last.items()}
    return _Funds(lines, tuple(sorted(lines, key=_source_key(order))), order, project.annual_budget,
                  project.initial_budget,
                  bool(project.funds) or any(ind.kind is IndicatorKind.BUDGET for ind in project.indicators))


def _source_key(order: dict[str, int]) -> Callable[[str], tuple[int, str]]:
    return lambda source: (order.get(source, len(order)), source)


def evaluate(
    project: Project,
    inputs: ProjectInputs | None,
    profile: ScoringProfile,
    resolved: Sequence[ResolvedIndicator] | None = None,
) -> ProjectResult:
    """Score `project` with `inputs` under `profile`. `resolved` may be passed to reuse a resolution."""
    inputs = inputs or ProjectInputs(project_id=project.id)
    resolved = resolved if resolved is not None else _resolved(project, profile)
    budget, findings, unfilled = _budget(project, inputs, profile)

    score = IndicatorScorer(profile, project.id).score
    given = inputs.indicators
    amounts = (budget.annual_budget, budget.executed)
    results = [score(ind, given.get(ind.id) or BLANK_INPUT, amounts) for ind in resolved]
    for found in filter(None, map(_FINDINGS, results)):  # the few results with findings
        unfilled += sum(1 for f in found if f.code == "INPUT_MISSING")
        findings.extend(found)

    scores = list(map(_SCORE, results))
    # Only a profile that allows it marks a leaf not applicable.
    skipped = profile.allow_not_applicable and any(map(_NOT_APPLICABLE, results))
    groups = _groups(project, results, scores, skipped)
    total = _total(results, scores, skipped, profile)
    grade = profile.grade(total)
    evaluators, evaluator_findings = _evaluators(project, inputs, total)
    findings.extend(evaluator_findings)
    findings.extend(_stated(project, inputs, results, groups, budget, total, grade, evaluators))
    return _ProjectResult(project_id=project.id, indicators=tuple(results), groups=tuple(groups), budget=budget,
                          total=total, grade=grade, unfilled=unfilled, evaluators=evaluators, findings=tuple(findings))


def evaluate_many(
    items: Iterable[tuple[Project, ProjectInputs | None]], profile: ScoringProfile
) -> list[ProjectResult]:
    """`evaluate` each (project, inputs) pair, with the cyclic garbage collector's full passes held back meanwhile.

    The engine creates no reference cycles (tests/test_engine_batch.py checks it), so
    nothing is left for the collector to find; but with a loaded batch of thousands of
    projects in memory, its automatic full passes over that heap cost as much as the
    scoring itself. Its young passes still run: they walk the new results a few thousand
    at a time while they are in the processor's cache, which costs less than one pass over
    all of them after the call (or none during it), when they no longer are.
    """
    with full_collections_held():
        return [evaluate(project, inputs, profile) for project, inputs in items]


class full_collections_held:  # noqa: N801 - used like a function, as contextlib.suppress is
    """Hold back the cyclic garbage collector's full passes; its young passes run as configured.

    The thresholds are restored on leaving (the held-back pass comes with a later collection).
    A class rather than a @contextmanager generator, which would allocate a StopIteration
    on leaving.
    """

    def __enter__(self) -> None:
        self._thresholds = gc.get_threshold()
        young, middle, _ = self._thresholds
        gc.set_threshold(young, middle, _NEVER)

    def __exit__(self, exc_type: object, exc: object, tb: object) -> None:  # no *args: no tuple to allocate
        gc.set_threshold(*self._thresholds)


_NEVER = 2**31 - 1  # the largest threshold the collector takes


def budget_figures(project: Project, inputs: ProjectInputs, profile: ScoringProfile) -> tuple[BudgetFigures, list[Finding]]:
    """The budget table: one row per source and totals; a total stays blank while a needed source is blank."""
    figures, findings, _ = _budget(project, inputs, profile)
    return figures, findings


class _Budget(NamedTuple):
    figures: BudgetFigures
    findings: list[Finding]
    unfilled: int  # blank amounts of budgeted sources, which count as unfilled inputs


def _budget(project: Project, inputs: ProjectInputs, profile: ScoringProfile) -> _Budget:
    findings: list[Finding] = []
    funds = _funds(project)
    annual = funds.annual
    lines = funds.lines
    given = {f.source: f for f in inputs.funds}
    sources = funds.sources
    if not given.keys() <= lines.keys():  # sources the project does not list come after its own
        sources = sorted(lines.keys() | given.keys(), key=_source_key(funds.order))
    received_total: Decimal | None = ZERO
    executed_total: Decimal | None = ZERO
    unfilled = 0
    rows: list[FundFigures] = []
    for source in sources:
        line = lines.get(source, _UNLISTED)
        entry = given.get(source)
        received_raw, executed_raw = (entry.received, entry.executed) if entry is not None else (None, None)
        received, counts = _amount(received_raw, line.budgeted, project, "received", source, findings)
        if not counts:
            received_total = None
        elif received is not None and received_total is not None:
            received_total += received
        executed, counts = _amount(executed_raw, line.budgeted, project, "executed", source, findings)
        if not counts:
            executed_total = None
        elif executed is not None and executed_total is not None:
            executed_total += executed
        if line.unfilled:
            unfilled += line.unfilled * (_blank(received_raw) + _blank(executed_raw))
        balance, arrival, execution = _derived(received, executed, line.annual, line.positive)
        rows.append(_FundFigures(source=source, initial_budget=line.initial, annual_budget=line.annual,
                                 received=received, executed=executed, balance=balance, arrival_rate=arrival,
                                 execution_rate=execution))
    if inputs.stated_totals:
        for field, computed in (("received", received_total), ("executed", executed_total)):
            stated_total = inputs.stated_totals.get(field)
            if stated_total is not None and computed is not None and stated_total != computed:
                findings.append(finding("FUNDS_TOTAL_MISMATCH", locate(project_id=project.id, field=field),
                                        field=FIELD_LABELS[field], stated=stated_total, computed=computed))

    positive_budget = annual is not None and annual > ZERO
    if not positive_budget and funds.zero_budget_matters:
        findings.append(finding("BUDGET_ZERO", locate(project_id=project.id, field="annual_budget")))
    if positive_budget:
        limit = annual * profile.amount_unit_slip_ratio
        for field, value in (("executed", executed_total), ("received", received_total)):
            if value is not None and value > limit:
                findings.append(finding("AMOUNT_UNIT_SLIP", locate(project_id=project.id, field=field),
                                        field=FIELD_LABELS[field], value=value, budget=annual,
                                        ratio=round_half_up(div(value, annual), 0)))
    balance, arrival, execution = _derived(received_total, executed_total, annual, positive_budget)
    figures = _BudgetFigures(sources=tuple(rows), initial_budget=funds.initial, annual_budget=annual,
                             received=received_total, executed=executed_total, balance=balance, arrival_rate=arrival,
                             execution_rate=execution)
    return _Budget(figures, findings, unfilled)


def _amount(
    raw: Entry, budgeted: bool, project: Project, field: str, source: str, findings: list[Finding]
) -> tuple[Decimal | None, bool]:
    """(the amount if usable, whether the total over sources can still be added up); findings added to `findings`."""
    if type(raw) is Decimal and raw.is_finite() and raw >= ZERO:  # the usual entry, taken as it is
        return raw, True
    value, bad = number_entry(raw)
    if bad is not None:
        findings.append(finding("INPUT_NOT_NUMBER", _fund_loc(project, field, source), indicator=BUDGET_LABEL,
                                field=f"{source}{FIELD_LABELS[field]}", value=bad))
        return None, False
    if value is None:
        if not budgeted:
            return None, True
        findings.append(finding("INPUT_MISSING", _fund_loc(project, field, source), indicator=BUDGET_LABEL,
                                field=f"{source}{FIELD_LABELS[field]}"))
        return None, False
    if value < ZERO:
        findings.append(finding("NEGATIVE_INPUT", _fund_loc(project, field, source), indicator=BUDGET_LABEL,
                                field=f"{source}{FIELD_LABELS[field]}", value=value))
        return None, False
    return value, True


def _blank(raw: Entry) -> bool:
    """Nothing entered (text in an amount cell is an error of its own, not an unfilled input)."""
    # Not `number_entry(raw) == (None, None)` for a number: comparing a Decimal with None costs an ABC check.
    return raw is None or not isinstance(raw, Decimal) and number_entry(raw) == (None, None)


def _fund_loc(project: Project, field: str, source: str) -> Location:
    return locate(project_id=project.id, field=f"{field}:{source}")


def _derived(
    received: Decimal | None, executed: Decimal | None, annual: Decimal | None, positive: bool
) -> tuple[Decimal | None, Decimal | None, Decimal | None]:
    """(结余 = 到位 − 执行, 到位率 = 到位 / 全年预算数, 执行率 = 执行 / 全年预算数, uncapped); `positive`: 全年预算数 > 0."""
    return (received - executed if received is not None and executed is not None else None,
            div(received, annual) if received is not None and positive else None,
            div(executed, annual) if executed is not None and positive else None)


def _groups(
    project: Project, results: list[IndicatorResult], scores: list[Decimal | None], skipped: bool
) -> list[GroupResult]:
    """Σ weights and Σ rounded scores of the applicable leaves under each inner node.

    `scores` are the leaves' scores; `skipped` says whether some leaf is not applicable.
    """
    tree = _tree(project)
    if skipped:
        groups = []
        for path, code, declared, leaves, _, _, _ in tree:
            weight_sum, score = _applicable_sums(results, leaves)
            groups.append(_GroupResult(path=path, code=code, weight=weight_sum if declared is None else declared,
                                       score=score,
                                       rate=div(score, weight_sum) if score is not None and weight_sum > ZERO else None))
        return groups
    # Every leaf counts: the tree's weights apply, and a node's score is Σ as `_applicable_sums` adds, ZERO first.
    score_at = scores.__getitem__
    if any(map(_IS_NONE, scores)):  # a blank leaf leaves the nodes above it blank
        sums = [None if any(map(_IS_NONE, picked)) else sum(picked, ZERO)
                for picked in (list(map(score_at, node[3])) for node in tree)]
    else:
        sums = [sum(map(score_at, node[3]), ZERO) for node in tree]
    return [_GroupResult(path=path, code=code, weight=shown, score=score,
                         rate=None if score is None or divisor is None else div(score, divisor))
            for (path, code, _, _, _, shown, divisor), score in zip(tree, sums)]


_SCORE = attrgetter("score")
_NOT_APPLICABLE = attrgetter("not_applicable")
_FINDINGS = attrgetter("findings")
_WEIGHT = attrgetter("weight")
_IS_NONE = partial(is_, None)  # rather than `None in`: comparing a Decimal with None costs an ABC check each time


def _applicable_sums(results: list[IndicatorResult], leaves: tuple[int, ...]) -> tuple[Decimal, Decimal | None]:
    """(Σ weights, Σ scores) of the applicable leaves, in order; the score sum is blank while one is."""
    weight_sum = score = ZERO
    for position in leaves:
        r = results[position]
        if r.not_applicable:
            continue
        if r.weight is not None:
            weight_sum += r.weight
        if score is not None:
            score = None if r.score is None else score + r.score
    return weight_sum, score


def _total(
    results: list[IndicatorResult], scores: list[Decimal | None], skipped: bool, profile: ScoringProfile
) -> Decimal | None:
    """Σ rounded scores, rescaled when not-applicable leaves are allowed; `scores`, `skipped` as for `_groups`."""
    if skipped:
        total = weights = ZERO
        applicable = False
        for r in results:
            if r.not_applicable:
                continue
            if r.score is None:
                return None
            applicable = True
            total += r.score
            weights += r.weight
        if not applicable:
            return None
    else:
        if not scores or any(map(_IS_NONE, scores)):
            return None
        total = sum(scores, ZERO)
        if not profile.allow_not_applicable:
            return total
        weights = sum(map(_WEIGHT, results), ZERO)
    if not profile.allow_not_applicable:
        return total
    if weights <= ZERO:
        return None
    # Rescaled once, over the rounded scores (REFERENCE §3, N/A indicators).
    return round_half_up(div(total * profile.total_points, weights), profile.score_places)


def _evaluators(
    project: Project, inputs: ProjectInputs, total: Decimal | None
) -> tuple[EvaluatorSummary, list[Finding]]:
    findings: list[Finding] = []
    scores: list[Decimal] = []
    for position, evaluator in enumerate(inputs.evaluators):
        value = evaluator.score
        if type(value) is Decimal and value.is_finite() and ZERO <= value <= HUNDRED:  # the usual entry
            scores.append(value)
            continue
        value, bad = number_entry(value)
        if bad is not None or (value is not None and not ZERO <= value <= HUNDRED):
            loc = locate(project_id=project.id, field=f"evaluator:{position}")
            findings.append(finding("EVALUATOR_SCORE_INVALID", loc, name=evaluator.name, value=bad or value))
        elif value is not None:
            scores.append(value)
    if not scores:
        return _EvaluatorSummary(count=0, mean=None, minimum=None, maximum=None), findings
    mean = div(sum(scores, ZERO), Decimal(len(scores)))
    summary = _EvaluatorSummary(count=len(scores), mean=mean, minimum=min(scores), maximum=max(scores))
    if total is not None and (shown := round_half_up(mean, 2)) != total:
        findings.append(finding("EVALUATOR_MEAN_DIFFERS", locate(project_id=project.id, field="evaluators"),
                                mean=shown, range=summary.spread, total=total))
    return summary, findings


def _stated(
    project: Project,
    inputs: ProjectInputs,
    results: list[IndicatorResult],
    groups: list[GroupResult],
    budget: BudgetFigures,
    total: Decimal | None,
    grade: str | None,
    evaluators: EvaluatorSummary,
) -> list[Finding]:
    if not inputs.stated:
        return []
    by_id = {r.indicator_id: r for r in results}
    by_name = {g.name: g for g in groups}
    out: list[Finding] = []
    for position, stated in enumerate(inputs.stated):
        loc = locate(project_id=project.id, indicator_id=stated.indicator_id, field=f"stated:{position}")
        figure = stated.figure
        if figure == "grade":
            out.extend(check_stated_grade(stated.text, grade, loc))
            continue
        computed: Decimal | None = None
        label = None
        if figure in ("indicator_score", "indicator_rate", "indicator_actual"):
            result = by_id.get(stated.indicator_id or "")
            if result is None:
                out.append(finding("UNKNOWN_REFERENCE", loc, field="指标编号", value=stated.indicator_id,
                                   target=project.id))
                continue
            computed = {"indicator_score": result.score, "indicator_rate": result.rate,
                        "indicator_actual": result.actual}[figure]
            ind = project.indicator(result.indicator_id)
            label = f"「{ind.label if ind else result.indicator_id}」的" + FIGURE_LABELS[figure].removeprefix("指标")
        elif figure in ("group_score", "group_rate"):
            group = by_name.get(stated.group or "")
            if group is None:
                out.append(finding("UNKNOWN_REFERENCE", loc, field="指标分类", value=stated.group, target=project.id))
                continue
            computed = group.score if figure == "group_score" else group.rate
            label = f"「{group.name}」的" + ("得分" if figure == "group_score" else "得分率")
        else:
            computed = {
                "total": total,
                "evaluator_mean": evaluators.mean,
                "budget_rate": budget.execution_rate,
                "arrival_rate": budget.arrival_rate,
                "executed": budget.executed,
                "received": budget.received,
                "balance": budget.balance,
            }.get(figure)
        if stated.source:
            label = f"{label or FIGURE_LABELS.get(figure, figure)}（{stated.source}）"
        out.extend(check_stated(figure, stated.text, computed, loc, label))
    return out
