"""The gate over many files, each in a supervised worker (see isolation.py)."""

from __future__ import annotations

import os
from functools import partial
from typing import Sequence

from perfeval_xl.intake.gate import gate_file
from perfeval_xl.intake.isolation import IsolationLimits, ProgressCallback, run_isolated
from perfeval_xl.intake.models import FileFormat, GateLimits, GateResult


def gate_many(paths: Sequence[str | os.PathLike[str]], limits: GateLimits | None = None,
              isolation: IsolationLimits | None = None,
              progress: ProgressCallback | None = None) -> list[GateResult]:
    """One GateResult per path, in input order; a worker failure becomes that file's finding."""
    outcomes = run_isolated(partial(gate_file, limits=limits or GateLimits()), paths, isolation, progress)
    return [o.value if o.ok else GateResult(path=o.path, format=FileFormat.UNKNOWN, findings=o.findings)
            for o in outcomes]
