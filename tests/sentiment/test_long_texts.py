"""Long texts are detected and scored on bounded excerpts (issue 13, point 2).

Language detection (lingua) takes time growing with the square of a word's length: one
100 KB word took 20 s and 10 MB never finished. Detection reads at most DETECTED_CHARS
characters and the scorers at most SCORED_CHARS (+1 for the line joining head and tail).
These tests assert the bounds, not times: the time is printed by
tests/benchmarks/bench_sentiment.py.
"""

from __future__ import annotations

from typing import Any

import pytest

from socialmon.sentiment._text import DETECTED_CHARS, SCORED_CHARS, for_scoring, head, tail
from socialmon.sentiment.multilingual import MultilingualScorer
from socialmon.sentiment.vader import VaderScorer

ONE_WORD = "ñandú😡" * 200_000  # 1.2 million characters, no space
MANY_WORDS = "la comida estuvo buena pero el servicio fue pésimo " * 20_000


@pytest.fixture(scope="module")
def scorer() -> MultilingualScorer:
    return MultilingualScorer()


class Recorder:
    """Stands in for a lingua detector: notes the length of each text it is asked about."""

    def __init__(self) -> None:
        self.lengths: list[int] = []

    def compute_language_confidence_values(self, text: str) -> list[Any]:
        self.lengths.append(len(text))
        return []


@pytest.mark.parametrize(
    "text", [ONE_WORD, "x" * 300_000, "blorp " * 100_000], ids=["accents", "ascii", "words"]
)
def test_language_detection_reads_a_bounded_prefix(
    scorer: MultilingualScorer, monkeypatch: pytest.MonkeyPatch, text: str
) -> None:
    ours, every = Recorder(), Recorder()
    monkeypatch.setattr(scorer._identifier, "_ours", ours)
    monkeypatch.setattr(scorer._identifier, "_every", every)
    scorer.score(text)
    scorer.score_many([text, "otro"], hint="es")
    scorer.detect_language(text)
    asked = ours.lengths + every.lengths
    assert asked, "lingua was consulted"
    assert max(asked) <= DETECTED_CHARS


def test_detection_still_finds_the_language_of_a_long_text(scorer: MultilingualScorer) -> None:
    assert scorer.detect_language(MANY_WORDS) == "es"
    assert scorer.detect_language("the food was great but the service was slow " * 50_000) == "en"


@pytest.mark.parametrize("language", ["es", "pt", "en", "other"])
def test_the_multilingual_scorer_scores_a_bounded_excerpt(
    scorer: MultilingualScorer, monkeypatch: pytest.MonkeyPatch, language: str
) -> None:
    seen: list[int] = []
    lang = scorer._languages.get(language, scorer._languages["en"])
    if lang.tokenizer is None:
        import socialmon.sentiment.multilingual as module

        original = module.score_english

        def english(text: str, *args: Any) -> float:
            seen.append(len(text))
            return original(text, *args)

        monkeypatch.setattr(module, "score_english", english)
    else:
        tokenize = lang.tokenizer.tokenize

        def spy(text: str) -> Any:
            seen.append(len(text))
            return tokenize(text)

        monkeypatch.setattr(lang.tokenizer, "tokenize", spy)
    scorer.score_as(ONE_WORD, language)
    assert seen and max(seen) <= SCORED_CHARS + 1


def test_the_plain_vader_scorer_scores_a_bounded_excerpt(monkeypatch: pytest.MonkeyPatch) -> None:
    vader = VaderScorer()
    seen: list[int] = []
    polarity = vader._analyzer.polarity_scores

    def spy(text: str) -> dict[str, float]:
        seen.append(len(text))
        return polarity(text)

    monkeypatch.setattr(vader._analyzer, "polarity_scores", spy)
    vader.score("x" * 1_000_000)
    assert seen == [len(for_scoring("x" * 1_000_000))]
    assert seen[0] <= SCORED_CHARS + 1


def test_short_texts_are_scored_whole() -> None:
    text = "a" * SCORED_CHARS
    assert for_scoring(text) is text
    assert head("corto", 10) == "corto" and tail("corto", 10) == "corto"


def test_excerpts_are_cut_at_spaces_when_there_are_some() -> None:
    assert head("uno dos tres cuatro", 10) == "uno dos"
    assert tail("uno dos tres cuatro", 10) == "cuatro"
    assert head("x" * 50, 10) == "x" * 10  # one word: cut where the limit falls
    assert tail("x" * 50, 10) == "x" * 10
    excerpt = for_scoring(MANY_WORDS)
    assert len(excerpt) <= SCORED_CHARS + 1
    first, last = excerpt.split("\n")
    assert MANY_WORDS.startswith(first) and MANY_WORDS.endswith(last)
    assert MANY_WORDS[len(first)] == " " and MANY_WORDS[-len(last) - 1] == " "  # whole words
