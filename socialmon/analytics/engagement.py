"""Engagement per post and per channel, for the posts published in the window.

Per post: likes and shares as the platform last reported them, customer comments and
business replies stored for it, and its positive and negative comments (effective label).
Top posts by negative reaction are those with the most negative comments (ties: more
comments first), and likewise for positive. Private conversations (posts of kind
"conversation") are not posts: they and the channels that hold only them are left out.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, literal, null, select, true, union_all

from socialmon.analytics.responses import effective_label
from socialmon.analytics.results import ChannelEngagement, Engagement, PostEngagement, WorstComment
from socialmon.analytics.scope import Scope
from socialmon.database import Database
from socialmon.tables import CHANNEL, COMMENT, POST


def engagement(database: Database, scope: Scope, *, top: int = 5, posts: int = 20) -> Engagement:
    if not scope.channel_ids:
        return Engagement(by_channel=[], posts=[], top_negative=[], top_positive=[])
    per_post = _per_post(scope, database.dialect).cte("per_post").prefix_with("MATERIALIZED")

    def first(kind: str, limit: int, *order: Any, where: Any = None) -> Any:
        """The first `limit` posts in `order` (ties: newer first, then by platform id), tagged `kind`."""
        chosen = select(literal(kind).label("list"), *per_post.c).order_by(
            *order, per_post.c.created_at.desc(), per_post.c.platform_id
        )
        if where is not None:
            chosen = chosen.where(where)
        return select(chosen.limit(limit).subquery())

    # One statement, one aggregation pass: each list is its posts sorted and cut (a top-N sort),
    # and one row per channel holds its totals. Ranking every post three ways with window
    # functions instead took 41 ms of CPU against 26 ms (SQLite, bench_report, 1M comments).
    totals = select(
        literal("totals").label("list"),
        per_post.c.channel_id,
        null().label("platform_id"),
        null().label("created_at"),
        null().label("text"),
        null().label("url"),
        func.sum(per_post.c.likes).label("likes"),
        func.count().label("shares"),  # the channel's posts
        func.sum(per_post.c.comments).label("comments"),
        func.sum(per_post.c.replies).label("replies"),
        literal(0).label("positive"),
        literal(0).label("negative"),
    ).group_by(per_post.c.channel_id)
    query = union_all(
        first("busy", posts, (per_post.c.comments + per_post.c.likes).desc()),
        first(
            "negative",
            top,
            per_post.c.negative.desc(),
            per_post.c.comments.desc(),
            where=per_post.c.negative > 0,
        ),
        first(
            "positive",
            top,
            per_post.c.positive.desc(),
            per_post.c.comments.desc(),
            where=per_post.c.positive > 0,
        ),
        totals,  # last: the first select gives the columns their types (created_at's)
    )
    with database.read() as connection:
        rows = connection.execute(query).all()
    totals_of = {row.channel_id: row for row in rows if row.list == "totals"}
    channel_rows = [
        ChannelEngagement(
            channel=c.name,
            platform=c.platform,
            posts=int(totals_of[c.id].shares) if c.id in totals_of else 0,
            comments=int(totals_of[c.id].comments or 0) if c.id in totals_of else 0,
            replies=int(totals_of[c.id].replies or 0) if c.id in totals_of else 0,
            likes=int(totals_of[c.id].likes or 0) if c.id in totals_of else 0,
        )
        for c in scope.channels
        # a channel of private conversations only has no posts to show
        if c.id in totals_of or c.id not in scope.message_channels
    ]

    def listed(kind: str) -> list[PostEngagement]:
        return [_post(scope, row) for row in rows if row.list == kind]

    return Engagement(
        by_channel=channel_rows,
        posts=listed("busy"),
        top_negative=listed("negative"),
        top_positive=listed("positive"),
    )


def _per_post(scope: Scope, dialect: str) -> Any:
    """Each post of the window with its likes, shares, and comments counted by kind and label."""
    label = effective_label(COMMENT)
    customer = COMMENT.c.is_business.is_(False)
    # FILTER, not count(CASE … THEN comment.id END): the id is not in PostgreSQL's reactions index,
    # and reading it fetched every comment's row (1M comments: 290 ms against ~20 ms). A row the
    # outer join adds for a post without comments matches no filter (NULL IS FALSE is false).
    counts = [
        func.count().filter(customer).label("comments"),
        func.count().filter(COMMENT.c.is_business.is_(True)).label("replies"),
        func.count().filter((label == "positive") & customer).label("positive"),
        func.count().filter((label == "negative") & customer).label("negative"),
    ]
    of_post = (
        (COMMENT.c.channel_id == POST.c.channel_id)
        & (COMMENT.c.post_platform_id == POST.c.platform_id)
        & COMMENT.c.deleted.is_(False)
    )
    columns = [
        POST.c.channel_id,
        POST.c.platform_id,
        POST.c.created_at,
        POST.c.text,
        POST.c.url,
        func.coalesce(POST.c.like_count, 0).label("likes"),
        func.coalesce(POST.c.share_count, 0).label("shares"),
    ]
    in_window = [
        POST.c.channel_id.in_(scope.channel_ids),
        POST.c.created_at >= scope.since,
        POST.c.created_at < scope.until,
        POST.c.deleted.is_(False),
        *([POST.c.kind != "conversation"] if scope.has_messages else []),
    ]
    if dialect == "postgresql":
        # Each post's comments counted through the (channel, post) index: joined and grouped, the
        # planner hashed all the channels' comments (1M comments: ~0.5 s against ~30 ms).
        reactions = select(*counts).where(of_post).lateral("reactions")
        return select(*columns, *reactions.c).select_from(POST).join(reactions, true()).where(*in_window)
    # SQLite has no LATERAL; its nested loop join reads each post's comments from the index already.
    return (
        select(*columns, *counts)
        .select_from(POST)
        .outerjoin(COMMENT, of_post)
        .where(*in_window)
        .group_by(POST.c.id)
    )


def _post(scope: Scope, row: Any) -> PostEngagement:
    return PostEngagement(
        channel=scope.channel_name(row.channel_id),
        platform_id=row.platform_id,
        created_at=row.created_at,
        text=row.text,
        url=row.url,
        likes=int(row.likes),
        shares=int(row.shares),
        comments=int(row.comments),
        replies=int(row.replies),
        positive=int(row.positive),
        negative=int(row.negative),
    )


def worst_comments(database: Database, scope: Scope, *, limit: int = 5) -> list[WorstComment]:
    """The most negative customer comments of the window: labelled negative, lowest score first."""
    if not scope.channel_ids:
        return []
    label = effective_label(COMMENT)
    order = (func.coalesce(COMMENT.c.sentiment_compound, 0), COMMENT.c.created_at, COMMENT.c.id)
    # The worst chosen from the window index's columns (and the id), then their texts and channels
    # read: joining every negative comment's channel before the sort took 33 ms against 22 on
    # PostgreSQL (1M comments); SQLite takes 11 ms either way.
    worst = (
        select(COMMENT.c.id, *(column.label(f"order_{i}") for i, column in enumerate(order)))
        .where(
            COMMENT.c.channel_id.in_(scope.channel_ids),
            COMMENT.c.is_business.is_(False),
            COMMENT.c.deleted.is_(False),
            COMMENT.c.created_at >= scope.since,
            COMMENT.c.created_at < scope.until,
            label == "negative",
        )
        .order_by(*order)
        .limit(limit)
        .subquery("worst")
    )
    query = (
        select(
            CHANNEL.c.name,
            func.coalesce(COMMENT.c.author_name, COMMENT.c.author_id),
            COMMENT.c.created_at,
            label,
            COMMENT.c.sentiment_compound,
            COMMENT.c.text,
            COMMENT.c.url,
            COMMENT.c.platform_id,
        )
        .select_from(worst)
        .join(COMMENT, COMMENT.c.id == worst.c.id)
        .join(CHANNEL, CHANNEL.c.id == COMMENT.c.channel_id)
        .order_by(worst.c.order_0, worst.c.order_1, worst.c.order_2)
    )
    with database.read() as connection:
        return [WorstComment(*row) for row in connection.execute(query)]
