"""A store filled the way a bureau fills it: the sample batch generated and signed, its returns
simulated (late, missing, tampered, blank reasons, a resubmission, broken files, forged and
stale caches, a reason starting with "="), then collected with the receipt log.

Collected once per test process and backend; tests that collect again work on a copy.
"""

from __future__ import annotations

import shutil
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import create_engine
from sqlalchemy.engine import make_url

from perfeval_xl.collect import CollectOptions, CollectResult, collect
from perfeval_xl.integrity.keys import generate_keypair, write_private_key
from perfeval_xl.manifest import load_manifest
from perfeval_xl.manifest.inputs_reader import read_inputs
from perfeval_xl.simulate.returns import SimulatedReturn, simulate_returns
from perfeval_xl.writer.generate import generate

ROOT = Path(__file__).resolve().parents[2]
MANIFEST = ROOT / "samples" / "manifest.yaml"


@dataclass(frozen=True)
class SampleReturns:
    folder: Path  # the batch folder: forms/, returns/, receipts.csv, the register
    register: Path
    returns: Path
    receipts: Path
    simulated: tuple[SimulatedReturn, ...]

    def story(self, kind: str) -> SimulatedReturn:
        return next(r for r in self.simulated if r.story.kind == kind)

    def collect_options(self, work: Path, db_url: str | None = None, **changes: object) -> CollectOptions:
        values: dict[str, object] = dict(returns=self.returns, manifest=MANIFEST, register=self.register, work=work,
                                         receipts=self.receipts, db_url=db_url, workers=2)
        values.update(changes)
        return CollectOptions(**values)  # type: ignore[arg-type]


@dataclass(frozen=True)
class Collected:
    returns: SampleReturns
    db_url: str
    work: Path  # archive/ and exports/ (and perfeval.db on SQLite)
    result: CollectResult


@pytest.fixture(scope="session")
def sample_returns(tmp_path_factory: pytest.TempPathFactory) -> SampleReturns:
    folder = tmp_path_factory.mktemp("batch")
    loaded = load_manifest(MANIFEST)
    assert loaded.manifest is not None and loaded.profile is not None
    pair = generate_keypair(loaded.manifest.batch.batch_id)
    (folder / "keys").mkdir()
    key = write_private_key(pair, folder / "keys" / "batch.key")
    register = folder / "forms.register.jsonl"
    generate(loaded, folder / "forms", key_path=key, workers=1, register_path=register)
    inputs, problems = read_inputs(ROOT / "samples" / "inputs.yaml", loaded.manifest)
    assert not problems
    simulated, receipts = simulate_returns(loaded.manifest, loaded.profile, loaded.frameworks, inputs, pair, folder)
    return SampleReturns(folder, register, folder / "returns", receipts, tuple(simulated))


def _pg_schema_url(admin_url: str) -> str:
    schema = f"t_{uuid.uuid4().hex[:16]}"
    with create_engine(admin_url).begin() as conn:
        conn.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
    url = make_url(admin_url).update_query_dict({"options": f"-csearch_path={schema}"})
    return url.render_as_string(hide_password=False)


def _drop_schema(admin_url: str, url: str) -> None:
    schema = make_url(url).query["options"].removeprefix("-csearch_path=")  # type: ignore[union-attr]
    engine = create_engine(admin_url)
    with engine.begin() as conn:
        conn.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')
    engine.dispose()


@pytest.fixture(scope="session", params=[pytest.param("sqlite", id="sqlite"),
                                         pytest.param("postgresql", id="postgresql", marks=pytest.mark.postgres)])
def collected(request: pytest.FixtureRequest, sample_returns: SampleReturns,
              tmp_path_factory: pytest.TempPathFactory) -> Iterator[Collected]:
    """The sample returns collected into SQLite (the default, beside its archive) or PostgreSQL."""
    if request.param == "sqlite":
        yield request.getfixturevalue("collected_sqlite")
        return
    admin = request.getfixturevalue("pg_url")
    db_url = _pg_schema_url(admin)
    work = tmp_path_factory.mktemp("collected-postgresql")
    yield Collected(sample_returns, db_url, work, collect(sample_returns.collect_options(work, db_url)))
    _drop_schema(admin, db_url)


@pytest.fixture(params=[pytest.param("sqlite", id="sqlite"),
                        pytest.param("postgresql", id="postgresql", marks=pytest.mark.postgres)])
def empty_store_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, empty store: a SQLite file or a PostgreSQL schema (dropped afterwards)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'store.db'}"
        return
    admin = request.getfixturevalue("pg_url")
    url = _pg_schema_url(admin)
    yield url
    _drop_schema(admin, url)


@pytest.fixture(scope="session")
def collected_sqlite(sample_returns: SampleReturns, tmp_path_factory: pytest.TempPathFactory) -> Collected:
    """The sample returns collected into SQLite, the collector's default."""
    work = tmp_path_factory.mktemp("collected-sqlite")
    options = sample_returns.collect_options(work)
    return Collected(sample_returns, options.database, work, collect(options))


@pytest.fixture
def own_copy(collected_sqlite: Collected, tmp_path: Path) -> Collected:
    """A private copy of the SQLite work folder (database and archive), for tests that collect again."""
    work = tmp_path / "work"
    shutil.copytree(collected_sqlite.work, work)
    return Collected(collected_sqlite.returns, f"sqlite:///{(work / 'perfeval.db').resolve()}", work,
                     collected_sqlite.result)
