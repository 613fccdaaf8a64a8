"""The `file` connector's second review of 2026-12-06 (commit 420ef52):

- Reader 4 read workbooks' rows an older reader rejected; it read every CSV and JSON Lines file
  with a rejected row again too, reporting the same rejections again. And a file read again from
  its start chose its day/month order anew, moving the stored dates of its ambiguous rows.
- JSON values one after another cost time in the square of their number when values failed (each
  failed decode counted the lines from the file's start); a comma between values was a rejection.
- After a broken value, the records on the indented lines after it were lost.
- A password-protected .xlsx said "BadZipFile"; a named notes .txt with an indented line said its
  first line must be a header; a .txt whose header sits on line 41 named its title line instead.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from test_file_real_programs import (
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

from socialmon_connectors import file as file_connector
from socialmon_connectors.file import json_document_records

# --- 1. the reader version per format; a re-read keeps the file's date order --------------------

CSV = (
    "type,id,post_id,created_at,author_name,text\n"
    "post,p1,,01/01/2026 10:00,Biz,hola\n"
    "comment,c1,p1,02/03/2026 10:00,Ana,uno\n"  # ambiguous: the 2nd of March, day-first
    "comment,cbad,p1,xx,Ana,malo\n"
)


def test_a_csv_whose_cursor_counts_rejections_of_reader_3_is_not_read_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Reader 4's release (reader 5 reads more CSV rows: those with fewer cells than the header).
    monkeypatch.setattr(file_connector, "READER_VERSION", 4)
    (tmp_path / "export.csv").write_text(CSV, encoding="utf-8")
    source = connector(tmp_path, "export.csv", zone="UTC")
    pages = read(source)
    assert len(rejected(pages)) == 1
    entry = pages[-1].cursor["files"]["export.csv"]
    assert entry["rejected"] == 1
    # What reader 3 saved for this very file: none of reader 4's changes reads a CSV's row otherwise.
    again = read(source, {"files": {"export.csv": {**entry, "reader": 3}}})
    assert records(again) == {}
    assert rejected(again) == []  # the same rejection is not reported a second time


def test_a_jsonl_whose_cursor_counts_rejections_of_reader_3_is_not_read_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Reader 4's release (reader 5 reads more JSON Lines rows: a rating written as stars).
    monkeypatch.setattr(file_connector, "READER_VERSION", 4)
    lines = [
        {"type": "post", "id": "p1", "created_at": "2026-01-01 10:00"},
        {"type": "post", "id": "p2", "created_at": "not a date"},
    ]
    (tmp_path / "export.jsonl").write_text("".join(json.dumps(x) + "\n" for x in lines), encoding="utf-8")
    source = connector(tmp_path, "export.jsonl", zone="UTC")
    entry = read(source)[-1].cursor["files"]["export.jsonl"]
    again = read(source, {"files": {"export.jsonl": {**entry, "reader": 3}}})
    assert (records(again), rejected(again)) == ({}, [])


def test_a_workbook_of_reader_3_with_a_rejected_row_is_still_read_again(tmp_path: Path) -> None:
    header = ods_row(*(ods_cell(name) for name in ["type", "id", "created_at", "text"]))
    rows = [header, ods_row(*(ods_cell(v) for v in ["post", "p1", "2026-01-01 10:00", "a"]))]
    ods_file(tmp_path / "posts.ods", rows)
    source = connector(tmp_path, "posts.ods", zone="UTC")
    entry = read(source)[-1].cursor["files"]["posts.ods"]
    again = read(source, {"files": {"posts.ods": {**entry, "reader": 3, "rejected": 1}}})
    assert list(records(again)) == ["p1"]


def test_a_csv_read_again_from_its_start_keeps_its_remembered_date_order(tmp_path: Path) -> None:
    path = tmp_path / "export.csv"
    # A row whose date can only be month-first (03/15): 02/03 is the 3rd of February.
    told = "comment,c0,p1,03/15/2026 09:00,Ana,cero\n"
    path.write_text(CSV.replace("comment,c1,", told + "comment,c1,"), encoding="utf-8")
    source = connector(tmp_path, "export.csv", zone="UTC")
    first = read(source)
    assert records(first)["c1"].created_at == utc(2026, 2, 3, 10)
    assert first[-1].cursor["files"]["export.csv"]["date_order"] == "month-first"
    # The export written again: its bad row fixed (a byte before the offset changed: read from the
    # start; its first row the same: the same export) and the row that told the order gone. Its dates
    # left tell nothing, and no date read contradicts the remembered order: it is kept.
    path.write_text(CSV.replace("cbad,p1,xx", "cbad,p1,01/01/2026 11:00"), encoding="utf-8")
    again = read(source, first[-1].cursor)
    assert rejected(again) == []
    found = records(again)
    assert found["c1"].created_at == utc(2026, 2, 3, 10)  # not moved to the 2nd of March
    assert again[-1].cursor["files"]["export.csv"]["date_order"] == "month-first"


# --- 2. JSON values one after another in linear time ---------------------------------------------


def comment(i: int) -> dict[str, Any]:
    return {
        "type": "comment",
        "id": f"c{i}",
        "post_id": "p1",
        "created_at": "2026-01-02 10:00",
        "text": f"t{i}",
    }


class Work:
    """The work of decoding a JSON text, without a clock: the characters handed to the decoders
    (`raw_decode(text, at)` may scan up to `len(text) - at` of them), and those a decoding error
    counts its line number over (`JSONDecodeError(msg, doc, pos)` counts the newlines before `pos`)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.handed = self.counted = 0
        work = self

        class Counting(json.JSONDecodeError):
            def __init__(self, msg: str, doc: str, pos: int) -> None:
                work.counted += pos
                super().__init__(msg, doc, pos)

        # The C scanner looks json.decoder.JSONDecodeError up each time it raises one.
        monkeypatch.setattr(json.decoder, "JSONDecodeError", Counting)
        for name in ("_JSON_DECODER", "_LENIENT_DECODER"):
            decoder = getattr(file_connector, name)

            class Handing(type(decoder)):  # type: ignore[misc]
                def raw_decode(self, s: str, idx: int = 0) -> tuple[Any, int]:
                    work.handed += len(s) - idx
                    return super().raw_decode(s, idx)

            counting = Handing()
            counting.__dict__.update(decoder.__dict__)
            monkeypatch.setattr(file_connector, name, counting)


def test_objects_separated_by_commas_are_read_without_rejections_in_linear_work(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    text = ",\n".join(json.dumps(comment(i)) for i in range(4000))
    work = Work(monkeypatch)
    found = list(json_document_records("x.json", text))
    assert [value["id"] for _, value in found] == [f"c{i}" for i in range(4000)]
    assert [line for line, _ in found] == list(range(1, 4001))
    # Quadratic, this was some 4000 * len(text) / 2 (about 800 times the text).
    assert work.handed + work.counted < 20 * len(text)


def test_broken_values_cost_linear_work_and_name_their_own_lines(monkeypatch: pytest.MonkeyPatch) -> None:
    lines = [json.dumps(comment(i)) for i in range(3000)]
    for k in range(0, 3000, 4):
        lines[k] = lines[k][:-3]  # cut: every 4th line broken
    text = "\n".join(lines)
    work = Work(monkeypatch)
    found = list(json_document_records("x.json", text))
    assert len([v for _, v in found if isinstance(v, dict)]) == 2250
    broken = [(line, v) for line, v in found if isinstance(v, str)]
    assert [line for line, _ in broken] == list(range(1, 3001, 4))
    assert broken[1][1].startswith("not valid JSON (") and "line 5 column" in broken[1][1]
    assert work.handed + work.counted < 20 * len(text)


def test_lines_opening_arrays_that_never_close_cost_linear_work(monkeypatch: pytest.MonkeyPatch) -> None:
    text = "\n".join("[" + "1," * 2000 for _ in range(300)) + "\n" + json.dumps(comment(0))
    work = Work(monkeypatch)
    found = list(json_document_records("x.json", text))
    assert found[-1] == (301, comment(0))
    assert all(isinstance(v, str) for _, v in found[:-1])
    assert work.handed + work.counted < 20 * len(text)


def test_an_array_of_unindented_objects_appended_twice_is_still_read() -> None:
    def array(ids: range) -> str:
        return "[\n" + ",\n".join(json.dumps(comment(i)) for i in ids) + "\n]\n"

    found = list(json_document_records("x.json", array(range(3)) + array(range(3, 5))))
    assert [value["id"] for _, value in found] == ["c0", "c1", "c2", "c3", "c4"]
    assert [line for line, _ in found] == [2, 3, 4, 7, 8]


# --- 3. resync after a broken value at the next line that opens one, indented or not -------------


def test_indented_json_lines_after_a_broken_one_are_read() -> None:
    lines = ["  " + json.dumps(comment(i)) for i in range(10)]
    lines[3] = lines[3][:-4]
    found = list(json_document_records("x.json", "\n".join(lines)))
    assert [v["id"] for _, v in found if isinstance(v, dict)] == [f"c{i}" for i in range(10) if i != 3]
    assert [line for line, v in found if isinstance(v, str)] == [4]


# --- 5. what a file that cannot be read is said to be --------------------------------------------


def test_a_password_protected_xlsx_says_so(tmp_path: Path) -> None:
    # Excel's "Encrypt with Password" saves an OLE compound file (its magic number), not a zip, whose
    # directory names the streams EncryptionInfo and EncryptedPackage (MS-OFFCRYPTO), in UTF-16.
    directory = b"".join(
        name.encode("utf-16-le").ljust(64, b"\0") + bytes(64)
        for name in ("EncryptionInfo", "EncryptedPackage")
    )
    (tmp_path / "resenas.xlsx").write_bytes(bytes.fromhex("D0CF11E0A1B11AE1") + bytes(1 << 20) + directory)
    error = failure(connector(tmp_path, "resenas.xlsx"))
    assert (
        error.args[0] == "resenas.xlsx: this workbook is protected with a password: socialmon cannot open it"
    )
    assert "without a password" in error.hint and "Excel" in error.hint


def test_named_notes_with_an_indented_line_ask_for_their_format(tmp_path: Path) -> None:
    (tmp_path / "notas.txt").write_text(
        "Notas de la reunión\n\tllamar a proveedores\n\trevisar reseñas\n", encoding="utf-8"
    )
    assert failure(connector(tmp_path, "notas.txt")).args[0].startswith("cannot tell the format of notas.txt")


@pytest.mark.parametrize("suffix", [".txt", ".csv"])
def test_a_header_below_the_rows_searched_is_named_by_its_line(tmp_path: Path, suffix: str) -> None:
    text = (
        "Reporte de reseñas\n\n\n\n"
        + "".join(f"nota {i}\n" for i in range(36))
        + "type,id,created_at,text\ncomment,c1,2026-01-02 10:00,hola\n"
    )
    (tmp_path / f"resenas{suffix}").write_text(text, encoding="utf-8")
    said = failure(connector(tmp_path, f"resenas{suffix}")).args[0]
    assert "line 41" in said, said
    assert "Reporte de reseñas" not in said


def test_an_xls_named_xlsx_says_what_it_is(tmp_path: Path) -> None:
    (tmp_path / "resenas.xlsx").write_bytes(
        bytes.fromhex("D0CF11E0A1B11AE1") + "Workbook".encode("utf-16-le")
    )
    error = failure(connector(tmp_path, "resenas.xlsx"))
    assert error.args[0] == "resenas.xlsx: not a readable .xlsx workbook (an Excel 97-2003 .xls workbook)"
