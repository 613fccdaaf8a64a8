"""Watch-list matching: words and phrases in any language, ignoring case and accents, on word boundaries.

Both the terms and the text are folded the same way: lower-cased and case-folded ("ß" →
"ss"), Latin letters stripped of accents by the sentiment tokenizer's `fold`, and any other
combining mark removed after Unicode decomposition (Greek tonos, Vietnamese tones…). So
"intoxicación" matches "INTOXICACION" and "Intoxicacion", "refund" matches "Refund!" but not
"refunded", and a phrase matches whatever spaces separate its words.

Scripts written without spaces between words (Chinese, Japanese, Thai, Lao, Khmer, Burmese)
and Korean, whose particles attach to the noun, have no word boundary to wait for: a term's
edge in one of them matches inside a run of letters ("诈骗" in "这是诈骗！", "사기" in "사기꾼이").

The rules run after every scan over every unanswered comment, so the common case is cheap: an
ASCII text skips the Unicode decomposition, and one combined pattern rules out a text before
the terms are told apart.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata

from socialmon.sentiment._text import fold

# Letters of scripts that do not separate words with spaces (and Hangul, see above).
_UNSPACED = re.compile(
    "[\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]"
)


# Characters beyond ASCII common in texts written in Latin script: Latin-1, Latin Extended-A and
# general punctuation ("¡", "¿", "é", "ñ", "…", "’"). See `WatchList.inert`.
_COMMON = (*range(0xA0, 0x180), *range(0x2010, 0x2028))


# Raise when what a text matches changes (folding, word boundaries, what the database rules
# out in `rules._may_match`): the texts earlier runs examined (`WatchList.digest`) are examined again.
MATCHER_VERSION = 1


def normalise(text: str) -> str:
    if text.isascii():  # case-folding and `fold` are lower() on ASCII: 35,000 texts of a first run, 0.15 s
        return text.lower()
    folded = fold(text.casefold())
    if folded.isascii():
        return folded
    decomposed = unicodedata.normalize("NFKD", folded)
    return unicodedata.normalize(
        "NFC", "".join(char for char in decomposed if not unicodedata.combining(char))
    )


def _pattern(term: str) -> str:
    words = normalise(term).split()
    body = r"\s+".join(map(re.escape, words))
    before = "" if _UNSPACED.match(words[0][0]) else r"(?<!\w)"
    after = "" if _UNSPACED.match(words[-1][-1]) else r"(?!\w)"
    return f"{before}{body}{after}"


class WatchList:
    """The terms of one brand, compiled once; `matches(text)` gives the terms found, as written."""

    def __init__(self, terms: list[str]) -> None:
        self.terms = [term.strip() for term in terms if term.strip()]
        self.words = [normalise(term).split() for term in self.terms]  # each term's words, folded
        sources = [_pattern(term) for term in self.terms]
        self._patterns = [
            (term, re.compile(source)) for term, source in zip(self.terms, sources, strict=True)
        ]
        self._any = re.compile("|".join(f"(?:{source})" for source in sources)) if sources else None

    def inert(self) -> str:
        """Characters beyond ASCII that cannot be part of a match of these terms, as ranges ("á-ã"…).

        Each folds (`normalise`), on its own and the same between other letters, to something
        that is not empty and holds no character of any term: a text made of ASCII and these
        alone holds a term only if its lower-cased ASCII holds the term's words. So the database
        can tell most Spanish, Portuguese or French texts that match nothing ("frío" for the
        terms "estafa" and "refund") without their being read and folded here.
        """
        used = {char for words in self.words for word in words for char in word}
        codes = [code for code in _COMMON if _inert(chr(code), used)]
        ranges: list[list[int]] = []
        for code in codes:
            if ranges and ranges[-1][1] == code - 1:
                ranges[-1][1] = code
            else:
                ranges.append([code, code])
        return "".join(chr(a) if a == b else f"{chr(a)}-{chr(b)}" for a, b in ranges)

    def digest(self) -> str:
        """What a text's examination depends on: these terms in this order, and this matcher."""
        source = json.dumps([MATCHER_VERSION, self.terms], ensure_ascii=False)
        return hashlib.sha256(source.encode("utf-8")).hexdigest()[:32]

    def __bool__(self) -> bool:
        return bool(self._patterns)

    def matches(self, text: str) -> list[str]:
        if self._any is None:
            return []
        folded = normalise(text)
        if not self._any.search(folded):
            return []
        return [term for term, pattern in self._patterns if pattern.search(folded)]


def _inert(char: str, used: set[str]) -> bool:
    if unicodedata.combining(char):
        return False
    folded = normalise(char)
    return bool(folded) and not used.intersection(folded) and normalise(f"a{char}a") == f"a{folded}a"
