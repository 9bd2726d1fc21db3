"""Wrong batch or period: the workbook names another batch or year than the one collected.

The expectation comes from the context (`perfeval check --batch/--year`) or else the
register entry; the workbook's claim from `_meta` as read and from the definition it
carries (either disagreeing is reported). Without an expectation there is nothing
to compare: an old file then shows as an unknown key or an invalid signature.
"""

from __future__ import annotations

from perfeval_xl.findings import Finding, finding
from perfeval_xl.intake.checks.context import CheckContext
from perfeval_xl.layout.contract import META_SHEET


def check_batch_period(ctx: CheckContext) -> list[Finding]:
    """WRONG_BATCH / WRONG_PERIOD against the batch and year being collected."""
    if not ctx.read.ok:
        return []
    register = ctx.register
    expected_batch = ctx.expected_batch or (register.batch.batch_id if register else None)
    expected_year = ctx.expected_year or (register.batch.year if register else None)
    batches, years = _claims(ctx)
    out: list[Finding] = []
    if expected_batch is not None:
        wrong = sorted(b for b in batches if b != expected_batch)
        if wrong:
            out.append(finding("WRONG_BATCH", ctx.at(META_SHEET), expected=expected_batch, found=wrong[0]))
    if expected_year is not None:
        wrong = sorted(y for y in years if y != str(expected_year))
        if wrong:
            out.append(finding("WRONG_PERIOD", ctx.at(META_SHEET), expected=expected_year, found=wrong[0]))
    return out


def _claims(ctx: CheckContext) -> tuple[set[str], set[str]]:
    """Batch ids and years the workbook states (_meta as read, and its embedded definition)."""
    batches, years = set(), set()
    if "batch_id" in ctx.read.meta:
        batches.add(ctx.read.meta["batch_id"].strip())
    if "year" in ctx.read.meta:
        years.add(ctx.read.meta["year"].strip())
    if ctx.bound is not None:
        batches.add(ctx.bound.definition.batch.batch_id)
        years.add(str(ctx.bound.definition.batch.year))
    return batches, years
