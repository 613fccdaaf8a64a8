"""A job is never taken for stalled while its worker still runs it: not when `--until-empty` found
the queue empty and waits for its last jobs, not when SIGTERM stops the worker (procrastinate
stops its own heartbeat as it begins to shut down: procrastinate-org/procrastinate#1585)."""

from __future__ import annotations

import signal
from pathlib import Path
from typing import Any

import pytest
from fake_platform import FakeGraph
from workers.helpers_workers import wait_for, write_config
from workers.test_workers import add_pages, enqueue, rows

# Heartbeats 5 times a second, stalled after 1 s: a page takes longer than that.
QUICK_STALL = ["--heartbeat", "0.2", "--stalled-after", "1", "--poll-interval", "0.5", "--retry-wait", "1"]


def job_events(url: str, queue_schema: str) -> list[tuple[int, str]]:
    """(job id, event) of the scan jobs, in order."""
    q = f'"{queue_schema}"'
    return rows(
        url,
        f"SELECT j.id, e.type::text FROM {q}.procrastinate_events e "
        f"JOIN {q}.procrastinate_jobs j ON j.id = e.job_id WHERE j.task_name = 'socialmon.scan_channel' "
        "ORDER BY e.id",
    )


@pytest.mark.postgres
@pytest.mark.slow
def test_until_empty_waits_for_its_last_jobs_without_them_being_run_again(
    postgres_url: str, queue_schema: str, tmp_path: Path, cli: Any, workers: Any
) -> None:
    graph = FakeGraph(latency=0.5)  # each channel takes ~3 s, with the queue empty from the start
    add_pages(graph, 2, 3)
    with graph:
        config = write_config(tmp_path, postgres_url, graph.url, 2)
        enqueue(cli, config)
        pool = workers(config)
        assert pool.exit_code(pool.start("--concurrency", "3", "--until-empty", *QUICK_STALL), 60) == 0, (
            pool.logs()
        )
    assert "recovered stalled job" not in pool.logs()
    assert "Traceback" not in pool.logs()
    kinds = [kind for _, kind in job_events(postgres_url, queue_schema)]
    assert sorted(kinds) == sorted(["deferred", "started", "succeeded"] * 2), pool.logs()


@pytest.mark.postgres
@pytest.mark.slow
def test_a_job_finishing_its_page_after_sigterm_is_not_run_again_elsewhere(
    postgres_url: str, queue_schema: str, tmp_path: Path, cli: Any, workers: Any
) -> None:
    graph = FakeGraph(latency=2.5)  # SIGTERM comes mid-request: the page ends 1.5 s later at most
    add_pages(graph, 1, 3)
    with graph:
        config = write_config(tmp_path, postgres_url, graph.url, 1)
        pool = workers(config)
        first = pool.start("--concurrency", "1", *QUICK_STALL)
        enqueue(cli, config)
        q = f'"{queue_schema}"'
        wait_for(
            lambda: (
                len(graph.log) >= 1
                and rows(postgres_url, f"SELECT count(*) FROM {q}.procrastinate_jobs WHERE status = 'doing'")[
                    0
                ][0]
            ),
            30,
            "the first worker to be reading a page",
            pool.logs,
        )
        other = pool.start("--concurrency", "1", *QUICK_STALL)  # looks for stalled jobs too
        # SIGTERM before its handlers are set would kill it (-15), and the point is that it is
        # watching for stalled jobs while the first one finishes its page.
        wait_for(lambda: "worker started" in pool.log_of(other), 30, "the other worker to start", pool.logs)
        first.send_signal(signal.SIGTERM)
        assert pool.exit_code(first, 30) == 0, pool.logs()
        assert "running scans stop after the page they are reading, within 60 s" in pool.log_of(first)
        other.send_signal(signal.SIGTERM)
        assert pool.exit_code(other, 30) == 0, pool.logs()
    assert "recovered stalled job" not in pool.logs()
    # The job the first worker ran ended there, handing a copy of itself back (that one the other
    # worker ran); it was never put back on the queue as stalled nor started twice.
    events = job_events(postgres_url, queue_schema)
    first_job = events[0][0]
    assert [kind for job, kind in events if job == first_job] == ["deferred", "started", "succeeded"], (
        events,
        pool.logs(),
    )
