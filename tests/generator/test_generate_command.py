"""`perfeval generate` as a batch operation: byte-identical output, no overwriting
without --force, and nothing written for an invalid manifest."""

from __future__ import annotations

from pathlib import Path

import pytest

from perfeval_xl.manifest import load_manifest, read_manifest
from perfeval_xl.writer.generate import GenerateError, generate

SAMPLES = Path(__file__).resolve().parents[2] / "samples" / "manifest.yaml"


def contents(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def test_two_runs_write_byte_identical_workbooks(tmp_path: Path) -> None:
    loaded = load_manifest(SAMPLES)
    first = generate(loaded, tmp_path / "one", workers=1)
    second = generate(load_manifest(SAMPLES), tmp_path / "two", workers=2)
    assert [p.name for p in first] == [p.name for p in second]
    assert len(first) == len(loaded.manifest.projects)
    assert contents(tmp_path / "one") == contents(tmp_path / "two")


def test_a_non_empty_folder_is_refused_without_force(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "收件.txt").write_text("已有文件", encoding="utf-8")
    with pytest.raises(GenerateError, match="不为空"):
        generate(load_manifest(SAMPLES), out, workers=1)
    assert contents(out) == {"收件.txt": "已有文件".encode()}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]  # no staging folder left behind

    written = generate(load_manifest(SAMPLES), out, force=True, workers=1)
    assert sorted(p.name for p in out.iterdir()) == sorted(p.name for p in written)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out", "out.register.jsonl"]


def test_nothing_is_written_for_an_invalid_manifest(tmp_path: Path) -> None:
    text = SAMPLES.read_text(encoding="utf-8")
    broken = text.replace("level3: 运维服务系统数量, weight: 15,", "level3: 运维服务系统数量, weight: 16,")
    assert broken != text
    manifest = tmp_path / "manifest.yaml"
    manifest.write_text(broken, encoding="utf-8")
    loaded = read_manifest(manifest)
    assert not loaded.ok and "WEIGHTS_NOT_SUM_PARENT" in {f.code for f in loaded.findings}
    with pytest.raises(GenerateError, match="清单有错误"):
        generate(loaded, tmp_path / "out", workers=1)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["manifest.yaml"]
