"""The `socialmon` command: a thin layer over the library. Each command parses its
options, calls one service function and renders the result.

`app` (the Typer application, in `_app.py`) gets its commands from the modules that define them,
as they are imported. A process that runs one command imports that command's module alone
(`main`); `socialmon.cli.app`, as tests and other programs use it, has them all.
"""

from __future__ import annotations

import importlib
import os
import sys
from typing import TYPE_CHECKING, Any

from socialmon._gc import collector_paused, keep_until_exit, process_ends_with_command

if TYPE_CHECKING:
    import typer

# Command or group -> the module that registers it. Importing every module costs a `socialmon
# report` 4-8 ms (measured: median of 25 runs, 0.360 s -> 0.351 s on the sample, PostgreSQL).
COMMAND_MODULES = {
    "alerts": "alerts",
    "pending": "pending",
    "report": "report",
    "scan": "scan",
    "rescore": "sentiment",
    "label": "sentiment",
    "export-labels": "sentiment",
    "init": "setup",
    "check": "setup",
    "connectors": "setup",
    "upgrade": "setup",
    "try": "try_account",
    "workers": "workers",
    "worker": "workers",
}


def load_commands(names: list[str] | None = None) -> None:
    """Import the modules that register the commands `names` on `app` (all of them when None)."""
    modules = sorted(set(COMMAND_MODULES.values())) if names is None else [COMMAND_MODULES[n] for n in names]
    # See socialmon/_gc.py: loading the commands makes many objects, no garbage.
    with collector_paused(lasting=True):
        for module in modules:
            importlib.import_module(f"socialmon.cli.{module}")
    if names is None:  # --help lists them in one order, whichever module a program imported first
        from socialmon.cli._app import app

        order = list(COMMAND_MODULES)

        def place(name: str) -> int:
            return order.index(name) if name in order else len(order)

        app.registered_commands.sort(key=lambda info: place(_name_of(info)))
        app.registered_groups.sort(key=lambda info: place(info.name or info.typer_instance.info.name or ""))


def _name_of(info: Any) -> str:
    """A registered command's name, as typer derives it from its function when none is given."""
    if info.name:
        return str(info.name)
    return info.callback.__name__.lower().replace("_", "-") if info.callback is not None else ""


def __getattr__(name: str) -> Any:
    """`app` with every command; the command modules (`socialmon.cli.report`…) as attributes."""
    if name == "app":
        from socialmon.cli._app import app

        load_commands()
        return app
    if name in set(COMMAND_MODULES.values()):
        return importlib.import_module(f"socialmon.cli.{name}")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


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
    """`app` with only the command `argv` names first, its module alone imported; `app` with
    every command when it names none.

    typer builds the click command of every command and group before parsing (it reads each
    one's signature and help): 16-27 ms of a `socialmon report`, for the one command it runs.
    The root's own options (`--version`, `--help`) come before any command name, so a first
    word that is an option gets the whole `app`, as does an unknown word (click says so).
    """
    from socialmon.cli._app import app

    # Without the root callback, typer would make a lone command of the copy, not a group.
    if not argv or argv[0] not in COMMAND_MODULES or app.registered_callback is None:
        load_commands()
        return app
    import copy

    try:  # not in typer's public names: should a release move it, every command is built, as before
        from typer.main import solve_typer_info_defaults
    except ImportError:
        load_commands()
        return app

    load_commands([argv[0]])
    commands = [info for info in app.registered_commands if _name_of(info) == argv[0]]
    groups = [info for info in app.registered_groups if solve_typer_info_defaults(info).name == argv[0]]
    if len(commands) + len(groups) != 1:
        load_commands()
        return app
    only = copy.copy(app)  # the same callback, help and settings
    only.registered_commands, only.registered_groups = commands, groups
    return only


def main() -> None:
    # pydantic looks for its plugins among the entry points of every installed package when the
    # first model is built: 20 ms of each command's 0.36-0.38 s (a JSON report of the sample, 12
    # runs in turns), for plugins socialmon has no use for. pydantic's own switch, documented; a
    # user who wants theirs sets the variable (to "" or to the plugins to leave out).
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    process_ends_with_command()
    try:
        _app_for(sys.argv[1:])()
    finally:
        keep_until_exit()  # no last collection at exit (see socialmon/_gc.py)
