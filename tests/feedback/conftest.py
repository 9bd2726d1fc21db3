"""Returned workbooks for feedback tests: signed sample forms filled with the sample inputs."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest

from perfeval_xl.api import ScoredBatch, load_batch
from perfeval_xl.integrity.keys import generate_keypair
from perfeval_xl.manifest.library import load_framework
from perfeval_xl.writer.workbook import write_project

ROOT = Path(__file__).resolve().parents[2]
PROJECTS = ("P004", "P005")


@pytest.fixture(scope="session")
def batch() -> ScoredBatch:
    return load_batch(ROOT / "samples" / "manifest.yaml", ROOT / "samples" / "inputs.yaml")


@pytest.fixture(scope="session")
def issued(batch: ScoredBatch, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Returned forms as issued and filled (read-only masters: tests copy them)."""
    folder = tmp_path_factory.mktemp("returned")
    keypair = generate_keypair(batch.manifest.batch.batch_id)
    paths = {}
    for pid in PROJECTS:
        project = batch.manifest.project(pid)
        paths[pid] = folder / f"{pid}_{project.name}.xlsx"
        write_project(paths[pid], batch.manifest.batch, project, batch.profile, load_framework(project.framework),
                      batch.inputs[pid], keypair)
    return paths


@pytest.fixture
def returned(issued: dict[str, Path], tmp_path: Path) -> dict[str, Path]:
    """This test's own copies of the returned forms."""
    folder = tmp_path / "in"
    folder.mkdir()
    return {pid: Path(shutil.copy2(path, folder / path.name)) for pid, path in issued.items()}


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()
