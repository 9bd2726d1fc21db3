"""Intake: the gate in front of every reader, bounded XML access, and process isolation.

Public API:
    gate_file(path, limits) -> GateResult
    gate_open(path, limits) -> (GateResult, SafeZip | None)
    run_isolated / iter_isolated: run a picklable function over many files in supervised workers
    gate_many(paths, ...) -> list[GateResult]: the gate over many files, isolated
    xmlparts: read_workbook, read_custom_properties, scan_sheet, cells_outside
"""

from perfeval_xl.intake.gate import gate_file, gate_open
from perfeval_xl.intake.models import FileFormat, GateLimits, GateResult, SheetInfo, ZipPart
from perfeval_xl.intake.zipread import SafeZip

__all__ = [
    "FileFormat",
    "GateLimits",
    "GateResult",
    "SafeZip",
    "SheetInfo",
    "ZipPart",
    "gate_file",
    "gate_open",
]
