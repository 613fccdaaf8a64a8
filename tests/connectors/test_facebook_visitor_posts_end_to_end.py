"""Visitor posts end to end: `socialmon scan` (the real CLI, in process, respx answering as Graph) into
a real database, then `pending` and `report` as JSON. A customer's post on the Page that the Page has
not answered waits, exactly as a customer's comment does; the one the Page commented on is answered,
and timed. A database the `/posts` listing filled keeps every row once when the channel turns visitor
posts on. The fixtures are those of tests/connectors/test_facebook_visitor_posts.py.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import respx
from conformance import fixture
from helpers import write_config
from sqlalchemy import create_engine, text
from typer.testing import CliRunner, Result

from socialmon.cli import app

BASE = "https://graph.facebook.com/v25.0"
PAGE = "204512345678902"
TOKEN = "EAABvisitorE2E456"
UNANSWERED = f"{PAGE}_310000000000004"
OWN = f"{PAGE}_310000000000003"
ANSWERED = f"{PAGE}_310000000000002"
WITHHELD = f"{PAGE}_310000000000001"
REPLIED = f"{PAGE}_300000000000009"
OLDER_OWN = f"{PAGE}_300000000000008"
MARCH = ["--since", "2026-03-01", "--until", "2026-03-31"]


def feed(name: str) -> dict[str, Any]:
    return fixture(f"facebook_visitor/{name}")


def channel(*, visitor_posts: bool) -> str:
    return (
        f'[[brands.channels]]\nname = "fb"\nplatform = "facebook"\naccount = "{PAGE}"\n'
        f'access_token = "${{FB_TOKEN}}"\nretry_backoff = 0\nvisitor_posts = {str(visitor_posts).lower()}\n'
    )


def feed_routes(router: respx.MockRouter) -> None:
    router.get(f"/{PAGE}/feed", params={"after": "RkVFRDI"}).respond(json=feed("feed_2.json"))
    router.get(f"/{PAGE}/feed").respond(json=feed("feed_1.json"))
    router.get(f"/{REPLIED}/comments", params={"after": "NzAx"}).respond(json=feed("replied_comments_2.json"))


def posts_routes(router: respx.MockRouter) -> None:
    router.get(f"/{PAGE}/posts").respond(json=feed("posts_own.json"))


def refused_routes(router: respx.MockRouter) -> None:
    router.get(f"/{PAGE}/feed").respond(400, json=feed("feed_refused.json"))
    posts_routes(router)


def scan(
    config: Path, routes: Callable[[respx.MockRouter], None], *database: str, every_route: bool = True
) -> Result:
    with respx.mock(base_url=BASE, assert_all_mocked=True, assert_all_called=every_route) as router:
        routes(router)
        return CliRunner().invoke(app, ["scan", "--config", str(config), *database])


def brand_json(config: Path, *command: str) -> dict[str, Any]:
    result = CliRunner().invoke(app, [*command, "-f", "json", "--config", str(config)])
    assert result.exit_code == 0, result.output
    [brand] = json.loads(result.output)["brands"]
    return brand


@pytest.fixture(autouse=True)
def token(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FB_TOKEN", TOKEN)


def test_pending_and_the_report_list_the_unanswered_visitor_posts_as_waiting_and_time_the_answered_one(
    tmp_path: Path,
) -> None:
    config = write_config(tmp_path, channels=channel(visitor_posts=True))
    scanned = scan(config, feed_routes)
    assert scanned.exit_code == 0, scanned.output

    waiting = brand_json(config, "pending")["needs_reply"]["items"]
    # Oldest first: Ana's complaint (the Page replied to her follow-up only) and María's question.
    assert [item["id"] for item in waiting] == [REPLIED, UNANSWERED]
    ana, maria = waiting
    assert (maria["author"], maria["channel"]) == ("María Paz", "fb")
    assert maria["text"].startswith("Pedí una torta") and maria["url"].endswith("/posts/310000000000004")
    assert ana["label"] == "negative"  # scored as any customer comment: "llegó incompleto 😡"

    report = brand_json(config, "report", *MARCH)
    assert report["needs_reply"]["total"] == 2
    overall = report["response_times"]["overall"]
    # Customer messages of March: the three visitor posts, Rosa's comment, Ana's follow-up. Answered:
    # Jorge's post (the Page's comment 45 min later), Rosa's (68 min) and Ana's follow-up (25 min).
    assert (overall["comments"], overall["answered"]) == (5, 3)
    assert overall["median_minutes"] == 45

    with create_engine(f"sqlite:///{tmp_path / 'socialmon.db'}").connect() as db:
        customers_posts = db.execute(text("SELECT platform_id FROM post WHERE NOT is_business")).scalars()
        assert sorted(customers_posts) == sorted([UNANSWERED, ANSWERED, REPLIED])
        assert db.execute(
            text("SELECT is_business FROM post WHERE platform_id = :p"), {"p": WITHHELD}
        ).scalar()


def rows(url: str, sql: str) -> list[tuple[Any, ...]]:
    engine = create_engine(url)
    try:
        with engine.connect() as db:
            return [tuple(row) for row in db.execute(text(sql))]
    finally:
        engine.dispose()


def test_a_database_the_posts_listing_filled_keeps_every_row_once_when_visitor_posts_are_turned_on(
    tmp_path: Path, database_url: str
) -> None:
    database = ("--database", database_url)
    before = write_config(tmp_path, channels=channel(visitor_posts=False))
    assert scan(before, posts_routes, *database).exit_code == 0
    comments_before = rows(database_url, "SELECT id, platform_id, text FROM comment ORDER BY platform_id")
    assert [platform_id for _, platform_id, _ in comments_before] == [
        "310000000000003_501",
        "310000000000003_502",
    ]

    after = write_config(tmp_path, channels=channel(visitor_posts=True))
    for first in (True, False):  # the switch reads the whole feed once; the next scan its look-back window
        scanned = scan(after, feed_routes, *database, every_route=first)
        assert scanned.exit_code == 0, scanned.output
        posts = rows(database_url, "SELECT platform_id FROM post")
        comments = rows(database_url, "SELECT id, platform_id, text FROM comment ORDER BY platform_id")
        assert sorted(p for (p,) in posts) == sorted(
            [OWN, OLDER_OWN, UNANSWERED, ANSWERED, WITHHELD, REPLIED]
        )
        assert [platform_id for _, platform_id, _ in comments] == sorted(
            [
                "310000000000003_501",
                "310000000000003_502",
                UNANSWERED,
                ANSWERED,
                REPLIED,
                "310000000000002_601",
                "300000000000009_701",
                "300000000000009_702",
            ]
        )
        assert set(comments_before) <= set(comments)  # the rows stored before, untouched
    cursor = rows(database_url, "SELECT cursor FROM channel")[0][0]
    cursor = json.loads(cursor) if isinstance(cursor, str) else cursor
    assert cursor["listing"] == "feed"


def test_a_token_without_the_permission_reads_the_pages_posts_and_says_what_to_grant_in_spanish(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOCIALMON_LANG", "es")
    config = write_config(tmp_path, channels=channel(visitor_posts=True))
    scanned = scan(config, refused_routes)
    assert scanned.exit_code == 1, scanned.output  # partial
    said = " ".join(scanned.output.split())
    assert "solo se leyeron las publicaciones propias de la página" in said
    assert "conceda a la app el permiso pages_read_user_content" in said
    assert TOKEN not in scanned.output
    monkeypatch.setenv("SOCIALMON_LANG", "en")
    assert brand_json(config, "pending")["needs_reply"]["items"] == []  # Rosa was answered
    assert sorted(
        p for (p,) in rows(f"sqlite:///{tmp_path / 'socialmon.db'}", "SELECT platform_id FROM post")
    ) == [
        OLDER_OWN,
        OWN,
    ]
