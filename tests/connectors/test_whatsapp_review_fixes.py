"""The `whatsapp_export` connector: a reviewer's findings on names with ": ", notices and placeholders.

- A name with ": " whose first word ends in the colon ("Olmo: Centro", "Pizzería: Sucursal Norte",
  a customer saved as "Dra: Ana") is read whole, as "Café Olmo: Centro" is.
- The notices older iOS versions write under the customer's name without U+200E are the apps'
  whole sentences: a message that only shares their words ("otras empresas") stays a message.
- A call notice is one line with the app's words only: a message whose first line reads like one
  but goes on (more lines, other words) stays a message, with all its text.
- A placeholder is the app's sentence only: a person's words after it are kept.

Every export here is written for these tests (invented names and texts). U+200E is LRM.
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

import pytest

from socialmon_connectors.whatsapp import parse_export

ZONE = ZoneInfo("America/Guayaquil")
LRM = "\u200e"
BAKERY = "Panadería La Cosecha"


def _line(layout: str, minute: int, sender: str, text: str) -> str:
    if layout == "android":
        return f"12/11/26, 9:{minute:02d} - {sender}: {text}\n"
    return f"[12/11/26, 9:{minute:02d}:00] {sender}: {text}\n"


def _read(
    text: str, *, chat: str = "Rosa Mite", business: tuple[str, ...] = (BAKERY,)
) -> list[tuple[str, bool, str]]:
    found = parse_export(text, chat=chat, zone=ZONE, business_names=business)
    return [(m.sender, m.is_business, m.text) for m in found.messages]


# --- 1. names with ": " whose first word ends in the colon ---------------------------------------


@pytest.mark.parametrize("layout", ["android", "ios"])
@pytest.mark.parametrize("business", ["Olmo: Centro", "Pizzería: Sucursal Norte", "Café Olmo: Centro"])
def test_a_business_name_whose_first_word_ends_in_its_colon_is_read_whole(layout: str, business: str) -> None:
    text = _line(layout, 15, "Rosa Mite", "hola") + _line(layout, 16, business, "Buenas: ¿en qué le ayudo?")
    assert _read(text, business=(business,)) == [
        ("Rosa Mite", False, "hola"),
        (business, True, "Buenas: ¿en qué le ayudo?"),
    ]


@pytest.mark.parametrize("layout", ["android", "ios"])
def test_a_customer_saved_with_a_colon_after_the_first_word_is_read_whole(layout: str) -> None:
    text = _line(layout, 15, "Dra: Ana", "hola, quiero una torta") + _line(layout, 16, BAKERY, "claro")
    assert _read(text, chat="Dra: Ana") == [
        ("Dra: Ana", False, "hola, quiero una torta"),
        (BAKERY, True, "claro"),
    ]


# --- 2. unmarked business notices: the apps' whole sentences only ---------------------------------


@pytest.mark.parametrize("layout", ["android", "ios"])
@pytest.mark.parametrize(
    ("customer", "answer"),
    [
        (
            "Esta empresa cobra el doble que otras empresas, no vuelvo",
            "Esta empresa trabaja con otras empresas de reparto, por eso el costo",
        ),
        (
            "This business charges twice what other companies do",
            "This business works with other companies for delivery, hence the fee",
        ),
        (
            "Esta empresa cobra o dobro que outras empresas, não volto mais",
            "Esta empresa trabalha com outras empresas de entrega, por isso o custo",
        ),
        (
            "Esta empresa usa un servicio de Meta para cobrar? no entiendo",
            "This business account is now a standard account like any other, we changed plans",
        ),
        (
            "Los mensajes que mandé ayer no llegaron? no están cifrados de extremo a extremo jaja",
            "This chat is with a business account. Our hours are 8 to 5, Monday to Saturday",
        ),
    ],
)
def test_messages_sharing_words_with_a_business_notice_are_kept(
    layout: str, customer: str, answer: str
) -> None:
    text = (
        _line(layout, 15, "Rosa Mite", "hola")
        + _line(layout, 16, BAKERY, "buenas")
        + _line(layout, 17, "Rosa Mite", customer)
        + _line(layout, 18, BAKERY, answer)
    )
    assert [said for _, _, said in _read(text)] == ["hola", "buenas", customer, answer]


@pytest.mark.parametrize(
    "notice",
    [
        "This business is working with other companies to manage this chat. Tap to learn more.",
        "This business uses a secure service from Meta to manage this chat. Tap to learn more.",
        "Esta empresa trabaja con otras empresas para administrar este chat. Toca para obtener más información.",
        "Esta empresa usa un servicio seguro de Meta para administrar este chat.",
        "Esta empresa trabalha com outras empresas para gerenciar esta conversa. Toque para saber mais.",
        "This business account has now registered as a standard account. Tap to learn more.",
        "Esta cuenta de empresa ahora está registrada como una cuenta estándar. Toca para obtener más información.",
        "Esta conta comercial agora está registrada como uma conta padrão. Toque para saber mais.",
        "This chat is with a business account. Tap to learn more.",
        "Messages and calls are end-to-end encrypted. No one outside of this chat, not even WhatsApp, can read "
        "or listen to them. Tap to learn more.",
        "Los mensajes y las llamadas están cifrados de extremo a extremo.",
        "As mensagens e as chamadas são protegidas com a criptografia de ponta a ponta e ficam somente entre "
        "você e os participantes desta conversa. Nem mesmo o WhatsApp pode ler ou ouvi-las.",
    ],
)
def test_the_apps_unmarked_notices_are_still_skipped_at_the_top_and_later(notice: str) -> None:
    text = (
        _line("ios", 14, "Rosa Mite", notice)
        + _line("ios", 15, "Rosa Mite", "hola")
        + _line("ios", 16, BAKERY, "buenas")
        + _line("ios", 17, "Rosa Mite", notice)  # a business's status changed mid-chat
        + _line("ios", 18, "Rosa Mite", "gracias")
    )
    assert [said for _, _, said in _read(text)] == ["hola", "buenas", "gracias"]


# --- 3. calls: one line, the app's words only ----------------------------------------------------


@pytest.mark.parametrize("layout", ["android", "ios"])
@pytest.mark.parametrize(
    "said",
    [
        "Missed call\nI tried to reach you twice, call me back",
        "Llamada perdida\nte llamé dos veces, me devuelven la llamada?",
        "Chamada perdida\nliguei duas vezes, me retornem",
        "Missed voice call, tap to call back? nobody answers there",
        "Llamada de voz perdida, toca para devolver la llamada si pueden, estoy libre",
        "Missed video call, Tap to call back\nplease, it is urgent",
        "This business uses a secure service from Meta to manage this chat. Tap to learn more.\nwhat does this mean?",
    ],
)
def test_a_message_that_opens_like_a_notice_but_goes_on_is_kept_whole(layout: str, said: str) -> None:
    text = (
        _line(layout, 15, "Rosa Mite", "hola")
        + _line(layout, 16, "Rosa Mite", said)
        + _line(layout, 17, BAKERY, "ok")
    )
    assert [said for _, _, said in _read(text)] == ["hola", said, "ok"]


@pytest.mark.parametrize(
    "call",
    [
        "Missed call",
        "Missed voice call",
        f"Missed video call, {LRM}Tap to call back",
        "Llamada perdida",
        f"Videollamada perdida, {LRM}Toca para devolver la llamada",
        f"Chamada de vídeo perdida, {LRM}Toque para retornar a chamada",
    ],
)
def test_a_call_notice_written_without_the_mark_is_still_skipped(call: str) -> None:
    text = (
        _line("ios", 15, "Rosa Mite", "hola")
        + _line("ios", 16, "Rosa Mite", call)
        + _line("ios", 17, BAKERY, "ok")
    )
    assert [said for _, _, said in _read(text)] == ["hola", "ok"]


# --- 4. placeholders: the app's sentence only ----------------------------------------------------


@pytest.mark.parametrize("layout", ["android", "ios"])
@pytest.mark.parametrize(
    "said",
    [
        "No se puede mostrar este mensaje aquí. Me lo reenvían?",
        "You received a view once message. Can you send it again as a normal photo?",
        "Recibiste un mensaje de visualización única. Mándalo normal porfa",
        "Você recebeu uma mensagem de visualização única. Manda de novo sem isso",
    ],
)
def test_a_persons_words_after_a_placeholders_sentence_are_kept(layout: str, said: str) -> None:
    text = _line(layout, 15, "Rosa Mite", "hola") + _line(layout, 16, "Rosa Mite", said)
    assert [said for _, _, said in _read(text)] == ["hola", said]


@pytest.mark.parametrize(
    "placeholder",
    [
        "No se puede mostrar este mensaje aquí.",
        "You received a view once message. For added privacy, you can only open it on your phone.",
        "Recibiste un mensaje de visualización única. Para mayor privacidad, solo puedes abrirlo en tu teléfono.",
        "Você recebeu uma mensagem de visualização única. Para mais privacidade, você só pode abri-la no seu celular.",
    ],
)
def test_the_apps_placeholders_still_keep_no_text(placeholder: str) -> None:
    text = _line("android", 15, "Rosa Mite", "hola") + _line("android", 16, "Rosa Mite", placeholder)
    assert _read(text) == [("Rosa Mite", False, "hola"), ("Rosa Mite", False, "")]
