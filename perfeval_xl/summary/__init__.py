"""The consolidated summary the bureau reads: one workbook, and the same tables as CSV and Parquet."""

from __future__ import annotations

from typing import TYPE_CHECKING

from perfeval_xl.summary.exports import write_csv, write_parquet
from perfeval_xl.summary.records import (
    FINDING_COLUMNS,
    HISTORY_COLUMNS,
    INDICATOR_COLUMNS,
    MISSING_COLUMNS,
    PROJECT_COLUMNS,
    SummaryMeta,
    SummaryRecords,
)
from perfeval_xl.summary.rows import Submission
from perfeval_xl.summary.workbook import write_summary

if TYPE_CHECKING:
    from perfeval_xl.summary.data import SummaryData, summary_data_from_results

_NEED_PANDAS = frozenset({"SummaryData", "summary_data_from_results"})


def __getattr__(name: str) -> object:
    # The DataFrame API loads pandas when first asked for: `perfeval summary` never needs it.
    if name in _NEED_PANDAS:
        from perfeval_xl.summary import data

        return getattr(data, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "FINDING_COLUMNS", "HISTORY_COLUMNS", "INDICATOR_COLUMNS", "MISSING_COLUMNS", "PROJECT_COLUMNS", "Submission",
    "SummaryData", "SummaryMeta", "SummaryRecords", "summary_data_from_results", "write_csv", "write_parquet",
    "write_summary",
]
