"""Crash safety: a collector SIGKILLed again and again ends where an uninterrupted one does.

With a receipt log (so the order is fixed), tests/store/mini_collector.py is killed at
injected points (inside the archive copy, inside a database commit, inside an export
write) and at random moments, then run to completion. The database must equal an
uninterrupted run's except the run records and the collector-clock columns; archive
and exports must be byte-identical; the originals must be untouched.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
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
from perfeval_xl.store.archive import CHUNK, INCOMING
from perfeval_xl.store.killpoints import ENV_KILL_AT, ENV_KILL_LOG
from tests.store.support import dump

REPO = Path(__file__).resolve().parents[2]
SEED = 20250401

# (file name, content, receipt time); P004's resubmission sorts before the original but arrived later.
RETURNS = [
    ("P001_v1.xlsx", {"project": "P001", "scores": ["8", "10"]}, "2025-03-10 09:00"),
    ("P001_v2.xlsx", {"project": "P001", "scores": ["9.5", "10"], "outcome": "accepted_with_findings",
                      "findings": ["REASON_MISSING"]}, "2025-03-12 09:00"),
    ("P002.xlsx", {"project": "P002", "scores": ["10", "10"]}, "2025-03-11 10:00"),
    ("P003_a.xlsx", {"project": "P003", "scores": ["1", "1"], "outcome": "rejected",
                     "findings": ["SIGNATURE_INVALID"]}, "2025-03-11 11:00"),
    ("P003_b.xlsx", {"project": "P003", "scores": ["7.25", "10"]}, "2025-03-20 11:00"),
    ("P004.xlsx", {"project": "P004", "scores": ["6", "10"]}, "2025-03-15 08:00"),
    ("P004_重报.xlsx", {"project": "P004", "scores": ["6.5", "10"]}, "2025-03-16 08:00"),
    ("P005.xlsx", {"project": "P005", "scores": ["10", "9"]}, "2025-03-13 15:00"),
    ("P006.xlsx", {"project": "P006", "scores": ["0", "10"]}, "2025-03-14 15:00"),
    ("P007.xlsx", {"project": "P007", "scores": ["5", "5"]}, "2025-03-18 15:00"),
    ("P008.xlsx", {"project": "P008", "scores": ["8.88", "10"]}, "2025-03-30 15:00"),
    ("P009_逾期.xlsx", {"project": "P009", "scores": ["9", "9"]}, "2025-04-02 09:30"),
    ("P010.xlsx", {"project": "P010", "scores": ["4.5", "10"]}, "2025-03-31 23:59"),
    ("无法识别.xlsx", None, "2025-03-19 12:00"),
]


def _write_returns(folder: Path) -> Path:
    """The returns folder (files of 0.1 to 2.5 MB, so a copy spans several chunks) and its receipt log."""
    rng = random.Random(SEED)
    folder.mkdir()
    lines = ["文件名,报送单位,收到时间"]
    for name, content, received in RETURNS:
        pad = "x" * rng.randint(100_000, 2_500_000)
        data = json.dumps({**content, "pad": pad}).encode() if content else os.urandom(200_000)
        (folder / name).write_bytes(data)
        lines.append(f"{name},{content['project'] if content else '未知'}单位,{received}")
    log = folder.parent / "收文登记.csv"
    log.write_text("\r\n".join(lines) + "\r\n", encoding="utf-8-sig")
    return log


def _hashes(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


def _tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


class Collector:
    """Runs the mini collector against one store, archive and output folder."""

    def __init__(self, url: str, root: Path, returns: Path, receipts: Path, kill_log: Path) -> None:
        self.url = url
        self.args = [sys.executable, "-m", "tests.store.mini_collector", url, str(root / "archive"), str(returns),
                     str(receipts), str(root / "out")]
        self.root = root
        self.kill_log = kill_log

    def start(self, kill_at: str = "") -> subprocess.Popen[str]:
        env = dict(os.environ, PYTHONPATH=str(REPO), **{ENV_KILL_AT: kill_at, ENV_KILL_LOG: str(self.kill_log)})
        return subprocess.Popen(self.args, cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                text=True)

    def run(self, kill_at: str = "") -> int:
        child = self.start(kill_at)
        _, err = child.communicate(timeout=120)
        assert child.returncode in (0, -signal.SIGKILL), err
        return child.returncode

    def timed_run(self) -> float:
        """Seconds from READY to the end of an uninterrupted run."""
        child = self.start()
        assert child.stdout is not None and child.stdout.readline() == "READY\n"
        started = time.monotonic()
        _, err = child.communicate(timeout=120)
        assert child.returncode == 0, err
        return time.monotonic() - started

    def run_killed_after(self, delay: float) -> int:
        child = self.start()
        assert child.stdout is not None and child.stdout.readline() == "READY\n"
        time.sleep(delay)
        if child.poll() is None:
            child.send_signal(signal.SIGKILL)
        _, err = child.communicate(timeout=120)
        assert child.returncode in (0, -signal.SIGKILL), err
        if child.returncode == -signal.SIGKILL:  # it may have finished between poll() and the signal
            with open(self.kill_log, "a", encoding="utf-8") as log:
                log.write(f"{dt.datetime.now().isoformat()}\tpid={child.pid}\trandom:+{delay:.3f}s\n")
        return child.returncode


def _schedule(returns: Path, duration: float) -> list[str | float]:
    """Injected kill points (names with a pass number), then random delays after READY (seconds)."""
    chunks = sum(max(1, math.ceil(p.stat().st_size / CHUNK)) for p in returns.iterdir())
    files = len(list(returns.iterdir()))
    rng = random.Random(SEED)
    # Archived files are not copied again, so later runs copy fewer chunks: copy kills come first.
    return [
        "archive_copy:2", f"archive_copy:{chunks // 3}", "archive_copy:3", "db_commit:1", "db_commit:4",
        "export_write:1", f"db_commit:{files}", "export_write:2", "db_commit:9", "export_write:1",
        *(rng.uniform(0, duration) for _ in range(5)),
    ]


@pytest.mark.slow
def test_killed_collectors_end_where_an_uninterrupted_one_does(make_store_url: Callable[[], str],
                                                               tmp_path: Path) -> None:
    returns = tmp_path / "returns"
    receipts = _write_returns(returns)
    originals = _hashes(returns)
    kill_log = tmp_path / "kills.log"

    reference = Collector(make_store_url(), tmp_path / "reference", returns, receipts, tmp_path / "unused.log")
    duration = reference.timed_run()

    crashed_url = make_store_url()
    crashed = Collector(crashed_url, tmp_path / "crashed", returns, receipts, kill_log)
    outcomes = [crashed.run(step) if isinstance(step, str) else crashed.run_killed_after(step)
                for step in _schedule(returns, duration)]
    kills = outcomes.count(-signal.SIGKILL)
    assert kills >= 10, outcomes
    assert len(kill_log.read_text(encoding="utf-8").splitlines()) == kills
    assert crashed.run() == 0
    print(f"{kills} kills, outcomes {outcomes}:\n{kill_log.read_text(encoding='utf-8')}")

    with open_store(reference.url, create=False) as ref_store, open_store(crashed_url, create=False) as store:
        expected, actual = dump(ref_store), dump(store)
    assert actual == expected
    assert len(expected["files"]) == len(RETURNS) and len(expected["submissions"]) == len(RETURNS) - 1
    assert _tree(tmp_path / "crashed" / "archive") == _tree(tmp_path / "reference" / "archive")
    assert not list((tmp_path / "crashed" / "archive" / INCOMING).iterdir())
    assert _tree(tmp_path / "crashed" / "out") == _tree(tmp_path / "reference" / "out")
    assert _hashes(returns) == originals
