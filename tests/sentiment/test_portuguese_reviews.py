"""Portuguese review rules of scorer 1.3.2: negative concord in phrases, irrealis blocking,
the contrast cue, the positive band, and the vocabulary of product and delivery reviews.
Every sentence here is written for the test."""

from __future__ import annotations

import dataclasses

import pytest

from socialmon.sentiment import _languages
from socialmon.sentiment._engine import score_tokens
from socialmon.sentiment._text import for_scoring
from socialmon.sentiment.multilingual import MultilingualScorer, _label


@pytest.fixture(scope="module")
def scorer() -> MultilingualScorer:
    return MultilingualScorer()


def _compound(text: str, **changes: object) -> float:
    """The Portuguese compound of `text`, with some `Rules` fields changed."""
    language = _languages.portuguese()
    rules = dataclasses.replace(language.rules, **changes)
    assert language.tokenizer is not None
    text = for_scoring(text)
    return score_tokens(language.tokenizer.tokenize(text), text.count("!"), text.count("?"), rules).compound


# ------------------------------------------------------------------ negative concord


@pytest.mark.parametrize(
    "text",
    ["Não volto nessa loja nunca mais", "Não tem nada a ver com a foto", "Nunca não recebi resposta"],
)
def test_a_negator_before_a_negative_phrase_repeats_its_negation(
    scorer: MultilingualScorer, text: str
) -> None:
    assert scorer.score_as(text, "pt").label == "negative"


def test_concord_is_what_keeps_those_phrases_negative() -> None:
    text = "Não volto nunca mais"
    assert _compound(text) < 0 < _compound(text, self_negated=frozenset())


# ------------------------------------------------------------------ irrealis


def test_what_a_product_should_have_been_is_not_praise() -> None:
    assert _compound("A capa é resistente") > 0
    assert _compound("A capa deveria ser resistente") <= 0
    assert _compound("Achei que fosse melhor") <= 0
    assert _compound("Achei que fosse melhor", irrealis=frozenset()) > 0


def test_irrealis_stops_at_the_clause(scorer: MultilingualScorer) -> None:
    # "ótima" is in another clause than "poderia": it still counts.
    assert scorer.score_as("A tela poderia ser maior, mas a câmera é ótima", "pt").label == "positive"


def test_could_not_be_better_is_praise(scorer: MultilingualScorer) -> None:
    assert scorer.score_as("Não poderia ser melhor", "pt").label == "positive"


# ------------------------------------------------------------------ contrast cue


def test_a_reservation_with_no_opinion_word_still_counts() -> None:
    text = "O produto é bom, mas a tampa é pequena"
    assert _compound(text, contrast_cue=0.0) > 0.2
    assert abs(_compound(text)) < 0.1


def test_the_cue_is_not_added_when_the_reservation_has_its_own_words(scorer: MultilingualScorer) -> None:
    text = "O produto é bom, mas a entrega atrasou"
    assert _compound(text) == _compound(text, contrast_cue=0.0)
    assert scorer.score_as(text, "pt").label == "negative"


def test_the_cue_goes_against_a_negative_opinion_too() -> None:
    text = "A embalagem é feia, mas o produto veio inteiro"
    assert _compound(text) > _compound(text, contrast_cue=0.0)


def test_a_contrast_word_at_the_end_adds_nothing() -> None:
    assert _compound("Produto bom, mas") == _compound("Produto bom, mas", contrast_cue=0.0)


# ------------------------------------------------------------------ labels


def test_positive_band() -> None:
    assert _label(0.07, 0.05) == "positive"
    assert _label(0.07, 0.05, 0.1) == "neutral"
    assert _label(-0.07, 0.05, 0.1) == "negative"
    assert _languages.portuguese().rules.positive_band == 0.1
    assert _languages.english().rules.positive_band is None
    assert _languages.spanish().rules.positive_band is None


@pytest.mark.parametrize(
    "text",
    [
        "Bom produto, mas o único problema é o barulho",
        "Produto bom, pena que a cor é diferente",
        "É bom pelo preço, nada demais",
    ],
)
def test_qualified_praise_reads_neutral(scorer: MultilingualScorer, text: str) -> None:
    assert scorer.score_as(text, "pt").label == "neutral"


# ------------------------------------------------------------------ vocabulary


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("A caixa chegou amassada", "negative"),
        ("Material frágil", "negative"),
        ("Produto de baixa qualidade", "negative"),
        ("Produto de qualidade", "positive"),
        ("Queimou na primeira semana", "negative"),
        ("Mandei mensagem e nenhuma resposta", "negative"),
        ("O fone tem mau contato", "negative"),
        ("A televisão desliga sozinha", "negative"),
        ("Nada a reclamar", "positive"),
        ("Não tenho do que reclamar", "positive"),
        ("Não me arrependo da compra", "positive"),
        ("Voltarei a comprar", "positive"),
        ("Não compro mais nesse site", "negative"),
        ("Tenho interesse no modelo azul", "neutral"),
    ],
)
def test_product_and_delivery_vocabulary(scorer: MultilingualScorer, text: str, label: str) -> None:
    assert scorer.score_as(text, "pt").label == label


def test_version_bumped(scorer: MultilingualScorer) -> None:
    assert tuple(int(p) for p in scorer.version.split(".")) >= (1, 3, 2)
