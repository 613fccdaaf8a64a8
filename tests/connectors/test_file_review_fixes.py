"""The `file` connector's review of 2026-12-06: what the JSON, .ods, text-serial and named-.txt
readers added the day before did wrong, each written as the program that makes the file writes it.

- A workbook whose row an older reader rejected (a date column turned to Text: the serial number as
  text, read since reader 4) is read again after the upgrade, and its rows stored once.
- Every way one .ods cannot be read (its content damaged, an encrypted zip entry, LibreOffice's
  "Save with password") is that file's error, naming it and what to do; in a folder the other files
  are read. Runs and spans past what a sheet holds (16,384 columns, 1,048,576 rows, as in Excel
  and LibreOffice) cost nothing per cell.
- A `.json` of concatenated pretty-printed objects (`jq '.[]'` without -c, PowerShell's
  `ConvertTo-Json` appended once per object) is read as the sequence of its values; one record whose
  fields hold a list of objects is one record; a number too long to read rejects its record alone.
- A serial number typed as text is a date only from 1970 to 2099.
- A `.txt` the channel names whose header is refused says why, as the same text in a .csv does.
"""

from __future__ import annotations

import asyncio
import codecs
import hashlib
import json
import logging
import time
import tracemalloc
import zipfile
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from test_file_real_programs import (
    MEXICO,
    connector,
    failure,
    ods_cell,
    ods_file,
    ods_row,
    read,
    records,
    rejected,
    utc,
)

from socialmon_connectors import ChannelContext, Incomplete, Page, PostRecord
from socialmon_connectors import file as file_connector
from socialmon_connectors.file import FileConnector, FileSettings

openpyxl = pytest.importorskip("openpyxl")


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


# --- 1. rows an older reader rejected are read after the upgrade ---------------------------------


def text_serial_workbook(path: Path) -> None:
    """A sheet whose date column was turned to Text after its first date was typed: the later row
    keeps the serial number as text (`45352.5`: 2024-03-01 12:00), which reader 3 rejected."""
    book = openpyxl.Workbook()
    book.active.append(["type", "id", "created_at", "text"])
    book.active.append(["post", "p1", datetime(2024, 3, 1, 10, 0), "a"])
    book.active.append(["post", "p2", "45352.5", "b"])
    book.save(path)


def test_a_workbook_cursor_of_reader_3_with_a_rejected_row_is_read_again_whole(tmp_path: Path) -> None:
    text_serial_workbook(tmp_path / "posts.xlsx")
    source = connector(tmp_path, "posts.xlsx")
    entry = read(source)[-1].cursor["files"]["posts.xlsx"]
    assert entry["rejected"] == 0
    # What reader 3 saved for this very file: the same rows and digest, one of them rejected.
    saved_by_reader_3 = {"files": {"posts.xlsx": {**entry, "reader": 3, "rejected": 1}}}
    again = read(source, saved_by_reader_3)
    assert [r.platform_id for page in again for r in page.posts] == ["p1", "p2"]  # each once
    assert records(again)["p2"].created_at == utc(2024, 3, 1, 18)  # 12:00 in Mexico City
    after = again[-1].cursor["files"]["posts.xlsx"]
    assert (after["reader"], after["rejected"]) == (file_connector.READER_VERSION, 0)
    assert records(read(source, again[-1].cursor)) == {}  # read once: not again and again


def test_after_the_upgrade_a_scan_stores_the_row_reader_3_rejected_and_the_others_once(
    tmp_path: Path, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sqlalchemy import text

    from socialmon.config import BrandConfig, ChannelConfig, ResolvedChannel
    from socialmon.database import open_database
    from socialmon.scan import run_scan
    from socialmon.sentiment import get_scorer
    from socialmon.storage import Store

    text_serial_workbook(tmp_path / "posts.xlsx")
    resolved = ResolvedChannel(
        brand=BrandConfig(name="Panadería", slug="panaderia", timezone=MEXICO),
        channel=ChannelConfig(name="export", platform="file", account="Doña Inés"),
        connector_class=FileConnector,
        settings=FileSettings(path="posts.xlsx"),
        context=ChannelContext(
            brand="panaderia", channel="export", account="Doña Inés", base_dir=tmp_path, timezone=MEXICO
        ),
    )
    database = open_database(database_url)
    try:
        store = Store(database, get_scorer("vader"))

        def scan() -> Any:
            [outcome] = asyncio.run(run_scan([resolved], store, concurrency=1, scoring_workers=0))
            return outcome

        with monkeypatch.context() as old_release:  # reader 3: no serial number as text
            old_release.setattr(file_connector, "READER_VERSION", 3)
            old_release.setattr(file_connector, "_SERIAL_TEXT_FROM", 10**9)
            first = scan()
        assert (first.result.new_posts, first.result.rejected) == (1, 1)
        second = scan()
        assert second.status == "ok", second.error
        assert (second.result.new_posts, second.result.rejected) == (1, 0)
        with database.engine.connect() as connection:
            stored = connection.execute(text("SELECT platform_id FROM post ORDER BY platform_id")).all()
        assert [row[0] for row in stored] == ["p1", "p2"]
        assert scan().result.new_posts == 0  # nothing read again after that
    finally:
        database.dispose()


# --- 2. an .ods that cannot be read is that file's error -----------------------------------------

HEADER = ods_row(*(ods_cell(name) for name in ["type", "id", "created_at", "text"]))


def good_rows(count: int = 300) -> list[str]:
    return [HEADER] + [
        ods_row(ods_cell("post"), ods_cell(f"p{i}"), ods_cell(45352.5), ods_cell("texto " * 8))
        for i in range(count)
    ]


def damaged_deflate(path: Path) -> None:
    """Bytes of content.xml's compressed data changed (a copy cut short, a bad sector, a download
    that went wrong): inflating it fails."""
    ods_file(path, good_rows())
    with zipfile.ZipFile(path) as archive:
        entry = archive.getinfo("content.xml")
    data = bytearray(path.read_bytes())
    start = entry.header_offset + 30 + len(entry.filename) + len(entry.extra)
    for i in range(start + 200, start + 260):
        data[i] ^= 0x5A
    path.write_bytes(bytes(data))


def zip_encrypted(path: Path) -> None:
    """content.xml flagged as encrypted in the zip (a zip tool's password, ZipCrypto): Python's
    zipfile asks for the password."""
    ods_file(path, good_rows(3))
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as archive:
        data[archive.getinfo("content.xml").header_offset + 6] |= 1  # the local header's flags
    central = data.find(b"PK\x01\x02")
    while central >= 0:  # and the central directory's, which zipfile reads
        name_length = int.from_bytes(data[central + 28 : central + 30], "little")
        if data[central + 46 : central + 46 + name_length] == b"content.xml":
            data[central + 8] |= 1
        central = data.find(b"PK\x01\x02", central + 4)
    path.write_bytes(bytes(data))


MANIFEST_NS = 'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"'


def libreoffice_with_password(path: Path) -> None:
    """LibreOffice's "Save with password": each part deflated, then encrypted (AES-256-CBC, the key
    from PBKDF2), stored in the zip uncompressed; the manifest, in clear, says how (ODF 1.3 part 2,
    section 3.4: `manifest:encryption-data`)."""
    noise = b"".join(hashlib.sha256(bytes([i])).digest() for i in range(64))  # what AES output looks like
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<manifest:manifest {MANIFEST_NS} manifest:version="1.3">\n'
        ' <manifest:file-entry manifest:full-path="/" manifest:version="1.3" '
        'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>\n'
        ' <manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml" '
        'manifest:size="4211">\n'
        '  <manifest:encryption-data manifest:checksum-type="urn:oasis:names:tc:opendocument:xmlns:'
        'manifest:1.0#sha256-1k" manifest:checksum="Zm9vYmFyZm9vYmFyZm9vYmFyZm9vYmFyZm9vYmE=">\n'
        '   <manifest:algorithm manifest:algorithm-name="http://www.w3.org/2001/04/xmlenc#aes256-cbc" '
        'manifest:initialisation-vector="MDEyMzQ1Njc4OWFiY2RlZg=="/>\n'
        "   <manifest:start-key-generation manifest:start-key-generation-name="
        '"http://www.w3.org/2000/09/xmldsig#sha256" manifest:key-size="32"/>\n'
        '   <manifest:key-derivation manifest:key-derivation-name="PBKDF2" manifest:key-size="32" '
        'manifest:iteration-count="100000" manifest:salt="c2FsdHNhbHRzYWx0c2FsdA=="/>\n'
        "  </manifest:encryption-data>\n"
        " </manifest:file-entry>\n"
        "</manifest:manifest>\n"
    )
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", noise, compress_type=zipfile.ZIP_STORED)
        archive.writestr("META-INF/manifest.xml", manifest, compress_type=zipfile.ZIP_DEFLATED)


BAD_ODS = {"damaged": damaged_deflate, "zip-encrypted": zip_encrypted, "password": libreoffice_with_password}


@pytest.mark.parametrize("kind", list(BAD_ODS))
def test_an_ods_that_cannot_be_read_fails_as_that_files_error(tmp_path: Path, kind: str) -> None:
    BAD_ODS[kind](tmp_path / "resenas.ods")
    error = failure(connector(tmp_path, "resenas.ods"))
    said = error.args[0]
    assert said.startswith("resenas.ods: ")
    if kind in ("password", "zip-encrypted"):
        assert said == "resenas.ods: this workbook is protected with a password: socialmon cannot open it"
        assert error.hint and "without a password" in error.hint
    else:
        assert said.startswith("resenas.ods: not a readable .ods workbook (")
        assert error.hint == "save it again from the spreadsheet as .ods or .xlsx, or as CSV"


@pytest.mark.parametrize("kind", list(BAD_ODS))
def test_a_bad_ods_in_a_folder_leaves_the_files_after_it_read_and_is_named(tmp_path: Path, kind: str) -> None:
    folder = tmp_path / "exports"
    folder.mkdir()
    BAD_ODS[kind](folder / "a.ods")  # read first: the files after it are read too
    (folder / "b.csv").write_text("type,id,created_at\npost,b1,2024-03-01 10:00\n", encoding="utf-8")
    source = connector(tmp_path, "exports")
    pages, stopped = read_until_incomplete(source)
    assert list(records(pages)) == ["b1"]
    assert str(stopped).startswith("a.ods: ")
    cursor = pages[-1].cursor
    assert "exports/a.ods" not in cursor["files"]
    again, stopped = read_until_incomplete(source, cursor)  # named again until fixed, the rest not read again
    assert records(again) == {} and str(stopped).startswith("a.ods: ")
    ods_file(folder / "a.ods", good_rows(2))
    fixed = read(source, again[-1].cursor if again else cursor)
    assert list(records(fixed)) == ["p0", "p1"]


def test_an_xlsx_damaged_after_its_first_rows_is_that_files_error_too(tmp_path: Path) -> None:
    """openpyxl reads a sheet as it goes: damage near its end was met after the first records, and
    escaped as an unexpected error that stopped the folder's other files."""
    folder = tmp_path / "exports"
    folder.mkdir()
    book = openpyxl.Workbook()
    book.active.append(["type", "id", "created_at", "text"])
    for i in range(3000):
        book.active.append(["post", f"p{i}", "2024-03-01 10:00", "texto " * 8])
    book.save(folder / "a.xlsx")
    with zipfile.ZipFile(folder / "a.xlsx") as archive:
        entry = archive.getinfo("xl/worksheets/sheet1.xml")
    data = bytearray((folder / "a.xlsx").read_bytes())
    end = entry.header_offset + 30 + len(entry.filename) + len(entry.extra) + entry.compress_size
    for i in range(end - 300, end - 240):
        data[i] ^= 0x5A
    (folder / "a.xlsx").write_bytes(bytes(data))
    (folder / "b.csv").write_text("type,id,created_at\npost,b1,2024-03-01 10:00\n", encoding="utf-8")
    pages, stopped = read_until_incomplete(connector(tmp_path, "exports"))
    assert "b1" in records(pages)
    assert str(stopped).startswith("a.xlsx: not a readable .xlsx workbook (")
    assert "exports/a.xlsx" not in pages[-1].cursor["files"]  # read again next time


def test_a_run_of_spaces_too_long_to_be_one_is_cut_not_a_crash(tmp_path: Path) -> None:
    huge = (
        '<table:table-cell office:value-type="string"><text:p>a<text:s text:c="99999999999999999999"/>b'
        '<text:s text:c="many"/>c<text:s text:c="-3"/>d</text:p></table:table-cell>'
    )
    ods_file(tmp_path / "a.ods", [HEADER, ods_row(ods_cell("post"), ods_cell("p1"), ods_cell(45352.5), huge)])
    text = records(read(connector(tmp_path, "a.ods")))["p1"].text
    assert text == "a" + " " * file_connector._ODF_MAX_SPACES + "b c d"


def peak_memory(call: Any) -> tuple[Any, float]:
    """`call()`'s result and the most memory it held at once, in MB."""
    tracemalloc.start()
    try:
        result = call()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return result, peak / 1e6


def test_an_empty_run_past_the_last_column_costs_nothing_per_cell(tmp_path: Path) -> None:
    gap = '<table:table-cell table:number-columns-repeated="50000000"/>'
    ods_file(
        tmp_path / "a.ods",
        [
            HEADER,
            ods_row(
                ods_cell("post"), ods_cell("p1"), ods_cell(45352.5), ods_cell("x"), gap, ods_cell("note")
            ),
        ],
    )
    assert (tmp_path / "a.ods").stat().st_size < 2000
    pages, peak = peak_memory(lambda: read(connector(tmp_path, "a.ods")))
    assert list(records(pages)) == ["p1"] and rejected(pages) == []
    assert peak < 30, f"{peak:.0f} MB"  # 850 MB before: 50 million empty cells spelled out


def test_a_merge_past_the_sheets_edges_costs_nothing_per_cell(tmp_path: Path) -> None:
    span = (
        '<table:table-row><table:table-cell table:number-rows-spanned="100000" '
        'table:number-columns-spanned="100000" office:value-type="string"><text:p>T</text:p>'
        "</table:table-cell></table:table-row>"
    )
    ods_file(
        tmp_path / "a.ods",
        [span * 8, HEADER, ods_row(ods_cell("post"), ods_cell("p1"), ods_cell(45352.5), ods_cell("x"))],
    )
    started = time.process_time()
    pages, peak = peak_memory(lambda: read(connector(tmp_path, "a.ods")))
    took = time.process_time() - started
    assert list(records(pages)) == ["p1"]
    assert peak < 30 and took < 10, (peak, took)  # 47 s of CPU before: each cell of the spans spelled out


def test_cells_past_a_sheets_last_column_are_not_read(tmp_path: Path) -> None:
    """Excel and LibreOffice hold 16,384 columns (A to XFD): a value past them is written by no
    program that opens the sheet, and is not read; one in the last column is."""
    gap = '<table:table-cell table:number-columns-repeated="16380"/>'  # columns 4 to 16,383
    ods_file(
        tmp_path / "a.ods",
        [
            ods_row(
                *(ods_cell(name) for name in ["type", "id", "created_at"]),
                gap,
                ods_cell("author_name"),
                ods_cell("text"),
            ),
            ods_row(
                ods_cell("post"),
                ods_cell("p1"),
                ods_cell(45352.5),
                gap,
                ods_cell("Ana"),
                ods_cell("past the edge"),
            ),
        ],
        second_sheet=False,
    )
    pages = read(connector(tmp_path, "a.ods"))
    assert rejected(pages) == []
    [post] = records(pages).values()
    assert (post.author_name, post.text) == ("Ana", "")


def test_side_by_side_merges_down_are_each_their_own_value(tmp_path: Path) -> None:
    """Two columns merged down over two rows: LibreOffice writes the second row's covered cells as
    one element repeated; each takes the value of its own range."""
    merged_down = '<table:table-cell table:number-rows-spanned="2" table:number-columns-spanned="1" '
    rows = [
        ods_row(*(ods_cell(name) for name in ["type", "post_id", "id", "created_at", "text"])),
        ods_row(
            ods_cell("comment").replace("<table:table-cell ", merged_down, 1),
            ods_cell("p1").replace("<table:table-cell ", merged_down, 1),
            ods_cell("c1"), ods_cell(45352.5), ods_cell("uno"),
        ),
        ods_row(
            '<table:covered-table-cell table:number-columns-repeated="2"/>',
            ods_cell("c2"), ods_cell(45352.5), ods_cell("dos"),
        ),
        ods_row(  # a title-like merge across three columns, its covered cells after it
            '<table:table-cell table:number-columns-spanned="3" office:value-type="string"><text:p>comment'
            "</text:p></table:table-cell>",
            '<table:covered-table-cell table:number-columns-repeated="2"/>',
            ods_cell(45352.5), ods_cell("tres"),
        ),
    ]  # fmt: skip
    ods_file(tmp_path / "a.ods", rows, second_sheet=False)
    pages = read(connector(tmp_path, "a.ods"))
    found = records(pages)
    assert {key: (r.post_id, r.text) for key, r in found.items()} == {  # type: ignore[union-attr]
        "c1": ("p1", "uno"),
        "c2": ("p1", "dos"),
        "comment": ("comment", "tres"),
    }


# --- 3. JSON documents ----------------------------------------------------------------------------

RECORDS = [
    {"type": "post", "id": "p1", "created_at": "2024-03-01T10:00:00Z", "text": "uno"},
    {"type": "comment", "id": "c1", "post_id": "p1", "created_at": "2024-03-01T11:00:00Z", "text": "¡dos!"},
    {"type": "review", "id": "r1", "created_at": "2024-03-02T10:00:00Z", "rating": 4.5, "text": "tres"},
]


def jq_without_c(values: list[Any]) -> bytes:
    """`jq '.[]' export.json > out.json`: each value pretty-printed (two spaces), one after another."""
    return "".join(json.dumps(value, indent=2, ensure_ascii=False) + "\n" for value in values).encode()


def powershell_appended(values: list[Any]) -> bytes:
    """Windows PowerShell 5.1, `$record | ConvertTo-Json | Out-File -Append out.json` once per
    record: UTF-16LE (its BOM written once, by the first), CRLF, four spaces and `":  "`."""
    text = ""
    for value in values:
        lines = ["{"]
        for i, (key, item) in enumerate(value.items()):
            comma = "," if i < len(value) - 1 else ""
            lines.append(f"    {json.dumps(key)}:  {json.dumps(item, ensure_ascii=False)}{comma}")
        lines.append("}")
        text += "\r\n".join(lines) + "\r\n"
    return codecs.BOM_UTF16_LE + text.encode("utf-16-le")


@pytest.mark.parametrize(
    "document", [jq_without_c(RECORDS), powershell_appended(RECORDS)], ids=["jq", "powershell"]
)
def test_concatenated_pretty_printed_objects_are_read_as_their_records(
    tmp_path: Path, document: bytes
) -> None:
    (tmp_path / "out.json").write_bytes(document)
    source = connector(tmp_path, "out.json")
    pages = read(source)
    assert rejected(pages) == []
    found = records(pages)
    assert list(found) == ["p1", "c1", "r1"]
    assert (found["c1"].text, found["r1"].rating) == ("¡dos!", 4.5)  # type: ignore[union-attr]
    assert records(read(source, pages[-1].cursor)) == {}


def test_a_broken_object_among_concatenated_ones_is_rejected_by_its_line_alone(tmp_path: Path) -> None:
    broken = json.dumps(RECORDS[1], indent=2).replace('"post_id"', "post_id")  # a key without quotes
    text = json.dumps(RECORDS[0], indent=2) + "\n" + broken + "\n" + json.dumps(RECORDS[2], indent=2) + "\n"
    (tmp_path / "out.json").write_text(text, encoding="utf-8")
    pages = read(connector(tmp_path, "out.json"))
    assert list(records(pages)) == ["p1", "r1"]
    [(location, reason)] = rejected(pages)
    assert location == "out.json line 7"  # where the broken object opens
    assert reason.startswith("not valid JSON (Expecting property name enclosed in double quotes")


def test_json_lines_saved_as_json_with_a_broken_line_still_loses_that_line_alone(tmp_path: Path) -> None:
    lines = [json.dumps(RECORDS[0]), '{"type": "comment", "id": "c1"', json.dumps(RECORDS[2])]
    (tmp_path / "out.json").write_text("\n".join(lines) + "\n", encoding="utf-8")
    pages = read(connector(tmp_path, "out.json"))
    assert list(records(pages)) == ["p1", "r1"]
    assert [location for location, _ in rejected(pages)] == ["out.json line 2"]


def test_pages_of_an_api_appended_one_after_another_are_read(tmp_path: Path) -> None:
    """`curl …/comments?page=1 >> all.json`, then page 2: objects wrapping their lists, one after
    another."""
    pages_of = [{"data": RECORDS[:2], "paging": {"next": "2"}}, {"data": RECORDS[2:], "paging": {}}]
    (tmp_path / "all.json").write_bytes(jq_without_c(pages_of))
    pages = read(connector(tmp_path, "all.json"))
    assert list(records(pages)) == ["p1", "c1", "r1"] and rejected(pages) == []


def test_one_record_whose_fields_hold_a_list_of_objects_is_that_record(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    record = {
        **RECORDS[0],
        "media": [{"url": "https://example.com/a.jpg"}, {"url": "https://example.com/b.jpg"}],
    }
    (tmp_path / "post.json").write_text(json.dumps(record, indent=2), encoding="utf-8")
    with caplog.at_level(logging.WARNING, logger="socialmon.file"):
        pages = read(connector(tmp_path, "post.json"))
    assert rejected(pages) == []
    [post] = records(pages).values()
    assert isinstance(post, PostRecord) and (post.platform_id, post.text) == ("p1", "uno")
    assert "ignored the columns socialmon does not use: media" in caplog.text


def test_a_post_holding_its_comments_is_read_with_them(tmp_path: Path) -> None:
    post = {**RECORDS[0], "comments": [RECORDS[1], {**RECORDS[1], "id": "c2"}], "media": [{"url": "x"}]}
    (tmp_path / "post.json").write_text(json.dumps(post, indent=2), encoding="utf-8")
    pages = read(connector(tmp_path, "post.json"))
    assert list(records(pages)) == ["p1", "c1", "c2"] and rejected(pages) == []


def test_an_export_object_with_a_type_of_its_own_still_holds_records(tmp_path: Path) -> None:
    document = {"type": "export", "id": "e1", "records": RECORDS}
    (tmp_path / "export.json").write_text(json.dumps(document, indent=2), encoding="utf-8")
    assert list(records(read(connector(tmp_path, "export.json")))) == ["p1", "c1", "r1"]


@pytest.mark.parametrize("indent", [None, 2], ids=["compact", "pretty"])
def test_a_number_too_long_to_read_rejects_its_record_alone(tmp_path: Path, indent: int | None) -> None:
    digits = "9" * 5000  # past Python's 4,300 digits
    values = [
        RECORDS[0],
        {"type": "post", "id": "p2", "created_at": "2024-03-01T10:00:00Z", "views": 0},
        RECORDS[2],
    ]
    text = json.dumps(values, indent=indent).replace('"views": 0', f'"views": {digits}')
    (tmp_path / "export.json").write_text(text, encoding="utf-8")
    pages = read(connector(tmp_path, "export.json"))
    assert list(records(pages)) == ["p1", "r1"]
    [(location, reason)] = rejected(pages)
    assert location == ("export.json line 1" if indent is None else "export.json line 8")
    assert reason == "views: a number of 5000 digits is too long to read: write it as a string (in quotes)"


def test_a_number_too_long_in_json_objects_one_after_another_rejects_its_record_alone(tmp_path: Path) -> None:
    long_id = '{"type": "post", "id": ' + "1" * 4400 + ', "created_at": "2024-03-01T10:00:00Z"}'
    pretty = "".join(json.dumps(value, indent=2) + "\n" for value in RECORDS[1:])
    (tmp_path / "out.json").write_text(
        json.dumps(RECORDS[0]) + "\n" + long_id + "\n" + pretty, encoding="utf-8"
    )
    pages = read(connector(tmp_path, "out.json"))
    assert list(records(pages)) == ["p1", "c1", "r1"]
    [(location, reason)] = rejected(pages)
    assert location == "out.json line 2"
    assert reason.startswith("id: a number of 4400 digits is too long to read")


# --- 4. serial numbers typed as text: a date from 1970 to 2099 ------------------------------------


@pytest.mark.parametrize("suffix", ["xlsx", "ods"])
def test_a_serial_number_as_text_is_a_date_only_from_1970_to_2099(tmp_path: Path, suffix: str) -> None:
    values = {
        "a": "25569",  # 1970-01-01, the first read
        "b": "25568",  # 1969-12-31: not
        "c": "73050.5",  # 2099-12-31 12:00, the last day read
        "d": "73051",  # 2100-01-01: not
        "e": "1032024",  # 1 March 2024 typed without separators: not a serial (year 4725)
    }
    path = tmp_path / f"posts.{suffix}"
    if suffix == "xlsx":
        book = openpyxl.Workbook()
        book.active.append(["type", "id", "created_at"])
        for key, value in values.items():
            book.active.append(["post", key, value])
        book.save(path)
    else:
        rows = [ods_row(ods_cell("type"), ods_cell("id"), ods_cell("created_at"))]
        rows += [ods_row(ods_cell("post"), ods_cell(key), ods_cell(value)) for key, value in values.items()]
        ods_file(path, rows, second_sheet=False)
    pages = read(connector(tmp_path, path.name))
    assert {key: r.created_at for key, r in records(pages).items()} == {
        "a": utc(1970, 1, 1, 6),  # midnight in Mexico City
        "c": utc(2099, 12, 31, 18),
    }
    said = dict(rejected(pages))
    assert list(said) == [f"{path.name} line {n}" for n in (3, 5, 6)]
    assert said[f"{path.name} line 6"] == (
        "created_at: '1032024' is not a date (a number is read as Unix seconds, from 1,000,000,000 on: "
        "September 2001)"
    )


# --- 5. a .txt the channel names says why its header is refused -----------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "".join(f"Reporte línea {i}\n" for i in range(11))
        + "type\tid\tcreated_at\npost\tp1\t2024-03-01 10:00\n",
        "type\tcreated_at\ttext\npost\t2024-03-01 10:00\thola\n",  # no id
        "tipo;fecha;texto\r\nreseña;01/03/2024;hola\r\n",  # no id, with semicolons
    ],
    ids=["header-on-line-12", "no-id", "no-id-semicolons"],
)
def test_a_named_txt_whose_header_is_refused_says_why_as_a_csv_does(tmp_path: Path, text: str) -> None:
    (tmp_path / "resenas.txt").write_text(text, encoding="utf-8")
    (tmp_path / "resenas.csv").write_text(text, encoding="utf-8")
    as_txt = failure(connector(tmp_path, "resenas.txt"))
    as_csv = failure(connector(tmp_path, "resenas.csv"))
    assert as_txt.args[0] == as_csv.args[0].replace("resenas.csv", "resenas.txt")
    assert as_txt.args[0].startswith(
        "resenas.txt: the first line must be a header with at least 'type' and 'id'"
    )
    assert as_txt.hint == as_csv.hint


def test_a_named_txt_in_an_encoding_that_cannot_be_told_says_so_as_a_csv_does(tmp_path: Path) -> None:
    # A title whose byte 0xA5 reads as well as "Ñ" (MS-DOS 850), "•" (Mac Roman) or "¥" (Windows-1252).
    text = b"Resumen \xa5 marzo\r\ntype\tid\tcreated_at\r\npost\tp1\t2024-03-01 10:00\r\n"
    (tmp_path / "resenas.txt").write_bytes(text)
    (tmp_path / "resenas.csv").write_bytes(text)
    as_txt = failure(connector(tmp_path, "resenas.txt"))
    assert as_txt.args[0].startswith("resenas.txt: line 1 is not UTF-8 text")
    assert as_txt.args[0] == failure(connector(tmp_path, "resenas.csv")).args[0].replace(".csv", ".txt")


def test_a_named_txt_that_is_no_table_still_asks_for_its_format(tmp_path: Path) -> None:
    (tmp_path / "chat.txt").write_text(
        "20/11/26, 11:00 - Juan: hola, ¿abren hoy?\n20/11/26, 11:01 - Tienda: sí\n", encoding="utf-8"
    )
    assert failure(connector(tmp_path, "chat.txt")).args[0].startswith("cannot tell the format of chat.txt")
