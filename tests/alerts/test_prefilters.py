"""What the rules ask the database to sort out for them gives what Python would (SQLite and PostgreSQL):
the unanswered comments as the reports pair them, and the texts the watch-list may match."""

from __future__ import annotations

from datetime import timedelta
from itertools import product

import pytest
from alerts.helpers_alerts import NOW
from analytics.seeding import Seed
from sqlalchemy import select

from socialmon.alerts.rules import _may_match, _unanswered
from socialmon.alerts.watchlist import WatchList
from socialmon.analytics import make_scope, pair_first_replies
from socialmon.config import ReportOptions
from socialmon.models import Comment


def ago(hours: float) -> str:
    return (NOW - timedelta(hours=hours)).strftime("%Y-%m-%d %H:%M")


@pytest.mark.parametrize(
    ("reply_match", "reply_by", "self_thread"),
    list(product(["thread", "direct"], ["business", "anyone"], [True, False])),
)
def test_the_unanswered_comments_are_the_ones_the_reports_pairing_leaves_waiting(
    seed: Seed, reply_match: str, reply_by: str, self_thread: bool
) -> None:
    brand = seed.brand("cafe")
    fb = seed.channel()
    seed.comment(fb, "alone", ago(9), label="negative")
    seed.comment(fb, "answered", ago(9))
    seed.comment(fb, "r1", ago(8), parent="answered", business=True)
    seed.comment(fb, "by-a-fan", ago(9))
    seed.comment(fb, "r2", ago(8), parent="by-a-fan", author_id="fan")
    seed.comment(fb, "top", ago(9), business=True)  # the business's own comment, and a thread under it
    seed.comment(fb, "in-thread", ago(8), parent="top")
    seed.comment(fb, "r3", ago(7), parent="top", business=True)
    seed.comment(fb, "late-in-thread", ago(6), parent="top")
    seed.comment(fb, "cust-top", ago(9))
    seed.comment(fb, "sib-1", ago(8), parent="cust-top", label="negative")
    seed.comment(fb, "sib-r", ago(7), parent="cust-top", business=True)
    seed.comment(fb, "deleted", ago(5), deleted=True)
    seed.comment(fb, "old", ago(24 * 30))
    rules = ReportOptions(reply_match=reply_match, reply_by=reply_by, self_thread_replies=self_thread)
    scope = make_scope(seed.database, brand, rules, since=NOW - timedelta(days=7), until=NOW, now=NOW)

    unanswered, _ = _unanswered(seed.database, scope, None)

    expected = [
        (row.id, row.channel_id, row.created, row.label)
        for row in pair_first_replies(seed.database, scope)
        if row.first_reply is None
    ]
    assert sorted(unanswered) == sorted(expected) and len(expected) >= 3


TERMS = ["estafa", "refund", "mala atención", "Ωραίο", "no volveré"]
TEXTS = [
    "una ESTAFA total",
    "estafá",  # an accent on a term's letter
    "ESTAFÁ",
    "esta\u0301fa",  # a combining accent inside the word
    "ｅｓｔａｆａ",  # full-width letters fold to ASCII
    "I want a refund, señor",
    "REFUND!!",
    "muy mala\u00a0atención",
    "mala atencion",
    "ΩΡΑΙΟ μαγαζί",
    "No volveré jamás",
    "İ want a refund",
    "🙂 estafa",
    "frío y lento",  # "í" folds to a letter of "mala atención": read, and not matched
    "¡Hey! ¿Why? ×2 ÿ",  # nothing: these fold to no term's letters
    "plain and fine",
    "atención amable",
    "",
]


def test_the_database_flags_every_text_the_watch_list_matches(seed: Seed) -> None:
    seed.brand("cafe")
    fb = seed.channel()
    for i, text in enumerate(TEXTS):
        seed.comment(fb, f"c{i}", ago(1), text=text)
    terms = WatchList(TERMS)
    table = Comment.__table__
    query = select(table.c.text, _may_match(table.c.text, terms, seed.database.dialect))
    with seed.database.read() as connection:
        flagged = dict(connection.execute(query).all())

    assert {text for text in TEXTS if terms.matches(text)} <= {text for text, flag in flagged.items() if flag}
    # …and spares the texts only ASCII and letters no term holds make up: they are not read again.
    assert not any(flagged[text] for text in ("¡Hey! ¿Why? ×2 ÿ", "plain and fine", ""))
