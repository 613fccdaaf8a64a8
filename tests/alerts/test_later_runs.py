"""Later runs (SQLite and PostgreSQL): the database leaves out what the alerts already hold, and what
changes between two runs with no new comment — time passing, a reply, an edit — is still seen."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from alerts.helpers_alerts import NOW, ago, alerts, comment_id, iso, members, run_rules, seed_comments
from analytics.seeding import Seed
from sqlalchemy import update

from socialmon.alerts import store
from socialmon.alerts.findings import WAITING, RuleOutcome
from socialmon.alerts.rules import BrandContext, _comment_data, evaluate_brand
from socialmon.config import BrandConfig, BusinessHours, ReportOptions
from socialmon.models import Comment
from socialmon.render.i18n import Lang


def still_to_judge(seed: Seed, brand: BrandConfig, now: datetime = NOW) -> set[int]:
    brand_row = store.brand_id(seed.database, brand.slug)
    assert brand_row is not None
    context = BrandContext(seed.database, brand, brand_row, ReportOptions(), now, {})
    return {comment.id for comment in _comment_data(context, {}).unanswered}


def test_a_comment_that_passes_the_sla_between_two_runs_with_nothing_new_alerts(seed: Seed) -> None:
    brand = seed.brand("cafe", response_sla="2h")
    fb = seed.channel()
    seed.comment(fb, "late", ago(hours=3))
    seed.comment(fb, "fresh", ago(hours=1))
    assert len(run_rules(seed.database, brand).created) == 1
    assert members(alerts(seed.database, WAITING)[0]) == [comment_id(seed, "late")]

    # No new data: only the clock moved, and "fresh" is now 2 h 30 late.
    later = run_rules(seed.database, brand, now=NOW + timedelta(minutes=90))

    (wave,) = alerts(seed.database, WAITING)
    assert later.grown == [wave["id"]] and later.created == []
    assert members(wave) == [comment_id(seed, "late"), comment_id(seed, "fresh")]


def test_the_database_leaves_out_the_comments_an_alert_holds_and_a_reply_between_runs_closes_it(
    seed: Seed,
) -> None:
    brand = seed.brand("cafe", response_sla="2h", alerts={"watch_list": {"enabled": False}})
    fb = seed.channel()
    seed.comment(fb, "late", ago(hours=3))
    seed.comment(fb, "fresh", ago(hours=1))
    assert still_to_judge(seed, brand) == {comment_id(seed, "late")}  # "fresh" is not late yet
    run_rules(seed.database, brand)

    later = NOW + timedelta(minutes=90)
    assert still_to_judge(seed, brand, later) == {comment_id(seed, "fresh")}  # "late" is in the wave
    assert run_rules(seed.database, brand, now=later).resolved == 0  # …which still holds
    assert still_to_judge(seed, brand, later) == set()

    seed.comment(fb, "r1", iso(later + timedelta(minutes=5)), parent="late", business=True)
    assert run_rules(seed.database, brand, now=later + timedelta(minutes=15)).resolved == 0  # "fresh" waits
    seed.comment(fb, "r2", iso(later + timedelta(minutes=20)), parent="fresh", business=True)
    closing = run_rules(seed.database, brand, now=later + timedelta(minutes=30))

    (wave,) = alerts(seed.database, WAITING)
    assert closing.resolved == 1 and wave["resolved_at"] is not None


def test_a_wave_holds_while_any_of_its_comments_waits(seed: Seed) -> None:
    brand = seed.brand("cafe", response_sla="2h")
    fb = seed.channel()
    start = NOW - timedelta(hours=5)  # 120 comments: more than the first lookup of a wave's comments
    seed_comments(seed, fb, [(f"c{i}", iso(start + timedelta(seconds=i)), {}) for i in range(120)])
    run_rules(seed.database, brand)
    answer = iso(NOW + timedelta(minutes=1))
    seed_comments(seed, fb, [(f"r{i}", answer, {"parent": f"c{i}", "business": True}) for i in range(119)])

    assert run_rules(seed.database, brand, now=NOW + timedelta(minutes=15)).resolved == 0
    seed.comment(fb, "r119", iso(NOW + timedelta(minutes=16)), parent="c119", business=True)
    assert run_rules(seed.database, brand, now=NOW + timedelta(minutes=30)).resolved == 1


def test_a_comment_late_on_the_clock_but_not_in_business_hours_is_judged_again_until_it_is(
    seed: Seed,
) -> None:
    hours = BusinessHours(monday="09:00-17:00", tuesday="09:00-17:00", wednesday="09:00-17:00",
                          thursday="09:00-17:00", friday="09:00-17:00")  # fmt: skip
    brand = seed.brand("cafe", response_sla="2h", business_hours=hours)  # UTC
    fb = seed.channel()
    seed.comment(fb, "friday-night", "2026-11-20 20:00", label="negative")
    moment = datetime(2026, 11, 21, 0, 0, tzinfo=UTC)
    while moment < datetime(2026, 11, 23, 10, 30, tzinfo=UTC):  # every 6 hours over the weekend
        assert run_rules(seed.database, brand, now=moment).created == []
        moment += timedelta(hours=6)

    run_rules(seed.database, brand, now=datetime(2026, 11, 23, 11, 30, tzinfo=UTC))

    (alert,) = alerts(seed.database, WAITING)
    assert alert["facts"]["comments"][0]["waited_minutes"] == 150


def test_a_reply_window_that_reaches_its_warning_between_runs_alerts_and_closes_with_the_window(
    seed: Seed,
) -> None:
    brand = seed.brand("cafe", alerts={"waiting": {"enabled": False}, "reply_window": {"warn_before": "1d"}})
    fb = seed.channel(platform="facebook")
    seed.comment(fb, "c1", ago(days=5, hours=12))  # closes in 36 h
    windows = {"facebook": timedelta(days=7)}
    assert run_rules(seed.database, brand, windows=windows).created == []

    run_rules(seed.database, brand, now=NOW + timedelta(hours=13), windows=windows)
    (alert,) = alerts(seed.database, "reply-window")
    assert members(alert) == [comment_id(seed, "c1")] and alert["resolved_at"] is None

    assert run_rules(seed.database, brand, now=NOW + timedelta(hours=35), windows=windows).resolved == 0
    assert run_rules(seed.database, brand, now=NOW + timedelta(hours=37), windows=windows).resolved == 1


def test_a_text_edited_to_hold_a_watch_word_alerts_on_the_next_run(seed: Seed) -> None:
    brand = seed.brand("cafe", alerts={"watch_list": {"terms": ["estafa"]}, "waiting": {"enabled": False}})
    fb = seed.channel()
    seed.comment(fb, "c1", ago(hours=1), text="todo bien")
    assert run_rules(seed.database, brand).created == []
    with seed.database.write() as connection:
        table = Comment.__table__
        connection.execute(update(table).where(table.c.platform_id == "c1").values(text="¡una estafa!"))

    run_rules(seed.database, brand, now=NOW + timedelta(minutes=15))

    (alert,) = alerts(seed.database, "watch-list")
    assert members(alert) == [comment_id(seed, "c1")]


def test_an_alert_raised_by_another_process_after_the_rules_read_is_left_to_the_next_run(
    seed: Seed,
) -> None:
    brand = seed.brand("cafe", response_sla="2h")
    fb = seed.channel()
    seed.comment(fb, "c1", ago(hours=3))
    run_rules(seed.database, brand)
    (wave,) = alerts(seed.database, WAITING)
    brand_row = store.brand_id(seed.database, "cafe")
    assert brand_row is not None
    lang = Lang("en")
    prefix = f"{WAITING}:"

    # The rule did not see the alert (judged nothing, nothing holds): it is not closed…
    unseen = RuleOutcome(WAITING, prefix, live=set(), judged=set())
    assert store.record(seed.database, brand_row, [unseen], lang, NOW).resolved == 0
    # …while one it judged, with none of its comments waiting, is.
    seen = RuleOutcome(WAITING, prefix, live=set(), judged={wave["dedup_key"]})
    assert store.record(seed.database, brand_row, [seen], lang, NOW).resolved == 1


def wave_of_the_morning(seed: Seed) -> tuple[BrandConfig, int]:
    """A brand (SLA 2 h, in UTC, no watch-list) and its channel, whose day's wave is written at NOW
    with one comment, neutral, written that morning."""
    brand = seed.brand("cafe", response_sla="2h", timezone="UTC", alerts={"watch_list": {"enabled": False}})
    fb = seed.channel()
    seed.comment(fb, "morning", ago(hours=3), label="neutral")
    run_rules(seed.database, brand)
    return brand, fb


def test_the_comments_a_wave_took_in_later_are_not_judged_again_when_its_alert_leaves_the_reach(
    seed: Seed,
) -> None:
    """A day's wave written at 15:00 takes in a comment written that evening. A week later the
    alert is past the reach (7 days) and the evening's comment is not yet past the lookback: the
    alert still holds it, and the rules leave it out."""
    brand, fb = wave_of_the_morning(seed)
    seed.comment(fb, "evening", ago(hours=-5), label="negative")
    assert run_rules(seed.database, brand, now=NOW + timedelta(hours=7, minutes=15)).grown != []

    week_later = NOW + timedelta(days=7, minutes=1)
    assert still_to_judge(seed, brand, week_later) == set()
    assert run_rules(seed.database, brand, now=week_later).grown == []
    (wave,) = alerts(seed.database, WAITING)
    assert members(wave) == [comment_id(seed, "morning"), comment_id(seed, "evening")]

    # A comment of that day imported only now is not in it: judged, it joins the wave.
    seed.comment(fb, "imported-late", ago(hours=-6), label="negative")
    assert still_to_judge(seed, brand, week_later) == {comment_id(seed, "imported-late")}
    assert run_rules(seed.database, brand, now=week_later).grown == [wave["id"]]
    (wave,) = alerts(seed.database, WAITING)
    assert members(wave)[-1] == comment_id(seed, "imported-late")
    assert (wave["facts"]["count"], wave["facts"]["negative"]) == (3, 2)


def test_two_runs_at_once_count_each_negative_comment_of_a_wave_once(seed: Seed) -> None:
    """Two processes judge the brand at the same moment; a comment arrives between their reads.
    The second to store finds the first one's comment again, with its own: the wave takes in its
    own, and counts the negative ones once."""
    brand, fb = wave_of_the_morning(seed)
    brand_row = store.brand_id(seed.database, "cafe")
    assert brand_row is not None
    later = NOW + timedelta(hours=3)

    def judged() -> list[RuleOutcome]:
        return evaluate_brand(BrandContext(seed.database, brand, brand_row, ReportOptions(), later, {}))

    seed.comment(fb, "first", ago(minutes=-30), label="negative")
    one = judged()
    seed.comment(fb, "second", ago(minutes=-45), label="negative")
    other = judged()  # finds "first" too: the first process has not stored it yet
    store.record(seed.database, brand_row, one, Lang("en"), later)
    store.record(seed.database, brand_row, other, Lang("en"), later)

    (wave,) = alerts(seed.database, WAITING)
    assert members(wave) == [comment_id(seed, name) for name in ("morning", "first", "second")]
    assert (wave["facts"]["count"], wave["facts"]["negative"]) == (3, 2)
