"""A1 cell references, normalised in one place (1-based rows and columns)."""

from __future__ import annotations

import re
from functools import lru_cache

_REF_RE = re.compile(r"^\$?([A-Z]{1,3})\$?(\d+)$")


@lru_cache(maxsize=256)
def col_letter(col: int) -> str:
    if col < 1:
        raise ValueError(f"column {col} < 1")
    letters = ""
    while col:
        col, rem = divmod(col - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def col_index(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n


@lru_cache(maxsize=16384)  # a layout asks for ~800 refs, nearly all asked by every other layout too
def ref(row: int, col: int) -> str:
    return f"{col_letter(col)}{row}"


@lru_cache(maxsize=8192)
def parse(cell: str) -> tuple[int, int]:
    """'B7' or '$B$7' -> (7, 2)."""
    m = _REF_RE.match(cell.upper())
    if not m:
        raise ValueError(f"not a cell reference: {cell!r}")
    return int(m.group(2)), col_index(m.group(1))


def rng(first: str, last: str) -> str:
    return f"{first}:{last}" if first != last else first


def absolute(cell: str) -> str:
    row, col = parse(cell)
    return f"${col_letter(col)}${row}"


def quote_sheet(sheet: str) -> str:
    return "'" + sheet.replace("'", "''") + "'"


def qualified(sheet: str, cell: str) -> str:
    """A reference from another sheet: '预算执行'!H10."""
    return f"{quote_sheet(sheet)}!{cell}"
