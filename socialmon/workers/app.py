"""The procrastinate App on the socialmon database, and the queue's schema.

The queue's tables live in the same PostgreSQL database as socialmon's, in a schema of
their own: `socialmon_queue` beside socialmon's tables in `public`, or `<schema>_queue`
when socialmon's tables live in another schema (the first schema of the URL's
search_path). procrastinate names its objects without a schema, so its connections use
that schema as their search_path.

The schema is created by `socialmon workers migrate` (and on the first `socialmon worker`
or `scan --enqueue`), and upgraded in place when a newer procrastinate is installed: the
version that wrote it is recorded in `socialmon_queue_version` (with the revision of socialmon's own
tables beside it, `OWN_REVISION`), and procrastinate's own
migration scripts newer than it run, in order, in one transaction.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from socialmon.workers import WorkersUnavailable

SCAN_QUEUE_PREFIX = "scan."  # one queue per platform: scan.facebook, scan.instagram, …
ALERTS_QUEUE = "alerts"
SCHEDULE_QUEUE = "schedule"
_MIGRATE_LOCK = "socialmon-queue-migrate:"
# The revision of socialmon's own tables and indexes in the queue's schema (OWN_TABLES and
# OWN_INDEXES), recorded after procrastinate's version ("3.10.0+s2"); raise it when they change.
OWN_REVISION = "s2"

# socialmon's own bookkeeping beside procrastinate's tables, in the queue's schema.
OWN_TABLES = """
CREATE TABLE IF NOT EXISTS socialmon_queue_version (
    version text NOT NULL
);
-- A cycle is one enqueue of a set of channels (`scan --enqueue`, or one tick of a schedule).
-- The alert rules of a brand run once its channels of the cycle are all done.
CREATE TABLE IF NOT EXISTS socialmon_cycle (
    cycle text NOT NULL,
    brand text NOT NULL,
    alerts_deferred boolean NOT NULL DEFAULT false,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (cycle, brand)
);
CREATE TABLE IF NOT EXISTS socialmon_cycle_channel (
    cycle text NOT NULL,
    brand text NOT NULL,
    channel text NOT NULL,
    done boolean NOT NULL DEFAULT false,
    PRIMARY KEY (cycle, brand, channel)
);
-- Why the channel's last failed attempt in the cycle failed (shown by `workers status`).
ALTER TABLE socialmon_cycle_channel ADD COLUMN IF NOT EXISTS error text;
-- A platform that answered 429: no worker starts a channel of it before `until`.
CREATE TABLE IF NOT EXISTS socialmon_platform_pause (
    platform text PRIMARY KEY,
    until timestamptz NOT NULL,
    reason text NOT NULL DEFAULT ''
);
"""

# An index procrastinate lacks (its issue #1242): procrastinate_fetch_job_v2 rejects a job whose
# lock an earlier job holds with a lookup by lock, which procrastinate's (id, lock) index cannot
# serve; every scan job has a lock. With 3,000 jobs waiting and the planner scanning them all (a
# table filled since its last ANALYZE), the PostgreSQL CPU per fetch and finish went from 88 ms to
# 4.8 ms with it (0.9 ms once analysed; see `tasks.enqueue`).
OWN_INDEXES = """
CREATE INDEX IF NOT EXISTS socialmon_jobs_lock_id_idx ON procrastinate_jobs (lock, id)
    WHERE status IN ('todo', 'doing');
"""


def scan_queue(platform: str) -> str:
    return f"{SCAN_QUEUE_PREFIX}{platform}"


@dataclass(frozen=True)
class QueueDatabase:
    """Where the queue lives: a psycopg conninfo whose search_path is the queue's schema."""

    conninfo: str
    schema: str  # the queue's schema
    data_schema: str  # socialmon's tables' schema
    display: str  # the URL without its password, for messages


def _psycopg_conninfo(url: str) -> tuple[str, str]:
    """A SQLAlchemy URL -> (psycopg conninfo, displayable URL); raises WorkersUnavailable for a URL
    libpq cannot take (an option it does not know)."""
    import psycopg
    from psycopg.conninfo import make_conninfo
    from sqlalchemy.dialects.postgresql.psycopg import PGDialect_psycopg
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    parsed = make_url(url)
    display = parsed.render_as_string(hide_password=True)
    # Read as SQLAlchemy's psycopg dialect reads it for socialmon's own connection (several hosts
    # as ?host=a:5432&host=b:5433 included). The URL rendered again wrote a space in `options` as
    # "+", which libpq does not decode: `-csearch_path%3Dx%20-c...` became one search_path.
    try:
        _, params = PGDialect_psycopg().create_connect_args(parsed)
        return make_conninfo(**params), display
    except (ArgumentError, psycopg.Error) as error:
        raise WorkersUnavailable(f"cannot connect to {display}: {first_line(error)}") from None


def with_search_path(conninfo: str, schema: str) -> str:
    """The conninfo with `schema` as its search_path (any other options kept)."""
    from psycopg.conninfo import conninfo_to_dict, make_conninfo

    params = conninfo_to_dict(conninfo)
    options = str(params.get("options") or "")
    options = re.sub(r"-c\s*search_path=\S+", "", options).strip()
    params["options"] = f"{options} -c search_path={schema}".strip()
    return make_conninfo(**params)


def queue_database(url: str) -> QueueDatabase:
    """Find socialmon's schema on the server and name the queue's beside it."""
    import psycopg

    conninfo, display = _psycopg_conninfo(url)
    try:
        with psycopg.connect(conninfo, connect_timeout=10) as connection:
            data_schema = connection.execute("SELECT current_schema()").fetchone()[0]  # type: ignore[index]
    except psycopg.Error as error:
        raise WorkersUnavailable(f"cannot connect to {display}: {first_line(error)}") from None
    if data_schema is None:
        raise WorkersUnavailable(f"{display}: no schema of the search_path exists; create it first")
    schema = "socialmon_queue" if data_schema == "public" else f"{data_schema}_queue"
    return QueueDatabase(with_search_path(conninfo, f'"{schema}"'), schema, data_schema, display)


def first_line(error: BaseException) -> str:
    """The first line of `error`'s message (its type's name when it has none), at most 500
    characters: a driver's message may carry the whole statement, or a page, after it."""
    return (str(error).strip().splitlines() or [type(error).__name__])[0][:500]


def _version(text: str) -> tuple[int, ...]:
    return tuple(int(part) for part in re.findall(r"\d+", text)[:3])


def installed_version() -> str:
    from importlib.metadata import version

    return version("procrastinate")


def migrate(queue: QueueDatabase) -> str | None:
    """Create or upgrade the queue's schema; returns what was done, or None if it was up to date.

    Serialised by an advisory lock, so that workers starting together do it once.
    """
    import psycopg

    installed = installed_version()
    stamp = f"{installed}+{OWN_REVISION}"
    try:
        with psycopg.connect(queue.conninfo, connect_timeout=10) as connection:
            # Up to date: no DDL. CREATE INDEX IF NOT EXISTS and ALTER TABLE … IF NOT EXISTS lock
            # their tables even when there is nothing to do, stalling the running workers' jobs
            # each time a worker starts.
            if connection.execute("SELECT to_regclass('socialmon_queue_version')").fetchone()[0]:  # type: ignore[index]
                row = connection.execute("SELECT version FROM socialmon_queue_version").fetchone()
                if row is not None and row[0] == stamp:
                    return None
            connection.rollback()
        with psycopg.connect(queue.conninfo, connect_timeout=10) as connection, connection.transaction():
            connection.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [_MIGRATE_LOCK + queue.schema])
            connection.execute(f'CREATE SCHEMA IF NOT EXISTS "{queue.schema}"')
            exists = connection.execute("SELECT to_regclass('procrastinate_jobs')").fetchone()[0]  # type: ignore[index]
            connection.execute(OWN_TABLES)
            recorded_row = connection.execute("SELECT version FROM socialmon_queue_version").fetchone()
            recorded_stamp = recorded_row[0] if recorded_row else None
            recorded = recorded_stamp.split("+")[0] if recorded_stamp else None  # procrastinate's version
            if exists is not None and recorded is not None:
                connection.execute(OWN_INDEXES)
            if exists is None:
                schema_sql = (resources.files("procrastinate.sql") / "schema.sql").read_text(encoding="utf-8")
                connection.execute(schema_sql)  # type: ignore[arg-type]  # procrastinate's own DDL
                connection.execute(OWN_INDEXES)
                done = f"created the queue (procrastinate {installed}) in schema {queue.schema}"
            elif recorded is None:
                raise WorkersUnavailable(
                    f"schema {queue.schema} of {queue.display} holds a procrastinate queue socialmon did "
                    "not create: use another database or schema"
                )
            elif _version(recorded) > _version(installed):
                raise WorkersUnavailable(
                    f"the queue in {queue.display} was written by procrastinate {recorded}, newer than the "
                    f"installed {installed}: upgrade socialmon[workers]"
                )
            elif _version(recorded) < _version(installed):
                applied = _apply_migrations(connection, recorded, installed)
                done = (
                    f"upgraded the queue in schema {queue.schema} from procrastinate {recorded} to "
                    f"{installed} ({applied} migration(s))"
                )
            elif recorded_stamp != stamp:
                done = f"updated socialmon's tables of the queue in schema {queue.schema}"
            else:
                return None
            connection.execute("DELETE FROM socialmon_queue_version")
            connection.execute("INSERT INTO socialmon_queue_version (version) VALUES (%s)", [stamp])
            return done
    except psycopg.Error as error:
        raise WorkersUnavailable(f"cannot create the queue in {queue.display}: {first_line(error)}") from None


def _apply_migrations(connection: Any, recorded: str, installed: str) -> int:
    folder = Path(str(resources.files("procrastinate.sql") / "migrations"))
    applied = 0
    for script in sorted(folder.glob("*.sql")):
        version = _version(script.name.split("_", 1)[0])
        if _version(recorded) < version <= _version(installed):
            connection.execute(script.read_text(encoding="utf-8"))
            applied += 1
    return applied


def schema_ready(queue: QueueDatabase) -> bool:
    import psycopg

    with psycopg.connect(queue.conninfo, connect_timeout=10) as connection:
        return connection.execute("SELECT to_regclass('procrastinate_jobs')").fetchone()[0] is not None  # type: ignore[index]


async def _autocommit(connection: Any) -> None:
    await connection.set_autocommit(True)


def build_app(queue: QueueDatabase, *, pool_size: int = 10, timeout: float = 30.0) -> Any:
    """The procrastinate App on the queue's schema, with socialmon's tasks registered; `timeout`:
    seconds a statement waits for a connection of the pool (psycopg_pool's default, 30)."""
    import procrastinate

    from socialmon.workers import tasks

    # Autocommit: every statement on the queue's connections is one whole transaction anyway
    # (procrastinate's are single function calls; socialmon's own open `transaction()` where they
    # need one). Without it psycopg sends BEGIN and COMMIT as round trips of their own: 4 instead
    # of 2 per statement counting the pool's check of the connection. (The CPU it saves was within
    # the noise of a shared 2-core machine: 7.9-9.6 ms per page either way, 300 channels × 5 pages,
    # one worker; kept for the round trips each job no longer waits for.) (Set by `configure`, not the
    # pool's connection kwargs: procrastinate adds autocommit=True to those for its LISTEN
    # connection, and twice is a TypeError.)
    connector = procrastinate.PsycopgConnector(
        conninfo=queue.conninfo,
        min_size=1,
        max_size=max(2, pool_size),
        timeout=timeout,
        configure=_autocommit,
    )
    app = procrastinate.App(connector=connector)
    tasks.register(app)
    return app
