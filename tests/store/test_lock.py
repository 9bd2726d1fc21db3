"""The single-instance lock: a second collector refuses cleanly, naming the first."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from perfeval_xl.store import CollectorLock, LockBusy, Store, open_store

REPO = Path(__file__).resolve().parents[2]


def _child(url: str, archive: Path, start: Path, hold: float) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "tests.store.lock_child", url, str(archive), str(start), str(hold)],
                            cwd=REPO, env=dict(os.environ, PYTHONPATH=str(REPO)), stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


def test_two_collectors_started_together_one_works_the_other_refuses(store_url: str, tmp_path: Path) -> None:
    # Separate archive folders (two PCs): the database's own lock must decide (SQLite file lock,
    # PostgreSQL advisory lock). Both also create the tables of the fresh database at once.
    start = tmp_path / "go"
    children = [_child(store_url, tmp_path / f"archive{n}", start, 2.0) for n in (1, 2)]
    for child in children:
        assert child.stdout is not None and child.stdout.readline() == "READY\n"
    start.touch()
    outputs = [child.communicate(timeout=60) for child in children]
    codes = sorted(child.returncode for child in children)
    assert codes == [0, 3], outputs
    winner = next(c for c in children if c.returncode == 0)
    loser_output = next(out for c, (out, _) in zip(children, outputs, strict=True) if c.returncode == 3)
    assert loser_output.startswith(f"另一个汇总程序正在运行（进程 {winner.pid}，主机 {socket.gethostname()}，")
    assert "本次运行未做任何改动。请等它结束后再运行。" in loser_output


def test_the_lock_of_a_killed_collector_is_free_again(store: Store, store_url: str, tmp_path: Path) -> None:
    start = tmp_path / "go"
    start.touch()
    child = _child(store_url, tmp_path / "archive", start, 600)
    assert child.stdout is not None
    assert child.stdout.readline() == "READY\n"
    assert child.stdout.readline() == f"ACQUIRED {child.pid}\n"
    with pytest.raises(LockBusy):
        CollectorLock(store, tmp_path / "archive").acquire()
    child.send_signal(signal.SIGKILL)
    child.communicate(timeout=30)
    with CollectorLock(store, tmp_path / "archive", wait=10) as lock:
        assert lock.info.pid == os.getpid()


def test_a_second_lock_in_the_same_archive_is_refused_until_released(store: Store, tmp_path: Path) -> None:
    archive = tmp_path / "archive"
    first = CollectorLock(store, archive, command="collect returns/")
    first.acquire()
    info = (archive / ".perfeval-collect.lock.json").read_text(encoding="utf-8")
    assert f'"pid": {os.getpid()}' in info and '"command": "collect returns/"' in info
    started = time.monotonic()
    with pytest.raises(LockBusy) as caught:
        CollectorLock(store, archive, wait=0.3).acquire()
    assert time.monotonic() - started >= 0.3
    text = caught.value.message()
    assert text.startswith(f"另一个汇总程序正在运行（进程 {os.getpid()}，主机 {socket.gethostname()}，")
    assert f"{first.info.started_at.isoformat(sep=' ')} 启动" in text
    first.release()
    assert not (archive / ".perfeval-collect.lock.json").exists()
    with CollectorLock(store, archive):
        pass


@pytest.mark.parametrize("backend", [pytest.param("postgresql", marks=pytest.mark.postgres)])
def test_postgresql_collectors_on_two_machines_meet_at_the_advisory_lock(store_url: str, tmp_path: Path) -> None:
    one, two = open_store(store_url), open_store(store_url)
    try:
        with CollectorLock(one, tmp_path / "pc1"):
            with pytest.raises(LockBusy) as caught:
                CollectorLock(two, tmp_path / "pc2").acquire()
            text = caught.value.message()
            assert text.startswith(f"另一个汇总程序正在运行（进程 {os.getpid()}，主机 {socket.gethostname()[:30]}，")
            assert "锁：PostgreSQL perfeval_test/t_" in text
            assert not (tmp_path / "pc2" / ".perfeval-collect.lock.json").exists()  # its file lock was let go
        with CollectorLock(two, tmp_path / "pc2"):
            pass
    finally:
        one.close()
        two.close()
