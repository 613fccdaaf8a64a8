"""A channel's time limit in a scan: a deadline the connector checks between items, then the cut-off.

The scan gives each channel a `Deadline` (`ChannelContext.deadline`) a margin before its
`channel_timeout`: a connector that checks it stops between two items and the channel ends
partial, its reason said in Spanish too; one that does not is cancelled at `channel_timeout`.
The sweep connectors' side is in tests/connectors/test_sweep_deadline.py.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, ClassVar

import pytest

from socialmon.cli._config_words import said_error
from socialmon.config import BrandConfig, ChannelConfig, ResolvedChannel
from socialmon.database import open_database
from socialmon.scan import ChannelOutcome, run_scan, soft_time_limit
from socialmon.sentiment import get_scorer
from socialmon.storage import Store
from socialmon_connectors.base import (
    TIME_LIMIT_REACHED,
    ChannelContext,
    Connector,
    ConnectorSettings,
    Deadline,
    time_limit_reached,
)
from socialmon_connectors.records import Page, PostRecord, ThreadFailure

WHEN = datetime(2026, 10, 1, 12, tzinfo=UTC)
LIMIT = 1800.0  # channel_timeout, seconds
SPANISH = (
    "se detuvo en el límite de tiempo del canal (channel_timeout) y guardó lo que había leído por completo "
    "— el próximo escaneo continúa desde aquí"
)
ENGLISH = f"{TIME_LIMIT_REACHED} — the next scan continues from here"


def test_the_deadline_comes_a_tenth_of_the_limit_before_it_and_at_most_five_minutes() -> None:
    assert soft_time_limit(7200) == 6900  # the default 2 h: from 1 h 55 min
    assert soft_time_limit(1800) == 1620
    assert soft_time_limit(60) == 54
    assert 0 < soft_time_limit(0.2) < 0.2


class TimedConnector(Connector):
    """A connector of its own (not a sweep) that checks the deadline before each post.

    Each post takes `seconds_per_post` on a clock of its own, added to the scan's; its first
    post's thread failed (left for the next scan). It notes the deadline it was given.
    """

    name = "timed"
    seconds_per_post: ClassVar[float] = LIMIT / 4
    given: ClassVar[list[tuple[float, float]]] = []  # (the deadline, the scan's clock then)

    def __init__(self, settings: ConnectorSettings, context: ChannelContext) -> None:
        self.elapsed = 0.0
        deadline = context.deadline
        if deadline is not None:
            self.given.append((deadline.at, deadline.clock()))
            real = deadline.clock
            context = replace(context, deadline=replace(deadline, clock=lambda: real() + self.elapsed))
        super().__init__(settings, context)

    async def pages(self, cursor: dict[str, Any] | None) -> AsyncIterator[Page]:
        start = (cursor or {}).get("next", 0)
        for number in range(start, 10):
            if self.out_of_time():
                raise time_limit_reached("Timed")
            self.elapsed += self.seconds_per_post
            failed = [ThreadFailure(key=f"p{number}", item={"id": f"p{number}"}, reason="HTTP 500")]
            yield Page(
                posts=[PostRecord(platform_id=f"p{number}", created_at=WHEN, text="hola")],
                failed_threads=failed if number == 0 else [],
                cursor={"next": number + 1},
            )


def scan(store: Store, connector_class: type[Connector], channel_timeout: float | None) -> ChannelOutcome:
    brand = BrandConfig(name="Café Uno")
    channel = ChannelConfig(name="c", platform=connector_class.name, account="x")
    resolved = ResolvedChannel(
        brand=brand,
        channel=channel,
        connector_class=connector_class,
        settings=ConnectorSettings(),
        context=ChannelContext(brand=brand.slug, channel=channel.name, account="x"),
    )
    [outcome] = asyncio.run(run_scan([resolved], store, concurrency=1, channel_timeout=channel_timeout))
    return outcome


@pytest.fixture
def store(tmp_path: Path) -> Any:
    made = Store(open_database(f"sqlite:///{tmp_path / 'socialmon.db'}"), get_scorer("vader"))
    yield made
    made.database.dispose()


def test_a_connector_that_checks_its_deadline_ends_partial_with_its_reason_and_what_it_read(
    store: Store,
) -> None:
    TimedConnector.given.clear()
    outcome = scan(store, TimedConnector, LIMIT)
    [(at, then)] = TimedConnector.given
    assert at - then == pytest.approx(soft_time_limit(LIMIT), abs=5)  # before the cut-off at LIMIT
    # Posts start at 0, 1/4, 1/2 and 3/4 of the limit: the deadline (9/10) stops it before the fifth.
    assert outcome.status == "partial", outcome.error
    assert outcome.result.new_posts == 4
    assert outcome.error == f"Timed: {ENGLISH}; 1 thread(s) left for the next scan: p0: HTTP 500"

    outcome = scan(store, TimedConnector, LIMIT)
    assert outcome.status == "partial" and outcome.result.new_posts == 4, "the next scan went on"


def test_without_a_channel_timeout_a_connector_gets_no_deadline(store: Store) -> None:
    TimedConnector.given.clear()
    outcome = scan(store, TimedConnector, None)
    assert TimedConnector.given == []
    assert outcome.result.new_posts == 10


def test_the_time_limit_is_said_in_spanish_alone_and_before_the_threads_left(cli_in_spanish: None) -> None:
    assert said_error(str(time_limit_reached("YouTube"))) == f"YouTube: {SPANISH}"
    assert (
        said_error(str(time_limit_reached("Google Business Profile")))
        == f"Google Business Profile: {SPANISH}"
    )
    error = f"Timed: {ENGLISH}; 2 thread(s) left for the next scan: p0: HTTP 500; p1: HTTP 502"
    said = f"Timed: {SPANISH}; 2 hilos por leer en el próximo escaneo: p0: HTTP 500; p1: HTTP 502"
    assert said_error(error) == said


def test_a_deadline_is_passed_on_its_clock() -> None:
    now = [100.0]
    deadline = Deadline(at=110.0, clock=lambda: now[0])
    assert not deadline.passed()
    now[0] = 110.0
    assert deadline.passed()


def test_a_scans_caps_are_said_in_spanish_before_the_threads_left(cli_in_spanish: None) -> None:
    pages = "Facebook: stopped after 1,200 listing pages (max_pages_per_scan); 1 thread(s) left for the next scan: p0"
    assert said_error(pages) == (
        "Facebook: se detuvo tras 1.200 páginas del listado (max_pages_per_scan); "
        "1 hilo por leer en el próximo escaneo: p0"
    )
    records = "Reddit: stopped after 50,000 records (max_records_per_scan)"
    assert said_error(records) == "Reddit: se detuvo tras 50.000 registros (max_records_per_scan)"
