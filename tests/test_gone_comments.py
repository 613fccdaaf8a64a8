"""A page's `gone_comments`: stored comments the platform no longer shows are marked deleted, never
inserted, in the page's transaction; on a real SQLite file and a real PostgreSQL."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler
from typing import Any
from urllib.parse import urlsplit

import pytest
from fake_platform import serve_json
from sqlalchemy import select

from socialmon.config import BrandConfig, ChannelConfig, ResolvedChannel
from socialmon.database import open_database
from socialmon.models import Comment, ScanRun
from socialmon.scan import run_scan
from socialmon.sentiment import get_scorer
from socialmon.storage import PageResult, Store
from socialmon_connectors.base import ChannelContext
from socialmon_connectors.google_reviews import GoogleReviewsConnector, GoogleReviewsSettings
from socialmon_connectors.records import MAX_ID_LENGTH, CommentRecord, Page

BRAND = BrandConfig(name="Hostal Quitumbe", timezone="America/Guayaquil", language="es")
CHANNEL = ChannelConfig(name="resenas", platform="google_reviews", account="locations/31")
OTHER = ChannelConfig(name="otro-local", platform="google_reviews", account="locations/32")
ASKED = datetime(2026, 2, 3, 15, tzinfo=UTC)
ANSWERED = ASKED + timedelta(hours=3)


def review(rid: str, *, replies: int) -> CommentRecord:
    return CommentRecord(
        kind="review",
        platform_id=rid,
        author_name="Marisol T.",
        text="La ducha no tenía agua caliente",
        rating=2,
        created_at=ASKED,
        reply_count=replies,
    )


def reply(
    rid: str, text: str = "Disculpe, ya arreglamos el calefón", at: datetime = ANSWERED
) -> CommentRecord:
    return CommentRecord(
        platform_id=f"{rid}/reply",
        parent_id=rid,
        is_business=True,
        text=text,
        created_at=at,
        created_at_is_last_change=True,
    )


@pytest.fixture
def store(database_url: str) -> Iterator[Store]:
    database = open_database(database_url)
    yield Store(database, get_scorer("vader"))
    database.dispose()


def stored(store: Store) -> dict[str, dict[str, Any]]:
    with store.database.read() as connection:
        rows = connection.execute(select(Comment.__table__)).mappings().all()
    return {(row["channel_id"], row["platform_id"]): dict(row) for row in rows}


def counts(result: PageResult) -> tuple[int, int, int, int]:
    return (result.new_posts, result.updated_posts, result.new_comments, result.updated_comments)


def test_a_removed_reply_is_marked_deleted_once_and_keeps_what_it_said(store: Store) -> None:
    channel = store.sync_channel(BRAND, CHANNEL).id
    store.save_page(channel, Page(comments=[review("r1", replies=1), reply("r1")]))
    before = stored(store)

    removed = store.save_page(
        channel, Page(comments=[review("r1", replies=0)], gone_comments=["r1/reply"], cursor={"n": 2})
    )
    after = stored(store)
    # The review changed (reply_count 0) and its reply was marked: two updates, each counted once.
    assert counts(removed) == (0, 0, 0, 2)
    answer = after[(channel, "r1/reply")]
    assert answer["deleted"] is True
    # What the business said, who said it and when stay on record (_KEPT_ON_DELETION).
    kept = ("text", "is_business", "created_at", "parent_platform_id", "sentiment_label")
    assert {name: answer[name] for name in kept} == {
        name: before[(channel, "r1/reply")][name] for name in kept
    }
    the_review = after[(channel, "r1")]
    assert (the_review["text"], the_review["rating"], the_review["deleted"], the_review["reply_count"]) == (
        "La ducha no tenía agua caliente",
        2,
        False,
        0,
    )
    assert store.cursor(channel) == {"n": 2}  # in the page's transaction, with its cursor

    again = store.save_page(channel, Page(comments=[review("r1", replies=0)], gone_comments=["r1/reply"]))
    assert counts(again) == (0, 0, 0, 0)  # already marked: nothing written, nothing counted
    assert stored(store) == after


def test_a_comment_never_stored_is_not_inserted(store: Store) -> None:
    channel = store.sync_channel(BRAND, CHANNEL).id
    result = store.save_page(channel, Page(comments=[review("r2", replies=0)], gone_comments=["r2/reply"]))
    assert counts(result) == (0, 0, 1, 0)
    assert list(stored(store)) == [(channel, "r2")]


def test_only_the_pages_own_channel_is_touched(store: Store) -> None:
    channel = store.sync_channel(BRAND, CHANNEL).id
    other = store.sync_channel(BRAND, OTHER).id
    store.save_page(channel, Page(comments=[review("r1", replies=1), reply("r1")]))
    store.save_page(other, Page(comments=[review("r1", replies=1), reply("r1")]))
    result = store.save_page(other, Page(gone_comments=["r1/reply"]))
    assert counts(result) == (0, 0, 0, 1)
    comments = stored(store)
    assert comments[(other, "r1/reply")]["deleted"] is True
    assert comments[(channel, "r1/reply")]["deleted"] is False


def test_a_reply_that_comes_back_is_shown_again(store: Store) -> None:
    channel = store.sync_channel(BRAND, CHANNEL).id
    store.save_page(channel, Page(comments=[review("r1", replies=1), reply("r1")]))
    store.save_page(channel, Page(comments=[review("r1", replies=0)], gone_comments=["r1/reply"]))

    # The very same reply (same text, same time) is listed again: it is undeleted, not left as
    # marked because nothing else about it changed.
    back = store.save_page(channel, Page(comments=[review("r1", replies=1), reply("r1")]))
    assert counts(back) == (0, 0, 0, 2)
    assert stored(store)[(channel, "r1/reply")]["deleted"] is False
    assert counts(store.save_page(channel, Page(comments=[review("r1", replies=1), reply("r1")]))) == (0,) * 4

    # Removed again, then a new answer written weeks later: shown, with its new words.
    store.save_page(channel, Page(comments=[review("r1", replies=0)], gone_comments=["r1/reply"]))
    later = ANSWERED + timedelta(days=20)
    store.save_page(
        channel, Page(comments=[review("r1", replies=1), reply("r1", "Le esperamos de nuevo", later)])
    )
    answer = stored(store)[(channel, "r1/reply")]
    assert (answer["deleted"], answer["text"]) == (False, "Le esperamos de nuevo")


def test_a_record_in_the_same_page_wins_over_its_gone_id(store: Store) -> None:
    channel = store.sync_channel(BRAND, CHANNEL).id
    store.save_page(channel, Page(comments=[review("r1", replies=1), reply("r1")]))
    result = store.save_page(channel, Page(comments=[reply("r1")], gone_comments=["r1/reply"]))
    assert counts(result) == (0, 0, 0, 0)
    assert stored(store)[(channel, "r1/reply")]["deleted"] is False


def test_pages_of_one_channel_written_together_are_applied_in_order(store: Store) -> None:
    channel = store.sync_channel(BRAND, CHANNEL).id
    store.save_page(
        channel, Page(comments=[review("r1", replies=1), reply("r1"), review("r2", replies=1), reply("r2")])
    )
    scorer = store.scorer

    def prepared(page: Page) -> tuple[Any, list[Any]]:
        ready = store.prepare_page(channel, page)
        return ready, scorer.score_many(ready.texts_to_score, "es")

    # r1: gone, then listed again (the later page wins: shown); r2: listed, then gone (deleted).
    first = prepared(Page(comments=[reply("r2")], gone_comments=["r1/reply"], cursor={"n": 1}))
    second = prepared(Page(comments=[reply("r1")], gone_comments=["r2/reply"], cursor={"n": 2}))
    results = store.write_pages([first, second])
    comments = stored(store)
    assert (comments[(channel, "r1/reply")]["deleted"], comments[(channel, "r2/reply")]["deleted"]) == (
        False,
        True,
    )
    assert [counts(result) for result in results] == [(0, 0, 0, 0), (0, 0, 0, 1)]
    assert store.cursor(channel) == {"n": 2}


def test_many_gone_ids_are_looked_up_in_batches_and_odd_ids_are_ignored(store: Store) -> None:
    channel = store.sync_channel(BRAND, CHANNEL).id
    replies = [reply(f"r{i}") for i in range(0, 1300, 100)]  # 13 stored replies among 1,300 ids
    store.save_page(channel, Page(comments=replies))
    gone = [f"r{i}/reply" for i in range(1300)]
    # Ids no stored comment can have: too long for the column, a NUL (which PostgreSQL refuses in a
    # query), a lone surrogate; ignored, not a failed page.
    gone += ["x" * (MAX_ID_LENGTH + 1), "r0/reply\x00", "r\ud800", ""]
    result = store.save_page(channel, Page(gone_comments=gone, cursor={"n": 9}))
    assert counts(result) == (0, 0, 0, len(replies))
    comments = stored(store)
    assert len(comments) == len(replies)
    assert all(row["deleted"] for row in comments.values())
    assert store.cursor(channel) == {"n": 9}


# --- the real scan: the Google connector against a Business Profile stand-in on 127.0.0.1 --------------


class ReviewsServer:
    """Serves one location's reviews (`reviews.list`'s shape) as `self.reviews` says at each request."""

    def __init__(self) -> None:
        self.reviews: list[dict[str, Any]] = []
        self.paths: list[str] = []
        self.server = serve_json(self.respond)

    def respond(self, handler: BaseHTTPRequestHandler) -> tuple[int, Any, dict[str, str]]:
        self.paths.append(urlsplit(handler.path).path)
        return 200, {"reviews": self.reviews, "averageRating": 4.5, "totalReviewCount": len(self.reviews)}, {}

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/v4"


def google_review(rid: str, comment: str, **fields: Any) -> dict[str, Any]:
    return {
        "name": f"accounts/77/locations/31/reviews/{rid}",
        "reviewId": rid,
        "reviewer": {"displayName": "Marisol T.", "isAnonymous": False},
        "starRating": "TWO",
        "comment": comment,
        "createTime": "2026-02-03T15:00:00.123456789Z",
        "updateTime": "2026-02-03T15:00:00.123456789Z",
        **fields,
    }


def scan_once(database_url: str, url: str) -> tuple[Any, dict[tuple[int, str], dict[str, Any]], Any]:
    settings = GoogleReviewsSettings(
        account_id="accounts/77", access_token="ya29.GONEtest", base_url=url, retry_backoff=0
    )
    channel = ResolvedChannel(
        brand=BRAND,
        channel=CHANNEL,
        connector_class=GoogleReviewsConnector,
        settings=settings,
        context=ChannelContext(brand=BRAND.slug, channel=CHANNEL.name, account=CHANNEL.account),
    )
    database = open_database(database_url)
    try:
        store = Store(database, get_scorer("vader"))
        [outcome] = asyncio.run(run_scan([channel], store, concurrency=1, scoring_workers=1))
        with database.read() as connection:
            run = connection.execute(
                select(ScanRun.__table__).order_by(ScanRun.__table__.c.id.desc())
            ).first()
        return outcome, stored(store), run
    finally:
        database.dispose()


def test_a_scan_marks_a_removed_google_reply_deleted_and_shows_it_again_when_rewritten(
    database_url: str,
) -> None:
    google = ReviewsServer()
    try:
        answer = {"comment": "Disculpe, ya arreglamos el calefón", "updateTime": "2026-02-03T18:00:00Z"}
        answered = google_review("q1", "La ducha no tenía agua caliente", reviewReply=answer)
        unanswered = {key: value for key, value in answered.items() if key != "reviewReply"}
        never = google_review("q2", "Buena ubicación", starRating="FOUR")
        outcomes = []
        for reviews in ([answered, never], [unanswered, never], [unanswered, never], [answered, never]):
            google.reviews = reviews
            outcomes.append(scan_once(database_url, google.url))
    finally:
        google.server.shutdown()
    assert set(google.paths) == {"/v4/accounts/77/locations/31/reviews"}
    (first, before, _), (removed, after, run), (again, _, _), (back, shown, _) = outcomes
    channel = next(iter(before))[0]
    assert sorted(platform_id for _, platform_id in after) == ["q1", "q1/reply", "q2"]  # none made up
    assert (before[(channel, "q1/reply")]["deleted"], after[(channel, "q1/reply")]["deleted"]) == (
        False,
        True,
    )
    assert after[(channel, "q1/reply")]["text"] == "Disculpe, ya arreglamos el calefón"
    unchanged = ("text", "rating", "deleted", "created_at", "sentiment_label")
    assert {k: after[(channel, "q1")][k] for k in unchanged} == {
        k: before[(channel, "q1")][k] for k in unchanged
    }
    # What the scan summary adds up: the review (its reply count) and its reply, once each, as the run says.
    assert [o.status for o in (first, removed, again, back)] == ["ok"] * 4
    assert [(o.result.new_comments, o.result.updated_comments) for o in (first, removed, again, back)] == [
        (3, 0),
        (0, 2),
        (0, 0),
        (0, 2),
    ]
    assert (run.new_comments, run.updated_comments) == (0, 2)
    assert shown[(channel, "q1/reply")]["deleted"] is False
