"""Text shortened as a reader sees it: never half a character.

A flag is two code points, a family emoji seven, an accent may follow its letter: slicing a
string by code points can leave half of any of them (a lone regional indicator, "👨‍👩…", an "e"
that lost its accent). `graphemes` splits a text into Unicode's extended grapheme clusters
(UAX #29) with the `regex` module, whose `\\X` follows the Unicode version it ships with;
`shorten` cuts between two of them.
"""

from __future__ import annotations


def graphemes(text: str) -> list[str]:
    """The characters a reader sees: a flag, a ZWJ family, an emoji with its skin tone, a letter
    with its combining accents are each one."""
    import regex  # only when a text is cut

    found: list[str] = regex.findall(r"\X", text)
    return found


WORD_CUT_WITHIN = 0.8  # a cut `at_word` goes back to the last space when one is in the last fifth


def shorten(text: str, limit: int, *, at_word: bool = False) -> str:
    """`text` in at most `limit` code points (what services count), "…" included when it is cut,
    between two whole characters; `at_word`: at the last space or line break, when one is near."""
    if len(text) <= limit:
        return text
    if limit < 1:
        return ""
    kept: list[str] = []
    used = 0
    for character in graphemes(text):
        if used + len(character) > limit - 1:
            break
        kept.append(character)
        used += len(character)
    cut = "".join(kept)
    if at_word:
        space = max(cut.rfind(" "), cut.rfind("\n"))
        if space >= (limit - 1) * WORD_CUT_WITHIN:
            cut = cut[:space]
    return cut.rstrip() + "…"
