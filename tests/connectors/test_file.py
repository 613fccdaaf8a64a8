"""The `file` connector, driven through `pages(cursor)` with no database."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from conformance import ConnectorCase, conformance_suite, nullcontext
from helpers import comment, post, write_jsonl

from socialmon_connectors import ChannelContext, CommentRecord, Incomplete, Page, PostRecord, SourceError
from socialmon_connectors import file as file_connector
from socialmon_connectors.file import FileConnector, FileSettings, _marks


class FileCase(ConnectorCase):
    """A folder of exports: JSON Lines and CSV, three records a page."""

    rereads = False  # a second run reads only what was appended since

    errors = {  # noqa: RUF012
        "missing folder": SourceError,
        "empty folder": SourceError,
        "csv without a header": SourceError,
    }

    def connector(self, tmp_path: Path) -> FileConnector:
        return connector(tmp_path, "exports", page_size=3)

    def healthy(self, tmp_path: Path, *, strict: bool = True) -> nullcontext[None]:
        folder = tmp_path / "exports"
        folder.mkdir(exist_ok=True)
        write_jsonl(
            folder / "a.jsonl", [post("p1"), comment("c1"), comment("c2", parent_id="c1"), post("p2")]
        )
        (folder / "b.csv").write_text(
            "type,id,post_id,created_at,text,rating\n"
            "comment,c3,p2,2026-10-01T14:00:00Z,¡Qué rico!,\n"
            "review,r1,,2026-10-02T08:00:00Z,Excelente,5\n",
            encoding="utf-8",
        )
        return nullcontext()

    def failing(self, tmp_path: Path, failure: str) -> nullcontext[None]:
        if failure != "missing folder":
            (tmp_path / "exports").mkdir()
        if failure == "csv without a header":
            (tmp_path / "exports" / "a.csv").write_text("comment,c1,p1\n", encoding="utf-8")
        return nullcontext()


TestConformance = conformance_suite(FileCase())


def connector(folder: Path, path: str = "export.jsonl", **options: Any) -> FileConnector:
    return FileConnector(
        FileSettings(path=path, **options),
        ChannelContext(brand="cafe", channel="export", account="Café", base_dir=folder),
    )


def read(source: FileConnector, cursor: dict[str, Any] | None = None) -> list[Page]:
    async def collect() -> list[Page]:
        return [page async for page in source.pages(cursor)]

    return asyncio.run(collect())


def ids(pages: list[Page]) -> list[str]:
    return [r.platform_id for page in pages for r in [*page.posts, *page.comments]]


def rejected(pages: list[Page]) -> list[tuple[str, str]]:
    return [(r.location, r.reason) for page in pages for r in page.rejected]


def records(pages: list[Page]) -> dict[str, PostRecord | CommentRecord]:
    return {r.platform_id: r for page in pages for r in [*page.posts, *page.comments]}


def last_cursor(pages: list[Page]) -> dict[str, Any]:
    assert pages[-1].cursor is not None
    return pages[-1].cursor


def append(path: Path, text: str) -> None:
    with path.open("a", encoding="utf-8") as handle:
        handle.write(text)


def line(record: dict[str, Any]) -> str:
    return json.dumps(record, ensure_ascii=False) + "\n"


# --- what a record becomes ---------------------------------------------------------------


def test_jsonl_posts_comments_replies_and_reviews(tmp_path: Path) -> None:
    write_jsonl(
        tmp_path / "export.jsonl",
        [
            post("p1", author_id="biz", like_count=10, comment_count=2, share_count=1, url="https://x/p1"),
            comment("c1", text="¡Qué rico! 😍 Mañana paso", like_count=3, reply_count=1),
            comment("c2", type="reply", parent_id="c1", author_id="biz", is_business=True),
            {"type": "review", "id": 77, "created_at": "2026-10-02T08:00:00Z", "text": "Top", "rating": 4.5},
        ],
    )
    pages = read(connector(tmp_path))
    assert len(pages) == 1
    assert rejected(pages) == []
    found = records(pages)
    p1 = found["p1"]
    assert isinstance(p1, PostRecord)
    assert (p1.author_id, p1.is_business, p1.like_count, p1.comment_count, p1.share_count) == (
        "biz",
        True,
        10,
        2,
        1,
    )
    assert p1.url == "https://x/p1"
    c1 = found["c1"]
    assert isinstance(c1, CommentRecord)
    assert (c1.kind, c1.post_id, c1.parent_id, c1.author_id, c1.is_business) == (
        "comment",
        "p1",
        None,
        "user-c1",
        False,
    )
    assert c1.text == "¡Qué rico! 😍 Mañana paso"
    assert (c1.like_count, c1.reply_count) == (3, 1)
    c2 = found["c2"]
    assert (c2.kind, c2.post_id, c2.parent_id, c2.is_business) == ("comment", "p1", "c1", True)
    review = found["77"]  # numeric ids become strings
    assert isinstance(review, CommentRecord)
    assert (review.kind, review.post_id, review.rating) == ("review", None, 4.5)


def test_business_authors_mark_the_business_by_id_or_name(tmp_path: Path) -> None:
    write_jsonl(
        tmp_path / "export.jsonl",
        [
            comment("by-id", author_id="biz"),
            comment("by-name", author_id="u9", author_name="Café Uno"),
            comment("customer", author_id="u1", author_name="Ana"),
            comment("explicit", author_id="biz", is_business=False),
        ],
    )
    found = records(read(connector(tmp_path, business_authors=["biz", "Café Uno"])))
    assert {pid: r.is_business for pid, r in found.items()} == {
        "by-id": True,
        "by-name": True,
        "customer": False,
        "explicit": False,  # what the export says wins
    }


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2026-10-01T09:00:00", datetime(2026, 10, 1, 14, tzinfo=UTC)),  # naive: America/Guayaquil, UTC-5
        ("2026-10-01 09:00", datetime(2026, 10, 1, 14, tzinfo=UTC)),
        ("2026-10-01 9:00", datetime(2026, 10, 1, 14, tzinfo=UTC)),  # a spreadsheet's one-digit hour
        ("2026-10-01T9:00:00-05:00", datetime(2026, 10, 1, 14, tzinfo=UTC)),
        ("2026-10-01T09:00:00Z", datetime(2026, 10, 1, 9, tzinfo=UTC)),
        ("2026-10-01T09:00:00+02:00", datetime(2026, 10, 1, 7, tzinfo=UTC)),
        ("2026-10-01T09:00:00.250-03:30", datetime(2026, 10, 1, 12, 30, 0, 250000, tzinfo=UTC)),
        (1790000000, datetime.fromtimestamp(1790000000, UTC)),
        (1790000000.5, datetime.fromtimestamp(1790000000.5, UTC)),
        ("1790000000", datetime.fromtimestamp(1790000000, UTC)),
    ],
)
def test_timestamps(tmp_path: Path, value: Any, expected: datetime) -> None:
    write_jsonl(tmp_path / "export.jsonl", [post("p1", created_at=value, edited_at=value)])
    found = records(read(connector(tmp_path, timezone="America/Guayaquil")))["p1"]
    assert found.created_at == expected
    assert found.created_at.utcoffset() == timedelta(0)
    assert found.edited_at == expected


def test_naive_timestamps_default_to_utc_and_follow_daylight_saving(tmp_path: Path) -> None:
    write_jsonl(
        tmp_path / "export.jsonl",
        [post("winter", created_at="2026-01-15T12:00:00"), post("summer", created_at="2026-07-15T12:00:00")],
    )
    assert records(read(connector(tmp_path)))["winter"].created_at == datetime(2026, 1, 15, 12, tzinfo=UTC)
    madrid = records(read(connector(tmp_path, timezone="Europe/Madrid")))
    assert madrid["winter"].created_at == datetime(2026, 1, 15, 11, tzinfo=UTC)
    assert madrid["summer"].created_at == datetime(2026, 7, 15, 10, tzinfo=UTC)


def test_naive_timestamps_take_the_brands_time_zone_unless_the_channel_gives_one(tmp_path: Path) -> None:
    write_jsonl(tmp_path / "export.jsonl", [post("p", created_at="2026-11-20 11:00")])
    context = ChannelContext(
        brand="b", channel="c", account="x", base_dir=tmp_path, timezone="America/Guayaquil"
    )
    brands = FileConnector(FileSettings(path="export.jsonl"), context)
    assert records(read(brands))["p"].created_at == datetime(2026, 11, 20, 16, tzinfo=UTC)
    own = FileConnector(FileSettings(path="export.jsonl", timezone="UTC"), context)
    assert records(read(own))["p"].created_at == datetime(2026, 11, 20, 11, tzinfo=UTC)


def test_the_config_hands_the_brands_time_zone_and_language_to_its_channels(tmp_path: Path) -> None:
    from helpers import write_config

    from socialmon.config import load_config, resolve_channels
    from socialmon.plugins import default_registry

    loaded = load_config(write_config(tmp_path))
    [resolved] = resolve_channels(loaded, loaded.select(), default_registry())
    assert (resolved.context.timezone, resolved.context.language) == ("America/Guayaquil", "es")


def test_csv_with_bom_quoted_newline_comma_and_accents(tmp_path: Path) -> None:
    path = tmp_path / "comments.csv"
    path.write_bytes(
        "\ufefftype,id,post_id,parent_id,created_at,author_id,author_name,is_business,text,like_count,rating\n"
        'comment,c1,p1,,2026-10-01T10:00:00,u1,María José,false,"Línea uno,\ncon coma y ""comillas""",2,\n'
        "reply,c2,p1,c1,1790000000,biz,Café Uno,,Gracias 🙌,,\n"
        "review,r1,,,2026-10-02T08:00:00-05:00,u2,Ñandú,,Excelente 👍,,4\n".encode()
    )
    pages = read(connector(tmp_path, "comments.csv", timezone="America/Guayaquil", business_authors=["biz"]))
    assert rejected(pages) == []
    assert ids(pages) == ["c1", "c2", "r1"]
    found = records(pages)
    c1 = found["c1"]
    assert isinstance(c1, CommentRecord)
    assert c1.text == 'Línea uno,\ncon coma y "comillas"'
    assert (c1.author_name, c1.is_business, c1.post_id, c1.parent_id) == ("María José", False, "p1", None)
    assert (c1.like_count, c1.created_at) == (2, datetime(2026, 10, 1, 15, tzinfo=UTC))
    c2 = found["c2"]
    assert isinstance(c2, CommentRecord)
    assert (c2.parent_id, c2.is_business, c2.like_count, c2.text) == ("c1", True, None, "Gracias 🙌")
    r1 = found["r1"]
    assert isinstance(r1, CommentRecord)
    assert (r1.kind, r1.rating, r1.author_name, r1.post_id) == ("review", 4.0, "Ñandú", None)
    assert r1.created_at == datetime(2026, 10, 2, 13, tzinfo=UTC)


def test_csv_posts(tmp_path: Path) -> None:
    (tmp_path / "posts.csv").write_text(
        "type,id,created_at,author_id,is_business,text,like_count,comment_count,share_count\n"
        "post,p1,2026-10-01T09:00:00Z,biz,yes,Pan de yuca 🥖,5,2,0\n",
        encoding="utf-8",
    )
    p1 = records(read(connector(tmp_path, "posts.csv")))["p1"]
    assert isinstance(p1, PostRecord)
    assert (p1.text, p1.is_business, p1.like_count, p1.comment_count, p1.share_count) == (
        "Pan de yuca 🥖",
        True,
        5,
        2,
        0,
    )


def test_a_csv_with_posts_and_comments_under_one_header(tmp_path: Path) -> None:
    (tmp_path / "export.csv").write_text(
        "type,id,post_id,parent_id,created_at,text,rating\n"
        "post,p1,,,2026-10-01T09:00:00Z,Pan de yuca,\n"
        "comment,c1,p1,,2026-10-01T10:00:00Z,Rico,\n",
        encoding="utf-8",
    )
    pages = read(connector(tmp_path, "export.csv"))
    assert rejected(pages) == []
    assert ids(pages) == ["p1", "c1"]


@pytest.mark.parametrize("source", ["csv", "jsonl"])
def test_a_record_with_empty_text_is_kept(tmp_path: Path, source: str) -> None:
    name = f"export.{source}"
    if source == "csv":
        (tmp_path / name).write_text(
            "type,id,created_at,text\npost,p1,2026-10-01T09:00:00Z,\n", encoding="utf-8"
        )
    else:
        write_jsonl(tmp_path / name, [comment("c1", text="", deleted=True)])
    pages = read(connector(tmp_path, name))
    assert rejected(pages) == []
    assert [r.text for r in records(pages).values()] == [""]


# --- what is rejected ---------------------------------------------------------------------


def test_malformed_jsonl_lines_are_rejected_with_file_and_line_and_the_rest_kept(tmp_path: Path) -> None:
    path = tmp_path / "export.jsonl"
    path.write_text(
        line(post("p1"))  # 1
        + '{"type": "comment", "id": \n'  # 2
        + "[1, 2, 3]\n"  # 3
        + line({"type": "comment", "post_id": "p1", "created_at": "2026-10-01T13:00:00Z"})  # 4: no id
        + line(post("s1", type="story"))  # 5
        + line(comment("c1", created_at="yesterday"))  # 6
        + line({"type": "review", "id": "r1", "created_at": "2026-10-01T13:00:00Z", "rating": 7})  # 7
        + line(comment("c2"))  # 8
        + "\n"  # 9: blank lines are skipped
        + line(comment("c3", like_count=-1))  # 10
        + line(comment("c4")),  # 11
        encoding="utf-8",
    )
    pages = read(connector(tmp_path))
    assert ids(pages) == ["p1", "c2", "c4"]
    problems = rejected(pages)
    assert [location for location, _ in problems] == [
        f"export.jsonl line {n}" for n in (2, 3, 4, 5, 6, 7, 10)
    ]
    reasons = [reason for _, reason in problems]
    assert reasons[0].startswith("not valid JSON")
    assert reasons[1] == "not a JSON object"
    assert reasons[2] == "id: Field required"  # the file's column, not the record's platform_id
    assert reasons[3].startswith("type: must be one of") and "'story'" in reasons[3]
    assert reasons[4].startswith("created_at:")
    assert reasons[5].startswith("rating:")
    assert reasons[6].startswith("like_count:")


def test_malformed_csv_rows_are_rejected_with_the_line_they_start_on(tmp_path: Path) -> None:
    path = tmp_path / "export.csv"
    path.write_text(
        "type,id,post_id,created_at,text\n"  # 1
        "comment,c0,p1,2026-10-01T09:00:00Z,hola\n"  # 2
        'comment,c1,p1,2026-10-01T10:00:00Z,"dos\nlíneas"\n'  # 3-4
        "comment,c2,p1,2026-10-01T10:00:00Z,too,many\n"  # 5
        "comment,c3,p1\n"  # 6: its missing cells are empty: no date
        "comment,c4,p1,not a date,x\n"  # 7
        ",,,,\n"  # 8: an empty row is skipped
        "tweet,t1,p1,2026-10-01T10:00:00Z,x\n"  # 9
        "comment,c5,p1,2026-10-01T11:00:00Z,ok\n",  # 10
        encoding="utf-8",
    )
    pages = read(connector(tmp_path, "export.csv"))
    assert ids(pages) == ["c0", "c1", "c5"]
    problems = rejected(pages)
    assert [location for location, _ in problems] == [f"export.csv line {n}" for n in (5, 6, 7, 9)]
    assert problems[0][1] == "expected 5 columns, found 6"
    assert problems[1][1].startswith("created_at:")
    assert problems[2][1].startswith("created_at:")
    assert problems[3][1].startswith("type: must be one of")


def test_a_csv_without_a_header_is_a_source_error(tmp_path: Path) -> None:
    (tmp_path / "export.csv").write_text("post,p1,2026-10-01T09:00:00Z\n", encoding="utf-8")
    with pytest.raises(SourceError, match="header"):
        read(connector(tmp_path, "export.csv"))


# --- incremental reading -------------------------------------------------------------------


def test_a_second_run_with_the_last_cursor_yields_nothing(tmp_path: Path) -> None:
    write_jsonl(tmp_path / "export.jsonl", [post("p1"), comment("c1"), comment("c2")])
    source = connector(tmp_path)
    cursor = last_cursor(read(source))
    again = read(source, cursor)
    assert ids(again) == []
    assert rejected(again) == []


def test_appended_lines_are_the_only_ones_read_and_keep_their_line_numbers(tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "export.jsonl", [post("p1"), comment("c1")])
    source = connector(tmp_path)
    cursor = last_cursor(read(source))
    write_jsonl(path, [comment("c2")], mode="a")
    append(path, "oops\n")
    write_jsonl(path, [comment("c3")], mode="a")
    pages = read(source, cursor)
    assert ids(pages) == ["c2", "c3"]
    assert [location for location, _ in rejected(pages)] == ["export.jsonl line 4"]
    assert ids(read(source, last_cursor(pages))) == []


def test_appended_csv_rows_are_read_with_the_saved_header(tmp_path: Path) -> None:
    path = tmp_path / "export.csv"
    path.write_text("type,id,created_at,text\npost,p1,2026-10-01T09:00:00Z,uno\n", encoding="utf-8")
    source = connector(tmp_path, "export.csv")
    cursor = last_cursor(read(source))
    append(path, "post,p2,2026-10-02T09:00:00Z,dos\npost,p3,bad\n")
    pages = read(source, cursor)
    assert ids(pages) == ["p2"]
    ((location, reason),) = rejected(pages)  # its missing last cell is empty: "bad" is its date
    assert (location, reason.split(":")[0]) == ("export.csv line 4", "created_at")
    assert records(pages)["p2"].text == "dos"


def test_a_last_line_without_newline_is_read_again_next_time(tmp_path: Path) -> None:
    path = tmp_path / "export.jsonl"
    path.write_text(line(post("p1")) + json.dumps(post("p2")), encoding="utf-8")
    source = connector(tmp_path)
    first = read(source)
    assert ids(first) == ["p1", "p2"]
    cursor = last_cursor(first)
    assert cursor["files"]["export.jsonl"]["offset"] == len(line(post("p1")).encode())
    assert ids(read(source, cursor)) == ["p2"]  # it may have been half written
    append(path, "\n" + line(post("p3")))
    assert ids(read(source, cursor)) == ["p2", "p3"]


@pytest.mark.parametrize("name", ["export.jsonl", "export.csv"])
def test_line_numbers_stay_right_after_an_unfinished_last_line(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    if name.endswith(".csv"):
        path.write_text("type,id,created_at\npost,p1,2026-10-01T09:00:00Z", encoding="utf-8")
        broken = "post,p2\n"
    else:
        path.write_text(json.dumps(post("p1")), encoding="utf-8")
        broken = "oops\n"
    source = connector(tmp_path, name)
    cursor = last_cursor(read(source))
    append(path, "\n" + broken)
    assert [location for location, _ in rejected(read(source, cursor))] == [
        f"{name} line {3 if name.endswith('.csv') else 2}"
    ]


@pytest.mark.parametrize("grow", [False, True])
def test_a_replaced_file_is_read_again_from_the_start(tmp_path: Path, grow: bool) -> None:
    path = write_jsonl(tmp_path / "export.jsonl", [post("a1"), post("a2")])
    source = connector(tmp_path)
    cursor = last_cursor(read(source))
    size = path.stat().st_size
    replacement = [post("b1"), post("b2")] + ([post("b3")] if grow else [])
    write_jsonl(path, replacement)
    assert (path.stat().st_size == size) is not grow
    pages = read(source, cursor)
    assert ids(pages) == [r["id"] for r in replacement]
    assert ids(read(source, last_cursor(pages))) == []


def test_a_truncated_file_is_read_again_from_the_start(tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "export.jsonl", [post("a1"), post("a2")])
    source = connector(tmp_path)
    cursor = last_cursor(read(source))
    write_jsonl(path, [post("c1")])
    assert ids(read(source, cursor)) == ["c1"]


# --- where the files are -----------------------------------------------------------------


def test_a_folder_reads_every_export_in_name_order(tmp_path: Path) -> None:
    folder = tmp_path / "exports"
    folder.mkdir()
    write_jsonl(folder / "b.jsonl", [post("b1")])
    (folder / "a.csv").write_text(
        "type,id,created_at\npost,a1,2026-10-01T09:00:00Z\npost\n", encoding="utf-8"
    )
    write_jsonl(folder / "c.ndjson", [post("c1")])
    (folder / "notes.txt").write_text("not an export\n", encoding="utf-8")
    source = connector(tmp_path, "exports")
    assert [p.name for p in source.files()] == ["a.csv", "b.jsonl", "c.ndjson"]
    pages = read(source)
    assert ids(pages) == ["a1", "b1", "c1"]
    assert [location for location, _ in rejected(pages)] == ["a.csv line 3"]
    cursor = last_cursor(pages)
    assert set(cursor["files"]) == {"exports/a.csv", "exports/b.jsonl", "exports/c.ndjson"}
    write_jsonl(folder / "d.jsonl", [post("d1")])  # a new export dropped in the folder
    write_jsonl(folder / "b.jsonl", [post("b2")], mode="a")
    assert ids(read(source, cursor)) == ["b2", "d1"]


def test_a_glob_relative_to_the_config_and_an_absolute_one(tmp_path: Path) -> None:
    folder = tmp_path / "exports"
    folder.mkdir()
    write_jsonl(folder / "2026-10.jsonl", [post("oct")])
    write_jsonl(folder / "2026-11.jsonl", [post("nov")])
    write_jsonl(folder / "other.jsonl", [post("other")])
    assert ids(read(connector(tmp_path, "exports/2026-*.jsonl"))) == ["oct", "nov"]
    assert ids(read(connector(tmp_path / "elsewhere", str(folder / "2026-1?.jsonl")))) == ["oct", "nov"]


@pytest.mark.parametrize("path", ["missing.jsonl", "empty-folder", "exports/*.jsonl"])
def test_a_missing_source_is_a_source_error(tmp_path: Path, path: str) -> None:
    (tmp_path / "empty-folder").mkdir()
    with pytest.raises(SourceError) as raised:
        read(connector(tmp_path, path))
    assert raised.value.hint == "check the path in the channel's config"


def test_an_unknown_suffix_needs_a_format(tmp_path: Path) -> None:
    write_jsonl(tmp_path / "export.txt", [post("p1")])
    with pytest.raises(SourceError, match='format = "jsonl"'):
        read(connector(tmp_path, "export.txt"))
    assert ids(read(connector(tmp_path, "export.txt", format="jsonl"))) == ["p1"]


# --- pages ---------------------------------------------------------------------------------


def test_page_size_splits_pages_and_each_cursor_resumes_right_after_its_page(tmp_path: Path) -> None:
    folder = tmp_path / "exports"
    folder.mkdir()
    write_jsonl(folder / "a.jsonl", [post("p1"), comment("c1"), comment("c2")])
    append(folder / "a.jsonl", "bad line\n")
    write_jsonl(folder / "b.jsonl", [post("p2"), comment("c3"), comment("c4")])
    source = connector(tmp_path, "exports", page_size=2)
    pages = read(source)
    assert [len(p.posts) + len(p.comments) + len(p.rejected) for p in pages] == [2, 2, 2, 1]
    everything = ids(pages)
    assert everything == ["p1", "c1", "c2", "p2", "c3", "c4"]
    for k, page in enumerate(pages):
        assert page.cursor is not None
        rest = read(source, page.cursor)
        assert ids(rest) == ids(pages[k + 1 :])
        assert rejected(rest) == rejected(pages[k + 1 :])
    done = [page.progress.done for page in pages if page.progress]
    assert done == sorted(done)
    assert pages[-1].progress is not None
    assert pages[-1].progress.done == pages[-1].progress.total


def test_a_page_size_that_divides_the_file_yields_no_empty_page(tmp_path: Path) -> None:
    write_jsonl(tmp_path / "export.jsonl", [post(f"p{i}") for i in range(4)])
    pages = read(connector(tmp_path, page_size=2))
    assert [len(page.posts) for page in pages] == [2, 2]


# --- hostile rows: each is rejected or cleaned, never the end of the channel (issue 13) -----------


def test_rows_out_of_range_or_too_deep_are_rejected_with_file_and_line_and_the_rest_kept(
    tmp_path: Path,
) -> None:
    path = tmp_path / "export.jsonl"
    path.write_text(
        line(post("p1"))  # 1
        + line(comment("epoch", created_at=1e20))  # 2: OverflowError from fromtimestamp
        + line(comment("epoch-string", created_at="-100000000000000"))  # 3
        + line(comment("year", created_at="99999-01-01T00:00:00Z"))  # 4
        + line(comment("early", created_at="0001-01-01T00:00:00+05:00"))  # 5: before year 1 in UTC
        + line(comment("late", created_at="9999-12-31T23:00:00-05:00"))  # 6: after year 9999 in UTC
        + '{"type": "comment", "id": "deep", "text": '
        + "[" * 100_000
        + "]" * 100_000
        + "}\n"  # 7
        + line(comment("count", like_count=2**63))  # 8
        + line(comment("c1"))  # 9
        + line(comment("x" * 201))  # 10: an id the database cannot hold
        + line(comment("nan", created_at=float("nan")))  # 11 (json writes NaN, and reads it)
        + '{"type": "comment", "id": "digits", "like_count": '
        + "9" * 5000
        + "}\n"  # 12
        + line(comment("who", author_id={"a": 1}))  # 13: unhashable author
        + line(comment("c2")),  # 14
        encoding="utf-8",
    )
    pages = read(connector(tmp_path))
    assert ids(pages) == ["p1", "c1", "c2"]
    problems = dict(rejected(pages))
    assert list(problems) == [f"export.jsonl line {n}" for n in (2, 3, 4, 5, 6, 7, 8, 10, 11, 12, 13)]
    assert problems["export.jsonl line 2"] == "created_at: Unix time 1e+20 is out of range"
    assert problems["export.jsonl line 7"] == "not valid JSON (nested too deeply)"
    assert problems["export.jsonl line 8"].startswith("like_count:")
    assert problems["export.jsonl line 10"].startswith("id:")
    assert problems["export.jsonl line 12"].startswith("not valid JSON")
    assert problems["export.jsonl line 13"].startswith("author_id:")
    for n in (3, 4, 5, 6, 11):
        assert problems[f"export.jsonl line {n}"].startswith("created_at:")


def test_text_is_cleaned_of_nul_and_lone_surrogates_and_long_names_are_cut(tmp_path: Path) -> None:
    path = tmp_path / "export.jsonl"
    path.write_text(
        line(comment("c1", text="a\x00b", author_name="Ana\x00"))
        + '{"type": "comment", "id": "c2", "created_at": "2026-10-01T13:00:00Z", '
        '"text": "bad \\ud800 escape \\udc00\\ud83d\\ude00", "author_name": "\\udfff"}\n'
        + line(comment("c3", author_name="N" * 1000)),
        encoding="utf-8",
    )
    pages = read(connector(tmp_path))
    assert rejected(pages) == []
    found = records(pages)
    assert (found["c1"].text, found["c1"].author_name) == ("ab", "Ana")
    assert found["c2"].text == "bad \ufffd escape \ufffd😀"
    assert found["c2"].author_name == "\ufffd"
    name = found["c3"].author_name
    assert name is not None and len(name) == 300 and name.endswith("…")


def test_csv_rows_out_of_range_are_rejected_with_their_line(tmp_path: Path) -> None:
    (tmp_path / "export.csv").write_text(
        "type,id,created_at,like_count,author_name,text\n"  # 1
        f"post,p1,1e20,,,x\n"  # 2
        f"post,p2,2026-10-01T09:00:00Z,{2**63},,x\n"  # 3
        f"post,{'x' * 250},2026-10-01T09:00:00Z,,,x\n"  # 4
        f'post,p3,2026-10-01T09:00:00Z,{2**31 - 1},{"ñ" * 400},"a\x00b"\n',  # 5
        encoding="utf-8",
    )
    pages = read(connector(tmp_path, "export.csv"))
    assert ids(pages) == ["p3"]
    assert [location for location, _ in rejected(pages)] == [f"export.csv line {n}" for n in (2, 3, 4)]
    p3 = records(pages)["p3"]
    assert (p3.text, p3.like_count, len(p3.author_name or "")) == ("ab", 2**31 - 1, 300)


def test_a_csv_text_longer_than_the_csv_modules_default_field_limit_is_read(tmp_path: Path) -> None:
    (tmp_path / "export.csv").write_text(
        f"type,id,created_at,text\npost,p1,2026-10-01T09:00:00Z,{'a' * 1_000_000}\n", encoding="utf-8"
    )
    pages = read(connector(tmp_path, "export.csv"))
    assert rejected(pages) == []
    assert len(records(pages)["p1"].text) == 1_000_000


# --- quotes left open in a CSV ---------------------------------------------------------------

CSV_HEADER = "type,id,post_id,created_at,author_id,text\n"


def test_a_stray_quote_costs_its_row_only_and_the_rows_after_it_are_kept(tmp_path: Path) -> None:
    (tmp_path / "export.csv").write_text(
        CSV_HEADER
        + "post,p1,,2026-11-20 09:00,biz,x\n"
        + 'comment,c1,p1,2026-11-20 10:00,u1,"bad quote\n'  # line 3: the quote never closes
        + "comment,c2,p1,2026-11-20 10:01,u2,dos\n"
        + "comment,c3,p1,2026-11-20 10:02,u3,tres\n",
        encoding="utf-8",
    )
    source = connector(tmp_path, "export.csv")
    pages = read(source)
    assert ids(pages) == ["p1", "c2", "c3"]
    assert [location for location, _ in rejected(pages)] == ["export.csv line 3"]
    assert "not closed properly" in rejected(pages)[0][1]
    assert records(pages)["c3"].text == "tres"
    again = read(source, last_cursor(pages))
    assert ids(again) == [] and rejected(again) == []


def test_a_second_stray_quote_after_the_first_is_reported_on_its_own_line(tmp_path: Path) -> None:
    (tmp_path / "export.csv").write_text(
        CSV_HEADER
        + 'comment,c1,p1,2026-11-20 10:00,u1,"uno\n'  # 2
        + "comment,c2,p1,2026-11-20 10:01,u2,dos\n"  # 3
        + 'comment,c3,p1,2026-11-20 10:02,u3,"tres\n'  # 4
        + 'comment,c4,p1,2026-11-20 10:03,u4,"cuatro\ncon dos líneas"\n'  # 5-6: a real multi-line cell
        + "comment,c5,p1,2026-11-20 10:04,u5,cinco\n",  # 7
        encoding="utf-8",
    )
    source = connector(tmp_path, "export.csv", page_size=1)
    pages = read(source)
    assert ids(pages) == ["c2", "c4", "c5"]
    assert records(pages)["c4"].text == "cuatro\ncon dos líneas"
    assert [location for location, _ in rejected(pages)] == ["export.csv line 2", "export.csv line 4"]
    for k, page in enumerate(pages):  # each page's cursor resumes right after it
        assert page.cursor is not None
        assert ids(read(source, page.cursor)) == ids(pages[k + 1 :])


def test_an_unfinished_multi_line_cell_is_read_once_the_file_is_complete(tmp_path: Path) -> None:
    path = tmp_path / "export.csv"
    path.write_bytes(
        (
            CSV_HEADER
            + "post,p1,,2026-11-20 09:00,biz,x\n"
            + "comment,c1,p1,2026-11-20 10:00,u1,uno\n"
            + 'comment,c2,p1,2026-11-20 10:00,u1,"multi\nline still being writ'  # no newline: writing
        ).encode()
    )
    source = connector(tmp_path, "export.csv")
    first = read(source)
    assert ids(first) == ["p1", "c1"]
    assert [location for location, _ in rejected(first)] == ["export.csv line 4"]  # said, not lost
    assert "read once the file is complete" in rejected(first)[0][1]
    with path.open("ab") as handle:
        handle.write(b'ten"\r\ncomment,c3,p1,2026-11-20 11:00,u1,tres\r\n')
    second = read(source, last_cursor(first))
    assert rejected(second) == []
    assert ids(second) == ["c2", "c3"]
    assert records(second)["c2"].text == "multi\nline still being written"


def test_a_stray_quote_in_a_file_without_a_final_newline_holds_back_its_rows_saying_so(
    tmp_path: Path,
) -> None:
    # Google Sheets writes no newline after the last row: the open quote cannot be told from a
    # record still being written, so the rows from it wait, and every scan says so until it is fixed.
    path = tmp_path / "export.csv"
    path.write_text(
        CSV_HEADER
        + "post,p1,,2026-11-20 09:00,biz,x\n"
        + 'comment,c1,p1,2026-11-20 10:00,u1,"bad quote\n'  # line 3
        + "comment,c2,p1,2026-11-20 10:01,u2,dos",
        encoding="utf-8",
    )
    source = connector(tmp_path, "export.csv")
    first = read(source)
    assert ids(first) == ["p1"]
    assert [location for location, _ in rejected(first)] == ["export.csv line 3"]
    # Next scan, nothing else is new: that row alone, unread, fails the channel, saying why.
    with pytest.raises(SourceError, match="still open where the file ends"):
        read(source, last_cursor(first))
    path.write_text(  # fixed: the quote removed
        CSV_HEADER
        + "post,p1,,2026-11-20 09:00,biz,x\n"
        + "comment,c1,p1,2026-11-20 10:00,u1,bad quote\n"
        + "comment,c2,p1,2026-11-20 10:01,u2,dos",
        encoding="utf-8",
    )
    fixed = read(source, last_cursor(first))
    assert rejected(fixed) == [] and ids(fixed) == ["c1", "c2"]


def test_a_last_multi_line_record_without_a_final_newline_is_read_again_whole(tmp_path: Path) -> None:
    path = tmp_path / "export.csv"
    path.write_text(CSV_HEADER + 'comment,c1,p1,2026-11-20 10:00,u1,"two\nlines"', encoding="utf-8")
    source = connector(tmp_path, "export.csv")
    first = read(source)
    assert ids(first) == ["c1"] and records(first)["c1"].text == "two\nlines"
    again = read(source, last_cursor(first))  # the cursor stays before the record, not inside it
    assert rejected(again) == [] and records(again)["c1"].text == "two\nlines"
    with path.open("a", encoding="utf-8") as handle:
        handle.write("\ncomment,c2,p1,2026-11-20 11:00,u2,dos\n")
    later = read(source, last_cursor(again))
    assert rejected(later) == [] and ids(later) == ["c1", "c2"]


def test_a_stray_quote_that_runs_into_a_line_the_reader_refuses_costs_its_row_only(tmp_path: Path) -> None:
    (tmp_path / "export.csv").write_bytes(
        (
            CSV_HEADER
            + "post,p1,,2026-11-20 09:00,biz,x\n"
            + 'comment,c1,p1,2026-11-20 10:00,u1,"bad quote\n'  # line 3: opens a cell
            + "comment,c2,p1,2026-11-20 10:01,u2,dos\n"
            + 'comment,c3,p1,2026-11-20 10:02,u3,tres" y\rmas\n'  # closes it; a bare CR the reader refuses
            + "comment,c4,p1,2026-11-20 10:03,u4,cuatro\n"
        ).encode()
    )
    pages = read(connector(tmp_path, "export.csv"))
    assert ids(pages) == ["p1", "c2", "c4"]
    assert [location for location, _ in rejected(pages)] == ["export.csv line 3", "export.csv line 5"]


def test_spaces_after_the_separators_are_not_part_of_the_values(tmp_path: Path) -> None:
    (tmp_path / "export.csv").write_text(
        "type, id, post_id, created_at, author_id, text, like_count\n"
        "post, p1, , 2026-11-20 09:00, biz, x , 3\n"
        'comment, c1, p1, 2026-11-20 10:00, u1, "hola, qué tal" , \n',
        encoding="utf-8",
    )
    pages = read(connector(tmp_path, "export.csv", timezone="UTC"))
    assert rejected(pages) == []
    found = records(pages)
    assert list(found) == ["p1", "c1"]
    p1, c1 = found["p1"], found["c1"]
    assert (p1.text, p1.like_count, p1.author_id) == ("x", 3, "biz")
    assert p1.created_at == datetime(2026, 11, 20, 9, tzinfo=UTC)
    assert isinstance(c1, CommentRecord)
    assert (c1.post_id, c1.text, c1.like_count) == ("p1", "hola, qué tal", None)


# --- a file rewritten, not appended to ------------------------------------------------------------


def _regenerated_export(path: Path, extra: int = 0, changed: dict[str, int] | None = None) -> None:
    rows = [post("p1")] + [
        {
            "type": "comment",
            "id": f"c{n}",
            "post_id": "p1",
            "created_at": "2026-11-20T10:00:00-05:00",
            "author_id": f"u{n}",
            "text": f"comentario número {n}",
            "like_count": (changed or {}).get(f"c{n}", 13),
        }
        for n in range(1, 101 + extra)
    ]
    path.write_text("".join(line(row) for row in rows), encoding="utf-8")


def test_a_regenerated_export_with_the_same_first_bytes_is_read_again_from_the_start(tmp_path: Path) -> None:
    path = tmp_path / "regen.jsonl"
    _regenerated_export(path)
    assert path.stat().st_size > 3 * 4096
    source = connector(tmp_path, "regen.jsonl")
    cursor = last_cursor(read(source))
    _regenerated_export(path, extra=2, changed={"c80": 9})  # one byte shorter, from line 81 on
    pages = read(source, cursor)
    assert rejected(pages) == []
    found = records(pages)
    assert found["c80"].like_count == 9
    assert {"c101", "c102"} <= set(found)
    assert ids(read(source, last_cursor(pages))) == []


def test_a_cursor_from_before_the_prefix_hash_still_resumes_after_its_offset(tmp_path: Path) -> None:
    path = tmp_path / "regen.jsonl"
    _regenerated_export(path)
    source = connector(tmp_path, "regen.jsonl")
    entry = last_cursor(read(source))["files"]["regen.jsonl"]
    assert "prefix" in entry
    head, tail, _ = _marks(path, entry["offset"])
    # As cursors were kept before: the hashes of the first 4 KiB and of the 4 KiB before the offset.
    older = {"offset": entry["offset"], "line": entry["line"], "head": head, "tail": tail}
    append(path, line(comment("c101")))
    pages = read(source, {"files": {"regen.jsonl": older}})
    assert ids(pages) == ["c101"]
    assert "prefix" in last_cursor(pages)["files"]["regen.jsonl"]
    old = {"files": {"regen.jsonl": {k: v for k, v in older.items() if k != "tail"}}}
    # Without the tail's hash, an offset that no longer follows a line end still means a rewrite.
    _regenerated_export(path, extra=2, changed={"c80": 9})
    again = read(source, old)
    assert rejected(again) == []
    assert records(again)["c80"].like_count == 9


def test_rows_rejected_by_an_older_reader_are_read_again_after_an_upgrade(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "export.csv"
    path.write_text(
        "type,id,created_at,text\npost,p1,2026-10-01T09:00:00Z,uno\npost,p2,someday,dos\n", encoding="utf-8"
    )
    source = connector(tmp_path, "export.csv")
    first = read(source)
    assert ids(first) == ["p1"]
    entry = last_cursor(first)["files"]["export.csv"]
    assert (entry["reader"], entry["rejected"]) == (file_connector.READER_VERSION, 1)
    assert ids(read(source, last_cursor(first))) == []  # the same reader: read on from where it stopped

    # A release whose reader accepts more: the file is read again from its start, so a row the older
    # one rejected is stored now (the rows stored before come again with their ids, stored once).
    monkeypatch.setattr(file_connector, "READER_VERSION", file_connector.READER_VERSION + 1)
    monkeypatch.setattr(file_connector._Parser, "record", _accepting_someday(file_connector._Parser.record))
    again = read(source, last_cursor(first))
    assert ids(again) == ["p1", "p2"]
    assert rejected(again) == []
    after = last_cursor(again)["files"]["export.csv"]
    assert (after["reader"], after["rejected"]) == (file_connector.READER_VERSION, 0)
    assert ids(read(source, last_cursor(again))) == []


def test_a_file_with_no_row_rejected_is_not_read_again_after_an_upgrade(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write_jsonl(tmp_path / "export.jsonl", [post("p1"), comment("c1")])
    source = connector(tmp_path)
    cursor = last_cursor(read(source))
    assert cursor["files"]["export.jsonl"]["rejected"] == 0
    monkeypatch.setattr(file_connector, "READER_VERSION", file_connector.READER_VERSION + 1)
    write_jsonl(path, [comment("c2")], mode="a")
    assert ids(read(source, cursor)) == ["c2"]


def test_rejected_rows_are_counted_across_pages_and_scans(tmp_path: Path) -> None:
    path = tmp_path / "export.csv"
    rows = "".join(f"post,p{i},{'bad' if i % 2 else '2026-10-01T09:00:00Z'}\n" for i in range(6))
    path.write_text("type,id,created_at\n" + rows, encoding="utf-8")
    source = connector(tmp_path, "export.csv", page_size=2)
    cursor = last_cursor(read(source))
    assert cursor["files"]["export.csv"]["rejected"] == 3
    append(path, "post,p6,bad\npost,p7,2026-10-02T09:00:00Z\n")
    assert last_cursor(read(source, cursor))["files"]["export.csv"]["rejected"] == 4


def _accepting_someday(record: Any) -> Any:
    """The parser's `record`, reading the date "someday" as 2026-10-02: a newer reader's new form."""

    def newer(self: Any, item: dict[str, Any]) -> Any:
        if item.get("created_at") == "someday":
            item = {**item, "created_at": "2026-10-02T09:00:00Z"}
        return record(self, item)

    return newer


# --- a folder with one bad file ------------------------------------------------------------------


def read_until_incomplete(
    source: FileConnector, cursor: dict[str, Any] | None = None
) -> tuple[list[Page], Incomplete]:
    pages: list[Page] = []

    async def collect() -> None:
        async for page in source.pages(cursor):
            pages.append(page)

    with pytest.raises(Incomplete) as raised:
        asyncio.run(collect())
    return pages, raised.value


def _folder_with(tmp_path: Path, bad_name: str, bad_text: str) -> Path:
    folder = tmp_path / "exports"
    folder.mkdir()
    (folder / "a.csv").write_text("type,id,created_at\npost,a1,2026-10-01T09:00:00Z\n", encoding="utf-8")
    write_jsonl(folder / "b.jsonl", [post("b1")])
    (folder / bad_name).write_text(bad_text, encoding="utf-8")
    return folder


@pytest.mark.parametrize(
    ("bad_name", "bad_text", "fixed_text", "reason"),
    [
        ("other.csv", "foo,bar\n1,2\n", "type,id,created_at\npost,o1,2026-10-01T09:00:00Z\n", "header"),
        (
            "c.csv",
            "type,id,created_at\npost,o1,someday\n",
            "type,id,created_at\npost,o1,2026-10-01T09:00:00Z\n",
            "none of its 1 row(s)",
        ),
    ],
)
def test_a_bad_file_in_a_folder_leaves_the_others_read_and_is_read_again_next_time(
    tmp_path: Path, bad_name: str, bad_text: str, fixed_text: str, reason: str
) -> None:
    folder = _folder_with(tmp_path, bad_name, bad_text)
    source = connector(tmp_path, "exports", page_size=1)
    pages, stopped = read_until_incomplete(source)
    assert ids(pages) == ["a1", "b1"]
    assert bad_name in str(stopped) and reason in str(stopped)
    cursor = last_cursor(pages)
    assert f"exports/{bad_name}" not in cursor["files"]
    # Still bad: said again, and nothing else is read again.
    again, stopped = read_until_incomplete(source, cursor)
    assert ids(again) == [] and bad_name in str(stopped)
    (folder / bad_name).write_text(fixed_text, encoding="utf-8")
    fixed = read(source, last_cursor(again) if again else cursor)
    assert ids(fixed) == ["o1"] and rejected(fixed) == []


def test_a_folder_whose_every_file_is_bad_fails(tmp_path: Path) -> None:
    folder = tmp_path / "exports"
    folder.mkdir()
    (folder / "a.csv").write_text("foo,bar\n1,2\n", encoding="utf-8")
    (folder / "b.csv").write_text("type,id,created_at\npost,b1,someday\n", encoding="utf-8")
    with pytest.raises(SourceError) as raised:
        read(connector(tmp_path, "exports"))
    assert "a.csv" in str(raised.value) and "b.csv" in str(raised.value)


def test_a_scan_of_a_folder_with_a_bad_file_ends_partial_naming_it(tmp_path: Path) -> None:
    from socialmon.config import BrandConfig, ChannelConfig, ResolvedChannel
    from socialmon.database import open_database
    from socialmon.scan import run_scan
    from socialmon.sentiment import get_scorer
    from socialmon.storage import Store

    _folder_with(tmp_path, "other.csv", "foo,bar\n1,2\n")
    brand = BrandConfig(name="Café Uno", slug="cafe")
    resolved = ResolvedChannel(
        brand=brand,
        channel=ChannelConfig(name="export", platform="file", account="Café"),
        connector_class=FileConnector,
        settings=FileSettings(path="exports"),
        context=ChannelContext(brand="cafe", channel="export", account="Café", base_dir=tmp_path),
    )
    database = open_database(f"sqlite:///{tmp_path / 'test.db'}")
    try:
        store = Store(database, get_scorer("vader"))
        [outcome] = asyncio.run(run_scan([resolved], store, concurrency=1, scoring_workers=0))
        assert outcome.status == "partial"
        assert outcome.error is not None and "other.csv" in outcome.error
        assert (outcome.result.new_posts, outcome.result.new_comments) == (2, 0)
    finally:
        database.dispose()


# --- numbers in date columns ----------------------------------------------------------------------


@pytest.mark.parametrize("value", ["46000", "2026", "20261120", "999999999", 46000, 2026.5, -5])
def test_a_number_too_small_for_unix_seconds_is_not_a_date(tmp_path: Path, value: Any) -> None:
    write_jsonl(tmp_path / "export.jsonl", [post("p1", created_at=value), post("p2")])
    pages = read(connector(tmp_path))
    assert ids(pages) == ["p2"]
    [(location, reason)] = rejected(pages)
    assert location == "export.jsonl line 1"
    assert reason.startswith(f"created_at: {value!r} is not a date")


def test_a_number_too_small_for_unix_seconds_in_a_csv_is_not_a_date(tmp_path: Path) -> None:
    (tmp_path / "export.csv").write_text(
        "type,id,created_at\npost,p1,2026\npost,p2,1000000000\n", encoding="utf-8"
    )
    pages = read(connector(tmp_path, "export.csv"))
    assert ids(pages) == ["p2"]
    assert records(pages)["p2"].created_at == datetime(2001, 9, 9, 1, 46, 40, tzinfo=UTC)
    assert rejected(pages) == [
        (
            "export.csv line 2",
            "created_at: '2026' is not a date (a number is read as Unix seconds, from 1,000,000,000 on: September 2001)",
        )
    ]


def test_a_rating_of_true_or_nan_is_rejected_saying_it_is_not_a_number(tmp_path: Path) -> None:
    review = {"type": "review", "created_at": "2026-10-02T08:00:00Z"}
    write_jsonl(
        tmp_path / "export.jsonl",
        [{**review, "id": "r1", "rating": True}, {**review, "id": "r2", "rating": 4}],
    )
    append(
        tmp_path / "export.jsonl", '{"type": "review", "id": "r3", "created_at": 1790000000, "rating": NaN}\n'
    )
    (tmp_path / "export.csv").write_text(
        "type,id,created_at,rating\nreview,r4,1790000000,nan\nreview,r5,1790000000,5\n", encoding="utf-8"
    )
    pages = read(connector(tmp_path, "export.jsonl"))
    assert ids(pages) == ["r2"]
    assert rejected(pages) == [
        ("export.jsonl line 1", "rating: True is not a number of stars"),
        ("export.jsonl line 3", "rating: nan is not a number"),
    ]
    assert rejected(read(connector(tmp_path, "export.csv"))) == [
        ("export.csv line 2", "rating: 'nan' is not a number")
    ]


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_a_utf16_csv_with_its_bom_is_read_and_resumed(tmp_path: Path, encoding: str) -> None:
    bom = "\ufeff".encode(encoding)
    path = tmp_path / "export.csv"
    path.write_bytes(
        bom
        + (
            "type\tid\tcreated_at\ttext\r\n"
            "post\tp1\t2026-10-01T09:00:00Z\tÑandú 😀 ਅĀ\r\n"  # ਅĀ: bytes 05 0A 00 01, a newline only misread
            'post\tp2\t2026-10-01T10:00:00Z\t"dos\r\nlíneas"\r\n'
        ).encode(encoding)
    )
    source = connector(tmp_path, "export.csv")
    pages = read(source)
    assert rejected(pages) == []
    assert ids(pages) == ["p1", "p2"]
    assert records(pages)["p1"].text == "Ñandú 😀 ਅĀ"
    assert records(pages)["p2"].text == "dos\r\nlíneas"
    unfinished = "post\tp4\t2026-10-01T12:00:00Z\t".encode(encoding)  # no newline yet
    with path.open("ab") as handle:
        handle.write("post\tp3\t2026-10-01T11:00:00Z\ttres\r\n".encode(encoding) + unfinished)
    more = read(source, last_cursor(pages))
    assert rejected(more) == []
    assert ids(more) == ["p3", "p4"]
    assert last_cursor(more)["files"]["export.csv"]["offset"] == path.stat().st_size - len(unfinished)


# --- ids Excel rounded, and ids that collide --------------------------------------------------

ROUNDED = (
    "Excel rounded this id: format the {} column as Text before pasting, or export from the platform again"
)


@pytest.mark.parametrize("shown", ["1,78589E+16", "1.78589E+16", "1.78589e16", "1E+16"])
def test_an_id_in_scientific_notation_is_rejected_saying_excel_rounded_it(tmp_path: Path, shown: str) -> None:
    (tmp_path / "export.csv").write_text(
        "type,id,post_id,created_at\n"
        "post,p1,,2026-11-20 09:05\n"
        f'comment,"{shown}",p1,2026-11-20 10:05\n'
        f'comment,c2,"{shown}",2026-11-20 11:05\n'
        "comment,c3,p1,2026-11-20 12:05\n"
        # Ids that only look like a number with an exponent (no decimal mark, no exponent sign).
        "comment,1e16,p1,2026-11-20 12:10\n"
        "comment,t1_e5,1e16,2026-11-20 12:15\n",
        encoding="utf-8",
    )
    pages = read(connector(tmp_path, "export.csv"))
    assert ids(pages) == ["p1", "c3", "1e16", "t1_e5"]
    assert rejected(pages) == [
        ("export.csv line 3", f"id: {shown!r}: {ROUNDED.format('id')}"),
        ("export.csv line 4", f"post_id: {shown!r}: {ROUNDED.format('post_id')}"),
    ]


def test_a_json_id_written_as_a_float_past_15_digits_is_rejected_and_an_integer_kept(tmp_path: Path) -> None:
    (tmp_path / "export.jsonl").write_text(
        line(post(1.7858893269e16)) + line(post(17858893269000002)) + line(post(123456789012345.0)),
        encoding="utf-8",
    )
    pages = read(connector(tmp_path))
    assert ids(pages) == ["17858893269000002", "123456789012345"]
    assert rejected(pages) == [
        (
            "export.jsonl line 1",
            "id: 1.7858893269e+16 is a number too long to be exact: write the id as a string "
            '("17858893269000001"), or export from the platform again',
        )
    ]


# --- dates that are not dates ------------------------------------------------------------------

FORMS = "2026-11-20 14:05, 2026-11-20T14:05-05:00, 20/11/2026 14:05, today-3d 14:05 or Unix seconds"


@pytest.mark.parametrize(
    ("value", "said"),
    [
        ("31/11/2026 10:00", "'31/11/2026 10:00' is not a date (no such day or time)"),
        ("20/11/2026 25:00", "'20/11/2026 25:00' is not a date (no such day or time)"),
        ("hace 3 días", "'hace 3 días' is not a date"),
        ("2026-11-20 9h05", "'2026-11-20 9h05' is not a date"),
    ],
)
def test_a_bad_date_is_rejected_naming_the_value_and_the_forms_accepted(
    tmp_path: Path, value: str, said: str
) -> None:
    (tmp_path / "export.csv").write_text(
        f"type,id,created_at\npost,p1,{value}\npost,p2,2026-11-20 14:05\n", encoding="utf-8"
    )
    pages = read(connector(tmp_path, "export.csv"))
    assert ids(pages) == ["p2"]
    assert rejected(pages) == [("export.csv line 2", f"created_at: {said}: write it as {FORMS}")]
