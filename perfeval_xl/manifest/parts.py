"""A manifest in chunks of projects, so a large batch is never validated or held whole.

Validating 10,000 projects at once builds ~40 KB of objects per project (rows, key
paths, projects, resolved indicators), and generation needs each project only while
its workbook is written. A YAML/JSON manifest nests each project's funds, indicators,
completion items and targets under the project, so a chunk made of the batch and some
projects holds everything those projects' validation reads: a chunk's findings are the
whole manifest's findings about those projects. Chunks are validated where they are
used (in generation workers); the one check across chunks, a project id used twice,
is left to whoever sees every chunk's ids. Until then each project is kept pickled:
a fifth of the memory of the parsed objects (10,000 projects: 22 MB, not 115 MB).

When a chunk is invalid, `ManifestParts.check` raises ManifestError with the findings of
the whole manifest read again by `load_manifest`: exactly what `validate-manifest`
reports. An Excel manifest (children in sheets of their own, matched by project id) and
any manifest that is not a readable batch with projects are loaded whole and come in
chunks of already validated projects.
"""

from __future__ import annotations

import pickle
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from perfeval_xl.engine.profile import ScoringProfile
from perfeval_xl.findings import Finding, Location
from perfeval_xl.manifest.build import LoadedManifest, build_manifest
from perfeval_xl.manifest.fields import PROJECTS
from perfeval_xl.manifest.load import EXCEL_SUFFIXES, ManifestError, load_manifest
from perfeval_xl.manifest.raw import RawManifest, RawRow, coerce
from perfeval_xl.manifest.text_reader import add_project_rows, read_text_document
from perfeval_xl.model import Batch, Project
from perfeval_xl.model.framework import Framework

RAW_CHUNK = 64  # projects validated together: the profile and frameworks are loaded once per chunk
_ID = PROJECTS.field("id")


class InvalidChunk(Exception):
    """A chunk of the manifest is not valid (ManifestParts.check gives the findings)."""


@dataclass(frozen=True)
class Validated:
    """Validated projects with what writing their workbooks needs."""

    batch: Batch
    profile: ScoringProfile
    frameworks: dict[str, Framework]  # by the projects' framework ids
    projects: tuple[Project, ...]

    def ids(self) -> list[str]:
        return [project.id for project in self.projects]

    def load(self) -> Validated:
        return self


@dataclass(frozen=True)
class RawChunk:
    """Some projects of a YAML/JSON manifest as parsed, with its batch; validated by `load`."""

    source: str
    batch: RawRow
    projects: list[bytes]  # each project as parsed, pickled (a fifth of the parsed objects' memory)
    start: int  # index of the first project in the manifest (findings give key paths from it)

    def ids(self) -> list[str]:
        """The projects' ids as validation types them (those without a usable id left out)."""
        out = []
        for project in map(pickle.loads, self.projects):
            if isinstance(project, dict):
                value = coerce(_ID, RawRow({"id": project.get("id")}, {}, Location()), [], PROJECTS)
                if value is not None:
                    out.append(str(value))
        return out

    def load(self) -> Validated:
        """The chunk validated as a manifest of its own; InvalidChunk if it has an error."""
        raw = RawManifest(source=self.source, batch=self.batch)
        add_project_rows(raw, [pickle.loads(project) for project in self.projects], self.start)
        loaded = build_manifest(raw)
        if not loaded.ok or loaded.manifest is None or loaded.profile is None:
            raise InvalidChunk(f"{self.source}: projects[{self.start}:{self.start + len(self.projects)}]")
        return _validated(loaded, loaded.manifest.projects)


Chunk = Validated | RawChunk


class ManifestParts:
    """A manifest's chunks, in manifest order; `check` validates all of them."""

    def __init__(self, total: int, size: int, chunks: Callable[[], Iterator[Chunk]], check: Callable[[], None]) -> None:
        self.total = total  # projects in the manifest
        self.count = -(-total // size)  # chunks
        self._chunks, self._check = chunks, check

    def chunks(self) -> Iterator[Chunk]:
        return self._chunks()

    def check(self) -> None:
        """ManifestError, with every finding of the whole manifest, unless it is valid."""
        self._check()


def whole(loaded: LoadedManifest, size: int) -> ManifestParts:
    """A valid manifest already loaded, in chunks of `size` validated projects."""
    assert loaded.ok and loaded.manifest is not None and loaded.profile is not None
    projects = loaded.manifest.projects

    def chunks() -> Iterator[Chunk]:
        for start in range(0, len(projects), size):
            yield _validated(loaded, projects[start:start + size])

    return ManifestParts(len(projects), size, chunks, lambda: None)


def manifest_parts(path: str | Path, size: int = RAW_CHUNK) -> ManifestParts:
    """The manifest at `path` in chunks of `size` projects (validated when loaded, see the
    module); ManifestError now if it is loaded whole and invalid."""
    path = Path(path)
    if path.is_file() and path.suffix.lower() not in EXCEL_SUFFIXES:
        head, projects = read_text_document(path)
        if projects and head.batch is not None and not head.findings:
            return _raw_parts(path, head.batch, [pickle.dumps(project) for project in projects], size)
    return whole(load_manifest(path), size)


def _raw_parts(path: Path, batch: RawRow, projects: list[bytes], size: int) -> ManifestParts:
    def chunks() -> Iterator[Chunk]:
        for start in range(0, len(projects), size):
            yield RawChunk(str(path), batch, projects[start:start + size], start)

    def check() -> None:
        seen: set[str] = set()
        try:
            for chunk in chunks():
                ids = chunk.load().ids()
                if not seen.isdisjoint(ids):
                    raise InvalidChunk(f"{path}: a project id is used twice")
                seen.update(ids)
        except InvalidChunk:
            raise ManifestError(_whole_findings(path)) from None

    return ManifestParts(len(projects), size, chunks, check)


def _validated(loaded: LoadedManifest, projects: tuple[Project, ...]) -> Validated:
    assert loaded.manifest is not None and loaded.profile is not None
    return Validated(loaded.manifest.batch, loaded.profile,
                     {p.framework: loaded.frameworks[p.framework] for p in projects}, projects)


def _whole_findings(path: Path) -> list[Finding]:
    try:
        load_manifest(path)
    except ManifestError as exc:
        return exc.findings
    raise AssertionError(f"{path}: a chunk is invalid but the whole manifest is valid")
