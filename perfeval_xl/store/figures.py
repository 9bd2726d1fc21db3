"""Lean reads of the current submissions' stored figures, as plain rows: no models rebuilt.

What the summary reads for every project of a batch (10,000 projects, 140,000
indicators): the values rows.py stored from each ProjectResult, as stored, and only the
columns the summary shows; rebuilding the models would cost several times as much.
Plain column reads go through the session's connection: the ORM's row handling would
double their cost.
"""

from __future__ import annotations

import json
from collections import defaultdict
from decimal import Decimal
from typing import Any

from sqlalchemy import select

from perfeval_xl.store.db import Store
from perfeval_xl.store.schema import GroupResultRow, IndicatorResultRow, ProjectResultRow
from perfeval_xl.store.schema import SubmissionRow as Sub

Row = dict[str, Any]

_BATCH = 5000  # rows fetched at a time where a batch has many, or large ones
HEAD_COLUMNS = ("annual_budget", "executed", "execution_rate", "total", "grade", "unfilled")
INDICATOR_FIGURES = ("kind", "weight", "target", "actual", "rate", "score", "band", "met", "not_applicable")


def current_heads(store: Store, batch_id: str) -> dict[int, Row]:
    """HEAD_COLUMNS of each current submission's project result, by submission id."""
    pr = ProjectResultRow
    stmt = (select(pr.submission_id, *(getattr(pr, c) for c in HEAD_COLUMNS))
            .join(Sub, Sub.id == pr.submission_id).where(Sub.batch_id == batch_id, Sub.is_current))
    with store.read() as session:
        return {row[0]: dict(zip(HEAD_COLUMNS, row[1:])) for row in session.connection().execute(stmt)}


def current_level1_groups(store: Store, batch_id: str) -> defaultdict[int, dict[str, Decimal | None]]:
    """Each current submission's first-level group scores by group name, by submission id."""
    gr = GroupResultRow
    stmt = (select(gr.submission_id, gr.name, gr.score).join(Sub, Sub.id == gr.submission_id)  # name: path[-1]
            .where(Sub.batch_id == batch_id, Sub.is_current, gr.level == 1).order_by(gr.submission_id, gr.position))
    groups: defaultdict[int, dict[str, Decimal | None]] = defaultdict(dict)
    with store.read() as session:
        for sid, name, score in session.connection().execute(stmt):
            groups[sid][name] = score
    return groups


def current_indicator_figures(store: Store, batch_id: str) -> defaultdict[int, list[tuple[Any, ...]]]:
    """Each current submission's indicator results (INDICATOR_FIGURES) in form order, by submission id."""
    ir = IndicatorResultRow
    stmt = (select(ir.submission_id, *(getattr(ir, c) for c in INDICATOR_FIGURES))
            .join(Sub, Sub.id == ir.submission_id).where(Sub.batch_id == batch_id, Sub.is_current)
            .order_by(ir.submission_id, ir.position).execution_options(yield_per=_BATCH))
    figures: defaultdict[int, list[tuple[Any, ...]]] = defaultdict(list)
    with store.read() as session:
        for row in session.connection().execute(stmt):
            figures[row[0]].append(tuple(row[1:]))
    return figures


def current_reasons(store: Store, batch_id: str) -> dict[int, dict[str, str | None]]:
    """The 偏差原因 each current submission's inputs hold, by submission id, then indicator id."""
    stmt = (select(Sub.id, Sub.inputs_json).where(Sub.batch_id == batch_id, Sub.is_current,
                                                  Sub.inputs_json.is_not(None)).execution_options(yield_per=_BATCH))
    with store.read() as session:
        return {sid: {iid: given.get("reason") for iid, given in json.loads(text).get("indicators", {}).items()}
                for sid, text in session.connection().execute(stmt)}
