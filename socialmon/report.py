"""The per-channel overview (all time): volume and sentiment shares, computed in SQL.

The full analytics — response times, needs-reply, trends, engagement — live in
`socialmon.analytics`; `build_reports` runs them for every selected brand.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select

from socialmon.analytics import BrandReport, build_report
from socialmon.analytics.responses import effective_label
from socialmon.config import Config, brands_named, channels_named
from socialmon.database import Database
from socialmon.tables import BRAND, CHANNEL, COMMENT, PENDING_THREAD, POST


@dataclass(frozen=True)
class ChannelSummary:
    brand: str
    channel: str
    platform: str
    posts: int
    comments: int
    positive: int
    neutral: int
    negative: int
    last_status: str | None
    pending_threads: int = 0  # threads left for the next scan (a `partial` channel)
    # What went wrong in the last scan (failed or partial), redacted by the scan; not in the JSON overview.
    last_error: str | None = None
    # When the last scan ended: the human formats say it beside its status, so that figures a cron
    # job stopped updating are seen as old; not in the JSON overview (its documented shape).
    last_scan_at: datetime | None = None

    def share(self, label: str) -> float:
        scored = self.positive + self.neutral + self.negative
        return getattr(self, label) / scored if scored else 0.0

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        del data["last_error"], data["last_scan_at"]  # the JSON overview's documented shape (render/json.py)
        data["shares"] = {label: round(self.share(label), 4) for label in ("positive", "neutral", "negative")}
        return data


def channel_summaries(
    database: Database, brand: str | None = None, channel: str | None = None
) -> list[ChannelSummary]:
    """Each stored channel's overview, of `brand` and `channel` read as `build_reports` reads them
    (`socialmon.config.brands_named` and `channels_named`, over the brands stored)."""
    brand_t, channel_t, post_t, comment_t = BRAND, CHANNEL, POST, COMMENT
    chosen: Any = select(channel_t.c.id)
    if brand or channel:
        chosen = chosen.where(channel_t.c.id.in_(_stored_channel_ids(database, brand, channel)))
    # Count only the chosen channels' rows: a report for one brand must not read every brand's comments.
    posts = (
        select(post_t.c.channel_id, func.count().label("posts"))
        .where(post_t.c.channel_id.in_(chosen), post_t.c.kind != "conversation")
        .group_by(post_t.c.channel_id)
        .subquery()
    )
    label = effective_label(comment_t)  # a person's correction wins over the scorer
    comments = (
        select(
            comment_t.c.channel_id,
            func.count().label("comments"),
            func.count().filter(label == "positive").label("positive"),
            func.count().filter(label == "neutral").label("neutral"),
            func.count().filter(label == "negative").label("negative"),
        )
        # A deleted comment (a WhatsApp "message deleted") is no customer's word, as in the reports.
        .where(
            comment_t.c.is_business.is_(False),
            comment_t.c.deleted.is_(False),
            comment_t.c.channel_id.in_(chosen),
        )
        .group_by(comment_t.c.channel_id)
        .subquery()
    )
    pending = (
        select(PENDING_THREAD.c.channel_id, func.count().label("pending"))
        .where(PENDING_THREAD.c.channel_id.in_(chosen))
        .group_by(PENDING_THREAD.c.channel_id)
        .subquery()
    )
    query = (
        select(
            brand_t.c.slug,
            channel_t.c.name,
            channel_t.c.platform,
            func.coalesce(posts.c.posts, 0),
            func.coalesce(comments.c.comments, 0),
            func.coalesce(comments.c.positive, 0),
            func.coalesce(comments.c.neutral, 0),
            func.coalesce(comments.c.negative, 0),
            channel_t.c.last_status,
            func.coalesce(pending.c.pending, 0),
            channel_t.c.last_error,
            channel_t.c.last_scan_at,
        )
        .join(brand_t, brand_t.c.id == channel_t.c.brand_id)
        .outerjoin(posts, posts.c.channel_id == channel_t.c.id)
        .outerjoin(comments, comments.c.channel_id == channel_t.c.id)
        .outerjoin(pending, pending.c.channel_id == channel_t.c.id)
        .where(channel_t.c.id.in_(chosen))
        .order_by(brand_t.c.slug, channel_t.c.name)
    )
    with database.read() as connection:
        return [ChannelSummary(*row) for row in connection.execute(query)]


def build_reports(
    database: Database,
    config: Config,
    *,
    brand: str | None = None,
    channel: str | None = None,
    **options: Any,
) -> list[BrandReport]:
    """One `BrandReport` per configured brand, or per brand `brand` names (`Config.brands_named`:
    its slug first, so a brand whose name is another's slug is not reported with it); with a
    `channel`, only the brands that have it (`Config.channels_named`), each given its channel as
    `slug/name`. Options as `analytics.build_report`."""
    brands = config.brands_named(brand) if brand else config.brands
    reports = []
    for brand_config in brands:
        its_channel = channel
        if channel:
            names = {c.name for b, c in config.channels_named(channel, brand_config.slug)}
            if not names:
                continue
            if len(names) == 1:  # as the config writes it, whichever way it was typed
                its_channel = f"{brand_config.slug}/{names.pop()}"
        reports.append(
            build_report(database, brand_config, config.settings.reports, channel=its_channel, **options)
        )
    return reports


@dataclass(frozen=True)
class _StoredChannel:
    id: int
    name: str


@dataclass(frozen=True)
class _StoredBrand:
    slug: str
    name: str
    channels: list[_StoredChannel]


def _stored_channel_ids(database: Database, brand: str | None, channel: str | None) -> list[int]:
    """The ids of the stored channels `brand` and `channel` name, by the config's own lookups run
    over the brands stored (a brand left out of the config keeps its overview)."""
    query = (
        select(BRAND.c.slug, BRAND.c.name, CHANNEL.c.id, CHANNEL.c.name)
        .join(CHANNEL, CHANNEL.c.brand_id == BRAND.c.id)
        .order_by(BRAND.c.slug, CHANNEL.c.name)
    )
    stored: dict[str, _StoredBrand] = {}
    with database.read() as connection:
        for slug, name, channel_id, channel_name in connection.execute(query):
            stored.setdefault(slug, _StoredBrand(slug, name, [])).channels.append(
                _StoredChannel(channel_id, channel_name)
            )
    brands = brands_named(list(stored.values()), brand) if brand else list(stored.values())
    if channel:
        return [c.id for _b, c in channels_named(brands, channel)]
    return [c.id for b in brands for c in b.channels]
