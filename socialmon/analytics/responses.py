"""First response times and the comments still waiting for one — paired in SQL.

Definitions (defaults; each is a `[reports]` option, printed at the foot of every report):

- A **customer comment** is a comment, reply or review not written by the business and
  not deleted on the platform, written in the window.
- Its **first response** is the earliest reply in the same channel that
  - answers it directly (its parent is the comment), or — with `reply_match = "thread"`,
    for platforms with one level of threading — replies to the same parent later than it
    (unless that parent is the business's own comment and `self_thread_replies = false`);
  - is written by the business (`reply_by = "business"`), or by anyone but the comment's
    author (`reply_by = "anyone"`).
  A reply to a reply further down a deep thread (Reddit, Mastodon) does not count. A reply
  deleted on the platform still counts, except the owner's reply to a review (a comment with
  stars: Google's, an export's review rows): removed, the review shows no answer and waits again.
- The **wait** is the time from the comment to that reply (never negative). Waits are
  reported for answered comments only: median, p90 (interpolated, as PostgreSQL's
  `percentile_cont`), mean; the **response rate** is answered / timed comments, and the
  **SLA share** is comments answered within the brand's `response_sla` / timed comments
  (so an unanswered comment counts against it), as Sprout Social and Agorapulse do.
- With `conversation_gap` set, a customer comment that follows another customer comment
  in the same thread within the gap, with no reply between, continues that conversation
  and is not timed on its own (Hootsuite's conversation model); otherwise every customer
  comment is timed.
- Replies that arrive after the window's end still count: the report is as of now.
- A customer comment with no first response is **waiting** (needs-reply, `pending`, the `waiting`
  alert), unless nobody can reply under its post any more (`post.replies_closed`: Instagram media
  with comments turned off, a Reddit post locked or archived): it still counts, unanswered, in
  the response rate and the SLA share, and its label in the sentiment figures.
- A customer comment whose whole text is a thanks or a closing ("¡Gracias! 😍", "Perfecto,
  gracias!", "👍": `comment.is_acknowledgement`, see `socialmon.acknowledgement`) needs no answer:
  it is neither timed (response times, response rate, SLA share) nor waiting; its label still
  counts in the sentiment figures (`customer_comments` keeps it, `first_responses` does not).

Private messages (comments of kind "message": Messenger, Instagram Direct, WhatsApp chats) are
measured by **turns**, not one by one: a customer's turn is one or more consecutive customer
messages of a conversation (deleted ones left out); it waits from its first message until the
business's next message in that conversation — the turn's first response — and a turn with no
business message after it is waiting. A customer message that is only a thanks or a closing
(`is_acknowledgement`) is left out of the turns, as if unsaid: a turn needs an answer when any
of its messages does, and waits from the first that does ("Gracias 🙏" on Monday, "¿y el
domingo abren?" on Thursday: from Thursday); a chat's closing "Perfecto, gracias!" makes no turn. A turn belongs to the window its first message is in, is
timed once and listed once among those waiting (by its first message; a negative turn by its
first negative message, the complaint); its label is negative when any of its messages is, else
its first message's. `reply_match`, `reply_by` and
`conversation_gap` are rules of public threads and do not apply to turns. Every figure is given
for public comments and messages together, and, for a brand with messages, for each apart.
"""

from __future__ import annotations

import heapq
from bisect import bisect_right
from collections import defaultdict
from collections.abc import Collection, Mapping, Sequence
from datetime import UTC, date, datetime, timedelta
from itertools import chain
from statistics import fmean
from typing import TYPE_CHECKING, Any, NamedTuple

from sqlalchemy import (
    bindparam,
    case,
    exists,
    false,
    func,
    literal,
    not_,
    null,
    or_,
    select,
    true,
)
from sqlalchemy.sql.elements import ColumnElement

from socialmon.analytics._sql import bucket_start, epoch_micros_of, local_bucket, seconds_between
from socialmon.analytics.business_time import BusinessCalendar, brand_calendar, epoch_micros
from socialmon.analytics.results import (
    KindCount,
    NeedsReply,
    PendingComment,
    ResponseGroup,
    ResponseTimes,
    WaitStats,
)
from socialmon.analytics.scope import Scope
from socialmon.database import Database
from socialmon.tables import CHANNEL, COMMENT, POST, comment_as

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection


def rating_label(rating: Any) -> ColumnElement[Any]:
    """The label a star rating gives, NULL without one: 1–2 stars negative, 3 neutral, 4–5
    positive (a half star rounds to the nearest: 2.5 is neutral, 3.5 positive)."""
    return case(
        (rating.is_(None), null()),
        (rating < 2.5, "negative"),
        (rating < 3.5, "neutral"),
        else_="positive",
    )


def effective_label(table: Any) -> ColumnElement[Any]:
    """The label every report, trend, alert and `pending --negative-first` uses: a person's
    correction, else the customer's own stars (a review's rating), else the scorer's label of
    the text. The text's score (`sentiment_label`, `sentiment_compound`) stays stored beside it."""
    return func.coalesce(table.c.label_override, rating_label(table.c.rating), table.c.sentiment_label)


def _replies_to(reply: Any, comment: Any, scope: Scope) -> ColumnElement[bool]:
    if scope.rules.reply_by == "business":
        return reply.c.is_business == true()
    return or_(reply.c.is_business == true(), reply.c.author_id.is_distinct_from(comment.c.author_id))


def _first_replies(
    comment: Any, scope: Scope, dialect: str
) -> tuple[ColumnElement[Any], ColumnElement[Any] | None]:
    """Correlated scalar subqueries: the first direct reply, and (thread rule) the first later sibling
    reply, each as epoch microseconds (the order of stored times, so the minimum is the first reply's).

    Each is selected once and the earlier of the two is taken in Python: SQLite repeats a correlated
    subquery wherever its value is used, so neither is combined with the other in SQL.
    """
    direct = comment_as("direct_reply")
    answers = (
        direct.c.channel_id == comment.c.channel_id,
        direct.c.parent_platform_id == comment.c.platform_id,
        _replies_to(direct, comment, scope),
    )
    first_at = func.min(epoch_micros_of(direct.c.created_at, dialect))
    direct_at = select(first_at).where(*answers).scalar_subquery()
    # The owner's reply to a review (a comment with stars: Google's `reviewReply`, an export's review
    # rows) is its one answer, shown with it: once the owner removes it, the review shows none and
    # waits again. Any other deleted reply still counts as the answer it was. Reviews are told by
    # their rating, which the report's covering index holds (`kind` it does not). They are looked
    # up apart, so that any other comment's lookup stays on the reply index alone.
    review_at = select(first_at).where(*answers, direct.c.deleted == false())
    direct_at = case((comment.c.rating.is_(None), direct_at), else_=review_at.scalar_subquery())
    if scope.rules.reply_match == "direct":
        return direct_at, None
    sibling = comment_as("thread_reply")
    conditions = [
        sibling.c.channel_id == comment.c.channel_id,
        sibling.c.parent_platform_id == comment.c.parent_platform_id,
        _replies_to(sibling, comment, scope),
        sibling.c.created_at > comment.c.created_at,
    ]
    if not scope.rules.self_thread_replies:
        parent = comment_as("thread_parent")
        conditions.append(
            not_(
                select(parent.c.id)
                .where(
                    parent.c.channel_id == comment.c.channel_id,
                    parent.c.platform_id == comment.c.parent_platform_id,
                    parent.c.is_business == true(),
                )
                # With the comment judged, two levels out: left to itself SQLAlchemy correlates with
                # the sibling's query only, and read the comment table again, so that one reply under
                # any business comment made every thread's later reply answer no one.
                .correlate(comment)
                .exists()
            )
        )
    sibling_at = select(func.min(epoch_micros_of(sibling.c.created_at, dialect))).where(*conditions)
    # A top-level comment has no siblings: not looked up (four comments in five on the benchmark),
    # 12% fewer SQLite VM steps for the pairing, and ~15% less PostgreSQL CPU (1M comments).
    return direct_at, case((comment.c.parent_platform_id.is_not(None), sibling_at.scalar_subquery()))


MESSAGE = "message"  # the comment kind of a private message


def needs_an_answer(comment: Any) -> ColumnElement[bool]:
    """The comment's text is more than a thanks or a closing (`comment.is_acknowledgement`, stored
    as it is written): a customer's then needs an answer. Stored in the report's covering index
    (`ix_comment_report_window`, 0016), so the pairing filters on it without reading the rows.

    A stored flag rather than the rule in SQL: the rule (`socialmon.acknowledgement`) reads words
    and emoji against lists, which SQLite's and PostgreSQL's string functions cannot say alike, and
    a report would apply it to every comment of the window on every run."""
    return comment.c.is_acknowledgement == false()


KINDS = ("comment", "message")  # public comments (comments, replies, reviews) and private messages
_LOOKUP_CHUNK = 500  # ids per IN (...) lookup: well under SQLite's variable limit


def replies_closed(comment: Any) -> ColumnElement[bool]:
    """Whether nobody can reply under the comment's post any more (`post.replies_closed`: Instagram
    media with comments turned off, a Reddit post locked or archived): the post looked up by its key
    (`uq_post_channel_platform_id`)."""
    return exists().where(
        POST.c.channel_id == comment.c.channel_id,
        POST.c.platform_id == comment.c.post_platform_id,
        POST.c.replies_closed == true(),
    )


def any_replies_closed(connection: Connection, channel_ids: Sequence[int]) -> bool:
    """Whether any post of these channels takes no more replies. Most brands have none: then no
    comment's post is looked up (a pass over the channels' posts, ~1 ms for 7,300 on SQLite)."""
    if not channel_ids:
        return False
    found = exists().where(POST.c.channel_id.in_(channel_ids), POST.c.replies_closed == true())
    return bool(connection.execute(select(found)).scalar())


def closed_to_replies(database: Database, channel_ids: Sequence[int], ids: Collection[int]) -> set[int]:
    """Of the comments `ids` (of these channels), those under a post nobody can reply under any more."""
    if not ids:
        return set()
    ordered = sorted(ids)
    found: set[int] = set()
    query = select(COMMENT.c.id).where(
        COMMENT.c.id.in_(bindparam("ids", expanding=True)), replies_closed(COMMENT)
    )
    with database.read() as connection:
        if not any_replies_closed(connection, channel_ids):
            return found
        for start in range(0, len(ordered), _LOOKUP_CHUNK):
            found.update(connection.execute(query, {"ids": ordered[start : start + _LOOKUP_CHUNK]}).scalars())
    return found


def kind_of(table: Any) -> ColumnElement[Any]:
    """ "message" for a private message, "comment" for any public comment, reply or review."""
    return case((table.c.kind == MESSAGE, literal(MESSAGE)), else_=literal("comment"))


def customer_comments(
    scope: Scope,
    *,
    alias: str = "c",
    since: datetime | None = None,
    until: datetime | None = None,
    kind: str | None = None,
) -> Any:
    """An alias of the comment table and the conditions that keep the customer comments of the
    window (or of [since, until), a part of it); `kind` "comment" or "message" keeps one kind."""
    table = comment_as(alias)
    conditions = [
        table.c.channel_id.in_(scope.channel_ids),
        table.c.is_business == false(),
        table.c.deleted == false(),
        table.c.created_at >= (since or scope.since),
        table.c.created_at < (until or scope.until),
    ]
    if kind == MESSAGE:
        conditions.append(table.c.kind == MESSAGE)
    elif kind is not None:
        conditions.append(table.c.kind != MESSAGE)
    return table, conditions


def _conversation_starts(scope: Scope, dialect: str) -> Any:
    """Customer comments that begin a conversation (see `conversation_gap`), as a subquery of ids."""
    gap_seconds = (scope.rules.conversation_gap or 0) * 60
    thread = comment_as("t")
    key = func.coalesce(thread.c.parent_platform_id, thread.c.platform_id)
    ordered = (
        select(
            thread.c.id,
            thread.c.is_business,
            thread.c.created_at,
            func.lag(thread.c.created_at)
            .over(partition_by=(thread.c.channel_id, key), order_by=(thread.c.created_at, thread.c.id))
            .label("previous_at"),
            func.lag(thread.c.is_business)
            .over(partition_by=(thread.c.channel_id, key), order_by=(thread.c.created_at, thread.c.id))
            .label("previous_business"),
        )
        .where(
            thread.c.channel_id.in_(scope.channel_ids),
            thread.c.deleted == false(),
            # A customer's thanks is not part of the conversation: neither timed nor continued.
            or_(thread.c.is_business == true(), needs_an_answer(thread)),
            thread.c.created_at >= scope.since - timedelta(seconds=gap_seconds),
            thread.c.created_at < scope.until,
        )
        .subquery("ordered")
    )
    gap = seconds_between(ordered.c.created_at, ordered.c.previous_at, dialect)
    return select(ordered.c.id).where(
        ordered.c.is_business == false(),
        or_(ordered.c.previous_at.is_(None), ordered.c.previous_business == true(), gap > gap_seconds),
    )


def first_responses(scope: Scope, dialect: str) -> Any:
    """One row per customer comment that needs an answer (`needs_an_answer`: not a thanks): id,
    channel, local period (as `local_bucket` gives it), time,
    first direct reply and first later sibling reply (epoch microseconds; the thread one NULL
    under `reply_match = "direct"`), label, timed.

    `timed` is false for a comment that continues a conversation (see `conversation_gap`):
    response times skip it, needs-reply does not.
    """
    comment, conditions = customer_comments(scope, kind="comment" if scope.has_messages else None)
    conditions.append(needs_an_answer(comment))  # a thanks: neither timed nor waiting
    direct_at, sibling_at = _first_replies(comment, scope, dialect)
    timed = comment.c.id.in_(_conversation_starts(scope, dialect)) if scope.rules.conversation_gap else true()
    return select(
        comment.c.id,
        comment.c.channel_id,
        local_bucket(
            comment.c.created_at, scope.brand.timezone, scope.period, dialect, scope.since, scope.until
        ).label("period"),
        epoch_micros_of(comment.c.created_at, dialect).label("created"),
        direct_at.label("direct_reply"),
        (sibling_at if sibling_at is not None else null()).label("sibling_reply"),
        effective_label(comment).label("label"),
        timed.label("timed"),
    ).where(*conditions)


class PairedComment(NamedTuple):
    """A customer comment of the window with its first response (`first_reply` None: still waiting),
    or a customer's turn of a conversation, by its first message (`kind` "message")."""

    id: int
    channel_id: int
    period: str
    created: int  # microseconds since the epoch
    first_reply: int | None
    wait: float | None  # wall-clock seconds (whole seconds on SQLite)
    label: str | None
    timed: bool
    kind: str = "comment"  # "comment" (public: comments, replies, reviews) or "message" (a turn)
    turn: tuple[int, ...] = ()  # a turn's other messages (ids), after its first


def turn_messages(scope: Scope, dialect: str) -> Any:
    """The customer messages written in the window, each with the business's next message in its
    conversation (epoch microseconds, NULL: none yet) and whether it begins a turn (the message
    before it in the conversation is the business's, or there is none). Deleted messages and the
    customer's thanks (`needs_an_answer`) are left out of the conversation. Columns: id, channel,
    conversation, period, created, reply, starts, label."""
    message = comment_as("m")
    conversation = (message.c.channel_id, message.c.post_platform_id)
    order = (message.c.created_at, message.c.id)
    ordered = (
        select(
            message.c.id,
            message.c.channel_id,
            message.c.post_platform_id,
            message.c.created_at,
            message.c.is_business,
            effective_label(message).label("label"),
            func.lag(message.c.is_business)
            .over(partition_by=conversation, order_by=order)
            .label("previous_business"),
            func.min(case((message.c.is_business == true(), epoch_micros_of(message.c.created_at, dialect))))
            .over(partition_by=conversation, order_by=order, rows=(1, None))
            .label("reply"),
        )
        .where(
            message.c.channel_id.in_(sorted(scope.message_channels.intersection(scope.channel_ids))),
            message.c.kind == MESSAGE,
            message.c.deleted == false(),
            # A customer's thanks or closing is left out of the turns (see the module's docstring).
            or_(message.c.is_business == true(), needs_an_answer(message)),
        )
        .subquery("conversation")
    )
    starts = or_(ordered.c.previous_business.is_(None), ordered.c.previous_business == true())
    return (
        select(
            ordered.c.id,
            ordered.c.channel_id,
            ordered.c.post_platform_id,
            local_bucket(
                ordered.c.created_at, scope.brand.timezone, scope.period, dialect, scope.since, scope.until
            ).label("period"),
            epoch_micros_of(ordered.c.created_at, dialect).label("created"),
            ordered.c.reply,
            case((starts, 1), else_=0).label("starts"),
            ordered.c.label,
        )
        .where(
            ordered.c.is_business == false(),
            ordered.c.created_at >= scope.since,
            ordered.c.created_at < scope.until,
        )
        .order_by(ordered.c.channel_id, ordered.c.post_platform_id, ordered.c.created_at, ordered.c.id)
    )


def _pair_turns(database: Database, scope: Scope) -> list[PairedComment]:
    """The window's customer turns, each by its first message, with its first response."""
    whole_seconds = database.dialect == "sqlite"
    with database.read() as connection:
        rows = connection.execute(turn_messages(scope, database.dialect)).all()
    result: list[PairedComment] = []
    current: list[Any] = []  # the turn being gathered: its messages' rows, first message first

    def close() -> None:
        if not current or not current[0].starts:
            return  # (a turn begun before the window is the earlier window's)
        first = current[0]
        reply = first.reply
        if reply is None:
            wait = None
        elif whole_seconds:
            wait = float(max(reply // 1_000_000 - first.created // 1_000_000, 0))
        else:
            wait = max((reply - first.created) / 1_000_000, 0.0)
        labels = [row.label for row in current]
        label = "negative" if "negative" in labels else first.label
        result.append(
            PairedComment(
                first.id,
                first.channel_id,
                bucket_start(first.period),
                first.created,
                reply,
                wait,
                label,
                True,
                MESSAGE,
                tuple(row.id for row in current[1:]),
            )
        )

    for row in rows:
        if (
            row.starts
            or not current
            or (row.channel_id, row.post_platform_id) != (current[0].channel_id, current[0].post_platform_id)
        ):
            close()
            current = [row]
        else:
            current.append(row)
    close()
    return result


def pair_first_replies(database: Database, scope: Scope) -> list[PairedComment]:
    """The window's customer comments, each paired with its first response: one SQL pass per report.

    Response times and needs-reply both read it, so a report pairs comments with replies once.
    """
    if not scope.channel_ids:
        return []
    turns = _pair_turns(database, scope) if scope.has_messages else []
    # The wall-clock wait as the dialect's own date arithmetic gives it: SQLite's date functions
    # count whole seconds, PostgreSQL's epoch difference is exact.
    whole_seconds = database.dialect == "sqlite"
    result = []
    append = result.append  # tens of thousands of rows: the loop is kept lean
    periods: dict[Any, str] = {}
    with database.read() as connection:
        # Rows are read as they come, not into a list first: that list and the result side by
        # side were 25 MB of a 90-day report's peak over 50,000 comments. They come in batches of
        # 500, not one by one: a row at a time cost psycopg ~1 µs of Python each (32,000 rows:
        # 38-56 ms of CPU against 25-33 ms in batches; SQLite ~10 ms less too, bench_report data).
        rows = connection.execute(first_responses(scope, database.dialect))
        for id_, channel_id, bucket, created, direct, sibling, label, timed in chain.from_iterable(
            rows.partitions(500)
        ):
            period = periods.get(bucket) or periods.setdefault(bucket, bucket_start(bucket))
            first_reply = (
                sibling if direct is None else direct if sibling is None or direct <= sibling else sibling
            )
            if first_reply is None:
                wait = None
            elif whole_seconds:
                wait = float(max(first_reply // 1_000_000 - created // 1_000_000, 0))
            else:
                wait = max((first_reply - created) / 1_000_000, 0.0)
            append(PairedComment(id_, channel_id, period, created, first_reply, wait, label, bool(timed)))
    if turns:
        result += turns
        result.sort(key=lambda row: (row.created, row.id))
    return result


def _minutes(seconds: Any) -> float | None:
    return None if seconds is None else float(seconds) / 60


def _percentile_py(values: list[float], numerator: int, denominator: int) -> float | None:
    """Interpolated percentile of sorted `values`, exactly as PostgreSQL's `percentile_cont`."""
    if not values:
        return None
    position = (len(values) - 1) * numerator
    low, remainder = divmod(position, denominator)
    weight = remainder / denominator
    high = min(low + 1, len(values) - 1)
    return values[low] * (1 - weight) + values[high] * weight


def _wait_stats(values: list[float], sla_seconds: float) -> WaitStats:
    """Mean, median, p90 (minutes) and the count within the SLA, from one sort of a group's waits."""
    ordered = sorted(values)
    return WaitStats(
        mean=_minutes(fmean(ordered)) if ordered else None,
        median=_minutes(_percentile_py(ordered, 1, 2)),
        p90=_minutes(_percentile_py(ordered, 9, 10)),
        within_sla=bisect_right(ordered, sla_seconds),
    )


class _Waits:
    """One group's timed comments and the waits of its answered ones (wall clock and business time)."""

    __slots__ = ("business", "comments", "wall")

    def __init__(self) -> None:
        self.comments = 0
        self.wall: list[float] = []
        self.business: list[float] = []


def _collect_waits(
    paired: list[PairedComment], calendar: BusinessCalendar | None
) -> dict[tuple[str, Any], _Waits]:
    """Every timed comment's wait, grouped overall, per channel and per period.

    The pairing is SQL, run once per report (`pair_first_replies`); the order statistics are
    one sort per group, and the business clock is Python.
    """
    channels: defaultdict[int, _Waits] = defaultdict(_Waits)
    periods: defaultdict[str, _Waits] = defaultdict(_Waits)
    channel_kinds: defaultdict[tuple[int, str], _Waits] = defaultdict(_Waits)
    business_micros = calendar.business_micros if calendar else None
    for _, channel_id, period, created, first_reply, wait, _, timed, kind, _ in paired:
        if not timed:
            continue
        by_channel, by_period, by_kind = (
            channels[channel_id],
            periods[period],
            channel_kinds[channel_id, kind],
        )
        by_channel.comments += 1
        by_period.comments += 1
        by_kind.comments += 1
        if wait is None or first_reply is None:
            continue
        by_channel.wall.append(wait)
        by_period.wall.append(wait)
        by_kind.wall.append(wait)
        if business_micros is not None:
            business = business_micros(created, first_reply) / 1_000_000
            by_channel.business.append(business)
            by_period.business.append(business)
            by_kind.business.append(business)
    # Overall, every channel's waits: the statistics sort them and sum them exactly (fsum), so
    # the order they are gathered in does not matter.
    overall = _Waits()
    for waits in channels.values():
        overall.comments += waits.comments
        overall.wall += waits.wall
        overall.business += waits.business
    kinds: defaultdict[str, _Waits] = defaultdict(_Waits)
    for (_, kind), waits in channel_kinds.items():
        kinds[kind].comments += waits.comments
        kinds[kind].wall += waits.wall
        kinds[kind].business += waits.business
    groups: dict[tuple[str, Any], _Waits] = {("all", None): overall}
    groups.update({("channel", key): waits for key, waits in channels.items()})
    groups.update({("channel_kind", key): waits for key, waits in channel_kinds.items()})
    groups.update({("kind", key): waits for key, waits in kinds.items()})
    groups.update({("period", key): waits for key, waits in periods.items()})
    return groups


def response_times(
    database: Database, scope: Scope, paired: list[PairedComment] | None = None
) -> ResponseTimes:
    """Response times of the window's timed comments; `paired` as `pair_first_replies` gives (read if None)."""
    sla_seconds = scope.brand.response_sla * 60
    calendar = business_calendar(scope)
    if paired is None:
        paired = pair_first_replies(database, scope)
    groups = _collect_waits(paired, calendar)
    empty = _Waits()

    def group(kind: str, value: Any, label: str, of: str | None = None) -> ResponseGroup:
        waits = groups.get((kind, value), empty)
        return ResponseGroup(
            key=label,
            comments=waits.comments,
            answered=len(waits.wall),
            wall=_wait_stats(waits.wall, sla_seconds),
            business=_wait_stats(waits.business, sla_seconds) if calendar else None,
            kind=of,
        )

    by_kind: list[ResponseGroup] = []
    by_channel_kind: list[ResponseGroup] = []
    if scope.has_messages:
        by_kind = [group("kind", kind, f"{kind}s", kind) for kind in KINDS]
        for channel in scope.channels:
            held = [kind for kind in KINDS if ("channel_kind", (channel.id, kind)) in groups]
            if not held:  # nothing in the window: the kind the channel holds
                held = [MESSAGE if channel.id in scope.message_channels else "comment"]
            by_channel_kind += [
                group("channel_kind", (channel.id, kind), channel.name, kind) for kind in held
            ]
    return ResponseTimes(
        sla_minutes=scope.brand.response_sla,
        overall=group("all", None, "all"),
        by_channel=[group("channel", c.id, c.name) for c in scope.channels],
        by_period=[group("period", d.isoformat(), d.isoformat()) for d in scope.period_starts()],
        business_hours=calendar is not None,
        by_kind=by_kind,
        by_channel_kind=by_channel_kind,
    )


def business_calendar(scope: Scope) -> BusinessCalendar | None:
    """The brand's opening hours (`brand_calendar`), when the scope has channels to time."""
    return brand_calendar(scope.brand) if scope.channel_ids else None


def still_waiting(database: Database, scope: Scope, paired: list[PairedComment]) -> list[PairedComment]:
    """The comments and turns of `paired` still waiting for an answer: those with no first response,
    but for the comments under a post nobody can reply under any more (`post.replies_closed`), which
    wait for nothing (and still count, unanswered, in the response rate). A conversation always
    takes replies. Only the unanswered are looked up, by id, and only when a post is closed."""
    waiting = [row for row in paired if row.first_reply is None]
    public = [row.id for row in waiting if row.kind != MESSAGE]
    closed = closed_to_replies(database, scope.channel_ids, public)
    return [row for row in waiting if row.id not in closed] if closed else waiting


def needs_reply(
    database: Database,
    scope: Scope,
    *,
    limit: int | None = 50,
    negative_first: bool = False,
    paired: list[PairedComment] | None = None,
) -> NeedsReply:
    """Customer comments with no response yet, oldest first (negative ones first when asked), but
    for those nobody can answer any more (`still_waiting`).

    Counted from the pairing (`paired`, read if None); only the listed comments' details are read.
    """
    if not scope.channel_ids:
        return NeedsReply(total=0, negative=0, over_sla=0, items=[])
    if paired is None:
        paired = pair_first_replies(database, scope)
    waiting = still_waiting(database, scope, paired)
    # Past the SLA: written at `sla_limit` or before. With opening hours the wait is counted in
    # them, as the `waiting` alert counts it, so that the report and the alerts agree on who is late.
    calendar = business_calendar(scope)
    sla_seconds = scope.brand.response_sla * 60
    if calendar is None:
        sla_limit: datetime | None = datetime.fromtimestamp(scope.now.timestamp() - sla_seconds, UTC)
    else:
        sla_limit = calendar.span_start(scope.now, sla_seconds)
    sla_micros = epoch_micros(sla_limit) if sla_limit is not None else None  # None: nobody yet

    def order(row: PairedComment) -> tuple[int, int, int]:
        return (0 if negative_first and row.label == "negative" else 1, row.created, row.id)

    listed = sorted(waiting, key=order) if limit is None else heapq.nsmallest(limit, waiting, key=order)
    by_kind: list[KindCount] = []
    if scope.has_messages:
        for kind in KINDS:
            rows = [row for row in waiting if row.kind == kind]
            by_kind.append(
                KindCount(
                    kind,
                    len(rows),
                    sum(1 for row in rows if row.label == "negative"),
                    sum(1 for row in rows if sla_micros is not None and row.created <= sla_micros),
                )
            )
    return NeedsReply(
        total=len(waiting),
        negative=sum(1 for row in waiting if row.label == "negative"),
        over_sla=sum(1 for row in waiting if sla_micros is not None and row.created <= sla_micros),
        items=_pending_details(database, scope, listed, sla_limit),
        by_kind=by_kind,
        sla_in_business_hours=calendar is not None,
    )


class Complaint(NamedTuple):
    """The message that made a customer's turn negative: what is shown of the turn."""

    platform_id: str
    text: str | None
    compound: float | None
    mixed: bool | None
    url: str | None


def turn_complaints(connection: Any, turns: Mapping[int, Sequence[int]]) -> dict[int, Complaint]:
    """For each negative turn whose first message is not negative (its id -> the ids of its other
    messages, in order), the first of those that is: the message the turn is shown by, in `pending`,
    the reports and the `waiting` alert's e-mails and webhooks."""
    later = sorted({message for messages in turns.values() for message in messages})
    negative: dict[int, Complaint] = {}
    for start in range(0, len(later), _LOOKUP_CHUNK):
        rows = connection.execute(
            select(
                COMMENT.c.id,
                effective_label(COMMENT),
                COMMENT.c.platform_id,
                COMMENT.c.text,
                COMMENT.c.sentiment_compound,
                COMMENT.c.sentiment_mixed,
                COMMENT.c.url,
            ).where(COMMENT.c.id.in_(later[start : start + _LOOKUP_CHUNK]))
        )
        negative.update((row[0], Complaint(*row[2:])) for row in rows if row[1] == "negative")
    found = {}
    for first, messages in turns.items():
        complaint = next((negative[m] for m in messages if m in negative), None)
        if complaint is not None:
            found[first] = complaint
    return found


def _pending_details(
    database: Database, scope: Scope, listed: list[PairedComment], sla_limit: datetime | None
) -> list[PendingComment]:
    """The listed comments' channel, author, text and link (a turn's: its first message's, and its
    conversation's name; a negative turn's text is its first negative message's, so that the
    complaint that made it negative is what is read), in the order of `listed`."""
    if not listed:
        return []
    ids = [row.id for row in listed]
    query = select(
        COMMENT.c.id,
        CHANNEL.c.name,
        COMMENT.c.platform_id,
        func.coalesce(COMMENT.c.author_name, COMMENT.c.author_id),
        COMMENT.c.created_at,
        effective_label(COMMENT),
        COMMENT.c.sentiment_compound,
        COMMENT.c.text,
        COMMENT.c.url,
        COMMENT.c.sentiment_mixed,
        COMMENT.c.post_platform_id,
    ).join(CHANNEL, CHANNEL.c.id == COMMENT.c.channel_id)
    with database.read() as connection:
        found = {}
        for start in range(0, len(ids), _LOOKUP_CHUNK):  # `pending --limit 0`: any number of them
            part = ids[start : start + _LOOKUP_CHUNK]
            found.update((row[0], row[1:]) for row in connection.execute(query.where(COMMENT.c.id.in_(part))))
        if len(found) < len(set(ids)):
            # The pairing read `listed` in another transaction, and a comment it listed is not
            # there: a damaged SQLite file shows a row through an index and not in its table (two
            # queries over it need not agree). Said as `check` says it (DamagedDatabase); a file
            # that passes SQLite's check lost the row since (a purge), and it is left out.
            database.verify()
            listed = [row for row in listed if row.id in found]
        names: dict[tuple[int, str], str | None] = {}
        conversations = {(row.channel_id, found[row.id][-1]) for row in listed if row.kind == MESSAGE}
        for channel_id in {channel for channel, _ in conversations}:
            wanted = [post for channel, post in conversations if channel == channel_id]
            for start in range(0, len(wanted), _LOOKUP_CHUNK):
                names.update(
                    ((channel_id, platform_id), name)
                    for platform_id, name in connection.execute(
                        select(POST.c.platform_id, POST.c.author_name).where(
                            POST.c.channel_id == channel_id,
                            POST.c.platform_id.in_(wanted[start : start + _LOOKUP_CHUNK]),
                        )
                    )
                )
        # A negative turn listed by the message that made it negative, its reference too, so that
        # `socialmon label` corrects the message shown.
        complaints = turn_complaints(
            connection,
            {
                row.id: row.turn
                for row in listed
                if row.kind == MESSAGE and row.label == "negative" and found[row.id][4] != "negative"
            },
        )
    items = []
    for row in listed:
        channel, platform_id, author, created_at, label, compound, text, url, mixed, post = found[row.id]
        message = row.kind == MESSAGE
        complaint = complaints.get(row.id)
        if complaint is not None:  # (its wait still counts from the turn's first message)
            platform_id, text, compound, mixed, url = complaint
        items.append(
            PendingComment(
                channel=channel,
                platform_id=platform_id,
                author=author,
                created_at=created_at,
                age_minutes=max((scope.now - created_at).total_seconds() / 60, 0.0),
                label=row.label if message else label,
                compound=compound,
                text=text,
                url=url,
                over_sla=sla_limit is not None and created_at <= sla_limit,
                kind=row.kind,
                conversation=(names.get((row.channel_id, post)) or post) if message else None,
                conversation_id=post if message else None,
                turn_messages=1 + len(row.turn),
                mixed=bool(mixed),
            )
        )
    return items


def period_key(day: date) -> str:
    return day.isoformat()
