"""The scoring profile: every rule option a province may set differently (REFERENCE §3).

Defaults are the national ones. Profiles are YAML files in workbook_templates/profiles/.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator


class QualitativeTier(BaseModel):
    """A tier of a qualitative indicator: scores in [low, high) of the weight (high closed if high_inclusive)."""

    model_config = ConfigDict(frozen=True)

    name: str
    low: Decimal
    high: Decimal
    high_inclusive: bool = False


class GradeBand(BaseModel):
    model_config = ConfigDict(frozen=True)

    name: str
    minimum: Decimal  # the total must be >= minimum


DEFAULT_TIERS = (
    QualitativeTier(name="达成年度指标", low=Decimal("0.8"), high=Decimal("1"), high_inclusive=True),
    QualitativeTier(name="部分达成年度指标并具有一定效果", low=Decimal("0.6"), high=Decimal("0.8")),
    QualitativeTier(name="未达成年度指标且效果较差", low=Decimal("0"), high=Decimal("0.6")),
)
DEFAULT_GRADES = (
    GradeBand(name="优", minimum=Decimal(90)),
    GradeBand(name="良", minimum=Decimal(80)),
    GradeBand(name="中", minimum=Decimal(60)),
    GradeBand(name="差", minimum=Decimal(0)),
)
ALL_KINDS = ("positive", "reverse", "equal", "qualitative", "banded", "deduction", "direct", "budget")


class ScoringProfile(BaseModel):
    """Options of the scoring rules. Each field is one named choice of REFERENCE §3."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str = "default"
    description: str = "全国默认（财预〔2020〕10号）"
    reverse_variant: Literal["ratio", "linear"] = "ratio"
    over_threshold: Decimal = Decimal("1.2")
    round_rate_first: bool = False
    rate_places: int = Field(4, ge=0, le=10)
    score_places: int = Field(2, ge=0, le=4)
    grading: bool = True
    grades: tuple[GradeBand, ...] = DEFAULT_GRADES
    band_fractions: dict[str, Decimal] = Field(
        default_factory=lambda: {"优": Decimal(1), "良": Decimal("0.8"), "中": Decimal("0.6"), "差": Decimal(0)}
    )
    qualitative_tiers: tuple[QualitativeTier, ...] = DEFAULT_TIERS
    strict_operators: bool = False
    allow_not_applicable: bool = False
    percent_slip_threshold: Decimal = Decimal("1.5")
    equal_flag_mismatch: bool = False
    total_points: Decimal = Decimal(100)
    reason_required_kinds: tuple[str, ...] = ALL_KINDS
    unmet_phrases: tuple[str, ...] = ("未完成", "未达到", "未达成", "没有完成", "未实现")
    amount_unit_slip_ratio: Decimal = Decimal(100)
    not_applicable_label: str = "不适用"

    @model_validator(mode="after")
    def _check(self) -> "ScoringProfile":
        if self.over_threshold <= 1:
            raise ValueError("over_threshold must be above 1")
        minima = [g.minimum for g in self.grades]
        if minima != sorted(minima, reverse=True):
            raise ValueError("grades must be listed best first with falling minima")
        unknown = set(self.reason_required_kinds) - set(ALL_KINDS)
        if unknown:
            raise ValueError(f"unknown kinds in reason_required_kinds: {sorted(unknown)}")
        return self

    def tier(self, name: str | None) -> QualitativeTier | None:
        for tier in self.qualitative_tiers:
            if tier.name == name:
                return tier
        return None

    def grade(self, total: Decimal | None) -> str | None:
        if total is None or not self.grading:
            return None
        for band in self.grades:
            if total >= band.minimum:
                return band.name
        return self.grades[-1].name

    def with_options(self, **options: object) -> "ScoringProfile":
        return self.model_validate({**self.model_dump(), **options})
