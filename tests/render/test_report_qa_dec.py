"""What a QA tester saw in the reports as people read them (December), each fixed in the renderers.

1. A day's chart drew all 30 (or 91) dates under it, one over the other in a black smear.
2. At 80 columns the trend's negative-share bar had no heading, so it read backwards.
3. `--csv-dir` and xlsx headings changed with the data ("Mediana" without "(min)" for a brand that
   answered nothing) and an empty table wrote no file: a consultant's query broke week to week.
4. "Most negative comments: no data" for a window with comments, none of them negative.
5. A channel without comments showed "0 %" positive, neutral and negative.
6. `-f csv` wrote an always-empty bar column and a mean rating of 3.6666666666666665.
7. The response chart's highest bar rose above its highest value label (30.8 h over "24,0").
9. `socialmon pending` at 80 columns: a comment's text in a column of 13 to 18, five lines a row.
(8, `-o report.txt` at 140 columns whatever $COLUMNS, is the CLI's: its console is made there.)

The charts and the terminal's layouts are checked on reports made here (`BrandReport` is plain
data); the files on a project scanned by the real CLI, reported on over two windows.
"""

from __future__ import annotations

import csv
import io
import itertools
import json
import re
import xml.etree.ElementTree as ET
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from helpers import clean_environment, comment, post, run_in_process, write_config, write_jsonl
from rich.cells import cell_len
from rich.console import Console

from socialmon.analytics.results import (
    BrandReport,
    FeedbackTrend,
    KindCount,
    NeedsReply,
    PendingComment,
    ResponseGroup,
    ResponseTimes,
    TrendPeriod,
    WaitStats,
)
from socialmon.render.charts import response_chart, sentiment_chart
from socialmon.render.i18n import Lang
from socialmon.render.terminal import render_terminal

RULES: dict[str, object] = {
    "reply_match": "thread",
    "reply_by": "business",
    "statistic": "median",
    "conversation_gap": None,
    "self_thread_replies": True,
    "response_sla_minutes": 240.0,
    "business_hours": None,
    "holidays": None,
    "timezone": "America/Guayaquil",
}
SVG = "{http://www.w3.org/2000/svg}"


def brand_report(period: str = "week", periods: int = 4, **sections: object) -> BrandReport:
    """A report over `periods` periods with only `sections` computed (trend, response_times, …)."""
    step = {"day": timedelta(days=1), "week": timedelta(days=7), "month": timedelta(days=31)}[period]
    first = datetime(2026, 1, 1, 5, tzinfo=UTC)
    channels = sections.pop("channels", ["export"])
    return BrandReport(
        slug="cafe",
        name="Café Uno",
        timezone="America/Guayaquil",
        language="es",
        since=first,
        until=first + step * periods,
        generated_at=first + step * periods,
        period=period,
        channels=channels,  # type: ignore[arg-type]
        rules=RULES,
        **sections,  # type: ignore[arg-type]
    )


def starts(period: str, count: int) -> list[date]:
    first = date(2026, 1, 1)
    if period == "month":
        return [
            date(first.year + (first.month - 1 + i) // 12, (first.month - 1 + i) % 12 + 1, 1)
            for i in range(count)
        ]
    step = 7 if period == "week" else 1
    return [first + timedelta(days=step * i) for i in range(count)]


def trend(days: list[date]) -> FeedbackTrend:
    periods = [TrendPeriod(d, 3, 1 + i % 2, 1, 1, 0, None) for i, d in enumerate(days)]
    return FeedbackTrend(periods=periods, rising_terms=[], compared=None)


def stats(median: float | None) -> WaitStats:
    return WaitStats(mean=median, median=median, p90=median, within_sla=1 if median is not None else 0)


def times(days: list[date], medians: list[float | None]) -> ResponseTimes:
    groups = [ResponseGroup(d.isoformat(), 2, 1, stats(m)) for d, m in zip(days, medians, strict=True)]
    overall = ResponseGroup("all", 2 * len(days), len(days), stats(medians[0]))
    return ResponseTimes(240.0, overall, [ResponseGroup("export", 2, 1, stats(1.0))], groups, False)


def axis(svg: str, which: str) -> list[tuple[float, str]]:
    """(x or y position, text) of each label drawn on a pygal chart's x or y axis."""
    root = ET.fromstring(svg)
    found = []
    for group in root.iter(f"{SVG}g"):
        if group.get("class", "").split()[:2] == ["axis", which]:
            for text in group.iter(f"{SVG}text"):
                found.append((float(text.get(which) or 0), text.text or ""))
    return found


@pytest.mark.parametrize(
    ("period", "count"),
    [
        ("day", 30),
        ("day", 31),
        ("day", 91),
        ("day", 365),
        ("week", 13),
        ("week", 53),
        ("month", 12),
    ],
)
def test_a_chart_draws_a_readable_number_of_dates_the_first_and_the_last(period: str, count: int) -> None:
    """Problem 1: at most a dozen dates, evenly apart, the window's first and last always drawn."""
    lang = Lang("es", "EC", "America/Guayaquil")
    days = starts(period, count)
    report = brand_report(
        period, count, trend=trend(days), response_times=times(days, [60.0 * (i % 5) for i in range(count)])
    )
    for svg in (sentiment_chart(report, lang), response_chart(report, lang)):
        assert svg is not None
        labels = axis(svg, "x")
        every = [lang.axis_date(d, period) for d in days]
        assert len(labels) <= 12, f"{len(labels)} dates under the chart"
        assert len(labels) >= 6
        texts = [text for _, text in labels]
        assert texts[0] == every[0] and texts[-1] == every[-1]
        assert texts == sorted(texts, key=every.index)  # in order, each once
        gaps = [b - a for (a, _), (b, _) in itertools.pairwise(labels)]
        bar = (labels[-1][0] - labels[0][0]) / (count - 1)  # px from one period to the next
        assert max(gaps) - min(gaps) <= bar + 0.5, gaps  # evenly apart, to a period
        assert min(gaps) >= 30, gaps  # px of the 480 px drawing: two dates never overlap
    # A week of days: every date, as before.
    days = starts("day", 7)
    svg = sentiment_chart(brand_report("day", 7, trend=trend(days)), lang)
    assert svg is not None and [text for _, text in axis(svg, "x")] == [
        lang.axis_date(d, "day") for d in days
    ]


def test_the_response_charts_value_axis_reaches_its_highest_bar() -> None:
    """Problem 7: the sample's 30.8 h bar stood over a top label of "24,0"."""
    lang = Lang("es", "EC", "America/Guayaquil")
    days = starts("week", 5)
    medians = [210.0, 60.0, 1447.0, 30.0, 1848.0]  # minutes: 30.8 h the highest
    svg = response_chart(brand_report("week", 5, response_times=times(days, medians)), lang)
    assert svg is not None
    values = [float(text.replace(".", "").replace(",", ".")) for _, text in axis(svg, "y")]
    assert max(values) >= 1848 / 60, values
    assert len(values) <= 8


def pending_item(
    ref: str, author: str, text: str, *, channel: str = "export", kind: str = "comment"
) -> PendingComment:
    return PendingComment(
        channel=channel,
        platform_id=ref,
        author=author,
        created_at=datetime(2026, 9, 8, 15, tzinfo=UTC),
        age_minutes=27000.0,
        label="negative",
        compound=-0.6,
        text=text,
        url=None,
        over_sla=True,
        kind=kind,
    )


TEXTS = [
    "El sábado pasado esperé 40 minutos y nadie me atendió. Pésimo servicio",
    "Excelente panadería, el personal muy amable y todo fresco",
    "Lovely coffee and friendly staff, a bit crowded on weekends",
]


def printed(report: BrandReport, lang: Lang, width: int) -> list[str]:
    console = Console(width=width, record=True, file=io.StringIO(), color_system=None)
    console.print(render_terminal(report, lang))
    return [line.rstrip() for line in console.export_text().splitlines()]


def test_pending_at_80_columns_gives_a_comments_text_the_room() -> None:
    """Problem 9: beside kind, channel, author, wait and sentiment the text had a column of 13 and a
    comment of 70 letters took five lines; an author's long name kept its whole width."""
    lang = Lang("es", "EC", "America/Guayaquil")
    items = [
        pending_item("a1", "Daniela Torres Villavicencio", TEXTS[0]),
        pending_item("a2", "Ana", TEXTS[1], channel="whatsapp", kind="message"),
        pending_item("a3", "Kate M.", TEXTS[2]),
    ]
    waiting = NeedsReply(
        3, 3, 3, items, by_kind=[KindCount("comment", 2, 2, 2), KindCount("message", 1, 1, 1)]
    )
    busy = brand_report(needs_reply=waiting, channels=["export", "whatsapp"])
    lines = printed(busy, lang, 80)
    print("\n".join(lines))
    assert all(cell_len(line) <= 80 for line in lines)
    for text in TEXTS:  # each whole on one line (at most 70 letters: the table's own cut)
        assert any(text in line for line in lines), text
    for ref in ("#", "Texto"):
        assert any(ref in line for line in lines)
    # One channel, no messages: a text column, the author's name cut to leave it the room.
    plain = [
        pending_item("a1", "Daniela Torres Villavicencio", TEXTS[0]),
        pending_item("a3", "Kate M.", TEXTS[2]),
    ]
    lines = printed(brand_report(needs_reply=NeedsReply(2, 2, 2, plain)), lang, 80)
    print("\n".join(lines))
    row = next(line for line in lines if "Daniela" in line)
    assert "Daniela Torres Villavicencio" not in row and "…" in row
    assert "El sábado pasado esperé 40 minutos y" in row


@pytest.mark.parametrize("width", [80, 200])
def test_pending_shows_a_long_comment_whole_wrapped_in_its_room(width: int) -> None:
    """The report's tables cut a text at 70 characters (a summary's line); `socialmon pending` said
    it gives the text the room the other columns leave, and cut it there all the same."""
    lang = Lang("es", "EC", "America/Guayaquil")
    long = TEXTS[0] + ". Llamé dos veces y nadie contestó; quiero que me devuelvan el dinero del pedido."
    report = brand_report(needs_reply=NeedsReply(1, 1, 1, [pending_item("a1", "Carla", long)]))
    lines = printed(report, lang, width)
    assert all(cell_len(line) <= width for line in lines)
    shown = " ".join(" ".join(line.replace("│", " ").split()) for line in lines)
    assert "devuelvan el dinero del pedido." in shown, "\n".join(lines)
    assert "…" not in shown


@pytest.mark.parametrize(
    ("language", "heading"), [("es", "Barra neg."), ("en", "Neg. bar"), ("pt", "Barra neg.")]
)
def test_the_trends_bar_has_a_heading_at_80_columns(language: str, heading: str) -> None:
    """Problem 2: the column after "Neto" had no heading; the wide layout says "Proporción negativa (barra)"."""
    lang = Lang(language, "EC", "America/Guayaquil")
    report = brand_report(trend=trend(starts("week", 4)))
    for width in (80, 100):
        lines = printed(report, lang, width)
        header = next(line for line in lines if line.startswith(lang("week")) and lang("short_net") in line)
        after = header.split(lang("short_net"), 1)[1].split()
        assert " ".join(after[: len(heading.split())]) == heading, header
        assert cell_len(heading) <= 10  # as wide as the bar: the column is no wider for it


# The files: Café Uno (Guayaquil, Spanish) with two channels, "export" and "quiet" (a post, never a
# comment). Window A (1-3 Oct): three comments rated 4, 4 and 3 stars, each answered: nobody waits,
# none is negative, a post. Window B (12-14 Oct): one comment, not answered: no answer to time, no
# post, one waiting.
WINDOW_A = ("--since", "2026-10-01", "--until", "2026-10-03")
WINDOW_B = ("--since", "2026-10-12", "--until", "2026-10-14")
CHANNELS = (
    '[[brands.channels]]\nname = "export"\nplatform = "file"\npath = "export.jsonl"\n\n'
    '[[brands.channels]]\nname = "quiet"\nplatform = "file"\npath = "quiet.jsonl"\n'
)


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("qa-dec")
    reply = {"type": "reply", "is_business": True}
    records = [
        post("p1", author_id="biz", created_at="2026-10-01T12:00:00Z"),
        comment("c1", text="Lovely coffee", rating=4, created_at="2026-10-01T13:00:00Z"),
        comment("r1", parent_id="c1", created_at="2026-10-01T14:00:00Z", **reply),
        comment("c2", text="Good bread", rating=4, created_at="2026-10-01T15:00:00Z"),
        comment("r2", parent_id="c2", created_at="2026-10-01T15:30:00Z", **reply),
        comment("c3", text="It was fine", rating=3, created_at="2026-10-02T13:00:00Z"),
        comment("r3", parent_id="c3", created_at="2026-10-02T13:10:00Z", **reply),
        comment("c4", text="Great bread, thank you", created_at="2026-10-12T13:00:00Z"),
    ]
    with clean_environment(folder, COLUMNS="200"):
        write_jsonl(folder / "export.jsonl", records)
        write_jsonl(folder / "quiet.jsonl", [post("q1", created_at="2026-10-01T12:00:00Z")])
        config = write_config(folder, channels=CHANNELS).resolve()
        result = run_in_process("scan", "-q", "--config", str(config))
        assert result.exit_code == 0, result.output
    return config


def report(config: Path, *args: str) -> str:
    result = run_in_process("report", *args, "--config", str(config))
    assert result.exit_code == 0, result.output
    return result.stdout


def csv_folder(config: Path, folder: Path, window: tuple[str, ...]) -> dict[str, list[list[str]]]:
    report(config, *window, "--csv-dir", str(folder))
    return {
        path.name: list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig")), delimiter=";"))
        for path in sorted(folder.glob("*.csv"))
    }


def test_the_csv_folder_has_the_same_files_and_headings_whatever_the_data(
    project: Path, tmp_path: Path
) -> None:
    """Problem 3: a query built on last week's folder finds every file and every column this week."""
    a = csv_folder(project, tmp_path / "a", WINDOW_A)
    b = csv_folder(project, tmp_path / "b", WINDOW_B)
    assert sorted(a) == sorted(b)
    for name in ("cafe-needs_reply.csv", "cafe-posts.csv", "cafe-worst_comments.csv"):
        assert name in a, sorted(a)
    assert a["cafe-needs_reply.csv"] == [b["cafe-needs_reply.csv"][0]]  # nobody waits in A: the headings
    assert b["cafe-posts.csv"] == [a["cafe-posts.csv"][0]]  # no post in B
    for name in a:
        assert a[name][0] == b[name][0], name
    assert "Mediana (min)" in b["cafe-response_by_channel.csv"][0]  # nothing answered in B
    assert "Espera (min)" in a["cafe-needs_reply.csv"][0]
    assert "Valoración media" in a["cafe-trend.csv"][0]


def test_the_xlsx_has_the_same_sheets_and_headings_whatever_the_data(project: Path, tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    books = []
    for window, name in ((WINDOW_A, "a.xlsx"), (WINDOW_B, "b.xlsx")):
        report(project, *window, "-f", "xlsx", "-o", str(tmp_path / name))
        book = openpyxl.load_workbook(tmp_path / name)
        books.append({sheet.title: [c.value for c in sheet[2]] for sheet in book.worksheets})
    a, b = books
    assert list(a) == list(b) and a == b
    assert "Esperan respuesta" in a and "Espera (min)" in a["Esperan respuesta"]
    assert "Mediana (min)" in b["Respuesta por canal"]


def test_no_negative_comment_is_said_so_in_every_format(project: Path, tmp_path: Path) -> None:
    """Problem 4: "No hay datos en este periodo" under the most negative comments of a window with
    three comments, none negative, read as a scan that had failed."""
    said = Lang("es")("no_negative")
    assert said == "Ningún comentario de este periodo fue negativo."
    assert Lang("en")("no_negative") == "No comment in this window was negative."
    assert Lang("pt")("no_negative") == "Nenhum comentário deste período foi negativo."
    outputs = {}
    with clean_environment(project.parent, COLUMNS="80"):
        outputs["table 80"] = report(project, *WINDOW_A)
    with clean_environment(project.parent, COLUMNS="160"):
        outputs["table 160"] = report(project, *WINDOW_A)
    for format in ("md", "html", "csv"):
        outputs[format] = report(project, *WINDOW_A, "-f", format)
    for format, text in outputs.items():
        flat = " ".join(re.sub(r"[│┃]", " ", text).split())
        assert said in flat, format
        assert f"{Lang('es')('worst_comments')}: {Lang('es')('no_data')}" not in flat, format
    # A window without any comment still says "no data" there.
    empty = report(project, "--since", "2026-09-01", "--until", "2026-09-05", "-f", "md")
    assert said not in empty and Lang("es")("no_data") in empty


def test_a_channel_without_comments_shows_no_shares(project: Path) -> None:
    """Problem 5: "Pos. 0 % Neu. 0 % Neg. 0 %" for a channel that never had a comment: "—" as the
    window's tables show it."""
    outputs = {}
    with clean_environment(project.parent, COLUMNS="80"):
        outputs["table 80"] = report(project, *WINDOW_A)
    with clean_environment(project.parent, COLUMNS="160"):
        outputs["table 160"] = report(project, *WINDOW_A)
    outputs["md"] = report(project, *WINDOW_A, "-f", "md")
    compact = outputs["table 80"].splitlines()
    block = compact[compact.index(next(line for line in compact if line.startswith("cafe/quiet"))) + 1]
    assert "Pos.: —" in block and "Neg.: —" in block and "0 %" not in block, block
    wide = next(line for line in outputs["table 160"].splitlines() if "cafe/quiet" in line)
    assert "0 %" not in wide and wide.count("—") >= 3, wide
    row = next(line for line in outputs["md"].splitlines() if "cafe/quiet" in line)
    assert "0 %" not in row and row.count("—") >= 3, row
    # The JSON overview keeps its documented shares (fractions, no null): left as it was.
    data = json.loads(report(project, *WINDOW_A, "-f", "json"))
    quiet = next(c for c in data["channels"] if c["channel"] == "quiet")
    assert quiet["comments"] == 0 and quiet["shares"] == {"positive": 0.0, "neutral": 0.0, "negative": 0.0}


def test_the_csv_format_has_no_bar_column_and_a_rounded_rating(project: Path) -> None:
    """Problem 6: "Proporción negativa (barra)", an always-empty column, and 3.6666666666666665."""
    text = report(project, *WINDOW_A, "-f", "csv")
    assert "barra" not in text
    rows = list(csv.reader(io.StringIO(text)))
    heading = rows.index(next(r for r in rows if r and r[0] == "Semana del" and "Valoración media" in r))
    columns, values = rows[heading], rows[heading + 1]
    assert len(columns) == 7 and len(values) == 7
    assert values[columns.index("Valoración media")] == "3.67"
    # The JSON keeps its own rounding (two decimals for a rating), as it was.
    data = json.loads(report(project, *WINDOW_A, "-f", "json"))
    assert data["brands"][0]["trend"]["periods"][0]["average_rating"] == 3.67
    # Nobody waits in this window: the waiting table's heading still gives its unit.
    assert any(r[:1] == ["Ref."] and "Espera (min)" in r for r in rows)


@pytest.mark.parametrize(("columns", "widest"), [("80", 80), (None, 140)])
def test_a_table_report_written_with_o_follows_columns(
    project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, columns: str | None, widest: int
) -> None:
    """`-o report.txt` wrote 140 columns even with COLUMNS=80, which `> report.txt` follows."""
    if columns is None:
        monkeypatch.delenv("COLUMNS", raising=False)
    else:
        monkeypatch.setenv("COLUMNS", columns)
    written = tmp_path / "report.txt"
    report(project, "--since", "2026-10-01", "--until", "2026-10-31", "-o", str(written))
    lines = written.read_text(encoding="utf-8").splitlines()
    assert max(cell_len(line) for line in lines) <= widest
    assert any(cell_len(line) > 80 for line in lines) == (widest > 80)


def test_a_window_starting_within_a_day_says_its_time() -> None:
    """The previous period of a window that ends now starts mid-day: its label said the day alone,
    so a report run for that day whole (more comments) did not match the figures compared."""
    lang = Lang("en", None, "America/Guayaquil")
    midnight = datetime(2026, 11, 23, 5, 0, tzinfo=UTC)  # 00:00 in Guayaquil
    end = datetime(2026, 11, 30, 5, 0, tzinfo=UTC)
    assert lang.window(midnight, end) == "Nov 23, 2026 to Nov 29, 2026"
    assert (
        lang.window(midnight + timedelta(hours=13, minutes=55), end) == "Nov 23, 2026 13:55 to Nov 29, 2026"
    )
