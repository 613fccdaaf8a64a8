"""A country's or a region's public holidays as dates, kept in a small cache file between runs.

Business hours close on the public holidays of the brand's country ("EC"), or of one of its
subdivisions as ISO 3166-2 writes it ("ES-MD": Madrid, "BR-SP": São Paulo), which the
maintained `holidays` package knows (`country_holidays("ES", subdiv="MD")`). Importing it (with dateutil) and building one country's calendar costs ~20 ms,
a twentieth of `socialmon report` on the quick start's sample (0.41 s), for a few dates a year
that never change for a given release of the package. So the dates of each year asked for are
written to `$XDG_CACHE_HOME/socialmon/holidays-<CC>.json` or `holidays-<CC>-<SUBDIV>.json`
(default `~/.cache`; the region's own spelling is kept inside it), tagged with the
installed package's file (path, size, modification time): another release of `holidays`, or
a damaged or missing file, means the dates are computed again. A cache that cannot be written
is not an error: the dates are computed every run, as without it.
"""

from __future__ import annotations

import contextlib
import functools
import importlib.util
import json
import os
import tempfile
from datetime import date
from difflib import get_close_matches
from pathlib import Path
from typing import Any
from urllib.parse import quote

_FORMAT = 1  # bump when the file's layout changes


def cache_folder() -> Path | None:
    """Where the cache files live: $XDG_CACHE_HOME/socialmon, else ~/.cache/socialmon; None when
    there is no home to put it in (a container's uid with no passwd entry and no $HOME)."""
    base = os.environ.get("XDG_CACHE_HOME")
    if not base:
        try:
            base = str(Path.home() / ".cache")
        except (RuntimeError, KeyError, OSError):
            return None
    return Path(base) / "socialmon"


def _read_file(path: Path | None) -> dict[str, Any]:
    """A cache file's content, when the installed `holidays` package wrote it; else nothing."""
    if path is None:
        return {}
    tag = _package_tag()
    try:
        found = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if isinstance(found, dict) and tag is not None and found.get("package") == tag:
        return found
    return {}


def _read_cache(path: Path | None) -> dict[str, list[str]]:
    """The years a cache file holds, when the installed `holidays` package wrote it; else none."""
    years = _read_file(path).get("years")
    return years if isinstance(years, dict) else {}


def split_region(code: str) -> tuple[str, str | None]:
    """'ES-MD' -> ('ES', 'MD'); 'EC' -> ('EC', None). Country codes hold no hyphen, so the first
    one ends the country (the package's subdivision names may hold spaces, never a hyphen first)."""
    country, hyphen, subdivision = code.partition("-")
    return country, (subdivision if hyphen else None)


def _cache_path(region: str, folder: Path | None) -> Path | None:
    """The region's file, named by its upper case (one file whatever case a config writes, and
    no two names that a case-insensitive file system would take for one); a name the package
    spells with spaces or accents ("BR-São Paulo Capital") is %-encoded."""
    folder = folder or cache_folder()
    name = quote(region.upper(), safe="-")
    return folder / f"holidays-{name}.json" if folder is not None else None


@functools.cache  # read and written files ask it again; the package a process runs is the same throughout
def _package_tag() -> str | None:
    """The installed `holidays` package as path, size and modification time, without importing it."""
    try:
        spec = importlib.util.find_spec("holidays")
    except (ImportError, ValueError):
        return None
    if spec is None or spec.origin is None:
        return None
    try:
        found = os.stat(spec.origin)
    except OSError:
        return None
    return f"{_FORMAT}:{spec.origin}:{found.st_size}:{found.st_mtime_ns}"


def known_country(country: str, folder: Path | None = None) -> bool:
    """Whether the `holidays` package knows `country`: a cache file says so without loading it.

    Else the package's registry says it, as `holidays.list_supported_countries` lists the codes
    (aliases included) before it imports every country's module for its subdivisions: 80-150 ms
    that each process loading a config with `holidays` paid while no cache file vouched for its
    country (a first run, another release of the package, a cron job with an empty cache).
    """
    if not (country.isascii() and country.isalpha()):
        return False  # codes are ASCII letters: "ß".upper() is "SS" (South Sudan), "ıe".upper() "IE"
    code = country.upper()
    if _read_cache(_cache_path(code, folder)):
        return True  # written only for a country this release of the package computed
    import holidays

    try:
        from holidays.registry import EntityLoader

        return code in set(EntityLoader.get_country_codes(include_aliases=True))
    except Exception:  # a layout this shortcut does not know: the library's own list decides
        return code in holidays.list_supported_countries()


def subdivisions(country: str) -> tuple[str, ...]:
    """The subdivisions the `holidays` package knows for a country it knows, as it spells them
    (ISO 3166-2 codes such as 'MD', and a few names such as 'Barcelona'); () for a country
    without any."""
    return tuple(str(name) for name in getattr(_country_class(country.upper()), "subdivisions", ()))


def known_subdivision(country: str, subdivision: str, folder: Path | None = None) -> str | None:
    """The package's own spelling of `subdivision` of a known `country`, found in any case
    ('md' -> 'MD', 'barcelona' -> 'Barcelona'); None when the package does not know it.

    A cache file written for the region vouches for it without loading the package."""
    region = f"{country.upper()}-{subdivision}"
    stored = _read_file(_cache_path(region, folder))
    spelt, years = stored.get("region"), stored.get("years")
    if isinstance(spelt, str) and spelt.casefold() == region.casefold() and isinstance(years, dict) and years:
        return split_region(spelt)[1]
    wanted = subdivision.strip().casefold()
    return next((name for name in subdivisions(country) if name.casefold() == wanted), None)


def nearest_subdivisions(country: str, subdivision: str, count: int = 8) -> list[str]:
    """Subdivisions of `country` to name beside a mistaken one: the closest spellings first,
    then the package's first ones, `count` in all."""
    known = subdivisions(country)
    by_case = {name.casefold(): name for name in known}
    close = [by_case[name] for name in get_close_matches(subdivision.casefold(), by_case, n=3, cutoff=0.5)]
    return list(dict.fromkeys([*close, *known]))[:count]


def subdivision_name(region: str) -> str | None:
    """The name the package gives a region's subdivision ('ES-MD' -> 'Madrid'), else None."""
    country, subdivision = split_region(region)
    if not subdivision:
        return None
    try:
        names = _country_class(country.upper()).get_subdivision_aliases().get(subdivision)
    except Exception:  # another layout of the package: the code stands for itself
        return None
    return str(names[0]) if names else None


@functools.cache  # one module per country, loaded once a process
def _country_class(code: str) -> Any:
    """The `holidays` class of one country, loading only that country's module.

    `holidays.country_holidays` imports `holidays.countries`, whose package imports all
    ~250 countries (about 150 ms at start-up); the registry names the one module we need.
    Anything unexpected falls back to the library's own lookup.
    """
    import holidays
    from holidays.registry import COUNTRIES

    try:
        module_name, class_name = next((m, names[0]) for m, names in COUNTRIES.items() if code in names[1:])
        path = Path(holidays.__file__).parent / "countries" / f"{module_name}.py"
        spec = importlib.util.spec_from_file_location(f"holidays.countries.{module_name}", path)
        if spec is None or spec.loader is None:
            raise ImportError(path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        return getattr(module, class_name)
    except Exception:  # a layout this shortcut does not know: the library decides (and raises)
        return type(holidays.country_holidays(code))


def country_calendar(region: str, year: int) -> Any:
    """The `holidays` calendar of one country, or of one of its subdivisions ('ES-MD'), for one year."""
    country, subdivision = split_region(region)
    return _country_class(country.upper())(years=year, subdiv=subdivision)


class HolidayDates:
    """`day in dates`: whether `day` is a public holiday of `region` (a country, 'EC', or one of
    its subdivisions, 'ES-MD', as the package spells it); a year at a time, cached."""

    def __init__(self, region: str, folder: Path | None = None) -> None:
        country, subdivision = split_region(region)
        self.region = country.upper() + (f"-{subdivision}" if subdivision is not None else "")
        self._path = _cache_path(self.region, folder)
        self._years: dict[int, frozenset[date]] = {}
        self._stored: dict[str, list[str]] | None = None  # the file's years, read once

    def __contains__(self, day: object) -> bool:
        if not isinstance(day, date):
            return False
        dates = self._years.get(day.year)
        if dates is None:
            dates = self._years[day.year] = self._year(day.year)
        return day in dates

    def _year(self, year: int) -> frozenset[date]:
        stored = self._read()
        days = stored.get(str(year))
        if isinstance(days, list):
            try:
                return frozenset(date.fromisoformat(day) for day in days)
            except (TypeError, ValueError):
                pass  # damaged: computed again below
        dates = frozenset(day for day in country_calendar(self.region, year) if day.year == year)
        stored[str(year)] = sorted(day.isoformat() for day in dates)
        self._write(stored)
        return dates

    def _read(self) -> dict[str, list[str]]:
        if self._stored is None:
            self._stored = _read_cache(self._path)
        return self._stored

    def _write(self, years: dict[str, list[str]]) -> None:
        tag, path = _package_tag(), self._path
        if tag is None or path is None:
            return
        # Years another run wrote meanwhile are kept beside ours.
        years = {**_read_cache(path), **years}
        temporary: str | None = None
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            # Whole or not at all: two runs writing at once each leave a complete file.
            with tempfile.NamedTemporaryFile(
                "w", encoding="utf-8", dir=path.parent, prefix=path.name, delete=False
            ) as handle:
                temporary = handle.name
                json.dump({"package": tag, "region": self.region, "years": years}, handle, sort_keys=True)
            os.replace(temporary, path)
        except OSError:  # not writable, full, or in use: the dates are computed again next run
            if temporary is not None:
                with contextlib.suppress(OSError):
                    os.unlink(temporary)
