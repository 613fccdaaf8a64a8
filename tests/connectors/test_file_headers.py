"""Headers and type words as people write them by hand: Spanish and Portuguese names, English ones
in any case and spacing, `comentario`/`avaliação` as a type. Files as Excel (es-ES, es-MX: semicolons,
Windows-1252, CRLF), LibreOffice (UTF-8) and openpyxl write them; the cursor of a file read so,
and one written by the previous reader."""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from socialmon.cli._config_words import said_error, said_warning
from socialmon_connectors import ChannelContext, CommentRecord, Page, PostRecord, SourceError
from socialmon_connectors import file as file_connector
from socialmon_connectors.file import FileConnector, FileSettings


def connector(folder: Path, path: str, **options: Any) -> FileConnector:
    return FileConnector(
        FileSettings(path=path, timezone="UTC", **options),
        ChannelContext(brand="cafe", channel="export", account="Café", base_dir=folder),
    )


def read(source: FileConnector, cursor: dict[str, Any] | None = None) -> list[Page]:
    async def collect() -> list[Page]:
        return [page async for page in source.pages(cursor)]

    return asyncio.run(collect())


def records(pages: list[Page]) -> dict[str, PostRecord | CommentRecord]:
    return {r.platform_id: r for page in pages for r in [*page.posts, *page.comments]}


def rejected(pages: list[Page]) -> list[tuple[str, str]]:
    return [(r.location, r.reason) for page in pages for r in page.rejected]


def cursor_of(pages: list[Page]) -> dict[str, Any]:
    cursor = pages[-1].cursor
    assert cursor is not None
    return cursor


def failure(source: FileConnector) -> SourceError:
    with pytest.raises(SourceError) as raised:
        read(source)
    return raised.value


def warnings(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "socialmon.file"]


# A bakery in Latacunga, by hand in Excel (Spanish locale): semicolons, Windows-1252, CRLF, dates
# day first, a decimal comma, the type words in Spanish in any case, with and without accents.
BAKERY = (
    "Tipo;ID;ID publicación;Respuesta a;Fecha;Autor;Texto;Calificación;Me gusta\r\n"
    "Publicación;p1;;;02/11/2026 09:00;Panadería La Merced;Pan de yuca recién salido;;12\r\n"
    "comentario;c1;p1;;02/11/2026 10:15;Rosa Mite;¿Hasta qué hora abren?;;1.204\r\n"
    "RESPUESTA;c2;p1;c1;02/11/2026 10:40;Panadería La Merced;Hasta las 19h00;;\r\n"
    "reseña;r1;;;03/11/2026 18:05;Jorge Pilataxi;Muy buenas empanadas;4,5;\r\n"
    "resena;r2;;;04/11/2026 08:00;Inés;Se demoraron;2;\r\n"
)


def test_a_spanish_excel_csv_with_spanish_names_and_words_is_read_whole(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    (tmp_path / "panaderia.csv").write_bytes(BAKERY.encode("cp1252"))
    pages = read(connector(tmp_path, "panaderia.csv"))
    assert rejected(pages) == []
    found = records(pages)
    assert list(found) == ["p1", "c1", "c2", "r1", "r2"]
    assert isinstance(found["p1"], PostRecord)
    assert found["p1"].text == "Pan de yuca recién salido"
    assert found["p1"].like_count == 12
    comment, reply, review = found["c1"], found["c2"], found["r1"]
    assert isinstance(comment, CommentRecord) and isinstance(reply, CommentRecord)
    assert (comment.post_id, comment.author_name, comment.like_count) == ("p1", "Rosa Mite", 1204)
    assert comment.created_at == datetime(2026, 11, 2, 10, 15, tzinfo=UTC)
    assert (reply.post_id, reply.parent_id) == ("p1", "c1")
    assert isinstance(review, CommentRecord) and review.kind == "review" and review.rating == 4.5
    assert found["r2"].kind == "review"  # type: ignore[union-attr]
    assert not [w for w in warnings(caplog) if "ignored" in w]


# A tapioca shop in Recife, in LibreOffice (UTF-8, commas, LF): Portuguese names and words.
TAPIOCA = (
    "tipo,id,id_da_publicacao,resposta_a,data,nome,texto,estrelas,curtidas,excluído\n"
    "publicação,p1,,,2026-11-20 08:00,Tapiocaria Boa Viagem,Tapioca de queijo coalho,,30,\n"
    "Comentário,c1,p1,,2026-11-20 09:30,Ana Paula,Vocês abrem domingo?,,2,não\n"
    "resposta,c2,p1,c1,2026-11-20 09:45,Tapiocaria Boa Viagem,Abrimos sim!,,,\n"
    "AVALIAÇÃO,r1,,,2026-11-21 19:00,Severino,Muito boa,5,,\n"
    'avaliacao,r2,,,2026-11-22 12:00,Lúcia,Demorou,"2,5",,sim\n'
)


def test_a_portuguese_libreoffice_csv_with_portuguese_names_and_words_is_read_whole(tmp_path: Path) -> None:
    (tmp_path / "tapiocaria.csv").write_text(TAPIOCA, encoding="utf-8")
    pages = read(connector(tmp_path, "tapiocaria.csv"))
    assert rejected(pages) == []
    found = records(pages)
    assert [type(r).__name__ for r in found.values()] == ["PostRecord", *["CommentRecord"] * 4]
    assert found["p1"].like_count == 30
    assert (found["c2"].post_id, found["c2"].parent_id) == ("p1", "c1")  # type: ignore[union-attr]
    assert found["c1"].author_name == "Ana Paula" and found["c1"].deleted is False
    assert found["r1"].rating == 5 and found["r2"].rating == 2.5  # type: ignore[union-attr]
    assert found["r2"].deleted is True


@pytest.mark.parametrize(
    "header",
    [
        "Type, ID, Post ID, Created At, Author Name, Text, Rating",
        "TYPE,Id,post-id,created-at,author-name,TEXT,rating",
        "type,id,postId,createdAt,authorName,text,rating",
        "Type,ID,PostID,Created.At,Author_Name,Text,Rating",
    ],
)
def test_english_names_in_any_case_and_spacing_are_the_fields(tmp_path: Path, header: str) -> None:
    (tmp_path / "export.csv").write_text(
        header + "\nPosts,p1,,2026-11-20 08:00,Café Uno,Hola,\nComments,c1,p1,2026-11-20 09:00,Eva,Rico,\n"
        "Review,r1,,2026-11-21 09:00,Eva,Bien,4\n",
        encoding="utf-8",
    )
    pages = read(connector(tmp_path, "export.csv"))
    assert rejected(pages) == []
    found = records(pages)
    assert found["c1"].post_id == "p1" and found["c1"].author_name == "Eva"  # type: ignore[union-attr]
    assert found["c1"].created_at == datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
    assert found["r1"].rating == 4  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("written", "kind"),
    [
        ("post", "post"), ("Publicación", "post"), ("publicacion", "post"), ("PUBLICAÇÃO", "post"),
        ("publicações", "post"), ("comment", "comment"), ("Comentario", "comment"),
        ("comentário", "comment"), ("comentarios", "comment"), ("Respuesta", "reply"),
        ("resposta", "reply"), ("replies", "reply"), ("Reseña", "review"), ("reseñas", "review"),
        ("avaliação", "review"), ("Avaliações", "review"), ("REVIEWS", "review"), (" opinión ", "review"),
    ],
)  # fmt: skip
def test_type_words_in_spanish_portuguese_and_english_plural(written: str, kind: str) -> None:
    parser = file_connector._Parser(FileSettings(path="x"), "UTC")
    thread = {} if kind in ("post", "review") else {"post_id": "p1"}
    record = parser.record({"type": written, "id": "x1", "created_at": "2026-11-20 08:00", **thread})
    if kind == "post":
        assert isinstance(record, PostRecord)
    else:
        assert isinstance(record, CommentRecord)
        assert record.kind == ("review" if kind == "review" else "comment")
    # Only a reply misses the comment it answers.
    assert parser.orphans == ({"parent_id": "x1"} if kind == "reply" else {})


def test_an_unknown_type_word_is_still_rejected_naming_it(tmp_path: Path) -> None:
    (tmp_path / "export.csv").write_text(
        "tipo,id,fecha\nnota,n1,2026-11-20 08:00\npost,p1,2026-11-20 08:00\n", encoding="utf-8"
    )
    pages = read(connector(tmp_path, "export.csv"))
    assert list(records(pages)) == ["p1"]
    assert rejected(pages) == [
        ("export.csv line 2", "type: must be one of comment, post, reply, review, got 'nota'")
    ]


def test_an_xlsx_from_excel_es_mx_with_spanish_names_is_read_whole(tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Comentarios"
    sheet.append(
        ["Tipo", "ID", "ID de la publicación", "Fecha de creación", "Nombre", "Texto", "Estrellas",
         "Enlace", "Es negocio", "Editado en", "Notas internas"]
    )  # fmt: skip
    sheet.append(["Publicación", "p1", None, datetime(2026, 11, 20, 8, 0), "Vinos del Valle",
                  "Cata el sábado", None, "https://example.com/p1", "VERDADERO", None, None])  # fmt: skip
    sheet.append(["Comentario", "c1", "p1", datetime(2026, 11, 20, 9, 30), "Lupita", "¿A qué hora?",
                  None, None, "FALSO", datetime(2026, 11, 20, 9, 35), "llamar"])  # fmt: skip
    sheet.append(["Reseña", "r1", None, datetime(2026, 11, 21, 19, 0), "Toño", 10, 5, None, None,
                  None, None])  # fmt: skip
    book.save(tmp_path / "vinos.xlsx")
    pages = read(connector(tmp_path, "vinos.xlsx"))
    assert rejected(pages) == []
    found = records(pages)
    assert found["p1"].url == "https://example.com/p1" and found["p1"].is_business is True
    comment = found["c1"]
    assert isinstance(comment, CommentRecord)
    assert (comment.post_id, comment.author_name, comment.is_business) == ("p1", "Lupita", False)
    assert comment.edited_at == datetime(2026, 11, 20, 9, 35, tzinfo=UTC)
    assert found["r1"].text == "10" and found["r1"].rating == 5  # type: ignore[union-attr]


# --- two columns read as one field; columns not read, named as written ---------------------------


def test_two_columns_read_as_one_field_refuse_the_csv_naming_both(tmp_path: Path) -> None:
    (tmp_path / "export.csv").write_text(
        "Tipo;ID;Fecha;Data;Texto\r\npost;p1;20/11/2026;21/11/2026;Hola\r\n", encoding="utf-8"
    )
    error = failure(connector(tmp_path, "export.csv"))
    assert error.args[0] == (
        "export.csv: the columns 'Fecha' and 'Data' are both read as 'created_at': keep one of "
        "them, or rename the other"
    )


@pytest.mark.parametrize(
    ("header", "row"),
    [
        ("type,id,created_at,Data,text", 'post,p1,2026-11-21 08:00,{"k": 1},Hello'),
        ("type,id,created_at,author_name,Nombre,text", "post,p1,2026-11-21 08:00,Ana,Tarta de queso,Hello"),
        ("type,id,created_at,text,Nota", "comment,p1,2026-11-21 08:00,Do you ship?,VIP: answer today"),
    ],
)
def test_a_file_that_read_before_reads_the_same_beside_a_column_of_a_spanish_name(
    tmp_path: Path, header: str, row: str
) -> None:
    """A field's own name wins over its Spanish and Portuguese names, and "Nota" is no rating: a
    file written with the English names and a column of its own ("Data", "Nombre", "Nota") is read
    as it was before those names were read, that column ignored."""
    (tmp_path / "export.csv").write_text(f"{header}\n{row}\n", encoding="utf-8")
    pages = read(connector(tmp_path, "export.csv"))
    assert [p.rejected for p in pages if p.rejected] == []
    records = [r for p in pages for r in (*p.posts, *p.comments)]
    assert [r.platform_id for r in records] == ["p1"]
    assert records[0].created_at == datetime(2026, 11, 21, 8, 0, tzinfo=UTC)
    if "author_name" in header:
        assert records[0].author_name == "Ana"


def test_two_columns_read_as_one_field_refuse_the_workbook_naming_both(tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    book.active.append(["tipo", "id", "Autor", "Nombre"])
    book.active.append(["post", "p1", "Ana", "Ana María"])
    book.save(tmp_path / "export.xlsx")
    assert failure(connector(tmp_path, "export.xlsx")).args[0] == (
        "export.xlsx: the columns 'Autor' and 'Nombre' are both read as 'author_name': keep one of "
        "them, or rename the other"
    )


def test_the_refusal_of_two_columns_is_said_in_spanish(cli_in_spanish: None) -> None:
    assert said_error(
        "SourceError: a.csv: the columns 'Fecha' and 'created_at' are both read as 'created_at': keep "
        "one of them, or rename the other — write a header row naming the columns (type, id, "
        "created_at, …), as the README's file format says"
    ).startswith(
        "SourceError: a.csv: las columnas 'Fecha' y 'created_at' se leen ambas como 'created_at': deje "
        "solo una de ellas, o cámbiele el nombre a la otra — "
    )


def test_ignored_columns_are_named_as_written_and_a_record_kind_column_says_what_to_write(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, cli_in_spanish: None
) -> None:
    (tmp_path / "export.csv").write_text(
        "Tipo,ID,Fecha,Comentario,Notas Internas\npost,p1,2026-11-20 08:00,Hola,llamar\n", encoding="utf-8"
    )
    with caplog.at_level(logging.WARNING, logger="socialmon.file"):
        pages = read(connector(tmp_path, "export.csv"))
    assert list(records(pages)) == ["p1"]
    ignored, kind = warnings(caplog)
    assert (
        ignored
        == "cafe/export: export.csv: ignored the columns socialmon does not use: Comentario, Notas Internas"
    )
    assert kind.startswith(
        "cafe/export: export.csv: Comentario: a column named after a kind of record may hold its text "
        "or its id, so it is not read: name the text's column texto"
    )
    assert said_warning(kind).startswith(
        "cafe/export: export.csv: Comentario: una columna con el nombre de un tipo de registro puede "
        "contener su texto o su id, así que no se lee: llame texto a la columna del texto"
    )


@pytest.mark.parametrize("name", ["export.csv", "export.xlsx"])
def test_the_header_error_says_spanish_and_portuguese_names_are_read(
    tmp_path: Path, name: str, cli_in_spanish: None
) -> None:
    if name.endswith(".xlsx"):
        openpyxl = pytest.importorskip("openpyxl")
        book = openpyxl.Workbook()
        book.active.append(["Fecha", "Texto"])
        book.save(tmp_path / name)
    else:
        (tmp_path / name).write_text("Fecha;Texto\r\n20/11/2026;Hola\r\n", encoding="utf-8")
    error = failure(connector(tmp_path, name))
    assert "(Spanish and Portuguese names are read too: 'tipo', 'id')" in error.args[0]
    assert "found 'Fecha', 'Texto'" in error.args[0]
    spoken = said_error(f"SourceError: {error.args[0]}")
    assert "(también se leen los nombres en español y portugués: 'tipo', 'id')" in spoken, spoken
    assert "columnas encontradas: 'Fecha', 'Texto'" in spoken, spoken


# --- resuming ------------------------------------------------------------------------------------


def append(path: Path, data: bytes) -> None:
    with path.open("ab") as handle:
        handle.write(data)


def test_rows_appended_to_a_csv_with_spanish_names_are_read_with_its_kept_header(tmp_path: Path) -> None:
    path = tmp_path / "panaderia.csv"
    path.write_bytes(BAKERY.encode("cp1252"))
    source = connector(tmp_path, "panaderia.csv")
    cursor = cursor_of(read(source))
    entry = cursor["files"]["panaderia.csv"]
    assert entry["header"][:3] == ["Tipo", "ID", "ID publicación"]  # as the file wrote them
    assert entry["delimiter"] == ";"
    assert records(read(source, cursor)) == {}
    append(path, "Comentario;c3;p1;;05/11/2026 07:30;Jorge;¡Qué rico el pan!;;3\r\n".encode("cp1252"))
    again = read(source, cursor)
    assert rejected(again) == []
    (new,) = records(again).values()
    assert isinstance(new, CommentRecord)
    assert (new.platform_id, new.post_id, new.author_name, new.like_count) == ("c3", "p1", "Jorge", 3)
    assert new.text == "¡Qué rico el pan!"
    assert new.created_at == datetime(2026, 11, 5, 7, 30, tzinfo=UTC)


def _as_the_previous_reader_kept_it(entry: dict[str, Any]) -> dict[str, Any]:
    """A CSV's cursor entry as the reader before Spanish and Portuguese names wrote it: its header's
    names in lowercase, reader 1 (its hashes are the file's, as any reader's)."""
    return {**entry, "header": [name.lower() for name in entry["header"]], "reader": 1}


def test_a_cursor_of_the_previous_reader_resumes_after_its_offset(tmp_path: Path) -> None:
    path = tmp_path / "export.csv"
    path.write_text("Type,ID,Post_ID,Created_At,Text\npost,p1,,2026-11-20 08:00,Hola\n", encoding="utf-8")
    source = connector(tmp_path, "export.csv")
    entry = cursor_of(read(source))["files"]["export.csv"]
    old = {"files": {"export.csv": _as_the_previous_reader_kept_it(entry)}}
    append(path, b"comment,c1,p1,2026-11-20 09:00,Rico\n")
    again = read(source, old)
    assert list(records(again)) == ["c1"]
    assert records(again)["c1"].text == "Rico"


def test_a_cursor_of_the_previous_reader_that_ignored_a_column_now_read_reads_the_file_again(
    tmp_path: Path,
) -> None:
    # The previous reader stored these rows without their stars: "calificación" was not a column it read.
    path = tmp_path / "export.csv"
    path.write_text(
        "type,id,created_at,text,Calificación\nreview,r1,2026-11-20 08:00,Bien,4\n", encoding="utf-8"
    )
    source = connector(tmp_path, "export.csv")
    entry = cursor_of(read(source))["files"]["export.csv"]
    old = {"files": {"export.csv": {**_as_the_previous_reader_kept_it(entry), "rejected": 0}}}
    append(path, b"review,r2,2026-11-21 08:00,Mal,1\n")
    again = read(source, old)
    assert {key: r.rating for key, r in records(again).items()} == {"r1": 4, "r2": 1}  # type: ignore[union-attr]
    after = cursor_of(again)["files"]["export.csv"]
    assert after["reader"] == file_connector.READER_VERSION
    assert records(read(source, cursor_of(again))) == {}  # and from then on, on from where it stopped


def test_rows_the_previous_reader_rejected_for_a_spanish_type_word_are_read_after_the_upgrade(
    tmp_path: Path,
) -> None:
    path = tmp_path / "export.csv"
    path.write_text(
        "type,id,post_id,created_at\npost,p1,,2026-11-20 08:00\ncomentario,c1,p1,2026-11-20 09:00\n",
        encoding="utf-8",
    )
    source = connector(tmp_path, "export.csv")
    entry = cursor_of(read(source))["files"]["export.csv"]
    old = {"files": {"export.csv": {**_as_the_previous_reader_kept_it(entry), "rejected": 1}}}
    assert list(records(read(source, old))) == ["p1", "c1"]


# --- the tables themselves, and the cost ----------------------------------------------------------


def test_every_name_is_normalised_and_reads_one_field_and_the_readme_lists_them() -> None:
    readme = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")
    section = readme.split("## The file format", 1)[1].split("\n## ", 1)[0]
    seen: dict[str, str] = {}
    for field, names in file_connector.HEADER_NAMES.items():
        assert field in file_connector.FIELDS
        for name in names:
            assert file_connector._normalised(name) == name, name
            assert name not in file_connector.FIELDS and seen.setdefault(name, field) == field, name
            assert f"`{name}`" in section, f"{name} is not in the README's file format"
    # A record kind's word is never a column's name (see HEADER_NAMES), but for avaliação (stars).
    assert set(seen) & set(file_connector.TYPE_WORDS) == {"avaliacao"}


def test_the_header_is_mapped_once_per_file_not_per_row(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rows = "".join(f"comentario;c{n};p1;2026-11-20 08:00;Texto {n}\r\n" for n in range(500))
    (tmp_path / "export.csv").write_text("Tipo;ID;ID publicación;Fecha;Texto\r\n" + rows, encoding="utf-8")
    calls = []
    normalised = file_connector._normalised
    monkeypatch.setattr(file_connector, "_normalised", lambda name: calls.append(name) or normalised(name))
    assert len(records(read(connector(tmp_path, "export.csv")))) == 500
    assert len(calls) < 30  # the header's 5 names, for each delimiter tried and for the keys


def test_an_english_sheets_comments_column_is_only_named_among_the_ignored(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """English words for a kind of record ("Comments", "Post") get no advice to rename them texto or
    id_publicacion: they are ignored columns like any other."""
    (tmp_path / "export.csv").write_text(
        "type,id,created_at,text,Comments,Post\npost,p1,2026-11-20 08:00,Hi,3,x\n", encoding="utf-8"
    )
    with caplog.at_level(logging.WARNING, logger="socialmon.file"):
        pages = read(connector(tmp_path, "export.csv"))
    assert list(records(pages)) == ["p1"]
    assert warnings(caplog) == [
        "cafe/export: export.csv: ignored the columns socialmon does not use: Comments, Post"
    ]


# --- "nota": a Brazilian sheet's stars, a Spanish sheet's staff note -------------------------------

# A açaí stand in Belém, its reviews copied by hand: "nota" is the usual Portuguese name for the stars.
ACAI_REVIEWS = (
    "tipo,id,data,autor,texto,nota\n"
    "avaliação,a1,2026-11-18 19:00,Raimunda,Açaí grosso e bem servido,5\n"
    'avaliação,a2,2026-11-19 12:30,Edson,Faltou granola,"3,5"\n'
    "avaliação,a3,2026-11-19 13:00,Cleide,Sem nota dessa vez,\n"
)
# A cevichería in Manta: "Nota" is what the community manager wrote about each comment.
CEVICHE_NOTES = (
    "Tipo;ID;ID publicación;Fecha;Autor;Texto;Nota\r\n"
    "publicación;p1;;20/11/2026 08:00;Cevichería Don Lucho;Menú del feriado;\r\n"
    "comentario;c1;p1;20/11/2026 09:10;Marlene;¿Tienen encebollado?;pasar a ventas\r\n"
    "comentario;c2;p1;20/11/2026 09:40;Byron;Excelente;4\r\n"
    "comentario;c3;p1;20/11/2026 10:05;Tatiana;Muy caro;cliente molesta, llamar\r\n"
)


def test_a_brazilian_review_sheet_keeps_its_stars_in_nota(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    (tmp_path / "avaliacoes.csv").write_text(ACAI_REVIEWS, encoding="utf-8")
    with caplog.at_level(logging.WARNING, logger="socialmon.file"):
        pages = read(connector(tmp_path, "avaliacoes.csv"))
    assert rejected(pages) == []
    assert {key: r.rating for key, r in records(pages).items()} == {"a1": 5, "a2": 3.5, "a3": None}  # type: ignore[union-attr]
    assert warnings(caplog) == []


def test_a_staff_note_in_nota_keeps_every_row_without_a_rating_and_warns_once(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, cli_in_spanish: None
) -> None:
    (tmp_path / "ceviche.csv").write_text(CEVICHE_NOTES, encoding="utf-8")
    with caplog.at_level(logging.WARNING, logger="socialmon.file"):
        pages = read(connector(tmp_path, "ceviche.csv"))
    assert rejected(pages) == []
    found = records(pages)
    assert list(found) == ["p1", "c1", "c2", "c3"]
    assert [getattr(r, "rating", None) for r in found.values()] == [None, None, 4, None]
    (warning,) = warnings(caplog)
    assert warning == (
        "cafe/export: ceviche.csv: Nota: values that are no number of stars are not read as a rating "
        "(the first: 'pasar a ventas')"
    )
    assert said_warning(warning) == (
        "cafe/export: ceviche.csv: Nota: los valores que no son un número de estrellas no se leen como "
        "calificación (el primero: 'pasar a ventas')"
    )


@pytest.mark.parametrize("rating_column", ["rating", "Calificación"])
def test_a_rating_column_wins_over_nota_and_still_rejects_a_text(tmp_path: Path, rating_column: str) -> None:
    (tmp_path / "export.csv").write_text(
        f"type,id,created_at,{rating_column},Nota\n"
        "review,r1,2026-11-20 08:00,4,llamar\n"
        "review,r2,2026-11-20 09:00,muy bueno,5\n",
        encoding="utf-8",
    )
    pages = read(connector(tmp_path, "export.csv"))
    assert {key: r.rating for key, r in records(pages).items()} == {"r1": 4}  # type: ignore[union-attr]
    ((location, reason),) = rejected(pages)
    assert location == "export.csv line 3" and reason.startswith("rating:")


@pytest.mark.parametrize("value", ["6", "-1", "nan", "true", "5 estrelas"])
def test_a_nota_that_is_no_number_of_stars_is_not_a_rating(tmp_path: Path, value: str) -> None:
    (tmp_path / "export.csv").write_text(
        f"tipo,id,data,nota\navaliação,r1,2026-11-20 08:00,{value}\n", encoding="utf-8"
    )
    pages = read(connector(tmp_path, "export.csv"))
    assert rejected(pages) == []
    assert records(pages)["r1"].rating is None  # type: ignore[union-attr]


def test_a_workbooks_nota_reads_its_number_cells_as_stars(tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    book.active.append(["Tipo", "ID", "Data", "Nota"])
    book.active.append(["avaliação", "r1", "2026-11-20 08:00", 4.5])
    book.active.append(["avaliação", "r2", "2026-11-20 09:00", "ligar de volta"])
    book.save(tmp_path / "export.xlsx")
    pages = read(connector(tmp_path, "export.xlsx"))
    assert rejected(pages) == []
    assert {key: r.rating for key, r in records(pages).items()} == {"r1": 4.5, "r2": None}  # type: ignore[union-attr]


def test_rows_the_previous_reader_rejected_for_a_staff_note_are_read_after_the_upgrade(
    tmp_path: Path,
) -> None:
    """An earlier reader took "Nota" for the stars and rejected each row with a note in it; its
    cursor entry (reader 2, rows rejected) is read again from the start."""
    (tmp_path / "ceviche.csv").write_text(CEVICHE_NOTES, encoding="utf-8")
    source = connector(tmp_path, "ceviche.csv")
    entry = cursor_of(read(source))["files"]["ceviche.csv"]
    assert entry["reader"] == file_connector.READER_VERSION
    old = {"files": {"ceviche.csv": {**entry, "reader": 2, "rejected": 2}}}
    assert list(records(read(source, old))) == ["p1", "c1", "c2", "c3"]


def test_a_brazilian_sheet_the_previous_reader_read_without_its_stars_is_read_again(tmp_path: Path) -> None:
    (tmp_path / "avaliacoes.csv").write_text(ACAI_REVIEWS, encoding="utf-8")
    source = connector(tmp_path, "avaliacoes.csv")
    entry = cursor_of(read(source))["files"]["avaliacoes.csv"]
    old = {"files": {"avaliacoes.csv": {**entry, "reader": 2, "rejected": 0}}}
    again = read(source, old)
    assert {key: r.rating for key, r in records(again).items()} == {"a1": 5, "a2": 3.5, "a3": None}  # type: ignore[union-attr]
    assert records(read(source, cursor_of(again))) == {}
