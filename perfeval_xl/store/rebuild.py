"""Findings rebuilt from stored rows (no session, no I/O): the store keeps them apart from the
results, per file and submission, as code, severity, location and parameters.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from perfeval_xl.findings import Finding, Location, Severity

Row = Mapping[str, Any]


def finding_from_row(row: Row) -> Finding:
    """A row of queries.findings as the Finding that was stored (its file: the name it arrived under)."""
    return Finding(
        code=row["code"],
        severity=Severity(row["severity"]),
        location=Location(file=row["original_name"], sheet=row["sheet"], cell=row["cell"], row=row["cell_row"],
                          column=row["cell_column"], project_id=row["project_id"], indicator_id=row["indicator_id"],
                          field=row["field"]),
        params=dict(row["params"]),
    )
