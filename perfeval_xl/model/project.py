"""The batch as the bureau defines it: projects, their funds and their indicator trees."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field, field_validator


class IndicatorKind(StrEnum):
    POSITIVE = "positive"  # ≥, ＞ or a bare number
    REVERSE = "reverse"  # ≤, ＜
    EQUAL = "equal"  # =
    QUALITATIVE = "qualitative"  # tier + score
    BANDED = "banded"  # 优/良/中/差 ladder
    DEDUCTION = "deduction"  # "每少1次扣1分"
    DIRECT = "direct"  # an evaluator enters the score
    BUDGET = "budget"  # 预算执行率 from the budget table


QUANTITATIVE_KINDS = frozenset(
    {IndicatorKind.POSITIVE, IndicatorKind.REVERSE, IndicatorKind.EQUAL, IndicatorKind.BANDED, IndicatorKind.DEDUCTION}
)

KIND_LABELS = {
    IndicatorKind.POSITIVE: "正向",
    IndicatorKind.REVERSE: "反向",
    IndicatorKind.EQUAL: "等于",
    IndicatorKind.QUALITATIVE: "定性",
    IndicatorKind.BANDED: "分档",
    IndicatorKind.DEDUCTION: "扣分",
    IndicatorKind.DIRECT: "直接打分",
    IndicatorKind.BUDGET: "预算执行率",
}


class Band(BaseModel):
    """One rung of an 优/良/中/差 ladder: its label and the text that defines it."""

    model_config = ConfigDict(frozen=True)

    label: str
    text: str


class Indicator(BaseModel):
    """A scored leaf of the indicator tree."""

    model_config = ConfigDict(frozen=True)

    id: str
    name: str
    path: tuple[str, ...] = ()  # names of the groups above it, first level first
    code: str | None = None
    weight: Decimal | None = None
    kind: IndicatorKind | None = None  # None: inferred from the target text
    target_text: str = ""
    target_value: Decimal | None = None  # explicit numeric target; overrides the text's number
    unit: str | None = None
    bands: tuple[Band, ...] = ()
    deduction_rule: str | None = None
    reverse_variant: str | None = None  # overrides the profile for this indicator ("ratio"/"linear")

    @property
    def level(self) -> int:
        return len(self.path) + 1

    @property
    def label(self) -> str:
        return f"{self.code} {self.name}" if self.code else self.name


class IndicatorGroup(BaseModel):
    """An inner node of the tree (一级/二级/三级 category) with its declared points, if any."""

    model_config = ConfigDict(frozen=True)

    path: tuple[str, ...]  # the node's own name is the last element
    code: str | None = None
    weight: Decimal | None = None  # None: the sum of its children

    @property
    def name(self) -> str:
        return self.path[-1]

    @property
    def level(self) -> int:
        return len(self.path)


class FundLine(BaseModel):
    """One source of funds (中央财政/省财政/市县财政/其他...) as approved, in 万元."""

    model_config = ConfigDict(frozen=True)

    source: str
    initial_budget: Decimal | None = None  # 年初预算数
    annual_budget: Decimal | None = None  # 全年预算数 (A of the execution rate)


class CompletionItem(BaseModel):
    """A row of 绩效目标完成清单: what was set (locked); the unit reports completion."""

    model_config = ConfigDict(frozen=True)

    section: str  # "overall" (总体目标) or "annual" (年度绩效目标)
    text: str


class PerformanceTarget(BaseModel):
    """A row of the 绩效目标表 shown as guidance (frameworks whose scores are entered directly)."""

    model_config = ConfigDict(frozen=True)

    dimension: str  # 指标类型: 产出指标, 效益指标 ...
    name: str
    target_text: str = ""
    bands: tuple[Band, ...] = ()


class Project(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: str
    name: str
    unit: str  # 项目实施单位
    department: str  # 主管部门
    contact_person: str | None = None
    contact_phone: str | None = None
    address: str | None = None
    postcode: str | None = None
    project_type: str = "经常性"  # 经常性 / 一次性
    mode: str = "单位自评"  # 单位自评 / 部门评价 / 财政评价
    framework: str = "national"
    funds: tuple[FundLine, ...] = ()
    overall_goal: str = ""  # 年度总体目标（预期目标）
    completion_items: tuple[CompletionItem, ...] = ()
    targets: tuple[PerformanceTarget, ...] = ()  # guidance rows; scored indicators carry their own
    indicators: tuple[Indicator, ...] = ()
    groups: tuple[IndicatorGroup, ...] = ()

    def indicator(self, indicator_id: str) -> Indicator | None:
        for ind in self.indicators:
            if ind.id == indicator_id:
                return ind
        return None

    @property
    def annual_budget(self) -> Decimal | None:
        values = [f.annual_budget for f in self.funds if f.annual_budget is not None]
        return sum(values, Decimal(0)) if values else None

    @property
    def initial_budget(self) -> Decimal | None:
        values = [f.initial_budget for f in self.funds if f.initial_budget is not None]
        return sum(values, Decimal(0)) if values else None


class Contact(BaseModel):
    model_config = ConfigDict(frozen=True)

    name: str | None = None
    phone: str | None = None
    email: str | None = None


class Batch(BaseModel):
    """One evaluation round sent out by a bureau."""

    model_config = ConfigDict(frozen=True)

    year: int = Field(ge=2000, le=2100)
    batch_id: str
    bureau: str  # issuing bureau (财政局)
    contact: Contact = Contact()
    deadline: dt.datetime | None = None
    profile: str = "default"  # a profile name in workbook_templates/profiles/ or a YAML path
    protection_password: str = "perfeval"
    key_id: str | None = None
    instructions: str = ""

    @field_validator("deadline", mode="before")
    @classmethod
    def _deadline_end_of_day(cls, value: object) -> object:
        # A date alone means the whole day counts as on time.
        if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
            return dt.datetime.combine(value, dt.time(23, 59, 59))
        return value


class Manifest(BaseModel):
    """The bureau's batch: everything needed to issue and score the workbooks."""

    model_config = ConfigDict(frozen=True)

    batch: Batch
    projects: tuple[Project, ...]

    def project(self, project_id: str) -> Project | None:
        for project in self.projects:
            if project.id == project_id:
                return project
        return None
