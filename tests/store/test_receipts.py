"""Reading the bureau's receipt log (文件名, 报送单位, 收到时间)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from perfeval_xl.store import StoreError, read_receipt_log
from perfeval_xl.store.receipts import parse_time


@pytest.mark.parametrize(("text", "expected"), [
    ("2025-03-31 14:05", dt.datetime(2025, 3, 31, 14, 5)),
    ("2025-03-31 14:05:07", dt.datetime(2025, 3, 31, 14, 5, 7)),
    ("2025/3/1 9:05:07.25", dt.datetime(2025, 3, 1, 9, 5, 7, 250000)),
    ("2025年3月31日 14:05", dt.datetime(2025, 3, 31, 14, 5)),
    ("2025-03-31T14:05:07", dt.datetime(2025, 3, 31, 14, 5, 7)),
    ("2025.03.31", dt.datetime(2025, 3, 31)),
    ("2025-02-30 10:00", None),
    ("昨天下午", None),
])
def test_time_formats(text: str, expected: dt.datetime | None) -> None:
    assert parse_time(text) == expected


def test_utf8_with_bom_and_extra_columns(tmp_path: Path) -> None:
    log = tmp_path / "收文登记.csv"
    log.write_text("序号,文件名,报送单位,收到时间\r\n1,P001.xlsx,信息中心,2025-03-30 10:15\r\n,,,\r\n"
                   "2, P002.xlsx ,水务局,2025/3/31 9:00\r\n", encoding="utf-8-sig")
    assert [(r.file_name, r.sender_unit, r.received_at) for r in read_receipt_log(log)] == [
        ("P001.xlsx", "信息中心", dt.datetime(2025, 3, 30, 10, 15)),
        ("P002.xlsx", "水务局", dt.datetime(2025, 3, 31, 9, 0))]


def test_gbk_as_excel_saves_it_on_chinese_windows(tmp_path: Path) -> None:
    log = tmp_path / "receipts.csv"
    log.write_bytes("文件名,报送单位,收到时间\r\nP001.xlsx,信息中心,2025-03-30 10:15\r\n".encode("gbk"))
    assert read_receipt_log(log)[0].sender_unit == "信息中心"


def test_the_sender_column_is_optional(tmp_path: Path) -> None:
    log = tmp_path / "receipts.csv"
    log.write_text("附件名,接收时间\nP001.xlsx,2025-03-30 10:15\n", encoding="utf-8")
    assert [(r.file_name, r.sender_unit) for r in read_receipt_log(log)] == [("P001.xlsx", "")]


@pytest.mark.parametrize(("content", "code", "message"), [
    ("文件名,报送单位\nP001.xlsx,甲\n", "RECEIPT_LOG_COLUMN_MISSING", "缺少“收到时间”列"),
    ("文件名,报送单位,收到时间\nP001.xlsx,甲,2025-03-30\nP002.xlsx,乙,三月底\n", "RECEIPT_LOG_BAD_TIME",
     "第 3 行的收到时间“三月底”无法识别"),
    ("文件名,报送单位,收到时间\n,甲,2025-03-30\n", "RECEIPT_LOG_NO_FILE_NAME", "第 2 行没有文件名"),
])
def test_errors_name_the_row_at_fault(tmp_path: Path, content: str, code: str, message: str) -> None:
    log = tmp_path / "receipts.csv"
    log.write_text(content, encoding="utf-8")
    with pytest.raises(StoreError) as caught:
        read_receipt_log(log)
    assert caught.value.code == code
    assert message in caught.value.message()


def test_a_missing_log_gives_a_chinese_error(tmp_path: Path) -> None:
    with pytest.raises(StoreError) as caught:
        read_receipt_log(tmp_path / "nope.csv")
    assert caught.value.message().startswith(f"无法读取收文登记 {tmp_path / 'nope.csv'}：")
