"""Scorers by name, so the config can choose one and stored scores can name theirs."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

from socialmon.sentiment.base import Scorer, Sentiment


def _vader() -> type[Scorer]:
    from socialmon.sentiment.vader import VaderScorer

    return VaderScorer


def _multilingual() -> type[Scorer]:
    from socialmon.sentiment.multilingual import MultilingualScorer

    return MultilingualScorer


_FACTORIES: dict[str, Callable[[], type[Scorer]]] = {"vader": _vader, "multilingual": _multilingual}
DEFAULT_SCORER = "multilingual"


def available_scorers() -> list[str]:
    return sorted(_FACTORIES)


def _scorer_class(name: str) -> type[Scorer]:
    try:
        factory = _FACTORIES[name]
    except KeyError:
        raise KeyError(f"unknown scorer {name!r}; available: {', '.join(available_scorers())}") from None
    return factory()


def get_scorer(name: str = DEFAULT_SCORER, languages: Sequence[str] | None = None) -> Scorer:
    """Build the scorer called `name`; raises KeyError for an unknown name.

    `languages` (`[sentiment] languages`) goes to a scorer that tells languages apart (the
    multilingual one); VADER is English only and ignores it.
    """
    cls = _scorer_class(name)
    if languages is not None and hasattr(cls, "languages_of"):
        return cls(languages=languages)  # type: ignore[call-arg]
    return cls()


def _version(cls: type[Scorer], languages: Sequence[str] | None) -> str | None:
    """A scorer's version known from its class and options, without building it."""
    version_for = getattr(cls, "version_for", None)
    if version_for is not None:
        return str(version_for(languages))
    known = getattr(cls, "version", None)  # a class attribute needs no scorer
    return known if isinstance(known, str) else None


class LazyScorer:
    """The scorer called `name`, built when it is first given a text to score.

    Building the multilingual scorer reads its lexicons (0.16 s of CPU), and its first texts
    load lingua's language models (1.1 s of CPU for the sample's texts, measured): a scan that
    brings nothing new, or only texts already scored, needs neither.
    """

    def __init__(self, name: str = DEFAULT_SCORER, languages: Sequence[str] | None = None) -> None:
        if name not in _FACTORIES:  # an unknown name fails here, before any work
            _scorer_class(name)
        self.name = name
        self.languages = tuple(languages) if languages is not None else None
        self._scorer: Scorer | None = None

    @property
    def built(self) -> bool:
        return self._scorer is not None

    @property
    def scorer(self) -> Scorer:
        if self._scorer is None:
            self._scorer = get_scorer(self.name, self.languages)
        return self._scorer

    @property
    def version(self) -> str:
        known = _version(_scorer_class(self.name), self.languages)
        return known if known is not None else self.scorer.version

    def score(self, text: str, *args: Any, **kwargs: Any) -> Sentiment:
        return self.scorer.score(text, *args, **kwargs)  # type: ignore[call-arg]

    def score_many(self, texts: Iterable[str], *args: Any, **kwargs: Any) -> list[Sentiment]:
        texts = list(texts)
        if not texts:
            return []
        return self.scorer.score_many(texts, *args, **kwargs)  # type: ignore[call-arg]

    def __getattr__(self, name: str) -> Any:  # detect_language, score_as, …
        if name.startswith("_"):
            raise AttributeError(name)
        return getattr(self.scorer, name)
