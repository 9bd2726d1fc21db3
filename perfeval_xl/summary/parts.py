"""A table's sheets: a long table continues on 指标明细2, 指标明细3, ... before Excel's row limit."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from perfeval_xl.summary.tables import Table, Value

EXCEL_MAX_ROWS = 1_048_576


@dataclass(frozen=True)
class SheetPart:
    name: str
    table: Table
    rows: Sequence[tuple[Value, ...]]


def split(table: Table, max_rows: int = EXCEL_MAX_ROWS) -> list[SheetPart]:
    """The table's sheets; each holds at most `max_rows` rows, its header included."""
    if max_rows < 2:
        raise ValueError("max_rows must leave room for the header and one row")
    if not table.rows or not table.splits:
        return [SheetPart(table.title, table, table.rows)]
    per_sheet = max_rows - 1
    return [SheetPart(table.title if i == 0 else f"{table.title}{i + 1}", table, table.rows[start:start + per_sheet])
            for i, start in enumerate(range(0, len(table.rows), per_sheet))]
