"""Tokenising and normalising informal Spanish/Portuguese text for the rule engine.

A text becomes a list of `Token`s:
- HTML character references are decoded ("&lt;3" is "<3", "&amp;" is "&").
- URLs and @mentions are dropped; "#" is dropped from hashtags.
- Punctuation is Unicode-aware (¡¿…«» and friends): it is not part of any word;
  . ! ? ; … ¡ ¿ end a sentence, commas, colons, dashes and brackets end a clause.
  Sentence and clause numbers bound negation and contrast.
- Emoji are tokens of their own (skin tones, variation selectors and joiners removed);
  emoticons such as ``:)`` are recognised between spaces.
- Words are lower-cased and stripped of accents ("intoxicación" == "intoxicacion"),
  then resolved against the known vocabulary: as written, as an abbreviation
  ("q", "xq", "vc", "mt"), as laughter ("jajaja", "jsjs", "kkkk", "rsrs"), or with
  elongation squeezed ("muuuy" → "muy", "buenooo" → "bueno").
- Multiword expressions from the vocabulary ("sin embargo", "un poco",
  "vale la pena") are merged into one token.
"""

from __future__ import annotations

import html
import itertools
import re
import unicodedata
from collections.abc import Iterable, Mapping

from socialmon.sentiment._engine import Token

_CACHE_LIMIT = 200_000
LAUGH_KEY = "<laugh>"

# Lower-case letters of Latin-1 and Latin Extended-A without their diacritics.
_FOLD = {
    code: unicodedata.normalize("NFKD", chr(code)).encode("ascii", "ignore").decode() or None
    for code in range(0xC0, 0x180)
    if chr(code).islower()
}
_FOLD.update({ord("ß"): "ss", ord("ø"): "o", ord("æ"): "ae", ord("œ"): "oe"})
_DROP = {0xFE0F: None, 0xFE0E: None, 0x200D: None, **{c: None for c in range(0x1F3FB, 0x1F400)}}

_LAUGH_RES = (
    re.compile(r"a?(?:[jh]+([aeiou])+)(?:[jh]+\1+)+[jh]?"),  # jajaja, jejeje, hahaha, ajaja
    re.compile(r"(?:js|sj|jsj)+[js]*"),  # jsjsjs
    re.compile(r"k{3,}"),  # kkkk (Portuguese)
    re.compile(r"(?:rs){2,}"),  # rsrs (Portuguese)
    re.compile(r"(?:hue){2,}"),  # huehue
)
_RUN3 = re.compile(r"(.)\1{2,}")
_RUN2 = re.compile(r"(.)\1+")
# Letters that Spanish and Portuguese double in ordinary words ("carro", "calle",
# "acción", "passa", "innovar"): a double of them is not an elongation, or "carro"
# (car) would become "caro" (expensive) and "perro" (dog) "pero" (but).
_RUN2_ELONGATED = re.compile(r"([^rlscn])\1+")


# Language detection reads at most this many characters of a text (lingua's time grows with
# the square of a word's length: 100 KB of one word took 20 s), and scoring at most
# SCORED_CHARS (the first and the last half of them): the rule engines are linear, but a
# 10 MB text still took up to 14 s. Platforms cap comments at a few thousand characters
# (63,206 for a Facebook post), so only pathological texts are cut.
DETECTED_CHARS = 1_000
SCORED_CHARS = 20_000
_SPACES = " \n\t\r\u3000"


def head(text: str, limit: int) -> str:
    """At most `limit` characters from the start of `text`, cut after its last space in
    the second half of them if there is one (so no word is cut in two)."""
    if len(text) <= limit:
        return text
    cut = max(text.rfind(space, limit // 2, limit + 1) for space in _SPACES)
    return text[:cut] if cut > 0 else text[:limit]


def tail(text: str, limit: int) -> str:
    """At most `limit` characters from the end of `text`, cut at a space as `head` does."""
    if len(text) <= limit:
        return text
    start = len(text) - limit
    found = [i for i in (text.find(space, start - 1, start + limit // 2) for space in _SPACES) if i >= 0]
    return text[min(found) + 1 :] if found else text[start:]


def unescaped(text: str) -> str:
    """`text` with its HTML character references decoded: X's API (v1.1 and v2) and HTML exports
    escape "<", ">" and "&", and "&lt;3" is a heart, "pan &amp; café" Spanish."""
    return html.unescape(text) if "&" in text and ";" in text else text


def for_scoring(text: str) -> str:
    """`text`, or for one longer than `SCORED_CHARS` its first and last `SCORED_CHARS // 2`
    characters (cut at spaces) on two lines: the opening and the conclusion of a long text
    carry its tone, and scoring them takes a bounded time."""
    if len(text) <= SCORED_CHARS:
        return text
    return head(text, SCORED_CHARS // 2) + "\n" + tail(text, SCORED_CHARS // 2)


def fold(word: str) -> str:
    """Lower-case and strip accents: "Atención" → "atencion"."""
    return word.lower().translate(_FOLD)


# Every spelling above starts with one of these letters: building the three lexicons asks
# about 31,000 words (150,000 regex calls), which was 0.03 s of the scorer's 0.15 s start.
_LAUGH_FIRST = frozenset("ajhksr")


def is_laugh(word: str) -> bool:
    """Whether a folded word is a spelling of laughter ("jajaja", "kkkk", "rsrs")."""
    return len(word) >= 4 and word[0] in _LAUGH_FIRST and any(r.fullmatch(word) for r in _LAUGH_RES)


class Tokenizer:
    """Turns text into normalised tokens against one language's vocabulary."""

    def __init__(
        self,
        known: Iterable[str],
        abbreviations: Mapping[str, str],
        phrases: Iterable[str],
        emoticons: Iterable[str],
        emoji: Iterable[str],
    ) -> None:
        self._known = frozenset(known)
        self._abbreviations = dict(abbreviations)
        self._cache: dict[str, str] = {}
        by_start: dict[tuple[str, str], list[tuple[str, ...]]] = {}
        for phrase in phrases:
            parts = tuple(phrase.split())
            if len(parts) > 1:
                by_start.setdefault(parts[:2], []).append(parts)
        # Phrases indexed by their first two words, longest first.
        self._phrases = {k: sorted(v, key=len, reverse=True) for k, v in by_start.items()}
        emoji_class = "".join(re.escape(e) for e in sorted(set(emoji)) if len(e) == 1)
        # An emoticon is a whole whitespace-separated chunk (":)", "<3"); one that starts
        # with a letter or digit ("xD") is a word.
        self._emoticons = frozenset(e.lower() for e in emoticons if not e[0].isalnum())
        # Chunks that are not plain words ("gracias!", "bueno😡", "@ana:") are split by
        # one regex of alternative groups: (skip, word, emoji, sentence, clause).
        self._token_re = re.compile(
            r"(https?://\S+|www\.\S+|@\w+)"
            + r"|([^\W_]+)"
            + rf"|([{emoji_class}])"
            + r"|([.!?;…¡¿]+)"
            + r"|([,:()\[\]\"“”«»‹›\-–—/|]+)",
        )

    def key(self, word: str) -> str:
        """The vocabulary key of one word (cached)."""
        cached = self._cache.get(word)
        if cached is not None:
            return cached
        key = self._resolve(fold(word))
        if len(self._cache) >= _CACHE_LIMIT:
            self._cache.clear()
        self._cache[word] = key
        return key

    def _resolve(self, word: str) -> str:
        known = self._known
        if word in known:
            return word
        abbreviation = self._abbreviations.get(word)
        if abbreviation is not None:
            return abbreviation
        if is_laugh(word):
            return LAUGH_KEY
        if _RUN2.search(word) is None:
            return word
        candidates = (
            _RUN3.sub(r"\1", word),
            _RUN3.sub(r"\1\1", word),
            _RUN2_ELONGATED.sub(r"\1", _RUN3.sub(r"\1", word)),
        )
        for candidate in candidates:
            if candidate in known:
                return candidate
            abbreviation = self._abbreviations.get(candidate)
            if abbreviation is not None:
                return abbreviation
            if is_laugh(candidate):
                return LAUGH_KEY
        return candidates[0]

    def tokenize(self, text: str) -> list[Token]:
        """Normalised tokens of `text` (its HTML references decoded already: `unescaped`, at the
        scorer's entry; decoded here again, a literal "&amp;lt;3" became the heart "<3"),
        phrases merged."""
        if not text.isascii():
            text = text.translate(_DROP)
        tokens: list[Token] = []
        append = tokens.append
        cache = self._cache
        emoticons = self._emoticons
        findall = self._token_re.findall
        sentence = clause = 0
        # Most whitespace-separated chunks are plain words: only the others go through
        # the regex (several times faster than running it over the whole text).
        for line in text.split("\n") if "\n" in text else (text,):
            if tokens:
                sentence += 1  # a line break ends a sentence
                clause += 1
            for chunk in line.split():
                if chunk.isalpha():
                    key = cache.get(chunk)
                    if key is None:
                        key = self.key(chunk)
                    append(Token(key, len(chunk) > 1 and chunk.isupper(), sentence, clause))
                    continue
                lowered = chunk.lower()
                if lowered in emoticons:
                    append(Token(lowered, False, sentence, clause))
                    continue
                for _skip, word, emoji, end_sentence, end_clause in findall(chunk):
                    if word:
                        key = cache.get(word)
                        if key is None:
                            key = self.key(word)
                        append(Token(key, len(word) > 1 and word.isupper(), sentence, clause))
                    elif emoji:
                        append(Token(emoji, False, sentence, clause))
                    elif end_sentence:
                        sentence += 1
                        clause += 1
                    elif end_clause:
                        clause += 1
        if self._phrases:
            tokens = self._merge_phrases(tokens)
        return tokens

    def _merge_phrases(self, tokens: list[Token]) -> list[Token]:
        phrases = self._phrases
        n = len(tokens)
        keys = [t.key for t in tokens]
        starts = [
            i
            for i, pair in enumerate(itertools.pairwise(keys))
            if pair in phrases and tokens[i].clause == tokens[i + 1].clause
        ]
        if not starts:
            return tokens
        merged: list[Token] = []
        i = 0
        for start in starts:
            if start < i:
                continue
            merged.extend(tokens[i:start])
            i = start
            tok = tokens[start]
            for parts in phrases[(tok.key, tokens[start + 1].key)]:
                end = start + len(parts)
                if end <= n and all(
                    tokens[start + k].key == part and tokens[start + k].clause == tok.clause
                    for k, part in enumerate(parts)
                ):
                    is_upper = all(t.is_upper for t in tokens[start:end])
                    merged.append(Token(" ".join(parts), is_upper, tok.sentence, tok.clause))
                    i = end
                    break
        merged.extend(tokens[i:])
        return merged
