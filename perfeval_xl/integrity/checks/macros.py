"""Macros (REFERENCE §10): VBA in a workbook issued as .xlsx is rejected; in one issued as
.xlsm (the xlwings flavour) a VBA project other than the registered one is a warning.

The gate only notes macros (GATE_MACROS_PRESENT); they are never run. Excel 4.0 macro
sheets are never issued, so they are always unexpected.
"""

from __future__ import annotations

from perfeval_xl.findings import Finding, finding
from perfeval_xl.intake.checks.context import CheckContext
from perfeval_xl.integrity.checks.issued import issued_for


def check_vba(ctx: CheckContext) -> list[Finding]:
    """VBA_UNEXPECTED (reject) or VBA_CHANGED (warning)."""
    read = ctx.read
    if not read.ok:
        return []
    issued = issued_for(ctx)
    as_xlsm = issued is not None and issued.file_format == "xlsm"
    kinds = [kind for kind, present in (("VBA", read.gate.has_vba and not as_xlsm),
                                        ("Excel 4.0 (XLM)", read.gate.has_xlm_macros)) if present]
    if kinds:
        return [finding("VBA_UNEXPECTED", ctx.at(), kind=", ".join(kinds))]
    if not as_xlsm or issued is None or issued.vba_hash is None or read.vba_hash == issued.vba_hash:
        return []
    found = "-" if read.vba_hash is None else read.vba_hash[:16]
    return [finding("VBA_CHANGED", ctx.at(), found=found, registered=issued.vba_hash[:16])]
