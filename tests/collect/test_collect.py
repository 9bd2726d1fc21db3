"""`perfeval collect` on the sample batch's simulated returns, on SQLite and PostgreSQL."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from typer.testing import CliRunner

from perfeval_xl.cli import app
from perfeval_xl.collect import CollectOptions, collect
from perfeval_xl.findings import CATALOGUE
from perfeval_xl.store import current_results, findings, open_store, submission_history
from tests.collect.conftest import Batch


@pytest.fixture
def db_url(store_url: str) -> str:
    return store_url


def _options(batch: Batch, tmp_path: Path, db_url: str) -> CollectOptions:
    return CollectOptions(returns=batch.returns, manifest=batch.manifest, register=batch.register,
                          work=tmp_path / "work", receipts=batch.receipts, db_url=db_url, workers=2)


def _hashes(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.iterdir()}


def test_collect_the_simulated_returns(returned: Batch, tmp_path: Path, db_url: str) -> None:
    before = _hashes(returned.returns)
    result = collect(_options(returned, tmp_path, db_url))
    assert _hashes(returned.returns) == before  # the originals are never written to
    counts = result.counts
    assert result.new == result.files == len(returned.simulated)
    assert counts.late == 1 and counts.superseded == 1 and counts.needs_decision == 0
    missing = {r.project_id for r in returned.stories("missing")} if returned.stories("missing") else set()
    store = open_store(db_url)
    try:
        current = {row["project_id"]: row for row in current_results(store)}
        codes: dict[str, set[str]] = {}
        for row in findings(store, scope="all"):
            codes.setdefault(row["original_name"], set()).add(row["code"])
        history = submission_history(store)
    finally:
        store.close()
    by_kind = {r.story.kind: r for r in returned.simulated}
    assert "SIGNATURE_INVALID" in codes[by_kind["tampered"].file]
    assert "LOCKED_CELL_CHANGED" in codes[by_kind["tampered"].file]
    assert by_kind["tampered"].project_id not in current  # rejected: nothing consolidated
    assert codes[by_kind["truncated"].file] == {"GATE_ZIP_CORRUPT"}
    assert codes[by_kind["not_workbook"].file] == {"GATE_NOT_WORKBOOK"}
    assert "CACHED_RESULT_MISMATCH" in codes[by_kind["forged_cache"].file]
    assert "CACHED_RESULT_MISMATCH" in codes[by_kind["stale_cache"].file]
    assert "REASON_MISSING" in codes[by_kind["blank_reason"].file]
    honest = [r for r in returned.simulated if r.story.kind == "honest"]
    # Honest returns carry only the sample inputs' own (deliberate) value findings.
    assert all(CATALOGUE[c].layer == "values" for r in honest for c in codes.get(r.file, set()))
    assert all(r.project_id in current for r in honest)
    assert missing.isdisjoint(current)
    resubmitted = [row for row in history if row["project_id"] == by_kind["resubmitted"].project_id]
    assert [row["is_current"] for row in resubmitted] == [False, True]
    assert current["S000"]["total"] == 99.5 and current["S000"]["grade"] == "优"


def test_recollecting_changes_nothing(returned: Batch, tmp_path: Path) -> None:
    db_url = f"sqlite:///{tmp_path / 'again.db'}"
    first = collect(_options(returned, tmp_path, db_url))
    exports = {p: p.read_bytes() for p in first.exports}
    second = collect(_options(returned, tmp_path, db_url))
    assert second.new == 0 and second.run_id == first.run_id + 1
    assert second.counts == first.counts
    assert {p: p.read_bytes() for p in second.exports} == exports


def test_cli_prints_the_closing_summary(returned: Batch, tmp_path: Path) -> None:
    result = CliRunner().invoke(app, [
        "collect", str(returned.returns), "--manifest", str(returned.manifest), "--register", str(returned.register),
        "--receipts", str(returned.receipts), "--work", str(tmp_path / "work"), "--workers", "2"])
    assert result.exit_code == 0, result.output
    for text in ("收到", "接收（有问题）", "退回", "被替代", "逾期", "未报送", "results.csv", "findings.csv"):
        assert text in result.output


def test_a_register_of_another_batch_is_refused(returned: Batch, tmp_path: Path) -> None:
    other = tmp_path / "other.register.jsonl"
    other.write_text(returned.register.read_text(encoding="utf-8").replace("2024-ZP-SAMPLE", "2023-OTHER"),
                     encoding="utf-8")
    result = CliRunner().invoke(app, ["collect", str(returned.returns), "--manifest", str(returned.manifest),
                                      "--register", str(other), "--work", str(tmp_path / "w")])
    assert result.exit_code == 1 and "不符" in result.output
