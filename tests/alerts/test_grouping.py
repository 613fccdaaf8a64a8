"""Issue 13 point 10: a wave, a burst, a storm is one alert that grows; a cap per brand and run with a
digest for the rest; never sent twice; the rules skip half-imported channels (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from alerts.helpers_alerts import NOW, alerts, members, run_rules, seed_comments
from analytics.seeding import Seed
from sqlalchemy import insert

from socialmon.alerts import send_alerts, store
from socialmon.config import load_config
from socialmon.models import ScanRun


def at(moment) -> str:  # type: ignore[no-untyped-def]
    return moment.strftime("%Y-%m-%d %H:%M")


def late(seed: Seed, channel: int, prefix: str, count: int, hours_ago: float = 3) -> None:
    written = at(NOW - timedelta(hours=hours_ago))
    seed_comments(seed, channel, [(f"{prefix}{i}", written, {"label": "negative"}) for i in range(count)])


def scan_run(seed: Seed, channel: int, status: str) -> None:
    with seed.database.write() as connection:
        connection.execute(
            insert(ScanRun.__table__).values(
                channel_id=channel, started_at=NOW - timedelta(hours=1), status=status
            )
        )


def json_config(tmp_path: Path, url: str):  # type: ignore[no-untyped-def]
    path = tmp_path / "socialmon.toml"
    path.write_text(
        f'[[brands]]\nname = "Cafe"\nslug = "cafe"\nresponse_sla = "2h"\n'
        f'[[brands.alerts.webhooks]]\nkind = "json"\nurl = "{url}"\n',
        encoding="utf-8",
    )
    return load_config(path)


def test_a_wave_that_grows_in_its_window_updates_the_same_alert_and_resolves_when_answered(
    seed: Seed,
) -> None:
    brand = seed.brand("cafe", response_sla="2h")
    fb = seed.channel()
    late(seed, fb, "a", 3)
    first = run_rules(seed.database, brand)
    late(seed, fb, "b", 2, hours_ago=2.5)
    second = run_rules(seed.database, brand, now=NOW + timedelta(minutes=15))

    (wave,) = alerts(seed.database, "waiting")
    assert first.created == [wave["id"]] and second.created == [] and second.grown == [wave["id"]]
    assert wave["facts"]["count"] == 5 and len(members(wave)) == 5
    assert wave["dedup_key"] == "waiting:1:2026-11-20"  # brand and local day: stable across runs
    assert wave["title"].startswith("5 comments have waited longer than 2 h")

    for i in range(3):
        seed.comment(fb, f"ra{i}", at(NOW + timedelta(minutes=20)), parent=f"a{i}", business=True)
    run_rules(seed.database, brand, now=NOW + timedelta(minutes=30))
    assert alerts(seed.database, "waiting")[0]["resolved_at"] is None  # b0 and b1 still wait
    for i in range(2):
        seed.comment(fb, f"rb{i}", at(NOW + timedelta(minutes=40)), parent=f"b{i}", business=True)
    assert run_rules(seed.database, brand, now=NOW + timedelta(minutes=45)).resolved == 1
    assert alerts(seed.database, "waiting")[0]["resolved_at"] is not None


def test_a_sent_wave_is_sent_again_once_it_has_doubled_and_never_twice_otherwise(
    seed: Seed,
    hooks,
    tmp_path: Path,  # type: ignore[no-untyped-def]
) -> None:
    config = json_config(tmp_path, f"{hooks.base}/json")
    brand = config.brands[0]
    seed.brand("cafe", name=brand.name)
    fb = seed.channel()
    late(seed, fb, "a", 5)
    run_rules(seed.database, brand)
    assert send_alerts(seed.database, config, config.brands, now=NOW).sent == 1

    late(seed, fb, "b", 4, hours_ago=2.5)  # 9 < 2 × 5: not news enough
    assert run_rules(seed.database, brand, now=NOW + timedelta(minutes=15)).requeued == []
    assert send_alerts(seed.database, config, config.brands, now=NOW).sent == 0

    late(seed, fb, "c", 1, hours_ago=2.5)  # 10 ≥ 2 × 5 and 5 more: one update
    grown = run_rules(seed.database, brand, now=NOW + timedelta(minutes=30))
    assert grown.requeued == [alerts(seed.database)[0]["id"]]
    assert send_alerts(seed.database, config, config.brands, now=NOW).sent == 1
    assert send_alerts(seed.database, config, config.brands, now=NOW).sent == 0
    first, update = (body["alerts"][0] for body in hooks.bodies("/json"))
    assert first["id"] == update["id"] and first["facts"]["count"] == 5 and update["facts"]["count"] == 10
    assert update["title"].startswith("Update: 10 comments") and update["facts"]["update"] == 1


def test_past_the_cap_a_run_raises_one_digest_that_is_sent_for_the_rest(
    seed: Seed,
    hooks,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,  # type: ignore[no-untyped-def]
) -> None:
    monkeypatch.setattr("socialmon.alerts.service.max_per_run", lambda brand: 2)
    config = json_config(tmp_path, f"{hooks.base}/json")
    brand = config.brands[0]
    seed.brand("cafe", name=brand.name)
    fb = seed.channel()
    for day in range(5):  # five days, five waves
        late(seed, fb, f"d{day}-", 1, hours_ago=3 + 24 * day)

    evaluation = run_rules(seed.database, brand)

    stored = alerts(seed.database)
    digest = [a for a in stored if a["rule"] == "digest"]
    assert len(stored) == 6 and len(evaluation.created) == 3 and len(evaluation.folded) == 3
    assert digest[0]["facts"]["count"] == 3 and digest[0]["facts"]["alert_ids"] == evaluation.folded
    assert digest[0]["title"].startswith("…and 3 more alerts this run (waiting for a reply: 3)")
    assert send_alerts(seed.database, config, config.brands, now=NOW).sent == 3
    ((*_, sent_digest),) = [body["alerts"] for body in hooks.bodies("/json")]
    assert sent_digest["rule"] == "digest"
    assert all(a["sent_at"] is not None for a in alerts(seed.database))  # the folded ones went with it
    assert send_alerts(seed.database, config, config.brands, now=NOW).sent == 0
    assert store.DEFAULT_MAX_PER_RUN == 10


@pytest.mark.parametrize("status", ["failed", "partial", "running"])
def test_the_rules_skip_a_half_imported_channel_and_say_so(seed: Seed, status: str) -> None:
    brand = seed.brand("cafe", response_sla="2h")
    fb = seed.channel()
    ig = seed.channel("ig")
    late(seed, fb, "f", 2)
    late(seed, ig, "i", 2)
    scan_run(seed, ig, "ok")
    run_rules(seed.database, brand)
    (wave,) = alerts(seed.database, "waiting")
    scan_run(seed, ig, status)
    scan_run(seed, fb, "busy")  # another process had it: says nothing about what is stored
    for i in range(2):  # ig's comments answered, but the answers are not all imported yet
        seed.comment(fb, f"rf{i}", at(NOW + timedelta(minutes=5)), parent=f"f{i}", business=True)
    late(seed, ig, "new", 1, hours_ago=2.5)

    evaluation = run_rules(seed.database, brand, now=NOW + timedelta(minutes=15))

    last = "still running" if status == "running" else status
    assert [str(c) for c in evaluation.skipped_channels] == [f"ig: last scan {last}"]
    (still,) = alerts(seed.database, "waiting")
    assert still["resolved_at"] is None and members(still) == members(wave)  # nothing judged on ig

    scan_run(seed, ig, "ok")
    back = run_rules(seed.database, brand, now=NOW + timedelta(minutes=30))
    assert back.skipped_channels == [] and alerts(seed.database, "waiting")[0]["facts"]["count"] == 5
