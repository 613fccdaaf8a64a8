"""The alert rules of one brand, each a function of the stored data at one moment.

Comment rules (waiting, watch-list, heating-up, reply-window) start from the brand's
customer comments that still have no reply, paired with replies by the reports' own
`pair_first_replies` (same pairing rules, same effective label), so an alert closes exactly
when the report's needs-reply list would stop listing the comment. They look back as far as
the longest of their lookbacks and the platforms' reply windows (the *reach*): an alert about
a comment older than that closes too, so the work of a run never grows with the alerts of
the past. Waits in business hours use the reports' `BusinessCalendar`. As the needs-reply list,
the waiting rule passes over a comment under a post nobody can reply under any more
(`post.replies_closed`), and its open alerts close when their comments' posts close. A customer's
thanks or closing ("Perfecto, gracias!": `comment.is_acknowledgement`) is no unanswered comment
for any rule, as it is in no needs-reply list: an alert that held one closes (and the conversation's
turns leave it out, `_pair_turns`).

The rules run after every scan and at every `alerts send`, mostly over data they have seen:
a comment that already has an alert of a rule is not judged by it again (the database leaves
it out: `_still_to_judge`), and an open alert is kept by the first of its comments found still
waiting (`_holding`), so a later run reads what may change, not every waiting comment. Beside
the alerts, two things are remembered, stored with them: the texts the watch-list examined with
the brand's terms (`watch_examined`), so a later run reads only a text it has not examined, or
whose row changed since (`_examined`); and how far the rules have judged the brand
(`alert_progress`), so a later run looks only at the comments that may have changed since
(`alerts.progress`, `_to_judge_again`). Time passing, a reply, an edit are seen as they are.

The comment rules group what they find: one alert per brand, rule and local day the comments
were written (a wave of late comments, a burst of watch-list words, the comments heating up,
the reply windows closing), keyed `<rule>:<brand id>:<day>`, carrying the count, the ids of
its comments and the `WORST` worst of them quoted. Found again, a group grows (`store.record`).

A channel whose last scan failed, ended partial or is still running is half-imported: its
comments are not judged in that run, and its open alerts are left as they are
(`half_imported`; connector-trouble still looks at it, that is its point).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from functools import cached_property
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo

from sqlalchemy import (
    ARRAY,
    JSON,
    BigInteger,
    LargeBinary,
    String,
    all_,
    and_,
    any_,
    bindparam,
    case,
    cast,
    exists,
    false,
    func,
    literal_column,
    or_,
    select,
    true,
    type_coerce,
)
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.selectable import Join, ScalarSelect

from socialmon._gc import collector_paused
from socialmon.alerts import progress, store
from socialmon.alerts.findings import (
    CONNECTOR_TROUBLE,
    HEATING_UP,
    NEGATIVE_SPIKE,
    REPLY_WINDOW,
    SEVERITIES,
    WAITING,
    WATCH_LIST,
    Examined,
    Finding,
    RuleOutcome,
)
from socialmon.alerts.spike import spike_statistic, window_counts
from socialmon.alerts.watchlist import WatchList
from socialmon.analytics import make_scope
from socialmon.analytics._sql import epoch_micros_of
from socialmon.analytics.business_time import EPOCH, MICROSECOND, brand_calendar, epoch_micros
from socialmon.analytics.responses import (
    MESSAGE,
    _first_replies,
    _pair_turns,
    any_replies_closed,
    customer_comments,
    needs_an_answer,
    replies_closed,
    turn_complaints,
)
from socialmon.analytics.responses import effective_label as label_of
from socialmon.analytics.scope import Scope
from socialmon.clock import utcnow
from socialmon.config import BrandConfig, ReportOptions
from socialmon.database import Database
from socialmon.labels import effective_label
from socialmon.tables import ALERT, CHANNEL, COMMENT, POST, SCAN_RUN, WATCH_EXAMINED, comment_as

_LOOKUP_CHUNK = 500
# How long before a comment the alert that holds it may have been written: a group alert is
# written for a local day after that day's first comment, and holds comments written that day,
# at most a day later (25 h across the usual clock change). The rules take the alerts written
# within the reach and this before it as those that hold the reach's comments. With the reach
# alone, the comments that joined a day's alert that evening were found again, read and grouped,
# on every run of the day after the alert left the reach (7 days by default), to add nothing.
# A longer day (a clock set back by more than an hour) or a brand's timezone moved west can
# still leave such a comment out of reach of its alert: it is found again and adds nothing.
_GROUP_DAY = timedelta(hours=25)
TEXT_LIMIT = 500  # characters of a comment kept in an alert
WORST = 5  # comments a group alert quotes; `socialmon alerts show ID` lists them all
HALF_IMPORTED = ("failed", "partial", "running")  # a channel's last scan in these: not judged
COMMENT_RULES = (WAITING, WATCH_LIST, REPLY_WINDOW, HEATING_UP)
HEATING_COMMENT = f"{HEATING_UP}:comment:"
HEATING_POST = f"{HEATING_UP}:post:"
COMMENT_PREFIXES = (f"{WAITING}:", f"{WATCH_LIST}:", f"{REPLY_WINDOW}:", HEATING_COMMENT)
_SLACK = timedelta(seconds=1)  # the database's time bounds are this much wider than the rules'


@dataclass(frozen=True)
class BrandContext:
    database: Database
    brand: BrandConfig
    brand_id: int
    reports: ReportOptions
    now: datetime
    reply_windows: Mapping[str, timedelta]  # platform -> how long a comment can still be answered
    # Start from what the last run vouches for (`alerts.progress`); False: read the reach in full.
    incremental: bool = True


class Unanswered(NamedTuple):
    """A customer comment with no reply yet, as the pairing gives it (no text: that is read on demand)."""

    id: int
    channel_id: int
    created: int  # microseconds since the epoch, as the pairing reads it: tens of thousands a run
    label: str | None

    @property
    def created_at(self) -> datetime:
        return EPOCH + timedelta(microseconds=self.created)


@dataclass(frozen=True)
class CommentDetails:
    """What an alert about a comment tells: where, who, what, and how much engagement it drew."""

    id: int
    channel_id: int
    channel: str
    platform: str
    platform_id: str
    author: str | None
    created_at: datetime
    label: str | None
    text: str
    url: str | None
    likes: int
    replies: int

    def facts(self) -> dict[str, Any]:
        return {
            "channel": self.channel,
            "platform": self.platform,
            "author": self.author,
            "text": self.text[:TEXT_LIMIT],
            "url": self.url,
            "label": self.label,
            "written_at": self.created_at.isoformat(),
        }


@dataclass(frozen=True)
class TextState:
    """The unanswered comments' texts as the database judged them for the watch-list, unread."""

    # Not examined with these terms by an earlier run (`watch_examined`), or changed since.
    fresh: set[int]
    # …of which the database cannot rule out a match (`_may_match`): the texts read in Python.
    may_match: set[int]
    # A fresh comment's row as read: (text length, `updated_at`), what the next runs compare to
    # know the text unchanged (a private message's turn has none: read every run).
    rows: dict[int, tuple[int, Any]]


@dataclass
class CommentData:
    """The brand's unanswered comments a rule may still find, the keys already raised, details on demand."""

    context: BrandContext
    scope: Scope
    # The unanswered comments within the reach that some rule may find: those its alerts have not
    # raised yet and its time and label conditions may hold for (`_still_to_judge`), among those a
    # later run looks at (`_to_judge_again`); each rule still judges them in full.
    unanswered: list[Unanswered]
    # Key prefix -> comments already in an alert of it (written within the reach or `_GROUP_DAY`
    # before it).
    raised: dict[str, set[int]]
    skipped: dict[int, HalfImported] = field(default_factory=dict)  # half-imported channel -> why
    # What the database told of their texts before the watch-list reads any (`_unanswered`);
    # None: every text is still to examine, and may match.
    text_state: TextState | None = None
    # Key prefix -> the open alerts under it judged this run (`_live`), and comments of theirs
    # that still hold (at least one per alert that does).
    judged: dict[str, set[str]] = field(default_factory=dict)
    holding: dict[str, set[int]] = field(default_factory=dict)
    engaged: list[tuple[int, int, int]] = field(default_factory=list)  # `_engaged`, when heating-up is on
    # What this run vouches for, for the next one to start from (stored with the alerts).
    progress: progress.Progress | None = None
    # Of the unanswered comments read (and those `_holding` looked up), the ones under a post nobody
    # can reply under any more (`post.replies_closed`): the `waiting` rule passes over them, as the
    # reports' needs-reply list does; the other rules judge them as any others.
    closed: set[int] = field(default_factory=set)
    # A negative private-message turn, by its first message (the alert's member): its other
    # messages. Its details show the first of them that is negative when the first is not, as
    # `pending` does: "A las 5 pm porfa" was the alert's text, the complaint nowhere.
    turns: dict[int, tuple[int, ...]] = field(default_factory=dict)
    _details: dict[int, CommentDetails] = field(default_factory=dict)

    def within(self, minutes: float) -> list[Unanswered]:
        since = epoch_micros(self.context.now - timedelta(minutes=minutes))
        return [comment for comment in self.unanswered if comment.created >= since]

    def outcome(self, rule: str, prefix: str) -> RuleOutcome:
        """A comment rule's outcome, with the open alerts it judged and the comments that keep them."""
        return RuleOutcome(
            rule,
            prefix,
            still_open=None,
            live=self.holding.get(prefix, set()),
            judged=self.judged.get(prefix, set()),
        )

    def seen(self, prefix: str) -> set[int]:
        return self.raised.get(prefix, set())

    @cached_property
    def local_day(self) -> Callable[[int], str]:
        """The brand's local day of an instant (`_local_days`), worked out once a minute for all the
        rules: each rule's own cache missed on most of a week's 10,080 minutes again, 0.04 s of the
        benchmark's first run."""
        return _local_days(ZoneInfo(self.context.brand.timezone))

    def texts(self, ids: list[int]) -> Iterable[tuple[int, str]]:
        """(id, text) of these comments, read in chunks: only what the watch-list needs to judge them."""
        ordered = sorted(ids)
        database = self.context.database
        query = select(COMMENT.c.id, COMMENT.c.text).where(_among_ids(COMMENT.c.id, database.dialect))
        with database.read() as connection:
            for start in range(0, len(ordered), _LOOKUP_CHUNK * 10):
                chunk = ordered[start : start + _LOOKUP_CHUNK * 10]
                # A chunk's rows fetched at once: one at a time, the 35,000 texts of the benchmark's
                # first run took 0.08 s instead of 0.07 s.
                for comment_id, text in connection.execute(query, {"ids": chunk}).all():
                    yield comment_id, text or ""

    def details(self, ids: Iterable[int]) -> dict[int, CommentDetails]:
        """Channel, author, text, link and counts of these comments, read once each."""
        ids = list(ids)
        missing = sorted({i for i in ids if i not in self._details})
        names = {c.id: (c.name, c.platform) for c in self.scope.channels}
        columns = (
            COMMENT.c.id,
            COMMENT.c.channel_id,
            COMMENT.c.platform_id,
            func.coalesce(COMMENT.c.author_name, COMMENT.c.author_id),
            COMMENT.c.created_at,
            effective_label(),
            COMMENT.c.text,
            COMMENT.c.url,
            COMMENT.c.like_count,
            COMMENT.c.reply_count,
        )
        with self.context.database.read() as connection:
            for start in range(0, len(missing), _LOOKUP_CHUNK):
                chunk = missing[start : start + _LOOKUP_CHUNK]
                for row in connection.execute(select(*columns).where(COMMENT.c.id.in_(chunk))):
                    id_, channel_id, platform_id, author, created, label, text, url, likes, replies = row
                    channel, platform = names[channel_id]
                    self._details[id_] = CommentDetails(
                        id_,
                        channel_id,
                        channel,
                        platform,
                        platform_id,
                        author,
                        created,
                        label,
                        text or "",
                        url,
                        likes or 0,
                        replies or 0,
                    )
            self._show_complaints(connection, [i for i in missing if i in self.turns])
        return {i: self._details[i] for i in ids if i in self._details}

    def _show_complaints(self, connection: Any, firsts: list[int]) -> None:
        """A negative turn whose first message is not negative: its details take the reference, text,
        label and link of the first of its messages that is (`turn_complaints`; the member, its time
        and its channel stay)."""
        shown = [i for i in firsts if i in self._details and self._details[i].label != "negative"]
        for first, complaint in turn_complaints(connection, {i: self.turns[i] for i in shown}).items():
            self._details[first] = replace(
                self._details[first],
                platform_id=complaint.platform_id,
                label="negative",
                text=complaint.text or "",
                url=complaint.url,
            )


def _bound_ids(dialect: str, ids: list[int] | None = None, name: str | None = "ids") -> Any:
    """A list of ids bound as one value: an array on PostgreSQL, the rows of a JSON array on SQLite
    (its column `value`). `ids` None: the list is the `name` parameter, given at execution; a
    `name` None is a parameter of its own. As `IN (?, ?, …)` SQLAlchemy renders and binds every id
    in Python: reading the 35,000 texts of the benchmark's first run in chunks of 5,000 took
    0.27-0.35 s that way, 0.16-0.17 s this way (`texts`)."""
    value = {} if ids is None else {"value": ids}
    if dialect == "postgresql":
        return bindparam(name, type_=ARRAY(BigInteger), **value)
    return func.json_each(bindparam(name, type_=JSON, **value)).table_valued("value")


def _among_ids(column: Any, dialect: str) -> Any:
    """`column` among the ids of the `ids` parameter (a list), bound as one value (`_bound_ids`)."""
    listed = _bound_ids(dialect)
    return column == any_(listed) if dialect == "postgresql" else column.in_(select(listed.c.value))


def _not_among(column: Any, ids: list[int], dialect: str) -> Any:
    """`column` not among `ids`, bound as one value (`_bound_ids`)."""
    if not ids:
        return true()
    listed = _bound_ids(dialect, ids, None)
    return column != all_(listed) if dialect == "postgresql" else column.not_in(select(listed.c.value))


class _ReadFirst(Join):
    """A join whose left side SQLite reads first (`CROSS JOIN`)."""

    inherit_cache = True


@compiles(_ReadFirst, "sqlite")
def _cross_join(element: _ReadFirst, compiler: Any, **kw: Any) -> str:
    return str(compiler.visit_join(element, **kw)).replace(" JOIN ", " CROSS JOIN ", 1)


def _only_among(query: Any, comment: Any, ids: list[int], dialect: str) -> Any:
    """`query` kept to the rows of `comment` (an alias of the comment table it reads) among `ids`,
    bound as one value (`_bound_ids`), each looked up by its key.

    On SQLite the ids are a JSON array read first (`CROSS JOIN`): as `id IN (…)` the planner, with
    no statistics, preferred the reports' window index and read the reach's 99,000 index entries
    to keep 921 comments (0.23 s of a run on the benchmark, against a few ms by key)."""
    listed = _bound_ids(dialect, ids, "judge_again")
    if dialect == "postgresql":
        return query.where(comment.c.id == any_(listed))
    judged = listed.alias("judged")
    return query.select_from(_ReadFirst(judged, comment, comment.c.id == judged.c.value))


def evaluate_brand(
    context: BrandContext, skipped: Mapping[int, HalfImported] | None = None
) -> list[RuleOutcome]:
    """Every enabled rule of the brand; each outcome says what fired and which alerts still hold.

    `skipped`: half-imported channels (see `half_imported`), whose comments are not judged."""
    return judge_brand(context, skipped)[0]


def judge_brand(
    context: BrandContext, skipped: Mapping[int, HalfImported] | None = None
) -> tuple[list[RuleOutcome], progress.Progress | None]:
    """`evaluate_brand`, and what the run vouches for: stored with its alerts (`store.record`)."""
    options = context.brand.alerts
    if not options.enabled:
        return [], None
    # A first run makes an object or more per comment of the reach (rows, comments, findings'
    # members) that stay alive until the rules are done, and next to no garbage: the collections
    # that ran every 700 new objects found 41 objects in all, and the full ones among them rescanned
    # every object alive: 0.26-0.29 s of the first evaluation's 1.9-2.0 s of CPU on
    # `bench_alerts.py --days 7`. The pause is the whole process's: in a worker, scans running
    # meanwhile make their garbage cycles for that second or two, collected after it.
    with collector_paused():
        return _judge_brand(context, skipped)


def _judge_brand(
    context: BrandContext, skipped: Mapping[int, HalfImported] | None
) -> tuple[list[RuleOutcome], progress.Progress | None]:
    options = context.brand.alerts
    outcomes: list[RuleOutcome] = []
    data = _comment_data(context, dict(skipped or {}))
    if options.negative_spike.enabled:
        outcomes.append(negative_spike(context, data))
    if options.waiting.enabled:
        outcomes.append(waiting(data))
    if options.watch_list.enabled and options.watch_list.terms:
        outcomes.append(watch_list(data))
    if options.heating_up.enabled:
        outcomes += [heating_comments(data), heating_posts(context, data.scope)]
    if options.reply_window.enabled:
        outcomes.append(reply_window(data))
    if options.connector_trouble.enabled:
        outcomes.extend(connector_trouble(context))
    vouched = data.progress
    if vouched is not None:
        vouched = replace(vouched, pending=_pending(data, outcomes))
    return outcomes, vouched


# --- shared: the comments still waiting --------------------------------------------------------


def reach_minutes(context: BrandContext) -> float:
    """How far back the comment rules look: their longest lookback or the reply window of a platform
    the brand has a channel on (only those: the same reach whichever connectors the caller loaded)."""
    options = context.brand.alerts
    return max(
        options.waiting.lookback,
        options.watch_list.lookback,
        options.heating_up.lookback,
        *(window.total_seconds() / 60 for window in brand_windows(context).values()),
    )


def brand_windows(context: BrandContext) -> dict[str, timedelta]:
    """The reply windows of the platforms the brand has channels on, as configured."""
    platforms = {channel.platform for channel in context.brand.channels}
    return {platform: window for platform, window in context.reply_windows.items() if platform in platforms}


@dataclass(frozen=True, order=True)
class HalfImported:
    """A channel the rules do not judge this run: its last scan `failed`, ended `partial` or is
    still `running` (`status`). As a str, in English: "ig: last scan partial"."""

    channel: str
    status: str

    def __str__(self) -> str:
        return f"{self.channel}: last scan {'still running' if self.status == 'running' else self.status}"


def half_imported(database: Database, brand_row: int) -> dict[int, HalfImported]:
    """The brand's channels whose last scan (a `busy` one aside) failed, ended partial or is still
    running, by channel id. A channel never scanned is not among them."""
    latest = (
        select(func.max(SCAN_RUN.c.id))
        .select_from(SCAN_RUN.join(CHANNEL, CHANNEL.c.id == SCAN_RUN.c.channel_id))
        .where(CHANNEL.c.brand_id == brand_row, SCAN_RUN.c.status != "busy")
        .group_by(SCAN_RUN.c.channel_id)
    )
    query = (
        select(CHANNEL.c.id, CHANNEL.c.name, SCAN_RUN.c.status)
        .join(SCAN_RUN, SCAN_RUN.c.channel_id == CHANNEL.c.id)
        .where(SCAN_RUN.c.id.in_(latest), SCAN_RUN.c.status.in_(HALF_IMPORTED))
    )
    with database.read() as connection:
        return {
            channel_id: HalfImported(name, status) for channel_id, name, status in connection.execute(query)
        }


def _comment_data(context: BrandContext, skipped: dict[int, HalfImported]) -> CommentData:
    """What the comment rules judge: the unanswered comments they may still find, and which open
    alerts of theirs still hold.

    A later run (every 15 minutes) mostly sees what an earlier one judged: the comments it
    raised alerts about, the comments answered since. The database leaves those out
    (`_still_to_judge`), and an open alert is kept by the first of its comments found still
    waiting (`_holding`). On the benchmark (`bench_alerts.py --days 7`, a run 15 minutes after
    the first) the query read all 50,000 unanswered comments with the watch-list's flag in 0.41 s
    of CPU; the 15,000 still to judge took 0.31 s, half of it reading the texts of the comments
    no watch-list term matches, examined again every run. The watch-list now leaves out the texts
    an earlier run examined with the same terms (`_examined`): 128 comments come back. And a
    later run looks only at the comments that may have changed since the run before
    (`_to_judge_again`: 921 of the 99,000 in reach), each by its key.
    """
    started = utcnow()  # the wall clock, as the writers of `updated_at` read it (`alerts.progress`)
    reach = timedelta(minutes=reach_minutes(context))
    since = context.now - reach
    scope = make_scope(
        context.database, context.brand, context.reports, since=since, until=context.now, now=context.now
    )
    # The channels as stored (a platform changed in the configuration is stored at the next scan).
    channels = sorted((c.id, c.platform) for c in scope.channels)
    if skipped:
        scope = replace(scope, channels=tuple(c for c in scope.channels if c.id not in skipped))
    options = context.brand.alerts
    terms = WatchList(options.watch_list.terms) if options.watch_list.enabled else None
    raised: dict[str, set[int]] = {}
    open_alerts: list[tuple[str, str, list[int]]] = []  # (prefix, key, comments)
    raised_since = since - _GROUP_DAY
    with context.database.read() as connection:
        for key, subject, facts, recent, resolved_at in connection.execute(
            select(
                ALERT.c.dedup_key,
                ALERT.c.subject_id,
                ALERT.c.facts,
                ALERT.c.created_at >= raised_since,
                ALERT.c.resolved_at,
            ).where(
                ALERT.c.brand_id == context.brand_id,
                ALERT.c.rule.in_(COMMENT_RULES),
                or_(ALERT.c.created_at >= raised_since, ALERT.c.resolved_at.is_(None)),
            )
        ):
            prefix = next((p for p in COMMENT_PREFIXES if key.startswith(p)), None)
            if prefix is None:
                continue
            ids = members(facts, subject)
            if recent:
                raised.setdefault(prefix, set()).update(ids)
            if resolved_at is None:
                open_alerts.append((prefix, key, ids))
    examined = _examined(context, terms) if terms else None
    digest = progress.settings_digest(context.brand, context.reports, brand_windows(context), channels)
    before = progress.load(context.database, context.brand_id) if context.incremental else None
    again = None
    if before is not None and progress.trusted(before, digest, context.now, reach, skipped):
        again = _to_judge_again(context, scope, before)
    engaged = []
    if options.heating_up.enabled:
        # A comment gains likes and replies by a write to its row or a reply's (`_to_judge_again`
        # reads both), and its rate only falls with time: the comments to judge again are the only
        # ones heating-up may find that it did not. A private conversation's turns are paired in
        # full every run: their engagement is read in full too.
        among = again if not scope.has_messages else None
        heating = options.heating_up
        engaged = _engaged(context, scope, heating.lookback, heating.min_engagement, among)
        if again is not None and among is None:
            again = sorted({*again, *(row[0] for row in engaged)})
            if len(again) > progress.MOST:
                again = None
    covered = None
    if again is not None:  # of the few comments to look at, those the alerts hold: bound as values
        kept = set(again)
        covered = {prefix: sorted(kept.intersection(raised.get(prefix, ()))) for prefix in COMMENT_PREFIXES}
    closed: set[int] = set()
    turns: dict[int, tuple[int, ...]] = {}
    unanswered, text_state = _unanswered(
        context.database,
        scope,
        terms or None,
        lambda comment: _still_to_judge(
            context, scope, raised_since, comment, engaged, terms or None, examined, covered
        ),
        examined,
        again,
        closed,
        turns,
    )
    judged, holding = _holding(context, scope, unanswered, open_alerts, closed)
    # `pending` is filled in once the rules have judged them (`_pending`).
    read_in_full_at = context.now if before is None or again is None else before.read_in_full_at
    vouched = progress.Progress(
        digest, context.now, started - progress.CHANGE_MARGIN, read_in_full_at, tuple(sorted(skipped)), ()
    )
    return CommentData(
        context,
        scope,
        unanswered,
        raised,
        skipped,
        text_state,
        judged,
        holding,
        engaged,
        vouched,
        closed,
        turns,
    )


def _pending(data: CommentData, outcomes: list[RuleOutcome]) -> tuple[int, ...]:
    """The comments of this run the next one must judge again though nothing is written and no
    time bound is crossed: those the waiting rule judged and did not find late, as business hours
    count (a comment can be late on the wall clock and not yet in opening hours). Every other rule
    finds a comment it did not find this run only after a write (an edit, a new label), a slice
    of time (the SLA, a reply window's warning) or engagement: `_to_judge_again` reads those."""
    rule = data.context.brand.alerts.waiting
    if not rule.enabled:
        return ()
    prefix = f"{WAITING}:"
    late = {
        i for o in outcomes if o.prefix == prefix for f in o.findings for i in f.facts.get("comment_ids", ())
    }
    done = late | data.seen(prefix)
    judged = (c for c in data.within(rule.lookback) if rule.include != "negative" or c.label == "negative")
    return tuple(sorted(c.id for c in judged if c.id not in done))


def _to_judge_again(context: BrandContext, scope: Scope, before: progress.Progress) -> list[int] | None:
    """The comments that may have become ones to judge since the run `before` vouches for
    (`alerts.progress`): those the waiting rule left pending, those written since and their
    threads', those time brought past the waiting SLA, into a reply window's warning, or past their
    own time (dated ahead of the clock). None: more than reading the reach in full would cost."""
    options = context.brand.alerts
    database = context.database
    found = progress.changed(database, scope.channel_ids, before.changed_since)
    if found is None:
        return None
    ids = {*found, *before.pending}
    # The comments written between the two runs' moments: a comment dated ahead of the clock (a
    # platform's clock ahead of ours) was out of the earlier run's window, and is in this one's.
    slices = [(scope.channel_ids, before.judged_at - _SLACK, context.now + _SLACK)]
    if options.waiting.enabled:
        sla = timedelta(minutes=options.waiting.sla or context.brand.response_sla)
        slices.append((scope.channel_ids, before.judged_at - sla - _SLACK, context.now - sla + _SLACK))
    if options.reply_window.enabled:
        warn = timedelta(minutes=options.reply_window.warn_before)
        for platform, window in sorted(context.reply_windows.items()):
            channels = [c.id for c in scope.channels if c.platform == platform]
            opens, now = before.judged_at - window + warn, context.now - window + warn
            slices.append((channels, opens - _SLACK, now + _SLACK))
    ids.update(progress.crossed(database, slices))
    return sorted(ids) if len(ids) <= progress.MOST else None


def _waiting_comments(database: Database, scope: Scope) -> tuple[Any, list[Any], list[Any]]:
    """The comment table's alias, the conditions that keep the scope's customer comments, and those
    that keep the ones with no first response, as the reports' pairing gives them (`_unanswered`)."""
    comment, conditions = customer_comments(scope, kind="comment" if scope.has_messages else None)
    conditions.append(needs_an_answer(comment))  # a thanks waits for nothing, as in `first_responses`
    replies = _first_replies(comment, scope, database.dialect)
    return comment, conditions, [_no_reply(reply_at) for reply_at in replies if reply_at is not None]


def _closed_column(connection: Any, scope: Scope, comment: Any) -> Any:
    """Whether the comment's post takes no more replies, as a column: its post looked up only for a
    brand with such posts (`any_replies_closed`), and only for the comments that come back."""
    return replies_closed(comment) if any_replies_closed(connection, scope.channel_ids) else false()


def _no_reply(reply_at: Any) -> Any:
    """No reply of this kind: `NOT EXISTS` of the lookup's rows, which stops at the first one; a
    lookup the pairing wraps (a CASE that skips it where it cannot match) has no value at all."""
    if isinstance(reply_at, ScalarSelect):
        return ~exists().where(reply_at.element.whereclause)
    return reply_at.is_(None)


def _unanswered(
    database: Database,
    scope: Scope,
    terms: WatchList | None,
    narrow: Callable[[Any], Any] | None = None,
    examined: Callable[[Any], Any] | None = None,
    among: list[int] | None = None,
    closed: set[int] | None = None,
    turns: dict[int, tuple[int, ...]] | None = None,
) -> tuple[list[Unanswered], TextState | None]:
    """The scope's customer comments with no first response, as the reports' pairing gives them,
    and (with `terms`) what the database tells of their texts: those an earlier run did not examine
    (`examined(comment)` is the condition that it did) and, among them, those the watch-list may
    match. `narrow(comment)`: a condition that keeps some of them, `among`: the ids of the only
    comments to look at (`alerts.progress`); the private messages' turns are kept all. `closed`, when
    given, gets the ids of those under a post nobody can reply under any more (`replies_closed`);
    `turns`, a negative turn's first message -> its other messages (to show the complaint).

    The pairing's own conditions (`analytics.responses`), asked as `NOT EXISTS` in the database:
    only the comments still waiting come back, and no reply time is computed. Pairing every
    comment of a week (99,385 rows on the benchmark) and keeping the unanswered in Python took
    0.82 s a run; this query takes 0.12–0.16 s for the same 50,000 comments. Private messages
    are paired by turns as the reports do.
    """
    if not scope.channel_ids:
        return [], None
    comment, conditions, no_reply = _waiting_comments(database, scope)
    if narrow is not None:
        conditions.append(narrow(comment))
    conditions += no_reply
    with database.read() as connection:
        columns = [
            comment.c.id,
            comment.c.channel_id,
            epoch_micros_of(comment.c.created_at, database.dialect),
            label_of(comment),
        ]
        if terms is not None:
            # 0: examined already, 1: still to examine and may match, 2: still to examine, matches nothing.
            may = (_may_match(comment.c.text, terms, database.dialect), 1)
            examined_ = [(examined(comment), 0)] if examined is not None else []
            columns += [
                case(*examined_, may, else_=2),
                func.length(comment.c.text),
                as_stored(comment.c.updated_at, database.dialect),
            ]
        if closed is not None:  # last: the columns above keep their places
            columns.append(_closed_column(connection, scope, comment))
        query = select(*columns).where(*conditions)
        if among is not None:
            query = _only_among(query, comment, among, database.dialect)
        rows = connection.execute(query).all()
    unanswered = [Unanswered(row[0], row[1], row[2], row[3]) for row in rows]
    if closed is not None:
        closed.update(row[0] for row in rows if row[-1])
    state = None
    if terms is not None:
        read = {row[0]: (row[5], row[6]) for row in rows if row[4]}
        state = TextState(set(read), {row[0] for row in rows if row[4] == 1}, read)
    if scope.has_messages:
        for turn in _pair_turns(database, scope):
            if turn.first_reply is None:
                unanswered.append(Unanswered(turn.id, turn.channel_id, turn.created, turn.label))
                if turns is not None and turn.label == "negative" and turn.turn:
                    turns[turn.id] = turn.turn
                if state is not None:  # a turn's text is its first message's: judged in Python
                    state.fresh.add(turn.id)
                    state.may_match.add(turn.id)
    return unanswered, state


def _still_to_judge(
    context: BrandContext,
    scope: Scope,
    raised_since: datetime,
    comment: Any,
    engaged: list[tuple[int, int, int]],
    terms: WatchList | None,
    examined: Callable[[Any], Any] | None = None,
    covered: Mapping[str, list[int]] | None = None,
) -> Any:
    """The comments some rule may find this run: within its lookback, past its time and label
    conditions, and not in an alert it raised within the reach or `_GROUP_DAY` before it (the
    comments `CommentData.seen` gives). Wider than the rules by `_SLACK` at each time bound: they
    judge the rest exactly.

    `covered`: key prefix -> the comments in its alerts, when a run looks at a few comments only
    (`alerts.progress`): the database then reads the alerts' JSON for none of them (0.1 s of such
    a run on the benchmark: each branch's list holds 50,000 ids).

    A comment can cross the SLA no earlier than `created_at + SLA` on the wall clock (business
    hours only make its wait shorter), and its reply window warns from `created_at + window -
    warn_before` to `created_at + window`.
    """
    options = context.brand.alerts
    now = context.now
    created = comment.c.created_at
    label = label_of(comment)
    dialect = context.database.dialect
    branches = []

    def fresh(prefix: str) -> Any:
        if covered is not None:
            return _not_among(comment.c.id, covered[prefix], dialect)
        return comment.c.id.not_in(_covered(context.brand_id, raised_since, prefix, dialect))

    if options.waiting.enabled:
        rule = options.waiting
        sla = rule.sla or context.brand.response_sla
        waiting_ = [
            created >= now - timedelta(minutes=rule.lookback) - _SLACK,
            created < now - timedelta(minutes=sla) + _SLACK,
            fresh(f"{WAITING}:"),
        ]
        if rule.include == "negative":
            waiting_.insert(0, label == "negative")
        branches.append(and_(*waiting_))
    if options.watch_list.enabled and terms:
        lookback = timedelta(minutes=options.watch_list.lookback)
        # Not `_may_match`: the text is not in the window index, and on SQLite any condition on it
        # reads every comment's row of the week (0.36 s against 0.08 s without); the flag is read
        # for the comments that come back only.
        watch = [created >= now - lookback - _SLACK, fresh(f"{WATCH_LIST}:")]
        if examined is not None:
            watch.append(~examined(comment))  # (a lookup by the comment's id, then its row)
        branches.append(and_(*watch))
    if options.heating_up.enabled and engaged:
        lookback = timedelta(minutes=options.heating_up.lookback)
        heating = [label == "negative", created >= now - lookback - _SLACK, fresh(HEATING_COMMENT)]
        if len(engaged) <= _LOOKUP_CHUNK:  # (rare: more would be judged without this bound)
            heating.append(comment.c.id.in_([row[0] for row in engaged]))
        branches.append(and_(*heating))
    if options.reply_window.enabled:
        warn = timedelta(minutes=options.reply_window.warn_before)
        for platform, window in sorted(context.reply_windows.items()):
            channels = [c.id for c in scope.channels if c.platform == platform]
            if channels:
                branches.append(
                    and_(
                        comment.c.channel_id.in_(channels),
                        created > now - window - _SLACK,
                        created <= now - window + warn + _SLACK,
                        fresh(f"{REPLY_WINDOW}:"),
                    )
                )
    return or_(false(), *branches)


def as_stored(value: Any, dialect: str) -> Any:
    """A time as the database stores it, not read into a datetime nor written from one: SQLite's
    text (a first run reads and writes back 50,000 of them: 0.3 s as datetimes); PostgreSQL's
    driver reads its timestamps itself."""
    return type_coerce(value, String) if dialect == "sqlite" else value


def _examined(context: BrandContext, terms: WatchList) -> Callable[[Any], Any]:
    """The condition that an earlier run examined a comment's text with these terms, and its row
    still has the length and update time it had then (`watch_examined`, written by `store.record`
    with the alerts the examination raised): its text matches what it matched then, and that is in
    an alert the rule's `seen` holds."""
    digest = terms.digest()
    seen = WATCH_EXAMINED

    def examined(comment: Any) -> Any:
        return exists().where(
            seen.c.brand_id == context.brand_id,
            seen.c.comment_id == comment.c.id,
            seen.c.terms == digest,
            seen.c.text_length == func.length(comment.c.text),
            seen.c.updated_at == comment.c.updated_at,  # as stored: no time computed per comment
        )

    return examined


def _covered(brand_row: int, since: datetime, prefix: str, dialect: str) -> Any:
    """The comments in the brand's alerts under `prefix` raised since `since` (`_GROUP_DAY` before
    the reach), as `members` reads them from each alert's facts, as a subquery of ids (the
    database reads the JSON)."""
    alert = ALERT
    recent = (
        alert.c.brand_id == brand_row,
        alert.c.rule.in_(COMMENT_RULES),
        alert.c.created_at >= since,
        alert.c.dedup_key.startswith(prefix, autoescape=True),
    )
    if dialect == "postgresql":
        ids = alert.c.facts.op("->")("comment_ids")
        kind = func.json_typeof(ids)
        listed = func.json_array_elements_text(
            case((kind == "array", ids), else_=literal_column("'[]'::json"))
        ).table_valued("value")
        value = cast(listed.c.value, BigInteger)
        none = or_(ids.is_(None), kind == "null")
    else:
        listed = func.json_each(alert.c.facts, "$.comment_ids").table_valued("value", "type")
        value = listed.c.value
        kind = func.json_type(alert.c.facts, "$.comment_ids")
        none = or_(kind.is_(None), kind == "null")
        recent = (*recent, kind == "array")  # json_each of a scalar gives the scalar
    in_groups = (
        select(value.label("id"))
        .select_from(alert.join(listed, true()))
        .where(*recent, listed.c.value.is_not(None))
    )
    singles = select(alert.c.subject_id).where(*recent[:4], none, alert.c.subject_id.is_not(None))
    return in_groups.union_all(singles)


def _holding(
    context: BrandContext,
    scope: Scope,
    candidates: list[Unanswered],
    open_alerts: list[tuple[str, str, list[int]]],
    closed: set[int],
) -> tuple[dict[str, set[str]], dict[str, set[int]]]:
    """Which open alerts of the comment rules still hold: those with a comment still unanswered
    within the reach (for reply-window, with its window still open or unknown in this run; for
    waiting, under a post that still takes replies). `closed`: the candidates under a post that
    takes none (`replies_closed`), and gets those of the comments looked up here.

    The first such comment of each alert is enough, so an alert whose comments still wait costs
    one small lookup; one whose comments were all answered is read through once, and closes.
    Returns the keys judged per prefix, and per prefix one comment that holds each alert that does.
    """
    now_micros = epoch_micros(context.now)
    platforms = {c.id: c.platform for c in scope.channels}
    known: dict[int, Unanswered | None] = {c.id: c for c in candidates}
    judged: dict[str, set[str]] = {}
    holding: dict[str, set[int]] = {}
    reply_prefix = f"{REPLY_WINDOW}:"
    waiting_prefix = f"{WAITING}:"

    def holds(prefix: str, comment: Unanswered | None) -> bool:
        if comment is None:
            return False
        if prefix == waiting_prefix:
            return comment.id not in closed  # nobody can answer it any more: it waits for nothing
        if prefix != reply_prefix:
            return True
        window = context.reply_windows.get(platforms[comment.channel_id])
        # Unknown in this run (a plug-in missing): its alerts are left as they are.
        return window is None or comment.created + window // MICROSECOND > now_micros

    if not open_alerts:
        return judged, holding
    database = context.database
    with database.read() as connection:
        query = _unanswered_among(connection, database, scope) if scope.channel_ids else None
        for prefix, key, ids in open_alerts:
            judged.setdefault(prefix, set()).add(key)
            found = holding.setdefault(prefix, set())
            hit = None
            chunk: list[int] = []
            size = 50  # the first few: most open alerts hold by one of them
            # In the alert's order, the comments known so far judged as they come, the others looked
            # up a chunk at a time: a group holding 50,000 comments is read no further than its first
            # holding one (a pass over every id of the benchmark's 11 alerts took 50 ms a run).
            for position, comment_id in enumerate(ids):
                if comment_id in known:
                    if holds(prefix, known[comment_id]):
                        hit = comment_id
                        break
                elif query is not None:
                    chunk.append(comment_id)
                if chunk and (len(chunk) == size or position == len(ids) - 1):
                    known.update(dict.fromkeys(chunk))
                    for row in connection.execute(query, {"ids": chunk}):
                        known[row[0]] = Unanswered(row[0], row[1], row[2], row[3])
                        if row[4]:
                            closed.add(row[0])
                    hit = next((i for i in chunk if holds(prefix, known[i])), None)
                    chunk, size = [], _LOOKUP_CHUNK
                    if hit is not None:
                        break
            if hit is not None:
                found.add(hit)
    return judged, holding


def _unanswered_among(connection: Any, database: Database, scope: Scope) -> Any:
    """`_unanswered`'s rows among the comments of the `ids` parameter (a list)."""
    comment, conditions, no_reply = _waiting_comments(database, scope)
    # Inside a CASE the conditions give SQLite no index to choose: it looks the ids up by their key
    # (0.5 ms for 50 comments) instead of reading the week's range of the window index (30 ms).
    unanswered = case((and_(*conditions, *no_reply), true()), else_=false())
    return select(
        comment.c.id,
        comment.c.channel_id,
        epoch_micros_of(comment.c.created_at, database.dialect),
        label_of(comment),
        _closed_column(connection, scope, comment),
    ).where(comment.c.id.in_(bindparam("ids", expanding=True)), unanswered)


def _may_match(text: Any, terms: WatchList, dialect: str) -> Any:
    """True for every text the watch-list could match (and some it does not), as the database sees it.

    A text made of ASCII and characters no term can use (`WatchList.inert`: "í" in "frío" for
    "estafa") can match a term only if its lower case holds every word of the term; any other
    text is left to Python. On the benchmark this keeps a later run from reading and matching
    again, every 15 minutes, the 14,700 comments no term matches (0.4-0.5 s of a run).

    SQLite's REGEXP is Python's `re.search` (SQLAlchemy's pysqlite dialect defines it on each
    connection), asked only of the texts beyond ASCII, and only of those not examined before (a
    first run's, then each run's new comments): a call holds the GIL, as the text's reading in
    Python would. It replaced a GLOB, which reads the whole character class for each character of
    the text: the benchmark's first-run query took 522-590 ms with GLOB, 447-512 ms with REGEXP
    (per text of 60 or 600 characters, 5.1 or 7.1 µs against 1.8 or 3.3 µs).
    """
    other = text.regexp_match(f"[^\x01-\x7f{terms.inert()}]")
    if dialect != "postgresql":
        # SQLite counts characters in a text and bytes in a blob: equal for ASCII alone. Its
        # length() stops at a NUL, so a text holding one passes this test, and REGEXP gets the whole
        # text, NUL included: outside the class, so the text is left to Python.
        other = and_(func.length(text) != func.length(cast(text, LargeBinary)), other)
    # SQLite's LIKE ignores the case of ASCII letters already: lower() there cost 0.06 s a run.
    lowered = func.lower(text) if dialect == "postgresql" else text
    holds = [
        and_(*(lowered.contains(word, autoescape=True) for word in words))
        for words in terms.words
        if all(word.isascii() for word in words)
    ]
    # CASE, not OR: the words, the cheap test, first, and the character class only for the rest.
    return case(*((condition, True) for condition in holds), (other, True), else_=False)


def members(facts: dict[str, Any] | None, subject_id: int | None) -> list[int]:
    """The comments of a comment rule's alert: a group's, or the one of an alert from before groups."""
    ids = (facts or {}).get("comment_ids")
    if ids is not None:
        return list(ids)
    return [subject_id] if subject_id is not None else []


@dataclass
class Member:
    """A comment a rule found, before it is grouped: its severity, how bad (larger is worse), its facts."""

    comment: Unanswered
    severity: str
    rank: float
    facts: dict[str, Any] = field(default_factory=dict)


def group(
    data: CommentData, rule: str, prefix: str, found: list[Member], common: dict[str, Any]
) -> list[Finding]:
    """One finding per local day the comments were written: the count, every id, the worst few quoted."""
    context = data.context
    local_day = data.local_day
    days: dict[str, list[Member]] = {}
    for member in found:
        days.setdefault(local_day(member.comment.created), []).append(member)
    for members_ in days.values():
        members_.sort(key=lambda m: (m.comment.label != "negative", -m.rank, m.comment.id))
    details = data.details(m.comment.id for members_ in days.values() for m in members_[:WORST])
    findings = []
    for day, members_ in sorted(days.items()):
        worst = [
            {
                **details[m.comment.id].facts(),
                **m.facts,
                "id": m.comment.id,
                "order": [int(m.comment.label != "negative"), -m.rank, m.comment.id],
            }
            for m in members_[:WORST]
            if m.comment.id in details
        ]
        facts = {
            **common,
            "day": day,
            "count": len(members_),
            "negative": sum(1 for m in members_ if m.comment.label == "negative"),
            "comment_ids": [m.comment.id for m in members_],
            "channel_ids": sorted({m.comment.channel_id for m in members_}),
            "comments": worst,
        }
        severity = max((m.severity for m in members_), key=SEVERITIES.index)
        negative = frozenset(m.comment.id for m in members_ if m.comment.label == "negative")
        findings.append(
            Finding(rule, f"{prefix}{context.brand_id}:{day}", severity, facts, negative_ids=negative)
        )
    return findings


def _local_days(zone: ZoneInfo) -> Callable[[int], str]:
    """The local day (ISO) of an instant in microseconds since the epoch, worked out once a minute.

    A zone changes its offset on a whole minute (every transition since 1970), so the instants of
    one minute share a day. A first run groups some 90,000 comments: a datetime each cost 0.3 s.
    """
    cache: dict[int, str] = {}

    def day(micros: int) -> str:
        minute = micros // 60_000_000
        found = cache.get(minute)
        if found is None:
            moment = EPOCH + timedelta(microseconds=minute * 60_000_000)
            found = cache[minute] = moment.astimezone(zone).date().isoformat()
        return found

    return day


# --- the rules ---------------------------------------------------------------------------------


def negative_spike(context: BrandContext, data: CommentData) -> RuleOutcome:
    """One alert per storm: it stays the same alert while the storm lasts and closes when it passes.

    While a channel is skipped (half-imported) the storm is judged on the others, and an open
    spike alert is not closed for want of that channel's comments."""
    rule = context.brand.alerts.negative_spike
    scope = data.scope
    prefix = f"{NEGATIVE_SPIKE}:{context.brand_id}:"
    current, baseline = window_counts(
        context.database, scope.channel_ids, context.now, rule.window, rule.baseline_days
    )
    result = spike_statistic(current, baseline, rule)
    outcome = RuleOutcome(NEGATIVE_SPIKE, prefix, still_open=set(), note=result.reason)
    if not result.fires:
        if data.skipped:
            outcome.still_open = None
        return outcome  # the storm has passed: an open spike alert closes
    ongoing = store.open_keys(context.database, context.brand_id, prefix)
    key = ongoing[0] if ongoing else f"{prefix}{context.now:%Y%m%dT%H%M}"
    outcome.still_open = {key}
    facts = {
        "metric": result.metric,
        "observed": result.observed,
        "baseline": result.baseline,
        "sigma": result.spread,
        "threshold": result.threshold,
        "z": result.z,
        "factor": result.ratio,
        "k": rule.k,
        "comments": result.comments,
        "negative": result.negative,
        "count": result.negative,
        "window_minutes": rule.window,
        "baseline_days": rule.baseline_days,
        "worst": _spike_comments(data, rule.window),
    }
    outcome.findings.append(
        Finding(NEGATIVE_SPIKE, key, rule.severity, facts, cooldown_minutes=rule.cooldown)
    )
    return outcome


def _spike_comments(data: CommentData, window_minutes: float) -> list[dict[str, Any]]:
    """The window's `WORST` negative comments that drew the most likes and replies."""
    context = data.context
    if not data.scope.channel_ids:
        return []
    engagement = func.coalesce(COMMENT.c.like_count, 0) + func.coalesce(COMMENT.c.reply_count, 0)
    query = (
        select(COMMENT.c.id)
        .where(
            COMMENT.c.channel_id.in_(data.scope.channel_ids),
            COMMENT.c.is_business == false(),
            COMMENT.c.deleted == false(),
            COMMENT.c.created_at > context.now - timedelta(minutes=window_minutes),
            COMMENT.c.created_at <= context.now,
            effective_label() == "negative",
        )
        .order_by(engagement.desc(), COMMENT.c.created_at.desc(), COMMENT.c.id.desc())
        .limit(WORST)
    )
    with context.database.read() as connection:
        ids = list(connection.execute(query).scalars())
    details = data.details(ids)
    return [{**details[i].facts(), "id": i} for i in ids if i in details]


def waiting(data: CommentData) -> RuleOutcome:
    """A wave of comments waiting past the SLA: one alert per brand and day they were written."""
    context = data.context
    rule = context.brand.alerts.waiting
    prefix = f"{WAITING}:"
    outcome = data.outcome(WAITING, prefix)
    sla = rule.sla or context.brand.response_sla
    calendar = brand_calendar(context.brand)
    seen = data.seen(prefix)
    now_micros = epoch_micros(context.now)
    business = calendar.business_micros if calendar is not None else None
    late: list[Member] = []
    for comment in data.within(rule.lookback):
        if rule.include == "negative" and comment.label != "negative":
            continue
        if comment.id in seen or comment.id in data.closed:  # closed: nobody can answer it there
            continue
        # In microseconds since the epoch, as `(now - created_at).total_seconds() / 60` and the
        # calendar's `business_seconds` compute them (same figures), without a datetime per comment.
        waited = (now_micros - comment.created) / 1_000_000 / 60
        if waited <= sla:
            continue  # opening hours are a part of the wall-clock wait: not late in them either
        if business is not None:
            waited = business(comment.created, now_micros) / 1_000_000 / 60
        if waited > sla:
            negative = comment.label == "negative"
            severity = rule.severity_negative if negative else rule.severity
            late.append(Member(comment, severity, waited, {"waited_minutes": waited}))
    common = {"sla_minutes": sla, "business_hours": calendar is not None}
    outcome.findings = group(data, WAITING, prefix, late, common)
    return outcome


def watch_list(data: CommentData) -> RuleOutcome:
    """A burst of comments with watch-list words: one alert per brand and day they were written."""
    rule = data.context.brand.alerts.watch_list
    terms = WatchList(rule.terms)
    prefix = f"{WATCH_LIST}:"
    outcome = data.outcome(WATCH_LIST, prefix)
    seen = data.seen(prefix)
    state = data.text_state
    candidates = {
        c.id: c
        for c in data.within(rule.lookback)
        if c.id not in seen and (state is None or c.id in state.fresh)
    }
    to_read = list(candidates) if state is None else [i for i in candidates if i in state.may_match]
    found: list[Member] = []
    for comment_id, text in data.texts(to_read):
        words = terms.matches(text)
        if words:
            comment = candidates[comment_id]  # the oldest first among the negative ones
            found.append(Member(comment, rule.severity, -comment.created / 1e12, {"terms": words}))
    outcome.findings = group(data, WATCH_LIST, prefix, found, {})
    by_id = {m.comment.id: m.facts["terms"] for m in found}
    for finding in outcome.findings:  # the terms the group's comments contain, in the list's order
        finding.facts["terms"] = [
            t for t in terms.terms if any(t in by_id[i] for i in finding.facts["comment_ids"])
        ]
    if state is not None:  # what the next runs need not read again, stored with these alerts
        keep_since = data.context.now - timedelta(minutes=rule.lookback)
        examined = [(i, *state.rows[i]) for i in candidates if i in state.rows]
        outcome.examined = Examined(terms.digest(), examined, keep_since)  # type: ignore[arg-type]
    return outcome


def heating_comments(data: CommentData) -> RuleOutcome:
    """Unanswered negative comments gathering likes and replies fast: one alert per brand and day."""
    context = data.context
    rule = context.brand.alerts.heating_up
    outcome = data.outcome(HEATING_UP, HEATING_COMMENT)
    seen = data.seen(HEATING_COMMENT)
    candidates = {c.id: c for c in data.within(rule.lookback) if c.label == "negative" and c.id not in seen}
    now_micros = epoch_micros(context.now)
    found: list[Member] = []
    for comment_id, likes, replies in data.engaged:
        comment = candidates.get(comment_id)
        if comment is None:
            continue
        engagement = likes + replies
        hours = max((now_micros - comment.created) / 1_000_000 / 3600, 1.0)
        rate = engagement / hours
        if engagement >= rule.min_engagement and rate >= rule.min_rate:
            facts = {"likes": likes, "replies": replies, "per_hour": rate}
            found.append(Member(comment, rule.severity, rate, facts))
    outcome.findings = group(data, HEATING_UP, HEATING_COMMENT, found, {"kind": "comments"})
    return outcome


def _engaged(
    context: BrandContext, scope: Scope, lookback: float, min_engagement: int, among: list[int] | None = None
) -> list[tuple[int, int, int]]:
    """(id, likes, replies) of the customer comments of the lookback with at least `min_engagement`
    likes and replies, replies being the larger of the platform's count and the replies stored;
    `among`: of these comments only (`alerts.progress`).

    Asked of the database: reading every negative comment of two days to count their replies
    cost 0.14–0.28 s a run on the benchmark, where none of them comes near the threshold.
    A message in a channel that holds conversations counts whatever its own label (a turn is
    negative when any of its messages is).
    """
    if not scope.channel_ids:
        return []
    comment = comment_as("engaged")  # the models' table: the reports' one has no counts
    reply = comment_as("stored_reply")
    stored = (
        select(func.count())
        .where(
            reply.c.channel_id == comment.c.channel_id, reply.c.parent_platform_id == comment.c.platform_id
        )
        .scalar_subquery()
    )
    likes = func.coalesce(comment.c.like_count, 0)
    counted = func.coalesce(comment.c.reply_count, 0)
    replies = (func.greatest if context.database.dialect == "postgresql" else func.max)(counted, stored)
    # The label first, and messages only where a channel holds conversations (the turns the rule
    # judges come from those alone, `_pair_turns`): the label is in the index the query reads,
    # `kind` only in the row, and SQLite tests an OR's terms in order. Reading the row of every
    # comment of the lookback for its kind took the query from 40-46 ms to 84-98 ms on the benchmark.
    negative = label_of(comment) == "negative"
    conversations = sorted(scope.message_channels.intersection(scope.channel_ids))
    wanted = (
        or_(negative, and_(comment.c.channel_id.in_(conversations), comment.c.kind == MESSAGE))
        if conversations
        else negative
    )
    query = select(comment.c.id, likes, replies).where(
        comment.c.channel_id.in_(scope.channel_ids),
        comment.c.is_business == false(),
        comment.c.deleted == false(),
        comment.c.created_at >= context.now - timedelta(minutes=lookback),
        comment.c.created_at < context.now,
        wanted,
        likes + replies >= min_engagement,
    )
    if among is not None:
        query = _only_among(query, comment, among, context.database.dialect)
    with context.database.read() as connection:
        return [(id_, int(likes_), int(replies_)) for id_, likes_, replies_ in connection.execute(query)]


def heating_posts(context: BrandContext, scope: Scope) -> RuleOutcome:
    """A post drawing negative comments fast: one alert while it lasts, closed when it calms down."""
    rule = context.brand.alerts.heating_up
    outcome = RuleOutcome(HEATING_UP, HEATING_POST, still_open=set())
    if not scope.channel_ids:
        return outcome
    since = context.now - timedelta(minutes=rule.post_window)
    negatives = func.count().label("negatives")
    query = (
        select(
            POST.c.id,
            POST.c.channel_id,
            CHANNEL.c.name,
            CHANNEL.c.platform,
            POST.c.text,
            POST.c.url,
            negatives,
        )
        .select_from(
            COMMENT.join(
                POST,
                and_(
                    POST.c.channel_id == COMMENT.c.channel_id,
                    POST.c.platform_id == COMMENT.c.post_platform_id,
                ),
            ).join(CHANNEL, CHANNEL.c.id == POST.c.channel_id)
        )
        .where(
            COMMENT.c.channel_id.in_(scope.channel_ids),
            COMMENT.c.is_business == false(),
            COMMENT.c.deleted == false(),
            COMMENT.c.created_at >= since,
            COMMENT.c.created_at < context.now,
            effective_label() == "negative",
        )
        .group_by(POST.c.id, POST.c.channel_id, CHANNEL.c.name, CHANNEL.c.platform, POST.c.text, POST.c.url)
        .having(func.count() >= rule.post_negative_comments)
    )
    with context.database.read() as connection:
        hot = connection.execute(query).all()
    if not hot:
        return outcome
    open_keys = store.open_keys(context.database, context.brand_id, HEATING_POST)
    ongoing = {key[len(HEATING_POST) :].split(":", 1)[0]: key for key in open_keys}
    for post_id, channel_id, channel, platform, text, url, count in hot:
        key = ongoing.get(str(post_id), f"{HEATING_POST}{post_id}:{context.now:%Y%m%dT%H%M}")
        outcome.still_open.add(key)  # type: ignore[union-attr]
        facts = {
            "channel": channel,
            "platform": platform,
            "text": (text or "")[:TEXT_LIMIT],
            "url": url,
            "negative": count,
            "count": count,
            "window_minutes": rule.post_window,
        }
        outcome.findings.append(Finding(HEATING_UP, key, rule.severity, facts, channel_id, post_id))
    return outcome


def reply_window(data: CommentData) -> RuleOutcome:
    """Comments whose reply window closes soon: one alert per brand and day they were written."""
    context = data.context
    rule = context.brand.alerts.reply_window
    prefix = f"{REPLY_WINDOW}:"
    outcome = data.outcome(REPLY_WINDOW, prefix)  # (`_holding` keeps an alert while a window is open)
    warn_micros = timedelta(minutes=rule.warn_before) // MICROSECOND
    now_micros = epoch_micros(context.now)
    seen = data.seen(prefix)
    # Each channel's reply window, and in microseconds, worked out once rather than for each of the
    # 50,000 comments of the benchmark's first run (the rule took 0.045 s, 0.03 s this way). A
    # platform whose window is not known in this run (a plug-in missing) has none: its alerts are
    # left as they are.
    windows = {
        channel.id: (window, window // MICROSECOND)
        for channel in data.scope.channels
        if (window := context.reply_windows.get(channel.platform)) is not None
    }
    closing: list[Member] = []
    for comment in data.unanswered:
        known = windows.get(comment.channel_id)
        if known is None:
            continue
        window, window_micros = known
        closes_micros = comment.created + window_micros
        if closes_micros <= now_micros:
            continue  # closed: nothing left to do, and an open alert about it closes too
        if now_micros >= closes_micros - warn_micros and comment.id not in seen:
            closes = comment.created_at + window
            left = (closes - context.now).total_seconds() / 60
            facts = {"closes_at": closes.isoformat(), "minutes_left": left}
            closing.append(Member(comment, rule.severity, -left, facts))
    outcome.findings = group(data, REPLY_WINDOW, prefix, closing, {})
    return outcome


def connector_trouble(context: BrandContext) -> list[RuleOutcome]:
    """Channels failing scan after scan (at once on an expired or revoked token), tokens about to expire."""
    rule = context.brand.alerts.connector_trouble
    failing = RuleOutcome(CONNECTOR_TROUBLE, f"{CONNECTOR_TROUBLE}:failing:", still_open=set())
    expiring = RuleOutcome(CONNECTOR_TROUBLE, f"{CONNECTOR_TROUBLE}:token:", still_open=set())
    enabled = {c.name for c in context.brand.channels if c.enabled}
    horizon = context.now + timedelta(minutes=rule.token_expiry_warning)
    with context.database.read() as connection:
        channels = connection.execute(
            select(CHANNEL.c.id, CHANNEL.c.name, CHANNEL.c.platform, CHANNEL.c.token_expires_at).where(
                CHANNEL.c.brand_id == context.brand_id
            )
        ).all()
        for channel_id, name, platform, expires_at in channels:
            if name not in enabled:
                continue
            runs = connection.execute(
                select(SCAN_RUN.c.id, SCAN_RUN.c.status, SCAN_RUN.c.error, SCAN_RUN.c.started_at)
                .where(SCAN_RUN.c.channel_id == channel_id, SCAN_RUN.c.status.in_(("ok", "failed")))
                .order_by(SCAN_RUN.c.id.desc())
                .limit(rule.failed_scans)
            ).all()
            streak = 0
            for run in runs:
                if run.status != "failed":
                    break
                streak += 1
            if streak:
                started = connection.execute(
                    select(func.min(SCAN_RUN.c.id)).where(
                        SCAN_RUN.c.channel_id == channel_id,
                        SCAN_RUN.c.status == "failed",
                        SCAN_RUN.c.id
                        > func.coalesce(
                            select(func.max(SCAN_RUN.c.id))
                            .where(SCAN_RUN.c.channel_id == channel_id, SCAN_RUN.c.status == "ok")
                            .scalar_subquery(),
                            0,
                        ),
                    )
                ).scalar()
                key = f"{CONNECTOR_TROUBLE}:failing:{channel_id}:{started}"
                failing.still_open.add(key)  # type: ignore[union-attr]
                auth = (runs[0].error or "").startswith("AuthError")
                if streak >= rule.failed_scans or auth:
                    facts = {
                        "channel": name,
                        "platform": platform,
                        "kind": "auth" if auth else "failing",
                        "failures": streak,
                        "error": (runs[0].error or "")[:TEXT_LIMIT],
                        "since": runs[-1].started_at.isoformat() if streak == len(runs) else None,
                    }
                    failing.findings.append(
                        Finding(CONNECTOR_TROUBLE, key, rule.severity, facts, channel_id, channel_id)
                    )
            if expires_at is not None and expires_at <= horizon:
                key = f"{CONNECTOR_TROUBLE}:token:{channel_id}:{expires_at:%Y-%m-%d}"
                expiring.still_open.add(key)  # type: ignore[union-attr]
                facts = {
                    "channel": name,
                    "platform": platform,
                    "kind": "token",
                    "expires_at": expires_at.isoformat(),
                }
                expiring.findings.append(
                    Finding(CONNECTOR_TROUBLE, key, rule.severity, facts, channel_id, channel_id)
                )
    return [failing, expiring]
