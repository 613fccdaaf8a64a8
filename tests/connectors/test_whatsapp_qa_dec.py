"""QA's December findings in the WhatsApp chat-export importer (`connectors/whatsapp.py`).

1. Month-first locales: phones in Panama and Puerto Rico (es-PA, es-PR, en-PR), Guam, the US Virgin
   Islands, the Philippines (fil) write month-first dates; the locale's order comes from CLDR
   (Babel), and chats already read with the old day-first fallback are read again once, the ids
   that change marked gone. `locale = "C"` or "POSIX" (no phone's) stays day-first.
2. A message starting with an invisible mark WhatsApp puts around a phone number (U+202A…U+202C)
   or a mention (U+2068/U+2069) is the customer's, not a system line; only iOS's own U+200E (U+200F)
   marks the app's lines, and on Android no mark does.

Every export here is written for these tests (invented names, numbers and texts). Invisible
characters are escapes: U+200E (left-to-right mark), U+202A/U+202C (embedding around a number),
U+2068/U+2069 (isolate around a mention).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select
from test_whatsapp import read, write

from socialmon.config import BrandConfig, ChannelConfig
from socialmon.database import open_database
from socialmon.models import Comment
from socialmon.sentiment import get_scorer
from socialmon.storage import Store
from socialmon_connectors import ChannelContext
from socialmon_connectors import whatsapp as whatsapp_module
from socialmon_connectors.whatsapp import (
    WhatsAppExportConnector,
    WhatsAppSettings,
    default_date_order,
    parse_export,
)

LRM, LRE, PDF, FSI, PDI = "\u200e", "\u202a", "\u202c", "\u2068", "\u2069"
BUSINESS = "Panadería La Cosecha"
GYE = ZoneInfo("America/Guayaquil")
PANAMA = ZoneInfo("America/Panama")


def connector(folder: Path, path: str = "chats", **options: Any) -> WhatsAppExportConnector:
    options.setdefault("business_names", [BUSINESS])
    options.setdefault("timezone", "America/Guayaquil")
    return WhatsAppExportConnector(
        WhatsAppSettings(path=path, **options),
        ChannelContext(brand="cosecha", channel="whatsapp", account="", base_dir=folder),
    )


# --- 1. the locale's day/month order, from CLDR -----------------------------------------------------


@pytest.mark.parametrize(
    ("locale", "order"),
    [
        ("es-PA", "mdy"),  # CLDR: MM/dd/yy
        ("es-PR", "mdy"),
        ("es_PR", "mdy"),
        ("en-PR", "mdy"),  # M/d/yy
        ("en-GU", "mdy"),
        ("en-VI", "mdy"),
        ("fil", "mdy"),
        ("ES-pa", "mdy"),  # written in any case
        ("en-US", "mdy"),
        ("en", "mdy"),
        ("en-PH", "mdy"),
        ("es", "dmy"),
        ("es-EC", "dmy"),
        ("es-MX", "dmy"),
        ("es-US", "dmy"),  # d/M/y
        ("pt-BR", "dmy"),
        ("en-GB", "dmy"),
        ("en-CA", "dmy"),  # y-MM-dd: year first says no month-first
        ("xx-XX", "dmy"),  # unknown to Babel: the rule before it
        ("en-XX", "dmy"),
        ("", "dmy"),
        ("es PA", "dmy"),  # Babel cannot read it
        ("en_US.UTF-8", "mdy"),  # as a shell's LANG writes it
        ("C", "dmy"),  # no phone's: Babel reads it as en_US_POSIX
        ("POSIX", "dmy"),
        ("C.UTF-8", "dmy"),
        ("und", "dmy"),
    ],
)
def test_the_locale_s_short_date_tells_month_first(locale: str, order: str) -> None:
    assert default_date_order(locale) == order


def test_a_panamanian_chat_whose_dates_do_not_tell_is_read_month_first() -> None:
    """03/04 then 03/05: both readings run forward and no field is over 12; a phone set to es-PA
    writes month-first, so the answer came the next day, not a month later."""
    text = (
        "03/04/26, 9:15 a. m. - Rosa Mite: Buenos días, ¿tienen pan de yuca?\n"
        f"03/05/26, 8:00 a. m. - {BUSINESS}: Sí, buenos días\n"
    )
    chat = parse_export(text, chat="Rosa Mite", zone=PANAMA, business_names=[BUSINESS], locale="es-PA")
    assert chat.date_order == "mdy"
    assert [m.created_at.astimezone(PANAMA).date() for m in chat.messages] == [
        date(2026, 3, 4),
        date(2026, 3, 5),
    ]


PANAMA_CHAT = (
    "03/04/26, 9:15 a. m. - Rosa Mite: Buenos días, ¿tienen pan de yuca?\n"
    "03/04/26, 9:15 a. m. - Rosa Mite: Para hoy\n"
    f"03/05/26, 8:00 a. m. - {BUSINESS}: Sí, buenos días\n"
    "03/05/26, 8:05 a. m. - Rosa Mite: Gracias, paso al mediodía\n"
)


def _day_first_before(locale: str) -> str:
    """`default_date_order` as socialmon had it: month-first for US and Philippine English only."""
    parts = locale.strip().lower().replace("_", "-").split("-")
    return "mdy" if parts[0] == "en" and (len(parts) == 1 or parts[1] in ("us", "ph")) else "dmy"


def test_a_chat_read_as_es_pa_before_the_fix_is_read_again_and_counts_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The cursor keeps the locale's order a file was read with (`read_with`'s "fallback"): read
    day-first before, the chat is read again month-first once, the messages whose ids change are
    marked deleted, the corrected ones stored; every message is stored once, then nothing is read."""
    write(tmp_path / "chats", "Chat de WhatsApp con Rosa Mite.txt", PANAMA_CHAT)
    database = open_database(f"sqlite:///{tmp_path / 'db.sqlite'}")
    try:
        store = Store(database, get_scorer("vader"))
        channel = store.sync_channel(
            BrandConfig(name="La Cosecha", timezone="America/Panama", language="es"),
            ChannelConfig(name="whatsapp", platform="whatsapp_export", account="+507 6000 0000"),
        )
        with monkeypatch.context() as before:  # socialmon before the fix
            before.setattr(whatsapp_module, "default_date_order", _day_first_before)
            for page in read(connector(tmp_path, locale="es-PA", timezone="America/Panama")):
                store.save_page(channel.id, page)
        again = read(connector(tmp_path, locale="es-PA", timezone="America/Panama"), store.cursor(channel.id))
        gone = [platform_id for page in again for platform_id in page.gone_comments]
        assert len(gone) == 4  # 3 and 5 April → 4 and 5 March: every id changed
        for page in again:
            store.save_page(channel.id, page)
        with database.read() as connection:
            rows = connection.execute(
                select(Comment.__table__.c.text, Comment.__table__.c.created_at, Comment.__table__.c.deleted)
            ).all()
        live = sorted((row.created_at, row.text) for row in rows if not row.deleted)
        assert [text for _, text in live] == [
            "Buenos días, ¿tienen pan de yuca?",
            "Para hoy",
            "Sí, buenos días",
            "Gracias, paso al mediodía",
        ]
        assert {created.month for created, _ in live} == {3}
        assert sum(row.deleted for row in rows) == 4  # the April ones
        assert (
            read(connector(tmp_path, locale="es-PA", timezone="America/Panama"), store.cursor(channel.id))
            == []
        )
    finally:
        database.dispose()


# --- 2. invisible marks at a message's start -----------------------------------------------------


def test_android_messages_starting_with_a_number_a_mention_or_a_mark_are_the_customer_s() -> None:
    text = (
        "20/11/26, 8:03 a. m. - Rosa Mite: Hola, mi pedido no llegó\n"
        f"20/11/26, 8:04 a. m. - Rosa Mite: {LRE}+593 99 765 4321{PDF} llámeme a este número\n"
        f"20/11/26, 8:05 a. m. - Rosa Mite: {LRM}El repartidor nunca vino, pésimo servicio\n"
        f"20/11/26, 8:06 a. m. - Rosa Mite: {FSI}@Luis Pérez{PDI} dice que tampoco le llegó\n"
        f"20/11/26, 9:00 a. m. - {BUSINESS}: Disculpe, ya lo revisamos\n"
    )
    chat = parse_export(text, chat="Rosa Mite", zone=GYE, business_names=[BUSINESS])
    assert [m.text for m in chat.messages] == [
        "Hola, mi pedido no llegó",
        "+593 99 765 4321 llámeme a este número",
        "El repartidor nunca vino, pésimo servicio",
        "@Luis Pérez dice que tampoco le llegó",
        "Disculpe, ya lo revisamos",
    ]
    assert chat.rejected == []


def test_ios_keeps_a_number_or_a_mention_at_a_text_s_start_and_skips_its_own_marked_lines() -> None:
    text = (
        f"[20/11/26, 8:02:00] Rosa Mite: {LRM}Los mensajes y las llamadas están cifrados de extremo a extremo.\n"
        f"[20/11/26, 8:03:00] Rosa Mite: {LRE}+593 99 765 4321{PDF} es mi otro número\n"
        f"[20/11/26, 8:03:30] Rosa Mite: {FSI}Luis{PDI} pasa a recoger\n"
        f"[20/11/26, 8:04:00] Rosa Mite: {LRM}imagen omitida\n"
        f"[20/11/26, 8:05:00] Rosa Mite: {LRM}Se eliminó este mensaje.\n"
        f"[20/11/26, 9:00:00] {BUSINESS}: Perfecto\n"
    )
    chat = parse_export(text, chat="Rosa Mite", zone=GYE, business_names=[BUSINESS])
    assert [(m.text, m.deleted) for m in chat.messages] == [
        ("+593 99 765 4321 es mi otro número", False),
        ("Luis pasa a recoger", False),
        ("", False),  # the photo
        ("", True),
        ("Perfecto", False),
    ]
