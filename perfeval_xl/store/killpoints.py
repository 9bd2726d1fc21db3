"""Injected kill points for crash tests: SIGKILL this process at the n-th pass of a named point.

The collector calls `KillPoints.hit(name)` at the moments a crash is most harmful
(inside the archive copy, inside a database commit, inside an export write). They
do nothing unless the environment asks for a kill:

    PERFEVAL_KILL_AT=archive_copy:3      kill at the 3rd pass of archive_copy
    PERFEVAL_KILL_AT=db_commit:2,export_write:1   whichever comes first
    PERFEVAL_KILL_LOG=/path/kills.log    append one line per kill (time, pid, point, pass)

A KillPoints object holds its own counters; the collector makes one per process
(`KillPoints.from_env()`) and passes it to the archive, the store and the writers.
"""

from __future__ import annotations

import datetime as dt
import os
import signal
from collections import Counter
from collections.abc import Mapping
from pathlib import Path

ENV_KILL_AT = "PERFEVAL_KILL_AT"
ENV_KILL_LOG = "PERFEVAL_KILL_LOG"
POINTS = ("archive_copy", "db_commit", "export_write")


def parse_spec(spec: str) -> dict[str, int]:
    """"archive_copy:3,db_commit:2" -> {"archive_copy": 3, "db_commit": 2}; ValueError if malformed."""
    targets: dict[str, int] = {}
    for part in filter(None, (p.strip() for p in spec.split(","))):
        name, sep, count = part.partition(":")
        if name not in POINTS:
            raise ValueError(f"{ENV_KILL_AT}: unknown kill point {name!r} (known: {', '.join(POINTS)})")
        if not sep or not count.isdigit() or int(count) < 1:
            raise ValueError(f"{ENV_KILL_AT}: {part!r} needs a pass number >= 1, as in {name}:3")
        targets[name] = int(count)
    return targets


class KillPoints:
    """Counts passes of each point and SIGKILLs the process at the requested one."""

    def __init__(self, targets: Mapping[str, int] | None = None, log: Path | None = None) -> None:
        self._targets = dict(targets or {})
        self._log = log
        self._passes: Counter[str] = Counter()

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> KillPoints:
        env = os.environ if environ is None else environ
        log = env.get(ENV_KILL_LOG, "").strip()
        return cls(parse_spec(env.get(ENV_KILL_AT, "")), Path(log) if log else None)

    def passes(self, name: str) -> int:
        return self._passes[name]

    def hit(self, name: str) -> None:
        """Count one pass of `name`; at the requested pass, log the moment and SIGKILL this process."""
        if name not in POINTS:
            raise ValueError(f"unknown kill point {name!r}")
        self._passes[name] += 1
        if self._targets.get(name) != self._passes[name]:
            return
        if self._log is not None:
            stamp = dt.datetime.now().isoformat(timespec="microseconds")
            with open(self._log, "a", encoding="utf-8") as handle:
                handle.write(f"{stamp}\tpid={os.getpid()}\t{name}:{self._passes[name]}\n")
                handle.flush()
                os.fsync(handle.fileno())
        os.kill(os.getpid(), getattr(signal, "SIGKILL", signal.SIGTERM))
