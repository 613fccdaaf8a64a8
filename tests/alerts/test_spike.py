"""The negative-spike statistic: a quiet brand's one angry comment and a busy brand's normal noise do
not fire; a real storm does, carrying the observed share, the baseline and the factor."""

from __future__ import annotations

import random
from datetime import UTC, timedelta

import pytest
from alerts.helpers_alerts import NOW, alerts, comments_at, run_rules, spread
from analytics.seeding import Seed

from socialmon.alerts.spike import WindowCount, spike_statistic
from socialmon.config import NegativeSpikeRule

RULE = NegativeSpikeRule()


def day_start(days_ago: int):  # just after the start of the 24 h window ending `days_ago` days before NOW
    return NOW - timedelta(days=days_ago + 1) + timedelta(minutes=1)


def busy_baseline(seed: Seed, channel: int, rng: random.Random) -> None:
    """Seven ordinary days: 80–120 comments a day, about a fifth of them negative."""
    for day in range(1, 8):
        total = rng.randint(80, 120)
        negative = sum(rng.random() < 0.2 for _ in range(total))
        labels = ["negative"] * negative + ["positive"] * (total - negative)
        rng.shuffle(labels)
        comments_at(
            seed.database,
            channel,
            list(zip(spread(day_start(day), 23.9, total), labels, strict=True)),
            f"d{day}-",
        )


def test_a_quiet_brand_with_one_angry_comment_does_not_fire(seed: Seed) -> None:
    brand = seed.brand("quiet")
    channel = seed.channel(brand="quiet")
    for day in range(1, 8):  # one or two friendly comments a day
        comments_at(
            seed.database,
            channel,
            [(day_start(day) + timedelta(hours=h), "positive") for h in (3, 9)][: 1 + day % 2],
            f"d{day}-",
        )
    comments_at(seed.database, channel, [(NOW - timedelta(hours=2), "negative")], "angry-")

    evaluation = run_rules(seed.database, brand)

    assert alerts(seed.database, "negative-spike") == []
    assert "fewer than 10" in evaluation.notes["negative-spike"]  # 100 % negative, but one comment


def test_a_busy_brand_with_normal_noise_does_not_fire(seed: Seed) -> None:
    rng = random.Random(7)
    brand = seed.brand("busy")
    channel = seed.channel(brand="busy")
    busy_baseline(seed, channel, rng)
    # Today: an ordinary bad-ish day, 26 negative of 110 (24 %), within the brand's own spread.
    labels = ["negative"] * 26 + ["positive"] * 84
    comments_at(
        seed.database, channel, list(zip(spread(day_start(0), 23.9, 110), labels, strict=True)), "today-"
    )

    evaluation = run_rules(seed.database, brand)

    assert alerts(seed.database, "negative-spike") == [], evaluation.notes
    assert "within the baseline" in evaluation.notes["negative-spike"]


def test_a_real_storm_fires_with_observed_baseline_and_factor(seed: Seed) -> None:
    rng = random.Random(7)
    brand = seed.brand("busy")
    channel = seed.channel(brand="busy")
    busy_baseline(seed, channel, rng)
    labels = ["negative"] * 70 + ["positive"] * 70  # 50 % negative on a day with a little more traffic
    comments_at(
        seed.database, channel, list(zip(spread(day_start(0), 23.9, 140), labels, strict=True)), "today-"
    )

    run_rules(seed.database, brand)

    (alert,) = alerts(seed.database, "negative-spike")
    facts = alert["facts"]
    assert alert["severity"] == "critical"
    assert facts["observed"] == pytest.approx(0.5)
    assert 0.15 < facts["baseline"] < 0.25
    assert facts["factor"] == pytest.approx(facts["observed"] / facts["baseline"])
    assert facts["z"] > 3 and facts["comments"] == 140 and facts["negative"] == 70
    assert "Pico de comentarios negativos" not in alert["title"]  # the brand speaks English by default
    assert "Negative comments are spiking" in alert["title"]


def test_a_storm_alerts_once_within_the_cooldown_and_closes_when_it_passes(seed: Seed) -> None:
    brand = seed.brand("busy")
    channel = seed.channel(brand="busy")
    busy_baseline(seed, channel, random.Random(3))
    labels = ["negative"] * 70 + ["positive"] * 70
    comments_at(
        seed.database, channel, list(zip(spread(day_start(0), 23.9, 140), labels, strict=True)), "today-"
    )

    run_rules(seed.database, brand)
    run_rules(seed.database, brand, now=NOW + timedelta(hours=2))  # a later hour: a new key, but cooling down
    assert len(alerts(seed.database, "negative-spike")) == 1

    run_rules(seed.database, brand, now=NOW + timedelta(days=2))  # the storm's day has left the window
    (alert,) = alerts(seed.database, "negative-spike")
    assert alert["resolved_at"] is not None


def test_the_statistic_on_counts() -> None:
    rule = NegativeSpikeRule(metric="count")
    baseline = [WindowCount(100, n) for n in (18, 22, 20, 19, 21, 20, 20)]
    calm = spike_statistic(WindowCount(100, 26), baseline, rule)  # √20 ≈ 4.5 is the noise floor
    storm = spike_statistic(WindowCount(100, 40), baseline, rule)
    assert not calm.fires and storm.fires
    assert storm.baseline == pytest.approx(20) and storm.ratio == pytest.approx(2.0)
    assert storm.spread == pytest.approx(20**0.5)  # the sample spread (1.3) is below the Poisson floor


def test_a_steady_baseline_uses_the_sampling_noise_of_the_share() -> None:
    baseline = [WindowCount(100, 20)] * 7  # exactly 20 % every day: a standard deviation of 0
    assert not spike_statistic(WindowCount(100, 25), baseline, RULE).fires  # 25 % of 100 is noise
    assert spike_statistic(WindowCount(100, 40), baseline, RULE).fires


def test_a_brand_without_history_is_not_judged(seed: Seed) -> None:
    """Comments stored only since today (a channel just added): an empty past is not a baseline."""
    brand = seed.brand("new")
    channel = seed.channel(brand="new")
    labels = ["negative"] * 10 + ["positive"] * 10
    comments_at(
        seed.database, channel, list(zip(spread(day_start(0), 23.9, 20), labels, strict=True)), "today-"
    )

    evaluation = run_rules(seed.database, brand)

    assert alerts(seed.database, "negative-spike") == []
    assert "too little history" in evaluation.notes["negative-spike"]


def test_a_storm_longer_than_the_cooldown_is_still_one_alert(seed: Seed) -> None:
    brand = seed.brand("busy", alerts={"negative_spike": {"cooldown": "1h"}})
    channel = seed.channel(brand="busy")
    busy_baseline(seed, channel, random.Random(3))
    labels = ["negative"] * 70 + ["positive"] * 70
    comments_at(
        seed.database, channel, list(zip(spread(day_start(0), 23.9, 140), labels, strict=True)), "today-"
    )

    for hours in (0, 2):  # past the cooldown, the same storm still firing
        run_rules(seed.database, brand, now=NOW + timedelta(hours=hours))

    (alert,) = alerts(seed.database, "negative-spike")
    assert (
        alert["resolved_at"] is None
        and run_rules(seed.database, brand, now=NOW + timedelta(hours=2)).created == []
    )


@pytest.mark.parametrize("fraction", [0, 400_000, 999_999])
def test_each_window_counted_over_its_own_range_matches_one_grouped_pass_at_every_edge(
    seed: Seed, monkeypatch: pytest.MonkeyPatch, fraction: int
) -> None:
    """A few windows are counted over their own ranges of the time index (`RANGED_WINDOWS`), many
    in one grouped pass: the same counts, comments a microsecond either side of every edge
    included, whatever fraction of a second the evaluation starts at (SQLite counts whole seconds)."""
    from socialmon.alerts import spike

    seed.brand("edges")
    channel = seed.channel(brand="edges")
    now = NOW + timedelta(microseconds=fraction)
    whole = NOW + timedelta(seconds=1)
    moments = []
    for day in range(9):
        for edge in (now - timedelta(days=day), whole - timedelta(days=day)):
            for step in (-1_500_000, -1_000_000, -500_000, -1, 0, 1, 500_000, 1_000_000):
                moments.append(edge + timedelta(microseconds=step))
    labels = ["negative" if i % 3 == 0 else "positive" for i in range(len(moments))]
    comments_at(seed.database, channel, list(zip(moments, labels, strict=True)), "edge-")

    ranged = spike.window_counts(seed.database, [channel], now, 24 * 60, 7)
    monkeypatch.setattr(spike, "RANGED_WINDOWS", 0)
    grouped = spike.window_counts(seed.database, [channel], now, 24 * 60, 7)

    assert ranged == grouped
    current, baseline = ranged
    assert len(baseline) == 7 and current.comments > 0 and all(w.comments > 0 for w in baseline)
    assert current.comments + sum(w.comments for w in baseline) < len(moments)  # some beyond, some ahead


def test_windows_are_real_time_whatever_zone_the_moment_comes_in(seed: Seed) -> None:
    """24 h before 12:00 on the day Madrid's clocks went forward is 11:00 the day before, local
    time: a day's window holds 24 hours of comments, not 23."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from socialmon.alerts.spike import window_counts

    seed.brand("madrid")
    channel = seed.channel(brand="madrid")
    now = datetime(2024, 3, 31, 12, 0, tzinfo=ZoneInfo("Europe/Madrid"))
    real = now.astimezone(UTC)  # (arithmetic on a zoned time moves its wall clock)
    hourly = [(real - timedelta(minutes=30) - timedelta(hours=h), "negative") for h in range(48)]
    comments_at(seed.database, channel, hourly, "h-")

    local, _ = window_counts(seed.database, [channel], now, 24 * 60, 7)
    utc, _ = window_counts(seed.database, [channel], now.astimezone(UTC), 24 * 60, 7)

    assert local == utc == WindowCount(24, 24)
