"""Issued sample workbooks for the integrity tests, and the context `check`/`collect` would build.

`issue` writes a few sample projects as the generator does (signed or not, any year,
batch and key) and returns their register entries; `findings` runs the integrity
checks on a returned file the way the intake pipeline does: read, bind through the
definition in `_meta`, then run INTEGRITY_CHECKS with or without the register entry.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from perfeval_xl.findings import Finding
from perfeval_xl.intake.bind import bind, definition_from_meta, issued_layout_for, read_returned
from perfeval_xl.intake.checks import CheckContext, run_checks
from perfeval_xl.integrity.keys import KeyPair
from perfeval_xl.integrity.register import RegisterEntry
from perfeval_xl.integrity.verify import INTEGRITY_CHECKS
from perfeval_xl.layout.definition import IssuedDefinition
from perfeval_xl.manifest import read_manifest
from perfeval_xl.manifest.build import LoadedManifest
from perfeval_xl.model import ProjectInputs
from perfeval_xl.writer.generate import workbook_name
from perfeval_xl.writer.workbook import write_project

ROOT = Path(__file__).resolve().parents[2]
BATCH_ID = "2024-ZP-SAMPLE"
YEAR = 2024


@lru_cache(maxsize=1)
def sample_manifest() -> LoadedManifest:
    return read_manifest(ROOT / "samples" / "manifest.yaml")


@dataclass(frozen=True)
class Issued:
    paths: dict[str, Path]  # project id → workbook
    entries: dict[str, RegisterEntry]  # project id → register entry
    keys: dict[str, Ed25519PublicKey]  # the batch's public key (empty when unsigned)


def issue(folder: Path, projects: tuple[str, ...], keypair: KeyPair | None, *, year: int = YEAR,
          batch_id: str = BATCH_ID, inputs: dict[str, ProjectInputs] | None = None) -> Issued:
    loaded = sample_manifest()
    assert loaded.manifest is not None and loaded.profile is not None
    batch = loaded.manifest.batch.model_copy(update={"year": year, "batch_id": batch_id})
    folder.mkdir(parents=True, exist_ok=True)
    paths, entries = {}, {}
    for project_id in projects:
        project = loaded.manifest.project(project_id)
        assert project is not None
        path = folder / workbook_name(project)
        entries[project_id] = write_project(path, batch, project, loaded.profile,
                                            loaded.frameworks[project.framework],
                                            (inputs or {}).get(project_id), keypair)
        paths[project_id] = path
    keys = {keypair.key_id: keypair.public_key} if keypair else {}
    return Issued(paths=paths, entries=entries, keys=keys)


def context(path: Path, *, keys: dict[str, Ed25519PublicKey] | None = None, register: RegisterEntry | None = None,
            expected_batch: str | None = BATCH_ID, expected_year: int | None = YEAR,
            bind_register: bool = False) -> CheckContext:
    """What the pipeline hands the checks: bound through _meta (or through the register entry)."""
    read = read_returned(path)
    bound = None
    if read.ok:
        try:
            if bind_register and register is not None:
                definition = IssuedDefinition(batch=register.batch, project=register.project,
                                              profile=register.profile, framework=register.framework)
                meta = {"issued_version": str(register.issued_version), "key_id": register.key_id or ""}
            else:
                definition, meta = definition_from_meta(read.meta), read.meta
            bound = bind(read, issued_layout_for(definition, meta), definition)
        except Exception:  # the pipeline reports an unreadable definition; the checks must cope
            bound = None
    return CheckContext(read=read, bound=bound, register=register, public_keys=keys or {},
                        expected_batch=expected_batch, expected_year=expected_year)


def findings(path: Path, **kwargs: object) -> list[Finding]:
    return run_checks(context(path, **kwargs), INTEGRITY_CHECKS)  # type: ignore[arg-type]


def with_vba(entry: RegisterEntry, vba_hash: str) -> RegisterEntry:
    """The entry as if the workbook had been issued as .xlsm with this VBA project."""
    return entry.model_copy(update={"file_format": "xlsm", "vba_hash": vba_hash})
