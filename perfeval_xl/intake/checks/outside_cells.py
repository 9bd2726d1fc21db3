"""Nothing may be filled outside the form: content beyond the form's rectangle (from the
streaming XML scan, which also sees error cells and empty strings) and values inside it
where the layout has no cell (possible once protection is removed). Such content is never
read, so it cannot change a score; but a unit may have typed a figure or a reason in the
wrong place. Decision: a warning per sheet naming the cells (docs/check.md)."""

from __future__ import annotations

from collections.abc import Iterable

from perfeval_xl.findings import Finding, finding
from perfeval_xl.intake.checks.context import CheckContext
from perfeval_xl.layout import a1
from perfeval_xl.layout.contract import META_SHEET, SheetSpec

LISTED = 10  # cells named in the message


def outside_cells(ctx: CheckContext) -> list[Finding]:
    assert ctx.bound is not None
    out: list[Finding] = []
    for spec in ctx.bound.layout.sheets:
        sheet = ctx.read.sheet(spec.name)
        if sheet is None:
            continue
        stray = list(sheet.outside)
        if spec.name != META_SHEET:  # _meta's cells, its signature row included, are the integrity checks'
            seen = set(stray)
            for row, col in _uncovered(spec, ctx.positions(spec), sheet.values.keys()):
                ref = a1.ref(row, col)
                if ref not in seen:
                    stray.append(ref)
                    seen.add(ref)
        if not stray:
            continue
        count = f"{len(stray)}+" if sheet.outside_truncated else str(len(stray))
        listed = "、".join(stray[:LISTED]) + ("…" if len(stray) > LISTED else "")
        out.append(finding("OUTSIDE_FORM_FILLED", ctx.at(sheet=spec.name, cell=stray[0]), sheet=spec.name,
                           count=count, cells=listed))
    return out


def _uncovered(spec: SheetSpec, own: set[tuple[int, int]], filled: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """The filled positions no layout cell occupies (merged areas included), in row-major order.

    Positions are tested against the cells' own addresses first; only the few left over (usually
    none) against the merged areas, which are never expanded cell by cell. `own`: the cells' positions."""
    left = [position for position in filled if position not in own]
    if left:
        areas = [(cell.row, cell.col, *a1.parse(cell.merge_to)) for cell in spec.cells if cell.merge_to]
        left = [(r, c) for r, c in left
                if not any(top <= r <= bottom and first <= c <= last for top, first, bottom, last in areas)]
    return sorted(left)
