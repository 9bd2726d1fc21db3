"""What the engine returns: rates, scores, subtotals, total, grade, and findings."""

from __future__ import annotations

from collections.abc import Callable
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

_MAKERS: dict[type, Callable[..., Any]] = {}
_IMMUTABLE_DEFAULTS = (type(None), bool, int, str, Decimal, tuple)  # tuple: the empty one only


def trusted(cls: type[M]) -> Callable[..., M]:
    """A constructor of `cls` that does not validate, for values the engine built itself with the declared types.

    It takes the fields as keyword arguments (omitted ones get their declared default) and
    makes an instance equal to the validated one: the same values (tuples and Decimals as
    given, which validation would copy or keep equal), fields in declaration order, so
    `model_dump` is the same. Validation would also copy every tuple and allocate a
    fields set per instance: a batch keeps hundreds of thousands of results alive, and
    the garbage collector walks every container they hold. Here the instances of a class
    share one fields set, all its fields (a frozen model never modifies it).
    """
    maker = _MAKERS.get(cls)
    if maker is None:
        maker = _MAKERS[cls] = _maker(cls)
    return maker


def _maker(cls: type[M]) -> Callable[..., M]:
    decorators = cls.__pydantic_decorators__
    if (not cls.model_config.get("frozen") or cls.model_config.get("extra") == "allow" or cls.__private_attributes__
            or cls.__pydantic_post_init__ or cls.__new__ is not object.__new__ or decorators.validators
            or decorators.field_validators or decorators.model_validators):
        raise TypeError(f"{cls.__name__} is not a plain frozen model")
    # Generated like a dataclass __init__: keyword-only parameters, and the instance dict
    # written as a display, in declaration order whatever order the caller uses.
    env: dict[str, Any] = {
        "_new": object.__new__, "_cls": cls, "_fields_set": set(cls.model_fields),
        "_set_dict": BaseModel.__dict__["__dict__"].__set__,
        "_set_fields_set": BaseModel.__dict__["__pydantic_fields_set__"].__set__,
        "_set_extra": BaseModel.__dict__["__pydantic_extra__"].__set__,
        "_set_private": BaseModel.__dict__["__pydantic_private__"].__set__,
    }
    params = []
    for name, field in cls.model_fields.items():
        if field.is_required():
            params.append(name)
            continue
        default = field.default
        shareable = isinstance(default, _IMMUTABLE_DEFAULTS) and not (isinstance(default, tuple) and default)
        if field.default_factory is not None or not shareable:
            raise TypeError(f"{cls.__name__}.{name}: only immutable defaults can be shared")
        env[f"_default_{name}"] = default
        params.append(f"{name}=_default_{name}")
    values = ", ".join(f"{name!r}: {name}" for name in cls.model_fields)
    source = (f"def make_{cls.__name__}(*, {', '.join(params)}):\n"
              f"    made = _new(_cls)\n"
              f"    _set_dict(made, {{{values}}})\n"
              f"    _set_fields_set(made, _fields_set)\n"
              f"    _set_extra(made, None)\n"
              f"    _set_private(made, None)\n"
              f"    return made\n")
    exec(source, env)
    return env[f"make_{cls.__name__}"]
