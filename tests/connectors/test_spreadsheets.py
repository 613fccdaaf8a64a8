"""Real spreadsheets through the `file` connector (issue 14, point 4).

The fixtures are written as Excel writes "CSV" in a Spanish locale: `;`-separated, CRLF line
ends, day-first dates, decimal commas, VERDADERO/FALSO, one column socialmon does not use, in
UTF-8 with a BOM (`CSV UTF-8`) and in Windows-1252 (plain `CSV`). The .xlsx is made with
openpyxl here.
"""

from __future__ import annotations

import asyncio
import logging
import shutil
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from helpers import write_config
from typer.testing import CliRunner

from socialmon.cli import app
from socialmon_connectors import ChannelContext, CommentRecord, Page, PostRecord, SourceError
from socialmon_connectors.file import FileConnector, FileSettings

FIXTURES = Path(__file__).parent / "fixtures"
GYE = "America/Guayaquil"  # UTC-5, no daylight saving


def connector(folder: Path, path: str, **options: Any) -> FileConnector:
    return FileConnector(
        FileSettings(path=path, **options),
        ChannelContext(brand="cafe", channel="export", account="Café", base_dir=folder),
    )


def read(source: FileConnector, cursor: dict[str, Any] | None = None) -> list[Page]:
    async def collect() -> list[Page]:
        return [page async for page in source.pages(cursor)]

    return asyncio.run(collect())


def read_until_error(
    source: FileConnector, cursor: dict[str, Any] | None = None
) -> tuple[list[Page], Exception]:
    pages: list[Page] = []

    async def collect() -> None:
        async for page in source.pages(cursor):
            pages.append(page)

    with pytest.raises(SourceError) as raised:
        asyncio.run(collect())
    return pages, raised.value


def records(pages: list[Page]) -> dict[str, PostRecord | CommentRecord]:
    return {r.platform_id: r for page in pages for r in [*page.posts, *page.comments]}


def rejected(pages: list[Page]) -> list[tuple[str, str]]:
    return [(r.location, r.reason) for page in pages for r in page.rejected]


@pytest.mark.parametrize("name", ["excel-es-utf8-bom.csv", "excel-es-cp1252.csv"])
def test_a_csv_as_excel_writes_it_in_a_spanish_locale_is_read(
    tmp_path: Path, name: str, caplog: pytest.LogCaptureFixture
) -> None:
    shutil.copy(FIXTURES / name, tmp_path / name)
    with caplog.at_level(logging.WARNING, logger="socialmon.file"):
        pages = read(connector(tmp_path, name, timezone=GYE))
    assert rejected(pages) == []
    found = records(pages)
    assert list(found) == ["p1", "c1", "c2", "r1"]
    p1, c1, c2, r1 = found["p1"], found["c1"], found["c2"], found["r1"]
    assert isinstance(p1, PostRecord) and isinstance(r1, CommentRecord) and isinstance(c2, CommentRecord)
    assert p1.created_at == datetime(2026, 11, 2, 14, tzinfo=UTC)  # 02/11 is the 2nd of November
    assert (p1.is_business, p1.like_count, p1.author_name) == (True, 1234, "Panadería La Cosecha")
    assert c1.created_at == datetime(2026, 11, 20, 16, tzinfo=UTC)  # 20/11/2026 11:00 in Guayaquil
    assert (c1.text, c1.is_business, c1.like_count) == ("¡Qué rico; mañana paso!", False, 3)
    assert (c2.parent_id, c2.is_business) == ("c1", True)
    assert (r1.kind, r1.rating, r1.author_name) == ("review", 4.5, "Ñandú Pérez")
    assert r1.created_at == datetime(2026, 11, 3, 13, 5, tzinfo=UTC)
    # The unknown column is named once, on the first read, and costs no row.
    messages = [record.getMessage() for record in caplog.records]
    assert len(messages) == 1 and "sucursal" in messages[0] and name in messages[0]
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="socialmon.file"):
        again = read(connector(tmp_path, name, timezone=GYE), pages[-1].cursor)
    assert records(again) == {} and caplog.records == []


def test_appended_rows_keep_the_sniffed_delimiter(tmp_path: Path) -> None:
    path = tmp_path / "export.csv"
    shutil.copy(FIXTURES / "excel-es-utf8-bom.csv", path)
    source = connector(tmp_path, "export.csv", timezone=GYE)
    cursor = read(source)[-1].cursor
    with path.open("ab") as handle:
        handle.write(b"comment;c9;p1;;21/11/2026 10:00;Ana;FALSO;Otra vez;;;Centro\r\n")
    pages = read(source, cursor)
    assert list(records(pages)) == ["c9"]
    assert records(pages)["c9"].created_at == datetime(2026, 11, 21, 15, tzinfo=UTC)


def test_a_tab_separated_export_is_read(tmp_path: Path) -> None:
    (tmp_path / "export.tsv").write_text(
        "type\tid\tcreated_at\ttext\npost\tp1\t2026-11-02T09:00:00Z\tuno, dos; tres\n", encoding="utf-8"
    )
    pages = read(connector(tmp_path, "export.tsv"))
    assert rejected(pages) == []
    assert records(pages)["p1"].text == "uno, dos; tres"


@pytest.mark.parametrize(
    ("dates", "option", "expected"),
    [
        (["03/04/2026 10:00", "20/04/2026 10:00"], "auto", (4, 3)),  # the 20th says day-first
        (["03/04/2026 10:00", "04/20/2026 10:00"], "auto", (3, 4)),  # the 20th says month-first
        (["03/04/2026 10:00", "05/06/2026 10:00"], "auto", (4, 3)),  # nothing says: day-first
        (["03/04/2026 10:00", "05/06/2026 10:00"], "month-first", (3, 4)),
        (["03/04/2026 10:00", "20/04/2026 10:00"], "month-first", (3, 4)),  # 20/04 still the 20th
    ],
)
def test_an_ambiguous_date_is_read_from_all_the_dates_of_its_file(
    tmp_path: Path, dates: list[str], option: str, expected: tuple[int, int]
) -> None:
    body = "".join(f"comment;c{n};p1;{value};x\r\n" for n, value in enumerate(dates))
    (tmp_path / "export.csv").write_text("type;id;post_id;created_at;text\r\n" + body, encoding="utf-8")
    pages = read(connector(tmp_path, "export.csv", date_order=option))
    assert rejected(pages) == []
    first = records(pages)["c0"].created_at
    assert (first.month, first.day) == expected
    if option == "auto":  # kept for the rows appended later
        assert pages[-1].cursor is not None
        assert pages[-1].cursor["files"]["export.csv"]["date_order"] == (
            "day-first" if expected == (4, 3) else "month-first"
        )


def test_a_channel_whose_every_row_is_rejected_fails_naming_the_file(tmp_path: Path) -> None:
    (tmp_path / "export.csv").write_text(
        "type,id,created_at\npost,p1,the 2nd of November\npost,p2,yesterday\n", encoding="utf-8"
    )
    source = connector(tmp_path, "export.csv")
    pages, error = read_until_error(source)
    assert [location for location, _ in rejected(pages)] == ["export.csv line 2", "export.csv line 3"]
    assert "export.csv" in str(error) and "none of its 2 row(s)" in str(error)
    assert "check the path" not in str(error)
    # Its cursor did not move past the file: the next scan says so again.
    pages_again, _ = read_until_error(source, pages[-1].cursor)
    assert len(rejected(pages_again)) == 2


def test_a_semicolon_csv_scans_ok_and_an_unreadable_one_fails_the_channel(tmp_path: Path) -> None:
    shutil.copy(FIXTURES / "excel-es-cp1252.csv", tmp_path / "export.csv")
    channels = (
        '[[brands.channels]]\nname = "export"\nplatform = "file"\npath = "export.csv"\n'
        'timezone = "America/Guayaquil"\n'
    )
    config = write_config(tmp_path, channels=channels)
    cli = CliRunner()
    result = cli.invoke(app, ["scan", "--config", str(config)])
    assert result.exit_code == 0, result.output
    assert "check the path" not in result.output
    (tmp_path / "export.csv").write_text("type;id;created_at\r\npost;p9;someday\r\n", encoding="utf-8")
    result = cli.invoke(app, ["scan", "--config", str(config)])
    assert result.exit_code == 1, result.output
    assert "failed" in result.output and "export.csv" in result.output


def _workbook(path: Path, rows: list[list[Any]]) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    book.save(path)


HEADER = ["Type", "ID", "post_id", "created_at", "author_name", "text", "rating", "like_count", "Notas"]


def test_an_xlsx_workbook_is_read_and_read_again_only_when_it_changes(tmp_path: Path) -> None:
    path = tmp_path / "export.xlsx"
    rows = [
        HEADER,
        ["post", "p1", None, datetime(2026, 11, 2, 9, 0), "La Cosecha", "Pan de yuca", None, 12, "x"],
        ["comment", 1001, "p1", "20/11/2026 11:00", "María", "¡Rico!", None, 3.0, None],
        ["review", "r1", None, datetime(2026, 11, 3, 8, 5), "Ñandú", "Excelente", 4.5, None, "y"],
        [None, None, None, None, None, None, None, None, None],
    ]
    _workbook(path, rows)
    source = connector(tmp_path, "export.xlsx", timezone=GYE)
    pages = read(source)
    assert rejected(pages) == []
    found = records(pages)
    assert list(found) == ["p1", "1001", "r1"]
    assert found["p1"].created_at == datetime(2026, 11, 2, 14, tzinfo=UTC)
    assert found["p1"].like_count == 12
    assert found["1001"].created_at == datetime(2026, 11, 20, 16, tzinfo=UTC)
    assert found["1001"].like_count == 3
    review = found["r1"]
    assert isinstance(review, CommentRecord) and (review.kind, review.rating) == ("review", 4.5)
    cursor = pages[-1].cursor
    assert records(read(source, cursor)) == {}  # unchanged: nothing again
    _workbook(path, [*rows[:4], ["comment", "c2", "p1", "21/11/2026 09:00", "Ana", "Otra", None, None, None]])
    assert "c2" in records(read(source, cursor))  # changed: read again, upserts absorb the rest


def test_an_xlsx_without_openpyxl_says_which_extra_to_install(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _workbook(tmp_path / "export.xlsx", [HEADER])
    monkeypatch.setitem(sys.modules, "openpyxl", None)
    with pytest.raises(SourceError) as raised:
        read(connector(tmp_path, "export.xlsx"))
    assert "openpyxl" in str(raised.value) and "socialmon[spreadsheets]" in str(raised.value)


def test_a_number_in_an_xlsx_date_column_is_an_excel_serial_date(tmp_path: Path) -> None:
    _workbook(
        tmp_path / "export.xlsx",
        [
            ["type", "id", "created_at", "edited_at"],
            ["post", "p1", 46000.5, 46001],  # a date cell that lost its date format
            ["post", "p2", 1790000000, None],  # Unix seconds, as in a CSV
        ],
    )
    pages = read(connector(tmp_path, "export.xlsx", timezone="UTC"))
    assert rejected(pages) == []
    found = records(pages)
    assert found["p1"].created_at == datetime(2025, 12, 9, 12, tzinfo=UTC)
    assert found["p1"].edited_at == datetime(2025, 12, 10, tzinfo=UTC)
    assert found["p2"].created_at == datetime.fromtimestamp(1790000000, UTC)


ROUNDED = (
    "Excel rounded this id: format the {} column as Text before pasting, or export from the platform again"
)


def test_ids_excel_rounded_to_scientific_notation_are_rejected_and_the_rest_kept(tmp_path: Path) -> None:
    # Excel keeps 15 significant digits and shows 17858893269000002 as 1,78589E+16: saved as CSV,
    # the three comments' ids were one, and one comment overwrote the others.
    shutil.copy(FIXTURES / "excel-es-rounded-ids.csv", tmp_path / "export.csv")
    pages = read(connector(tmp_path, "export.csv", timezone=GYE))
    assert list(records(pages)) == ["17858893269000001", "17858893269000006"]
    assert rejected(pages) == [
        ("export.csv line 3", f"id: '1,78589E+16': {ROUNDED.format('id')}"),
        ("export.csv line 4", f"id: '1,78589E+16': {ROUNDED.format('id')}"),
        ("export.csv line 5", f"post_id: '1,78589E+16': {ROUNDED.format('post_id')}"),
        ("export.csv line 6", f"parent_id: '1,78589E+16': {ROUNDED.format('parent_id')}"),
    ]


def test_an_xlsx_id_past_15_digits_saved_as_a_number_is_rejected_and_the_rest_kept(tmp_path: Path) -> None:
    _workbook(
        tmp_path / "export.xlsx",
        [
            ["type", "id", "post_id", "created_at"],
            ["post", "p1", None, "20/11/2026 09:05"],
            # 17858893269000001 and …002 as Excel keeps them: one float, 17858893269000000.
            ["comment", 1.7858893269e16, "p1", "20/11/2026 10:05"],
            ["comment", 1.7858893269e16, "p1", "20/11/2026 11:05"],
            ["comment", "c3", 1.7858893269e16, "20/11/2026 12:05"],
            ["comment", 123456789012345.0, "p1", "20/11/2026 12:30"],  # 15 digits: exact
            ["comment", 1234567890123450.0, "p1", "20/11/2026 13:00"],  # 16 digits: read back as an int
        ],
    )
    pages = read(connector(tmp_path, "export.xlsx", timezone=GYE))
    assert list(records(pages)) == ["p1", "123456789012345"]
    assert rejected(pages) == [
        ("export.xlsx line 3", f"id: 1.7858893269e+16: {ROUNDED.format('id')}"),
        ("export.xlsx line 4", f"id: 1.7858893269e+16: {ROUNDED.format('id')}"),
        ("export.xlsx line 5", f"post_id: 1.7858893269e+16: {ROUNDED.format('post_id')}"),
        ("export.xlsx line 7", f"id: 1234567890123450: {ROUNDED.format('id')}"),
    ]
