"""The run order of the checks of a returned workbook: plain lists, run by the pipeline.

IDENTITY_CHECKS   on `_meta` alone: is it our form, of an accepted version, with its definition
STRUCTURE_CHECKS  on the workbook bound to its rebuilt layout: sheets, names, labels in place
(integrity checks: integrity/verify.py INTEGRITY_CHECKS, run after the structure checks)
VALUE_CHECKS      on the inputs and the engine's recomputation
RECOMPUTE_CHECKS  cached results against the recomputation

A reject from IDENTITY_CHECKS stops the run before the sheets are read; a reject from
STRUCTURE_CHECKS stops it before VALUE_CHECKS and RECOMPUTE_CHECKS (the cells would be
read from the wrong places).
"""

from __future__ import annotations

from perfeval_xl.intake.checks.cached_results import cached_results
from perfeval_xl.intake.checks.context import Check
from perfeval_xl.intake.checks.defined_names import defined_names
from perfeval_xl.intake.checks.engine_findings import engine_findings
from perfeval_xl.intake.checks.fixed_labels import fixed_labels
from perfeval_xl.intake.checks.form_definition import form_definition
from perfeval_xl.intake.checks.form_identity import form_identity
from perfeval_xl.intake.checks.form_version import form_version
from perfeval_xl.intake.checks.input_formulas import input_formulas
from perfeval_xl.intake.checks.outside_cells import outside_cells
from perfeval_xl.intake.checks.sheets_present import sheets_present

IDENTITY_CHECKS: list[Check] = [form_identity, form_version, form_definition]
STRUCTURE_CHECKS: list[Check] = [sheets_present, fixed_labels, defined_names]
VALUE_CHECKS: list[Check] = [input_formulas, engine_findings, outside_cells]
RECOMPUTE_CHECKS: list[Check] = [cached_results]
