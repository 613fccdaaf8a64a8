"""`report --since 2027-01-01` without --until: the window would end now, so it starts in the
future. That is said as it is, with today's date in the brand's time zone, not as "--since must
be before --until" about an --until the user never gave; and it is said in the user's language."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from helpers import comment, copy_project, post, scanned_project
from helpers import run_in_process as run

from socialmon.analytics.scope import WindowError, make_scope
from socialmon.config import BrandConfig, ReportOptions
from socialmon.database import Database

ZONE = "America/Guayaquil"  # the test projects' brand, UTC-5
# 03:00 UTC on 21 November is still the 20th in Guayaquil.
NOW = datetime(2026, 11, 21, 3, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def wide_console(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "200")


@pytest.fixture(scope="module")
def scanned(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("scanned")
    scanned_project(folder, [post("p1", author_id="biz"), comment("c1", text="Muy rico")])
    return folder


@pytest.fixture
def project(tmp_path: Path, scanned: Path) -> Path:
    return copy_project(scanned, tmp_path).resolve()


def scope_of(since: str | datetime, until: str | None = None) -> None:
    brand = BrandConfig(name="Café Uno", slug="cafe", timezone=ZONE)
    database = Database("sqlite://")  # never asked: the window is refused first
    make_scope(database, brand, ReportOptions(), since=since, until=until, now=NOW)


@pytest.mark.parametrize(
    ("since", "said"),
    [
        ("2027-01-01", "'2027-01-01'"),
        ("2026-11-21", "'2026-11-21'"),  # tomorrow in Guayaquil, though already today in UTC
        ("2026-11-21T00:00:00-05:00", "'2026-11-21T00:00:00-05:00'"),
        (NOW + timedelta(seconds=1), "'2026-11-21T03:00:01+00:00'"),
    ],
)
def test_a_window_starting_after_now_without_until_is_in_the_future(since: str | datetime, said: str) -> None:
    with pytest.raises(WindowError) as raised:
        scope_of(since)
    error = raised.value
    assert (error.problem, error.option, error.today, error.zone) == (
        "future",
        "--since",
        date(2026, 11, 20),
        ZONE,
    )
    assert str(error) == f"--since {said} starts the window in the future: today is 2026-11-20 in {ZONE}"


def test_a_window_with_its_own_until_is_still_told_about_its_order() -> None:
    with pytest.raises(WindowError) as raised:
        scope_of("2027-02-01", "2027-01-01")
    assert raised.value.problem == "order"  # the user gave --until: that one is the problem


@pytest.mark.parametrize(
    ("lang", "said"),
    [
        ("en", "--since '2199-01-01' starts the window in the future: today is {today} in America/Guayaquil"),
        ("es", "--since '2199-01-01' inicia el periodo en el futuro: hoy es {today} en America/Guayaquil"),
    ],
)
def test_the_cli_says_the_window_is_in_the_future_in_the_language_asked(
    project: Path, lang: str, said: str
) -> None:
    days = [datetime.now(ZoneInfo(ZONE)).date()]
    result = run("report", "--since", "2199-01-01", "--lang", lang, "--config", str(project))
    days.append(datetime.now(ZoneInfo(ZONE)).date())  # the run may have crossed midnight
    assert result.exit_code == 2, result.output
    assert result.stderr.strip() in {f"error: {said.format(today=day.isoformat())}" for day in days}
    assert "--until" not in result.stderr
