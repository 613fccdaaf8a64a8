"""A comment or message that says nothing (a photo, a sticker, "<Multimedia omitido>") gets no label.

Scored, each was a neutral opinion in the brand's shares. Tested on a real SQLite file: a scan,
`rescore`, the migration that clears labels stored before, and the report's shares.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from alembic import command
from helpers import comment, copy_project, post, run_in_process, scanned_project

from socialmon.database import Database, open_database
from socialmon.rescore import count_stale, rescore
from socialmon.sentiment import get_scorer, says_something

RECORDS = [
    post("p1"),
    comment("loved", text="I love this bakery, wonderful bread!"),
    comment("hated", text="Terrible service, I hate it."),
    comment("photo", text=""),
    comment("sticker", text=" \n\u3000"),
]


@pytest.fixture(scope="module")
def scanned(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return scanned_project(tmp_path_factory.mktemp("blank"), RECORDS).parent


@pytest.fixture
def project(tmp_path: Path, scanned: Path) -> Path:
    return copy_project(scanned, tmp_path)


def stored(config: Path) -> dict[str, tuple]:
    with sqlite3.connect(config.parent / "socialmon.db") as connection:
        rows = connection.execute(
            "select platform_id, sentiment_label, sentiment_compound, language, sentiment_mixed,"
            " sentiment_scorer is not null from comment"
        ).fetchall()
    return {row[0]: row[1:] for row in rows}


def test_which_texts_say_something() -> None:
    assert not says_something("") and not says_something(None) and not says_something(" \n\t\u3000")
    assert says_something("ok") and says_something("👍") and says_something(" . ")


def test_a_scan_leaves_a_blank_text_without_a_label_but_marks_it_scored(project: Path) -> None:
    rows = stored(project)
    assert rows["loved"][0] == "positive" and rows["hated"][0] == "negative"
    assert rows["photo"] == (None, None, None, None, 1)
    assert rows["sticker"] == (None, None, None, None, 1)
    database = open_database(f"sqlite:///{project.parent / 'socialmon.db'}")
    try:
        assert count_stale(database, get_scorer()) == 0  # `rescore` has nothing to do
    finally:
        database.dispose()


def test_the_reports_shares_count_only_what_was_said(project: Path) -> None:
    result = run_in_process("report", "--format", "json", "--since", "2020-01-01", "--config", str(project))
    assert result.exit_code == 0, result.output
    overview = json.loads(result.output)["channels"][0]
    assert overview["comments"] == 4
    assert (overview["positive"], overview["neutral"], overview["negative"]) == (1, 0, 1)
    assert overview["shares"] == {"positive": 0.5, "neutral": 0.0, "negative": 0.5}


def test_rescore_leaves_a_blank_text_without_a_label(project: Path) -> None:
    with sqlite3.connect(project.parent / "socialmon.db") as connection:
        connection.execute(
            "update comment set sentiment_version = 'old', sentiment_label = 'neutral', sentiment_compound = 0"
        )
    database = open_database(f"sqlite:///{project.parent / 'socialmon.db'}")
    try:
        assert rescore(database, get_scorer(), workers=0) == 4
        assert count_stale(database, get_scorer()) == 0
    finally:
        database.dispose()
    rows = stored(project)
    assert rows["photo"] == (None, None, None, None, 1) and rows["sticker"][0] is None
    assert rows["loved"][0] == "positive" and rows["hated"][0] == "negative"


def test_upgrading_clears_the_neutral_label_a_blank_text_was_given_before(project: Path) -> None:
    path = project.parent / "socialmon.db"
    database = Database(f"sqlite:///{path}")
    try:  # back to the revision before the one under test, later ones undone as they would be
        with database.write() as connection:
            command.downgrade(database._alembic_config(connection), "0012_alert_progress")
    finally:
        database.dispose()
    with sqlite3.connect(path) as connection:
        connection.execute(
            "update comment set sentiment_label = 'neutral', sentiment_compound = 0, language = 'en'"
            " where platform_id in ('photo', 'sticker')"
        )
        connection.execute("update comment set label_override = 'negative' where platform_id = 'sticker'")
    open_database(f"sqlite:///{path}").dispose()
    rows = stored(project)
    assert rows["photo"] == (None, None, None, None, 1)
    assert rows["sticker"][:3] == (None, None, None)  # " \n\u3000": blank to Python, not to SQL's trim
    assert rows["loved"][0] == "positive"  # what was said keeps its label
    with sqlite3.connect(path) as connection:
        assert connection.execute(
            "select label_override from comment where platform_id = 'sticker'"
        ).fetchall() == [("negative",)]
