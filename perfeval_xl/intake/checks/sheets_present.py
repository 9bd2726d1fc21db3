"""Every sheet of the issued layout must be there, as a worksheet with its own part:
a deleted or renamed sheet leaves its inputs unreadable. Reject. (Added sheets, and
whether a sheet was renamed rather than deleted, are the integrity checks' to judge.)"""

from __future__ import annotations

from perfeval_xl.findings import Finding, finding
from perfeval_xl.intake.checks.context import CheckContext


def sheets_present(ctx: CheckContext) -> list[Finding]:
    assert ctx.bound is not None
    out: list[Finding] = []
    for spec in ctx.bound.layout.sheets:
        sheet = ctx.read.sheet(spec.name)
        if sheet is None or not sheet.part:
            out.append(finding("SHEET_MISSING", ctx.at(sheet=spec.name), sheet=spec.name))
    return out
