"""A signed sample batch and its simulated returns, built once for the collect tests."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from perfeval_xl.api import load_batch
from perfeval_xl.demo import samples_dir
from perfeval_xl.integrity.keys import generate_keypair, write_private_key
from perfeval_xl.manifest import load_manifest
from perfeval_xl.simulate.returns import SimulatedReturn, simulate_returns
from perfeval_xl.writer.generate import generate
from tests.store.conftest import backend, make_store_url, store_url  # noqa: F401  (SQLite and PostgreSQL)


@dataclass(frozen=True)
class Batch:
    manifest: Path
    register: Path
    returns: Path
    receipts: Path
    simulated: list[SimulatedReturn]

    def stories(self, kind: str) -> list[SimulatedReturn]:
        return [r for r in self.simulated if r.story.kind == kind]


@pytest.fixture(scope="session")
def returned(tmp_path_factory: pytest.TempPathFactory) -> Batch:
    root = tmp_path_factory.mktemp("collect")
    manifest = samples_dir() / "manifest.yaml"
    loaded = load_manifest(manifest)
    scored = load_batch(manifest, samples_dir() / "inputs.yaml")
    pair = generate_keypair(loaded.manifest.batch.batch_id)
    (root / "keys").mkdir()
    key = write_private_key(pair, root / "keys" / "batch.key", force=True)
    generate(loaded, root / "forms", key_path=key, workers=1)
    simulated, receipts = simulate_returns(loaded.manifest, loaded.profile, loaded.frameworks, scored.inputs, pair,
                                           root)
    return Batch(manifest, root / "forms.register.jsonl", root / "returns", receipts, simulated)
