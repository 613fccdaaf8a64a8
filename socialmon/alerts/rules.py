"""The alert rules of one brand, each a function of the stored data at one moment.

Comment rules (waiting, watch-list, heating-up, reply-window) start from the brand's
customer comments that still have no reply, paired with replies by the reports' own
`pair_first_replies` (same pairing rules, same effective label), so an alert closes exactly
when the report's needs-reply list would stop listing the comment. They look back as far as
the longest of their lookbacks and the platforms' reply windows (the *reach*): an alert about
a comment older than that closes too, so the work of a run never grows with the alerts of
the past. Waits in business hours use the reports' `BusinessCalendar`.

The rules run after every scan and at every `alerts send`, mostly over data they have seen:
a comment that already has an alert of a rule is not judged by it again, and only the
comments still to judge are read in full.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import cached_property
from typing import Any, NamedTuple

from sqlalchemy import and_, false, func, select

from socialmon.alerts import store
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
from socialmon.analytics import make_scope, pair_first_replies
from socialmon.analytics.business_time import EPOCH, MICROSECOND, BusinessCalendar, epoch_micros
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
COMMENT_RULES = (WAITING, WATCH_LIST, REPLY_WINDOW, HEATING_UP)
HEATING_COMMENT = f"{HEATING_UP}:comment:"
HEATING_POST = f"{HEATING_UP}:post:"


@dataclass(frozen=True)
class BrandContext:
    database: Database
    brand: BrandConfig
    brand_id: int
    reports: ReportOptions
    now: datetime
    reply_windows: Mapping[str, timedelta]  # platform -> how long a comment can still be answered


class Unanswered(NamedTuple):
    """A customer comment with no reply yet, as the pairing gives it (no text: that is read on demand)."""

    id: int
    channel_id: int
    created: int  # microseconds since the epoch, as the pairing reads it: tens of thousands a run
    label: str | None

    @property
    def created_at(self) -> datetime:
        return EPOCH + timedelta(microseconds=self.created)


@dataclass(frozen=True)
class CommentDetails:
    """What an alert about a comment tells: where, who, what, and how much engagement it drew."""

    id: int
    channel_id: int
    channel: str
    platform: str
    platform_id: str
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


@dataclass
class CommentData:
    """The brand's unanswered comments within the reach, the keys already raised, details on demand."""

    context: BrandContext
    scope: Scope
    unanswered: list[Unanswered]  # negative first, then oldest first
    raised: set[str]  # dedup keys of the comment rules' alerts about comments within the reach
    _details: dict[int, CommentDetails] = field(default_factory=dict)

    def within(self, minutes: float) -> list[Unanswered]:
        since = epoch_micros(self.context.now - timedelta(minutes=minutes))
        return [comment for comment in self.unanswered if comment.created >= since]

    def keys(self, prefix: str) -> set[str]:
        return {f"{prefix}{comment.id}" for comment in self.unanswered}

    def platform(self, comment: Unanswered) -> str:
        return self._platforms[comment.channel_id]

    @cached_property
    def _platforms(self) -> dict[int, str]:
        return {c.id: c.platform for c in self.scope.channels}

    def details(self, ids: Iterable[int]) -> dict[int, CommentDetails]:
        """Channel, author, text, link and counts of these comments, read once each."""
        ids = list(ids)
        missing = sorted({i for i in ids if i not in self._details})
        names = {c.id: (c.name, c.platform) for c in self.scope.channels}
        columns = (
            _COMMENT.c.id,
            _COMMENT.c.channel_id,
            _COMMENT.c.platform_id,
            func.coalesce(_COMMENT.c.author_name, _COMMENT.c.author_id),
            _COMMENT.c.created_at,
            effective_label(),
            _COMMENT.c.text,
            _COMMENT.c.url,
            _COMMENT.c.like_count,
            _COMMENT.c.reply_count,
        )
        with self.context.database.read() as connection:
            for start in range(0, len(missing), _LOOKUP_CHUNK):
                chunk = missing[start : start + _LOOKUP_CHUNK]
                for row in connection.execute(select(*columns).where(_COMMENT.c.id.in_(chunk))):
                    id_, channel_id, platform_id, author, created, label, text, url, likes, replies = row
                    channel, platform = names[channel_id]
                    self._details[id_] = CommentDetails(
                        id_,
                        channel_id,
                        channel,
                        platform,
                        platform_id,
                        author,
                        created,
                        label,
                        text or "",
                        url,
                        likes or 0,
                        replies or 0,
                    )
        return {i: self._details[i] for i in ids if i in self._details}


def evaluate_brand(context: BrandContext) -> list[RuleOutcome]:
    """Every enabled rule of the brand; each outcome says what fired and which alerts still hold."""
    options = context.brand.alerts
    if not options.enabled:
        return []
    outcomes: list[RuleOutcome] = []
    data = _comment_data(context)
    if options.negative_spike.enabled:
        outcomes.append(negative_spike(context, data.scope))
    if options.waiting.enabled:
        outcomes.append(waiting(data))
    if options.watch_list.enabled and options.watch_list.terms:
        outcomes.append(watch_list(data))
    if options.heating_up.enabled:
        outcomes += [heating_comments(data), heating_posts(context, data.scope)]
    if options.reply_window.enabled:
        outcomes.append(reply_window(data))
    if options.connector_trouble.enabled:
        outcomes.extend(connector_trouble(context))
    return outcomes


# --- shared: the comments still waiting --------------------------------------------------------


def reach_minutes(context: BrandContext) -> float:
    """How far back the comment rules look: their longest lookback or platform reply window."""
    options = context.brand.alerts
    return max(
        options.waiting.lookback,
        options.watch_list.lookback,
        options.heating_up.lookback,
        *(window.total_seconds() / 60 for window in context.reply_windows.values()),
    )


def _comment_data(context: BrandContext) -> CommentData:
    since = context.now - timedelta(minutes=reach_minutes(context))
    scope = make_scope(
        context.database, context.brand, context.reports, since=since, until=context.now, now=context.now
    )
    unanswered = [
        Unanswered(row.id, row.channel_id, row.created, row.label)
        for row in (pair_first_replies(context.database, scope) if scope.channel_ids else [])
        if row.first_reply is None
    ]
    unanswered.sort(key=lambda c: (c.label != "negative", c.created, c.id))
    with context.database.read() as connection:
        # An alert about a comment is raised after the comment was written: within the reach.
        raised = set(
            connection.execute(
                select(_ALERT.c.dedup_key).where(
                    _ALERT.c.brand_id == context.brand_id,
                    _ALERT.c.rule.in_(COMMENT_RULES),
                    _ALERT.c.created_at >= since,
                )
            ).scalars()
        )
    return CommentData(context, scope, unanswered, raised)


# --- the rules ---------------------------------------------------------------------------------


def negative_spike(context: BrandContext, scope: Scope) -> RuleOutcome:
    """One alert per storm: it stays the same alert while the storm lasts and closes when it passes."""
    rule = context.brand.alerts.negative_spike
    prefix = f"{NEGATIVE_SPIKE}:{context.brand_id}:"
    current, baseline = window_counts(
        context.database, scope.channel_ids, context.now, rule.window, rule.baseline_days
    )
    result = spike_statistic(current, baseline, rule)
    outcome = RuleOutcome(NEGATIVE_SPIKE, prefix, still_open=set(), note=result.reason)
    if not result.fires:
        return outcome  # the storm has passed: an open spike alert closes
    ongoing = store.open_keys(context.database, context.brand_id, prefix)
    key = ongoing[0] if ongoing else f"{prefix}{context.now:%Y%m%dT%H%M}"
    outcome.still_open = {key}
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
        Finding(NEGATIVE_SPIKE, key, rule.severity, facts, cooldown_minutes=rule.cooldown)
    )
    return outcome


def _calendar(brand: BrandConfig) -> BusinessCalendar | None:
    hours = brand.business_hours
    if hours is None or not any(hours.ranges().values()):
        return None
    return BusinessCalendar(hours, brand.timezone)


def waiting(data: CommentData) -> RuleOutcome:
    context = data.context
    rule = context.brand.alerts.waiting
    outcome = RuleOutcome(WAITING, f"{WAITING}:", still_open=data.keys(f"{WAITING}:"))
    sla = rule.sla or context.brand.response_sla
    calendar = _calendar(context.brand)
    late: list[tuple[Unanswered, float]] = []
    for comment in data.within(rule.lookback):
        if rule.include == "negative" and comment.label != "negative":
            continue
        if f"{WAITING}:{comment.id}" in data.raised:
            continue
        if calendar is not None:
            waited = calendar.business_seconds(comment.created_at, context.now) / 60
        else:
            waited = (context.now - comment.created_at).total_seconds() / 60
        if waited > sla:
            late.append((comment, waited))
    details = data.details(comment.id for comment, _ in late)
    for comment, waited in late:
        negative = comment.label == "negative"
        facts = {
            **details[comment.id].facts(),
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


def watch_list(data: CommentData) -> RuleOutcome:
    rule = data.context.brand.alerts.watch_list
    terms = WatchList(rule.terms)
    outcome = RuleOutcome(WATCH_LIST, f"{WATCH_LIST}:", still_open=data.keys(f"{WATCH_LIST}:"))
    candidates = [c.id for c in data.within(rule.lookback) if f"{WATCH_LIST}:{c.id}" not in data.raised]
    for comment_id, comment in data.details(candidates).items():
        found = terms.matches(comment.text)
        if found:
            outcome.findings.append(
                Finding(
                    WATCH_LIST,
                    f"{WATCH_LIST}:{comment_id}",
                    rule.severity,
                    {**comment.facts(), "terms": found},
                    comment.channel_id,
                    comment_id,
                )
            )
    return outcome


def heating_comments(data: CommentData) -> RuleOutcome:
    """An unanswered negative comment gathering likes and replies fast."""
    context = data.context
    rule = context.brand.alerts.heating_up
    outcome = RuleOutcome(HEATING_UP, HEATING_COMMENT, still_open=data.keys(HEATING_COMMENT))
    candidates = [
        c.id
        for c in data.within(rule.lookback)
        if c.label == "negative" and f"{HEATING_COMMENT}{c.id}" not in data.raised
    ]
    details = data.details(candidates)
    stored = _stored_replies(context.database, list(details.values()))
    for comment_id, comment in details.items():
        replies = max(comment.replies, stored.get(comment_id, 0))
        engagement = comment.likes + replies
        hours = max((context.now - comment.created_at).total_seconds() / 3600, 1.0)
        rate = engagement / hours
        if engagement >= rule.min_engagement and rate >= rule.min_rate:
            facts = {**comment.facts(), "likes": comment.likes, "replies": replies, "per_hour": rate}
            key = f"{HEATING_COMMENT}{comment_id}"
            outcome.findings.append(
                Finding(HEATING_UP, key, rule.severity, facts, comment.channel_id, comment_id)
            )
    return outcome


def _stored_replies(database: Database, comments: list[CommentDetails]) -> dict[int, int]:
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


def heating_posts(context: BrandContext, scope: Scope) -> RuleOutcome:
    """A post drawing negative comments fast: one alert while it lasts, closed when it calms down."""
    rule = context.brand.alerts.heating_up
    outcome = RuleOutcome(HEATING_UP, HEATING_POST, still_open=set())
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
    with context.database.read() as connection:
        hot = connection.execute(query).all()
    if not hot:
        return outcome
    open_keys = store.open_keys(context.database, context.brand_id, HEATING_POST)
    ongoing = {key[len(HEATING_POST) :].split(":", 1)[0]: key for key in open_keys}
    for post_id, channel_id, channel, platform, text, url, count in hot:
        key = ongoing.get(str(post_id), f"{HEATING_POST}{post_id}:{context.now:%Y%m%dT%H%M}")
        outcome.still_open.add(key)  # type: ignore[union-attr]
        facts = {
            "channel": channel,
            "platform": platform,
            "text": (text or "")[:TEXT_LIMIT],
            "url": url,
            "negative": count,
            "window_minutes": rule.post_window,
        }
        outcome.findings.append(Finding(HEATING_UP, key, rule.severity, facts, channel_id, post_id))
    return outcome


def reply_window(data: CommentData) -> RuleOutcome:
    context = data.context
    rule = context.brand.alerts.reply_window
    still_open: set[str] = set()
    outcome = RuleOutcome(REPLY_WINDOW, f"{REPLY_WINDOW}:", still_open=still_open)
    warn = timedelta(minutes=rule.warn_before)
    now_micros = epoch_micros(context.now)
    closing: list[tuple[Unanswered, datetime]] = []
    for comment in data.unanswered:
        key = f"{REPLY_WINDOW}:{comment.id}"
        window = context.reply_windows.get(data.platform(comment))
        if window is None:  # not known in this run (a plug-in missing): leave its alerts as they are
            still_open.add(key)
            continue
        closes_micros = comment.created + window // MICROSECOND
        if closes_micros <= now_micros:
            continue  # closed: nothing left to do, and an open alert about it closes too
        still_open.add(key)
        if now_micros >= closes_micros - warn // MICROSECOND and key not in data.raised:
            closing.append((comment, comment.created_at + window))
    details = data.details(comment.id for comment, _ in closing)
    for comment, closes in closing:
        facts = {
            **details[comment.id].facts(),
            "closes_at": closes.isoformat(),
            "minutes_left": (closes - context.now).total_seconds() / 60,
        }
        key = f"{REPLY_WINDOW}:{comment.id}"
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
