"""Fixtures of the store suite: every store test runs on SQLite and on PostgreSQL."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator

import pytest
from sqlalchemy import create_engine
from sqlalchemy.engine import make_url

from perfeval_xl.store import Store, open_store
from tests.store.support import TickClock

BACKENDS = [
    pytest.param("sqlite", id="sqlite"),
    pytest.param("postgresql", id="postgresql", marks=pytest.mark.postgres),
]


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture
def make_store_url(backend: str, request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
                   ) -> Iterator[Callable[[], str]]:
    """A factory of fresh, empty stores: a new SQLite file, or a new PostgreSQL schema (dropped afterwards)."""
    created: list[str] = []
    admin_url = request.getfixturevalue("pg_url") if backend == "postgresql" else None

    def make() -> str:
        if admin_url is None:
            return f"sqlite:///{tmp_path_factory.mktemp('db') / 'store.db'}"
        schema = f"t_{uuid.uuid4().hex[:16]}"
        with create_engine(admin_url).begin() as conn:
            conn.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
        created.append(schema)
        url = make_url(admin_url).update_query_dict({"options": f"-csearch_path={schema}"})
        return url.render_as_string(hide_password=False)

    yield make
    if created:
        engine = create_engine(admin_url)
        with engine.begin() as conn:
            for schema in created:
                conn.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')
        engine.dispose()


@pytest.fixture
def store_url(make_store_url: Callable[[], str]) -> str:
    """A fresh, empty store: SQLite file or PostgreSQL schema."""
    return make_store_url()


@pytest.fixture
def store(store_url: str) -> Iterator[Store]:
    """The store at `store_url`, opened with a deterministic clock."""
    opened = open_store(store_url, clock=TickClock(), actor="tester@test-host")
    yield opened
    opened.close()
