"""The sink languages' full models (French, Italian, German: 0.5 s of CPU to load) are asked
only when their quick trigram models make another language plausible."""

from __future__ import annotations

from typing import Any

import pytest

from socialmon.sentiment.multilingual import MultilingualScorer


class Spy:
    def __init__(self, detector: Any) -> None:
        self.detector = detector
        self.texts: list[str] = []

    def compute_language_confidence_values(self, text: str) -> Any:
        self.texts.append(text)
        return self.detector.compute_language_confidence_values(text)


@pytest.fixture
def scorer_and_spy() -> tuple[MultilingualScorer, Spy]:
    scorer = MultilingualScorer()
    spy = Spy(scorer._identifier._every)
    scorer._identifier._every = spy  # type: ignore[assignment]
    return scorer, spy


def test_short_comments_in_our_languages_leave_the_sink_models_unasked(
    scorer_and_spy: tuple[MultilingualScorer, Spy],
) -> None:
    scorer, spy = scorer_and_spy
    texts = [
        "Finally! Best empanadas in town.",
        "Promo 2x1 en cafés todos los lunes ☕",
        "hacen entregas a domicilio?",
        "Quisiera encargar dos docenas para el sábado",
        "Chegou tudo certinho, obrigada",
    ]
    languages = [scorer.detect_language(text, hint="es") for text in texts]
    assert languages == ["en", "es", "es", "es", "pt"]
    assert spy.texts == []


def test_a_comment_in_another_language_still_asks_them_and_is_other(
    scorer_and_spy: tuple[MultilingualScorer, Spy],
) -> None:
    scorer, spy = scorer_and_spy
    assert scorer.detect_language("Nous avons très bien mangé, merci", hint="es") == "other"
    assert scorer.detect_language("Grazie mille, tutto perfetto", hint="es") == "other"
    assert len(spy.texts) == 2
