"""Private messages measured by turns, apart from public comments and together (issue 17, part B,
point 1), on SQLite and PostgreSQL.

A customer's turn (consecutive customer messages of a conversation) waits from its first message
until the business's next message; a turn with no business message after it is waiting.
"""

from __future__ import annotations

from typing import Any

from analytics.seeding import RULES, Seed, at

from socialmon.analytics import build_report, needs_reply, pair_first_replies, response_times
from socialmon.analytics.engagement import engagement
from socialmon.analytics.scope import make_scope
from socialmon.analytics.trends import feedback_trend

WINDOW = {"since": at("2026-11-02 00:00"), "until": at("2026-11-09 00:00"), "now": at("2026-11-10 00:00")}


def message(seed: Seed, channel: int, mid: str, when: str, chat: str = "chat-a", **fields: Any) -> None:
    seed.comment(channel, mid, when, post=chat, kind="message", **fields)


def conversations(seed: Seed) -> tuple[Any, int, int]:
    """A brand with a public channel (two comments, one answered after 60 min) and a WhatsApp one."""
    brand = seed.brand(timezone="UTC", response_sla="2h")
    fb = seed.channel("fb")
    seed.post(fb, "p1", "2026-11-01 09:00")
    seed.comment(fb, "c1", "2026-11-02 10:00", label="negative")
    seed.comment(fb, "r1", "2026-11-02 11:00", parent="c1", business=True)
    seed.comment(fb, "c2", "2026-11-03 10:00", label="neutral")
    wa = seed.channel("whatsapp", platform="whatsapp_export")
    seed.post(wa, "chat-a", "2026-11-06 10:00", kind="conversation", author_name="Rosa")
    seed.post(wa, "chat-b", "2026-11-06 10:00", kind="conversation", author_name="Luis")
    # chat-a: turn 1 (m1, m2) answered by b1 after 30 min; turn 2 (m3) answered after 10 min by b2
    # (b3, a second business message, answers nothing); turn 3 (m4, m5) waiting.
    message(seed, wa, "m1", "2026-11-02 08:00", label="neutral")
    message(seed, wa, "m2", "2026-11-02 08:05", label="negative")
    message(seed, wa, "b1", "2026-11-02 08:30", business=True)
    message(seed, wa, "m3", "2026-11-03 09:00", label="positive")
    message(seed, wa, "b2", "2026-11-03 09:10", business=True)
    message(seed, wa, "b3", "2026-11-03 09:11", business=True)
    message(seed, wa, "m4", "2026-11-06 10:00", label="neutral", text="¿Tienen tortas?")
    message(seed, wa, "m5", "2026-11-06 10:01", label="neutral")
    # chat-b: a deleted business message does not answer; the customer's turn waits on.
    message(seed, wa, "n1", "2026-11-04 12:00", chat="chat-b", label="neutral")
    message(seed, wa, "d1", "2026-11-04 12:30", chat="chat-b", business=True, deleted=True)
    message(seed, wa, "n2", "2026-11-04 13:00", chat="chat-b", label="neutral")
    return brand, fb, wa


def test_a_turn_waits_from_its_first_message_until_the_business_answers(seed: Seed) -> None:
    brand, _, _ = conversations(seed)
    scope = make_scope(seed.database, brand, RULES, **WINDOW)
    assert scope.has_messages
    paired = {row.id: row for row in pair_first_replies(seed.database, scope)}
    turns = sorted((row for row in paired.values() if row.kind == "message"), key=lambda r: r.created)
    assert [(row.wait, len(row.turn)) for row in turns] == [(1800.0, 1), (600.0, 0), (None, 1), (None, 1)]
    assert turns[0].label == "negative"  # one of its messages is
    times = response_times(seed.database, scope, list(paired.values()))
    kinds = {g.key: g for g in times.by_kind}
    assert (kinds["comments"].comments, kinds["comments"].answered) == (2, 1)
    assert kinds["comments"].wall.median == 60
    assert (kinds["messages"].comments, kinds["messages"].answered) == (4, 2)
    assert kinds["messages"].wall.median == 20  # 30 and 10 minutes
    assert kinds["messages"].response_rate == 0.5
    assert kinds["messages"].sla_share() == 0.5
    assert (times.overall.comments, times.overall.answered) == (6, 3)  # together
    per_channel = {(g.key, g.kind): g.comments for g in times.by_channel_kind}
    assert per_channel == {("fb", "comment"): 2, ("whatsapp", "message"): 4}


def test_a_waiting_turn_is_listed_once_by_its_first_message_with_its_conversation(seed: Seed) -> None:
    brand, _, _ = conversations(seed)
    scope = make_scope(seed.database, brand, RULES, **WINDOW)
    waiting = needs_reply(seed.database, scope)
    assert waiting.total == 3  # c2, chat-b's turn (n1, n2) and chat-a's last turn (m4, m5)
    by_kind = {k.kind: k.total for k in waiting.by_kind}
    assert by_kind == {"comment": 1, "message": 2}
    messages = [item for item in waiting.items if item.kind == "message"]
    assert [(m.platform_id, m.conversation, m.turn_messages) for m in messages] == [
        ("n1", "Luis", 2),
        ("m4", "Rosa", 2),
    ]
    assert [item.kind for item in waiting.items if item.platform_id == "c2"] == ["comment"]


def test_sentiment_trend_is_given_for_each_kind_and_together(seed: Seed) -> None:
    brand, _, _ = conversations(seed)
    scope = make_scope(seed.database, brand, RULES, period="week", **WINDOW)
    trend = feedback_trend(seed.database, scope)
    assert sum(p.comments for p in trend.periods) == 9
    assert sum(p.comments for p in trend.by_kind["comment"]) == 2
    assert sum(p.comments for p in trend.by_kind["message"]) == 7
    assert sum(p.negative for p in trend.by_kind["message"]) == 1


def test_conversations_are_not_posts(seed: Seed) -> None:
    brand, _, _ = conversations(seed)
    scope = make_scope(seed.database, brand, RULES, since=at("2026-10-01 00:00"), until=WINDOW["until"])
    found = engagement(seed.database, scope)
    assert [p.platform_id for p in found.posts] == ["p1"]
    assert [c.channel for c in found.by_channel] == ["fb"]


def test_a_brand_without_messages_has_no_message_figures(seed: Seed) -> None:
    brand = seed.brand(timezone="UTC", response_sla="2h")
    fb = seed.channel("fb")
    seed.comment(fb, "c1", "2026-11-02 10:00", label="negative")
    report = build_report(seed.database, brand, RULES, **WINDOW)
    assert report.response_times is not None and report.response_times.by_kind == []
    assert report.needs_reply is not None and report.needs_reply.by_kind == []
    assert report.trend is not None and report.trend.by_kind == {}
