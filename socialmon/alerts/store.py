"""The alerts' memory: record findings once, close what resolved, acknowledge, and claim deliveries.

- A finding is inserted with `INSERT … ON CONFLICT (dedup_key) DO NOTHING`: the rules can run
  any number of times, from any number of processes, and the same finding is one alert.
- One brand's findings are recorded in one write transaction (on PostgreSQL under a
  transaction advisory lock per brand; SQLite's write lock does the same), so the cooldown
  check and the insert cannot interleave with another process's.
- Deliveries are claimed, one batch at a time, before they are attempted: an UPDATE marks
  unsent, unclaimed (or abandoned: claimed longer than `CLAIM_LEASE` ago) rows with this
  run's token, and only the rows carrying it are delivered. Two overlapping runs therefore never deliver the same
  alert to the same destination. A row is marked sent only after the server accepted it.
- A group alert (see `rules`) found again under its key **grows**: its new comments are merged
  in (count, ids, the worst few), its title reworded. One already sent is queued again, as an
  update, once it has grown by `GROWTH` (at least twice the count last sent, and `MIN_GROWTH`
  more comments), or when it had resolved and comes back; otherwise the next message about it
  is the one that was sent. A spike or a post heating up grows the same way with its count.
- At most `max_per_run` new alerts per brand and run (the brand's `[brands.alerts]` setting,
  `DEFAULT_MAX_PER_RUN` by default), the most severe first; the rest are stored folded into one
  **digest** alert ("…and N more alerts") that is sent instead of them, and they count as sent
  with it. A digest resolves when all its alerts have.
- The texts the watch-list examined (`rules._examined`) are recorded in the transaction that
  stores the alerts they raised, after them: a run that dies has examined nothing.
- An alert is sent once every destination has it. Two runs recording different destinations
  of one alert at the same moment take the alert's row lock first (in id order), so on
  PostgreSQL the second sees the first's delivery instead of each counting only its own.
"""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, and_, case, func, or_, select, text, true, update

from socialmon.alerts.findings import DIGEST, SEVERITIES, Examined, Finding, RuleOutcome
from socialmon.alerts.progress import Progress
from socialmon.alerts.progress import save as remember_progress
from socialmon.alerts.wording import title
from socialmon.clock import utcnow
from socialmon.database import Database
from socialmon.locking import PG_LOCK_KEY
from socialmon.render.i18n import Lang
from socialmon.tables import ALERT, ALERT_DELIVERY, BRAND, CHANNEL, WATCH_EXAMINED
from socialmon.upsert import driver_upsert

CLAIM_LEASE = timedelta(minutes=10)  # a claim older than this belonged to a run that died
ERROR_LIMIT = 1000
_CHUNK = 500  # keys per IN (...) and rows per INSERT batch
DEFAULT_MAX_PER_RUN = 10  # new alerts per brand and run before the rest go into one digest alert
GROWTH = 2.0  # a sent group alert is sent again (an update) once its count is this many times…
MIN_GROWTH = 5  # …and this many more than the count last sent
WORST = 5  # comments a group alert quotes (as `rules.WORST`)


class AlertNotFound(Exception):
    """No alert has the id given (`alert_id`)."""

    def __init__(self, alert_id: int) -> None:
        self.alert_id = alert_id
        super().__init__(f"no alert with id {alert_id}: `socialmon alerts` lists them")


# An id is a 64-bit signed integer in SQLite and PostgreSQL (BIGINT); one outside that range is
# no alert's, and asking the database about it raises OverflowError (or a driver error).
_ID_RANGE = range(-(2**63), 2**63)


def storable_id(alert_id: int) -> bool:
    """Whether `alert_id` can be an alert's id at all (an integer the database can hold)."""
    return alert_id in _ID_RANGE


@dataclass(frozen=True)
class Recorded:
    created: list[int]  # new alerts, a digest among them (the alerts it folds are not)
    resolved: int
    grown: list[int] = field(default_factory=list)  # group alerts that took in new comments
    requeued: list[int] = field(default_factory=list)  # …of which sent again as an update
    folded: list[int] = field(default_factory=list)  # new alerts past the cap, in the digest


@dataclass(frozen=True)
class _Open:
    id: int
    key: str
    channel_id: int | None
    subject_id: int | None
    facts: dict[str, Any]


@dataclass(frozen=True)
class StoredAlert:
    id: int
    brand: str
    channel: str | None
    rule: str
    severity: str
    title: str
    facts: dict[str, Any]
    created_at: datetime
    sent_at: datetime | None
    acknowledged_at: datetime | None
    resolved_at: datetime | None

    @property
    def status(self) -> str:
        if self.resolved_at:
            return "resolved"
        if self.acknowledged_at:
            return "acknowledged"
        return "sent" if self.sent_at else "unsent"


def brand_id(database: Database, slug: str) -> int | None:
    with database.read() as connection:
        return connection.execute(select(BRAND.c.id).where(BRAND.c.slug == slug)).scalar()


def record(
    database: Database,
    brand_row: int,
    outcomes: Iterable[RuleOutcome],
    lang: Lang,
    now: datetime | None = None,
    *,
    skipped: Iterable[int] = (),
    max_per_run: int = DEFAULT_MAX_PER_RUN,
    progress: Progress | None = None,
) -> Recorded:
    """Store new findings (once each), grow the groups found again, close the open alerts their
    rules no longer see (those of `skipped` channels aside), and fold what passes the cap; then
    what the run vouches for (`progress`), for the next run to start from."""
    now = now or utcnow()
    outcomes = list(outcomes)
    keep = set(skipped)
    created: list[int] = []
    grown: list[int] = []
    requeued: list[int] = []
    resolved = 0
    fresh: list[Finding] = []
    with database.write() as connection:
        if database.dialect == "postgresql":
            connection.execute(
                text(f"SELECT pg_advisory_xact_lock({PG_LOCK_KEY}, :brand)"),
                {"purpose": "socialmon-alerts", "brand": brand_row},
            )
        open_alerts: dict[str, list[_Open]] = {}
        for row in connection.execute(
            select(
                ALERT.c.id,
                ALERT.c.rule,
                ALERT.c.dedup_key,
                ALERT.c.channel_id,
                ALERT.c.subject_id,
                ALERT.c.facts,
            ).where(ALERT.c.brand_id == brand_row, ALERT.c.resolved_at.is_(None))
        ):
            open_alerts.setdefault(row.rule, []).append(
                _Open(row.id, row.dedup_key, row.channel_id, row.subject_id, row.facts or {})
            )
        for outcome in outcomes:
            found_keys = {finding.key for finding in outcome.findings}
            resolved += _resolve(
                connection, open_alerts.get(outcome.rule, []), outcome, keep, found_keys, now
            )
            existing = _existing(connection, [finding.key for finding in outcome.findings])
            for finding in outcome.findings:
                row = existing.get(finding.key)
                if row is not None:
                    change = _grow(connection, row, finding, lang, now)
                    if change:
                        grown.append(row.id)
                        if change == "requeued":
                            requeued.append(row.id)
                    continue
                if finding.cooldown_minutes and _cooling_down(connection, brand_row, finding, now):
                    continue
                existing[finding.key] = None  # type: ignore[assignment]  # once per run
                fresh.append(finding)
        resolved += _resolve_digests(connection, open_alerts.get(DIGEST, []), now)
        ranked = sorted(fresh, key=lambda f: -SEVERITIES.index(f.severity) if f.severity in SEVERITIES else 0)
        shown, rest = ranked[:max_per_run], ranked[max_per_run:]
        created += _insert(connection, database.dialect, brand_row, shown, lang, now)
        folded: list[int] = []
        if rest:
            digest = _digest_finding(brand_row, rest, lang, now)
            (digest_id,) = _insert(connection, database.dialect, brand_row, [digest], lang, now)
            created.append(digest_id)
            marked = [replace(f, facts={**f.facts, "digest_id": digest_id}) for f in rest]
            folded = _insert(connection, database.dialect, brand_row, marked, lang, now)
            facts = {**digest.facts, "alert_ids": folded, "count": len(folded)}
            connection.execute(
                update(ALERT)
                .where(ALERT.c.id == digest_id)
                .values(facts=facts, title=title(DIGEST, facts, lang))
            )
        for outcome in outcomes:
            if outcome.examined is not None:
                _remember_examined(connection, brand_row, outcome.examined, now)
        if progress is not None:
            remember_progress(connection, brand_row, progress)
    return Recorded(sorted(created), resolved, grown, requeued, folded)


def _remember_examined(connection: Connection, brand_row: int, examined: Examined, now: datetime) -> None:
    """Record the texts the watch-list examined, after the alerts they raised, in their transaction:
    a run that dies before its alerts are stored has examined nothing. Forget the rows older than
    the lookback: their comments are past it (a text is examined after it was written). A row of
    other terms is of no use, and replaced when its comment is examined with the new ones."""
    connection.execute(
        WATCH_EXAMINED.delete().where(
            WATCH_EXAMINED.c.brand_id == brand_row, WATCH_EXAMINED.c.examined_at < examined.keep_since
        )
    )
    if not examined.comments:
        return
    # The driver's own executemany (`socialmon.upsert`): a first run examines 50,000 texts, and
    # SQLAlchemy's parameter handling of as many rows took longer than the database's writing them
    # (0.9 s against 0.3 s). `updated_at` is passed as the rule read it (`rules.as_stored`).
    columns = ("brand_id", "comment_id", "terms", "text_length", "updated_at", "examined_at")
    upsert = driver_upsert(
        connection.dialect,
        WATCH_EXAMINED,
        columns,
        columns[:2],
        columns[2:],
        as_stored=frozenset({"updated_at"}),
    )
    rows = [
        dict(zip(columns, (brand_row, comment_id, examined.terms, length, updated, now), strict=True))
        for comment_id, length, updated in sorted(examined.comments)  # in the unique index's order
    ]
    for start in range(0, len(rows), _CHUNK * 10):
        upsert.execute(connection, rows[start : start + _CHUNK * 10])


def _digest_finding(brand_row: int, rest: list[Finding], lang: Lang, now: datetime) -> Finding:
    """The alert that stands for the new alerts past the cap: how many, of which rules, the first titles."""
    rules = Counter(finding.rule for finding in rest)
    facts = {
        "count": len(rest),
        "rules": dict(rules.most_common()),
        "titles": [title(finding.rule, finding.facts, lang) for finding in rest[:WORST]],
    }
    severity = rest[0].severity  # the most severe first
    return Finding(DIGEST, f"{DIGEST}:{brand_row}:{now:%Y%m%dT%H%M%S%f}", severity, facts)


@dataclass(frozen=True)
class _Stored:
    id: int
    rule: str
    severity: str
    subject_id: int | None
    facts: dict[str, Any]
    sent_at: datetime | None
    acknowledged_at: datetime | None
    resolved_at: datetime | None


def _existing(connection: Connection, keys: list[str]) -> dict[str, _Stored]:
    found: dict[str, _Stored] = {}
    columns = (
        ALERT.c.dedup_key,
        ALERT.c.id,
        ALERT.c.rule,
        ALERT.c.severity,
        ALERT.c.subject_id,
        ALERT.c.facts,
        ALERT.c.sent_at,
        ALERT.c.acknowledged_at,
        ALERT.c.resolved_at,
    )
    for start in range(0, len(keys), _CHUNK):
        chunk = keys[start : start + _CHUNK]
        for key, *rest in connection.execute(select(*columns).where(ALERT.c.dedup_key.in_(chunk))):
            stored = _Stored(*rest)
            found[key] = replace(stored, facts=dict(stored.facts or {}))
    return found


def _grow(connection: Connection, row: _Stored, finding: Finding, lang: Lang, now: datetime) -> str | None:
    """Merge a finding into the stored alert of its key; "grown", "requeued" (sent again) or None."""
    old = row.facts
    new = finding.facts
    reopened = row.resolved_at is not None
    if "comment_ids" in new:
        have = set(old.get("comment_ids") or ([row.subject_id] if row.subject_id is not None else []))
        added = [i for i in new["comment_ids"] if i not in have]
        if not added:
            return None
        facts = {
            **old,
            **{k: v for k, v in new.items() if k not in ("comment_ids", "comments", "count", "negative")},
        }
        facts["comment_ids"] = list(old.get("comment_ids") or have) + added
        facts["count"] = len(facts["comment_ids"])
        # The comments found again are counted already: only those added. (Found again: by two
        # runs at once, the later to store finding what the other stored after it read; or past
        # the reach of the alert that holds them, see `rules._GROUP_DAY`.)
        facts["negative"] = int(old.get("negative") or 0) + sum(1 for i in added if i in finding.negative_ids)
        facts["channel_ids"] = sorted(set(old.get("channel_ids") or []) | set(new.get("channel_ids") or []))
        quoted = {c["id"]: c for c in [*(old.get("comments") or []), *new.get("comments", [])]}
        facts["comments"] = sorted(quoted.values(), key=lambda c: c.get("order") or [1, 0, c["id"]])[:WORST]
        if "terms" in new:
            terms = list(old.get("terms") or [])
            facts["terms"] = terms + [t for t in new["terms"] if t not in terms]
    else:
        if not reopened and int(new.get("count") or 0) <= int(old.get("count") or 0):
            return None
        facts = {**new, **{k: old[k] for k in ("queued_count", "update", "digest_id") if k in old}}
    count = int(facts.get("count") or 1)
    queued = int(old.get("queued_count") or old.get("count") or 1)
    values: dict[str, Any] = {"resolved_at": None} if reopened else {}
    change = "grown"
    grew_enough = count >= GROWTH * queued and count - queued >= MIN_GROWTH
    if row.sent_at is not None and row.acknowledged_at is None and (reopened or grew_enough):
        # Sent as it was: send it again, once, as an update (its deliveries start over).
        facts["queued_count"] = count
        facts["update"] = int(old.get("update") or 0) + 1
        facts.pop("digest_id", None)
        _lock_alerts(connection, [row.id])
        connection.execute(ALERT_DELIVERY.delete().where(ALERT_DELIVERY.c.alert_id == row.id))
        values["sent_at"] = None
        change = "requeued"
    elif row.sent_at is None:
        facts["queued_count"] = count  # the message still to go will carry the latest count
    severity = max(
        row.severity, finding.severity, key=lambda s: SEVERITIES.index(s) if s in SEVERITIES else -1
    )
    values.update(facts=facts, title=title(row.rule, facts, lang), severity=severity)
    connection.execute(update(ALERT).where(ALERT.c.id == row.id).values(**values))
    return change


def open_keys(database: Database, brand_row: int, prefix: str) -> list[str]:
    """Dedup keys of the brand's unresolved alerts starting with `prefix`, newest first."""
    with database.read() as connection:
        return list(
            connection.execute(
                select(ALERT.c.dedup_key)
                .where(
                    ALERT.c.brand_id == brand_row,
                    ALERT.c.resolved_at.is_(None),
                    ALERT.c.dedup_key.startswith(prefix, autoescape=True),
                )
                .order_by(ALERT.c.id.desc())
            ).scalars()
        )


def _resolve(
    connection: Connection,
    open_alerts: list[_Open],
    outcome: RuleOutcome,
    keep: set[int],
    found: set[str],
    now: datetime,
) -> int:
    """Close the rule's open alerts under the outcome's prefix that it no longer sees.

    A group alert holds while any of its comments is live (or the rule found it again); any
    alert about a channel skipped this run (half-imported) is left as it is."""
    prefix = outcome.prefix
    closing: list[int] = []
    for alert in open_alerts:
        if not alert.key.startswith(prefix):
            continue
        channels = alert.facts.get("channel_ids") or [alert.channel_id]
        if keep and any(channel in keep for channel in channels):
            continue
        if outcome.live is not None:
            ids = alert.facts.get("comment_ids")
            members = ids if ids is not None else [alert.subject_id]
            if alert.key in found or any(i in outcome.live for i in members):
                continue
            if outcome.judged is not None and alert.key not in outcome.judged:
                continue  # raised by another process after the rule read the alerts: not judged
        elif outcome.still_open is None or alert.key in outcome.still_open:
            continue
        closing.append(alert.id)
    closing.sort()
    for chunk in _chunks(closing):
        # A send may be marking some of them: lock in the order it does, so the two never deadlock.
        _lock_alerts(connection, chunk)
        connection.execute(update(ALERT).where(ALERT.c.id.in_(chunk)).values(resolved_at=now))
    return len(closing)


def _resolve_digests(connection: Connection, digests: list[_Open], now: datetime) -> int:
    """A digest closes once every alert it folds has."""
    closing = []
    for digest in digests:
        ids = list(digest.facts.get("alert_ids") or [])
        still = any(
            connection.execute(
                select(ALERT.c.id).where(ALERT.c.id.in_(chunk), ALERT.c.resolved_at.is_(None)).limit(1)
            ).first()
            for chunk in _chunks(ids)
        )
        if not still:
            closing.append(digest.id)
    if closing:
        _lock_alerts(connection, closing)
        connection.execute(update(ALERT).where(ALERT.c.id.in_(closing)).values(resolved_at=now))
    return len(closing)


def _cooling_down(connection: Connection, brand_row: int, finding: Finding, now: datetime) -> bool:
    since = now - timedelta(minutes=finding.cooldown_minutes or 0)
    return (
        connection.execute(
            select(ALERT.c.id)
            .where(
                ALERT.c.brand_id == brand_row,
                ALERT.c.rule == finding.rule,
                ALERT.c.created_at > since,
            )
            .limit(1)
        ).first()
        is not None
    )


def _insert(
    connection: Connection, dialect: str, brand_row: int, findings: list[Finding], lang: Lang, now: datetime
) -> list[int]:
    """Insert new findings in batches; a key another process stored meanwhile is skipped by the database."""
    if not findings:
        return []
    rows = [
        {
            "brand_id": brand_row,
            "channel_id": finding.channel_id,
            "rule": finding.rule,
            "dedup_key": finding.key,
            "severity": finding.severity,
            "title": title(finding.rule, finding.facts, lang),
            "detail": None,
            "subject_id": finding.subject_id,
            "facts": {**finding.facts, "queued_count": finding.facts["count"]}
            if "count" in finding.facts
            else finding.facts,
            "created_at": now,
        }
        for finding in findings
    ]
    statement = _dialect_insert(dialect)(ALERT)
    statement = statement.on_conflict_do_nothing(index_elements=["dedup_key"])
    ids: list[int] = []
    for start in range(0, len(rows), _CHUNK):
        chunk = rows[start : start + _CHUNK]
        connection.execute(statement, chunk)
        keys = [row["dedup_key"] for row in chunk]
        ids += connection.execute(
            select(ALERT.c.id).where(ALERT.c.dedup_key.in_(keys), ALERT.c.created_at == now)
        ).scalars()
    return sorted(ids)


# --- reading and acknowledging -----------------------------------------------------------------


def _listed(brand: str | None, include_closed: bool) -> Any:
    """The alerts `list_alerts` and `count_alerts` look at: one brand's or all, open or all."""
    condition = true()
    if brand:
        condition = and_(condition, or_(BRAND.c.slug == brand, BRAND.c.name == brand))
    if not include_closed:
        condition = and_(condition, ALERT.c.resolved_at.is_(None), ALERT.c.acknowledged_at.is_(None))
    return condition


def list_alerts(
    database: Database, *, brand: str | None = None, include_closed: bool = False, limit: int | None = None
) -> list[StoredAlert]:
    """Open alerts (not acknowledged, not resolved), most severe first, then newest first."""
    severity = case({name: rank for rank, name in enumerate(SEVERITIES)}, value=ALERT.c.severity, else_=-1)
    query = (
        select(
            ALERT.c.id,
            BRAND.c.slug,
            CHANNEL.c.name,
            ALERT.c.rule,
            ALERT.c.severity,
            ALERT.c.title,
            ALERT.c.facts,
            ALERT.c.created_at,
            ALERT.c.sent_at,
            ALERT.c.acknowledged_at,
            ALERT.c.resolved_at,
        )
        .join(BRAND, BRAND.c.id == ALERT.c.brand_id)
        .outerjoin(CHANNEL, CHANNEL.c.id == ALERT.c.channel_id)
        .where(_listed(brand, include_closed))
        .order_by(severity.desc(), ALERT.c.created_at.desc(), ALERT.c.id.desc())
    )
    if limit is not None:
        query = query.limit(limit)
    with database.read() as connection:
        return [StoredAlert(*row[:6], row[6] or {}, *row[7:]) for row in connection.execute(query)]


def count_alerts(database: Database, *, brand: str | None = None, include_closed: bool = False) -> int:
    """How many alerts `list_alerts` would give without a limit."""
    query = (
        select(func.count())
        .select_from(ALERT.join(BRAND, BRAND.c.id == ALERT.c.brand_id))
        .where(_listed(brand, include_closed))
    )
    with database.read() as connection:
        return int(connection.execute(query).scalar_one())


def acknowledge(database: Database, alert_id: int, now: datetime | None = None) -> bool:
    """Mark an alert seen; an acknowledged alert that was not sent yet is not sent. False if it already was."""
    if not storable_id(alert_id):
        raise AlertNotFound(alert_id)
    with database.write() as connection:
        exists = connection.execute(select(ALERT.c.acknowledged_at).where(ALERT.c.id == alert_id)).first()
        if exists is None:
            raise AlertNotFound(alert_id)
        if exists.acknowledged_at is not None:
            return False
        connection.execute(
            update(ALERT).where(ALERT.c.id == alert_id).values(acknowledged_at=now or utcnow())
        )
    return True


# --- deliveries --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Deliverable:
    """An alert to deliver, with everything a message needs."""

    id: int
    rule: str
    severity: str
    facts: dict[str, Any]
    created_at: datetime


def deliverable(database: Database, brand_row: int) -> list[Deliverable]:
    """The brand's alerts still to send: not sent, not acknowledged, not resolved; most severe first,
    then oldest first."""
    query = (
        select(ALERT.c.id, ALERT.c.rule, ALERT.c.severity, ALERT.c.facts, ALERT.c.created_at)
        .where(
            ALERT.c.brand_id == brand_row,
            ALERT.c.sent_at.is_(None),
            ALERT.c.acknowledged_at.is_(None),
            ALERT.c.resolved_at.is_(None),
        )
        .order_by(ALERT.c.created_at, ALERT.c.id)
    )
    with database.read() as connection:
        found = [
            Deliverable(row.id, row.rule, row.severity, row.facts or {}, row.created_at)
            for row in connection.execute(query)
            if not (row.facts or {}).get("digest_id")  # sent within its digest
        ]
    return sorted(found, key=lambda a: -SEVERITIES.index(a.severity) if a.severity in SEVERITIES else 0)


def new_claim_token() -> str:
    return uuid.uuid4().hex


def claim(database: Database, alert_ids: list[int], destination: str, token: str, limit: int) -> list[int]:
    """Claim up to `limit` unsent deliveries of these alerts to `destination`; the alert ids this run holds.

    One batch at a time, so two overlapping runs share the work batch by batch; on PostgreSQL
    the rows are picked `FOR UPDATE SKIP LOCKED`, and the UPDATE re-checks that nobody claimed
    them in between (SQLite's write lock serialises the whole statement). Claims are stamped
    and expired by the clock, never by the moment the rules judged (`send_alerts(now=...)`):
    a lease is about processes, and a run that lasts longer than the lease must not see its
    own fresh claims taken over. Rows are created in alert-id order, so two runs inserting
    overlapping sets wait for each other instead of deadlocking; ids go in chunks, so a first
    run with tens of thousands of alerts stays within the databases' bind-parameter limits.
    """
    now = utcnow()
    insert = _dialect_insert(database.dialect)
    claimed: list[int] = []
    with database.write() as connection:
        for chunk in _chunks(sorted(alert_ids)):
            if len(claimed) >= limit:
                break
            connection.execute(
                insert(ALERT_DELIVERY)
                .values(
                    [{"alert_id": alert_id, "destination": destination, "attempts": 0} for alert_id in chunk]
                )
                .on_conflict_do_nothing(index_elements=["alert_id", "destination"])
            )
            free = and_(
                ALERT_DELIVERY.c.alert_id.in_(chunk),
                ALERT_DELIVERY.c.destination == destination,
                ALERT_DELIVERY.c.sent_at.is_(None),
                or_(ALERT_DELIVERY.c.claimed_by.is_(None), ALERT_DELIVERY.c.claimed_at < now - CLAIM_LEASE),
            )
            picked = (
                select(ALERT_DELIVERY.c.id)
                .where(free)
                .order_by(ALERT_DELIVERY.c.alert_id)
                .limit(limit - len(claimed))
                .with_for_update(skip_locked=True)
            )
            ids = list(connection.execute(picked).scalars())
            if not ids:
                continue
            connection.execute(
                update(ALERT_DELIVERY)
                .where(ALERT_DELIVERY.c.id.in_(ids), free)
                .values(claimed_by=token, claimed_at=now)
            )
            claimed += connection.execute(
                select(ALERT_DELIVERY.c.alert_id).where(
                    ALERT_DELIVERY.c.id.in_(ids), ALERT_DELIVERY.c.claimed_by == token
                )
            ).scalars()
    return sorted(claimed)


def delivered_already(database: Database, alert_ids: list[int], destination: str) -> set[int]:
    found: set[int] = set()
    with database.read() as connection:
        for chunk in _chunks(alert_ids):
            found.update(
                connection.execute(
                    select(ALERT_DELIVERY.c.alert_id).where(
                        ALERT_DELIVERY.c.alert_id.in_(chunk),
                        ALERT_DELIVERY.c.destination == destination,
                        ALERT_DELIVERY.c.sent_at.is_not(None),
                    )
                ).scalars()
            )
    return found


def delivered_by_destination(database: Database, alert_ids: list[int], prefix: str) -> dict[str, set[int]]:
    """Which of these alerts each destination named `prefix` or `prefix:…` already has, by the
    destination's name as stored (`email`, `email:Ana <ana@x>`, `email:ana@x`)."""
    found: dict[str, set[int]] = {}
    with database.read() as connection:
        for chunk in _chunks(alert_ids):
            for alert_id, destination in connection.execute(
                select(ALERT_DELIVERY.c.alert_id, ALERT_DELIVERY.c.destination).where(
                    ALERT_DELIVERY.c.alert_id.in_(chunk),
                    or_(
                        ALERT_DELIVERY.c.destination == prefix,
                        ALERT_DELIVERY.c.destination.startswith(f"{prefix}:", autoescape=True),
                    ),
                    ALERT_DELIVERY.c.sent_at.is_not(None),
                )
            ):
                found.setdefault(destination, set()).add(alert_id)
    return found


def mark_delivered(
    database: Database,
    alert_ids: list[int],
    destination: str,
    token: str,
    destinations: list[str],
    now: datetime | None = None,
) -> None:
    """Record the server's acceptance; an alert delivered to every destination is sent."""
    now = now or utcnow()
    with database.write() as connection:
        for chunk in _chunks(sorted(alert_ids)):
            # Another run may be recording another destination of these alerts at this moment: on
            # PostgreSQL each transaction would count only its own delivery and neither would mark
            # the alert sent. Holding the alert rows makes the second wait for the first to commit,
            # and its statements then see the first's delivery (SQLite's write lock does the same).
            _lock_alerts(connection, chunk)
            connection.execute(
                update(ALERT_DELIVERY)
                .where(_held(chunk, destination, token))
                .values(
                    sent_at=now,
                    claimed_by=None,
                    claimed_at=None,
                    attempts=ALERT_DELIVERY.c.attempts + 1,
                    last_attempt_at=now,
                    last_error=None,
                )
            )
            _mark_sent_everywhere(connection, chunk, destinations, now)


def record_delivered(
    database: Database,
    delivered: dict[str, list[int]],
    destinations: list[str],
    now: datetime | None = None,
) -> None:
    """Record alerts as delivered to each destination (`delivered`: destination -> alert ids) with no
    attempt and no claim: they reached it before, recorded under another name (to the whole e-mail
    list, or to a recipient written another way). One transaction for them all: a run that dies
    half-way has recorded none, and the next one sees what this one saw."""
    everything = sorted({alert_id for ids in delivered.values() for alert_id in ids})
    if not everything:
        return
    now = now or utcnow()
    insert = _dialect_insert(database.dialect)
    with database.write() as connection:
        for chunk in _chunks(everything):
            _lock_alerts(connection, chunk)  # as `mark_delivered`: another run may record these alerts
        for destination, ids in delivered.items():
            for chunk in _chunks(sorted(ids)):
                connection.execute(
                    insert(ALERT_DELIVERY)
                    .values([{"alert_id": i, "destination": destination, "attempts": 0} for i in chunk])
                    .on_conflict_do_nothing(index_elements=["alert_id", "destination"])
                )
                connection.execute(
                    update(ALERT_DELIVERY)
                    .where(
                        ALERT_DELIVERY.c.alert_id.in_(chunk),
                        ALERT_DELIVERY.c.destination == destination,
                        ALERT_DELIVERY.c.sent_at.is_(None),
                    )
                    .values(sent_at=now, claimed_by=None, claimed_at=None, last_error=None)
                )
        for chunk in _chunks(everything):
            _mark_sent_everywhere(connection, chunk, destinations, now)


def _mark_sent_everywhere(
    connection: Connection, alert_ids: list[int], destinations: list[str], now: datetime
) -> None:
    """Mark sent the alerts delivered to every destination, and the alerts a sent digest folds."""
    done = (
        select(func.count())
        .where(
            ALERT_DELIVERY.c.alert_id == ALERT.c.id,
            ALERT_DELIVERY.c.destination.in_(destinations),
            ALERT_DELIVERY.c.sent_at.is_not(None),
        )
        .scalar_subquery()
    )
    connection.execute(
        update(ALERT)
        .where(and_(ALERT.c.id.in_(alert_ids), ALERT.c.sent_at.is_(None), done >= len(destinations)))
        .values(sent_at=now)
    )
    # A digest sent: the alerts it stands for went out with it.
    for (facts,) in connection.execute(
        select(ALERT.c.facts).where(
            ALERT.c.id.in_(alert_ids), ALERT.c.rule == DIGEST, ALERT.c.sent_at.is_not(None)
        )
    ):
        for folded in _chunks(sorted((facts or {}).get("alert_ids") or [])):
            connection.execute(
                update(ALERT).where(ALERT.c.id.in_(folded), ALERT.c.sent_at.is_(None)).values(sent_at=now)
            )


def _lock_alerts(connection: Connection, alert_ids: list[int]) -> None:
    """Hold these alert rows until the transaction ends (PostgreSQL; SQLite holds the whole database).

    In id order, so two transactions locking overlapping sets never deadlock; `FOR NO KEY UPDATE`,
    so the foreign-key checks of `claim` inserting deliveries of these alerts do not wait for it.
    """
    connection.execute(
        select(ALERT.c.id)
        .where(ALERT.c.id.in_(alert_ids))
        .order_by(ALERT.c.id)
        .with_for_update(key_share=True)
    )


def mark_failed(
    database: Database,
    alert_ids: list[int],
    destination: str,
    token: str,
    error: str,
    now: datetime | None = None,
) -> None:
    """Release the claim and keep the error: the next run tries again."""
    now = now or utcnow()
    _release(
        database,
        alert_ids,
        destination,
        token,
        attempts=ALERT_DELIVERY.c.attempts + 1,
        last_attempt_at=now,
        last_error=error[:ERROR_LIMIT],
    )


def release(database: Database, alert_ids: list[int], destination: str, token: str) -> None:
    """Give back claims that were not attempted (a run stopped early)."""
    _release(database, alert_ids, destination, token)


def _release(database: Database, alert_ids: list[int], destination: str, token: str, **values: Any) -> None:
    with database.write() as connection:
        for chunk in _chunks(alert_ids):
            connection.execute(
                update(ALERT_DELIVERY)
                .where(_held(chunk, destination, token))
                .values(claimed_by=None, claimed_at=None, **values)
            )


def _held(alert_ids: list[int], destination: str, token: str) -> Any:
    """The deliveries of these alerts to `destination` that the run with `token` has claimed."""
    return and_(
        ALERT_DELIVERY.c.alert_id.in_(alert_ids),
        ALERT_DELIVERY.c.destination == destination,
        ALERT_DELIVERY.c.claimed_by == token,
    )


def _dialect_insert(dialect: str) -> Any:
    """The dialect's INSERT … ON CONFLICT construct, imported when first needed: importing
    sqlalchemy.dialects.postgresql loads every PostgreSQL driver's dialect (0.03 s of a SQLite
    scan's start)."""
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert


def _chunks(ids: list[int]) -> Iterator[list[int]]:
    for start in range(0, len(ids), _CHUNK):
        yield ids[start : start + _CHUNK]
