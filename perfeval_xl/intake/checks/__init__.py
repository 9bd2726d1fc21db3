"""Checks of a returned workbook: each a small function returning findings.

A check never raises for bad data; a bug in a check becomes a CHECK_INTERNAL_ERROR
finding and the run goes on. The run order is the plain lists in `runners.py`.
"""

from perfeval_xl.intake.checks.context import Check, CheckContext, run_checks

__all__ = ["Check", "CheckContext", "run_checks"]
