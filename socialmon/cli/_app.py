"""The `socialmon` Typer application itself, its root options and the CLI's language settings.

Each command module registers its commands on `app` when it is imported (see `socialmon.cli`,
which imports only the module of the command a process runs).
"""

from __future__ import annotations

from socialmon._gc import collector_paused
from socialmon.cli._i18n import (
    _,
    hide_type_tags,
    plain_value_errors,
    usage_errors_in_language,
    use_environment,
)

# See socialmon/_gc.py: loading the commands makes many objects, no garbage.
with collector_paused(lasting=True):
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
        "config error (or a damaged database), 130 scan stopped by Ctrl-C, 143 scan stopped by SIGTERM."
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
