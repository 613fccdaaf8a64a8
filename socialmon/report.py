"""The per-channel overview (all time): volume and sentiment shares, computed in SQL.

The full analytics — response times, needs-reply, trends, engagement — live in
`socialmon.analytics`; `build_reports` runs them for every selected brand.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from sqlalchemy import func, select

from socialmon.analytics import BrandReport, build_report
from socialmon.analytics.responses import effective_label
from socialmon.config import Config
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

    def share(self, label: str) -> float:
        scored = self.positive + self.neutral + self.negative
        return getattr(self, label) / scored if scored else 0.0

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        del data["last_error"]  # the JSON overview's documented shape (render/json.py)
        data["shares"] = {label: round(self.share(label), 4) for label in ("positive", "neutral", "negative")}
        return data


def channel_summaries(
    database: Database, brand: str | None = None, channel: str | None = None
) -> list[ChannelSummary]:
    brand_t, channel_t, post_t, comment_t = BRAND, CHANNEL, POST, COMMENT
    chosen = select(channel_t.c.id).join(brand_t, brand_t.c.id == channel_t.c.brand_id)
    if brand:
        chosen = chosen.where((brand_t.c.slug == brand) | (brand_t.c.name == brand))
    if channel:
        brand_part, _, channel_part = channel.rpartition("/")
        chosen = chosen.where(channel_t.c.name == channel_part)
        if brand_part:  # "cafe/fb" or "Café Uno/fb", as --brand takes either
            chosen = chosen.where((brand_t.c.slug == brand_part) | (brand_t.c.name == brand_part))
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
    """One `BrandReport` per configured brand (or only `brand`); options as `analytics.build_report`."""
    reports = []
    for brand_config in config.brands:
        if brand and brand not in (brand_config.slug, brand_config.name):
            continue
        if (
            channel
            and "/" in channel
            and channel.rpartition("/")[0] not in (brand_config.slug, brand_config.name)
        ):
            continue
        reports.append(
            build_report(database, brand_config, config.settings.reports, channel=channel, **options)
        )
    return reports
