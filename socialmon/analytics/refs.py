"""A comment's short reference, `#k3m9x2`: what `pending` and the reports show and `label` takes.

It is derived from the brand's slug, the channel's name and the comment's platform id only,
so the same comment has the same reference after any number of scans, in a new database
and after a re-import of the same export. Row ids are never shown: they differ between
databases. The code starts with a letter (a bare number is always a platform id), avoids
letters that read alike (i, l, o, u, 0, 1), and is written with `#` in front; `label`
takes it with or without the `#` (unquoted, a shell reads `#…` as a comment).

Six characters give about 5 × 10⁸ codes: two comments of one database can share one, and
`label` then asks for `brand/channel/platform-id` instead of guessing.
"""

from __future__ import annotations

import hashlib

LETTERS = "abcdefghjkmnpqrstvwxyz"
ALPHABET = LETTERS + "23456789"
LENGTH = 6


def comment_code(brand: str, channel: str, platform_id: str) -> str:
    """The code without `#`: a letter, then five letters or digits."""
    digest = int.from_bytes(hashlib.sha256(f"{brand}/{channel}/{platform_id}".encode()).digest()[:8], "big")
    digest, first = divmod(digest, len(LETTERS))
    code = [LETTERS[first]]
    for _ in range(LENGTH - 1):
        digest, index = divmod(digest, len(ALPHABET))
        code.append(ALPHABET[index])
    return "".join(code)


def comment_ref(brand: str, channel: str, platform_id: str) -> str:
    """`#` and the code: how every listing shows a comment."""
    return "#" + comment_code(brand, channel, platform_id)


def looks_like_code(text: str) -> bool:
    """Whether `text` (without `#`) could be a code; case does not matter."""
    text = text.lower()
    return len(text) == LENGTH and text[0] in LETTERS and all(c in ALPHABET for c in text)
