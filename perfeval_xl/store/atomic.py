"""Atomic output files: write a temporary file in the same folder, fsync, then os.replace.

A reader (or Excel) sees the old file or the new one, never a torn one, whatever
happens to this process. Leftover temporaries of a killed writer are removed the next
time the same target is written (the collector's single-instance lock makes that safe).
"""

from __future__ import annotations

import glob
import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

from perfeval_xl.store.errors import StoreError
from perfeval_xl.store.killpoints import KillPoints

_TEMP_SUFFIX = ".perfeval-tmp"


def fsync_dir(folder: Path) -> None:
    """Make a rename or creation inside `folder` durable (a no-op where folders cannot be opened)."""
    if os.name == "nt":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _temp_name(target: Path) -> Path:
    return target.with_name(f".{target.name}.{secrets.token_hex(6)}{_TEMP_SUFFIX}")


def stale_temps(target: Path) -> list[Path]:
    """Temporaries left beside `target` by an interrupted writer."""
    pattern = f".{glob.escape(target.name)}.*{_TEMP_SUFFIX}"
    return sorted(target.parent.glob(pattern))


@contextmanager
def atomic_writer(path: Path, *, killpoints: KillPoints | None = None) -> Iterator[BinaryIO]:
    """Yield a binary handle; on normal exit its bytes replace `path` atomically, on error nothing changes."""
    target = Path(path)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        for leftover in stale_temps(target):
            leftover.unlink(missing_ok=True)
        temp = _temp_name(target)
        handle = open(temp, "xb")
    except OSError as exc:
        raise StoreError("STORE_WRITE_FAILED", path=target, detail=exc.strerror or str(exc)) from None
    try:
        with handle:
            yield handle
            handle.flush()
            if killpoints is not None:
                killpoints.hit("export_write")
            os.fsync(handle.fileno())
        os.replace(temp, target)
        fsync_dir(target.parent)
    except BaseException as exc:
        temp.unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise StoreError("STORE_WRITE_FAILED", path=target, detail=exc.strerror or str(exc)) from None
        raise


def write_atomic(path: Path, data: bytes, *, killpoints: KillPoints | None = None) -> bool:
    """Write `data` to `path` atomically; False (and nothing touched) if the file already holds exactly it."""
    target = Path(path)
    try:
        for leftover in stale_temps(target):
            leftover.unlink()
        if target.is_file() and target.stat().st_size == len(data) and target.read_bytes() == data:
            return False
    except OSError:
        pass  # unreadable now: try to write and report that error
    with atomic_writer(target, killpoints=killpoints) as handle:
        handle.write(data)
    return True
