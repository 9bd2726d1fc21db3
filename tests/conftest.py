"""Shared fixtures for tools outside Python: skipped on a laptop without them, failed in CI."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from perfeval_xl.libreoffice import find_soffice
from tests.support.ci import missing_requirement


@pytest.fixture(scope="session")
def soffice() -> Path:
    """Path of the LibreOffice executable (see perfeval_xl.libreoffice.find_soffice)."""
    path = find_soffice()
    if path is None:
        missing_requirement("LibreOffice (soffice) not found")
    return path


@pytest.fixture(scope="session")
def pg_url() -> str:
    """SQLAlchemy URL of the test database, from PERFEVAL_TEST_PG_URL (.ci/run exports it)."""
    url = os.environ.get("PERFEVAL_TEST_PG_URL", "").strip()
    if not url:
        missing_requirement("PERFEVAL_TEST_PG_URL is not set (run scripts/start-postgres.sh)")
    return url
