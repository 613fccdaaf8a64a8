"""A report as titled tables: each cell both as a value (for CSV) and as localized text.

The terminal, Markdown, CSV and HTML renderers all read these, so every format shows
the same figures under the same headings.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from socialmon.analytics.refs import comment_ref
from socialmon.analytics.results import BrandReport, FeedbackTrend, PostEngagement, ResponseGroup
from socialmon.render.i18n import STRINGS, Lang
from socialmon.report import ChannelSummary

SPARKS = "▁▂▃▄▅▆▇█"


@dataclass
class Cell:
    value: Any  # raw: numbers, ISO dates, plain text
    text: str  # localized for people
    style: str = ""  # "good", "bad", "muted", "bar", or ""
    link: str | None = None
    # What `value` is, for spreadsheets: "minutes", "share" (a fraction), "datetime" (ISO, UTC),
    # "date" (ISO, a local day), "number", "bar" (a text bar, no value: left out of CSV), or "" (text).
    kind: str = ""


@dataclass
class TableData:
    key: str  # a stable id: "response_by_channel", "needs_reply", …
    title: str
    columns: list[str]
    rows: list[list[Cell]] = field(default_factory=list)
    note: str = ""
    numeric: set[int] = field(default_factory=set)  # column indexes aligned right
    # The note as HTML and PDF print it, beside real charts: without the text sparklines (None: `note`).
    html_note: str | None = None
    # A column's `Cell.kind` where its cells cannot tell it (a table without rows: "Waiting (min)"
    # all the same), and "bar" for a column of text bars, which the machine formats leave out.
    kinds: dict[int, str] = field(default_factory=dict)


def column_kind(table: TableData, index: int) -> str:
    """What a column holds ("minutes", "share", "bar", …): the table's word for it, else the kind
    every cell of it shares, an empty one's too, so a spreadsheet's heading ("Mediana (min)") is the
    same whatever the window's data; "" when its cells differ or there are none."""
    if index in table.kinds:
        return table.kinds[index]
    kinds = {row[index].kind for row in table.rows}
    return kinds.pop() if len(kinds) == 1 else ""


def spark(values: list[float | None], low: float | None = None, high: float | None = None) -> str:
    """A one-line trend: ▁▃▅█, a space where there is no value."""
    present = [v for v in values if v is not None]
    if not present:
        return ""
    low = min(present) if low is None else low
    high = max(present) if high is None else high
    span = (high - low) or 1.0
    return "".join(
        " " if v is None else SPARKS[min(len(SPARKS) - 1, int((v - low) / span * (len(SPARKS) - 1) + 0.5))]
        for v in values
    )


def _spark_note(*sparklines: tuple[str, str]) -> str:
    """A note of sparklines, "Label: ▁▃█", leaving out a label without values (a window without data)."""
    return "   ".join(f"{label}: {line}" for label, line in sparklines if line)


def bar(share: float | None, width: int = 10) -> str:
    if share is None:
        return ""
    filled = round(max(0.0, min(1.0, share)) * width)
    return "█" * filled + "░" * (width - filled)


def _num(lang: Lang, value: float | int | None, digits: int = 0) -> Cell:
    return Cell(value, lang.number(value, digits), kind="number")


def _pct(lang: Lang, value: float | None) -> Cell:
    return Cell(None if value is None else round(value, 4), lang.percent(value), kind="share")


def _minutes(lang: Lang, value: float | None) -> Cell:
    return Cell(None if value is None else round(value, 1), lang.duration(value), kind="minutes")


def response_columns(lang: Lang, sla: str, business: bool, first: str) -> list[str]:
    columns = [first, lang("comments"), lang("answered"), lang("response_rate"), lang("median"), lang("p90")]
    columns += [lang("mean"), lang("within_sla", sla=sla)]
    if business:
        columns += [
            f"{lang('median')} · {lang('business_time')}",
            f"{lang('within_sla', sla=sla)} · {lang('business_time')}",
        ]
    return columns


def response_row(lang: Lang, group: ResponseGroup, first: Cell, business: bool) -> list[Cell]:
    row = [
        first,
        _num(lang, group.comments),
        _num(lang, group.answered),
        _pct(lang, group.response_rate),
        _minutes(lang, group.wall.median),
        _minutes(lang, group.wall.p90),
        _minutes(lang, group.wall.mean),
        _pct(lang, group.sla_share()),
    ]
    if business:
        stats = group.business
        row += [_minutes(lang, stats.median if stats else None), _pct(lang, group.sla_share(business=True))]
    return row


def _post_cells(lang: Lang, post: PostEngagement) -> list[Cell]:
    text = post.text.replace("\n", " ")
    return [
        Cell(post.channel, post.channel),
        Cell(post.created_at.isoformat(), lang.date(post.created_at), kind="datetime"),
        Cell(text, _short(text, 60), link=post.url),
        _num(lang, post.comments),
        _num(lang, post.replies),
        _num(lang, post.likes),
        Cell(post.positive, lang.number(post.positive), "good", kind="number"),
        Cell(post.negative, lang.number(post.negative), "bad", kind="number"),
    ]


def _short(text: str, limit: int) -> str:
    """At most `limit` characters as a reader counts them, cut with "…" between two of them."""
    from socialmon.render.shorten import graphemes

    text = " ".join(text.split())
    if len(text) <= limit:  # fewer code points than the limit: fewer characters too
        return text
    clusters = graphemes(text)
    return text if len(clusters) <= limit else "".join(clusters[: limit - 1]) + "…"


# Characters of a waiting comment's text a table shows: a summary's line, a document's cell.
PENDING_TEXT = 70


def report_tables(report: BrandReport, lang: Lang, *, pending_text: int = PENDING_TEXT) -> list[TableData]:
    """The report's tables; a waiting comment's text cut at `pending_text` characters."""
    tables: list[TableData] = []
    times = report.response_times
    if times is not None:
        sla = lang.duration(times.sla_minutes)
        business = times.business_hours
        numeric = set(range(1, 10))
        overview = TableData(
            "response_by_channel",
            lang("response_times"),
            response_columns(lang, sla, business, lang("channel")),
            numeric=numeric,
        )
        for group in times.by_channel:
            overview.rows.append(response_row(lang, group, Cell(group.key, group.key), business))
        if len(times.by_channel) != 1:
            overview.rows.append(
                response_row(lang, times.overall, Cell("all", lang("all_channels")), business)
            )
        tables.append(overview)
        if times.by_kind:
            tables.append(_response_by_kind(report, lang, sla, business, numeric))
        if business:
            overview.note = lang("business_note")
            overview.html_note = ""  # HTML and PDF print it once, under the headline figures
        medians = [g.wall.median for g in times.by_period]
        by_period = TableData(
            "response_by_period",
            lang("response_by", period=lang(f"per_{report.period}")),
            response_columns(lang, sla, business, lang(report.period)),
            note=_spark_note((lang("median"), spark(medians))),
            numeric=numeric,
            html_note="",
        )
        for group in times.by_period:
            from datetime import date

            start = date.fromisoformat(group.key)
            by_period.rows.append(
                response_row(
                    lang, group, Cell(group.key, lang.period(start, report.period), kind="date"), business
                )
            )
        tables.append(by_period)
    pending = report.needs_reply
    if pending is not None:
        kinds = {k.kind: k.total for k in pending.by_kind}
        table = TableData(
            "needs_reply",
            lang("needs_reply"),
            [
                lang("ref"),
                *([lang("kind")] if kinds else []),
                lang("channel"),
                lang("author"),
                lang("age"),
                lang("sentiment"),
                lang("text"),
                lang("link"),
            ],
            note=lang(
                "needs_reply_total_business" if pending.sla_in_business_hours else "needs_reply_total",
                total=lang.number(pending.total),
                negative=lang.number(pending.negative),
                over=lang.number(pending.over_sla),
            )
            + (
                ""
                if len(pending.items) >= pending.total
                else " ("
                + lang("showing", shown=lang.number(len(pending.items)), total=lang.number(pending.total))
                + ")"
            )
            + (
                " — "
                + lang(
                    "waiting_by_kind",
                    comments=lang.number(kinds.get("comment", 0)),
                    messages=lang.number(kinds.get("message", 0)),
                )
                if kinds
                else ""
            ),
            numeric={4} if kinds else {3},
            kinds={4 if kinds else 3: "minutes"},
        )
        for item in pending.items:
            style = "bad" if item.label == "negative" else "good" if item.label == "positive" else ""
            ref = comment_ref(report.slug, item.channel, item.platform_id)
            author = item.author or ""
            if item.conversation and item.conversation != author:
                author = f"{author} ({item.conversation})" if author else item.conversation
            table.rows.append(
                [
                    Cell(ref, ref),
                    *([Cell(item.kind, lang(f"kind_{item.kind}"))] if kinds else []),
                    Cell(item.channel, item.channel),
                    Cell(author, author),
                    Cell(
                        round(item.age_minutes, 1),
                        lang.duration(item.age_minutes),
                        "bad" if item.over_sla else "",
                        kind="minutes",
                    ),
                    Cell(item.label, lang.label(item.label), style),
                    Cell(item.text, _short(item.text, pending_text)),
                    Cell(item.url or "", item.url or "", link=item.url),
                ]
            )
        tables.append(table)
    trend = report.trend
    if trend is not None:
        volumes = [float(p.comments) for p in trend.periods]
        nets = [p.net_sentiment for p in trend.periods]
        table = TableData(
            "trend",
            lang("trend"),
            [
                lang(report.period),
                lang("volume"),
                lang("positive_share"),
                lang("neutral_share"),
                lang("negative_share"),
                lang("net_sentiment"),
                lang("negative_bar"),
                lang("rating"),
            ],
            note=_spark_note(
                (lang("volume"), spark(volumes, low=0)), (lang("net_sentiment"), spark(nets, -1, 1))
            ),
            html_note="",
            numeric={1, 2, 3, 4, 5, 7},
            kinds={6: "bar"},
        )
        for p in trend.periods:
            net = p.net_sentiment
            table.rows.append(
                [
                    Cell(p.start.isoformat(), lang.period(p.start, report.period), kind="date"),
                    _num(lang, p.comments),
                    _pct(lang, p.share("positive")),
                    _pct(lang, p.share("neutral")),
                    _pct(lang, p.share("negative")),
                    Cell(
                        None if net is None else round(net, 4),
                        lang.signed(net),
                        "good" if (net or 0) > 0 else "bad" if (net or 0) < 0 else "",
                        kind="share",
                    ),
                    Cell(None, bar(p.share("negative")), "bar", kind="bar"),
                    # Two decimals, as the JSON report and the spreadsheets give it (not 3.6666666666666665).
                    Cell(round(p.average_rating, 2), lang.number(p.average_rating, 1), kind="number")
                    if p.average_rating is not None
                    else Cell(None, lang("none"), kind="number"),
                ]
            )
        tables.append(table)
        if trend.by_kind:
            tables.append(_trend_by_kind(report, lang))
        if trend.compared is not None and _compares_something(trend):
            latest, previous = trend.compared
            terms = TableData(
                "rising_terms",
                lang(
                    "rising_terms",
                    latest=lang.period(latest, report.period),
                    previous=lang.period(previous, report.period),
                ),
                [lang("term"), lang("comments"), lang("share_now"), lang("share_before")],
                note="" if trend.rising_terms else lang("no_rising"),
                numeric={1, 2, 3},
                kinds={2: "share", 3: "share"},
            )
            for term in trend.rising_terms:
                terms.rows.append(
                    [
                        Cell(term.term, term.term),
                        _num(lang, term.count),
                        _pct(lang, term.share),
                        _pct(lang, term.previous_share),
                    ]
                )
            tables.append(terms)
    engagement = report.engagement
    if engagement is not None:
        table = TableData(
            "engagement_by_channel",
            lang("engagement"),
            [lang("channel"), lang("posts"), lang("comments_on_posts"), lang("replies"), lang("likes")],
            note=lang("engagement_note"),
            numeric={1, 2, 3, 4},
        )
        for c in engagement.by_channel:
            table.rows.append(
                [
                    Cell(c.channel, c.channel),
                    _num(lang, c.posts),
                    _num(lang, c.comments),
                    _num(lang, c.replies),
                    _num(lang, c.likes),
                ]
            )
        tables.append(table)
        post_columns = [
            lang("channel"),
            lang("published"),
            lang("text"),
            lang("comments"),
            lang("replies"),
            lang("likes"),
            lang("positive_share"),
            lang("negative_share"),
        ]
        listed = {(p.channel, p.platform_id) for p in engagement.posts}
        for key, title, posts in (
            ("posts", lang("posts"), engagement.posts),
            ("top_negative", lang("top_negative"), engagement.top_negative),
            ("top_positive", lang("top_positive"), engagement.top_positive),
        ):
            if key != "posts" and all((p.channel, p.platform_id) in listed for p in posts):
                continue  # every post of it is already in the posts table, with the same figures
            table = TableData(key, title, post_columns, numeric={3, 4, 5, 6, 7})
            table.rows = [_post_cells(lang, p) for p in posts]
            published = sum(c.posts for c in engagement.by_channel)
            if key == "posts" and len(posts) < published:  # the busiest ones only: say of how many
                table.note = lang(
                    "posts_busiest", shown=lang.number(len(posts)), total=lang.number(published)
                )
            tables.append(table)
    if report.worst_comments is not None:
        table = TableData(
            "worst_comments",
            lang("worst_comments"),
            [
                lang("ref"),
                lang("channel"),
                lang("author"),
                lang("comment_date"),
                lang("sentiment"),
                lang("text"),
            ],
        )
        for w in report.worst_comments:
            ref = comment_ref(report.slug, w.channel, w.platform_id)
            table.rows.append(
                [
                    Cell(ref, ref),
                    Cell(w.channel, w.channel),
                    Cell(w.author or "", w.author or ""),
                    Cell(w.created_at.isoformat(), lang.date(w.created_at), kind="datetime"),
                    Cell(
                        w.compound,
                        lang.number(w.compound, 2) if w.compound is not None else lang.label(w.label),
                        "bad",
                        kind="number",
                    ),
                    Cell(w.text, _short(w.text, 90), link=w.url),
                ]
            )
        tables.append(table)
    no_data = lang("no_data")
    for table in tables:
        if table.rows or table.key in SAY_WHY_EMPTY:
            continue
        if table.key == "worst_comments" and report.comments_in_window:
            # The window has comments, none of them negative: "no data" read as a failed scan.
            table.note = lang("no_negative")
        else:
            table.note = f"{table.note} {no_data}" if table.note else no_data
    return tables


# Tables whose note already says why they have no row ("0 waiting", "no term rose"). Any other
# table without rows (no posts in the window, a brand with only private messages) says "no data"
# (the most negative comments of a window with comments: that none was negative), so no format
# shows a bare heading or a header row over nothing.
SAY_WHY_EMPTY = {"needs_reply", "rising_terms"}


def _response_by_kind(
    report: BrandReport, lang: Lang, sla: str, business: bool, numeric: set[int]
) -> TableData:
    """Public comments and private messages (by turns) apart: over every channel, then per channel
    for a channel that holds both."""
    times = report.response_times
    assert times is not None
    table = TableData(
        "response_by_kind",
        lang("response_by_kind"),
        response_columns(lang, sla, business, lang("kind")),
        numeric=numeric,
    )
    for group in times.by_kind:
        kind = group.kind or "comment"
        table.rows.append(response_row(lang, group, Cell(kind, lang(f"kinds_{kind}")), business))
    held: dict[str, int] = {}
    for group in times.by_channel_kind:
        held[group.key] = held.get(group.key, 0) + 1
    for group in times.by_channel_kind:
        if held[group.key] > 1:
            kind = group.kind or "comment"
            label = f"{group.key} · {lang(f'kinds_{kind}')}"
            table.rows.append(response_row(lang, group, Cell(f"{group.key}/{kind}", label), business))
    return table


def _trend_by_kind(report: BrandReport, lang: Lang) -> TableData:
    """The window's sentiment of public comments and of private messages."""
    trend = report.trend
    assert trend is not None
    table = TableData(
        "trend_by_kind",
        lang("trend_by_kind"),
        [
            lang("kind"),
            lang("volume"),
            lang("positive_share"),
            lang("neutral_share"),
            lang("negative_share"),
            lang("net_sentiment"),
        ],
        numeric={1, 2, 3, 4, 5},
    )
    for kind, periods in trend.by_kind.items():
        pos, neu, neg = (
            sum(getattr(p, label) for p in periods) for label in ("positive", "neutral", "negative")
        )
        scored = pos + neu + neg
        net = (pos - neg) / scored if scored else None
        table.rows.append(
            [
                Cell(kind, lang("kinds_message_each" if kind == "message" else f"kinds_{kind}")),
                _num(lang, sum(p.comments for p in periods)),
                _pct(lang, pos / scored if scored else None),
                _pct(lang, neu / scored if scored else None),
                _pct(lang, neg / scored if scored else None),
                Cell(
                    None if net is None else round(net, 4),
                    lang.signed(net),
                    "good" if (net or 0) > 0 else "bad" if (net or 0) < 0 else "",
                    kind="share",
                ),
            ]
        )
    return table


def _compares_something(trend: FeedbackTrend) -> bool:
    """Rising terms compare the latest period with the one before: not when neither had a negative comment."""
    assert trend.compared is not None
    negatives = {p.start: p.negative for p in trend.periods}
    return any(negatives.get(start, 0) for start in trend.compared)


def sentence_case(text: str) -> str:
    """Upper-case the first letter only: "SLA 2 h", "America/Guayaquil" keep their capitals."""
    return text[:1].upper() + text[1:]


_WEEK = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def opening_hours(hours: dict[str, object], lang: Lang) -> str:
    """ "Monday to Friday 07:00–19:00, Saturday 07:00–13:00": consecutive days with the same hours merged."""
    runs: list[tuple[int, int, str]] = []
    for index, day in enumerate(_WEEK):
        value = hours.get(day)
        if not value or value == "closed":
            continue
        text = str(value).replace("-", "–")
        if runs and runs[-1][1] == index - 1 and runs[-1][2] == text:
            runs[-1] = (runs[-1][0], index, text)
        else:
            runs.append((index, index, text))
    parts = []
    for first, last, text in runs:
        days = (
            lang.weekday(first)
            if first == last
            else lang("day_range", first=lang.weekday(first), last=lang.weekday(last))
        )
        parts.append(f"{days} {text}")
    return ", ".join(parts)


def rules_lines(report: BrandReport, lang: Lang) -> list[str]:
    """The measuring rules in force, one sentence each, for the foot of every report."""
    rules = report.rules
    sla = lang.duration(float(rules["response_sla_minutes"]))  # type: ignore[arg-type]
    match = lang("rule_thread") if rules["reply_match"] == "thread" else lang("rule_direct")
    who = "rule_first_reply_business" if rules["reply_by"] == "business" else "rule_first_reply_anyone"
    lines = [f"{lang(who)} ({match})."]
    if not rules["self_thread_replies"]:
        lines.append(lang("rule_self_thread_off") + ".")
    statistic = lang("median_word") if rules["statistic"] == "median" else lang("mean_word")
    lines.append(sentence_case(lang("rule_statistic", statistic=statistic)) + ".")
    gap = rules["conversation_gap"]
    lines.append(
        sentence_case(lang("rule_gap", gap=lang.duration(float(gap))) if gap else lang("rule_every")) + "."  # type: ignore[arg-type]
    )
    lines.append(sentence_case(lang("rule_sla", sla=sla)) + ".")
    if report.response_times is not None and report.response_times.by_kind:
        lines.append(sentence_case(lang("rule_turns")) + ".")
    if rules["business_hours"]:
        country = rules["holidays"]
        holidays = lang("rule_holidays", country=lang.country(str(country))) if country else ""
        hours = opening_hours(rules["business_hours"], lang)  # type: ignore[arg-type]
        lines.append(
            sentence_case(lang("rule_hours", zone=rules["timezone"], hours=hours, holidays=holidays)) + "."
        )
    lines.append(sentence_case(lang("rule_sentiment")) + ".")
    return lines


def headline(report: BrandReport, lang: Lang) -> list[tuple[str, str]]:
    """(label, value) pairs for the top of a report."""
    items: list[tuple[str, str]] = []
    times = report.response_times
    if times is not None:
        overall = times.overall
        statistic = report.rules["statistic"]
        value = overall.wall.median if statistic == "median" else overall.wall.mean
        items.append(
            (
                f"{lang('response_times')} ({lang('median_word' if statistic == 'median' else 'mean_word')})",
                lang.duration(value),
            )
        )
        if times.business_hours and overall.business:
            b_value = overall.business.median if statistic == "median" else overall.business.mean
            items.append(
                (
                    lang("business_headline", statistic=lang(f"{statistic}_word")),
                    lang.duration(b_value),
                )
            )
        items.append((lang("response_rate"), lang.percent(overall.response_rate)))
        items.append(
            (lang("within_sla", sla=lang.duration(times.sla_minutes)), lang.percent(overall.sla_share()))
        )
    if report.needs_reply is not None:
        items.append((lang("needs_reply"), lang.number(report.needs_reply.total)))
    if report.trend is not None:
        total = sum(p.comments for p in report.trend.periods)
        pos = sum(p.positive for p in report.trend.periods)
        neg = sum(p.negative for p in report.trend.periods)
        scored = sum(p.scored for p in report.trend.periods)
        items.append((lang("customer_comments"), lang.number(total)))
        items.append((lang("net_sentiment"), lang.signed((pos - neg) / scored if scored else None)))
    return items


@dataclass
class HeadlineItem:
    """A headline figure with its change against the previous period (empty when not compared)."""

    label: str
    value: str
    change: str = ""  # "▲ +15 min (previous period: 30 min)"
    short_change: str = ""  # "▲ prev. 30 min", for the compact terminal
    style: str = ""  # "good", "bad" or "": whether the change is for the better


# How each headline figure is formatted, and which way is better: 1 up, -1 down, 0 neither.
_FIGURES: dict[str, tuple[str, int]] = {
    "response_minutes": ("duration", -1),
    "business_minutes": ("duration", -1),
    "response_rate": ("percent", 1),
    "within_sla_share": ("percent", 1),
    "needs_reply": ("count", -1),
    "customer_comments": ("count", 0),
    "net_sentiment": ("points", 1),
}


def _figure_text(lang: Lang, kind: str, value: float | None) -> str:
    if kind == "duration":
        return lang.duration(value)
    if kind == "percent":
        return lang.percent(value)
    if kind == "points":
        return lang.signed(value)
    return lang.number(value)


def _difference(lang: Lang, kind: str, now: float, before: float) -> tuple[int, str]:
    """(sign, "+15 min" / "−3 pts" / "+2"): the change as a person reads it, 0 when it shows no change."""
    if kind == "duration":
        diff = now - before
        shown = lang.duration(abs(diff))
        sign = 0 if lang.duration(now) == lang.duration(before) else (1 if diff > 0 else -1)
    elif kind in ("percent", "points"):
        points = round(now * 100) - round(before * 100)
        shown = lang("points_short", n=lang.number(abs(points)))
        sign = (points > 0) - (points < 0)
    else:
        diff = round(now - before)
        shown = lang.number(abs(diff))
        sign = (diff > 0) - (diff < 0)
    return sign, ("+" if sign > 0 else "−" if sign < 0 else "") + shown


def _change(lang: Lang, key: str, now: float | None, before: float | None) -> tuple[str, str, str]:
    """(change, short change, style) of one headline figure against the previous period."""
    kind, better = _FIGURES[key]
    previous = _figure_text(lang, kind, before)
    if now is None or before is None:
        return lang("previous_only", value=previous), lang("previous_short", value=previous), ""
    sign, diff = _difference(lang, kind, now, before)
    if sign == 0:
        return lang("unchanged", value=previous), f"= {lang('previous_short', value=previous)}", ""
    arrow = "▲" if sign > 0 else "▼"
    style = "" if not better else ("good" if sign == better else "bad")
    return (
        lang("changed", arrow=arrow, change=diff, value=previous),
        f"{arrow} {lang('previous_short', value=previous)}",
        style,
    )


def headline_items(report: BrandReport, lang: Lang) -> list[HeadlineItem]:
    """`headline`'s figures, each with its change against the previous period when it was computed."""
    from socialmon.analytics.previous import headline_figures

    pairs = headline(report, lang)
    keys = _headline_keys(report)
    items = [HeadlineItem(label, value) for label, value in pairs]
    if report.previous is None:
        return items
    now, before = headline_figures(report), report.previous.figures
    for item, key in zip(items, keys, strict=True):
        item.change, item.short_change, item.style = _change(
            lang, key, getattr(now, key), getattr(before, key)
        )
    return items


def _headline_keys(report: BrandReport) -> list[str]:
    """The `HeadlineFigures` field behind each of `headline`'s pairs, in its order."""
    keys: list[str] = []
    times = report.response_times
    if times is not None:
        keys.append("response_minutes")
        if times.business_hours and times.overall.business:
            keys.append("business_minutes")
        keys += ["response_rate", "within_sla_share"]
    if report.needs_reply is not None:
        keys.append("needs_reply")
    if report.trend is not None:
        keys += ["customer_comments", "net_sentiment"]
    return keys


def previous_window_line(report: BrandReport, lang: Lang) -> str:
    """ "Changes against the previous period, 24 Sep 2026 to 30 Sep 2026", or "" when not compared."""
    previous = report.previous
    if previous is None:
        return ""
    return lang("compared_with", window=lang.window(previous.since, previous.until))


def headline_notes(report: BrandReport, lang: Lang) -> list[str]:
    """What the headline figures count, where two of them could be misread."""
    notes = []
    times = report.response_times
    if times is not None and times.business_hours and times.overall.business:
        notes.append(lang("business_note"))
    if report.trend is not None and report.engagement is not None:
        notes.append(lang("comments_note"))
    return notes


def _scan_state(summary: ChannelSummary, lang: Lang, *, when: bool = False) -> str:
    """The channel's last scan as a person reads it: "partial · 3 threads pending" says what is
    missing; `when`: and when it ended ("ok · 6 dic 2026 10:27"), in the channels' overview."""
    if summary.last_status is None:
        return lang("never")
    key = f"status_{summary.last_status}"
    status = lang(key) if key in STRINGS else summary.last_status
    if summary.pending_threads:
        status = lang("scan_pending", status=status, n=lang.number(summary.pending_threads))
    if when and summary.last_scan_at is not None:  # figures a cron job stopped updating are seen as old
        status = f"{status} · {lang.moment(summary.last_scan_at)}"
    return status


# A scan that left a channel's figures missing or stale: the reports say so, with its reason.
SCAN_PROBLEMS = ("failed", "partial")
_REASON_LIMIT = 120
# A reason in whole is a sentence or three; one longer (a platform's error page) is cut there.
_WHOLE_REASON_LIMIT = 1000


def _reason(error: str | None) -> str:
    """The scan's error on one line, without the exception's class name."""
    text = " ".join((error or "").split())
    head, separator, rest = text.partition(": ")
    if separator and head.isidentifier() and head.endswith(("Error", "Exception")):
        text = rest
    return text


def short_reason(error: str | None) -> str:
    """The scan's error in short (a terminal's line): without the exception's class name and the
    advice after " — "."""
    return _short(_reason(error).split(" — ", 1)[0], _REASON_LIMIT)


def whole_reason(error: str | None) -> str:
    """The scan's error as a document gives it: what went wrong and, after " — ", what to do. A
    long one is cut in what went wrong (a platform's page, a list of files): the advice stays whole."""
    from socialmon.render.shorten import shorten

    what, separator, advice = _reason(error).rpartition(" — ")
    if not separator:
        return shorten(advice, _WHOLE_REASON_LIMIT, at_word=True)
    room = max(_WHOLE_REASON_LIMIT - len(advice) - len(separator), _REASON_LIMIT)
    return shorten(what, room, at_word=True) + separator + shorten(advice, _WHOLE_REASON_LIMIT, at_word=True)


def scan_problem_rows(summaries: list[ChannelSummary], brand: str) -> list[ChannelSummary]:
    """The brand's channels (of a report over several) whose last scan failed or was partial."""
    return [s for s in summaries if s.brand == brand and s.last_status in SCAN_PROBLEMS]


def scan_problem_lines(
    summaries: list[ChannelSummary], brand: str, lang: Lang, *, whole: bool = False
) -> list[str]:
    """ "cafe/instagram: last scan failed — export file not found: …", one per failed or partial
    channel; `whole`: with the whole reason and its advice (HTML, PDF, Markdown), not in short."""
    reason = whole_reason if whole else short_reason
    return [
        lang(
            "scan_problem_line",
            channel=f"{s.brand}/{s.channel}",
            status=_scan_state(s, lang),
            reason=reason(s.last_error) or lang("none"),
        )
        for s in scan_problem_rows(summaries, brand)
    ]


def scan_problems_table(summaries: list[ChannelSummary], brand: str, lang: Lang) -> TableData | None:
    """The failed or partial channels as a table (CSV, spreadsheets), or None when every scan went
    well. The reason is whole: a spreadsheet's cell holds what to do too."""
    rows = scan_problem_rows(summaries, brand)
    if not rows:
        return None
    table = TableData(
        "scan_problems",
        lang("scan_problems"),
        [lang("channel"), _heading(lang("last_scan")), lang("reason")],
        note=lang("scan_problems_note"),
    )
    for s in rows:
        reason = whole_reason(s.last_error)
        table.rows.append(
            [
                Cell(f"{s.brand}/{s.channel}", f"{s.brand}/{s.channel}"),
                Cell(s.last_status, _scan_state(s, lang), "bad"),
                Cell(reason, reason),
            ]
        )
    return table


def _heading(word: str) -> str:
    """A word the report also writes inside a line ("platform", "last scan"), as a column's heading:
    capitalised as the other headings are ("Channel | platform | Posts" read as a slip)."""
    return word[:1].upper() + word[1:]


def channel_overview(summaries: list[ChannelSummary], lang: Lang) -> TableData:
    """All-time posts, customer comments and sentiment shares per channel, with the last scan status."""
    table = TableData(
        "channels",
        lang("overview"),
        [
            lang("channel"),
            _heading(lang("platform")),
            lang("posts"),
            lang("comments"),
            lang("positive_share"),
            lang("neutral_share"),
            lang("negative_share"),
            _heading(lang("last_scan")),
        ],
        numeric={2, 3, 4, 5, 6},
    )
    for s in summaries:
        table.rows.append(
            [
                Cell(f"{s.brand}/{s.channel}", f"{s.brand}/{s.channel}"),
                Cell(s.platform, s.platform),
                _num(lang, s.posts),
                _num(lang, s.comments),
                *_overview_shares(lang, s),
                Cell(s.last_status, _scan_state(s, lang, when=True)),
            ]
        )
    return table


def _overview_shares(lang: Lang, summary: ChannelSummary) -> list[Cell]:
    """A channel's all-time positive, neutral and negative shares; "—" (and no value) for a channel
    without a scored comment, as the window's tables show it: "0 %" thrice read as a channel of
    neither opinion. (The JSON overview keeps its documented 0.0: its schema has no null there.)"""
    if not summary.positive + summary.neutral + summary.negative:
        return [_pct(lang, None), _pct(lang, None), _pct(lang, None)]
    return [
        Cell(round(summary.share(label), 4), lang.percent(summary.share(label)), style, kind="share")
        for label, style in (("positive", "good"), ("neutral", ""), ("negative", "bad"))
    ]


def summary_overview(
    report: BrandReport, summaries: list[ChannelSummary] | None, lang: Lang
) -> TableData | None:
    """The brand's channel overview, which a summary shows right after its headline in every
    format, as the terminal does; None for a focused view (response times, trends, pending: only a
    summary computes engagement) or without the channels' summaries."""
    if report.engagement is None or not summaries:
        return None
    mine = [s for s in summaries if s.brand == report.slug]
    if not mine:
        return None
    table = channel_overview(mine, lang)
    # All-time figures beside the window's: said in the title, as the terminal says "All time:".
    table.title = f"{table.title} · {lang('all_time')}"
    return table


# When the window holds no customer comment. The terminal says which option to try; a document
# (HTML, PDF, Markdown, e-mail) read by a client says only where the data is.


def empty_window_hint(report: BrandReport, lang: Lang, *, document: bool = False) -> str | None:
    """When the window holds no customer comment: say so, and where the data is (with the option to
    try, unless `document`)."""
    if report.comments_in_window != 0 or not report.channels:
        return None
    newest = report.newest_comment_at
    if newest is None:
        return lang("empty_none_yet")
    if document:
        return lang("empty_in_document", day=lang.date(newest))
    if newest >= report.until:
        return lang("empty_try_until", day=lang.date(newest))
    today = report.generated_at.astimezone(lang.zone).date()
    days = (today - newest.astimezone(lang.zone).date()).days + 1
    return lang("empty_try_since", day=lang.date(newest), span=f"{-(-days // 30) * 30}d")
