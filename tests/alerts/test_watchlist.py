"""Watch-list matching on its own: any language, accents and case ignored, whole words only."""

from __future__ import annotations

import pytest

from socialmon.alerts.watchlist import WatchList

TERMS = WatchList(["estafa", "intoxicación", "refund", "mala atención", "Ωραίο", "não volto"])


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("Esto es una ESTAFA!!", ["estafa"]),
        ("me dio intoxicacion", ["intoxicación"]),
        ("INTOXICACIÓN total", ["intoxicación"]),
        ("I want a Refund.", ["refund"]),
        ("They refunded me", []),
        ("un estafador", []),
        ("muy MALA\n  atencion", ["mala atención"]),
        ("ΩΡΑΙΟ μαγαζί", ["Ωραίο"]),
        ("Nao volto mais", ["não volto"]),
        ("#estafa @refund", ["estafa", "refund"]),
    ],
)
def test_terms_match_on_word_boundaries_ignoring_case_and_accents(text: str, found: list[str]) -> None:
    assert TERMS.matches(text) == found


def test_an_empty_list_matches_nothing() -> None:
    assert not WatchList([" "]) and WatchList([]).matches("estafa") == []


@pytest.mark.parametrize(
    ("term", "text", "found"),
    [
        ("诈骗", "这是诈骗！", True),  # Chinese has no spaces between words
        ("返金", "返金してください", True),
        ("โกง", "ร้านนี้โกงมาก", True),  # Thai
        ("사기", "완전 사기꾼이네요", True),  # Korean: the particle attaches to the noun
        ("refund", "refunded", False),  # spaced scripts keep their word boundaries
        ("ESTAFA", "es una estafa", True),
    ],
)
def test_scripts_without_spaces_match_inside_a_run_of_letters(term: str, text: str, found: bool) -> None:
    assert WatchList([term]).matches(text) == ([term] if found else [])
