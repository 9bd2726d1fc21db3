"""Generation from a manifest read in chunks (manifest.parts): the same workbooks and
register as from the manifest loaded whole, and an invalid manifest reported with the
whole manifest's findings before any other failure, with nothing written."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from perfeval_xl.cli import app
from perfeval_xl.manifest import ManifestError, load_manifest, read_manifest
from perfeval_xl.manifest.parts import RawChunk, Validated, manifest_parts
from perfeval_xl.writer.generate import generate

SAMPLES = Path(__file__).resolve().parents[2] / "samples" / "manifest.yaml"


def contents(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def _json_manifest(tmp_path: Path, change=None) -> Path:
    data = yaml.safe_load(SAMPLES.read_text(encoding="utf-8"))
    if change:
        change(data)
    path = tmp_path / "manifest.json"
    path.write_text(json.dumps(data, ensure_ascii=False, default=str), encoding="utf-8")
    return path


@pytest.mark.parametrize("workers", [1, 2])
def test_chunks_give_the_workbooks_and_register_of_the_whole_manifest(tmp_path: Path, workers: int) -> None:
    whole = generate(load_manifest(SAMPLES), tmp_path / "whole", workers=1)
    parts = manifest_parts(SAMPLES, size=8)
    assert parts.total == len(whole) and parts.count == 4
    assert all(isinstance(chunk, RawChunk) for chunk in parts.chunks())
    chunked = generate(parts, tmp_path / "chunked", workers=workers)
    assert [p.name for p in chunked] == [p.name for p in whole]
    assert contents(tmp_path / "chunked") == contents(tmp_path / "whole")
    assert (tmp_path / "chunked.register.jsonl").read_bytes() == (tmp_path / "whole.register.jsonl").read_bytes()


def test_an_excel_manifest_is_loaded_whole(tmp_path: Path) -> None:
    workbook = tmp_path / "manifest.xlsx"
    assert CliRunner().invoke(app, ["manifest-template", str(workbook), "--from", str(SAMPLES)]).exit_code == 0
    parts = manifest_parts(workbook, size=8)
    assert all(isinstance(chunk, Validated) for chunk in parts.chunks())
    assert contents(Path(generate(parts, tmp_path / "xlsx", workers=1)[0]).parent) == contents(
        Path(generate(load_manifest(SAMPLES), tmp_path / "yaml", workers=1)[0]).parent)


def _assert_reported_whole(exc: pytest.ExceptionInfo[ManifestError], path: Path) -> None:
    expected = read_manifest(path).findings
    assert [f.model_dump() for f in exc.value.findings] == [f.model_dump() for f in expected]


@pytest.mark.parametrize("workers", [1, 2])
def test_an_error_in_a_later_chunk_is_reported_for_the_whole_manifest(tmp_path: Path, workers: int) -> None:
    def break_weight(data: dict) -> None:
        data["projects"][-1]["indicators"][0]["weight"] = "十"

    path = _json_manifest(tmp_path, break_weight)
    with pytest.raises(ManifestError) as exc:
        generate(manifest_parts(path, size=8), tmp_path / "out", workers=workers)
    _assert_reported_whole(exc, path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["manifest.json"]


def test_an_id_used_in_two_chunks_is_reported(tmp_path: Path) -> None:
    def duplicate(data: dict) -> None:
        data["projects"][-1]["id"] = data["projects"][0]["id"]

    path = _json_manifest(tmp_path, duplicate)
    with pytest.raises(ManifestError) as exc:
        generate(manifest_parts(path, size=8), tmp_path / "out", workers=1)
    assert "DUPLICATE_ID" in {f.code for f in exc.value.findings}
    _assert_reported_whole(exc, path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["manifest.json"]


def test_an_invalid_manifest_is_reported_before_a_refused_folder(tmp_path: Path) -> None:
    path = _json_manifest(tmp_path, lambda data: data["projects"][-1].pop("unit"))
    out = tmp_path / "out"
    out.mkdir()
    (out / "收件.txt").write_text("已有文件", encoding="utf-8")
    with pytest.raises(ManifestError) as exc:
        generate(manifest_parts(path, size=8), out, workers=1)
    _assert_reported_whole(exc, path)
    assert contents(out) == {"收件.txt": "已有文件".encode()}


def test_a_manifest_that_is_not_a_batch_of_projects_is_loaded_whole(tmp_path: Path) -> None:
    path = _json_manifest(tmp_path, lambda data: data.__setitem__("projects", []))
    with pytest.raises(ManifestError) as exc:
        manifest_parts(path)
    _assert_reported_whole(exc, path)


def test_the_command_reports_a_chunk_error_as_before(tmp_path: Path) -> None:
    path = _json_manifest(tmp_path, lambda data: data["projects"][-1].pop("unit"))
    result = CliRunner(env={"COLUMNS": "250"}).invoke(app, ["generate", str(path), "--out", str(tmp_path / "out")])
    assert result.exit_code == 1
    assert "清单有 1 处错误，未生成任何工作簿" in result.output and "projects[26]" in result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["manifest.json"]


def test_a_reissue_from_chunks_continues_the_register_as_from_the_whole_manifest(tmp_path: Path) -> None:
    def change_target(data: dict) -> None:
        data["projects"][-1]["indicators"][1]["target_text"] = "≥99%"

    first, second = SAMPLES, _json_manifest(tmp_path, change_target)
    for name, read in (("whole", load_manifest), ("chunked", lambda path: manifest_parts(path, size=8))):
        out = tmp_path / name
        generate(read(first), out, workers=1)
        generate(read(first), out, force=True, workers=1)  # unchanged: nothing new in the register
        generate(read(second), out, force=True, workers=2)
    whole_register = (tmp_path / "whole.register.jsonl").read_bytes()
    assert (tmp_path / "chunked.register.jsonl").read_bytes() == whole_register
    assert len(whole_register.splitlines()) == len(contents(tmp_path / "whole")) + 1  # the last project's version 2
    assert contents(tmp_path / "chunked") == contents(tmp_path / "whole")
