"""The `whatsapp_export` connector: a group's subject, name, description and icon notices mark the
chat as a group, as its membership notices do.

A group may be named after one of its members (a family group named "Rosa Mite", a shop's group
named after its owner), and its export is then named like a 1:1 chat with her. In a 1:1 chat, two
lines in a row of someone who writes nowhere else are a bit of another chat pasted in; in a group
they are a member's messages. Android writes the notice without a sender ('Ana changed the subject
from "a" to "b"'); iOS under the group's name, marked with U+200E ('‎Ana changed the subject to
“b”'), in each language's words.

Every export here is written for these tests (invented names and texts), in the apps' layouts.
"""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

import pytest

from socialmon_connectors.whatsapp import parse_export

LRM = "\u200e"
BUSINESS = "Panadería La Cosecha"
GYE = ZoneInfo("America/Guayaquil")


def parse(text: str, **options: Any) -> Any:
    options.setdefault("business_names", [BUSINESS])
    options.setdefault("zone", GYE)
    return parse_export(text, chat="Rosa Mite", **options)


ANDROID_NOTICES = [
    'Rosa Mite changed the subject from "Rosa" to "Rosa Mite"',
    "Rosa Mite changed the subject to “Rosa Mite”",
    'You changed the subject from "Rosa: tortas" to "Rosa Mite"',
    "Rosa Mite changed the group name from “Rosa” to “Rosa Mite”",
    "Rosa Mite changed the group description",
    "Rosa Mite changed this group's icon",
    'Rosa Mite cambió el asunto de "Rosa" a "Rosa Mite"',
    "Rosa Mite cambió el asunto a “Rosa Mite”",
    'Cambiaste el asunto de "Rosa: tortas" a "Rosa Mite"',
    "Rosa Mite cambió la descripción del grupo",
    "Rosa Mite cambió el ícono de este grupo",
    'Rosa Mite alterou o assunto de "Rosa" para "Rosa Mite"',
    'Rosa Mite mudou o assunto de "Rosa" para "Rosa Mite"',
    "Rosa Mite mudou o nome do grupo para “Rosa Mite”",
    'Você alterou o assunto de "Rosa: bolos" para "Rosa Mite"',
    "Rosa Mite alterou a descrição do grupo",
    "Rosa Mite mudou a imagem deste grupo",
]


@pytest.mark.parametrize("notice", ANDROID_NOTICES)
def test_an_android_subject_notice_makes_a_chat_named_after_a_member_a_group(notice: str) -> None:
    text = (
        f"01/12/2026 09:00 - {notice}\n"
        "02/12/2026 10:02 - Rosa Mite: Necesito 3 tortas para el sábado\n"
        f"02/12/2026 10:05 - {BUSINESS}: Con gusto\n"
        "02/12/2026 10:06 - Luis Vera: Yo paso a recogerlas\n"
        "02/12/2026 10:07 - Luis Vera: A las 9\n"
    )
    chat = parse(text)
    assert [m.sender for m in chat.messages] == ["Rosa Mite", BUSINESS, "Luis Vera", "Luis Vera"]
    assert [m.text for m in chat.messages][-2:] == ["Yo paso a recogerlas", "A las 9"]


IOS_NOTICES = [
    "Rosa Mite changed the subject to “Rosa Mite”",
    "You changed the group name to “Rosa Mite”",
    "Rosa Mite changed the group description",
    "Rosa Mite changed this group's icon",
    "Rosa Mite cambió el asunto a “Rosa Mite”",
    "Rosa Mite cambió el nombre del grupo a “Rosa Mite”",
    "Cambiaste el nombre del grupo a “Rosa Mite”",
    "Rosa Mite cambió la descripción del grupo",
    "Rosa Mite mudou o nome do grupo para “Rosa Mite”",
    "Rosa Mite alterou o nome do grupo para “Rosa Mite”",
    "Você mudou o nome do grupo para “Rosa Mite”",
    "Rosa Mite alterou a descrição do grupo",
]


@pytest.mark.parametrize("notice", IOS_NOTICES)
def test_an_ios_subject_notice_under_the_group_s_name_makes_it_a_group(notice: str) -> None:
    text = (
        f"[1/12/26, 9:00:05] Rosa Mite: {LRM}{notice}\n"
        "[2/12/26, 10:02:00] Rosa Mite: Necesito 3 tortas para el sábado\n"
        f"[2/12/26, 10:05:00] {BUSINESS}: Con gusto\n"
        "[2/12/26, 10:06:00] Luis Vera: Yo paso a recogerlas\n"
        "[2/12/26, 10:07:00] Luis Vera: A las 9\n"
    )
    chat = parse(text)
    assert [m.sender for m in chat.messages] == ["Rosa Mite", BUSINESS, "Luis Vera", "Luis Vera"]


def test_an_ios_subject_notice_under_its_author_s_name_makes_it_a_group() -> None:
    """iOS writes some group notices under who made them (its author's line, marked)."""
    text = (
        f"[1/12/26, 9:00:05] Ana Paz: {LRM}Ana Paz changed the subject to “Rosa Mite”\n"
        "[2/12/26, 10:02:00] Rosa Mite: Necesito 3 tortas para el sábado\n"
        f"[2/12/26, 10:05:00] {BUSINESS}: Con gusto\n"
        "[2/12/26, 10:06:00] Luis Vera: Yo paso a recogerlas\n"
        "[2/12/26, 10:07:00] Luis Vera: A las 9\n"
    )
    chat = parse(text)
    assert [m.sender for m in chat.messages] == ["Rosa Mite", BUSINESS, "Luis Vera", "Luis Vera"]


def test_a_subject_notice_pasted_earlier_in_a_1_1_chat_does_not_make_it_a_group() -> None:
    """The notice inside a bit of another chat, pasted with lines under it, says nothing of this one."""
    text = (
        "02/12/2026 10:00 - Rosa Mite: Miren:\n"
        '01/12/2026 08:00 - Ana cambió el asunto de "Pan" a "Pan y tortas"\n'
        "01/12/2026 08:01 - Juan Pérez: ya lo pedí\n"
        "01/12/2026 08:02 - Marta Ruiz: ok\n"
        f"02/12/2026 10:05 - {BUSINESS}: Gracias\n"
    )
    chat = parse(text)
    assert [m.sender for m in chat.messages] == ["Rosa Mite", BUSINESS]


def test_an_ios_group_s_notices_seconds_before_the_message_above_them_still_tell_a_group() -> None:
    """iOS (English, UK, 24-hour, no comma after the date) writes a group's notices without a
    sender, at their event's time, which may be seconds before the message written above them."""
    text = (
        "[31/12/2026 19:29:40] Rosa Mite: Hi all\n"
        "[31/12/2026 19:29:20] Rosa Mite changed the subject to “Rosa Mite”\n"
        "[31/12/2026 19:29:21] Rosa Mite changed this group's icon\n"
        f"[31/12/2026 19:35:00] {BUSINESS}: Hello!\n"
        "[31/12/2026 19:36:00] Luis Vera: I'll pick up the cake\n"
        "[31/12/2026 19:36:30] Luis Vera: at 9\n"
    )
    chat = parse(text, locale="en-GB")
    assert [m.sender for m in chat.messages] == ["Rosa Mite", BUSINESS, "Luis Vera", "Luis Vera"]
    assert chat.rejected == []
