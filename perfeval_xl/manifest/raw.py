"""The reader-neutral form of a manifest: rows of raw values, each value with its location.

The Excel reader and the YAML/JSON reader both produce `RawManifest`; one builder
turns it into the model, so every problem is reported the same way whatever the
file type, at its sheet, row and column (or key path).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Hashable, Iterator, Mapping, MutableMapping
from dataclasses import dataclass, field
from decimal import Decimal

from perfeval_xl.engine.numbers import to_decimal
from perfeval_xl.findings import Finding, Location, finding
from perfeval_xl.manifest.fields import FieldSpec, TableSpec


@dataclass
class RawRow:
    values: dict[str, object]
    locations: Mapping[str, Location]  # per field; readers may build them lazily
    origin: Location

    def loc(self, key: str) -> Location:
        return self.locations.get(key, self.origin)


class RowLocations(MutableMapping[Hashable, Location]):
    """Locations that are mostly never looked at, kept as (row, field) and built when read."""

    def __init__(self) -> None:
        self._items: dict[Hashable, tuple[RawRow, str] | Location] = {}

    def point(self, key: Hashable, row: RawRow, field_key: str) -> None:
        """`self[key]` will be `row.loc(field_key)`."""
        self._items[key] = (row, field_key)

    def __getitem__(self, key: Hashable) -> Location:
        item = self._items[key]
        return item[0].loc(item[1]) if isinstance(item, tuple) else item

    def __setitem__(self, key: Hashable, value: Location) -> None:
        self._items[key] = value

    def __delitem__(self, key: Hashable) -> None:
        del self._items[key]

    def __iter__(self) -> Iterator[Hashable]:
        return iter(self._items)

    def __len__(self) -> int:
        return len(self._items)


@dataclass
class RawManifest:
    source: str
    batch: RawRow | None = None
    tables: dict[str, list[RawRow]] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)

    def rows(self, table: str) -> list[RawRow]:
        return self.tables.get(table, [])


def is_blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def coerce(spec: FieldSpec, row: RawRow, findings: list[Finding], table: TableSpec) -> object:
    """The typed value of field `spec` in `row`, or None with a finding when it is unusable."""
    value = row.values.get(spec.key)
    if is_blank(value):
        if spec.required:
            findings.append(finding("MANIFEST_FIELD_MISSING", row.loc(spec.key), field=f"{table.sheet}的“{spec.header}”"))
        return None
    try:
        return _convert(spec, value)
    except ValueError as exc:
        findings.append(finding("MANIFEST_FIELD_INVALID", row.loc(spec.key), field=f"{table.sheet}的“{spec.header}”",
                                value=_show(value), detail=str(exc)))
        return None


def _convert(spec: FieldSpec, value: object) -> object:
    kind = spec.type
    if kind == "text":
        if isinstance(value, float) and value.is_integer():
            return str(int(value))  # a code typed as a number in Excel
        if isinstance(value, (dt.date, dt.datetime)):
            return value.isoformat()
        return str(value).strip()
    if kind == "decimal":
        number = to_decimal(value.replace("，", ",") if isinstance(value, str) else value)
        if number is None:
            raise ValueError("应为数字")
        if number < 0:
            raise ValueError("不能为负数")
        return number
    if kind == "int":
        number = to_decimal(value)
        if number is None or number != number.to_integral_value():
            raise ValueError("应为整数")
        return int(number)
    if kind in ("date", "datetime"):
        return _to_datetime(value)
    if kind == "bool":
        text = str(value).strip().lower()
        if text in ("是", "true", "1", "yes", "y", "√"):
            return True
        if text in ("否", "false", "0", "no", "n", ""):
            return False
        raise ValueError("应为“是”或“否”")
    if kind == "choice":
        text = str(value).strip()
        for choice in spec.choices:
            if text == choice or text == choice + "项目":
                return choice
        if spec.key == "kind":
            from perfeval_xl.model import IndicatorKind

            if text in {k.value for k in IndicatorKind}:
                return text
        raise ValueError("可选值：" + "、".join(spec.choices))
    raise ValueError(f"unknown field type {kind}")


def _to_datetime(value: object) -> dt.datetime:
    if isinstance(value, dt.datetime):
        return value
    if isinstance(value, dt.date):
        return dt.datetime.combine(value, dt.time(23, 59, 59))
    text = str(value).strip().replace("/", "-").replace("年", "-").replace("月", "-").replace("日", "")
    for fmt in ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d"):
        try:
            parsed = dt.datetime.strptime(text, fmt)
        except ValueError:
            continue
        return parsed.replace(hour=23, minute=59, second=59) if fmt == "%Y-%m-%d" else parsed
    raise ValueError("应为日期，如 2025-03-31")


def _show(value: object) -> str:
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value)
