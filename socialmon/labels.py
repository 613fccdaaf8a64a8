"""People's corrections of sentiment labels, and the labelled examples they produce.

A correction is stored beside the scorer's label (`label_override`), never over it, so
the scorer can still be measured against the people who read the comments. Every
report and alert reads the effective label: the correction when there is one.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, and_, func, select, update

from socialmon.database import Database
from socialmon.models import Brand, Channel, Comment, utcnow
from socialmon.sentiment import LABELS

_COMMENT = Comment.__table__
_CHANNEL = Channel.__table__
_BRAND = Brand.__table__


def effective_label() -> ColumnElement[str]:
    """The label every report should use: a person's correction, else the scorer's."""
    return func.coalesce(_COMMENT.c.label_override, _COMMENT.c.sentiment_label)


class LabelError(Exception):
    """The comment or the label given does not exist; the message says which."""


@dataclass(frozen=True)
class LabelledComment:
    id: int
    brand: str
    channel: str
    platform_id: str
    text: str
    language: str | None
    label: str
    scorer_label: str | None
    scorer: str | None
    created_at: datetime


def find_comment(database: Database, reference: str) -> int:
    """A comment's row id from its id, or from `brand/channel/platform_id` or a platform id."""
    query = select(_COMMENT.c.id).join(_CHANNEL, _CHANNEL.c.id == _COMMENT.c.channel_id)
    query = query.join(_BRAND, _BRAND.c.id == _CHANNEL.c.brand_id)
    if reference.isdigit():
        with database.read() as connection:
            found = connection.execute(select(_COMMENT.c.id).where(_COMMENT.c.id == int(reference))).scalar()
        if found is not None:
            return found
    parts = reference.split("/", 2)
    if len(parts) == 3:
        query = query.where(
            and_(_BRAND.c.slug == parts[0], _CHANNEL.c.name == parts[1], _COMMENT.c.platform_id == parts[2])
        )
    else:
        query = query.where(_COMMENT.c.platform_id == reference)
    with database.read() as connection:
        ids = connection.execute(query.limit(2)).scalars().all()
    if not ids:
        raise LabelError(f"no comment {reference!r}: give its id, or brand/channel/platform-id")
    if len(ids) > 1:
        raise LabelError(f"{reference!r} is in more than one channel: write it as brand/channel/{reference}")
    return ids[0]


def set_label(database: Database, comment_id: int, label: str | None) -> None:
    """Store a person's label for the comment (None removes the correction)."""
    if label is not None and label not in LABELS:
        raise LabelError(f"unknown label {label!r}: use one of {', '.join(LABELS)}")
    with database.write() as connection:
        changed = connection.execute(
            update(_COMMENT)
            .where(_COMMENT.c.id == comment_id)
            .values(label_override=label, label_override_at=utcnow() if label else None)
        ).rowcount
    if not changed:
        raise LabelError(f"no comment with id {comment_id}")


def labelled_comments(database: Database, brand: str | None = None) -> Iterator[LabelledComment]:
    """Every comment a person labelled, oldest correction first."""
    query = (
        select(
            _COMMENT.c.id,
            _BRAND.c.slug,
            _CHANNEL.c.name,
            _COMMENT.c.platform_id,
            _COMMENT.c.text,
            _COMMENT.c.language,
            _COMMENT.c.label_override,
            _COMMENT.c.sentiment_label,
            _COMMENT.c.sentiment_scorer,
            _COMMENT.c.created_at,
        )
        .join(_CHANNEL, _CHANNEL.c.id == _COMMENT.c.channel_id)
        .join(_BRAND, _BRAND.c.id == _CHANNEL.c.brand_id)
        .where(_COMMENT.c.label_override.is_not(None))
        .order_by(_COMMENT.c.label_override_at, _COMMENT.c.id)
    )
    if brand:
        query = query.where((_BRAND.c.slug == brand) | (_BRAND.c.name == brand))
    with database.read() as connection:
        for row in connection.execute(query):
            yield LabelledComment(*row)
