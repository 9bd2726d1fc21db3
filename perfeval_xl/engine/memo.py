"""Remember what was derived from one project object while that object lives.

A project is resolved when its manifest is validated, again when its layout is built
and again when it is scored; the generator and the collector do all three for every
project. Projects are frozen, so what is derived from one object stays valid for as
long as the object lives. Entries are keyed by object identity (hashing a whole
project would cost more than resolving it) and dropped by a weak-reference callback
when the project is freed, so the memo never outlives the batch it describes.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Hashable
from typing import Any, TypeVar, TypeVarTuple, Unpack

T = TypeVar("T")
Ts = TypeVarTuple("Ts")

# id(project) → (weak reference to the project, {key: value})
_ENTRIES: dict[int, tuple[weakref.ref, dict[Hashable, Any]]] = {}


def _forget(ref: weakref.ref, ident: int) -> None:
    entry = _ENTRIES.get(ident)
    if entry is not None and entry[0] is ref:
        del _ENTRIES[ident]


def per_object(obj: object, key: Hashable, compute: Callable[[Unpack[Ts]], T], *args: Unpack[Ts]) -> T:
    """`compute(*args)` the first time (obj, key) is asked for while `obj` lives; the same value after that.

    The value must be immutable (callers share it). `key` must hold only objects that
    stay alive at least as long as the cached value is used (profiles, enum members).
    """
    ident = id(obj)
    entry = _ENTRIES.get(ident)
    if entry is None or entry[0]() is not obj:
        ref = weakref.ref(obj, lambda r, ident=ident: _forget(r, ident))
        entry = (ref, {})
        _ENTRIES[ident] = entry
    values = entry[1]
    try:
        return values[key]
    except KeyError:
        value = values[key] = compute(*args)
        return value


def clear() -> None:
    """Forget everything (tests measuring cold paths)."""
    _ENTRIES.clear()
