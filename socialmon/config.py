"""The TOML configuration: brands, their channels, and where the database lives.

Found by `--config`, then `$SOCIALMON_CONFIG`, then `./socialmon.toml`. Secrets are
written as `${ENV_VAR}` and only resolved when a channel's connector settings are
built, so they never reach the database, a log or a message. Every mistake becomes
a `ConfigProblem` that names the file, the brand and channel, and the field.
"""

from __future__ import annotations

import codecs
import difflib
import ipaddress
import math
import os
import re
import tomllib
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import time
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal, Protocol, TypeVar, Union, get_args, get_origin
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    AfterValidator,
    AliasChoices,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from socialmon.sentiment.registry import DEFAULT_SCORER

if TYPE_CHECKING:  # the connectors load only when a channel is resolved: a report never needs them
    from socialmon.plugins import ConnectorRegistry
    from socialmon_connectors.base import ChannelContext, Connector, ConnectorSettings

CONFIG_ENV = "SOCIALMON_CONFIG"
# Channels scanned at once. A scan waits on the network far more than it computes; each
# channel is still read one request at a time, within its platform's limits.
DEFAULT_CONCURRENCY = 20
DEFAULT_CHANNEL_TIMEOUT = 2 * 60 * 60  # seconds one channel may spend fetching in one scan
DEFAULT_CONFIG_NAME = "socialmon.toml"
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_ENV_REFERENCE = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")
# What is left of a reference written wrong once the right ones are taken out: "${TOKEN" (no
# closing brace), "${ TOKEN }", or the shell's "$TOKEN" or Windows' "%TOKEN%" as the whole value.
# Without this the text itself would be the token, and the platform's refusal would send the user
# to renew a token that is fine.
_BROKEN_REFERENCE = re.compile(r"\$\{(?P<inside>[^}]*)\}?")
_BARE_REFERENCE = re.compile(
    r"^\s*(?:\$(?P<shell>[A-Z_][A-Z0-9_]*)|%(?P<windows>[A-Za-z_][A-Za-z0-9_]*)%)\s*$"
)
_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(m|min|h|d)?\s*$")
_BARE_NUMBER = re.compile(r"^\s*[-+]?\d+(?:\.\d+)?\s*$")
_HOURS = re.compile(r"^(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})$")
_COLOUR = re.compile(r"^#(?:[0-9a-fA-F]{3}){1,2}$")
_CLOCK_RANGE = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*$")


@dataclass(frozen=True)
class ConfigProblem:
    path: Path
    where: str  # "brand 'cafe', channel 'export'" or "" for top level
    field: str
    message: str
    variable: str = ""  # the unset environment variable, when that is the problem
    hint: str = ""  # what the user likely meant ("did you mean 'timezone'?"), said after the message

    def __str__(self) -> str:
        place = f"{self.where}, " if self.where else ""
        field = f"field '{self.field}': " if self.field else ""
        hint = f"; {self.hint}" if self.hint else ""
        return f"{self.path}: {place}{field}{self.message}{hint}"


class ConfigError(Exception):
    """The configuration cannot be used; `problems` has one entry per mistake."""

    def __init__(self, problems: list[ConfigProblem]) -> None:
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = problems


def known_timezone(value: str) -> str:
    """An IANA time zone name, checked as the connectors check theirs (`socialmon_connectors.base`,
    not imported here so that loading a config loads no connector)."""
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        meant = _timezone_meant(value)
        if meant is not None:
            raise ValueError(f"unknown time zone {value!r}; did you mean {meant!r}?") from None
        raise ValueError(f"unknown time zone {value!r}; use an IANA name like 'America/Guayaquil'") from None
    return value


def _timezone_meant(value: str) -> str | None:
    """The IANA name `value` is written for in another case or with spaces ("america/mexico city")."""
    from zoneinfo import available_timezones

    key = re.sub(r"\s+", "_", value.strip()).casefold()
    return next((name for name in sorted(available_timezones()) if name.casefold() == key), None)


TimeZoneName = Annotated[str, AfterValidator(known_timezone)]


def slugify(name: str) -> str:
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-") or "brand"


def typed_key(text: str) -> str:
    """A name as a person may type it: lower case, without accents, any run of spaces and
    punctuation as one space ("Café  La-Esquina" -> "cafe la esquina"). Only the accents of the
    Latin alphabet go (ñ -> n, ç -> c); other letters stay (東京, and ガ keeps its mark), unlike
    `slugify`, which drops every letter without an ASCII form."""
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(character for character in decomposed if not "\u0300" <= character <= "\u036f")
    recomposed = unicodedata.normalize("NFKC", bare)  # ガ whole again: a word, not a letter and a mark
    return " ".join(word for word in re.split(r"[\W_]+", recomposed.casefold()) if word)


class NamedChannel(Protocol):
    @property
    def name(self) -> str: ...


class NamedBrand(Protocol):
    """What the lookups below read of a brand: a configured one, or one stored in the database."""

    @property
    def slug(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def channels(self) -> Sequence[NamedChannel]: ...


AnyBrand = TypeVar("AnyBrand", bound=NamedBrand)


def brands_named(brands: Sequence[AnyBrand], typed: str) -> list[AnyBrand]:
    """The brands `typed` designates: the brand whose slug it is, else the brands whose name it
    is, else those whose slug or name it is in any case and with or without accents or
    punctuation ("CAFE LA ESQUINA", "cafe la esquina" for "Café La Esquina"). One brand, none,
    or several when it is ambiguous (two brands called alike)."""
    by_slug = [b for b in brands if b.slug == typed]
    if by_slug:  # slugs are unique: the one way to name a brand that is never ambiguous
        return by_slug
    by_name = [b for b in brands if b.name == typed]
    if by_name:
        return by_name
    key = typed_key(typed)
    return [b for b in brands if key and key in (typed_key(b.slug), typed_key(b.name))]


def channels_named(
    brands: Sequence[AnyBrand], typed: str, brand: str | None = None
) -> list[tuple[AnyBrand, Any]]:
    """The (brand, channel) pairs `typed` designates among the channels of `brand` (a slug; None:
    every brand's). A channel's own name may hold a slash ("fb/ventas"), so: first the channels
    whose `slug/name` or bare name it is exactly; else, at each "/" where the part before it
    names a brand (`brands_named`), that brand's channel named by the rest; else the same in any
    case and with or without accents ("Café La Esquina/Facebook"). Empty when it names none."""
    in_scope = [b for b in brands if brand is None or b.slug == brand]
    exact = [(b, c) for b in in_scope for c in b.channels if typed in (c.name, f"{b.slug}/{c.name}")]
    if exact:
        return exact
    slugs_in_scope = {b.slug for b in in_scope}
    split: list[tuple[list[AnyBrand], str]] = []
    for at, character in enumerate(typed):
        if character == "/":
            owners = [b for b in brands_named(brands, typed[:at]) if b.slug in slugs_in_scope]
            if owners:
                split.append((owners, typed[at + 1 :]))

    def matching(readings: list[tuple[list[AnyBrand], str]], loose: bool) -> list[tuple[AnyBrand, Any]]:
        found: list[tuple[AnyBrand, Any]] = []
        for owners, name in readings:
            key = typed_key(name)
            for b in owners:
                for c in b.channels:
                    same = (key and typed_key(c.name) == key) if loose else c.name == name
                    if same and not any(b is fb and c is fc for fb, fc in found):
                        found.append((b, c))
        return found

    return matching(split, loose=False) or matching([(in_scope, typed), *split], loose=True)


def parse_minutes(value: Any) -> float:
    """'90m', '2h', '1.5h', '1d' or a number of minutes -> minutes: for code, which knows its unit.
    A config's durations are read with `config_minutes`, which refuses a number without a unit."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        minutes = float(value)
    else:
        match = _DURATION.match(str(value))
        if not match:
            raise ValueError(f"{value!r} is not a duration; write e.g. '30m', '2h' or '1d'")
        number, unit = float(match.group(1)), match.group(2) or "m"
        minutes = number * {"m": 1, "min": 1, "h": 60, "d": 1440}[unit]
    if minutes <= 0:
        raise ValueError("must be longer than zero")
    return minutes


def config_minutes(value: Any, *, fits: Callable[[float], bool] | None = None) -> float:
    """A duration as a config writes it ('90m', '2h', '1.5h', '1d') -> minutes. A number without a
    unit is refused: `response_sla = 4` was read as 4 minutes where an owner means 4 hours. The
    message offers both readings, those for which `fits` (minutes -> whether the field takes them)
    holds."""
    bare = _bare_number(value)
    if bare is None:
        return parse_minutes(value)
    if not math.isfinite(bare):  # TOML's inf and nan
        raise ValueError(f"{value!r} is not a duration; write e.g. '30m', '2h' or '1d'")
    if bare <= 0:
        raise ValueError("must be longer than zero")
    number = str(int(bare)) if bare.is_integer() else repr(bare)  # 4, 1.5 (never 1e+06)
    hours, minutes = f"'{number}h'", f"'{number}m'"
    readings = [
        reading for reading, length in ((hours, bare * 60), (minutes, bare)) if fits is None or fits(length)
    ]
    if len(readings) == 2:
        raise ValueError(
            f"{value!r} is a number without a unit, which versions before 2026-12 read as minutes: "
            f"write {minutes} to keep that, or {hours} for hours"
        )
    if readings:
        raise ValueError(f"{value!r} is a number without a unit: write {readings[0]}")
    raise ValueError(
        f"{value!r} is a number without a unit: write it with one, e.g. '15s', '10m', '30m', '1h', '6h', "
        "'1d' (a period that divides a minute, an hour or a day)"
    )


def _bare_number(value: Any) -> float | None:
    """The number `value` is when it is one without a unit (4, 1.5, "4", " -3 "), else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str) and _BARE_NUMBER.match(value):
        return float(value)
    return None


def _field_error(at: tuple[str | int, ...], message: str) -> PydanticCustomError:
    """A model validator's error that names the field it is about (`at`, below the model): pydantic
    places it at the model itself. `_problem_from_error` reads `at` back."""
    return PydanticCustomError("config_field", message, {"at": at})  # (only "{at}" would be replaced)


class _Strict(BaseModel):
    # Validators built when first used, not as the module loads: the config's models are read
    # once, as one tree, from `Settings` (import + load of a config 125-135 ms -> 95-100 ms).
    # A model first used in two threads at once is built under pydantic's lock (2.14 and later).
    model_config = ConfigDict(extra="forbid", defer_build=True)


class BusinessHours(_Strict):
    """Opening hours per weekday in the brand's time zone, e.g. monday = "09:00-13:00, 15:00-19:00"."""

    monday: str = "closed"
    tuesday: str = "closed"
    wednesday: str = "closed"
    thursday: str = "closed"
    friday: str = "closed"
    saturday: str = "closed"
    sunday: str = "closed"
    holidays: str | None = Field(
        default=None,
        description="ISO code of the country ('EC') or of its subdivision ('ES-MD') whose public holidays are closed",
    )

    @field_validator(*WEEKDAYS)
    @classmethod
    def _valid_ranges(cls, value: str) -> str:
        parse_hours(value)
        return value

    @field_validator("holidays")
    @classmethod
    def _known_region(cls, value: str | None) -> str | None:
        """'EC', or 'ES-MD' as ISO 3166-2 and the `holidays` package write a subdivision, in any
        case; kept as the package spells it ('es-md' -> 'ES-MD')."""
        if value is None:
            return None
        from socialmon.public_holidays import (
            known_country,
            known_subdivision,
            nearest_subdivisions,
            split_region,
            subdivisions,
        )

        country, subdivision = split_region(value.strip())
        if not known_country(country):
            raise ValueError(
                f"{country!r} is not a country the holidays package knows: an ISO code such as 'EC'"
            )
        country = country.upper()
        if subdivision is None:
            return country
        spelt = known_subdivision(country, subdivision)
        if spelt is not None:
            return f"{country}-{spelt}"
        if not subdivisions(country):
            raise ValueError(
                f"{value!r}: the holidays package knows no subdivisions of {country}; "
                f"write {country!r} for its national holidays"
            )
        some = ", ".join(f"{country}-{name}" for name in nearest_subdivisions(country, subdivision))
        raise ValueError(
            f"{value!r} is not a subdivision of {country} the holidays package knows; "
            f"it knows {some} ({len(subdivisions(country))} in all)"
        )

    def ranges(self) -> dict[str, list[tuple[time, time]]]:
        return {day: parse_hours(getattr(self, day)) for day in WEEKDAYS}


def parse_hours(value: str) -> list[tuple[time, time]]:
    """A day's opening hours, "09:00-13:00, 15:00-19:00", as (opening, closing) pairs.

    "24:00" closes at midnight and is given as 23:59:59, a time no range can name. A range that
    ends before it starts goes past midnight ("20:00-02:00": from 20:00 to 02:00 the next day,
    which is still this day's: see `socialmon.analytics.business_time`)."""
    text = value.strip().lower()
    if text in ("", "closed", "cerrado"):
        return []
    ranges = []
    for part in text.split(","):
        match = _HOURS.match(part.strip())
        if not match:
            raise ValueError(f"{part.strip()!r} is not a range like '09:00-18:00'")
        h1, m1, h2, m2 = (int(g) for g in match.groups())
        if not (h1 < 24 and m1 < 60 and m2 < 60 and (h2 < 24 or (h2, m2) == (24, 0))):
            raise ValueError(f"{part.strip()!r} is not a valid time range")
        start, end = time(h1, m1), time(23, 59, 59) if h2 == 24 else time(h2, m2)
        if end == start:
            raise ValueError(f"{part.strip()!r} opens and closes at the same time")
        ranges.append((start, end))
    return ranges


# --- alerts ---------------------------------------------------------------------------------
# Every rule section lives under [brands.alerts.<rule>]; the README's "Alerts" section explains
# each option. Durations are written like response_sla ('30m', '2h', '7d'), never as a bare
# number, and kept in minutes.

Severity = Literal["info", "warning", "critical"]
Minutes = Annotated[float, BeforeValidator(config_minutes)]


class _Rule(_Strict):
    enabled: bool = True


class NegativeSpikeRule(_Rule):
    """The last `window` against the `baseline_days` before it: mean + k standard deviations."""

    metric: Literal["share", "count"] = "share"
    window: Minutes = Field(default=24 * 60, description="minutes")
    baseline_days: int = Field(default=7, ge=2, le=90)
    k: float = Field(default=3.0, gt=0)
    min_comments: int = Field(default=10, ge=1, description="customer comments in the window")
    min_negative: int = Field(default=5, ge=1, description="negative comments in the window")
    cooldown: Minutes = Field(default=24 * 60, description="minutes")
    severity: Severity = "critical"

    @model_validator(mode="after")
    def _window_fits(self) -> NegativeSpikeRule:
        if self.window > self.baseline_days * 1440 / 2:
            raise ValueError(
                "window must be at most half of baseline_days, or there is no baseline to compare"
            )
        return self


class WaitingRule(_Rule):
    sla: float | None = Field(default=None, description="minutes; default: the brand's response_sla")
    include: Literal["all", "negative"] = "all"
    lookback: Minutes = Field(default=7 * 1440, description="minutes; older comments are not alerted")
    severity: Severity = "info"
    severity_negative: Severity = "warning"

    @field_validator("sla", mode="before")
    @classmethod
    def _sla(cls, value: Any) -> float | None:
        return None if value is None else config_minutes(value)


class WatchListRule(_Rule):
    terms: list[str] = Field(default_factory=list)
    lookback: Minutes = Field(default=7 * 1440, description="minutes")
    severity: Severity = "critical"

    @field_validator("terms")
    @classmethod
    def _no_blank_terms(cls, value: list[str]) -> list[str]:
        from socialmon.alerts.watchlist import normalise

        # A term of accents alone ("\u0301") is empty too once they are set aside, as the matching
        # sets them aside: it stopped every alerts run with an IndexError.
        if any(not normalise(term).split() for term in value):
            raise ValueError("a watch-list term is empty")
        return value


class HeatingUpRule(_Rule):
    min_engagement: int = Field(default=10, ge=1, description="likes + replies of a negative comment")
    min_rate: float = Field(default=2.0, gt=0, description="likes + replies per hour since it was written")
    lookback: Minutes = Field(default=48 * 60, description="minutes")
    post_negative_comments: int = Field(
        default=5, ge=1, description="negative comments on one post within post_window"
    )
    post_window: Minutes = Field(default=6 * 60, description="minutes")
    severity: Severity = "warning"


class ReplyWindowRule(_Rule):
    warn_before: Minutes = Field(default=24 * 60, description="minutes before the platform's window closes")
    severity: Severity = "warning"


class ConnectorTroubleRule(_Rule):
    failed_scans: int = Field(default=3, ge=1, description="consecutive failed scans")
    token_expiry_warning: Minutes = Field(default=7 * 1440, description="minutes")
    severity: Severity = "warning"


class SmtpOptions(_Strict):
    """How to reach the mail server. Any of these may be set in [smtp] for every brand."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    host: str | None = None
    port: int | None = Field(default=None, ge=1, le=65535)
    security: Literal["starttls", "ssl", "none"] | None = None
    username: str | None = None
    password: str | None = None
    sender: str | None = Field(default=None, validation_alias=AliasChoices("from", "sender"))
    ca_file: str | None = Field(default=None, description="CA bundle for a server with a private CA")
    timeout: float | None = Field(default=None, gt=0)


class EmailDestination(SmtpOptions):
    to: list[str] = Field(min_length=1)

    @field_validator("to", mode="before")
    @classmethod
    def _one_or_many(cls, value: Any) -> Any:
        """A list, or one string; an entry naming several people ("a@x.com, b@x.com", as a mail
        program writes To:) is one entry each: every one of them is a recipient of its own."""
        from email.utils import formataddr, getaddresses

        entries = [value] if isinstance(value, str) else value
        if not isinstance(entries, list):
            return value
        split: list[Any] = []
        for entry in entries:
            people = getaddresses([entry]) if isinstance(entry, str) and "," in entry else []
            if len([address for _, address in people if address]) > 1:
                split.extend(formataddr(person) for person in people if person[1])
            else:
                split.append(entry)
        return split

    @field_validator("to")
    @classmethod
    def _one_line(cls, value: list[str]) -> list[str]:
        """No line break or control character: one in an address would write a header of its own
        into the message (`Bcc: …`). Anything else is the mail server's to judge (a local mailbox
        such as `root` is fine for a relay on this machine)."""
        for address in value:
            if any(ord(character) < 32 or character == "\x7f" for character in address):
                raise ValueError(
                    f"{address!r} holds a line break or a control character: one address per entry"
                )
        return value


class WebhookDestination(_Strict):
    kind: Literal["slack", "discord", "teams", "json"]
    url: str = Field(min_length=1)
    name: str = Field(default="", max_length=320)  # what `alert_delivery.destination` holds
    headers: dict[str, str] = Field(default_factory=dict, description="extra headers (json webhooks)")
    timeout: float = Field(default=20, gt=0)

    @field_validator("url")
    @classmethod
    def _web_address(cls, value: str) -> str:
        if "${" not in value and not value.lower().startswith(("https://", "http://")):
            raise ValueError("must be an https:// address (or ${ENV_VAR} holding one)")
        return value

    @model_validator(mode="after")
    def _default_name(self) -> WebhookDestination:
        self.name = self.name or self.kind
        return self


class AlertOptions(_Strict):
    """[brands.alerts]: which rules run for the brand, and where their alerts go."""

    enabled: bool = True
    quiet_hours: str | None = Field(
        default=None, description="'22:00-07:00' in the brand's time zone: only critical alerts go out"
    )
    negative_spike: NegativeSpikeRule = Field(default_factory=NegativeSpikeRule)
    waiting: WaitingRule = Field(default_factory=WaitingRule)
    watch_list: WatchListRule = Field(default_factory=WatchListRule)
    heating_up: HeatingUpRule = Field(default_factory=HeatingUpRule)
    reply_window: ReplyWindowRule = Field(default_factory=ReplyWindowRule)
    connector_trouble: ConnectorTroubleRule = Field(default_factory=ConnectorTroubleRule)
    max_per_run: int = Field(
        default=10, ge=1, description="new alerts per brand and run before the rest go into one digest alert"
    )
    email: EmailDestination | None = None
    webhooks: list[WebhookDestination] = Field(default_factory=list)

    @field_validator("quiet_hours")
    @classmethod
    def _clock_range(cls, value: str | None) -> str | None:
        if value is not None and value.strip().lower() not in ("", "off"):
            parse_clock_range(value)
        return value

    def quiet_range(self) -> tuple[time, time] | None:
        if self.quiet_hours is None or self.quiet_hours.strip().lower() in ("", "off"):
            return None
        return parse_clock_range(self.quiet_hours)

    @model_validator(mode="after")
    def _unique_destinations(self) -> AlertOptions:
        names = [hook.name for hook in self.webhooks] + (["email"] if self.email else [])
        duplicates = sorted({name for name in names if names.count(name) > 1})
        if duplicates:
            raise ValueError(
                f"two destinations are named {duplicates[0]!r}; give each webhook a distinct 'name'"
            )
        return self


def _is_local(host: Any) -> bool:
    """Whether a mail server is this machine, where an unencrypted login never crosses a network."""
    if not isinstance(host, str):
        return False
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def parse_clock_range(value: str) -> tuple[time, time]:
    """'22:00-07:00' -> (22:00, 07:00); the range may cross midnight."""
    match = _CLOCK_RANGE.match(value)
    if not match:
        raise ValueError(f"{value!r} is not a range like '22:00-07:00'")
    h1, m1, h2, m2 = (int(g) for g in match.groups())
    if not (h1 < 24 and h2 < 24 and m1 < 60 and m2 < 60) or (h1, m1) == (h2, m2):
        raise ValueError(f"{value!r} is not a valid time range")
    return time(h1, m1), time(h2, m2)


def parse_every(value: Any) -> float | None:
    """A scan schedule (`every`): '30m', '1h', '1d', '10s' -> minutes; 'off' -> 0 (no schedule).
    Workers run it as a cron schedule, so the period divides a minute, an hour or a day; a number
    without a unit is refused with the readings that do."""
    if value is None:
        return None
    if isinstance(value, str) and value.strip().lower() in ("off", "none", ""):
        return 0.0
    if isinstance(value, str) and value.strip().endswith("s") and value.strip()[:-1].strip().isdigit():
        minutes = int(value.strip()[:-1]) / 60
        if minutes == 0:  # "0s": refused as "0m" is, not a division by zero in `schedule_cron`
            raise ValueError("must be longer than zero")
    else:
        minutes = config_minutes(value, fits=_is_schedule)
    schedule_cron(minutes)  # raises ValueError for a period a schedule cannot keep
    return minutes


def _is_schedule(minutes: float) -> bool:
    try:
        schedule_cron(minutes)
    except ValueError:
        return False
    return True


def schedule_cron(minutes: float) -> str:
    """The cron expression (seconds as a sixth field) that runs every `minutes`."""
    seconds = round(minutes * 60)
    if seconds < 60 and 60 % seconds == 0 and seconds == minutes * 60:
        return f"* * * * * */{seconds}"
    if seconds % 60 == 0 and seconds < 3600 and 60 % (seconds // 60) == 0:
        return f"*/{seconds // 60} * * * *"
    if seconds % 3600 == 0 and seconds < 86400 and 24 % (seconds // 3600) == 0:
        return f"0 */{seconds // 3600} * * *"
    if seconds == 86400:
        return "0 0 * * *"
    raise ValueError(
        "a schedule must divide a minute, an hour or a day: e.g. '15s', '10m', '30m', '1h', '6h', '1d'"
    )


Every = Annotated[float | None, BeforeValidator(parse_every)]


class ChannelConfig(BaseModel):
    """A channel: the platform and account, plus the connector's own options as extra keys."""

    model_config = ConfigDict(extra="allow", defer_build=True)  # (as `_Strict`'s)

    name: str = ""
    platform: str
    account: str = ""
    enabled: bool = True
    every: Every = None  # the channel's own schedule in worker mode (see ScanOptions.every)

    @model_validator(mode="after")
    def _default_name(self) -> ChannelConfig:
        if not self.name:
            self.name = self.platform
        return self

    @property
    def options(self) -> dict[str, Any]:
        return dict(self.model_extra or {})


class BrandConfig(_Strict):
    name: str = Field(min_length=1)
    slug: str = ""
    timezone: TimeZoneName = "UTC"
    language: Literal["en", "es", "pt"] = "en"
    response_sla: float = Field(default=24 * 60, description="minutes; written as '2h', '30m', '1d'")
    business_hours: BusinessHours | None = None
    logo: str | None = Field(default=None, description="image file shown on HTML/PDF reports")
    accent_color: str = Field(default="#1f6feb", description="CSS hex colour of HTML/PDF reports")
    alerts: AlertOptions = Field(default_factory=AlertOptions)
    every: Every = None  # the brand's own schedule in worker mode (see ScanOptions.every)
    channels: list[ChannelConfig] = Field(default_factory=list)

    @field_validator("accent_color")
    @classmethod
    def _hex_colour(cls, value: str) -> str:
        if not _COLOUR.match(value):
            raise ValueError(f"{value!r} is not a colour like '#1f6feb'")
        return value

    @field_validator("response_sla", mode="before")
    @classmethod
    def _duration(cls, value: Any) -> float:
        return config_minutes(value)

    @model_validator(mode="after")
    def _slug_and_unique_channels(self) -> BrandConfig:
        self.slug = self.slug or slugify(self.name)
        if not re.fullmatch(r"[a-z0-9][a-z0-9_-]*", self.slug):
            raise _field_error(("slug",), f"slug {self.slug!r} may only use a-z, 0-9, '-' and '_'")
        seen: set[str] = set()
        for index, channel in enumerate(self.channels):
            if channel.name in seen:
                raise _field_error(
                    ("channels", index, "name"),
                    f"two channels are named {channel.name!r}; give each a distinct 'name'",
                )
            seen.add(channel.name)
        return self


class PlatformLimits(_Strict):
    """[scan.limits.<platform>]: bounds shared by every worker (`socialmon worker`) on one database."""

    channels: int | None = Field(
        default=None, ge=1, description="channels of this platform scanned at once across all workers"
    )


class ScanOptions(_Strict):
    every: Every = Field(
        default=None,
        description="scan every channel this often in worker mode ('1h', '30m', '1d'); a brand or a "
        "channel may set its own, or 'off'",
    )
    limits: dict[str, PlatformLimits] = Field(
        default_factory=dict, description="per platform: e.g. [scan.limits.facebook] channels = 4"
    )
    concurrency: int = Field(default=DEFAULT_CONCURRENCY, ge=1, le=64, description="channels scanned at once")
    channel_timeout: float = Field(
        default=DEFAULT_CHANNEL_TIMEOUT / 60,
        gt=0,
        description="minutes one channel may spend fetching in one scan ('30m', '2h'); then it stops, "
        "keeps what it read, and the next scan resumes from there",
    )

    @field_validator("channel_timeout", mode="before")
    @classmethod
    def _timeout(cls, value: Any) -> float:
        return config_minutes(value)


class SentimentOptions(_Strict):
    scorer: str = DEFAULT_SCORER
    languages: tuple[Literal["en", "es", "pt"], ...] | None = Field(
        default=None,
        min_length=1,
        description="the languages your customers write in, some of en, es, pt (default: all three). "
        "Comments are told apart between these only, so fewer load fewer language models and a "
        "shop whose customers all write Portuguese never sees one taken for Spanish; a comment in "
        "none of them is 'other'. Changing it marks the stored scores for `socialmon rescore`.",
    )


class ReportOptions(_Strict):
    """How response times are measured. Every report prints the rules in force at its foot."""

    reply_match: Literal["thread", "direct"] = Field(
        default="thread",
        description="thread: a direct reply, or a later reply to the same parent (one-level threads); "
        "direct: only a reply to the comment itself",
    )
    reply_by: Literal["business", "anyone"] = Field(
        default="business", description="whose first reply ends the wait: the business's, or anyone else's"
    )
    statistic: Literal["median", "mean"] = Field(default="median", description="the headline figure")
    conversation_gap: float | None = Field(
        default=None,
        description="minutes; when set, a customer comment following another one in the same thread "
        "within this gap (no reply between) is part of the same conversation and not timed again",
    )
    self_thread_replies: bool = Field(
        default=True,
        description="a business reply in a thread the business itself started answers the customers in it",
    )

    @field_validator("conversation_gap", mode="before")
    @classmethod
    def _gap(cls, value: Any) -> float | None:
        if value is None or (isinstance(value, str) and value.strip().lower() in ("", "off", "none")):
            return None
        return config_minutes(value)


def shared_slug(slug: str) -> str:
    return f"two brands share the slug {slug!r}; give each a distinct 'slug'"


class Settings(_Strict):
    database: str | None = None
    scan: ScanOptions = Field(default_factory=ScanOptions)
    sentiment: SentimentOptions = Field(default_factory=SentimentOptions)
    reports: ReportOptions = Field(default_factory=ReportOptions)
    smtp: SmtpOptions = Field(default_factory=SmtpOptions)
    brands: list[BrandConfig] = Field(default_factory=list)

    @model_validator(mode="after")
    def _unique_brands(self) -> Settings:
        slugs = [brand.slug for brand in self.brands]
        for index, slug in enumerate(slugs):
            if slug in slugs[:index]:
                raise _field_error(("brands", index, "slug"), shared_slug(slug))
        return self


@dataclass(frozen=True)
class ResolvedChannel:
    """A channel ready to scan: its connector class and validated settings (secrets resolved)."""

    brand: BrandConfig
    channel: ChannelConfig
    connector_class: type[Connector]
    settings: ConnectorSettings
    context: ChannelContext
    reports: ReportOptions = field(default_factory=ReportOptions)  # how the alert rules pair replies

    @property
    def label(self) -> str:
        return f"{self.brand.slug}/{self.channel.name}"

    def connector(self) -> Connector:
        return self.connector_class(self.settings, self.context)


@dataclass
class Config:
    path: Path
    settings: Settings
    # The settings of a file that does not validate, its broken values left out (each at its
    # default; a brand or channel that cannot do without one, left out whole): what `check` goes on
    # from, to list its channels' problems with the file's own in one run. Never scanned.
    stand_in: bool = False

    @property
    def base_dir(self) -> Path:
        return self.path.parent

    @property
    def brands(self) -> list[BrandConfig]:
        return self.settings.brands

    def database_url(self, override: str | None = None) -> str:
        """The SQLAlchemy URL; a bare path is a SQLite file relative to the config file."""
        value = database_stand_in(override)
        if not value and self.settings.database:
            # Refused as `load_config` refuses it (the same reading): never a URL missing its password.
            value, problems = _database_setting(self, os.environ)
            if problems:
                raise ConfigError(problems)
        return database_url(value, self.base_dir)

    def brand(self, slug: str) -> BrandConfig | None:
        """The brand of this slug, else the one of this name: a name that is another brand's slug
        names that other brand."""
        return next((b for b in self.brands if b.slug == slug), None) or next(
            (b for b in self.brands if b.name == slug), None
        )

    def brands_named(self, typed: str) -> list[BrandConfig]:
        """The brands `typed` (a --brand) designates, as the module's `brands_named` finds them."""
        return brands_named(self.brands, typed)

    def channels_named(self, typed: str, brand: str | None = None) -> list[tuple[BrandConfig, ChannelConfig]]:
        """The channels `typed` (a --channel) designates among `brand`'s (a slug; None: every
        brand's), as the module's `channels_named` finds them."""
        return channels_named(self.brands, typed, brand)

    def select(
        self, brand: str | None = None, channel: str | None = None
    ) -> list[tuple[BrandConfig, ChannelConfig]]:
        """The channels of `brand` (as `brands_named` reads it: its slug first) and `channel` (as
        `channels_named` reads it), in the config's order; each brand's every channel when None."""
        brands = self.brands_named(brand) if brand else self.brands
        if channel:
            chosen = channels_named(brands, channel)
            return [(b, c) for b in brands for c in b.channels if any(c is found for _, found in chosen)]
        return [(b, c) for b in brands for c in b.channels]

    def alert_destinations(
        self, brand: BrandConfig, environ: dict[str, str] | None = None
    ) -> tuple[EmailDestination | None, list[WebhookDestination]]:
        """The brand's e-mail (merged over [smtp]) and webhooks with `${ENV}` resolved; raises ConfigError."""
        env = os.environ if environ is None else environ
        where = f"brand '{brand.slug}'"
        problems: list[ConfigProblem] = []

        def reporter(place: str, prefix: str) -> Any:
            def report(field: str, message: str, variable: str = "") -> None:
                name = "from" if field == "sender" else field
                problems.append(ConfigProblem(self.path, place, f"{prefix}{name}", message, variable))

            return report

        def validate(model: type[BaseModel], values: dict[str, Any], prefix: str) -> Any:
            try:
                return model.model_validate(values)
            except ValidationError as error:
                problems.extend(
                    ConfigProblem(self.path, where, f"{prefix}{_loc(item['loc'])}", _message(item))
                    for item in error.errors()
                )
                return None

        email = None
        options = brand.alerts
        if options.email is not None:
            shared = _resolve_env(
                self.settings.smtp.model_dump(exclude_none=True), env, reporter("", "smtp.")
            )
            own = _resolve_env(
                options.email.model_dump(exclude_none=True), env, reporter(where, "alerts.email.")
            )
            merged = {**shared, **own}
            for required, name in (("host", "host"), ("sender", "from")):
                if not merged.get(required):
                    problems.append(
                        ConfigProblem(
                            self.path,
                            where,
                            f"alerts.email.{name}",
                            f"required to send e-mail: set it here or in [smtp] ({name} = ...)",
                        )
                    )
            if (
                merged.get("security") == "none"
                and merged.get("username")
                and not _is_local(merged.get("host"))
            ):
                problems.append(
                    ConfigProblem(
                        self.path,
                        where,
                        "alerts.email.security",
                        "'none' would send the SMTP password unencrypted to a remote server: use "
                        "'starttls' or 'ssl' ('none' is for a relay on this machine)",
                    )
                )
            if not problems:
                email = validate(EmailDestination, merged, "alerts.email.")
        webhooks = []
        for index, hook in enumerate(options.webhooks):
            before = len(problems)
            prefix = f"alerts.webhooks[{index}]."
            values = _resolve_env(hook.model_dump(), env, reporter(where, prefix))
            if len(problems) == before:
                webhooks.append(validate(WebhookDestination, values, prefix))
        if problems:
            raise ConfigError(problems)
        return email, webhooks

    @staticmethod
    def _channel_option_hint(item: Any, connector_class: type[Connector]) -> str:
        """What an unknown channel option is likely written for (see `unknown_option_hint`)."""
        if item["type"] != "extra_forbidden" or len(item["loc"]) != 1:
            return ""
        channel = (_options_of(connector_class.Settings) + _options_of(ChannelConfig), "[[brands.channels]]")
        return unknown_option_hint(str(item["loc"][0]), [*_tables_along(Settings, ["brands", 0]), channel])

    def _missing_account(
        self, where: str, channel: ChannelConfig, connector_class: type[Connector]
    ) -> list[ConfigProblem]:
        """A channel that names no account for a connector that reads one (`needs_account`), nor
        the setting that may stand for it (`account_setting`, read as written: a `${ENV}` there is
        given, whether or not this environment sets it)."""
        if not getattr(connector_class, "needs_account", False) or channel.account.strip():
            return []
        setting = getattr(connector_class, "account_setting", "")
        if setting and str(channel.options.get(setting) or "").strip():
            return []
        hint = f"or set {setting!r} in its place" if setting else ""
        return [ConfigProblem(self.path, where, "account", "required but missing", hint=hint)]

    def resolve(
        self,
        brand: BrandConfig,
        channel: ChannelConfig,
        registry: ConnectorRegistry,
        environ: dict[str, str] | None = None,
        *,
        every_problem: bool = False,
    ) -> ResolvedChannel:
        """Build the channel's connector settings, resolving `${ENV}` secrets; raises ConfigError.
        With `every_problem` (`check`), the other options are judged too when a variable is unset:
        a scan sets such a channel aside (`resolve_available`), and so stops at the variable."""
        where = f"brand '{brand.slug}', channel '{channel.name}'"
        connector_class = registry.get(channel.platform)
        if connector_class is None:
            raise ConfigError([_platform_problem(self.path, where, channel.platform, registry)])
        env = os.environ if environ is None else environ
        missing_account = self._missing_account(where, channel, connector_class)
        problems: list[ConfigProblem] = []
        options = _resolve_env(
            channel.options,
            env,
            lambda field, msg, variable="": problems.append(
                ConfigProblem(self.path, where, field, msg, variable)
            ),
            empty_is_unset=True,
        )
        if problems and not every_problem:
            raise ConfigError(missing_account + problems)
        # The options whose variables are unset are left out of the rest: judged without their
        # value, they would be "required but missing" too.
        unset = {re.split(r"[.\[]", problem.field)[0] for problem in problems}
        try:
            settings = connector_class.Settings.model_validate(
                {key: value for key, value in options.items() if key not in unset}
            )
        except ValidationError as error:
            raise ConfigError(
                missing_account
                + problems
                + [
                    ConfigProblem(
                        self.path,
                        where,
                        _loc(item["loc"]),
                        _message(item),
                        hint=self._channel_option_hint(item, connector_class),
                    )
                    for item in error.errors()
                    if not item["loc"] or str(item["loc"][0]) not in unset
                ]
            ) from None
        if missing_account or problems:
            raise ConfigError(missing_account + problems)
        context = self._context(brand, channel)
        return ResolvedChannel(brand, channel, connector_class, settings, context, self.settings.reports)

    def _context(self, brand: BrandConfig, channel: ChannelConfig) -> ChannelContext:
        from socialmon_connectors.base import ChannelContext

        return ChannelContext(
            brand=brand.slug,
            channel=channel.name,
            account=channel.account,
            base_dir=self.base_dir,
            timezone=brand.timezone,
            language=brand.language,
        )

    def stand_in_connector(
        self,
        brand: BrandConfig,
        channel: ChannelConfig,
        registry: ConnectorRegistry,
        environ: dict[str, str] | None = None,
    ) -> Connector | None:
        """The connector of a channel that does not resolve, built from the options that validate
        (those of an unset variable, unknown or wrong left out): for `check` to look for its files
        all the same, so that a wrong option does not hide a wrong `path`. None when what is left
        does not validate (a required option among those left out). Never scanned."""
        connector_class = registry.get(channel.platform)
        if connector_class is None:
            return None
        unset: set[str] = set()
        options = _resolve_env(
            channel.options,
            os.environ if environ is None else environ,
            lambda field, _message, _variable="": unset.add(re.split(r"[.\[]", field)[0]),
            empty_is_unset=True,
        )
        options = {key: value for key, value in options.items() if key not in unset}
        for _attempt in range(2):  # once as written, once without the options refused
            try:
                settings = connector_class.Settings.model_validate(options)
            except ValidationError as error:
                refused = {str(item["loc"][0]) for item in error.errors() if item["loc"]}
                if not refused & options.keys():
                    return None
                options = {key: value for key, value in options.items() if key not in refused}
            else:
                return connector_class(settings, self._context(brand, channel))
        return None


def database_url(value: str | None, base_dir: Path) -> str:
    if not value:
        from platformdirs import user_data_dir  # only for a config that names no database

        folder = Path(user_data_dir("socialmon", appauthor=False))
        folder.mkdir(parents=True, exist_ok=True)
        return f"sqlite:///{folder / 'socialmon.db'}"
    if "://" in value:
        return value
    path = Path(value).expanduser()
    return f"sqlite:///{path if path.is_absolute() else (base_dir / path).resolve()}"


def _resolve_env(value: Any, env: Any, report: Any, field: str = "", *, empty_is_unset: bool = False) -> Any:
    """`value` with each `${NAME}` replaced by the variable's value; an unset one is reported. With
    `empty_is_unset` (a channel's options: tokens, ids) a variable set to nothing is reported too:
    `export TOKEN=` by mistake. Delivery settings take an empty one (a relay that needs no password)."""
    if isinstance(value, str):

        def substitute(match: re.Match[str]) -> str:
            name = match.group(1)
            if name not in env:
                report(field, f"environment variable {name} is not set", name)
                return ""
            if empty_is_unset and not env[name].strip():
                report(field, f"environment variable {name} is set but empty", name)
                return ""
            return env[name]

        broken = _broken_reference(value, env)
        if broken is not None:
            report(field, broken)
            return value
        return _ENV_REFERENCE.sub(substitute, value)
    if isinstance(value, dict):
        return {
            k: _resolve_env(v, env, report, f"{field}.{k}" if field else k, empty_is_unset=empty_is_unset)
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [
            _resolve_env(v, env, report, f"{field}[{i}]", empty_is_unset=empty_is_unset)
            for i, v in enumerate(value)
        ]
    return value


def _broken_reference(value: str, env: Any) -> str | None:
    """Why `value` reads no environment variable though it is written to ("${TOKEN", "$TOKEN"), or
    None. Only a variable the environment `env` holds counts: a password such as "%Verano2024%" or
    "x9${Lm2" is taken as written. Only the name is quoted, never the rest of the value: it may be
    a secret."""
    bare = _BARE_REFERENCE.match(value)
    if bare is not None:
        name = bare["shell"] or bare["windows"]
        if name not in env:
            return None
        written = f"${name}" if bare["shell"] else f"%{name}%"
        return f"{written!r} is not read from the environment: write {'${' + name + '}'!r}"
    for broken in _BROKEN_REFERENCE.finditer(_ENV_REFERENCE.sub("", value)):
        name = broken["inside"].strip()
        if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name) and name in env:
            written = "${" + broken["inside"] + ("}" if broken.group(0).endswith("}") else "")
            return f"{written.strip()!r} is not read from the environment: write {'${' + name + '}'!r}"
    return None


def _loc(loc: tuple[Any, ...]) -> str:
    return ".".join(str(part) for part in loc)


def _message(item: Any) -> str:
    message = str(item["msg"])
    if item["type"] == "extra_forbidden":
        return "unknown option (check the spelling)"
    if item["type"] == "missing":
        return "required but missing"
    if item["type"] == "model_type":
        # pydantic's words name the model's class ("… or instance of ScanOptions"), which the
        # file never shows; `_problem_from_error` says where the table goes, when it knows.
        return "must be a table of settings, not a single value"
    return message.removeprefix("Value error, ")


def _table_expected(loc: Sequence[Any]) -> str:
    """What to write for a value at `loc` (a pydantic location) that must be a table: its
    [header] line, or inline; a list's entry, its [[header]] line."""
    names = [str(part) for part in loc if not isinstance(part, int)]
    if not names:
        return "must be a table of settings, not a single value"
    dotted = ".".join(names)
    if isinstance(loc[-1], int):
        return f"must be a table of settings, not a single value: write each under its own [[{dotted}]] line"
    return (
        f"must be a table of settings, not a single value: write them under a [{dotted}] line, or "
        f"inline as {names[-1]} = {{ … }}"
    )


def find_config_path(explicit: Path | None = None, environ: dict[str, str] | None = None) -> Path | None:
    env = os.environ if environ is None else environ
    if explicit is not None:
        return explicit
    if env.get(CONFIG_ENV):
        return Path(env[CONFIG_ENV])
    candidate = Path.cwd() / DEFAULT_CONFIG_NAME
    return candidate if candidate.exists() else None


# tomllib's messages for the mistakes people make by hand, and what to do about each. Its own
# English text is kept for the rest. (tomllib gives the place only inside its message.)
_TOML_AT = re.compile(r"^(?P<what>.*) \(at line (?P<line>\d+), column (?P<column>\d+)\)$", re.DOTALL)
_TOML_ADVICE = (
    # A Windows path in "…": "C:\Users" is an escape (\U + 8 hex digits), "C:\datos" an unknown one.
    (
        (
            "Invalid hex value",
            "Unescaped '\\' in a string",
            "Escaped character is not a Unicode scalar value",
        ),
        'invalid TOML on line {line}: a backslash in a "…" string starts an escape; write a Windows '
        "path in single quotes ('C:\\Users\\…') or with forward slashes (\"C:/Users/…\")",
    ),
    (
        ("Illegal character '\\n'", "Unterminated string"),
        "invalid TOML on line {line}: a text is not closed; check its quotes",
    ),
    (
        ("Cannot overwrite a value", "Cannot declare"),
        "invalid TOML on line {line}: this is set twice; keep one",
    ),
    (
        ("Invalid value",),
        'invalid TOML on line {line}: a value is text in quotes ("…"), a number, true or false, '
        "or a list in [ ]",
    ),
    (
        ("Expected '=' after a key",),
        "invalid TOML on line {line}: expected a setting as name = value",
    ),
)


def toml_mistake(error: str) -> str:
    """What is wrong with a file tomllib refused (its message `error`), and how to fix it."""
    found = _TOML_AT.match(error)
    if found is None:
        at_end = re.fullmatch(r"(?P<what>.*) \(at end of document\)", error, re.DOTALL)
        if at_end is not None:  # an array or a string left open
            return f"invalid TOML at the end of the file: {at_end['what']}"
        return f"invalid TOML: {error}"
    what, line = found["what"], found["line"]
    for starts, advice in _TOML_ADVICE:
        if what.startswith(starts):
            return advice.format(line=line)
    return f"invalid TOML on line {line}, column {found['column']}: {what}"


def load_config(
    path: Path, registry: ConnectorRegistry | None = None, *, database: str | None = None
) -> Config:
    """Read and validate the file; with a registry, also check every channel's platform and options
    and the platforms named under [scan.limits]. Raises one ConfigError with every problem found.
    `database` is the command line's --database, as `read_config` takes it."""
    config, problems = read_config(path, registry, database=database)
    if problems or config is None:
        raise ConfigError(problems)
    return config


def read_config(
    path: Path,
    registry: ConnectorRegistry | None = None,
    *,
    database: str | None = None,
    stand_in: bool = False,
) -> tuple[Config | None, list[ConfigProblem]]:
    """The config and the problems `load_config` refuses it for, all of them at once: a file whose
    settings do not validate gives None, with what its brands and channels show as written too (two
    brands of one slug, a platform no connector is installed for). `socialmon check` goes on from a
    config that validated, to list its channels' problems with these in one run: a consultant's
    file of twenty brands was fixed in four rounds, one kind of mistake at a time.

    `database` is the command's --database: given, the file's `database` is never read (see
    `Config.database_url`), so its `${ENV}` references are not judged, as with $SOCIALMON_DATABASE.
    A command refused for a variable it would not have read could not be run with another database.

    With `stand_in` (`check`), a file whose settings do not validate gives a stand-in config too
    (`Config.stand_in`, see `_stand_in_settings`), and the problems found once its broken values
    are left out: a wrong time zone no longer hides a channel's missing `path`."""
    try:
        raw = tomllib.loads(read_config_text(path))
    except FileNotFoundError:
        return None, [ConfigProblem(path, "", "", "file not found (run `socialmon init` to create one)")]
    except IsADirectoryError:
        example = str(path / DEFAULT_CONFIG_NAME)
        return None, [
            ConfigProblem(path, "", "", f"a folder, not a config file: give the file, e.g. {example}")
        ]
    except UnicodeDecodeError as error:
        line = error.object[: error.start].count(b"\n") + 1
        return None, [ConfigProblem(path, "", "", _not_utf8(line))]
    except OSError as error:
        return None, [ConfigProblem(path, "", "", f"cannot read the file: {error}")]
    except tomllib.TOMLDecodeError as error:
        return None, [ConfigProblem(path, "", "", toml_mistake(str(error)))]
    try:
        settings = Settings.model_validate(raw)
    except ValidationError as error:
        problems = [_problem_from_error(path, raw, item) for item in error.errors()]
        if not stand_in:
            return None, problems + _written_brand_problems(path, raw, registry, problems)
        substitute, later = _stand_in_settings(raw, error)
        for item in later:  # what the first errors hid (a model's own checks run on valid fields only)
            found = _problem_from_error(path, raw, item)
            if found not in problems:
                problems.append(found)
        problems += _written_brand_problems(path, raw, registry, problems)
        if substitute is None:
            return None, problems
        config = Config(path=path.resolve(), settings=substitute, stand_in=True)
        # Its platforms as written were judged above, with the brands' own labels.
        return config, problems + [
            found
            for found in _database_references(config, override=database)
            + (_unknown_limited_platforms(config, registry) if registry is not None else [])
            if found not in problems
        ]
    config = Config(path=path.resolve(), settings=settings)
    problems = _database_references(config, override=database)
    if registry is not None:
        problems += _unknown_limited_platforms(config, registry)
        for brand, channel in config.select():
            if registry.get(channel.platform) is None:
                where = f"brand '{brand.slug}', channel '{channel.name}'"
                problems.append(_platform_problem(config.path, where, channel.platform, registry))
    return config, problems


_STAND_IN_ROUNDS = 30  # validations at most: each leaves out at least one more value


def _stand_in_settings(raw: dict[str, Any], error: ValidationError) -> tuple[Settings | None, list[Any]]:
    """The settings of `raw` without the values `error` (its first validation's) and the next
    validations refuse, each left to its default; a value that has none (a brand's `name`, a
    channel's `platform`) takes its brand or channel out whole. Returns them, or None when nothing
    is left that validates, and the errors found past the first validation (at places as `raw`
    writes them, for `_problem_from_error`): one kind of mistake no longer hides another.

    A leftover error at a place already left out, or under it, comes of leaving it out: the
    place's table is left out instead, and the error is not reported."""
    import copy

    working = copy.deepcopy(raw)  # values left out of tables are removed from it
    dropped: set[tuple[Any, ...]] = set()  # list entries left out, at their place in `raw`
    cut: list[tuple[Any, ...]] = []  # every place left out, as `raw` writes it
    later: list[Any] = []
    items = error.errors()
    for round_number in range(_STAND_IN_ROUNDS):
        # Every place of this round read against `raw` before any is left out: the indexes of
        # a list change as its entries are.
        places = [
            (item, _raw_place(raw, dropped, [*item["loc"], *(item.get("ctx") or {}).get("at", ())]))
            for item in items
        ]
        for item, place in places:
            caused = next((done for done in cut if place[: len(done)] == done), None)
            if caused is not None:  # left out already, and still refused: its table goes
                target = caused[:-1]
            elif item["type"] == "missing":  # nothing to leave out: the table that needs it goes
                target = place[:-1]
                if round_number and not any(done[: len(place)] == place for done in cut):
                    later.append(_at_place(item, place))
            else:
                target = place
                if round_number and not any(done[: len(place)] == place for done in cut):
                    later.append(_at_place(item, place))
            if not target:  # the file as a whole: nothing to stand in for it
                return None, later
            cut.append(target)
            _leave_out(working, dropped, target)
        try:
            return Settings.model_validate(_kept(working, dropped)), later
        except ValidationError as again:
            items = again.errors()
    return None, later


def _at_place(item: Any, place: tuple[Any, ...]) -> dict[str, Any]:
    """A pydantic error `item` at `place` (its own location and its `at` made one, as `raw` has it)."""
    context = {key: value for key, value in (item.get("ctx") or {}).items() if key != "at"}
    return {**item, "loc": place, "ctx": context}


def _raw_place(raw: Any, dropped: set[tuple[Any, ...]], loc: Sequence[Any]) -> tuple[Any, ...]:
    """A location in `raw` without its `dropped` list entries, as a location in `raw`."""
    node, place = raw, []
    for part in loc:
        if isinstance(node, list) and isinstance(part, int):
            kept = [index for index in range(len(node)) if (*place, index) not in dropped]
            part = kept[part] if part < len(kept) else part
        place.append(part)
        if isinstance(node, dict):
            node = node.get(part)
        else:
            node = node[part] if isinstance(node, list) and _index_in(part, node) else None
    return tuple(place)


def _leave_out(working: Any, dropped: set[tuple[Any, ...]], place: tuple[Any, ...]) -> None:
    """Leave the value at `place` out of `working`: a table's key removed, a list's entry marked."""
    node = working
    for part in place[:-1]:
        written = part in node if isinstance(node, dict) else isinstance(node, list) and _index_in(part, node)
        if not written:
            return  # not written: nothing to leave out
        node = node[part]
    if isinstance(node, dict):
        node.pop(place[-1], None)
    elif isinstance(node, list):
        dropped.add(place)


def _index_in(part: Any, items: list[Any]) -> bool:
    return isinstance(part, int) and 0 <= part < len(items)


def _kept(node: Any, dropped: set[tuple[Any, ...]], place: tuple[Any, ...] = ()) -> Any:
    """`node` without its `dropped` list entries."""
    if isinstance(node, dict):
        return {key: _kept(value, dropped, (*place, key)) for key, value in node.items()}
    if isinstance(node, list):
        return [
            _kept(value, dropped, (*place, index))
            for index, value in enumerate(node)
            if (*place, index) not in dropped
        ]
    return node


def _platform_problem(path: Path, where: str, platform: str, registry: ConnectorRegistry) -> ConfigProblem:
    """A channel's platform no connector is installed for, or whose connector does not load."""
    broken = getattr(registry, "problem", lambda _name: None)(platform)
    return ConfigProblem(path, where, "platform", broken or unknown_platform(platform, registry.names()))


def _written_brand_problems(
    path: Path, raw: dict[str, Any], registry: ConnectorRegistry | None, found: list[ConfigProblem]
) -> list[ConfigProblem]:
    """What a file whose settings do not validate shows besides, read from the brands as written:
    slugs two brands share and platforms no connector is installed for, each unless its place has a
    problem of that field already. (A misspelt [scan.limits] platform and the `database` setting's
    references are judged once the settings validate.)"""
    said = {(problem.where, problem.field) for problem in found}
    problems: list[ConfigProblem] = []
    brands = raw.get("brands")
    if not isinstance(brands, list):
        return problems
    slugs: list[str] = []
    for index, brand in enumerate(brands):
        if not isinstance(brand, dict):
            continue
        # The slug as written, else (none or "") the name's, as the settings work it out; None when
        # neither gives one (a slug of the wrong type, a name left empty): no clash is claimed on a
        # slug nobody wrote.
        written, name = brand.get("slug"), brand.get("name")
        if isinstance(written, str) and written:
            slug: str | None = written
        elif written not in (None, ""):
            slug = None
        else:
            slug = slugify(name) if isinstance(name, str) and name.strip() else None
        label = brand.get("slug") or brand.get("name")
        brand_where = f"brand '{label}'" if label else f"brand #{index + 1}"
        if slug is not None and slug in slugs and (brand_where, "slug") not in said:
            problems.append(ConfigProblem(path, brand_where, "slug", shared_slug(slug)))
        if slug is not None:
            slugs.append(slug)
        channels = brand.get("channels")
        if registry is None or not isinstance(channels, list):
            continue
        for number, channel in enumerate(channels):
            platform = channel.get("platform") if isinstance(channel, dict) else None
            if not isinstance(platform, str) or registry.get(platform) is not None:
                continue
            channel_label = channel.get("name") or platform
            where = (
                f"{brand_where}, channel '{channel_label}'"
                if channel_label
                else f"{brand_where}, channel #{number + 1}"
            )
            if (where, "platform") not in said:
                problems.append(_platform_problem(path, where, platform, registry))
    return problems


def _unknown_limited_platforms(config: Config, registry: ConnectorRegistry) -> list[ConfigProblem]:
    """A [scan.limits.<platform>] table whose platform no connector is installed for: a misspelt
    name that would bound nothing. A platform installed but broken is not refused here: its
    channels say why it does not load."""
    problems = []
    for platform in config.settings.scan.limits:
        installed = registry.get(platform) is not None
        if installed or getattr(registry, "problem", lambda _name: None)(platform):
            continue
        problems.append(
            ConfigProblem(
                config.path, "", f"scan.limits.{platform}", unknown_platform(platform, registry.names())
            )
        )
    return problems


def read_config_text(path: Path) -> str:
    """A config file's text: UTF-8, with or without the byte-order mark Windows Notepad writes, or
    UTF-16 with its byte-order mark (Notepad's "Unicode"), which says the encoding beyond doubt.
    Raises UnicodeDecodeError for another encoding (Windows-1252, or UTF-16 without its mark)."""
    data = path.read_bytes()
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16")
    if b"\x00" in data:  # UTF-16 without its mark: each ASCII letter followed or led by a zero byte
        raise UnicodeDecodeError("utf-8", data, data.index(b"\x00"), data.index(b"\x00") + 1, "NUL byte")
    return data.decode("utf-8-sig")


def _not_utf8(line: int) -> str:
    return (
        f"line {line} is not UTF-8 text: save the file as UTF-8 (in Notepad: File → Save as → "
        "Encoding: UTF-8)"
    )


def unknown_platform(platform: str, known: Sequence[str]) -> str:
    """Why a channel's platform is refused, with the platform it is likely written for."""
    listed = ", ".join(known) or "none installed"
    folded = platform.strip().lower().replace("-", "_").replace(" ", "_")
    close = difflib.get_close_matches(folded, list(known), n=1, cutoff=0.75)
    if close and close[0] != platform:
        return f"unknown platform {platform!r}; did you mean {close[0]!r}? (known: {listed})"
    return f"unknown platform {platform!r} (known: {listed})"


def _database_references(
    config: Config, environ: Any = None, *, override: str | None = None
) -> list[ConfigProblem]:
    """The problems of `${ENV}` references in `database` (a URL's password): written wrong, or
    naming a variable that is not set while neither `override` (--database) nor $SOCIALMON_DATABASE
    stands in for the value: the same choice as `Config.database_url`'s. Without this the
    reference itself was taken for a file name."""
    env = os.environ if environ is None else environ
    return [] if database_stand_in(override, env) else database_setting_problems(config, env)


def database_stand_in(override: str | None = None, environ: Any = None) -> str | None:
    """The database given in place of the file's `database` setting: --database (`override`),
    else $SOCIALMON_DATABASE; None when neither is (an empty one is none)."""
    env = os.environ if environ is None else environ
    return override or env.get("SOCIALMON_DATABASE") or None


def database_setting_problems(config: Config, environ: Any = None) -> list[ConfigProblem]:
    """The problems of the file's own `database` setting, judged even where --database or
    $SOCIALMON_DATABASE stands in for it: `socialmon check` says them as warnings then, so that a
    file checked against another database still shows what it would need on its own."""
    env = os.environ if environ is None else environ
    return _database_setting(config, env)[1] if config.settings.database else []


def _database_setting(config: Config, env: Any) -> tuple[str, list[ConfigProblem]]:
    """`database` with its `${ENV}` references read from `env`, by the rules of a channel's secrets
    (`_resolve_env`: one reading for `load_config`'s check and for the URL), and their problems. A
    variable is put in as it is, so a password in a URL must be URL-encoded (the README says so)."""
    problems: list[ConfigProblem] = []
    value = _resolve_env(
        config.settings.database or "",
        env,
        lambda _field, message, variable="": problems.append(
            ConfigProblem(config.path, "", "database", message, variable)
        ),
        empty_is_unset=True,
    )
    return value, problems


def resolve_channels(
    config: Config,
    channels: list[tuple[BrandConfig, ChannelConfig]],
    registry: ConnectorRegistry,
    environ: dict[str, str] | None = None,
) -> list[ResolvedChannel]:
    """Resolve every channel given; raises one ConfigError with the problems of all of them."""
    resolved: list[ResolvedChannel] = []
    problems: list[ConfigProblem] = []
    for brand, channel in channels:
        try:
            resolved.append(config.resolve(brand, channel, registry, environ))
        except ConfigError as error:
            problems.extend(error.problems)
    if problems:
        raise ConfigError(problems)
    return resolved


@dataclass(frozen=True)
class SkippedChannel:
    """A channel left out of a scan because an environment variable its config names is not set."""

    brand: BrandConfig
    channel: ChannelConfig
    problems: list[ConfigProblem]

    @property
    def label(self) -> str:
        return f"{self.brand.slug}/{self.channel.name}"


def resolve_available(
    config: Config,
    channels: list[tuple[BrandConfig, ChannelConfig]],
    registry: ConnectorRegistry,
    environ: dict[str, str] | None = None,
) -> tuple[list[ResolvedChannel], list[SkippedChannel]]:
    """Resolve every channel given, setting aside those whose only problem is an unset `${ENV}`
    secret (the config is right; this environment lacks it), so that the others can still be
    scanned. Any other problem raises one ConfigError with the problems of all channels."""
    resolved: list[ResolvedChannel] = []
    skipped: list[SkippedChannel] = []
    problems: list[ConfigProblem] = []
    for brand, channel in channels:
        try:
            resolved.append(config.resolve(brand, channel, registry, environ))
        except ConfigError as error:
            if all(problem.variable for problem in error.problems):
                skipped.append(SkippedChannel(brand, channel, error.problems))
            else:
                problems.extend(error.problems)
    if problems:
        raise ConfigError(problems)
    return resolved, skipped


def check_channels(
    config: Config, registry: ConnectorRegistry, environ: dict[str, str] | None = None
) -> list[ConfigProblem]:
    """Every problem in every channel's settings, without stopping at the first (an unset
    variable included: the channel's other options are judged too)."""
    problems: list[ConfigProblem] = []
    for brand, channel in config.select():
        try:
            config.resolve(brand, channel, registry, environ, every_problem=True)
        except ConfigError as error:
            problems.extend(error.problems)
    return problems


def _problem_from_error(path: Path, raw: dict[str, Any], item: Any) -> ConfigProblem:
    """Turn a pydantic location like ('brands', 0, 'channels', 1, 'platform') into names."""
    loc = [*item["loc"], *(item.get("ctx") or {}).get("at", ())]
    message, hint = _message(item), ""
    if item["type"] == "extra_forbidden":
        *inside, key = loc
        hint = unknown_option_hint(str(key), _tables_along(Settings, inside))
    elif item["type"] == "list_type" and isinstance(_raw_at(raw, loc), dict):
        header = "[[" + ".".join(str(part) for part in loc if not isinstance(part, int)) + "]]"
        message = f"a list of tables: write each as {header}, with two brackets, once per entry"
    elif item["type"] in ("model_type", "dict_type"):
        message = _table_expected(loc)
    where_parts: list[str] = []
    node: Any = raw
    field_parts: list[str] = []
    i = 0
    while i < len(loc):
        key = loc[i]
        if key in ("brands", "channels") and i + 1 < len(loc) and isinstance(loc[i + 1], int):
            index = loc[i + 1]
            items = node.get(key, []) if isinstance(node, dict) else []
            node = items[index] if index < len(items) else {}
            label = (
                (node.get("slug") or node.get("name") or node.get("platform"))
                if isinstance(node, dict)
                else None
            )
            kind = "brand" if key == "brands" else "channel"
            where_parts.append(f"{kind} '{label}'" if label else f"{kind} #{index + 1}")
            i += 2
            continue
        field_parts.append(str(key))
        node = node.get(key, {}) if isinstance(node, dict) else {}
        i += 1
    return ConfigProblem(path, ", ".join(where_parts), ".".join(field_parts), message, hint=hint)


def _raw_at(raw: Any, loc: Sequence[Any]) -> Any:
    """What the file holds at a pydantic location, or None."""
    node = raw
    for part in loc:
        held = part in node if isinstance(node, dict) else isinstance(node, list) and isinstance(part, int)
        if not held or (isinstance(node, list) and part >= len(node)):
            return None
        node = node[part]
    return node


# Option names people write in their own language, and the ones they mean.
_OPTION_WORDS = {
    "lunes": "monday",
    "martes": "tuesday",
    "miercoles": "wednesday",
    "jueves": "thursday",
    "viernes": "friday",
    "sabado": "saturday",
    "domingo": "sunday",
    "feriados": "holidays",
    "festivos": "holidays",
    "segunda": "monday",
    "terca": "tuesday",
    "quarta": "wednesday",
    "quinta": "thursday",
    "sexta": "friday",
}


def _options_of(model: type[BaseModel]) -> list[str]:
    """The keys a model takes, as the file writes them ("from" for SmtpOptions.sender)."""
    keys = []
    for name, info in model.model_fields.items():
        alias = info.validation_alias
        keys.extend(alias.choices if isinstance(alias, AliasChoices) else [name])  # type: ignore[arg-type]
    return [key for key in keys if isinstance(key, str)]


def _inner_model(annotation: Any) -> tuple[type[BaseModel] | None, bool]:
    """The model a field's type holds, and whether it holds it in a list or dict (whose index or
    key comes next in a location)."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation, False
    origin, args = get_origin(annotation), get_args(annotation)
    if origin in (list, tuple, dict) and args:
        inner, _ = _inner_model(args[-1] if origin is dict else args[0])
        return inner, True
    if origin is Annotated or origin is Union or type(annotation).__name__ == "UnionType":
        for arg in args:
            inner, contained = _inner_model(arg)
            if inner is not None:
                return inner, contained
    return None, False


def _tables_along(root: type[BaseModel], inside: Sequence[Any]) -> list[tuple[list[str], str]]:
    """The options of each table from the file's top down to the one at `inside` (a location),
    each with its header as written ("" for the top of the file, "[[brands]]", "[brands.alerts]")."""
    tables: list[tuple[list[str], str]] = [(_options_of(root), "")]
    model: type[BaseModel] | None = root
    names: list[str] = []
    index = 0
    while index < len(inside) and model is not None:
        part = inside[index]
        info = model.model_fields.get(str(part))
        if info is None:
            break
        names.append(str(part))
        model, contained = _inner_model(info.annotation)
        index += 2 if contained else 1
        if model is not None:
            dotted = ".".join(names)
            listed = contained and get_origin(info.annotation) is not dict
            tables.append((_options_of(model), f"[[{dotted}]]" if listed else f"[{dotted}]"))
    return tables


def unknown_option_hint(key: str, tables: Sequence[tuple[list[str], str]]) -> str:
    """What an unknown `key` in the last of `tables` (see `_tables_along`) is likely written for: one
    of its options misspelt, or an option of a table above it written below that table's header;
    "" when neither."""
    known, header = tables[-1]
    folded = typed_key(key).replace(" ", "_")
    meant = _OPTION_WORDS.get(folded)
    if meant not in known:
        close = difflib.get_close_matches(folded, [option.lower() for option in known], n=1, cutoff=0.75)
        meant = next((option for option in known if close and option.lower() == close[0]), None)
    if meant is not None and meant != key:
        return f"did you mean {meant!r}?"
    for options, owner in reversed(tables[:-1]):
        if key in options:
            if not owner:
                return (
                    f"{key!r} belongs at the top of the file, above the first [table] line (every line "
                    "after a [table] line belongs to that table)"
                )
            return (
                f"{key!r} belongs to {owner}: move it above the {header} line (every line after a "
                "[table] line belongs to that table)"
            )
    return ""
