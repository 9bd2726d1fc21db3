"""The 说明 sheet of the manifest template: how to fill each sheet, in Chinese.

The per-sheet column tables are generated from manifest.fields; the frameworks and
scoring profiles are listed from the library; only the domain guidance is prose.
"""

from __future__ import annotations

from collections.abc import Sequence

from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Font
from openpyxl.utils.cell import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from perfeval_xl.manifest.excel_layout import (
    HEADER_FILL,
    HEADER_FONT,
    REQUIRED_MARK,
    TYPE_NAMES,
    Choices,
    display_width,
    field_choices,
    fit_to_page_width,
)
from perfeval_xl.manifest.fields import KIND_CHOICES, TableSpec
from perfeval_xl.manifest.library import framework_names, load_framework, load_profile, profile_names

SHEET_NAME = "说明"
COLUMN_HEADERS = ("列名", "必填", "类型", "说明与可选值", "示例", "表头也可写作")
COLUMN_WIDTHS = (22, 6, 16, 60, 24, 36)
LINE_WIDTH = sum(COLUMN_WIDTHS) - 10  # display columns of a merged prose line, with a margin

GENERAL = (
    "本工作簿是财政部门下发项目支出绩效自评表的“项目清单”，每个工作表一类信息，用“项目编号”互相关联。",
    "每个工作表第1行为标题，第2行为表头，第3行起每行一条记录；空行会被跳过。",
    f"表头带“{REQUIRED_MARK}”（红色）的列必须填写；列的顺序可以调整，表头也可使用下表列出的其他写法；无法识别的列会被忽略并提示。",
    "金额单位为万元；百分比可直接输入“95%”。不要合并单元格，不要在数据区插入小计行。",
    "填好后运行“perfeval validate-manifest 本文件”检查，所有问题会按“工作表 第N行 列X”一次列出。",
)

KIND_HELP = {
    "正向": "越多越好：实际值≥目标值得满分，否则按 实际值÷目标值×分值 计分。目标写作“≥95%”“≥50个”“24次”。",
    "反向": "越少越好：实际值≤目标值得满分，否则按 目标值÷实际值×分值 计分（评分规则可改为线性扣分）。目标写作“≤90万元”“＜2%”。",
    "等于": "目标为确定值：目标写作“=0次”；目标为0时实际值为0得满分，否则不得分。",
    "定性": "无数值的目标（如“效果明显”“持续”）：单位选择完成档次并在档次范围内打分。",
    "分档": "按“优/良/中/差”各列的标准判断档次，默认依次得分值的100%、80%、60%、0。",
    "扣分": "按“扣分规则”列计算：如“每少1次扣1分，扣完为止”“每降低1个百分点扣0.5分”，按比例扣分，不低于0。",
    "直接打分": "评价人员直接在0至分值之间打分（如决策、管理类指标）。",
    "预算执行率": "由资金表计算：min(全年执行数÷全年预算数, 1)×分值，默认10分。",
}

TARGET_RULES = (
    "年度指标值写法：运算符 + 数值 + 计量单位，例如“≥95%”“≥50个”“≤90万元”“=0次”“24次”“16~23次”“2000条以上”“10次以下”“3（含）-4次”“1天内”。",
    "只写数值（如“24次”）视为“不少于”；“以上、以下、以内”包含本数，“超过、不满、低于”不包含本数；“a~b”“a-b”包含两端。",
    "全角、半角运算符均可（≥ >= ＞＝，≤ <= ＜＝，＞ ＜ ＝）；“%”与“百分比”视为同一单位，95% 按 0.95 计。",
    "“*”“—”“/”或空白视为未填写，会被报告为错误。一个单元格只能写一个目标，如“达标率≥98%，事故率＜2%”必须拆成两个指标。",
    "成本指标的目标通常应为“≤”；百分比目标一般不应超过100%。",
    "“效果明显”“持续”等无数值的目标按定性指标计分。",
)

BAND_RULES = (
    "分档指标在“优”“良”“中”“差”四列分别填写各档标准，例如：优“24次”，良“16~23次”，中“10~15次”，差“10次以下”。",
    "各档不能重叠（如“10~15次”与“10次以下”在10处重叠），也不能留空档（如“≥95%”与“80%~90%”之间缺少90%~95%）；检查时会提示。",
    "计分时从“优”到“差”依次判断，第一个符合的档次计分。",
)

DEDUCTION_RULES = (
    "扣分规则写作“每少1次扣1分，扣完为止”“每降低1个百分点扣0.5分”“每超过1天扣2分”。",
    "扣分按差额比例计算（不取整），最低为0分；年度指标值仍需写明目标数值。",
)


def write_instructions(ws: Worksheet, tables: Sequence[TableSpec], choices: Choices) -> None:
    writer = _Writer(ws)
    writer.heading("项目支出绩效自评 · 项目清单填写说明", size=14)
    writer.section("一、总体说明", GENERAL)
    writer.heading("二、各工作表的列")
    for table in tables:
        layout = "（信息项写在A列、内容写在B列）" if table.key_value else ""
        need = "可选工作表" if table.optional else "必需工作表"
        writer.heading(f"“{table.sheet}”（{need}）{layout}：{table.help}", size=11)
        writer.row(COLUMN_HEADERS, header=True)
        for spec in table.fields:
            allowed = field_choices(spec, choices)
            detail = "；".join(part for part in (spec.help, "可选值：" + "、".join(allowed) if allowed else "") if part)
            writer.row((spec.header, "是" if spec.required else "", TYPE_NAMES[spec.type], detail, spec.example,
                        "、".join(spec.aliases)))
    writer.section("三、计分方式（“指标”表的“计分方式”列，留空则按年度指标值自动判断）",
                   [f"{kind}：{KIND_HELP[kind]}" for kind in KIND_CHOICES])
    writer.section("四、指标框架（“项目”表的“指标框架”列，留空为 national）", _framework_lines())
    writer.section("五、年度指标值", TARGET_RULES)
    writer.section("六、分档标准（优/良/中/差）", BAND_RULES)
    writer.section("七、扣分规则", DEDUCTION_RULES)
    writer.section("八、评分规则（“批次信息”表的“评分规则”）", _profile_lines())
    for col, width in enumerate(COLUMN_WIDTHS, start=1):
        ws.column_dimensions[get_column_letter(col)].width = width
    fit_to_page_width(ws)


def _framework_lines() -> list[str]:
    lines = []
    for name in framework_names():
        framework = load_framework(name)
        lines.append(f"{framework.id}：{framework.name}。{framework.description}")
    return lines


def _profile_lines() -> list[str]:
    return [f"{name}：{load_profile(name).description}" for name in profile_names()]


class _Writer:
    """Appends rows top to bottom; long text spans the sheet's width."""

    def __init__(self, ws: Worksheet) -> None:
        self.ws = ws
        self.next_row = 1

    def heading(self, text: str, size: int = 12) -> None:
        self.next_row += 1 if self.next_row > 1 else 0
        self._line(text).font = Font(bold=True, size=size)

    def section(self, title: str, lines: Sequence[str]) -> None:
        self.heading(title)
        for line in lines:
            self._line(line)

    def row(self, values: Sequence[str], header: bool = False) -> None:
        for col, value in enumerate(values, start=1):
            cell = self.ws.cell(self.next_row, col, value or None)
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            if header:
                cell.font, cell.fill = HEADER_FONT, HEADER_FILL
        self.next_row += 1

    def _line(self, text: str) -> Cell:
        cell = self.ws.cell(self.next_row, 1, text)
        self.ws.merge_cells(start_row=self.next_row, start_column=1, end_row=self.next_row,
                            end_column=len(COLUMN_HEADERS))
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        self.ws.row_dimensions[self.next_row].height = 15 * (1 + display_width(text) // LINE_WIDTH)
        self.next_row += 1
        return cell
