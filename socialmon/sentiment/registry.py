"""Scorers by name, so the config can choose one and stored scores can name theirs."""

from __future__ import annotations

from collections.abc import Callable

from socialmon.sentiment.base import Scorer


def _vader() -> Scorer:
    from socialmon.sentiment.vader import VaderScorer

    return VaderScorer()


def _multilingual() -> Scorer:
    from socialmon.sentiment.multilingual import MultilingualScorer

    return MultilingualScorer()


_FACTORIES: dict[str, Callable[[], Scorer]] = {"vader": _vader, "multilingual": _multilingual}
DEFAULT_SCORER = "multilingual"


def available_scorers() -> list[str]:
    return sorted(_FACTORIES)


def get_scorer(name: str = DEFAULT_SCORER) -> Scorer:
    """Build the scorer called `name`; raises KeyError for an unknown name."""
    try:
        factory = _FACTORIES[name]
    except KeyError:
        raise KeyError(f"unknown scorer {name!r}; available: {', '.join(available_scorers())}") from None
    return factory()
