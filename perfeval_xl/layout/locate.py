"""Where on the form an engine finding points.

The engine names what is wrong by indicator and field ("P004-01", "reason"); the
form shows it at a cell. This maps one to the other through the layout's keys, so
a feedback copy can mark the cell and the summary can name it.
"""

from __future__ import annotations

from perfeval_xl.findings import Finding
from perfeval_xl.layout.contract import WorkbookLayout

# Engine field names whose layout key differs from the field.
_INDICATOR_FIELDS = {"score": ("score_input", "score"), "not_applicable": ("na",)}
# Fields of an indicator without a cell of their own (stated figures, the target) point at its inputs.
_INDICATOR_FALLBACK = ("actual", "score_input", "tier", "score")
_PROJECT_FIELDS = {"annual_budget": "budget:annual", "received": "budget:received", "executed": "budget:executed",
                   "evaluators": "evaluators:mean"}


def _candidates(f: Finding) -> list[str]:
    loc = f.location
    field = loc.field or ""
    if loc.indicator_id:
        base = f"ind:{loc.indicator_id}"
        own = _INDICATOR_FIELDS.get(field, (field,) if field else ())
        return [f"{base}:{name}" for name in (*own, *_INDICATOR_FALLBACK)]
    head, _, rest = field.partition(":")
    if head in ("received", "executed") and rest:
        return [f"fund:{rest}:{head}", f"budget:{head}"]
    if head == "evaluator" and rest:
        return [f"evaluator:{rest}:score", f"evaluator:{rest}:name"]
    return [_PROJECT_FIELDS[field]] if field in _PROJECT_FIELDS else []


def finding_cell(layout: WorkbookLayout, f: Finding) -> tuple[str, str] | None:
    """(sheet, cell) a finding points at: its own location when it has one, else the layout's cell
    for its indicator and field; None when it concerns no particular cell."""
    if f.location.sheet and f.location.cell:
        return f.location.sheet, f.location.cell
    for key in _candidates(f):
        found = layout.locate(key)
        if found is not None:
            sheet, cell = found
            return sheet, cell.ref
    return None


def locate_findings(layout: WorkbookLayout, findings: list[Finding]) -> list[Finding]:
    """The findings with sheet and cell filled wherever the layout can tell them."""
    out = []
    for f in findings:
        where = finding_cell(layout, f)
        out.append(f.at(sheet=where[0], cell=where[1]) if where else f)
    return out
