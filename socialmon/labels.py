"""People's corrections of sentiment labels, and the labelled examples they produce.

A correction is stored beside the scorer's label (`label_override`), never over it, so
the scorer can still be measured against the people who read the comments. Every
report and alert reads the effective label: the correction when there is one.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from sqlalchemy import ColumnElement, Select, func, select, update

from socialmon.analytics.refs import comment_code, comment_ref, looks_like_code
from socialmon.clock import utcnow
from socialmon.database import Database
from socialmon.sentiment import LABELS
from socialmon.tables import BRAND, CHANNEL, COMMENT


def effective_label() -> ColumnElement[str]:
    """The label every report and alert uses: a person's correction, else a review's stars, else the
    scorer's label of the text (the rule itself lives with the reports, `analytics.responses`)."""
    from socialmon.analytics.responses import effective_label as label_of

    return label_of(COMMENT)


LabelProblem = Literal["not_found", "ambiguous", "business_reply", "unknown_label", "no_row"]


class LabelError(Exception):
    """The comment or the label given does not exist, or cannot be labelled; str() says which in
    English. `problem` and `values` are what it says, for a caller that speaks another language
    (the CLI): `reference`, `names`, `ref`, `address`, `label`, `labels` or `id`, as the problem has them."""

    def __init__(self, problem: LabelProblem, message: str, **values: str) -> None:
        super().__init__(message)
        self.problem, self.values = problem, values


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


# The words `label` takes for each label: English and Spanish, any case, with or without accents.
_WORDS = {
    "positive": "positive",
    "positivo": "positive",
    "positiva": "positive",
    "neutral": "neutral",
    "neutro": "neutral",
    "neutra": "neutral",
    "negative": "negative",
    "negativo": "negative",
    "negativa": "negative",
}


def normalize_label(word: str) -> str | None:
    """`positive`, `neutral` or `negative` from English or Spanish (`Negativo`, `NEUTRAL`, `positívo`)."""
    bare = "".join(c for c in unicodedata.normalize("NFKD", word.strip()) if not unicodedata.combining(c))
    return _WORDS.get(bare.casefold())


@dataclass(frozen=True)
class FoundComment:
    """The comment a reference names, with what `label` shows of it."""

    id: int
    brand: str
    channel: str
    platform_id: str
    text: str
    author: str | None
    is_business: bool
    scorer_label: str | None
    label_override: str | None

    @property
    def ref(self) -> str:
        return comment_ref(self.brand, self.channel, self.platform_id)

    @property
    def address(self) -> str:
        return f"{self.brand}/{self.channel}/{self.platform_id}"


def _found_query() -> Select[Any]:
    return (
        select(
            COMMENT.c.id,
            BRAND.c.slug,
            CHANNEL.c.name,
            COMMENT.c.platform_id,
            COMMENT.c.text,
            func.coalesce(COMMENT.c.author_name, COMMENT.c.author_id),
            COMMENT.c.is_business,
            COMMENT.c.sentiment_label,
            COMMENT.c.label_override,
        )
        .join(CHANNEL, CHANNEL.c.id == COMMENT.c.channel_id)
        .join(BRAND, BRAND.c.id == CHANNEL.c.brand_id)
    )


def resolve_comment(database: Database, reference: str) -> FoundComment:
    """The comment `reference` names: its reference (`#k3m9x2`, the `#` optional), its platform
    id, or `brand/channel/platform-id`. A bare number is a platform id, never a row id (row ids
    differ between databases and are never shown). Two comments matching is an error that
    lists both, never a guess.
    """
    text = reference.strip()
    found: dict[int, FoundComment] = {}
    with database.read() as connection:
        parts = text.split("/", 2)
        if len(parts) == 3:
            query = _found_query().where(
                BRAND.c.slug == parts[0], CHANNEL.c.name == parts[1], COMMENT.c.platform_id == parts[2]
            )
            found.update((row[0], FoundComment(*row)) for row in connection.execute(query))
        if not found:  # a platform id, which may hold slashes itself (Bluesky's at:// URIs)
            query = _found_query().where(COMMENT.c.platform_id == text)
            found.update((row[0], FoundComment(*row)) for row in connection.execute(query))
        code = text[1:] if text.startswith("#") else text
        if looks_like_code(code):
            code = code.lower()
            keys = select(COMMENT.c.id, BRAND.c.slug, CHANNEL.c.name, COMMENT.c.platform_id)
            keys = keys.join(CHANNEL, CHANNEL.c.id == COMMENT.c.channel_id)
            keys = keys.join(BRAND, BRAND.c.id == CHANNEL.c.brand_id)
            ids = [row[0] for row in connection.execute(keys) if comment_code(*row[1:]) == code]
            if ids:
                query = _found_query().where(COMMENT.c.id.in_(ids))
                found.update((row[0], FoundComment(*row)) for row in connection.execute(query))
    if not found:
        raise LabelError(
            "not_found",
            f"no comment {reference!r}: give its reference (like #k3m9x2, shown by `socialmon pending` "
            "and the reports), its platform id, or brand/channel/platform-id",
            reference=repr(reference),
        )
    if len(found) > 1:
        names = ", ".join(f"{c.address} ({c.ref})" for c in found.values())
        raise LabelError(
            "ambiguous",
            f"{reference!r} names more than one comment: {names}; write it as brand/channel/platform-id",
            reference=repr(reference),
            names=names,
        )
    return next(iter(found.values()))


def find_comment(database: Database, reference: str) -> int:
    """A comment's row id from a reference `resolve_comment` takes."""
    return resolve_comment(database, reference).id


def label_comment(database: Database, reference: str, label: str | None) -> tuple[FoundComment, str | None]:
    """Store a person's label (English or Spanish; None removes the correction) for a customer comment.

    The business's own replies are not labelled (reports and alerts measure customers only);
    a correction left on one by an older socialmon can still be removed.
    """
    comment = resolve_comment(database, reference)
    normalized = None if label is None else _checked_label(label)
    if comment.is_business and not (label is None and comment.label_override):
        raise LabelError(
            "business_reply",
            f"{comment.ref} ({comment.address}) is the business's own reply, not a customer comment: "
            "only customers' comments are labelled",
            ref=comment.ref,
            address=comment.address,
        )
    set_label(database, comment.id, normalized)
    return comment, normalized


def _checked_label(label: str) -> str:
    normalized = normalize_label(label)
    if normalized is None:
        raise LabelError(
            "unknown_label",
            f"unknown label {label!r}: use one of {', '.join(LABELS)} (or positivo, neutral, negativo)",
            label=repr(label),
            labels=", ".join(LABELS),
        )
    return normalized


def set_label(database: Database, comment_id: int, label: str | None) -> None:
    """Store a person's label for the comment (None removes the correction)."""
    if label is not None:
        label = _checked_label(label)
    with database.write() as connection:
        changed = connection.execute(
            update(COMMENT)
            .where(COMMENT.c.id == comment_id)
            # `updated_at`: a new label is a change the alert rules look for (written since a run).
            .values(label_override=label, label_override_at=utcnow() if label else None, updated_at=utcnow())
        ).rowcount
    if not changed:
        raise LabelError("no_row", f"no comment with id {comment_id}", id=str(comment_id))


def labelled_comments(database: Database, brand: str | None = None) -> Iterator[LabelledComment]:
    """Every comment a person labelled, oldest correction first."""
    query = (
        select(
            COMMENT.c.id,
            BRAND.c.slug,
            CHANNEL.c.name,
            COMMENT.c.platform_id,
            COMMENT.c.text,
            COMMENT.c.language,
            COMMENT.c.label_override,
            COMMENT.c.sentiment_label,
            COMMENT.c.sentiment_scorer,
            COMMENT.c.created_at,
        )
        .join(CHANNEL, CHANNEL.c.id == COMMENT.c.channel_id)
        .join(BRAND, BRAND.c.id == CHANNEL.c.brand_id)
        .where(COMMENT.c.label_override.is_not(None))
        .order_by(COMMENT.c.label_override_at, COMMENT.c.id)
    )
    if brand:
        query = query.where((BRAND.c.slug == brand) | (BRAND.c.name == brand))
    with database.read() as connection:
        for row in connection.execute(query):
            yield LabelledComment(*row)
