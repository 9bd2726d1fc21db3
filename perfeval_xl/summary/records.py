"""The summary's rows as plain records: what its tables are built from, without pandas.

`SummaryData` (data.py) holds the same tables as DataFrames for analysts; its
`records()` gives these. `perfeval summary` builds them from the database directly
(from_store.py), so the command never loads pandas (80 MB of a 10,000-project run).
Each table is a sequence of named tuples whose fields are the table's columns
(data.py documents them); `SummaryRecords.records()` is itself, so the tables take either.
"""

from __future__ import annotations

import datetime as dt
from collections import namedtuple
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from perfeval_xl.engine.profile import DEFAULT_GRADES

PROJECT_COLUMNS = ("project_id", "project_name", "unit", "department", "annual_budget", "executed",
                   "execution_rate", "level1", "total", "grade", "unfilled", "findings", "status", "version",
                   "received_at", "file")
INDICATOR_COLUMNS = ("project_id", "indicator_id", "code", "level1", "path", "name", "kind", "target_text",
                     "weight", "target", "actual", "rate", "score", "band", "met", "not_applicable", "reason")
FINDING_COLUMNS = ("file", "project_id", "severity", "code", "sheet", "cell", "message")
MISSING_COLUMNS = ("project_id", "project_name", "unit", "department", "rejected")
HISTORY_COLUMNS = ("file", "sha256", "project_id", "version", "received_at", "status", "superseded")

ProjectRecord = namedtuple("ProjectRecord", PROJECT_COLUMNS)
IndicatorRecord = namedtuple("IndicatorRecord", INDICATOR_COLUMNS)
FindingRecord = namedtuple("FindingRecord", FINDING_COLUMNS)
MissingRecord = namedtuple("MissingRecord", MISSING_COLUMNS)
HistoryRecord = namedtuple("HistoryRecord", HISTORY_COLUMNS)

Record = Any  # a named tuple with a table's columns as fields

ACCEPTED, ACCEPTED_WITH_FINDINGS, REJECTED = "accepted", "accepted_with_findings", "rejected"  # a return's status


@dataclass(frozen=True)
class SummaryMeta:
    year: int
    batch_id: str
    bureau: str
    grades: tuple[str, ...] = tuple(g.name for g in DEFAULT_GRADES)  # best first


def latest(times: Iterable[object]) -> dt.datetime | None:
    """The latest of the datetimes among `times` (blanks and other values ignored)."""
    return max((t for t in times if isinstance(t, dt.datetime)), default=None)


@dataclass(frozen=True)
class SummaryRecords:
    meta: SummaryMeta
    projects: Sequence[Record]
    indicators: Sequence[Record]
    findings: Sequence[Record]
    missing: Sequence[Record]
    history: Sequence[Record]

    def records(self) -> SummaryRecords:
        return self

    @property
    def as_of(self) -> dt.datetime | None:
        """The latest receipt: the state of the collection the summary shows."""
        return latest([*(r.received_at for r in self.history), *(r.received_at for r in self.projects)])
