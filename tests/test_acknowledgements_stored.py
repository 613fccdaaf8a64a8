"""A customer's thanks waits for no answer: stored with its flag, left out of what waits and of
the response rate, still counted in the sentiment figures (`socialmon.acknowledgement`, 0016).

A WhatsApp chat that ends with the customer's "Perfecto, gracias!" was listed by `pending` as
waiting, lowered the response rate and raised the `waiting` alert, every day; so did a public
"¡Gracias! 😍" under a post. The chats, posts and people are invented.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from alerts.helpers_alerts import NOW
from analytics.seeding import seed
from helpers import comment, post, write_config, write_jsonl
from sqlalchemy import inspect, select, text
from typer.testing import CliRunner

from socialmon.analytics import build_report
from socialmon.cli import app
from socialmon.config import BrandConfig, ChannelConfig, ReportOptions
from socialmon.database import Database, open_database
from socialmon.sentiment import get_scorer
from socialmon.storage import Store
from socialmon.tables import ALERT, COMMENT
from socialmon_connectors.records import CommentRecord, Page, PostRecord

__all__ = ["seed"]

GYE = ZoneInfo("America/Guayaquil")
PREVIOUS_HEAD = "0015_replies_closed"


def flags(database: Database) -> dict[str, bool]:
    with database.read() as connection:
        rows = connection.execute(select(COMMENT.c.platform_id, COMMENT.c.is_acknowledgement)).all()
    return {row.platform_id: row.is_acknowledgement for row in rows}


# --- stored with the comment -------------------------------------------------------------------


@pytest.fixture
def store(database_url: str) -> Any:
    database = open_database(database_url)
    yield Store(database, get_scorer("vader"))
    database.dispose()


def a_comment(cid: str, said: str, **fields: Any) -> CommentRecord:
    values = {"platform_id": cid, "post_id": "m1", "author_id": f"u-{cid}", "text": said}
    values |= {"created_at": datetime(2026, 1, 5, 13, tzinfo=UTC), **fields}
    return CommentRecord(**values)


def test_the_flag_is_stored_with_the_comment_and_follows_an_edit(store: Store) -> None:
    channel = store.sync_channel(
        BrandConfig(name="Café Uno"), ChannelConfig(name="fb", platform="file", account="cafe")
    )
    media = PostRecord(platform_id="m1", text="Pan de yuca", created_at=datetime(2026, 1, 5, 12, tzinfo=UTC))
    page = [a_comment("c1", "¡Gracias! 😍"), a_comment("c2", "gracias, ¿y el domingo abren?")]
    page.append(a_comment("c3", "👍", kind="message"))
    store.save_page(channel.id, Page(posts=[media], comments=page))
    assert flags(store.database) == {"c1": True, "c2": False, "c3": True}

    edited = a_comment("c1", "¡Gracias! ¿Hacen envíos?", edited_at=datetime(2026, 1, 5, 14, tzinfo=UTC))
    result = store.save_page(channel.id, Page(comments=[edited, a_comment("c2", "Gracias.")]))
    assert result.updated_comments == 2
    assert flags(store.database) == {"c1": False, "c2": True, "c3": True}


def test_rescore_decides_the_flag_again_with_the_score(store: Store) -> None:
    from sqlalchemy import update

    from socialmon.rescore import rescore

    channel = store.sync_channel(
        BrandConfig(name="Café Uno"), ChannelConfig(name="fb", platform="file", account="cafe")
    )
    page = [a_comment("c1", "Mil gracias 🙏"), a_comment("c2", "¿Abren el lunes?"), a_comment("c3", "")]
    store.save_page(channel.id, Page(comments=page))
    with store.database.write() as connection:  # flags written around the rule, scores stale
        connection.execute(
            update(COMMENT).values(is_acknowledgement=COMMENT.c.platform_id != "c1", sentiment_version="0")
        )
    assert rescore(store.database, store.scorer, workers=0) == 3
    assert flags(store.database) == {"c1": True, "c2": False, "c3": False}


# --- an upgrade from 0015 ----------------------------------------------------------------------


@pytest.mark.empty_schema
def test_a_database_at_0015_upgrades_with_its_thanks_flagged_and_no_longer_waiting(database_url: str) -> None:
    from alembic import command

    database = Database(database_url)
    try:
        with database.write() as connection:
            command.upgrade(database._alembic_config(connection), PREVIOUS_HEAD)
            connection.execute(
                text(
                    "INSERT INTO brand (slug, name, timezone, language, response_sla_minutes) "
                    "VALUES ('cafe', 'Café', 'UTC', 'es', 60)"
                )
            )
            connection.execute(
                text(
                    "INSERT INTO channel (brand_id, name, platform, account) VALUES (1, 'fb', 'facebook', 'a')"
                )
            )
            stored = [
                ("c1", "¿Abren el lunes?", False),
                ("c2", "¡Gracias! 😍", False),
                ("c3", "Perfecto, gracias!", False),
                ("c4", "gracias, pero ¿cuándo llega?", False),
                ("r1", "¡Gracias a usted!", True),  # the business's own thanks: flagged, still a reply
                ("c5", "gracias " * 40, False),  # longer than any thanks: not read by the upgrade
            ]
            for cid, said, business in stored:
                connection.execute(
                    text(
                        "INSERT INTO comment (channel_id, platform_id, kind, post_platform_id, author_id, "
                        "is_business, text, created_at, deleted, record_hash, sentiment_label, "
                        "first_seen_at, updated_at) VALUES (1, :cid, 'comment', 'm1', :author, :business, "
                        ":said, :at, :f, 'h', 'positive', :at, :at)"
                    ),
                    {
                        "cid": cid,
                        "author": "biz" if business else f"u-{cid}",
                        "business": business,
                        "said": said,
                        "f": False,
                        "at": NOW - timedelta(days=1),
                    },
                )

        before = database.upgrade()

        assert before is not None and before.current == PREVIOUS_HEAD and database.schema_status().up_to_date
        assert flags(database) == {"c1": False, "c2": True, "c3": True, "c4": False, "r1": True, "c5": False}
        with database.read() as connection:
            (window,) = [
                index
                for index in inspect(connection).get_indexes("comment")
                if index["name"] == "ix_comment_report_window"
            ]
        assert window["column_names"][-1] == "is_acknowledgement"  # the pairing reads no row for it
        brand = BrandConfig(name="Café", slug="cafe")
        report = build_report(database, brand, ReportOptions(), view="pending", now=NOW)
        assert report.needs_reply is not None
        assert [item.platform_id for item in report.needs_reply.items] == ["c1", "c4", "c5"]
    finally:
        database.dispose()


# --- end to end: a WhatsApp chat and public comments, scanned -----------------------------------


def line(moment: datetime, sender: str, said: str) -> str:
    local = moment.astimezone(GYE)
    return f"{local:%d/%m/%y}, {local:%H:%M} - {sender}: {said}\n"


def project(folder: Path, database_url: str) -> Path:
    now = datetime.now(GYE).replace(second=0, microsecond=0)
    asked = now - timedelta(days=2)
    write_jsonl(
        folder / "export.jsonl",
        [
            post("p1", author_id="biz", created_at=(asked - timedelta(days=1)).isoformat()),
            comment("c1", created_at=asked.isoformat(), text="¡Gracias! 😍"),
            comment("c2", created_at=asked.isoformat(), text="gracias, ¿y el domingo abren?"),
            comment("c3", created_at=asked.isoformat(), text="¿Tienen delivery a Samborondón?"),
            comment(
                "r3", parent_id="c3", author_id="biz", created_at=(asked + timedelta(hours=1)).isoformat()
            ),
        ],
    )
    rosa = (
        line(asked, "Rosa Mite", "Hola, ¿tienen pan de yuca?")
        + line(asked + timedelta(minutes=21), "Café Uno", "¡Sí, Rosa! Recién salido")
        + line(asked + timedelta(minutes=30), "Rosa Mite", "Perfecto, gracias!")
    )
    (folder / "Chat de WhatsApp con Rosa Mite.txt").write_text(rosa, encoding="utf-8")
    # A thanks that opens a turn whose next message asks: the turn waits, from the question.
    luis = (
        line(asked, "Luis Vera", "Buenas, ¿hacen tortas por encargo?")
        + line(asked + timedelta(minutes=40), "Café Uno", "Sí, con dos días de anticipación")
        + line(asked + timedelta(hours=2), "Luis Vera", "Gracias 🙏")
        + line(asked + timedelta(hours=3), "Luis Vera", "¿Y cuánto cuesta la de chocolate?")
    )
    (folder / "Chat de WhatsApp con Luis Vera.txt").write_text(luis, encoding="utf-8")
    channels = (
        '[[brands.channels]]\nname = "export"\nplatform = "file"\npath = "export.jsonl"\n'
        'business_authors = ["biz"]\n\n'
        '[[brands.channels]]\nname = "whatsapp"\nplatform = "whatsapp_export"\n'
        'path = "Chat de WhatsApp con Rosa Mite.txt"\nbusiness_names = ["Café Uno"]\n\n'
        '[[brands.channels]]\nname = "whatsapp-luis"\nplatform = "whatsapp_export"\n'
        'path = "Chat de WhatsApp con Luis Vera.txt"\nbusiness_names = ["Café Uno"]\n'
    )
    return write_config(folder, database=database_url, channels=channels)


def brand_json(config: Path, *command: str) -> dict[str, Any]:
    result = CliRunner().invoke(app, [*command, "-f", "json", "--config", str(config)])
    assert result.exit_code == 0, result.output
    [brand] = json.loads(result.output)["brands"]
    return brand


def test_a_chat_ending_in_thanks_and_a_public_thanks_wait_for_nothing(
    tmp_path: Path, database_url: str
) -> None:
    config = project(tmp_path, database_url)
    scan = CliRunner().invoke(app, ["scan", "-q", "--config", str(config)])
    assert scan.exit_code == 0, scan.output

    items = brand_json(config, "pending")["needs_reply"]["items"]
    assert sorted(item["text"] for item in items) == [
        "gracias, ¿y el domingo abren?",
        "¿Y cuánto cuesta la de chocolate?",
    ]
    (luis,) = [item for item in items if item.get("kind") == "message"]
    assert luis["conversation"] == "Luis Vera" and luis["turn_messages"] == 1

    brand = brand_json(config, "report", "--since", "7d")
    assert brand["needs_reply"]["total"] == 2
    kinds = {group["key"]: group for group in brand["response_times"]["by_kind"]}
    # Public: c2 (waiting) and c3 (answered after an hour); the thanks c1 is in neither.
    assert (kinds["comments"]["comments"], kinds["comments"]["answered"]) == (2, 1)
    # Messages: Rosa's question (21 min), Luis's (40 min) and his later question, waiting; Rosa's
    # closing thanks is no turn that waits.
    assert (kinds["messages"]["comments"], kinds["messages"]["answered"]) == (3, 2)
    overall = brand["response_times"]["overall"]
    assert (overall["comments"], overall["answered"]) == (5, 3)
    # The thanks still count in the sentiment figures: 3 public comments, 5 customer messages.
    assert brand["headline"]["customer_comments"] == 8

    database = open_database(database_url)
    try:
        with database.read() as connection:
            waited = (
                connection.execute(select(ALERT.c.facts).where(ALERT.c.rule == "waiting")).scalars().all()
            )
            ids = dict(connection.execute(select(COMMENT.c.text, COMMENT.c.id)).all())
    finally:
        database.dispose()
    members = sorted(member for facts in waited for member in facts["comment_ids"])
    assert members == sorted([ids["gracias, ¿y el domingo abren?"], ids["¿Y cuánto cuesta la de chocolate?"]])


# --- the pairing's own rules, on rows written directly -------------------------------------------


def test_a_thanks_neither_starts_nor_continues_a_conversation_under_conversation_gap(seed: Any) -> None:
    from analytics.seeding import at

    from socialmon.analytics import response_times
    from socialmon.analytics.scope import make_scope

    brand = seed.brand(timezone="UTC")
    fb = seed.channel("fb")
    seed.comment(fb, "c1", "2026-11-02 10:00")
    seed.comment(fb, "r1", "2026-11-02 11:00", parent="c1", business=True)
    seed.comment(fb, "t1", "2026-11-02 11:05", parent="c1", is_acknowledgement=True)  # "¡Gracias!"
    seed.comment(fb, "c2", "2026-11-02 11:10", parent="c1")  # after the business's answer: a new one
    seed.comment(fb, "r2", "2026-11-02 11:40", parent="c1", business=True)
    window = {"since": at("2026-11-02 00:00"), "until": at("2026-11-09 00:00"), "now": at("2026-11-10 00:00")}
    grouped = make_scope(seed.database, brand, ReportOptions(conversation_gap="24h"), **window)
    overall = response_times(seed.database, grouped).overall
    assert (overall.comments, overall.answered) == (2, 2)  # c1 and c2; the thanks in neither
    assert overall.wall.median == pytest.approx(45)  # 60 and 30 minutes


def test_a_waiting_alert_raised_on_a_thanks_before_the_upgrade_closes(seed: Any) -> None:
    from alerts.helpers_alerts import ago, alerts, comment_id, members, run_rules
    from sqlalchemy import update

    brand = seed.brand("cafe", response_sla="2h")
    fb = seed.channel(platform="facebook")
    # As a version before 0016 stored it: not flagged, so the rule found it waiting.
    seed.comment(fb, "thanks", ago(hours=4), label="positive", text="¡Gracias! 😍")
    run_rules(seed.database, brand)
    (wave,) = alerts(seed.database, "waiting")
    assert members(wave) == [comment_id(seed, "thanks")]

    with seed.database.write() as connection:  # the upgrade flags it
        connection.execute(
            update(COMMENT).where(COMMENT.c.platform_id == "thanks").values(is_acknowledgement=True)
        )
    later = run_rules(seed.database, brand, now=NOW + timedelta(minutes=15))
    (wave,) = alerts(seed.database, "waiting")
    assert later.resolved == 1 and wave["resolved_at"] is not None and later.created == []
