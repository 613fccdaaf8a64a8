"""The negative-spike statistic: the last window against the brand's own recent baseline.

Windows are consecutive, equally long and end at the moment of evaluation: W0 is the last
`window` (24 h by default), W1 … WB the B windows before it that fill `baseline_days`
(B = 7 for a day against the previous week). For each window the customer comments and the
negative ones among them are counted, the label being a person's correction where there is one.

- observed x: W0's negative share n0/t0 (metric "share") or its negative count n0 ("count");
- baseline μ and s: the mean and sample standard deviation of the same figure over W1 … WB
  (for the share, only windows that had comments);
- noise floor: one window's own sampling noise, so a brand whose baseline barely moves does
  not fire on a wobble — √(μ(1−μ)/t0) for a share (binomial), √μ for a count (Poisson);
- σ = max(s, floor), z = (x − μ) / σ, ratio = x / μ.

It fires when t0 ≥ min_comments, n0 ≥ min_negative, at least `MIN_HISTORY` baseline windows
(or all of them, when there are fewer) had comments, and x > μ + k·σ. The volume minimums keep
a quiet brand's one angry comment (1 of 2 comments: a 50 % share) from firing; the brand's own
spread keeps a busy brand's ordinary ups and downs from firing; the history minimum keeps a
brand whose stored comments start today (a channel just added, a platform that only returns
recent comments) from being compared with an empty past — μ = 0 would make any day a storm.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from statistics import fmean, stdev
from typing import Any

from babel.numbers import format_percent
from sqlalchemy import Integer, bindparam, case, cast, false, func, literal, select, union_all

from socialmon.analytics._sql import seconds_between
from socialmon.config import NegativeSpikeRule
from socialmon.database import Database
from socialmon.labels import effective_label
from socialmon.render.i18n import Lang
from socialmon.tables import COMMENT

MIN_HISTORY = 3  # baseline windows with comments needed to judge a window against them


@dataclass(frozen=True)
class WindowCount:
    comments: int
    negative: int


_REASONS = {
    "history": "{history} of the {windows} baseline windows had comments: too little history",
    "few_comments": "{comments} comments in the window, fewer than {minimum}",
    "few_negative": "{negative} negative comments, fewer than {minimum}",
    "within": "{observed} is within the baseline {mean} + {k}σ ({threshold})",
    "above": "{observed} is above the baseline {mean} + {k}σ ({threshold})",
}


class SpikeReason(str):
    """Why the rule did or did not fire, in English: a str, as every rule's note is. `key` and
    `values` (counts; `figures` of the metric, as shares when it is one) let `alerts check` say
    it in its language (`said_in`)."""

    key: str
    values: dict[str, str]
    figures: dict[str, float]
    share: bool

    def __new__(
        cls, key: str, figures: dict[str, float] | None = None, share: bool = False, **values: str
    ) -> SpikeReason:
        english = Lang("en")
        shown = {name: spike_figure(value, share, english) for name, value in (figures or {}).items()}
        reason = super().__new__(cls, _REASONS[key].format(**values, **shown))
        reason.key, reason.values, reason.figures, reason.share = key, values, dict(figures or {}), share
        return reason

    def values_in(self, lang: Lang) -> dict[str, str]:
        """The values to word it with, figures formatted for `lang` ("29,4 %" in Spanish)."""
        return {**self.values, **{n: spike_figure(v, self.share, lang) for n, v in self.figures.items()}}

    def __reduce__(self) -> tuple[Any, ...]:  # copy and pickle rebuild it from its key and values
        return (_spike_reason, (self.key, self.values, self.figures, self.share))


def _spike_reason(key: str, values: dict[str, str], figures: dict[str, float], share: bool) -> SpikeReason:
    return SpikeReason(key, figures, share, **values)


def spike_figure(value: float, share: bool, lang: Lang) -> str:
    """A figure of the rule as the alert words it: a share as a percentage ("29.4%", "29,4 %"),
    a count with one decimal; one decimal more than the alert, for judging the threshold."""
    if not share:
        return lang.number(value, 1)
    pattern = "#,##0.0 %" if lang.language == "es" else "#,##0.0%"
    return format_percent(value, format=pattern, locale=lang.locale)


@dataclass(frozen=True)
class SpikeResult:
    fires: bool
    metric: str
    observed: float
    baseline: float
    spread: float  # σ: the larger of the baseline's standard deviation and the noise floor
    threshold: float  # μ + k·σ
    z: float | None  # None when σ is 0
    ratio: float | None  # None when the baseline is 0
    comments: int
    negative: int
    reason: SpikeReason  # why it did or did not fire, for `alerts check` and tests


def spike_statistic(
    current: WindowCount, baseline: list[WindowCount], rule: NegativeSpikeRule
) -> SpikeResult:
    """Compare the current window with the baseline windows (most recent first)."""
    if rule.metric == "share":
        observed = current.negative / current.comments if current.comments else 0.0
        values = [w.negative / w.comments for w in baseline if w.comments]
    else:
        observed = float(current.negative)
        values = [float(w.negative) for w in baseline]
    mean = fmean(values) if values else 0.0
    spread = stdev(values) if len(values) >= 2 else 0.0
    if rule.metric == "share":
        floor = math.sqrt(mean * (1 - mean) / current.comments) if current.comments else 0.0
    else:
        floor = math.sqrt(mean)
    sigma = max(spread, floor)
    threshold = mean + rule.k * sigma
    z = (observed - mean) / sigma if sigma > 0 else None
    ratio = observed / mean if mean > 0 else None
    history = sum(1 for w in baseline if w.comments)
    figures = {"observed": observed, "mean": mean, "threshold": threshold}
    share = rule.metric == "share"
    if history < min(MIN_HISTORY, len(baseline)):
        fires, reason = False, SpikeReason("history", history=str(history), windows=str(len(baseline)))
    elif current.comments < rule.min_comments:
        fires = False
        reason = SpikeReason("few_comments", comments=str(current.comments), minimum=str(rule.min_comments))
    elif current.negative < rule.min_negative:
        fires = False
        reason = SpikeReason("few_negative", negative=str(current.negative), minimum=str(rule.min_negative))
    elif observed <= threshold:
        fires, reason = False, SpikeReason("within", figures, share, k=f"{rule.k:g}")
    else:
        fires, reason = True, SpikeReason("above", figures, share, k=f"{rule.k:g}")
    return SpikeResult(
        fires=fires,
        metric=rule.metric,
        observed=observed,
        baseline=mean,
        spread=sigma,
        threshold=threshold,
        z=z,
        ratio=ratio,
        comments=current.comments,
        negative=current.negative,
        reason=reason,
    )


# Up to this many windows (the default: a day against the 7 before), each is counted over its
# own range of the comments' time index, in one statement: no date arithmetic per comment and
# no sort (bench_alerts --days 7: 57 -> 18 ms on SQLite). More windows (an hour against weeks)
# are counted in one grouped pass, as a statement per window would take longer to build than run.
RANGED_WINDOWS = 32


def window_counts(
    database: Database, channel_ids: list[int], now: datetime, window_minutes: float, baseline_days: int
) -> tuple[WindowCount, list[WindowCount]]:
    """Customer comments and negative ones per window: the current one, then the baseline's.

    Window i holds the comments whose age at `now`, in whole seconds of the window's length,
    is in [i·w, (i+1)·w): ages as `seconds_between` counts them (whole seconds on SQLite).
    """
    window = timedelta(minutes=window_minutes)
    count = 1 + max(int(timedelta(days=baseline_days) / window), 1)
    if not channel_ids:
        return WindowCount(0, 0), [WindowCount(0, 0)] * (count - 1)
    now = now.astimezone(UTC)  # window edges in real time, whatever zone `now` came in
    seconds = int(window.total_seconds())
    negative = case((effective_label() == "negative", 1), else_=0)
    customer = (
        # Written into the statement (integers): bound, they would be repeated in every window's part.
        COMMENT.c.channel_id.in_(
            bindparam("spike_channels", channel_ids, expanding=True, literal_execute=True)
        ),
        COMMENT.c.is_business == false(),
        COMMENT.c.deleted == false(),
    )
    if count <= RANGED_WINDOWS:
        query: Any = union_all(
            *(
                select(literal(slot, Integer), func.count(), func.sum(negative)).where(
                    *customer, *_window_range(slot, now, seconds, database.dialect)
                )
                for slot in range(count)
            )
        )
    else:
        dialect = database.dialect
        start = now - window * count
        age = seconds_between(literal(now, COMMENT.c.created_at.type), COMMENT.c.created_at, dialect)
        index = cast(age, Integer) // seconds if dialect == "sqlite" else func.floor(age / seconds)
        index = index.label("window_index")
        query = (
            select(index, func.count(), func.sum(negative))
            .where(
                *customer,
                COMMENT.c.created_at > start,  # window i holds ages in [i·w, (i+1)·w)
                COMMENT.c.created_at <= now,
            )
            .group_by(index)
        )
    counts = [WindowCount(0, 0) for _ in range(count)]
    with database.read() as connection:
        for position, comments, negatives in connection.execute(query):
            slot = int(position)
            if 0 <= slot < count:
                counts[slot] = WindowCount(int(comments), int(negatives or 0))
    return counts[0], counts[1:]


def _window_range(slot: int, now: datetime, seconds: int, dialect: str) -> tuple[Any, ...]:
    """The conditions on `created_at` of the comments in window `slot` (see `window_counts`).

    PostgreSQL's ages are exact: now - (i+1)·w < created_at <= now - i·w. SQLite's count whole
    seconds of both times, so the bounds move to the second after: created_at from
    now' - (i+1)·w + 1 s to before now' - i·w + 1 s, where now' is `now` without its fraction;
    the last window still ends at `now`.
    """
    created = COMMENT.c.created_at
    length = timedelta(seconds=seconds)
    if dialect == "postgresql":
        return created > now - length * (slot + 1), created <= now - length * slot
    whole = now.replace(microsecond=0) + timedelta(seconds=1)
    upper = created <= now if slot == 0 else created < whole - length * slot
    return created >= whole - length * (slot + 1), upper
