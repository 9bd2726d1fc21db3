"""The form version in `_meta` must be one this release accepts (contract.ACCEPTED_VERSIONS):
an older or newer form is laid out differently and cannot be read. Reject otherwise."""

from __future__ import annotations

from perfeval_xl.findings import Finding, finding
from perfeval_xl.intake.checks.context import CheckContext
from perfeval_xl.layout.contract import ACCEPTED_VERSIONS, META_SHEET


def form_version(ctx: CheckContext) -> list[Finding]:
    version = ctx.read.meta.get("form_version")
    if not version or version in ACCEPTED_VERSIONS:
        return []
    return [finding("FORM_VERSION_UNKNOWN", ctx.at(sheet=META_SHEET), version=version,
                    accepted="、".join(ACCEPTED_VERSIONS))]
