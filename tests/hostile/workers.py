"""Functions run inside isolation workers by the hostile-corpus tests (must be importable)."""

from __future__ import annotations

import resource

from perfeval_xl.intake.gate import gate_file
from perfeval_xl.intake.models import GateResult
from perfeval_xl.intake.pipeline import check_file
from perfeval_xl.intake.report import FileReport


def gate_with_usage(path: str) -> tuple[GateResult, int, int]:
    """The gate's result plus this worker's peak RSS (bytes) and its RLIMIT_AS soft limit."""
    result = gate_file(path)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # KiB on Linux
    return result, peak, resource.getrlimit(resource.RLIMIT_AS)[0]


def read_with_calamine(path: str) -> int:
    """What a careless reader does: ask calamine for the whole first sheet."""
    import python_calamine

    workbook = python_calamine.CalamineWorkbook.from_path(path)
    return len(workbook.get_sheet_by_index(0).to_python())


def check_with_usage(path: str) -> tuple[FileReport, int, int]:
    """`check_file`'s report plus this worker's peak RSS (bytes) and its RLIMIT_AS soft limit."""
    report = check_file(path)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    return report, peak, resource.getrlimit(resource.RLIMIT_AS)[0]
