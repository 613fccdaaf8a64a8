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
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, and_, func, or_, select, text, update
from sqlalchemy.dialects import postgresql, sqlite

from socialmon.alerts.findings import SEVERITIES, Finding, RuleOutcome
from socialmon.alerts.wording import title
from socialmon.database import Database
from socialmon.models import Alert, AlertDelivery, Brand, Channel, utcnow
from socialmon.render.i18n import Lang

_ALERT = Alert.__table__
_DELIVERY = AlertDelivery.__table__
_BRAND = Brand.__table__
_CHANNEL = Channel.__table__
_PG_ALERT_LOCK = 0x50C2  # first key of pg_advisory_xact_lock(int, int); the brand id is the second
CLAIM_LEASE = timedelta(minutes=10)  # a claim older than this belonged to a run that died
ERROR_LIMIT = 1000
_CHUNK = 500  # keys per IN (...) and rows per INSERT batch


class AlertNotFound(Exception):
    """No alert has the id given."""


@dataclass(frozen=True)
class Recorded:
    created: list[int]
    resolved: int


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
        return connection.execute(select(_BRAND.c.id).where(_BRAND.c.slug == slug)).scalar()


def record(
    database: Database,
    brand_row: int,
    outcomes: Iterable[RuleOutcome],
    lang: Lang,
    now: datetime | None = None,
) -> Recorded:
    """Store new findings (once each) and close the open alerts their rules no longer see."""
    now = now or utcnow()
    created: list[int] = []
    resolved = 0
    with database.write() as connection:
        if database.dialect == "postgresql":
            connection.execute(
                text("SELECT pg_advisory_xact_lock(:namespace, :brand)"),
                {"namespace": _PG_ALERT_LOCK, "brand": brand_row},
            )
        for outcome in outcomes:
            if outcome.still_open is not None:
                resolved += _resolve(connection, brand_row, outcome, now)
            known = _known_keys(connection, [finding.key for finding in outcome.findings])
            fresh = []
            for finding in outcome.findings:
                if finding.key in known:
                    continue
                if finding.cooldown_minutes and _cooling_down(connection, brand_row, finding, now):
                    continue
                known.add(finding.key)
                fresh.append(finding)
            created += _insert(connection, database.dialect, brand_row, fresh, lang, now)
    return Recorded(created, resolved)


def _known_keys(connection: Connection, keys: list[str]) -> set[str]:
    known: set[str] = set()
    for start in range(0, len(keys), _CHUNK):
        chunk = keys[start : start + _CHUNK]
        known.update(
            connection.execute(select(_ALERT.c.dedup_key).where(_ALERT.c.dedup_key.in_(chunk))).scalars()
        )
    return known


def _resolve(connection: Connection, brand_row: int, outcome: RuleOutcome, now: datetime) -> int:
    still_open = outcome.still_open or set()
    open_keys = connection.execute(
        select(_ALERT.c.id, _ALERT.c.dedup_key).where(
            _ALERT.c.brand_id == brand_row,
            _ALERT.c.rule == outcome.rule,
            _ALERT.c.resolved_at.is_(None),
            _ALERT.c.dedup_key.startswith(outcome.prefix, autoescape=True),
        )
    ).all()
    closing = [row.id for row in open_keys if row.dedup_key not in still_open]
    if closing:
        connection.execute(update(_ALERT).where(_ALERT.c.id.in_(closing)).values(resolved_at=now))
    return len(closing)


def _cooling_down(connection: Connection, brand_row: int, finding: Finding, now: datetime) -> bool:
    since = now - timedelta(minutes=finding.cooldown_minutes or 0)
    return (
        connection.execute(
            select(_ALERT.c.id)
            .where(
                _ALERT.c.brand_id == brand_row,
                _ALERT.c.rule == finding.rule,
                _ALERT.c.created_at > since,
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
            "facts": finding.facts,
            "created_at": now,
        }
        for finding in findings
    ]
    statement = (postgresql if dialect == "postgresql" else sqlite).insert(_ALERT)
    statement = statement.on_conflict_do_nothing(index_elements=["dedup_key"])
    ids: list[int] = []
    for start in range(0, len(rows), _CHUNK):
        chunk = rows[start : start + _CHUNK]
        connection.execute(statement, chunk)
        keys = [row["dedup_key"] for row in chunk]
        ids += connection.execute(
            select(_ALERT.c.id).where(_ALERT.c.dedup_key.in_(keys), _ALERT.c.created_at == now)
        ).scalars()
    return sorted(ids)


# --- reading and acknowledging -----------------------------------------------------------------


def list_alerts(
    database: Database, *, brand: str | None = None, include_closed: bool = False, limit: int | None = None
) -> list[StoredAlert]:
    """Open alerts (not acknowledged, not resolved), most severe first, then newest first."""
    query = (
        select(
            _ALERT.c.id,
            _BRAND.c.slug,
            _CHANNEL.c.name,
            _ALERT.c.rule,
            _ALERT.c.severity,
            _ALERT.c.title,
            _ALERT.c.facts,
            _ALERT.c.created_at,
            _ALERT.c.sent_at,
            _ALERT.c.acknowledged_at,
            _ALERT.c.resolved_at,
        )
        .join(_BRAND, _BRAND.c.id == _ALERT.c.brand_id)
        .outerjoin(_CHANNEL, _CHANNEL.c.id == _ALERT.c.channel_id)
        .order_by(_ALERT.c.created_at.desc(), _ALERT.c.id.desc())
    )
    if brand:
        query = query.where(or_(_BRAND.c.slug == brand, _BRAND.c.name == brand))
    if not include_closed:
        query = query.where(_ALERT.c.resolved_at.is_(None), _ALERT.c.acknowledged_at.is_(None))
    if limit is not None:
        query = query.limit(limit)
    with database.read() as connection:
        rows = [StoredAlert(*row[:6], row[6] or {}, *row[7:]) for row in connection.execute(query)]
    # Most severe first, newest first within a severity (the sort is stable).
    return sorted(rows, key=lambda a: -SEVERITIES.index(a.severity) if a.severity in SEVERITIES else 0)


def acknowledge(database: Database, alert_id: int, now: datetime | None = None) -> bool:
    """Mark an alert seen; an acknowledged alert that was not sent yet is not sent. False if it already was."""
    with database.write() as connection:
        exists = connection.execute(select(_ALERT.c.acknowledged_at).where(_ALERT.c.id == alert_id)).first()
        if exists is None:
            raise AlertNotFound(f"no alert with id {alert_id}: `socialmon alerts` lists them")
        if exists.acknowledged_at is not None:
            return False
        connection.execute(
            update(_ALERT).where(_ALERT.c.id == alert_id).values(acknowledged_at=now or utcnow())
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
    """The brand's alerts still to send: not sent, not acknowledged, not resolved; oldest first."""
    query = (
        select(_ALERT.c.id, _ALERT.c.rule, _ALERT.c.severity, _ALERT.c.facts, _ALERT.c.created_at)
        .where(
            _ALERT.c.brand_id == brand_row,
            _ALERT.c.sent_at.is_(None),
            _ALERT.c.acknowledged_at.is_(None),
            _ALERT.c.resolved_at.is_(None),
        )
        .order_by(_ALERT.c.created_at, _ALERT.c.id)
    )
    with database.read() as connection:
        return [
            Deliverable(row.id, row.rule, row.severity, row.facts or {}, row.created_at)
            for row in connection.execute(query)
        ]


def new_claim_token() -> str:
    return uuid.uuid4().hex


def claim(
    database: Database,
    alert_ids: list[int],
    destination: str,
    token: str,
    limit: int,
    now: datetime | None = None,
) -> list[int]:
    """Claim up to `limit` unsent deliveries of these alerts to `destination`; the alert ids this run holds.

    One batch at a time, so two overlapping runs share the work batch by batch; on PostgreSQL
    the rows are picked `FOR UPDATE SKIP LOCKED`, and the UPDATE re-checks that nobody claimed
    them in between (SQLite's write lock serialises the whole statement).
    """
    if not alert_ids:
        return []
    now = now or utcnow()
    dialect = postgresql if database.dialect == "postgresql" else sqlite
    free = and_(
        _DELIVERY.c.alert_id.in_(alert_ids),
        _DELIVERY.c.destination == destination,
        _DELIVERY.c.sent_at.is_(None),
        or_(_DELIVERY.c.claimed_by.is_(None), _DELIVERY.c.claimed_at < now - CLAIM_LEASE),
    )
    with database.write() as connection:
        rows = [{"alert_id": alert_id, "destination": destination, "attempts": 0} for alert_id in alert_ids]
        connection.execute(
            dialect.insert(_DELIVERY)
            .values(rows)
            .on_conflict_do_nothing(index_elements=["alert_id", "destination"])
        )
        picked = (
            select(_DELIVERY.c.id)
            .where(free)
            .order_by(_DELIVERY.c.alert_id)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        ids = list(connection.execute(picked).scalars())
        if not ids:
            return []
        connection.execute(
            update(_DELIVERY).where(_DELIVERY.c.id.in_(ids), free).values(claimed_by=token, claimed_at=now)
        )
        claimed = connection.execute(
            select(_DELIVERY.c.alert_id).where(_DELIVERY.c.id.in_(ids), _DELIVERY.c.claimed_by == token)
        )
        return sorted(claimed.scalars())


def delivered_already(database: Database, alert_ids: list[int], destination: str) -> set[int]:
    if not alert_ids:
        return set()
    with database.read() as connection:
        return set(
            connection.execute(
                select(_DELIVERY.c.alert_id).where(
                    _DELIVERY.c.alert_id.in_(alert_ids),
                    _DELIVERY.c.destination == destination,
                    _DELIVERY.c.sent_at.is_not(None),
                )
            ).scalars()
        )


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
        connection.execute(
            update(_DELIVERY)
            .where(
                _DELIVERY.c.alert_id.in_(alert_ids),
                _DELIVERY.c.destination == destination,
                _DELIVERY.c.claimed_by == token,
            )
            .values(
                sent_at=now,
                claimed_by=None,
                claimed_at=None,
                attempts=_DELIVERY.c.attempts + 1,
                last_attempt_at=now,
                last_error=None,
            )
        )
        done = (
            select(func.count())
            .where(
                _DELIVERY.c.alert_id == _ALERT.c.id,
                _DELIVERY.c.destination.in_(destinations),
                _DELIVERY.c.sent_at.is_not(None),
            )
            .scalar_subquery()
        )
        connection.execute(
            update(_ALERT)
            .where(and_(_ALERT.c.id.in_(alert_ids), _ALERT.c.sent_at.is_(None), done >= len(destinations)))
            .values(sent_at=now)
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
    with database.write() as connection:
        connection.execute(
            update(_DELIVERY)
            .where(
                _DELIVERY.c.alert_id.in_(alert_ids),
                _DELIVERY.c.destination == destination,
                _DELIVERY.c.claimed_by == token,
            )
            .values(
                claimed_by=None,
                claimed_at=None,
                attempts=_DELIVERY.c.attempts + 1,
                last_attempt_at=now,
                last_error=error[:ERROR_LIMIT],
            )
        )


def release(database: Database, alert_ids: list[int], destination: str, token: str) -> None:
    """Give back claims that were not attempted (a run stopped early)."""
    with database.write() as connection:
        connection.execute(
            update(_DELIVERY)
            .where(
                _DELIVERY.c.alert_id.in_(alert_ids),
                _DELIVERY.c.destination == destination,
                _DELIVERY.c.claimed_by == token,
            )
            .values(claimed_by=None, claimed_at=None)
        )
