"""Feedback trend, rising negative terms, engagement and local-day buckets across a DST change."""

from __future__ import annotations

import pytest
from analytics.seeding import RULES, Seed, at

from socialmon.analytics import engagement, feedback_trend, worst_comments
from socialmon.analytics._terms import terms
from socialmon.analytics.business_time import BusinessCalendar
from socialmon.analytics.scope import make_scope, parse_moment
from socialmon.config import BusinessHours


def test_trend_per_local_day_across_the_dst_change(seed: Seed) -> None:
    brand = seed.brand(timezone="America/New_York")
    fb = seed.channel("fb")
    seed.comment(fb, "a", "2026-11-01 03:30", label="positive")  # Sat 31 Oct 23:30 EDT
    seed.comment(fb, "b", "2026-11-01 04:30", label="negative", rating=2)  # Sun 1 Nov 00:30 EDT
    seed.comment(fb, "c", "2026-11-02 04:30", label="neutral", rating=5)  # Sun 1 Nov 23:30 EST
    seed.comment(fb, "d", "2026-11-02 05:30", label="positive")  # Mon 2 Nov 00:30 EST
    seed.comment(fb, "e", "2026-11-02 06:00", label="positive", label_override="negative")
    scope = make_scope(
        seed.database, brand, RULES, since=at("2026-10-31 04:00"), until=at("2026-11-03 05:00"), period="day"
    )
    trend = feedback_trend(seed.database, scope)
    days = {p.start.isoformat(): p for p in trend.periods}
    assert list(days) == ["2026-10-31", "2026-11-01", "2026-11-02"]
    assert [days[d].comments for d in days] == [1, 2, 2]
    sunday = days["2026-11-01"]
    # "c" reads neutral but gave 5 stars: the customer's own label wins (issue 18).
    assert (sunday.positive, sunday.neutral, sunday.negative) == (1, 0, 1)
    assert sunday.net_sentiment == pytest.approx(0.0)
    assert sunday.average_rating == pytest.approx(3.5) and sunday.rated == 2
    monday = days["2026-11-02"]
    assert monday.share("negative") == pytest.approx(0.5)  # the override wins
    assert monday.average_rating is None


def test_rising_negative_terms_week_over_week(seed: Seed) -> None:
    brand = seed.brand(timezone="UTC")
    fb = seed.channel("fb")
    before = ["el pedido llegó tarde", "pedido tarde otra vez", "muy caro"]
    latest = ["la entrega fría y tarde", "entrega fría, qué decepción", "pan duro y entrega fría", "caro"]
    for i, text in enumerate(before):
        seed.comment(fb, f"b{i}", f"2026-11-0{2 + i} 10:00", label="negative", text=text)
    for i, text in enumerate(latest):
        seed.comment(fb, f"l{i}", f"2026-11-1{i} 10:00", label="negative", text=text)
    seed.comment(fb, "pos", "2026-11-10 10:00", label="positive", text="entrega fría perfecta")
    scope = make_scope(
        seed.database, brand, RULES, since=at("2026-11-02 00:00"), until=at("2026-11-16 00:00")
    )
    trend = feedback_trend(seed.database, scope)
    assert [t.isoformat() for t in trend.compared or ()] == ["2026-11-09", "2026-11-02"]
    rising = {t.term: t for t in trend.rising_terms}
    assert list(rising)[:3] == ["entrega fría", "entrega", "fría"]  # 3 of 4 negative comments, 0 before
    assert rising["entrega fría"].share == pytest.approx(0.75) and rising["entrega fría"].previous_share == 0
    assert "tarde" not in rising  # 1 of 4 now vs 2 of 3 before: falling
    assert "caro" not in rising  # one comment only: below the minimum count


def test_terms_drop_english_and_spanish_stop_words() -> None:
    assert terms("¡Qué mal servicio! The waiter was rude") == {
        "mal", "servicio", "mal servicio", "waiter", "rude",
    }  # fmt: skip


def test_engagement_per_post_and_top_posts(seed: Seed) -> None:
    brand = seed.brand(timezone="UTC")
    fb = seed.channel("fb")
    seed.post(fb, "p1", "2026-11-02 09:00", like_count=10, share_count=2)
    seed.post(fb, "p2", "2026-11-03 09:00", like_count=1)
    seed.post(fb, "old", "2026-10-01 09:00", like_count=99)  # outside the window
    seed.comment(fb, "a", "2026-11-02 10:00", post="p1", label="negative")
    seed.comment(fb, "b", "2026-11-02 11:00", post="p1", label="negative", text="<script>alert(1)</script>")
    seed.comment(fb, "r", "2026-11-02 12:00", post="p1", parent="a", business=True)
    seed.comment(fb, "c", "2026-11-03 10:00", post="p2", label="positive")
    scope = make_scope(
        seed.database, brand, RULES, since=at("2026-11-02 00:00"), until=at("2026-11-09 00:00")
    )
    result = engagement(seed.database, scope)
    assert [(p.platform_id, p.comments, p.replies, p.likes, p.shares) for p in result.posts] == [
        ("p1", 2, 1, 10, 2),
        ("p2", 1, 0, 1, 0),
    ]
    assert [p.platform_id for p in result.top_negative] == ["p1"]
    assert [p.platform_id for p in result.top_positive] == ["p2"]
    channel = result.by_channel[0]
    assert (channel.posts, channel.comments, channel.replies, channel.likes) == (2, 3, 1, 11)
    worst = worst_comments(seed.database, scope)
    assert [w.text for w in worst] == ["comment a", "<script>alert(1)</script>"]


def test_business_calendar_skips_ecuadorian_holidays() -> None:
    hours = BusinessHours(
        **{d: "09:00-18:00" for d in ("monday", "tuesday", "wednesday", "thursday", "friday")}
    )
    calendar = BusinessCalendar(hours.model_copy(update={"holidays": "EC"}), "America/Guayaquil")
    # Fri 30 Oct 17:00 -> Wed 4 Nov 10:00 local; Mon 2 and Tue 3 Nov are public holidays in Ecuador.
    seconds = calendar.business_seconds(at("2026-10-30 22:00"), at("2026-11-04 15:00"))
    assert seconds == 120 * 60


def test_span_start_goes_back_through_opening_hours_only() -> None:
    hours = BusinessHours(
        **{d: "09:00-17:00" for d in ("monday", "tuesday", "wednesday", "thursday", "friday")}
    )
    calendar = BusinessCalendar(hours.model_copy(update={"holidays": "EC"}), "America/Guayaquil")
    friday = at("2026-12-04 19:10")  # 14:10 local
    assert calendar.span_start(friday, 5 * 3600) == at("2026-12-04 14:10")  # 09:10 local, the same day
    assert calendar.span_start(friday, 6 * 3600) == at("2026-12-03 21:10")  # Thursday 16:10 local
    # Saturday is closed: an hour before Saturday noon is Friday 16:00; zero is the instant itself.
    assert calendar.span_start(at("2026-12-05 17:00"), 3600) == at("2026-12-04 21:00")
    assert calendar.span_start(friday, 0) == friday
    # Wednesday 4 Nov 10:00 local, 2 h back: Mon 2 and Tue 3 Nov are holidays in Ecuador.
    assert calendar.span_start(at("2026-11-04 15:00"), 2 * 3600) == at("2026-10-30 21:00")
    # Each agrees with business_seconds from the instant it gives.
    start = calendar.span_start(friday, 6 * 3600)
    assert start is not None and calendar.business_seconds(start, friday) == 6 * 3600
    # A day's ranges given latest first: Monday 19:00 local, 2 h back is 16:00, not 11:00.
    split = BusinessCalendar(BusinessHours(monday="14:00-18:00, 09:00-13:00"), "America/Guayaquil")
    monday = at("2026-12-01 00:00")  # Monday 30 Nov 19:00 local
    assert split.span_start(monday, 2 * 3600) == at("2026-11-30 21:00")
    assert split.span_start(monday, 5 * 3600) == at("2026-11-30 17:00")  # 4 h after 14:00, 1 h before 13:00


def test_relative_windows_start_at_local_midnight() -> None:
    now = at("2026-11-21 03:00")  # still 20 Nov in Guayaquil
    assert parse_moment("7d", "America/Guayaquil", now) == at("2026-11-14 05:00")
    assert parse_moment("4w", "America/Guayaquil", now) == at("2026-10-24 05:00")
    assert parse_moment("3m", "America/Guayaquil", now) == at("2026-08-21 05:00")
    assert parse_moment("2026-11-01", "America/Guayaquil", now, end=True) == at("2026-11-02 05:00")
