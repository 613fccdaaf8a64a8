"""The JSON report (`schema_version` 2). Stable: keys are only ever added, never renamed.

```
{ "schema_version": 2, "generated_at": ISO,
  "channels": [ {brand, channel, platform, posts, comments, positive, neutral, negative,
                 last_status, pending_threads, shares: {positive, neutral, negative}} ],   # all-time overview
  "brands": [ {
     "brand", "name", "timezone", "language", "channels": [names],
     "window": {"since", "until", "period"},
     "response_times": null | {"sla_minutes", "business_hours": bool, "overall": GROUP,
                               "by_channel": [GROUP], "by_period": [GROUP]},
     "needs_reply": null | {"total", "negative", "over_sla", "items": [{"channel", "id", "author",
                     "created_at", "age_minutes", "label", "compound", "text", "url", "over_sla",
                     "ref", "mixed"}]},   # mixed: praise and complaint in one text (added in 2)
     "trend": null | {"periods": [{"start", "comments", "positive", "neutral", "negative",
                     "shares": {…}, "net_sentiment", "rated", "average_rating"}],
                     "rising_terms": {"latest", "previous", "terms": [{"term", "count", "share",
                     "previous_share"}]} | null},
     "engagement": null | {"by_channel": [...], "posts": [POST], "top_negative": [POST], "top_positive": [POST]},
     "worst_comments": null | [{"channel", "author", "created_at", "label", "compound", "text", "url",
                                "platform_id", "ref"}],
     "rules": {"reply_match", "reply_by", "statistic", "conversation_gap", "self_thread_replies",
               "response_sla_minutes", "business_hours", "holidays", "timezone"},
     "headline": FIGURES,                                                  # added in version 2
     "previous": null | {"window": {"since", "until"}, "headline": FIGURES,  # added in version 2
                         "change": FIGURES} } ] }
GROUP = {"key", "comments", "answered", "response_rate", "median_minutes", "p90_minutes",
         "mean_minutes", "within_sla", "within_sla_share", "business": null | {"median_minutes",
         "p90_minutes", "mean_minutes", "within_sla", "within_sla_share"}}
FIGURES = {"response_minutes", "business_response_minutes", "response_rate", "within_sla_share",
           "needs_reply", "customer_comments", "net_sentiment"}   # each a number or null
```
Version 2 added `headline` and `previous` (every version-1 key is unchanged): the figures the
report leads with (`response_minutes` is the rules' `statistic`, median or mean, of the waits;
`business_response_minutes` the same in business hours; `net_sentiment` a fraction in [−1, 1]),
and the same figures over the previous period — the window of the same length just before
(`previous.window`; see socialmon/analytics/previous.py) — with `change` = now − before (null
where either is null). A figure the view does not compute is null; `pending` has no `previous`.

Private messages (issue 17; added keys, still version 2), only for a brand that has conversations:
`response_times.by_kind` [GROUP + "kind"] (key "comments" / "messages"; a message GROUP counts
customer turns: consecutive customer messages of a conversation, timed from the first to the
business's next message), `response_times.by_channel_kind` [GROUP + "kind"] (key the channel),
`needs_reply.by_kind` [{"kind", "total", "negative", "over_sla"}], and on each waiting item
"kind" ("comment" / "message": a waiting turn, listed once by its first message),
"conversation" (its name), "conversation_id", "turn_messages"; `trend.by_kind` {"comment" |
"message": [{"start", "comments", "positive", "neutral", "negative", "net_sentiment"}]}.
Everything else counts comments and messages together.

`needs_reply.sla_in_business_hours` (an added key, still version 2): true when the brand has
opening hours, and then `over_sla` (the count and each item's) counts the wait in them, as the
`waiting` alert does; false: in clock time.

Times are ISO 8601 in UTC; durations are minutes; shares are fractions in [0, 1].
`id` and `platform_id` are the platform's id of a comment; `ref` (a key added in version 1, which
did not change the version) is its short reference, "#k3m9x2", as the other formats show it and
`socialmon label` takes it (see socialmon/analytics/refs.py).
A focused view (`report response-times`, `report trends`, `pending`) sets the sections it
does not compute to null.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from datetime import date, datetime
from typing import Any

from socialmon.analytics.previous import headline_figures
from socialmon.analytics.refs import comment_ref
from socialmon.analytics.results import BrandReport, HeadlineFigures, ResponseGroup, WaitStats

SCHEMA_VERSION = 2


def _round(value: float | None, digits: int = 4) -> float | None:
    return None if value is None else round(value, digits)


def _stats(stats: WaitStats, comments: int) -> dict[str, Any]:
    return {
        "median_minutes": _round(stats.median, 2),
        "p90_minutes": _round(stats.p90, 2),
        "mean_minutes": _round(stats.mean, 2),
        "within_sla": stats.within_sla,
        "within_sla_share": _round(stats.within_sla / comments) if comments else None,
    }


def _group(group: ResponseGroup) -> dict[str, Any]:
    return {
        "key": group.key,
        "comments": group.comments,
        "answered": group.answered,
        "response_rate": _round(group.response_rate),
        **_stats(group.wall, group.comments),
        "business": _stats(group.business, group.comments) if group.business else None,
    }


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, float):
        return round(value, 4)
    return value


def _figures(figures: HeadlineFigures) -> dict[str, Any]:
    return {
        "response_minutes": _round(figures.response_minutes, 2),
        "business_response_minutes": _round(figures.business_minutes, 2),
        "response_rate": _round(figures.response_rate),
        "within_sla_share": _round(figures.within_sla_share),
        "needs_reply": figures.needs_reply,
        "customer_comments": figures.customer_comments,
        "net_sentiment": _round(figures.net_sentiment),
    }


def _previous(report: BrandReport) -> dict[str, Any] | None:
    previous = report.previous
    if previous is None:
        return None
    now, before = _figures(headline_figures(report)), _figures(previous.figures)
    return {
        "window": {"since": previous.since.isoformat(), "until": previous.until.isoformat()},
        "headline": before,
        "change": {
            key: None if now[key] is None or before[key] is None else _round(now[key] - before[key])
            for key in now
        },
    }


def brand_dict(report: BrandReport) -> dict[str, Any]:
    data: dict[str, Any] = {
        "brand": report.slug,
        "name": report.name,
        "timezone": report.timezone,
        "language": report.language,
        "channels": report.channels,
        "window": {
            "since": report.since.isoformat(),
            "until": report.until.isoformat(),
            "period": report.period,
        },
        "response_times": None,
        "needs_reply": None,
        "trend": None,
        "engagement": None,
        "worst_comments": None,
        "rules": _plain(report.rules),
        "headline": _figures(headline_figures(report)),
        "previous": _previous(report),
    }
    times = report.response_times
    if times is not None:
        data["response_times"] = {
            "sla_minutes": times.sla_minutes,
            "business_hours": times.business_hours,
            "overall": _group(times.overall),
            "by_channel": [_group(g) for g in times.by_channel],
            "by_period": [_group(g) for g in times.by_period],
        }
        if times.by_kind:  # a brand with private messages
            data["response_times"]["by_kind"] = [{**_group(g), "kind": g.kind} for g in times.by_kind]
            data["response_times"]["by_channel_kind"] = [
                {**_group(g), "kind": g.kind} for g in times.by_channel_kind
            ]
    if report.needs_reply is not None:
        pending = report.needs_reply
        data["needs_reply"] = {
            "total": pending.total,
            "negative": pending.negative,
            "over_sla": pending.over_sla,
            "sla_in_business_hours": pending.sla_in_business_hours,
            "items": [
                {
                    "channel": i.channel,
                    "id": i.platform_id,
                    "author": i.author,
                    "created_at": i.created_at.isoformat(),
                    "age_minutes": round(i.age_minutes, 1),
                    "label": i.label,
                    "compound": i.compound,
                    "text": i.text,
                    "url": i.url,
                    "over_sla": i.over_sla,
                    "ref": comment_ref(report.slug, i.channel, i.platform_id),
                    "mixed": i.mixed,
                }
                for i in pending.items
            ],
        }
        if pending.by_kind:  # a brand with private messages: each item's kind and conversation
            data["needs_reply"]["by_kind"] = [asdict(k) for k in pending.by_kind]
            for item, i in zip(data["needs_reply"]["items"], pending.items, strict=True):
                item.update(
                    kind=i.kind,
                    conversation=i.conversation,
                    conversation_id=i.conversation_id,
                    turn_messages=i.turn_messages,
                )
    if report.trend is not None:
        trend = report.trend
        data["trend"] = {
            "periods": [
                {
                    "start": p.start.isoformat(),
                    "comments": p.comments,
                    "positive": p.positive,
                    "neutral": p.neutral,
                    "negative": p.negative,
                    "shares": {
                        label: _round(p.share(label)) for label in ("positive", "neutral", "negative")
                    },
                    "net_sentiment": _round(p.net_sentiment),
                    "rated": p.rated,
                    "average_rating": _round(p.average_rating, 2),
                }
                for p in trend.periods
            ],
            "rising_terms": None
            if trend.compared is None
            else {
                "latest": trend.compared[0].isoformat(),
                "previous": trend.compared[1].isoformat(),
                "terms": [_plain(asdict(t)) for t in trend.rising_terms],
            },
        }
        if trend.by_kind:  # a brand with private messages
            data["trend"]["by_kind"] = {
                kind: [
                    {"start": p.start.isoformat(), "comments": p.comments, "positive": p.positive,
                     "neutral": p.neutral, "negative": p.negative, "net_sentiment": _round(p.net_sentiment)}
                    for p in periods
                ]
                for kind, periods in trend.by_kind.items()
            }  # fmt: skip
    if report.engagement is not None:
        e = report.engagement
        posts = lambda items: [_plain(asdict(p)) for p in items]  # noqa: E731
        data["engagement"] = {
            "by_channel": [asdict(c) for c in e.by_channel],
            "posts": posts(e.posts),
            "top_negative": posts(e.top_negative),
            "top_positive": posts(e.top_positive),
        }
    if report.worst_comments is not None:
        data["worst_comments"] = [
            {**_plain(asdict(w)), "ref": comment_ref(report.slug, w.channel, w.platform_id)}
            for w in report.worst_comments
        ]
    return data


def render_json(
    reports: list[BrandReport], generated_at: datetime, channels: list[dict[str, Any]] | None
) -> str:
    document: dict[str, Any] = {"schema_version": SCHEMA_VERSION, "generated_at": generated_at.isoformat()}
    if channels is not None:
        document["channels"] = channels
    document["brands"] = [brand_dict(r) for r in reports]
    return json.dumps(document, ensure_ascii=False, indent=2)
