"""A form of an accepted version must carry its issued definition (batch, profile,
framework, project) in `_meta`, decodable and buildable into its layout: without it the
return cannot be read through the layout it was issued with. Reject otherwise."""

from __future__ import annotations

from perfeval_xl.findings import Finding, finding
from perfeval_xl.intake.checks.context import CheckContext
from perfeval_xl.layout.contract import ACCEPTED_VERSIONS, META_SHEET


def form_definition(ctx: CheckContext) -> list[Finding]:
    if ctx.definition is not None or ctx.read.meta.get("form_version") not in ACCEPTED_VERSIONS:
        return []
    return [finding("FORM_DEFINITION_UNREADABLE", ctx.at(sheet=META_SHEET),
                    detail=ctx.definition_error or "no definition")]
