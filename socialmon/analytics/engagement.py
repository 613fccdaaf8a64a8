"""Engagement per post and per channel, for the posts published in the window.

Per post: likes and shares as the platform last reported them, customer comments and
business replies stored for it, and its positive and negative comments (effective label).
Top posts by negative reaction are those with the most negative comments (ties: more
comments first), and likewise for positive. Private conversations (posts of kind
"conversation") are not posts: they and the channels that hold only them are left out.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import case, func, select

from socialmon.analytics._tables import CHANNEL, COMMENT, POST
from socialmon.analytics.responses import effective_label
from socialmon.analytics.results import ChannelEngagement, Engagement, PostEngagement, WorstComment
from socialmon.analytics.scope import Scope
from socialmon.database import Database


def engagement(database: Database, scope: Scope, *, top: int = 5, posts: int = 20) -> Engagement:
    if not scope.channel_ids:
        return Engagement(by_channel=[], posts=[], top_negative=[], top_positive=[])
    label = effective_label(COMMENT)
    customer = COMMENT.c.is_business.is_(False)
    per_post = (
        select(
            POST.c.channel_id,
            POST.c.platform_id,
            POST.c.created_at,
            POST.c.text,
            POST.c.url,
            func.coalesce(POST.c.like_count, 0).label("likes"),
            func.coalesce(POST.c.share_count, 0).label("shares"),
            func.count(case((customer, COMMENT.c.id))).label("comments"),
            func.count(case((COMMENT.c.is_business.is_(True), COMMENT.c.id))).label("replies"),
            func.count(case(((label == "positive") & customer, COMMENT.c.id))).label("positive"),
            func.count(case(((label == "negative") & customer, COMMENT.c.id))).label("negative"),
        )
        .select_from(POST)
        .outerjoin(
            COMMENT,
            (COMMENT.c.channel_id == POST.c.channel_id)
            & (COMMENT.c.post_platform_id == POST.c.platform_id)
            & COMMENT.c.deleted.is_(False),
        )
        .where(
            POST.c.channel_id.in_(scope.channel_ids),
            POST.c.created_at >= scope.since,
            POST.c.created_at < scope.until,
            POST.c.deleted.is_(False),
            *([POST.c.kind != "conversation"] if scope.has_messages else []),
        )
        .group_by(
            POST.c.id,
            POST.c.channel_id,
            POST.c.platform_id,
            POST.c.created_at,
            POST.c.text,
            POST.c.url,
            POST.c.like_count,
            POST.c.share_count,
        )
        .cte("per_post")
        .prefix_with("MATERIALIZED")
    )

    # One statement, one aggregation pass: each post ranked three ways, plus per-channel totals
    # as window sums; only the rows a list needs come back (and one per channel for totals).
    # Ranking all posts and then keeping `negative > 0` gives the same order as filtering first.
    def rank(*order: Any) -> Any:
        return func.row_number().over(order_by=(*order, per_post.c.created_at.desc(), per_post.c.platform_id))

    by_channel = {"partition_by": per_post.c.channel_id}
    ranked = select(
        per_post,
        rank((per_post.c.comments + per_post.c.likes).desc()).label("busy_rank"),
        rank(per_post.c.negative.desc(), per_post.c.comments.desc()).label("negative_rank"),
        rank(per_post.c.positive.desc(), per_post.c.comments.desc()).label("positive_rank"),
        func.row_number().over(**by_channel).label("channel_row"),
        func.count().over(**by_channel).label("channel_posts"),
        func.sum(per_post.c.comments).over(**by_channel).label("channel_comments"),
        func.sum(per_post.c.replies).over(**by_channel).label("channel_replies"),
        func.sum(per_post.c.likes).over(**by_channel).label("channel_likes"),
    ).subquery("ranked")
    query = select(ranked).where(
        (ranked.c.busy_rank <= posts)
        | ((ranked.c.negative > 0) & (ranked.c.negative_rank <= top))
        | ((ranked.c.positive > 0) & (ranked.c.positive_rank <= top))
        | (ranked.c.channel_row == 1)
    )
    with database.read() as connection:
        rows = connection.execute(query).all()
    totals = {row.channel_id: row for row in rows if row.channel_row == 1}

    def listed(rank_of: Any, limit: int, keep: Any = None) -> list[PostEngagement]:
        chosen = [row for row in rows if rank_of(row) <= limit and (keep is None or keep(row))]
        return [_post(scope, row) for row in sorted(chosen, key=rank_of)]

    channel_rows = [
        ChannelEngagement(
            channel=c.name,
            platform=c.platform,
            posts=int(totals[c.id].channel_posts) if c.id in totals else 0,
            comments=int(totals[c.id].channel_comments or 0) if c.id in totals else 0,
            replies=int(totals[c.id].channel_replies or 0) if c.id in totals else 0,
            likes=int(totals[c.id].channel_likes or 0) if c.id in totals else 0,
        )
        for c in scope.channels
        # a channel of private conversations only has no posts to show
        if c.id in totals or c.id not in scope.message_channels
    ]
    busiest = listed(lambda row: row.busy_rank, posts)
    top_negative = listed(lambda row: row.negative_rank, top, lambda row: row.negative > 0)
    top_positive = listed(lambda row: row.positive_rank, top, lambda row: row.positive > 0)
    return Engagement(
        by_channel=channel_rows, posts=busiest, top_negative=top_negative, top_positive=top_positive
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
        .join(CHANNEL, CHANNEL.c.id == COMMENT.c.channel_id)
        .where(
            COMMENT.c.channel_id.in_(scope.channel_ids),
            COMMENT.c.is_business.is_(False),
            COMMENT.c.deleted.is_(False),
            COMMENT.c.created_at >= scope.since,
            COMMENT.c.created_at < scope.until,
            label == "negative",
        )
        .order_by(func.coalesce(COMMENT.c.sentiment_compound, 0), COMMENT.c.created_at, COMMENT.c.id)
        .limit(limit)
    )
    with database.read() as connection:
        return [WorstComment(*row) for row in connection.execute(query)]
