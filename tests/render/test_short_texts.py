"""A comment shortened for a table is cut between two characters as a reader sees them: never
through a flag, an emoji sequence or an accent."""

from __future__ import annotations

import pytest

from socialmon.render.tables import _short

FAMILY = "👨\u200d👩\u200d👧"
CASES = {
    "flag": "🇪🇨",
    "zwj family": FAMILY,
    "skin tone": "👍🏽",
    "variation selector": "❤️",
    "keycap": "1️⃣",
    "combining accent": "e\u0301",
    "subdivision flag": "🏴\U000e0067\U000e0062\U000e0073\U000e0063\U000e0074\U000e007f",
}


@pytest.mark.parametrize("name", CASES)
def test_a_cut_never_splits_a_character(name: str) -> None:
    seen = CASES[name]
    for before in range(6, 10):  # the cut falls on each code point of the sequence in turn
        text = "a" * before + seen * 3 + " fin del comentario"
        short = _short(text, 10)
        kept = short.removesuffix("…")
        assert short.endswith("…") and text.startswith(kept)
        assert kept[before:] in ("", seen, seen * 2, seen * 3), (name, before, short)


def test_flags_side_by_side_stay_pairs() -> None:
    assert _short("🇪🇨🇲🇽🇨🇴🇵🇪", 3) == "🇪🇨🇲🇽…"


def test_a_short_text_is_left_whole() -> None:
    assert _short(f"Gracias {FAMILY}", 9) == f"Gracias {FAMILY}"
