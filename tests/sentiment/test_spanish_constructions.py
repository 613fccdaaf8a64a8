"""Spanish constructions corrected in scorer 1.4.2: quantities that are no negation, idioms whose
words say the opposite, and topic words whose adjective decides. Every sentence here is written
for the test."""

from __future__ import annotations

import pytest

from socialmon.sentiment.multilingual import MultilingualScorer


@pytest.fixture(scope="module")
def scorer() -> MultilingualScorer:
    return MultilingualScorer()


def _label(scorer: MultilingualScorer, text: str) -> str:
    return scorer.score_as(text, "es").label


@pytest.mark.parametrize(
    "text",
    [
        "El hostal está a pocos metros de la estación",
        "Volvimos hace pocos días",
        "Pagamos unos pocos pesos por el estacionamiento",
    ],
)
def test_few_as_a_quantity_is_no_complaint(scorer: MultilingualScorer, text: str) -> None:
    assert _label(scorer, text) == "neutral"


def test_few_before_an_opinion_still_negates_it(scorer: MultilingualScorer) -> None:
    assert _label(scorer, "Personal poco amable") == "negative"


@pytest.mark.parametrize(
    "text",
    [
        "El aire acondicionado brilla por su ausencia",
        "La limpieza brillaba por su ausencia",
    ],
)
def test_shining_by_its_absence_is_a_lack(scorer: MultilingualScorer, text: str) -> None:
    assert _label(scorer, text) == "negative"


@pytest.mark.parametrize(
    "text",
    [
        "El mesero hace lo que le da la real gana",
        "En mi vida había visto una fila así",
        "Revisamos la limpieza del cuarto",
        "Compramos papel higiénico en la tienda de la esquina",
        "Lo dejamos al lado de una carretera",
    ],
)
def test_words_that_carry_no_opinion_here(scorer: MultilingualScorer, text: str) -> None:
    assert _label(scorer, text) == "neutral"


def test_the_adjective_decides_about_cleanliness(scorer: MultilingualScorer) -> None:
    assert _label(scorer, "La limpieza, pésima") == "negative"
    assert _label(scorer, "La limpieza, impecable") == "positive"


def test_the_worst_of_my_life_is_negative(scorer: MultilingualScorer) -> None:
    assert _label(scorer, "La peor cena de mi vida") == "negative"
    assert _label(scorer, "La mejor cena de mi vida") == "positive"


def test_a_pleasant_surprise_is_praise(scorer: MultilingualScorer) -> None:
    assert _label(scorer, "Fue una grata sorpresa") == "positive"


def test_solo_que_is_a_contrast_like_pero(scorer: MultilingualScorer) -> None:
    assert _label(scorer, "La comida es rica, solo que el servicio es lentísimo") == "negative"
