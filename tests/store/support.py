"""Builders for the store tests: a deterministic clock, engine results, intakes, and table dumps."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from sqlalchemy import select

from perfeval_xl.findings import Finding, Location, finding
from perfeval_xl.model import (
    BudgetFigures,
    EvaluatorSummary,
    FundFigures,
    GroupResult,
    IndicatorKind,
    IndicatorResult,
    ProjectInputs,
    ProjectResult,
)
from perfeval_xl.model.inputs import IndicatorInput
from perfeval_xl.store import FileIntake, Outcome, Receipt, ReceivedFile, Store, SubmissionIntake
from perfeval_xl.store.columns import COLLECTOR_CLOCK, RUN_RECORD
from perfeval_xl.store.schema import Base

BATCH = "B2024"


class TickClock:
    """A clock that advances one second per reading, from 2025-04-01 09:00."""

    def __init__(self, start: dt.datetime = dt.datetime(2025, 4, 1, 9, 0)) -> None:
        self.current = start

    def __call__(self) -> dt.datetime:
        self.current += dt.timedelta(seconds=1)
        return self.current


def sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def project_result(project_id: str, scores: Sequence[str] = ("8.33", "10"),
                   findings: Sequence[Finding] = ()) -> ProjectResult:
    """Two indicators of 10 points (a positive 20 of 24, a reverse at target) with the given scores."""
    first, second = (Decimal(s) for s in scores)
    total = first + second
    return ProjectResult(
        project_id=project_id,
        indicators=(
            IndicatorResult(indicator_id="I01", kind=IndicatorKind.POSITIVE, weight=Decimal("10"),
                            target=Decimal("24"), actual=Decimal("20"), rate=Decimal(20) / Decimal(24),
                            score=first, met=False, findings=tuple(findings)),
            IndicatorResult(indicator_id="I02", kind=IndicatorKind.REVERSE, weight=Decimal("10"),
                            target=Decimal("0.05"), actual=Decimal("0.05"), rate=Decimal("1"), score=second,
                            met=True, band=None),
        ),
        groups=(GroupResult(path=("产出指标",), weight=Decimal("20"), score=total, rate=total / Decimal(20)),
                GroupResult(path=("产出指标", "数量指标"), weight=Decimal("10"), score=first,
                            rate=first / Decimal(10))),
        budget=BudgetFigures(
            sources=(FundFigures(source="当年财政拨款", annual_budget=Decimal("147"), executed=Decimal("121.88"),
                                 execution_rate=Decimal("121.88") / Decimal("147")),),
            initial_budget=Decimal("150"), annual_budget=Decimal("147"), received=Decimal("147"),
            executed=Decimal("121.88"), balance=Decimal("25.12"), arrival_rate=Decimal("1"),
            execution_rate=Decimal("121.88") / Decimal("147"),
        ),
        total=total,
        grade="差" if total < 60 else "优",
        unfilled=0,
        evaluators=EvaluatorSummary(count=3, mean=Decimal("90.33"), minimum=Decimal("86"), maximum=Decimal("96")),
        findings=tuple(findings),
    )


def reason_missing(indicator_id: str = "I01") -> Finding:
    return finding("REASON_MISSING", Location(sheet="绩效自评表", cell="I12", project_id=None,
                                              indicator_id=indicator_id, field="reason"),
                   indicator="受益人数", score=Decimal("8.33"), weight=Decimal("10"))


def intake(
    name: str,
    project_id: str | None = "P001",
    *,
    outcome: Outcome = Outcome.ACCEPTED,
    batch_id: str = BATCH,
    receipts: Sequence[tuple[str, str]] = (),
    scores: Sequence[str] = ("8.33", "10"),
    findings: Sequence[Finding] = (),
    file_findings: Sequence[Finding] = (),
    content: str | None = None,
    issued_version: int = 1,
) -> FileIntake:
    """A file named `name` (content defaults to the name) holding one project, or none when project_id is None.

    receipts: (sender, "2025-03-30 10:00") pairs naming this file.
    """
    digest = sha(content if content is not None else name)
    submissions: tuple[SubmissionIntake, ...] = ()
    if project_id is not None:
        result = project_result(project_id, scores) if outcome is not Outcome.REJECTED else None
        inputs = ProjectInputs(project_id=project_id, indicators={"I01": IndicatorInput(actual=Decimal("20"))})
        submissions = (SubmissionIntake(project_id=project_id, batch_id=batch_id, issued_version=issued_version,
                                        outcome=outcome, inputs_json=inputs.model_dump_json(), result=result, findings=tuple(findings)),)
    return FileIntake(
        file=ReceivedFile(sha256=digest, original_name=name, size=len(name), format="xlsx",
                          archive_path=f"{digest[:2]}/{digest}.xlsx"),
        outcome=outcome,
        submissions=submissions,
        findings=tuple(file_findings),
        receipts=tuple(Receipt(file_name=name, sender_unit=sender, received_at=dt.datetime.fromisoformat(when))
                       for sender, when in receipts),
    )


def _plain(value: Any) -> Any:
    if isinstance(value, (dict, list)):
        return json.dumps(value, sort_keys=True, ensure_ascii=False)
    if isinstance(value, Decimal):
        return format(value, "f")
    return value


def dump(store: Store, *, volatile: bool = False) -> dict[str, list[tuple[Any, ...]]]:
    """Every table's rows, sorted. Without `volatile`: no run records and no collector-clock columns."""
    out: dict[str, list[tuple[Any, ...]]] = {}
    with store.read() as session:
        for table in Base.metadata.sorted_tables:
            if not volatile and table.info.get(RUN_RECORD):
                continue
            columns = [c for c in table.columns
                       if volatile or not (c.info.get(COLLECTOR_CLOCK) or c.info.get(RUN_RECORD))]
            rows = session.execute(select(*columns)).all()
            out[table.name] = sorted((tuple(_plain(v) for v in row) for row in rows), key=repr)
    return out
