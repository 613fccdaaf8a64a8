"""Shared fixtures: a clean environment, real databases, export files and the CLI.

PostgreSQL tests run when SOCIALMON_TEST_POSTGRES_URL is set (CI sets it, and then
they are mandatory: an unreachable server fails them). Elsewhere they are skipped.
"""

from __future__ import annotations

import os
import socket
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import respx.mocks
from postgres_schemas import SchemaPool
from sqlalchemy import Engine, create_engine, text
from typer.testing import CliRunner

# respx mocks the client itself rather than httpx's default transport, so that scans, which
# send through aiohttp's transport (socialmon_connectors.http.new_client(shared=True)), are mocked too.
respx.mocks.DEFAULT_MOCKER = "httpx"
LOOPBACK = {"localhost", "127.0.0.1", "::1"}

POSTGRES_URL = os.environ.get("SOCIALMON_TEST_POSTGRES_URL")  # read before the env is cleaned
POSTGRES_SKIP_REASON = (
    "PostgreSQL tests need SOCIALMON_TEST_POSTGRES_URL, e.g. "
    "postgresql+psycopg://postgres@127.0.0.1:5432/test (.ci/run sets it)"
)

# The test run writes bytecode, as Python and pytest do by default, even where
# PYTHONDONTWRITEBYTECODE turns it off (as on this project's CI machine). Without it, every run and
# every xdist worker parsed and rewrote the asserts of all ~200 test modules again (60% of
# collecting the suite: 8.0 s against 2.8 s), and every process a test starts (`python -m
# socialmon`, the scan's scoring workers) compiled socialmon again (0.1-0.3 s each).
sys.dont_write_bytecode = False
os.environ.pop("PYTHONDONTWRITEBYTECODE", None)  # for the processes the tests start
# A first scan loads its language models in this process (see `clean_environ`), also when a
# module- or session-scoped fixture scans before any test's own environment is set: such fixtures
# started a helper process each (0.3-0.5 s of CPU) to load models this process then loaded too.
os.environ["SOCIALMON_MODELS_AHEAD"] = "0"


def _build_each_command_once() -> None:
    """`CliRunner.invoke` builds the click command from the typer app on every call: typer reads
    every annotation of the ~20 commands again (26 ms) and, as options are parsed, builds their
    converters anew. The quick suite invoked it 447 times: 21 s of its 113 s of CPU. A process
    running `socialmon` builds it once; here it is built once per language, the one thing the
    build reads that a test changes (the help texts written in a command's signature are `_()`
    calls evaluated as it is built; those of shared option types are fixed at import). A typer
    without this private name builds it on every call, as before."""
    import typer.testing

    build = getattr(typer.testing, "_get_command", None)
    if build is None:
        return
    built: dict[tuple[int, str], tuple[Any, Any]] = {}  # (app's id, language) -> (app, its command)

    def command(app: Any) -> Any:
        from socialmon.cli import _i18n

        key = (id(app), _i18n.current())
        if key not in built:
            built[key] = (app, build(app))  # the app kept: its id is never another's
        return built[key][1]

    typer.testing._get_command = command


_build_each_command_once()


def _share_compiled_sql() -> None:
    """SQLAlchemy keeps the SQL it compiled per engine, under a key holding the engine's dialect
    object, so each test's new database compiled every statement of the scans, reports, rules and
    deliveries again: 6,850 compilations for 16,547 statements in tests/alerts, 16.5 s of its 66 s
    of profiled CPU. A command opens one database and compiles each statement once, as before;
    here the engines `create_db_engine` opens share one cache per dialect class and server version
    (it configures them all alike, and no table names a schema: the SQL sent is the same). With
    PostgreSQL, tests/alerts took 21.3 s of CPU with it against 26.1 s without. An SQLAlchemy
    without the private `_compiled_cache` keeps its own caches, as before."""
    from sqlalchemy.util import LRUCache

    import socialmon.database

    class SharedCache:
        def __init__(self) -> None:
            self._compiled: LRUCache[Any, Any] = LRUCache(5000)

        @staticmethod
        def _key(key: tuple[Any, ...]) -> tuple[Any, ...]:
            dialect = key[0]
            return (type(dialect), getattr(dialect, "server_version_info", None), *key[1:])

        def get(self, key: tuple[Any, ...], default: Any = None) -> Any:
            return self._compiled.get(self._key(key), default)

        def __setitem__(self, key: tuple[Any, ...], value: Any) -> None:
            self._compiled[self._key(key)] = value

        def __len__(self) -> int:
            return len(self._compiled)

        def clear(self) -> None:
            self._compiled.clear()

    caches: dict[str, SharedCache] = {}
    create = socialmon.database.create_db_engine

    def create_db_engine(url: str) -> Any:
        engine = create(url)
        if getattr(engine, "_compiled_cache", None) is not None:
            engine._compiled_cache = caches.setdefault(engine.dialect.name, SharedCache())
        return engine

    socialmon.database.create_db_engine = create_db_engine


_share_compiled_sql()


@pytest.fixture(autouse=True)
def no_internet(monkeypatch: pytest.MonkeyPatch) -> None:
    """A request that escaped its mock fails here instead of reaching a real platform."""
    resolve = socket.getaddrinfo

    def loopback_only(host, *args, **kwargs):  # type: ignore[no-untyped-def]
        name = host.decode() if isinstance(host, bytes) else host
        if name is not None and name not in LOOPBACK:
            raise socket.gaierror(socket.EAI_NONAME, f"tests never touch the internet (asked for {name})")
        return resolve(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", loopback_only)


@pytest.fixture(autouse=True)
def clean_environ(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[None]:
    """No SOCIALMON_* variable from the developer's shell leaks into a test, nor the language a
    test left the CLI speaking into the next one."""
    for name in list(os.environ):
        # A developer's proxy would carry the loopback servers' requests too (and the shared
        # client's choice of transport depends on it: tests/connectors/test_http.py sets its own).
        if name.startswith("SOCIALMON_") or name.lower() in (
            "http_proxy",
            "https_proxy",
            "all_proxy",
            "no_proxy",
        ):
            monkeypatch.delenv(name)
    # As `socialmon`'s main() sets it (a test calls main() in this process): set here, it is undone after.
    monkeypatch.setenv("PYDANTIC_DISABLE_PLUGINS", "__all__")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg-cache"))  # the holiday dates' cache
    # A first scan's language models load in this process, not in a helper that loads them anew
    # for each test's new database (+0.5 s of CPU each; tests/sentiment/test_lingua_process.py
    # tests the helper, and that it changes no result).
    monkeypatch.setenv("SOCIALMON_MODELS_AHEAD", "0")
    # The CLI speaks the brand's language (the test brands' is Spanish), else the locale's: tests
    # read its English unless they choose otherwise (tests/test_cli_language.py).
    monkeypatch.setenv("SOCIALMON_LANG", "en")
    monkeypatch.setenv("LANGUAGE", "en")  # socialmon.cli._i18n.use sets it for typer's own words
    yield
    # A command on a Spanish brand, or a fixture restoring "the environment's" language while the
    # test's SOCIALMON_LANG=es is still set, leaves the process speaking Spanish: the next test on
    # this worker, calling the CLI's helpers without a command, read Spanish (an order-dependent
    # failure seen in tests/test_spanish_stop_and_bluesky.py).
    i18n = sys.modules.get("socialmon.cli._i18n")
    if i18n is not None:
        i18n.use("en")


def pytest_xdist_auto_num_workers(config: pytest.Config) -> int | None:
    """`-n auto` with PostgreSQL: two test processes per core. A PostgreSQL test spends much of its
    time waiting for the server, which works on the same cores, so one process per core left them
    idle: the quick suite on 2 cores took 71.5 s with 2 processes, 59.9 s with 3 and 55.3 s with 4.
    Without PostgreSQL the tests keep the cores busy (42.8 s with 2, 43.6 s with 4): xdist decides."""
    if not POSTGRES_URL:
        return None
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    return 2 * cores


def pytest_xdist_make_scheduler(config: pytest.Config, log: Any) -> Any:
    """`-n` hands the tests out by work stealing unless `--dist` says otherwise: each process
    starts with a run of neighbouring tests (a module's together, so its "scan once" fixture is
    built once, not in every process) and takes work from the others when it runs out. xdist's
    `load` deals them out in turns. The quick run, load against work stealing in turns: with
    PostgreSQL (4 processes) 71.5/63.9, 88.6/68.4, 81.6/75.4 and 80.2/78.5 s, with 0-24 % less
    CPU; without (2 processes) 52.0/49.4 s."""
    chosen = any(arg == "--dist" or arg.startswith("--dist=") for arg in config.invocation_params.args)
    if chosen or config.getoption("dist") != "load":
        return None
    from xdist.scheduler import WorkStealingScheduling

    return WorkStealingScheduling(config, log)


# The catalog tables a test's schema adds rows to (its tables, columns, indexes, constraints, types).
_CATALOGS = ("pg_attribute", "pg_class", "pg_depend", "pg_type", "pg_index", "pg_constraint", "pg_attrdef")


def pytest_sessionstart(session: pytest.Session) -> None:
    """On a PostgreSQL whose autovacuum is off (this project's CI machine), vacuum the catalogs
    before the run: each run creates and drops ~600 schemas, whose dead catalog rows nothing
    removes. After a few runs (1.2 million dead rows in pg_attribute) the PostgreSQL tests' setup
    took 19.1 s against 14.2 s once vacuumed (the quick run 72 s against 67 s). Done once, by the
    process that hands out the tests (not each xdist worker)."""
    if not POSTGRES_URL or hasattr(session.config, "workerinput"):
        return
    engine = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            if connection.execute(text("SHOW autovacuum")).scalar() == "off":
                connection.execute(text("VACUUM " + ", ".join(f"pg_catalog.{t}" for t in _CATALOGS)))
    except Exception as problem:  # the tests say what is wrong with the server; this is only upkeep
        print(f"vacuuming PostgreSQL's catalogs was skipped: {problem}", file=sys.stderr)
    finally:
        engine.dispose()


@pytest.fixture(scope="session")
def postgres_admin() -> Iterator[Engine]:
    """One engine per test process for making and dropping the tests' schemas: an engine and its
    first connection per test cost 6.7 ms against 1.2 ms for the two statements (measured), over
    the ~200 PostgreSQL tests of the quick run."""
    if not POSTGRES_URL:
        pytest.skip(POSTGRES_SKIP_REASON)
    admin = create_engine(POSTGRES_URL, pool_pre_ping=True)  # a test may end its sessions
    yield admin
    admin.dispose()


@pytest.fixture(scope="session")
def postgres_schemas(postgres_admin: Engine) -> Iterator[SchemaPool]:
    assert POSTGRES_URL
    pool = SchemaPool(postgres_admin, POSTGRES_URL)
    yield pool
    pool.close()


@pytest.fixture
def postgres_url(request: pytest.FixtureRequest, postgres_schemas: SchemaPool) -> Iterator[str]:
    """A PostgreSQL URL whose search_path is a schema of its own: one at socialmon's newest revision
    with no rows, or, for a test marked `empty_schema`, a new one with nothing in it (see
    tests/postgres_schemas.py)."""
    with postgres_schemas.schema(empty=request.node.get_closest_marker("empty_schema") is not None) as url:
        yield url


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Each storage test runs on a real SQLite file and on a real PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'test.db'}"
    return request.getfixturevalue("postgres_url")


@pytest.fixture
def no_choice(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    """No $SOCIALMON_LANG and a locale without a language (C.UTF-8): the brand decides what the CLI
    speaks. The monkeypatch is returned to set a language the test chooses."""
    monkeypatch.delenv("SOCIALMON_LANG", raising=False)
    for name in ("LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LANG", "C.UTF-8")
    return monkeypatch


@pytest.fixture
def cli() -> CliRunner:
    return CliRunner()


@pytest.fixture
def cli_in_spanish() -> Iterator[None]:
    """The CLI's words in Spanish for the test, whatever the environment; as it was after."""
    from socialmon.cli import _i18n

    _i18n.use("es")
    try:
        yield
    finally:
        _i18n.use_environment()
