"""The 退回通知 for a rejected return: one printable A4 page saying what is wrong and what to do.

Why a one-sheet .xlsx: a bureau prints such a notice, signs and stamps it (盖章), and
sends it back with the file; every desk that handles these forms has Excel or WPS,
which print it on one A4 page as laid out here (fit to one page, 宋体), and the
bureau can still add a 文号 or edit a sentence before printing. No new dependency:
the same XlsxWriter as the forms, text always written as text (the file name and
messages may hold whatever the unit typed), and the same bytes for the same input.
A plain .txt would print without layout or a signature block; .docx/.pdf writers
are not installed.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence
from dataclasses import dataclass

import xlsxwriter
from xlsxwriter.worksheet import Worksheet

from perfeval_xl.feedback.textwidth import printed_lines
from perfeval_xl.findings import Finding, Severity
from perfeval_xl.writer.styles import FONT

LISTED = 12  # problems listed by name; more are counted, so the notice stays on one page
_UNITS_PER_LINE = 68  # half-width units a printed line holds at _WIDTH, 12 pt (a Chinese character is 2)
_WIDTH = 72
A4 = 9
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

STEPS = (
    "请使用财政局下发的原工作簿填写（如已随本通知下发新版工作簿，请使用新版），"
    "保存为 .xlsx 格式；不要另存为 .xls、.et、.ods、.xlsb 等格式，不要加密或设置打开密码。",
    "只在浅黄色单元格中填写；不要修改锁定的内容、公式、工作表名称或结构，不要添加宏。",
    "如原工作簿已损坏或遗失，请与财政局联系重新下发，不要自行制作表格。",
    "修改后请按原方式重新报送；重新报送前，本项目视为未报送。",
)


@dataclass(frozen=True)
class LetterInfo:
    """What the notice says about the return; blanks are left for the bureau to write in by hand."""

    bureau: str = ""  # issuing 财政局
    year: int | None = None
    unit: str = ""  # addressee (项目实施单位)
    project_id: str = ""
    project_name: str = ""
    received_at: dt.datetime | None = None
    contact: str = ""  # 联系人及电话
    deadline: dt.datetime | None = None  # 重新报送截止时间


def letter_bytes(file_name: str, findings: Sequence[Finding], info: LetterInfo) -> bytes:
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_numbers": False,
                                            "strings_to_formulas": False, "strings_to_urls": False})
    created = info.received_at or dt.datetime((info.year or 2000) + 1, 1, 1)
    workbook.set_properties({"title": "退回通知", "author": info.bureau, "created": created})
    ws = workbook.add_worksheet("退回通知")
    _Letter(workbook, ws).write(file_name, findings, info)
    workbook.close()
    return buffer.getvalue()


class _Letter:
    def __init__(self, workbook: xlsxwriter.Workbook, ws: Worksheet) -> None:
        self.ws = ws
        self.row = 0
        base = {"font_name": FONT, "font_size": 12, "valign": "top", "text_wrap": True}
        self.formats = {
            "title": workbook.add_format({**base, "font_size": 16, "bold": True, "align": "center"}),
            "text": workbook.add_format(base),
            "quoted": workbook.add_format({**base, "quote_prefix": True}),
            "bold": workbook.add_format({**base, "bold": True}),
            "right": workbook.add_format({**base, "align": "right"}),
        }
        ws.set_column(0, 0, _WIDTH)
        ws.set_paper(A4)
        ws.set_portrait()
        ws.fit_to_pages(1, 1)
        ws.set_margins(left=0.9, right=0.9, top=1.0, bottom=1.0)
        ws.hide_gridlines(2)

    def line(self, text: str, style: str = "text", gap: float = 0) -> None:
        """One paragraph; its row is as tall as its wrapped lines."""
        lines = printed_lines(text, _UNITS_PER_LINE)
        height = (28 if style == "title" else 18) * lines + gap
        fmt = "quoted" if style == "text" and text.startswith(FORMULA_START) else style
        self.ws.set_row(self.row, height)
        self.ws.write_string(self.row, 0, text, self.formats[fmt])
        self.row += 1

    def write(self, file_name: str, findings: Sequence[Finding], info: LetterInfo) -> None:
        year = f"{info.year}年度" if info.year else ""
        project = f"《{info.project_name}》" if info.project_name else ""
        self.line(f"关于退回{project}{year}项目支出绩效自评表的通知", "title", gap=12)
        self.line(f"{info.unit or '________________'}：", gap=6)
        received = f"于 {info.received_at:%Y年%m月%d日} 收到的" if info.received_at else ""
        code = f"（项目编号 {info.project_id}）" if info.project_id else ""
        self.line(f"　　你单位报送{received}项目支出绩效自评表{code}，文件名“{file_name}”，"
                  "未通过财政局的接收检查，未纳入汇总，现予退回。存在的问题如下：", gap=6)
        rejects = [f for f in findings if f.severity is Severity.REJECT]
        for i, f in enumerate(rejects[:LISTED], start=1):
            self.line(f"　　{i}. {f.message('zh')}{_where(f)}")
        unlisted = max(len(rejects) - LISTED, 0) + sum(f.severity is not Severity.REJECT for f in findings)
        if unlisted:
            self.line(f"　　另有 {unlisted} 项问题未列出，重新报送后一并反馈。")
        self.line("　　请按以下要求处理：", "bold", gap=8)
        steps = list(STEPS)
        if info.deadline:
            steps[-1] = f"修改后请于 {info.deadline:%Y年%m月%d日} 前按原方式重新报送；重新报送前，本项目视为未报送。"
        for i, step in enumerate(steps, start=1):
            self.line(f"　　{i}. {step}")
        if info.contact:
            self.line(f"　　联系人及电话：{info.contact}", gap=6)
        self.line(f"{info.bureau or '________________'}（盖章）", "right", gap=40)
        self.line("　　　　年　　月　　日", "right")


def _where(f: Finding) -> str:
    """"（绩效自评 D7）" after a problem that has a place on the form."""
    if not f.location.sheet:
        return ""
    return f"（{f.location.sheet} {f.location.cell}）" if f.location.cell else f"（{f.location.sheet}）"
