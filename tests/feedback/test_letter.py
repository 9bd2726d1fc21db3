"""The 退回通知 of a rejected return: what is wrong, what to do, one printable page."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from openpyxl import load_workbook

from perfeval_xl.feedback import LetterInfo, write_feedback
from perfeval_xl.feedback.letter import LISTED, STEPS
from perfeval_xl.findings import Location, finding
from tests.feedback.conftest import sha256
from tests.support.xlsx_read import worksheet_parts

INFO = LetterInfo(bureau="示例市财政局", year=2024, unit="示例市养老服务指导中心", project_id="P004",
                  project_name="高龄老人长寿津贴及困难老人养老服务补贴", received_at=dt.datetime(2025, 3, 1, 9, 30),
                  contact="预算绩效管理科 0898-12345678", deadline=dt.datetime(2025, 3, 15, 23, 59))


def _lines(path: Path) -> list[str]:
    ws = load_workbook(path).active
    return [str(c.value) for row in ws.iter_rows() for c in row if c.value is not None]


def test_a_file_the_gate_refuses_gets_a_letter(tmp_path: Path) -> None:
    bad = tmp_path / "=cmd|' calc'!A0.xlsx"
    bad.write_bytes(b"not a workbook at all")
    done = write_feedback(bad, [], tmp_path / "out", letter=INFO)
    assert done is not None and done.kind == "letter" and done.findings == 1
    assert done.path.name == f"{bad.stem}_退回通知.xlsx"
    lines = _lines(done.path)
    assert lines[0] == "关于退回《高龄老人长寿津贴及困难老人养老服务补贴》2024年度项目支出绩效自评表的通知"
    assert lines[1] == "示例市养老服务指导中心："
    assert f"文件名“{bad.name}”" in lines[2] and "2025年03月01日" in lines[2] and "P004" in lines[2]
    assert "文件不是 Excel 工作簿（识别为：纯文本）" in lines[3]
    assert any("2025年03月15日 前" in line for line in lines)
    assert lines[-3:] == ["　　联系人及电话：预算绩效管理科 0898-12345678", "示例市财政局（盖章）", "　　　　年　　月　　日"]
    sheet = worksheet_parts(done.path)["退回通知"]
    assert "<f>" not in sheet and 'paperSize="9"' in sheet and 'orientation="portrait"' in sheet
    assert '<pageSetUpPr fitToPage="1"/>' in sheet


def test_tampering_found_by_the_checks_gets_a_letter_not_a_copy(issued: dict[str, Path], tmp_path: Path) -> None:
    original = issued["P004"]
    before = sha256(original)
    changed = finding("SIGNATURE_INVALID", Location(file=str(original), sheet="绩效自评", cell="D7"))
    done = write_feedback(original, [changed], tmp_path / "out")
    assert done is not None and done.kind == "letter" and sha256(original) == before
    lines = _lines(done.path)
    assert lines[1] == "________________：" and lines[-2] == "________________（盖章）"
    assert any(changed.message() in line and "（绩效自评 D7）" in line for line in lines)
    assert [line.strip("　") for line in lines[-len(STEPS) - 2:-2]] == [f"{i}. {s}" for i, s in enumerate(STEPS, 1)]


def test_a_long_list_is_cut_to_stay_on_one_page(tmp_path: Path) -> None:
    bad = tmp_path / "empty.xlsx"
    bad.write_bytes(b"")
    many = [finding("SIGNATURE_INVALID") for _ in range(LISTED + 3)]
    done = write_feedback(bad, many, tmp_path / "out")
    assert done is not None
    lines = _lines(done.path)
    listed = [line for line in lines if re.match(r"　　\d+\. ", line)][:LISTED + 1]
    assert "文件为空" in listed[0] and all("签名校验未通过" in line for line in listed[1:LISTED])
    assert "请按以下要求处理" in lines[lines.index(listed[LISTED - 1]) + 2]
    assert f"　　另有 {len(many) + 1 - LISTED} 项问题未列出，重新报送后一并反馈。" in lines


def test_same_bytes_each_time(tmp_path: Path) -> None:
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(b"PK\x03\x04 broken")
    first = write_feedback(bad, [], tmp_path / "a", letter=INFO)
    again = write_feedback(bad, [], tmp_path / "b", letter=INFO)
    assert first is not None and again is not None and first.path.read_bytes() == again.path.read_bytes()


@pytest.mark.parametrize("kind", ["annotated", "letter"])
def test_outputs_land_only_in_out_dir(kind: str, issued: dict[str, Path], tmp_path: Path) -> None:
    extra = [] if kind == "annotated" else [finding("SIGNATURE_MISSING")]
    reason = finding("REASON_MISSING", Location(sheet="绩效自评", cell="I7"), indicator="x", score="1", weight="2")
    done = write_feedback(issued["P004"], [reason, *extra], tmp_path / "out")
    assert done is not None and done.kind == kind
    assert [p.name for p in (tmp_path / "out").iterdir()] == [done.path.name]
