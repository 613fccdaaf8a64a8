"""Sentiment scoring: every comment that says something gets a language, a compound score in [-1, 1]
and a label (`says_something`: a photo or a sticker alone gets none).

The rest of socialmon only sees the `Scorer` protocol and `Sentiment` results, so a
better scorer can replace the default one without touching storage or the scan.
"""

from socialmon.sentiment.base import LABELS, Scorer, Sentiment, label_for, says_something
from socialmon.sentiment.registry import available_scorers, get_scorer

__all__ = ["LABELS", "Scorer", "Sentiment", "available_scorers", "get_scorer", "label_for", "says_something"]
