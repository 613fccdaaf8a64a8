"""Portuguese constructions of reviews and comments (scorer 1.4.2): review phrases, negation
forms, contrast, quantities that are no negation, and LeIA values from an English sense that
everyday Portuguese lacks. Every sentence here is written for the test."""

from __future__ import annotations

import dataclasses

import pytest

from socialmon.sentiment import _languages
from socialmon.sentiment._engine import score_tokens
from socialmon.sentiment.multilingual import MultilingualScorer


@pytest.fixture(scope="module")
def scorer() -> MultilingualScorer:
    return MultilingualScorer()


def _label(scorer: MultilingualScorer, text: str) -> str:
    return scorer.score_as(text, "pt").label


def _compound(text: str, **changes: object) -> float:
    """The Portuguese compound of `text`, with some `Rules` fields changed."""
    language = _languages.portuguese()
    rules = dataclasses.replace(language.rules, **changes)
    assert language.tokenizer is not None
    return score_tokens(language.tokenizer.tokenize(text), text.count("!"), text.count("?"), rules).compound


# ------------------------------------------------------------------ review phrases


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Não recomendo essa cafeteira", "negative"),
        ("nao recomendo", "negative"),
        ("Recomendo a todos", "positive"),
        ("Vale a pena cada real", "positive"),
        ("Não vale a pena", "negative"),
        ("A entrega deixou a desejar", "negative"),
        ("O acabamento deixa muito a desejar", "negative"),
        ("Nota 10 pra loja", "positive"),
        ("Vale cada centavo", "positive"),
        ("Nota mil!", "positive"),
        ("Não indico pra ninguém", "negative"),
        ("Indico de olhos fechados", "positive"),
        ("Chegou antes do previsto", "positive"),
        ("Entregue antes do esperado", "positive"),
        ("Superou o esperado", "positive"),
        ("Essa loja é recomendável", "positive"),
        ("Livro óptimo", "positive"),
        ("Produto exelente", "positive"),
        ("Sandália vagabunda", "negative"),
        ("A tela veio trincada", "negative"),
        ("A tinta desbotou na primeira lavagem", "negative"),
        ("Perda de tempo", "negative"),
        ("Mal acabada", "negative"),
    ],
)
def test_review_phrases(scorer: MultilingualScorer, text: str, expected: str) -> None:
    assert _label(scorer, text) == expected


def test_praise_of_a_gadget_and_its_practicality(scorer: MultilingualScorer) -> None:
    assert _label(scorer, "Liquidificador versátil e econômico") == "positive"
    assert _label(scorer, "Facilita muito o dia a dia, quanta praticidade") == "positive"


# ------------------------------------------------------------------ negation forms


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("O sabor não é ruim", "positive"),
        ("nao e ruim nao", "positive"),
        ("Nem chegou", "negative"),
        ("Jamais compraria de novo", "negative"),
        ("Nunca mais compro aqui", "negative"),
        ("Não funciona", "negative"),
        ("Não tenho do que reclamar", "positive"),
    ],
)
def test_negation_forms(scorer: MultilingualScorer, text: str, expected: str) -> None:
    assert _label(scorer, text) == expected


def test_sequer_negates_like_nem_sequer(scorer: MultilingualScorer) -> None:
    # "sequer" alone is "not even": no answer is a complaint, and "sequer funcionou" is no praise
    assert _label(scorer, "Sequer responderam meu e-mail") == "negative"
    assert _label(scorer, "O carregador sequer funcionou") == "negative"
    assert _label(scorer, "Nem sequer responderam") == "negative"


def test_being_forced_is_not_thanks(scorer: MultilingualScorer) -> None:
    assert _label(scorer, "Obrigado pela atenção") == "positive"
    assert _label(scorer, "Fui obrigado a buscar o pacote na agência") == "negative"


# ------------------------------------------------------------------ quantities, not negation


@pytest.mark.parametrize(
    "text",
    [
        "A loja fica a poucos metros do metrô",
        "Comprei há poucos dias",
        "Aos poucos fui aprendendo a usar o aparelho",
    ],
)
def test_few_as_a_quantity_is_no_complaint(scorer: MultilingualScorer, text: str) -> None:
    assert _label(scorer, text) == "neutral"


def test_few_before_an_opinion_still_negates_it(scorer: MultilingualScorer) -> None:
    assert _label(scorer, "Pouco resistente") == "negative"
    assert _label(scorer, "Material pouco durável") == "negative"


# ------------------------------------------------------------------ intensifiers, diminishers


def test_intensifiers_raise_and_diminishers_lower() -> None:
    assert _compound("muito bom") > _compound("bom") > _compound("meio bom") > 0
    assert _compound("super ruim") < _compound("ruim") < _compound("meio ruim") < 0


# ------------------------------------------------------------------ contrast


def test_so_que_is_a_contrast_like_mas() -> None:
    text = "A mochila é linda só que a alça rasgou"
    assert _compound(text) == _compound("A mochila é linda mas a alça rasgou") < 0
    without = _languages.PT_CONTRAST - {"so que"}
    assert _compound(text) < _compound(text, contrast=without)


@pytest.mark.parametrize("text", ["Bom, porém frágil", "É bonita, mas quebrou no primeiro dia"])
def test_what_follows_the_contrast_decides(scorer: MultilingualScorer, text: str) -> None:
    assert _label(scorer, text) == "negative"


# ------------------------------------------------------------------ informal writing


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("pessimo atendimento", "negative"),
        ("otimo produto, chegou rapido", "positive"),
        ("adorei kkkkk", "positive"),
        ("vc é mt top rsrs", "positive"),
        ("amei 😍", "positive"),
        ("chegou quebrado 😡", "negative"),
    ],
)
def test_informal_writing(scorer: MultilingualScorer, text: str, expected: str) -> None:
    assert _label(scorer, text) == expected


# ------------------------------------------------------------------ words with no sentiment


@pytest.mark.parametrize(
    "text",
    [
        "O pedido chegou em março",
        "Escolhi o tamanho de acordo com a tabela",
        "O responsável pela entrega ligou",
        "A embalagem apareceu no portão",
        "O livro trata da história do Brasil",
        "Pedido realizado pelo aplicativo",
        "Troquei o filtro e o parafuso",
        "Preciso resolver o endereço de entrega",
        "A loja fica em Porto Alegre",
        "A parte superior é de vidro",
        "Levei em consideração as medidas",
        "O guarda-roupa tem seis portas",
    ],
)
def test_words_whose_english_sense_leia_kept_are_neutral(scorer: MultilingualScorer, text: str) -> None:
    assert _label(scorer, text) == "neutral"


def test_um_espetaculo_is_praise(scorer: MultilingualScorer) -> None:
    assert _label(scorer, "Esse fone é um espetáculo") == "positive"


def test_de_mau_gosto_is_a_complaint(scorer: MultilingualScorer) -> None:
    assert _label(scorer, "Uma brincadeira de mau gosto") == "negative"
