"""Alerts by webhook, in the payload each service expects and within the limits it enforces.

- **slack**: an incoming webhook; `text` (the notification's fallback) and Block Kit `blocks`
  (a header, then a mrkdwn section and a context line per alert). Limits: 50 blocks, 150
  characters in a header, 3,000 in a section; Slack refuses a message whose blocks carry much
  more than 12,000 characters in all (`msg_blocks_too_long`). Slack answers 200 "ok".
- **discord**: a channel webhook; `content` plus one embed per alert (title, description,
  link, colour by severity, timestamp), mentions disabled so a customer's "@everyone" pings
  nobody. Limits: `content` 2,000 characters, 10 embeds, a title 256, a description 4,096,
  and 6,000 characters in all the embeds' titles, descriptions and footers together. Discord
  answers 204.
- **teams**: a Microsoft Teams Workflows webhook ("Send webhook alerts to a channel" / "When
  a Teams webhook request is received": Office 365 connectors are retired, a new channel
  webhook is a Workflow); a `message` carrying one Adaptive Card 1.4 attachment. Limit:
  about 28 KB a message. Teams answers 202.
- **json**: any HTTP endpoint; a documented, stable JSON object (see the README):
  `{"source": "socialmon", "version": 1, "brand": {...}, "alerts": [...]}`, every alert in
  full, up to `JSON_BATCH` per POST.

A chat message is read by a person: it details the `DETAIL` most severe alerts of a run and
sums up the rest in one line (how many, of which rules), so a first run over a year of
history is one message, not hundreds. When a payload would pass a limit, quoted comments are
shortened, then fewer alerts are detailed, until it fits: a message the service refuses
would be retried, and refused, forever.

Any 2xx answer means accepted (Slack answers 200 "ok", a Teams workflow 202 with no body),
except a retired Teams (Office 365) connector's 200 whose body says "Webhook message delivery
failed". A 301 or 308 says the service moved the webhook: update its url. A 429 says the service
is over its rate: Slack gives the seconds to wait in `Retry-After`; Discord too, and again in its
JSON body (`{"message": "You are being rate limited.", "retry_after": 1.5, "global": false}`). A
wait up to `RATE_LIMIT_WAIT` is waited, once, and the message posted again; a longer one fails
that destination, saying how long, and the next run after it sends the alerts. The URL is a secret
(whoever has it can post): it is never printed or logged, nor the new one a redirect names, and an error names the destination by its `name`. A service's error
body may echo the request: every error is scrubbed of the URL, the secrets in its path and
query, the header values and anything that looks like a bearer token (`scrub`).

A customer's words are not the service's markup: Slack's `<url|text>`, Discord's `[text](url)`,
`<@id>` and `@everyone`, and Teams' `[text](url)` in a comment, an author's name or a
platform error show as written, never as a live link or a mention.
"""

from __future__ import annotations

import json
import logging
import math
import re
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from typing import Any
from urllib.parse import parse_qsl, quote, quote_plus, unquote, urlsplit

import httpx

from socialmon.alerts._errors import DeliveryError
from socialmon.alerts.wording import STRINGS, AlertText, Batch, Summary, intro, say, summarise
from socialmon.config import WebhookDestination
from socialmon.render.i18n import Lang
from socialmon.render.shorten import shorten

COLOURS = {"info": 0x0969DA, "warning": 0x9A6700, "critical": 0xCF222E}
DETAIL = 10  # alerts a chat message shows one by one (Discord takes 10 embeds); the rest are summed up
JSON_BATCH = 200  # alerts per POST to a generic JSON endpoint: each carries at most 5 quoted
# comments of 500 characters, so a POST stays around 1 MB at worst
QUOTE_LIMITS = (None, 280, 100, 0)  # tried in turn until the payload fits
SLACK_BLOCKS, SLACK_SECTION, SLACK_TEXT = 50, 3000, 12_000
DISCORD_CONTENT, DISCORD_EMBEDS, DISCORD_TOTAL = 2000, 10, 6000
DISCORD_TITLE, DISCORD_DESCRIPTION = 256, 4096
TEAMS_BYTES = 27_000  # Teams refuses a message over about 28 KB
# "Moved Permanently" and "Permanent Redirect" (RFC 9110 15.4.2, 15.4.9): a service that retired a
# webhook's address (Discord's discordapp.com, Teams workflows' logic.azure.com) says where it went.
MOVED_FOR_GOOD = {301, 308}
# The longest wait a 429 asks for that a run waits through, once: as long as the default timeout
# of one slow answer (20 s). Slack (one message a second, short bursts) and Discord (a few a second
# per webhook) ask for a second or two after a burst; a longer wait means a limit that lasts, and a
# run stalled on it would hold up the other destinations and brands.
RATE_LIMIT_WAIT = 20.0
TOO_MANY_REQUESTS = 429

log = logging.getLogger(__name__)


def _lines(alert: AlertText) -> list[str]:
    return [f"{label}: {value}" if label else value for label, value in alert.lines]


def _slack_escape(text: str) -> str:
    """Slack's mrkdwn: with `<`, `>` and `&` escaped no `<url|text>`, `<!everyone>` or `<@U1>` can be made."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


_DISCORD_SPECIAL = re.compile(r"([\\*_~`|>\[\]()<#])")
_EVERYONE = re.compile(r"@(everyone|here)\b", re.IGNORECASE)


def _discord_escape(text: str) -> str:
    """Discord's markdown: every markup character backslash-escaped (Discord drops the
    backslash), so `[text](url)` is no masked link and `<@id>` no mention; `@everyone` and
    `@here` get a zero-width space (besides `allowed_mentions`, which stops any ping)."""
    return _EVERYONE.sub("@\u200b\\1", _DISCORD_SPECIAL.sub(r"\\\1", text))


def _teams_escape(text: str) -> str:
    """Teams' TextBlock markdown: a zero-width space after each `]`, so a customer's
    `[text](url)` (or `[text][1]` with `[1]: url`) shows as written, not as a link."""
    return text.replace("]", "]\u200b")


def _reference(alert: AlertText, lang: Lang) -> str:
    """The line under an alert in a chat: its id and rule, in the brand's language ("#3 · waiting",
    "alerta n.º 3 · espera de respuesta", "alerta nº 3 · aguardando resposta"); a rule this version
    has no words for (stored by another) as written."""
    known = f"rule_{alert.rule}" in STRINGS
    rule = say(lang, f"rule_{alert.rule}") if known else alert.rule
    return say(lang, "chat_reference", id=alert.id, rule_id=alert.rule, rule=rule)


def slack(brand: dict[str, str], alerts: list[AlertText], lang: Lang, more: Summary | None) -> dict[str, Any]:
    blocks: list[dict[str, Any]] = [
        {
            "type": "header",
            "text": {"type": "plain_text", "text": shorten(f"socialmon · {brand['name']}", 150)},
        }
    ]
    for alert in alerts:
        parts = [f"*[{_slack_escape(alert.severity_word.upper())}] {_slack_escape(alert.title)}*"]
        parts += [_slack_escape(line) for line in _lines(alert)]
        if alert.quote:
            parts.append("> " + _slack_escape(alert.quote).replace("\n", "\n> "))
        if alert.url:
            parts.append(f"<{_slack_escape(alert.url).replace('|', '%7C')}|{say(lang, 'open')}>")
        for comment in alert.comments:
            head = f"• *{_slack_escape(comment.who)}*" + (
                f" · {_slack_escape(comment.note)}" if comment.note else ""
            )
            if comment.url:
                head += f" <{_slack_escape(comment.url).replace('|', '%7C')}|{say(lang, 'open')}>"
            parts.append(head)
            if comment.text:
                parts.append("> " + _slack_escape(comment.text).replace("\n", "\n> "))
        blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": "\n".join(parts)}})
        blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": _reference(alert, lang)}]})
    if more:
        summary = _cut_lines(_slack_escape(more.text), SLACK_SECTION)  # no `&gt;` cut in two
        blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": summary}})
    return {"text": intro(lang, _held(alerts) + _count(more), brand["name"]), "blocks": blocks}


def discord(
    brand: dict[str, str], alerts: list[AlertText], lang: Lang, more: Summary | None
) -> dict[str, Any]:
    embeds = []
    for alert in alerts:
        lines = [_discord_escape(line) for line in _lines(alert)]
        lines += [f"> {_discord_escape(alert.quote)}"] if alert.quote else []
        for comment in alert.comments:
            note = f" · {_discord_escape(comment.note)}" if comment.note else ""
            lines.append(f"• **{_discord_escape(comment.who)}**{note}")
            if comment.text:
                lines.append("> " + _discord_escape(comment.text).replace("\n", "\n> "))
        description = "\n".join(lines)
        embed: dict[str, Any] = {
            "title": _cut_line(
                f"[{alert.severity_word.upper()}] {_discord_escape(alert.title)}", DISCORD_TITLE
            ),
            "description": description,
            "color": COLOURS.get(alert.severity, COLOURS["info"]),
            "timestamp": alert.created_at.isoformat(),
            "footer": {"text": _reference(alert, lang)},  # a footer shows no markdown: nothing to escape
        }
        if alert.url:
            embed["url"] = alert.url
        embeds.append(embed)
    name = _discord_escape(brand["name"])
    content = intro(lang, _held(alerts) + _count(more), name) + (f"\n{more.text}" if more else "")
    return {
        "username": "socialmon",
        "content": _cut_line(content, DISCORD_CONTENT),  # no escape (`\_`) cut in two
        "embeds": embeds,
        "allowed_mentions": {"parse": []},
    }


def teams(brand: dict[str, str], alerts: list[AlertText], lang: Lang, more: Summary | None) -> dict[str, Any]:
    body: list[dict[str, Any]] = [
        {
            "type": "TextBlock",
            "size": "Medium",
            "weight": "Bolder",
            "text": f"socialmon · {_teams_escape(brand['name'])}",
            "wrap": True,
        }
    ]
    colours = {"critical": "Attention", "warning": "Warning"}
    for alert in alerts:
        items: list[dict[str, Any]] = [
            {
                "type": "TextBlock",
                "weight": "Bolder",
                "wrap": True,
                "color": colours.get(alert.severity, "Accent"),
                "text": f"[{alert.severity_word.upper()}] {_teams_escape(alert.title)}",
            }
        ]
        items += [
            {"type": "TextBlock", "wrap": True, "spacing": "Small", "text": _teams_escape(line)}
            for line in _lines(alert)
        ]
        if alert.quote:
            quote = f"“{_teams_escape(alert.quote)}”"
            items.append({"type": "TextBlock", "wrap": True, "isSubtle": True, "text": quote})
        for comment in alert.comments:
            note = f" · {_teams_escape(comment.note)}" if comment.note else ""
            items.append(
                {
                    "type": "TextBlock",
                    "wrap": True,
                    "spacing": "Small",
                    "weight": "Bolder",
                    "text": f"{_teams_escape(comment.who)}{note}",
                }
            )
            if comment.text:
                items.append(
                    {
                        "type": "TextBlock",
                        "wrap": True,
                        "isSubtle": True,
                        "text": f"“{_teams_escape(comment.text)}”",
                    }
                )
        if alert.url:
            items.append(
                {
                    "type": "ActionSet",
                    "actions": [{"type": "Action.OpenUrl", "title": say(lang, "open"), "url": alert.url}],
                }
            )
        body.append({"type": "Container", "separator": True, "items": items})
    if more:
        body.append({"type": "TextBlock", "wrap": True, "separator": True, "text": more.text})
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
                "facts": _public(facts.get(alert.id, {})),
            }
            for alert in alerts
        ],
    }


def _public(facts: dict[str, Any]) -> dict[str, Any]:
    """What the rule saw, without the bookkeeping: a group's ids (thousands, for a long wave:
    `socialmon alerts show ID` lists them), the count last queued, the digest it is folded in."""
    hidden = ("comment_ids", "alert_ids", "queued_count", "digest_id")
    return {key: value for key, value in facts.items() if key not in hidden}


_CHATS: dict[str, Callable[[dict[str, str], list[AlertText], Lang, Summary | None], dict[str, Any]]] = {
    "slack": slack,
    "discord": discord,
    "teams": teams,
}


def _count(more: Summary | None) -> int:
    return 0 if more is None else more.count


def _held(alerts: list[AlertText]) -> int:
    """How many alerts these stand for: a digest, the alerts it holds."""
    return sum(alert.count for alert in alerts)


def fits(kind: str, payload: dict[str, Any]) -> bool:
    """Whether the service takes a payload this size (see the module's docstring for the limits)."""
    if kind == "slack":
        texts = [block["text"]["text"] for block in payload["blocks"] if "text" in block]
        texts += [e["text"] for block in payload["blocks"] for e in block.get("elements", [])]
        sections = [block["text"]["text"] for block in payload["blocks"] if block["type"] == "section"]
        return (
            len(payload["blocks"]) <= SLACK_BLOCKS
            and sum(map(len, texts)) <= SLACK_TEXT
            and all(len(text) <= SLACK_SECTION for text in sections)
        )
    if kind == "discord":
        embeds = payload["embeds"]
        total = sum(len(e["title"]) + len(e["description"]) + len(e["footer"]["text"]) for e in embeds)
        return (
            len(embeds) <= DISCORD_EMBEDS
            and total <= DISCORD_TOTAL
            and all(len(e["description"]) <= DISCORD_DESCRIPTION for e in embeds)
        )
    if kind == "teams":
        return len(json.dumps(payload, ensure_ascii=False).encode()) <= TEAMS_BYTES
    return True


def build_payload(
    hook: WebhookDestination,
    brand: dict[str, str],
    batch: Batch,
    lang: Lang,
    facts: dict[int, dict[str, Any]],
) -> dict[str, Any]:
    """The message for a batch: every alert for json; for a chat, as many in detail as fit, the rest summed up."""
    if hook.kind == "json":
        return generic(brand, batch.shown, lang, facts)
    builder = _CHATS[hook.kind]
    detailed = len(batch.shown)
    while True:
        shown = batch.shown[:detailed]
        left_out = [rule for alert in batch.shown[detailed:] for rule in alert.rules or [alert.rule]]
        more = summarise(lang, left_out + batch.hidden)
        for limit in QUOTE_LIMITS:
            payload = builder(brand, [_shorten(alert, limit) for alert in shown], lang, more)
            if fits(hook.kind, payload):
                return payload
        payload = _within_field_limits(hook.kind, payload)  # quotes gone, a section still too long
        if fits(hook.kind, payload) or detailed == 0:
            return payload
        detailed -= 1


def _within_field_limits(kind: str, payload: dict[str, Any]) -> dict[str, Any]:
    """The last resort: a Slack section or Discord description still over its limit loses its last
    lines. Each line holds its markup, entities and links whole, so none is cut in two."""
    if kind == "slack":
        for block in payload["blocks"]:
            if block["type"] == "section":
                block["text"]["text"] = _cut_lines(block["text"]["text"], SLACK_SECTION)
    elif kind == "discord":
        for embed in payload["embeds"]:
            embed["description"] = _cut_lines(embed["description"], DISCORD_DESCRIPTION)
    return payload


def _cut_lines(text: str, limit: int) -> str:
    """`text` in at most `limit` characters: whole lines, then "…" on a line of its own."""
    if len(text) <= limit:
        return text
    kept = text[: limit - 1].rpartition("\n")[0]
    return f"{kept}\n…" if kept else _cut_line(text.partition("\n")[0], limit)


# What a cut must not leave open at the end: an entity (`&gt;`), a link (`<url|Open>`); and an
# escape, a backslash with nothing after it (see `_without_open_escape`).
_OPEN_AT_END = re.compile(r"(&[A-Za-z0-9#]*|<[^>\n]*)$")


def _without_open_escape(text: str) -> str:
    """`text` without a last backslash that escapes nothing: an odd run of them at the end
    ("\\\\\\" is two escaped backslashes and an open one)."""
    run = len(text) - len(text.rstrip("\\"))
    return text[:-1] if run % 2 else text


def _cut_line(line: str, limit: int) -> str:
    """One line in at most `limit` characters, ending in "…", with no entity, link or escape cut
    in two and a bold line (`*title*`) still closed."""
    if len(line) <= limit:
        return line
    bold = line.startswith("*") and line.endswith("*")
    cut = _without_open_escape(
        _OPEN_AT_END.sub("", shorten(line, limit - bold, at_word=True).removesuffix("…"))
    )
    return cut + "…" + ("*" if bold else "")


def _shorten(alert: AlertText, limit: int | None) -> AlertText:
    if limit is None:
        return alert
    comments = [replace(c, text=_cut(c.text, limit) or "") for c in alert.comments]
    return replace(alert, quote=_cut(alert.quote, limit), comments=comments)


def _cut(text: str | None, limit: int) -> str | None:
    if text is None or len(text) <= limit:
        return text
    return shorten(text, limit, at_word=True) if limit else None


_POSTED_URLS: set[str] = set()


class _HideWebhookUrls(logging.Filter):
    """httpx logs every request's URL at INFO; a webhook's URL is its password."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if any(url in message for url in _POSTED_URLS):
            for url in sorted(_POSTED_URLS, key=len, reverse=True):
                message = message.replace(url, "***")
            record.msg, record.args = message, None
        return True


logging.getLogger("httpx").addFilter(_HideWebhookUrls())


_BEARER = re.compile(r"(?i)\b(bearer|basic)(\s+)[A-Za-z0-9._~+/=-]{6,}")
_SECRET_PARAM = re.compile(
    r"(?i)\b(access_token|api_key|apikey|client_secret|key|password|secret|sig|signature|token)"
    r"(=|\"\s*:\s*\")([^&\s\"'<>]+)"
)


def _as_httpx_writes(url: str) -> str:
    """The URL as httpx writes it in its log (normalised); as given when httpx cannot read it
    (the POST then fails, saying so)."""
    try:
        return str(httpx.URL(url))
    except httpx.InvalidURL:
        return url


def hook_secrets(hook: WebhookDestination) -> list[str]:
    """What of a destination is secret: its URL, the parts of its path and the values of its
    query that could be a key (Slack, Discord and Teams URLs carry theirs in the path), and its
    header values (with the token of `Authorization: Bearer …` on its own)."""
    secrets = {hook.url, _as_httpx_writes(hook.url)}
    try:
        parts = urlsplit(hook.url)
    except ValueError:  # "https://[::1/x": each piece of it may be a key
        secrets |= set(re.split(r"[/?&=@:]", hook.url))
        parts = urlsplit("")
    secrets |= {parts.password or "", parts.query}
    for segment in parts.path.split("/"):
        value = unquote(segment)
        if len(value) >= 16 or (len(value) >= 6 and any(c.isdigit() for c in value)):
            secrets.add(value)
    secrets |= {value for _, value in parse_qsl(parts.query) if len(value) >= 6}
    for value in hook.headers.values():
        secrets.add(value)
        secrets.update(word for word in value.split() if len(word) >= 6)
    return sorted((s for s in secrets if len(s) >= 6), key=len, reverse=True)


def scrub(text: str, secrets: Iterable[str]) -> str:
    """`text` with each secret (as written, URL-encoded or JSON-escaped) and anything that
    looks like a bearer token or a `key=…` credential replaced by ***."""
    forms = {
        form
        for secret in secrets
        if secret
        for form in (secret, quote(secret, safe=""), quote_plus(secret), secret.replace("/", "\\/"))
    }
    for form in sorted(forms, key=len, reverse=True):
        text = text.replace(form, "***")
    text = _SECRET_PARAM.sub(lambda m: f"{m.group(1)}{m.group(2)}***", text)
    return _BEARER.sub(lambda m: f"{m.group(1)}{m.group(2)}***", text)


_TEAMS_CONNECTOR_FAILED = re.compile(r"\s*Webhook message delivery failed", re.IGNORECASE)


def rate_limit_wait(response: httpx.Response) -> float | None:
    """The seconds a 429 asks to wait: its `Retry-After` (seconds or an HTTP date), else Discord's
    `retry_after` in the JSON body; None for another answer, or a 429 that does not say.

    The header first: it is seconds on every service, where Discord's body has been seen in
    milliseconds from a webhook address that names no API version (discord/discord-api-docs#4722)."""
    if response.status_code != TOO_MANY_REQUESTS:
        return None
    from socialmon_connectors.http import parse_retry_after  # only for a 429: it loads tenacity

    wait = parse_retry_after(response.headers.get("retry-after"))
    if wait is None:
        try:
            body = response.json()
        except ValueError:
            return None
        given = body.get("retry_after") if isinstance(body, dict) else None
        wait = float(given) if isinstance(given, int | float) and not isinstance(given, bool) else None
    return wait if wait is not None and math.isfinite(wait) and wait >= 0 else None


def said_wait(seconds: float) -> str:
    """A wait as a person reads it: "45 s", "12 min", "3 h", "2 d"."""
    if seconds < 120:
        return f"{math.ceil(seconds)} s"
    if seconds < 2 * 3600:
        return f"{round(seconds / 60)} min"
    if seconds < 2 * 86400:
        return f"{round(seconds / 3600)} h"
    return f"{round(seconds / 86400)} d"


def _pause(seconds: float) -> None:
    """The wait before posting again after a 429 (tests replace it: none of them sleeps)."""
    time.sleep(seconds)


@dataclass
class RateLimits:
    """The services that answered this run's posts with a 429 it did not wait out, by url, and until
    when (`time.monotonic`): a later post to one fails at once, where each would wait up to
    `RATE_LIMIT_WAIT` and be refused again (a webhook several brands share, a JSON hook's batches)."""

    until: dict[str, float] = field(default_factory=dict)


def post(
    hook: WebhookDestination, payload: dict[str, Any], client: httpx.Client, limits: RateLimits | None = None
) -> None:
    """POST the payload; raises DeliveryError unless the service answers 2xx (after waiting out a
    short rate limit once, see the module's docstring). With `limits`, a service that asked this run
    to wait is not posted to again before its time.

    The error quotes what the service answered (200 characters of it), scrubbed of the
    destination's secrets (see `scrub`): a service may echo the request it refused.
    """
    _POSTED_URLS.update({hook.url, _as_httpx_writes(hook.url)})
    secrets = hook_secrets(hook)
    left = (limits.until.get(hook.url, 0.0) - time.monotonic()) if limits else 0.0
    if left > 0:
        raise DeliveryError(
            f"webhook '{hook.name}' ({hook.kind}): HTTP {TOO_MANY_REQUESTS}: Too Many Requests; the service "
            f"asks to wait {said_wait(left)} before posting again: the first run after that sends these alerts"
        )

    def send() -> httpx.Response:
        return _post_once(hook, payload, client, secrets)

    response = send()
    wait = rate_limit_wait(response)
    if wait is not None and wait <= RATE_LIMIT_WAIT:  # once: a service still over its rate is the next run's
        log.info("webhook '%s': rate limited, posting again in %.1f s", hook.name, wait)
        _pause(wait)
        response = send()
    if response.is_success and hook.kind == "teams" and _TEAMS_CONNECTOR_FAILED.match(response.text[:200]):
        # A retired Office 365 connector answers 200 with its failure in the body
        # (MicrosoftDocs/msteams-docs#400): nothing reached the channel.
        body = " ".join(scrub(response.text[:4000], secrets).split())
        raise DeliveryError(f"webhook '{hook.name}' ({hook.kind}): {body[:200]}")
    if response.status_code in MOVED_FOR_GOOD:
        # Not followed (delivery's client does not follow redirects): httpx would turn a POST
        # answered 301 into a GET, and a 308 would take the headers to the new address. The body
        # and the Location header carry the new url, a secret too: neither is quoted.
        raise DeliveryError(
            f"webhook '{hook.name}' ({hook.kind}): HTTP {response.status_code}: the service moved this "
            "webhook for good; copy its new url from the service into the config"
        )
    if not response.is_success:
        body = " ".join(scrub(response.text[:4000], secrets).split())
        body = body[:200] + ("…" if len(body) > 200 else "")
        wait = rate_limit_wait(response)
        if wait is not None:
            if limits is not None:
                limits.until[hook.url] = time.monotonic() + wait
            raise DeliveryError(
                f"webhook '{hook.name}' ({hook.kind}): HTTP {response.status_code}: "
                f"{body or response.reason_phrase}; the service asks to wait {said_wait(wait)} before "
                "posting again: the first run after that sends these alerts"
            )
        raise DeliveryError(
            f"webhook '{hook.name}' ({hook.kind}): HTTP {response.status_code}{': ' + body if body else ''}"
        )


def _post_once(
    hook: WebhookDestination, payload: dict[str, Any], client: httpx.Client, secrets: list[str]
) -> httpx.Response:
    """One POST; raises DeliveryError when it gets no answer."""
    try:
        return client.post(hook.url, json=payload, headers=hook.headers, timeout=hook.timeout)
    except httpx.HTTPError as error:
        message = scrub(str(error), secrets) or type(error).__name__
        raise DeliveryError(f"webhook '{hook.name}' ({hook.kind}): cannot reach it: {message}") from None
    except httpx.InvalidURL:  # a `${ENV}` holding a mistyped address: the config only sees `${`
        raise DeliveryError(
            f"webhook '{hook.name}' ({hook.kind}): its url is not a valid web address; check its url"
        ) from None
    except UnicodeEncodeError:  # HTTP headers are ASCII: a pasted token with an accent or "…"
        raise DeliveryError(
            f"webhook '{hook.name}' ({hook.kind}): a header value holds a character outside ASCII, "
            "which HTTP headers cannot carry; check its headers"
        ) from None
