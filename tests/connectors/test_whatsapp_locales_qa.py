"""The `whatsapp_export` connector against exports as phones write them, locale by locale.

One conversation between a customer and a bakery is written the way WhatsApp writes it on Android
and on iOS, in the locales of its customers in Latin America, Brazil, Spain and the US: en_US (with
and without the narrow no-break space before AM/PM), en_GB, es_MX/es_ES/es_AR ("p. m." with spaces
or no-break spaces, or a 24-hour clock), pt_BR, dotted dates (a phone set to a German-style region),
4-digit years, and iOS's 12- and 24-hour brackets. Each kind of line the apps write is in it: the
encryption and business-account notices, a multi-line message, media left out or attached (with
Android's caption), an edited answer, deleted messages (the customer's and the business's own),
an emoji-only message, a location, a contact card, a poll, a missed call, a view-once photo. Every
rendering must give the same messages: every real one kept, with its sender, its time (day and
month in the right order), its text, and whether the business sent it; notices skipped.

Then the shapes the conversation does not hold: a business name with a colon, senders shown as
phone numbers or with emoji and right-to-left names, documents attached, calls and placeholders
written without iOS's mark, and files whose dates alone do not say day-first or month-first.

Every export here is written for these tests (invented names, numbers and texts). Invisible
characters are escapes: U+200E (left-to-right mark), U+200F (right-to-left mark), U+202A/U+202C
(embedding around a number), U+202F (narrow no-break space), U+00A0 (no-break space).
"""

from __future__ import annotations

import asyncio
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo

import pytest

from socialmon_connectors import ChannelContext, CommentRecord, Page, PostRecord
from socialmon_connectors.whatsapp import WhatsAppExportConnector, WhatsAppSettings, parse_export

LRM, RLM, NNBSP, NBSP = "\u200e", "\u200f", "\u202f", "\u00a0"
LRE, PDF = "\u202a", "\u202c"
BUSINESS = "Panadería La Cosecha"
CUSTOMER = "Rosa Mite"
MX = ZoneInfo("America/Mexico_City")
FIXTURES = Path(__file__).parent / "fixtures" / "whatsapp_locales"


# --- the apps' words, per language --------------------------------------------------------------

WORDS: dict[str, dict[str, str]] = {
    "en": {
        "encryption": "Messages and calls are end-to-end encrypted. Only people in this chat can read, "
        "listen to, or share them. Learn more.",
        "business": "This business uses a secure service from Meta to manage this chat. Tap to learn more.",
        "omitted": "<Media omitted>",
        "ios_image": "image omitted",
        "attached": "attached",
        "file_attached": "file attached",
        "deleted": "This message was deleted",
        "ios_deleted": "This message was deleted.",
        "you_deleted": "You deleted this message",
        "edited": "<This message was edited>",
        "ios_contact": "Contact card omitted",
        "location": "location",
        "ios_location": "Location",
        "poll": "POLL:",
        "option": "OPTION",
        "vote": "vote",
        "votes": "votes",
        "missed": "Missed voice call",
        "missed_video": "Missed video call, \u200eTap to call back",
    },
    "es": {
        "encryption": "Los mensajes y las llamadas están cifrados de extremo a extremo. Solo las personas "
        "en este chat pueden leerlos, escucharlos o compartirlos. Más información.",
        "business": "Esta empresa usa un servicio seguro de Meta para administrar este chat. Toca para "
        "obtener más información.",
        "omitted": "<Multimedia omitido>",
        "ios_image": "imagen omitida",
        "attached": "adjunto",
        "file_attached": "archivo adjunto",
        "deleted": "Se eliminó este mensaje.",
        "ios_deleted": "Se eliminó este mensaje.",
        "you_deleted": "Eliminaste este mensaje.",
        "edited": "<Se editó este mensaje.>",
        "ios_contact": "tarjeta de contacto omitida",
        "location": "ubicación",
        "ios_location": "Ubicación",
        "poll": "ENCUESTA:",
        "option": "OPCIÓN",
        "vote": "voto",
        "votes": "votos",
        "missed": "Llamada de voz perdida",
        "missed_video": "Videollamada perdida, \u200eToca para devolver la llamada",
    },
    "pt": {
        "encryption": "As mensagens e ligações são protegidas com a criptografia de ponta a ponta. Somente "
        "as pessoas que fazem parte da conversa podem ler, ouvir e compartilhar esse conteúdo. Saiba mais.",
        "business": "Esta empresa usa um serviço seguro da Meta para gerenciar esta conversa. Toque para "
        "saber mais.",
        "omitted": "<Mídia oculta>",
        "ios_image": "imagem ocultada",
        "attached": "anexado",
        "file_attached": "arquivo anexado",
        "deleted": "Mensagem apagada",
        "ios_deleted": "Mensagem apagada",
        "you_deleted": "Você apagou esta mensagem",
        "edited": "<Mensagem editada>",
        "ios_contact": "cartão de contato omitido",
        "location": "localização",
        "ios_location": "Localização",
        "poll": "ENQUETE:",
        "option": "OPÇÃO",
        "vote": "voto",
        "votes": "votos",
        "missed": "Chamada de voz perdida",
        "missed_video": "Chamada de vídeo perdida, \u200eToque para retornar a chamada",
    },
}


# --- the clocks, per layout -----------------------------------------------------------------------


def _h12(moment: datetime) -> int:
    return moment.hour % 12 or 12


def _ampm(moment: datetime) -> str:
    return "AM" if moment.hour < 12 else "PM"


def _ap(moment: datetime) -> str:
    return "a" if moment.hour < 12 else "p"


@dataclass(frozen=True)
class Layout:
    name: str
    platform: str  # "android" or "ios"
    language: str  # "en", "es" or "pt"
    clock: Callable[[datetime], str]  # a line's start, up to the sender
    locale: str = "es"
    month_first: bool = False


LAYOUTS = [
    # Android, US English, newer: U+202F before AM/PM.
    Layout(
        "android-en_US",
        "android",
        "en",
        lambda t: f"{t.month}/{t.day}/{t:%y}, {_h12(t)}:{t:%M}{NNBSP}{_ampm(t)} - ",
        "en-US",
        True,
    ),
    # Android, US English, older: a plain space.
    Layout(
        "android-en_US-old",
        "android",
        "en",
        lambda t: f"{t.month}/{t.day}/{t:%y}, {_h12(t)}:{t:%M} {_ampm(t)} - ",
        "en-US",
        True,
    ),
    Layout("android-en_GB", "android", "en", lambda t: f"{t:%d/%m/%Y}, {t:%H:%M} - ", "en-GB"),
    # Android, Mexican Spanish: "9:41 p. m." with U+202F and U+00A0, or plain spaces, or "p.m.".
    Layout(
        "android-es_MX",
        "android",
        "es",
        lambda t: f"{t.day}/{t.month}/{t:%y}, {_h12(t)}:{t:%M}{NNBSP}{_ap(t)}.{NBSP}m. - ",
        "es-MX",
    ),
    Layout(
        "android-es_MX-spaces",
        "android",
        "es",
        lambda t: f"{t.day}/{t.month}/{t:%y}, {_h12(t)}:{t:%M} {_ap(t)}. m. - ",
        "es-MX",
    ),
    Layout(
        "android-es_MX-pm",
        "android",
        "es",
        lambda t: f"{t.day}/{t.month}/{t:%y} {_h12(t)}:{t:%M} {_ap(t)}.m. - ",
        "es-MX",
    ),
    Layout("android-es_ES", "android", "es", lambda t: f"{t.day}/{t.month}/{t:%y}, {t:%H:%M} - ", "es-ES"),
    Layout("android-es_AR", "android", "es", lambda t: f"{t.day}/{t.month}/{t:%Y} {t:%H:%M} - ", "es-AR"),
    Layout("android-pt_BR", "android", "pt", lambda t: f"{t:%d/%m/%Y} {t:%H:%M} - ", "pt-BR"),
    # A Latin-American phone set to a German-style region: dotted dates, Spanish words.
    Layout("android-dotted", "android", "es", lambda t: f"{t:%d.%m.%y}, {t:%H:%M} - ", "es"),
    Layout("ios-es", "ios", "es", lambda t: f"[{t.day}/{t.month}/{t:%y}, {t:%H:%M:%S}] ", "es"),
    Layout(
        "ios-es_MX-12h",
        "ios",
        "es",
        lambda t: f"[{t.day}/{t.month}/{t:%y}, {_h12(t)}:{t:%M:%S}{NNBSP}{_ap(t)}.{NBSP}m.] ",
        "es-MX",
    ),
    Layout(
        "ios-en_US",
        "ios",
        "en",
        lambda t: f"[{t.month}/{t.day}/{t:%y}, {_h12(t)}:{t:%M:%S}{NNBSP}{_ampm(t)}] ",
        "en-US",
        True,
    ),
    Layout("ios-en_GB", "ios", "en", lambda t: f"[{t:%d/%m/%Y}, {t:%H:%M:%S}] ", "en-GB"),
    Layout("ios-pt_BR", "ios", "pt", lambda t: f"[{t:%d/%m/%Y}, {t:%H:%M:%S}] ", "pt-BR"),
    Layout("ios-pt_BR-nocomma", "ios", "pt", lambda t: f"[{t:%d/%m/%Y} {t:%H:%M:%S}] ", "pt-BR"),
    Layout("ios-dotted", "ios", "es", lambda t: f"[{t:%d.%m.%y}, {t:%H:%M:%S}] ", "es"),
]


class Expected(NamedTuple):
    sender: str
    is_business: bool
    text: str
    deleted: bool
    at: datetime  # on the wall clock of Mexico City


def render(
    layout: Layout,
    *,
    with_media: bool = False,
    customer: str = CUSTOMER,
    written_customer: str | None = None,
    days: tuple[tuple[int, int], ...] = ((1, 5), (1, 13), (1, 14)),
) -> tuple[str, list[Expected]]:
    """The conversation as `layout` writes it, and the messages it holds. `written_customer` is the
    customer's name as the export writes it (marks around a number), `customer` as read."""
    words = WORDS[layout.language]
    ios = layout.platform == "ios"
    who = {"c": written_customer or customer, "b": BUSINESS}
    first, second, third = (datetime(2024, m, d) for m, d in days)
    lines: list[str] = []
    expected: list[Expected] = []

    def at(day: datetime, clock: str) -> datetime:
        hour, minute, second_ = (int(part) for part in clock.split(":"))
        return day.replace(hour=hour, minute=minute, second=second_)

    def write(when: datetime, by: str | None, body: str, *, mark_line: bool = False) -> None:
        head = layout.clock(when)
        if by is None:
            lines.append(head + body)
        else:
            lines.append((LRM if mark_line else "") + f"{head}{who[by]}: {body}")

    def expect(when: datetime, by: str, text: str, deleted: bool = False) -> None:
        shown = when if ios else when.replace(second=0)  # Android writes no seconds
        expected.append(Expected(customer if by == "c" else BUSINESS, by == "b", text, deleted, shown))

    # The notices at the top: Android writes them without a sender, iOS under the customer's name, marked.
    for notice in ("encryption", "business"):
        when = at(first, "21:40:00")
        if ios:
            write(when, "c", LRM + words[notice])
        else:
            write(when, None, words[notice])
    when = at(first, "21:41:05")
    write(when, "c", "Hola, buenas noches 👋")
    expect(when, "c", "Hola, buenas noches 👋")
    when = at(first, "21:41:30")
    write(when, "c", "¿Tienen pan de masa madre?\nY ¿hacen envíos a Coyoacán?")
    expect(when, "c", "¿Tienen pan de masa madre?\nY ¿hacen envíos a Coyoacán?")
    when = at(first, "21:45:00")
    if ios and with_media:
        write(
            when, "c", f"{LRM}<{words['attached']}: 00000012-PHOTO-2024-01-05-21-45-00.jpg>", mark_line=True
        )
        expect(when, "c", "")  # iOS leaves a photo's caption out
    elif ios:
        write(when, "c", LRM + words["ios_image"], mark_line=True)
        expect(when, "c", "")
    elif with_media:
        write(when, "c", f"IMG-20240105-WA0001.jpg ({words['file_attached']})\nAsí lo quiero, con nueces")
        expect(when, "c", "Así lo quiero, con nueces")
    else:
        write(when, "c", words["omitted"])
        expect(when, "c", "")
    when = at(first, "21:50:12")
    edit_mark = (LRM if ios else "") + words["edited"]
    write(when, "b", f"¡Hola! Sí, tenemos.\nEnviamos mañana temprano. {edit_mark}")
    expect(when, "b", "¡Hola! Sí, tenemos.\nEnviamos mañana temprano.")
    when = at(second, "09:05:00")
    write(when, "c", (LRM + words["ios_deleted"]) if ios else words["deleted"])
    expect(when, "c", "", deleted=True)
    when = at(second, "09:06:00")
    write(when, "c", "🙏🙏")
    expect(when, "c", "🙏🙏")
    when = at(second, "09:10:00")
    write(when, "b", (LRM if ios else "") + words["you_deleted"])
    expect(when, "b", "", deleted=True)
    when = at(second, "09:12:00")
    place = f"{words['ios_location' if ios else 'location']}: https://maps.google.com/?q=19.432608,-99.133209"
    write(when, "b", (LRM if ios else "") + place)
    expect(when, "b", place)
    when = at(second, "10:00:00")
    if ios and with_media:
        write(when, "c", f"{LRM}<{words['attached']}: 00000013-Ana Pérez.vcf>", mark_line=True)
    elif ios:
        write(when, "c", LRM + words["ios_contact"], mark_line=True)
    else:
        write(when, "c", f"Ana Pérez.vcf ({words['file_attached']})")  # with or without media alike
    expect(when, "c", "")
    if ios:  # a missed call, marked: a notice
        write(at(second, "12:30:00"), "c", LRM + words["missed"])
        write(at(second, "12:30:40"), "c", LRM + words["missed_video"])
    when = at(second, "12:31:00")
    mark = LRM if ios else ""
    poll = [
        words["poll"],
        "¿Qué día pasa a recoger?",
        f"{words['option']}: Sábado (1 {words['vote']})",
        f"{words['option']}: Domingo (0 {words['votes']})",
    ]
    write(when, "b", "\n".join(mark + line for line in poll))
    expect(when, "b", "\n".join(poll))
    when = at(second, "23:59:00")
    write(when, "c", "Perfecto, mañana paso ✅\n\nGracias 🙌")
    expect(when, "c", "Perfecto, mañana paso ✅\n\nGracias 🙌")
    when = at(third, "00:15:00")
    write(when, "b", "¡Lo esperamos! 🥖")
    expect(when, "b", "¡Lo esperamos! 🥖")
    if not ios:  # Android's view-once photo: "null"
        when = at(third, "00:20:00")
        write(when, "c", "null")
        expect(when, "c", "")
    return "\n".join(lines) + "\n", expected


def parse(text: str, chat: str = CUSTOMER, **options: Any) -> Any:
    options.setdefault("business_names", [BUSINESS])
    options.setdefault("zone", MX)
    return parse_export(text, chat=chat, **options)


def read_back(chat: Any) -> list[Expected]:
    return [
        Expected(m.sender, m.is_business, m.text, m.deleted, m.created_at.astimezone(MX).replace(tzinfo=None))
        for m in chat.messages
    ]


def said(chat: Any) -> list[tuple[str, bool, str, bool]]:
    return [(m.sender, m.is_business, m.text, m.deleted) for m in chat.messages]


# --- the conversation, in every layout ------------------------------------------------------------


@pytest.mark.parametrize("with_media", [False, True], ids=["without-media", "with-media"])
@pytest.mark.parametrize("layout", LAYOUTS, ids=[layout.name for layout in LAYOUTS])
def test_every_layout_keeps_every_message_with_its_sender_time_and_text(
    layout: Layout, with_media: bool
) -> None:
    text, expected = render(layout, with_media=with_media)
    chat = parse(text, locale=layout.locale)
    assert chat.rejected == []
    assert chat.date_order == ("mdy" if layout.month_first else "dmy")
    assert read_back(chat) == expected
    assert len({m.platform_id for m in chat.messages}) == len(chat.messages)


@pytest.mark.parametrize("layout", LAYOUTS, ids=[layout.name for layout in LAYOUTS])
def test_the_file_s_dates_win_over_a_locale_that_says_the_other_order(layout: Layout) -> None:
    """The 13th tells the order: a channel left on the default locale, or set to the wrong one,
    still reads each date right."""
    text, expected = render(layout)
    wrong = "es" if layout.month_first else "en-US"
    assert read_back(parse(text, locale=wrong)) == expected


@pytest.mark.parametrize("layout", LAYOUTS, ids=[layout.name for layout in LAYOUTS])
def test_a_chat_whose_days_are_all_12_or_less_is_read_in_the_locale_s_order(layout: Layout) -> None:
    """2, 3 and 4 January: every date reads both ways, and runs forward both ways (1 February,
    1 March, 1 April); the channel's locale says which the phone wrote."""
    text, expected = render(layout, days=((1, 2), (1, 3), (1, 4)))
    chat = parse(text, locale=layout.locale)
    assert read_back(chat) == expected


@pytest.mark.parametrize("layout", LAYOUTS, ids=[layout.name for layout in LAYOUTS])
def test_dates_that_only_run_forward_one_way_decide_the_order_over_the_locale(layout: Layout) -> None:
    """5 January, 9 January, 3 February: read the other way round they would be 1 May, 1 September
    and 2 March, a chat going back in time. The apps write a chat in order, so the order in which
    the dates run forward is the phone's, whatever the channel's locale says."""
    text, expected = render(layout, days=((1, 5), (1, 9), (2, 3)))
    wrong = "es" if layout.month_first else "en-US"
    chat = parse(text, locale=wrong)
    assert chat.date_order == ("mdy" if layout.month_first else "dmy")
    assert read_back(chat) == expected


@pytest.mark.parametrize(
    "layout",
    [
        layout
        for layout in LAYOUTS
        if layout.name in ("android-en_US", "android-pt_BR", "ios-es", "ios-en_US")
    ],
    ids=lambda layout: layout.name,
)
@pytest.mark.parametrize(
    ("written", "read"),
    [
        ("+52 1 55 1234 5678", "+52 1 55 1234 5678"),
        (f"{LRE}+52 1 55 1234 5678{PDF}", "+52 1 55 1234 5678"),
        ("+55 11 91234-5678", "+55 11 91234-5678"),
        (f"{LRE}+55 11 91234-5678{PDF}", "+55 11 91234-5678"),
    ],
    ids=["mx", "mx-marked", "br", "br-marked"],
)
def test_a_customer_the_phone_shows_as_a_number(layout: Layout, written: str, read: str) -> None:
    text, expected = render(layout, customer=read, written_customer=written)
    chat = parse(text, chat=read, locale=layout.locale)
    assert read_back(chat) == expected


# --- names --------------------------------------------------------------------------------------


def test_a_business_name_with_a_colon_android() -> None:
    """A business saved as "Café Olmo: Sucursal Centro": its messages are the business's, their text
    what follows its whole name; a notice that names it is no message."""
    business = "Café Olmo: Sucursal Centro"
    text = (
        "5/1/24, 21:40 - Messages and calls are end-to-end encrypted. Only people in this chat can read, "
        "listen to, or share them. Learn more.\n"
        "5/1/24, 21:41 - Rosa Mite: Hola, ¿abren mañana?\n"
        f"5/1/24, 21:45 - {business}: Buenas noches: sí, de 8 a 14 h\n"
        f"5/1/24, 21:46 - Your security code with {business} changed. Tap to learn more.\n"
        "5/1/24, 21:47 - Rosa Mite: Gracias: ahí nos vemos\n"
        f"13/1/24, 09:00 - {business}: ¡Buen día!\n"
    )
    chat = parse(text, business_names=[business])
    assert said(chat) == [
        ("Rosa Mite", False, "Hola, ¿abren mañana?", False),
        (business, True, "Buenas noches: sí, de 8 a 14 h", False),
        ("Rosa Mite", False, "Gracias: ahí nos vemos", False),
        (business, True, "¡Buen día!", False),
    ]


def test_a_business_name_with_a_colon_ios_with_its_marks() -> None:
    business = "Café Olmo: Sucursal Centro"
    text = (
        f"[5/1/24, 21:41:00] Rosa Mite: Hola\n"
        f"[5/1/24, 21:45:00] {business}: Buenas noches\n"
        f"{LRM}[5/1/24, 21:46:00] {business}: {LRM}imagen omitida\n"
        f"[13/1/24, 09:00:00] {business.replace(' ', NBSP, 1)}: ¡Buen día!\n"
    )
    chat = parse(text, business_names=[business])
    assert said(chat) == [
        ("Rosa Mite", False, "Hola", False),
        (business, True, "Buenas noches", False),
        (business, True, "", False),
        (business, True, "¡Buen día!", False),
    ]


def test_a_customer_whose_saved_name_has_a_colon_is_told_by_the_chat_s_name() -> None:
    """A 1:1 chat is named after its customer as the phone saved her, colon and all."""
    text = (
        "[5/1/24, 21:41:00] Dra. Ana: consultorio: Hola, quiero pedir una torta\n"
        f"[5/1/24, 21:45:00] {BUSINESS}: Claro, ¿para cuándo?\n"
    )
    chat = parse(text, chat="Dra. Ana: consultorio")
    assert said(chat) == [
        ("Dra. Ana: consultorio", False, "Hola, quiero pedir una torta", False),
        (BUSINESS, True, "Claro, ¿para cuándo?", False),
    ]


def test_names_with_emoji_and_right_to_left_characters() -> None:
    business = "Panadería La Cosecha 🥖"
    text = (
        f"5/1/24, 21:41 - {RLM}محمد الحسيني{RLM}: مرحبا، هل لديكم خبز؟\n"
        f"5/1/24, 21:45 - {business}: ¡Hola! Sí 🥖\n"
        "5/1/24, 21:46 - Rosa 🌹 Mite: yo también quiero\n"
    )
    chat = parse(text, chat="محمد الحسيني", business_names=[business])
    assert said(chat) == [
        ("محمد الحسيني", False, "مرحبا، هل لديكم خبز؟", False),
        (business, True, "¡Hola! Sí 🥖", False),
        ("Rosa 🌹 Mite", False, "yo también quiero", False),
    ]


# --- attachments and placeholders ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "language"),
    [
        (f"Presupuesto • 2 páginas {LRM}<adjunto: 00000014-Presupuesto.pdf>", "es"),
        (f"Quote • 1 page {LRM}<attached: 00000014-Quote.pdf>", "en"),
        (f"Orçamento • 3 páginas {LRM}<anexado: 00000014-Orçamento.pdf>", "pt"),
    ],
)
def test_an_ios_document_attached_after_its_name_is_media(line: str, language: str) -> None:
    """iOS writes a document of an export with media as its name, its pages and the attachment: the
    name is not something the customer said."""
    text = (
        "[5/1/24, 21:41:00] Rosa Mite: Hola\n"
        f"{LRM}[5/1/24, 21:45:00] Rosa Mite: {line}\n"
        f"[5/1/24, 21:46:00] {BUSINESS}: Recibido\n"
    )
    assert said(parse(text)) == [
        ("Rosa Mite", False, "Hola", False),
        ("Rosa Mite", False, "", False),
        (BUSINESS, True, "Recibido", False),
    ]


@pytest.mark.parametrize(
    ("attached", "name"),
    [
        ("Presupuesto.pdf (archivo adjunto)", "Presupuesto"),
        ("Quote 2024.pdf (file attached)", "Quote 2024"),
        ("Orçamento.docx (arquivo anexado)", "Orçamento"),
    ],
)
def test_an_android_document_s_name_under_it_is_no_caption(attached: str, name: str) -> None:
    """Android writes a document of an export with media as its file, then its name again on the
    next line: that line is no caption. A photo's caption stays its text."""
    text = (
        f"5/1/24, 21:45 - Rosa Mite: {attached}\n{name}\n"
        "5/1/24, 21:46 - Rosa Mite: IMG-20240105-WA0002.jpg (file attached)\nPresupuesto del pastel\n"
        f"5/1/24, 21:47 - {BUSINESS}: Recibido\n"
    )
    assert said(parse(text)) == [
        ("Rosa Mite", False, "", False),
        ("Rosa Mite", False, "Presupuesto del pastel", False),
        (BUSINESS, True, "Recibido", False),
    ]


@pytest.mark.parametrize(
    "call",
    [
        "Missed voice call",
        "Missed video call",
        "Missed group voice call",
        "Llamada de voz perdida",
        "Videollamada perdida",
        "Llamada perdida",
        "Chamada de voz perdida",
        "Chamada de vídeo perdida",
        f"Missed voice call, {LRM}Tap to call back",
        f"Llamada de voz perdida, {LRM}Toca para devolver la llamada",
    ],
)
@pytest.mark.parametrize("platform", ["android", "ios"])
def test_a_missed_call_without_its_mark_is_a_notice(call: str, platform: str) -> None:
    """iOS marks a missed call with U+200E; written without it (older versions), it is still the
    app's notice, not something the customer wrote (her turn would wait for an answer)."""
    head = "[5/1/24, 21:41:00] " if platform == "ios" else "5/1/24, 21:41 - "
    later = "[5/1/24, 21:45:00] " if platform == "ios" else "5/1/24, 21:45 - "
    text = f"{head}Rosa Mite: {call}\n{later}{BUSINESS}: Perdón, no alcanzamos a contestar\n"
    assert said(parse(text)) == [(BUSINESS, True, "Perdón, no alcanzamos a contestar", False)]


@pytest.mark.parametrize(
    "placeholder",
    [
        "live location shared",
        "Ubicación en tiempo real compartida",
        "Localização em tempo real compartilhada",
        "You received a view once message. For added privacy, you can only open it on your phone.",
        "Recibiste un mensaje de visualización única. Para mayor privacidad, solo puedes abrirlo en tu "
        "teléfono.",
        "Você recebeu uma mensagem de visualização única. Para mais privacidade, você só pode abri-la no "
        "seu celular.",
        "Waiting for this message. This may take a while.",
        "Esperando este mensaje. Esto puede tomar tiempo.",
        "Aguardando mensagem. Isso pode levar alguns instantes.",
    ],
)
@pytest.mark.parametrize("platform", ["android", "ios"])
def test_a_message_whose_content_the_export_does_not_hold_is_media(placeholder: str, platform: str) -> None:
    """A live location, a view-once photo, a message the phone could not decrypt yet: the customer
    sent something (kept, a message of hers), but the app's words are not her text (no sentiment).
    iOS marks such lines with U+200E, as it marks its notices."""
    if platform == "ios":
        text = f"[5/1/24, 21:41:00] Rosa Mite: {LRM}{placeholder}\n[5/1/24, 21:45:00] {BUSINESS}: ¿Nos lo reenvía?\n"
    else:
        text = f"5/1/24, 21:41 - Rosa Mite: {placeholder}\n5/1/24, 21:45 - {BUSINESS}: ¿Nos lo reenvía?\n"
    assert said(parse(text)) == [
        ("Rosa Mite", False, "", False),
        (BUSINESS, True, "¿Nos lo reenvía?", False),
    ]


def test_a_customer_writing_about_calls_and_locations_is_a_message() -> None:
    text = (
        "5/1/24, 21:41 - Rosa Mite: Missed voice call from you guys three times today, call me back\n"
        "5/1/24, 21:42 - Rosa Mite: Llamada perdida de ustedes, ¿qué pasó?\n"
        "5/1/24, 21:43 - Rosa Mite: Esperando este mensaje desde ayer 😡\n"
        f"5/1/24, 21:45 - {BUSINESS}: Disculpe\n"
    )
    assert [m.text for m in parse(text).messages][:3] == [
        "Missed voice call from you guys three times today, call me back",
        "Llamada perdida de ustedes, ¿qué pasó?",
        "Esperando este mensaje desde ayer 😡",
    ]


# --- business-account notices, without iOS's mark ------------------------------------------------


@pytest.mark.parametrize(
    "notice",
    [
        "This business is working with other companies to manage this chat. Tap to learn more.",
        "Esta empresa trabaja con otras empresas para administrar este chat. Toca para obtener más "
        "información.",
        "Esta empresa trabalha com outras empresas para gerenciar esta conversa. Toque para saber mais.",
        "This business account has now registered as a standard account. Tap to learn more.",
        "Esta cuenta de empresa ahora está registrada como una cuenta estándar. Toca para obtener más "
        "información.",
        "Esta conta comercial agora está registrada como uma conta padrão. Toque para saber mais.",
    ],
)
def test_older_ios_business_notices_under_the_customer_s_name_are_not_hers(notice: str) -> None:
    text = (
        f"[5/1/24, 21:40:00] Rosa Mite: {notice}\n"
        "[5/1/24, 21:41:00] Rosa Mite: Hola\n"
        f"[5/1/24, 21:45:00] {BUSINESS}: Buenas noches\n"
    )
    assert said(parse(text)) == [
        ("Rosa Mite", False, "Hola", False),
        (BUSINESS, True, "Buenas noches", False),
    ]


# --- whole files through the connector ----------------------------------------------------------


def scan(folder: Path, **options: Any) -> list[Page]:
    settings = WhatsAppSettings(path=str(folder), business_names=[BUSINESS], **options)
    connector = WhatsAppExportConnector(
        settings,
        ChannelContext(
            brand="cosecha",
            channel="whatsapp",
            account=BUSINESS,
            base_dir=folder,
            timezone="America/Mexico_City",
        ),
    )

    async def collect() -> list[Page]:
        return [page async for page in connector.pages(None)]

    return asyncio.run(collect())


def test_exports_from_an_android_and_an_iphone_through_the_connector(tmp_path: Path) -> None:
    """Two exports as the phones hand them over: an Android .txt (US English, U+202F before PM, the
    customer a number) and an iPhone's .zip holding _chat.txt (Brazilian Portuguese)."""
    (tmp_path / "WhatsApp Chat with +52 1 55 1234 5678.txt").write_bytes(
        (FIXTURES / "WhatsApp Chat with +52 1 55 1234 5678.txt").read_bytes()
    )
    with zipfile.ZipFile(tmp_path / "WhatsApp Chat - Marina Souza.zip", "w") as archive:
        archive.writestr("_chat.txt", (FIXTURES / "ios_pt_BR_chat.txt").read_bytes())
        archive.writestr("00000007-PHOTO-2024-03-02-18-20-11.jpg", b"\xff\xd8\xff")
    pages = scan(tmp_path)
    posts = [r for page in pages for r in page.posts]
    comments = [r for page in pages for r in page.comments]
    assert all(not page.rejected for page in pages)
    assert sorted(p.author_name for p in posts) == ["+52 1 55 1234 5678", "Marina Souza"]
    by_chat: dict[str, list[CommentRecord]] = {}
    for comment in comments:
        by_chat.setdefault(comment.post_id, []).append(comment)
    post_of = {p.author_name: p for p in posts}
    android = by_chat[post_of["+52 1 55 1234 5678"].platform_id]
    ios = by_chat[post_of["Marina Souza"].platform_id]
    assert [(c.author_name, c.is_business, c.text, c.deleted) for c in android] == [
        ("+52 1 55 1234 5678", False, "Hi! Do you ship to Tijuana?", False),
        ("+52 1 55 1234 5678", False, "I need 3 dozen conchas\nfor Saturday morning", False),
        (BUSINESS, True, "Hello! Yes, we ship on Fridays.\nShipping is $120 MXN.", False),
        ("+52 1 55 1234 5678", False, "", False),
        ("+52 1 55 1234 5678", False, "", True),
        ("+52 1 55 1234 5678", False, "Perfect 👍", False),
        (BUSINESS, True, "Order confirmed ✅", False),
    ]
    assert [c.created_at for c in android][:3] == [
        datetime(2024, 3, 1, 3, 5, tzinfo=UTC),  # 29 Feb 2024, 9:05 PM in Mexico City (UTC-6)
        datetime(2024, 3, 1, 3, 6, tzinfo=UTC),
        datetime(2024, 3, 1, 15, 30, tzinfo=UTC),  # 1 Mar, 9:30 AM
    ]
    assert [(c.author_name, c.is_business, c.text, c.deleted) for c in ios] == [
        ("Marina Souza", False, "Oi! Vocês fazem bolo sem glúten?", False),
        (BUSINESS, True, "Oi, Marina! Fazemos sim 😊\nEncomendas com 2 dias de antecedência.", False),
        ("Marina Souza", False, "", False),
        ("Marina Souza", False, "Quero esse para sábado", False),
        (BUSINESS, True, "", True),
        (BUSINESS, True, "Anotado! Retirada às 10h.", False),
    ]
    assert ios[0].created_at == datetime(2024, 3, 2, 20, 15, 42, tzinfo=UTC)  # 14:15:42 in Mexico City
    assert all(isinstance(p, PostRecord) and p.kind == "conversation" for p in posts)
