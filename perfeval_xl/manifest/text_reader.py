"""Read a YAML or JSON manifest into the reader-neutral RawManifest.

Layout: {batch: {...}, projects: [{..., funds: [...], indicators: [...],
completion: [...], targets: [...]}]}. Keys are the canonical field keys of manifest.fields;
an indicator may also give `bands: {优: ..., 良: ...}`.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from pathlib import Path

import yaml

from perfeval_xl.findings import Location, finding
from perfeval_xl.manifest.fields import BAND_FIELDS, BATCH, COMPLETION, FUNDS, INDICATORS, PROJECTS, TARGETS, TableSpec
from perfeval_xl.manifest.raw import RawManifest, RawRow

_CHILD_TABLES = (FUNDS, INDICATORS, COMPLETION, TARGETS)
_BAND_KEYS = {label: key for key, label in BAND_FIELDS.items()}


def load_structured(path: Path) -> object:
    """Parse YAML or JSON (by suffix; YAML is a superset, so unknown suffixes go through YAML)."""
    text = path.read_text(encoding="utf-8-sig")
    if path.suffix.lower() == ".json":
        return json.loads(text)
    return yaml.safe_load(text)


def read_text_manifest(path: Path, tables: frozenset[str] | None = None) -> RawManifest:
    raw, projects = read_text_document(path)
    if projects is not None:
        add_project_rows(raw, projects, 0, tables)
    return raw


def read_text_document(path: Path) -> tuple[RawManifest, list | None]:
    """The batch row and the document's list of projects, not yet made into rows (None
    when there is no such list: the findings say why)."""
    raw = RawManifest(source=str(path))
    try:
        data = load_structured(path)
    except (OSError, ValueError, yaml.YAMLError) as exc:
        raw.findings.append(finding("MANIFEST_UNREADABLE", Location(file=str(path)), detail=str(exc).splitlines()[0]))
        return raw, None
    if not isinstance(data, dict):
        raw.findings.append(finding("MANIFEST_UNREADABLE", Location(file=str(path)), detail="顶层应为映射（batch、projects）"))
        return raw, None
    batch = data.get("batch")
    if isinstance(batch, dict):
        raw.batch = _row(path, "batch", _flatten_batch(batch), BATCH)
    projects = data.get("projects") or []
    if not isinstance(projects, list):
        raw.findings.append(finding("MANIFEST_UNREADABLE", Location(file=str(path), column="projects"),
                                    detail="projects 应为列表"))
        return raw, None
    return raw, projects


def add_project_rows(raw: RawManifest, projects: list, start: int, tables: frozenset[str] | None = None) -> None:
    """The rows of `projects`, the document's projects from index `start` on (their key paths count from there)."""
    path = Path(raw.source)
    for i, project in enumerate(projects, start):
        if not isinstance(project, dict):
            raw.findings.append(finding("MANIFEST_UNREADABLE", Location(file=str(path), column=f"projects[{i}]"),
                                        detail="每个项目应为映射"))
            continue
        prefix = f"projects[{i}]"
        raw.tables.setdefault(PROJECTS.key, []).append(
            _row(path, prefix, {k: v for k, v in project.items() if k not in {t.key for t in _CHILD_TABLES}},
                 PROJECTS))
        for table in _CHILD_TABLES:
            if tables is not None and table.key not in tables:
                continue
            for j, child in enumerate(project.get(table.key) or []):
                if not isinstance(child, dict):
                    continue
                values = {"project_id": project.get("id"), **_flatten_bands(child)}
                raw.tables.setdefault(table.key, []).append(_row(path, f"{prefix}.{table.key}[{j}]", values, table))


def _flatten_batch(batch: dict) -> dict:
    contact = batch.get("contact") or {}
    flat = {k: v for k, v in batch.items() if k != "contact"}
    if isinstance(contact, dict):
        flat.update({f"contact_{k}": v for k, v in contact.items()})
    return flat


def _flatten_bands(row: dict) -> dict:
    bands = row.get("bands")
    flat = {k: v for k, v in row.items() if k != "bands"}
    if isinstance(bands, dict):
        for label, text in bands.items():
            if label in _BAND_KEYS:
                flat[_BAND_KEYS[label]] = text
    return flat


_KNOWN: dict[str, frozenset[str]] = {}


class KeyPaths(Mapping[str, Location]):
    """The key path of each field of one item ("projects[3].indicators[0].weight"), built only
    when asked for: a large manifest has ~10⁶ values and only those with findings are located."""

    __slots__ = ("_file", "_prefix", "_keys")

    def __init__(self, file: str, prefix: str, keys: tuple[str, ...]) -> None:
        self._file, self._prefix, self._keys = file, prefix, keys

    def __getitem__(self, key: str) -> Location:
        if key not in self._keys:
            raise KeyError(key)
        return Location(file=self._file, column=f"{self._prefix}.{key}")

    def __iter__(self) -> Iterator[str]:
        return iter(self._keys)

    def __len__(self) -> int:
        return len(self._keys)


def _row(path: Path, prefix: str, values: dict, table: TableSpec) -> RawRow:
    known = _KNOWN.get(table.key)
    if known is None:
        known = _KNOWN[table.key] = frozenset(spec.key for spec in table.fields)
    file = str(path)
    row = RawRow(values={k: v for k, v in values.items() if k in known}, locations=KeyPaths(file, prefix, tuple(values)),
                 origin=Location(file=file, column=prefix))
    return row
