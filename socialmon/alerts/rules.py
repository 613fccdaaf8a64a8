"""The alert rules of one brand, each a function of the stored data at one moment.

Comment rules (waiting, watch-list, heating-up, reply-window) start from the brand's
customer comments that still have no reply, found by the reports' own `needs_reply` (same
pairing rules, same effective label), so an alert closes exactly when the report would stop
listing the comment. Waits in business hours use the reports' `BusinessCalendar`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import and_, false, func, select

from socialmon.alerts.findings import (
    CONNECTOR_TROUBLE,
    HEATING_UP,
    NEGATIVE_SPIKE,
    REPLY_WINDOW,
    WAITING,
    WATCH_LIST,
    Finding,
    RuleOutcome,
)
from socialmon.alerts.spike import spike_statistic, window_counts
from socialmon.alerts.watchlist import WatchList
from socialmon.analytics import make_scope, needs_reply
from socialmon.analytics.business_time import BusinessCalendar
from socialmon.analytics.scope import Scope
from socialmon.config import BrandConfig, ReportOptions
from socialmon.database import Database
from socialmon.labels import effective_label
from socialmon.models import Alert, Channel, Comment, Post, ScanRun

_COMMENT = Comment.__table__
_POST = Post.__table__
_CHANNEL = Channel.__table__
_ALERT = Alert.__table__
_SCAN_RUN = ScanRun.__table__
_LOOKUP_CHUNK = 500
TEXT_LIMIT = 500  # characters of a comment kept in an alert
COMMENT_RULES = (WAITING, WATCH_LIST, REPLY_WINDOW)


@dataclass(frozen=True)
class BrandContext:
    database: Database
    brand: BrandConfig
    brand_id: int
    reports: ReportOptions
    now: datetime
    reply_windows: Mapping[str, timedelta]  # platform -> how long a comment can still be answered


@dataclass(frozen=True)
class Pending:
    """A customer comment with no reply yet."""

    id: int
    channel_id: int
    channel: str
    platform: str
    platform_id: str
    post_platform_id: str | None
    author: str | None
    created_at: datetime
    label: str | None
    text: str
    url: str | None
    likes: int
    replies: int

    def facts(self) -> dict[str, Any]:
        return {
            "channel": self.channel,
            "platform": self.platform,
            "author": self.author,
            "text": self.text[:TEXT_LIMIT],
            "url": self.url,
            "label": self.label,
            "written_at": self.created_at.isoformat(),
        }


def evaluate_brand(context: BrandContext) -> list[RuleOutcome]:
    """Every enabled rule of the brand; each outcome says what fired and which alerts still hold."""
    options = context.brand.alerts
    if not options.enabled:
        return []
    outcomes: list[RuleOutcome] = []
    scope = _comment_scope(context)
    pending = _pending(context, scope) if scope.channel_ids else []
    if options.negative_spike.enabled:
        outcomes.append(negative_spike(context, scope))
    if options.waiting.enabled:
        outcomes.append(waiting(context, pending))
    if options.watch_list.enabled and options.watch_list.terms:
        outcomes.append(watch_list(context, pending))
    if options.heating_up.enabled:
        outcomes.extend(heating_up(context, scope, pending))
    if options.reply_window.enabled:
        outcomes.append(reply_window(context, pending))
    if options.connector_trouble.enabled:
        outcomes.extend(connector_trouble(context))
    return outcomes


# --- shared: the comments still waiting --------------------------------------------------------


def _comment_scope(context: BrandContext) -> Scope:
    """From the oldest moment any comment rule looks back to, or an open alert's comment, to now."""
    options = context.brand.alerts
    reach = max(
        options.waiting.lookback,
        options.watch_list.lookback,
        options.heating_up.lookback,
        *(window.total_seconds() / 60 for window in context.reply_windows.values()),
    )
    since = context.now - timedelta(minutes=reach)
    with context.database.read() as connection:
        oldest_open = connection.execute(
            select(func.min(_COMMENT.c.created_at))
            .select_from(_ALERT.join(_COMMENT, _COMMENT.c.id == _ALERT.c.subject_id))
            .where(
                _ALERT.c.brand_id == context.brand_id,
                _ALERT.c.rule.in_((*COMMENT_RULES, HEATING_UP)),
                _ALERT.c.dedup_key.not_like(f"{HEATING_UP}:post:%"),
                _ALERT.c.resolved_at.is_(None),
            )
        ).scalar()
    if oldest_open is not None and oldest_open < since:
        since = oldest_open
    return make_scope(
        context.database, context.brand, context.reports, since=since, until=context.now, now=context.now
    )


def _pending(context: BrandContext, scope: Scope) -> list[Pending]:
    """Unanswered customer comments (negative first, then oldest first), with row ids and counts."""
    waiting_now = needs_reply(context.database, scope, limit=None, negative_first=True).items
    channels = {c.name: c for c in scope.channels}
    wanted: dict[int, list[str]] = {}
    for item in waiting_now:
        wanted.setdefault(channels[item.channel].id, []).append(item.platform_id)
    rows: dict[tuple[int, str], Any] = {}
    with context.database.read() as connection:
        for channel_id, platform_ids in wanted.items():
            for start in range(0, len(platform_ids), _LOOKUP_CHUNK):
                chunk = platform_ids[start : start + _LOOKUP_CHUNK]
                for row in connection.execute(
                    select(
                        _COMMENT.c.id,
                        _COMMENT.c.platform_id,
                        _COMMENT.c.post_platform_id,
                        _COMMENT.c.like_count,
                        _COMMENT.c.reply_count,
                    ).where(_COMMENT.c.channel_id == channel_id, _COMMENT.c.platform_id.in_(chunk))
                ):
                    rows[(channel_id, row.platform_id)] = row
    pending = []
    for item in waiting_now:
        channel = channels[item.channel]
        row = rows[(channel.id, item.platform_id)]
        pending.append(
            Pending(
                id=row.id,
                channel_id=channel.id,
                channel=channel.name,
                platform=channel.platform,
                platform_id=item.platform_id,
                post_platform_id=row.post_platform_id,
                author=item.author,
                created_at=item.created_at,
                label=item.label,
                text=item.text,
                url=item.url,
                likes=row.like_count or 0,
                replies=row.reply_count or 0,
            )
        )
    return pending


def _within(context: BrandContext, pending: list[Pending], minutes: float) -> list[Pending]:
    since = context.now - timedelta(minutes=minutes)
    return [p for p in pending if p.created_at >= since]


# --- the rules ---------------------------------------------------------------------------------


def negative_spike(context: BrandContext, scope: Scope) -> RuleOutcome:
    rule = context.brand.alerts.negative_spike
    prefix = f"{NEGATIVE_SPIKE}:{context.brand_id}:"
    current, baseline = window_counts(
        context.database, scope.channel_ids, context.now, rule.window, rule.baseline_days
    )
    result = spike_statistic(current, baseline, rule)
    outcome = RuleOutcome(NEGATIVE_SPIKE, prefix, note=result.reason)
    if not result.fires:
        outcome.still_open = set()  # the storm has passed: an open spike alert closes
        return outcome
    facts = {
        "metric": result.metric,
        "observed": result.observed,
        "baseline": result.baseline,
        "sigma": result.spread,
        "threshold": result.threshold,
        "z": result.z,
        "factor": result.ratio,
        "k": rule.k,
        "comments": result.comments,
        "negative": result.negative,
        "window_minutes": rule.window,
        "baseline_days": rule.baseline_days,
    }
    outcome.findings.append(
        Finding(
            NEGATIVE_SPIKE,
            f"{prefix}{context.now:%Y-%m-%dT%H}",
            rule.severity,
            facts,
            cooldown_minutes=rule.cooldown,
        )
    )
    return outcome


def _calendar(brand: BrandConfig) -> BusinessCalendar | None:
    hours = brand.business_hours
    if hours is None or not any(hours.ranges().values()):
        return None
    return BusinessCalendar(hours, brand.timezone)


def waiting(context: BrandContext, pending: list[Pending]) -> RuleOutcome:
    rule = context.brand.alerts.waiting
    outcome = RuleOutcome(WAITING, f"{WAITING}:", still_open={f"{WAITING}:{p.id}" for p in pending})
    sla = rule.sla or context.brand.response_sla
    calendar = _calendar(context.brand)
    for comment in _within(context, pending, rule.lookback):
        negative = comment.label == "negative"
        if rule.include == "negative" and not negative:
            continue
        if calendar is not None:
            waited = calendar.business_seconds(comment.created_at, context.now) / 60
        else:
            waited = (context.now - comment.created_at).total_seconds() / 60
        if waited <= sla:
            continue
        facts = {
            **comment.facts(),
            "waited_minutes": waited,
            "sla_minutes": sla,
            "business_hours": calendar is not None,
        }
        outcome.findings.append(
            Finding(
                WAITING,
                f"{WAITING}:{comment.id}",
                rule.severity_negative if negative else rule.severity,
                facts,
                comment.channel_id,
                comment.id,
            )
        )
    return outcome


def watch_list(context: BrandContext, pending: list[Pending]) -> RuleOutcome:
    rule = context.brand.alerts.watch_list
    terms = WatchList(rule.terms)
    outcome = RuleOutcome(WATCH_LIST, f"{WATCH_LIST}:", still_open={f"{WATCH_LIST}:{p.id}" for p in pending})
    for comment in _within(context, pending, rule.lookback):
        found = terms.matches(comment.text)
        if found:
            outcome.findings.append(
                Finding(
                    WATCH_LIST,
                    f"{WATCH_LIST}:{comment.id}",
                    rule.severity,
                    {**comment.facts(), "terms": found},
                    comment.channel_id,
                    comment.id,
                )
            )
    return outcome


def heating_up(context: BrandContext, scope: Scope, pending: list[Pending]) -> list[RuleOutcome]:
    """A negative comment gathering likes and replies fast; a post drawing negative comments fast."""
    rule = context.brand.alerts.heating_up
    prefix = f"{HEATING_UP}:comment:"
    comments = RuleOutcome(HEATING_UP, prefix, still_open={f"{prefix}{p.id}" for p in pending})
    candidates = [p for p in _within(context, pending, rule.lookback) if p.label == "negative"]
    stored = _stored_replies(context.database, candidates)
    for comment in candidates:
        replies = max(comment.replies, stored.get(comment.id, 0))
        engagement = comment.likes + replies
        hours = max((context.now - comment.created_at).total_seconds() / 3600, 1.0)
        rate = engagement / hours
        if engagement >= rule.min_engagement and rate >= rule.min_rate:
            facts = {**comment.facts(), "likes": comment.likes, "replies": replies, "per_hour": rate}
            comments.findings.append(
                Finding(
                    HEATING_UP, f"{prefix}{comment.id}", rule.severity, facts, comment.channel_id, comment.id
                )
            )
    return [comments, _heating_posts(context, scope)]


def _stored_replies(database: Database, comments: list[Pending]) -> dict[int, int]:
    """Replies stored for each comment (platforms that give no reply count)."""
    by_channel: dict[int, dict[str, int]] = {}
    for comment in comments:
        by_channel.setdefault(comment.channel_id, {})[comment.platform_id] = comment.id
    counts: dict[int, int] = {}
    with database.read() as connection:
        for channel_id, ids in by_channel.items():
            platform_ids = list(ids)
            for start in range(0, len(platform_ids), _LOOKUP_CHUNK):
                chunk = platform_ids[start : start + _LOOKUP_CHUNK]
                for parent, count in connection.execute(
                    select(_COMMENT.c.parent_platform_id, func.count())
                    .where(_COMMENT.c.channel_id == channel_id, _COMMENT.c.parent_platform_id.in_(chunk))
                    .group_by(_COMMENT.c.parent_platform_id)
                ):
                    counts[ids[parent]] = count
    return counts


def _heating_posts(context: BrandContext, scope: Scope) -> RuleOutcome:
    rule = context.brand.alerts.heating_up
    outcome = RuleOutcome(HEATING_UP, f"{HEATING_UP}:post:")  # closed by a person, not by the data
    if not scope.channel_ids:
        return outcome
    since = context.now - timedelta(minutes=rule.post_window)
    negatives = func.count().label("negatives")
    query = (
        select(
            _POST.c.id,
            _POST.c.channel_id,
            _CHANNEL.c.name,
            _CHANNEL.c.platform,
            _POST.c.text,
            _POST.c.url,
            negatives,
        )
        .select_from(
            _COMMENT.join(
                _POST,
                and_(
                    _POST.c.channel_id == _COMMENT.c.channel_id,
                    _POST.c.platform_id == _COMMENT.c.post_platform_id,
                ),
            ).join(_CHANNEL, _CHANNEL.c.id == _POST.c.channel_id)
        )
        .where(
            _COMMENT.c.channel_id.in_(scope.channel_ids),
            _COMMENT.c.is_business == false(),
            _COMMENT.c.deleted == false(),
            _COMMENT.c.created_at >= since,
            _COMMENT.c.created_at < context.now,
            effective_label() == "negative",
        )
        .group_by(
            _POST.c.id, _POST.c.channel_id, _CHANNEL.c.name, _CHANNEL.c.platform, _POST.c.text, _POST.c.url
        )
        .having(func.count() >= rule.post_negative_comments)
    )
    day = context.now.astimezone(ZoneInfo(context.brand.timezone)).date().isoformat()
    with context.database.read() as connection:
        for post_id, channel_id, channel, platform, text, url, count in connection.execute(query):
            facts = {
                "channel": channel,
                "platform": platform,
                "text": (text or "")[:TEXT_LIMIT],
                "url": url,
                "negative": count,
                "window_minutes": rule.post_window,
            }
            outcome.findings.append(
                Finding(
                    HEATING_UP,
                    f"{HEATING_UP}:post:{post_id}:{day}",
                    rule.severity,
                    facts,
                    channel_id,
                    post_id,
                )
            )
    return outcome


def reply_window(context: BrandContext, pending: list[Pending]) -> RuleOutcome:
    rule = context.brand.alerts.reply_window
    outcome = RuleOutcome(REPLY_WINDOW, f"{REPLY_WINDOW}:", still_open=set())
    warn = timedelta(minutes=rule.warn_before)
    for comment in pending:
        window = context.reply_windows.get(comment.platform)
        if window is None:  # not known in this run (a plug-in missing): leave its alerts as they are
            outcome.still_open.add(f"{REPLY_WINDOW}:{comment.id}")  # type: ignore[union-attr]
            continue
        closes = comment.created_at + window
        if closes <= context.now:
            continue  # closed: nothing left to do, and an open alert about it closes too
        key = f"{REPLY_WINDOW}:{comment.id}"
        assert outcome.still_open is not None
        outcome.still_open.add(key)
        if context.now >= closes - warn:
            facts = {
                **comment.facts(),
                "closes_at": closes.isoformat(),
                "minutes_left": (closes - context.now).total_seconds() / 60,
            }
            outcome.findings.append(
                Finding(REPLY_WINDOW, key, rule.severity, facts, comment.channel_id, comment.id)
            )
    return outcome


def connector_trouble(context: BrandContext) -> list[RuleOutcome]:
    """Channels failing scan after scan (at once on an expired or revoked token), tokens about to expire."""
    rule = context.brand.alerts.connector_trouble
    failing = RuleOutcome(CONNECTOR_TROUBLE, f"{CONNECTOR_TROUBLE}:failing:", still_open=set())
    expiring = RuleOutcome(CONNECTOR_TROUBLE, f"{CONNECTOR_TROUBLE}:token:", still_open=set())
    enabled = {c.name for c in context.brand.channels if c.enabled}
    horizon = context.now + timedelta(minutes=rule.token_expiry_warning)
    with context.database.read() as connection:
        channels = connection.execute(
            select(_CHANNEL.c.id, _CHANNEL.c.name, _CHANNEL.c.platform, _CHANNEL.c.token_expires_at).where(
                _CHANNEL.c.brand_id == context.brand_id
            )
        ).all()
        for channel_id, name, platform, expires_at in channels:
            if name not in enabled:
                continue
            runs = connection.execute(
                select(_SCAN_RUN.c.id, _SCAN_RUN.c.status, _SCAN_RUN.c.error, _SCAN_RUN.c.started_at)
                .where(_SCAN_RUN.c.channel_id == channel_id, _SCAN_RUN.c.status.in_(("ok", "failed")))
                .order_by(_SCAN_RUN.c.id.desc())
                .limit(rule.failed_scans)
            ).all()
            streak = 0
            for run in runs:
                if run.status != "failed":
                    break
                streak += 1
            if streak:
                started = connection.execute(
                    select(func.min(_SCAN_RUN.c.id)).where(
                        _SCAN_RUN.c.channel_id == channel_id,
                        _SCAN_RUN.c.status == "failed",
                        _SCAN_RUN.c.id
                        > func.coalesce(
                            select(func.max(_SCAN_RUN.c.id))
                            .where(_SCAN_RUN.c.channel_id == channel_id, _SCAN_RUN.c.status == "ok")
                            .scalar_subquery(),
                            0,
                        ),
                    )
                ).scalar()
                key = f"{CONNECTOR_TROUBLE}:failing:{channel_id}:{started}"
                failing.still_open.add(key)  # type: ignore[union-attr]
                auth = (runs[0].error or "").startswith("AuthError")
                if streak >= rule.failed_scans or auth:
                    facts = {
                        "channel": name,
                        "platform": platform,
                        "kind": "auth" if auth else "failing",
                        "failures": streak,
                        "error": (runs[0].error or "")[:TEXT_LIMIT],
                        "since": runs[-1].started_at.isoformat() if streak == len(runs) else None,
                    }
                    failing.findings.append(
                        Finding(CONNECTOR_TROUBLE, key, rule.severity, facts, channel_id, channel_id)
                    )
            if expires_at is not None and expires_at <= horizon:
                key = f"{CONNECTOR_TROUBLE}:token:{channel_id}:{expires_at:%Y-%m-%d}"
                expiring.still_open.add(key)  # type: ignore[union-attr]
                facts = {
                    "channel": name,
                    "platform": platform,
                    "kind": "token",
                    "expires_at": expires_at.isoformat(),
                }
                expiring.findings.append(
                    Finding(CONNECTOR_TROUBLE, key, rule.severity, facts, channel_id, channel_id)
                )
    return [failing, expiring]
