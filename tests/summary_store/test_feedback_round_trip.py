"""The judged round trip: a feedback copy, fixed by the unit and returned, is accepted with no
finding above warning, and becomes the project's current version.

The unit types the missing reasons into the highlighted cells (openpyxl), and either sends
that file or, as a LibreOffice or WPS user would, a file its spreadsheet recalculated and saved.
"""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pytest
from openpyxl import load_workbook

from perfeval_xl.collect import collect
from perfeval_xl.engine.evaluate import evaluate
from perfeval_xl.feedback.from_store import feedback_from_store
from perfeval_xl.findings import Severity
from perfeval_xl.libreoffice import recalculate
from perfeval_xl.simulate.returns import RECEIPT_HEADERS
from perfeval_xl.store import findings, issued_entry, submission_history
from perfeval_xl.store.stored import open_findings
from perfeval_xl.summary.from_store import summary_data_from_store
from tests.summary_store.conftest import Collected
from tests.summary_store.support import BATCH, opened, stored_inputs

FIXED_REASON = "因汛期水位偏高，部分断面监测延后；已调整监测计划并增加频次。"


@pytest.mark.parametrize("saved_by", ["openpyxl", "libreoffice"])
def test_a_fixed_feedback_copy_is_accepted_and_current(own_copy: Collected, tmp_path: Path, saved_by: str,
                                                       request: pytest.FixtureRequest) -> None:
    sent = own_copy.returns.story("blank_reason")
    pid = sent.project_id
    with opened(own_copy.db_url) as store:
        open_rows = [r for r in open_findings(store, BATCH) if r["project_id"] == pid]
        feedback = {r.file: r.feedback for r in feedback_from_store(store, own_copy.work / "archive", tmp_path / "反馈")}
    errors = [r for r in open_rows if Severity(r["severity"]).rank > Severity.WARNING.rank]
    assert {r["code"] for r in errors} == {"REASON_MISSING"} and len(errors) == 3
    copy = feedback[sent.file]
    assert copy is not None and copy.kind == "annotated"
    assert set(copy.marked) == {(r["sheet"], r["cell"]) for r in errors}

    # The unit opens the copy, types the missing reasons into the highlighted cells and saves it.
    workbook = load_workbook(copy.path)
    for row in errors:
        workbook[row["sheet"]][row["cell"]] = FIXED_REASON
    returns = tmp_path / "第二轮"
    if saved_by == "openpyxl":
        returns.mkdir()
        workbook.save(returns / copy.path.name)
    else:
        edited = tmp_path / "edited" / copy.path.name
        edited.parent.mkdir()
        workbook.save(edited)
        recalculate([edited], returns, soffice=request.getfixturevalue("soffice"))
    received = sent.received + dt.timedelta(days=2)
    receipts = tmp_path / "第二轮收件.csv"
    with receipts.open("w", encoding="utf-8-sig", newline="") as fh:
        csv.writer(fh).writerows([RECEIPT_HEADERS, (copy.path.name, sent.unit, f"{received:%Y-%m-%d %H:%M:%S}")])

    result = collect(own_copy.returns.collect_options(own_copy.work, returns=returns, receipts=receipts))
    assert (result.new, result.counts.missing) == (1, own_copy.result.counts.missing)

    with opened(own_copy.db_url) as store:
        versions = submission_history(store, BATCH, pid)
        new = versions[-1]
        assert [v["original_name"] for v in versions] == [sent.file, copy.path.name]
        assert new["is_current"] and new["outcome"] == "accepted" and new["receipt_rank"] == 2
        assert new["received_at"] == received and new["is_late"] is False
        assert versions[0]["superseded_by"] == new["submission_id"] and not versions[0]["is_current"]
        now = [r for r in findings(store, BATCH) if r["submission_id"] == new["submission_id"]]
        assert max(Severity(r["severity"]).rank for r in now) <= Severity.WARNING.rank, now
        assert "REASON_MISSING" not in {r["code"] for r in now}
        inputs = stored_inputs(store)[new["submission_id"]]
        assert {r["indicator_id"] for r in errors} <= {
            iid for iid, given in inputs.indicators.items() if given.reason == FIXED_REASON}
        entry = issued_entry(store, BATCH, pid)
        assert entry is not None
        assert new["total"] == evaluate(entry.project, inputs, entry.profile).total == versions[0]["total"]
        data = summary_data_from_store(store)
    row = data.projects[data.projects["project_id"] == pid].iloc[0]
    assert (row["status"], row["version"], row["file"]) == ("accepted", 2, copy.path.name)
    assert not any(data.findings["code"][data.findings["project_id"] == pid] == "REASON_MISSING")
