"""Resubmissions: receipt order decides the current version; history, late and needs-decision flags."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from perfeval_xl.model import Batch, Manifest, Project
from perfeval_xl.store import (
    Outcome,
    Store,
    StoreError,
    decide_current,
    import_manifest_projects,
    ingest_file,
    record_known_file,
    record_run_finish,
    record_run_start,
    submission_history,
    summary_counts,
)
from perfeval_xl.store.ordering import Candidate, place
from perfeval_xl.store.schema import AuditRow, RunRow
from tests.store.support import BATCH, intake, sha

T = dt.datetime(2025, 3, 1)


def _cand(id: int, seq: int, *, receipt: int | None = None, seen: int = 100, round_no: int = 1,
          rejected: bool = False, decided: bool = False) -> Candidate:
    receipt_time = None if receipt is None else T + dt.timedelta(hours=receipt)
    return Candidate(id=id, rejected=rejected, receipt_time=receipt_time,
                     first_seen=T + dt.timedelta(hours=seen), seen_seq=seq, round_no=round_no, decided=decided)


def _placed(candidates: list[Candidate], deadline: dt.datetime | None = None) -> dict[int, tuple]:
    return {k: (p.receipt_rank, p.is_current, p.superseded_by, p.needs_decision, p.is_late)
            for k, p in place(candidates, deadline).items()}


def test_receipt_times_order_versions_whatever_order_they_were_seen_in() -> None:
    assert _placed([_cand(1, 1, receipt=5), _cand(2, 2, receipt=2), _cand(3, 3, receipt=9)]) == {
        2: (1, False, 1, False, None), 1: (2, False, 3, False, None), 3: (3, True, None, False, None)}


def test_without_receipts_the_first_seen_order_decides_and_one_round_is_flagged() -> None:
    assert _placed([_cand(1, 1, seen=1, round_no=1), _cand(2, 2, seen=2, round_no=2)]) == {
        1: (1, False, 2, False, None), 2: (2, True, None, False, None)}
    assert _placed([_cand(1, 1, seen=1), _cand(2, 2, seen=1)]) == {
        1: (1, False, 2, True, None), 2: (2, True, None, True, None)}


def test_a_rejected_version_never_becomes_current_nor_replaces_one() -> None:
    assert _placed([_cand(1, 1, receipt=1), _cand(2, 2, receipt=2, rejected=True)]) == {
        1: (1, True, None, False, None), 2: (2, False, None, False, None)}
    assert _placed([_cand(1, 1, receipt=1), _cand(2, 2, receipt=2, rejected=True), _cand(3, 3, receipt=3)]) == {
        1: (1, False, 3, False, None), 2: (2, False, 3, False, None), 3: (3, True, None, False, None)}


def test_a_decision_moves_the_chosen_version_after_its_undecidable_peers() -> None:
    assert _placed([_cand(1, 1, seen=1, decided=True), _cand(2, 2, seen=1)]) == {
        2: (1, False, 1, False, None), 1: (2, True, None, False, None)}


def test_late_means_received_after_the_deadline() -> None:
    deadline = T + dt.timedelta(hours=3)
    assert _placed([_cand(1, 1, receipt=3), _cand(2, 2, receipt=4)], deadline) == {
        1: (1, False, 2, False, False), 2: (2, True, None, False, True)}


# --- in the store ---------------------------------------------------------------------


def _history(store: Store) -> list[tuple]:
    return [(r["original_name"], r["receipt_rank"], r["is_current"], r["superseded_by"], r["needs_decision"],
             r["is_late"]) for r in submission_history(store)]


def test_receipt_log_order_beats_the_order_files_were_seen(store: Store) -> None:
    run_id = record_run_start(store, "collect")
    ingest_file(store, run_id, intake("P001_改.xlsx", receipts=[("甲", "2025-03-02 09:00")]))
    ingest_file(store, run_id, intake("P001.xlsx", receipts=[("甲", "2025-03-01 09:00")]))
    assert _history(store) == [("P001.xlsx", 1, False, 1, False, None), ("P001_改.xlsx", 2, True, None, False, None)]


def test_without_receipts_a_later_run_supersedes_an_earlier_one(store: Store) -> None:
    first = record_run_start(store, "collect")
    ingest_file(store, first, intake("P001.xlsx"))
    record_run_finish(store, first)
    second = record_run_start(store, "collect")
    ingest_file(store, second, intake("P001_v2.xlsx"))
    assert _history(store) == [("P001.xlsx", 1, False, 2, False, None), ("P001_v2.xlsx", 2, True, None, False, None)]
    with store.read() as s:
        assert s.execute(select(AuditRow.action, AuditRow.entity_key, AuditRow.detail["superseded_by"].as_integer())
                         .where(AuditRow.action.in_(["submission.not_current", "submission.superseded"]))
                         .order_by(AuditRow.id)).all() == [("submission.not_current", "1", None),
                                                           ("submission.superseded", "1", 2)]


def test_two_versions_first_seen_in_one_run_without_receipts_await_a_decision(store: Store) -> None:
    run_id = record_run_start(store, "collect")
    ingest_file(store, run_id, intake("P001_a.xlsx"))
    ingest_file(store, run_id, intake("P001_b.xlsx"))
    ingest_file(store, run_id, intake("P002.xlsx", "P002"))
    assert _history(store) == [("P001_a.xlsx", 1, False, 2, True, None), ("P001_b.xlsx", 2, True, None, True, None),
                               ("P002.xlsx", 1, True, None, False, None)]
    assert summary_counts(store).needs_decision == 1

    decide_current(store, 1, run_id)
    assert _history(store) == [("P001_b.xlsx", 1, False, 1, False, None), ("P001_a.xlsx", 2, True, None, False, None)
                               , ("P002.xlsx", 1, True, None, False, None)]
    assert summary_counts(store).needs_decision == 0
    with store.read() as s:
        assert s.execute(select(AuditRow.action, AuditRow.entity_key).order_by(AuditRow.id)).all() == [
            ("file.received", sha("P001_a.xlsx")), ("submission.recorded", "1"),
            ("file.received", sha("P001_b.xlsx")), ("submission.not_current", "1"), ("submission.superseded", "1"),
            ("submission.needs_decision", "1"), ("submission.recorded", "2"),
            ("file.received", sha("P002.xlsx")), ("submission.recorded", "3"),
            ("submission.decided", "1"),
            ("submission.not_current", "2"), ("submission.superseded", "2"), ("submission.decision_settled", "2"),
            ("submission.current", "1"), ("submission.superseded", "1"), ("submission.decision_settled", "1")]
    # A third version in the same round reopens the question.
    ingest_file(store, run_id, intake("P001_c.xlsx"))
    assert [row[4] for row in _history(store) if row[0].startswith("P001")] == [True, True, True]
    with store.read() as s:
        assert s.execute(select(AuditRow.action, AuditRow.entity_key).where(
            AuditRow.action == "submission.decision_reset")).all() == [("submission.decision_reset", "1")]

    with pytest.raises(StoreError) as caught:
        decide_current(store, 3)
    assert caught.value.code == "STORE_DECISION_NOT_NEEDED"
    with pytest.raises(StoreError) as caught:
        decide_current(store, 99)
    assert caught.value.message() == "数据库中没有编号为 99 的报送记录。"


def test_a_receipt_log_given_later_settles_the_order(store: Store) -> None:
    first = record_run_start(store, "collect")
    ingest_file(store, first, intake("P001_a.xlsx"))
    ingest_file(store, first, intake("P001_b.xlsx"))
    record_run_finish(store, first)
    second = record_run_start(store, "collect")
    record_known_file(store, second, sha("P001_a.xlsx"), "P001_a.xlsx",
                      intake("P001_a.xlsx", receipts=[("甲", "2025-03-05 10:00")]).receipts)
    record_known_file(store, second, sha("P001_b.xlsx"), "P001_b.xlsx",
                      intake("P001_b.xlsx", receipts=[("甲", "2025-03-04 10:00")]).receipts)
    assert _history(store) == [("P001_b.xlsx", 1, False, 1, False, None), ("P001_a.xlsx", 2, True, None, False, None)]


def test_a_run_after_an_interrupted_one_continues_its_round(store: Store) -> None:
    killed = record_run_start(store, "collect")
    ingest_file(store, killed, intake("P001_a.xlsx"))  # ... and the process dies: the run stays "running"
    resumed = record_run_start(store, "collect")
    ingest_file(store, resumed, intake("P001_b.xlsx"))
    assert [row[4] for row in _history(store)] == [True, True]
    with store.read() as s:
        assert s.execute(select(RunRow.id, RunRow.round_no, RunRow.status).order_by(RunRow.id)).all() == [
            (killed, 1, "interrupted"), (resumed, 1, "running")]


def test_a_rejected_resubmission_leaves_the_accepted_version_current(store: Store) -> None:
    run_id = record_run_start(store, "collect")
    ingest_file(store, run_id, intake("v1.xlsx", receipts=[("甲", "2025-03-01 09:00")]))
    ingest_file(store, run_id, intake("v2.xlsx", outcome=Outcome.REJECTED, receipts=[("甲", "2025-03-02 09:00")]))
    assert _history(store) == [("v1.xlsx", 1, True, None, False, None), ("v2.xlsx", 2, False, None, False, None)]
    ingest_file(store, run_id, intake("v3.xlsx", receipts=[("甲", "2025-03-03 09:00")]))
    assert _history(store) == [("v1.xlsx", 1, False, 3, False, None), ("v2.xlsx", 2, False, 3, False, None),
                               ("v3.xlsx", 3, True, None, False, None)]
    counts = summary_counts(store)
    assert (counts.received, counts.accepted, counts.rejected, counts.superseded) == (3, 2, 1, 1)


def test_late_flags_follow_the_batch_deadline(store: Store) -> None:
    def manifest(deadline: dt.datetime) -> Manifest:
        return Manifest(batch=Batch(year=2024, batch_id=BATCH, bureau="某市财政局", deadline=deadline),
                        projects=(Project(id="P001", name="信息系统运维", unit="信息中心", department="财政局"),))

    import_manifest_projects(store, manifest(dt.datetime(2025, 3, 31, 23, 59, 59)))
    run_id = record_run_start(store, "collect")
    ingest_file(store, run_id, intake("on_time.xlsx", receipts=[("甲", "2025-03-31 23:59:59")]))
    ingest_file(store, run_id, intake("late.xlsx", receipts=[("甲", "2025-04-01 00:00:00")]))
    assert [(r[0], r[5]) for r in _history(store)] == [("on_time.xlsx", False), ("late.xlsx", True)]
    assert summary_counts(store).late == 1

    import_manifest_projects(store, manifest(dt.datetime(2025, 4, 5, 23, 59, 59)))
    assert [(r[0], r[5]) for r in _history(store)] == [("on_time.xlsx", False), ("late.xlsx", False)]
    with store.read() as s:
        assert s.execute(select(AuditRow.action, AuditRow.entity_key, AuditRow.detail)
                         .where(AuditRow.action.in_(["batch.changed", "submission.late"]))
                         .order_by(AuditRow.id)).all() == [
            ("batch.changed", BATCH, {
                "before": {"year": 2024, "bureau": "某市财政局", "deadline": "2025-03-31T23:59:59"},
                "after": {"year": 2024, "bureau": "某市财政局", "deadline": "2025-04-05T23:59:59"}}),
            ("submission.late", "2", {"is_late": False, "file_sha256": sha("late.xlsx"), "batch_id": BATCH,
                                      "project_id": "P001"}),
        ]
