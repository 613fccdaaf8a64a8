"""The everyday commands load only what they need (speed: tests/benchmarks/bench_everyday.py).

These tests check what is loaded and started, never how long it takes.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from helpers import REPO
from typer.testing import CliRunner

from socialmon.cli import app
from socialmon.sentiment.multilingual import MultilingualScorer

# What `socialmon --help` must not import: the database layer, language models, the scan's
# progress bars, migrations, the HTTP stack, the config's models (pydantic).
NOT_FOR_HELP = (
    "sqlalchemy",
    "alembic",
    "lingua",
    "rich.progress",
    "aiohttp",
    "httpx",
    "pydantic",
    "socialmon.config",
)


def run_python(program: str, folder: Path, **environment: str) -> subprocess.CompletedProcess[str]:
    """`program` run by a new interpreter in `folder`, on this checkout's code wherever it is
    installed from, with `environment` added to the test's."""
    return subprocess.run(
        [sys.executable, "-c", program],
        capture_output=True,
        text=True,
        cwd=folder,
        timeout=120,
        env={**os.environ, **environment, "PYTHONPATH": str(REPO)},
    )


def modules_after(*argv: str, tmp_path: Path) -> set[str]:
    """The modules a real `socialmon ARGV` process had imported when it exited (it must succeed)."""
    listing = tmp_path / "modules.json"
    program = (
        "import atexit, json, sys\n"
        f"atexit.register(lambda: open({str(listing)!r}, 'w').write(json.dumps(sorted(sys.modules))))\n"
        f"sys.argv = ['socialmon', *{list(argv)!r}]\n"
        "import runpy\n"
        "runpy.run_module('socialmon', run_name='__main__')\n"
    )
    done = run_python(program, tmp_path)
    if argv in ((), ("--help",)):
        assert done.returncode in (0, 2) and "Usage" in done.stdout, done.stderr  # no arguments: help, exit 2
    else:
        assert done.returncode == 0, done.stdout + done.stderr
    return set(json.loads(listing.read_text()))


def imported(loaded: set[str], packages: tuple[str, ...]) -> list[str]:
    """The modules of `loaded` that are one of `packages` or inside one."""
    return sorted(m for m in loaded if any(m == name or m.startswith(name + ".") for name in packages))


@pytest.mark.parametrize("argv", [("--help",), ()])
@pytest.mark.slow
def test_help_imports_no_database_language_models_or_progress_bars(
    tmp_path: Path, argv: tuple[str, ...]
) -> None:
    loaded = modules_after(*argv, tmp_path=tmp_path)
    assert "socialmon.cli.scan" in loaded  # every command was registered
    assert imported(loaded, NOT_FOR_HELP) == []


@pytest.fixture
def sample(tmp_path: Path) -> Path:
    """The quick start's config and export, in a folder of their own: not the database the quick
    start's scan leaves beside them, nor its lock folder (the README's second command, the tests,
    runs after the first)."""
    ignore = shutil.ignore_patterns("*.db", "*.db-*", "*.db.locks")
    shutil.copytree(REPO / "config", tmp_path, ignore=ignore, dirs_exist_ok=True)
    return tmp_path / "socialmon.toml"


@pytest.fixture
def scorers_built(monkeypatch: pytest.MonkeyPatch) -> list[MultilingualScorer]:
    built: list[MultilingualScorer] = []
    original = MultilingualScorer.__init__

    def counting(self: MultilingualScorer, languages: Any = None) -> None:
        original(self, languages)
        built.append(self)

    monkeypatch.setattr(MultilingualScorer, "__init__", counting)
    return built


def scan(config: Path) -> None:
    result = CliRunner().invoke(app, ["scan", "--quiet", "--config", str(config)])
    assert result.exit_code == 0, result.output


def test_a_scan_that_adds_nothing_builds_no_scorer(
    sample: Path, scorers_built: list[MultilingualScorer]
) -> None:
    scan(sample)
    assert len(scorers_built) == 1  # the sample's texts were scored
    scan(sample)
    assert len(scorers_built) == 1  # nothing new: no lexicons read, no language models loaded


def test_a_scan_of_the_sample_starts_no_worker_process(sample: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import concurrent.futures.process

    started: list[object] = []

    def refuse(self: object, *args: object, **kwargs: object) -> None:
        started.append(self)
        raise AssertionError("a scoring worker pool was started for 31 texts")

    monkeypatch.setattr(concurrent.futures.process.ProcessPoolExecutor, "__init__", refuse)
    scan(sample)
    assert started == []


def test_the_lazy_scorer_scores_as_the_scorer_it_stands_for() -> None:
    from socialmon.sentiment.registry import LazyScorer

    lazy = LazyScorer("multilingual")
    assert (lazy.name, lazy.version) == ("multilingual", MultilingualScorer.version)
    assert lazy.score_many([]) == [] and not lazy.built  # naming and versioning build nothing
    text = "¡Qué rico el pan! Mañana vuelvo"
    assert lazy.score_many([text]) == MultilingualScorer().score_many([text])
    assert lazy.built
    assert LazyScorer("vader").version  # an instance attribute: the scorer is built for it


def test_an_unknown_scorer_fails_before_any_work() -> None:
    from socialmon.sentiment.registry import LazyScorer

    with pytest.raises(KeyError, match="unknown scorer 'nope'"):
        LazyScorer("nope")


@pytest.mark.slow
def test_a_scan_of_local_exports_loads_no_api_connector_and_no_http_stack(sample: Path) -> None:
    """A `file` or WhatsApp export channel needs neither the API connectors nor aiohttp."""
    probe = (
        "import sys\n"
        "from socialmon.cli import app\n"
        "try:\n"
        f"    app(['scan', '--quiet', '--config', {str(sample)!r}])\n"
        "except SystemExit:\n"
        "    pass\n"
        "loaded = [m for m in ('aiohttp', 'socialmon_connectors.facebook', 'socialmon_connectors.reddit')"
        " if m in sys.modules]\n"
        "print('LOADED', loaded)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=120, cwd=sample.parent
    )
    assert "LOADED []" in result.stdout, result.stdout + result.stderr


# What the everyday commands must not import: they read and write the Core tables of
# socialmon.tables; the models (SQLModel classes) and the ORM are for the migrations.
NOT_FOR_EVERYDAY_COMMANDS = ("sqlmodel", "sqlalchemy.orm", "socialmon.models")


@pytest.mark.slow  # five real processes, ~8 s
def test_the_everyday_commands_import_neither_the_models_nor_the_orm(sample: Path) -> None:
    config = ("--config", str(sample))
    folder = sample.parent
    first_scan = modules_after("scan", "--quiet", *config, tmp_path=folder)  # creates the database
    assert "socialmon.storage" in first_scan and "socialmon.tables" in first_scan
    assert imported(first_scan, NOT_FOR_EVERYDAY_COMMANDS) == []
    for argv in (("scan", "--quiet"), ("report",), ("pending",), ("alerts",)):
        loaded = modules_after(*argv, *config, tmp_path=folder)
        assert "sqlalchemy" in loaded, argv  # the command did read the database
        assert imported(loaded, NOT_FOR_EVERYDAY_COMMANDS) == [], argv


def test_a_command_imports_its_own_module_and_no_other_commands(sample: Path) -> None:
    """`socialmon report` registers `report` alone: the other commands' modules (their options,
    help and imports) are not loaded (see socialmon/cli/__init__.py); `--help` loads them all."""
    from socialmon.cli import COMMAND_MODULES

    commands = {f"socialmon.cli.{module}" for module in COMMAND_MODULES.values()}
    loaded = modules_after("report", "--config", str(sample), tmp_path=sample.parent)
    assert loaded & commands == {"socialmon.cli.report"}
    assert modules_after("--help", tmp_path=sample.parent) >= commands


def test_help_lists_the_commands_in_one_order_whichever_module_was_imported_first() -> None:
    program = (
        "import {first}\n"
        "from socialmon.cli import _name_of, app\n"
        "print([_name_of(c) for c in app.registered_commands])\n"
    )
    orders = {
        subprocess.run(
            [sys.executable, "-c", program.format(first=first)],
            capture_output=True,
            text=True,
            check=True,
            env={**os.environ, "PYTHONPATH": str(REPO)},
        ).stdout
        for first in ("socialmon", "socialmon.cli.workers", "socialmon.cli.try_account")
    }
    assert len(orders) == 1, orders


def pydantic_plugin_lookups(sample: Path, **environment: str) -> int:
    """How often a real `socialmon check` process looked for pydantic's plugins (entry points)."""
    program = (
        "import importlib.metadata, runpy, sys\n"
        "looked = []\n"
        "entry_points = importlib.metadata.entry_points\n"
        "def counted(**selection):\n"
        "    looked.append(selection.get('group'))\n"
        "    return entry_points(**selection)\n"
        "importlib.metadata.entry_points = counted\n"
        "import pydantic.plugin._loader as loader\n"
        "loader.entry_points = counted\n"
        f"sys.argv = ['socialmon', 'check', '--config', {str(sample)!r}]\n"
        "try:\n"
        "    runpy.run_module('socialmon', run_name='__main__')\n"
        "finally:\n"
        "    print('pydantic lookups:', looked.count('pydantic'), file=sys.stderr)\n"
    )
    done = run_python(program, sample.parent, **environment)
    said = [line for line in done.stderr.splitlines() if line.startswith("pydantic lookups:")]
    assert said, done.stdout + done.stderr
    return int(said[-1].split(":")[1])


def test_a_command_looks_for_no_pydantic_plugins_unless_the_user_asks(
    sample: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("PYDANTIC_DISABLE_PLUGINS", raising=False)
    assert pydantic_plugin_lookups(sample) == 0
    assert pydantic_plugin_lookups(sample, PYDANTIC_DISABLE_PLUGINS="") == 1  # the user's own choice
