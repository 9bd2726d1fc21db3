"""Hand-built workbooks for reader tests: sheets given as lists of rows, written as is."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

from openpyxl import Workbook


def write_sheets(path: Path, sheets: Mapping[str, Sequence[Sequence[object]]]) -> Path:
    """One sheet per entry, rows from A1 down; None leaves a cell empty."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    for name, rows in sheets.items():
        ws = workbook.create_sheet(name)
        for row in rows:
            ws.append(list(row))
    workbook.save(path)
    return path
