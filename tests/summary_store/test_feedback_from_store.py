"""Feedback from the database and the archive: one output per open file with a finding above info."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import pytest
from openpyxl import load_workbook

from perfeval_xl.feedback import FEEDBACK_TITLE, FeedbackError
from perfeval_xl.feedback.from_store import _unique_name, feedback_from_store
from perfeval_xl.findings import Severity
from perfeval_xl.store import findings, sha256_file
from perfeval_xl.store.stored import open_findings
from tests.summary_store.conftest import Collected
from tests.summary_store.support import BATCH, opened


def _expected(collected: Collected) -> dict[str, tuple[str, int]]:
    """Original name -> (kind, findings above info) from the database directly."""
    with opened(collected.db_url) as store:
        rows = [*findings(store, BATCH), *(r for r in findings(store) if r["batch_id"] is None)]
    by_file: dict[str, list[dict[str, object]]] = defaultdict(list)
    for row in rows:
        by_file[str(row["original_name"])].append(row)
    out = {}
    for name, found in by_file.items():
        shown = sum(Severity(r["severity"]).rank > Severity.INFO.rank for r in found)
        if shown:
            out[name] = ("letter" if found[0]["file_outcome"] == "rejected" else "annotated", shown)
    return out


def test_one_output_per_open_file_with_findings(collected: Collected, tmp_path: Path) -> None:
    archive = collected.work / "archive"
    before = {p: sha256_file(p)[0] for p in archive.rglob("*") if p.is_file() and len(p.stem) == 64}
    with opened(collected.db_url) as store:
        results = feedback_from_store(store, archive, tmp_path / "反馈")
    expected = _expected(collected)
    assert {r.file: (r.feedback.kind, r.findings) for r in results if r.feedback} == expected
    assert not any(r.error for r in results)
    assert sorted(p.name for p in (tmp_path / "反馈").iterdir()) == sorted(
        r.feedback.path.name for r in results if r.feedback)
    kinds = {r.file[:4]: r.feedback.kind for r in results if r.feedback}
    assert kinds["P005"] == kinds["P011"] == kinds["P013"] == "letter"
    assert kinds["P007"] == kinds["P017"] == "annotated"
    assert "P009" not in kinds  # its first draft had an error, but the corrected version is current
    assert {p: sha256_file(p)[0] for p in before} == before == {p: p.stem for p in before}  # archive untouched

    p007 = next(r for r in results if r.file.startswith("P007"))
    assert p007.feedback is not None and p007.feedback.path.name == p007.file.replace(".xlsx", "_反馈.xlsx")
    sheet = load_workbook(p007.feedback.path)["问题清单"]
    assert sheet["A1"].value == FEEDBACK_TITLE and p007.file in sheet["A2"].value  # named as the unit sent it
    assert set(p007.feedback.marked) == {("绩效自评", "I6"), ("绩效自评", "I10"), ("绩效自评", "I14")}


def test_letters_address_the_unit_or_the_sender(collected_sqlite: Collected, tmp_path: Path) -> None:
    with opened(collected_sqlite.db_url) as store:
        results = {r.file[:4]: r for r in feedback_from_store(store, collected_sqlite.work / "archive", tmp_path)}
        p011_sender = next(r.unit for r in collected_sqlite.returns.simulated if r.project_id == "P011")
    for key, unit in (("P005", "示例市职业技能鉴定指导中心"), ("P011", p011_sender)):
        feedback = results[key].feedback
        assert feedback is not None
        text = [c for row in load_workbook(feedback.path).active.iter_rows(values_only=True) for c in row if c]
        assert any(unit in str(c) for c in text), key


def test_a_missing_archive_folder_or_file(own_copy: Collected, tmp_path: Path) -> None:
    with opened(own_copy.db_url) as store:
        with pytest.raises(FeedbackError, match="归档文件夹 .* 不存在"):
            feedback_from_store(store, tmp_path / "nowhere", tmp_path / "out")
        p007 = next(r for r in open_findings(store, BATCH) if r["project_id"] == "P007")
        next((own_copy.work / "archive").rglob(f"{p007['file_sha256']}*")).unlink()
        results = {r.file[:4]: r for r in feedback_from_store(store, own_copy.work / "archive", tmp_path / "out")}
    assert results["P007"].feedback is None and (results["P007"].error or "").startswith("归档中找不到该文件")
    assert all(r.feedback is not None for key, r in results.items() if key != "P007")


def test_a_damaged_archived_copy_is_refused_not_annotated(own_copy: Collected, tmp_path: Path) -> None:
    with opened(own_copy.db_url) as store:
        p007 = next(r for r in open_findings(store, BATCH) if r["project_id"] == "P007")
        damaged = next((own_copy.work / "archive").rglob(f"{p007['file_sha256']}*"))
        damaged.chmod(0o644)
        damaged.write_bytes(damaged.read_bytes()[:-10])
        results = {r.file[:4]: r for r in feedback_from_store(store, own_copy.work / "archive", tmp_path)}
    assert results["P007"].feedback is None and "与其 SHA-256 文件名不符" in (results["P007"].error or "")
    assert results["P017"].feedback is not None


def test_two_open_files_sent_under_one_name_get_two_outputs() -> None:
    used: set[str] = set()
    assert _unique_name("P001_表.xlsx", "ab" * 32, used) == "P001_表.xlsx"
    assert _unique_name("P001_表.xlsx", "cd" * 32, used) == "P001_表_cdcdcdcd.xlsx"
    assert used == {"P001_表", "P001_表_cdcdcdcd"}
