"""Two `socialmon upgrade` at once: the one that finds the work done under the upgrade lock says
so (nothing to report), instead of "upgraded from 0005" as well."""

from __future__ import annotations

from typing import Any

import pytest

from socialmon.database import Database, SchemaStatus

OLD = "0005_report_covering_index"


def at_old_revision(url: str) -> Database:
    from alembic import command

    database = Database(url)
    with database.write() as connection:
        command.upgrade(database._alembic_config(connection), OLD)
    return database


@pytest.mark.empty_schema
def test_an_upgrade_another_process_did_meanwhile_is_not_reported_twice(
    database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = at_old_revision(database_url)
    second = Database(database_url)
    read_status = first.schema_status
    other_said: list[Any] = []

    def the_other_upgrade_runs_now() -> SchemaStatus:
        status = read_status()  # 0005, read before the upgrade lock
        other_said.append(second.upgrade())
        return status

    monkeypatch.setattr(first, "schema_status", the_other_upgrade_runs_now)
    try:
        said = first.upgrade()
        assert [status.current for status in other_said] == [OLD]  # it upgraded from 0005…
        assert said is None  # …and this one found it done
        assert second.schema_status().up_to_date
    finally:
        first.dispose()
        second.dispose()
