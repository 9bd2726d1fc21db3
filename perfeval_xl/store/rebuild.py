"""The engine's models rebuilt from stored rows: the inverse of rows.py (no session, no I/O).

A rebuilt ProjectResult carries every stored figure; its findings (and its
indicators' findings) are empty, since the store keeps findings apart, per file and
submission: `finding_from_row` rebuilds those. Numbers are the stored Decimals, so
they equal the engine's rounded to the column's scale (columns.py).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from perfeval_xl.findings import Finding, Location, Severity
from perfeval_xl.model import ProjectResult
from perfeval_xl.model.project import IndicatorKind
from perfeval_xl.model.results import BudgetFigures, EvaluatorSummary, FundFigures, GroupResult, IndicatorResult

Row = Mapping[str, Any]

_FIGURES = ("initial_budget", "annual_budget", "received", "executed", "balance", "arrival_rate", "execution_rate")


def project_result(project_id: str, project: Row, funds: Sequence[Row], groups: Sequence[Row],
                   indicators: Sequence[Row]) -> ProjectResult:
    """One submission's result from its project_results row and its fund, group and indicator rows
    (each sequence in position order)."""
    return ProjectResult(
        project_id=project_id,
        indicators=tuple(_indicator(row) for row in indicators),
        groups=tuple(GroupResult(path=tuple(row["path"]), code=row["code"], weight=row["weight"],
                                 score=row["score"], rate=row["rate"]) for row in groups),
        budget=BudgetFigures(sources=tuple(FundFigures(source=row["source"], **{f: row[f] for f in _FIGURES})
                                           for row in funds),
                             **{f: project[f] for f in _FIGURES}),
        total=project["total"],
        grade=project["grade"],
        unfilled=project["unfilled"],
        evaluators=EvaluatorSummary(count=project["evaluator_count"], mean=project["evaluator_mean"],
                                    minimum=project["evaluator_min"], maximum=project["evaluator_max"]),
        findings=(),
    )


def _indicator(row: Row) -> IndicatorResult:
    return IndicatorResult(
        indicator_id=row["indicator_id"], kind=IndicatorKind(row["kind"]) if row["kind"] is not None else None,
        weight=row["weight"], target=row["target"], actual=row["actual"], rate=row["rate"], score=row["score"],
        met=row["met"], band=row["band"], not_applicable=row["not_applicable"],
    )


def finding_from_row(row: Row) -> Finding:
    """A row of queries.findings as the Finding that was stored (its file: the name it arrived under)."""
    return Finding(
        code=row["code"],
        severity=Severity(row["severity"]),
        location=Location(file=row["original_name"], sheet=row["sheet"], cell=row["cell"], row=row["cell_row"],
                          column=row["cell_column"], project_id=row["project_id"], indicator_id=row["indicator_id"],
                          field=row["field"]),
        params=dict(row["params"]),
    )
