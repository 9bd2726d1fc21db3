"""The columns of the Excel inputs workbook (what units report), once.

Same shape as manifest.fields: the inputs reader and writer take every sheet and
column from here. Columns listed in REFERENCE_FIELDS are written from the manifest
for orientation and ignored on reading.
"""

from __future__ import annotations

from perfeval_xl.engine.stated import FIGURE_LABELS
from perfeval_xl.manifest.fields import FieldSpec, TableSpec

PROJECT_ID = FieldSpec("project_id", "项目编号", required=True, aliases=("项目代码",))

INDICATOR_INPUTS = TableSpec(
    key="indicators",
    sheet="指标填报",
    help="每行一个指标的填报结果。",
    fields=(
        PROJECT_ID,
        FieldSpec("indicator_id", "指标编号", required=True, aliases=("指标代码", "指标id")),
        FieldSpec("indicator_name", "指标名称"),
        FieldSpec("target_text", "年度指标值", aliases=("预期指标值",)),
        FieldSpec("weight", "分值", "decimal"),
        FieldSpec("actual", "实际完成值", "entry", aliases=("实际值", "本年实际完成值", "当年实际完成值", "全年实际值"),
                  help="百分比可填“98%”或0.98", example="0.98"),
        FieldSpec("tier", "完成档次", aliases=("档次",), help="定性指标的完成档次", example="达成年度指标"),
        FieldSpec("score", "得分", "entry", aliases=("评分", "自评得分"), help="定性或直接打分指标的得分"),
        FieldSpec("reason", "偏差原因分析及改进措施", aliases=("偏差原因", "偏差原因分析", "原因分析及改进措施")),
        FieldSpec("not_applicable", "是否不适用", "bool", aliases=("不适用",), help="填“是”表示本指标不适用"),
    ),
)

FUND_INPUTS = TableSpec(
    key="funds",
    sheet="资金填报",
    help="每个项目每个资金来源一行，金额单位：万元；资金来源写“合计”的行是填报的合计数，用于核对。",
    fields=(
        PROJECT_ID,
        FieldSpec("source", "资金来源", required=True, aliases=("来源",), example="本级财政"),
        FieldSpec("annual_budget", "全年预算数", "decimal"),
        FieldSpec("received", "实际到位资金", "entry", aliases=("到位资金", "实际到位数", "本年到位资金", "当年到位资金")),
        FieldSpec("executed", "全年执行数", "entry",
                  aliases=("执行数", "实际执行数", "本年执行数", "当年执行数", "实际支出数")),
    ),
)

EVALUATOR_INPUTS = TableSpec(
    key="evaluators",
    sheet="评价人员",
    optional=True,
    help="每行一位评价人员。",
    fields=(
        PROJECT_ID,
        FieldSpec("name", "姓名", required=True),
        FieldSpec("title", "职务/职称", aliases=("职务", "职称")),
        FieldSpec("unit", "单位", aliases=("工作单位", "所在单位")),
        FieldSpec("score", "项目评分", "entry", aliases=("评分", "打分")),
    ),
)

STATED_INPUTS = TableSpec(
    key="stated",
    sheet="填报数字",
    optional=True,
    help="报告或旧表中以文字写出的数字，将按其精度与计算值核对。",
    fields=(
        PROJECT_ID,
        FieldSpec("figure", "类别", "choice", True, choices=tuple(FIGURE_LABELS.values()), aliases=("数字类别",)),
        FieldSpec("indicator_id", "指标编号", help="类别为指标得分、完成率或实际完成值时填写"),
        FieldSpec("group", "分类", aliases=("指标分类",), help="类别为分类得分或得分率时填写一级/二级指标名称"),
        FieldSpec("text", "填报内容", required=True, aliases=("原文", "填报值"), example="完成占59.1%"),
        FieldSpec("source", "出处", aliases=("来源",), example="评价报告第4页"),
    ),
)

COMPLETION_INPUTS = TableSpec(
    key="completion",
    sheet="目标完成情况",
    optional=True,
    help="绩效目标完成清单：按清单序号填写完成情况。",
    fields=(
        PROJECT_ID,
        FieldSpec("position", "序号", "int", True),
        FieldSpec("target", "绩效目标设定情况"),
        FieldSpec("status", "完成情况", aliases=("绩效目标完成情况",)),
        FieldSpec("note", "备注"),
    ),
)

OVERALL_INPUTS = TableSpec(
    key="overall",
    sheet="总体目标",
    optional=True,
    help="年度总体目标的实际完成情况，每个项目一行。",
    fields=(
        PROJECT_ID,
        FieldSpec("goal", "年度总体目标", aliases=("预期目标",)),
        FieldSpec("actual", "实际完成情况", aliases=("总体目标完成情况", "年度总体目标完成情况")),
    ),
)

INPUT_TABLES = (INDICATOR_INPUTS, FUND_INPUTS, EVALUATOR_INPUTS, STATED_INPUTS, COMPLETION_INPUTS, OVERALL_INPUTS)
REFERENCE_FIELDS = frozenset({"indicator_name", "target_text", "weight", "annual_budget", "target", "goal"})
TOTAL_SOURCES = ("合计", "小计", "年度资金总额")  # a 资金来源 that states the total of the sources
FIGURE_KEYS = {**{label: key for key, label in FIGURE_LABELS.items()}, **{key: key for key in FIGURE_LABELS}}
