"""What the CLI and the collector's workers import: memory the bureau's machine pays per process."""

from __future__ import annotations

import subprocess
import sys

import pytest

HEAVY = ("pandas", "numpy", "openpyxl", "xlsxwriter")


@pytest.mark.parametrize("module", ["perfeval_xl.cli", "perfeval_xl.intake.pipeline", "perfeval_xl.collect.run"])
def test_starting_imports_no_heavy_library(module: str) -> None:
    code = f"import sys, {module}; print(' '.join(m for m in {HEAVY!r} if m in sys.modules))"
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert loaded == []
