"""Reading the store and the written summary back, independently of the code under test."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sqlalchemy import select

from perfeval_xl.model import ProjectInputs
from perfeval_xl.store import Store, open_store
from perfeval_xl.store.schema import SubmissionRow

BATCH = "2024-ZP-SAMPLE"


@contextmanager
def opened(db_url: str) -> Iterator[Store]:
    store = open_store(db_url, create=False)
    try:
        yield store
    finally:
        store.close()


def written(value: Decimal | None) -> float | str:
    """A stored Decimal as a summary cell holds it (XlsxWriter writes 16 significant digits; Excel
    keeps 15), or "" for a blank cell as calamine reads it."""
    return "" if value is None else float(f"{float(value):.16G}")


def like_stored(value: Decimal | None, column: Any) -> Decimal | None:
    """An engine value as the store's column keeps it: rounded half up to the column's scale."""
    if value is None:
        return None
    return value.quantize(Decimal(1).scaleb(-column.type.scale), rounding=ROUND_HALF_UP)


def stored_inputs(store: Store) -> dict[int, ProjectInputs]:
    """inputs_json of every submission that has one, read straight from the table."""
    with store.read() as session:
        rows = session.execute(select(SubmissionRow.id, SubmissionRow.inputs_json)
                               .where(SubmissionRow.inputs_json.is_not(None)))
        return {sid: ProjectInputs.model_validate_json(text) for sid, text in rows}
