"""The workbook-level defined names of the layout (PE_TOTAL, PE_GRADE, ...) must exist and
point where they were issued: analysts and other tools read the form through them.
Compared without quotes, dollar signs and case, since spreadsheets re-serialise
references ('绩效自评'!$C$29 and 绩效自评!$C$29 are the same). Error, not reject: the
collector itself reads by address."""

from __future__ import annotations

from perfeval_xl.findings import Finding, finding
from perfeval_xl.intake.checks.context import CheckContext


def defined_names(ctx: CheckContext) -> list[Finding]:
    assert ctx.bound is not None and ctx.read.workbook is not None
    found = {n.name.casefold(): n.value for n in ctx.read.workbook.defined_names if n.local_sheet_id is None}
    out: list[Finding] = []
    for name, expected in ctx.bound.layout.names.items():
        value = found.get(name.casefold())
        if value is None:
            out.append(finding("NAME_MISSING", ctx.at(), name=name, expected=expected))
        elif _normal(value) != _normal(expected):
            out.append(finding("NAME_CHANGED", ctx.at(), name=name, expected=expected, found=value))
    return out


def _normal(reference: str) -> str:
    return reference.replace("'", "").replace("$", "").strip().casefold()
