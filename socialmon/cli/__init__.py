"""The `socialmon` command: a thin layer over the library. Each command parses its
options, calls one service function and renders the result."""

from __future__ import annotations

import sys

from socialmon.cli._gc import collector_paused, keep_until_exit, process_ends_with_command
from socialmon.cli._i18n import (
    _,
    hide_type_tags,
    plain_value_errors,
    usage_errors_in_language,
    use_environment,
)

with collector_paused(lasting=True):  # see _gc.py: loading the commands makes many objects, no garbage
    import typer

hide_type_tags()  # no <bool>, <str> in --help
plain_value_errors()  # no "Value error, " before a refused value
usage_errors_in_language()  # click's "No such option", "Missing argument"… in Spanish too
app = typer.Typer(
    name="socialmon",
    help=_(
        "Monitor your business's social channels: pull posts, comments and reviews, score "
        "what customers say, and report who is waiting for an answer.\n\n"
        "Exit codes: 0 success, 1 a channel failed or ended partial, or a delivery failed, 2 usage or "
        "config error (or a damaged database), 143 scan stopped by SIGTERM."
    ),
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode="rich",
    pretty_exceptions_enable=False,
)


def _version(value: bool) -> None:
    if value:
        from socialmon import __version__  # read from the package metadata only when asked

        typer.echo(f"socialmon {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help=_("Print the version.")
    ),
) -> None:
    use_environment()  # each command starts in the locale's language (see _i18n)
    from socialmon.cli._common import err, out

    out.reset()  # and with consoles for the terminal as it is now
    err.reset()


with collector_paused(lasting=True):  # the commands register themselves on `app`
    from socialmon.cli import alerts, pending, report, scan, sentiment, setup, try_account, workers

__all__ = [
    "alerts",
    "app",
    "main",
    "pending",
    "report",
    "scan",
    "sentiment",
    "setup",
    "try_account",
    "workers",
]


def _app_for(argv: list[str]) -> typer.Typer:
    """`app` with only the command `argv` names first; `app` itself when it names none.

    typer builds the click command of every command and group before parsing (it reads each
    one's signature and help): 16-27 ms of a `socialmon report`, for the one command it runs.
    The root's own options (`--version`, `--help`) come before any command name, so a first
    word that is an option gets the whole `app`, as does an unknown word (click says so).
    """
    # Without the root callback, typer would make a lone command of the copy, not a group.
    if not argv or argv[0].startswith("-") or app.registered_callback is None:
        return app
    import copy

    try:  # not in typer's public names: should a release move it, every command is built, as before
        from typer.main import solve_typer_info_defaults
    except ImportError:
        return app

    def command_name(info: typer.models.CommandInfo) -> str | None:  # typer's own rule
        if info.name:
            return info.name
        return info.callback.__name__.lower().replace("_", "-") if info.callback is not None else None

    commands = [info for info in app.registered_commands if command_name(info) == argv[0]]
    groups = [info for info in app.registered_groups if solve_typer_info_defaults(info).name == argv[0]]
    if len(commands) + len(groups) != 1:
        return app
    only = copy.copy(app)  # the same callback, help and settings
    only.registered_commands, only.registered_groups = commands, groups
    return only


def main() -> None:
    process_ends_with_command()
    try:
        _app_for(sys.argv[1:])()
    finally:
        keep_until_exit()  # no last collection at exit (see _gc.py)
