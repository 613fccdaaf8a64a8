"""The quicker watch-list matching and rules' run find what they found before.

`normalise` folds a text's runs beyond ASCII one by one (short ones cached) where it folded the whole
text, and `WatchList.matches` looks for a term's longest word before its pattern where one combined
pattern ruled a text out first: both are compared here with the way they were written before, on
every code point and on random texts of many scripts. The rules judge a brand with Python's cyclic
collector paused (`socialmon._gc.collector_paused`), which leaves it as it found it.
"""

from __future__ import annotations

import gc
import random
import re
import unicodedata
from collections.abc import Callable

import pytest

from socialmon._gc import collector_paused
from socialmon.alerts.watchlist import WatchList, _pattern, normalise
from socialmon.sentiment._text import fold


def normalise_before(text: str) -> str:
    """`normalise` as it was: `fold` of the whole case-folded text."""
    if text.isascii():
        return text.lower()
    folded = fold(text.casefold())
    if folded.isascii():
        return folded
    decomposed = unicodedata.normalize("NFKD", folded)
    return unicodedata.normalize("NFC", "".join(c for c in decomposed if not unicodedata.combining(c)))


def matches_before(terms: list[str]) -> Callable[[str], list[str]]:
    """`WatchList(terms).matches` as it was: one combined pattern first, then each term's."""
    kept = [term.strip() for term in terms if term.strip()]
    sources = [_pattern(term) for term in kept]
    patterns = [(term, re.compile(source)) for term, source in zip(kept, sources, strict=True)]
    combined = re.compile("|".join(f"(?:{source})" for source in sources)) if sources else None

    def matches(text: str) -> list[str]:
        if combined is None:
            return []
        folded = normalise_before(text)
        if not combined.search(folded):
            return []
        return [term for term, pattern in patterns if pattern.search(folded)]

    return matches


def test_every_code_point_folds_as_before() -> None:
    # Every assigned code point beyond ASCII (an unassigned or private one has no case and no
    # decomposition), listed here rather than at import: that took 0.3 s in every test process.
    code_points = [
        char
        for char in map(chr, range(0x80, 0x110000))
        if unicodedata.category(char) not in ("Cn", "Co", "Cs")
    ]
    # Each between ASCII letters (a run of one) and in runs of three (a cached run) and of nine
    # (folded as it comes), with capitals around it: the same text as the whole text's `fold` gave.
    for size in (1, 3, 9):
        runs = ["".join(code_points[i : i + size]) for i in range(0, len(code_points), size)]
        for start in range(0, len(runs), 20_000):
            text = "A" + "b".join(runs[start : start + 20_000]) + "Z"
            assert normalise(text) == normalise_before(text)


@pytest.mark.parametrize(
    "text",
    [
        "ΟΔΟΣ",  # a capital sigma at the end of a word: final sigma in lower(), not after casefold()
        "ΣΑΣ ΕΙΠΑ, ΌΣΟΣ.",
        "aΣ b",
        "İstanbul DİKKAT",  # a capital I with a dot: two characters in lower case
        "Straße GROẞ",
        "ﬁnal ﬀ",  # ligatures NFKD splits
        "Ꭰ ꭰ Cherokee",  # case-folded to capitals, lower() turns them back
        "Ǆ ǅ ǆ",
        "café\u0301 e\u0301",  # a combining accent of its own
        "Ελληνικά τόνος ά",
        "这是诈骗！我要退款",
        "사기꾼이에요",
        "😡😡 ¡¿ … ’",
        "\x00NUL\x00é",
        "",
    ],
)
def test_awkward_texts_fold_as_before(text: str) -> None:
    assert normalise(text) == normalise_before(text)


# Characters to build texts of: ASCII letters, spaces and punctuation, Latin with accents, Greek
# with its sigmas, Cherokee, Chinese, Japanese, Thai, Hangul, combining marks, emoji, ligatures.
POOL = (
    list("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
    + [" "] * 20
    + list("\t\n.,;!?¡¿'\"-_#@…’")
    + list("áéíóúÁÉÍÓÚñÑüÜçÇãõÃÕâêôÂÊÔàèÀÈßẞøØæÆœŒİıŁłĳ")
    + list("ΣσςΟΔΆάΌόΩωΉή")
    + list("ᎠᎡꭰꭱ")
    + list("诈骗这是退款返金してくださいโกงมากร้านนี้사기꾼이")
    + ["\u0301", "\u0303", "\u0308", "😡", "👍🏽", "ﬁ", "ﬀ", "½", "ª", "º"]
)
TERMS = [
    "estafa",
    "intoxicación",
    "refund",
    "mala atención",
    "Ωραίο",
    "não volto",
    "ΟΔΟΣ",
    "straße",
    "诈骗",
    "사기",
    "返金",
    "ñ",
    "a b",
    "ﬁn",
]
WORDS = [*TERMS, "estafador", "refunded", "intoxicacion", "MALA   ATENCION", "nao volto", "strasse", "ODOS"]


def random_texts(count: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    texts = []
    for _ in range(count):
        parts = [
            rng.choice(WORDS) if rng.random() < 0.3 else "".join(rng.choices(POOL, k=rng.randrange(1, 12)))
            for _ in range(rng.randrange(1, 8))
        ]
        texts.append(rng.choice(["", " ", "\n", "¡"]).join(parts))
    return texts


def test_random_texts_fold_and_match_as_before() -> None:
    texts = random_texts(5_000, seed=19)
    for text in texts:
        assert normalise(text) == normalise_before(text), text
    for terms in (TERMS, TERMS[:2], ["estafa", "estafa"], [" ", "refund "], [], TERMS[::-1]):
        watch, before = WatchList(terms), matches_before(terms)
        for text in texts:
            assert watch.matches(text) == before(text), (terms, text)


@pytest.mark.parametrize(
    "text", ["Esto es una ESTAFA!!", "muy MALA\n  atencion", "#estafa @refund", "un estafador"]
)
def test_watch_list_examples_match_as_before(text: str) -> None:
    assert WatchList(TERMS).matches(text) == matches_before(TERMS)(text)


def test_the_collector_pause_the_rules_run_in_leaves_the_collector_as_it_found_it() -> None:
    was = gc.isenabled()
    try:
        gc.enable()
        with collector_paused():
            assert not gc.isenabled()
        assert gc.isenabled()
        with pytest.raises(RuntimeError), collector_paused():
            raise RuntimeError("a rule failed")
        assert gc.isenabled()  # enabled again after a failure too
        gc.disable()  # a caller that paused it itself keeps it paused
        with collector_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()
    finally:
        (gc.enable if was else gc.disable)()


@pytest.mark.parametrize("term", ["  ", "\u0301", "\u0301\u0300 \u0308"])
def test_a_term_that_is_empty_once_its_accents_are_set_aside_is_refused_by_the_config(term: str) -> None:
    # A term of accents alone folded to nothing: the watch list stopped every alerts run with an
    # IndexError (and, with the longest-word lookup, a ValueError) instead of the config saying so.
    from pydantic import ValidationError

    from socialmon.config import WatchListRule

    with pytest.raises(ValidationError, match="a watch-list term is empty"):
        WatchListRule(terms=["estafa", term])
    assert WatchListRule(terms=["estafa", "é"]).terms == ["estafa", "é"]
