"""The pandas API: the store's reads as DataFrames.

Numbers that are Decimal in the engine stay Decimal (object columns), so sums and
comparisons are exact; use `df[col].astype(float)` only for plotting. Counts and ids
are nullable integers (Int64), flags nullable booleans, times datetime64.

    from perfeval_xl.store import open_store, frames
    store = open_store("collect.db", create=False)
    results = frames.results_frame(store, "2024-01")
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal

import pandas as pd

from perfeval_xl.store import queries
from perfeval_xl.store.db import Store

_INTEGER = {"submission_id", "receipt_rank", "versions", "issued_version", "unfilled", "evaluator_count", "position",
            "level", "finding_id", "cell_row", "seen_seq", "first_seen_round", "superseded_by", "rejected_versions"}
_BOOLEAN = {"is_late", "needs_decision", "met", "not_applicable", "is_current", "decided"}
_TIME = {"received_at", "collector_first_seen_at"}

COUNT_LABELS = {
    "received": "收到文件",
    "accepted": "接收",
    "accepted_with_findings": "接收（有问题）",
    "rejected": "退回",
    "superseded": "被新版本替代",
    "late": "逾期报送",
    "missing": "未报送项目",
    "needs_decision": "待确认版本",
}


def to_frame(rows: Sequence[dict[str, Any]], columns: Sequence[str]) -> pd.DataFrame:
    """Rows from queries.py as a DataFrame with the column types described above."""
    frame = pd.DataFrame.from_records(list(rows), columns=list(columns))
    for name in columns:
        if name in _INTEGER:
            frame[name] = frame[name].astype("Int64")
        elif name in _BOOLEAN:
            frame[name] = frame[name].astype("boolean")
        elif name in _TIME:
            frame[name] = pd.to_datetime(frame[name])
    return frame


def results_frame(store: Store, batch_id: str | None = None) -> pd.DataFrame:
    return to_frame(queries.current_results(store, batch_id), queries.RESULT_COLUMNS)


def indicators_frame(store: Store, batch_id: str | None = None, current_only: bool = True) -> pd.DataFrame:
    return to_frame(queries.indicator_rows(store, batch_id, current_only), queries.INDICATOR_COLUMNS)


def groups_frame(store: Store, batch_id: str | None = None, current_only: bool = True) -> pd.DataFrame:
    return to_frame(queries.group_rows(store, batch_id, current_only), queries.GROUP_COLUMNS)


def findings_frame(store: Store, batch_id: str | None = None,
                   scope: Literal["open", "all"] = "open") -> pd.DataFrame:
    return to_frame(queries.findings(store, batch_id, scope), queries.FINDING_COLUMNS)


def history_frame(store: Store, batch_id: str | None = None, project_id: str | None = None) -> pd.DataFrame:
    return to_frame(queries.submission_history(store, batch_id, project_id), queries.HISTORY_COLUMNS)


def missing_frame(store: Store, batch_id: str | None = None) -> pd.DataFrame:
    return to_frame(queries.missing_projects(store, batch_id), queries.MISSING_COLUMNS)


def counts_frame(store: Store, batch_id: str | None = None) -> pd.DataFrame:
    """The closing summary: one row per count (index: its key) with its Chinese label."""
    counts = queries.summary_counts(store, batch_id).model_dump()
    frame = pd.DataFrame({"label": [COUNT_LABELS[k] for k in counts], "count": list(counts.values())},
                         index=pd.Index(list(counts), name="item"))
    frame["count"] = frame["count"].astype("Int64")
    return frame
