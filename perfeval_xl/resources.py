"""Locate the data folders shipped with the package (workbook_templates/, macros/).

In a wheel they live inside the package; in a source checkout (editable install)
they sit at the repository root beside the package.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent


def data_dir(name: str) -> Path:
    """Return the folder `name` ("workbook_templates" or "macros")."""
    for candidate in (_PACKAGE_DIR / name, _PACKAGE_DIR.parent / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"package data folder {name!r} not found beside {_PACKAGE_DIR}")


def templates_dir() -> Path:
    return data_dir("workbook_templates")


def macros_dir() -> Path:
    return data_dir("macros")
