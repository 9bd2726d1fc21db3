"""Recompute, don't trust: every keyed formula cell's cached result (what the unit's
spreadsheet showed when it saved) must equal the engine's value for the inputs read.
Compared at the precision shown: rates and amounts at 4 decimals, scores, totals and
counts at 2, the grade as text; float noise below 1e-9 is never a difference. Each
differing cell is an error. A formula cell without a cached result is skipped; a workbook
with none at all was written by a program, not saved by a spreadsheet: one info finding
and no comparison."""

from __future__ import annotations

from decimal import Decimal

from perfeval_xl.engine.numbers import round_half_up
from perfeval_xl.findings import Finding, finding
from perfeval_xl.intake.cellnames import describe_key
from perfeval_xl.intake.checks.context import CheckContext
from perfeval_xl.intake.reader import CellValue
from perfeval_xl.layout.contract import Role
from perfeval_xl.layout.mapping import Value, expected_values

NOISE = Decimal("1e-9")
TEXT_KEYS = frozenset({"grade"})
AMOUNT_KEYS = frozenset({"budget:initial", "budget:annual", "budget:received", "budget:executed", "budget:balance"})
AMOUNT_SUFFIXES = (":balance", ":annual", ":executed")  # fund:<source>:balance, ind:<id>:annual/executed


def cached_results(ctx: CheckContext) -> list[Finding]:
    bound, result = ctx.bound, ctx.result
    assert bound is not None and result is not None
    if not bound.has_cached_values:
        return [finding("CACHED_VALUES_ABSENT", ctx.at())]
    project = bound.definition.project
    expected = expected_values(bound.layout, project, result)
    out: list[Finding] = []
    for sheet, cell in bound.layout.keyed(Role.FORMULA):
        key = cell.key
        assert key is not None
        stored = bound.formulas.get((sheet, cell.ref))
        if stored is not None and not stored.has_value:
            continue  # no cached result to compare (a formula written without one)
        cached = bound.cached.get(key)
        if _same(key, cached, expected[key]):
            continue
        item, item_en = describe_key(key, project)
        out.append(finding("CACHED_RESULT_MISMATCH", ctx.at(sheet=sheet, cell=cell.ref), item=item,
                           item_en=item_en, cached=_shown(cached, places(key)),
                           expected=_shown(expected[key], places(key))))
    return out


def places(key: str) -> int:
    """Decimals compared for a computed cell."""
    if key.endswith("rate") or key in AMOUNT_KEYS or key.startswith("fund:") or (
            key.startswith("ind:") and key.endswith(AMOUNT_SUFFIXES)):
        return 4
    return 2


def _same(key: str, cached: CellValue, expected: Value) -> bool:
    if expected is None or expected == "":
        return cached is None
    if key in TEXT_KEYS or isinstance(expected, str):
        return isinstance(cached, str) and cached.strip() == str(expected).strip()
    if not isinstance(cached, Decimal):
        return False
    if abs(cached - expected) <= NOISE:
        return True
    p = places(key)
    return round_half_up(cached, p) == round_half_up(expected, p)


def _shown(value: CellValue | Value, p: int) -> str:
    """As the cell shows it at the compared precision; "" for a blank."""
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return format(round_half_up(value, p), "f")
    return str(value)
