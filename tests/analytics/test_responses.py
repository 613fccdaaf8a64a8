"""First response times and needs-reply against small hand-built threads (SQLite and PostgreSQL)."""

from __future__ import annotations

import pytest
from analytics.seeding import RULES, Seed, at

from socialmon.analytics import needs_reply, pair_first_replies, response_times
from socialmon.analytics.scope import make_scope
from socialmon.config import BusinessHours, ReportOptions

WINDOW = {"since": at("2026-11-02 00:00"), "until": at("2026-11-09 00:00"), "now": at("2026-11-10 00:00")}


def thread_fixture(seed: Seed) -> tuple[object, int]:
    brand = seed.brand(timezone="UTC", response_sla="2h")
    fb = seed.channel("fb")
    # c1 answered directly after 60 min; c2 (a reply in c1's thread) answered by the business's later
    # reply to c1 after 180 min; r1 came before c2 so it does not count for c2.
    seed.comment(fb, "c1", "2026-11-02 10:00", label="negative")
    seed.comment(fb, "r1", "2026-11-02 11:00", parent="c1", business=True)
    seed.comment(fb, "c2", "2026-11-02 12:00", parent="c1", label="positive")
    seed.comment(fb, "r2", "2026-11-02 15:00", parent="c1", business=True)
    # c3: unanswered and negative. c4: answered only by another customer (x4): still waiting.
    seed.comment(fb, "c3", "2026-11-03 12:00", label="negative")
    seed.comment(fb, "c4", "2026-11-04 12:00", label="neutral")
    seed.comment(fb, "x4", "2026-11-04 13:00", parent="c4", label="neutral")
    # c5: a reply to a reply (c5 -> x5 -> top), answered directly after 30 min.
    seed.comment(fb, "t5", "2026-11-05 08:00")
    seed.comment(fb, "x5", "2026-11-05 09:00", parent="t5")
    seed.comment(fb, "c5", "2026-11-05 10:00", parent="x5")
    seed.comment(fb, "r5", "2026-11-05 10:30", parent="c5", business=True)
    # Outside the window: never counted, even though unanswered.
    seed.comment(fb, "old", "2026-10-20 10:00", label="negative")
    seed.comment(fb, "new", "2026-11-09 10:00", label="negative")
    return brand, fb


def test_first_response_times_per_comment(seed: Seed) -> None:
    brand, _ = thread_fixture(seed)
    scope = make_scope(seed.database, brand, RULES, period="day", **WINDOW)
    times = response_times(seed.database, scope)
    overall = times.overall
    # timed: c1 c2 c3 c4 x4 t5 x5 c5 = 8 customer comments; answered: c1 (60), c2 (180), c5 (30)
    assert (overall.comments, overall.answered) == (8, 3)
    assert overall.response_rate == pytest.approx(3 / 8)
    assert overall.wall.median == pytest.approx(60)
    assert overall.wall.mean == pytest.approx(90)
    assert overall.wall.p90 == pytest.approx(60 + 0.8 * 120)  # ranks 0..2, position 1.8
    assert overall.wall.within_sla == 2  # 60 and 30 minutes; 180 is over the 2 h SLA
    assert overall.sla_share() == pytest.approx(2 / 8)
    by_day = {g.key: g for g in times.by_period}
    assert list(by_day) == [f"2026-11-0{d}" for d in range(2, 9)]
    assert (by_day["2026-11-02"].comments, by_day["2026-11-02"].answered) == (2, 2)
    assert by_day["2026-11-02"].wall.median == pytest.approx(120)
    assert by_day["2026-11-05"].wall.median == pytest.approx(30)
    assert by_day["2026-11-06"].comments == 0 and by_day["2026-11-06"].wall.median is None
    assert times.business_hours is False and overall.business is None


def test_direct_rule_and_replies_by_anyone(seed: Seed) -> None:
    brand, _ = thread_fixture(seed)
    direct = make_scope(seed.database, brand, ReportOptions(reply_match="direct"), **WINDOW)
    overall = response_times(seed.database, direct).overall
    assert (overall.answered, overall.wall.median) == (2, pytest.approx(45))  # c1 (60), c5 (30); not c2
    anyone = make_scope(seed.database, brand, ReportOptions(reply_by="anyone"), **WINDOW)
    overall = response_times(seed.database, anyone).overall
    # now x4 answers c4 (60), x5 answers t5 (60) and c5 answers x5 (60)
    assert overall.answered == 6
    assert overall.wall.median == pytest.approx(60)


def test_self_thread_replies_option(seed: Seed) -> None:
    brand = seed.brand(timezone="UTC")
    fb = seed.channel("fb")
    seed.comment(fb, "b1", "2026-11-02 10:00", business=True)  # the business asks a question
    seed.comment(fb, "c1", "2026-11-02 11:00", parent="b1")  # a customer replies in its thread
    seed.comment(fb, "b2", "2026-11-02 12:00", parent="b1", business=True)  # the business replies there
    seed.comment(fb, "t1", "2026-11-02 10:30")  # a customer's own thread…
    seed.comment(fb, "c2", "2026-11-02 10:40", parent="t1")  # …another customer joins it…
    seed.comment(fb, "b3", "2026-11-02 11:30", parent="t1", business=True)  # …the business answers both
    counted = make_scope(seed.database, brand, RULES, **WINDOW)
    assert response_times(seed.database, counted).overall.answered == 3  # c1, t1, c2
    strict = make_scope(seed.database, brand, ReportOptions(self_thread_replies=False), **WINDOW)
    # c1 waits: b2 is in the business's own thread. c2 is still answered by b3 in t1's thread (a
    # reply under any business comment once made every thread's later reply answer no one).
    assert response_times(seed.database, strict).overall.answered == 2


def test_conversation_gap_times_a_conversation_once(seed: Seed) -> None:
    brand = seed.brand(timezone="UTC")
    fb = seed.channel("fb")
    seed.comment(fb, "c1", "2026-11-02 10:00")
    seed.comment(fb, "c2", "2026-11-02 10:05", parent="c1")  # same conversation: not timed again
    seed.comment(fb, "r1", "2026-11-02 11:00", parent="c1", business=True)
    seed.comment(fb, "c3", "2026-11-04 10:00", parent="c1")  # after 47 h of silence: a new one
    seed.comment(fb, "r3", "2026-11-04 10:20", parent="c1", business=True)
    every = response_times(seed.database, make_scope(seed.database, brand, RULES, **WINDOW)).overall
    assert (every.comments, every.answered) == (3, 3)
    grouped = make_scope(seed.database, brand, ReportOptions(conversation_gap="24h"), **WINDOW)
    overall = response_times(seed.database, grouped).overall
    assert (overall.comments, overall.answered) == (2, 2)
    assert overall.wall.median == pytest.approx(40)  # 60 and 20 minutes


def test_business_time_over_a_dst_weekend(seed: Seed) -> None:
    hours = BusinessHours(
        **{d: "09:00-17:00" for d in ("monday", "tuesday", "wednesday", "thursday", "friday")}
    )
    brand = seed.brand(timezone="America/New_York", response_sla="1h", business_hours=hours)
    fb = seed.channel("fb")
    # Friday 30 Oct 21:00 EDT; answered Monday 2 Nov 09:30 EST. Clocks went back on Sunday 1 Nov.
    seed.comment(fb, "c1", "2026-10-31 01:00")
    seed.comment(fb, "r1", "2026-11-02 14:30", parent="c1", business=True)
    scope = make_scope(
        seed.database, brand, RULES, since=at("2026-10-26 04:00"), until=at("2026-11-09 05:00"), period="week"
    )
    times = response_times(seed.database, scope)
    assert times.overall.wall.median == pytest.approx(61.5 * 60)  # 60.5 h on the wall clock + the extra hour
    assert times.overall.business is not None
    assert times.overall.business.median == pytest.approx(30)
    assert times.overall.business.within_sla == 1 and times.overall.wall.within_sla == 0
    assert [g.key for g in times.by_period] == ["2026-10-26", "2026-11-02"]  # local weeks from Monday
    assert times.by_period[0].comments == 1  # Friday evening local, though Saturday in UTC


def test_waiting_past_the_sla_is_counted_in_business_hours_as_the_alert_counts_it(seed: Seed) -> None:
    hours = BusinessHours(
        **{d: "09:00-17:00" for d in ("monday", "tuesday", "wednesday", "thursday", "friday")}
    )
    brand = seed.brand(timezone="America/Guayaquil", response_sla="6h", business_hours=hours)
    fb = seed.channel("fb")
    # Now: Friday 4 Dec 14:10 local (19:10 UTC). c1 came at 07:00, before opening: 7 h 10 min on the
    # clock, 5 h 10 min in business hours, under the 6 h SLA. c2 came on Thursday at 16:00: 23 h 10 min
    # on the clock, 6 h 10 min in business hours (1 h on Thursday, 5 h 10 min today): late.
    seed.comment(fb, "c1", "2026-12-04 12:00")
    seed.comment(fb, "c2", "2026-12-03 21:00")
    now = at("2026-12-04 19:10")
    scope = make_scope(seed.database, brand, RULES, since=at("2026-11-30 05:00"), until=now, now=now)
    pending = needs_reply(seed.database, scope)
    assert pending.sla_in_business_hours is True
    assert (pending.total, pending.over_sla) == (2, 1)
    assert {i.platform_id: i.over_sla for i in pending.items} == {"c1": False, "c2": True}

    clock = seed.brand(slug="clock", timezone="America/Guayaquil", response_sla="6h")
    other = seed.channel("ig", brand="clock")
    seed.comment(other, "k1", "2026-12-04 12:00")
    scope = make_scope(seed.database, clock, RULES, since=at("2026-11-30 05:00"), until=now, now=now)
    pending = needs_reply(seed.database, scope)
    assert pending.sla_in_business_hours is False and pending.over_sla == 1  # no hours: the clock's 7 h

    closed = seed.brand(
        slug="closed",
        timezone="America/Guayaquil",
        response_sla="6h",
        business_hours=BusinessHours(holidays="EC"),
    )  # every day closed: the clock too
    seed.comment(seed.channel("tw", brand="closed"), "z1", "2026-12-04 12:00")
    scope = make_scope(seed.database, closed, RULES, since=at("2026-11-30 05:00"), until=now, now=now)
    pending = needs_reply(seed.database, scope)
    assert pending.sla_in_business_hours is False and pending.over_sla == 1


def test_needs_reply_oldest_first_and_negative_first(seed: Seed) -> None:
    brand, _ = thread_fixture(seed)
    scope = make_scope(seed.database, brand, RULES, **WINDOW)
    pending = needs_reply(seed.database, scope)
    assert [i.platform_id for i in pending.items] == ["c3", "c4", "x4", "t5", "x5"]
    assert (pending.total, pending.negative, pending.over_sla) == (5, 1, 5)
    first = pending.items[0]
    assert (first.channel, first.author, first.label, first.url) == (
        "fb",
        "User c3",
        "negative",
        "https://example.com/c3",
    )
    assert first.age_minutes == pytest.approx(
        (at("2026-11-10 00:00") - at("2026-11-03 12:00")).total_seconds() / 60
    )
    seed.comment(scope.channels[0].id, "c9", "2026-11-06 10:00", label="negative")
    ordered = needs_reply(seed.database, scope, negative_first=True, limit=3)
    assert [i.platform_id for i in ordered.items] == ["c3", "c9", "c4"]
    assert ordered.total == 6


def test_label_override_is_the_effective_label(seed: Seed) -> None:
    brand = seed.brand(timezone="UTC")
    fb = seed.channel("fb")
    seed.comment(fb, "c1", "2026-11-02 10:00", label="positive", label_override="negative")
    pending = needs_reply(seed.database, make_scope(seed.database, brand, RULES, **WINDOW))
    assert pending.items[0].label == "negative" and pending.negative == 1


def test_channel_filter_and_empty_brand(seed: Seed) -> None:
    brand, _ = thread_fixture(seed)
    ig = seed.channel("ig")
    seed.comment(ig, "i1", "2026-11-02 10:00")
    both = response_times(seed.database, make_scope(seed.database, brand, RULES, **WINDOW))
    assert [g.key for g in both.by_channel] == ["fb", "ig"] and both.overall.comments == 9
    only = make_scope(seed.database, brand, RULES, channel="cafe/ig", **WINDOW)
    assert response_times(seed.database, only).overall.comments == 1
    nothing = make_scope(seed.database, brand, RULES, channel="nope", **WINDOW)
    assert response_times(seed.database, nothing).overall.comments == 0
    assert needs_reply(seed.database, nothing).total == 0


def test_needs_reply_lists_comments_that_continue_a_conversation(seed: Seed) -> None:
    brand = seed.brand(timezone="UTC")
    fb = seed.channel("fb")
    seed.comment(fb, "c1", "2026-11-02 10:00")
    seed.comment(fb, "c2", "2026-11-02 10:05", parent="c1")  # not timed on its own, but still waiting
    grouped = make_scope(seed.database, brand, ReportOptions(conversation_gap="24h"), **WINDOW)
    paired = pair_first_replies(seed.database, grouped)
    assert response_times(seed.database, grouped, paired).overall.comments == 1
    pending = needs_reply(seed.database, grouped, paired=paired)
    assert [i.platform_id for i in pending.items] == ["c1", "c2"] and pending.total == 2
