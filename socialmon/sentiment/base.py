"""The scorer interface shared by every sentiment implementation."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal, Protocol, runtime_checkable

Label = Literal["positive", "neutral", "negative"]
LABELS: tuple[Label, ...] = ("positive", "neutral", "negative")

# VADER's own recommended cut-offs for its compound score.
POSITIVE_THRESHOLD = 0.05
NEGATIVE_THRESHOLD = -0.05


def label_for(compound: float) -> Label:
    """Map a compound score to a label with VADER's ±0.05 thresholds."""
    if compound >= POSITIVE_THRESHOLD:
        return "positive"
    if compound <= NEGATIVE_THRESHOLD:
        return "negative"
    return "neutral"


@dataclass(frozen=True, slots=True)
class Sentiment:
    """The result of scoring one text."""

    language: str  # "en", "es", "pt" or "other"
    compound: float  # in [-1, 1]
    label: Label
    # VADER's proportions of the text that read positive, negative and neutral (they sum to
    # about 1; all 0 for a text with no tokens), kept beside the compound.
    positive: float = 0.0
    negative: float = 0.0
    neutral: float = 0.0
    # Substantial praise *and* complaint in one text (see `MultilingualScorer`): labelled
    # "neutral" whatever the compound's sign, and listed as mixed in reports.
    mixed: bool = False

    def __reduce__(self) -> tuple[type[Sentiment], tuple[str, float, Label, float, float, float, bool]]:
        # Rebuilt from its fields in order: a scan's scoring workers send every score back pickled, and
        # dataclasses' own state of a slotted class looks its fields up for each object (pickle and
        # unpickle 4.5 -> 1.5 µs a score, one process each).
        return type(self), (
            self.language,
            self.compound,
            self.label,
            self.positive,
            self.negative,
            self.neutral,
            self.mixed,
        )


def says_something(text: str | None) -> bool:
    """Whether a text has anything to score.

    A photo, a sticker, an attachment or WhatsApp's "<Multimedia omitido>" arrives as an empty
    text. It is stored without a label: scored, it would be a neutral that says nothing of the
    customer's mood and dilutes the brand's positive and negative shares.
    """
    return bool(text) and not text.isspace()  # type: ignore[union-attr]


@runtime_checkable
class Scorer(Protocol):
    """Scores texts. `name` and `version` are stored beside every score so that a
    scorer upgrade can find and re-score what an older version produced."""

    name: str
    version: str

    def score(self, text: str, hint: str | None = None) -> Sentiment: ...

    def score_many(self, texts: Iterable[str], hint: str | None = None) -> list[Sentiment]:
        """Score texts; `hint` is their brand's language ("es", "en", "pt"), which a scorer that
        tells languages apart uses to decide near-ties (short comments)."""
        ...
