"""The archive: named by SHA-256, verified, read-only, idempotent; the source is never written."""

from __future__ import annotations

import hashlib
import os
import stat
from pathlib import Path

import pytest

from perfeval_xl.store import Archive, StoreError, sha256_file
from perfeval_xl.store.archive import archive_suffix


@pytest.fixture
def returns(tmp_path: Path) -> Path:
    """A read-only folder of returned files, as a unit's mail attachments might be saved."""
    folder = tmp_path / "returns"
    folder.mkdir()
    (folder / "P001_信息系统.XLSX").write_bytes(b"PK\x03\x04 workbook one" * 1000)
    (folder / "P002.xlsx").write_bytes(b"PK\x03\x04 workbook two")
    for path in folder.iterdir():
        path.chmod(0o444)
    folder.chmod(0o555)
    yield folder
    folder.chmod(0o755)


def _snapshot(folder: Path) -> dict[str, tuple[bytes, int]]:
    return {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in sorted(folder.iterdir())}


def test_put_copies_under_the_content_hash_read_only(tmp_path: Path, returns: Path) -> None:
    source = returns / "P001_信息系统.XLSX"
    expected = hashlib.sha256(source.read_bytes()).hexdigest()
    archived = Archive(tmp_path / "archive").put(source)
    assert archived.sha256 == expected
    assert archived.size == source.stat().st_size
    assert archived.relative_path == f"{expected[:2]}/{expected}.xlsx"
    assert archived.path == tmp_path / "archive" / expected[:2] / f"{expected}.xlsx"
    assert archived.created is True
    assert archived.path.read_bytes() == source.read_bytes()
    assert stat.S_IMODE(archived.path.stat().st_mode) == 0o444
    assert list((tmp_path / "archive" / ".incoming").iterdir()) == []


def test_put_is_idempotent_and_never_touches_the_source(tmp_path: Path, returns: Path) -> None:
    before = _snapshot(returns)
    archive = Archive(tmp_path / "archive")
    first = [archive.put(p) for p in sorted(returns.iterdir())]
    stamps = {a.sha256: a.path.stat().st_mtime_ns for a in first}
    again = [archive.put(p) for p in sorted(returns.iterdir())]
    assert [a.created for a in again] == [False, False]
    assert [a.path for a in again] == [a.path for a in first]
    assert {a.sha256: a.path.stat().st_mtime_ns for a in again} == stamps
    assert _snapshot(returns) == before
    assert all(archive.verify(a.sha256) for a in first)


def test_put_all_archives_a_batch_like_put_each(tmp_path: Path, returns: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    copy = tmp_path / "copy.xlsx"
    copy.write_bytes((returns / "P002.xlsx").read_bytes())
    sources = [*sorted(returns.iterdir()), copy]
    syncs: list[int] = []
    real_sync = os.sync
    monkeypatch.setattr(os, "sync", lambda: (syncs.append(1), real_sync())[1])
    batch = Archive(tmp_path / "batch").put_all(sources)
    batch_syncs = len(syncs)
    single = [Archive(tmp_path / "single").put(p) for p in sources]
    assert [(a.sha256, a.relative_path, a.created) for a in batch] == \
        [(a.sha256, a.relative_path, a.created) for a in single]
    assert [a.created for a in batch] == [True, True, False]  # the copy's content was archived just before
    assert batch_syncs == 2  # data before the renames, then the renames: not two per file
    assert all(stat.S_IMODE(a.path.stat().st_mode) == 0o444 and a.path.read_bytes() == s.read_bytes()
               for a, s in zip(batch, sources))
    assert list((tmp_path / "batch" / ".incoming").iterdir()) == []


def test_the_same_content_under_another_name_is_archived_once(tmp_path: Path, returns: Path) -> None:
    copy = tmp_path / "copy.bin"
    copy.write_bytes((returns / "P002.xlsx").read_bytes())
    archive = Archive(tmp_path / "archive")
    first = archive.put(returns / "P002.xlsx")
    second = archive.put(copy)
    assert (second.created, second.path) == (False, first.path)


def test_a_file_changing_after_it_was_hashed_is_not_archived(tmp_path: Path, monkeypatch: pytest.MonkeyPatch
                                                             ) -> None:
    source = tmp_path / "still_saving.xlsx"
    source.write_bytes(b"first half")
    archive = Archive(tmp_path / "archive")
    copy = archive._copy

    def copy_while_the_unit_saves_again(src: Path, temp: Path) -> tuple[str, int]:
        src.write_bytes(b"first half, second half")
        return copy(src, temp)

    monkeypatch.setattr(archive, "_copy", copy_while_the_unit_saves_again)
    with pytest.raises(StoreError) as caught:
        archive.put(source)
    assert caught.value.code == "STORE_ARCHIVE_CHANGED"
    assert "在读取过程中发生了变化" in caught.value.message()
    assert archive.find(sha256_file(source)[0]) is None
    assert archive.find(hashlib.sha256(b"first half").hexdigest()) is None
    assert list((tmp_path / "archive" / ".incoming").iterdir()) == []


def test_a_damaged_archive_entry_is_reported_and_kept(tmp_path: Path, returns: Path) -> None:
    archive = Archive(tmp_path / "archive")
    archived = archive.put(returns / "P002.xlsx")
    archived.path.chmod(0o644)
    archived.path.write_bytes(b"edited")
    with pytest.raises(StoreError) as caught:
        archive.put(returns / "P002.xlsx")
    assert caught.value.code == "STORE_ARCHIVE_CORRUPT"
    assert str(archived.path) in caught.value.message()
    assert archived.path.read_bytes() == b"edited"  # evidence is never overwritten


def test_partial_copies_of_an_interrupted_run_are_cleaned(tmp_path: Path) -> None:
    archive = Archive(tmp_path / "archive")
    (tmp_path / "archive" / ".incoming").mkdir(parents=True)
    (tmp_path / "archive" / ".incoming" / "0123.part").write_bytes(b"torn")
    assert archive.clean_incoming() == 1
    assert list((tmp_path / "archive" / ".incoming").iterdir()) == []


@pytest.mark.parametrize(("name", "suffix"), [
    ("a.XLSX", ".xlsx"), ("a.xlsm", ".xlsm"), ("no_suffix", ""), ("evil.xlsx;rm -rf", ""), ("a.多", ""),
])
def test_only_plain_suffixes_are_kept(name: str, suffix: str) -> None:
    assert archive_suffix(name) == suffix


def test_an_unreadable_source_gives_a_chinese_error(tmp_path: Path) -> None:
    with pytest.raises(StoreError) as caught:
        Archive(tmp_path / "archive").put(tmp_path / "gone.xlsx")
    assert caught.value.code == "STORE_ARCHIVE_FAILED"
    assert caught.value.message().startswith("无法将文件 gone.xlsx 存入归档")


def test_sha256_file_reads_in_chunks(tmp_path: Path) -> None:
    big = tmp_path / "big.bin"
    data = os.urandom(3 * (1 << 20) + 5)
    big.write_bytes(data)
    assert sha256_file(big) == (hashlib.sha256(data).hexdigest(), len(data))
