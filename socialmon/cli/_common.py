"""What every command shares: options, loading the config and database, exit codes, consoles.

Every command module is imported to register its command, so this module and the command
modules import at their top only what parsing the options needs, and the config and the
database every command opens; each command imports the rest of what it runs (a JSON report
never loads rich, the connectors or the alert machinery).
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer

from socialmon.config import Config, ConfigError, find_config_path, load_config
from socialmon.database import Database, DatabaseError, open_database

if TYPE_CHECKING:
    from rich.console import Console

    from socialmon.plugins import ConnectorRegistry

EXIT_OK = 0
EXIT_FAILED = 1  # a channel (or a delivery) failed; the rest was done
EXIT_USAGE = 2  # usage or configuration error: nothing was done

ConfigOption = Annotated[
    Path | None,
    typer.Option(
        "--config",
        "-c",
        help="Config file. Default: $SOCIALMON_CONFIG, then ./socialmon.toml.",
        show_default=False,
        dir_okay=False,
    ),
]
DatabaseOption = Annotated[
    str | None,
    typer.Option(
        "--database",
        help="Database URL or SQLite path, overriding the config (also $SOCIALMON_DATABASE).",
        show_default=False,
    ),
]
BrandOption = Annotated[str | None, typer.Option("--brand", "-b", help="Only this brand (slug or name).")]
ChannelOption = Annotated[
    str | None, typer.Option("--channel", help="Only this channel (name or brand/name).")
]


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

    def __getattr__(self, name: str) -> Any:
        return getattr(self.console, name)


out = LazyConsole()
err = LazyConsole(stderr=True)


def fail(message: str, code: int = EXIT_USAGE) -> NoReturn:
    err.print(f"[bold red]error:[/] {message}", highlight=False, markup=True, soft_wrap=True)
    raise typer.Exit(code)


def registry() -> ConnectorRegistry:
    from socialmon.plugins import default_registry

    found = default_registry()
    for problem in found.problems:
        err.print(f"[yellow]warning:[/] {problem}", highlight=False)
    return found


def config_or_exit(path: Path | None, registry: ConnectorRegistry | None = None) -> Config:
    found = find_config_path(path)
    if found is None:
        fail(
            "no config file: pass --config FILE, set SOCIALMON_CONFIG, or run `socialmon init` "
            "to write ./socialmon.toml"
        )
    try:
        return load_config(found, registry)
    except ConfigError as error:
        for problem in error.problems:
            err.print(f"[bold red]config error:[/] {problem}", highlight=False, soft_wrap=True)
        raise typer.Exit(EXIT_USAGE) from None


@contextmanager
def database_or_exit(config: Config, override: str | None) -> Iterator[Database]:
    url = config.database_url(override)
    try:
        database = Database(url)
        status = database.upgrade()
    except DatabaseError as error:
        fail(str(error))
    if status is not None and status.current is not None:
        err.print(f"upgraded the database schema from {status.current} to {status.head}", highlight=False)
    try:
        yield database
    finally:
        database.dispose()


def is_terminal() -> bool:
    return err.is_terminal and sys.stderr.isatty()


__all__ = ["Database", "open_database"]
