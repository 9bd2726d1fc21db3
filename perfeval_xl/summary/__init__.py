"""The consolidated summary the bureau reads: one workbook, and the same tables as CSV and Parquet."""

from perfeval_xl.summary.data import (
    FINDING_COLUMNS,
    HISTORY_COLUMNS,
    INDICATOR_COLUMNS,
    MISSING_COLUMNS,
    PROJECT_COLUMNS,
    Submission,
    SummaryData,
    SummaryMeta,
    summary_data_from_results,
)
from perfeval_xl.summary.exports import write_csv, write_parquet
from perfeval_xl.summary.workbook import write_summary

__all__ = [
    "FINDING_COLUMNS", "HISTORY_COLUMNS", "INDICATOR_COLUMNS", "MISSING_COLUMNS", "PROJECT_COLUMNS", "Submission",
    "SummaryData", "SummaryMeta", "summary_data_from_results", "write_csv", "write_parquet", "write_summary",
]
