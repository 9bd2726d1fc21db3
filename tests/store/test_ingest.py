"""Storing a received file: every row with its values, one transaction, idempotent by content."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import select

from perfeval_xl.findings import Location, finding
from perfeval_xl.model import ProjectInputs
from perfeval_xl.store import (
    Outcome,
    Store,
    file_known,
    ingest_file,
    record_known_file,
    record_run_finish,
    record_run_start,
    repository,
    summary_counts,
)
from perfeval_xl.store.schema import (
    AuditRow,
    FileRow,
    FindingRow,
    FundResultRow,
    GroupResultRow,
    IndicatorResultRow,
    ProjectResultRow,
    ReceiptRow,
    RunFileRow,
    RunRow,
    SubmissionRow,
)
from tests.store.support import BATCH, dump, intake, reason_missing, sha


def test_a_file_is_stored_with_its_submission_results_findings_and_audit(store: Store) -> None:
    run_id = record_run_start(store, "collect", {"folder": "returns"})
    received = intake("P001_项目.xlsx", findings=[reason_missing()], outcome=Outcome.ACCEPTED_WITH_FINDINGS,
                      receipts=[("水务局", "2025-03-30 10:15")])
    outcome = ingest_file(store, run_id, received)
    digest = sha("P001_项目.xlsx")
    assert outcome.model_dump() == {"sha256": digest, "action": "new", "submission_ids": (1,)}

    with store.read() as s:
        assert s.execute(select(FileRow.sha256, FileRow.size, FileRow.format, FileRow.original_name,
                                FileRow.archive_path, FileRow.outcome, FileRow.seen_seq, FileRow.first_seen_round,
                                FileRow.collector_first_seen_at)).one() == (
            digest, len("P001_项目.xlsx"), "xlsx", "P001_项目.xlsx", f"{digest[:2]}/{digest}.xlsx",
            "accepted_with_findings", 1, 1, dt.datetime(2025, 4, 1, 9, 0, 3))
        assert s.execute(select(ReceiptRow.id, ReceiptRow.file_name, ReceiptRow.sender_unit,
                                ReceiptRow.received_at)).all() == [
            (1, "P001_项目.xlsx", "水务局", dt.datetime(2025, 3, 30, 10, 15))]
        sub = s.execute(select(SubmissionRow)).scalar_one()
        assert (sub.id, sub.project_id, sub.batch_id, sub.issued_version, sub.outcome, sub.received_at,
                sub.receipt_rank, sub.is_late, sub.is_current, sub.superseded_by, sub.needs_decision) == (
            1, "P001", BATCH, 1, "accepted_with_findings", dt.datetime(2025, 3, 30, 10, 15), 1, None, True, None,
            False)
        assert ProjectInputs.model_validate_json(sub.inputs_json).indicator("I01").actual == Decimal("20")
        project = s.execute(select(ProjectResultRow)).scalar_one()
        assert (project.initial_budget, project.annual_budget, project.received, project.executed, project.balance,
                project.arrival_rate, project.execution_rate, project.total, project.grade, project.unfilled,
                project.evaluator_count, project.evaluator_mean, project.evaluator_min, project.evaluator_max) == (
            Decimal("150"), Decimal("147"), Decimal("147"), Decimal("121.88"), Decimal("25.12"), Decimal("1"),
            Decimal("0.8291156462585034"), Decimal("18.33"), "差", 0, 3, Decimal("90.33"), Decimal("86"),
            Decimal("96"))
        assert s.execute(select(FundResultRow.position, FundResultRow.source, FundResultRow.annual_budget,
                                FundResultRow.executed, FundResultRow.received)).all() == [
            (1, "当年财政拨款", Decimal("147"), Decimal("121.88"), None)]
        assert s.execute(select(GroupResultRow.position, GroupResultRow.path, GroupResultRow.level,
                                GroupResultRow.name, GroupResultRow.weight, GroupResultRow.score,
                                GroupResultRow.rate).order_by(GroupResultRow.position)).all() == [
            (1, ["产出指标"], 1, "产出指标", Decimal("20"), Decimal("18.33"), Decimal("0.9165")),
            (2, ["产出指标", "数量指标"], 2, "数量指标", Decimal("10"), Decimal("8.33"), Decimal("0.833")),
        ]
        assert s.execute(select(IndicatorResultRow.indicator_id, IndicatorResultRow.position,
                                IndicatorResultRow.kind, IndicatorResultRow.weight, IndicatorResultRow.target,
                                IndicatorResultRow.actual, IndicatorResultRow.rate, IndicatorResultRow.score,
                                IndicatorResultRow.met, IndicatorResultRow.not_applicable)
                         .order_by(IndicatorResultRow.position)).all() == [
            ("I01", 1, "positive", Decimal("10"), Decimal("24"), Decimal("20"), Decimal("0.8333333333333333"),
             Decimal("8.33"), False, False),
            ("I02", 2, "reverse", Decimal("10"), Decimal("0.05"), Decimal("0.05"), Decimal("1"), Decimal("10"),
             True, False),
        ]
        assert s.execute(select(FindingRow.id, FindingRow.file_sha256, FindingRow.submission_id, FindingRow.code,
                                FindingRow.severity, FindingRow.sheet, FindingRow.cell, FindingRow.indicator_id,
                                FindingRow.field, FindingRow.params)).all() == [
            (1, digest, 1, "REASON_MISSING", "error", "绩效自评表", "I12", "I01", "reason",
             {"indicator": "受益人数", "score": "8.33", "weight": "10"})]
        assert s.execute(select(AuditRow.id, AuditRow.run_id, AuditRow.actor, AuditRow.action, AuditRow.entity,
                                AuditRow.entity_key).order_by(AuditRow.id)).all() == [
            (1, run_id, "tester@test-host", "file.received", "files", digest),
            (2, run_id, "tester@test-host", "receipt.recorded", "receipts", "1"),
            (3, run_id, "tester@test-host", "submission.recorded", "submissions", "1"),
        ]
        recorded = s.execute(select(AuditRow.detail).where(AuditRow.id == 3)).scalar_one()
        assert recorded == {"batch_id": BATCH, "project_id": "P001", "file_sha256": digest,
                            "outcome": "accepted_with_findings", "issued_version": 1, "receipt_rank": 1,
                            "is_current": True, "needs_decision": False, "is_late": None}
        assert s.execute(select(RunFileRow.run_id, RunFileRow.position, RunFileRow.file_sha256,
                                RunFileRow.action)).all() == [(run_id, 1, digest, "new")]


def test_findings_of_the_result_and_of_the_intake_are_stored_once_each(store: Store) -> None:
    shared = reason_missing("I01")
    extra = finding("OVER_ACHIEVEMENT", Location(sheet="绩效自评表", cell="F13", indicator_id="I02"),
                    indicator="达标率", rate="130%", threshold="1.2")
    received = intake("P001.xlsx", findings=[shared, extra])
    result = received.submissions[0].result
    assert result is not None
    with_result_findings = received.model_copy(update={"submissions": (received.submissions[0].model_copy(
        update={"result": result.model_copy(update={"findings": (shared,)})}),)})
    ingest_file(store, record_run_start(store, "collect"), with_result_findings)
    with store.read() as s:
        assert s.execute(select(FindingRow.code, FindingRow.cell).order_by(FindingRow.id)).all() == [
            ("REASON_MISSING", "I12"), ("OVER_ACHIEVEMENT", "F13")]


def test_a_file_no_project_could_be_read_from_keeps_its_findings_at_file_level(store: Store) -> None:
    gate = finding("SIGNATURE_MISSING", Location(file="垃圾.xlsx"))
    received = intake("垃圾.xlsx", project_id=None, outcome=Outcome.REJECTED, file_findings=[gate])
    outcome = ingest_file(store, record_run_start(store, "collect"), received)
    assert outcome.submission_ids == ()
    with store.read() as s:
        assert s.execute(select(SubmissionRow.id)).all() == []
        assert s.execute(select(FindingRow.submission_id, FindingRow.code, FindingRow.severity)).all() == [
            (None, "SIGNATURE_MISSING", "reject")]
    counts = summary_counts(store)
    assert (counts.received, counts.rejected, counts.accepted) == (1, 1, 0)


def test_ingesting_the_same_content_again_changes_nothing_but_the_run_records(store: Store) -> None:
    files = [intake("P001.xlsx", receipts=[("甲", "2025-03-30 10:00")]), intake("P002.xlsx", "P002"),
             intake("bad.xlsx", project_id=None, outcome=Outcome.REJECTED)]
    first = record_run_start(store, "collect")
    assert [ingest_file(store, first, f).action for f in files] == ["new", "new", "new"]
    record_run_finish(store, first)
    before = dump(store)

    second = record_run_start(store, "collect")
    assert [ingest_file(store, second, f).action for f in files] == ["known", "known", "known"]
    record_run_finish(store, second)
    assert dump(store) == before
    with store.read() as s:
        assert s.execute(select(RunRow.id, RunRow.round_no, RunRow.status).order_by(RunRow.id)).all() == [
            (first, 1, "completed"), (second, 2, "completed")]
        assert s.execute(select(RunFileRow.action).where(RunFileRow.run_id == second)
                         .order_by(RunFileRow.position)).scalars().all() == ["known", "known", "known"]


def test_a_known_file_seen_with_a_new_receipt_records_only_the_receipt(store: Store) -> None:
    run_id = record_run_start(store, "collect")
    ingest_file(store, run_id, intake("P001.xlsx"))
    outcome = record_known_file(store, run_id, sha("P001.xlsx"), "P001.xlsx",
                                intake("P001.xlsx", receipts=[("甲", "2025-03-30 10:00")]).receipts)
    assert (outcome.action, outcome.submission_ids) == ("receipt", (1,))
    with store.read() as s:
        assert s.execute(select(SubmissionRow.received_at)).scalar_one() == dt.datetime(2025, 3, 30, 10)
        assert s.execute(select(AuditRow.action).order_by(AuditRow.id)).scalars().all() == [
            "file.received", "submission.recorded", "receipt.recorded"]


def test_a_failure_in_the_middle_of_a_file_stores_nothing_of_it(store: Store, monkeypatch: pytest.MonkeyPatch
                                                                ) -> None:
    run_id = record_run_start(store, "collect")
    ingest_file(store, run_id, intake("P001.xlsx"))
    before = dump(store, volatile=True)

    real = repository._store_findings
    calls = []

    def failing(*args: object) -> None:
        calls.append(args)
        real(*args)  # the findings are written ...
        raise OSError("disk unplugged")  # ... and then the process fails before the commit

    monkeypatch.setattr(repository, "_store_findings", failing)
    with pytest.raises(OSError, match="disk unplugged"):
        ingest_file(store, run_id, intake("P001_v2.xlsx", "P001", findings=[reason_missing()]))
    assert len(calls) == 1
    assert dump(store, volatile=True) == before
    assert not file_known(store, sha("P001_v2.xlsx"))

    monkeypatch.setattr(repository, "_store_findings", real)
    assert ingest_file(store, run_id, intake("P001_v2.xlsx", "P001", findings=[reason_missing()])).action == "new"
    with store.read() as s:
        assert s.execute(select(SubmissionRow.id, SubmissionRow.is_current, SubmissionRow.superseded_by)
                         .order_by(SubmissionRow.id)).all() == [(1, False, 2), (2, True, None)]


def test_ingest_needs_a_recorded_run(store: Store) -> None:
    with pytest.raises(ValueError, match="run 7 is not recorded"):
        ingest_file(store, 7, intake("P001.xlsx"))
    with pytest.raises(ValueError, match="is not stored; use ingest_file"):
        record_known_file(store, record_run_start(store, "collect"), sha("nothing"), "nothing.xlsx")


def test_the_outcome_of_a_file_is_its_worst_finding() -> None:
    warning = finding("OVER_ACHIEVEMENT", indicator="达标率", rate="130%", threshold="1.2")
    assert Outcome.of([]) is Outcome.ACCEPTED
    assert Outcome.of([warning]) is Outcome.ACCEPTED
    assert Outcome.of([warning, reason_missing()]) is Outcome.ACCEPTED_WITH_FINDINGS
    assert Outcome.of([reason_missing(), finding("SIGNATURE_INVALID")]) is Outcome.REJECTED
