"""Target text parser: "≥98%", "≤90万元", "24次", "16~23次", "2000条以上", "1天内" ...

The raw text is always kept. Text with no number is qualitative; placeholders are
missing; a cell holding two targets, or several numbers that do not form a range,
is reported and never guessed.

Bounds follow the legal convention (《民法典》第一千二百五十九条): 以上, 以下, 以内
include the number; 超过, 不满, 低于 exclude it; "a~b" and "a-b" include both ends.
"""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal
from enum import StrEnum

from pydantic import BaseModel, ConfigDict

from perfeval_xl.engine.numbers import div


class Operator(StrEnum):
    GE = ">="
    GT = ">"
    LE = "<="
    LT = "<"
    EQ = "="
    RANGE = "range"

    @property
    def strict(self) -> bool:
        return self in (Operator.GT, Operator.LT)

    @property
    def upward(self) -> bool:
        """True when more is better (the positive direction)."""
        return self in (Operator.GE, Operator.GT)

    @property
    def downward(self) -> bool:
        return self in (Operator.LE, Operator.LT)


class TargetStatus(StrEnum):
    OK = "ok"
    MISSING = "missing"  # blank or a placeholder such as "*", "—", "/"
    TEXT = "text"  # words only: a qualitative target
    DOUBLE = "double"  # two targets in one cell
    AMBIGUOUS = "ambiguous"  # several numbers that are not a range


class Interval(BaseModel):
    """A set of values on the real line; None bounds are open-ended."""

    model_config = ConfigDict(frozen=True)

    low: Decimal | None = None
    low_inclusive: bool = True
    high: Decimal | None = None
    high_inclusive: bool = True

    def contains(self, value: Decimal) -> bool:
        if self.low is not None:
            if value < self.low or (value == self.low and not self.low_inclusive):
                return False
        if self.high is not None:
            if value > self.high or (value == self.high and not self.high_inclusive):
                return False
        return True


class ParsedTarget(BaseModel):
    """What a target text says. `value` is a fraction for percent targets (95% -> 0.95)."""

    model_config = ConfigDict(frozen=True)

    raw: str
    status: TargetStatus
    operator: Operator | None = None
    value: Decimal | None = None
    low: Decimal | None = None  # RANGE only
    high: Decimal | None = None  # RANGE only
    low_inclusive: bool = True  # RANGE only: "（不含）" after an end excludes it
    high_inclusive: bool = True
    unit: str | None = None
    is_percent: bool = False
    implied: bool = False  # bare number read as ">="

    @property
    def scorable(self) -> bool:
        return self.status is TargetStatus.OK and self.value is not None

    @property
    def strict(self) -> bool:
        return self.operator is not None and self.operator.strict

    def interval(self, bare_upward: bool = True) -> Interval | None:
        """The values this target accepts (used for band ladders)."""
        if self.status is not TargetStatus.OK:
            return None
        op = self.operator
        if op is Operator.RANGE:
            return Interval(low=self.low, low_inclusive=self.low_inclusive, high=self.high,
                            high_inclusive=self.high_inclusive)
        if self.implied and not bare_upward:
            op = Operator.LE
        v = self.value
        if op is Operator.GE:
            return Interval(low=v)
        if op is Operator.GT:
            return Interval(low=v, low_inclusive=False)
        if op is Operator.LE:
            return Interval(high=v)
        if op is Operator.LT:
            return Interval(high=v, high_inclusive=False)
        return Interval(low=v, high=v)

    def describe(self) -> str:
        """A short English description, e.g. '>= 0.95 (%)'."""
        if self.status is not TargetStatus.OK:
            return f"{self.status.value}: {self.raw!r}"
        unit = f" {self.unit}" if self.unit else ""
        if self.operator is Operator.RANGE:
            return f"{_plain(self.low)} to {_plain(self.high)}{unit}"
        implied = " (bare number)" if self.implied else ""
        return f"{self.operator.value} {_plain(self.value)}{unit}{implied}"


PLACEHOLDERS = frozenset({"", "*", "-", "--", "—", "——", "–", "/", "\\", "无", "n/a", "na", "／", "－"})
PERCENT_UNITS = ("%", "百分比")
# Per-mille targets stay in ‰ units (the unit types 3 for 3‰): spreadsheets have no ‰ format.
# Symbols NFKC would turn into letters and digits ("㎡" -> "m2") are spelled out first.
_SYMBOL_UNITS = {"㎡": "平方米", "㎥": "立方米", "㎞": "公里", "㎏": "千克", "㎎": "毫克", "㎝": "厘米", "㎜": "毫米"}
_THOUSANDS_RE = re.compile(r"(?<=\d),(?=\d{3}(?!\d))")
# Calendar dates ("2024年底前", "12月底前", "6月30日前") are deadlines, not quantities.
_DATE_RE = re.compile(r"\d{4}\s*年|\d{1,2}\s*月\s*(?:底|末|初|中|前|份|\d)")

# Longest alternatives first so that 不超过 is not read as 超过, >= not as >.
_PREFIX_WORDS: list[tuple[str, Operator]] = [
    ("大于或等于", Operator.GE), ("小于或等于", Operator.LE),
    ("大于等于", Operator.GE), ("小于等于", Operator.LE),
    ("不少于", Operator.GE), ("不低于", Operator.GE), ("不小于", Operator.GE),
    ("不超过", Operator.LE), ("不高于", Operator.LE), ("不多于", Operator.LE), ("不大于", Operator.LE),
    ("不超出", Operator.LE),
    ("至少", Operator.GE), ("至多", Operator.LE), ("最多", Operator.LE), ("最少", Operator.GE),
    ("控制在", Operator.LE),
    ("超过", Operator.GT), ("超出", Operator.GT), ("大于", Operator.GT), ("高于", Operator.GT), ("多于", Operator.GT),
    ("低于", Operator.LT), ("少于", Operator.LT), ("小于", Operator.LT), ("不满", Operator.LT), ("不足", Operator.LT),
    ("达到", Operator.GE), ("等于", Operator.EQ),
]
_SUFFIX_WORDS: list[tuple[str, Operator]] = [
    ("及以上", Operator.GE), ("以上", Operator.GE),
    ("及以下", Operator.LE), ("以下", Operator.LE),
    ("以内", Operator.LE), ("之内", Operator.LE), ("内", Operator.LE),
]
_SYMBOLS: list[tuple[str, Operator]] = [
    (">=", Operator.GE), ("=>", Operator.GE), ("≥", Operator.GE), ("≧", Operator.GE), ("⩾", Operator.GE),
    ("<=", Operator.LE), ("=<", Operator.LE), ("≤", Operator.LE), ("≦", Operator.LE), ("⩽", Operator.LE),
    (">", Operator.GT), ("<", Operator.LT), ("=", Operator.EQ),
]
_OPS = {text: op for text, op in _PREFIX_WORDS + _SUFFIX_WORDS + _SYMBOLS}
_SUFFIX_SET = {text for text, _ in _SUFFIX_WORDS}
_OP_RE = re.compile("|".join(re.escape(t) for t in sorted(_OPS, key=len, reverse=True)))
_NUMBER_RE = re.compile(r"\d+(?:\.\d+)?")
_RANGE_SEP_RE = re.compile(
    r"^\s*(?:\(不?含\))?\s*([^\d\s~\-—–至到()]{0,4}?)\s*(?:\(不?含\))?\s*(?:~|-|—|–|至|到)\s*$"
)
_UNIT_RE = re.compile(r"^\s*(%|‰|百分比|个百分点|[^\d\s,，;；、。()（）~\-—–<>=≥≤≦≧]{1,4}?)(?=$|[\s,，;；。()]|以上|以下|以内|之内|内|及)")
_INCLUSIVE_MARK = "(含)"
_EXCLUSIVE_MARK = "(不含)"


def normalise_text(text: str) -> str:
    """NFKC (full-width to ASCII) plus the dash and tilde variants people type."""
    for symbol, spelled in _SYMBOL_UNITS.items():
        text = text.replace(symbol, spelled)
    text = unicodedata.normalize("NFKC", text)
    text = text.replace("〜", "~").replace("∼", "~").replace("－", "-").strip()
    return _THOUSANDS_RE.sub("", text)


def is_placeholder(text: str | None) -> bool:
    return text is None or normalise_text(text).strip().lower() in PLACEHOLDERS


def parse_target(text: str | None, unit_hint: str | None = None) -> ParsedTarget:
    """Parse a target text. `unit_hint` is the indicator's declared unit, if any."""
    raw = "" if text is None else str(text)
    norm = normalise_text(raw)
    if norm.strip().lower() in PLACEHOLDERS:  # is_placeholder(raw), normalising once
        return ParsedTarget(raw=raw, status=TargetStatus.MISSING)
    numbers = list(_NUMBER_RE.finditer(norm))
    if not numbers or _DATE_RE.search(norm):
        return ParsedTarget(raw=raw, status=TargetStatus.TEXT)
    ops = [m for m in _OP_RE.finditer(norm) if _is_operator_here(norm, m)]

    percent = any(u in norm for u in PERCENT_UNITS) or (unit_hint is not None and _is_percent_unit(unit_hint))
    if len(ops) >= 2 and not _same_operator_twice(ops, numbers):
        return ParsedTarget(raw=raw, status=TargetStatus.DOUBLE)

    if len(numbers) == 2:
        between = norm[numbers[0].end():numbers[1].start()]
        sep = _RANGE_SEP_RE.match(between)
        if sep and not ops:
            low, high = Decimal(numbers[0].group()), Decimal(numbers[1].group())
            low_inclusive = _EXCLUSIVE_MARK not in between
            high_inclusive = _EXCLUSIVE_MARK not in norm[numbers[1].end():]
            if low > high:
                low, high = high, low
                low_inclusive, high_inclusive = high_inclusive, low_inclusive
            unit = _unit_after(norm, numbers[1].end()) or (sep.group(1) or None)
            pct = percent or _is_percent_unit(unit)
            return ParsedTarget(
                raw=raw, status=TargetStatus.OK, operator=Operator.RANGE,
                value=_scale(low, pct), low=_scale(low, pct), high=_scale(high, pct),
                low_inclusive=low_inclusive, high_inclusive=high_inclusive,
                unit=_unit_label(unit, pct), is_percent=pct,
            )
    if len(numbers) != 1:
        return ParsedTarget(raw=raw, status=TargetStatus.AMBIGUOUS)

    number = numbers[0]
    value = Decimal(number.group())
    unit = _unit_after(norm, number.end())
    pct = percent or _is_percent_unit(unit)
    op, implied = _operator_for(norm, number, ops)
    return ParsedTarget(
        raw=raw, status=TargetStatus.OK, operator=op, value=_scale(value, pct),
        unit=_unit_label(unit, pct), is_percent=pct, implied=implied,
    )


def _is_operator_here(text: str, match: re.Match[str]) -> bool:
    """A bare 内 counts only right after a number or unit ("1天内"), not in "区内"."""
    if match.group() != "内":
        return True
    before = text[: match.start()]
    return bool(re.search(r"\d\s*[^\d\s]{0,6}$", before))


def _same_operator_twice(ops: list[re.Match[str]], numbers: list[re.Match[str]]) -> bool:
    """'≥ 95%（不低于95%）' style repetition of one bound is not two targets."""
    return len(numbers) == 1 and len({_OPS[m.group()] for m in ops}) == 1


def _operator_for(text: str, number: re.Match[str], ops: list[re.Match[str]]) -> tuple[Operator, bool]:
    after = text[number.end():]
    if not ops:
        return Operator.GE, True
    op_match = ops[0]
    op = _OPS[op_match.group()]
    if op_match.group() in _SUFFIX_SET:
        # "5次以上（不含）" makes the bound strict; "3（含）以上" keeps it inclusive.
        if _EXCLUSIVE_MARK in after:
            op = Operator.GT if op is Operator.GE else Operator.LT
    elif _INCLUSIVE_MARK in after and op.strict:
        op = Operator.GE if op is Operator.GT else Operator.LE
    return op, False


def _unit_after(text: str, pos: int) -> str | None:
    rest = text[pos:]
    rest = rest.replace(_INCLUSIVE_MARK, "").replace(_EXCLUSIVE_MARK, "")
    m = _UNIT_RE.match(rest)
    if not m:
        return None
    unit = m.group(1).strip()
    if unit in _SUFFIX_SET or unit in ("及",):
        return None
    return unit or None


def _is_percent_unit(unit: str | None) -> bool:
    return unit is not None and normalise_text(unit) in PERCENT_UNITS


def _unit_label(unit: str | None, percent: bool) -> str | None:
    return "%" if percent else unit


def _scale(value: Decimal, percent: bool) -> Decimal:
    return div(value, Decimal(100)) if percent else value


def _plain(value: Decimal | None) -> str:
    return "" if value is None else format(value.normalize(), "f")


# --- deduction rules: "每少1次扣1分，扣完为止", "每降低1个百分点扣0.5分" -------------------

_SHORTFALL_WORDS = ("减少", "降低", "下降", "少", "低", "不足", "未完成", "缺")
_EXCESS_WORDS = ("发生", "出现", "发现", "增加", "超过", "超出", "超支", "延迟", "推迟", "延误", "逾期", "提高", "上升", "多", "高", "超")
_DEDUCTION_RE = re.compile(
    r"每\s*(?P<verb>" + "|".join(sorted(_SHORTFALL_WORDS + _EXCESS_WORDS, key=len, reverse=True)) + r")"
    r"\s*(?P<step>\d+(?:\.\d+)?)?\s*(?P<unit>个百分点|百分点|%|[^\d扣减,，;；]{0,8}?)\s*"
    r"(?:扣|减)(?:除)?\s*(?P<points>\d+(?:\.\d+)?)\s*分"
)


class DeductionRule(BaseModel):
    """Points lost per step of shortfall (or excess), proportionally, never below 0."""

    model_config = ConfigDict(frozen=True)

    raw: str
    shortfall: bool  # True: deduct for B below A; False: for B above A
    step: Decimal  # in the target's scale (1 percentage point = 0.01)
    points: Decimal


def parse_deduction(text: str | None) -> DeductionRule | None:
    if text is None:
        return None
    norm = normalise_text(text)
    m = _DEDUCTION_RE.search(norm)
    if not m:
        return None
    step = Decimal(m.group("step") or "1")
    unit = (m.group("unit") or "").strip()
    if unit in ("个百分点", "百分点", "%"):
        step = div(step, Decimal(100))
    if step <= 0:
        return None
    return DeductionRule(
        raw=text, shortfall=m.group("verb") in _SHORTFALL_WORDS, step=step, points=Decimal(m.group("points"))
    )
