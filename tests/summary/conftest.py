"""A collected batch for summary tests: the sample batch, as a collector would have seen it.

Two projects never arrived (one of them was sent back once), P004 came twice, and P001's
deviation reasons and one file name are what a hostile or careless unit might type.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import pytest

from perfeval_xl.api import ScoredBatch, load_batch
from perfeval_xl.engine.evaluate import evaluate
from perfeval_xl.model import ProjectInputs, ProjectResult
from perfeval_xl.summary import Submission, SummaryData, summary_data_from_results

ROOT = Path(__file__).resolve().parents[2]
NOT_RETURNED = ("P010", "P020")
HOSTILE_REASONS = ("=1+1", "+SUM(A1:A2)", "-2+3", "@cmd", '=HYPERLINK("http://example.invalid","点我")')
HOSTILE_FILE = "=cmd|' /C calc'!A0.xlsx"
START = dt.datetime(2025, 3, 1, 9, 0)


@dataclass(frozen=True)
class Collected:
    batch: ScoredBatch
    inputs: dict[str, ProjectInputs]
    results: dict[str, ProjectResult]  # returned projects only
    current: dict[str, Submission]
    history: list[Submission]
    data: SummaryData


def _hostile_inputs(batch: ScoredBatch) -> dict[str, ProjectInputs]:
    inputs = dict(batch.inputs)
    p001 = inputs["P001"]
    indicators = dict(p001.indicators)
    for ind_id, reason in zip(list(indicators)[1:], HOSTILE_REASONS):
        indicators[ind_id] = indicators[ind_id].model_copy(update={"reason": reason})
    inputs["P001"] = p001.model_copy(update={"indicators": indicators})
    return inputs


def collect(batch: ScoredBatch) -> Collected:
    inputs = _hostile_inputs(batch)
    results = {p.id: evaluate(p, inputs.get(p.id), batch.profile)
               for p in batch.manifest.projects if p.id not in NOT_RETURNED}
    current, history = {}, []
    for i, pid in enumerate(results):
        name = HOSTILE_FILE if pid == "P001" else f"{pid}_自评表.xlsx"
        version = 2 if pid == "P004" else 1
        sub = Submission(pid, name, f"{i:064x}", version, START + dt.timedelta(minutes=10 * i))
        if pid == "P004":
            history.append(Submission(pid, "P004_初稿.xlsx", "f" * 64, 1, START - dt.timedelta(days=1),
                                      status="accepted_with_findings", superseded=True))
        current[pid] = sub
        history.append(sub)
    history.append(Submission("P010", "P010.xls", "e" * 64, 1, START - dt.timedelta(days=2), status="rejected"))
    data = summary_data_from_results(batch.manifest, results, inputs=inputs, current=current, history=history)
    return Collected(batch, inputs, results, current, history, data)


@pytest.fixture(scope="session")
def batch() -> ScoredBatch:
    return load_batch(ROOT / "samples" / "manifest.yaml", ROOT / "samples" / "inputs.yaml")


@pytest.fixture(scope="session")
def collected(batch: ScoredBatch) -> Collected:
    return collect(batch)
