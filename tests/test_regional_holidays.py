"""A region's public holidays: `holidays = "ES-MD"` (Madrid), "BR-SP" (São Paulo), as ISO 3166-2
and the `holidays` package (`country_holidays("ES", subdiv="MD")`) name a subdivision. The
dates are the package's for that subdivision, the report's locale stays the country's, and a
subdivision the package does not know is a config error naming some it knows."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import holidays
import pytest

from socialmon.analytics.business_time import BusinessCalendar
from socialmon.config import BusinessHours, ConfigError, load_config
from socialmon.public_holidays import HolidayDates, known_subdivision
from socialmon.render.i18n import Lang

CHANNEL = '[[brands.channels]]\nname = "export"\nplatform = "file"\npath = "export.jsonl"\n'


def config_with(tmp_path: Path, region: str) -> Path:
    path = tmp_path / "socialmon.toml"
    path.write_text(
        '[[brands]]\nname = "Café Uno"\nslug = "cafe"\n'
        f'[brands.business_hours]\nmonday = "09:00-17:00"\nholidays = "{region}"\n' + CHANNEL,
        encoding="utf-8",
    )
    return path


@pytest.mark.parametrize(
    ("written", "kept"),
    [
        ("ES-MD", "ES-MD"),
        ("es-md", "ES-MD"),
        ("BR-SP", "BR-SP"),
        ("US-CA", "US-CA"),
        ("ar-b", "AR-B"),
        ("MX", "MX"),
    ],
)
def test_a_subdivision_is_taken_in_any_case(tmp_path: Path, written: str, kept: str) -> None:
    hours = load_config(config_with(tmp_path, written)).brands[0].business_hours
    assert hours is not None and hours.holidays == kept


def test_a_subdivision_the_package_spells_as_a_name_keeps_its_spelling(tmp_path: Path) -> None:
    hours = load_config(config_with(tmp_path, "es-barcelona")).brands[0].business_hours
    assert hours is not None and hours.holidays == "ES-Barcelona"


def problem(tmp_path: Path, region: str) -> str:
    path = config_with(tmp_path, region)
    with pytest.raises(ConfigError) as raised:
        load_config(path)
    [found] = raised.value.problems
    assert (found.path, found.where, found.field) == (
        path.resolve(),
        "brand 'cafe'",
        "business_hours.holidays",
    )
    return str(found)


def test_an_unknown_subdivision_names_the_file_the_field_and_some_it_knows(tmp_path: Path) -> None:
    said = problem(tmp_path, "ES-QQ")
    assert said.startswith(
        f"{(tmp_path / 'socialmon.toml').resolve()}: brand 'cafe', field 'business_hours.holidays': "
    )
    assert "'ES-QQ' is not a subdivision of ES the holidays package knows; it knows ES-AN, " in said
    assert f"({len(holidays.country_holidays('ES').subdivisions)} in all)" in said
    assert "ES-MD" in problem(tmp_path, "ES-MM")  # the nearest spellings first


def test_a_country_without_subdivisions_says_so(tmp_path: Path) -> None:
    assert problem(tmp_path, "EC-P").endswith(
        "'EC-P': the holidays package knows no subdivisions of EC; write 'EC' for its national holidays"
    )


def test_an_unknown_country_before_a_subdivision_is_still_an_unknown_country(tmp_path: Path) -> None:
    assert problem(tmp_path, "XX-MD").endswith(
        "'XX' is not a country the holidays package knows: an ISO code such as 'EC'"
    )


def _every_day(year: int) -> list[date]:
    return [date(year, 1, 1) + timedelta(days=n) for n in range(365)]


@pytest.mark.parametrize(("region", "country", "subdivision"), [("ES-MD", "ES", "MD"), ("US-CA", "US", "CA")])
def test_the_dates_are_the_packages_for_the_subdivision_then_from_their_own_cache_file(
    tmp_path: Path, region: str, country: str, subdivision: str
) -> None:
    truth = holidays.country_holidays(country, subdiv=subdivision, years=2026)
    expected = [day for day in _every_day(2026) if day in truth]
    assert expected != [
        day for day in _every_day(2026) if day in holidays.country_holidays(country, years=2026)
    ]
    assert [day for day in _every_day(2026) if day in HolidayDates(region, folder=tmp_path)] == expected
    assert [day for day in _every_day(2026) if day in HolidayDates(region, folder=tmp_path)] == expected
    stored = json.loads((tmp_path / f"holidays-{region}.json").read_text(encoding="utf-8"))
    assert stored["years"]["2026"] == [day.isoformat() for day in expected]
    # The country's own file is another: its national dates are not the region's.
    national = [day for day in _every_day(2026) if day in HolidayDates(country, folder=tmp_path)]
    assert national == [
        day for day in _every_day(2026) if day in holidays.country_holidays(country, years=2026)
    ]


def test_a_cache_file_vouches_for_its_subdivision_in_any_case(tmp_path: Path) -> None:
    assert date(2026, 5, 2) in HolidayDates("ES-MD", folder=tmp_path)
    assert known_subdivision("ES", "md", folder=tmp_path) == "MD"
    assert known_subdivision("ES", "xx", folder=tmp_path) is None


def local(text: str, zone: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=ZoneInfo(zone)).astimezone(UTC)


def test_madrids_own_holiday_is_closed_and_columbus_day_is_open_in_california() -> None:
    weekdays = {day: "09:00-17:00" for day in ("monday", "tuesday", "wednesday", "thursday", "friday")}
    madrid = BusinessCalendar(BusinessHours(**weekdays, holidays="ES-MD"), "Europe/Madrid")
    spain = BusinessCalendar(BusinessHours(**weekdays, holidays="ES"), "Europe/Madrid")
    # Thursday 2 April 2026 (Maundy Thursday) is a holiday in Madrid, not in all of Spain.
    asked, answered = local("2026-04-01 16:00", "Europe/Madrid"), local("2026-04-06 10:00", "Europe/Madrid")
    assert madrid.business_seconds(asked, answered) == 2 * 3600  # Wednesday 16-17, Monday 9-10
    assert spain.business_seconds(asked, answered) == 10 * 3600  # and Thursday's 8 hours
    # California does not keep Columbus Day (Monday 12 October 2026), which the country does.
    california = BusinessCalendar(BusinessHours(**weekdays, holidays="US-CA"), "America/Los_Angeles")
    monday = (
        local("2026-10-12 09:00", "America/Los_Angeles"),
        local("2026-10-12 17:00", "America/Los_Angeles"),
    )
    assert california.business_seconds(*monday) == 8 * 3600


@pytest.mark.parametrize(
    ("language", "region", "locale", "name", "number"),
    [
        ("es", "ES-MD", "es_ES", "Madrid, España", "1.234,5"),
        ("pt", "BR-SP", "pt_BR", "São Paulo, Brasil", "1.234,5"),
        ("en", "US-CA", "en_US", "California, United States", "1,234.5"),
        ("es", "MX", "es_MX", "México", "1,234.5"),
    ],
)
def test_a_reports_locale_is_the_regions_country_and_its_name_says_the_region(
    language: str, region: str, locale: str, name: str, number: str
) -> None:
    lang = Lang(language, region, "UTC")
    assert (str(lang.locale), lang.country(region), lang.number(1234.5, 1)) == (locale, name, number)


def test_the_rules_at_a_reports_foot_name_the_region() -> None:
    assert Lang("es", "ES-MD")("rule_holidays", country=Lang("es", "ES-MD").country("ES-MD")) == (
        "; cerrado los feriados de Madrid, España"
    )
    assert Lang("pt", "BR-SP")("rule_holidays", country=Lang("pt", "BR-SP").country("BR-SP")) == (
        "; fechado nos feriados (São Paulo, Brasil)"
    )


@pytest.mark.parametrize("region", ["ES-QQ", "EC-P"])
def test_a_subdivision_problem_is_said_in_spanish(tmp_path: Path, region: str) -> None:
    from socialmon.cli import _i18n
    from socialmon.cli._config_words import said

    path = config_with(tmp_path, region)
    with pytest.raises(ConfigError) as raised:
        load_config(path)
    [found] = raised.value.problems
    _i18n.use("es")
    try:
        spanish = said(found.message)
    finally:
        _i18n.use_environment()
    assert spanish != found.message
    assert "feriados" in spanish or "subdivisi" in spanish, spanish
