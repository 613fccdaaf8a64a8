"""The `whatsapp_export` connector: what real exports hold, line by line, in English, Spanish and
Brazilian Portuguese, from Android and iOS.

Each kind of line the apps write is read as what it is: a message kept (a text, media left out, a
poll, a location, a contact card, a view-once photo, a deleted message), a system notice skipped
(the end-to-end-encryption notice, the business-account notices), an edit mark dropped, a line
that is no date or time reported with its number while the others are read; and no input at all
ends in a traceback.

Every export here is written for these tests (invented names, numbers and texts). Invisible
characters are escapes: U+200E (left-to-right mark), U+200F (right-to-left mark), U+202F (narrow
no-break space), U+00A0 (no-break space).
"""

from __future__ import annotations

import random
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from socialmon_connectors.whatsapp import parse_export

LRM, RLM, NNBSP, NBSP = "\u200e", "\u200f", "\u202f", "\u00a0"
BUSINESS = "Panadería La Cosecha"
GYE = ZoneInfo("America/Guayaquil")


def parse(text: str, chat: str = "Rosa Mite", **options: Any) -> Any:
    options.setdefault("business_names", [BUSINESS])
    options.setdefault("zone", GYE)
    return parse_export(text, chat=chat, **options)


def kept(chat: Any) -> list[tuple[str, str, bool]]:
    return [(m.sender, m.text, m.deleted) for m in chat.messages]


# --- the encryption and business notices, marked or not ---------------------------------------------

ENCRYPTION = {
    "en": "Messages and calls are end-to-end encrypted. No one outside of this chat, not even WhatsApp, "
    "can read or listen to them.",
    "es": "Los mensajes y las llamadas están cifrados de extremo a extremo. Nadie fuera de este chat, ni "
    "siquiera WhatsApp, puede leerlos ni escucharlos.",
    "pt": "As mensagens e as chamadas são protegidas com a criptografia de ponta a ponta e ficam somente "
    "entre você e os participantes desta conversa. Nem mesmo o WhatsApp pode ler ou ouvi-las.",
}
BUSINESS_NOTICE = {
    "en": "This business uses a secure service from Meta to manage this chat. Tap to learn more.",
    "es": "Esta empresa usa un servicio seguro de Meta para administrar este chat. Toca para obtener más información.",
    "pt": "Esta empresa usa um serviço seguro da Meta para gerenciar esta conversa. Toque para saber mais.",
}


@pytest.mark.parametrize("language", ["en", "es", "pt"])
@pytest.mark.parametrize("mark", [LRM, ""], ids=["marked", "unmarked"])
def test_ios_notices_under_the_customer_s_name_are_not_her_messages(language: str, mark: str) -> None:
    """iOS writes a 1:1 chat's notices under the customer's name, after U+200E (older versions
    without it): neither is a message of hers, so the chat does not open on her 'saying' them."""
    text = (
        f"[1/12/26, 9:00:00] Rosa Mite: {mark}{ENCRYPTION[language]}\n"
        f"[1/12/26, 9:00:00] Rosa Mite: {mark}{BUSINESS_NOTICE[language]}\n"
        "[1/12/26, 9:02:10] Rosa Mite: Hola\n"
        f"[1/12/26, 9:05:00] {BUSINESS}: Buenos días\n"
    )
    assert kept(parse(text)) == [("Rosa Mite", "Hola", False), (BUSINESS, "Buenos días", False)]


def test_a_customer_writing_about_the_business_or_messages_is_a_message() -> None:
    text = (
        "[1/12/26, 9:02:10] Rosa Mite: Esta empresa no contesta nunca, ya van tres días que escribo\n"
        "[1/12/26, 9:03:10] Rosa Mite: Los mensajes que mandé ayer siguen sin respuesta, ¿hay alguien?\n"
    )
    assert len(parse(text).messages) == 2


# --- clocks, marks and spaces ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "locale", "hour"),
    [
        (f"3/12/26, 2:05{NNBSP}p.{NBSP}m. - Rosa Mite: hola", "es", 14),  # Android, Latin America
        ("3/12/26, 2:05 p. m. - Rosa Mite: hola", "es", 14),  # the same, saved again with plain spaces
        ("3/12/26, 2:05 p.m. - Rosa Mite: hola", "es", 14),
        ("12/3/26, 2:05 pm - Rosa Mite: hola", "en-US", 14),
        (f"12/3/26, 12:05{NNBSP}AM - Rosa Mite: hi", "en-US", 0),  # midnight
        (f"12/3/26, 12:05{NNBSP}PM - Rosa Mite: hi", "en-US", 12),  # noon
        ("03/12/2026 14:05 - Rosa Mite: olá", "pt-BR", 14),
        ("3/12/26 14:05 - Rosa Mite: olá", "pt-BR", 14),
        ("2026-12-03, 2:05 p.m. - Rosa Mite: hi", "en-CA", 14),  # year first
        (f"[3/12/26, 2:05:09{NNBSP}p.{NBSP}m.] Rosa Mite: hola", "es", 14),  # iOS
        (f"{LRM}[12/3/26, 2:05:09{NNBSP}PM] Rosa Mite: hi", "en-US", 14),
        ("[03/12/2026, 14:05:09] Rosa Mite: olá", "pt-BR", 14),
        (f"{RLM}[03.12.26, 14:05:09] Rosa Mite: hola", "es", 14),
    ],
)
def test_every_clock_the_apps_write(line: str, locale: str, hour: int) -> None:
    chat = parse(line + "\n", locale=locale)
    [message] = chat.messages
    local = message.created_at.astimezone(GYE)
    assert (local.year, local.month, local.day, local.hour, local.minute) == (2026, 12, 3, hour, 5)
    assert message.sender == "Rosa Mite" and chat.rejected == []


def test_marks_and_no_break_spaces_in_names_and_texts_are_read_as_written() -> None:
    text = (
        f"[3/12/26, 2:05:09{NNBSP}p.{NBSP}m.] {LRM}~{NNBSP}Rosa{NBSP}Mite{LRM}: ¿Tienen{NBSP}pan?{LRM}\n"
        f"[3/12/26, 2:06:00{NNBSP}p.{NBSP}m.] {BUSINESS}: Sí\n"
    )
    assert kept(parse(text)) == [("Rosa Mite", "¿Tienen pan?", False), (BUSINESS, "Sí", False)]


# --- media, deleted and edited messages in each language -------------------------------------------

ANDROID_MEDIA = ["<Media omitted>", "<Multimedia omitido>", "<Mídia oculta>", "<Multimédia omitido>"]


@pytest.mark.parametrize("placeholder", ANDROID_MEDIA)
def test_android_media_left_out_is_a_message_without_text(placeholder: str) -> None:
    [message] = parse(f"3/12/26, 10:02 - Rosa Mite: {placeholder}\n").messages
    assert (message.sender, message.text, message.deleted) == ("Rosa Mite", "", False)


IOS_MEDIA = [
    "image omitted",
    "imagen omitida",
    "imagem ocultada",
    "video omitted",
    "audio omitted",
    "sticker omitted",
    "GIF omitted",
    "Contact card omitted",
    "tarjeta de contacto omitida",
    "cartão de contato omitido",
    f"Pedido.pdf • 1 page {LRM}document omitted",
    "<attached: 00000012-PHOTO-2026-12-03-10-02-05.jpg>",
    "<adjunto: 00000012-PHOTO-2026-12-03-10-02-05.jpg>",
    "<anexado: 00000012-PHOTO-2026-12-03-10-02-05.jpg>",
    "Live location shared",
]


@pytest.mark.parametrize("placeholder", IOS_MEDIA)
def test_ios_media_after_its_mark_is_a_message_without_text(placeholder: str) -> None:
    text = f"{LRM}[3/12/26, 10:02:05] Rosa Mite: {LRM}{placeholder}\n"
    [message] = parse(text).messages
    assert (message.sender, message.text) == ("Rosa Mite", "")


def test_contact_cards_view_once_photos_and_locations_on_android() -> None:
    text = (
        "3/12/26, 10:02 - Rosa Mite: Juan Pérez.vcf (archivo adjunto)\n"
        "3/12/26, 10:03 - Rosa Mite: null\n"
        "3/12/26, 10:04 - Rosa Mite: ubicación: https://maps.google.com/?q=-2.170998,-79.922359\n"
        "3/12/26, 10:05 - Rosa Mite: location: https://maps.google.com/?q=-2.17,-79.92\n"
    )
    assert kept(parse(text)) == [
        ("Rosa Mite", "", False),
        ("Rosa Mite", "", False),
        ("Rosa Mite", "ubicación: https://maps.google.com/?q=-2.170998,-79.922359", False),
        ("Rosa Mite", "location: https://maps.google.com/?q=-2.17,-79.92", False),
    ]


@pytest.mark.parametrize(
    "line",
    [
        "3/12/26, 10:02 - Rosa Mite: This message was deleted",
        "3/12/26, 10:02 - Rosa Mite: Se eliminó este mensaje",
        "3/12/26, 10:02 - Rosa Mite: Mensagem apagada",
        f"{LRM}[3/12/26, 10:02:05] Rosa Mite: {LRM}This message was deleted.",
        f"{LRM}[3/12/26, 10:02:05] Rosa Mite: {LRM}Se eliminó este mensaje.",
        f"{LRM}[3/12/26, 10:02:05] Rosa Mite: {LRM}Esta mensagem foi apagada",
        f"{LRM}[3/12/26, 10:02:05] {BUSINESS}: {LRM}You deleted this message.",
        f"{LRM}[3/12/26, 10:02:05] {BUSINESS}: {LRM}Eliminaste este mensaje.",
        f"{LRM}[3/12/26, 10:02:05] {BUSINESS}: {LRM}Você apagou esta mensagem",
    ],
)
def test_a_deleted_message_is_kept_as_deleted(line: str) -> None:
    [message] = parse(line + "\n").messages
    assert message.deleted and message.text == ""


@pytest.mark.parametrize(
    ("line", "text"),
    [
        ("3/12/26, 10:02 - Rosa Mite: Son 3 tortas <This message was edited>", "Son 3 tortas"),
        ("3/12/26, 10:02 - Rosa Mite: Son 3 tortas <Se editó este mensaje.>", "Son 3 tortas"),
        ("3/12/26, 10:02 - Rosa Mite: São 3 bolos <Mensagem editada>", "São 3 bolos"),
        (f"[3/12/26, 10:02:05] Rosa Mite: Son 3 tortas {LRM}<Se editó este mensaje.>", "Son 3 tortas"),
        (
            "3/12/26, 10:02 - Rosa Mite: Son 3 tortas\ny un pan <Se editó este mensaje.>",
            "Son 3 tortas\ny un pan",
        ),
    ],
)
def test_the_edit_mark_is_dropped_from_an_edited_text(line: str, text: str) -> None:
    [message] = parse(line + "\n").messages
    assert message.text == text


# --- polls -----------------------------------------------------------------------------------------


def test_a_poll_is_a_message_of_its_sender_on_android_and_ios() -> None:
    android = (
        "3/12/26, 10:02 - Rosa Mite: ENCUESTA:\n¿Qué pan quieren el domingo?\n"
        "OPCIÓN: Yuca (2 votos)\nOPCIÓN: Masa madre (1 voto)\n"
        f"3/12/26, 10:05 - {BUSINESS}: ¡Yuca entonces!\n"
    )
    ios = (
        f"[3/12/26, 10:02:11] Rosa Mite: {LRM}POLL:\n{LRM}Which bread on Sunday?\n"
        f"{LRM}OPTION: Cassava (2 votes)\n{LRM}OPTION: Sourdough (1 vote)\n"
        f"[3/12/26, 10:05:40] {BUSINESS}: Cassava it is!\n"
    )
    assert kept(parse(android)) == [
        (
            "Rosa Mite",
            "ENCUESTA:\n¿Qué pan quieren el domingo?\nOPCIÓN: Yuca (2 votos)\nOPCIÓN: Masa madre (1 voto)",
            False,
        ),
        (BUSINESS, "¡Yuca entonces!", False),
    ]
    assert kept(parse(ios)) == [
        (
            "Rosa Mite",
            "POLL:\nWhich bread on Sunday?\nOPTION: Cassava (2 votes)\nOPTION: Sourdough (1 vote)",
            False,
        ),
        (BUSINESS, "Cassava it is!", False),
    ]


# --- years and the order of day and month ---------------------------------------------------------


def test_a_four_digit_year_and_a_two_digit_year_read_the_same_day() -> None:
    short = parse("03/12/26 14:05 - Rosa Mite: olá\n", locale="pt-BR").messages[0].created_at
    long = parse("03/12/2026 14:05 - Rosa Mite: olá\n", locale="pt-BR").messages[0].created_at
    assert short == long


def test_the_order_of_day_and_month_is_decided_by_a_late_line_of_the_file() -> None:
    """Every date of November's first twelve days reads either way; the 13th, far down, decides
    for the whole file, against the US-English locale."""
    text = "".join(f"{day}/11/26, 10:00 - Rosa Mite: día {day}\n" for day in range(1, 13))
    text += "13/11/26, 10:00 - Rosa Mite: día 13\n"
    chat = parse(text, locale="en-US")
    assert chat.date_order == "dmy"
    assert [m.created_at.astimezone(GYE).day for m in chat.messages] == list(range(1, 14))


# --- malformed lines --------------------------------------------------------------------------------


def test_lines_that_are_no_date_or_time_are_reported_and_the_others_kept() -> None:
    text = (
        "3/12/26, 10:02 - Rosa Mite: hola\n"
        "31/02/26, 10:03 - Rosa Mite: el 31 de febrero\n"
        "3/12/26, 24:03 - Rosa Mite: a las 24\n"
        "3/12/26, 10:61 - Rosa Mite: al minuto 61\n"
        f"3/12/26, 10:05 - {BUSINESS}: hola Rosa\n"
    )
    chat = parse(text)
    assert kept(chat) == [("Rosa Mite", "hola", False), (BUSINESS, "hola Rosa", False)]
    assert [line for line, _ in chat.rejected] == [2, 3, 4]


def test_no_mangled_export_ends_in_a_traceback() -> None:
    """Lines cut, joined, doubled and shuffled at random: each export is read or its lines are
    reported, never an exception."""
    lines = [
        f"[3/12/26, 10:02:05{NNBSP}a.{NBSP}m.] Rosa Mite: {LRM}{ENCRYPTION['es']}",
        "3/12/26, 10:02 - Rosa Mite: hola",
        f"3/12/26, 10:03 - {BUSINESS}: Sí, ¿qué desea?",
        "3/12/26, 10:04 - Rosa Mite: <Multimedia omitido>",
        '3/12/26, 10:05 - Ana cambió el asunto de "a: b" a "c"',
        "5/12/26, 09:00 - recoger",
        "3/12/26, 10:06 - Rosa Mite: Se eliminó este mensaje",
        f"{LRM}[3/12/26, 10:07:00] Rosa Mite: {LRM}POLL:",
        "OPTION: a (1 vote)",
        "31/02/26, 10:03 - Rosa Mite: x",
        "3/12/26, 10:08 - Rosa Mite:",
        "3/12/26, 10:08 - : ",
        "[3/12/26, 10:09:00]",
        "",
        "\ufeff",
    ]
    rng = random.Random(11)
    for _ in range(300):
        picked = [rng.choice(lines) for _ in range(rng.randint(1, 12))]
        mangled = []
        for line in picked:
            cut = rng.random()
            if cut < 0.2 and line:
                line = line[: rng.randint(0, len(line))]
            elif cut < 0.3:
                line = line + rng.choice(lines)
            mangled.append(line)
        text = "\n".join(mangled) + rng.choice(["", "\n", "\r\n"])
        chat = parse(text)
        for message in chat.messages:
            assert message.created_at.tzinfo is not None


def test_an_unmarked_notice_skipped_leaves_the_ids_of_the_minute_s_messages_as_they_were() -> None:
    """Read as a message before, the notice took the first place in its minute: the customer's
    first message keeps the id it was stored under (a re-import does not store it twice)."""
    text = (
        f"[1/12/26, 9:00:00] Rosa Mite: {ENCRYPTION['es']}\n"
        "[1/12/26, 9:00:00] Rosa Mite: Hola\n"
        "[1/12/26, 9:00:30] Rosa Mite: ¿Tienen pan?\n"
    )
    as_messages = parse(text.replace(ENCRYPTION["es"], "Buenos días"))  # the same lines, the first a text
    chat = parse(text)
    assert [m.text for m in chat.messages] == ["Hola", "¿Tienen pan?"]
    assert [m.platform_id for m in chat.messages] == [m.platform_id for m in as_messages.messages[1:]]
