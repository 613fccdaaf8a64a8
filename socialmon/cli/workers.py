"""`socialmon worker` and `socialmon workers migrate|status`: scans spread over worker processes (PostgreSQL)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer

from socialmon.cli._app import app
from socialmon.cli._common import (
    EXIT_OK,
    ConfigOption,
    DatabaseOption,
    config_or_exit,
    database_or_exit,
    err,
    fail,
    out,
    plain,
    registry,
    say,
)
from socialmon.cli._i18n import _

if TYPE_CHECKING:
    from socialmon.config import BrandConfig, ChannelConfig, Config
    from socialmon.workers.app import QueueDatabase

workers_app = typer.Typer(
    name="workers",
    help=_("Worker mode on PostgreSQL: create the queue, see what the workers are doing."),
    no_args_is_help=True,
)
app.add_typer(workers_app)


def _queue_or_exit(loaded: Config, database: str | None) -> tuple[str, QueueDatabase]:
    """The database URL and the queue's place in it; exit 2 on SQLite or without socialmon[workers]."""
    from socialmon.database import normalise_url
    from socialmon.workers import WorkersUnavailable, require_postgres

    url = normalise_url(loaded.database_url(database))
    try:
        require_postgres(url)
        from socialmon.workers.app import queue_database

        return url, queue_database(url)
    except WorkersUnavailable as error:
        _refused(error)


def _refused(error: Exception) -> NoReturn:
    """Worker mode cannot run here (or socialmon's tables cannot be opened): why, in the CLI's language."""
    from socialmon.cli._config_words import said

    fail(said(str(error)))


def _job_word(status: str) -> str:
    """A procrastinate job status in the CLI's language ("todo" reads as "all" in Spanish)."""
    words = {
        "todo": _("waiting"),
        "doing": _("running"),
        "succeeded": _("done"),
        "failed": _("failed"),
        "cancelled": _("cancelled"),
        "aborting": _("cancelled"),
        "aborted": _("cancelled"),
    }
    return words.get(status, status)


def _queue_names(values: list[str] | None, platforms: list[str]) -> list[str] | None:
    """`--queues facebook,alerts` -> procrastinate's queue names (a platform's is scan.<platform>).
    A name that is no queue (`facebok`) is a usage error: a worker on it would wait for ever."""
    from socialmon.workers.app import ALERTS_QUEUE, SCAN_QUEUE_PREFIX, SCHEDULE_QUEUE, scan_queue

    if not values:
        return None
    names = [part.strip() for value in values for part in value.split(",") if part.strip()]
    queues = []
    for name in names:
        if name in (ALERTS_QUEUE, SCHEDULE_QUEUE):
            queues.append(name)
        elif name.removeprefix(SCAN_QUEUE_PREFIX) in platforms:
            queues.append(scan_queue(name.removeprefix(SCAN_QUEUE_PREFIX)))
        else:
            known = ", ".join([ALERTS_QUEUE, SCHEDULE_QUEUE, *platforms])
            fail(
                _("--queues: unknown queue {name}; the queues are {known}").format(
                    name=repr(name), known=known
                )
            )
    return queues


@app.command(
    help=_(
        "Run one worker process: scan the channels put on the queue (by `scan --enqueue` or the "
        "`every` schedule of the config), any number of them on any number of machines sharing the "
        "database.\n\n"
        "SIGTERM: each running scan stops after its current page (stored) and hands its channel back "
        "to the queue; exit 0. Needs PostgreSQL and `pip install 'socialmon\\[workers]'`."
    )
)
def worker(
    concurrency: Annotated[
        int | None,
        typer.Option(
            "--concurrency",
            min=1,
            max=64,
            help=_("Channels at once in this process (default: the config's scan concurrency, 20)."),
        ),
    ] = None,
    queues: Annotated[
        list[str] | None,
        typer.Option(
            "--queues",
            help=_(
                "Only these queues: platforms (facebook, instagram, …), 'alerts', 'schedule'; "
                "comma-separated or repeated. Default: all."
            ),
        ),
    ] = None,
    until_empty: Annotated[
        bool,
        typer.Option("--until-empty", help=_("Exit once the queue is empty instead of waiting for jobs.")),
    ] = False,
    heartbeat: Annotated[
        float, typer.Option("--heartbeat", min=0.1, help=_("Seconds between heartbeats."))
    ] = 10.0,
    stalled_after: Annotated[
        float,
        typer.Option(
            "--stalled-after",
            min=0.5,
            help=_("Seconds without a heartbeat after which a worker's jobs are run again elsewhere."),
        ),
    ] = 30.0,
    shutdown_timeout: Annotated[
        float,
        typer.Option(
            "--shutdown-timeout", min=0, help=_("Seconds SIGTERM waits for running scans to hand back.")
        ),
    ] = 60.0,
    retries: Annotated[
        int, typer.Option("--retries", min=0, help=_("Times a failed channel is retried."))
    ] = 3,
    retry_wait: Annotated[
        float,
        typer.Option("--retry-wait", min=0, help=_("Seconds before the first retry; doubled each time.")),
    ] = 60.0,
    poll_interval: Annotated[
        float,
        typer.Option("--poll-interval", min=0.1, hidden=True, help="Seconds between polls of the queue."),
    ] = 5.0,
    queue_timeout: Annotated[
        float,
        typer.Option(
            "--queue-timeout",
            min=0.1,
            hidden=True,
            help="Seconds a statement waits for a connection to the queue.",
        ),
    ] = 30.0,
    config: ConfigOption = None,
    database: DatabaseOption = None,
) -> None:
    import asyncio

    connectors = registry()
    loaded = config_or_exit(config, connectors, database=database)
    queue_names = _queue_names(queues, connectors.names()) if queues else None
    url, queue = _queue_or_exit(loaded, database)
    from socialmon.workers import WorkersUnavailable
    from socialmon.workers.runner import WorkerOptions, run_worker

    options = WorkerOptions(
        concurrency=concurrency or loaded.settings.scan.concurrency,
        queues=queue_names,
        wait=not until_empty,
        heartbeat=heartbeat,
        stalled_after=stalled_after,
        shutdown_timeout=shutdown_timeout,
        retries=retries,
        retry_wait=retry_wait,
        poll_interval=poll_interval,
        queue_timeout=queue_timeout,
    )
    from socialmon.database import DatabaseError

    try:
        asyncio.run(run_worker(loaded, url, queue, options))
    except (WorkersUnavailable, DatabaseError) as error:  # DatabaseError: socialmon's tables cannot be opened
        _refused(error)
    raise typer.Exit(EXIT_OK)


@workers_app.command(
    "migrate",
    help=_("Create the queue's tables in the database (schema `socialmon_queue`), or upgrade them in place."),
)
def migrate_command(config: ConfigOption = None, database: DatabaseOption = None) -> None:
    loaded = config_or_exit(config, database=database)
    queue = _queue_or_exit(loaded, database)[1]
    from socialmon.workers import WorkersUnavailable
    from socialmon.workers.app import installed_version, migrate

    with database_or_exit(loaded, database):  # socialmon's own tables too
        pass
    try:
        done = migrate(queue)
    except WorkersUnavailable as error:
        _refused(error)
    say(
        err,
        done
        or _("the queue in schema {schema} is up to date (procrastinate {version})").format(
            schema=queue.schema, version=installed_version()
        ),
    )


@workers_app.command(
    "status",
    help=_(
        "Jobs waiting / running / failed per platform, the oldest waiting job's age, each worker's "
        "last heartbeat, each channel's last scan."
    ),
)
def status_command(
    output: Annotated[str, typer.Option("--format", help=_("table or json."))] = "table",
    stalled_after: Annotated[
        float,
        typer.Option("--stalled-after", help=_("Seconds without a heartbeat that mark a worker stalled.")),
    ] = 30.0,
    config: ConfigOption = None,
    database: DatabaseOption = None,
) -> None:
    if output not in ("table", "json"):
        fail(_("--format must be 'table' or 'json', not {value}").format(value=repr(output)))
    loaded = config_or_exit(config, database=database)
    queue = _queue_or_exit(loaded, database)[1]
    from socialmon.workers.app import schema_ready
    from socialmon.workers.status import queue_status

    if not schema_ready(queue):
        fail(_("no queue in {database} yet: run `socialmon workers migrate`").format(database=queue.display))
    with database_or_exit(loaded, database) as db:
        status = queue_status(db, queue, stalled_after)
    if output == "json":
        typer.echo(json.dumps(status, indent=2))
        raise typer.Exit(EXIT_OK)
    _print_status(status)


def _age(seconds: float | None) -> str:
    if seconds is None:
        return "-"
    if seconds < 120:
        return f"{seconds:.0f} s"
    if seconds < 7200:
        return f"{seconds / 60:.0f} min"
    return f"{seconds / 3600:.1f} h"


def _print_status(status: dict[str, Any]) -> None:
    from rich.table import Table

    platforms = Table(title=_("Queue (schema {schema})").format(schema=status["queue_schema"]))
    for index, column in enumerate(
        (_("platform"), _("waiting"), _("running"), _("failed"), _("oldest waiting"))
    ):
        platforms.add_column(column, justify="left" if index == 0 else "right")
    for name, row in status["platforms"].items():
        platforms.add_row(
            plain(name),
            str(row["waiting"]),
            str(row["running"]),
            str(row["failed"]),
            _age(row["oldest_waiting_seconds"]),
        )
    out.print(platforms)
    for pause in status["paused"]:
        say(
            out,
            _("{platform}: paused until {until} ({reason})").format(
                platform=pause["platform"], until=pause["until"], reason=pause["reason"]
            ),
        )
    workers = Table(title=_("Workers"))
    workers.add_column(_("worker"), justify="right")
    workers.add_column(_("last heartbeat"))
    workers.add_column(_("ago"), justify="right")
    for row in status["workers"]:
        workers.add_row(
            str(row["id"]),
            row["last_heartbeat"],
            _age(row["seconds_ago"]) + (_(" (stalled)") if row["stalled"] else ""),
        )
    out.print(workers)
    channels = Table(title=_("Channels"))
    for column in (_("channel"), _("platform"), _("last scan"), _("status"), _("queue")):
        channels.add_column(column)
    for row in status["channels"]:
        last = row["last_status"] or "-"
        if row["last_error"]:
            last = f"{last}: {row['last_error']}"
        job = _job_word(row["job"]) if row["job"] else "-"
        if row["job"] == "failed" and row["job_error"]:  # e.g. the database refused a connection
            job = f"{job} ({row['attempts']}): {row['job_error']}"
        elif row["job_error"] and row["job_error"].startswith("skipped: "):  # a secret the worker lacks
            job = f"{job}: {row['job_error']}"
        channels.add_row(
            plain(row["channel"]),
            plain(row["platform"]),
            row["last_scan"] or _("never"),
            plain(last),
            plain(job),
        )
    out.print(channels)


def enqueue_and_exit(
    loaded: Config, chosen: list[tuple[BrandConfig, ChannelConfig]], database: str | None
) -> NoReturn:
    """`socialmon scan --enqueue`: one job per channel on the queue, then return at once."""
    import asyncio

    queue = _queue_or_exit(loaded, database)[1]
    from socialmon.workers import WorkersUnavailable
    from socialmon.workers.tasks import enqueue_now

    # Refused, as `scan` is, on a database no worker can open (one a newer socialmon wrote).
    with database_or_exit(loaded, database):
        pass
    try:
        result = asyncio.run(enqueue_now(queue, [(b.slug, c.name, c.platform) for b, c in chosen]))
    except WorkersUnavailable as error:
        _refused(error)
    for label in result.already:
        say(err, _("{channel}: already waiting in the queue").format(channel=label))
    say(
        err,
        _("queued {queued} channel(s), {already} already queued (cycle {cycle})").format(
            queued=len(result.queued), already=len(result.already), cycle=result.cycle
        ),
    )
    raise typer.Exit(EXIT_OK)
