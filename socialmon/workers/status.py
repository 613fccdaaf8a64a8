"""What `socialmon workers status` shows: the queue per platform, the workers, each channel's last scan."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import text

from socialmon.database import Database
from socialmon.workers.app import SCAN_QUEUE_PREFIX, QueueDatabase
from socialmon.workers.tasks import SCAN_TASK


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def queue_status(database: Database, queue: QueueDatabase, stalled_after: float = 30.0) -> dict[str, Any]:
    q = f'"{queue.schema}"'
    with database.read() as connection:
        latest = connection.execute(
            text(
                f"SELECT DISTINCT ON (j.args->>'brand', j.args->>'channel') j.args->>'brand' AS brand, "
                f"j.args->>'channel' AS channel, j.queue_name, j.status::text AS status, j.attempts, c.error "
                f"FROM {q}.procrastinate_jobs j LEFT JOIN {q}.socialmon_cycle_channel c "
                "ON c.cycle = j.args->>'cycle' AND c.brand = j.args->>'brand' AND c.channel = j.args->>'channel' "
                "WHERE j.task_name = :task ORDER BY j.args->>'brand', j.args->>'channel', j.id DESC"
            ),
            {"task": SCAN_TASK},
        ).all()
        jobs = connection.execute(
            text(
                f"SELECT queue_name, status::text, count(*) FROM {q}.procrastinate_jobs "
                "WHERE task_name = :task AND status IN ('todo', 'doing') GROUP BY 1, 2"
            ),
            {"task": SCAN_TASK},
        ).all()
        oldest = connection.execute(
            text(
                f"SELECT j.queue_name, EXTRACT(EPOCH FROM now() - min(e.at))::float "
                f"FROM {q}.procrastinate_jobs j JOIN {q}.procrastinate_events e "
                "ON e.job_id = j.id AND e.type = 'deferred' "
                "WHERE j.task_name = :task AND j.status = 'todo' GROUP BY 1"
            ),
            {"task": SCAN_TASK},
        ).all()
        workers = connection.execute(
            text(
                f"SELECT id, last_heartbeat, EXTRACT(EPOCH FROM now() - last_heartbeat)::float "
                f"FROM {q}.procrastinate_workers ORDER BY id"
            )
        ).all()
        paused = connection.execute(
            text(
                f"SELECT platform, until, reason FROM {q}.socialmon_platform_pause WHERE until > now() "
                "ORDER BY platform"
            )
        ).all()
        channels = connection.execute(
            text(
                "SELECT b.slug, c.name, c.platform, c.last_scan_at, c.last_status, c.last_error "
                "FROM channel c JOIN brand b ON b.id = c.brand_id ORDER BY b.slug, c.name"
            )
        ).all()
    platforms: dict[str, dict[str, Any]] = {}

    def platform(name: str) -> dict[str, Any]:
        return platforms.setdefault(
            name, {"waiting": 0, "running": 0, "failed": 0, "oldest_waiting_seconds": None}
        )

    for queue_name, status, count in jobs:
        platform(queue_name.removeprefix(SCAN_QUEUE_PREFIX))["waiting" if status == "todo" else "running"] = (
            count
        )
    for queue_name, age in oldest:
        platform(queue_name.removeprefix(SCAN_QUEUE_PREFIX))["oldest_waiting_seconds"] = round(age, 1)
    # The latest job of each channel: status, attempts, why its last failed attempt failed, platform.
    job_of: dict[tuple[str, str], tuple[str | None, int, str | None, str]] = {}
    for brand, channel, queue_name, status, attempts, error in latest:
        platform_name = queue_name.removeprefix(SCAN_QUEUE_PREFIX)
        job_of[(brand, channel)] = (status, attempts, error, platform_name)
        if status == "failed":
            platform(platform_name)["failed"] += 1
    # A channel whose job failed before its first scan started has no row of its own yet.
    scanned = {(slug, name) for slug, name, *_ in channels}
    channels = sorted(
        [
            *channels,
            *((b, c, job[3], None, None, None) for (b, c), job in job_of.items() if (b, c) not in scanned),
        ],
        key=lambda row: (row[0], row[1]),
    )
    no_job = (None, 0, None, "")
    return {
        "queue_schema": queue.schema,
        "platforms": {name: platforms[name] for name in sorted(platforms)},
        "paused": [{"platform": p, "until": _iso(until), "reason": reason} for p, until, reason in paused],
        "workers": [
            {
                "id": worker_id,
                "last_heartbeat": _iso(heartbeat),
                "seconds_ago": round(age, 1),
                "stalled": age > stalled_after,
            }
            for worker_id, heartbeat, age in workers
        ],
        "channels": [
            {
                "channel": f"{slug}/{name}",
                "platform": platform_name,
                "last_scan": _iso(last_scan),
                "last_status": last_status,
                "last_error": last_error,
                "job": job_of.get((slug, name), no_job)[0],
                "attempts": job_of.get((slug, name), no_job)[1],
                "job_error": job_of.get((slug, name), no_job)[2],
            }
            for slug, name, platform_name, last_scan, last_status, last_error in channels
        ],
    }
