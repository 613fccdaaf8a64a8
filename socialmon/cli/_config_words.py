"""A config problem said in the CLI's language.

`socialmon.config` and the connectors' settings are a library: they write their problems in
English, without a catalogue. The CLI says each problem again from the catalogue: where it is
("brand 'cafe', channel 'export'"), the field, and the message when it is one of the shapes
below, each `{name}` standing for what varies (a value, a name, a number). A message that
matches none is kept as written, so a new one is still said, in English, until it is added here
and to `socialmon/locale`.
"""

from __future__ import annotations

import re
from functools import cache
from typing import TYPE_CHECKING

from socialmon.cli._i18n import DEFAULT, N_, _, current

if TYPE_CHECKING:
    from pathlib import Path

    from socialmon.config import ConfigProblem

# The problems `socialmon.config` writes, pydantic's words for the settings' types, and the
# connectors' own: their English text, as `_()` finds it in the catalogue.
MESSAGES = (
    N_("required but missing"),
    N_("unknown option (check the spelling)"),
    N_("file not found (run `socialmon init` to create one)"),
    N_("cannot read the file: {error}"),
    N_("invalid TOML: {error}"),
    N_("environment variable {name} is not set"),
    N_("environment variable {name} is set but empty"),
    N_("unknown time zone {value}; use an IANA name like 'America/Guayaquil'"),
    N_("{value} is not a duration; write e.g. '30m', '2h' or '1d'"),
    N_("must be longer than zero"),
    N_("{value} is not a country the holidays package knows: an ISO code such as 'EC'"),
    N_("{value} is not a range like '09:00-18:00'"),
    N_("{value} is not a range like '22:00-07:00'"),
    N_("{value} is not a valid time range"),
    N_("{value} ends before it starts"),
    N_("window must be at most half of baseline_days, or there is no baseline to compare"),
    N_("a watch-list term is empty"),
    N_("{value} holds a line break or a control character: one address per entry"),
    N_("two destinations are named {value}; give each webhook a distinct 'name'"),
    N_("a schedule must divide a minute, an hour or a day: e.g. '15s', '10m', '30m', '1h', '6h', '1d'"),
    N_("{value} is not a colour like '#1f6feb'"),
    N_("slug {value} may only use a-z, 0-9, '-' and '_'"),
    N_("two channels are named {value}; give each a distinct 'name'"),
    N_("two brands share the slug {value}; give each a distinct 'slug'"),
    N_("unknown platform {value} (known: {known})"),
    N_("required to send e-mail: set it here or in [smtp] ({name} = ...)"),
    N_("must be first-scan, a weekday (monday … sunday) or a date like 2026-11-21"),
    N_("{value} is not a Mastodon account: write it as {form}"),
    N_("{value} is not a Bluesky account: write {form}"),
    N_("{value} is not a Reddit account: write {form}"),
    N_("give exactly one of api_key and access_token"),
    N_("give both client_id and client_secret, or neither"),
    # The export connectors' first-run errors (a path that is wrong), as `check` and `scan` say them
    N_("export file not found: {path} — check the path in the channel's config"),
    N_("no .jsonl, .ndjson, .csv, .tsv or .xlsx files in {path} — check the path in the channel's config"),
    N_("WhatsApp export not found: {path} — check the path in the channel's config"),
    N_("no WhatsApp exports (.txt or .zip) in {path} — check the path in the channel's config"),
    # pydantic's, for a value of the wrong type
    N_("Input should be {choices}"),
    N_("Input should be a valid integer, unable to parse string as an integer"),
    N_("Input should be a valid integer"),
    N_("Input should be a valid number, unable to parse string as a number"),
    N_("Input should be a valid boolean, unable to interpret input"),
    N_("Input should be a valid boolean"),
    N_("Input should be a valid string"),
    N_("Input should be a valid list"),
    N_("Input should be a valid dictionary"),
    N_("Input should be greater than or equal to {number}"),
    N_("Input should be greater than {number}"),
    N_("Input should be less than or equal to {number}"),
    N_("Input should be less than {number}"),
    N_("Input should be a valid integer, got a number with a fractional part"),
    N_("Input should be a finite number"),
    N_("String should have at least {number} characters"),
    N_("String should have at least {number} character"),
)


# Fields narrower than "anything": pydantic's list of allowed values ('a', 'b' or 'c'), so that
# "Input should be a valid integer, got a number with a fractional part" is not taken for one.
_FIELDS = {"choices": r"(?P<choices>'[^']*'(?:, '[^']*')*(?: or '[^']*')?)"}


@cache
def _patterns() -> tuple[tuple[re.Pattern[str], str], ...]:
    """Each message as a pattern (its fields as groups), longest first: "Input should be a valid
    integer" is tried before "Input should be {choices}"."""
    found = []
    for message in sorted(MESSAGES, key=len, reverse=True):
        pattern = re.sub(
            r"\\\{(\w+)\\\}", lambda field: _FIELDS.get(field[1], f"(?P<{field[1]}>.+?)"), re.escape(message)
        )
        found.append((re.compile(pattern, re.DOTALL), message))
    return tuple(found)


def said(message: str) -> str:
    """A config or settings message in the CLI's language (as written when it is not known)."""
    if current() == DEFAULT:
        return message
    for pattern, english in _patterns():
        matched = pattern.fullmatch(message)
        if matched is not None:
            fields = {name: _or_words(value) for name, value in matched.groupdict().items()}
            return _(english).format(**fields)
    return message


def said_error(error: str) -> str:
    """A channel's error as a scan says it ("SourceError: export file not found: …"), its message in
    the CLI's language when it is one of the shapes above; the error's kind stays as it is."""
    kind, colon, message = error.partition(": ")
    if colon and kind.isidentifier() and kind[:1].isupper():
        return f"{kind}: {said(message)}"
    return said(error)


def _or_words(value: str) -> str:
    """pydantic's "'a', 'b' or 'c'": its "or" in the CLI's language."""
    return value.replace("' or '", "' " + _("or") + " '")


def _place(where: str) -> str:
    """ "brand 'cafe', channel 'export'" (or "brand #2") in the CLI's language."""
    words = {"brand": _("brand {name}"), "channel": _("channel {name}")}
    return re.sub(
        r"\b(brand|channel) ('(?:[^']|'(?!,|$))*'|#\d+)",
        lambda found: words[found[1]].format(name=found[2]),
        where,
    )


def written_language(path: Path) -> str | None:
    """The language a config's brands share as the file is written (`language`, "en" when left
    out), read without validating it: a config that does not load is said in its brands' language."""
    import tomllib

    try:
        brands = tomllib.loads(path.read_text(encoding="utf-8-sig")).get("brands")
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return None
    if not isinstance(brands, list) or not brands:
        return None
    spoken = {brand.get("language", "en") if isinstance(brand, dict) else None for brand in brands}
    found = spoken.pop() if len(spoken) == 1 else None
    return found if isinstance(found, str) else None


def problem_line(problem: ConfigProblem) -> str:
    """`str(problem)` (file: place, field: message) in the CLI's language."""
    if current() == DEFAULT:
        return str(problem)
    place = f"{_place(problem.where)}, " if problem.where else ""
    field = _("field '{name}': ").format(name=problem.field) if problem.field else ""
    return f"{problem.path}: {place}{field}{said(problem.message)}"
