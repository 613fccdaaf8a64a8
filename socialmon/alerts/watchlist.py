"""Watch-list matching: words and phrases in any language, ignoring case and accents, on word boundaries.

Both the terms and the text are folded the same way: lower-cased and case-folded ("ß" →
"ss"), Latin letters stripped of accents by the sentiment tokenizer's `fold`, and any other
combining mark removed after Unicode decomposition (Greek tonos, Vietnamese tones…). So
"intoxicación" matches "INTOXICACION" and "Intoxicacion", "refund" matches "Refund!" but not
"refunded", and a phrase matches whatever spaces separate its words.
"""

from __future__ import annotations

import re
import unicodedata

from socialmon.sentiment._text import fold


def normalise(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", fold(text.casefold()))
    return "".join(char for char in decomposed if not unicodedata.combining(char))


class WatchList:
    """The terms of one brand, compiled once; `matches(text)` gives the terms found, as written."""

    def __init__(self, terms: list[str]) -> None:
        self.terms = [term.strip() for term in terms if term.strip()]
        self._patterns = [
            (term, re.compile(r"(?<!\w)" + r"\s+".join(map(re.escape, normalise(term).split())) + r"(?!\w)"))
            for term in self.terms
        ]

    def __bool__(self) -> bool:
        return bool(self._patterns)

    def matches(self, text: str) -> list[str]:
        folded = normalise(text)
        return [term for term, pattern in self._patterns if pattern.search(folded)]
