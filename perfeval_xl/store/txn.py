"""One writing transaction: its session, the store-assigned ids, its clock reading and its audit rows."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, cast

from sqlalchemy import Table, func, insert, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from perfeval_xl.store.db import Store
from perfeval_xl.store.schema import AuditRow, Base


class Txn:
    """Context handed to every write: ids are max + 1 (see schema), audit rows share one time."""

    def __init__(self, session: Session, store: Store, run_id: int | None) -> None:
        self.session = session
        self.store = store
        self.run_id = run_id
        self.now: dt.datetime = store.now()
        self._next: dict[str, int] = {}

    def new_ids(self, column: InstrumentedAttribute[int], count: int = 1) -> int:
        """First of `count` fresh integer keys for `column` (a primary key)."""
        key = f"{column.class_.__tablename__}.{column.key}"
        if key not in self._next:
            self._next[key] = (self.session.execute(select(func.max(column))).scalar() or 0) + 1
        first = self._next[key]
        self._next[key] = first + count
        return first

    def audit(self, action: str, entity: str, key: str, **detail: Any) -> None:
        self.insert(AuditRow, [{
            "id": self.new_ids(AuditRow.id), "run_id": self.run_id, "actor": self.store.actor, "action": action,
            "entity": entity, "entity_key": key, "detail": detail, "collector_at": self.now,
        }])

    def insert(self, row_class: type[Base], rows: list[dict[str, Any]]) -> None:
        """Core INSERT of plain rows, in the order called (parents before children)."""
        if rows:
            self.session.connection().execute(insert(cast(Table, row_class.__table__)), rows)


@contextmanager
def transaction(store: Store, run_id: int | None) -> Iterator[Txn]:
    with store.write() as session:
        yield Txn(session, store, run_id)
