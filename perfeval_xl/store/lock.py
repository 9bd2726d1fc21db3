"""The collector's single-instance lock.

Two collectors writing one store at once would interleave ids and receipt order, so a
second one refuses cleanly, naming the first (process, host, user, start time):
- a file lock (filelock: flock on POSIX, msvcrt on Windows) beside the SQLite database
  and in the archive folder, with the holder's details in a JSON file beside it;
- on PostgreSQL also a session advisory lock (pg_try_advisory_lock) keyed by database
  and schema, for collectors on different machines; its holder is found through
  pg_stat_activity, where the lock connection's application_name carries its details.
The operating system and the server release both when the process dies, even by SIGKILL.
"""

from __future__ import annotations

import datetime as dt
import getpass
import hashlib
import json
import os
import re
import socket
import time
from pathlib import Path
from typing import Any

from filelock import FileLock, Timeout
from pydantic import BaseModel, ConfigDict, ValidationError
from sqlalchemy import Connection, text

from perfeval_xl.store.atomic import write_atomic
from perfeval_xl.store.db import Store
from perfeval_xl.store.errors import LockBusy, StoreError

ARCHIVE_LOCK_NAME = ".perfeval-collect.lock"
_PG_APP_KEY = 0x70657276  # first key of the two-int advisory lock: "perv"
_APP_NAME = re.compile(r"perfeval (\d+)@(\S*) (\d{8}T\d{6})")
_POLL = 0.1


class LockInfo(BaseModel):
    """Who holds the lock: written beside the lock file once it is taken."""

    model_config = ConfigDict(frozen=True)

    pid: int
    host: str
    user: str
    started_at: dt.datetime
    command: str = ""

    @classmethod
    def current(cls, command: str, now: dt.datetime) -> LockInfo:
        try:
            user = getpass.getuser()
        except (KeyError, OSError):
            user = "unknown"
        return cls(pid=os.getpid(), host=socket.gethostname(), user=user, started_at=now.replace(microsecond=0),
                   command=command)


def lock_files(store: Store, archive_root: Path | None) -> list[Path]:
    """The lock files a collector takes: beside the SQLite database, and in the archive folder."""
    paths = []
    if store.sqlite_path is not None:
        paths.append(store.sqlite_path.with_name(store.sqlite_path.name + ".lock"))
    if archive_root is not None:
        paths.append(Path(archive_root) / ARCHIVE_LOCK_NAME)
    return paths


class CollectorLock:
    """Context manager: `with CollectorLock(store, archive_root): ...` or LockBusy (a StoreError)."""

    def __init__(self, store: Store, archive_root: Path | None = None, *, command: str = "collect",
                 wait: float = 0.0) -> None:
        self._store = store
        self._paths = lock_files(store, archive_root)
        self._wait = wait
        self._info = LockInfo.current(command, store.now())
        self._held: list[FileLock] = []
        self._pg: Connection | None = None
        self._pg_key: tuple[int, int] | None = None

    @property
    def info(self) -> LockInfo:
        return self._info

    def acquire(self) -> None:
        deadline = time.monotonic() + self._wait
        try:
            for path in self._paths:
                self._acquire_file(path, deadline)
            if self._store.dialect == "postgresql":
                self._acquire_pg(deadline)
        except BaseException:
            self.release()
            raise

    def release(self) -> None:
        if self._pg is not None:
            try:
                if self._pg_key is not None:
                    self._pg.execute(text("SELECT pg_advisory_unlock(:a, :b)"),
                                     {"a": self._pg_key[0], "b": self._pg_key[1]})
            finally:
                self._pg.invalidate()  # never back to the pool: it carries our application_name
                self._pg.close()
                self._pg = None
                self._pg_key = None
        while self._held:
            lock = self._held.pop()
            _info_path(Path(lock.lock_file)).unlink(missing_ok=True)
            lock.release()

    def __enter__(self) -> CollectorLock:
        self.acquire()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()

    def _acquire_file(self, path: Path, deadline: float) -> None:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            lock = FileLock(path, preserve_lock_file=True)
            lock.acquire(timeout=max(0.0, deadline - time.monotonic()), poll_interval=_POLL)
        except Timeout:
            raise _busy(_await_info(path), str(path)) from None
        except OSError as exc:
            raise StoreError("STORE_LOCK_FAILED", path=path, detail=exc.strerror or str(exc)) from None
        self._held.append(lock)
        write_atomic(_info_path(path), self._info.model_dump_json(indent=1).encode("utf-8"))

    def _acquire_pg(self, deadline: float) -> None:
        conn = self._store.engine.connect().execution_options(isolation_level="AUTOCOMMIT")
        self._pg = conn
        conn.execute(text("SELECT set_config('application_name', :name, false)"),
                     {"name": _application_name(self._info)})
        db, schema = conn.execute(text("SELECT current_database(), current_schema()")).one()
        digest = hashlib.sha256(f"perfeval-collect\0{db}\0{schema}".encode()).digest()
        key = (_PG_APP_KEY, int.from_bytes(digest[:4], "big") & 0x7FFFFFFF)
        while True:
            if conn.execute(text("SELECT pg_try_advisory_lock(:a, :b)"), {"a": key[0], "b": key[1]}).scalar():
                self._pg_key = key
                return
            if time.monotonic() >= deadline:
                raise _busy(_pg_holder(conn, key), f"PostgreSQL {db}/{schema}")
            time.sleep(_POLL)


def _info_path(lock_path: Path) -> Path:
    return lock_path.with_name(lock_path.name + ".json")


def _await_info(lock_path: Path, patience: float = 2.0) -> LockInfo | None:
    """The holder's details; it writes them just after taking the lock, so allow it a moment."""
    deadline = time.monotonic() + patience
    while (info := _read_info(lock_path)) is None and time.monotonic() < deadline:
        time.sleep(_POLL / 2)
    return info


def _read_info(lock_path: Path) -> LockInfo | None:
    try:
        return LockInfo.model_validate(json.loads(_info_path(lock_path).read_text(encoding="utf-8")))
    except (OSError, ValueError, ValidationError):
        return None  # the holder has not written it yet, or it is damaged


def _busy(info: LockInfo | None, resource: str) -> LockBusy:
    unknown = "未知"
    return LockBusy(
        "STORE_LOCK_BUSY",
        pid=info.pid if info else unknown,
        host=info.host if info else unknown,
        user=info.user if info else unknown,
        started_at=info.started_at.isoformat(sep=" ") if info else unknown,
        resource=resource,
    )


def _application_name(info: LockInfo) -> str:
    # PostgreSQL keeps 63 bytes of printable ASCII.
    host = re.sub(r"[^A-Za-z0-9._-]", "?", info.host)[:30]
    return f"perfeval {info.pid}@{host} {info.started_at:%Y%m%dT%H%M%S}"


def _pg_holder(conn: Connection, key: tuple[int, int]) -> LockInfo | None:
    row: Any = conn.execute(text(
        "SELECT a.application_name, a.usename FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid "
        "WHERE l.locktype = 'advisory' AND l.granted AND l.classid::bigint = :a AND l.objid::bigint = :b "
        "AND l.objsubid = 2 AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())"
    ), {"a": key[0], "b": key[1]}).first()
    if row is None:
        return None
    match = _APP_NAME.fullmatch(row.application_name or "")
    if match is None:
        return None
    return LockInfo(pid=int(match.group(1)), host=match.group(2), user=row.usename or "",
                    started_at=dt.datetime.strptime(match.group(3), "%Y%m%dT%H%M%S"))
