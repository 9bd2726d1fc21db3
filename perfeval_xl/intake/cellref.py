"""A1 cell references ↔ (row, column) numbers, 1-based. Bounded: hostile refs never blow up int()."""

from __future__ import annotations

import re
from functools import lru_cache

MAX_ROW = 1_048_576
MAX_COL = 16_384
_REF = re.compile(r"^\$?([A-Za-z]{1,7})\$?([0-9]{1,10})$")


def col_to_index(letters: str) -> int:
    """"A" → 1, "XFD" → 16384 (letters are not range-checked)."""
    value = 0
    for ch in letters.upper():
        value = value * 26 + (ord(ch) - 64)
    return value


@lru_cache(maxsize=1024)
def index_to_col(index: int) -> str:
    letters = ""
    while index > 0:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


_CACHED_LEN = 24  # longer than any plain reference with its $ signs


def parse_ref(ref: str) -> tuple[int, int] | None:
    """"B3" → (3, 2); None when it is not a plain cell reference."""
    # The forms of a batch use the same few hundred references: cache them, but only short
    # strings, so a hostile file's long attributes are not kept alive, and only so many that
    # the cache stays a small constant (~250 KB) beside a streamed sheet scan.
    return _parse_cached(ref) if len(ref) <= _CACHED_LEN else _parse(ref)


@lru_cache(maxsize=1024)
def _parse_cached(ref: str) -> tuple[int, int] | None:
    return _parse(ref)


def _parse(ref: str) -> tuple[int, int] | None:
    match = _REF.match(ref.strip())
    if not match:
        return None
    return int(match.group(2)), col_to_index(match.group(1))


def parse_range(ref: str) -> tuple[int, int, int, int] | None:
    """"A1:C5" or "B2" → (min_row, min_col, max_row, max_col); None if unreadable."""
    first, _, last = ref.strip().partition(":")
    start = parse_ref(first)
    end = parse_ref(last) if last else start
    if start is None or end is None:
        return None
    return min(start[0], end[0]), min(start[1], end[1]), max(start[0], end[0]), max(start[1], end[1])


def cell_name(row: int, col: int) -> str:
    return f"{index_to_col(col)}{row}"
