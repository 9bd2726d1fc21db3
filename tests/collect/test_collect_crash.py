"""Crash safety of the real `perfeval collect`: SIGKILLed again and again (at injected kill
points inside the archive copy, a database commit and an export write, and at random
moments, each kill's moment logged), then run to completion, it ends where an
uninterrupted run does: the same database (run records and collector-clock columns
aside), the same archive and exports, the originals untouched."""

from __future__ import annotations

import datetime as dt
import os
import random
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from perfeval_xl.store import open_store
from perfeval_xl.store.archive import INCOMING
from perfeval_xl.store.killpoints import ENV_KILL_AT, ENV_KILL_LOG
from tests.collect.conftest import Batch
from tests.store.support import dump
from tests.store.test_crash import _hashes, _tree

REPO = Path(__file__).resolve().parents[2]
SEED = 20251121
# Files are stored a chunk per transaction, so a run commits only a few times: the points
# are chosen so that each run is killed somewhere different, before and after the files are
# stored. A run archives everything before its first commit (the run record), then imports
# the manifest and register and stores the chunks (in the background writer thread).
INJECTED = ["archive_copy:2", "archive_copy:7", "db_commit:1", "db_commit:2", "db_commit:3", "db_commit:4",
            "export_write:1", "export_write:2", "db_commit:5", "db_commit:1", "db_commit:2", "archive_copy:3"]


class RealCollector:
    def __init__(self, batch: Batch, url: str, work: Path, kill_log: Path) -> None:
        self.url, self.work, self.kill_log = url, work, kill_log
        self.args = [sys.executable, "-c", "from perfeval_xl.cli import main; main()", "collect", str(batch.returns),
                     "--manifest", str(batch.manifest), "--register", str(batch.register),
                     "--receipts", str(batch.receipts), "--work", str(work), "--db", url, "--workers", "1"]

    def start(self, kill_at: str = "") -> subprocess.Popen[str]:
        env = dict(os.environ, PYTHONPATH=str(REPO), **{ENV_KILL_AT: kill_at, ENV_KILL_LOG: str(self.kill_log)})
        return subprocess.Popen(self.args, cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                text=True, start_new_session=True)

    def finish(self, child: subprocess.Popen[str]) -> int:
        _, err = child.communicate(timeout=300)
        assert child.returncode in (0, -signal.SIGKILL), err
        if child.returncode == -signal.SIGKILL:
            os.killpg(child.pid, signal.SIGKILL) if _alive(child.pid) else None  # workers left behind
        return child.returncode

    def run(self, kill_at: str = "") -> int:
        return self.finish(self.start(kill_at))

    def run_killed_after(self, delay: float) -> int:
        child = self.start()
        time.sleep(delay)
        if child.poll() is None:
            os.killpg(child.pid, signal.SIGKILL)
        code = self.finish(child)
        if code == -signal.SIGKILL:  # it may have finished between poll() and the signal
            with open(self.kill_log, "a", encoding="utf-8") as log:
                log.write(f"{dt.datetime.now().isoformat()}\tpid={child.pid}\trandom:+{delay:.3f}s\n")
        return code


def _alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    return True


@pytest.mark.slow
def test_killed_collect_ends_where_an_uninterrupted_one_does(returned: Batch, make_store_url: Callable[[], str],
                                                             tmp_path: Path) -> None:
    originals = _hashes(returned.returns)
    kill_log = tmp_path / "kills.log"
    reference = RealCollector(returned, make_store_url(), tmp_path / "reference", tmp_path / "unused.log")
    started = time.monotonic()
    assert reference.run() == 0
    duration = time.monotonic() - started

    crashed = RealCollector(returned, make_store_url(), tmp_path / "crashed", kill_log)
    rng = random.Random(SEED)
    outcomes = [crashed.run(point) for point in INJECTED]
    outcomes += [crashed.run_killed_after(rng.uniform(0.3, duration)) for _ in range(4)]
    kills = outcomes.count(-signal.SIGKILL)
    assert kills >= 10, " ".join(f"{p}={o}" for p, o in zip(INJECTED + ["random"] * 4, outcomes))
    assert len(kill_log.read_text(encoding="utf-8").splitlines()) == kills
    assert crashed.run() == 0
    print(f"{kills} kills, outcomes {outcomes}:\n{kill_log.read_text(encoding='utf-8')}")

    with open_store(reference.url, create=False) as ref_store, open_store(crashed.url, create=False) as store:
        assert dump(store) == dump(ref_store)
    assert _tree(crashed.work / "archive") == _tree(reference.work / "archive")
    assert not list((crashed.work / "archive" / INCOMING).iterdir())
    assert _tree(crashed.work / "exports") == _tree(reference.work / "exports")
    assert _hashes(returned.returns) == originals
