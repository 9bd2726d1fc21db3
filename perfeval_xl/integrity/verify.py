"""Verification of a returned workbook against what was issued (REFERENCE §4, §10; issue 6).

`INTEGRITY_CHECKS` is the run order for `perfeval check` and `collect`: each entry is
a small function over `CheckContext` returning findings (see `integrity/checks/`).
The reference is the register entry when collecting, else the definition carried in
`_meta`; docs/integrity.md tells bureau staff what each finding means.
"""

from __future__ import annotations

from perfeval_xl.intake.checks.context import Check
from perfeval_xl.integrity.checks.batch import check_batch_period
from perfeval_xl.integrity.checks.content import check_locked_content
from perfeval_xl.integrity.checks.definition import check_issued_definition
from perfeval_xl.integrity.checks.formulas import check_formulas
from perfeval_xl.integrity.checks.macros import check_vba
from perfeval_xl.integrity.checks.sheets import check_sheets
from perfeval_xl.integrity.checks.signals import check_protection, check_resaved, check_visibility
from perfeval_xl.integrity.checks.signature import check_signature

INTEGRITY_CHECKS: list[Check] = [
    check_issued_definition,
    check_signature,
    check_batch_period,
    check_sheets,
    check_locked_content,
    check_formulas,
    check_vba,
    check_protection,
    check_visibility,
    check_resaved,
]
