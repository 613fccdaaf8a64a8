"""Seeding helpers shared by tests/analytics and tests/render: a tiny hand-built database per test: brands, channels, posts and comments written directly."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import pytest
from sqlalchemy import insert, select

from socialmon.analytics.results import HeadlineFigures
from socialmon.config import BrandConfig, BusinessHours, ReportOptions
from socialmon.database import Database, open_database
from socialmon.models import Brand, Channel, Comment, Post

if TYPE_CHECKING:
    from socialmon.analytics.results import BrandReport


def at(text: str) -> datetime:
    """'2026-11-02 10:00' (UTC) -> an aware datetime."""
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


@dataclass
class Seed:
    """Writes rows with sensible defaults; ids are the platform ids the test names."""

    database: Database
    counter: itertools.count = field(default_factory=lambda: itertools.count(1))
    channels: dict[str, int] = field(default_factory=dict)

    def brand(self, slug: str = "cafe", **fields: Any) -> BrandConfig:
        config = BrandConfig(name=fields.pop("name", slug.title()), slug=slug, **fields)
        with self.database.write() as connection:
            connection.execute(
                insert(Brand.__table__).values(
                    slug=slug, name=config.name, timezone=config.timezone, language=config.language
                )
            )
        return config

    def channel(self, name: str = "fb", brand: str = "cafe", platform: str = "file") -> int:
        with self.database.write() as connection:
            brand_id = connection.execute(
                select(Brand.__table__.c.id).where(Brand.__table__.c.slug == brand)
            ).scalar_one()
            channel_id = connection.execute(
                insert(Channel.__table__)
                .values(brand_id=brand_id, name=name, platform=platform)
                .returning(Channel.__table__.c.id)
            ).scalar_one()
        self.channels[f"{brand}/{name}"] = channel_id
        return channel_id

    def post(self, channel_id: int, pid: str, when: str, **fields: Any) -> None:
        values = {
            "channel_id": channel_id,
            "platform_id": pid,
            "created_at": at(when),
            "record_hash": "x",
            "text": f"post {pid}",
            **fields,
        }
        with self.database.write() as connection:
            connection.execute(insert(Post.__table__).values(**values))

    def comment(self, channel_id: int, cid: str, when: str, **fields: Any) -> None:
        """A comment (`comment_row`: post, parent, business, label and any column) written alone."""
        with self.database.write() as connection:
            connection.execute(
                insert(Comment.__table__).values(**self.comment_row(channel_id, cid, when, **fields))
            )

    @staticmethod
    def comment_row(
        channel_id: int,
        cid: str,
        when: str,
        *,
        post: str = "p1",
        parent: str | None = None,
        business: bool = False,
        label: str | None = None,
        **fields: Any,
    ) -> dict[str, Any]:
        """The row `comment` writes (the columns and defaults of a test comment)."""
        return {
            "channel_id": channel_id,
            "platform_id": cid,
            "kind": "reply" if parent else "comment",
            "post_platform_id": post,
            "parent_platform_id": parent,
            "author_id": "biz" if business else f"user-{cid}",
            "author_name": "Biz" if business else f"User {cid}",
            "is_business": business,
            "created_at": at(when),
            "record_hash": "x",
            "text": f"comment {cid}",
            "sentiment_label": label,
            "sentiment_compound": {"positive": 0.6, "negative": -0.6, "neutral": 0.0}.get(label or ""),
            "url": f"https://example.com/{cid}",
            **fields,
        }


@pytest.fixture
def seed(database_url: str) -> Iterator[Seed]:
    database = open_database(database_url)
    try:
        yield Seed(database)
    finally:
        database.dispose()


RULES = ReportOptions()
TWO_WEEKS_NOW = datetime(2026, 10, 15, 12, 0, tzinfo=UTC)


def two_weeks_report(seed: Seed) -> BrandReport:
    """A brand in Guayaquil (SLA 90 min), its report for 8 to 14 October at `TWO_WEEKS_NOW`:
    c1 answered after 20 min, c3 after 40 min, c2 (negative) waiting; the week before (the previous
    period), p1 answered after 150 min, p2 (negative) waiting; one comment before both."""
    from socialmon.analytics import build_report

    brand = seed.brand("cafe", name="Café Uno", timezone="America/Guayaquil", response_sla="90m")
    fb = seed.channel()
    seed.post(fb, "p1", "2026-09-30 12:00")
    # the previous period (local days 1 to 7 October; Guayaquil is UTC−5)
    seed.comment(fb, "p1c", "2026-10-02 15:00", label="positive")
    seed.comment(fb, "p1r", "2026-10-02 17:30", parent="p1c", business=True)
    seed.comment(fb, "p2c", "2026-10-03 15:00", label="negative")
    # the report's window (8 to 14 October)
    seed.comment(fb, "c1", "2026-10-08 15:00", label="positive")
    seed.comment(fb, "r1", "2026-10-08 15:20", parent="c1", business=True)
    seed.comment(fb, "c2", "2026-10-09 15:00", label="negative")
    seed.comment(fb, "c3", "2026-10-10 15:00", label="positive")
    seed.comment(fb, "r3", "2026-10-10 15:40", parent="c3", business=True)
    # before both windows: counted in neither
    seed.comment(fb, "old", "2026-09-20 15:00", label="negative")
    return build_report(
        seed.database, brand, RULES, since="2026-10-08", until="2026-10-14", now=TWO_WEEKS_NOW
    )


# The previous period's headline figures in `two_weeks_report`: p1 answered after 150 min (past
# the SLA), p2 waiting; one positive and one negative comment.
TWO_WEEKS_PREVIOUS = HeadlineFigures(
    response_minutes=150.0,
    business_minutes=None,
    response_rate=0.5,
    within_sla_share=0.0,
    needs_reply=1,
    customer_comments=2,
    net_sentiment=0.0,
)


__all__ = ["RULES", "TWO_WEEKS_NOW", "TWO_WEEKS_PREVIOUS", "BusinessHours", "Seed", "at", "two_weeks_report"]
