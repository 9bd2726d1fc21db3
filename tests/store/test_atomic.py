"""Atomic output files: the old file or the new one, never a torn one."""

from __future__ import annotations

from pathlib import Path

import pytest

from perfeval_xl.store import StoreError, atomic_writer, write_atomic
from perfeval_xl.store.atomic import stale_temps


def test_write_replaces_the_file_and_leaves_no_temporary(tmp_path: Path) -> None:
    target = tmp_path / "汇总.csv"
    target.write_bytes(b"old")
    assert write_atomic(target, b"new") is True
    assert target.read_bytes() == b"new"
    assert [p.name for p in tmp_path.iterdir()] == ["汇总.csv"]


def test_an_error_while_writing_keeps_the_old_file(tmp_path: Path) -> None:
    target = tmp_path / "summary.xlsx"
    target.write_bytes(b"old")
    with pytest.raises(RuntimeError, match="renderer failed"), atomic_writer(target) as handle:
        handle.write(b"half a workbook")
        raise RuntimeError("renderer failed")
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["summary.xlsx"]


def test_temporaries_of_a_killed_writer_are_removed_on_the_next_write(tmp_path: Path) -> None:
    target = tmp_path / "results.csv"
    leftover = tmp_path / ".results.csv.0123456789ab.perfeval-tmp"
    leftover.write_bytes(b"torn")
    other = tmp_path / ".other.csv.0123456789ab.perfeval-tmp"
    other.write_bytes(b"not ours to remove")
    assert stale_temps(target) == [leftover]
    write_atomic(target, b"whole")
    assert sorted(p.name for p in tmp_path.iterdir()) == [".other.csv.0123456789ab.perfeval-tmp", "results.csv"]


def test_an_unwritable_folder_gives_a_chinese_error(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_bytes(b"")
    with pytest.raises(StoreError) as caught:
        write_atomic(blocker / "results.csv", b"x")
    assert caught.value.code == "STORE_WRITE_FAILED"
    assert caught.value.message().startswith(f"无法写入文件 {blocker / 'results.csv'}：")
