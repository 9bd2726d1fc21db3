"""Where in a workbook an engine finding points: its Location's indicator and field
mapped to the layout key of the input (or computed) cell, then to sheet and cell.

The engine names what it checked ("ind S002-01, field actual", "received:省财政",
"evaluator:2"); the layout knows where that is in this project's workbook.
"""

from __future__ import annotations

from perfeval_xl.findings import Location
from perfeval_xl.layout.contract import WorkbookLayout

# An indicator's field → the suffixes of the keys that may hold it, best first.
_INDICATOR_FIELDS = {
    "actual": ("actual",),
    "score": ("score_input",),
    "tier": ("tier",),
    "reason": ("reason",),
    "not_applicable": ("na",),
}
# An indicator finding without an input field of its own falls back to its row's score.
_INDICATOR_FALLBACK = ("eff", "score", "score_input", "actual", "tier")
_PROJECT_FIELDS = {
    "received": "budget:received",
    "executed": "budget:executed",
    "annual_budget": "budget:annual",
    "evaluators": "evaluators:mean",
}


def keys_for(location: Location) -> list[str]:
    """Candidate layout keys for an engine finding's location, best first."""
    field = location.field or ""
    name, _, detail = field.partition(":")
    if location.indicator_id and not field.startswith("stated:"):
        base = f"ind:{location.indicator_id}"
        suffixes = _INDICATOR_FIELDS.get(name, ()) + _INDICATOR_FALLBACK
        return [f"{base}:{suffix}" for suffix in suffixes]
    if name in ("received", "executed") and detail:
        return [f"fund:{detail}:{name}"]
    if name == "evaluator" and detail.isdigit():
        return [f"evaluator:{detail}:score"]
    if field in _PROJECT_FIELDS:
        return [_PROJECT_FIELDS[field]]
    return []


def cell_of(location: Location, layout: WorkbookLayout) -> tuple[str, str] | None:
    """(sheet, cell) the finding is about, or None when it concerns no cell (a stated figure)."""
    for key in keys_for(location):
        found = layout.locate(key)
        if found is not None:
            return found[0], found[1].ref
    return None
