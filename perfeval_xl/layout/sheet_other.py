"""The sheets around the scoring form: 填表说明, 基本信息, 绩效目标, 年度总体目标,
目标完成清单, 评价人员 and the veryHidden _meta."""

from __future__ import annotations

from copy import copy
from dataclasses import replace
from functools import lru_cache

from perfeval_xl.engine.excel import FormulaBuilder
from perfeval_xl.layout import a1
from perfeval_xl.layout.builder import SCORE_FORMAT, SheetBuilder
from perfeval_xl.layout.context import (
    SHEET_BUDGET,
    SHEET_COMPLETION,
    SHEET_EVALUATORS,
    SHEET_GOAL,
    SHEET_INFO,
    SHEET_INSTRUCTIONS,
    SHEET_TARGETS,
    FormContext,
)
from perfeval_xl.layout.definition import PREFIX, IssuedDefinition, encode
from perfeval_xl.layout.contract import FORM_VERSION, META_SHEET, InputType, PrintSetup, SheetSpec, Validation
from perfeval_xl.layout.sheet_scoring import ScoringRefs, signature_block
from perfeval_xl.model import IndicatorKind

TEXT = Validation(InputType.TEXT, max_length=2000, prompt="请填写文字说明")
EVALUATOR_TEXT = Validation(InputType.TEXT, max_length=100)
EVALUATOR_SCORE = Validation(InputType.EVALUATOR_SCORE, prompt="0～100 分")
EVALUATOR_ROWS = 8  # fixed, so the returned workbook's layout never depends on its inputs


def instructions_sheet(ctx: FormContext, refs: ScoringRefs) -> SheetSpec:
    spec = SheetSpec(SHEET_INSTRUCTIONS, print=PrintSetup())
    sb = SheetBuilder(spec)
    sb.widths(4, 92)
    batch = ctx.batch
    deadline = batch.deadline.strftime("%Y年%m月%d日 %H:%M") if batch.deadline else "见通知"
    contact = "，".join(x for x in (batch.contact.name, batch.contact.phone, batch.contact.email) if x) or "见通知"
    lines = [
        ("title", f"{ctx.title}项目支出绩效自评填表说明"),
        ("label", f"项目：{ctx.project.name}（{ctx.project.id}）　实施单位：{ctx.project.unit}"),
        ("label", f"报送截止时间：{deadline}　　报送至：{batch.bureau}"),
        ("label", f"联系方式：{contact}"),
        ("label", ""),
        ("header", "一、如何填写"),
        ("label", "1. 只需填写浅黄色单元格，其余内容已按预算批复锁定，不能修改。"),
        ("label", f"2. 依次填写“{SHEET_INFO}”“{SHEET_BUDGET}”“{ctx.scoring_sheet}”“{SHEET_GOAL}”“{SHEET_COMPLETION}”“{SHEET_EVALUATORS}”各页。"),
        ("label", "3. 实际完成值只填数字，不带单位；百分比指标可直接输入“98%”。金额单位为万元。"),
        ("label", "4. 定性指标先选择完成档次，再在档次范围内打分；直接打分的指标分数不能超过分值。"),
        ("label", "5. 得分低于分值、或完成值超过目标较多时，必须填写“偏差原因分析及改进措施”。"),
        ("label", "6. 完成率、得分、总分和等级自动计算；有未填写项时总分和等级不显示。"),
        ("label", f"7. 请勿改动工作表名称、增删行列或复制粘贴覆盖公式；报送时保持文件格式（{ctx.flavour.suffix}）不变。"),
        ("label", ""),
        ("header", "二、颜色说明"),
    ]
    row = 1
    for style, text in lines:
        sb.label(row, 1, text, style, span=2)
        row += 1
    legend = [("input", "需要填写的单元格"), ("formula", "自动计算，不能修改"), ("cf_error", "红色：必须修正（如缺少偏差原因、分数超出范围）"),
              ("cf_warn", "橙色：请核实（如未达到目标、超额完成未说明）")]
    for style, text in legend:
        sb.label(row, 1, "", style)
        sb.label(row, 2, text, "label")
        row += 1
    row += 1
    sb.label(row, 1, "三、填写进度", "header", span=2)
    sb.label(row + 1, 1, "未填写项数：", "label")
    sb.formula(row + 1, 2, f"={a1.qualified(ctx.scoring_sheet, refs.unfilled)}", "status:unfilled", "formula_unfilled")
    engine = ctx.flavour.engine_status()
    if engine:
        sb.formula(row + 2, 1, engine, style="label", span=2)
    if batch.instructions:
        sb.label(row + 3, 1, "四、补充说明", "header", span=2)
        sb.label(row + 4, 1, batch.instructions, "label_wrap", span=2)
        spec.heights[row + 4] = 60
    return spec


def info_sheet(ctx: FormContext) -> SheetSpec:
    spec = SheetSpec(SHEET_INFO, print=PrintSetup())
    sb = SheetBuilder(spec)
    sb.widths(18, 40, 18, 24)
    p = ctx.project
    sb.label(1, 1, f"{ctx.title}项目基本信息", "title", span=4)
    fixed = [
        ("项目编号", p.id), ("项目名称", p.name), ("项目实施单位", p.unit), ("主管部门", p.department),
        ("项目类型", p.project_type), ("评价方式", p.mode), ("评价年度", str(ctx.batch.year)),
        ("指标框架", ctx.framework.name),
    ]
    row = 3
    for label, value in fixed:
        sb.label(row, 1, label, "row_label")
        sb.data(row, 2, value, "data", span=3)
        row += 1
    editable = [("项目负责人", "contact_person", p.contact_person), ("联系电话", "contact_phone", p.contact_phone),
                ("地址", "address", p.address), ("邮编", "postcode", p.postcode)]
    for label, field, value in editable:
        sb.label(row, 1, label, "row_label")
        sb.input(row, 2, f"info:{field}", Validation(InputType.TEXT, max_length=200, prompt=f"请核实或填写{label}"),
                 value=value, style="input_text", span=3)
        row += 1
    return spec


def targets_sheet(ctx: FormContext) -> SheetSpec:
    """Targets as approved, with 优/良/中/差 ladders where given."""
    spec = SheetSpec(SHEET_TARGETS, print=PrintSetup(landscape=True, repeat_rows=(3, 3)))
    sb = SheetBuilder(spec)
    sb.widths(14, 30, 26, 10, 14, 14, 14, 14)
    sb.label(1, 1, f"{ctx.title}项目绩效目标表（{ctx.project.name}）", "title", span=8)
    for col, header in enumerate(("指标类型", "指标名称", "绩效目标", "分值", "优", "良", "中", "差"), start=1):
        sb.label(3, col, header, "header")
    row = 4
    rows: list[tuple[str, str, str, object, dict[str, str]]] = []
    for ind in ctx.resolved:
        if ind.kind in (IndicatorKind.BUDGET, IndicatorKind.DIRECT) and not ind.target.raw:
            continue
        dimension = ind.indicator.path[0] if ind.indicator.path else ind.indicator.name
        rows.append((dimension, ind.indicator.label, ind.target.raw, ind.weight,
                     {b.label: b.text for b in ind.indicator.bands}))
    for target in ctx.project.targets:
        rows.append((target.dimension, target.name, target.target_text, None, {b.label: b.text for b in target.bands}))
    for dimension, name, text, weight, bands in rows:
        sb.data(row, 1, dimension, "data")
        sb.data(row, 2, name, "data_wrap")
        sb.data(row, 3, text, "data_wrap")
        sb.data(row, 4, weight, "data_num", number_format=SCORE_FORMAT)
        for col, label in enumerate(("优", "良", "中", "差"), start=5):
            sb.data(row, col, bands.get(label), "data_wrap")
        w = sb.spec.widths
        sb.fit_rows(row, [(name, w[2]), (text, w[3])] + [(bands.get(b), w[5 + i]) for i, b in enumerate("优良中差")])
        row += 1
    sb.label(row + 1, 1, "注：以预算批复的绩效目标为准填列。", "note", span=8)
    return spec


def goal_sheet(ctx: FormContext) -> SheetSpec:
    spec = SheetSpec(SHEET_GOAL, print=PrintSetup())
    sb = SheetBuilder(spec)
    sb.widths(45, 45)
    sb.label(1, 1, f"{ctx.title}年度总体目标完成情况", "title", span=2)
    sb.label(3, 1, "预期目标", "header")
    sb.label(3, 2, "实际完成情况", "header")
    sb.data(4, 1, ctx.project.overall_goal, "data_wrap")
    sb.input(4, 2, "goal:actual", TEXT, style="input_text")
    spec.heights[4] = 150
    return spec


def completion_sheet(ctx: FormContext) -> SheetSpec:
    spec = SheetSpec(SHEET_COMPLETION, print=PrintSetup(repeat_rows=(3, 3)))
    sb = SheetBuilder(spec)
    sb.widths(8, 40, 40, 20)
    sb.label(1, 1, f"{ctx.project.name}项目绩效目标完成清单", "title", span=4)
    for col, header in enumerate(("序号", "绩效目标设定情况", "绩效目标完成情况", "备注"), start=1):
        sb.label(3, col, header, "header")
    row = 4
    position = 0
    for section, title in (("overall", "（一）"), ("annual", "（二）")):
        items = [item for item in ctx.project.completion_items if item.section == section]
        heading = "总体目标" if section == "overall" else "年度绩效目标"
        sb.label(row, 1, title, "group_1")
        sb.label(row, 2, heading, "group_1", span=3)
        row += 1
        for n, item in enumerate(items, start=1):
            sb.data(row, 1, n, "data_center")
            sb.data(row, 2, item.text, "data_wrap")
            sb.input(row, 3, f"completion:{position}:status", TEXT, style="input_text")
            sb.input(row, 4, f"completion:{position}:note", TEXT, style="input_text")
            spec.heights[row] = 45
            position += 1
            row += 1
    return spec


def evaluators_sheet(ctx: FormContext, refs: ScoringRefs) -> SheetSpec:
    # The same for every project of a batch but for the total's address: built once per process and
    # address (the intake rebuilds a layout per returned file). Cells are never changed once built;
    # each layout gets its own SheetSpec, lists, dicts and print setup.
    template = _evaluators_template(ctx.title, a1.qualified(ctx.scoring_sheet, refs.total))
    return replace(template, cells=list(template.cells), widths=dict(template.widths),
                   heights=dict(template.heights), conditional=list(template.conditional),
                   print=copy(template.print))


@lru_cache(maxsize=64)
def _evaluators_template(title: str, total: str) -> SheetSpec:
    spec = SheetSpec(SHEET_EVALUATORS, print=PrintSetup())
    sb = SheetBuilder(spec)
    sb.widths(6, 12, 16, 30, 12, 14)
    f = FormulaBuilder
    sb.label(1, 1, f"{title}评价人员", "title", span=6)
    for col, header in enumerate(("序号", "姓名", "职务/职称", "单位", "项目评分", "签字"), start=1):
        sb.label(3, col, header, "header")
    rows = EVALUATOR_ROWS
    first = 4
    for i in range(rows):
        row = first + i
        sb.data(row, 1, i + 1, "data_center")
        for col, field in ((2, "name"), (3, "title"), (4, "unit")):
            sb.input(row, col, f"evaluator:{i}:{field}", EVALUATOR_TEXT, style="input_text")
        sb.input(row, 5, f"evaluator:{i}:score", EVALUATOR_SCORE, number_format=SCORE_FORMAT)
        sb.data(row, 6, None, "data")
        spec.heights[row] = 28
    last = first + rows - 1
    scores = a1.rng(a1.ref(first, 5), a1.ref(last, 5))
    row = last + 1
    sb.label(row, 1, "评分人数", "row_label", span=4)
    count_cell = a1.ref(row, 5)
    sb.formula(row, 5, f.evaluator_count(scores), "evaluators:count", "formula")
    sb.label(row + 1, 1, "平均分", "row_label", span=4)
    sb.formula(row + 1, 5, f.evaluator_mean(scores, count_cell), "evaluators:mean", "formula", SCORE_FORMAT)
    sb.label(row + 2, 1, "极差（最高分－最低分）", "row_label", span=4)
    score_cells = [a1.ref(first + i, 5) for i in range(rows)]
    sb.formula(row + 2, 5, f.evaluator_spread(score_cells, count_cell), "evaluators:spread", "formula", SCORE_FORMAT)
    sb.label(row + 3, 1, "自评总分（绩效自评表）", "row_label", span=4)
    sb.formula(row + 3, 5, f"={total}", "evaluators:total", "formula", SCORE_FORMAT)
    signature_block(sb, row + 6, 6)
    return spec


def meta_sheet(ctx: FormContext, entries: list[tuple[str, str]]) -> SheetSpec:
    """veryHidden key/value facts the collector reads first (mirrored in document properties)."""
    spec = SheetSpec(META_SHEET, very_hidden=True)
    sb = SheetBuilder(spec)
    sb.widths(22, 60)
    for row, (key, value) in enumerate(entries, start=1):
        sb.data(row, 1, key, "data")
        sb.data(row, 2, value, "data", key=f"meta:{key}")
    return spec


def meta_entries(ctx: FormContext, issued_version: int = 1,
                 encoded: list[str] | None = None) -> list[tuple[str, str]]:
    """The _meta facts; `encoded`: the definition's chunks when the caller already holds them as issued."""
    b, p = ctx.batch, ctx.project
    definition = encoded if encoded is not None else encode(
        IssuedDefinition(batch=b, profile=ctx.profile, framework=ctx.framework, project=p))
    return [
        ("form_version", FORM_VERSION),
        ("batch_id", b.batch_id),
        ("year", str(b.year)),
        ("project_id", p.id),
        ("unit", p.unit),
        ("department", p.department),
        ("framework", ctx.framework.id),
        ("profile", ctx.profile.name),
        ("template_version", FORM_VERSION),
        ("issued_version", str(issued_version)),
        ("key_id", b.key_id or ""),
        *((f"{PREFIX}{i}", chunk) for i, chunk in enumerate(definition, start=1)),
    ]
