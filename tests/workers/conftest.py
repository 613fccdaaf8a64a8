"""Worker-mode fixtures: real `socialmon worker` processes and the queue's schema, cleaned up."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from workers.helpers_workers import Workers


@pytest.fixture
def workers(tmp_path: Path) -> Iterator[Callable[[Path], Workers]]:
    made: list[Workers] = []

    def make(config: Path) -> Workers:
        made.append(Workers(tmp_path, config))
        return made[-1]

    yield make
    for each in made:
        each.stop_all()


@pytest.fixture
def queue_schema(postgres_url: str) -> Iterator[str]:
    """The queue's schema beside the test's schema, dropped afterwards."""
    from urllib.parse import unquote

    schema = unquote(postgres_url).rsplit("search_path=", 1)[1]
    yield f"{schema}_queue"
    admin = create_engine(postgres_url)
    with admin.begin() as connection:
        connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}_queue" CASCADE'))
    admin.dispose()
