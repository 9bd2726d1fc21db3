"""The summary's tables as CSV (for Excel users) and Parquet (for analysts), one file per table.

CSV: UTF-8 with a BOM (Excel then reads Chinese correctly), CRLF, the Chinese
headers; a text field starting with = + - @ TAB or CR gets a leading apostrophe
(OWASP CSV injection), numbers are plain decimals and never prefixed, 是/否 for
flags. Parquet: the stable column names, Decimal columns as decimal128 (exact), the
Chinese headers in the schema metadata. Files are named by table key (projects.csv,
indicators.parquet, ...) and written atomically; tables are never split.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Context, Decimal
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING

from perfeval_xl.atomic import write_bytes_atomic
from perfeval_xl.summary.records import SummaryRecords
from perfeval_xl.summary.tables import Kind, Table, Value, summary_tables

if TYPE_CHECKING:
    from perfeval_xl.summary.data import SummaryData

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_text(text: str) -> str:
    """Text as a CSV field a spreadsheet will not run as a formula."""
    return "'" + text if text.startswith(FORMULA_START) else text


def csv_field(value: Value, kind: Kind) -> str:
    if value is None:
        return ""
    if kind is Kind.FLAG:
        return "是" if value else "否"
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ", timespec="seconds")
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, int) and kind is not Kind.TEXT:
        return str(value)
    return safe_text(str(value))


def csv_bytes(table: Table) -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(safe_text(c.header) for c in table.columns)
    for row in table.rows:
        writer.writerow(csv_field(value, col.kind) for col, value in zip(table.columns, row))
    return buffer.getvalue().encode("utf-8-sig")


def write_csv(data: SummaryData | SummaryRecords, out_dir: str | os.PathLike[str]) -> list[Path]:
    """One `<key>.csv` per table in `out_dir`; returns the paths in sheet order."""
    return [write_bytes_atomic(Path(out_dir) / f"{t.key}.csv", csv_bytes(t)) for t in summary_tables(data)]


def parquet_bytes(table: Table) -> bytes:
    import pyarrow as pa  # optional dependency (extra "parquet")
    import pyarrow.parquet as pq

    arrays = [_array(pa, [row[i] for row in table.rows], col.kind) for i, col in enumerate(table.columns)]
    metadata = {"title": table.title, "headers": json.dumps({c.name: c.header for c in table.columns},
                                                            ensure_ascii=False)}
    arrow = pa.Table.from_arrays(arrays, names=[c.name for c in table.columns], metadata=metadata)
    buffer = io.BytesIO()
    pq.write_table(arrow, buffer)
    return buffer.getvalue()


MAX_PRECISION = 38  # decimal128
_WIDE = Context(prec=MAX_PRECISION)


def _array(pa: ModuleType, values: Sequence[Value], kind: Kind) -> object:
    """A column in its kind's type; numbers as decimal128 just wide enough to hold every value exactly."""
    fixed = {Kind.TEXT: pa.string(), Kind.FLAG: pa.bool_(), Kind.COUNT: pa.int64(), Kind.DATETIME: pa.timestamp("us")}
    if kind in fixed:
        return pa.array(values, type=fixed[kind])
    numbers = [v for v in values if isinstance(v, Decimal)]
    scale = max((max(-v.as_tuple().exponent, 0) for v in numbers), default=2)
    whole = max((max(len(v.as_tuple().digits) + v.as_tuple().exponent, 1) for v in numbers), default=16)
    if whole + scale > MAX_PRECISION:  # only quotients carry that many digits: keep the leading ones
        scale = MAX_PRECISION - whole
        unit = Decimal(1).scaleb(-scale)
        values = [v.quantize(unit, ROUND_HALF_UP, _WIDE) if isinstance(v, Decimal) else v for v in values]
    return pa.array(values, type=pa.decimal128(whole + scale, scale))


def write_parquet(data: SummaryData | SummaryRecords, out_dir: str | os.PathLike[str]) -> list[Path]:
    """One `<key>.parquet` per table in `out_dir`; returns the paths in sheet order."""
    return [write_bytes_atomic(Path(out_dir) / f"{t.key}.parquet", parquet_bytes(t)) for t in summary_tables(data)]
