"""Worker mode end to end: real `socialmon worker` processes, a real PostgreSQL, the fake Graph API."""

from __future__ import annotations

import json
import signal
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from fake_platform import FakeGraph
from sqlalchemy import create_engine, text
from workers.helpers_workers import POSTS_PER_PAGE, wait_for, write_config

from socialmon.cli import app
from socialmon.database import open_database


def rows(url: str, query: str, **params: Any) -> list[Any]:
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            return list(connection.execute(text(query), params).all())
    finally:
        engine.dispose()


class CountingGraph(FakeGraph):
    """The fake Graph API, counting the pages (channels) with a request in flight at once."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.active: Counter[str] = Counter()
        self.most_pages_at_once = 0
        self.counting = threading.Lock()

    def respond(self, raw_path: str, authorization: str) -> Any:
        page = raw_path.split("?", 1)[0].rstrip("/").split("/")[-2].split("_", 1)[0]
        with self.counting:
            self.active[page] += 1
            self.most_pages_at_once = max(self.most_pages_at_once, sum(1 for n in self.active.values() if n))
        try:
            return super().respond(raw_path, authorization)
        finally:
            with self.counting:
                self.active[page] -= 1


def add_pages(graph: FakeGraph, channels: int, pages: int) -> None:
    for i in range(channels):
        graph.add_page(str(1000 + i), token=f"tok-{i}", posts=pages * POSTS_PER_PAGE, comments_per_post=2)


def enqueue(cli: Any, config: Path, *args: str) -> Any:
    result = cli.invoke(app, ["scan", "--enqueue", "--config", str(config), *args])
    assert result.exit_code == 0, result.output
    return result


def stored(url: str) -> tuple[int, int, int, int]:
    (posts, distinct_posts, comments, distinct_comments) = rows(
        url,
        "SELECT (SELECT count(*) FROM post), (SELECT count(DISTINCT (channel_id, platform_id)) FROM post), "
        "(SELECT count(*) FROM comment), (SELECT count(DISTINCT (channel_id, platform_id)) FROM comment)",
    )[0]
    return posts, distinct_posts, comments, distinct_comments


FAST = ["--heartbeat", "0.5", "--stalled-after", "2", "--poll-interval", "0.5", "--retry-wait", "1"]


@pytest.mark.postgres
@pytest.mark.slow
def test_two_workers_one_killed_every_channel_scanned_once(
    postgres_url: str, queue_schema: str, tmp_path: Path, cli: Any, workers: Any
) -> None:
    channels, pages = 50, 6
    graph = FakeGraph(latency=0.1)
    add_pages(graph, channels, pages)
    with graph:
        config = write_config(tmp_path, postgres_url, graph.url, channels)
        enqueue(cli, config)
        pool = workers(config)
        doomed = pool.start("--concurrency", "5", *FAST)
        q = f'"{queue_schema}"'
        wait_for(
            lambda: (
                rows(postgres_url, f"SELECT count(*) FROM {q}.procrastinate_jobs WHERE status = 'doing'")[0][
                    0
                ]
                >= 5
            ),
            30,
            "the first worker to be scanning",
            pool.logs,
        )
        survivor = pool.start("--concurrency", "10", "--until-empty", *FAST)
        time.sleep(0.5)
        doomed.send_signal(signal.SIGKILL)  # mid-scan: its channels' jobs stay `doing`, then stall
        doomed.wait(10)
        assert pool.exit_code(survivor, 60) == 0, pool.logs()
    assert "recovered stalled job" in pool.logs()
    posts, distinct_posts, comments, distinct_comments = stored(postgres_url)
    assert posts == distinct_posts == channels * pages * POSTS_PER_PAGE
    assert comments == distinct_comments == channels * pages * POSTS_PER_PAGE * 2
    jobs = rows(
        postgres_url,
        f"SELECT args->>'channel', status::text FROM {q}.procrastinate_jobs WHERE task_name = 'socialmon.scan_channel'",
    )
    assert len(jobs) == channels  # one job per channel: the killed worker's were run again, not copied
    assert {status for _, status in jobs} == {"succeeded"}
    last = rows(postgres_url, "SELECT last_status, count(*) FROM channel GROUP BY 1")
    assert last == [("ok", channels)]
    alerts = rows(
        postgres_url,
        f"SELECT count(*) FROM {q}.procrastinate_jobs WHERE task_name = 'socialmon.check_alerts'",
    )
    assert alerts == [(1,)]  # once for the brand and the cycle


@pytest.mark.postgres
@pytest.mark.slow
def test_a_channel_enqueued_twice_runs_once(
    postgres_url: str, queue_schema: str, tmp_path: Path, cli: Any, workers: Any
) -> None:
    graph = FakeGraph(latency=0.0)
    add_pages(graph, 2, 3)
    with graph:
        config = write_config(tmp_path, postgres_url, graph.url, 2)
        first = enqueue(cli, config, "--channel", "c0")
        second = enqueue(cli, config, "--channel", "bench/c0")
        assert "queued 1 channel(s), 0 already queued" in first.output
        assert "bench/c0: already waiting in the queue" in second.output
        assert "queued 0 channel(s), 1 already queued" in second.output
        pool = workers(config)
        assert pool.exit_code(pool.start("--until-empty", *FAST), 30) == 0, pool.logs()
        listed = [path for path, status in graph.log if path.endswith("/1000/posts")]
    assert len(listed) == 3  # its three pages, read once
    q = f'"{queue_schema}"'
    jobs = rows(
        postgres_url,
        f"SELECT status::text FROM {q}.procrastinate_jobs WHERE task_name = 'socialmon.scan_channel'",
    )
    assert jobs == [("succeeded",)]
    assert stored(postgres_url)[0] == 3 * POSTS_PER_PAGE


@pytest.mark.postgres
@pytest.mark.slow
def test_a_platform_budget_bounds_the_channels_in_flight_across_workers(
    postgres_url: str, queue_schema: str, tmp_path: Path, cli: Any, workers: Any
) -> None:
    channels, pages = 8, 3
    graph = CountingGraph(latency=0.15)
    add_pages(graph, channels, pages)
    with graph:
        config = write_config(
            tmp_path, postgres_url, graph.url, channels, extra="[scan.limits.facebook]\nchannels = 2\n"
        )
        enqueue(cli, config)
        pool = workers(config)
        one = pool.start("--concurrency", "4", "--until-empty", *FAST)
        two = pool.start("--concurrency", "4", "--until-empty", *FAST)
        assert pool.exit_code(one, 60) == 0, pool.logs()
        assert pool.exit_code(two, 60) == 0, pool.logs()
    assert graph.most_pages_at_once == 2  # the budget was used, and never exceeded
    assert stored(postgres_url)[0] == channels * pages * POSTS_PER_PAGE


@pytest.mark.postgres
@pytest.mark.slow
def test_the_schedule_enqueues_each_channel_once_per_period(
    postgres_url: str, queue_schema: str, tmp_path: Path, workers: Any
) -> None:
    graph = FakeGraph(latency=0.0)
    add_pages(graph, 4, 1)
    with graph:
        config = write_config(
            tmp_path,
            postgres_url,
            graph.url,
            4,
            extra='[scan]\nevery = "2s"\n',
            channel_extra=lambda i: 'every = "off"\n' if i == 3 else "",
        )
        pool = workers(config)
        started = [pool.start("--concurrency", "4", *FAST) for _ in range(2)]
        q = f'"{queue_schema}"'

        def ticks() -> int:
            try:
                return rows(
                    postgres_url,
                    f"SELECT count(*) FROM {q}.procrastinate_jobs WHERE task_name = 'socialmon.schedule' "
                    "AND status = 'succeeded'",
                )[0][0]
            except Exception:  # the queue's schema is not there yet
                return 0

        wait_for(lambda: ticks() >= 3, 30, "three ticks of the schedule", pool.logs)
        # SIGTERM before a worker has set its handlers would kill it rather than stop it.
        wait_for(
            lambda: all("worker started" in pool.log_of(process) for process in started),
            30,
            "both workers to start",
            pool.logs,
        )
        for process in started:
            process.send_signal(signal.SIGTERM)
        for process in started:
            assert pool.exit_code(process, 30) == 0, pool.logs()  # SIGTERM: hand back, exit 0
    schedule = rows(
        postgres_url,
        f"SELECT args->>'timestamp' FROM {q}.procrastinate_jobs WHERE task_name = 'socialmon.schedule'",
    )
    timestamps = [stamp for (stamp,) in schedule]
    assert len(timestamps) == len(set(timestamps))  # each tick deferred once, whatever the workers
    done_ticks = ticks()
    # Periods a channel was enqueued for (a job a stopping worker hands back is the same period again).
    per_channel = Counter(
        channel
        for (channel, _cycle) in rows(
            postgres_url,
            f"SELECT DISTINCT args->>'channel', args->>'cycle' FROM {q}.procrastinate_jobs "
            "WHERE task_name = 'socialmon.scan_channel'",
        )
    )
    assert "c3" not in per_channel  # every = "off"
    for channel in ("c0", "c1", "c2"):
        assert done_ticks <= per_channel[channel] <= len(timestamps), (per_channel, done_ticks, timestamps)
    cycles = rows(
        postgres_url,
        f"SELECT cycle, count(*) FROM {q}.socialmon_cycle_channel GROUP BY 1 ORDER BY 1",
    )
    assert all(count == 3 for _, count in cycles), cycles  # c0, c1, c2 in each tick's cycle, once


def test_worker_commands_refuse_sqlite(tmp_path: Path, cli: Any) -> None:
    config = tmp_path / "socialmon.toml"
    config.write_text(
        'database = "local.db"\n\n[[brands]]\nname = "A"\n\n[[brands.channels]]\nplatform = "file"\n'
        'path = "x.json"\n',
        encoding="utf-8",
    )
    for args in (["worker"], ["workers", "migrate"], ["workers", "status"], ["scan", "--enqueue"]):
        result = cli.invoke(app, [*args, "--config", str(config)])
        assert result.exit_code == 2, (args, result.output)
        assert "worker mode needs PostgreSQL" in result.output


def test_a_worker_on_a_queue_that_does_not_exist_is_refused(tmp_path: Path, cli: Any) -> None:
    """`--queues facebok` (a typo) would start a worker that waits for ever on a queue nobody fills."""
    config = tmp_path / "socialmon.toml"
    config.write_text(
        'database = "local.db"\n\n[[brands]]\nname = "A"\n\n[[brands.channels]]\nplatform = "file"\n'
        'path = "x.json"\n',
        encoding="utf-8",
    )
    result = cli.invoke(app, ["worker", "--queues", "facebook,facebok", "--config", str(config)])
    assert result.exit_code == 2, result.output
    said = " ".join(result.output.split())
    assert (
        "--queues: unknown queue 'facebok'; the queues are alerts, schedule," in said and "facebook" in said
    )


@pytest.mark.postgres
@pytest.mark.slow
def test_a_database_error_outside_the_pages_is_retried_not_lost(
    postgres_url: str, queue_schema: str, tmp_path: Path, cli: Any, workers: Any
) -> None:
    """A scan job that raises something other than a failed scan (here the database refuses the
    channel's scan run once, as it does with "too many clients") is retried like a failed scan:
    before, its channel was left failed at the first attempt, its posts never stored, and its brand's
    alert job never put on the queue."""
    channels, pages = 4, 2
    graph = FakeGraph(latency=0.0)
    add_pages(graph, channels, pages)
    with graph:
        config = write_config(tmp_path, postgres_url, graph.url, channels)
        enqueue(cli, config)
        open_database(postgres_url).dispose()  # socialmon's tables, for the trigger below
        engine = create_engine(postgres_url)
        with engine.begin() as connection:
            connection.execute(
                text(
                    "CREATE SEQUENCE refuse_once; "
                    "CREATE FUNCTION refuse_once() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                    "IF (SELECT name FROM channel WHERE id = NEW.channel_id) = 'c2' "
                    "AND nextval('refuse_once') = 1 THEN "
                    "RAISE EXCEPTION 'sorry, too many clients already (simulated)'; END IF; RETURN NEW; END $$; "
                    "CREATE TRIGGER refuse_once BEFORE INSERT ON scan_run FOR EACH ROW "
                    "EXECUTE FUNCTION refuse_once()"
                )
            )
        engine.dispose()
        pool = workers(config)
        assert pool.exit_code(pool.start("--concurrency", "4", "--until-empty", *FAST), 60) == 0, pool.logs()
    assert "too many clients already (simulated)" in pool.logs()  # it did fail once
    assert stored(postgres_url)[0] == channels * pages * POSTS_PER_PAGE
    q = f'"{queue_schema}"'
    jobs = dict(
        rows(
            postgres_url,
            f"SELECT args->>'channel', status::text FROM {q}.procrastinate_jobs "
            "WHERE task_name = 'socialmon.scan_channel'",
        )
    )
    assert jobs == {f"c{i}": "succeeded" for i in range(channels)}
    alerts = rows(
        postgres_url,
        f"SELECT count(*) FROM {q}.procrastinate_jobs WHERE task_name = 'socialmon.check_alerts'",
    )
    assert alerts == [(1,)]
    status = cli.invoke(app, ["workers", "status", "--config", str(config), "--format", "json"])
    assert status.exit_code == 0, status.output
    c2 = next(row for row in json.loads(status.output)["channels"] if row["channel"] == "bench/c2")
    assert (c2["job"], c2["last_status"]) == ("succeeded", "ok")
    assert "too many clients already (simulated)" in c2["job_error"]  # why its first attempt failed


@pytest.mark.postgres
@pytest.mark.slow
def test_a_worker_that_loses_the_database_for_30_s_carries_on(
    postgres_url: str, tmp_path: Path, cli: Any, workers: Any
) -> None:
    """The database refuses every connection for 30 s and drops the open ones, mid-run: the worker
    stays up, and when the database is back every channel ends scanned once."""
    import uuid

    from sqlalchemy.engine import make_url

    server = postgres_url.split("?", 1)[0]  # the test database, without the fixture's schema
    name = f"outage_{uuid.uuid4().hex[:10]}"  # a database of its own: the other tests keep theirs
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(server).set(database=name).render_as_string(hide_password=False)
    channels, pages = 24, 8
    graph = FakeGraph(latency=0.1)
    add_pages(graph, channels, pages)
    try:
        with graph:
            config = write_config(tmp_path, url, graph.url, channels)
            enqueue(cli, config)
            pool = workers(config)
            # Retries 10, 20 and 40 s after a failure: a job failing at the outage's start is
            # tried again after it (the default waits 60 s, 120 s, 240 s). A statement waits 3 s
            # for a connection (30 s by default): procrastinate's own calls fail during the outage
            # for certain, where with 30 s only a loaded machine's did (the worker ended on them).
            fast = [*FAST[:-1], "10", "--queue-timeout", "3"]
            worker = pool.start("--concurrency", "3", "--until-empty", *fast)
            q = '"socialmon_queue"'
            wait_for(
                lambda: rows(url, f"SELECT count(*) FROM {q}.procrastinate_jobs WHERE status = 'doing'")[0][
                    0
                ],
                30,
                "the worker to be scanning",
                pool.logs,
            )
            with admin.connect() as connection:
                connection.execute(text(f'ALTER DATABASE "{name}" WITH ALLOW_CONNECTIONS false'))
                connection.execute(
                    text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :name"),
                    {"name": name},
                )
            time.sleep(30)  # the outage itself, not a wait for something to happen
            assert worker.poll() is None, pool.logs()  # still up
            with admin.connect() as connection:
                connection.execute(text(f'ALTER DATABASE "{name}" WITH ALLOW_CONNECTIONS true'))
            assert pool.exit_code(worker, 180) == 0, pool.logs()
        said = pool.processes[0][1].read_text(errors="replace")
        assert "the queue's database is away (couldn't get a connection" in said, said[-3000:]
        assert "the worker starts again" in said, said[-3000:]
        posts, distinct_posts, comments, distinct_comments = stored(url)
        assert posts == distinct_posts == channels * pages * POSTS_PER_PAGE, pool.logs()
        assert comments == distinct_comments == channels * pages * POSTS_PER_PAGE * 2
        # Every job ended well. A channel may have had more than one: a job whose lock was still
        # held when it was run again hands a copy of itself back to the queue (see hand_back).
        jobs = rows(
            url,
            f"SELECT args->>'channel', status::text FROM {q}.procrastinate_jobs "
            "WHERE task_name = 'socialmon.scan_channel'",
        )
        assert {status for _, status in jobs} == {"succeeded"}, pool.logs()
        assert {channel for channel, _ in jobs} == {f"c{i}" for i in range(channels)}
        assert rows(url, "SELECT last_status, count(*) FROM channel GROUP BY 1") == [("ok", channels)]
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'ALTER DATABASE "{name}" WITH ALLOW_CONNECTIONS true'))
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def test_queue_names_map_platforms_and_the_named_queues() -> None:
    from socialmon.cli.workers import _queue_names

    named = _queue_names(["facebook,scan.instagram", " alerts ", "schedule"], ["facebook", "instagram"])
    assert named == ["scan.facebook", "scan.instagram", "alerts", "schedule"]
    assert _queue_names(None, ["facebook"]) is None


def test_a_failed_scans_message_carries_no_escape_sequence() -> None:
    """procrastinate logs it and keeps it: a platform's error must not retitle or clear a terminal."""
    from socialmon.workers.tasks import ScanFailed

    said = str(ScanFailed("cafe/fb: PlatformError: bad \x1b]0;pwned\x07\x1b[2J request \u202eevil"))
    assert "\x1b" not in said and "\x07" not in said and "\u202e" not in said
    assert said.startswith("cafe/fb: PlatformError: bad") and "request" in said


@pytest.mark.postgres
@pytest.mark.slow
def test_a_channel_whose_secret_the_worker_lacks_is_skipped_in_one_line_not_retried(
    postgres_url: str,
    queue_schema: str,
    tmp_path: Path,
    cli: Any,
    workers: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Enqueued where the token is set, run by a worker whose environment lacks it: no retry can
    mend that. It was retried, its log a traceback each time; now one line, as `scan` says it."""
    graph = FakeGraph(latency=0.0)
    add_pages(graph, 2, 1)
    with graph:
        config = write_config(tmp_path, postgres_url, graph.url, 2)
        text_ = config.read_text(encoding="utf-8").replace('"tok-1"', '"${WORKER_TOKEN}"')
        config.write_text(text_, encoding="utf-8")
        monkeypatch.setenv("WORKER_TOKEN", "tok-1")
        enqueue(cli, config)
        monkeypatch.delenv("WORKER_TOKEN")
        pool = workers(config)
        assert pool.exit_code(pool.start("--until-empty", *FAST), 60) == 0, pool.logs()
    logs = pool.logs()
    said = " ".join(logs.split())
    assert "bench/c1: skipped: environment variable WORKER_TOKEN is not set: set it in the worker's" in said
    assert "Traceback" not in logs
    q = f'"{queue_schema}"'
    jobs = rows(
        postgres_url,
        f"SELECT args->>'channel', status::text, attempts FROM {q}.procrastinate_jobs "
        "WHERE task_name = 'socialmon.scan_channel' ORDER BY 1",
    )
    assert [tuple(job) for job in jobs] == [("c0", "succeeded", 1), ("c1", "succeeded", 1)]
    alerts = rows(
        postgres_url,
        f"SELECT count(*) FROM {q}.procrastinate_jobs WHERE task_name = 'socialmon.check_alerts'",
    )
    assert alerts == [(1,)]  # the cycle went on without c1: its brand's alert job still ran
    status = cli.invoke(app, ["workers", "status", "--format", "json", "--config", str(config)])
    channels = {row["channel"]: row for row in json.loads(status.output)["channels"]}
    assert channels["bench/c1"]["job_error"].startswith(
        "skipped: environment variable WORKER_TOKEN is not set"
    )
    # Its last scan for the reports: failed, saying why (not missing from them, as if not configured).
    assert rows(postgres_url, "SELECT name, last_status, last_error FROM channel ORDER BY name") == [
        ("c0", "ok", None),
        (
            "c1",
            "failed",
            "not scanned: environment variable WORKER_TOKEN is not set: set it in the worker's "
            "environment, then restart the worker",
        ),
    ]


@pytest.mark.postgres
def test_status_names_a_waiting_job_in_the_clis_language(
    postgres_url: str, queue_schema: str, tmp_path: Path, cli: Any
) -> None:
    """procrastinate's "todo" read as "all" to a Spanish reader: a job on the queue is "en espera"."""
    graph = FakeGraph(latency=0.0)
    add_pages(graph, 1, 1)
    with graph:
        config = write_config(tmp_path, postgres_url, graph.url, 1)
        enqueue(cli, config)
    status = cli.invoke(
        app, ["workers", "status", "--config", str(config)], env={"COLUMNS": "200", "SOCIALMON_LANG": "es"}
    )
    assert status.exit_code == 0, status.output
    row = next(line for line in status.output.splitlines() if "bench/c0" in line)
    assert "en espera" in row and "todo" not in row


def test_only_a_database_out_of_reach_makes_a_worker_start_again() -> None:
    """procrastinate wraps psycopg's error in its own: an outage (a refused connection, a pool's
    timeout) is waited out; a missing table or a bug is not mended by waiting, and ends the worker."""
    import psycopg
    import psycopg_pool
    from procrastinate.exceptions import ConnectorException

    from socialmon.workers.runner import database_away

    def wrapped(cause: BaseException) -> ConnectorException:
        try:
            raise ConnectorException() from cause
        except ConnectorException as problem:
            return problem

    assert database_away(wrapped(psycopg.OperationalError("connection failed: database is not accepting")))
    assert database_away(wrapped(psycopg_pool.PoolTimeout("couldn't get a connection after 30.00 sec")))
    assert database_away(ConnectionRefusedError(111, "Connection refused"))
    assert not database_away(
        wrapped(psycopg.errors.UndefinedTable('relation "procrastinate_jobs" does not exist'))
    )
    assert not database_away(ValueError("a bug"))


def test_worker_commands_refuse_sqlite_in_the_clis_language(tmp_path: Path, cli: Any) -> None:
    """Why worker mode cannot run was said in English whatever the CLI spoke."""
    config = tmp_path / "socialmon.toml"
    config.write_text(
        'database = "local.db"\n\n[[brands]]\nname = "A"\n\n[[brands.channels]]\nplatform = "file"\n'
        'path = "x.json"\n',
        encoding="utf-8",
    )
    for lang, expected in (
        (
            "es",
            "el modo con procesos de trabajo necesita PostgreSQL: la cola vive en la base de datos, que aquí es SQLite",
        ),
        (
            "pt",
            "o modo com processos de trabalho precisa de PostgreSQL: a fila fica no banco de dados, que aqui é SQLite",
        ),
    ):
        result = cli.invoke(app, ["workers", "status", "--config", str(config)], env={"SOCIALMON_LANG": lang})
        assert result.exit_code == 2, result.output
        assert expected in " ".join(result.output.split()), result.output
