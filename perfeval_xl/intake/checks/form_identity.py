"""Is this one of our forms at all? Every issued workbook carries a veryHidden `_meta`
sheet whose form_version says so (and mirrors it in a custom document property). No
marker anywhere: some other workbook (FORM_NOT_OURS). The property still there but
`_meta` gone or emptied: our form, taken apart (FORM_META_MISSING). Both reject."""

from __future__ import annotations

from perfeval_xl.findings import Finding, finding
from perfeval_xl.intake.checks.context import CheckContext
from perfeval_xl.layout.contract import META_SHEET

VERSION_PROPERTY = "perfeval_form_version"  # build_layout mirrors each _meta fact as perfeval_<key>


def form_identity(ctx: CheckContext) -> list[Finding]:
    read = ctx.read
    if read.meta.get("form_version"):
        return []
    if read.properties.get(VERSION_PROPERTY):
        return [finding("FORM_META_MISSING", ctx.at(sheet=META_SHEET), sheet=META_SHEET)]
    return [finding("FORM_NOT_OURS", ctx.at())]
