"""The sample batch, loaded once per session, for the check tests."""

from __future__ import annotations

import pytest

from tests.support.returns import Sample


@pytest.fixture(scope="session")
def sample() -> Sample:
    return Sample.load()
