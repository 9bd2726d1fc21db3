"""Read a workbook's keyed cells by layout key and compare them with the engine's values.

The parity contract asks for scores, subtotals, totals, amounts and grades equal at 2
decimals, and completion rates, 得分率 and the evaluators' mean at 4 decimals. The check
here is stricter: a number must also lie within 1e-9 of the engine's exact value, so a
cell holding 3.645 where the engine has 3.65 fails even though both display as 3.65
(and would make a subtotal differ). Counts compare exactly, text exactly, and "" only
where the engine has no value.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass
from decimal import Decimal

from python_calamine import CalamineWorkbook

from perfeval_xl.engine.numbers import round_half_up
from perfeval_xl.layout import a1
from perfeval_xl.layout.contract import WorkbookLayout

RATE_KEY = re.compile(r"(:rate|_rate|evaluators:mean)$")
TOLERANCE = Decimal("1e-9")
COUNT_KEYS = frozenset({"unfilled", "status:unfilled", "evaluators:count"})
_ERROR_CELL = re.compile(rb'<c r="([A-Z]+[0-9]+)"[^>]*\bt="e"')


@dataclass(frozen=True)
class Mismatch:
    key: str
    sheet: str
    ref: str
    expected: object
    got: object

    def __str__(self) -> str:
        return f"{self.sheet}!{self.ref} [{self.key}] engine={self.expected!r} spreadsheet={self.got!r}"


def places_for(key: str) -> int:
    if key in COUNT_KEYS or key.endswith(":applicable"):
        return 0
    return 4 if RATE_KEY.search(key) else 2


def read_keyed(path: str, layout: WorkbookLayout, keys: list[str]) -> dict[str, object]:
    """Cached values of the cells holding `keys`, read with python-calamine ("" for empty)."""
    book = CalamineWorkbook.from_path(str(path))
    sheets: dict[str, list[list[object]]] = {}
    out: dict[str, object] = {}
    for key in keys:
        sheet, cell = layout.locate(key)
        if sheet not in sheets:
            sheets[sheet] = book.get_sheet_by_name(sheet).to_python(skip_empty_area=False)
        rows = sheets[sheet]
        r, c = cell.row - 1, cell.col - 1
        out[key] = rows[r][c] if r < len(rows) and c < len(rows[r]) else ""
    return out


def agrees(key: str, expected: object, got: object) -> bool:
    if isinstance(expected, Decimal):
        if isinstance(got, bool) or not isinstance(got, (int, float)):
            return False
        n = places_for(key)
        value = Decimal(repr(float(got)))
        shown = round_half_up(round_half_up(value, 10), n)  # snapped: 89.99999999999999 shows as 90
        return abs(value - expected) <= TOLERANCE and shown == round_half_up(expected, n)
    if expected in ("", None):
        return got in ("", None)
    return got == expected


def compare(path: str, layout: WorkbookLayout, expected: dict[str, object]) -> list[Mismatch]:
    got = read_keyed(path, layout, list(expected))
    out = []
    for key, value in expected.items():
        if not agrees(key, value, got[key]):
            sheet, cell = layout.locate(key)
            out.append(Mismatch(key, sheet, cell.ref, value, got[key]))
    return out


def error_cells(path: str) -> list[str]:
    """Cells that hold a spreadsheet error (#DIV/0!, #VALUE! ...): calamine reads them as ""."""
    found = []
    with zipfile.ZipFile(path) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/sheet") and name.endswith(".xml"):
                found += [f"{name}:{m.decode()}" for m in _ERROR_CELL.findall(archive.read(name))]
    return found
