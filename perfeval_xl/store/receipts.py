"""The bureau's optional receipt log: a CSV with 文件名, 报送单位, 收到时间 (e.g. exported from a mailbox).

UTF-8 (with or without BOM) or GBK/GB18030, as Excel on a Chinese Windows saves it.
Times as 2025-03-31 14:05[:07], 2025/3/31 14:05, 2025年3月31日 14:05 or ISO 8601; a
date alone means midnight. The collector matches each row to a file in the folder by
its name and passes the matching rows with that file to the store.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from pathlib import Path

from perfeval_xl.store.errors import StoreError
from perfeval_xl.store.models import Receipt, naive_local

MAX_BYTES = 50 * 1024 * 1024
_HEADERS = {
    "file_name": ("文件名", "文件名称", "附件名", "附件名称"),
    "sender_unit": ("报送单位", "发件单位", "单位"),
    "received_at": ("收到时间", "接收时间", "收件时间"),
}
_REQUIRED = ("file_name", "received_at")
_TIME = re.compile(
    r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?"
    r"(?:[\sT]+(\d{1,2})\s*[:：]\s*(\d{1,2})(?:\s*[:：]\s*(\d{1,2})(?:\.(\d{1,6}))?)?)?"
)


def parse_time(value: str) -> dt.datetime | None:
    """A receipt time as a naive local datetime, or None when it is not understood."""
    text = value.strip()
    match = _TIME.fullmatch(text)
    if match:
        year, month, day, hour, minute, second, fraction = match.groups()
        try:
            return dt.datetime(int(year), int(month), int(day), int(hour or 0), int(minute or 0), int(second or 0),
                               int((fraction or "0").ljust(6, "0")))
        except ValueError:
            return None
    try:
        return naive_local(dt.datetime.fromisoformat(text))
    except ValueError:
        return None


def read_receipt_log(path: Path) -> list[Receipt]:
    """Every row of the receipt log, in file order; StoreError (in Chinese) naming the row at fault."""
    path = Path(path)
    try:
        with open(path, "rb") as handle:
            data = handle.read(MAX_BYTES + 1)
    except OSError as exc:
        raise StoreError("RECEIPT_LOG_UNREADABLE", path=path, detail=exc.strerror or str(exc)) from None
    if len(data) > MAX_BYTES:
        raise StoreError("RECEIPT_LOG_UNREADABLE", path=path, detail=f"larger than {MAX_BYTES} bytes")
    text = _decode(data, path)
    reader = csv.reader(io.StringIO(text, newline=""))
    header = next(reader, None) or []
    columns = _columns([cell.strip() for cell in header], path)
    receipts = []
    for row_no, row in enumerate(reader, start=2):
        if not any(cell.strip() for cell in row):
            continue
        cells = {key: (row[index].strip() if index is not None and index < len(row) else "")
                 for key, index in columns.items()}
        if not cells["file_name"]:
            raise StoreError("RECEIPT_LOG_NO_FILE_NAME", path=path, row=row_no)
        received_at = parse_time(cells["received_at"])
        if received_at is None:
            raise StoreError("RECEIPT_LOG_BAD_TIME", path=path, row=row_no, value=cells["received_at"])
        receipts.append(Receipt(file_name=cells["file_name"], sender_unit=cells["sender_unit"],
                                received_at=received_at))
    return receipts


def _decode(data: bytes, path: Path) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise StoreError("RECEIPT_LOG_UNREADABLE", path=path, detail="neither UTF-8 nor GBK text")


def _columns(header: list[str], path: Path) -> dict[str, int | None]:
    found: dict[str, int | None] = {}
    for key, names in _HEADERS.items():
        found[key] = next((header.index(name) for name in names if name in header), None)
        if found[key] is None and key in _REQUIRED:
            raise StoreError("RECEIPT_LOG_COLUMN_MISSING", path=path, column=names[0])
    return found
