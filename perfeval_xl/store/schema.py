"""The store's tables (SQLAlchemy 2 declarative).

Identity and determinism:
- A received file is identified by its SHA-256; a submission is one (file, project).
- Integer keys are assigned by the store (max + 1 inside the writing transaction, under
  the collector's single-instance lock), never by database sequences: PostgreSQL
  sequences are not transactional, so a crash-and-resume would otherwise leave gaps
  and differ from an uninterrupted run.
- Columns filled from the collector's own clock are named `collector_*` and carry
  info[COLLECTOR_CLOCK]; run records (tables `runs`, `run_files` and the `run_id` of
  audit rows) carry info[RUN_RECORD]. Everything else is a function of the files, the
  receipt log, the register and the manifest, so the crash test compares it exactly.
- Times are naive local wall-clock times (as a receipt log and a batch deadline are
  written). Decimals are exact (columns.ExactDecimal); findings store codes, not words.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    false,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from perfeval_xl.store.columns import COLLECTOR_CLOCK, RUN_RECORD, amount, measure, rate, score

SCHEMA_VERSION = 1

_NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

SHA256 = String(64)
ID = String(200)  # project, batch, indicator and key ids


def _clock(**kwargs: Any) -> Any:
    return mapped_column(DateTime(), info={COLLECTOR_CLOCK: True}, **kwargs)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=_NAMING)


class SchemaVersionRow(Base):
    __tablename__ = "schema_version"

    version: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    collector_applied_at: Mapped[dt.datetime] = _clock()


# --- run records --------------------------------------------------------------------


class RunRow(Base):
    """One invocation of the collector (or of an import)."""

    __tablename__ = "runs"
    __table_args__ = {"info": {RUN_RECORD: True}}

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    round_no: Mapped[int] = mapped_column(Integer)  # see repository.record_run_start
    command: Mapped[str] = mapped_column(String(100))
    args: Mapped[dict[str, Any]] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(20))  # running, completed, failed, interrupted
    actor: Mapped[str] = mapped_column(String(200))
    host: Mapped[str] = mapped_column(String(200))
    pid: Mapped[int] = mapped_column(Integer)
    counts: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    collector_started_at: Mapped[dt.datetime] = _clock()
    collector_finished_at: Mapped[dt.datetime | None] = _clock(nullable=True)


class RunFileRow(Base):
    """A file as one run met it: newly stored, already known, or known and given a receipt."""

    __tablename__ = "run_files"
    __table_args__ = {"info": {RUN_RECORD: True}}

    run_id: Mapped[int] = mapped_column(ForeignKey("runs.id"), primary_key=True)
    position: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    file_sha256: Mapped[str] = mapped_column(ForeignKey("files.sha256"), index=True)
    file_name: Mapped[str] = mapped_column(Text)
    action: Mapped[str] = mapped_column(String(20))  # new, known, receipt


# --- what was received --------------------------------------------------------------


class FileRow(Base):
    __tablename__ = "files"

    sha256: Mapped[str] = mapped_column(SHA256, primary_key=True)
    size: Mapped[int] = mapped_column(BigInteger)
    format: Mapped[str | None] = mapped_column(String(20))
    original_name: Mapped[str] = mapped_column(Text)  # the name it first arrived under
    archive_path: Mapped[str] = mapped_column(Text)  # relative to the archive root
    outcome: Mapped[str] = mapped_column(String(30))  # rejected, accepted_with_findings, accepted
    seen_seq: Mapped[int] = mapped_column(Integer, unique=True)  # the collector's first-seen order
    first_seen_round: Mapped[int] = mapped_column(Integer)
    collector_first_seen_at: Mapped[dt.datetime] = _clock()


class ReceiptRow(Base):
    """A line of the receipt log (文件名, 报送单位, 收到时间) matched to a received file."""

    __tablename__ = "receipts"
    __table_args__ = (UniqueConstraint("file_sha256", "file_name", "sender_unit", "received_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    file_sha256: Mapped[str] = mapped_column(ForeignKey("files.sha256"), index=True)
    file_name: Mapped[str] = mapped_column(Text)
    sender_unit: Mapped[str] = mapped_column(Text, server_default="")
    received_at: Mapped[dt.datetime] = mapped_column(DateTime())


class SubmissionRow(Base):
    """One project's return inside one file; every version is kept."""

    __tablename__ = "submissions"
    __table_args__ = (
        UniqueConstraint("file_sha256", "project_id"),
        Index("ix_submissions_project", "batch_id", "project_id"),
        # At most one current version per project.
        Index("uq_submissions_current", "batch_id", "project_id", unique=True,
              sqlite_where=text("is_current"), postgresql_where=text("is_current")),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    file_sha256: Mapped[str] = mapped_column(ForeignKey("files.sha256"), index=True)
    project_id: Mapped[str] = mapped_column(ID)
    batch_id: Mapped[str] = mapped_column(ID, server_default="")  # "" when the file named none
    issued_version: Mapped[int | None] = mapped_column(Integer)
    outcome: Mapped[str] = mapped_column(String(30))
    inputs_json: Mapped[str | None] = mapped_column(Text)  # perfeval_xl.model.ProjectInputs
    received_at: Mapped[dt.datetime | None] = mapped_column(DateTime())  # earliest receipt-log time
    receipt_rank: Mapped[int] = mapped_column(Integer)  # 1 = first received version of the project
    is_late: Mapped[bool | None] = mapped_column(Boolean)  # None: no deadline known
    is_current: Mapped[bool] = mapped_column(Boolean, server_default=false())
    superseded_by: Mapped[int | None] = mapped_column(ForeignKey("submissions.id"))
    needs_decision: Mapped[bool] = mapped_column(Boolean, server_default=false())
    decided: Mapped[bool] = mapped_column(Boolean, server_default=false())  # the bureau chose it


# --- results ------------------------------------------------------------------------


class ProjectResultRow(Base):
    __tablename__ = "project_results"

    submission_id: Mapped[int] = mapped_column(ForeignKey("submissions.id"), primary_key=True)
    initial_budget: Mapped[Decimal | None] = mapped_column(amount())  # 年初预算数
    annual_budget: Mapped[Decimal | None] = mapped_column(amount())  # 全年预算数 (A)
    received: Mapped[Decimal | None] = mapped_column(amount())  # 实际到位资金
    executed: Mapped[Decimal | None] = mapped_column(amount())  # 全年执行数 (B)
    balance: Mapped[Decimal | None] = mapped_column(amount())
    arrival_rate: Mapped[Decimal | None] = mapped_column(rate())
    execution_rate: Mapped[Decimal | None] = mapped_column(rate())
    total: Mapped[Decimal | None] = mapped_column(score())
    grade: Mapped[str | None] = mapped_column(String(20))
    unfilled: Mapped[int] = mapped_column(Integer)
    evaluator_count: Mapped[int] = mapped_column(Integer)
    evaluator_mean: Mapped[Decimal | None] = mapped_column(score())
    evaluator_min: Mapped[Decimal | None] = mapped_column(score())
    evaluator_max: Mapped[Decimal | None] = mapped_column(score())


class FundResultRow(Base):
    """One source's row of the budget table."""

    __tablename__ = "fund_results"

    submission_id: Mapped[int] = mapped_column(ForeignKey("submissions.id"), primary_key=True)
    position: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    source: Mapped[str] = mapped_column(Text)
    initial_budget: Mapped[Decimal | None] = mapped_column(amount())
    annual_budget: Mapped[Decimal | None] = mapped_column(amount())
    received: Mapped[Decimal | None] = mapped_column(amount())
    executed: Mapped[Decimal | None] = mapped_column(amount())
    balance: Mapped[Decimal | None] = mapped_column(amount())
    arrival_rate: Mapped[Decimal | None] = mapped_column(rate())
    execution_rate: Mapped[Decimal | None] = mapped_column(rate())


class GroupResultRow(Base):
    """An inner node of the indicator tree (一级/二级 category) with its subtotal."""

    __tablename__ = "group_results"

    submission_id: Mapped[int] = mapped_column(ForeignKey("submissions.id"), primary_key=True)
    position: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    path: Mapped[list[str]] = mapped_column(JSON)
    level: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(Text)
    code: Mapped[str | None] = mapped_column(String(50))
    weight: Mapped[Decimal | None] = mapped_column(score())
    score: Mapped[Decimal | None] = mapped_column(score())
    rate: Mapped[Decimal | None] = mapped_column(rate())


class IndicatorResultRow(Base):
    __tablename__ = "indicator_results"

    submission_id: Mapped[int] = mapped_column(ForeignKey("submissions.id"), primary_key=True)
    indicator_id: Mapped[str] = mapped_column(ID, primary_key=True)
    position: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str | None] = mapped_column(String(20))
    weight: Mapped[Decimal | None] = mapped_column(score())
    target: Mapped[Decimal | None] = mapped_column(measure())
    actual: Mapped[Decimal | None] = mapped_column(measure())
    rate: Mapped[Decimal | None] = mapped_column(rate())
    score: Mapped[Decimal | None] = mapped_column(score())
    band: Mapped[str | None] = mapped_column(Text)
    met: Mapped[bool | None] = mapped_column(Boolean)
    not_applicable: Mapped[bool] = mapped_column(Boolean)


class FindingRow(Base):
    """A finding on a file (submission_id NULL: not tied to one project) or on a submission."""

    __tablename__ = "findings"
    __table_args__ = (Index("ix_findings_code", "code"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    file_sha256: Mapped[str] = mapped_column(ForeignKey("files.sha256"), index=True)
    submission_id: Mapped[int | None] = mapped_column(ForeignKey("submissions.id"), index=True)
    code: Mapped[str] = mapped_column(String(100))
    severity: Mapped[str] = mapped_column(String(10))
    sheet: Mapped[str | None] = mapped_column(Text)
    cell: Mapped[str | None] = mapped_column(String(20))
    cell_row: Mapped[int | None] = mapped_column(Integer)
    cell_column: Mapped[str | None] = mapped_column(Text)
    project_id: Mapped[str | None] = mapped_column(ID)
    indicator_id: Mapped[str | None] = mapped_column(ID)
    field: Mapped[str | None] = mapped_column(String(50))
    params: Mapped[dict[str, Any]] = mapped_column(JSON)


# --- what was issued ----------------------------------------------------------------


class BatchRow(Base):
    __tablename__ = "batches"

    batch_id: Mapped[str] = mapped_column(ID, primary_key=True)
    year: Mapped[int] = mapped_column(Integer)
    bureau: Mapped[str] = mapped_column(Text)
    deadline: Mapped[dt.datetime | None] = mapped_column(DateTime())


class ManifestProjectRow(Base):
    """A project the manifest expects a return for (未报送 when it has no current submission)."""

    __tablename__ = "manifest_projects"

    batch_id: Mapped[str] = mapped_column(ForeignKey("batches.batch_id"), primary_key=True)
    project_id: Mapped[str] = mapped_column(ID, primary_key=True)
    name: Mapped[str] = mapped_column(Text)
    unit: Mapped[str] = mapped_column(Text)
    department: Mapped[str] = mapped_column(Text)


class RegisterRow(Base):
    """One issued workbook; a re-issue adds a row with the next version, earlier ones stay."""

    __tablename__ = "register"

    batch_id: Mapped[str] = mapped_column(ID, primary_key=True)
    project_id: Mapped[str] = mapped_column(ID, primary_key=True)
    issued_version: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    year: Mapped[int] = mapped_column(Integer)
    file_name: Mapped[str] = mapped_column(Text)
    payload_hash: Mapped[str] = mapped_column(String(128))
    key_id: Mapped[str] = mapped_column(ID)
    project_json: Mapped[str] = mapped_column(Text)  # perfeval_xl.model.Project as issued
    formulas: Mapped[dict[str, str]] = mapped_column(JSON)  # "Sheet!A1" -> normalised formula text
    vba_hash: Mapped[str | None] = mapped_column(String(128))
    collector_imported_at: Mapped[dt.datetime] = _clock()


# --- audit ---------------------------------------------------------------------------


class AuditRow(Base):
    """Who changed what, when: one row per state change."""

    __tablename__ = "audit"
    __table_args__ = (Index("ix_audit_entity", "entity", "entity_key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    run_id: Mapped[int | None] = mapped_column(ForeignKey("runs.id"), info={RUN_RECORD: True})
    actor: Mapped[str] = mapped_column(String(200))
    action: Mapped[str] = mapped_column(String(50))
    entity: Mapped[str] = mapped_column(String(50))
    entity_key: Mapped[str] = mapped_column(Text)
    detail: Mapped[dict[str, Any]] = mapped_column(JSON)
    collector_at: Mapped[dt.datetime] = _clock()


__all__ = [
    "SCHEMA_VERSION", "AuditRow", "Base", "BatchRow", "FileRow", "FindingRow", "FundResultRow", "GroupResultRow",
    "IndicatorResultRow", "ManifestProjectRow", "ProjectResultRow", "ReceiptRow", "RegisterRow", "RunFileRow",
    "RunRow", "SchemaVersionRow", "SubmissionRow",
]
