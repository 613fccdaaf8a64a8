"""The watch-list reads a text once (SQLite and PostgreSQL): a later run skips the texts an earlier one
examined with the same terms, and reads again what changed, what it did not examine, and everything
after the terms change. What it examined is stored with the alerts it raised, or not at all."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
from alerts.helpers_alerts import NOW, ago, alerts, comment_id, members, run_rules
from analytics.seeding import Seed
from sqlalchemy import func, select, update

from socialmon.alerts import store
from socialmon.alerts.rules import BrandContext, CommentData, _comment_data
from socialmon.clock import utcnow
from socialmon.config import BrandConfig, ReportOptions
from socialmon.models import Comment
from socialmon.tables import WATCH_EXAMINED

TEXTS = {
    "plain": "todo bien, gracias",
    "accents": "pan frío",  # ruled out by the database ("í" is no letter of "estafa")
    "greek": "Ωραίο μαγαζί",  # read and matched in Python: no match
    "scam": "¡una estafa!",
}


def watching(seed: Seed, *terms: str, lookback: str = "7d") -> BrandConfig:
    alerts_ = {"watch_list": {"terms": list(terms), "lookback": lookback}, "waiting": {"enabled": False}}
    return brand_config(seed, alerts_)


def brand_config(seed: Seed, alerts_: dict[str, Any]) -> BrandConfig:
    brand = seed.brand("cafe", alerts=alerts_)
    fb = seed.channel()
    for name, text in TEXTS.items():
        seed.comment(fb, name, ago(hours=1), text=text)
    return brand


def with_terms(brand: BrandConfig, *terms: str) -> BrandConfig:
    rule = brand.alerts.watch_list.model_copy(update={"terms": list(terms)})
    return brand.model_copy(update={"alerts": brand.alerts.model_copy(update={"watch_list": rule})})


def to_examine(seed: Seed, brand: BrandConfig, now: datetime) -> set[int]:
    """The comments whose text the watch-list would examine in a run at `now`."""
    brand_row = store.brand_id(seed.database, brand.slug)
    assert brand_row is not None
    data = _comment_data(BrandContext(seed.database, brand, brand_row, ReportOptions(), now, {}), {})
    assert data.text_state is not None
    return data.text_state.fresh


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The ids of the texts the rules read."""
    read: list[int] = []
    original = CommentData.texts

    def texts(self: CommentData, ids: list[int]) -> Any:
        read.extend(ids)
        return original(self, ids)

    monkeypatch.setattr(CommentData, "texts", texts)
    return read


def ids(seed: Seed, *names: str) -> set[int]:
    return {comment_id(seed, name) for name in names}


def test_a_later_run_reads_no_text_an_earlier_run_examined(seed: Seed, reads: list[int]) -> None:
    brand = watching(seed, "estafa")
    assert to_examine(seed, brand, NOW) == ids(seed, *TEXTS)
    assert len(run_rules(seed.database, brand).created) == 1
    assert set(reads) == ids(seed, "greek", "scam")  # the others the database ruled out
    reads.clear()

    later = NOW + timedelta(minutes=15)
    assert to_examine(seed, brand, later) == set()
    assert run_rules(seed.database, brand, now=later).created == []
    assert reads == []

    seed.comment(seed.channels["cafe/fb"], "new", ago(minutes=-10), text="otra ESTAFA más")
    assert to_examine(seed, brand, later) == ids(seed, "new")
    evaluation = run_rules(seed.database, brand, now=later)
    (alert,) = alerts(seed.database, "watch-list")
    assert evaluation.grown == [alert["id"]] and members(alert) == [
        comment_id(seed, "scam"),
        comment_id(seed, "new"),
    ]
    assert set(reads) == ids(seed, "new")


def test_new_terms_examine_the_lookback_again(seed: Seed) -> None:
    brand = watching(seed, "estafa")
    run_rules(seed.database, brand)
    later = with_terms(brand, "estafa", "frío")
    assert to_examine(seed, later, NOW + timedelta(minutes=15)) == ids(seed, "plain", "accents", "greek")

    run_rules(seed.database, later, now=NOW + timedelta(minutes=15))

    (alert,) = alerts(seed.database, "watch-list")
    assert sorted(members(alert)) == sorted(ids(seed, "scam", "accents"))
    assert alert["facts"]["terms"] == ["estafa", "frío"]
    assert to_examine(seed, later, NOW + timedelta(minutes=30)) == set()  # examined with the new terms


def test_a_text_edited_to_the_same_length_is_examined_again(seed: Seed) -> None:
    brand = watching(seed, "estafa")
    run_rules(seed.database, brand)
    table = Comment.__table__
    # As a scan stores an edit: a new update time, from the wall clock (the rules' `now` is the
    # tests' fixed moment; `updated_at` is always the writer's clock, see `alerts.progress`).
    with seed.database.write() as connection:
        connection.execute(
            update(table)
            .where(table.c.platform_id == "plain")
            .values(text="todo estafa, gracias"[: len(TEXTS["plain"])], updated_at=utcnow())
        )

    run_rules(seed.database, brand, now=NOW + timedelta(minutes=15))

    (alert,) = alerts(seed.database, "watch-list")
    assert sorted(members(alert)) == sorted(ids(seed, "scam", "plain"))


def test_a_comment_answered_then_waiting_again_is_examined(seed: Seed) -> None:
    brand = watching(seed, "estafa")
    fb = seed.channels["cafe/fb"]
    seed.comment(fb, "answered", ago(hours=2), text="esto es una estafa")
    seed.comment(fb, "by-a-fan", ago(hours=1), parent="answered", author_id="fan")
    run_rules(seed.database, brand, reports=ReportOptions(reply_by="anyone"))
    (alert,) = alerts(seed.database, "watch-list")
    assert members(alert) == [comment_id(seed, "scam")]

    # Only the business's replies count now: the comment waits, and its text was never examined.
    run_rules(
        seed.database, brand, now=NOW + timedelta(minutes=15), reports=ReportOptions(reply_by="business")
    )

    (alert,) = alerts(seed.database, "watch-list")
    assert sorted(members(alert)) == sorted(ids(seed, "scam", "answered"))


@pytest.mark.parametrize("dies_in", ["_insert", "_remember_examined"])
def test_a_run_that_dies_before_its_alerts_are_stored_has_examined_nothing(
    seed: Seed, monkeypatch: pytest.MonkeyPatch, dies_in: str
) -> None:
    brand = watching(seed, "estafa")
    original = getattr(store, dies_in)

    def dies(*args: Any, **kwargs: Any) -> Any:
        original(*args, **kwargs)
        raise RuntimeError("killed")

    monkeypatch.setattr(store, dies_in, dies)
    with pytest.raises(RuntimeError):
        run_rules(seed.database, brand)
    monkeypatch.undo()
    assert alerts(seed.database) == []
    assert to_examine(seed, brand, NOW + timedelta(minutes=15)) == ids(seed, *TEXTS)

    assert len(run_rules(seed.database, brand, now=NOW + timedelta(minutes=15)).created) == 1
    (alert,) = alerts(seed.database, "watch-list")
    assert members(alert) == [comment_id(seed, "scam")]


def test_the_texts_examined_are_forgotten_past_the_lookback(seed: Seed) -> None:
    brand = watching(seed, "estafa", lookback="1d")
    run_rules(seed.database, brand)
    with seed.database.read() as connection:
        assert connection.execute(select(func.count()).select_from(WATCH_EXAMINED)).scalar() == 4
        assert set(connection.execute(select(WATCH_EXAMINED.c.examined_at)).scalars()) == {NOW}
    run_rules(seed.database, brand, now=NOW + timedelta(days=1))
    with seed.database.read() as connection:  # examined a day ago to the microsecond: kept (the bound is `<`)
        assert connection.execute(select(func.count()).select_from(WATCH_EXAMINED)).scalar() == 4

    run_rules(seed.database, brand, now=NOW + timedelta(days=1, minutes=1))

    with seed.database.read() as connection:
        assert connection.execute(select(func.count()).select_from(WATCH_EXAMINED)).scalar() == 0
