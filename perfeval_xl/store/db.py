"""Opening the store: SQLite by default, PostgreSQL for a shared deployment.

SQLite runs in WAL mode with foreign keys on, a busy timeout, synchronous=FULL (a
committed file survives a power cut), and transactions the store begins itself
(pysqlite's implicit ones would commit around DDL); writing transactions start with
BEGIN IMMEDIATE, so a writer never meets a stale snapshot. Tables are created
idempotently; a `schema_version` row guards against a program of another version.
"""

from __future__ import annotations

import datetime as dt
import getpass
import re
import socket
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, func, insert, inspect, select
from sqlalchemy.engine import URL, Connection, make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError, OperationalError, StatementError
from sqlalchemy.orm import Session

from perfeval_xl.store.errors import StoreError
from perfeval_xl.store.killpoints import KillPoints
from perfeval_xl.store.schema import SCHEMA_VERSION, Base, SchemaVersionRow

Clock = Callable[[], dt.datetime]

_IMMEDIATE = "perfeval_immediate"
_SQLITE_PRAGMAS = ("PRAGMA journal_mode=WAL", "PRAGMA foreign_keys=ON", "PRAGMA busy_timeout=30000",
                   "PRAGMA synchronous=FULL")
# pg_advisory_xact_lock keys serialising table creation between processes.
_DDL_LOCK = (0x70657266, 1)


def default_actor() -> str:
    """"user@host" of this process, for audit rows."""
    try:
        user = getpass.getuser()
    except (KeyError, OSError):
        user = "unknown"
    return f"{user}@{socket.gethostname()}"


def _local_now() -> dt.datetime:
    return dt.datetime.now()


@dataclass(frozen=True)
class Store:
    """An opened store: the engine plus the clock and the actor written into records."""

    engine: Engine
    clock: Clock = _local_now
    actor: str = field(default_factory=default_actor)

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @property
    def sqlite_path(self) -> Path | None:
        if self.dialect != "sqlite" or not self.engine.url.database:
            return None
        return Path(self.engine.url.database)

    def now(self) -> dt.datetime:
        return self.clock()

    @contextmanager
    def read(self) -> Iterator[Session]:
        with Session(self.engine) as session:
            yield session

    @contextmanager
    def write(self) -> Iterator[Session]:
        """One transaction: committed when the block ends normally, rolled back otherwise."""
        engine = self.engine.execution_options(**{_IMMEDIATE: True})
        try:
            with Session(engine, expire_on_commit=False) as session, session.begin():
                yield session
        except StatementError as exc:
            if isinstance(exc.orig, StoreError):  # raised while binding a value (columns.ExactDecimal)
                raise exc.orig from None
            raise

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def parse_url(url: str | Path) -> URL:
    """A SQLAlchemy URL from a URL string or a plain SQLite file path."""
    if isinstance(url, Path) or "://" not in str(url):
        path = Path(url).expanduser()
        return URL.create("sqlite", database=str(path.resolve()))
    try:
        parsed = make_url(str(url))
    except (ArgumentError, ValueError) as exc:
        raise StoreError("STORE_URL_INVALID", url=_mask(str(url)), detail=str(exc)) from None
    if parsed.get_backend_name() not in ("sqlite", "postgresql"):
        raise StoreError("STORE_URL_INVALID", url=parsed.render_as_string(hide_password=True),
                         detail="only SQLite and PostgreSQL are supported")
    if parsed.get_backend_name() == "sqlite" and parsed.database in (None, "", ":memory:"):
        raise StoreError("STORE_URL_INVALID", url=_mask(str(url)), detail="SQLite needs a file path")
    return parsed


def _mask(url: str) -> str:
    """The URL with any password replaced by ***, for messages about URLs that do not parse."""
    return re.sub(r"(://[^:/@]*:)[^@]*@", r"\1***@", url)


def open_store(
    url: str | Path,
    *,
    create: bool = True,
    clock: Clock | None = None,
    actor: str | None = None,
    killpoints: KillPoints | None = None,
) -> Store:
    """Open (and with `create`, initialise) the store at `url`; StoreError in Chinese when it cannot."""
    parsed = parse_url(url)
    shown = parsed.render_as_string(hide_password=True)
    engine = _engine(parsed, create)
    store = Store(engine, clock or _local_now, actor or default_actor())
    try:
        with engine.connect() as conn:
            conn.exec_driver_sql("SELECT 1")
        if create:
            _ensure_schema(engine, shown, store.now())
        else:
            _check_schema(engine, shown)
    except OperationalError as exc:
        engine.dispose()
        detail = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
        raise StoreError("STORE_UNREACHABLE", url=shown, detail=detail) from None
    except BaseException:
        engine.dispose()
        raise
    if killpoints is not None:
        event.listen(engine, "commit", lambda _conn: killpoints.hit("db_commit"))
    return store


def _engine(url: URL, create: bool) -> Engine:
    try:
        if url.get_backend_name() == "sqlite":
            return _sqlite_engine(url, create)
        connect_args: dict[str, Any] = {} if "connect_timeout" in url.query else {"connect_timeout": 10}
        return create_engine(url, pool_pre_ping=True, connect_args=connect_args)
    except (NoSuchModuleError, ImportError) as exc:
        raise StoreError("STORE_URL_INVALID", url=url.render_as_string(hide_password=True),
                         detail=str(exc)) from None


def _sqlite_engine(url: URL, create: bool) -> Engine:
    path = Path(str(url.database))
    if create:
        path.parent.mkdir(parents=True, exist_ok=True)
    elif not path.is_file():
        raise StoreError("STORE_NOT_INITIALISED", url=url.render_as_string())
    engine = create_engine(url, connect_args={"timeout": 30})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # the store emits BEGIN itself (below)
        cursor = dbapi_connection.cursor()
        for pragma in _SQLITE_PRAGMAS:
            cursor.execute(pragma)
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.get_execution_options().get(_IMMEDIATE) else "BEGIN")

    return engine


def _stored_version(conn: Connection) -> int | None:
    if not inspect(conn).has_table(SchemaVersionRow.__tablename__):
        return None
    return conn.execute(select(func.max(SchemaVersionRow.version))).scalar()


def _ensure_schema(engine: Engine, shown: str, now: dt.datetime) -> None:
    with engine.connect() as conn:
        conn = conn.execution_options(**{_IMMEDIATE: True})
        with conn.begin():
            if engine.dialect.name == "postgresql":
                conn.execute(select(func.pg_advisory_xact_lock(*_DDL_LOCK)))
            found = _stored_version(conn)
            if found is not None and found != SCHEMA_VERSION:
                raise StoreError("STORE_SCHEMA_VERSION", url=shown, found=found, expected=SCHEMA_VERSION)
            Base.metadata.create_all(conn, checkfirst=True)
            if found is None:
                conn.execute(insert(SchemaVersionRow).values(
                    version=SCHEMA_VERSION, collector_applied_at=now))


def _check_schema(engine: Engine, shown: str) -> None:
    with engine.connect() as conn:
        found = _stored_version(conn)
    if found is None:
        raise StoreError("STORE_NOT_INITIALISED", url=shown)
    if found != SCHEMA_VERSION:
        raise StoreError("STORE_SCHEMA_VERSION", url=shown, found=found, expected=SCHEMA_VERSION)
