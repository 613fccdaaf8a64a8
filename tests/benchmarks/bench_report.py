"""Report speed on SQLite and PostgreSQL: the report's queries against hand-written SQL, same run.

Run:  .venv/bin/python tests/benchmarks/bench_report.py [--comments 1000000] [--keep DIR]
        [--database sqlite] [--database postgresql+psycopg://postgres@127.0.0.1:5432/bench_report]
        [--rounds 5] [--golden FILE]

Each `--database` (default: `sqlite`, a file in the bench folder) is built through the real
migrations and filled with the same rows (50 channels in 5 brands, 365 days, customer comments,
customer replies and business replies): SQLite with executemany, PostgreSQL with COPY, then
VACUUM ANALYZE. A PostgreSQL database is created if missing and refilled when it holds another
size; only a database whose name starts with `bench` is ever dropped or filled.

For one brand and 90 days, in rounds that alternate the two (best of `--rounds` kept), it times
the report's sections as `socialmon report` computes them (`build_reports` and the channel
overview, in-process, the collector paused as the command pauses it) and a reference: hand-written
SQL, per section, computing the same figures (checked equal to the report's before timing). One
line per figure, each with its target and the load average: per section and in all, report /
hand SQL (target <= 1.3x) on each database, and PostgreSQL / SQLite (target <= 1.2x). Wall time
decides; beside the totals, CPU time (this process and, on a local server, PostgreSQL's backends
as /proc counts them, parallel workers left out) is less disturbed by other work on the machine.
On PostgreSQL the report pairs the previous period on a second connection while it computes its
own sections (`analytics._paired_alongside`): its wall time overlaps theirs, which neither the
hand SQL nor SQLite does, so the CPU line is the like-for-like comparison of the work done.
It checks first that the indexes the report reads exist, with their columns, on each database.
A SQLite database is not ANALYZEd, as socialmon never does; PostgreSQL's autovacuum would be.

Not in the reference: the business-hours waits (a Python clock over the paired rows, no SQL
counterpart) and splitting the rising terms' texts into words (the same Python in both). Both
count against the report.

Then the real command runs in a subprocess per database (once untimed, then best of `--rounds`):
whole command time, its time beyond the report's queries above (target <= 0.35 s: start-up, imports,
config, rendering) and peak RSS. Beside it, not a target, the same run's time beyond its own
queries as its `--timings` reports them: the queries of a new process, on a new connection, run
slower and vary more than the best of rounds in this one, and that line tells the two apart.
Then the floor under both: a new interpreter importing only SQLAlchemy, the driver and its dialect
(`LIBRARIES`), which no command reading that database can start faster than.
`--golden FILE` saves its JSON output (FILE.<dialect>.json, clock
fields dropped) when missing, else compares with it and fails on a difference.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import random
import re
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from _processes import process_cpu  # beside this script

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

BRANDS, CHANNELS_PER_BRAND, DAYS = 5, 10, 365
BRAND, ZONE, SLA_MINUTES, TOP_WAITING = "b0", "America/Mexico_City", 240, 20
END = datetime(2026, 11, 1, tzinfo=UTC)
WORDS = [
    "servicio",
    "lento",
    "pedido",
    "frío",
    "excelente",
    "pan",
    "rico",
    "demora",
    "atención",
    "amable",
    "caro",
    "precio",
    "entrega",
    "service",
    "slow",
    "order",
    "cold",
    "great",
    "bread",
    "tasty",
    "delay",
    "staff",
    "friendly",
    "expensive",
    "price",
    "delivery",
]
LABELS = ("positive", "neutral", "negative", "negative", "positive", None)
CLOCK_FIELDS = {"generated_at", "age_minutes"}  # the JSON's values that depend on when it runs
SECTIONS = (
    "responses",
    "trend",
    "engagement",
    "worst_comments",
    "coverage",
    "previous_period",
    "channel_overview",
)
# The report's timings (see analytics.build_report) per section: pairing is shared by two metrics.
REPORT_PARTS = {
    "reply_pairing": "responses",
    "response_times": "responses",
    "needs_reply": "responses",
    "trend": "trend",
    "engagement": "engagement",
    "worst_comments": "worst_comments",
    "coverage": "coverage",
    "previous_period": "previous_period",
}
TARGET_VS_SQL, TARGET_PG_VS_SQLITE = 1.3, 1.2
TARGET_BEYOND_QUERIES = 0.35  # seconds of the whole command beyond its queries (start-up, imports, rendering)

POST_COLUMNS = (
    "id, channel_id, platform_id, author_id, author_name, is_business, text, url, created_at, deleted,"
    " like_count, comment_count, share_count, record_hash, first_seen_at, updated_at"
)
COMMENT_COLUMNS = (
    "id, channel_id, platform_id, kind, post_platform_id, parent_platform_id, author_id, author_name,"
    " is_business, text, url, created_at, deleted, rating, sentiment_label, sentiment_compound, record_hash,"
    " first_seen_at, updated_at"
)


def stamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M:%S.%f")


# --- the rows -------------------------------------------------------------------------------


class Rows:
    """The benchmark's rows, the same on every database (ids given, times as UTC text)."""

    def __init__(self, comments: int, seed: int = 7) -> None:
        self.comments = comments
        self.rng = random.Random(seed)
        self.start = END - timedelta(days=DAYS)
        self.now = stamp(END)
        self.brands = [(b + 1, f"b{b}", f"Brand {b}", ZONE, "es", SLA_MINUTES) for b in range(BRANDS)]
        self.channels = [
            (b * CHANNELS_PER_BRAND + c + 1, b + 1, f"ch{c}", "file", "")
            for b in range(BRANDS)
            for c in range(CHANNELS_PER_BRAND)
        ]
        self.posts_per_channel = DAYS * 2

    def posts(self) -> list[tuple[Any, ...]]:
        rng, now, rows = self.rng, self.now, []
        for channel_id, *_ in self.channels:
            for p in range(self.posts_per_channel):
                created = self.start + timedelta(hours=12 * p + rng.random() * 6)
                rows.append((len(rows) + 1, channel_id, f"p{p}", "biz", "Biz", True, f"post {p}", None,
                             stamp(created), False, rng.randint(0, 200), rng.randint(0, 50), rng.randint(0, 20),
                             "h", now, now))  # fmt: skip
        return rows

    def comment_rows(self) -> Iterator[tuple[Any, ...]]:
        """Customer comments, a fifth of them replies to the one before, and business replies to
        55% of them after an exponential wait (mean 5 h). Call after `posts` (one random stream)."""
        rng, now, start = self.rng, self.now, self.start
        made = 0
        per_channel = int(self.comments / 1.55) // len(self.channels)
        for channel_id, *_ in self.channels:
            for i in range(per_channel):
                if made >= self.comments:
                    return
                p = rng.randrange(self.posts_per_channel)
                created = start + timedelta(hours=12 * p + 6 + rng.random() * 48)
                parent = f"c{i - 1}" if i and rng.random() < 0.2 else None
                label = rng.choice(LABELS)
                text = " ".join(rng.choices(WORDS, k=6))
                made += 1
                yield (made, channel_id, f"c{i}", "reply" if parent else "comment", f"p{p}", parent,
                       f"u{rng.randrange(5000)}", "Cliente", False, text, f"https://example.com/c{i}",
                       stamp(created), False, None, label, None if label is None else rng.uniform(-1, 1),
                       "h", now, now)  # fmt: skip
                if rng.random() < 0.55 and made < self.comments:
                    reply_at = created + timedelta(minutes=rng.expovariate(1 / 300))
                    made += 1
                    yield (made, channel_id, f"r{i}", "reply", f"p{p}", f"c{i}", "biz", "Biz", True, "¡Gracias!",
                           None, stamp(reply_at), False, None, None, None, "h", now, now)  # fmt: skip


def marker(comments: int) -> str:
    return f"socialmon bench_report: {comments} comments, seed 7"


def build_sqlite(path: Path, comments: int) -> None:
    from socialmon.database import open_database

    open_database(f"sqlite:///{path}").dispose()
    rows = Rows(comments)
    connection = sqlite3.connect(path)
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("PRAGMA synchronous=OFF")
    connection.executemany(
        "INSERT INTO brand (id, slug, name, timezone, language, response_sla_minutes) VALUES (?, ?, ?, ?, ?, ?)",
        rows.brands,
    )
    connection.executemany(
        "INSERT INTO channel (id, brand_id, name, platform, account) VALUES (?, ?, ?, ?, ?)", rows.channels
    )
    connection.executemany(f"INSERT INTO post ({POST_COLUMNS}) VALUES ({', '.join('?' * 16)})", rows.posts())
    connection.executemany(
        f"INSERT INTO comment ({COMMENT_COLUMNS}) VALUES ({', '.join('?' * 19)})", rows.comment_rows()
    )
    connection.commit()  # no ANALYZE: socialmon never runs it, so a user's database has no statistics
    connection.close()


def _psycopg_url(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def ensure_postgresql(url: str, comments: int) -> bool:
    """Create and fill the database unless it already holds this size; True when it was built."""
    import psycopg
    from sqlalchemy.engine import make_url

    name = make_url(url).database or ""
    if not name.startswith("bench"):
        sys.exit(f"{name!r}: the benchmark fills (and may drop) only a database named bench…")
    admin = _psycopg_url(str(make_url(url).set(database="postgres")))
    with psycopg.connect(admin, autocommit=True) as connection:
        exists = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
    if exists:
        with psycopg.connect(_psycopg_url(url)) as connection:
            found = connection.execute(
                "SELECT obj_description(to_regclass('comment'), 'pg_class')"
            ).fetchone()
        if found and found[0] == marker(comments):
            return False
        with psycopg.connect(admin, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    from socialmon.database import open_database

    open_database(url).dispose()
    rows = Rows(comments)
    with psycopg.connect(_psycopg_url(url)) as connection:
        connection.execute("SET TIME ZONE 'UTC'")  # the rows' times are UTC text
        with connection.cursor() as cursor:
            tables = [
                ("brand", "id, slug, name, timezone, language, response_sla_minutes", rows.brands),
                ("channel", "id, brand_id, name, platform, account", rows.channels),
                ("post", POST_COLUMNS, rows.posts()),
                ("comment", COMMENT_COLUMNS, rows.comment_rows()),
            ]
            for table, columns, values in tables:
                with cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                    for row in values:
                        copy.write_row(row)
                cursor.execute(f"SELECT setval('{table}_id_seq', (SELECT max(id) FROM {table}))")
            cursor.execute(f"COMMENT ON TABLE comment IS '{marker(comments)}'")
    with psycopg.connect(_psycopg_url(url), autocommit=True) as connection:
        connection.execute("VACUUM ANALYZE")  # statistics, and the visibility map index-only scans need
    return True


# Every brand's opening hours (and the hand-written reference's, see `business_sla_limit`).
HOURS = {
    **{day: "09:00-18:00" for day in ("monday", "tuesday", "wednesday", "thursday", "friday")},
    "saturday": "09:00-13:00",
    "holidays": "MX",
}


def write_config(path: Path, database: str) -> Path:
    hours = "".join(f'{key} = "{value}"\n' for key, value in HOURS.items())
    brands = "".join(
        f'[[brands]]\nname = "Brand {b}"\nslug = "b{b}"\ntimezone = "{ZONE}"\nlanguage = "es"\n'
        f'response_sla = "4h"\n[brands.business_hours]\n{hours}\n'
        for b in range(BRANDS)
    )
    path.write_text(f'database = "{database}"\n\n{brands}', encoding="utf-8")
    return path


# --- the hand-written reference -------------------------------------------------------------


def business_sla_limit(now: datetime) -> datetime:
    """Written at this instant or before, a comment still waiting is past the 4 h SLA in the brands'
    opening hours (`write_config`'s), as the report and the `waiting` alert count it: one instant,
    found once in Python (as the report finds it), not a computation per row."""
    from socialmon.analytics.business_time import BusinessCalendar
    from socialmon.config import BusinessHours

    limit = BusinessCalendar(BusinessHours(**HOURS), ZONE).span_start(now, SLA_MINUTES * 60)
    assert limit is not None
    return limit


# The effective label (analytics.responses.effective_label): a correction, else stars, else the score.
LABEL = (
    "coalesce(c.label_override, CASE WHEN c.rating IS NULL THEN NULL WHEN c.rating < 2.5 THEN 'negative'"
    " WHEN c.rating < 3.5 THEN 'neutral' ELSE 'positive' END, c.sentiment_label)"
)


class Reference:
    """Hand-written SQL for the report's figures of one brand and window, in one dialect."""

    def __init__(self, database: Any, since: datetime, until: datetime, previous_since: datetime) -> None:
        from sqlalchemy import text

        self.database, self.text = database, text
        self.pg = database.dialect == "postgresql"
        self.since, self.until, self.previous_since = since, until, previous_since
        with database.read() as connection:
            self.channels = dict(
                connection.execute(
                    text(
                        "SELECT ch.id, ch.name FROM channel ch JOIN brand b ON b.id = ch.brand_id WHERE b.slug = :s"
                    ),
                    {"s": BRAND},
                ).all()
            )
        self.channel_ids = sorted(self.channels)
        self.ids = ", ".join(str(i) for i in self.channel_ids)
        self.true, self.false = ("true", "false") if self.pg else ("1", "0")
        # The local week each comment falls in: PostgreSQL converts; for SQLite the zone's one UTC
        # offset over the window (Mexico City has kept one since 2022), as a day number.
        if self.pg:
            self.week = (
                "to_char(date_trunc('week', c.created_at AT TIME ZONE 'America/Mexico_City'), 'YYYY-MM-DD')"
            )
        else:
            offsets = {
                ZoneInfo(ZONE).utcoffset(previous_since + timedelta(hours=h)) for h in range(0, 24 * 200, 6)
            }
            assert len(offsets) == 1, "the hand-written SQLite week assumes one UTC offset"
            offset = int(offsets.pop().total_seconds())  # type: ignore[union-attr]
            self.week = f"(unixepoch(c.created_at) + {offset} + 62135596800) / 604800 * 7"

    def _at(self, moment: datetime) -> Any:
        return moment if self.pg else stamp(moment)

    def _run(self, sql: str, **params: Any) -> list[Any]:
        bound = {k: self._at(v) if isinstance(v, datetime) else v for k, v in params.items()}
        with self.database.read() as connection:
            return connection.execute(self.text(sql), bound).all()

    def _customer(self, alias: str = "c") -> str:
        return (
            f"{alias}.channel_id IN ({self.ids}) AND {alias}.is_business = {self.false}"
            f" AND {alias}.deleted = {self.false} AND {alias}.created_at >= :since AND {alias}.created_at < :until"
        )

    def responses(self, since: datetime, until: datetime, oldest: int, now: datetime) -> dict[str, Any]:
        """Waits per comment (first business reply: direct, or later in the same thread), their
        statistics overall, per channel and per week, and the comments still waiting."""
        t = self.true
        wait = (
            "CASE WHEN reply IS NOT NULL THEN greatest(extract(epoch FROM reply - created_at), 0)::float8 END"
            if self.pg
            else "max(unixepoch(reply) - unixepoch(created_at), 0)"
        )
        materialized = "MATERIALIZED"
        sql = f"""
        WITH c AS {materialized} (
          SELECT c.id, c.channel_id, c.created_at, {self.week} AS period, {LABEL} AS label,
            (SELECT min(r.created_at) FROM comment r WHERE r.channel_id = c.channel_id
               AND r.parent_platform_id = c.platform_id AND r.is_business = {t}) AS direct,
            (SELECT min(r.created_at) FROM comment r WHERE r.channel_id = c.channel_id
               AND r.parent_platform_id = c.parent_platform_id AND r.is_business = {t}
               AND r.created_at > c.created_at) AS sibling
          FROM comment c WHERE {self._customer()}
        ), t AS {materialized} (
          SELECT id, channel_id, created_at, period, label, reply, {wait} AS wait FROM (
            SELECT c.*, CASE WHEN direct IS NULL THEN sibling
                             WHEN sibling IS NULL OR direct <= sibling THEN direct ELSE sibling END AS reply
            FROM c) x
        )
        {" UNION ALL ".join(_wait_statistics(key) for key in ("'all'", "channel_id", "period"))}
        UNION ALL
        SELECT 'waiting', '', count(*), count(*) FILTER (WHERE label = 'negative'), NULL,
               count(*) FILTER (WHERE created_at <= :sla_limit), NULL, NULL
        FROM t WHERE reply IS NULL
        UNION ALL
        SELECT * FROM (
          SELECT 'oldest', CAST(id AS TEXT), 0, 0, 0.0, 0, 0.0, 0.0 FROM t
          WHERE reply IS NULL ORDER BY created_at, id LIMIT {oldest}) o
        """
        sla_limit = business_sla_limit(now)
        rows = self._run(sql, since=since, until=until, sla=SLA_MINUTES * 60, sla_limit=sla_limit)
        result: dict[str, Any] = {"groups": {}, "oldest": []}
        for grp, key, comments, answered, mean, within, median, p90 in rows:
            key = "" if grp == "all" else str(key)
            if grp == "waiting":
                result["waiting"] = (comments, answered, within)
            elif grp == "oldest":
                result["oldest"].append(int(key))
            else:
                minutes = [None if v is None else float(v) / 60 for v in (mean, median, p90)]
                result["groups"][grp, key] = (comments, answered, *minutes, within)
        if result["oldest"]:
            details = self._run(
                f"SELECT c.id, ch.name, c.platform_id, coalesce(c.author_name, c.author_id), c.created_at, {LABEL},"
                f" c.sentiment_compound, c.text, c.url, c.sentiment_mixed, c.post_platform_id FROM comment c"
                f" JOIN channel ch ON ch.id = c.channel_id WHERE c.id IN ({', '.join(map(str, result['oldest']))})"
                " ORDER BY c.created_at, c.id"
            )
            result["oldest"] = [(row[1], row[2]) for row in details]
        return result

    def sentiment(self, since: datetime, until: datetime) -> tuple[int, int, int, int]:
        (row,) = self._run(
            f"SELECT count(*), count(*) FILTER (WHERE {LABEL} = 'positive'),"
            f" count(*) FILTER (WHERE {LABEL} = 'neutral'), count(*) FILTER (WHERE {LABEL} = 'negative')"
            f" FROM comment c WHERE {self._customer()}",
            since=since,
            until=until,
        )
        return tuple(int(v) for v in row)  # type: ignore[return-value]

    def trend(self, latest: datetime, previous: datetime) -> dict[str, Any]:
        """Per week: comments, labels, ratings; and the negative texts of the last two weeks."""
        rows = self._run(
            f"SELECT {self.week}, count(*), count(*) FILTER (WHERE {LABEL} = 'positive'),"
            f" count(*) FILTER (WHERE {LABEL} = 'neutral'), count(*) FILTER (WHERE {LABEL} = 'negative'),"
            f" count(c.rating), avg(c.rating) FROM comment c WHERE {self._customer()} GROUP BY 1",
            since=self.since,
            until=self.until,
        )
        periods = {_week(start): tuple(rest) for start, *rest in rows}
        texts = self._run(
            f"SELECT c.created_at >= :latest, c.text FROM comment c WHERE {self._customer()}"
            f" AND {LABEL} = 'negative' AND c.text <> ''",
            since=max(previous, self.since),
            until=self.until,
            latest=latest,
        )
        now_texts = [text for latest_, text in texts if latest_]
        before_texts = [text for latest_, text in texts if not latest_]
        return {"periods": periods, "rising": _rising(now_texts, before_texts)}

    def engagement(self) -> dict[str, Any]:
        """Per post in the window: reactions; per channel totals, the busiest 20, top 5 each way."""
        f, t = self.false, self.true
        reactions = (
            f"count(*) FILTER (WHERE c.is_business = {f}) AS comments,"
            f" count(*) FILTER (WHERE c.is_business = {t}) AS replies,"
            f" count(*) FILTER (WHERE c.is_business = {f} AND {LABEL} = 'positive') AS positive,"
            f" count(*) FILTER (WHERE c.is_business = {f} AND {LABEL} = 'negative') AS negative"
        )
        posts = (
            f"p.channel_id IN ({self.ids}) AND p.created_at >= :since AND p.created_at < :until"
            f" AND p.deleted = {f}"
        )
        columns = (
            "p.channel_id, p.platform_id, p.created_at, p.text, p.url, coalesce(p.like_count, 0) AS likes,"
            " coalesce(p.share_count, 0) AS shares"
        )
        if self.pg:  # a post's comments by index, never a scan of every comment
            per_post = (
                f"SELECT {columns}, x.* FROM post p CROSS JOIN LATERAL (SELECT {reactions} FROM comment c"
                f" WHERE c.channel_id = p.channel_id AND c.post_platform_id = p.platform_id"
                f" AND c.deleted = {f}) x WHERE {posts}"
            )
        else:
            per_post = (
                f"SELECT {columns}, {reactions.replace('count(*)', 'count(c.id)')} FROM post p LEFT JOIN comment c"
                f" ON c.channel_id = p.channel_id AND c.post_platform_id = p.platform_id AND c.deleted = {f}"
                f" WHERE {posts} GROUP BY p.id"
            )
        listed = "channel_id, platform_id, likes, comments, replies, positive, negative"
        order = "created_at DESC, platform_id"
        sql = f"""
        WITH p AS MATERIALIZED ({per_post})
        SELECT 'channel', channel_id, CAST(count(*) AS TEXT), sum(likes), sum(comments), sum(replies), 0, 0
        FROM p GROUP BY channel_id
        UNION ALL SELECT * FROM (SELECT 'busy', {listed} FROM p ORDER BY comments + likes DESC, {order} LIMIT 20) b
        UNION ALL SELECT * FROM (SELECT 'negative', {listed} FROM p WHERE negative > 0
                                 ORDER BY negative DESC, comments DESC, {order} LIMIT 5) n
        UNION ALL SELECT * FROM (SELECT 'positive', {listed} FROM p WHERE positive > 0
                                 ORDER BY positive DESC, comments DESC, {order} LIMIT 5) q
        """
        result: dict[str, Any] = {"channel": {}, "busy": [], "negative": [], "positive": []}
        for kind, channel_id, *rest in self._run(sql, since=self.since, until=self.until):
            if kind == "channel":
                posts_, likes, comments, replies = rest[:4]
                result["channel"][channel_id] = (int(posts_), int(comments), int(replies), int(likes))
            else:
                result[kind].append((channel_id, *rest))
        return result

    def worst_comments(self) -> list[str]:
        rows = self._run(
            f"SELECT ch.name, coalesce(c.author_name, c.author_id), c.created_at, {LABEL}, c.sentiment_compound,"
            f" c.text, c.url, c.platform_id FROM comment c JOIN channel ch ON ch.id = c.channel_id"
            f" WHERE {self._customer()} AND {LABEL} = 'negative'"
            " ORDER BY coalesce(c.sentiment_compound, 0), c.created_at, c.id LIMIT 5",
            since=self.since,
            until=self.until,
        )
        return [row[-1] for row in rows]

    def coverage(self) -> tuple[int, str]:
        (row,) = self._run(
            "SELECT count(*) FILTER (WHERE c.created_at >= :since AND c.created_at < :until), max(c.created_at)"
            f" FROM comment c WHERE c.channel_id IN ({self.ids}) AND c.is_business = {self.false}"
            f" AND c.deleted = {self.false}",
            since=self.since,
            until=self.until,
        )
        return int(row[0]), str(row[1])[:19]

    def channel_overview(self) -> list[tuple[Any, ...]]:
        f = self.false
        chosen = "SELECT ch.id FROM channel ch JOIN brand b ON b.id = ch.brand_id WHERE b.slug = :slug"
        rows = self._run(
            f"""
            SELECT ch.name, coalesce(p.posts, 0), coalesce(x.comments, 0), coalesce(x.positive, 0),
                   coalesce(x.neutral, 0), coalesce(x.negative, 0), coalesce(w.pending, 0)
            FROM channel ch JOIN brand b ON b.id = ch.brand_id
            LEFT JOIN (SELECT channel_id, count(*) AS posts FROM post
                       WHERE channel_id IN ({chosen}) AND kind <> 'conversation' GROUP BY channel_id) p
              ON p.channel_id = ch.id
            LEFT JOIN (SELECT c.channel_id, count(*) AS comments,
                              count(*) FILTER (WHERE {LABEL} = 'positive') AS positive,
                              count(*) FILTER (WHERE {LABEL} = 'neutral') AS neutral,
                              count(*) FILTER (WHERE {LABEL} = 'negative') AS negative
                       FROM comment c WHERE c.channel_id IN ({chosen}) AND c.is_business = {f}
                         AND c.deleted = {f}
                       GROUP BY c.channel_id) x ON x.channel_id = ch.id
            LEFT JOIN (SELECT channel_id, count(*) AS pending FROM pending_thread
                       WHERE channel_id IN ({chosen}) GROUP BY channel_id) w ON w.channel_id = ch.id
            WHERE b.slug = :slug ORDER BY ch.name
            """,
            slug=BRAND,
        )
        return [tuple(row) for row in rows]

    def sections(self, now: datetime, weeks: tuple[datetime, datetime]) -> dict[str, Callable[[], Any]]:
        def previous() -> Any:
            return (
                self.responses(self.previous_since, self.since, 0, now),
                self.sentiment(self.previous_since, self.since),
            )

        return {
            "responses": lambda: self.responses(self.since, self.until, TOP_WAITING, now),
            "trend": lambda: self.trend(*weeks),
            "engagement": self.engagement,
            "worst_comments": self.worst_comments,
            "coverage": self.coverage,
            "previous_period": previous,
            "channel_overview": self.channel_overview,
        }


def _wait_statistics(key: str) -> str:
    """Comments, answered, mean, within the SLA, and the median and p90 interpolated as
    PostgreSQL's percentile_cont, of the waits in `t` per `key`: one window pass per grouping
    (one pass over the three groupings together, by a text key, took twice as long on SQLite)."""
    name = key.strip("'").replace("_id", "")
    return f"""
        SELECT '{name}' AS grp, CAST(key AS TEXT), count(*), count(wait), avg(wait), count(*) FILTER (WHERE wait <= :sla),
          sum(CASE WHEN i = (n - 1) / 2 THEN wait * (1 - ((n - 1) % 2) / 2.0)
                   WHEN i = (n - 1) / 2 + 1 THEN wait * (((n - 1) % 2) / 2.0) END),
          sum(CASE WHEN i = (n - 1) * 9 / 10 THEN wait * (1 - ((n - 1) * 9 % 10) / 10.0)
                   WHEN i = (n - 1) * 9 / 10 + 1 THEN wait * (((n - 1) * 9 % 10) / 10.0) END)
        FROM (SELECT {key} AS key, wait, row_number() OVER w - 1 AS i, count(wait) OVER (PARTITION BY {key}) AS n
              FROM t WINDOW w AS (PARTITION BY {key} ORDER BY wait NULLS LAST)) s
        GROUP BY 2"""


def _week(value: Any) -> str:
    """A week as the reference gives it (text, or SQLite's day number) -> its first day, ISO."""
    if isinstance(value, int) or (isinstance(value, str) and value.isdigit()):
        return date.fromordinal(int(value) + 1).isoformat()
    return str(value)


def _rising(now_texts: list[str], before_texts: list[str], limit: int = 10) -> list[tuple[str, int]]:
    """Splitting texts into words is Python in the report too (socialmon.analytics._terms)."""
    from socialmon.analytics._terms import terms

    if not now_texts:
        return []
    now_counts = Counter(term for text in now_texts for term in terms(text))
    before_counts = Counter(term for text in before_texts for term in terms(text))
    found = []
    for term, count in now_counts.items():
        share = count / len(now_texts)
        before = before_counts[term] / len(before_texts) if before_texts else 0.0
        if count >= 2 and share > before:
            found.append((-(share - before), -term.count(" "), term, count))
    return [(term, count) for _, _, term, count in sorted(found)[:limit]]


# --- the report, and the check that the reference computes its figures ----------------------


def run_report(
    database: Any, config: Any, since: datetime, until: datetime
) -> tuple[Any, Any, dict[str, float]]:
    """The report's sections as `socialmon report` computes them, and seconds per section."""
    from socialmon.report import build_reports, channel_summaries

    (report,) = build_reports(database, config, brand=BRAND, since=since, until=until, period="week")
    started = time.perf_counter()
    overview = channel_summaries(database, BRAND, None)
    seconds = dict.fromkeys(SECTIONS, 0.0)
    seconds["channel_overview"] = time.perf_counter() - started
    for name, spent in report.timings.items():
        # (On PostgreSQL the previous period is paired alongside the sections, in a thread: its
        # seconds overlap theirs, and `previous_period` counts the wait for it.)
        if name != "previous_pairing_alongside":
            seconds[REPORT_PARTS[name]] += spent
    return report, overview, seconds


def _close(a: Any, b: Any) -> bool:
    if isinstance(a, float) or isinstance(b, float):
        return a is not None and b is not None and abs(float(a) - float(b)) <= 1e-6 * max(1.0, abs(float(a)))
    return a == b


def differences(report: Any, overview: Any, ref: dict[str, Any], channels: dict[int, str]) -> list[str]:
    """Where the reference's figures differ from the report's (an empty list: the same figures)."""
    found: list[str] = []

    def same(what: str, mine: Any, theirs: Any) -> None:
        if isinstance(mine, (list, tuple)) and isinstance(theirs, (list, tuple)) and len(mine) == len(theirs):
            if all(_close(a, b) for a, b in zip(mine, theirs, strict=True)):
                return
        elif _close(mine, theirs):
            return
        found.append(f"{what}: report {mine!r}, hand SQL {theirs!r}")

    def figures(group: Any) -> tuple[Any, ...]:
        w = group.wall
        return (group.comments, group.answered, w.mean, w.median, w.p90, w.within_sla)

    times, responses = report.response_times, ref["responses"]
    same("responses overall", figures(times.overall), responses["groups"]["all", ""])
    by_name = {name: str(id_) for id_, name in channels.items()}
    for group in times.by_channel:
        same(f"responses {group.key}", figures(group), responses["groups"]["channel", by_name[group.key]])
    periods = {_week(key): value for (grp, key), value in responses["groups"].items() if grp == "period"}
    for group in times.by_period:
        same(f"responses week {group.key}", figures(group), periods.get(group.key))
    waiting = report.needs_reply
    same("waiting", (waiting.total, waiting.negative, waiting.over_sla), responses["waiting"])
    same("oldest waiting", [(i.channel, i.platform_id) for i in waiting.items], responses["oldest"])
    trend = report.trend
    for period in trend.periods:
        mine = (period.comments, period.positive, period.neutral, period.negative, period.rated)
        theirs = ref["trend"]["periods"].get(period.start.isoformat())
        same(f"trend {period.start}", mine, tuple(theirs[:5]) if theirs else (0, 0, 0, 0, 0))
    same("rising terms", [(t.term, t.count) for t in trend.rising_terms], ref["trend"]["rising"])
    engagement, theirs_e = report.engagement, ref["engagement"]
    for row in engagement.by_channel:
        channel_id = int(by_name[row.channel])
        same(f"engagement {row.channel}", (row.posts, row.comments, row.replies, row.likes),
             theirs_e["channel"].get(channel_id, (0, 0, 0, 0)))  # fmt: skip
    for name, listed in (("busy", engagement.posts), ("negative", engagement.top_negative),
                         ("positive", engagement.top_positive)):  # fmt: skip
        mine = [(int(by_name[p.channel]), p.platform_id, p.likes, p.comments, p.replies, p.positive, p.negative)
                for p in listed]  # fmt: skip
        same(
            f"engagement {name}",
            mine,
            [tuple(int(v) if i != 1 else v for i, v in enumerate(r)) for r in theirs_e[name]],
        )
    same("worst comments", [w.platform_id for w in report.worst_comments], ref["worst_comments"])
    newest = report.newest_comment_at.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S")
    same("coverage", (report.comments_in_window, newest), ref["coverage"])
    same("channel overview",
         [(s.channel, s.posts, s.comments, s.positive, s.neutral, s.negative, s.pending_threads) for s in overview],
         ref["channel_overview"])  # fmt: skip
    previous_responses, (count, positive, _, negative) = ref["previous_period"]
    groups = previous_responses["groups"]["all", ""]
    figures_ = report.previous.figures
    scored = sum(ref["previous_period"][1][1:])
    same("previous period",
         (figures_.response_minutes, figures_.response_rate, figures_.within_sla_share, figures_.needs_reply,
          figures_.customer_comments, figures_.net_sentiment),
         (groups[3], groups[1] / groups[0], groups[5] / groups[0], previous_responses["waiting"][0], count,
          (positive - negative) / scored))  # fmt: skip
    return found


# --- the whole command and the golden output ------------------------------------------------


def without_clock(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: without_clock(v) for k, v in value.items() if k not in CLOCK_FIELDS}
    if isinstance(value, list):
        return [without_clock(v) for v in value]
    return value


def first_difference(a: Any, b: Any, path: str = "") -> str | None:
    if isinstance(a, dict) and isinstance(b, dict):
        for key in sorted(set(a) | set(b)):
            if key not in a or key not in b:
                return f"{path}.{key}: only in {'golden' if key in a else 'this run'}"
            found = first_difference(a[key], b[key], f"{path}.{key}")
            if found:
                return found
        return None
    if isinstance(a, list) and isinstance(b, list):
        if len(a) != len(b):
            return f"{path}: {len(a)} items in golden, {len(b)} now"
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            found = first_difference(x, y, f"{path}[{i}]")
            if found:
                return found
        return None
    return None if a == b else f"{path}: golden {a!r}, now {b!r}"


# The report process says its own peak RSS as it exits (VmHWM): what wait4 gives as ru_maxrss
# also carries, across the exec that starts it, the peak of the process that forked it, here
# this benchmark (108 MB reported for a report whose own peak was 82 MB).
_REPORT = """
import atexit, runpy, sys

def report():
    with open("/proc/self/status") as status:
        peak = next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))
    sys.stderr.write(f"\\nbench-peak-kib {peak}\\n")

atexit.register(report)
sys.argv = ["socialmon", *sys.argv[1:]]
runpy.run_module("socialmon", run_name="__main__", alter_sys=True)
"""


def own_queries(stderr: str) -> float:
    """Seconds the run's sections and channel overview took, as its `--timings` lines say them.

    The previous period's pairing on PostgreSQL runs alongside the sections (its wait is in
    `previous_period`), so it is not added again.
    """
    found = re.findall(r"^\S+ (\w+): ([0-9.]+) ms$", stderr, re.MULTILINE)
    if not found:
        sys.exit(f"the report printed no --timings lines:\n{stderr}")
    return sum(float(ms) for name, ms in found if name != "previous_pairing_alongside") / 1000


def _command_env(folder: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SOCIALMON_")}
    env["PYTHONPATH"] = str(REPO)
    # Bytecode cached beside the database, never in the source tree, even where the
    # environment turns writing it off (a compile on every run is not what users see).
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = str(folder / "pycache")
    return env


# What any command reading the database imports before it does anything: SQLAlchemy, the driver
# and SQLAlchemy's dialect for it (on PostgreSQL the dialect package loads every driver's dialect).
LIBRARIES = {
    "sqlite": "import sqlalchemy, sqlite3, sqlalchemy.dialects.sqlite.pysqlite",
    "postgresql": "import sqlalchemy, psycopg, sqlalchemy.dialects.postgresql.psycopg",
}


def libraries_alone(folder: Path, dialect: str, rounds: int) -> float:
    """Best wall time of a new interpreter importing only `LIBRARIES[dialect]` (after one untimed),
    of `rounds` runs and at least 5 (a run takes a third of a second): the floor under the whole
    command's time beyond its queries, on this machine at this moment."""
    command = [sys.executable, "-c", LIBRARIES[dialect]]
    env = _command_env(folder)
    subprocess.run(command, env=env, check=True)
    best = float("inf")
    for _ in range(max(rounds, 5)):
        started = time.perf_counter()
        subprocess.run(command, env=env, check=True)
        best = min(best, time.perf_counter() - started)
    return best


def whole_command(
    folder: Path, config: Path, since: str, until: str, rounds: int
) -> tuple[float, float, float, str]:
    """Best wall time of `rounds` runs (after one untimed), as the queries' best of rounds; the
    best run's own query time (`--timings`); the highest peak RSS of them; the last run's output."""
    command = [sys.executable, "-c", _REPORT, "report", "--brand", BRAND, "--since", since, "--until", until,
               "--format", "json", "--timings", "--config", str(config)]  # fmt: skip
    env = _command_env(folder)
    warm_up = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
    if warm_up.returncode != 0:
        sys.exit(f"report failed ({warm_up.returncode}):\n{warm_up.stderr}")
    elapsed, queries, peak = float("inf"), 0.0, 0
    for _ in range(rounds):
        started = time.perf_counter()
        done = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
        spent = time.perf_counter() - started
        if done.returncode != 0:
            sys.exit(f"report failed ({done.returncode}):\n{done.stderr}")
        if spent < elapsed:
            elapsed, queries = spent, own_queries(done.stderr)
        peak = max(peak, next(
            int(line.split()[1]) for line in done.stderr.splitlines() if line.startswith("bench-peak-kib ")
        ))  # fmt: skip
    return elapsed, queries, peak / 1024, done.stdout  # KiB -> MiB


def golden_check(path: Path, output: str) -> bool:
    found = without_clock(json.loads(output))
    if not path.exists():
        path.write_text(
            json.dumps(found, indent=1, ensure_ascii=False, sort_keys=True) + "\n", encoding="utf-8"
        )
        print(f"golden saved: {path}")
        return True
    difference = first_difference(json.loads(path.read_text(encoding="utf-8")), found)
    print(
        f"golden {path}: {'identical (clock fields aside)' if difference is None else 'DIFFERS ' + difference}"
    )
    return difference is None


# --- main -----------------------------------------------------------------------------------


# The indexes the report's queries read (migrations 0003, 0005, 0010, 0016), with their columns.
REPORT_INDEXES = {
    ("post", "ix_post_channel_created"): ["channel_id", "created_at"],
    ("comment", "ix_comment_reply_lookup"): ["channel_id", "parent_platform_id", "is_business", "created_at"],
    ("comment", "ix_comment_report_window"): ["channel_id", "created_at", "is_business", "deleted", "platform_id",
                                              "parent_platform_id", "sentiment_label", "label_override", "rating",
                                              "sentiment_compound", "is_acknowledgement"],
    ("comment", "ix_comment_post_reactions"): ["channel_id", "post_platform_id", "deleted", "is_business",
                                               "sentiment_label", "label_override", "rating"],
}  # fmt: skip


def missing_indexes(database: Any) -> list[str]:
    """The report's indexes absent from the database, or present with other columns."""
    from sqlalchemy import inspect

    inspector = inspect(database.engine)
    found = {
        (table, index["name"]): index["column_names"] for table in ("post", "comment")
        for index in inspector.get_indexes(table)
    }  # fmt: skip
    return [name for key, columns in REPORT_INDEXES.items() if found.get(key) != columns for name in key[1:]]


def server_processes(database: Any) -> list[int]:
    """The PostgreSQL backends serving this benchmark's connections (none for SQLite)."""
    if database.dialect != "postgresql":
        return []
    from sqlalchemy import text

    query = text("SELECT pid FROM pg_stat_activity WHERE datname = current_database()")  # this one's too
    with database.read() as connection:
        return list(connection.execute(query).scalars())


def cpu_seconds(pids: list[int]) -> float:
    """CPU time of this process and of the given local processes (PostgreSQL's backends): less
    disturbed by other work on a shared machine than wall time. A backend's time counts in ticks
    (10 ms), so only a whole round's total is printed."""
    return time.process_time() + sum(process_cpu(pid) or 0.0 for pid in pids)  # not local, or gone: 0


def load() -> str:
    return "load {:.2f} {:.2f} {:.2f}".format(*os.getloadavg())


def verdict(ratio: float, target: float) -> str:
    return f"(target <= {target}x) {'OK' if ratio <= target else 'SLOW'}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--comments", type=int, default=1_000_000)
    parser.add_argument("--keep", type=Path, help="build (or reuse) the SQLite database in this folder")
    parser.add_argument(
        "--database", action="append", help="'sqlite' (default) or a PostgreSQL URL; repeatable"
    )
    parser.add_argument("--rounds", type=int, default=5, help="timed rounds; the best of each is kept")
    parser.add_argument("--golden", type=Path, help="save the JSON report here (.<dialect>.json), or compare")
    args = parser.parse_args()
    from socialmon.config import load_config
    from socialmon.database import open_database

    folder = args.keep or Path(tempfile.mkdtemp(prefix="socialmon-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    urls = args.database or ["sqlite"]
    targets: list[tuple[str, str, Path]] = []  # (dialect, url, config)
    for url in urls:
        started = time.perf_counter()
        if url == "sqlite":
            path = folder / f"bench-{args.comments}.db"
            if not path.exists():
                build_sqlite(path, args.comments)
                print(
                    f"generated {args.comments:,} comments in {time.perf_counter() - started:.1f} s: {path}"
                )
            url, dialect = f"sqlite:///{path}", "sqlite"
            config = write_config(folder / "socialmon-sqlite.toml", str(path))
        else:
            dialect = "postgresql"
            if ensure_postgresql(url, args.comments):
                print(f"generated {args.comments:,} comments in {time.perf_counter() - started:.1f} s: {url}")
            config = write_config(folder / "socialmon-postgresql.toml", url)
        targets.append((dialect, url, config))

    since_day, until_day = (END - timedelta(days=90)).date(), (END - timedelta(days=1)).date()
    zone = ZoneInfo(ZONE)
    since = datetime.combine(since_day, datetime.min.time(), tzinfo=zone).astimezone(UTC)
    until = datetime.combine(until_day + timedelta(days=1), datetime.min.time(), tzinfo=zone).astimezone(UTC)
    from socialmon.analytics.previous import previous_window

    previous_since, _ = previous_window(since, until, ZONE)
    local_until = (until - timedelta(microseconds=1)).astimezone(zone).date()
    latest_day = local_until - timedelta(days=local_until.weekday())
    weeks = tuple(
        datetime.combine(d, datetime.min.time(), tzinfo=zone).astimezone(UTC)
        for d in (latest_day, latest_day - timedelta(days=7))
    )

    ok = True
    runs = []
    for dialect, url, config_path in targets:
        database = open_database(url)
        missing = missing_indexes(database)
        print(
            f"[{dialect}] report indexes: {'all present' if not missing else 'MISSING ' + ', '.join(missing)}"
        )
        ok &= not missing
        config = load_config(config_path)
        reference = Reference(database, since, until, previous_since)
        report, overview, _ = run_report(database, config, since, until)
        now = report.generated_at
        sections = reference.sections(now, weeks)  # type: ignore[arg-type]
        ref = {name: compute() for name, compute in sections.items()}
        found = differences(report, overview, ref, reference.channels)
        if found:
            ok = False
            print(f"[{dialect}] the hand-written SQL does not compute the report's figures:")
            for line in found[:20]:
                print(f"  {line}")
        else:
            print(f"[{dialect}] hand-written SQL checked: the same figures as the report")
        runs.append((dialect, database, config, sections))

    best: dict[tuple[str, str, str], float] = {}
    cpu: dict[tuple[str, str], float] = {}  # (dialect, side) -> best CPU seconds of a whole round
    loads: list[float] = []
    for round_ in range(args.rounds):
        for dialect, database, config, sections in runs:
            for side in ("report", "sql") if round_ % 2 == 0 else ("sql", "report"):
                gc.collect()
                backends = server_processes(database)
                cpu_before = cpu_seconds(backends)
                gc.disable()  # as the command computes a report (see socialmon/_gc.py)
                try:
                    if side == "report":
                        seconds = run_report(database, config, since, until)[2]
                    else:
                        seconds = {}
                        for name, compute in sections.items():
                            started = time.perf_counter()
                            compute()
                            seconds[name] = time.perf_counter() - started
                finally:
                    gc.enable()
                spent_cpu = cpu_seconds(backends) - cpu_before
                cpu[dialect, side] = min(cpu.get((dialect, side), spent_cpu), spent_cpu)
                for name, spent in seconds.items():
                    key = (dialect, side, name)
                    best[key] = min(best.get(key, spent), spent)
        loads.append(os.getloadavg()[0])

    print(f"best of {args.rounds} rounds; 1-minute load during rounds {min(loads):.2f}-{max(loads):.2f}")
    totals: dict[str, float] = {}
    for dialect, *_ in runs:
        for name in SECTIONS:
            mine, theirs = best[dialect, "report", name], best[dialect, "sql", name]
            print(f"[{dialect}] {name:<17} report {mine * 1000:7.1f} ms  hand SQL {theirs * 1000:7.1f} ms"
                  f"  {mine / theirs:5.2f}x {verdict(mine / theirs, TARGET_VS_SQL)}  {load()}")  # fmt: skip
        mine = sum(best[dialect, "report", n] for n in SECTIONS)
        theirs = sum(best[dialect, "sql", n] for n in SECTIONS)
        totals[dialect] = mine
        ok &= mine / theirs <= TARGET_VS_SQL
        print(f"[{dialect}] report queries    report {mine * 1000:7.1f} ms  hand SQL {theirs * 1000:7.1f} ms"
              f"  {mine / theirs:5.2f}x {verdict(mine / theirs, TARGET_VS_SQL)}  {load()}")  # fmt: skip
        mine, theirs = cpu[dialect, "report"], cpu[dialect, "sql"]
        print(f"[{dialect}] report queries, CPU (this process + PostgreSQL's backends) report {mine * 1000:7.1f} ms"
              f"  hand SQL {theirs * 1000:7.1f} ms  {mine / theirs:5.2f}x  {load()}")  # fmt: skip
    if "sqlite" in totals and "postgresql" in totals:
        ratio = totals["postgresql"] / totals["sqlite"]
        ok &= ratio <= TARGET_PG_VS_SQLITE
        print(f"PostgreSQL / SQLite report queries: {totals['postgresql'] * 1000:.1f} ms /"
              f" {totals['sqlite'] * 1000:.1f} ms = {ratio:.2f}x {verdict(ratio, TARGET_PG_VS_SQLITE)}  {load()}")  # fmt: skip
        ratio = cpu["postgresql", "report"] / cpu["sqlite", "report"]
        print(f"PostgreSQL / SQLite report queries, CPU: {cpu['postgresql', 'report'] * 1000:.1f} ms /"
              f" {cpu['sqlite', 'report'] * 1000:.1f} ms = {ratio:.2f}x  {load()}")  # fmt: skip

    for dialect, _, config_path in targets:
        elapsed, own, peak, output = whole_command(
            folder, config_path, since_day.isoformat(), until_day.isoformat(), args.rounds
        )
        print(f"[{dialect}] whole command: {elapsed:.3f} s, peak RSS {peak:.0f} MB (target < 100 MB)"
              f" {'OK' if peak < 100 else 'HIGH'}, JSON {len(output):,} bytes  {load()}")  # fmt: skip
        beyond = elapsed - totals[dialect]
        ok &= beyond <= TARGET_BEYOND_QUERIES
        print(f"[{dialect}] whole command - report queries: {beyond:.3f} s (target <= {TARGET_BEYOND_QUERIES} s)"
              f" {'OK' if beyond <= TARGET_BEYOND_QUERIES else 'SLOW'}  {load()}")  # fmt: skip
        print(f"[{dialect}] whole command - its own queries (its --timings, same run): {elapsed - own:.3f} s"
              f" (start-up, imports, config, opening the database, rendering; not a target)  {load()}")  # fmt: skip
        floor = libraries_alone(folder, dialect, args.rounds)
        print(f"[{dialect}] the libraries alone ({LIBRARIES[dialect]}, a new interpreter):"
              f" {floor:.3f} s (the floor under the line above; not a target)  {load()}")  # fmt: skip
        if args.golden:
            ok &= golden_check(args.golden.with_suffix(f".{dialect}.json"), output)
    if not ok:
        sys.exit(1)


if __name__ == "__main__":
    main()
