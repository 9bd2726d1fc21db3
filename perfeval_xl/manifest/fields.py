"""The manifest's fields, once: canonical key, Chinese header, accepted aliases, type.

YAML/JSON manifests use the canonical keys; the Excel manifest uses the Chinese
headers (any alias accepted on reading). The template writer, the readers and the
validator all take their columns from here.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class FieldSpec:
    key: str
    header: str  # the Chinese header written in templates and used in messages
    type: str = "text"  # text | decimal | int | date | datetime | bool | choice | entry (number or text, as typed)
    required: bool = False
    aliases: tuple[str, ...] = ()
    choices: tuple[str, ...] = ()
    help: str = ""  # the instruction shown in the template
    example: str = ""

    def names(self) -> tuple[str, ...]:
        return (self.header, *self.aliases)


@dataclass(frozen=True)
class TableSpec:
    key: str  # canonical table key (YAML) and logical name
    sheet: str  # the Excel sheet name
    fields: tuple[FieldSpec, ...]
    help: str = ""
    key_value: bool = False  # a two-column 项目/内容 sheet rather than one row per record
    optional: bool = False  # a workbook may leave the sheet out
    sheet_aliases: tuple[str, ...] = field(default=())

    def field(self, key: str) -> FieldSpec:
        for spec in self.fields:
            if spec.key == key:
                return spec
        raise KeyError(key)

    def header_map(self) -> dict[str, FieldSpec]:
        """Every accepted header (normalised) → its field."""
        out: dict[str, FieldSpec] = {}
        for spec in self.fields:
            for name in spec.names():
                out[normalise_header(name)] = spec
            out[normalise_header(spec.key)] = spec
        return out


def normalise_header(text: str) -> str:
    """Headers compare without spaces, line breaks, full-width brackets, a trailing unit
    or a trailing column marker such as "（A）" (年度指标值（A）, 实际完成值（B）)."""
    import re
    import unicodedata

    norm = "".join(unicodedata.normalize("NFKC", str(text)).split())
    for unit in ("(万元)", "(元)", "(分)", "(%)"):
        norm = norm.replace(unit, "")
    norm = re.sub(r"\([A-Za-z]\)$", "", norm)
    return norm.replace("*", "").lower()


PROJECT_TYPES = ("经常性", "一次性")
MODES = ("单位自评", "部门评价", "财政评价")
KIND_CHOICES = ("正向", "反向", "等于", "定性", "分档", "扣分", "直接打分", "预算执行率")
SECTIONS = ("总体目标", "年度绩效目标")

BATCH = TableSpec(
    key="batch",
    sheet="批次信息",
    key_value=True,
    help="本批次的基本信息，每行一项。",
    fields=(
        FieldSpec("year", "评价年度", "int", True, ("年度", "预算年度"), help="被评价的预算年度", example="2024"),
        FieldSpec("batch_id", "批次编号", required=True, aliases=("批次",), help="本批次的唯一编号", example="2024-ZP-01"),
        FieldSpec("bureau", "组织单位", required=True, aliases=("财政部门", "评价组织单位", "发文单位"),
                  help="发放和回收表格的财政部门", example="某市财政局"),
        FieldSpec("contact_name", "联系人", aliases=("联系人姓名",), example="张三"),
        FieldSpec("contact_phone", "联系电话", aliases=("电话",), example="0898-12345678"),
        FieldSpec("contact_email", "电子邮箱", aliases=("邮箱", "email")),
        FieldSpec("deadline", "报送截止时间", "datetime", aliases=("截止时间", "截止日期"), example="2025-03-31"),
        FieldSpec("profile", "评分规则", aliases=("评分口径", "计分规则"),
                  help="评分规则名称：default、provincial、no_grading_na 或 YAML 文件路径", example="default"),
        FieldSpec("protection_password", "保护密码", aliases=("工作表保护密码",), help="工作表保护密码（防误改）"),
        FieldSpec("key_id", "签名密钥编号", aliases=("密钥编号",)),
        FieldSpec("instructions", "填表说明", aliases=("说明",), help="写入每份工作簿“填表说明”页的补充说明"),
    ),
)

PROJECTS = TableSpec(
    key="projects",
    sheet="项目",
    sheet_aliases=("项目清单", "项目信息"),
    help="每行一个项目。",
    fields=(
        FieldSpec("id", "项目编号", required=True, aliases=("项目代码", "项目id"), example="P001"),
        FieldSpec("name", "项目名称", required=True, example="信息系统运行维护"),
        FieldSpec("unit", "项目实施单位", required=True, aliases=("实施单位", "预算单位", "单位名称"), example="某市信息中心"),
        FieldSpec("department", "主管部门", required=True, aliases=("主管部门名称",), example="某市发展和改革委员会"),
        FieldSpec("contact_person", "项目负责人", aliases=("负责人",)),
        FieldSpec("contact_phone", "联系电话", aliases=("电话",)),
        FieldSpec("address", "地址", aliases=("通讯地址",)),
        FieldSpec("postcode", "邮编", aliases=("邮政编码",)),
        FieldSpec("project_type", "项目类型", "choice", choices=PROJECT_TYPES, example="经常性"),
        FieldSpec("mode", "评价方式", "choice", choices=MODES, aliases=("评价类型",), example="单位自评"),
        FieldSpec("framework", "指标框架", aliases=("评价框架", "指标体系"),
                  help="national（全国自评表）、decision_management_performance（决策/管理/绩效）、reference_abcd（参考框架A–D）",
                  example="national"),
        FieldSpec("overall_goal", "年度总体目标", aliases=("总体目标", "预期目标")),
    ),
)

FUNDS = TableSpec(
    key="funds",
    sheet="资金",
    sheet_aliases=("资金来源", "预算资金"),
    help="每个项目每个资金来源一行，金额单位：万元。",
    fields=(
        FieldSpec("project_id", "项目编号", required=True, aliases=("项目代码",)),
        FieldSpec("source", "资金来源", required=True, aliases=("来源",), example="省财政"),
        FieldSpec("initial_budget", "年初预算数", "decimal", aliases=("年初预算", "年初预算数(万元)", "本年年初预算数")),
        FieldSpec("annual_budget", "全年预算数", "decimal", aliases=("调整后预算数", "全年预算", "计划投资额", "本年预算数", "当年预算数")),
    ),
)

INDICATORS = TableSpec(
    key="indicators",
    sheet="指标",
    sheet_aliases=("绩效指标", "指标清单"),
    help="每行一个末级指标；末级名称写在最后一个非空的层级列。",
    fields=(
        FieldSpec("project_id", "项目编号", required=True, aliases=("项目代码",)),
        FieldSpec("id", "指标编号", aliases=("指标id", "指标代码")),
        FieldSpec("level1", "一级指标", required=True),
        FieldSpec("level2", "二级指标"),
        FieldSpec("level3", "三级指标", aliases=("指标名称",)),
        FieldSpec("level4", "四级指标"),
        FieldSpec("code", "指标编码", aliases=("编码",)),
        FieldSpec("weight", "分值", "decimal", True, aliases=("权重", "指标分值")),
        FieldSpec("kind", "计分方式", "choice", choices=KIND_CHOICES, aliases=("指标性质", "评分方式"),
                  help="留空则按年度指标值自动判断"),
        FieldSpec("target_text", "年度指标值", aliases=("预期指标值", "指标值", "目标值", "绩效目标", "本年指标值", "当年指标值", "本年度指标值", "当年度指标值")),
        FieldSpec("target_value", "目标数值", "decimal", help="可选：年度指标值无法自动识别时填写数值"),
        FieldSpec("unit", "计量单位", aliases=("度量单位", "单位")),
        FieldSpec("band_excellent", "优", aliases=("优档",)),
        FieldSpec("band_good", "良", aliases=("良档",)),
        FieldSpec("band_fair", "中", aliases=("中档",)),
        FieldSpec("band_poor", "差", aliases=("差档",)),
        FieldSpec("deduction_rule", "扣分规则", aliases=("扣分标准",)),
        FieldSpec("reverse_variant", "反向计分方式", "choice", choices=("ratio", "linear")),
        FieldSpec("level1_weight", "一级分值", "decimal"),
        FieldSpec("level2_weight", "二级分值", "decimal"),
        FieldSpec("level3_weight", "三级分值", "decimal"),
    ),
)

COMPLETION = TableSpec(
    key="completion",
    sheet="目标完成清单",
    sheet_aliases=("绩效目标完成清单",),
    optional=True,
    help="绩效目标完成清单的“绩效目标设定情况”，分总体目标和年度绩效目标两部分。",
    fields=(
        FieldSpec("project_id", "项目编号", required=True, aliases=("项目代码",)),
        FieldSpec("section", "类别", "choice", True, choices=SECTIONS, aliases=("部分",)),
        FieldSpec("text", "绩效目标设定情况", required=True, aliases=("目标内容",)),
    ),
)

TARGETS = TableSpec(
    key="targets",
    sheet="绩效目标",
    sheet_aliases=("绩效目标表",),
    optional=True,
    help="仅用于直接打分的指标框架：作为评分参考展示的绩效目标及优/良/中/差标准。",
    fields=(
        FieldSpec("project_id", "项目编号", required=True, aliases=("项目代码",)),
        FieldSpec("dimension", "指标类型", required=True, aliases=("指标类别",)),
        FieldSpec("name", "指标名称", required=True),
        FieldSpec("target_text", "绩效目标", aliases=("目标值", "年度指标值")),
        FieldSpec("band_excellent", "优"),
        FieldSpec("band_good", "良"),
        FieldSpec("band_fair", "中"),
        FieldSpec("band_poor", "差"),
    ),
)

TABLES = (BATCH, PROJECTS, FUNDS, INDICATORS, COMPLETION, TARGETS)
BAND_FIELDS = {"band_excellent": "优", "band_good": "良", "band_fair": "中", "band_poor": "差"}
KIND_ALIASES = {
    "正向": "positive", "反向": "reverse", "等于": "equal", "定性": "qualitative", "分档": "banded",
    "扣分": "deduction", "直接打分": "direct", "预算执行率": "budget",
}
SECTION_KEYS = {"总体目标": "overall", "年度绩效目标": "annual", "年度目标": "annual"}
