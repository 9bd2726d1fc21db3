"""The message catalogue: every finding code with its severity, layer and wording.

Each layer keeps its codes in its own module (codes_*.py); this module merges them
into one registry, refusing duplicates, so the database can store codes alone.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping

from perfeval_xl.findings.model import ParamValue, Severity


@dataclass(frozen=True)
class CatalogueEntry:
    code: str
    severity: Severity
    layer: str
    zh: str
    en: str
    hint_zh: str = ""
    hint_en: str = ""


def entries(layer: str, rows: list[tuple[str, Severity, str, str, str, str]]) -> dict[str, CatalogueEntry]:
    """Build a layer's entries from rows (code, severity, zh, en, hint_zh, hint_en)."""
    out: dict[str, CatalogueEntry] = {}
    for code, severity, zh, en, hint_zh, hint_en in rows:
        if code in out:
            raise ValueError(f"duplicate finding code {code} in layer {layer}")
        out[code] = CatalogueEntry(code, severity, layer, zh, en, hint_zh, hint_en)
    return out


def _merge() -> dict[str, CatalogueEntry]:
    # Explicit list of layers: a new layer adds its module here.
    from perfeval_xl.findings import (
        codes_collect,
        codes_engine,
        codes_gate,
        codes_intake,
        codes_integrity,
        codes_manifest,
        codes_store,
    )

    merged: dict[str, CatalogueEntry] = {}
    for module in (codes_engine, codes_manifest, codes_gate, codes_intake, codes_integrity, codes_store,
                   codes_collect):
        for code, entry in module.ENTRIES.items():
            if code in merged:
                raise ValueError(f"finding code {code} defined in two layers")
            merged[code] = entry
    return merged


CATALOGUE: Mapping[str, CatalogueEntry] = _merge()


class _SafeParams(dict):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def message(code: str, params: Mapping[str, ParamValue] | None = None, lang: str = "zh") -> str:
    """The finding's message in `lang` ("zh" or "en"), with its hint appended."""
    entry = CATALOGUE[code]
    text, hint = (entry.en, entry.hint_en) if lang == "en" else (entry.zh, entry.hint_zh)
    values = _SafeParams({k: "" if v is None else v for k, v in (params or {}).items()})
    rendered = text.format_map(values)
    if hint:
        sep = " " if lang == "en" else ""
        rendered = rendered + sep + hint.format_map(values)
    return rendered
