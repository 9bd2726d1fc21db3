"""The skip-or-fail rule for outside tools, and the PostgreSQL service CI starts."""

from __future__ import annotations

import pytest
import sqlalchemy

from tests.support.ci import missing_requirement


def test_missing_requirement_skips_on_a_laptop(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="soffice not found"):
        missing_requirement("soffice not found")


def test_missing_requirement_fails_in_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="mandatory when CI=true"):
        missing_requirement("soffice not found")


@pytest.mark.postgres
def test_test_database_accepts_the_perfeval_role(pg_url: str) -> None:
    engine = sqlalchemy.create_engine(pg_url)
    try:
        with engine.connect() as connection:
            user, database, version = connection.execute(
                sqlalchemy.text("SELECT current_user, current_database(), current_setting('server_version_num')::int")
            ).one()
            # The role owns the database, so tests can create and drop their own tables.
            connection.execute(sqlalchemy.text("CREATE TEMPORARY TABLE probe (id int)"))
    finally:
        engine.dispose()
    assert (user, database) == ("perfeval", "perfeval_test")
    assert version >= 150000
