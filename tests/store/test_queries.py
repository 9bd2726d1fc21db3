"""Reads and the pandas API over a small batch (tests/store/scenario.py)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pandas as pd
from sqlalchemy import select

from perfeval_xl.store import (
    Store,
    current_results,
    findings,
    frames,
    group_rows,
    indicator_rows,
    submission_history,
    summary_counts,
)
from perfeval_xl.store.schema import RunRow
from tests.store.scenario import collect
from tests.store.support import BATCH, sha


def test_current_results_are_the_latest_accepted_versions(store: Store) -> None:
    collect(store)
    rows = current_results(store)
    assert [(r["project_id"], r["original_name"], r["versions"], r["receipt_rank"]) for r in rows] == [
        ("P001", "P001_v2.xlsx", 2, 2), ("P003", "P003.xlsx", 1, 1)]
    p001, p003 = rows
    assert {k: p001[k] for k in ("batch_id", "project_name", "unit", "department", "sender_unit", "received_at",
                                 "is_late", "needs_decision", "outcome", "issued_version", "total", "grade",
                                 "executed", "execution_rate", "evaluator_mean")} == {
        "batch_id": BATCH, "project_name": "信息系统运维", "unit": "信息中心", "department": "市财政局",
        "sender_unit": "信息中心", "received_at": dt.datetime(2025, 3, 3, 9), "is_late": False,
        "needs_decision": False, "outcome": "accepted_with_findings", "issued_version": 1, "total": Decimal("9.5"),
        "grade": "差", "executed": Decimal("121.88"), "execution_rate": Decimal("0.8291156462585034"),
        "evaluator_mean": Decimal("90.33")}
    assert (p003["is_late"], p003["issued_version"], p003["sender_unit"]) == (True, 2, "@水务局")
    assert current_results(store, "another batch") == []


def test_indicator_and_group_rows_of_current_versions(store: Store) -> None:
    collect(store)
    rows = indicator_rows(store)
    assert [(r["project_id"], r["indicator_id"], r["score"]) for r in rows] == [
        ("P001", "I01", Decimal("-0.5")), ("P001", "I02", Decimal("10")),
        ("P003", "I01", Decimal("8.33")), ("P003", "I02", Decimal("10"))]
    assert len(indicator_rows(store, current_only=False)) == 6
    assert [(r["project_id"], r["path"], r["score"]) for r in group_rows(store, BATCH)] == [
        ("P001", "产出指标", Decimal("9.5")), ("P001", "产出指标 / 数量指标", Decimal("-0.5")),
        ("P003", "产出指标", Decimal("18.33")), ("P003", "产出指标 / 数量指标", Decimal("8.33"))]


def test_open_findings_are_those_still_needing_attention(store: Store) -> None:
    collect(store)
    assert [(r["original_name"], r["project_id"], r["code"], r["severity"]) for r in findings(store)] == [
        ("P001_v2.xlsx", "P001", "REASON_MISSING", "error"),
        ("P002.xlsx", "P002", "SIGNATURE_INVALID", "reject"),
        ("乱码.xlsx", None, "SIGNATURE_MISSING", "reject"),
    ]
    assert [r["code"] for r in findings(store, scope="all")] == [
        "OVER_ACHIEVEMENT", "REASON_MISSING", "SIGNATURE_INVALID", "SIGNATURE_MISSING"]
    # A batch filter keeps only findings of that batch's projects.
    assert [r["code"] for r in findings(store, BATCH)] == ["REASON_MISSING", "SIGNATURE_INVALID"]


def test_history_lists_every_version_in_receipt_order(store: Store) -> None:
    collect(store)
    history = submission_history(store, BATCH, "P001")
    assert [(r["submission_id"], r["original_name"], r["receipt_rank"], r["is_current"], r["superseded_by"],
             r["total"]) for r in history] == [
        (1, "P001_v1.xlsx", 1, False, 2, Decimal("18.33")), (2, "P001_v2.xlsx", 2, True, None, Decimal("9.5"))]
    assert history[0]["file_sha256"] == sha("P001_v1.xlsx")


def test_closing_summary_counts(store: Store) -> None:
    collect(store)
    assert summary_counts(store).model_dump() == {
        "received": 5, "accepted": 2, "accepted_with_findings": 1, "rejected": 2, "superseded": 1, "late": 1,
        "missing": 2, "needs_decision": 0}
    assert summary_counts(store, BATCH).received == 4  # the unreadable file names no batch
    with store.read() as s:
        assert s.execute(select(RunRow.counts)).scalar_one()["received"] == 5


def test_frames_keep_decimals_exact(store: Store) -> None:
    collect(store)
    results = frames.results_frame(store)
    assert list(results.columns) == list(frames.queries.RESULT_COLUMNS)
    assert results["total"].tolist() == [Decimal("9.5"), Decimal("18.33")]
    assert results["total"].dtype == object and results["total"].sum() == Decimal("27.83")
    assert str(results["issued_version"].dtype) == "Int64" and str(results["is_late"].dtype) == "boolean"
    assert results["received_at"].tolist() == [pd.Timestamp("2025-03-03 09:00"), pd.Timestamp("2025-04-02 16:30")]

    indicators = frames.indicators_frame(store)
    assert indicators["rate"].tolist()[:2] == [Decimal("0.8333333333333333"), Decimal("1")]
    assert frames.findings_frame(store, scope="all")["code"].tolist()[0] == "OVER_ACHIEVEMENT"
    history = frames.history_frame(store)
    assert history["superseded_by"].tolist() == [2, pd.NA, pd.NA, pd.NA]
    assert frames.missing_frame(store)["project_id"].tolist() == ["P002", "P004"]
    assert frames.groups_frame(store)["score"].tolist()[0] == Decimal("9.5")

    counts = frames.counts_frame(store)
    assert counts.loc["missing"].tolist() == ["未报送项目", 2]
    assert counts["count"].tolist() == [5, 2, 1, 2, 1, 1, 2, 0]


def test_frames_of_an_empty_store_have_their_columns(store: Store) -> None:
    empty = frames.results_frame(store)
    assert empty.empty and list(empty.columns) == list(frames.queries.RESULT_COLUMNS)
