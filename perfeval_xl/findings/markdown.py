"""docs/findings.md from the catalogue: every code with its severity, layer and messages.

Written by scripts/make_findings_doc.py; a test keeps the committed file current.
"""

from __future__ import annotations

from perfeval_xl.findings.catalogue import CATALOGUE, CatalogueEntry

# Layers in the order a returned file meets them, then the bureau's own inputs.
LAYERS = {
    "gate": "Gate (before any parser)",
    "isolation": "Isolation (the worker reading the file)",
    "structure": "Structure (is it our form, readable through its layout)",
    "integrity": "Integrity (signature and keys)",
    "values": "Values (inputs and the engine's value checks)",
    "recompute": "Recompute (cached results against the engine)",
    "checks": "Check machinery",
    "manifest": "Manifest and inputs files",
}
OUTCOMES = {"reject": "reject → rejected, exit 3", "error": "error → accepted with errors, exit 1",
            "warning": "warning → accepted, exit 0", "info": "info → accepted, exit 0"}


def findings_markdown() -> str:
    layers = list(LAYERS) + sorted({e.layer for e in CATALOGUE.values()} - set(LAYERS))
    lines = [
        "# Finding codes",
        "",
        "Generated from `perfeval_xl/findings/` by `python scripts/make_findings_doc.py`; do not edit by hand",
        "(a test fails when this file is out of date). `{name}` marks a parameter filled in per finding.",
        "A returned file's outcome is its worst finding's severity (REFERENCE §4):",
        "",
        *(f"- {text}" for text in OUTCOMES.values()),
        "",
    ]
    for layer in layers:
        rows = [e for e in CATALOGUE.values() if e.layer == layer]
        if not rows:
            continue
        lines += [f"## {LAYERS.get(layer, layer)}", "", "| Code | Severity | 中文 | English |", "|---|---|---|---|"]
        lines += [_row(e) for e in rows]
        lines.append("")
    return "\n".join(lines)


def _row(entry: CatalogueEntry) -> str:
    zh = "".join(x for x in (entry.zh, entry.hint_zh) if x)
    en = " ".join(x for x in (entry.en, entry.hint_en) if x)
    return f"| `{entry.code}` | {entry.severity.value} | {_cell(zh)} | {_cell(en)} |"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")
