"""What every command shares: options, loading the config and database, exit codes, consoles.

Every command module is imported to register its command, so this module and the command
modules import at their top only what parsing the options needs, and the config and the
database every command opens; each command imports the rest of what it runs (a JSON report
never loads rich, the connectors or the alert machinery).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, TYPE_CHECKING, Annotated, Any, NoReturn

import typer

from socialmon.cli._i18n import _, current, known, ngettext, use, use_for
from socialmon.database import Database, DatabaseError, open_database
from socialmon.render._safe_text import error_summary, terminal_text

if TYPE_CHECKING:
    from rich.console import Console
    from rich.text import Text

    from socialmon.alerts.rules import HalfImported
    from socialmon.config import BrandConfig, Config, ConfigError
    from socialmon.plugins import ConnectorRegistry

EXIT_OK = 0
EXIT_FAILED = 1  # a channel (or a delivery) failed; the rest was done
EXIT_USAGE = 2  # usage or configuration error: nothing was done
EXIT_INTERRUPTED = 130  # `scan` stopped by Ctrl-C (128 + SIGINT): what was stored stays
EXIT_STOPPED = 143  # `scan` stopped by SIGTERM (128 + 15): what was read is stored

ConfigOption = Annotated[
    Path | None,
    typer.Option(
        "--config",
        "-c",
        help=_("Config file. Default: $SOCIALMON_CONFIG, then ./socialmon.toml."),
        show_default=False,
        dir_okay=False,
    ),
]
DatabaseOption = Annotated[
    str | None,
    typer.Option(
        "--database",
        help=_("Database URL or SQLite path, overriding the config (also $SOCIALMON_DATABASE)."),
        show_default=False,
    ),
]
BrandOption = Annotated[
    str | None,
    typer.Option(
        "--brand",
        "-b",
        help=_("Only this brand: its slug or its name, in any case, with or without accents."),
    ),
]
ChannelOption = Annotated[
    str | None,
    typer.Option("--channel", help=_("Only this channel: its name, or brand/name (any case).")),
]


def chosen_brand(config: Config, typed: str | None) -> str | None:
    """The slug of the brand a --brand names (its slug or its name, in any case, with or without
    accents: `Config.brands_named`), or None when none was given (every brand). A --brand that
    names no brand, or several, is a usage error (exit 2) naming the closest brands: a consultant
    with twenty brands is not handed all twenty to search."""
    if typed is None:
        return None
    found = config.brands_named(typed)
    if len(found) == 1:
        return found[0].slug
    if found:
        fail(
            _("brand {brand} in {path} could be any of {brands}: give its slug").format(
                brand=repr(typed), path=config.path, brands=", ".join(f"{b.slug} ({b.name})" for b in found)
            )
        )
    closest = _closest_brands(config, typed)
    if closest:
        fail(
            _("unknown brand {brand} in {path}; did you mean {closest}?").format(
                brand=repr(typed), path=config.path, closest=", ".join(_brand_label(b) for b in closest)
            )
        )
    known = ", ".join(b.slug for b in config.brands) or _("none: add one to the config")
    fail(
        _("unknown brand {brand} in {path}; known brands: {known}").format(
            brand=repr(typed), path=config.path, known=known
        )
    )


def chosen_channel(config: Config, brand: str | None, typed: str | None) -> str | None:
    """The channel a --channel names among the chosen brand's channels (`brand`, a slug from
    `chosen_brand`; None: every brand's): its name, or `brand/name` with the brand as --brand
    takes it, the name in any case too, and a name may hold a slash itself ("fb/ventas"): one
    lookup, `Config.channels_named`. Returned as the config writes it: `slug/name` for one
    channel, the bare name for the channels of that name of several brands (each brand's
    "facebook"). One that names none, or channels of different names, is a usage error (exit 2)
    naming the closest ones."""
    from socialmon.config import typed_key

    if typed is None:
        return None
    in_scope = [b for b in config.brands if brand is None or b.slug == brand]
    found = config.channels_named(typed, brand)
    if len(found) == 1:
        chosen_in, channel = found[0]
        return f"{chosen_in.slug}/{channel.name}"
    names = sorted({channel.name for _owner, channel in found})
    if len(names) == 1 and typed_key(typed) == typed_key(names[0]):  # the name alone, no brand before it
        return names[0]
    scope = _(" of brand {brand}").format(brand=repr(brand)) if brand else ""
    if found:
        fail(
            _(
                "channel {channel}{scope} in {path} could be any of {channels}: write one of them as shown"
            ).format(
                channel=repr(typed),
                scope=scope,
                path=config.path,
                channels=", ".join(f"{b.slug}/{c.name}" for b, c in found),
            )
        )
    owners: list[BrandConfig] = []  # the brand named before the first "/" that names one
    for at in (at for at, character in enumerate(typed) if character == "/"):
        owners = [b for b in config.brands_named(typed[:at]) if b in in_scope]
        if owners:
            break
    names = list(dict.fromkeys(c.name for b in in_scope for c in b.channels))
    bare_closest = _closest(typed, names)  # a name mistyped, slash and all ("fb/venta")
    if owners:  # the brand is right and has few channels: all of them
        known = [f"{b.slug}/{c.name}" for b in owners for c in b.channels]
        closest = []
    elif "/" in typed and not bare_closest:
        # the brand is mistyped: the channels of that name of the brands nearest to it
        owner, _slash, name = typed.rpartition("/")
        known = [f"{b.slug}/{c.name}" for b in in_scope for c in b.channels]
        near = [b for b in _closest_brands(config, owner) if b in in_scope]
        closest = [
            f"{b.slug}/{c.name}" for b in near for c in b.channels if typed_key(c.name) == typed_key(name)
        ] or [f"{b.slug}/{c.name}" for b in near for c in b.channels]
    else:  # twenty brands' "facebook" are one name to suggest
        closest = bare_closest
        known = [f"{b.slug}/{c.name}" for b in in_scope for c in b.channels] if len(in_scope) == 1 else names
    if closest:
        fail(
            _("unknown channel {channel}{scope} in {path}; did you mean {closest}?").format(
                channel=repr(typed), scope=scope, path=config.path, closest=", ".join(closest)
            )
        )
    fail(
        _("unknown channel {channel}{scope} in {path}; known channels: {known}").format(
            channel=repr(typed), scope=scope, path=config.path, known=", ".join(known) or _("none")
        )
    )


def _brand_label(brand: BrandConfig) -> str:
    """A brand as a message names it: its slug, and its name too when the slug does not say it."""
    from socialmon.config import typed_key

    return brand.slug if typed_key(brand.name) == typed_key(brand.slug) else f"{brand.slug} ({brand.name})"


def _closest_brands(config: Config, typed: str) -> list[BrandConfig]:
    """The brands whose slug or name is nearest to `typed`: those that hold it as a word first
    ("esquina"), then those spelled alike ("cafe-la-esquna"); five at most."""
    by_label: dict[str, BrandConfig] = {}
    for brand in config.brands:
        by_label.setdefault(brand.slug, brand)
        by_label.setdefault(brand.name, brand)
    chosen: list[BrandConfig] = []
    for label in _closest(typed, list(by_label)):
        if by_label[label] not in chosen:
            chosen.append(by_label[label])
    return chosen


def _closest(typed: str, labels: list[str], most: int = 5) -> list[str]:
    """Among `labels`, those nearest to `typed` compared as typed (`typed_key`): the ones holding
    it whole first, then difflib's closest."""
    import difflib

    from socialmon.config import typed_key

    key = typed_key(typed)
    if not key:
        return []
    keys: dict[str, list[str]] = {}
    for label in labels:
        keys.setdefault(typed_key(label), []).append(label)
    holding = [k for k in keys if f" {key} " in f" {k} "]
    alike = difflib.get_close_matches(key, list(keys), n=most, cutoff=0.6)
    ordered = list(dict.fromkeys([*holding, *alike]))[:most]
    return [label for k in ordered for label in keys[k]][:most]


class LazyConsole:
    """A rich `Console` made on first use, so that a command printing only plain text (a JSON
    report) never loads rich. Attributes are the console's; `console` is the console itself,
    for rich's own objects (a progress bar) that need the real one."""

    def __init__(self, *, stderr: bool = False) -> None:
        self._stderr = stderr
        self._console: Console | None = None

    @property
    def console(self) -> Console:
        if self._console is None:
            from rich.console import Console

            self._console = Console(stderr=self._stderr)
        return self._console

    def reset(self) -> None:
        """Forget the console: the next use makes one for the terminal as it is then (its width is
        read once, when it is made, and commands run in one process — tests, `try` — may differ)."""
        self._console = None

    def __getattr__(self, name: str) -> Any:
        return getattr(self.console, name)


out = LazyConsole()
err = LazyConsole(stderr=True)


def plain(text: object, style: str = "", *, multiline: bool = False) -> Text:
    """Untrusted text (a comment, a platform error, a config value, a path) for rich: never
    read as markup, and without escape sequences or bidi overrides (see `terminal_text`)."""
    from rich.text import Text

    return Text(terminal_text(text, multiline=multiline), style=style)


def say(console: LazyConsole | Console, *parts: object, style: str = "") -> None:
    """Print one line of untrusted text; `(text, style)` tuples among `parts` are styled."""
    from rich.text import Text

    line = Text(style=style)
    for part in parts:
        text, part_style = part if isinstance(part, tuple) else (part, "")
        line.append(terminal_text(text, multiline=True), style=part_style)
    console.print(line, highlight=False, soft_wrap=True)


def label_word(label: str) -> str:
    """A sentiment label (positive, neutral, negative) in the CLI's language, as reports name it."""
    from socialmon.render.i18n import STRINGS, words

    return words(current(), label) if label in STRINGS else label


def problem(label: str, message: object, style: str = "bold red") -> None:
    """`label: message` on stderr, the label styled and the message printed as plain text."""
    say(err, (f"{label}:", style), " ", message)


def fail(message: object, code: int = EXIT_USAGE) -> NoReturn:
    problem(_("error"), message)
    raise typer.Exit(code)


def output_problem(path: Path) -> str | None:
    """Why `path` cannot be written as an output file, or None: said before any work is done."""
    folder = path.expanduser().absolute().parent
    if path.is_dir():
        return _("cannot write {path}: it is a folder; name a file in it, e.g. {example}").format(
            path=path, example=path / "report.html"
        )
    if not folder.is_dir():
        return _(
            "cannot write {path}: the folder {folder} does not exist (create it first, or choose another)"
        ).format(path=path, folder=folder)
    return None


def open_output(path: Path, mode: str = "w", *, newline: str | None = None) -> IO[Any]:
    """`path` opened for writing (text in UTF-8, or bytes with mode "wb"); a path that cannot be
    written (a missing folder, a folder, no permission) is one line and exit 2, not a traceback."""
    problem_found = output_problem(path)
    if problem_found is not None:
        fail(problem_found)
    try:
        if "b" in mode:
            return path.expanduser().open(mode)
        return path.expanduser().open(mode, encoding="utf-8", newline=newline)
    except OSError as error:
        fail(_("cannot write {path}: {reason}").format(path=path, reason=error.strerror or error))


@contextmanager
def output_file(path: Path, mode: str = "w", *, newline: str | None = None) -> Iterator[IO[Any]]:
    """`path` opened as `open_output` opens it, and closed at the end of the block. A write that
    fails (a full disk, /dev/full) is one line naming the file and the reason and exit 2, like a
    file that cannot be opened; the half-written file is removed."""
    handle = open_output(path, mode, newline=newline)
    try:
        with handle:  # closing flushes: a full disk often shows only then
            yield handle
    except OSError as error:
        remove_partial(path)
        fail(_("cannot write {path}: {reason}").format(path=path, reason=error.strerror or error))


@contextmanager
def standard_output_checked() -> Iterator[None]:
    """A block that writes a report or an export to stdout. A write that fails (`> file` on a full
    disk) is one line and exit 2, as for --output; a pipe closed early (`| head`) is left to click,
    which ends quietly."""
    try:
        yield
        sys.stdout.flush()
    except BrokenPipeError:
        raise
    except OSError as error:
        _discard_standard_output()
        fail(_("cannot write to standard output: {reason}").format(reason=error.strerror or error))


def to_standard_output(data: str | bytes) -> None:
    """`data` on stdout (see `standard_output_checked`)."""
    with standard_output_checked():
        if isinstance(data, bytes):
            sys.stdout.buffer.write(data)
        else:
            sys.stdout.write(data)


def _discard_standard_output() -> None:
    """Point stdout at /dev/null: what it still holds would fail again at exit, as a second error."""
    import io
    import os

    try:
        descriptor = sys.stdout.fileno()
    except (OSError, ValueError, io.UnsupportedOperation):  # not a file (a test's capture)
        return
    null = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(null, descriptor)
    finally:
        os.close(null)


def remove_partial(path: Path) -> None:
    """Remove what a failed write left at `path`: a regular file only, never a device (/dev/full)
    or whatever a symbolic link points to."""
    import stat

    target = path.expanduser()
    try:
        if stat.S_ISREG(target.lstat().st_mode):
            target.unlink()
    except OSError:
        pass  # nothing there, or not ours to remove: the error already said what failed


def speak_as_written(path: Path) -> None:
    """Speak the language the brands of the config at `path` are written in (unless
    $SOCIALMON_LANG says one): a config that does not load has no brands to choose it."""
    from socialmon.cli._config_words import written_language

    if not os.environ.get("SOCIALMON_LANG"):
        use(known(written_language(path)) or current())


def config_problems(error: ConfigError) -> NoReturn:
    """Every problem of the config, one a line, in the language its brands are written in; exit 2."""
    from socialmon.cli._config_words import problem_line

    if error.problems:
        # The config did not load, so no brand chose the language: the file as written may say it.
        speak_as_written(error.problems[0].path)
    for found in error.problems:
        problem(_("config error"), problem_line(found))
    raise typer.Exit(EXIT_USAGE)


def registry() -> ConnectorRegistry:
    """The installed connectors; each is imported when a command asks for it (see `warn_broken`)."""
    from socialmon.plugins import default_registry

    return default_registry()


def warn_broken(found: ConnectorRegistry) -> None:
    """A warning for each installed connector that cannot be loaded (imports them all), in the CLI's
    language; the import error's own text stays as Python wrote it."""
    from socialmon.cli._config_words import said

    for warning in found.load_all().problems:
        problem(_("warning"), said(warning), style="yellow")


def config_or_exit(
    path: Path | None, registry: ConnectorRegistry | None = None, *, database: str | None = None
) -> Config:
    """The config, or its problems said and exit 2. `database` is the command's --database: the
    file's `database` setting, which it overrides, is then not judged (see `read_config`)."""
    # The config's models are imported here, not with this module, which every command imports
    # to register itself: `socialmon --help` needs no pydantic (0.1 s of its 0.35 s, -X importtime).
    from socialmon.config import ConfigError, find_config_path, load_config

    found = find_config_path(path)
    if found is None:
        fail(
            _(
                "no config file: pass --config FILE, set SOCIALMON_CONFIG, or run `socialmon init` "
                "to write ./socialmon.toml"
            )
        )
    try:
        loaded = load_config(found, registry, database=database)
    except ConfigError as error:
        config_problems(error)
    use_for(loaded)  # the brands' language, when they share one (see _i18n)
    return loaded


@contextmanager
def database_or_exit(config: Config, override: str | None) -> Iterator[Database]:
    """The database, upgraded. Any other database error is one line naming its cause (the
    driver's first line), never the statement and its parameters (customers' texts): those
    go to the debug log (see `error_summary`)."""
    from sqlalchemy.exc import SQLAlchemyError  # not at the top: see database.py

    url = config.database_url(override)
    try:
        database = Database(url)
        status = database.upgrade()
    except DatabaseError as error:
        # Its words' patterns only on this path: a JSON report loads no words to translate
        # (tests/test_report_cli.py::test_a_json_report_loads_only_what_it_runs).
        from socialmon.cli._config_words import said

        fail(said(str(error)))  # socialmon.database's English, in the CLI's language (as `check`)
    except SQLAlchemyError as error:
        fail(
            _("the database {database} failed: {cause}").format(
                database=display_database(url), cause=error_summary(error)
            )
        )
    if status is not None and status.current is not None:
        say(
            err,
            _("upgraded the database schema from {old} to {new}").format(old=status.current, new=status.head),
        )
    try:
        yield database
    except DatabaseError as error:
        # Found while the command ran: a damaged file that answered two queries differently
        # (`Database.verify`, as `check` finds it), a server that stopped answering.
        from socialmon.cli._config_words import said

        fail(said(str(error)))
    except SQLAlchemyError as error:  # damage found past the pages read on opening
        # A damaged or read-only file, a server gone: said as `check` says them, with what to do;
        # a damaged file is exit 2 as on opening, the others exit 1 as any failure of the database.
        explained = database.explained(error)
        if explained is None:
            fail(
                _("the database {database} failed: {cause}").format(
                    database=database.display_url(), cause=error_summary(error)
                ),
                EXIT_FAILED,
            )
        from socialmon.cli._config_words import said

        fail(said(str(explained)), EXIT_USAGE if database.damaged(error) is not None else EXIT_FAILED)
    finally:
        database.dispose()


def display_database(url: str) -> str:
    """A database URL with its password hidden."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return _("(not a database URL)")


def is_terminal() -> bool:
    return err.is_terminal and sys.stderr.isatty()


__all__ = ["Database", "open_database", "terminal_text"]


def alert_counts(created: int, resolved: int) -> dict[str, str]:
    """ "1 new alert", "2 resolved": the `created` and `resolved` fields of an alerts line."""
    return {
        "created": ngettext("{n} new alert", "{n} new alerts", created).format(n=created),
        "resolved": ngettext("{n} resolved", "{n} resolved", resolved).format(n=resolved),
    }


def last_scan_said(channel: HalfImported) -> str:
    """Why the rules left a half-imported channel out, in the CLI's language."""
    words = {
        "failed": _("last scan failed"),
        "partial": _("last scan partial"),
        "running": _("last scan still running"),
    }
    return words.get(channel.status, channel.status)


def not_judged(brand: str, channels: list[HalfImported]) -> str:
    """The line that says which channels the alert rules left out, and why (`scan`, `alerts send`,
    `alerts check`'s words)."""
    said = ", ".join(f"{channel.channel} ({last_scan_said(channel)})" for channel in channels)
    return _("{brand}: not judged by the alert rules until their next complete scan: {channels}").format(
        brand=brand, channels=said
    )
