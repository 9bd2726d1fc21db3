"""A manifest as plain rows keyed by the canonical field keys, ready to be written.

From a RawManifest (a YAML/JSON file exactly as written, errors and all) or from a
validated Manifest model. Reading the written workbook back gives the same model.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from perfeval_xl.manifest.fields import BAND_FIELDS, COMPLETION, FUNDS, INDICATORS, PROJECTS, SECTION_KEYS, TARGETS
from perfeval_xl.manifest.raw import RawManifest
from perfeval_xl.model import KIND_LABELS, Indicator, Manifest, Project

Row = dict[str, object]
LEVEL_WEIGHT_KEYS = ("level1_weight", "level2_weight", "level3_weight")
_BAND_KEYS = {label: key for key, label in BAND_FIELDS.items()}


@dataclass
class ManifestRows:
    batch: Row = field(default_factory=dict)
    tables: dict[str, list[Row]] = field(default_factory=dict)  # table key -> rows


def rows_from_raw(raw: RawManifest) -> ManifestRows:
    return ManifestRows(
        batch=dict(raw.batch.values) if raw.batch else {},
        tables={key: [dict(row.values) for row in rows] for key, rows in raw.tables.items()},
    )


def rows_from_model(manifest: Manifest) -> ManifestRows:
    """Every indicator is written, framework leaves included, with its group points."""
    batch = manifest.batch
    out = ManifestRows(batch={
        "year": batch.year, "batch_id": batch.batch_id, "bureau": batch.bureau,
        "contact_name": batch.contact.name, "contact_phone": batch.contact.phone, "contact_email": batch.contact.email,
        "deadline": batch.deadline, "profile": batch.profile, "protection_password": batch.protection_password,
        "key_id": batch.key_id, "instructions": batch.instructions or None,
    })
    section_labels: dict[str, str] = {}
    for label, key in SECTION_KEYS.items():
        section_labels.setdefault(key, label)
    for table in (PROJECTS, FUNDS, INDICATORS, COMPLETION, TARGETS):
        out.tables[table.key] = []
    for project in manifest.projects:
        out.tables[PROJECTS.key].append({
            spec.key: getattr(project, spec.key) or None for spec in PROJECTS.fields
        })
        pid = {"project_id": project.id}
        out.tables[FUNDS.key].extend({**pid, **line.model_dump()} for line in project.funds)
        out.tables[INDICATORS.key].extend(_indicator_row(project, ind) for ind in project.indicators)
        out.tables[COMPLETION.key].extend(
            {**pid, "section": section_labels[item.section], "text": item.text} for item in project.completion_items)
        out.tables[TARGETS.key].extend(
            {**pid, "dimension": t.dimension, "name": t.name, "target_text": t.target_text or None,
             **{_BAND_KEYS[b.label]: b.text for b in t.bands}}
            for t in project.targets)
    return out


def _indicator_row(project: Project, ind: Indicator) -> Row:
    levels = (*ind.path, ind.name)
    group_weights = {g.path: g.weight for g in project.groups}
    row: Row = {
        "project_id": project.id, "id": ind.id,
        **{f"level{depth}": name for depth, name in enumerate(levels, start=1)},
        "code": ind.code, "weight": ind.weight, "kind": KIND_LABELS[ind.kind] if ind.kind else None,
        "target_text": ind.target_text or None, "target_value": ind.target_value, "unit": ind.unit,
        "deduction_rule": ind.deduction_rule, "reverse_variant": ind.reverse_variant,
        **{_BAND_KEYS[b.label]: b.text for b in ind.bands},
    }
    for depth, key in enumerate(LEVEL_WEIGHT_KEYS, start=1):
        if depth <= len(ind.path):
            row[key] = group_weights.get(ind.path[:depth])
    return row
