"""A score crosses from the scan's scoring workers to the scan pickled: every field must come back."""

from __future__ import annotations

import dataclasses
import pickle
from typing import Any

import pytest

from socialmon.sentiment.base import Sentiment

NOT_DEFAULT: dict[type, Any] = {str: "pt", float: -0.4321, bool: True}


def every_field_set() -> Sentiment:
    """A score whose every field differs from its default (a field added later is set too)."""
    values = {}
    for number, field in enumerate(dataclasses.fields(Sentiment)):
        kind = type(field.default) if field.default is not dataclasses.MISSING else None
        values[field.name] = NOT_DEFAULT.get(kind, 0.1 + number / 100) if kind else f"value-{number}"
    values["label"] = "negative"
    values["language"] = "pt"
    values["compound"] = -0.75
    return Sentiment(**values)


@pytest.mark.parametrize("protocol", range(2, pickle.HIGHEST_PROTOCOL + 1))
def test_a_score_comes_back_from_a_pickle_with_every_field(protocol: int) -> None:
    score = every_field_set()
    back = pickle.loads(pickle.dumps([score, score], protocol=protocol))
    assert back == [score, score]
    assert dataclasses.astuple(back[0]) == dataclasses.astuple(score)
    assert all(
        getattr(score, field.name) != field.default
        for field in dataclasses.fields(Sentiment)
        if field.default is not dataclasses.MISSING
    )
