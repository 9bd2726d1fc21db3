"""The collector indexes the register once and sends the line index to its check workers: pickled,
it finds the same entries as a worker's own index, and a file's report is the same either way."""

from __future__ import annotations

import pickle
from pathlib import Path

from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from perfeval_xl.intake.pipeline import CheckOptions, check_file
from perfeval_xl.integrity.register import RegisterIndex, register_line
from tests.integrity.conftest import Batches


def _register(batches: Batches, tmp_path: Path) -> Path:
    path = tmp_path / "issued.register.jsonl"
    path.write_text("".join(register_line(e) + "\n" for e in batches.signed.entries.values()), encoding="utf-8")
    return path


def test_the_pickled_index_finds_every_entry(batches: Batches, tmp_path: Path) -> None:
    index = RegisterIndex(_register(batches, tmp_path))
    lines = pickle.loads(pickle.dumps(index.lines))
    assert lines.path.is_absolute()
    for project_id, entry in batches.signed.entries.items():
        assert project_id in lines
        assert lines.versions(project_id) == index.versions(project_id) == [entry.issued_version]
        assert lines.entry(project_id, entry.issued_version) == entry
        assert lines.entry(project_id, entry.issued_version + 1) is None
    assert "NOT-ISSUED" not in lines and lines.entry("NOT-ISSUED", 1) is None


def test_a_report_is_the_same_with_the_callers_index(batches: Batches, tmp_path: Path) -> None:
    path = _register(batches, tmp_path)
    keys = {k: v.public_bytes(Encoding.Raw, PublicFormat.Raw) for k, v in batches.signed.keys.items()}
    own = CheckOptions(public_keys=keys, register_path=str(path))
    given = pickle.loads(pickle.dumps(CheckOptions(public_keys=keys, register_lines=RegisterIndex(path).lines)))
    for workbook in batches.signed.paths.values():
        report = check_file(workbook, given)
        assert report.project_id is not None and report.result is not None
        assert report.model_dump() == check_file(workbook, own).model_dump()
