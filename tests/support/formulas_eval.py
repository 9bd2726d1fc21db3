"""Evaluate a workbook with the `formulas` package, optionally with Python functions
registered as custom Excel functions (how the xlwings UDFs are evaluated on Linux).

`formulas.get_functions()` is one cached registry per process, so registrations are
scoped: `computed_values(path, functions)` adds them for one evaluation and removes
them afterwards.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from types import ModuleType

import formulas
import numpy as np
import schedula as sh
from formulas.functions import wrap_func
from formulas.tokens.operand import XlError

from perfeval_xl.udf.spec import udf_specs

CellKey = tuple[str, str]  # (SHEET NAME upper-cased, "B7")


@contextlib.contextmanager
def registered(functions: Mapping[str, Callable[..., object]]) -> Iterator[None]:
    registry = formulas.get_functions()
    saved = {name: registry[name] for name in functions if name in registry}
    registry.update(functions)
    try:
        yield
    finally:
        for name in functions:
            registry.pop(name, None)
        registry.update(saved)


def computed_values(path: Path, functions: Mapping[str, Callable[..., object]] | None = None) -> dict[CellKey, object]:
    """Every cell's value after `formulas` computed the workbook: numbers, text, "#VALUE!"-style
    error strings, or None for empty."""
    with registered(functions or {}):
        model = formulas.ExcelModel().loads(str(path)).finish()
        solution = model.calculate()
    out: dict[CellKey, object] = {}
    for key, ranges in solution.items():
        if not isinstance(key, str) or "!" not in key:
            continue
        sheet_part, ref = key.rsplit("!", 1)
        if ":" in ref:
            continue
        sheet = sheet_part.strip("'").split("]", 1)[-1]
        out[(sheet.upper(), ref.upper())] = _python(ranges.value[0, 0])
    return out


def udf_functions(module: ModuleType) -> dict[str, Callable[..., object]]:
    """The module's UDFs as `formulas` custom functions: range arguments arrive as flat lists and
    single cells as values, the way xlwings passes them; a raised error becomes #VALUE!."""
    out = {}
    for spec in udf_specs(module):
        columns = tuple(arg.column for arg in spec.args)
        out[spec.name] = wrap_func(_adapter(getattr(module, spec.name), columns))
    return out


def _adapter(fn: Callable[..., object], columns: tuple[bool, ...]) -> Callable[..., object]:
    def call(*args: object) -> object:
        values = [_column(a) if column else _scalar(a) for a, column in zip(args, columns)]
        return fn(*values)

    return call


def _column(value: object) -> list[object]:
    if isinstance(value, np.ndarray):
        return [_cell(v) for v in value.ravel()]
    return [_cell(value)]


def _scalar(value: object) -> object:
    if isinstance(value, np.ndarray):
        if value.size != 1:
            raise ValueError("a range where one cell is expected")
        return _cell(value.ravel()[0])
    return _cell(value)


def _cell(value: object) -> object:
    if isinstance(value, XlError):
        raise ValueError(f"error value {value} passed to a UDF")
    return _python(value)


def _python(value: object) -> object:
    if value is sh.EMPTY:
        return None
    if isinstance(value, XlError):
        return str(value)
    if isinstance(value, (np.bool_, bool)):
        return bool(value)
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating):
        return float(value)
    if isinstance(value, np.str_):
        return str(value)
    return value
