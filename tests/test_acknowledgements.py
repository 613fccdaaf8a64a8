"""Which texts are a customer's thanks or closing acknowledgement, needing no answer
(`socialmon.acknowledgement`). The phrases are invented, in the ways customers end chats and
comment under posts in Latin America (es), Brazil (pt) and in English."""

from __future__ import annotations

import pytest

from socialmon.acknowledgement import MAX_CHARACTERS, MAX_WORDS, is_acknowledgement

CLOSING = [
    # Spanish
    "Perfecto, gracias!",
    "ok gracias por avisar",
    "¡Gracias! 😍",
    "gracias",
    "Gracias.",
    "GRACIAS!!!",
    "Muchas gracias",
    "muchísimas gracias 🙏🙏",
    "Mil gracias!",
    "graciaaas",
    "OBRIGADOOO",
    "okk",
    "Ahh ok, gracias",
    "ok :)",
    "thanks <3",
    "grax",
    "Ok",
    "okey",
    "oki doki",
    "Vale, gracias",
    "Listo 👍",
    "listo, muchas gracias, saludos",
    "Dale",
    "Genial!",
    "de nada",
    "Igualmente 😊",
    "Saludos",
    "buenas noches, gracias",
    "Gracias, buen día",
    "Excelente, muchas gracias por la información",
    "Muy amable, gracias",
    "Entendido, gracias",
    "De acuerdo",
    "jajaja gracias",
    "Gracias a usted",
    "gracias amiga ❤️",
    "Perfecto. Muchas gracias, que tenga buen día",
    "Bueno, gracias",
    "Chévere, gracias",
    "sale, gracias",
    "Ok, gracias por la respuesta",
    # Portuguese
    "obrigado!",
    "Obrigada 😊",
    "Muito obrigado",
    "valeu",
    "Valeu, beleza",
    "tá bom",
    "Ta bom, obrigada",
    "certo",
    "Certo, obrigado pela informação",
    "blz vlw",
    "kkkkk obrigado",
    "Perfeito, obrigada!",
    "Show, valeu!",
    "combinado",
    "Boa noite, obrigado",
    # English
    "thanks!",
    "Thank you",
    "thank you so much!!",
    "thx",
    "ty",
    "OK",
    "Great, thanks",
    "cool",
    "Got it, thanks",
    "Thanks a lot 🙏",
    "Perfect, thank you",
    "Sounds good",
    "Awesome, thanks for letting me know",
    "Cheers",
    "No worries, thanks",
    "you're welcome",
    "okay thanks",
    "haha ok",
    # emoji alone
    "👍",
    "🙏",
    "😊",
    "❤️",
    "👍🏽",
    "🙏🏻😊",
    "❤️❤️❤️",
    "👌",
]

NEEDS_A_REPLY = [
    # Words that look like laughter but answer something ("Retira hoje ou amanhã?" — "hoje").
    "hoje",
    "ok hoje",
    "hoje 👍",
    "hija",
    # A text emoticon of displeasure, and the rarer question marks.
    "ok :(",
    "gracias :/",
    "ok -_-",
    "ok :@",
    "ok :'(",
    "ok ﹖",
    "obrigado ⁇",
    # A greeting alone opens a chat: the customer waits for "¡Hola! ¿En qué le ayudamos?"
    "Buenas tardes",
    "Buenas noches",
    "Bom dia!",
    "Good morning",
    # questions, even short ones
    "ok?",
    "¿ok?",
    "gracias, pero ¿cuándo llega?",
    "gracias, ¿y el domingo abren?",
    "Gracias. ¿Tienen envío a Quito?",
    "thanks, what time do you open",
    "obrigado, vocês entregam?",
    "perfecto, cuánto es",
    # a refusal or another content word
    "no gracias",
    "No, gracias",
    "no thanks",
    "não obrigado",
    "gracias por nada",  # sarcasm: "thanks for nothing"
    "gracias pero sigo esperando",
    "Gracias, mañana paso",
    "ok mándeme la dirección",
    "ok pero el pedido no llegó",
    "thanks but the order never arrived",
    "obrigado mas ainda não chegou",
    "listo, ya hice la transferencia",
    "ok 2 por favor",
    "ok, 3 unidades",
    # a 'gracias' that opens a longer message
    "Gracias por responder. Quería saber si tienen pan de yuca sin gluten para el sábado",
    "Muchas gracias. Otra cosa: el local de la Av. 9 de Octubre abre los feriados",
    # a complaint, or an emoji that is no thanks
    "gracias 😡",
    "👎",
    "😡😡",
    "🙄",
    "estafa",
    "Pésimo servicio",
    # nothing that says it: no word nor emoji of thanks
    "",
    "   ",
    "...",
    "!!",
    "?",
    "hola",
    "col",  # cabbage, not a drawn-out "cool"
    "ah",
    "amigo",
    "Buenas",
    "sí",
    "yes",
    "<Multimedia omitido>",
    "https://maps.app.goo.gl/abc",
]


@pytest.mark.parametrize("text", CLOSING)
def test_a_thanks_or_closing_needs_no_reply(text: str) -> None:
    assert is_acknowledgement(text) is True


@pytest.mark.parametrize("text", NEEDS_A_REPLY)
def test_a_question_refusal_or_any_other_content_needs_a_reply(text: str) -> None:
    assert is_acknowledgement(text) is False


def test_none_and_a_long_run_of_thanks_need_a_reply() -> None:
    assert is_acknowledgement(None) is False
    long = "gracias " * (MAX_CHARACTERS // 8 + 1)
    assert len(long) > MAX_CHARACTERS and is_acknowledgement(long) is False
    assert is_acknowledgement("gracias " * 3) is True


def test_a_question_mark_anywhere_needs_a_reply_even_the_fullwidth_and_arabic_ones() -> None:
    assert is_acknowledgement("gracias？") is False
    assert is_acknowledgement("ok؟") is False


def test_the_word_count_and_the_first_word_are_read_as_the_whole_text() -> None:
    # Most texts are settled by their first word, before the rest is read: what comes after it,
    # and what joins to it, still counts as in the whole text.
    at_most = " ".join(["ok"] * MAX_WORDS)
    assert is_acknowledgement(at_most + " 👍🙏") is True  # emoji after the last word are no word
    assert is_acknowledgement(at_most + " ok") is False
    assert is_acknowledgement("gra\u200dcias\ufe0f amiga") is True  # joiner and selector skipped
    assert is_acknowledgement(":Dgracias") is True and is_acknowledgement(":pgracias") is True
    assert is_acknowledgement("jajaja gracias") is True and is_acknowledgement("amiga, gracias!") is True
    assert is_acknowledgement("y gracias") is False  # a joining word never stands first
    assert is_acknowledgement("precio? gracias") is False and is_acknowledgement("gracias 3") is False
    assert is_acknowledgement("Graciaaas!!") is True and is_acknowledgement("Precio") is False
