"""Behaviour of the multilingual scorer. Every sentence here was written for these tests."""

from __future__ import annotations

import pytest
from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

from socialmon.sentiment import Scorer, get_scorer
from socialmon.sentiment.multilingual import MultilingualScorer
from socialmon.sentiment.registry import DEFAULT_SCORER, available_scorers


@pytest.fixture(scope="module")
def scorer() -> MultilingualScorer:
    return MultilingualScorer()


def es(scorer: MultilingualScorer, text: str) -> float:
    return scorer.score(text, hint="es").compound


def pt(scorer: MultilingualScorer, text: str) -> float:
    return scorer.score(text, hint="pt").compound


# --- identity and registry


def test_name_version_and_protocol(scorer: MultilingualScorer) -> None:
    assert scorer.name == "multilingual"
    assert scorer.version and scorer.version[0].isdigit()
    assert isinstance(scorer, Scorer)


def test_registered_as_default() -> None:
    assert DEFAULT_SCORER == "multilingual"
    assert {"vader", "multilingual"} <= set(available_scorers())
    assert isinstance(get_scorer(), MultilingualScorer)


# --- Spanish rules


def test_spanish_negative_complaint(scorer: MultilingualScorer) -> None:
    result = scorer.score("El servicio fue pésimo, nunca respondieron")
    assert result.language == "es"
    assert result.label == "negative"


@pytest.mark.parametrize("text", ["no me gustó nada", "No me gusto nada la pizza", "no es nada bueno"])
def test_negative_concord_is_one_negation(scorer: MultilingualScorer, text: str) -> None:
    # Two negators ("no" … "nada") must not cancel out into a positive score.
    assert es(scorer, text) < -0.05


def test_negated_negative_is_not_negative(scorer: MultilingualScorer) -> None:
    assert es(scorer, "no está mal") > 0
    assert es(scorer, "el local no estaba sucio") > 0


def test_negation_reaches_past_clitics(scorer: MultilingualScorer) -> None:
    assert es(scorer, "no se lo recomiendo a nadie") < 0
    assert es(scorer, "se lo recomiendo") > 0


def test_negation_stops_at_clause_punctuation(scorer: MultilingualScorer) -> None:
    assert es(scorer, "¿Problemas? No. Excelente servicio") > 0  # "No." does not negate "Excelente"
    assert es(scorer, "No, excelente servicio") > 0


def test_bare_negation_is_mildly_negative(scorer: MultilingualScorer) -> None:
    assert -0.4 < es(scorer, "todavía no me han respondido") < -0.05


def test_intensifiers_and_dampeners(scorer: MultilingualScorer) -> None:
    assert es(scorer, "muy bueno") > es(scorer, "bueno") > 0
    assert es(scorer, "súper amable") > es(scorer, "amable")
    assert es(scorer, "demasiado caro") < es(scorer, "caro") < es(scorer, "un poco caro") < 0
    assert es(scorer, "la comida es poco sabrosa") < 0  # "poco" + adjective negates it


def test_bien_is_an_intensifier_before_an_adjective(scorer: MultilingualScorer) -> None:
    assert es(scorer, "está bien feo") < es(scorer, "está feo") < 0


def test_accents_and_case_do_not_matter(scorer: MultilingualScorer) -> None:
    assert es(scorer, "intoxicacion") == es(scorer, "intoxicación") < 0
    assert es(scorer, "Atención pésima") == es(scorer, "atencion pesima")


def test_inverted_punctuation(scorer: MultilingualScorer) -> None:
    assert es(scorer, "¡genial!") == es(scorer, "genial!") > 0.5
    assert es(scorer, "¿en serio?") == 0.0


def test_elongation_and_slang_spellings(scorer: MultilingualScorer) -> None:
    assert es(scorer, "muuuy buenooo") == es(scorer, "muy bueno")
    assert es(scorer, "q bueno q llegó rápido") > 0
    assert es(scorer, "xq nunca contestan??") < 0


@pytest.mark.parametrize("laugh", ["jajaja", "JAJAJAJA", "jsjsjs", "jejeje"])
def test_laughter_is_positive(scorer: MultilingualScorer, laugh: str) -> None:
    assert es(scorer, laugh) > 0


def test_contrast_favours_what_follows(scorer: MultilingualScorer) -> None:
    assert es(scorer, "La comida es buena pero el servicio es pésimo") < 0
    assert es(scorer, "Es caro, pero vale la pena") > 0
    assert es(scorer, "El local es feo, sin embargo la atención es excelente") > 0


def test_concessive_clause_weighs_less(scorer: MultilingualScorer) -> None:
    assert es(scorer, "Aunque tardaron un poco, la comida llegó deliciosa") > 0


def test_discourse_marker_is_not_praise(scorer: MultilingualScorer) -> None:
    assert es(scorer, "Bueno, mañana paso por el pedido") == 0.0
    assert es(scorer, "El pedido llegó bueno") > 0


@pytest.mark.parametrize(
    ("text", "sign"),
    [
        ("Esto es una estafa", -1),
        ("me dieron intoxicación", -1),
        ("la mesera fue muy grosera", -1),
        ("sigo esperando mi reembolso, qué demora", -1),
        ("Súper recomendado, la atención de 10", 1),
        ("qué chido lugar, bien padre", 1),
        ("pura vida, todo tuanis", 1),
    ],
)
def test_customer_service_and_regional_vocabulary(scorer: MultilingualScorer, text: str, sign: int) -> None:
    assert es(scorer, text) * sign > 0.05


def test_emoji_count_in_spanish(scorer: MultilingualScorer) -> None:
    assert es(scorer, "el pedido llegó 😡") < 0
    assert es(scorer, "el pedido llegó 🙏👏") > 0


# --- Portuguese rules


def test_portuguese(scorer: MultilingualScorer) -> None:
    assert pt(scorer, "não gostei do atendimento") < 0
    assert pt(scorer, "o atendimento não foi ruim") > 0
    assert pt(scorer, "muito bom") > pt(scorer, "bom") > 0
    assert pt(scorer, "comida boa mas o garçom foi grosso") < 0
    assert pt(scorer, "kkkkk adorei") > 0
    assert pt(scorer, "nunca mais compro nessa loja, péssimo") < 0
    assert pt(scorer, "vc é mt top") > 0


# --- language detection


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("El pedido llegó tarde y nadie nos avisó", "es"),
        ("no me gustó nada", "es"),
        ("¡Genial!", "es"),
        ("O pedido chegou atrasado e ninguém avisou", "pt"),
        ("não gostei", "pt"),
        ("The order arrived late and nobody told us", "en"),
        ("Die Lieferung kam viel zu spät an", "other"),
        ("Nous avons très bien mangé, merci", "other"),
        # A frequent French/Italian/German word sends a text to the detector that
        # knows those languages, even when it has a Spanish- or English-looking word.
        ("Alles super, gerne wieder", "other"),
        ("La consegna è arrivata in ritardo", "other"),
        ("Grazie mille, tutto perfetto", "other"),
        ("Merci beaucoup pour votre accueil", "other"),
        ("the waiter was rude", "en"),
        ("a entrega chegou rápido", "pt"),
        ("la entrega llegó rápido", "es"),
        ("Доставка опоздала", "other"),
        ("12345", "other"),
    ],
)
def test_language_detection(scorer: MultilingualScorer, text: str, language: str) -> None:
    assert scorer.detect_language(text) == language


def test_hint_decides_ambiguous_text(scorer: MultilingualScorer) -> None:
    assert scorer.detect_language("Excelente", hint="es") == "es"
    assert scorer.detect_language("Excelente", hint="pt") == "pt"
    assert scorer.score("👍👍", hint="pt").language == "pt"
    assert scorer.score("👍👍").language == "other"


def test_emoji_only_still_scored(scorer: MultilingualScorer) -> None:
    assert scorer.score("😡😡").label == "negative"
    assert scorer.score("").label == "neutral"


# --- English parity


ENGLISH = [
    "The delivery was fast and the driver was lovely!",
    "Worst support ever. Nobody answered my emails for two weeks.",
    "Not bad at all, but the fries were cold :(",
    "I DON'T like waiting an hour for a table",
    "kind of disappointed, the cake was only sort of good",
    "Absolutely loved it 😍 will come back",
    "They never so much as apologized",
    "Without a doubt the best tacos in town",
]


@pytest.mark.parametrize("text", ENGLISH)
def test_english_matches_vader(scorer: MultilingualScorer, text: str) -> None:
    expected = SentimentIntensityAnalyzer().polarity_scores(text)["compound"]
    assert scorer.score_as(text, "en").compound == pytest.approx(expected, abs=1e-4)
    assert scorer.score(text).language == "en"


# --- general contract


@pytest.mark.parametrize(
    "text",
    [
        "¡¡¡PÉSIMO PÉSIMO PÉSIMO SERVICIO, ESTAFADORES!!!",
        "EXCELENTE EXCELENTE EXCELENTE!!!! 😍😍😍❤️❤️",
        "nunca nunca nunca jamás jamás",
        "no no no no",
        "???!!!...",
    ],
)
def test_scores_are_bounded(scorer: MultilingualScorer, text: str) -> None:
    result = scorer.score(text)
    assert -1.0 <= result.compound <= 1.0
    assert result.label in ("positive", "neutral", "negative")


def test_score_many_matches_score(scorer: MultilingualScorer) -> None:
    texts = ["muy bueno", "very bad", "muito ruim", "muy bueno", "", "👍"]
    assert scorer.score_many(texts) == [scorer.score(t) for t in texts]
    assert scorer.score_many(texts, hint="pt")[-1].language == "pt"


# --- lexicon loading, idioms, laughter, colloquial vocabulary


def test_later_lemma_line_overrides_earlier_one() -> None:
    from socialmon.sentiment._languages import spanish

    lexicon = spanish().rules.lexicon
    # "seguro" is listed as an adjective, then corrected to the hedge it mostly is.
    assert lexicon.get("seguro", 0.0) < 1.0
    assert lexicon.get("verdad", 0.0) < 0.5


@pytest.mark.parametrize("text", ["me muero de risa con este video", "morri de rir com esse vídeo"])
def test_dying_of_laughter_is_positive(scorer: MultilingualScorer, text: str) -> None:
    lang = "pt" if "rir" in text else "es"
    assert scorer.score_as(text, lang).compound > 0.05


def test_every_laughter_spelling_scores_alike(scorer: MultilingualScorer) -> None:
    values = {pt(scorer, f"o programa de hoje {w}") for w in ("kkkk", "hahaha", "kk", "rsrs")}
    assert len(values) == 1


@pytest.mark.parametrize(
    ("text", "positive"),
    [
        ("el concierto estuvo de diez", True),
        ("la comida de ese lugar es una porquería", False),
        ("qué asco de atención", False),
        ("pura vida, todo salió macanudo", True),
        ("esse restaurante é da hora", True),
        ("que saco, o pedido atrasou de novo", False),
    ],
)
def test_colloquial_vocabulary(scorer: MultilingualScorer, text: str, positive: bool) -> None:
    lang = "pt" if any(w in text for w in ("esse", "que saco")) else "es"
    compound = scorer.score_as(text, lang).compound
    assert (compound > 0.05) if positive else (compound < -0.05)


# --- v1.2: general vocabulary classes


@pytest.mark.parametrize(
    ("text", "language", "positive"),
    [
        ("me rompe el corazón ver el local cerrado", "es", False),
        ("descanse en paz, don Julio", "es", False),
        ("ese mesero me cae mal", "es", False),
        ("la dueña me cae bien", "es", True),
        ("pobrecito el perrito del local", "es", False),
        ("estoy harto de esperar", "es", False),
        ("coitado do entregador", "pt", False),
        ("meus pêsames à família", "pt", False),
        ("cala a boca, ninguém perguntou", "pt", False),
        ("pelo amor de deus, cadê meu pedido", "pt", False),
        ("que bolo lindinho", "pt", True),
        ("quedó bien bonitito", "es", True),
    ],
)
def test_idioms_of_pity_mourning_and_liking(
    scorer: MultilingualScorer, text: str, language: str, positive: bool
) -> None:
    compound = scorer.score_as(text, language).compound
    assert (compound > 0.05) if positive else (compound < -0.05)


@pytest.mark.parametrize(
    ("text", "language"), [("estoy ansiosa por el estreno", "es"), ("tô ansiosa pro resultado", "pt")]
)
def test_eager_is_not_negative(scorer: MultilingualScorer, text: str, language: str) -> None:
    # "ansioso por…" is "eager for" as often as "anxious": no sentiment of its own.
    assert scorer.score_as(text, language).label == "neutral"


@pytest.mark.parametrize(
    ("text", "language"), [("tomamos mate en la plaza", "es"), ("subimos o morro", "pt")]
)
def test_verb_forms_that_are_other_words_are_neutral(
    scorer: MultilingualScorer, text: str, language: str
) -> None:
    assert scorer.score_as(text, language).label == "neutral"


def test_double_consonants_are_not_elongations(scorer: MultilingualScorer) -> None:
    # "carro" (car) is not "caro" (expensive), "perro" (dog) not "pero" (but).
    assert scorer.score_as("el carro del vecino", "es").label == "neutral"
    assert scorer.score_as("o carro do vizinho", "pt").label == "neutral"
    assert es(scorer, "el perro es lindo") == es(scorer, "el gato es lindo") > 0
    assert es(scorer, "buenooo") == es(scorer, "buenoo") == es(scorer, "bueno")
