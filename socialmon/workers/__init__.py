"""Worker mode: scans spread over any number of `socialmon worker` processes, on PostgreSQL.

Built on procrastinate (a PostgreSQL task queue), installed with `pip install 'socialmon[workers]'`.
The queue's tables live in the socialmon database, in a schema of their own (see `app`).

- `app`: the procrastinate App and its connector, the queue's schema and its migrations;
- `tasks`: the jobs (one scan per channel, the alert rules once per brand and cycle, the
  schedule) and `enqueue`;
- `budgets`: per-platform limits shared by every worker (PostgreSQL advisory locks);
- `runner`: one worker process (`socialmon worker`);
- `status`: what `socialmon workers status` shows.
"""

from __future__ import annotations


class WorkersUnavailable(Exception):
    """Worker mode cannot run here; the message says why and what to do."""


def require_postgres(url: str) -> None:
    """Raise `WorkersUnavailable` unless `url` is a PostgreSQL database and procrastinate is installed."""
    from sqlalchemy.engine import make_url

    from socialmon.database import normalise_url

    backend = make_url(normalise_url(url)).get_backend_name()
    if backend != "postgresql":
        found = "SQLite" if backend == "sqlite" else backend
        raise WorkersUnavailable(
            f"worker mode needs PostgreSQL: the queue lives in the database, which is {found} here. Set "
            '`database = "postgresql://…"` in the config (or --database / $SOCIALMON_DATABASE); '
            "`socialmon scan` keeps working on SQLite"
        )
    try:
        import procrastinate  # noqa: F401
        import psycopg  # noqa: F401
    except ImportError as missing:
        raise WorkersUnavailable(
            f"worker mode needs procrastinate and psycopg ({missing.name} is missing): "
            "pip install 'socialmon[workers]'"
        ) from None
