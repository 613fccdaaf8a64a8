"""Writing what the scan fetched: brands and channels from the config, pages of records, scan runs.

A page is stored in one transaction together with the cursor that follows it, so a
scan killed at any instant resumes after the last stored page. Writes are batched
dialect upserts (`INSERT … ON CONFLICT`) on the natural key (channel, platform id);
a record whose content hash did not change is not written at all, and a comment is
scored only when it is new or its text changed.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Table, and_, select, update
from sqlalchemy.dialects import postgresql, sqlite

from socialmon.config import BrandConfig, ChannelConfig
from socialmon.database import Database
from socialmon.models import Brand, Channel, Comment, Post, ScanRun, utcnow
from socialmon.sentiment import Scorer, Sentiment
from socialmon_connectors.records import CommentRecord, Page, PostRecord

_BRAND = Brand.__table__
_CHANNEL = Channel.__table__
_POST = Post.__table__
_COMMENT = Comment.__table__
_SCAN_RUN = ScanRun.__table__
_LOOKUP_CHUNK = 500  # ids per IN (...) lookup: well under SQLite's variable limit

_POST_FIELDS = (
    "author_id", "author_name", "is_business", "text", "url", "created_at", "edited_at", "deleted",
    "like_count", "comment_count", "share_count",
)  # fmt: skip
_COMMENT_FIELDS = (
    "kind", "post_platform_id", "parent_platform_id", "author_id", "author_name", "is_business", "text",
    "url", "created_at", "edited_at", "deleted", "like_count", "reply_count", "rating",
)  # fmt: skip
# A platform that deletes a record usually blanks its text and author too ("[deleted]"): the
# deletion is marked, and what was said and who said it stay on record, so a deleted business
# reply still counts as the answer it was.
_KEPT_ON_DELETION = ("text", "author_id", "author_name", "is_business")
_SENTIMENT_FIELDS = (
    "language",
    "sentiment_compound",
    "sentiment_label",
    "sentiment_scorer",
    "sentiment_version",
)


@dataclass
class PageResult:
    new_posts: int = 0
    updated_posts: int = 0
    new_comments: int = 0
    updated_comments: int = 0
    rejected: int = 0

    def add(self, other: PageResult) -> None:
        self.new_posts += other.new_posts
        self.updated_posts += other.updated_posts
        self.new_comments += other.new_comments
        self.updated_comments += other.updated_comments
        self.rejected += other.rejected


@dataclass
class StoreTimings:
    """Seconds spent per stage, so a benchmark can show where a scan's time goes."""

    lookup: float = 0.0
    scoring: float = 0.0
    writing: float = 0.0
    texts_scored: int = 0
    scoring_workers_peak_rss: int = 0  # bytes; 0 when every batch was scored in-process

    @property
    def storage(self) -> float:
        return self.lookup + self.writing


@dataclass
class PreparedPage:
    """A page compared with the database, waiting for its scores before it is written."""

    channel_id: int
    cursor: dict[str, Any] | None
    token_expires_at: datetime | None = None
    post_rows: list[dict[str, Any]] = field(default_factory=list)
    comment_rows: list[dict[str, Any]] = field(default_factory=list)
    rows_to_score: list[dict[str, Any]] = field(default_factory=list)
    result: PageResult = field(default_factory=PageResult)

    @property
    def texts_to_score(self) -> list[str]:
        return [row["text"] for row in self.rows_to_score]


@dataclass(frozen=True)
class ChannelRow:
    id: int
    brand_id: int
    cursor: dict[str, Any] | None


def _hash(values: Iterable[Any]) -> str:
    return hashlib.sha1("\x1f".join("" if v is None else str(v) for v in values).encode()).hexdigest()


def _post_values(record: PostRecord) -> dict[str, Any]:
    values = {
        "author_id": record.author_id,
        "author_name": record.author_name,
        "is_business": record.is_business,
        "text": record.text,
        "url": record.url,
        "created_at": record.created_at,
        "edited_at": record.edited_at,
        "deleted": record.deleted,
        "like_count": record.like_count,
        "comment_count": record.comment_count,
        "share_count": record.share_count,
    }
    values["record_hash"] = _hash(values[name] for name in _POST_FIELDS)
    return values


def _keep_what_was_said(row: dict[str, Any], known: dict[str, Any]) -> None:
    for name in ("text", "author_id", "author_name"):
        if not row[name] and known[name]:
            row[name] = known[name]
    row["is_business"] = row["is_business"] or known["is_business"]


def _comment_values(record: CommentRecord) -> dict[str, Any]:
    values = {
        "kind": record.kind,
        "post_platform_id": record.post_id,
        "parent_platform_id": record.parent_id,
        "author_id": record.author_id,
        "author_name": record.author_name,
        "is_business": record.is_business,
        "text": record.text,
        "url": record.url,
        "created_at": record.created_at,
        "edited_at": record.edited_at,
        "deleted": record.deleted,
        "like_count": record.like_count,
        "reply_count": record.reply_count,
        "rating": record.rating,
    }
    values["record_hash"] = _hash(values[name] for name in _COMMENT_FIELDS)
    return values


class Store:
    def __init__(self, database: Database, scorer: Scorer) -> None:
        self.database = database
        self.scorer = scorer
        self.timings = StoreTimings()

    # --- brands and channels --------------------------------------------------------

    def sync_channel(self, brand: BrandConfig, channel: ChannelConfig) -> ChannelRow:
        """Create or update the brand and channel rows from the config; returns the channel's cursor.

        A channel whose platform or account changed starts again with no cursor.
        """
        with self.database.write() as connection:
            brand_values = {
                "name": brand.name,
                "timezone": brand.timezone,
                "language": brand.language,
                "response_sla_minutes": brand.response_sla,
            }
            self._upsert(
                connection, _BRAND, [{"slug": brand.slug, **brand_values}], ["slug"], list(brand_values)
            )
            brand_id = connection.execute(select(_BRAND.c.id).where(_BRAND.c.slug == brand.slug)).scalar_one()
            existing = connection.execute(
                select(_CHANNEL.c.id, _CHANNEL.c.platform, _CHANNEL.c.account, _CHANNEL.c.cursor).where(
                    and_(_CHANNEL.c.brand_id == brand_id, _CHANNEL.c.name == channel.name)
                )
            ).first()
            if existing is None:
                channel_id = connection.execute(
                    _CHANNEL.insert().values(
                        brand_id=brand_id,
                        name=channel.name,
                        platform=channel.platform,
                        account=channel.account,
                    )
                ).inserted_primary_key[0]
                return ChannelRow(channel_id, brand_id, None)
            if (existing.platform, existing.account) != (channel.platform, channel.account):
                connection.execute(
                    update(_CHANNEL)
                    .where(_CHANNEL.c.id == existing.id)
                    .values(platform=channel.platform, account=channel.account, cursor=None)
                )
                return ChannelRow(existing.id, brand_id, None)
            return ChannelRow(existing.id, brand_id, existing.cursor)

    def cursor(self, channel_id: int) -> dict[str, Any] | None:
        with self.database.read() as connection:
            return connection.execute(
                select(_CHANNEL.c.cursor).where(_CHANNEL.c.id == channel_id)
            ).scalar_one()

    # --- pages --------------------------------------------------------------------

    def save_page(self, channel_id: int, page: Page) -> PageResult:
        """Store a page's records and its cursor in one transaction, scoring in this process."""
        prepared = self.prepare_page(channel_id, page)
        started = time.perf_counter()
        sentiments = self.scorer.score_many(prepared.texts_to_score)
        self.timings.scoring += time.perf_counter() - started
        return self.write_page(prepared, sentiments)

    def prepare_page(self, channel_id: int, page: Page) -> PreparedPage:
        """Compare the page with what is stored: the rows to write, and the texts that need a score.

        A record whose content hash is unchanged is left alone; a comment keeps its stored
        score unless its text changed.
        """
        prepared = PreparedPage(
            channel_id=channel_id, cursor=page.cursor, token_expires_at=page.token_expires_at
        )
        result = prepared.result
        result.rejected = len(page.rejected)
        started = time.perf_counter()
        posts = {record.platform_id: record for record in page.posts}  # the last copy in a page wins
        comments = {record.platform_id: record for record in page.comments}
        existing_posts = self._existing(
            _POST,
            channel_id,
            list(posts),
            [_POST.c.record_hash] + [_POST.c[name] for name in _KEPT_ON_DELETION],
        )
        existing_comments = self._existing(
            _COMMENT,
            channel_id,
            list(comments),
            [_COMMENT.c.record_hash]
            + [_COMMENT.c[name] for name in _KEPT_ON_DELETION]
            + [_COMMENT.c[name] for name in _SENTIMENT_FIELDS],
        )
        self.timings.lookup += time.perf_counter() - started

        now = utcnow()
        for platform_id, record in posts.items():
            values = _post_values(record)
            known = existing_posts.get(platform_id)
            if known is not None and known["record_hash"] == values["record_hash"]:
                continue
            post_row = {
                "channel_id": channel_id,
                "platform_id": platform_id,
                **values,
                "first_seen_at": now,
                "updated_at": now,
            }
            if known is None:
                result.new_posts += 1
            else:
                result.updated_posts += 1
                if record.deleted:
                    _keep_what_was_said(post_row, known)
            prepared.post_rows.append(post_row)

        for platform_id, record in comments.items():
            values = _comment_values(record)
            known = existing_comments.get(platform_id)
            if known is not None and known["record_hash"] == values["record_hash"]:
                continue
            row = {
                "channel_id": channel_id,
                "platform_id": platform_id,
                **values,
                "first_seen_at": now,
                "updated_at": now,
            }
            if known is None:
                result.new_comments += 1
            else:
                result.updated_comments += 1
                if record.deleted:
                    _keep_what_was_said(row, known)
            if known is not None and known["text"] == row["text"] and known["sentiment_label"] is not None:
                row.update({name: known[name] for name in _SENTIMENT_FIELDS})
            else:
                prepared.rows_to_score.append(row)
            prepared.comment_rows.append(row)
        return prepared

    def write_page(self, prepared: PreparedPage, sentiments: Sequence[Sentiment]) -> PageResult:
        """Write a prepared page, with the scores of its `texts_to_score`, and its cursor: one transaction."""
        for row, sentiment in zip(prepared.rows_to_score, sentiments, strict=True):
            row["language"] = sentiment.language
            row["sentiment_compound"] = sentiment.compound
            row["sentiment_label"] = sentiment.label
            row["sentiment_scorer"] = self.scorer.name
            row["sentiment_version"] = self.scorer.version
        self.timings.texts_scored += len(sentiments)
        started = time.perf_counter()
        with self.database.write() as connection:
            if prepared.post_rows:
                self._upsert(
                    connection,
                    _POST,
                    prepared.post_rows,
                    ["channel_id", "platform_id"],
                    [*_POST_FIELDS, "record_hash", "updated_at"],
                )
            if prepared.comment_rows:
                self._upsert(
                    connection,
                    _COMMENT,
                    prepared.comment_rows,
                    ["channel_id", "platform_id"],
                    [*_COMMENT_FIELDS, "record_hash", *_SENTIMENT_FIELDS, "updated_at"],
                )
            channel_values: dict[str, Any] = {}
            if prepared.cursor is not None:
                channel_values["cursor"] = prepared.cursor
            if prepared.token_expires_at is not None:
                channel_values["token_expires_at"] = prepared.token_expires_at
            if channel_values:
                connection.execute(
                    update(_CHANNEL).where(_CHANNEL.c.id == prepared.channel_id).values(**channel_values)
                )
        self.timings.writing += time.perf_counter() - started
        return prepared.result

    def _existing(
        self, table: Table, channel_id: int, platform_ids: Sequence[str], columns: list[Any]
    ) -> dict[str, dict[str, Any]]:
        found: dict[str, dict[str, Any]] = {}
        if not platform_ids:
            return found
        with self.database.read() as connection:
            for start in range(0, len(platform_ids), _LOOKUP_CHUNK):
                chunk = platform_ids[start : start + _LOOKUP_CHUNK]
                rows = connection.execute(
                    select(table.c.platform_id, *columns).where(
                        and_(table.c.channel_id == channel_id, table.c.platform_id.in_(chunk))
                    )
                )
                for row in rows.mappings():
                    found[row["platform_id"]] = dict(row)
        return found

    def _upsert(
        self,
        connection: Connection,
        table: Table,
        rows: list[dict[str, Any]],
        keys: list[str],
        updates: list[str],
    ) -> None:
        dialect = postgresql if self.database.dialect == "postgresql" else sqlite
        statement = dialect.insert(table)
        statement = statement.on_conflict_do_update(
            index_elements=keys, set_={name: statement.excluded[name] for name in updates}
        )
        connection.execute(statement, rows)

    # --- scan runs ----------------------------------------------------------------

    def start_run(self, channel_id: int) -> int:
        with self.database.write() as connection:
            return connection.execute(
                _SCAN_RUN.insert().values(channel_id=channel_id, started_at=utcnow())
            ).inserted_primary_key[0]

    def finish_run(
        self, run_id: int, channel_id: int, status: str, result: PageResult, pages: int, error: str | None
    ) -> None:
        finished: datetime = utcnow()
        with self.database.write() as connection:
            connection.execute(
                update(_SCAN_RUN)
                .where(_SCAN_RUN.c.id == run_id)
                .values(
                    finished_at=finished,
                    status=status,
                    pages=pages,
                    new_posts=result.new_posts,
                    new_comments=result.new_comments,
                    updated_posts=result.updated_posts,
                    updated_comments=result.updated_comments,
                    rejected=result.rejected,
                    error=error,
                )
            )
            connection.execute(
                update(_CHANNEL)
                .where(_CHANNEL.c.id == channel_id)
                .values(last_scan_at=finished, last_status=status, last_error=error)
            )
