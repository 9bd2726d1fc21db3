"""CSV exports of the current results and the open findings, for Excel users.

UTF-8 with a BOM (so Excel shows Chinese correctly), CRLF line ends, Chinese headers.
Text that could start a formula (= + - @ TAB CR) gets a leading apostrophe (OWASP
CSV injection); numbers are written as plain decimals and never prefixed. Files are
written atomically (atomic.write_atomic), and left untouched when nothing changed.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Mapping, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal

from perfeval_xl.findings import CATALOGUE, Severity, message
from perfeval_xl.store import queries
from perfeval_xl.store.atomic import write_atomic
from perfeval_xl.store.db import Store
from perfeval_xl.store.killpoints import KillPoints
from perfeval_xl.store.models import OUTCOME_LABELS, Outcome

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
SEVERITY_LABELS = {Severity.REJECT: "退回", Severity.ERROR: "错误", Severity.WARNING: "警告", Severity.INFO: "提示"}

RESULT_HEADERS = {
    "batch_id": "批次", "project_id": "项目编号", "project_name": "项目名称", "unit": "项目实施单位",
    "department": "主管部门", "sender_unit": "报送单位", "original_name": "文件名", "received_at": "收到时间",
    "receipt_rank": "第几次报送", "versions": "报送次数", "is_late": "逾期", "needs_decision": "待确认版本",
    "outcome": "处理结果", "issued_version": "下发版本", "total": "总分", "grade": "等级", "unfilled": "未填项数",
    "initial_budget": "年初预算数（万元）", "annual_budget": "全年预算数（万元）", "received": "实际到位资金（万元）",
    "executed": "全年执行数（万元）", "balance": "结余（万元）", "arrival_rate": "预算到位率",
    "execution_rate": "预算执行率", "evaluator_count": "评价人数", "evaluator_mean": "评价人平均分",
    "file_sha256": "文件SHA-256",
}
FINDING_HEADERS = {
    "batch_id": "批次", "project_id": "项目编号", "original_name": "文件名", "file_outcome": "处理结果",
    "severity": "严重程度", "code": "问题代码", "message": "说明", "sheet": "工作表", "cell": "单元格",
    "cell_row": "行", "cell_column": "列", "indicator_id": "指标编号", "field": "字段", "params": "参数",
    "file_sha256": "文件SHA-256",
}


def safe_text(text: str) -> str:
    """Text as a CSV field Excel will not run as a formula."""
    return "'" + text if text.startswith(_FORMULA_START) else text


def csv_field(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, (Decimal, int)):
        return format(value, "f") if isinstance(value, Decimal) else str(value)
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ", timespec="seconds")
    if isinstance(value, (dict, list)):
        return safe_text(json.dumps(value, ensure_ascii=False, sort_keys=True))
    return safe_text(str(value))


def csv_bytes(headers: Mapping[str, str], rows: Sequence[Mapping[str, Any]]) -> bytes:
    """UTF-8 with BOM, CRLF, one header row (the values of `headers`), fields made safe."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(headers.values())
    for row in rows:
        writer.writerow(csv_field(row.get(key)) for key in headers)
    return buffer.getvalue().encode("utf-8-sig")


def export_results(store: Store, path: Path, batch_id: str | None = None, *,
                   killpoints: KillPoints | None = None) -> bool:
    """Current results, one row per project; False when the file already held exactly this."""
    rows = [dict(row, outcome=OUTCOME_LABELS[Outcome(row["outcome"])])
            for row in queries.current_results(store, batch_id)]
    return write_atomic(path, csv_bytes(RESULT_HEADERS, rows), killpoints=killpoints)


def export_findings(store: Store, path: Path, batch_id: str | None = None,
                    scope: Literal["open", "all"] = "open", *, killpoints: KillPoints | None = None) -> bool:
    """Findings with their Chinese explanation; False when the file already held exactly this."""
    rows = []
    for row in queries.findings(store, batch_id, scope):
        known = row["code"] in CATALOGUE
        rows.append(dict(
            row,
            file_outcome=OUTCOME_LABELS[Outcome(row["file_outcome"])],
            severity=SEVERITY_LABELS[Severity(row["severity"])],
            message=message(row["code"], row["params"], "zh") if known else "",
        ))
    return write_atomic(path, csv_bytes(FINDING_HEADERS, rows), killpoints=killpoints)
