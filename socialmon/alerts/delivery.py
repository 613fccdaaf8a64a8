"""`alerts send`: deliver every unsent alert to each of its brand's destinations, exactly once.

For each brand: the alerts not yet sent, acknowledged or resolved, most severe first (during
the brand's quiet hours, only the critical ones; the rest wait for the first run after them);
for each destination, the deliveries this run claims (see `store`). A person's destination
(e-mail, a chat) gets one message a run: the most severe alerts in detail and a line summing
up the rest; a JSON endpoint gets every alert, `JSON_BATCH` per POST. A message is marked
delivered when the server accepted it, or failed with the server's answer and retried by the
next run. An alert is sent once every destination has it. A failure's message, printed and
kept in `alert_delivery.last_error`, is scrubbed of the destination's secrets (its URL, the
key in its path or query, its header values, the SMTP password).

Each e-mail recipient is a destination of its own (`email:ADDRESS`): a server may take a
message for two recipients and refuse it, for now or for good, for the third. The two are
done; the third is a failure, and the next run sends the alerts to it alone. The recipients
owed the same alerts share one message (one SMTP transaction).

A recipient is its mailbox (`email.mailbox`): ADDRESS is the bare address in lower case, so
"Gerente <G@Cafe.Example>" and "g@cafe.example" are one recipient, listed twice or rewritten
between runs, and get each alert once. Deliveries stored under an entry as written (by versions
before that) are read as its mailbox's and recorded again under its name; no migration.
A delivery recorded as plain `email` (to the whole list, before recipients were told apart)
names nobody: it counts for the recipients of the first run that reads it, the only list that
can be known, and is then recorded for each of them. A recipient added later has none of it,
and is owed the alerts still unsent like any new recipient.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, time
from typing import Any
from zoneinfo import ZoneInfo

import httpx

from socialmon.alerts import store, tls
from socialmon.alerts._errors import DeliveryError
from socialmon.alerts.email import DETAIL as EMAIL_DETAIL
from socialmon.alerts.email import build_email, distinct, mailbox, refusal, send_email_each
from socialmon.alerts.webhooks import DETAIL as CHAT_DETAIL
from socialmon.alerts.webhooks import JSON_BATCH, RateLimits, build_payload, hook_secrets, post, scrub
from socialmon.alerts.wording import AlertText, Batch, alert_lang, held_rules, word
from socialmon.clock import utcnow
from socialmon.config import (
    BrandConfig,
    Config,
    ConfigError,
    ConfigProblem,
    EmailDestination,
    WebhookDestination,
)
from socialmon.database import Database

EMAIL = "email"


def recipient_destination(address: str) -> str:
    """The destination an e-mail recipient's deliveries are recorded under: its mailbox's."""
    return f"{EMAIL}:{mailbox(address)}"


@dataclass(frozen=True)
class Delivery:
    brand: str
    destination: str
    alert_ids: list[int]
    error: str | None = None
    refused: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.error is None


@dataclass(frozen=True)
class Preview:
    """What `--dry-run` would have sent."""

    brand: str
    destination: str
    alert_ids: list[int]
    content: str


@dataclass
class SendResult:
    deliveries: list[Delivery] = field(default_factory=list)
    previews: list[Preview] = field(default_factory=list)
    held: dict[str, int] = field(default_factory=dict)  # brand -> alerts waiting for the end of quiet hours
    unrouted: dict[str, int] = field(default_factory=dict)  # brand -> alerts with nowhere to go

    @property
    def failed(self) -> list[Delivery]:
        return [d for d in self.deliveries if not d.ok]

    @property
    def sent(self) -> int:
        return sum(len(d.alert_ids) for d in self.deliveries if d.ok)


@dataclass(frozen=True)
class Destinations:
    email: EmailDestination | None
    webhooks: list[WebhookDestination]

    @property
    def recipients(self) -> list[str]:
        """One entry per mailbox, the first as written."""
        return distinct(self.email.to) if self.email else []

    @property
    def names(self) -> list[str]:
        return [recipient_destination(a) for a in self.recipients] + [hook.name for hook in self.webhooks]


def in_quiet_hours(brand: BrandConfig, now: datetime) -> bool:
    span = brand.alerts.quiet_range()
    if span is None:
        return False
    start, end = span
    moment: time = now.astimezone(ZoneInfo(brand.timezone)).time()
    return start <= moment < end if start < end else (moment >= start or moment < end)


def resolve_destinations(
    config: Config, brands: list[BrandConfig], environ: Mapping[str, str] | None = None
) -> dict[str, Destinations]:
    """Every brand's destinations with secrets resolved: all config problems at once, before sending."""
    problems: list[ConfigProblem] = []
    found: dict[str, Destinations] = {}
    for brand in brands:
        try:
            email, webhooks = config.alert_destinations(brand, dict(environ) if environ is not None else None)
        except ConfigError as error:
            problems.extend(p for p in error.problems if p not in problems)
            continue
        found[brand.slug] = Destinations(email, webhooks)
    if problems:
        raise ConfigError(problems)
    return found


def send_alerts(
    database: Database,
    config: Config,
    brands: list[BrandConfig],
    *,
    dry_run: bool = False,
    now: datetime | None = None,
    environ: Mapping[str, str] | None = None,
    http: httpx.Client | None = None,
) -> SendResult:
    """Deliver the unsent alerts of these brands; raises ConfigError (nothing sent) on a config mistake."""
    now = now or utcnow()
    destinations = resolve_destinations(config, brands, environ)
    result = SendResult()
    client = http or _webhook_client()
    limits = RateLimits()
    try:
        for brand in brands:
            _send_brand(database, brand, destinations[brand.slug], result, client, limits, dry_run, now)
    finally:
        if http is None:
            client.close()
    return result


def _webhook_client() -> httpx.Client:
    """The client that posts to webhooks: redirects not followed (a webhook that moved is said), and
    the environment's proxies mounted as the connectors mount them (a `socks://` proxy httpx cannot
    use stopped `alerts send` with a traceback)."""
    from socialmon_connectors.proxies import proxy_mounts

    verify = tls.for_webhooks()
    return httpx.Client(
        follow_redirects=False, verify=verify, trust_env=False, mounts=proxy_mounts(verify=verify, sync=True)
    )


def _send_brand(
    database: Database,
    brand: BrandConfig,
    destinations: Destinations,
    result: SendResult,
    client: httpx.Client,
    limits: RateLimits,
    dry_run: bool,
    now: datetime,
) -> None:
    brand_row = store.brand_id(database, brand.slug)
    if brand_row is None:
        return
    waiting = store.deliverable(database, brand_row)
    if in_quiet_hours(brand, now):
        due = [a for a in waiting if a.severity == "critical"]
        if len(due) < len(waiting):
            result.held[brand.slug] = len(waiting) - len(due)
        waiting = due
    if not waiting:
        return
    if not destinations.names:
        result.unrouted[brand.slug] = len(waiting)
        return
    lang = alert_lang(brand)
    by_id = {a.id: a for a in waiting}
    texts: dict[int, AlertText] = {}
    facts = {a.id: a.facts for a in waiting}
    ids = [a.id for a in waiting]
    brand_info = {"slug": brand.slug, "name": brand.name}

    def batch_of(alert_ids: list[int], detail: int) -> Batch:
        """Word only what a message shows in full: a first run may hold tens of thousands of alerts."""
        for alert_id in alert_ids[:detail]:
            if alert_id not in texts:
                a = by_id[alert_id]
                texts[alert_id] = word(a.id, a.rule, a.severity, a.facts, a.created_at, lang)
        # A digest left out is summed up as the alerts it holds, by their own rules.
        hidden = [rule for i in alert_ids[detail:] for rule in held_rules(by_id[i].rule, by_id[i].facts)]
        return Batch([texts[i] for i in alert_ids[:detail]], hidden)

    def deliver(name: str, batch_size: int, detail: int, send: Any, preview: Any, secrets: list[str]) -> None:
        """Claim, send and record `batch_size` alerts at a time (`detail` of them in full) until none is left."""
        if dry_run:
            already = store.delivered_already(database, ids, name)
            todo = [i for i in ids if i not in already]
            for start in range(0, len(todo), batch_size):
                batch = todo[start : start + batch_size]
                result.previews.append(Preview(brand.slug, name, batch, preview(batch_of(batch, detail))))
            return
        token = store.new_claim_token()
        order = {alert_id: position for position, alert_id in enumerate(ids)}  # most severe first
        remaining = list(ids)  # what this run has not claimed yet: each claim looks at less
        while True:
            batch = sorted(store.claim(database, remaining, name, token, batch_size), key=order.__getitem__)
            if not batch:
                return
            taken = set(batch)
            remaining = [alert_id for alert_id in remaining if alert_id not in taken]
            try:
                refused = send(batch_of(batch, detail)) or []
            except DeliveryError as error:
                message = scrub(str(error), secrets)
                store.mark_failed(database, batch, name, token, message)
                result.deliveries.append(Delivery(brand.slug, name, batch, message))
                return  # the destination is failing: the rest waits for the next run
            except BaseException:
                store.release(database, batch, name, token)
                raise
            store.mark_delivered(database, batch, name, token, destinations.names)
            result.deliveries.append(Delivery(brand.slug, name, batch, refused=refused))

    if destinations.email is not None:
        email = destinations.email
        password = [email.password] if email.password and len(email.password) >= 4 else []
        _deliver_email(database, brand, destinations, email, ids, batch_of, result, dry_run, password, lang)
    for hook in destinations.webhooks:

        def send_hook(batch: Batch, hook: WebhookDestination = hook) -> None:
            post(hook, build_payload(hook, brand_info, batch, lang, facts), client, limits)

        def preview_hook(batch: Batch, hook: WebhookDestination = hook) -> str:
            payload = build_payload(hook, brand_info, batch, lang, facts)
            return json.dumps(payload, ensure_ascii=False, indent=2)

        secrets = hook_secrets(hook)
        if hook.kind == "json":
            deliver(hook.name, JSON_BATCH, JSON_BATCH, send_hook, preview_hook, secrets)
        else:
            deliver(hook.name, len(ids), CHAT_DETAIL, send_hook, preview_hook, secrets)


def _delivered_to_each(stored: Mapping[str, set[int]], everyone: list[str]) -> dict[str, set[int]]:
    """Which alerts each recipient already has, from the e-mail deliveries `stored` by name: its
    mailbox's, whatever entry they were stored under, and those to the whole list (plain `email`)
    of alerts that no delivery to a recipient was recorded for yet (see the module's docstring)."""
    by_mailbox: dict[str, set[int]] = {}
    for destination, alert_ids in stored.items():
        if destination != EMAIL:
            by_mailbox.setdefault(mailbox(destination.removeprefix(f"{EMAIL}:")), set()).update(alert_ids)
    told_apart = set().union(*by_mailbox.values())
    before = stored.get(EMAIL, set()) - told_apart
    return {address: by_mailbox.get(mailbox(address), set()) | before for address in everyone}


def _email_label(recipients: list[str], everyone: list[str]) -> str:
    """How a delivery names its recipients: "email" for all of them, else which."""
    return EMAIL if sorted(recipients) == sorted(everyone) else f"{EMAIL} ({', '.join(recipients)})"


def _by_batch(owed: Mapping[str, list[int]]) -> dict[tuple[int, ...], list[str]]:
    """The recipients owed the very same alerts (in the same order), together: one message each
    group; a recipient owed none is left out."""
    groups: dict[tuple[int, ...], list[str]] = {}
    for address, batch in owed.items():
        if batch:
            groups.setdefault(tuple(batch), []).append(address)
    return groups


def _deliver_email(
    database: Database,
    brand: BrandConfig,
    destinations: Destinations,
    email: EmailDestination,
    ids: list[int],
    batch_of: Callable[[list[int], int], Batch],
    result: SendResult,
    dry_run: bool,
    secrets: list[str],
    lang: Any,
) -> None:
    """Claim each recipient's deliveries, send one message to each group of recipients owed the
    same alerts, and record each recipient's outcome: a refused one is tried again next run, alone."""
    everyone = destinations.recipients
    order = {alert_id: position for position, alert_id in enumerate(ids)}  # most severe first
    stored = store.delivered_by_destination(database, ids, EMAIL)  # by the name each is stored under
    had = _delivered_to_each(stored, everyone)

    def message(batch: list[int], recipients: list[str]) -> Any:
        to = email.model_copy(update={"to": recipients})
        return to, build_email(to, brand.name, batch_of(batch, EMAIL_DETAIL), lang)

    if dry_run:
        owed = {}
        for address in everyone:
            owed[address] = [i for i in ids if i not in had[address]]
        for todo, recipients in _by_batch(owed).items():
            _, built = message(list(todo), recipients)
            plain = built.get_body(("plain",))
            body = plain.get_content() if plain is not None else ""
            content = f"To: {built['To']}\nSubject: {built['Subject']}\n\n{body}"
            result.previews.append(
                Preview(brand.slug, _email_label(recipients, everyone), list(todo), content)
            )
        return
    # What reached a recipient under another name (the whole list's, an entry as written), recorded
    # under its own before claiming: not sent again, and the alert counts as sent when all have it.
    store.record_delivered(
        database,
        {
            recipient_destination(a): sorted(had[a] - stored.get(recipient_destination(a), set()))
            for a in everyone
        },
        destinations.names,
    )
    token = store.new_claim_token()
    held: dict[str, list[int]] = {}  # recipient -> the alerts this run claimed for it, not yet recorded
    try:
        for address in everyone:
            claimed = store.claim(database, ids, recipient_destination(address), token, len(ids))
            held[address] = sorted(claimed, key=order.__getitem__)
        for batch_ids, recipients in _by_batch(held).items():
            batch = list(batch_ids)
            try:
                refused = send_email_each(*message(batch, recipients))
            except DeliveryError as error:
                text = scrub(str(error), secrets)
                for address in recipients:
                    store.mark_failed(database, batch, recipient_destination(address), token, text)
                    del held[address]
                result.deliveries.append(
                    Delivery(brand.slug, _email_label(recipients, everyone), batch, text)
                )
                continue
            accepted = [address for address in recipients if address not in refused]
            for address in accepted:
                store.mark_delivered(
                    database, batch, recipient_destination(address), token, destinations.names
                )
                del held[address]
            if accepted:
                result.deliveries.append(Delivery(brand.slug, _email_label(accepted, everyone), batch))
            for address, answer in refused.items():
                text = scrub(refusal(address, answer), secrets)
                store.mark_failed(database, batch, recipient_destination(address), token, text)
                del held[address]
                result.deliveries.append(Delivery(brand.slug, _email_label([address], everyone), batch, text))
    finally:
        for address, batch in held.items():  # a run stopped early gives back what it did not try
            if batch:
                store.release(database, batch, recipient_destination(address), token)
