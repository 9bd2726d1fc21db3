"""What the engine returns: rates, scores, subtotals, total, grade, and findings."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict

from perfeval_xl.findings import Finding, Severity, worst_severity
from perfeval_xl.model.project import IndicatorKind


class IndicatorResult(BaseModel):
    model_config = ConfigDict(frozen=True)

    indicator_id: str
    kind: IndicatorKind | None
    weight: Decimal | None
    target: Decimal | None = None  # A as scored
    actual: Decimal | None = None  # B as scored (qualitative/direct: the entered score)
    rate: Decimal | None = None  # 完成率, unrounded; None where not defined
    score: Decimal | None = None  # rounded to the profile's places; None when not scorable
    met: bool | None = None  # target met (strict operators per profile)
    band: str | None = None  # band label or qualitative tier
    not_applicable: bool = False
    findings: tuple[Finding, ...] = ()


class GroupResult(BaseModel):
    model_config = ConfigDict(frozen=True)

    path: tuple[str, ...]
    code: str | None = None
    weight: Decimal | None  # declared, or the sum of its applicable children
    score: Decimal | None  # Σ rounded child scores; None while any is blank
    rate: Decimal | None  # 得分率 = Σ得分 / Σ分值

    @property
    def name(self) -> str:
        return self.path[-1]

    @property
    def level(self) -> int:
        return len(self.path)


class FundFigures(BaseModel):
    """One source's row of the budget table (万元)."""

    model_config = ConfigDict(frozen=True)

    source: str
    initial_budget: Decimal | None = None
    annual_budget: Decimal | None = None
    received: Decimal | None = None
    executed: Decimal | None = None
    balance: Decimal | None = None
    arrival_rate: Decimal | None = None
    execution_rate: Decimal | None = None


class BudgetFigures(BaseModel):
    """The budget table's totals (万元) and derived rows."""

    model_config = ConfigDict(frozen=True)

    sources: tuple[FundFigures, ...] = ()
    initial_budget: Decimal | None = None  # 年初预算数
    annual_budget: Decimal | None = None  # 全年预算数 (A)
    received: Decimal | None = None  # 实际到位资金
    executed: Decimal | None = None  # 全年执行数 (B)
    balance: Decimal | None = None  # 结余 = 到位 - 执行
    arrival_rate: Decimal | None = None  # 到位率 = 到位 / 全年预算数
    execution_rate: Decimal | None = None  # 执行率 = B / A, uncapped


class EvaluatorSummary(BaseModel):
    model_config = ConfigDict(frozen=True)

    count: int
    mean: Decimal | None
    minimum: Decimal | None
    maximum: Decimal | None

    @property
    def spread(self) -> Decimal | None:
        if self.minimum is None or self.maximum is None:
            return None
        return self.maximum - self.minimum


class ProjectResult(BaseModel):
    model_config = ConfigDict(frozen=True)

    project_id: str
    indicators: tuple[IndicatorResult, ...]
    groups: tuple[GroupResult, ...]
    budget: BudgetFigures
    total: Decimal | None
    grade: str | None
    unfilled: int  # required inputs still blank
    evaluators: EvaluatorSummary
    findings: tuple[Finding, ...]  # every finding, indicator ones included

    @property
    def outcome(self) -> Severity | None:
        return worst_severity(self.findings)

    def indicator(self, indicator_id: str) -> IndicatorResult | None:
        for result in self.indicators:
            if result.indicator_id == indicator_id:
                return result
        return None

    def group(self, *path: str) -> GroupResult | None:
        for result in self.groups:
            if result.path == tuple(path):
                return result
        return None


M = TypeVar("M", bound=BaseModel)

# model class -> (its field names in declaration order, the fields set its instances share)
_SPECS: dict[type, tuple[tuple[str, ...], set[str]]] = {}
_DICT = object.__setattr__
_FIELDS_SET = BaseModel.__dict__["__pydantic_fields_set__"].__set__
_EXTRA = BaseModel.__dict__["__pydantic_extra__"].__set__
_PRIVATE = BaseModel.__dict__["__pydantic_private__"].__set__


def trusted(cls: type[M], /, **values: Any) -> M:
    """`cls(**values)` without validation, for values the engine built itself with the declared types.

    Every field is passed, in declaration order (the order `model_dump` keeps); the
    instance equals the validated one. Validation would copy every tuple and allocate a
    fields set per instance: a batch keeps hundreds of thousands of results alive, and
    the garbage collector walks every container they hold. Instances of a class share
    one fields set (all fields), which a frozen model never modifies.
    """
    spec = _SPECS.get(cls) or _spec(cls)
    if tuple(values) != spec[0]:
        raise TypeError(f"{cls.__name__} takes every field in declaration order: {spec[0]}")
    made = cls.__new__(cls)
    _DICT(made, "__dict__", values)
    _FIELDS_SET(made, spec[1])
    _EXTRA(made, None)
    _PRIVATE(made, None)
    return made


def _spec(cls: type[BaseModel]) -> tuple[tuple[str, ...], set[str]]:
    decorators = cls.__pydantic_decorators__
    if (not cls.model_config.get("frozen") or cls.model_config.get("extra") == "allow" or cls.__private_attributes__
            or cls.__pydantic_post_init__ or decorators.validators or decorators.field_validators
            or decorators.model_validators):
        raise TypeError(f"{cls.__name__} is not a plain frozen model")
    names = tuple(cls.model_fields)
    spec = _SPECS[cls] = (names, set(names))
    return spec
