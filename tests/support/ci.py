"""The skip-or-fail rule for tests that need outside tools (LibreOffice, PostgreSQL)."""

from __future__ import annotations

import os
from typing import NoReturn

import pytest


def running_in_ci() -> bool:
    """True when the environment variable CI is "true" (as .ci/run and most CI systems set it)."""
    return os.environ.get("CI", "").strip().lower() in {"true", "1"}


def missing_requirement(reason: str) -> NoReturn:
    """Skip the test on a developer machine; fail it in CI, where every requirement is installed.

    A CI run must never turn green because the tool it was meant to exercise was absent.
    """
    if running_in_ci():
        pytest.fail(f"{reason} (mandatory when CI=true)", pytrace=False)
    pytest.skip(reason)
