"""The computed report: plain data, no formatting. Renderers only read these."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime


@dataclass(frozen=True)
class WaitStats:
    """Waits in minutes of the answered comments of a group (None when none was answered)."""

    mean: float | None
    median: float | None
    p90: float | None
    within_sla: int


@dataclass(frozen=True)
class ResponseGroup:
    key: str  # "all", a channel name, or the first day of a period (ISO)
    comments: int  # customer comments timed
    answered: int
    wall: WaitStats
    business: WaitStats | None = None  # when the brand declares business hours
    # "comment" (public comments, replies, reviews) or "message" (private messages, counted by
    # turns: `comments` is then the customer turns timed); None: both together.
    kind: str | None = None

    @property
    def response_rate(self) -> float | None:
        return self.answered / self.comments if self.comments else None

    def sla_share(self, business: bool = False) -> float | None:
        stats = self.business if business else self.wall
        if stats is None or not self.comments:
            return None
        return stats.within_sla / self.comments


@dataclass(frozen=True)
class ResponseTimes:
    sla_minutes: float
    overall: ResponseGroup
    by_channel: list[ResponseGroup]
    by_period: list[ResponseGroup]
    business_hours: bool
    # For a brand with private messages (empty otherwise): public comments and messages apart,
    # over every channel (`by_kind`, key "comments"/"messages") and per channel and kind
    # (`by_channel_kind`, key the channel's name, for each kind the channel holds).
    by_kind: list[ResponseGroup] = field(default_factory=list)
    by_channel_kind: list[ResponseGroup] = field(default_factory=list)


@dataclass(frozen=True)
class PendingComment:
    channel: str
    platform_id: str
    author: str | None
    created_at: datetime
    age_minutes: float
    label: str | None
    compound: float | None
    text: str
    url: str | None
    over_sla: bool
    kind: str = "comment"  # "comment", or "message": a customer's turn, by its first message
    conversation: str | None = None  # a message's conversation: its name (the customer or the chat)
    conversation_id: str | None = None  # … and its platform id
    turn_messages: int = 1  # the messages of the turn
    mixed: bool = False  # its text mixes praise and complaint (the scorer's `mixed`)


@dataclass(frozen=True)
class KindCount:
    """Of those waiting, one kind's: "comment" or "message" (turns)."""

    kind: str
    total: int
    negative: int
    over_sla: int


@dataclass(frozen=True)
class NeedsReply:
    total: int
    negative: int
    over_sla: int  # waiting past the SLA, in opening hours when the brand has them
    items: list[PendingComment]
    by_kind: list[KindCount] = field(default_factory=list)  # a brand with messages: each kind apart
    sla_in_business_hours: bool = False  # `over_sla` counts the waits in opening hours


@dataclass(frozen=True)
class TrendPeriod:
    start: date
    comments: int
    positive: int
    neutral: int
    negative: int
    rated: int
    average_rating: float | None
    kind: str | None = None  # "comment" or "message" in `FeedbackTrend.by_kind`; None: both

    @property
    def scored(self) -> int:
        return self.positive + self.neutral + self.negative

    def share(self, label: str) -> float | None:
        return getattr(self, label) / self.scored if self.scored else None

    @property
    def net_sentiment(self) -> float | None:
        if not self.scored:
            return None
        return (self.positive - self.negative) / self.scored


@dataclass(frozen=True)
class RisingTerm:
    term: str
    count: int  # negative comments of the latest period that contain it
    share: float  # … as a share of that period's negative comments
    previous_share: float


@dataclass(frozen=True)
class FeedbackTrend:
    periods: list[TrendPeriod]
    rising_terms: list[RisingTerm]
    compared: tuple[date, date] | None  # (latest period, the one before) for rising_terms
    # For a brand with private messages (empty otherwise): the periods of each kind apart,
    # "comment" (public) and "message"; `periods` counts both.
    by_kind: dict[str, list[TrendPeriod]] = field(default_factory=dict)


@dataclass(frozen=True)
class PostEngagement:
    channel: str
    platform_id: str
    created_at: datetime
    text: str
    url: str | None
    likes: int
    shares: int
    comments: int
    replies: int
    positive: int
    negative: int


@dataclass(frozen=True)
class ChannelEngagement:
    channel: str
    platform: str
    posts: int
    comments: int
    replies: int
    likes: int


@dataclass(frozen=True)
class Engagement:
    by_channel: list[ChannelEngagement]
    posts: list[PostEngagement]
    top_negative: list[PostEngagement]
    top_positive: list[PostEngagement]


@dataclass(frozen=True)
class WorstComment:
    channel: str
    author: str | None
    created_at: datetime
    label: str | None
    compound: float | None
    text: str
    url: str | None
    platform_id: str = ""  # with the brand and channel: its reference (socialmon.analytics.refs)


@dataclass(frozen=True)
class HeadlineFigures:
    """The figures a report leads with; None where the view does not compute one or nothing was measured."""

    response_minutes: float | None  # the headline statistic (median or mean) of the waits
    business_minutes: float | None  # … counting business hours only (brands with business hours)
    response_rate: float | None
    within_sla_share: float | None
    needs_reply: int | None
    customer_comments: int | None
    net_sentiment: float | None


@dataclass(frozen=True)
class PreviousPeriod:
    """The window of the same length just before the report's, and its headline figures."""

    since: datetime
    until: datetime
    figures: HeadlineFigures


@dataclass
class BrandReport:
    """One brand's report; a focused view leaves the sections it does not show as None."""

    slug: str
    name: str
    timezone: str
    language: str
    since: datetime
    until: datetime
    generated_at: datetime
    period: str
    channels: list[str]
    rules: dict[str, object]
    response_times: ResponseTimes | None = None
    needs_reply: NeedsReply | None = None
    trend: FeedbackTrend | None = None
    engagement: Engagement | None = None
    worst_comments: list[WorstComment] | None = None
    accent_color: str = "#1f6feb"
    logo: str | None = None
    holidays: str | None = None
    timings: dict[str, float] = field(default_factory=dict)
    # The customer comments written in the window, and the newest one at any time: a window that
    # holds none says where the data is.
    comments_in_window: int | None = None
    newest_comment_at: datetime | None = None
    # The headline figures of the window just before (socialmon.analytics.previous), for the change.
    previous: PreviousPeriod | None = None
