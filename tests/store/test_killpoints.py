"""Kill points: a process SIGKILLs itself at the n-th pass of a named point, and logs the moment."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from perfeval_xl.store import KillPoints
from perfeval_xl.store.killpoints import ENV_KILL_AT, ENV_KILL_LOG, parse_spec

REPO = Path(__file__).resolve().parents[2]


def test_spec_parsing() -> None:
    assert parse_spec("archive_copy:3") == {"archive_copy": 3}
    assert parse_spec(" db_commit:2 , export_write:1 ") == {"db_commit": 2, "export_write": 1}
    assert parse_spec("") == {}
    for bad, message in [("nowhere:1", "unknown kill point 'nowhere'"), ("db_commit", "needs a pass number"),
                         ("db_commit:0", "needs a pass number"), ("db_commit:x", "needs a pass number")]:
        with pytest.raises(ValueError, match=message):
            parse_spec(bad)


def test_unarmed_points_only_count() -> None:
    points = KillPoints.from_env({})
    for _ in range(3):
        points.hit("db_commit")
    assert (points.passes("db_commit"), points.passes("archive_copy")) == (3, 0)
    with pytest.raises(ValueError, match="unknown kill point"):
        points.hit("elsewhere")


def test_the_process_dies_at_the_requested_pass_and_logs_it(tmp_path: Path) -> None:
    log = tmp_path / "kills.log"
    code = ("from perfeval_xl.store import KillPoints\n"
            "points = KillPoints.from_env()\n"
            "for n in range(1, 6):\n"
            "    points.hit('archive_copy')\n"
            "    print('survived', n, flush=True)\n")
    env = dict(os.environ, PYTHONPATH=str(REPO), **{ENV_KILL_AT: "archive_copy:3", ENV_KILL_LOG: str(log)})
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == -signal.SIGKILL
    assert done.stdout.splitlines() == ["survived 1", "survived 2"]
    (line,) = log.read_text(encoding="utf-8").splitlines()
    stamp, pid, point = line.split("\t")
    assert pid.startswith("pid=") and point == "archive_copy:3"
    assert stamp[:2] == "20"
