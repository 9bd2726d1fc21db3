"""Integrity checks of a returned workbook, one class of tampering per module.

Each check is a function over `intake.checks.CheckContext` returning findings; none
raises for bad data. `integrity.verify.INTEGRITY_CHECKS` lists them in run order.
What the workbook is compared with (`issued.issued_for`): the issuance register's
entry when collecting, otherwise the definition the workbook carries in `_meta`.
"""
