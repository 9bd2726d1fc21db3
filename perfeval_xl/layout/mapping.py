"""Both directions between the model and a layout's keyed cells.

- `input_values`: a unit's inputs → values for the input cells (prefilled forms,
  simulated returns, parity tests).
- `read_inputs`: values read from a returned workbook's input cells → ProjectInputs.
- `expected_values`: the engine's results → what each computed cell must show (the
  writer's cached values; the collector's comparison with a return's cached values).
"""

from __future__ import annotations

from decimal import Decimal

from perfeval_xl.engine.numbers import to_decimal
from perfeval_xl.layout.contract import Role, WorkbookLayout
from perfeval_xl.model import (
    CompletionAnswer,
    Evaluator,
    FundInput,
    IndicatorInput,
    IndicatorKind,
    Project,
    ProjectInputs,
    ProjectResult,
)

Value = Decimal | str | None


def input_values(layout: WorkbookLayout, project: Project, inputs: ProjectInputs, na_label: str) -> dict[str, Value]:
    """Values for the layout's input cells (only keys the layout has)."""
    out: dict[str, Value] = {}
    for ind_id, inp in inputs.indicators.items():
        base = f"ind:{ind_id}"
        ind = project.indicator(ind_id)
        if ind is None:
            continue
        out[f"{base}:actual"] = inp.actual
        out[f"{base}:tier"] = inp.tier
        out[f"{base}:score_input"] = inp.score
        out[f"{base}:reason"] = inp.reason
        out[f"{base}:na"] = na_label if inp.not_applicable else None
    for fund in inputs.funds:
        out[f"fund:{fund.source}:received"] = fund.received
        out[f"fund:{fund.source}:executed"] = fund.executed
    out["goal:actual"] = inputs.overall_goal_actual
    for i, answer in enumerate(inputs.completion):
        out[f"completion:{i}:status"] = answer.status
        out[f"completion:{i}:note"] = answer.note
    for i, ev in enumerate(inputs.evaluators):
        out[f"evaluator:{i}:name"] = ev.name
        out[f"evaluator:{i}:title"] = ev.title
        out[f"evaluator:{i}:unit"] = ev.unit
        out[f"evaluator:{i}:score"] = ev.score
    return {k: v for k, v in out.items() if v is not None and layout.locate(k) is not None}


def read_inputs(layout: WorkbookLayout, project: Project, values: dict[str, object], na_label: str) -> ProjectInputs:
    """ProjectInputs from the values of the input cells, keyed like the layout."""

    def get(key: str) -> object:
        value = values.get(key)
        if isinstance(value, str) and not value.strip():
            return None
        return value

    def entry(key: str) -> Decimal | str | None:
        value = get(key)
        if value is None:
            return None
        number = to_decimal(value) if not isinstance(value, str) else None
        return number if number is not None else str(value)

    def text(key: str) -> str | None:
        value = get(key)
        if value is None:
            return None
        if isinstance(value, float) and value.is_integer():
            return str(int(value))
        return str(value)

    indicators: dict[str, IndicatorInput] = {}
    for ind in project.indicators:
        base = f"ind:{ind.id}"
        indicators[ind.id] = IndicatorInput(
            actual=entry(f"{base}:actual"),
            tier=text(f"{base}:tier"),
            score=entry(f"{base}:score_input"),
            reason=text(f"{base}:reason"),
            not_applicable=text(f"{base}:na") == na_label,
        )
    funds = tuple(
        FundInput(source=line.source, received=entry(f"fund:{line.source}:received"),
                  executed=entry(f"fund:{line.source}:executed"))
        for line in project.funds
    )
    completion = []
    i = 0
    while layout.locate(f"completion:{i}:status") is not None:
        completion.append(CompletionAnswer(status=text(f"completion:{i}:status"), note=text(f"completion:{i}:note")))
        i += 1
    evaluators = []
    i = 0
    while layout.locate(f"evaluator:{i}:name") is not None:
        name = text(f"evaluator:{i}:name")
        score = entry(f"evaluator:{i}:score")
        if name is not None or score is not None:
            evaluators.append(Evaluator(name=name or "", title=text(f"evaluator:{i}:title"),
                                        unit=text(f"evaluator:{i}:unit"), score=score))
        i += 1
    return ProjectInputs(
        project_id=project.id,
        indicators=indicators,
        funds=funds,
        overall_goal_actual=text("goal:actual"),
        completion=tuple(completion),
        evaluators=tuple(evaluators),
    )


def expected_values(layout: WorkbookLayout, project: Project, result: ProjectResult) -> dict[str, Value]:
    """What every keyed formula cell shows for `result` ("" where the engine has no value)."""
    budget = result.budget
    values: dict[str, Value] = {
        "budget:initial": budget.initial_budget,
        "budget:annual": budget.annual_budget,
        "budget:received": budget.received,
        "budget:executed": budget.executed,
        "budget:balance": budget.balance,
        "budget:arrival_rate": budget.arrival_rate,
        "budget:execution_rate": budget.execution_rate,
        "budget:score_rate": budget.execution_rate,
        "total": result.total,
        "grade": result.grade,
        "unfilled": Decimal(result.unfilled),
        "status:unfilled": Decimal(result.unfilled),
        "evaluators:count": Decimal(result.evaluators.count),
        "evaluators:mean": result.evaluators.mean,
        "evaluators:spread": result.evaluators.spread,
        "evaluators:total": result.total,
    }
    for line in budget.sources:
        base = f"fund:{line.source}"
        values[f"{base}:balance"] = line.balance
        values[f"{base}:arrival_rate"] = line.arrival_rate
        values[f"{base}:execution_rate"] = line.execution_rate
    for ind, r in zip(project.indicators, result.indicators):
        base = f"ind:{ind.id}"
        values[f"{base}:rate"] = r.rate
        values[f"{base}:score"] = r.score
        values[f"{base}:eff"] = r.score
        applicable = not r.not_applicable
        values[f"{base}:applicable_weight"] = (r.weight or Decimal(0)) if applicable else Decimal(0)
        values[f"{base}:applicable"] = Decimal(1 if applicable else 0)
        if r.kind is IndicatorKind.BUDGET:
            values["budget:score"] = r.score
            values[f"{base}:annual"] = budget.annual_budget
            values[f"{base}:executed"] = budget.executed
    for g in result.groups:
        base = "group:" + "/".join(g.path)
        values[f"{base}:score"] = g.score
        values[f"{base}:rate"] = g.rate
    out: dict[str, Value] = {}
    missing = []
    for _sheet, cell in layout.keyed(Role.FORMULA):
        if cell.key not in values:
            missing.append(cell.key)
            continue
        value = values[cell.key]
        out[cell.key] = "" if value is None else value
    if missing:
        raise KeyError(f"no engine value for formula cells {missing[:5]}")
    return out
