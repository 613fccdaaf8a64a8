"""Scorer 1.4: what customers write to a small business, as its owner reads it.

Texts written for these tests (not from the evaluation data): a greeting opens a message and
is no opinion; a product asked for "sin gluten" is no complaint; a customer still waiting is
one; "cero" negates; a payment question is neutral; emoji-only comments read the same in
every language.
"""

from __future__ import annotations

import pytest

from socialmon.sentiment.multilingual import MultilingualScorer


@pytest.fixture(scope="module")
def scorer() -> MultilingualScorer:
    return MultilingualScorer()


@pytest.mark.parametrize(
    ("text", "language", "label"),
    [
        # A greeting opening a message says nothing of what follows; alone it is friendly.
        ("Buenas tardes, llevo dos horas esperando mi pedido", "es", "negative"),
        ("Buenos días, ¿tienen empanadas de queso hoy?", "es", "neutral"),
        ("Hola, ¿hacen envíos a Latacunga?", "es", "neutral"),
        ("Bom dia, vocês entregam no sábado?", "pt", "neutral"),
        ("¡Buenos días a todos!", "es", "positive"),
        ("Buenos días, el pastel de ayer estuvo delicioso", "es", "positive"),
        # "sin"/"sem" before a product is what the customer wants, not a complaint.
        ("¿Tienen torta sin gluten?", "es", "neutral"),
        ("Un capuchino sin azúcar, por favor", "es", "neutral"),
        ("Tem bolo sem lactose?", "pt", "neutral"),
        ("nunca contestan los mensajes", "es", "negative"),  # a bare "nunca" still is one
        ("llegó sin problemas, excelente", "es", "positive"),
        # Still waiting: the complaint alerts must see, without an opinion word.
        ("sigo esperando que me respondan", "es", "negative"),
        ("ya son horas esperando en la fila", "es", "negative"),
        ("me dejaron en visto otra vez", "es", "negative"),
        ("cadê meu pedido??", "pt", "negative"),
        ("me deixaram no vácuo", "pt", "negative"),
        ("gracias por nada", "es", "negative"),
        # "cero"/"zero" negate what follows.
        ("cero recomendable ese local", "es", "negative"),
        ("cero quejas, todo perfecto", "es", "positive"),
        ("zero recomendo", "pt", "negative"),
        ("nota zero para o atendimento", "pt", "negative"),
        # …and alone, a product's name: "cero azúcar" is asked for, not complained about.
        ("¿Tienen gaseosa cero azúcar?", "es", "neutral"),
        ("Vocês têm coca zero?", "pt", "neutral"),
        ("estou esperando há duas horas", "pt", "negative"),
        # Paying is no opinion.
        ("¿Aceptan tarjeta de crédito?", "es", "neutral"),
        ("aceitam pix?", "pt", "neutral"),
    ],
)
def test_what_customers_write_to_a_small_business(
    scorer: MultilingualScorer, text: str, language: str, label: str
) -> None:
    assert scorer.score_as(text, language).label == label


@pytest.mark.parametrize(
    ("text", "label"), [("🔥🔥🔥", "positive"), ("😡😡", "negative"), ("👍", "positive")]
)
@pytest.mark.parametrize("hint", ["en", "es", "pt"])
def test_an_emoji_only_comment_reads_the_same_in_every_language(
    scorer: MultilingualScorer, text: str, label: str, hint: str
) -> None:
    """VADER's own table reads 🔥 as negative and knows no 😡 or 👍: an English brand got them wrong."""
    assert scorer.score(text, hint=hint).label == label


def test_english_words_keep_vaders_scores(scorer: MultilingualScorer) -> None:
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    text = "Good morning, the bread was stale and nobody answered"
    assert scorer.score_as(text, "en").compound == pytest.approx(
        SentimentIntensityAnalyzer().polarity_scores(text)["compound"]
    )
