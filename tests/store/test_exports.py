"""CSV exports: BOM, Chinese headers, OWASP prefixes on text only, atomic and unchanged when equal."""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from pathlib import Path

import pytest

from perfeval_xl.store import Store, export_findings, export_results
from perfeval_xl.store.exports import csv_field, safe_text
from tests.store.scenario import collect


def _read(path: Path) -> list[list[str]]:
    data = path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    assert b"\r\n" in data
    return list(csv.reader(io.StringIO(data[3:].decode("utf-8"), newline="")))


@pytest.mark.parametrize(("text", "safe"), [
    ("=SUM(A1)", "'=SUM(A1)"), ("+86 123", "'+86 123"), ("-5", "'-5"), ("@水务局", "'@水务局"),
    ("\tx", "'\tx"), ("\rx", "'\rx"), ("水务局", "水务局"), ("a=b", "a=b"), ("", ""),
])
def test_text_that_could_start_a_formula_gets_an_apostrophe(text: str, safe: str) -> None:
    assert safe_text(text) == safe


def test_numbers_flags_and_times_are_written_plainly() -> None:
    assert [csv_field(v) for v in (Decimal("-0.5"), Decimal("0.0000001"), 3, True, False, None)] == [
        "-0.5", "0.0000001", "3", "是", "否", ""]
    assert csv_field({"b": "=1", "a": "甲"}) == '{"a": "甲", "b": "=1"}'


def test_results_export(store: Store, tmp_path: Path) -> None:
    collect(store)
    path = tmp_path / "out" / "results.csv"
    assert export_results(store, path) is True
    header, *rows = _read(path)
    assert header[:8] == ["批次", "项目编号", "项目名称", "项目实施单位", "主管部门", "报送单位", "文件名", "收到时间"]
    table = [dict(zip(header, row, strict=True)) for row in rows]
    assert [(r["项目编号"], r["文件名"], r["处理结果"], r["总分"], r["逾期"], r["报送单位"]) for r in table] == [
        ("P001", "P001_v2.xlsx", "接收（有问题）", "9.5", "否", "信息中心"),
        ("P003", "P003.xlsx", "接收", "18.33", "是", "'@水务局"),
    ]
    assert table[0]["收到时间"] == "2025-03-03 09:00:00"
    assert table[0]["预算执行率"] == "0.8291156462585034"


def test_findings_export_explains_each_finding_in_chinese(store: Store, tmp_path: Path) -> None:
    collect(store)
    path = tmp_path / "findings.csv"
    export_findings(store, path, scope="all")
    header, *rows = _read(path)
    table = [dict(zip(header, row, strict=True)) for row in rows]
    assert [(r["项目编号"], r["严重程度"], r["问题代码"], r["处理结果"]) for r in table] == [
        ("P001", "警告", "OVER_ACHIEVEMENT", "接收"), ("P001", "错误", "REASON_MISSING", "接收（有问题）"),
        ("P002", "退回", "SIGNATURE_INVALID", "退回"), ("", "退回", "SIGNATURE_MISSING", "退回")]
    # The unit's text inside a message or the parameters cannot turn into a formula either.
    assert table[0]["说明"].startswith("「=HYPERLINK(")
    assert table[0]["参数"].startswith('{"indicator": "=HYPERLINK(')
    assert table[1]["说明"] == ("「受益人数」得分 8.33 低于分值 10，但未填写偏差原因分析及改进措施。"
                              "请在“偏差原因分析及改进措施”栏说明原因。")
    assert (table[1]["工作表"], table[1]["单元格"], table[1]["指标编号"], table[1]["字段"]) == (
        "绩效自评表", "I12", "I01", "reason")


def test_an_unchanged_export_is_not_rewritten(store: Store, tmp_path: Path) -> None:
    collect(store)
    path = tmp_path / "results.csv"
    assert export_results(store, path) is True
    stamp = path.stat().st_mtime_ns
    assert export_results(store, path) is False
    assert path.stat().st_mtime_ns == stamp
    assert sorted(p.name for p in tmp_path.iterdir()) == ["results.csv"]
