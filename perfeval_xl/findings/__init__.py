"""Findings: what a check reports. Codes are stable; wording lives in the catalogue."""

from perfeval_xl.findings.catalogue import CATALOGUE, CatalogueEntry, message
from perfeval_xl.findings.model import SEVERITY_LABELS, Finding, Location, Severity, finding, worst_severity

__all__ = [
    "CATALOGUE",
    "CatalogueEntry",
    "Finding",
    "Location",
    "SEVERITY_LABELS",
    "Severity",
    "finding",
    "message",
    "worst_severity",
]
