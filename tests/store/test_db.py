"""Opening the store: table creation, schema version, SQLite settings, clear errors."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import event, inspect, select, text, update

from perfeval_xl.store import Store, StoreError, open_store, record_run_start
from perfeval_xl.store.schema import SCHEMA_VERSION, Base, RunRow, SchemaVersionRow


def test_open_creates_every_table_and_the_version(store: Store) -> None:
    with store.engine.connect() as conn:
        assert set(inspect(conn).get_table_names()) == set(Base.metadata.tables)
    with store.read() as session:
        assert session.execute(select(SchemaVersionRow.version)).scalars().all() == [SCHEMA_VERSION]


def test_opening_again_keeps_the_data(store: Store, store_url: str) -> None:
    run_id = record_run_start(store, "collect")
    with open_store(store_url) as again, again.read() as session:
        assert session.execute(select(RunRow.id, RunRow.command)).all() == [(run_id, "collect")]
        assert session.execute(select(SchemaVersionRow.version)).scalars().all() == [SCHEMA_VERSION]


def test_another_schema_version_is_refused(store: Store, store_url: str) -> None:
    with store.write() as session:
        session.execute(update(SchemaVersionRow).values(version=SCHEMA_VERSION + 1))
    with pytest.raises(StoreError) as caught:
        open_store(store_url)
    assert caught.value.code == "STORE_SCHEMA_VERSION"
    assert f"结构版本为 {SCHEMA_VERSION + 1}" in caught.value.message()
    assert f"本程序使用版本 {SCHEMA_VERSION}" in caught.value.message()


def test_reading_an_empty_database_says_so(make_store_url, backend: str) -> None:
    with pytest.raises(StoreError) as caught:
        open_store(make_store_url(), create=False)
    assert caught.value.code == "STORE_NOT_INITIALISED"
    assert "还没有汇总数据表" in caught.value.message()


def test_sqlite_runs_in_wal_with_foreign_keys_and_a_busy_timeout(tmp_path: Path) -> None:
    with open_store(tmp_path / "sub" / "store.db") as store, store.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 30000
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
    # WAL is a property of the file: a plain sqlite3 connection sees it too.
    raw = sqlite3.connect(tmp_path / "sub" / "store.db")
    assert raw.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    raw.close()


def test_a_plain_path_means_sqlite(tmp_path: Path) -> None:
    with open_store(str(tmp_path / "plain.db")) as store:
        assert store.dialect == "sqlite"
        assert store.sqlite_path == (tmp_path / "plain.db").resolve()


def test_an_unreachable_server_gives_a_chinese_error_without_the_password() -> None:
    with pytest.raises(StoreError) as caught:
        open_store("postgresql+psycopg://perfeval:s3cret@127.0.0.1:1/nowhere?connect_timeout=2")
    assert caught.value.code == "STORE_UNREACHABLE"
    text = caught.value.message()
    assert text.startswith("无法连接数据库 postgresql+psycopg://perfeval:***@127.0.0.1:1/nowhere")
    assert "请确认数据库服务已启动" in text
    assert "s3cret" not in text and "s3cret" not in str(caught.value)


@pytest.mark.parametrize("url", [
    "mysql://u:p@host/db", "sqlite://", "sqlite:///:memory:", "postgresql+psycopg://u:secret@h:notaport/db", "x y://z",
])
def test_unsupported_or_malformed_urls_are_refused(url: str) -> None:
    with pytest.raises(StoreError) as caught:
        open_store(url)
    assert caught.value.code == "STORE_URL_INVALID"
    assert "数据库地址" in caught.value.message()
    assert "secret" not in caught.value.message()


def test_sqlite_writes_begin_immediate_and_reads_deferred(tmp_path: Path) -> None:
    with open_store(tmp_path / "store.db") as store:
        statements: list[str] = []
        event.listen(store.engine, "before_cursor_execute",
                     lambda _conn, _cursor, statement, *_: statements.append(statement))
        with store.write() as session:
            session.execute(text("SELECT 1"))
        with store.read() as session:
            session.execute(text("SELECT 2"))
    assert statements == ["BEGIN IMMEDIATE", "SELECT 1", "BEGIN", "SELECT 2"]
