"""The rules on small hand-built data (SQLite and PostgreSQL): what fires, what does not, what closes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from alerts.helpers_alerts import NOW, ago, alerts, comment_id, iso, members, quoted, run_rules
from analytics.seeding import Seed
from sqlalchemy import insert, select, update

from socialmon.alerts import acknowledge, list_alerts
from socialmon.config import BusinessHours
from socialmon.labels import effective_label, set_label
from socialmon.models import Channel, ScanRun
from socialmon.tables import COMMENT

# --- waiting too long ----------------------------------------------------------------------------


def test_a_comment_waiting_past_the_sla_alerts_negative_ones_more_severely(seed: Seed) -> None:
    brand = seed.brand("cafe", response_sla="2h")
    fb = seed.channel()
    seed.comment(fb, "late-neg", ago(hours=3), label="negative")
    seed.comment(fb, "late-pos", ago(hours=5), label="positive")
    seed.comment(fb, "fresh", ago(hours=1), label="negative")  # within the SLA
    seed.comment(fb, "answered", ago(hours=6), label="negative")
    seed.comment(fb, "reply", ago(hours=5), parent="answered", business=True)

    run_rules(seed.database, brand)

    (wave,) = alerts(seed.database, "waiting")  # one wave: the day's late comments, negative first
    assert members(wave) == [comment_id(seed, "late-neg"), comment_id(seed, "late-pos")]
    assert wave["severity"] == "warning" and wave["facts"]["negative"] == 1 and wave["facts"]["count"] == 2
    facts = quoted(wave)[comment_id(seed, "late-neg")]
    assert facts["waited_minutes"] == 180 and wave["facts"]["sla_minutes"] == 120
    assert facts["url"].endswith("late-neg")


def test_the_rules_run_twice_make_one_alert_and_an_answer_closes_it(seed: Seed) -> None:
    brand = seed.brand("cafe", response_sla="2h")
    fb = seed.channel()
    seed.comment(fb, "c1", ago(hours=3), label="negative")

    first = run_rules(seed.database, brand)
    second = run_rules(seed.database, brand, now=NOW + timedelta(minutes=15))
    assert len(first.created) == 1 and second.created == []
    assert len(alerts(seed.database, "waiting")) == 1

    seed.comment(fb, "r1", iso(NOW + timedelta(minutes=20)), parent="c1", business=True)
    third = run_rules(seed.database, brand, now=NOW + timedelta(minutes=30))
    (alert,) = alerts(seed.database, "waiting")
    assert third.resolved == 1 and alert["resolved_at"] is not None
    assert list_alerts(seed.database) == []


def test_an_open_alert_closes_when_answered_even_after_its_comment_left_the_lookback(seed: Seed) -> None:
    brand = seed.brand("cafe", response_sla="2h", alerts={"waiting": {"lookback": "1d"}})
    fb = seed.channel()
    seed.comment(fb, "c1", ago(hours=20), label="negative")
    run_rules(seed.database, brand)
    seed.comment(fb, "r1", iso(NOW + timedelta(days=2)), parent="c1", business=True)
    run_rules(seed.database, brand, now=NOW + timedelta(days=3))
    (alert,) = alerts(seed.database, "waiting")
    assert alert["resolved_at"] is not None


def test_waiting_counts_business_hours_when_the_brand_declares_them(seed: Seed) -> None:
    hours = BusinessHours(monday="09:00-17:00", tuesday="09:00-17:00", wednesday="09:00-17:00",
                          thursday="09:00-17:00", friday="09:00-17:00")  # fmt: skip
    brand = seed.brand("cafe", response_sla="2h", business_hours=hours)  # UTC
    fb = seed.channel()
    seed.comment(fb, "friday-night", "2026-11-20 20:00", label="negative")
    monday_morning = datetime(2026, 11, 23, 10, 30, tzinfo=UTC)  # 58.5 h on the clock, 1.5 business hours
    assert alerts(seed.database) == [] and run_rules(seed.database, brand, now=monday_morning).created == []
    run_rules(seed.database, brand, now=monday_morning + timedelta(hours=1))
    (alert,) = alerts(seed.database, "waiting")
    assert alert["facts"]["comments"][0]["waited_minutes"] == 150 and alert["facts"]["business_hours"] is True


def test_a_persons_label_wins_over_the_scorer(seed: Seed) -> None:
    brand = seed.brand("cafe", response_sla="2h", alerts={"waiting": {"include": "negative"}})
    fb = seed.channel()
    seed.comment(fb, "scorer-says-negative", ago(hours=3), label="negative")
    seed.comment(fb, "person-says-negative", ago(hours=3), label="positive")
    set_label(seed.database, comment_id(seed, "scorer-says-negative"), "neutral")
    set_label(seed.database, comment_id(seed, "person-says-negative"), "negative")
    run_rules(seed.database, brand)
    (wave,) = alerts(seed.database, "waiting")
    assert members(wave) == [comment_id(seed, "person-says-negative")]


def test_a_reviews_stars_are_its_label_for_the_alerts_too(seed: Seed) -> None:
    brand = seed.brand("cafe", response_sla="2h", alerts={"waiting": {"include": "negative"}})
    fb = seed.channel()
    seed.comment(fb, "one-star-kind-words", ago(hours=3), label="positive", kind="review", rating=1)
    seed.comment(fb, "five-stars-harsh-words", ago(hours=3), label="negative", kind="review", rating=5)
    run_rules(seed.database, brand)
    (wave,) = alerts(seed.database, "waiting")
    assert members(wave) == [comment_id(seed, "one-star-kind-words")]
    # The rules' own label (spikes, watch-list quotes) is the same as the reports'.
    with seed.database.read() as connection:
        # The label is an expression on the commands' Core table of comments (socialmon.tables).
        labels = dict(connection.execute(select(COMMENT.c.platform_id, effective_label())).all())
    assert labels == {"one-star-kind-words": "negative", "five-stars-harsh-words": "positive"}


# --- watch-list ------------------------------------------------------------------------------------


def test_watch_list_words_match_without_accents_case_or_partial_words(seed: Seed) -> None:
    terms = ["estafa", "intoxicación", "refund"]
    brand = seed.brand("cafe", alerts={"watch_list": {"terms": terms}, "waiting": {"enabled": False}})
    fb = seed.channel()
    seed.comment(fb, "c1", ago(hours=1), text="Me dio INTOXICACION el ceviche")
    seed.comment(fb, "c2", ago(hours=1), text="¡Esto es una Estafa!")
    seed.comment(fb, "c3", ago(hours=1), text="I want a refund.")
    seed.comment(fb, "c4", ago(hours=1), text="They refunded me, thanks")  # not the word "refund"
    seed.comment(fb, "c5", ago(hours=1), text="Un estafador")  # not the word "estafa"
    seed.comment(fb, "c6", ago(hours=1), text="estafa", business=True)  # the business itself

    run_rules(seed.database, brand)

    (burst,) = alerts(seed.database, "watch-list")  # one burst: the day's comments with a listed word
    found = {i: c["terms"] for i, c in quoted(burst).items()}
    assert burst["facts"]["terms"] == ["estafa", "intoxicación", "refund"] and burst["facts"]["count"] == 3
    assert found == {
        comment_id(seed, "c1"): ["intoxicación"],
        comment_id(seed, "c2"): ["estafa"],
        comment_id(seed, "c3"): ["refund"],
    }


# --- heating up ------------------------------------------------------------------------------------


def test_a_negative_comment_gaining_likes_and_replies_fast_heats_up(seed: Seed) -> None:
    brand = seed.brand("cafe", alerts={"waiting": {"enabled": False}})
    fb = seed.channel()
    seed.comment(fb, "hot", ago(hours=2), label="negative", like_count=9)
    for i in range(3):  # replies by other customers, stored (no reply count from the platform)
        seed.comment(fb, f"hot-r{i}", ago(hours=1), parent="hot", label="neutral")
    seed.comment(fb, "slow", ago(hours=40), label="negative", like_count=15)  # 15 in 40 h: not fast
    seed.comment(fb, "liked", ago(hours=1), label="positive", like_count=50)  # not negative

    run_rules(seed.database, brand)

    (alert,) = [a for a in alerts(seed.database, "heating-up") if "comment_ids" in a["facts"]]
    assert members(alert) == [comment_id(seed, "hot")]
    hot = quoted(alert)[comment_id(seed, "hot")]
    assert (hot["likes"], hot["replies"]) == (9, 3)


def test_a_turn_heats_up_by_its_first_message_whatever_that_message_says(seed: Seed) -> None:
    """A turn is negative when any of its messages is, and its engagement is its first message's: a
    neutral first message gaining reactions fast heats up when a later message of the turn is negative."""
    brand = seed.brand("cafe", alerts={"waiting": {"enabled": False}})
    chat = seed.channel("wa", platform="whatsapp")
    seed.post(chat, "chat-a", ago(hours=3), kind="conversation")
    seed.comment(chat, "m1", ago(hours=1), post="chat-a", kind="message", label="neutral", like_count=12)
    seed.comment(chat, "m2", ago(minutes=50), post="chat-a", kind="message", label="negative")
    fb = seed.channel()  # a channel without conversations beside it
    seed.comment(fb, "calm", ago(hours=1), label="neutral", like_count=30)  # not negative: no alert

    run_rules(seed.database, brand)

    (alert,) = [a for a in alerts(seed.database, "heating-up") if "comment_ids" in a["facts"]]
    assert members(alert) == [comment_id(seed, "m1")]
    assert quoted(alert)[comment_id(seed, "m1")]["likes"] == 12


def test_a_post_drawing_negative_comments_fast_heats_up(seed: Seed) -> None:
    brand = seed.brand("cafe", alerts={"waiting": {"enabled": False}})
    fb = seed.channel()
    seed.post(fb, "p1", ago(hours=8), url="https://example.com/p1")
    for i in range(5):
        seed.comment(fb, f"n{i}", ago(hours=i + 0.5), post="p1", label="negative")
    run_rules(seed.database, brand)
    run_rules(seed.database, brand, now=NOW + timedelta(minutes=15))
    (alert,) = [a for a in alerts(seed.database, "heating-up") if "comment_ids" not in a["facts"]]
    assert alert["facts"]["negative"] == 5 and alert["facts"]["url"] == "https://example.com/p1"


# --- reply window ----------------------------------------------------------------------------------


def test_the_reply_window_warns_before_it_closes(seed: Seed) -> None:
    brand = seed.brand("cafe", alerts={"waiting": {"enabled": False}, "reply_window": {"warn_before": "1d"}})
    fb = seed.channel(platform="facebook")
    seed.comment(fb, "closing", ago(days=6, hours=2))  # closes in 22 h
    seed.comment(fb, "early", ago(days=3))  # closes in 4 days
    windows = {"facebook": timedelta(days=7)}

    run_rules(seed.database, brand, windows=windows)
    (alert,) = alerts(seed.database, "reply-window")
    assert members(alert) == [comment_id(seed, "closing")]
    assert quoted(alert)[comment_id(seed, "closing")]["minutes_left"] == 22 * 60

    run_rules(seed.database, brand, now=NOW + timedelta(days=1), windows=windows)  # it closed unanswered
    assert alerts(seed.database, "reply-window")[0]["resolved_at"] is not None


# --- connector trouble -----------------------------------------------------------------------------


def runs(seed: Seed, channel: int, *statuses: str, error: str = "PlatformError: HTTP 500") -> None:
    with seed.database.write() as connection:
        for i, status in enumerate(statuses):
            connection.execute(
                insert(ScanRun.__table__).values(
                    channel_id=channel,
                    started_at=NOW - timedelta(hours=len(statuses) - i),
                    status=status,
                    error=error if status == "failed" else None,
                )
            )


def test_a_channel_failing_its_last_scans_alerts_once_and_closes_when_it_recovers(seed: Seed) -> None:
    brand = seed.brand("cafe", channels=[{"name": "fb", "platform": "facebook"}])
    fb = seed.channel(platform="facebook")
    runs(seed, fb, "ok", "failed", "failed")
    assert run_rules(seed.database, brand).created == []
    runs(seed, fb, "busy", "failed")
    run_rules(seed.database, brand)
    run_rules(seed.database, brand)
    (alert,) = alerts(seed.database, "connector-trouble")
    assert alert["facts"]["failures"] == 3 and "HTTP 500" in alert["facts"]["error"]
    runs(seed, fb, "ok")
    run_rules(seed.database, brand)
    assert alerts(seed.database, "connector-trouble")[0]["resolved_at"] is not None


def test_an_expired_token_alerts_at_once_and_an_expiring_one_ahead(seed: Seed) -> None:
    brand = seed.brand(
        "cafe", channels=[{"name": "fb", "platform": "facebook"}, {"name": "ig", "platform": "instagram"}]
    )
    fb = seed.channel(platform="facebook")
    ig = seed.channel("ig", platform="instagram")
    runs(seed, fb, "ok", "failed", error="AuthError: the token expired; renew it")
    with seed.database.write() as connection:
        connection.execute(
            update(Channel.__table__)
            .where(Channel.__table__.c.id == ig)
            .values(token_expires_at=NOW + timedelta(days=3))
        )
    run_rules(seed.database, brand)
    kinds = {a["channel_id"]: a["facts"]["kind"] for a in alerts(seed.database, "connector-trouble")}
    assert kinds == {fb: "auth", ig: "token"}


# --- acknowledging ---------------------------------------------------------------------------------


def test_an_acknowledged_alert_leaves_the_open_list(seed: Seed) -> None:
    brand = seed.brand("cafe", response_sla="2h")
    fb = seed.channel()
    seed.comment(fb, "c1", ago(hours=3), label="negative")
    seed.comment(fb, "c2", ago(hours=20), label="negative")  # the day before: another wave
    run_rules(seed.database, brand)
    first, second = list_alerts(seed.database)
    assert acknowledge(seed.database, first.id) is True
    assert acknowledge(seed.database, first.id) is False
    assert [a.id for a in list_alerts(seed.database)] == [second.id]
    run_rules(seed.database, brand)  # the rules see it again: still one alert, still acknowledged
    assert [a.id for a in list_alerts(seed.database)] == [second.id] and len(alerts(seed.database)) == 2


def test_a_token_expiry_a_connector_reports_is_stored_on_the_channel(database_url: str) -> None:
    from socialmon.config import BrandConfig, ChannelConfig
    from socialmon.database import open_database
    from socialmon.sentiment import get_scorer
    from socialmon.storage import Store
    from socialmon_connectors.records import Page

    database = open_database(database_url)
    try:
        store = Store(database, get_scorer("vader"))
        channel = store.sync_channel(BrandConfig(name="Cafe"), ChannelConfig(name="fb", platform="facebook"))
        local = datetime.fromisoformat("2026-12-01T09:00:00-05:00")
        store.save_page(channel.id, Page(cursor={"after": "x"}, token_expires_at=local))
        with database.read() as connection:
            table = Channel.__table__
            row = connection.execute(table.select().where(table.c.id == channel.id)).one()
        assert row.token_expires_at == datetime(2026, 12, 1, 14, tzinfo=UTC) and row.cursor == {"after": "x"}
    finally:
        database.dispose()


# --- what the rules remember between runs ------------------------------------------------------------


def test_a_post_heating_up_across_midnight_is_one_alert_that_closes_when_it_calms_down(seed: Seed) -> None:
    brand = seed.brand("cafe", alerts={"waiting": {"enabled": False}})  # UTC
    fb = seed.channel()
    seed.post(fb, "p1", "2026-11-20 12:00")
    for i in range(5):
        seed.comment(fb, f"n{i}", f"2026-11-20 23:{10 * i:02d}", post="p1", label="negative")
    before_midnight = datetime(2026, 11, 20, 23, 50, tzinfo=UTC)
    run_rules(seed.database, brand, now=before_midnight)
    run_rules(seed.database, brand, now=before_midnight + timedelta(minutes=30))  # the next day
    (alert,) = [a for a in alerts(seed.database, "heating-up") if "comment_ids" not in a["facts"]]
    assert alert["resolved_at"] is None

    run_rules(seed.database, brand, now=before_midnight + timedelta(hours=8))  # the post window passed
    (alert,) = [a for a in alerts(seed.database, "heating-up") if "comment_ids" not in a["facts"]]
    assert alert["resolved_at"] is not None


def test_an_alert_about_a_comment_past_every_lookback_closes(seed: Seed) -> None:
    """Open alerts never stretch what the rules read: the report's needs-reply list keeps the comment."""
    brand = seed.brand("cafe", response_sla="2h")
    fb = seed.channel()
    seed.comment(fb, "c1", ago(hours=3), label="negative")
    run_rules(seed.database, brand)
    (alert,) = alerts(seed.database, "waiting")
    assert alert["resolved_at"] is None
    later = run_rules(seed.database, brand, now=NOW + timedelta(days=8))  # still unanswered, 8 days old
    assert later.resolved == 1 and alerts(seed.database, "waiting")[0]["resolved_at"] is not None


def test_a_later_run_does_not_judge_again_what_already_raised_an_alert(
    seed: Seed, monkeypatch: pytest.MonkeyPatch
) -> None:
    from socialmon.alerts.watchlist import WatchList

    brand = seed.brand("cafe", alerts={"watch_list": {"terms": ["estafa"]}, "waiting": {"enabled": False}})
    fb = seed.channel()
    for i in range(3):
        seed.comment(fb, f"c{i}", ago(hours=1), text=f"una estafa #{i}")
    assert len(run_rules(seed.database, brand).created) == 1  # one burst of three
    assert alerts(seed.database, "watch-list")[0]["facts"]["count"] == 3
    judged: list[str] = []
    original = WatchList.matches
    monkeypatch.setattr(WatchList, "matches", lambda self, text: judged.append(text) or original(self, text))

    assert run_rules(seed.database, brand, now=NOW + timedelta(minutes=15)).created == []
    assert judged == []
