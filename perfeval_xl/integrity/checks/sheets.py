"""Sheets renamed, added or removed (our own feedback sheet excepted: see sheetmap)."""

from __future__ import annotations

from perfeval_xl.findings import Finding, finding
from perfeval_xl.intake.checks.context import CheckContext
from perfeval_xl.integrity.checks.issued import issued_for
from perfeval_xl.integrity.checks.sheetmap import issued_pairing


def check_sheets(ctx: CheckContext) -> list[Finding]:
    """One finding per renamed, added or removed sheet."""
    issued = issued_for(ctx)
    if issued is None:
        return []
    pairing = issued_pairing(ctx, issued)
    out = [finding("SHEET_RENAMED", ctx.at(new), expected=old, found=new) for old, new in pairing.renamed]
    out += [finding("SHEET_ADDED", ctx.at(name), found=name) for name in pairing.added]
    out += [finding("SHEET_REMOVED", ctx.at(name), expected=name) for name in pairing.removed]
    return out
