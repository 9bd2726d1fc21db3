"""Declare a UDF once: xlwings' decorators plus a description the VBA generator and tests read.

On Windows `xw.func`/`xw.arg` record what Excel's function wizard shows (the function's
docstring, each argument's doc) and how a range argument is converted; on Linux they are
identity decorators. Either way `udf` also attaches a `UdfSpec`, so the wrapper module and
the tests see the same names, arguments and docs on every platform.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable
from dataclasses import dataclass
from types import ModuleType
from typing import Any, TypeVar

import xlwings as xw

CATEGORY = "绩效自评"  # the function wizard's category
NAME_RE = re.compile(r"^PE_[A-Z][A-Z0-9_]*$")
SPEC_ATTRIBUTE = "__perfeval_udf__"

F = TypeVar("F", bound=Callable[..., Any])


@dataclass(frozen=True)
class ArgSpec:
    name: str
    doc: str
    optional: bool
    column: bool  # a range, read as a flat list (xlwings ndim=1)


@dataclass(frozen=True)
class UdfSpec:
    name: str
    description: str
    args: tuple[ArgSpec, ...]
    volatile: bool

    @property
    def required(self) -> int:
        return sum(1 for a in self.args if not a.optional)


def udf(*, columns: tuple[str, ...] = (), volatile: bool = False, **docs: str) -> Callable[[F], F]:
    """Mark `fn` as an Excel function; `docs` gives every argument's wizard text, `columns`
    the arguments that take a range. The docstring is the function's wizard description."""

    def decorate(fn: F) -> F:
        spec = _spec(fn, columns, volatile, docs)
        for arg in spec.args:
            options = {"ndim": 1} if arg.column else {}
            fn = xw.arg(arg.name, doc=arg.doc, **options)(fn)
        fn = xw.func(category=CATEGORY, volatile=volatile)(fn)
        setattr(fn, SPEC_ATTRIBUTE, spec)
        return fn

    return decorate


def _spec(fn: Callable[..., Any], columns: tuple[str, ...], volatile: bool, docs: dict[str, str]) -> UdfSpec:
    name = fn.__name__
    if not NAME_RE.match(name):
        raise ValueError(f"UDF names are ASCII with the PE_ prefix: {name!r}")
    params = list(inspect.signature(fn).parameters.values())
    names = [p.name for p in params]
    if set(docs) != set(names) or not set(columns) <= set(names):
        raise ValueError(f"{name}: docs for {sorted(docs)} / columns {columns} do not match arguments {names}")
    if any(p.kind is not inspect.Parameter.POSITIONAL_OR_KEYWORD for p in params):
        raise ValueError(f"{name}: Excel functions take positional arguments only")
    description = inspect.getdoc(fn)
    if not description:
        raise ValueError(f"{name} needs a docstring: it is the function wizard's description")
    args = tuple(
        ArgSpec(p.name, docs[p.name], p.default is not inspect.Parameter.empty, p.name in columns) for p in params
    )
    return UdfSpec(name=name, description=description, args=args, volatile=volatile)


def udf_specs(module: ModuleType) -> list[UdfSpec]:
    """The UDFs a module declares, in the order they are defined."""
    return [getattr(obj, SPEC_ATTRIBUTE) for obj in vars(module).values() if hasattr(obj, SPEC_ATTRIBUTE)]
