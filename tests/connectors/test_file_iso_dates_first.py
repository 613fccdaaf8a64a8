"""The file connector reads a date that opens with a year and a dash as ISO 8601 at once, without
trying its other forms (`_Parser.timestamp`): none of them can take such a text, whatever follows."""

from __future__ import annotations

from datetime import UTC, datetime

from hypothesis import given, settings
from hypothesis import strategies as st

from socialmon_connectors.file import _NUMERIC_DATE, _RELATIVE, FileSettings, _Parser

# Digits of any script (str.isdigit takes "²" and "٣" too) and what a date's text is made of.
_DIGITS = st.sampled_from("0123456789²٣۴५")
_REST = st.text(alphabet=st.sampled_from("0123456789-/.:T Zz+apm,today²٣"), max_size=30)


@settings(max_examples=500, deadline=None)
@given(year=st.text(alphabet=_DIGITS, min_size=4, max_size=4), rest=_REST)
def test_a_year_and_a_dash_is_none_of_the_other_forms(year: str, rest: str) -> None:
    text = f"{year}-{rest}".strip()
    assert not text.lstrip("-").replace(".", "", 1).isdigit()  # no Unix time
    assert _RELATIVE.match(text) is None
    assert _NUMERIC_DATE.match(text) is None


def test_iso_dates_and_the_other_forms_still_read() -> None:
    parser = _Parser(FileSettings.model_validate({"path": "export.jsonl"}), "UTC")
    assert parser.timestamp("created_at", "2026-01-01T05:13:00+00:00") == datetime(
        2026, 1, 1, 5, 13, tzinfo=UTC
    )
    assert parser.timestamp("created_at", " 2026-01-01T05:13:00Z ") == datetime(2026, 1, 1, 5, 13, tzinfo=UTC)
    assert parser.timestamp("created_at", "2026-11-20 9:05").hour == 9  # a spreadsheet's one-digit hour
    assert parser.timestamp("created_at", "1767244380") == datetime(2026, 1, 1, 5, 13, tzinfo=UTC)
