"""Commands that set socialmon up: init, check, connectors, upgrade."""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path
from typing import Annotated

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
from socialmon.config import ConfigError, check_channels, find_config_path, load_config
from socialmon.database import Database, DatabaseError
from socialmon.sentiment import available_scorers


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
    problems += [str(problem) for problem in check_channels(loaded, connectors)]
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
