"""Alerts by webhook, in the payload each service expects.

- **slack**: an incoming webhook; `text` (the notification's fallback) and Block Kit `blocks`
  (a header, then a mrkdwn section and a context line per alert). Slack answers 200 "ok".
- **discord**: a channel webhook; `content` plus one embed per alert (title, description,
  link, colour by severity, timestamp), at most 10 embeds a message; mentions are disabled
  so a customer's "@everyone" pings nobody. Discord answers 204.
- **teams**: a Microsoft Teams Workflows webhook ("When a Teams webhook request is
  received"); a `message` carrying one Adaptive Card 1.4 attachment. Teams answers 202.
- **json**: any HTTP endpoint; a documented, stable JSON object (see the README):
  `{"source": "socialmon", "version": 1, "brand": {...}, "alerts": [...]}`.

Any 2xx answer means accepted. The URL is a secret (whoever has it can post): it is never
printed, and an error names the destination by its `name`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx

from socialmon.alerts._errors import DeliveryError
from socialmon.alerts.wording import AlertText, say
from socialmon.config import WebhookDestination
from socialmon.render.i18n import Lang

COLOURS = {"info": 0x0969DA, "warning": 0x9A6700, "critical": 0xCF222E}
BATCH = {"slack": 10, "discord": 10, "teams": 10, "json": 50}  # alerts per message: the services' limits


def _lines(alert: AlertText) -> list[str]:
    return [f"{label}: {value}" if label else value for label, value in alert.lines]


def _slack_escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def slack(brand: dict[str, str], alerts: list[AlertText], lang: Lang) -> dict[str, Any]:
    blocks: list[dict[str, Any]] = [
        {"type": "header", "text": {"type": "plain_text", "text": f"socialmon · {brand['name']}"[:150]}}
    ]
    for alert in alerts:
        parts = [f"*[{_slack_escape(alert.severity_word.upper())}] {_slack_escape(alert.title)}*"]
        parts += [_slack_escape(line) for line in _lines(alert)]
        if alert.quote:
            parts.append("> " + _slack_escape(alert.quote).replace("\n", "\n> "))
        if alert.url:
            parts.append(f"<{alert.url}|{say(lang, 'open')}>")
        blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": "\n".join(parts)[:3000]}})
        blocks.append(
            {"type": "context", "elements": [{"type": "mrkdwn", "text": f"#{alert.id} · {alert.rule}"}]}
        )
    fallback = say(lang, "intro", count=len(alerts), brand=brand["name"])
    return {"text": fallback, "blocks": blocks}


def discord(brand: dict[str, str], alerts: list[AlertText], lang: Lang) -> dict[str, Any]:
    embeds = []
    for alert in alerts:
        description = "\n".join(_lines(alert) + ([f"> {alert.quote}"] if alert.quote else []))
        embed: dict[str, Any] = {
            "title": f"[{alert.severity_word.upper()}] {alert.title}"[:256],
            "description": description[:4096],
            "color": COLOURS.get(alert.severity, COLOURS["info"]),
            "timestamp": alert.created_at.isoformat(),
            "footer": {"text": f"#{alert.id} · {alert.rule}"},
        }
        if alert.url:
            embed["url"] = alert.url
        embeds.append(embed)
    return {
        "username": "socialmon",
        "content": say(lang, "intro", count=len(alerts), brand=brand["name"])[:2000],
        "embeds": embeds,
        "allowed_mentions": {"parse": []},
    }


def teams(brand: dict[str, str], alerts: list[AlertText], lang: Lang) -> dict[str, Any]:
    body: list[dict[str, Any]] = [
        {
            "type": "TextBlock",
            "size": "Medium",
            "weight": "Bolder",
            "text": f"socialmon · {brand['name']}",
            "wrap": True,
        }
    ]
    for alert in alerts:
        items: list[dict[str, Any]] = [
            {
                "type": "TextBlock",
                "weight": "Bolder",
                "wrap": True,
                "color": "Attention"
                if alert.severity == "critical"
                else "Warning"
                if alert.severity == "warning"
                else "Accent",
                "text": f"[{alert.severity_word.upper()}] {alert.title}",
            }
        ]
        items += [
            {"type": "TextBlock", "wrap": True, "spacing": "Small", "text": line} for line in _lines(alert)
        ]
        if alert.quote:
            items.append({"type": "TextBlock", "wrap": True, "isSubtle": True, "text": f"“{alert.quote}”"})
        if alert.url:
            items.append(
                {
                    "type": "ActionSet",
                    "actions": [{"type": "Action.OpenUrl", "title": say(lang, "open"), "url": alert.url}],
                }
            )
        body.append({"type": "Container", "separator": True, "items": items})
    card = {
        "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
        "type": "AdaptiveCard",
        "version": "1.4",
        "body": body,
    }
    return {
        "type": "message",
        "attachments": [
            {"contentType": "application/vnd.microsoft.card.adaptive", "contentUrl": None, "content": card}
        ],
    }


def generic(
    brand: dict[str, str], alerts: list[AlertText], lang: Lang, facts: dict[int, dict[str, Any]]
) -> dict[str, Any]:
    return {
        "source": "socialmon",
        "version": 1,
        "brand": brand,
        "language": lang.language,
        "alerts": [
            {
                "id": alert.id,
                "rule": alert.rule,
                "severity": alert.severity,
                "title": alert.title,
                "details": _lines(alert),
                "text": alert.quote,
                "url": alert.url,
                "created_at": alert.created_at.isoformat(),
                "facts": facts.get(alert.id, {}),
            }
            for alert in alerts
        ],
    }


def build_payload(
    hook: WebhookDestination,
    brand: dict[str, str],
    alerts: list[AlertText],
    lang: Lang,
    facts: dict[int, dict[str, Any]],
) -> dict[str, Any]:
    builders: dict[str, Callable[..., dict[str, Any]]] = {"slack": slack, "discord": discord, "teams": teams}
    if hook.kind == "json":
        return generic(brand, alerts, lang, facts)
    return builders[hook.kind](brand, alerts, lang)


def post(hook: WebhookDestination, payload: dict[str, Any], client: httpx.Client) -> None:
    """POST the payload; raises DeliveryError unless the service answers 2xx."""
    try:
        response = client.post(hook.url, json=payload, headers=hook.headers, timeout=hook.timeout)
    except httpx.HTTPError as error:
        message = str(error).replace(hook.url, "***") or type(error).__name__
        raise DeliveryError(f"webhook '{hook.name}' ({hook.kind}): cannot reach it: {message}") from None
    if not response.is_success:
        body = response.text.strip().replace("\n", " ")[:200]
        raise DeliveryError(
            f"webhook '{hook.name}' ({hook.kind}): HTTP {response.status_code}{': ' + body if body else ''}"
        )
