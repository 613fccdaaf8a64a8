"""The public holidays' dates, computed by the `holidays` package once and then read from a cache file."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import holidays
import pytest

from socialmon.public_holidays import HolidayDates, cache_folder, known_country


def _every_day(year: int) -> list[date]:
    first = date(year, 1, 1)
    return [first + timedelta(days=n) for n in range((date(year + 1, 1, 1) - first).days)]


@pytest.mark.parametrize(("country", "year"), [("EC", 2026), ("MX", 2025), ("br", 2024)])
def test_the_dates_are_the_holidays_packages_first_from_it_then_from_the_cache(
    tmp_path: Path, country: str, year: int
) -> None:
    truth = holidays.country_holidays(country.upper(), years=year)
    expected = [day for day in _every_day(year) if day in truth]
    assert expected  # every one of these countries has some
    computed = HolidayDates(country, folder=tmp_path)
    assert [day for day in _every_day(year) if day in computed] == expected
    cached = HolidayDates(country, folder=tmp_path)
    assert [day for day in _every_day(year) if day in cached] == expected
    stored = json.loads((tmp_path / f"holidays-{country.upper()}.json").read_text(encoding="utf-8"))
    assert stored["years"][str(year)] == [day.isoformat() for day in expected]


_PROBE = """
import sys
from datetime import date
from socialmon.public_holidays import HolidayDates
dates = HolidayDates("EC")
print(date(2026, 1, 1) in dates, date(2026, 1, 2) in dates, "holidays" in sys.modules)
"""


def test_a_later_run_reads_the_dates_without_importing_the_holidays_package(tmp_path: Path) -> None:
    environment = {**os.environ, "XDG_CACHE_HOME": str(tmp_path)}
    runs = [
        subprocess.run(
            [sys.executable, "-c", _PROBE], capture_output=True, text=True, env=environment, check=True
        )
        for _ in range(2)
    ]
    assert [run.stdout.split() for run in runs] == [["True", "False", "True"], ["True", "False", "False"]]
    assert (tmp_path / "socialmon" / "holidays-EC.json").exists()


_KNOWN_PROBE = """
import sys
from socialmon.public_holidays import known_country
print(known_country("EC"), known_country("gbr"), known_country("UK"), known_country("XX"))
print(sum(name.startswith("holidays.countries.") for name in sys.modules))
"""


def test_a_country_is_known_without_loading_every_countrys_module(tmp_path: Path) -> None:
    environment = {**os.environ, "XDG_CACHE_HOME": str(tmp_path)}  # no cache file vouches for it
    run = subprocess.run(
        [sys.executable, "-c", _KNOWN_PROBE], capture_output=True, text=True, env=environment, check=True
    )
    assert run.stdout.split() == ["True", "True", "True", "False", "0"]


def test_the_countries_known_are_the_packages_own_list(tmp_path: Path) -> None:
    listed = set(holidays.list_supported_countries())
    assert {"EC", "MX", "BR", "GB", "UK", "GBR", "USA"} <= listed
    assert all(known_country(code, folder=tmp_path) for code in listed)
    letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    others = {a + b for a in letters for b in letters} - listed
    assert not any(known_country(code, folder=tmp_path) for code in others)
    # Upper-cased, these would be codes ("SS", "IE"); as written they are not.
    assert not any(known_country(code, folder=tmp_path) for code in ("ß", "ıe", "", " EC", "E-C"))


def test_another_release_of_the_package_or_a_damaged_file_means_computing_again(tmp_path: Path) -> None:
    path = tmp_path / "holidays-EC.json"
    HolidayDates("EC", folder=tmp_path).__contains__(date(2026, 1, 1))
    stored = json.loads(path.read_text(encoding="utf-8"))
    # Dates an older release would have given (Christmas moved), under another package tag: not trusted.
    path.write_text(
        json.dumps({"package": "1:elsewhere:1:1", "years": {"2026": ["2026-12-26"]}}), encoding="utf-8"
    )
    dates = HolidayDates("EC", folder=tmp_path)
    assert date(2026, 12, 25) in dates and date(2026, 12, 26) not in dates
    assert json.loads(path.read_text(encoding="utf-8")) == stored
    for damaged in ("{not json", '{"package": null}', json.dumps({**stored, "years": {"2026": [42]}})):
        path.write_text(damaged, encoding="utf-8")
        dates = HolidayDates("EC", folder=tmp_path)
        assert date(2026, 12, 25) in dates and date(2026, 12, 26) not in dates


def test_a_cache_folder_that_cannot_be_written_only_costs_the_computing(tmp_path: Path) -> None:
    blocked = tmp_path / "a-file-not-a-folder"
    blocked.write_text("", encoding="utf-8")
    dates = HolidayDates("EC", folder=blocked / "socialmon")
    assert date(2026, 1, 1) in dates and date(2026, 1, 2) not in dates
    assert "not a date" not in dates


def test_without_a_home_the_dates_are_computed_and_the_config_still_loads(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A container's uid with no passwd entry and no $HOME: Path.home() raises.
    def no_home() -> Path:
        raise RuntimeError("Could not determine home directory.")

    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    monkeypatch.setattr(Path, "home", no_home)
    assert cache_folder() is None
    dates = HolidayDates("EC")
    assert date(2026, 1, 1) in dates and date(2026, 1, 2) not in dates
    assert known_country("EC") and not known_country("XX")


def test_a_cache_file_from_another_release_does_not_vouch_for_its_country(tmp_path: Path) -> None:
    path = tmp_path / "holidays-XX.json"
    path.write_text(json.dumps({"package": "1:elsewhere:1:1", "years": {"2026": []}}), encoding="utf-8")
    assert not known_country("XX", folder=tmp_path)
    HolidayDates("EC", folder=tmp_path).__contains__(date(2026, 1, 1))
    assert known_country("EC", folder=tmp_path)  # written by this release


def test_a_failed_write_leaves_no_temporary_file_and_keeps_the_other_runs_years(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ours = HolidayDates("EC", folder=tmp_path)
    assert ours._read() == {}  # read before the other run wrote
    HolidayDates("EC", folder=tmp_path).__contains__(date(2025, 1, 1))  # another run writes 2025
    assert date(2026, 1, 1) in ours  # ours writes 2026: both stay
    stored = json.loads((tmp_path / "holidays-EC.json").read_text(encoding="utf-8"))
    assert sorted(stored["years"]) == ["2025", "2026"]

    def refused(*args: object) -> None:
        raise OSError("in use")

    monkeypatch.setattr(os, "replace", refused)
    assert date(2027, 1, 1) in HolidayDates("EC", folder=tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["holidays-EC.json"]
