"""A score crosses from the scan's scoring workers to the scan pickled: every field must come back."""

from __future__ import annotations

import dataclasses
import pickle
from typing import Any

import pytest

from socialmon.sentiment.base import Sentiment


def every_field_set() -> Sentiment:
    """A score whose every field differs from its default and from every other field (a field
    added later too), so that a field lost or two swapped on the way is seen."""
    values: dict[str, Any] = {}
    for number, field in enumerate(dataclasses.fields(Sentiment)):
        default = field.default
        if isinstance(default, bool):
            values[field.name] = not default
        elif isinstance(default, float):
            values[field.name] = default + 0.1 + number / 100
        else:
            values[field.name] = f"value-{number}"
    values.update(language="pt", compound=-0.75, label="negative")
    return Sentiment(**values)


@pytest.mark.parametrize("protocol", range(2, pickle.HIGHEST_PROTOCOL + 1))
def test_a_score_comes_back_from_a_pickle_with_every_field(protocol: int) -> None:
    score = every_field_set()
    back = pickle.loads(pickle.dumps([score, score], protocol=protocol))
    assert back == [score, score]
    assert dataclasses.astuple(back[0]) == dataclasses.astuple(score)
    values = dataclasses.astuple(score)
    assert all(getattr(score, f.name) != f.default for f in dataclasses.fields(Sentiment))
    assert len({value for value in values if not isinstance(value, bool)}) == len(values) - 1
