"""Untrusted text made safe to show: in a terminal, and as the cause of a database error.

Comments, author names, alert titles, platform errors, config values, paths and arguments
are untrusted: whoever wrote them may have put terminal escape sequences in them (clear the
screen, set the window title, an OSC 8 hyperlink to somewhere else) or bidi overrides that
make the text read differently from what it is. `terminal_text` drops those; print its
result as plain text (`rich.text.Text`, or `markup=False`), never as rich markup.

A database error (SQLAlchemy's `StatementError`) carries the whole statement and its
parameters, customers' texts included: `error_summary` keeps the driver's first line.
"""

from __future__ import annotations

import logging
import re

log = logging.getLogger("socialmon.database")

# Whole escape sequences first, so that no residue ("[2J", "]0;title") is left behind:
# CSI (ESC [ … final byte, or the one-byte C1 CSI), OSC/DCS/SOS/PM/APC strings (up to BEL,
# ST or the end of the text), then any other two-byte ESC sequence.
_SEQUENCES = re.compile(
    r"(?:\x1b\[|\x9b)[\x30-\x3f]*[\x20-\x2f]*[\x40-\x7e]?"
    r"|(?:\x1b[\]PX^_]|[\x90\x98\x9d\x9e\x9f])[^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?"
    r"|\x1b[\x20-\x7e]?"
)
# What is left: C0 controls but tab and newline, DEL, C1 controls, bidi embeddings,
# overrides (U+202A–U+202E) and isolates (U+2066–U+2069).
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_LINE_BREAKS = re.compile(r"\r\n?|[\n\t]")


def terminal_text(text: object, *, multiline: bool = False) -> str:
    """`text` with no escape sequence, control character or bidi override left.

    `multiline`: keep newlines and tabs (a carriage return becomes a newline: it cannot
    overwrite what was printed); otherwise each becomes a space, for one-line output.
    """
    value = text if isinstance(text, str) else str(text)
    if value.isprintable():  # the common case: nothing to do (no control, no bidi format)
        return value
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    if not multiline:
        value = _LINE_BREAKS.sub(" ", value)
    return _CONTROLS.sub("", _SEQUENCES.sub("", value))


def error_summary(error: BaseException) -> str:
    """`Type: message` for a person, with a database error cut to the driver's first line.

    The statement and its parameters (which carry customers' texts, kilobytes of them) are
    logged at debug level instead.
    """
    from sqlalchemy.exc import StatementError

    if isinstance(error, StatementError):
        log.debug("failed statement: %s\nparameters: %r", error.statement, error.params)
        cause = error.orig if error.orig is not None else error
        lines = str(cause).strip().splitlines() or [""]
        return terminal_text(f"{type(cause).__name__}: {lines[0]}".rstrip(": "))
    return terminal_text(f"{type(error).__name__}: {error}")
