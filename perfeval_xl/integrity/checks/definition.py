"""Nothing to compare with: no register entry and no readable definition in `_meta`."""

from __future__ import annotations

from perfeval_xl.findings import Finding, finding
from perfeval_xl.intake.bind import definition_from_meta
from perfeval_xl.intake.checks.context import CheckContext
from perfeval_xl.integrity.checks.issued import issued_for
from perfeval_xl.layout.contract import META_SHEET


def check_issued_definition(ctx: CheckContext) -> list[Finding]:
    """ISSUE_DEFINITION_UNREADABLE when a read workbook cannot be matched with the form issued."""
    if not ctx.read.ok or issued_for(ctx) is not None:
        return []
    try:
        definition_from_meta(ctx.read.meta)
        detail = "the definition does not build a layout"
    except ValueError as exc:
        detail = str(exc)[:200]
    return [finding("ISSUE_DEFINITION_UNREADABLE", ctx.at(META_SHEET), detail=detail)]
