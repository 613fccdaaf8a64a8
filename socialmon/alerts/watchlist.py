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
ASCII text skips the Unicode decomposition, a Latin one folds only its few accented letters, and
a term's pattern is searched for only in a text that holds its longest word.
"""

from __future__ import annotations

import functools
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


# A run of characters beyond ASCII: `fold` leaves a case-folded text's ASCII as it is.
_NOT_ASCII = re.compile(r"[^\x00-\x7f]+")


def normalise(text: str) -> str:
    if text.isascii():  # case-folding and `fold` are lower() on ASCII: 35,000 texts of a first run, 0.15 s
        return text.lower()
    # `fold` of each run beyond ASCII, the same as of the whole text: after casefold() no capital
    # sigma is left, the one letter whose lower case depends on its neighbours, so fold works
    # character by character (tests/alerts/test_watchlist_folding_equivalence.py compares the two). A Spanish
    # text's few accented letters recur ("í", "ó"): folded once each, the benchmark's texts (50
    # characters) took 1.7 µs each, against 3.2 µs with `fold` of the whole, whose translate()
    # looks every character up.
    folded = _NOT_ASCII.sub(_folded_run, text.casefold())
    if folded.isascii():
        return folded
    decomposed = unicodedata.normalize("NFKD", folded)
    return unicodedata.normalize(
        "NFC", "".join(char for char in decomposed if not unicodedata.combining(char))
    )


def _folded_run(match: re.Match[str]) -> str:
    run = match.group()
    # A short run recurs (an accented letter, "¡", an emoji) and is kept; a long one (a sentence in
    # another script) is folded as it comes, and the cache holds no long text.
    return _fold_short(run) if len(run) <= 4 else fold(run)


@functools.lru_cache(maxsize=4096)
def _fold_short(run: str) -> str:
    return fold(run)


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
        # Each term with its longest folded word, which any match of its pattern holds as it is.
        self._patterns = [
            (term, max(words, key=len), re.compile(_pattern(term)))
            for term, words in zip(self.terms, self.words, strict=True)
        ]

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
        if not self._patterns:
            return []
        folded = normalise(text)
        # A pattern is searched for only where its longest word is (`in`, a plain substring search):
        # on the benchmark's texts, with one combined pattern ruling a text out before each term's,
        # matching took 4.9 µs a text for 2 terms and 31 µs for 20; 2.9 and 4.9 µs this way.
        return [term for term, word, pattern in self._patterns if word in folded and pattern.search(folded)]


def _inert(char: str, used: set[str]) -> bool:
    if unicodedata.combining(char):
        return False
    folded = normalise(char)
    return bool(folded) and not used.intersection(folded) and normalise(f"a{char}a") == f"a{folded}a"
