"""`socialmon scan` (the real CLI, a real SQLite file) against a fake Graph API that misbehaves.

Each standing fault of the fake server (a cursor loop, an endless listing, a trickled body,
an error body with markup, terminal escapes and the token in it) ends the channel failed or
partial, named, never `ok`; nothing is printed raw; and the channel recovers when the
platform does.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from fake_platform import FakeGraph
from helpers import run_cli, write_config

SECRET = "SECRETtok987"


def channel(base_url: str, **extra: object) -> str:
    options = "".join(f"{key} = {json.dumps(value)}\n" for key, value in extra.items())
    return (
        '[[brands.channels]]\nname = "fb"\nplatform = "facebook"\naccount = "777"\n'
        f'access_token = "${{FB_TOKEN}}"\nbase_url = "{base_url}"\nretry_backoff = 0.01\npage_size = 5\n'
        f"{options}\n"
    )


def rows(database: Path, sql: str) -> list[tuple]:
    with sqlite3.connect(database) as db:
        return db.execute(sql).fetchall()


def watermark_finished(database: Path) -> bool:
    [(cursor,)] = rows(database, "select cursor from channel")
    return cursor is not None and "run" not in json.loads(cursor)


@pytest.mark.slow
def test_a_cursor_loop_fails_the_channel_and_the_next_scan_reads_the_rest(tmp_path: Path) -> None:
    with FakeGraph(comment_page=5) as graph:
        graph.add_page("777", token=SECRET, posts=30, comments_per_post=2)
        graph.misbehave("777", "cursor_loop")
        config = write_config(tmp_path, channels=channel(graph.url))
        first = run_cli("scan", "--config", str(config), env={"FB_TOKEN": SECRET})
        database = tmp_path / "socialmon.db"
        after_first = rows(database, "select count(*) from post")
        finished_first = watermark_finished(database)
        graph.misbehave("777", None)
        second = run_cli("scan", "--config", str(config), env={"FB_TOKEN": SECRET})

    assert first.returncode == 1, first.stderr
    assert "cafe/fb: FAILED: ListingCutShort" in first.stderr
    assert "repeated a page cursor" in first.stderr
    assert after_first == [(15,)] and not finished_first
    assert second.returncode == 0, second.stderr
    assert rows(database, "select count(*) from post") == [(30,)]
    assert rows(database, "select last_status from channel") == [("ok",)]


@pytest.mark.slow
def test_an_endless_listing_stops_at_the_cap_and_ends_partial(tmp_path: Path) -> None:
    with FakeGraph() as graph:
        graph.add_page("777", token=SECRET, posts=3)
        graph.misbehave("777", "endless")
        config = write_config(tmp_path, channels=channel(graph.url, max_pages_per_scan=8))
        result = run_cli("scan", "--config", str(config), env={"FB_TOKEN": SECRET})

    assert result.returncode == 1, result.stderr
    assert "cafe/fb: PARTIAL" in result.stderr and "max_pages_per_scan" in result.stderr
    database = tmp_path / "socialmon.db"
    assert rows(database, "select count(*) from post") == [(40,)]
    assert rows(database, "select last_status from channel") == [("partial",)]
    assert not watermark_finished(database)


@pytest.mark.slow
def test_a_trickled_body_is_cut_off_at_the_request_deadline(tmp_path: Path) -> None:
    with FakeGraph() as graph:
        graph.add_page("777", token=SECRET, posts=3)
        graph.misbehave("777", "trickle")  # a few hundred bytes at 4 bytes a second: minutes
        config = write_config(tmp_path, channels=channel(graph.url, timeout=5, request_deadline=1.5))
        result = run_cli("scan", "--config", str(config), env={"FB_TOKEN": SECRET})

    assert result.returncode == 1, result.stderr
    assert "cafe/fb: FAILED" in result.stderr and "request_deadline" in result.stderr


@pytest.mark.slow
def test_an_error_body_with_markup_escapes_and_the_token_is_printed_safely(tmp_path: Path) -> None:
    with FakeGraph() as graph:
        graph.add_page("777", token=SECRET, posts=3)
        graph.misbehave("777", "hostile_error")
        config = write_config(tmp_path, channels=channel(graph.url))
        result = run_cli("scan", "--config", str(config), env={"FB_TOKEN": SECRET})

    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    assert "Traceback" not in output
    assert "cafe/fb: FAILED" in result.stderr
    assert "Invalid [/] request" in output  # markup printed as the text it is
    assert "\x1b" not in output and "\u202e" not in output and "\x07" not in output
    assert SECRET not in output
    stored = rows(tmp_path / "socialmon.db", "select last_error from channel")[0][0]
    assert SECRET not in stored
