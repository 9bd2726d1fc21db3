"""Intake: the gate in front of every reader, bounded XML access, and process isolation.

    gate_file(path, limits) -> GateResult             sniff, zip/CFB checks, structure, XML safety
    gate_open(path, limits) -> (GateResult, SafeZip)  the same, plus bounded part access if accepted
    gate_many(paths, limits, isolation, progress)     the gate over many files in supervised workers
    run_isolated / iter_isolated / IsolatedPool       any picklable function over many files
    xmlparts: read_workbook, read_custom_properties; sheetscan: scan_sheet, cells_outside

See docs/intake.md for the pipeline, the finding codes and measured costs.
"""

from perfeval_xl.intake.batch import gate_many
from perfeval_xl.intake.gate import gate_file, gate_open
from perfeval_xl.intake.isolation import (
    IsolatedPool,
    IsolationError,
    IsolationLimits,
    Outcome,
    iter_isolated,
    run_isolated,
)
from perfeval_xl.intake.models import FileFormat, GateLimits, GateResult, SheetInfo, ZipPart
from perfeval_xl.intake.zipread import SafeZip

__all__ = [
    "FileFormat",
    "GateLimits",
    "GateResult",
    "IsolatedPool",
    "IsolationError",
    "IsolationLimits",
    "Outcome",
    "SafeZip",
    "SheetInfo",
    "ZipPart",
    "gate_file",
    "gate_many",
    "gate_open",
    "iter_isolated",
    "run_isolated",
]
