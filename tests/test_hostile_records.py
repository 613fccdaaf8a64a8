"""Hostile records never stop a scan (issue 13, point 1, and its fuzz test).

Every record, from any connector, is checked against what both databases store
(`socialmon_connectors.records`): ids too long or holding NUL / lone surrogates are
rejected, author names are cut to 300 characters, NUL is removed from texts and lone
surrogates become U+FFFD, counts beyond PostgreSQL's INTEGER and datetimes outside
1900-9000 are rejected. The `file` connector reports each row it cannot turn into a
record with its file and line, and stores the rest.

The fuzz test writes random and hostile records as JSON Lines and CSV, scans them into a
real database (SQLite always, PostgreSQL when SOCIALMON_TEST_POSTGRES_URL is set) through
`run_scan`, and checks that every valid record is stored exactly once, as the file says it
(cleaned as above), and that every invalid one is reported with its file and line. It is
bounded: 40 examples per database, a few seconds each run.
"""

from __future__ import annotations

import asyncio
import csv
import io
import itertools
import json
import math
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError
from sqlalchemy import select

from socialmon.config import BrandConfig, ChannelConfig, ResolvedChannel
from socialmon.database import Database, open_database
from socialmon.models import Comment, Post
from socialmon.scan import ChannelOutcome, run_scan
from socialmon.sentiment import Scorer, get_scorer
from socialmon.storage import PageResult, Store
from socialmon_connectors.base import ChannelContext
from socialmon_connectors.file import FileConnector, FileSettings
from socialmon_connectors.records import CommentRecord, PostRecord, Progress, RejectedRecord

WHEN = datetime(2026, 10, 1, 12, tzinfo=UTC)
BRAND = BrandConfig(name="Café Uno", slug="cafe")


@pytest.fixture(scope="module")
def scorer() -> Scorer:
    return get_scorer()  # the default (multilingual) scorer: language detection included


class Collecting:
    """A scan reporter that keeps every rejection."""

    def __init__(self) -> None:
        self.rejected: list[RejectedRecord] = []

    def channel_started(self, label: str) -> None:
        pass

    def page_saved(self, label: str, totals: PageResult, progress: Progress | None) -> None:
        pass

    def record_rejected(self, label: str, rejected: RejectedRecord) -> None:
        self.rejected.append(rejected)

    def channel_finished(self, outcome: ChannelOutcome) -> None:
        pass


def scan(store: Store, folder: Path, name: str) -> tuple[ChannelOutcome, list[RejectedRecord]]:
    """Scan the exports in `folder` as the channel `name`, through the real scan loop."""
    channel = ChannelConfig(name=name, platform="file", account=name)
    resolved = ResolvedChannel(
        brand=BRAND,
        channel=channel,
        connector_class=FileConnector,
        settings=FileSettings(path=str(folder), page_size=7),
        context=ChannelContext(brand=BRAND.slug, channel=name, account=name, base_dir=folder),
    )
    reporter = Collecting()
    [outcome] = asyncio.run(run_scan([resolved], store, concurrency=1, reporter=reporter, scoring_workers=0))
    return outcome, reporter.rejected


def stored(database: Database, store: Store, name: str) -> dict[str, dict[str, Any]]:
    """Every post and comment of the channel `name`, by platform id (a repeated id would fail the test)."""
    channel_id = store.sync_channel(BRAND, ChannelConfig(name=name, platform="file", account=name)).id
    found: dict[str, dict[str, Any]] = {}
    with database.read() as connection:
        for table in (Post.__table__, Comment.__table__):
            query = select(
                table.c.platform_id,
                table.c.text,
                table.c.author_name,
                table.c.like_count,
                table.c.created_at,
            ).where(table.c.channel_id == channel_id)
            for row in connection.execute(query):
                assert row.platform_id not in found, f"{row.platform_id!r} stored twice"
                found[row.platform_id] = {**row._mapping, "table": table.name}
    return found


def utc(value: datetime) -> datetime:
    """A stored datetime as naive UTC (SQLite gives it back naive, PostgreSQL aware)."""
    return value if value.tzinfo is None else value.astimezone(UTC).replace(tzinfo=None)


def clean(value: str) -> str:
    """What a text becomes when stored: no NUL, each lone surrogate a U+FFFD (written independently
    of socialmon_connectors.records.storable_text)."""
    return "".join("\ufffd" if 0xD800 <= ord(c) <= 0xDFFF else c for c in value if c != "\x00")


# --- any connector's records -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("model", "fields", "field_name"),
    [
        (PostRecord, {"platform_id": "x" * 201}, "platform_id"),
        (PostRecord, {"platform_id": 10**250}, "platform_id"),  # a numeric id, 251 digits
        (CommentRecord, {"author_id": "a" * 201}, "author_id"),
        (CommentRecord, {"post_id": "p" * 201}, "post_id"),
        (CommentRecord, {"parent_id": "c" * 201}, "parent_id"),
        (CommentRecord, {"platform_id": "c\x00"}, "platform_id"),
        (CommentRecord, {"post_id": "p\ud800"}, "post_id"),
        (CommentRecord, {"like_count": 2**31}, "like_count"),  # PostgreSQL INTEGER holds up to 2**31 - 1
        (CommentRecord, {"like_count": 2**63}, "like_count"),
        (CommentRecord, {"reply_count": 10**30}, "reply_count"),
        (PostRecord, {"comment_count": 2**40}, "comment_count"),
        (PostRecord, {"share_count": 2**64}, "share_count"),
        (CommentRecord, {"created_at": datetime(1, 1, 1, tzinfo=timezone(timedelta(hours=5)))}, "created_at"),
        (
            CommentRecord,
            {"created_at": datetime(9999, 12, 31, 23, tzinfo=timezone(timedelta(hours=-5)))},
            "created_at",
        ),
        (CommentRecord, {"created_at": datetime(1899, 12, 31, tzinfo=UTC)}, "created_at"),
        (CommentRecord, {"edited_at": datetime(9000, 1, 1, tzinfo=UTC)}, "edited_at"),
    ],
)
def test_a_record_the_databases_cannot_store_is_a_validation_error_naming_the_field(
    model: type[PostRecord | CommentRecord], fields: dict[str, Any], field_name: str
) -> None:
    values = {"platform_id": "r1", "created_at": WHEN, **fields}
    with pytest.raises(ValidationError) as raised:
        model(**values)
    assert [error["loc"][0] for error in raised.value.errors()] == [field_name]


def test_records_at_the_limits_are_kept() -> None:
    record = CommentRecord(
        platform_id="x" * 200,
        author_id="a" * 200,
        post_id="p" * 200,
        parent_id="c" * 200,
        like_count=2**31 - 1,
        reply_count=0,
        created_at=datetime(1900, 1, 1, tzinfo=UTC),
        edited_at=datetime(8999, 12, 31, 23, 59, tzinfo=UTC),
        author_name="n" * 300,
    )
    assert record.author_name == "n" * 300


def test_texts_names_and_urls_are_cleaned_and_long_names_cut() -> None:
    record = CommentRecord(
        platform_id="c1",
        created_at=WHEN,
        text="uno\x00dos \ud800 tres \u202eRTL\u202c 😀",
        url="https://x/\x00c1\udfff",
        author_name="María\x00" + "é" * 400,
    )
    assert record.text == "unodos \ufffd tres \u202eRTL\u202c 😀"  # bidi marks are text: kept
    assert record.url == "https://x/c1\ufffd"
    assert record.author_name is not None
    assert len(record.author_name) == 300
    assert record.author_name.startswith("Maríaé") and record.author_name.endswith("é…")
    post = PostRecord(platform_id="p1", created_at=WHEN, text="\x00\x00", author_name="\ud83d")
    assert (post.text, post.author_name) == ("", "\ufffd")


# --- the file connector through a real scan ---------------------------------------------------------


def test_hostile_rows_are_reported_with_their_line_and_the_rest_is_stored(
    database_url: str, tmp_path: Path, scorer: Scorer
) -> None:
    folder = tmp_path / "exports"
    folder.mkdir()

    def line(**fields: Any) -> str:
        record = {"type": "comment", "post_id": "p1", "created_at": "2026-10-01T13:00:00Z", **fields}
        return json.dumps(record) + "\n"

    (folder / "export.jsonl").write_text(
        json.dumps({"type": "post", "id": "p1", "created_at": "2026-10-01T12:00:00Z"})
        + "\n"  # 1
        + line(id="epoch", created_at=1e20)  # 2: OverflowError
        + line(id="year", created_at="99999-01-01T00:00:00Z")  # 3
        + line(id="late", created_at="9999-12-31T23:00:00-05:00")  # 4: OverflowError in UTC
        + '{"type": "comment", "id": "deep", "text": '
        + "[" * 50_000
        + "]" * 50_000
        + "}\n"  # 5
        + line(id="count", like_count=2**63)  # 6
        + line(id="x" * 201)  # 7
        + line(id="nul", text="antes\x00después")  # 8: PostgreSQL rejects NUL
        + line(id="surrogate", text="mal \ud800 escape")  # 9: neither database stores it
        + line(id="name", author_name="N" * 400)  # 10: VARCHAR(300) on PostgreSQL
        + line(id="int4", like_count=2**31)  # 11: beyond PostgreSQL's INTEGER
        + line(id="long", text="ñ" * 2_000_000)  # 12: one 2 MB word
        + line(id="last", text="¡Qué rico!"),  # 13
        encoding="utf-8",
    )
    database = open_database(database_url)
    try:
        store = Store(database, scorer)
        outcome, rejected = scan(store, folder, "export")
        assert outcome.status == "ok", outcome.error
        assert [r.location for r in rejected] == [f"export.jsonl line {n}" for n in (2, 3, 4, 5, 6, 7, 11)]
        assert all(r.reason for r in rejected)
        rows = stored(database, store, "export")
        assert set(rows) == {"p1", "nul", "surrogate", "name", "long", "last"}
        assert rows["nul"]["text"] == "antesdespués"
        assert rows["surrogate"]["text"] == "mal \ufffd escape"
        assert rows["name"]["author_name"] == "N" * 299 + "…"
        assert rows["long"]["text"] == "ñ" * 2_000_000
        # The cursor moved past every line: the next scan reads nothing and reports nothing again.
        again, rejected_again = scan(store, folder, "export")
        assert again.status == "ok" and rejected_again == []
        assert (again.result.new_comments, again.result.new_posts) == (0, 0)
    finally:
        database.dispose()


# --- the fuzz test -------------------------------------------------------------------------------

CSV_COLUMNS = (
    "type", "id", "post_id", "parent_id", "created_at", "author_id", "author_name", "text", "like_count",
    "rating",
)  # fmt: skip
HOSTILE_CHARS = [
    "\x00", "\ud800", "\udfff", "\ud83d", "\ude00", "\u202e", "\u202c", "\u200f", "\u2066", "\ufeff",
    "\u2028", "\x85", "\r", "\n", "\r\n", '"', ",", "\\", "\t", "\x1b[2J", "😀", "👍🏽", "e\u0301", "ñ",
    "日本", "مرحبا", " ",
]  # fmt: skip
text_strategy = st.one_of(
    st.lists(
        st.one_of(st.characters(exclude_categories=()), st.sampled_from(HOSTILE_CHARS)), max_size=40
    ).map("".join),
    # one long unbroken word
    st.builds(
        lambda c, n: c * n, st.sampled_from(["a", "ñ", "😀", "\ud800", "jaja"]), st.integers(1, 50_000)
    ),
)
id_chars = st.characters(exclude_categories=("Cs", "Cc", "Z"))


@st.composite
def moments(draw: st.DrawFn) -> tuple[Any, datetime]:
    """A valid time as an export may write it, and the UTC time it stands for."""
    style = draw(st.sampled_from(["offset", "z", "naive", "epoch", "epoch-string", "epoch-float"]))
    # A number is read as Unix seconds only from 1,000,000,000 (September 2001) on.
    earliest = datetime(2001, 9, 10) if style.startswith("epoch") else datetime(1901, 1, 1)
    moment = draw(
        st.datetimes(min_value=earliest, max_value=datetime(8998, 12, 31), timezones=st.just(UTC))
    ).replace(microsecond=0)
    if style == "offset":
        zone = timezone(timedelta(minutes=draw(st.integers(-14 * 60, 14 * 60))))
        return moment.astimezone(zone).isoformat(), moment
    if style == "z":
        return moment.strftime("%Y-%m-%dT%H:%M:%SZ"), moment
    if style == "naive":  # the channel's time zone: UTC
        return moment.replace(tzinfo=None).isoformat(sep=" "), moment
    seconds = int(moment.timestamp())
    return {"epoch": seconds, "epoch-string": str(seconds), "epoch-float": float(seconds)}[style], moment


# How a record can be made invalid: (name, formats it applies to).
POISONS = [
    ("long id", "both"),
    ("long author id", "both"),
    ("long post id", "both"),
    ("NUL in id", "both"),
    ("count too big", "both"),
    ("negative count", "both"),
    ("epoch out of range", "both"),
    ("date out of range", "both"),
    ("no date", "both"),
    ("unknown type", "both"),
    ("rating out of range", "both"),
    ("nested", "jsonl"),
    ("not JSON", "jsonl"),
    ("not an object", "jsonl"),
    ("integer too long for JSON", "jsonl"),
    ("author id an object", "jsonl"),
    ("NaN date", "jsonl"),
    ("wrong number of columns", "csv"),
]


@dataclass
class Entry:
    """One record of an export: its fields, the poison that makes it invalid (if any), its line."""

    fields: dict[str, Any]
    poison: str | None
    moment: datetime
    raw: str | None = None  # a whole line written as is (instead of the fields)
    line: int = 0
    expected: dict[str, Any] = field(default_factory=dict)


@st.composite
def entries(draw: st.DrawFn, fmt: str, prefix: str) -> list[Entry]:
    found = []
    for index in range(draw(st.integers(1, 10))):
        kind = draw(st.sampled_from(["post", "comment", "reply", "review"]))
        suffix = draw(st.text(id_chars, max_size=draw(st.sampled_from([5, 150]))))
        value, moment = draw(moments())
        fields: dict[str, Any] = {
            "type": draw(st.sampled_from([kind, kind.upper(), f" {kind} "])),
            "id": f"{prefix}{index}-{suffix}",
            "created_at": value,
            "text": draw(text_strategy),
        }
        if fmt == "jsonl" and draw(st.booleans()):
            fields["id"] = 10**30 + index * 1000 + len(prefix)  # a numeric id: stored as its digits
        if kind in ("comment", "reply"):
            fields["post_id"] = draw(st.sampled_from(["p1", f"{prefix}0", "x" * 200]))
            if kind == "reply":
                fields["parent_id"] = draw(st.text(id_chars, min_size=1, max_size=200))
        if draw(st.booleans()):
            fields["author_name"] = draw(
                st.one_of(text_strategy, st.text(id_chars, min_size=290, max_size=600))
            )
        if draw(st.booleans()):
            fields["author_id"] = draw(st.text(id_chars, min_size=1, max_size=200))
        if draw(st.booleans()):
            fields["like_count"] = draw(st.integers(0, 2**31 - 1))
        if kind == "review" and draw(st.booleans()):
            fields["rating"] = draw(st.sampled_from([0, 1, 2.5, 4, 5]))
        poison = None
        if draw(st.integers(0, 2)) == 0:
            poison = draw(st.sampled_from([name for name, where in POISONS if where in ("both", fmt)]))
        entry = Entry(fields, poison, moment)
        poisoned(draw, entry, fmt)
        found.append(entry)
    return found


def poisoned(draw: st.DrawFn, entry: Entry, fmt: str) -> None:
    fields, poison = entry.fields, entry.poison
    if poison == "long id":
        fields["id"] = "i" * draw(st.integers(201, 1000))
    elif poison == "long author id":
        fields["author_id"] = "a" * draw(st.integers(201, 500))
    elif poison == "long post id":
        fields["type"] = "comment"
        fields["post_id"] = "p" * draw(st.integers(201, 500))
    elif poison == "NUL in id":
        fields["id"] = f"{fields['id']}\x00"
    elif poison == "count too big":
        fields["like_count"] = draw(st.sampled_from([2**31, 2**32, 2**63, 2**64, 10**30]))
    elif poison == "negative count":
        fields["like_count"] = draw(st.sampled_from([-1, -(2**63), -(10**30)]))
    elif poison == "epoch out of range":
        fields["created_at"] = draw(st.sampled_from([1e20, -1e20, 2**70, -(2**70), 10**300, 1.7e308]))
    elif poison == "date out of range":
        fields["created_at"] = draw(
            st.sampled_from(
                [
                    "99999-01-01T00:00:00Z",
                    "0001-01-01T00:00:00+05:00",
                    "9999-12-31T23:00:00-05:00",
                    "1899-12-31T23:59:59Z",
                    "9000-01-01T00:00:00Z",
                    "2026-13-01T00:00:00Z",
                    "yesterday",
                ]
            )
        )
    elif poison == "no date":
        del fields["created_at"]
    elif poison == "unknown type":
        fields["type"] = draw(st.sampled_from(["tweet", "story", "\x00post", "tuit", "pöstes"]))
    elif poison == "rating out of range":
        fields["type"] = "review"
        fields["rating"] = draw(st.sampled_from([5.5, -1, 1e300]))
    elif poison == "nested":
        depth = draw(st.sampled_from([2, 30, 100_000]))
        head = json.dumps({k: v for k, v in fields.items() if k != "text"})[:-1]
        entry.raw = f'{head}, "text": ' + "[" * depth + "]" * depth + "}"
    elif poison == "not JSON":
        entry.raw = draw(st.sampled_from(['{"type": "post", "id": ', "}{", "{'type': 'post'}", "\x00"]))
    elif poison == "not an object":
        entry.raw = draw(st.sampled_from(["[1, 2]", "42", '"post"', "null"]))
    elif poison == "integer too long for JSON":
        head = json.dumps({k: v for k, v in fields.items() if k != "like_count"})[:-1]
        entry.raw = f'{head}, "like_count": {"9" * 5000}}}'
    elif poison == "author id an object":
        fields["author_id"] = draw(st.sampled_from([{"a": 1}, [1, 2], True]))
        if fields["author_id"] is True:
            fields["author_id"] = {"nested": [True]}
    elif poison == "NaN date":
        fields["created_at"] = math.nan


def jsonl_line(entry: Entry, ascii_only: bool) -> bytes:
    """A JSON Lines line; text with lone surrogates written unescaped is invalid UTF-8 (a bad line)."""
    text = entry.raw if entry.raw is not None else json.dumps(entry.fields, ensure_ascii=ascii_only)
    return text.encode("utf-8", "surrogatepass") + b"\n"


def csv_row(entry: Entry) -> list[str]:
    fields = entry.fields
    row = ["" if fields.get(name) is None else str(fields[name]) for name in CSV_COLUMNS]
    if entry.poison == "wrong number of columns":
        # More cells than the header: a row with fewer is read, its missing trailing cells empty.
        row = [*row, "extra"]
    return row


def write_exports(
    folder: Path, jsonl: list[Entry], csv_entries: list[Entry], ascii_only: bool, blank: int
) -> None:
    """Both exports, noting each entry's line and what a valid one is expected to become."""
    lines = []
    for number, entry in enumerate(jsonl, start=1 + blank):
        entry.line = number
        line = jsonl_line(entry, ascii_only)
        lines.append(line)
        if entry.poison is None:
            try:
                entry.expected = json.loads(line)
            except ValueError:  # invalid UTF-8: the whole line is rejected
                entry.poison = "invalid UTF-8"
    (folder / "export.jsonl").write_bytes(b"\n" * blank + b"".join(lines))

    buffer = io.StringIO()
    writer = csv.writer(buffer)  # as spreadsheets write it: minimal quoting, CRLF
    writer.writerow(CSV_COLUMNS)
    for entry in csv_entries:
        entry.line = buffer.getvalue().count("\n") + 1
        row = csv_row(entry)
        writer.writerow(row)
        # What the connector reads: the file's bytes as UTF-8, a bad sequence as U+FFFD, without the
        # whitespace around each value (a value that is only whitespace is not given).
        read_back = (
            (name, value.encode("utf-8", "surrogatepass").decode("utf-8", "replace").strip())
            for name, value in zip(CSV_COLUMNS, row, strict=False)
        )
        entry.expected = {name: value for name, value in read_back if value != ""}
    (folder / "export.csv").write_bytes(buffer.getvalue().encode("utf-8", "surrogatepass"))


def check_stored(entry: Entry, row: dict[str, Any]) -> None:
    expected = entry.expected
    assert row["text"] == clean(str(expected.get("text") or ""))
    name = expected.get("author_name")
    if name in (None, ""):
        assert row["author_name"] is None
    else:
        name = clean(name)
        assert row["author_name"] == (name if len(name) <= 300 else name[:299] + "…")
    like = expected.get("like_count")
    assert row["like_count"] == (None if like in (None, "") else int(like))
    assert utc(row["created_at"]) == entry.moment.replace(tzinfo=None)
    assert row["table"] == ("post" if entry.fields["type"].strip().lower() == "post" else "comment")


channel_numbers = itertools.count()


@st.composite
def exports(draw: st.DrawFn) -> tuple[list[Entry], list[Entry], bool, int]:
    number = next(channel_numbers)
    return (
        draw(entries("jsonl", f"j{number}.")),
        draw(entries("csv", f"c{number}.")),
        draw(st.booleans()),
        draw(st.integers(0, 2)),
    )


@pytest.fixture
def fuzz_store(database_url: str, scorer: Scorer) -> Iterator[tuple[Database, Store]]:
    database = open_database(database_url)
    try:
        yield database, Store(database, scorer)
    finally:
        database.dispose()


@pytest.mark.slow
@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)
@given(exports())
def test_fuzz_every_valid_record_is_stored_once_and_every_invalid_one_reported_with_its_line(
    fuzz_store: tuple[Database, Store], export: tuple[list[Entry], list[Entry], bool, int]
) -> None:
    database, store = fuzz_store
    jsonl, csv_entries, ascii_only, blank = export
    name = f"fuzz-{next(channel_numbers)}"  # a fresh channel in the same database
    with tempfile.TemporaryDirectory() as directory:
        folder = Path(directory)
        write_exports(folder, jsonl, csv_entries, ascii_only, blank)
        for entry in (*jsonl, *csv_entries):
            event(f"poison: {entry.poison}")  # --hypothesis-show-statistics: how often each was tried
        outcome, rejected = scan(store, folder, name)
        valid = [e for e in (*jsonl, *csv_entries) if e.poison is None]
        # A file none of whose rows could be read fails: the channel ends partial naming it, or failed
        # when the other file failed too; either way the next scan reads it again (and says so again).
        unreadable = [
            name
            for name, entries in (("export.jsonl", jsonl), ("export.csv", csv_entries))
            if entries and all(e.poison for e in entries)
        ]
        expected_status = {0: "ok", 1: "partial", 2: "failed"}[len(unreadable)]
        assert outcome.status == expected_status, outcome.error
        assert all(name in (outcome.error or "") for name in unreadable)

        expected_rejections = sorted(
            [f"export.jsonl line {e.line}" for e in jsonl if e.poison]
            + [f"export.csv line {e.line}" for e in csv_entries if e.poison]
        )
        assert sorted(r.location for r in rejected) == expected_rejections, [
            (r.location, r.reason) for r in rejected
        ]
        assert all(r.reason for r in rejected)

        rows = stored(database, store, name)
        assert sorted(rows) == sorted(str(e.fields["id"]) for e in valid)
        for entry in valid:
            check_stored(entry, rows[str(entry.fields["id"])])

        # Read again from where the scan stopped: nothing new, nothing reported twice but the rows of a
        # file that failed.
        again, rejected_again = scan(store, folder, name)
        assert again.status == expected_status
        assert sorted(r.location for r in rejected_again) == sorted(
            location for location in expected_rejections if location.split(" line ")[0] in unreadable
        )
        assert again.result.new_posts + again.result.new_comments == 0
