"""What `socialmon worker` needs of procrastinate's worker, and its helpers beside it (no PostgreSQL):
an upgrade of procrastinate that moves what the runner uses fails here, not silently in production."""

from __future__ import annotations

import asyncio
import inspect
import logging

import pytest
from procrastinate import App
from procrastinate.testing import InMemoryConnector

from socialmon.workers.runner import WorkerOptions, _keep_heartbeat, _new_worker, _run_with_helpers


def test_procrastinates_worker_has_what_the_runner_uses() -> None:
    app = App(connector=InMemoryConnector())
    worker = _new_worker(app, WorkerOptions(), runtime=object())  # type: ignore[arg-type]
    assert worker.worker_id is None  # the heartbeat's id, set once the worker registered
    assert callable(worker.stop)  # --until-empty stops it
    assert inspect.iscoroutinefunction(worker.run)
    assert callable(app.perform_import_paths)
    for used in ("update_heartbeat", "get_stalled_jobs", "retry_job", "prune_stalled_workers"):
        assert inspect.iscoroutinefunction(getattr(app.job_manager, used)), used


class WorkerWithoutItsId:
    """procrastinate's worker had it renamed `worker_id`: it runs until it is asked to stop."""

    def __init__(self) -> None:
        self.stopped = asyncio.Event()

    def stop(self) -> None:
        self.stopped.set()

    async def run(self) -> None:
        await asyncio.wait_for(self.stopped.wait(), timeout=10)


def test_a_helper_that_stops_is_said_and_stops_the_worker(caplog: pytest.LogCaptureFixture) -> None:
    """Without its heartbeat, other workers would run this one's jobs a second time."""
    worker = WorkerWithoutItsId()
    heartbeat = _keep_heartbeat(None, worker, 0, set())
    with caplog.at_level(logging.WARNING, logger="socialmon.workers"):
        asyncio.run(_run_with_helpers(worker, {"the worker's heartbeat": heartbeat}))
    assert [record.getMessage() for record in caplog.records] == [
        "the worker's heartbeat stopped: AttributeError: "
        "'WorkerWithoutItsId' object has no attribute 'worker_id'; stopping this worker after its running jobs"
    ]
