"""How far the comment rules have judged a brand, so that a later run reads only what may have changed.

The comment rules (`alerts.rules`) run after every scan and every 15 minutes. Each run asks the
database for the comments some rule may find: unanswered, past a rule's time and label
conditions, not yet in an alert of the rule. Asked of every customer comment of the rules' reach,
that read the 99,000 comments of `bench_alerts.py --days 7` on every run, to find a hundred.

Between two runs with the same settings, a comment can become one that some rule finds only if:

- the waiting rule judged it and did not find it late (`pending`: late on the wall clock, say, and
  not yet in business hours);
- its row was written since (a new comment, an edit, a new label, more likes: `updated_at`, which
  every writer sets from its wall clock), or a row that decides whether it is answered, or how
  many replies it drew, was (a reply, a sibling in its thread, its parent: `_neighbours`);
- time brought it in: it crossed the waiting rule's SLA, its reply window began to warn, or its
  time, ahead of the clock, was reached between the two runs (`crossed`).

Nothing else changes what a rule finds: a watch-list text examined stays examined until its row
is written; a heating-up rate only falls with time; an alert's comments stay in it. A later run
asks the database for those comments only (`rules._to_judge_again`), with the same conditions
as a full run, and judges them the same way: it finds what the full run finds
(tests/alerts/test_incremental_runs.py compares the two). Whatever it cannot vouch for is read in
full: the first run, other settings (`settings_digest`), a channel back from a half-imported scan,
the clock going back or jumping past the reach, too many changes at once (`MOST`); and once a
day in any case (`READ_IN_FULL_EVERY`).

`changed_since` is the moment before which every written row was visible to the run: the wall
clock at its start less `CHANGE_MARGIN`. A scan's rows carry the time their page was read, a
little before they are committed, and a scan still running leaves its channel out of the run
(half-imported), so the run after it that judges the channel again reads in full. The clocks of
the machines that write (workers) must agree within the margin.

On `bench_alerts.py --days 7` a run 15 minutes after the first took 0.64-0.97 s reading the
reach, and 0.26-0.30 s reading the 921 comments this gives.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, or_, select
from sqlalchemy.engine import Connection

from socialmon.config import BrandConfig, ReportOptions
from socialmon.database import Database
from socialmon.tables import ALERT_PROGRESS, COMMENT

# How long before a run's start a row written since may carry as its time: a scan writes a page's
# rows with the time it read them (scoring comes between), and machines' clocks differ a little.
CHANGE_MARGIN = timedelta(minutes=10)
# Beyond this many comments to look at, reading the reach in full is as quick (a first import).
MOST = 20_000
# A run reads the whole reach at least this often, whatever the progress vouches for: what a
# later run could not see (a reply moved to another parent, a row written by hand without its
# update time, clocks set apart by more than the margin) is found within a day.
READ_IN_FULL_EVERY = timedelta(days=1)
# Bumped when what a run vouches for changes, or what the rules or the pairing find: older
# progress is then not trusted, and the next run reads in full. (Not the package's version: its
# lookup in the installed metadata costs a scan ~20 ms, and the daily full read bounds a miss.)
_VERSION = "1"


@dataclass(frozen=True)
class Progress:
    """What a run of the comment rules vouches for (stored by `store.record` with its alerts)."""

    rules: str  # `settings_digest` of the settings it judged with
    judged_at: datetime  # the rules' `now`
    changed_since: datetime  # every row written before this was visible to it
    read_in_full_at: datetime  # the rules' `now` when a run last read the whole reach
    skipped: tuple[int, ...]  # the half-imported channels it left out
    pending: tuple[int, ...]  # the waiting rule's comments it did not find late: judged again next run


def settings_digest(
    brand: BrandConfig,
    reports: ReportOptions,
    windows: Mapping[str, timedelta],
    channels: Iterable[tuple[int, str]],
) -> str:
    """A digest of everything the comment rules judge with, apart from the data and the time: the
    brand's and the reports' settings, the reply windows of its platforms, its channels as stored
    (id, platform), and `_VERSION`."""
    settings = {
        "version": _VERSION,
        "brand": brand.model_dump(mode="json"),
        "reports": reports.model_dump(mode="json"),
        "windows": {platform: window.total_seconds() for platform, window in sorted(windows.items())},
        "channels": [list(channel) for channel in channels],
    }
    return hashlib.sha256(json.dumps(settings, sort_keys=True, default=str).encode()).hexdigest()


def load(database: Database, brand_row: int) -> Progress | None:
    """What the brand's last run vouches for; None before its first run."""
    with database.read() as connection:
        row = connection.execute(select(ALERT_PROGRESS).where(ALERT_PROGRESS.c.brand_id == brand_row)).first()
    if row is None:
        return None
    return Progress(
        row.rules,
        row.judged_at,
        row.changed_since,
        row.read_in_full_at,
        tuple(row.skipped),
        tuple(row.pending),
    )


def save(connection: Connection, brand_row: int, progress: Progress) -> None:
    """Replace the brand's progress, in the transaction that stores the alerts it vouches for."""
    connection.execute(ALERT_PROGRESS.delete().where(ALERT_PROGRESS.c.brand_id == brand_row))
    connection.execute(
        ALERT_PROGRESS.insert().values(
            brand_id=brand_row,
            rules=progress.rules,
            judged_at=progress.judged_at,
            changed_since=progress.changed_since,
            read_in_full_at=progress.read_in_full_at,
            skipped=list(progress.skipped),
            pending=list(progress.pending),
        )
    )


def trusted(before: Progress, digest: str, now: datetime, reach: timedelta, skipped: Iterable[int]) -> bool:
    """Whether a run may start from `before`: same settings, the clock moved forward within the
    reach, a run read the reach in full within `READ_IN_FULL_EVERY`, and no channel it left out is
    back (its comments were not judged)."""
    return (
        before.rules == digest
        and before.judged_at <= now <= before.judged_at + reach
        and before.read_in_full_at <= now < before.read_in_full_at + READ_IN_FULL_EVERY
        and not set(before.skipped) - set(skipped)
    )


def changed(database: Database, channels: list[int], since: datetime, limit: int = MOST) -> list[int] | None:
    """The comments of these channels written since `since`, and those whose answer such a row may
    decide (`_neighbours`); None past `limit` rows (read the reach in full)."""
    if not channels:
        return []
    with database.read() as connection:
        rows = connection.execute(
            select(COMMENT.c.id, COMMENT.c.channel_id, COMMENT.c.platform_id, COMMENT.c.parent_platform_id)
            # `+ 0`: by the time, not by the channel, whose index holds every comment the brand has.
            .where(COMMENT.c.updated_at >= since, (COMMENT.c.channel_id + 0).in_(channels))
            .limit(limit + 1)
        ).all()
        if len(rows) > limit:
            return None
        found = {row.id for row in rows}
        found.update(_neighbours(connection, rows))
    return sorted(found)


def _neighbours(connection: Connection, rows: list[Any]) -> set[int]:
    """The comments whose answer these rows may decide, as `analytics.responses` pairs them: the
    parent a row replies to (direct reply), the other replies to that parent (the thread rule's later
    sibling), and the replies to the row (a business parent keeps a thread's replies apart)."""
    found: set[int] = set()
    by_channel: dict[int, set[str]] = {}
    for row in rows:
        keys = by_channel.setdefault(row.channel_id, set())
        keys.add(row.platform_id)
        if row.parent_platform_id is not None:
            keys.add(row.parent_platform_id)
    for channel_id, keys in by_channel.items():
        ordered = sorted(keys)
        for start in range(0, len(ordered), 500):
            chunk = ordered[start : start + 500]
            found.update(
                connection.execute(
                    select(COMMENT.c.id).where(
                        COMMENT.c.channel_id == channel_id,
                        or_(COMMENT.c.platform_id.in_(chunk), COMMENT.c.parent_platform_id.in_(chunk)),
                    )
                ).scalars()
            )
    return found


def crossed(database: Database, slices: list[tuple[list[int], datetime, datetime]]) -> list[int]:
    """The comments of each (channels, start, end) slice of creation times: those time brought into
    a rule between two runs."""
    found: list[int] = []
    with database.read() as connection:
        for channels, start, end in slices:
            if channels and start <= end:
                found += connection.execute(
                    select(COMMENT.c.id).where(
                        COMMENT.c.channel_id.in_(channels),
                        and_(COMMENT.c.created_at >= start, COMMENT.c.created_at <= end),
                    )
                ).scalars()
    return found
