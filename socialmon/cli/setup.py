"""Commands that set socialmon up: init, check, connectors, upgrade."""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from socialmon.cli import app
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
    plain,
    problem,
    registry,
    say,
)
from socialmon.config import (
    Config,
    ConfigError,
    ConfigProblem,
    check_channels,
    find_config_path,
    load_config,
)
from socialmon.database import Database, DatabaseError
from socialmon.sentiment import available_scorers

if TYPE_CHECKING:
    from socialmon.plugins import ConnectorRegistry

_IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp")  # what an HTML/PDF report shows


def starter_config() -> str:
    return files("socialmon").joinpath("templates/socialmon.toml").read_text(encoding="utf-8")


@app.command()
def init(
    path: Annotated[Path, typer.Argument(help="Where to write the config.", dir_okay=False)] = Path(
        "socialmon.toml"
    ),
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing file.")] = False,
) -> None:
    """Write an annotated starter config (socialmon.toml) to edit."""
    if path.exists() and not force:
        fail(f"{path} already exists; use --force to overwrite it")
    try:
        path.write_text(starter_config(), encoding="utf-8")
    except OSError as error:
        fail(f"cannot write {path}: {error.strerror}")
    say(out, f"wrote {path}: edit the brand and its channels, then run `socialmon check`")


@app.command()
def check(config: ConfigOption = None, database: DatabaseOption = None) -> None:
    """Validate the config, the secrets it references and the database; one line per problem."""
    found = find_config_path(config)
    if found is None:
        fail("no config file: pass --config FILE, set SOCIALMON_CONFIG, or run `socialmon init`")
    connectors = registry()
    problems: list[str] = []
    try:
        loaded = load_config(found, connectors)
    except ConfigError as error:
        config_problems(error)
    channel_problems = check_channels(loaded, connectors)
    problems += [str(problem) for problem in channel_problems]
    problems += [str(problem) for problem in source_problems(loaded, connectors, channel_problems)]
    problems += [str(problem) for problem in alert_problems(loaded)]
    problems += [str(problem) for problem in logo_problems(loaded)]
    if loaded.settings.sentiment.scorer not in available_scorers():
        problems.append(
            f"{loaded.path}: field 'sentiment.scorer': unknown scorer {loaded.settings.sentiment.scorer!r} "
            f"(available: {', '.join(available_scorers())})"
        )
    try:
        db = Database(loaded.database_url(database))
        try:
            db.verify()  # a damaged file, which would otherwise pass until a scan reads the damaged page
            status = db.schema_status()
        finally:
            db.dispose()
        if status.current is None:
            schema = "new (created on the first scan)"
        elif status.up_to_date:
            schema = f"schema {status.current} (newest)"
        else:
            schema = f"schema {status.current}, newest is {status.head}: upgraded on the next scan or `socialmon upgrade`"
    except DatabaseError as error:
        problems.append(str(error))
        schema = "unusable"
    for found_problem in problems:
        problem("problem", found_problem)
    if problems:
        raise typer.Exit(EXIT_USAGE)
    channels = len(loaded.select())
    say(
        out,
        f"config {loaded.path}: {len(loaded.brands)} brand(s), {channels} channel(s), all valid\n"
        f"database {display_database(loaded.database_url(database))}: {schema}",
    )


def source_problems(
    config: Config, connectors: ConnectorRegistry, known: list[ConfigProblem]
) -> list[ConfigProblem]:
    """What an enabled channel reads from this machine and is not there (the `file` connector's
    `path`): found now rather than by the next scan. Channels with a problem already are left out."""
    flawed = {problem.where for problem in known}
    problems = []
    for brand, channel in config.select():
        where = f"brand '{brand.slug}', channel '{channel.name}'"
        if not channel.enabled or where in flawed:
            continue
        connector = config.resolve(brand, channel, connectors).connector()
        files = getattr(connector, "files", None)  # a connector reading local files says which
        if not callable(files):
            continue
        try:
            files()
        except Exception as error:  # the connector's own words: file not found, empty folder
            problems.append(ConfigProblem(config.path, where, "path", str(error) or type(error).__name__))
    return problems


def alert_problems(config: Config) -> list[ConfigProblem]:
    """What `alerts send` would refuse: every brand's destinations with their `${ENV}` secrets
    resolved (SMTP password, webhook URLs), a missing mail server, a `ca_file` that is not there."""
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
                f"file not found: {Path(email.ca_file).expanduser().absolute()}",
            )
            if problem_found not in problems:
                problems.append(problem_found)
    return problems


def logo_problems(config: Config) -> list[ConfigProblem]:
    """A brand's `logo` that HTML and PDF reports would silently leave out."""
    problems = []
    for brand in config.brands:
        if not brand.logo:
            continue
        path = Path(brand.logo).expanduser()
        path = path if path.is_absolute() else config.base_dir / path
        where = f"brand '{brand.slug}'"
        if not path.is_file():
            problems.append(ConfigProblem(config.path, where, "logo", f"file not found: {path}"))
        elif path.suffix.lower() not in _IMAGE_SUFFIXES:
            problems.append(
                ConfigProblem(
                    config.path,
                    where,
                    "logo",
                    f"{path.name} is not an image reports can show (use {', '.join(_IMAGE_SUFFIXES)})",
                )
            )
    return problems


@app.command("connectors")
def list_connectors() -> None:
    """List the installed connectors (built-in and from other packages)."""
    from rich.table import Table

    found = registry()
    table = Table(title="Installed connectors")
    table.add_column("platform", style="bold")
    table.add_column("package")
    table.add_column("what it pulls")
    for name in found.names():
        table.add_row(plain(name), plain(found.sources.get(name, "")), plain(found.connectors[name].summary))
    out.print(table)


@app.command()
def upgrade(config: ConfigOption = None, database: DatabaseOption = None) -> None:
    """Upgrade the database schema to this version of socialmon (scan and report also do it)."""
    loaded = config_or_exit(config)
    with database_or_exit(loaded, database) as db:
        say(out, f"database {db.display_url()} is at schema {db.schema_status().head}")
