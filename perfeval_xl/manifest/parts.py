"""A manifest validated a part at a time, so a large batch is never held whole.

Validating 10,000 projects at once builds ~40 KB of objects per project (rows, key
paths, projects, resolved indicators), and generation needs each project only until
it is sent to a worker. A YAML/JSON manifest nests each project's funds, indicators,
completion items and targets under the project, so a part made of the batch and some
projects holds everything those projects' validation reads: a part's findings are the
whole manifest's findings about those projects. The one check across parts (a project
id used twice) is made here. At the first invalid part the whole manifest is read again
by `load_manifest`, so what is reported is exactly what `validate-manifest` reports.
An Excel manifest (children in sheets of their own, matched by project id) and any
manifest that is not a readable batch with projects are read whole, as one part.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from perfeval_xl.findings import Finding
from perfeval_xl.manifest.build import LoadedManifest, build_manifest
from perfeval_xl.manifest.load import EXCEL_SUFFIXES, ManifestError, load_manifest
from perfeval_xl.manifest.raw import RawManifest
from perfeval_xl.manifest.text_reader import add_project_rows, read_text_document

PART = 256  # projects validated together: the framework and profile are loaded once per part


class ManifestParts:
    """The valid parts of a manifest, in manifest order; iterating raises ManifestError
    (with every finding of the whole manifest) at the first invalid part."""

    def __init__(self, total: int, parts: Iterator[LoadedManifest]) -> None:
        self.total = total  # projects in the manifest
        self._parts = parts

    def __iter__(self) -> Iterator[LoadedManifest]:
        return self._parts

    def check_rest(self) -> None:
        """Validate the parts not taken yet: ManifestError if one is invalid."""
        for _ in self._parts:
            pass


def whole(loaded: LoadedManifest) -> ManifestParts:
    """A manifest already loaded (and valid) as its only part."""
    assert loaded.manifest is not None
    return ManifestParts(len(loaded.manifest.projects), iter([loaded]))


def manifest_parts(path: str | Path, size: int = PART) -> ManifestParts:
    """The manifest at `path` in parts of `size` projects; ManifestError now if it is
    read whole (see the module) and invalid."""
    path = Path(path)
    if path.is_file() and path.suffix.lower() not in EXCEL_SUFFIXES:
        head, projects = read_text_document(path)
        if projects and not head.findings:
            return ManifestParts(len(projects), _parts(path, head, projects, size))
    return whole(load_manifest(path))


def _parts(path: Path, head: RawManifest, projects: list, size: int) -> Iterator[LoadedManifest]:
    seen: set[str] = set()
    for start in range(0, len(projects), size):
        raw = RawManifest(source=head.source, batch=head.batch)
        taken = projects[start:start + size]
        add_project_rows(raw, taken, start)
        projects[start:start + size] = [None] * len(taken)  # the parsed document is the largest object here
        del taken
        loaded = build_manifest(raw)
        ids = {project.id for project in loaded.manifest.projects} if loaded.ok and loaded.manifest else set()
        if not ids or not seen.isdisjoint(ids):
            raise ManifestError(_whole_findings(path))
        seen |= ids
        yield loaded


def _whole_findings(path: Path) -> list[Finding]:
    try:
        load_manifest(path)
    except ManifestError as exc:
        return exc.findings
    raise AssertionError(f"{path}: a part is invalid but the whole manifest is valid")
