"""What a rule hands to the alert store: findings, and which of its open alerts still hold."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

NEGATIVE_SPIKE = "negative-spike"
WAITING = "waiting"
WATCH_LIST = "watch-list"
HEATING_UP = "heating-up"
REPLY_WINDOW = "reply-window"
CONNECTOR_TROUBLE = "connector-trouble"
DIGEST = "digest"  # not a rule: the alerts a run raised beyond the brand's cap, summed up in one
RULES = (NEGATIVE_SPIKE, WAITING, WATCH_LIST, HEATING_UP, REPLY_WINDOW, CONNECTOR_TROUBLE)
SEVERITIES = ("info", "warning", "critical")  # in increasing order


@dataclass(frozen=True)
class Finding:
    """Something a rule saw. `key` is the dedup key: the same thing seen again is the same key.

    A group (a wave of late comments, a burst of watch-list words, one day's comments heating
    up or whose reply window closes) carries `comment_ids` in its facts: the comments it found,
    and `negative_ids`. Found again under the same key it is merged into the stored alert, which
    grows by the comments it does not hold yet (see `store.record`). A finding with a `count`
    fact (a spike, a post heating up) replaces the stored facts when its count grew.
    """

    rule: str
    key: str
    severity: str
    facts: dict[str, Any]
    channel_id: int | None = None
    subject_id: int | None = None
    cooldown_minutes: float | None = None  # no new alert of this rule for the brand within it
    # Of `comment_ids`, those labelled negative: a group that grows counts the negative ones among
    # the comments it adds, not every one found again. Whatever writes `comment_ids` fills it
    # (`rules.group`): left empty, a growing group would count none of its new comments negative.
    negative_ids: frozenset[int] = frozenset()


@dataclass(frozen=True)
class Examined:
    """The texts the watch-list rule examined in a run, for the next runs to skip (`rules.watch_list`).

    `comments`: (comment id, text length, `updated_at`) as the rule read each row;
    `terms`: the digest of the terms they were matched with; `keep_since`: rows examined before
    this moment are of comments past the rule's lookback, and are deleted.
    """

    terms: str
    comments: list[tuple[int, int, Any]]  # `updated_at` as stored (`rules.as_stored`)
    keep_since: datetime


@dataclass
class RuleOutcome:
    """A rule's findings, and which of its open alerts (keys starting with `prefix`) are still true.

    With `still_open` None the rule's open alerts are left as they are; with a set, an open
    alert whose key starting with `prefix` is not in it has resolved (the comment got an
    answer, the channel scans again) and is closed.
    """

    rule: str
    prefix: str
    findings: list[Finding] = field(default_factory=list)
    still_open: set[str] | None = None
    note: str = ""  # why it did or did not fire, for `alerts check`
    # For group alerts: comments that still hold (unanswered, within the reach, window still open),
    # at least one of each open alert that holds. An open group alert under `prefix` with none of
    # its comments among them has resolved; one with a comment on a channel skipped this run
    # (half-imported) is left as it is.
    live: set[int] | None = None
    # With `live`: the open alerts the rule judged (their keys). One it did not see (another
    # process raised it after the rule read the alerts) is left as it is, for the next run.
    judged: set[str] | None = None
    # The watch-list's texts examined this run: stored with the alerts (`store.record`).
    examined: Examined | None = None
