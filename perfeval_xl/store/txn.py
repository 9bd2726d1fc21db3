"""One writing transaction: its session, the store-assigned ids, its clock reading and its audit rows.

Rows are inserted a table at a time (one executemany per table), not a statement per call:
a statement's fixed cost in SQLAlchemy outweighs its rows' cost. Rows wait until the
transaction's next use of `session` (any read or update) or its end, so every statement
still sees every row added before it. The executemany goes to the driver directly, each
value converted by its column type's own bind processor: SQLAlchemy building each row's
parameters was a third of the inserts' CPU.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import lru_cache
from typing import Any, cast

from sqlalchemy import Connection, Dialect, Table, func, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from perfeval_xl.store.db import Store
from perfeval_xl.store.schema import AuditRow, Base


class Txn:
    """Context handed to every write: ids are max + 1 (see schema), audit rows share one time."""

    def __init__(self, session: Session, store: Store, run_id: int | None) -> None:
        self._session = session
        self.store = store
        self.run_id = run_id
        self.now: dt.datetime = store.now()
        self._next: dict[str, int] = {}
        self._pending: dict[Table, list[dict[str, Any]]] = {}
        self._remembered: dict[tuple[Any, ...], Any] = {}

    @property
    def session(self) -> Session:
        """The session, with every row added so far inserted: for reads and updates."""
        self.flush()
        return self._session

    def new_ids(self, column: InstrumentedAttribute[int], count: int = 1) -> int:
        """First of `count` fresh integer keys for `column` (a primary key)."""
        return self.next_value(f"{column.class_.__tablename__}.{column.key}",
                               lambda: (self.session.execute(select(func.max(column))).scalar() or 0) + 1, count)

    def next_value(self, key: str, first: Callable[[], int], count: int = 1) -> int:
        """A counter kept for the transaction: `first()` the first time, then `count` more each call."""
        if key not in self._next:
            self._next[key] = first()
        value = self._next[key]
        self._next[key] = value + count
        return value

    def remember(self, key: tuple[Any, ...], read: Callable[[], Any]) -> Any:
        """`read()` once per transaction: for values nothing in the transaction changes (a run's
        round, a batch's deadline), read for every stored file otherwise."""
        if key not in self._remembered:
            self._remembered[key] = read()
        return self._remembered[key]

    def audit(self, action: str, entity: str, key: str, **detail: Any) -> None:
        self.insert(AuditRow, [{
            "id": self.new_ids(AuditRow.id), "run_id": self.run_id, "actor": self.store.actor, "action": action,
            "entity": entity, "entity_key": key, "detail": detail, "collector_at": self.now,
        }])

    def insert(self, row_class: type[Base], rows: list[dict[str, Any]]) -> None:
        """Add plain rows, inserted (in the order added) before the next use of `session`."""
        if rows:
            self._pending.setdefault(cast(Table, row_class.__table__), []).extend(rows)

    def flush(self) -> None:
        """Insert the rows added so far: one statement per table, parent tables first."""
        if not self._pending:
            return
        connection = self._session.connection()
        for table in _INSERT_ORDER:
            rows = self._pending.pop(table, None)
            if rows:
                _insert_many(connection, table, rows)
        assert not self._pending, f"tables outside the schema: {list(self._pending)}"


_INSERT_ORDER = Base.metadata.sorted_tables  # referenced tables before the tables referring to them
_PLACEHOLDERS = {"qmark": "?", "format": "%s", "pyformat": "%s"}  # positional in every driver the store supports


def _insert_many(connection: Connection, table: Table, rows: list[dict[str, Any]]) -> None:
    """INSERT the rows (each with the first row's keys): the values converted a column at a time."""
    keys = tuple(rows[0])
    sql, processors = _insert_plan(connection.dialect, table, keys)
    columns = []
    for key, process in zip(keys, processors):
        values = [row[key] for row in rows]
        columns.append(list(map(process, values)) if process is not None else values)
    connection.exec_driver_sql(sql, list(zip(*columns)))


@lru_cache(maxsize=64)
def _insert_plan(dialect: Dialect, table: Table, keys: tuple[str, ...]) -> tuple[str, tuple[Any, ...]]:
    """The statement for rows with these keys and each column's bind processor (None: sent as is)."""
    quote = dialect.identifier_preparer
    columns = [table.columns[key] for key in keys]
    placeholder = _PLACEHOLDERS[dialect.paramstyle]
    sql = (f"INSERT INTO {quote.format_table(table)} ({', '.join(quote.format_column(c) for c in columns)}) "
           f"VALUES ({', '.join(placeholder for _ in columns)})")
    return sql, tuple(c.type.dialect_impl(dialect).bind_processor(dialect) for c in columns)


@contextmanager
def transaction(store: Store, run_id: int | None) -> Iterator[Txn]:
    with store.write() as session:
        tx = Txn(session, store, run_id)
        yield tx
        tx.flush()
