"""CSV and Parquet exports: the same tables, safe for Excel, exact for analysts."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from decimal import Decimal
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from perfeval_xl.summary.exports import csv_bytes, parquet_bytes, safe_text, write_csv, write_parquet
from perfeval_xl.summary.tables import Column, Kind, Table, summary_tables
from tests.summary.conftest import HOSTILE_FILE, HOSTILE_REASONS, Collected

KEYS = ["projects", "departments", "grades", "indicators", "findings", "missing", "history"]


def _read_csv(path: Path) -> list[list[str]]:
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and b"\r\n" in raw
    return list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline="")))


@pytest.mark.parametrize("text", ["=1+1", "+SUM(A1)", "-2+3", "@cmd", "\tx", "\rx"])
def test_formula_like_text_gets_an_apostrophe(text: str) -> None:
    assert safe_text(text) == "'" + text
    assert safe_text("正常文字 =1") == "正常文字 =1"


def test_csv_files_one_per_table(collected: Collected, tmp_path: Path) -> None:
    paths = write_csv(collected.data, tmp_path)
    assert [p.name for p in paths] == [f"{k}.csv" for k in KEYS]
    tables = {t.key: t for t in summary_tables(collected.data)}
    for path in paths:
        rows = _read_csv(path)
        table = tables[path.stem]
        assert rows[0] == [c.header for c in table.columns]
        assert len(rows) == len(table.rows) + 1


def test_csv_prefixes_returned_text_not_numbers(collected: Collected, tmp_path: Path) -> None:
    write_csv(collected.data, tmp_path)
    indicators = _read_csv(tmp_path / "indicators.csv")
    reason = indicators[0].index("偏差原因分析及改进措施")
    reasons = [row[reason] for row in indicators[1:] if row[0] == "P001"]
    assert reasons[1:1 + len(HOSTILE_REASONS)] == ["'" + r for r in HOSTILE_REASONS]
    projects = _read_csv(tmp_path / "projects.csv")
    header = projects[0]
    p001 = next(row for row in projects if row[header.index("项目编号")] == "P001")
    assert p001[header.index("文件名")] == "'" + HOSTILE_FILE
    s000 = next(row for row in projects if row[header.index("项目编号")] == "S000")
    assert s000[header.index("总分")] == "99.50" and s000[header.index("全年预算数（万元）")] == "221"
    assert Decimal(s000[header.index("执行率")]) == collected.results["S000"].budget.execution_rate


def test_negative_numbers_are_not_prefixed() -> None:
    table = Table("t", "表", (Column("a", "数", Kind.NUMBER), Column("b", "文字", Kind.TEXT),
                             Column("c", "是否", Kind.FLAG), Column("d", "时间", Kind.DATETIME)),
                  [(Decimal("-1.5"), "-1.5", True, dt.datetime(2025, 3, 1, 9, 30))])
    rows = list(csv.reader(io.StringIO(csv_bytes(table).decode("utf-8-sig"))))
    assert rows == [["数", "文字", "是否", "时间"], ["-1.5", "'-1.5", "是", "2025-03-01 09:30:00"]]


def test_parquet_round_trip_keeps_decimals(collected: Collected, tmp_path: Path) -> None:
    paths = write_parquet(collected.data, tmp_path)
    assert [p.name for p in paths] == [f"{k}.parquet" for k in KEYS]
    tables = {t.key: t for t in summary_tables(collected.data)}
    for path in paths:
        arrow = pq.read_table(path)
        table = tables[path.stem]
        assert arrow.column_names == [c.name for c in table.columns]
        headers = json.loads(arrow.schema.metadata[b"headers"].decode("utf-8"))
        assert headers == {c.name: c.header for c in table.columns}
        assert [tuple(r.values()) for r in arrow.to_pylist()] == table.rows
    projects = pq.read_table(tmp_path / "projects.parquet")
    assert pa.types.is_decimal(projects.schema.field("execution_rate").type)
    assert pa.types.is_decimal(projects.schema.field("total").type)
    assert pa.types.is_timestamp(projects.schema.field("received_at").type)
    by_id = {r["project_id"]: r for r in projects.to_pylist()}
    assert by_id["S000"]["execution_rate"] == collected.results["S000"].budget.execution_rate
    assert by_id["S002"]["level1:预算执行率"] == Decimal("8.29")
    assert by_id["P001"]["file"] == HOSTILE_FILE  # Parquet is data: no prefix


def test_parquet_rounds_only_beyond_decimal128() -> None:
    long = Decimal("123456." + "3" * 34)  # 40 digits: more than decimal128 holds
    table = Table("t", "表", (Column("x", "x", Kind.RATE),), [(long,), (None,)])
    arrow = pq.read_table(io.BytesIO(parquet_bytes(table)))
    assert arrow.schema.field("x").type == pa.decimal128(38, 32)
    assert arrow.column("x").to_pylist() == [Decimal("123456." + "3" * 32), None]


def test_exports_are_deterministic(collected: Collected, tmp_path: Path) -> None:
    first = [p.read_bytes() for p in write_csv(collected.data, tmp_path / "a") + write_parquet(collected.data,
                                                                                              tmp_path / "a")]
    again = [p.read_bytes() for p in write_csv(collected.data, tmp_path / "b") + write_parquet(collected.data,
                                                                                              tmp_path / "b")]
    assert first == again
