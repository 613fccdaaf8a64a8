"""Plain VADER, English rules and lexicon: the baseline every other scorer is measured against."""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from importlib.metadata import version as package_version

from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

from socialmon.sentiment._text import for_scoring
from socialmon.sentiment.base import Sentiment, label_for


class VaderScorer:
    """VADER as shipped by the `vaderSentiment` package; reports every text as English.

    A text over 20,000 characters is scored on its first and last 10,000 (`_text.for_scoring`),
    so that one huge text cannot hold up a scan.
    """

    name = "vader"

    def __init__(self) -> None:
        self._analyzer, self.version = _shipped()

    def score(self, text: str, hint: str | None = None) -> Sentiment:  # English only: no hint needed
        scores = self._analyzer.polarity_scores(for_scoring(text))
        compound = scores["compound"]
        return Sentiment(
            language="en",
            compound=compound,
            label=label_for(compound),
            positive=scores["pos"],
            negative=scores["neg"],
            neutral=scores["neu"],
        )

    def score_many(self, texts: Iterable[str], hint: str | None = None) -> list[Sentiment]:
        return [self.score(text) for text in texts]


@cache
def _shipped() -> tuple[SentimentIntensityAnalyzer, str]:
    """VADER's analyzer and the package's version, once per process: building the analyzer parses
    its word and emoji lists (8-13 ms of CPU), and each scan, rescore and test store built one. It
    only reads them when scoring, so every scorer shares it."""
    return SentimentIntensityAnalyzer(), package_version("vaderSentiment")
