"""Scorer 1.4.1: forms of opinion the Spanish and Portuguese rules missed or misread.

Texts written for these tests (not from the evaluation data): an emoji after a negation is the
writer's own feeling, not negated; an HTML-escaped heart ("&lt;3") is a heart; "Buen día"
opening a complaint is a greeting; "nada mejor que …" is a superlative, not a negation; "¿cómo
no amar …?" and "não vejo a hora" are praise and eagerness; common opinion words and idioms the
lexicons lacked; counts such as "después de 10 años" are no mark out of ten.
"""

from __future__ import annotations

import pytest

from socialmon.sentiment._languages import spanish
from socialmon.sentiment.multilingual import MultilingualScorer


@pytest.fixture(scope="module")
def scorer() -> MultilingualScorer:
    return MultilingualScorer()


@pytest.mark.parametrize(
    ("text", "language", "label"),
    [
        # An emoji or emoticon after a negator is not in its scope: "no me gustó 😡" is a complaint.
        ("No me gustó 😡", "es", "negative"),
        ("No volvemos más 😠", "es", "negative"),
        ("Não acredito 😍", "pt", "positive"),
        ("No me lo esperaba 😍", "es", "positive"),
        # X's API and HTML exports escape "<": "&lt;3" is the heart "<3".
        ("Chegou hoje &lt;3", "pt", "positive"),
        ("El pedido llegó hoy &lt;3", "es", "positive"),
        # Emoticons of Brazilian and Spanish social media: starry eyes, a smile.
        ("Chegou meu pedido *-*", "pt", "positive"),
        ("Ya llegó la torta ^^", "es", "positive"),
        # "Buen día" is one greeting, a discourse marker before a complaint as "Buenos días" is.
        ("Buen día, no funciona la página de pedidos", "es", "negative"),
        # "nada mejor/peor/más … que": a superlative, not a negated opinion.
        ("Nada mejor que un café recién hecho", "es", "positive"),
        ("Nada más triste que una pizza fría", "es", "negative"),
        ("Nada melhor que pão quentinho de manhã", "pt", "positive"),
        ("Nada pior do que esperar na fila", "pt", "negative"),
        # Rhetorical praise and eager anticipation, not negations.
        ("¿Cómo no amar este lugar?", "es", "positive"),
        ("Como não amar essa padaria?", "pt", "positive"),
        ("Não vejo a hora de provar o bolo novo", "pt", "positive"),
        ("Falta poco para la inauguración", "es", "positive"),
        ("Falta pouco pro lançamento", "pt", "positive"),
        # Exasperation, dread and being fed up.
        ("Deus me livre desse atendimento", "pt", "negative"),
        ("Pelo amor, respondam a mensagem", "pt", "negative"),
        ("Dios me libre de volver a ese sitio", "es", "negative"),
        ("Estoy hasta el gorro de este servicio", "es", "negative"),
        ("Me importa una mrda lo que digan", "es", "negative"),
        ("Esperando hace media hora la cuenta", "es", "negative"),
        # "mejor amigo" is a friend, no verdict: missing one is sad.
        ("Extraño a mi mejor amigo", "es", "negative"),
        # A count, not a mark out of ten.
        ("Después de 10 años cerraron el local", "es", "neutral"),
    ],
)
def test_forms(scorer: MultilingualScorer, text: str, language: str, label: str) -> None:
    result = scorer.score_as(text, language)
    assert result.label == label, (text, result)


@pytest.mark.parametrize(
    ("text", "language", "label"),
    [
        ("Que bolo extraordinário", "pt", "positive"),
        ("O atendente é muito carismático", "pt", "positive"),
        ("Maneiro esse lugar novo", "pt", "positive"),
        ("A dona é uma guerreira", "pt", "positive"),
        ("Vendedor fingido", "pt", "negative"),
        ("Essa atendente é lerda", "pt", "negative"),
        ("Me senti um trouxa", "pt", "negative"),
        ("Essa promoção é um embuste", "pt", "negative"),
        ("La mesera es muy carismática", "es", "positive"),
        ("El dueño es un tacaño", "es", "negative"),
        ("Ese vendedor es un ingrato", "es", "negative"),
        ("La música es infumable", "es", "negative"),
        ("Salí adolorido del masaje", "es", "negative"),
        ("Qué desconsiderados con los clientes", "es", "negative"),
        ("Desperdiciamos el dinero ahí", "es", "negative"),
    ],
)
def test_opinion_words(scorer: MultilingualScorer, text: str, language: str, label: str) -> None:
    result = scorer.score_as(text, language)
    assert result.label == label, (text, result)


def test_html_references_are_decoded_before_tokens() -> None:
    """An escaped ampersand is no sentence break: "pan &amp; café" stays one clause."""
    from socialmon.sentiment._text import unescaped

    tokens = spanish().tokenizer.tokenize(unescaped("pan &amp; café &lt;3"))
    assert [t.key for t in tokens] == ["pan", "cafe", "<3"]
    assert len({t.sentence for t in tokens}) == 1


@pytest.mark.parametrize("language", ["es", "pt"])
def test_html_references_are_decoded_once(scorer: MultilingualScorer, language: str) -> None:
    """A text that shows an escaped reference ("&amp;lt;3" is the five characters "&lt;3" on
    screen) has no heart in it: decoded twice, the Spanish and Portuguese rules read one."""
    shown_literally = scorer.score_as("Llegó hoy &amp;lt;3", language)
    heart = scorer.score_as("Llegó hoy &lt;3", language)
    assert heart.label == "positive"
    assert shown_literally.compound < heart.compound


@pytest.mark.parametrize(
    ("escaped", "plain"),
    [("so good &lt;3", "so good <3"), ("Fish &amp; chips, awful", "Fish & chips, awful")],
)
def test_html_references_are_decoded_before_detection_and_english_too(
    scorer: MultilingualScorer, escaped: str, plain: str
) -> None:
    """English goes through VADER, not the es/pt tokenizer: it reads the decoded text as well, and so
    does language detection (one entry point for every path, `score_many` included)."""
    expected = scorer.score(plain)
    assert scorer.score(escaped) == expected
    assert scorer.score_many([escaped, plain]) == [expected, expected]
    assert scorer.detect_language(escaped) == scorer.detect_language(plain)
