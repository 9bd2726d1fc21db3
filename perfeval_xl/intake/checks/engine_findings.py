"""The REFERENCE §4 value checks the engine makes while recomputing (inputs missing,
not numbers, negative, scores outside their tier or points, reasons missing,
over-achievement, percent slips, budget unit slips, evaluator scores, ...), each placed
on the sheet and cell it is about through the layout."""

from __future__ import annotations

from perfeval_xl.findings import Finding
from perfeval_xl.intake.checks.context import CheckContext
from perfeval_xl.intake.locate import cell_of


def engine_findings(ctx: CheckContext) -> list[Finding]:
    assert ctx.bound is not None and ctx.result is not None
    out: list[Finding] = []
    for found in ctx.result.findings:
        where = cell_of(found.location, ctx.bound.layout)
        sheet, cell = where if where else (None, None)
        out.append(found.at(file=ctx.file, sheet=sheet, cell=cell))
    return out
