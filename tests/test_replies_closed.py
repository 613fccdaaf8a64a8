"""Comments under a post nobody can reply under any more (`post.replies_closed`) wait for no answer.

Instagram media whose comments the account turned off (tests/connectors/test_instagram_comments_off_stored.py),
a Reddit post `locked` (to an app that may not moderate it: `can_mod_post`) or `archived`: a
customer's comment there never answered was listed as waiting forever (`pending`, the report's
needs-reply list, the `waiting` alert). It stays stored and scored, and counts, unanswered, in the
response rate and in the sentiment figures; it is no longer listed as waiting, and a waiting alert
about it closes. The post's mark follows the platform at every listing: a post opened again takes
replies again. Reddit's shapes (`t3`, `t1`, `Listing`) are written for these tests; the posts,
comments and accounts are invented.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import reddit_things
import respx
from alerts.helpers_alerts import NOW, ago, alerts, comment_id, members, run_rules
from analytics.seeding import Seed, seed
from helpers import write_config
from reddit_things import OPEN, UNMODERATED, listing, permalink
from sqlalchemy import select, text, update
from typer.testing import CliRunner

from socialmon.analytics import build_report
from socialmon.cli import app
from socialmon.config import BrandConfig, ChannelConfig, ReportOptions
from socialmon.database import Database, open_database
from socialmon.sentiment import get_scorer
from socialmon.storage import Store, _post_row
from socialmon.tables import POST
from socialmon_connectors.records import Page, PostRecord
from socialmon_connectors.reddit import parse_submission

__all__ = ["seed"]

PREVIOUS_HEAD = "0014_long_destinations"

# --- the stored mark -----------------------------------------------------------------------------

MEDIA = PostRecord(
    platform_id="18011122233",
    author_id="17841400000008801",
    author_name="cafe.uno",
    text="Brunch de domingo",
    url="https://www.instagram.com/p/C8xYz12AbCd/",
    created_at=datetime(2026, 1, 5, 12, 30, tzinfo=UTC),
    like_count=31,
    comment_count=2,
)
CHAT = PostRecord(
    platform_id="c1",
    kind="conversation",
    is_business=False,
    author_name="Ana",
    created_at=datetime(2026, 1, 5, 12, 30, tzinfo=UTC),
)


def test_a_post_that_takes_replies_keeps_the_hash_stored_before_so_a_scan_does_not_rewrite_it() -> None:
    # The hashes the version before `replies_closed` stored for these records.
    assert _post_row(MEDIA)["record_hash"] == "03921da60519ce6ee08fc9ca97cc6b893fa640a1"
    assert _post_row(CHAT)["record_hash"] == "520e29a44442d02fb7fb29ac32fc21f4c8743874"
    closed = _post_row(MEDIA.model_copy(update={"replies_closed": True}))
    assert closed["replies_closed"] is True and closed["record_hash"] != _post_row(MEDIA)["record_hash"]


@pytest.fixture
def store(database_url: str) -> Any:
    database = open_database(database_url)
    yield Store(database, get_scorer("vader"))
    database.dispose()


def stored_closed(database: Database) -> dict[str, bool]:
    with database.read() as connection:
        rows = connection.execute(select(POST.c.platform_id, POST.c.replies_closed)).all()
    return {row.platform_id: row.replies_closed for row in rows}


def test_a_post_closing_and_opening_again_is_an_update_and_a_post_unchanged_is_not(store: Store) -> None:
    channel = store.sync_channel(
        BrandConfig(name="Café Uno"), ChannelConfig(name="ig", platform="file", account="cafe")
    )
    closed = MEDIA.model_copy(update={"replies_closed": True})
    steps = [(MEDIA, 1, 0, False), (MEDIA, 0, 0, False), (closed, 0, 1, True), (closed, 0, 0, True)]
    steps.append((MEDIA, 0, 1, False))
    for record, new, updated, flag in steps:
        result = store.save_page(channel.id, Page(posts=[record]))
        assert (result.new_posts, result.updated_posts) == (new, updated)
        assert stored_closed(store.database) == {MEDIA.platform_id: flag}


@pytest.mark.empty_schema
def test_a_database_at_the_previous_revision_upgrades_keeping_its_posts_taking_replies(
    database_url: str,
) -> None:
    from alembic import command

    database = Database(database_url)
    try:
        with database.write() as connection:
            command.upgrade(database._alembic_config(connection), PREVIOUS_HEAD)
            # As the previous version wrote them: no `replies_closed` column yet.
            connection.execute(
                text(
                    "INSERT INTO brand (slug, name, timezone, language, response_sla_minutes) "
                    "VALUES ('cafe', 'Café', 'UTC', 'es', 60)"
                )
            )
            connection.execute(
                text(
                    "INSERT INTO channel (brand_id, name, platform, account) VALUES (1, 'ig', 'instagram', 'a')"
                )
            )
            connection.execute(
                text(
                    "INSERT INTO post (channel_id, platform_id, kind, is_business, text, created_at, deleted, "
                    "record_hash, first_seen_at, updated_at) VALUES (1, 'm1', 'post', :t, 'Brunch', :at, :f, "
                    "'h', :at, :at)"
                ),
                {"t": True, "f": False, "at": NOW - timedelta(days=2)},
            )
            connection.execute(
                text(
                    "INSERT INTO comment (channel_id, platform_id, kind, post_platform_id, author_id, "
                    "is_business, text, created_at, deleted, record_hash, sentiment_label, first_seen_at, "
                    "updated_at) VALUES (1, 'c1', 'comment', 'm1', 'u1', :f, '¿Abren el lunes?', :at, :f, "
                    "'h', 'neutral', :at, :at)"
                ),
                {"f": False, "at": NOW - timedelta(days=1)},
            )

        before = database.upgrade()

        assert before is not None and before.current == PREVIOUS_HEAD and database.schema_status().up_to_date
        assert stored_closed(database) == {"m1": False}
        brand = BrandConfig(name="Café", slug="cafe")
        report = build_report(database, brand, ReportOptions(), view="pending", now=NOW)
        assert report.needs_reply is not None
        assert [item.platform_id for item in report.needs_reply.items] == ["c1"]
    finally:
        database.dispose()


# --- the report and `pending` --------------------------------------------------------------------


def test_the_report_lists_no_comment_of_a_closed_post_and_still_counts_it(seed: Seed) -> None:
    brand = seed.brand("cafe", response_sla="2h")
    fb = seed.channel(platform="instagram")
    seed.post(fb, "open", ago(days=3))
    seed.post(fb, "closed", ago(days=3), replies_closed=True)
    seed.comment(fb, "waits", ago(days=2), post="open", label="negative")
    seed.comment(fb, "shut-out", ago(days=2), post="closed", label="negative")
    seed.comment(fb, "answered", ago(days=2), post="closed", label="positive")
    seed.comment(fb, "reply", ago(days=1), post="closed", parent="answered", business=True)

    report = build_report(seed.database, brand, ReportOptions(), since=NOW - timedelta(days=7), now=NOW)

    pending = report.needs_reply
    assert pending is not None and [item.platform_id for item in pending.items] == ["waits"]
    assert (pending.total, pending.negative, pending.over_sla) == (1, 1, 1)
    overall = report.response_times.overall  # type: ignore[union-attr]
    assert (overall.comments, overall.answered) == (3, 1)  # "shut-out" still counts, unanswered
    assert sum(period.negative for period in report.trend.periods) == 2  # type: ignore[union-attr]
    listed = build_report(seed.database, brand, ReportOptions(), view="pending", now=NOW).needs_reply
    assert listed is not None and [item.platform_id for item in listed.items] == ["waits"]


# --- the waiting alert ---------------------------------------------------------------------------


def test_the_waiting_alert_passes_over_a_closed_post_and_closes_when_its_post_closes(seed: Seed) -> None:
    brand = seed.brand("cafe", response_sla="2h")
    fb = seed.channel(platform="reddit")
    seed.post(fb, "open", ago(hours=10))
    seed.post(fb, "locked", ago(hours=10), replies_closed=True)
    seed.comment(fb, "waits", ago(hours=5), post="open", label="negative")
    seed.comment(fb, "shut-out", ago(hours=4), post="locked", label="negative")

    run_rules(seed.database, brand)
    (wave,) = alerts(seed.database, "waiting")
    assert members(wave) == [comment_id(seed, "waits")]

    with seed.database.write() as connection:  # its post is locked too, by the next scan
        connection.execute(update(POST).where(POST.c.platform_id == "open").values(replies_closed=True))
    later = run_rules(seed.database, brand, now=NOW + timedelta(minutes=15))
    (wave,) = alerts(seed.database, "waiting")
    assert later.resolved == 1 and wave["resolved_at"] is not None and later.created == []


def test_a_comment_passed_over_is_judged_again_when_its_post_opens_again(seed: Seed) -> None:
    brand = seed.brand("cafe", response_sla="2h")
    fb = seed.channel(platform="instagram")
    seed.post(fb, "media", ago(hours=10), replies_closed=True)
    seed.comment(fb, "shut-out", ago(hours=4), post="media", label="negative")
    run_rules(seed.database, brand)
    assert alerts(seed.database, "waiting") == []

    with seed.database.write() as connection:  # comments turned back on: only the post is written
        connection.execute(update(POST).where(POST.c.platform_id == "media").values(replies_closed=False))
    run_rules(seed.database, brand, now=NOW + timedelta(minutes=15))
    (wave,) = alerts(seed.database, "waiting")
    assert members(wave) == [comment_id(seed, "shut-out")]


# --- Reddit: locked and archived posts, scanned ---------------------------------------------------

SUB = "panaderia_espiga"
POST_ID = "1k7w3qa"
CHANNEL = (
    f'[[brands.channels]]\nname = "reddit"\nplatform = "reddit"\naccount = "r/{SUB}"\n'
    f'username = "{SUB}"\nretry_backoff = 0\n'
)


def t3(posted: datetime, **fields: Any) -> dict[str, Any]:
    shown = {"subreddit": SUB, "subreddit_type": "public", "title": "Pan de yuca recién salido"}
    shown |= {"selftext": "Hasta las 11.", "author": SUB, "author_fullname": "t2_espiga"}
    shown |= {"created_utc": posted.timestamp(), "num_comments": 3, "score": 14, **OPEN}
    shown |= {"can_mod_post": False, **UNMODERATED, "removed_by_category": None}
    shown |= {"permalink": permalink(SUB, POST_ID, "pan_de_yuca")}
    return reddit_things.t3(POST_ID, **(shown | fields))


def t1(
    cid: str, author: str, body: str, written: datetime, parent: str = f"t3_{POST_ID}", **fields: Any
) -> Any:
    shown = {"subreddit": SUB, "author_fullname": f"t2_{author}", "created_utc": written.timestamp()}
    shown |= {"score": 1, **UNMODERATED, **OPEN, "can_mod_post": False, "is_submitter": author == SUB}
    shown |= {"permalink": permalink(SUB, POST_ID, "pan_de_yuca", cid)}
    return reddit_things.t1(cid, author, body, post=POST_ID, parent=parent, **(shown | fields))


def thread(posted: datetime, post: dict[str, Any]) -> list[dict[str, Any]]:
    answer = t1("mq2ab03", SUB, "¡Sí, desde las 7!", posted + timedelta(hours=3), parent="t1_mq2ab02")
    return [
        listing(post),
        listing(
            t1("mq2ab01", "luis_m", "El pan llegó duro, qué decepción", posted + timedelta(hours=1)),
            t1(
                "mq2ab02", "ana_q", "¿Abren el domingo?", posted + timedelta(hours=2), replies=listing(answer)
            ),
        ),
    ]


def scan(config: Path, posted: datetime, **post_fields: Any) -> None:
    post = t3(posted, **post_fields)
    with respx.mock(
        base_url="https://www.reddit.com", assert_all_mocked=True, assert_all_called=False
    ) as reddit:
        reddit.get(f"/r/{SUB}/new.json").respond(json=listing(post))
        reddit.get(f"/comments/{POST_ID}.json").respond(json=thread(posted, post))
        result = CliRunner().invoke(app, ["scan", "-q", "--config", str(config)])
    assert result.exit_code == 0, result.output


def brand_json(config: Path, *command: str) -> dict[str, Any]:
    result = CliRunner().invoke(app, [*command, "-f", "json", "--config", str(config)])
    assert result.exit_code == 0, result.output
    [brand] = json.loads(result.output)["brands"]
    return brand


def waiting(config: Path) -> list[str]:
    return [item["id"] for item in brand_json(config, "pending")["needs_reply"]["items"]]


def test_a_reddit_post_locked_after_a_scan_leaves_its_comments_counted_and_not_waiting(
    tmp_path: Path,
) -> None:
    config = write_config(tmp_path, channels=CHANNEL)
    posted = datetime.now(UTC).replace(microsecond=0) - timedelta(days=2)
    scan(config, posted)
    assert waiting(config) == ["mq2ab01"]

    scan(config, posted, locked=True)  # a moderator locked it; the app is no moderator
    assert waiting(config) == []
    brand = brand_json(config, "report", "--since", "7d")
    assert brand["needs_reply"]["total"] == 0
    overall = brand["response_times"]["overall"]
    assert (overall["comments"], overall["answered"]) == (2, 1)  # the complaint, unanswered, counts
    assert sum(period["negative"] for period in brand["trend"]["periods"]) == 1

    scan(config, posted)  # unlocked: the business can answer it again
    assert waiting(config) == ["mq2ab01"]


def test_an_archived_reddit_post_a_first_scan_reads_leaves_no_comment_waiting(tmp_path: Path) -> None:
    config = write_config(tmp_path, channels=CHANNEL)
    posted = datetime.now(UTC).replace(microsecond=0) - timedelta(days=200)
    scan(config, posted, archived=True)  # a new channel reads the whole history: six months on, archived
    assert waiting(config) == []
    overall = brand_json(config, "report", "--since", "365d")["response_times"]["overall"]
    assert (overall["comments"], overall["answered"]) == (2, 1)


def test_a_locked_reddit_post_takes_replies_from_an_app_that_moderates_it() -> None:
    posted = datetime(2026, 3, 2, 15, tzinfo=UTC)
    closed = {
        (locked, archived, can_mod): parse_submission(
            t3(posted, locked=locked, archived=archived, can_mod_post=can_mod)["data"], frozenset({SUB})
        ).replies_closed
        for locked in (False, True)
        for archived in (False, True)
        for can_mod in (False, True)
    }
    # Archived: nobody comments, moderators neither. Locked: only a moderator (`can_mod_post`).
    assert [key for key, shut in closed.items() if not shut] == [
        (False, False, False),
        (False, False, True),
        (True, False, True),
    ]
