"""Column types: exact decimals on every backend, and the markers the crash test relies on.

SQLite has no decimal type (SQLAlchemy's Numeric would go through float there), so
decimals are stored as text on SQLite and as NUMERIC(p, s) on PostgreSQL. Values are
rounded half up to the column's scale before they are sent, so both backends hold
the same numbers, and come back as Decimal without trailing zeros ("9.43", "10").
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import ROUND_HALF_UP, Context, Decimal
from functools import lru_cache
from typing import Any

from sqlalchemy import Dialect, Numeric, String, TypeDecorator
from sqlalchemy.types import TypeEngine

from perfeval_xl.store.errors import StoreError

_CONTEXT = Context(prec=80)
_BOUND_HELD = 1 << 14  # distinct numbers remembered per column type and dialect

# Column info keys: a crash-and-resume must leave every column equal to an
# uninterrupted run's except those filled from the collector's own clock and those
# pointing at run records (tables flagged RUN_RECORD are run records entirely).
COLLECTOR_CLOCK = "collector_clock"
RUN_RECORD = "run_record"


def plain_decimal(value: Decimal) -> Decimal:
    """The same number without trailing zeros and without an exponent: 10.00 -> 10, 9.4300 -> 9.43."""
    normal = value.normalize(_CONTEXT)
    return normal.quantize(Decimal(1)) if normal.as_tuple().exponent > 0 else normal  # type: ignore[operator]


class ExactDecimal(TypeDecorator[Decimal]):
    """NUMERIC(precision, scale) on PostgreSQL, decimal text on SQLite; never a float."""

    impl = Numeric
    cache_ok = True

    def __init__(self, precision: int, scale: int, label: str) -> None:
        super().__init__(precision=precision, scale=scale, asdecimal=True)
        self.precision = precision
        self.scale = scale
        self.label = label
        self._quantum = Decimal(1).scaleb(-scale)

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        if dialect.name == "sqlite":
            return dialect.type_descriptor(String(self.precision + 2))
        return dialect.type_descriptor(Numeric(self.precision, self.scale, asdecimal=True))

    def bind_processor(self, dialect: Dialect) -> Callable[[Any], Any]:
        """Rounded to the column's scale, as text on SQLite. Each distinct number is rounded once:
        a batch's rows repeat few distinct figures (weights, scores), and this runs for every one."""
        as_text = dialect.name == "sqlite"
        send = self.impl_instance.bind_processor(dialect)
        bound: dict[object, Any] = {}

        def process(value: Any) -> Any:
            if value is None:
                return None
            number = value if type(value) is Decimal else self._decimal(value)
            key = number if number else (number.is_signed(),)  # -0 equals 0 but is stored as "-0.000000"
            try:
                return bound[key]
            except (KeyError, TypeError):  # TypeError: a signalling NaN has no hash (refused below)
                pass
            rounded = self._round(number, as_text)
            if len(bound) >= _BOUND_HELD:
                bound.clear()
            bound[key] = result = send(rounded) if send is not None else rounded
            return result

        return process

    def _decimal(self, value: Any) -> Decimal:
        if isinstance(value, (float, bool)) or not isinstance(value, (Decimal, int)):
            raise TypeError(f"{self.label}: expected Decimal or int, got {type(value).__name__}")
        return Decimal(value)

    def _round(self, number: Decimal, as_text: bool) -> Decimal | str:
        if not number.is_finite():
            raise StoreError("STORE_VALUE_OUT_OF_RANGE", value=str(number), column=self.label,
                             digits=self.precision - self.scale)
        rounded = number.quantize(self._quantum, rounding=ROUND_HALF_UP, context=_CONTEXT)
        if rounded.adjusted() >= self.precision - self.scale:
            raise StoreError("STORE_VALUE_OUT_OF_RANGE", value=format(number, "f"), column=self.label,
                             digits=self.precision - self.scale)
        return format(rounded, "f") if as_text else rounded

    def process_result_value(self, value: Any, dialect: Dialect) -> Decimal | None:
        if value is None:
            return None
        return _from_text(value) if isinstance(value, str) else plain_decimal(value)


@lru_cache(maxsize=1 << 16)
def _from_text(text: str) -> Decimal:
    """A stored decimal text as Decimal. Cached: a batch's 140,000 indicator rows repeat few distinct
    figures, so each is parsed once and the rows share it (Decimals are immutable). Keyed by the text,
    never by the number: "-0" and "0" are equal but print differently."""
    return plain_decimal(Decimal(text))


def amount() -> ExactDecimal:
    """Money in 万元: 6 decimals is a hundredth of a yuan."""
    return ExactDecimal(24, 6, "amount")


def score() -> ExactDecimal:
    """Points, weights, scores and totals: profiles round to at most 10 places."""
    return ExactDecimal(20, 10, "score")


def rate() -> ExactDecimal:
    """Unrounded ratios (完成率, 执行率, 得分率): far below any display precision."""
    return ExactDecimal(32, 16, "rate")


def measure() -> ExactDecimal:
    """Targets and actuals as typed by a unit (a double carries 15-17 significant digits)."""
    return ExactDecimal(38, 12, "measure")
