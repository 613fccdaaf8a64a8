"""Commands that set socialmon up: init, check, connectors, upgrade."""

from __future__ import annotations

import os
from importlib.resources import files
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from socialmon.cli._app import app
from socialmon.cli._common import (
    EXIT_USAGE,
    ConfigOption,
    DatabaseOption,
    config_or_exit,
    config_problems,
    database_or_exit,
    display_database,
    fail,
    out,
    output_problem,
    plain,
    problem,
    registry,
    say,
    speak_as_written,
    warn_broken,
)
from socialmon.cli._i18n import _, count, current, ngettext, use, use_for
from socialmon.cli.report import LangChoice  # (registers `report`, which `try` also imports)
from socialmon.database import Database, DatabaseError
from socialmon.sentiment import available_scorers

if TYPE_CHECKING:
    from socialmon.config import Config, ConfigProblem
    from socialmon.plugins import ConnectorRegistry
    from socialmon_connectors.base import Connector

_IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp")  # what an HTML/PDF report shows


def starter_config(
    language: str = "en", report_language: str | None = None, timezone: str | None = None
) -> str:
    """The annotated starter config, its comments in `language` (English, Spanish or Brazilian
    Portuguese: the same keys, `templates/socialmon.toml` and `socialmon.<language>.toml`); its
    brand's `language` and `timezone` set to `report_language` and `timezone` when given, else the
    template's example (a bakery in Ecuador; in Portuguese, a business in São Paulo)."""
    import re

    from socialmon.cli._i18n import DEFAULT, known

    code = known(language) or DEFAULT
    name = "socialmon.toml" if code == DEFAULT else f"socialmon.{code}.toml"
    text = files("socialmon").joinpath("templates", name).read_text(encoding="utf-8")
    # The brand's settings: the first uncommented `language =` and `timezone =` lines of the template.
    if report_language:
        text = re.sub(r'^language = "[^"]*"', f'language = "{report_language}"', text, count=1, flags=re.M)
    if timezone:
        text = re.sub(r'^timezone = "[^"]*"', f'timezone = "{timezone}"', text, count=1, flags=re.M)
    return text


def system_timezone() -> str | None:
    """The machine's IANA time zone ($TZ, or where /etc/localtime points), when it tells one and it
    is not UTC: a server kept in UTC says nothing of where the business is."""
    import os
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    name = os.environ.get("TZ", "").lstrip(":")
    if not name:
        target = os.path.realpath("/etc/localtime")
        _, found, rest = target.partition("zoneinfo/")
        name = rest if found else ""
    if not name or "/" not in name or name.startswith(("Etc/", "UTC", "posix/", "right/")):
        return None
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return None
    return name


@app.command(help=_("Write an annotated starter config (socialmon.toml) to edit."))
def init(
    path: Annotated[Path, typer.Argument(help=_("Where to write the config."), dir_okay=False)] = Path(
        "socialmon.toml"
    ),
    force: Annotated[bool, typer.Option("--force", help=_("Overwrite an existing file."))] = False,
    lang: Annotated[
        LangChoice | None,
        typer.Option(
            "--lang",
            help=_(
                "Language of the config's comments and of the brand's reports (pt: Brazilian "
                "Portuguese). Default: $SOCIALMON_LANG, else the locale's language, else English."
            ),
            show_default=False,
        ),
    ] = None,
) -> None:
    if lang is not None:
        use(lang.value)
    if path.exists() and not force:
        fail(_("{path} already exists; use --force to overwrite it").format(path=path))
    cannot_write = output_problem(path)  # a missing folder said in the CLI's words, not the OS's
    if cannot_write is not None:
        fail(cannot_write)
    # Comments in the CLI's language (--lang, $SOCIALMON_LANG, the locale, else English), and the
    # brand speaks it too: an English config whose brand spoke the template's Spanish made every
    # later command speak Spanish. Its time zone is the machine's when it tells one (else the
    # template's example).
    report_language = current()
    try:
        path.write_text(starter_config(current(), report_language, system_timezone()), encoding="utf-8")
    except PermissionError:
        fail(
            _("{what} cannot be written (permissions)").format(what=_("file {name}").format(name=f"'{path}'"))
        )
    except OSError as error:
        fail(_("cannot write {path}: {reason}").format(path=path, reason=error.strerror))
    # The starter channel reads `exports/` beside the config: made, empty, for the user's files, so
    # that the first `check` says the folder holds none yet, not that no such file exists.
    exports = path.parent / "exports"
    if not exports.exists():
        try:
            exports.mkdir()
        except OSError:
            pass  # `check` then says the path is missing, naming it
        else:
            say(
                out,
                _(
                    "wrote {path} and the empty folder {folder} for your export files: put them there "
                    "(or set the channel's path), edit the brand, then run `socialmon check`"
                ).format(path=path, folder=f"{exports}{os.sep}"),
            )
            return
    say(out, _("wrote {path}: edit the brand and its channels, then run `socialmon check`").format(path=path))


@app.command(help=_("Validate the config, the secrets it references and the database; one line per problem."))
def check(config: ConfigOption = None, database: DatabaseOption = None) -> None:
    from socialmon.cli._config_words import problem_line, said
    from socialmon.config import (
        ConfigError,
        check_channels,
        database_setting_problems,
        database_stand_in,
        find_config_path,
        read_config,
    )

    found = find_config_path(config)
    if found is None:
        fail(_("no config file: pass --config FILE, set SOCIALMON_CONFIG, or run `socialmon init`"))
    connectors = registry()
    warn_broken(connectors)  # `check` looks at every installed connector, not only those in use
    # A file whose settings do not validate is gone on with all the same, its broken values left
    # out (`Config.stand_in`): its channels' problems are listed with the file's own, in one run.
    loaded, config_errors = read_config(found, connectors, database=database, stand_in=True)
    if loaded is None:
        config_problems(ConfigError(config_errors))
    if loaded.stand_in:
        speak_as_written(found)  # as `config_problems` says a config that does not load
    else:
        use_for(loaded)
    if database_stand_in(database):
        # The file's own setting, which the other database stands in for: said, and the check passes.
        for unused in database_setting_problems(loaded):
            problem(
                _("warning"),
                _("{problem} (not used here: --database or SOCIALMON_DATABASE stands in for it)").format(
                    problem=problem_line(unused)
                ),
                style="yellow",
            )
    # A config that validated goes on with what is wrong in it (a platform no connector is
    # installed for, a database it names wrongly): its channels' problems are listed with them.
    # (A stand-in's config errors name a brand as the file writes it, its slug or its name: the
    # channel's name and the message say it is the same problem.)
    flagged = {_same_platform(problem) for problem in config_errors if problem.field == "platform"}
    channel_problems = check_channels(loaded, connectors)
    problems = [
        problem_line(problem)
        for problem in channel_problems
        if problem.field != "platform" or _same_platform(problem) not in flagged
    ]
    channel_problems += config_errors  # their channels are left out of the checks below too
    sources, warnings = source_problems(loaded, connectors, channel_problems)
    problems += [problem_line(problem) for problem in sources]
    for warning in warnings:  # said, and the config still passes: the scan works, its figures mislead
        problem(_("warning"), problem_line(warning), style="yellow")
    problems += [problem_line(problem) for problem in alert_problems(loaded)]
    problems += [problem_line(problem) for problem in logo_problems(loaded)]
    if not loaded.stand_in:  # a stand-in may have left out a brand or a channel: not said to be missing
        problems += nothing_to_scan(loaded)
    unknown_scorer = scorer_problem(loaded)
    if unknown_scorer is not None:
        problems.append(unknown_scorer)
    stale, scorer, schema = 0, "", _("unusable")
    # A `database` setting with a problem was said with the config errors: there is no URL to open.
    if not any(error.field == "database" for error in config_errors):
        try:
            schema, stale, scorer = database_state(loaded, database)
        except DatabaseError as error:
            problems.append(said(str(error)))  # socialmon.database's English, in the CLI's language
    for config_error in config_errors:  # said as `load_config` refuses them in the other commands
        problem(_("config error"), problem_line(config_error))
    for found_problem in problems:
        problem(_("problem"), found_problem)
    if problems or config_errors:
        raise typer.Exit(EXIT_USAGE)
    channels = len(loaded.select())
    say(
        out,
        _("config {path}: {brands}, {channels}, all valid").format(
            path=loaded.path,
            brands=ngettext("{count} brand", "{count} brands", len(loaded.brands)).format(
                count=len(loaded.brands)
            ),
            channels=ngettext("{count} channel", "{count} channels", channels).format(count=channels),
        )
        + "\n"
        + _("database {database}: {schema}").format(
            database=display_database(loaded.database_url(database)), schema=schema
        ),
    )
    if stale:  # after an upgrade of socialmon: the reports mix two versions' labels until then
        say(
            out,
            ngettext(
                "{count} comment was scored by another scorer or version: `socialmon rescore` scores it "
                "with {scorer}",
                "{count} comments were scored by another scorer or version: `socialmon rescore` scores "
                "them with {scorer}",
                stale,
            ).format(count=count(stale), scorer=scorer),
        )


def _same_platform(problem: ConfigProblem) -> tuple[str, str]:
    """A channel's platform problem without its brand: (its channel, the message)."""
    return problem.where.partition(", ")[2], problem.message


def database_state(config: Config, database: str | None) -> tuple[str, int, str]:
    """(what `check` says of the database's schema, how many comments another scorer or version
    scored, the scorer that would score them again); raises DatabaseError."""
    stale, scorer = 0, ""
    db = Database(config.database_url(database))
    cannot = db.unwritable()  # a read-only file reads well, and fails the scan's first write
    if cannot is not None:
        db.dispose()
        raise cannot
    if db.file_missing:
        # Not opened: SQLite creates a file it opens (an empty one, 4 KB), and `check` changes
        # nothing. The first scan creates it.
        db.dispose()
        return _("new (created on the first scan)"), stale, scorer
    try:
        db.verify()  # a damaged file, which would otherwise pass until a scan reads the damaged page
        status = db.schema_status()
        sentiment = config.settings.sentiment
        if status.up_to_date and status.current is not None and sentiment.scorer in available_scorers():
            from socialmon.rescore import stale_summary

            stale, scorer = stale_summary(db, sentiment.scorer, sentiment.languages)
    finally:
        db.dispose()
    if status.current is None:
        schema = _("new (created on the first scan)")
    elif status.up_to_date:
        schema = _("schema {current} (newest)").format(current=status.current)
    else:
        schema = _(
            "schema {current}, newest is {head}: upgraded on the next scan or `socialmon upgrade`"
        ).format(current=status.current, head=status.head)
    return schema, stale, scorer


def nothing_to_scan(config: Config) -> list[str]:
    """`scan`'s refusal of a config without an enabled channel (no brand, or every channel off), as
    the problem `check` lists; a brand without one, among brands with some, as a warning said now:
    a scan of every brand leaves it out, a scan of it alone is refused."""
    if not any(channel.enabled for _brand, channel in config.select()):
        return [_("{path} has no enabled channels").format(path=config.path)]
    for brand in config.brands:
        if not any(channel.enabled for channel in brand.channels):
            problem(
                _("warning"),
                _("brand {brand} has no enabled channels: nothing of it is scanned").format(
                    brand=repr(brand.slug)
                ),
                style="yellow",
            )
    return []


def scorer_problem(config: Config) -> str | None:
    """The line that says the config's `sentiment.scorer` is none installed, in the CLI's language;
    None when it is one (`check` lists it with the other problems, `scan` stops on it)."""
    scorer = config.settings.sentiment.scorer
    if scorer in available_scorers():
        return None
    return _("{path}: field 'sentiment.scorer': unknown scorer {scorer} (available: {available})").format(
        path=config.path, scorer=repr(scorer), available=", ".join(available_scorers())
    )


def source_problems(
    config: Config, connectors: ConnectorRegistry, known: list[ConfigProblem]
) -> tuple[list[ConfigProblem], list[ConfigProblem]]:
    """(problems, warnings) of the enabled channels, found now rather than by the next scan: what a
    channel reads from this machine and is not there (the `file` connector's `path`), and what its
    connector's `check_setup` finds (a module its files need that is not installed: a problem; a
    setting whose absence makes the figures wrong, WhatsApp's `business_names`: a warning).
    Channels with a problem already are left out."""
    from socialmon.config import ConfigError, ConfigProblem

    flawed = {problem.where for problem in known}
    flawed_fields = {(problem.where, problem.field) for problem in known}
    problems: list[ConfigProblem] = []
    warnings: list[ConfigProblem] = []
    for brand, channel in config.select():
        where = f"brand '{brand.slug}', channel '{channel.name}'"
        if not channel.enabled or (where, "path") in flawed_fields:
            continue
        if where in flawed:
            # Its files looked for all the same, with the options that validate: an unknown option
            # or an unset variable does not hide a wrong `path` (its other checks wait for a fix).
            stand_in = config.stand_in_connector(brand, channel, connectors)
            found = _files_problem(stand_in, config, where) if stand_in is not None else None
            if found is not None:
                problems.append(found)
            continue
        try:
            connector = config.resolve(brand, channel, connectors).connector()
        except ConfigError:  # (said by `check_channels`; a channel is flawed by its own `where`)
            continue
        found = _files_problem(connector, config, where)
        if found is not None:
            problems.append(found)
            continue
        # A connector from another package may predate the hook, or not subclass Connector's.
        check_setup = getattr(connector, "check_setup", None)
        try:
            notes = check_setup() if callable(check_setup) else []
        except Exception as error:  # a plug-in's bug is its channel's problem, not a traceback
            problems.append(ConfigProblem(config.path, where, "", f"{type(error).__name__}: {error}"))
            continue
        for note in notes:
            found = ConfigProblem(config.path, where, note.field, note.message)
            (warnings if note.warning else problems).append(found)
    return problems, warnings


def _files_problem(connector: Connector, config: Config, where: str) -> ConfigProblem | None:
    """Why the files a connector reads from this machine are not there (its `path`), or None."""
    from socialmon.config import ConfigProblem

    files = getattr(connector, "files", None)  # a connector reading local files says which
    if not callable(files):
        return None
    try:
        files()
    except Exception as error:  # the connector's own words: file not found, empty folder
        return ConfigProblem(config.path, where, "path", str(error) or type(error).__name__)
    return None


def alert_problems(config: Config) -> list[ConfigProblem]:
    """What `alerts send` would refuse: every brand's destinations with their `${ENV}` secrets
    resolved (SMTP password, webhook URLs), a missing mail server, a `ca_file` that is not there."""
    from socialmon.config import ConfigError, ConfigProblem

    problems: list[ConfigProblem] = []
    for brand in config.brands:
        try:
            email, _ = config.alert_destinations(brand)
        except ConfigError as error:
            problems += [p for p in error.problems if p not in problems]  # [smtp]'s are every brand's
            continue
        if email is not None and email.ca_file and not Path(email.ca_file).expanduser().is_file():
            problem_found = ConfigProblem(
                config.path,
                f"brand '{brand.slug}'",
                "alerts.email.ca_file",
                _("file not found: {path}").format(path=Path(email.ca_file).expanduser().absolute()),
            )
            if problem_found not in problems:
                problems.append(problem_found)
    return problems


def logo_problems(config: Config) -> list[ConfigProblem]:
    """A brand's `logo` that HTML and PDF reports would silently leave out."""
    from socialmon.config import ConfigProblem

    problems = []
    for brand in config.brands:
        if not brand.logo:
            continue
        path = Path(brand.logo).expanduser()
        path = path if path.is_absolute() else config.base_dir / path
        where = f"brand '{brand.slug}'"
        if not path.is_file():
            problems.append(
                ConfigProblem(config.path, where, "logo", _("file not found: {path}").format(path=path))
            )
        elif path.suffix.lower() not in _IMAGE_SUFFIXES:
            problems.append(
                ConfigProblem(
                    config.path,
                    where,
                    "logo",
                    _("{name} is not an image reports can show (use {suffixes})").format(
                        name=path.name, suffixes=", ".join(_IMAGE_SUFFIXES)
                    ),
                )
            )
    return problems


@app.command("connectors", help=_("List the installed connectors (built-in and from other packages)."))
def list_connectors() -> None:
    from rich.table import Table

    from socialmon.cli._config_words import said_summary

    found = registry()
    warn_broken(found)
    table = Table(title=_("Installed connectors"))
    table.add_column(_("platform"), style="bold")
    table.add_column(_("package"))
    table.add_column(_("what it pulls"))
    for name in found.names():
        table.add_row(
            plain(name), plain(found.sources.get(name, "")), plain(said_summary(found.connectors[name]))
        )
    out.print(table)


@app.command(help=_("Upgrade the database schema to this version of socialmon (scan and report also do it)."))
def upgrade(config: ConfigOption = None, database: DatabaseOption = None) -> None:
    loaded = config_or_exit(config, database=database)
    with database_or_exit(loaded, database) as db:
        say(
            out,
            _("database {database} is at schema {schema}").format(
                database=db.display_url(), schema=db.schema_status().head
            ),
        )
