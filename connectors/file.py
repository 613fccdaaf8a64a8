"""The `file` connector: posts and comments from JSON Lines, JSON, CSV, Excel (.xlsx) or LibreOffice
(.ods) exports.

The offline path: the quick start, exports a platform lets a business download, and
any platform socialmon does not speak yet. The format is documented in the README
("The file format"). Reading is incremental: the cursor keeps, per file, the byte
offset after the last complete record, so a re-run reads only what was appended.
A file that shrank, or any of whose bytes before the offset changed (an export written again,
a row edited, even if it also grew), is read again from the start; the storage's upserts absorb what
was already there.

A line that cannot become a record (broken JSON, JSON nested too deep, a time or count
out of range, an id too long to store…) is reported as a `RejectedRecord` naming the file
and line, and the rest of the file is read and stored: one bad row never stops a channel. So is
a time in none of the forms read (the reason names them), an id Excel rounded (it keeps 15
significant digits: `1,78589E+16` in a CSV, a number of 16 digits or more in a workbook, a float
that large in JSON; in `id`, `post_id` or `parent_id`). A record whose id an earlier record has
is the same record again, and updates it, as it would in a later scan: ids are not remembered
across a file (a million of them would hold 200 MB), so ids that collide without looking rounded
(a Number column of 16 digits that Excel saved in full, ending in zeros) are not caught.
A file that cannot be read (no header, every row rejected) keeps its cursor entry and is named
in an `Incomplete` (the channel ends partial) when other files of the channel could be read, in a
`SourceError` (failed) when none could.

Spreadsheets are read as a Spanish-locale (or any) Excel writes them: a CSV separated by
commas, semicolons or tabs (told from the header line), UTF-8 with or without a BOM,
Windows-1252, MS-DOS 850 or Mac Roman when its text tells which, for all its lines (else refused: the
`encoding` option says; a line not text in the file's encoding rejects its row), or UTF-16 with its
BOM, LF, CRLF or (Mac) CR line ends, day-first dates (`20/11/2026 11:00`), decimal commas (`4,5`), a
row without its empty trailing cells, stars (`★★★★`, `4/5`); a workbook's cells as a CSV's (the
spaces around a text not part of it); unknown columns are ignored (and named once); `.xlsx` needs
openpyxl (the `spreadsheets` extra), `.ods` is read with Python's own zip and XML readers. A header may be below a sheet's title rows (or Excel's `sep=;`
line), among the first `_HEADER_SEARCH` rows with a value. A `.txt` the channel names is a CSV when
its first lines hold a header (Excel's "Unicode Text"); when they look like a table whose header
cannot be read, it is refused for the reason a `.csv` would be. A JSON document (`.json`: an array of
records, an object holding such arrays, one record, or JSON values one after another: JSON Lines or
`jq '.[]'`'s pretty-printed objects saved as `.json`, a comma between two a separator; in UTF-8 or
UTF-16) is read whole, as a
workbook is, each record named by the line it opens on. Whatever stops a workbook's reading (a
damaged zip or XML, a password) is that file's error; an .ods's cells past a sheet's 16,384 columns
and 1,048,576 rows are not read. A header may
name its columns in English, Spanish or Portuguese in any case and spacing ("Fecha de creación",
"Created At": `HEADER_NAMES`), mapped once per file; two columns read as one field refuse the file.
A `type` may be written in either language too (`TYPE_WORDS`: comentario, avaliação…).

Times may be written relative to the file's anchor day (`today-3d 14:00`), fixed at the
channel's first scan of that file and kept in the cursor: the README's sample never goes stale.
What was decided for a whole file and kept in its cursor (its legacy encoding, its day/month order)
is checked against the rows read later: when they show it wrong, the file is read again from its
start (`_ReadAgain`). The options that change what rows say are kept too (`read_with`): a file read
with others is read again.
"""

from __future__ import annotations

import asyncio
import bisect
import codecs
import csv
import hashlib
import json
import logging
import math
import re
import unicodedata
from collections import deque
from collections.abc import AsyncIterator, Callable, Generator, Iterator
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any, Literal
from zoneinfo import ZoneInfo

from pydantic import Field, ValidationError, field_validator

from socialmon_connectors.base import ChannelContext, Connector, ConnectorSettings, SetupNote, TimeZoneName
from socialmon_connectors.errors import Incomplete, SourceError
from socialmon_connectors.records import (
    LATEST,
    CommentRecord,
    Page,
    PostRecord,
    Progress,
    RejectedRecord,
)

SUFFIXES = {
    ".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "json", ".csv": "csv", ".tsv": "csv", ".xlsx": "xlsx",
    ".ods": "ods",
}  # fmt: skip
# A `.txt` file the channel names (its `path`, or a glob) is read as CSV when its first lines hold a
# header: Excel's "Unicode Text" (UTF-16, tabs) and "Text (Tab delimited)" are saved as `.txt`. A
# folder's `.txt` files are not read: notes, WhatsApp chats.
_TEXT_TABLE = ".txt"
# The formats read whole, again in full when the file changes (their cursor keeps its digest): a
# workbook, and a JSON document, whose records cannot be resumed after a byte offset.
_READ_WHOLE = ("xlsx", "ods", "json")
# The formats whose cells are a spreadsheet's: numbers in text columns read as shown, `4,5` stars…
_SPREADSHEETS = ("csv", "xlsx", "ods")
RECORD_TYPES = {"post", "comment", "reply", "review"}
# The columns (JSON keys) a record is made of; any other is ignored, and named once per file.
FIELDS = frozenset(
    {
        "type",
        "id",
        "post_id",
        "parent_id",
        "created_at",
        "edited_at",
        "author_id",
        "author_name",
        "is_business",
        "text",
        "url",
        "like_count",
        "reply_count",
        "comment_count",
        "share_count",
        "rating",
        "deleted",
    }
)
# The Spanish and Portuguese names a header may give each field, besides the field's own, as
# `_normalised` writes them: "Fecha de creación", "fecha-de-creacion" and "FECHA_DE_CREACION" are
# all fecha_de_creacion; "Created At" and "createdAt" are created_at. (The README lists them.)
# Left out on purpose, as column names, are the words for a kind of record (comentario, publicación,
# respuesta, reseña; comentário, publicação, resposta; post): a sheet's "Comentario" column may
# hold the comment's text or, in a sheet of replies, the id of the comment answered; "Publicación"
# the post's text or its id. Read as one of them, a column would be stored in the wrong field
# without a word; unread, it is named in a warning that says which names to write
# (`_kind_columns_said`). "avaliação" is a review as a type value and, as a column, the stars it
# gives: a text there is rejected as not a number, never stored. "nota" is the stars in a Brazilian
# sheet and as often a staff note in a Spanish one: it is read as the rating only where it holds a
# number of stars, and never rejects a row (`_StarsOrNote`). A name that may
# mean something else ("data", English data or Portuguese date; "nombre", a product's name) yields
# to the field's own name: a file with `created_at` and a "Data" column reads as it always did.
HEADER_NAMES: dict[str, tuple[str, ...]] = {
    "type": ("tipo", "tipo_de_registro"),
    "id": ("identificador",),
    "post_id": (
        "id_publicacion", "id_de_la_publicacion", "id_de_publicacion", "id_del_post",
        "id_da_publicacao", "id_de_publicacao", "id_do_post", "id_da_postagem",
    ),
    "parent_id": ("respuesta_a", "en_respuesta_a", "id_padre", "resposta_a", "em_resposta_a", "id_pai"),
    "created_at": (
        "fecha", "fecha_de_creacion", "fecha_y_hora", "creado", "creado_el", "creado_en",
        "data", "data_de_criacao", "data_e_hora", "criado", "criado_em",
    ),
    "edited_at": ("editado_el", "editado_en", "fecha_de_edicion", "editado_em", "data_de_edicao"),
    "author_id": ("id_autor", "id_del_autor", "id_do_autor"),
    "author_name": ("autor", "nombre", "nombre_del_autor", "nome", "nome_do_autor"),
    "is_business": ("es_negocio", "es_de_la_empresa", "de_la_empresa", "da_empresa", "e_da_empresa"),
    "text": ("texto", "mensaje", "contenido", "mensagem", "conteudo"),
    "url": ("enlace", "link"),
    "like_count": ("me_gusta", "likes", "curtidas"),
    "reply_count": ("numero_de_respuestas", "num_respuestas", "numero_de_respostas", "num_respostas"),
    "comment_count": ("numero_de_comentarios", "num_comentarios"),
    "share_count": ("compartidos", "veces_compartido", "compartilhamentos"),
    "rating": (
        "calificacion", "estrellas", "puntuacion", "puntaje", "valoracion",
        "nota", "estrelas", "classificacao", "avaliacao",
    ),
    "deleted": ("eliminado", "borrado", "excluido", "apagado"),
}  # fmt: skip
# A header cell's normalised name -> the field it is read as.
_FIELD_NAMED = {field: field for field in FIELDS} | {
    name: field for field, names in HEADER_NAMES.items() for name in names
}
# The words a `type` cell may hold, lowercase and without accents -> the kind of record.
TYPE_WORDS = {
    word: kind
    for kind, words in {
        "post": (
            "post", "posts", "publicacion", "publicaciones", "publicacao", "publicacoes", "postagem",
            "postagens",
        ),
        "comment": ("comment", "comments", "comentario", "comentarios"),
        "reply": ("reply", "replies", "respuesta", "respuestas", "resposta", "respostas"),
        "review": (
            "review", "reviews", "resena", "resenas", "opinion", "opiniones",
            "resenha", "resenhas", "avaliacao", "avaliacoes",
        ),
    }.items()
    for word in words
}  # fmt: skip
# The Spanish and Portuguese words among them, as column names: an English sheet's "Comments" or
# "Post" column is simply not read (named among the ignored columns), with no advice in Spanish.
_KIND_COLUMN_WORDS = frozenset(TYPE_WORDS) - {
    "post", "posts", "comment", "comments", "reply", "replies", "review", "reviews", "opinion"
}  # fmt: skip
# The first reader that reads the names and words above: a CSV's cursor entry kept by an older one
# (whose header, kept in it, has a column it ignored and this one reads) is read again from the start.
_NAMES_READ_FROM = 2
# The name read as the rating only where its value is a number of stars, and the first reader that
# reads it so: an entry kept by an older one, with such a column in its header, is read again from
# the start (reader 2 ignored the column, and its reviews were stored without their stars).
_STARS_OR_NOTE = "nota"
_STARS_OR_NOTE_READ_FROM = 3
_COUNTS = ("like_count", "reply_count", "comment_count", "share_count")
# How many rows with a value may come before a CSV's or a sheet's header (a report's title, the date
# it was exported, a blank row under them) before the file is refused as having none.
_HEADER_SEARCH = 10
# `sep=;`: the first line Excel reads as the separator to split the lines on, whatever its locale.
_SEPARATOR_LINE = re.compile(r'^"?sep=(.)"?[,;\t]*$', re.IGNORECASE)
DELIMITERS = (",", ";", "\t")
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
# (mapping or rejection reason, offset after it, lines read, line of the record, what the cursor
# keeps for the file besides offset and line: a CSV's header and delimiter)
_Item = tuple[dict[str, Any] | str, int, int, int, dict[str, Any] | None]
log = logging.getLogger("socialmon.file")
# `today-3d 14:00`, `today+1d`, `today 09:30-05:00`: the file's anchor day, a number of days
# before or after it, a clock time (00:00 when left out) and an offset (the channel's zone when
# left out).
_RELATIVE = re.compile(
    r"^today\s*(?:([+-])\s*(\d{1,5})\s*d)?(?:(?:\s+|T)(\d{1,2}):(\d{2})(?::(\d{2}))?)?\s*(Z|[+-]\d{2}:?\d{2})?$",
    re.IGNORECASE,
)
# `20/11/2026 11:00`, `20-11-26`, `20.11.2026 9:05:30`, `3/4/2026 11:00 p. m.`: a spreadsheet's
# dates, day and month in either order.
_NUMERIC_DATE = re.compile(
    r"^(\d{1,2})([/.-])(\d{1,2})\2(\d{4}|\d{2})"
    r"(?:(?:\s+|T|,\s*)(\d{1,2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,6}))?)?(?:\s*([ap])\.?\s*m\.?)?)?"
    r"\s*(Z|[+-]\d{2}:?\d{2})?$",
    re.IGNORECASE,
)
# `2026-11-20 9:05`: ISO 8601 but for its one-digit hour, as a spreadsheet writes it (unambiguous).
_ONE_DIGIT_HOUR = re.compile(r"^(\d{4}-\d{2}-\d{2}[T ])(\d)(?=:)")
# The forms a time may take, for the reason a row whose time is in none of them is rejected.
_DATE_FORMS = "2026-11-20 14:05, 2026-11-20T14:05-05:00, 20/11/2026 14:05, today-3d 14:05 or Unix seconds"
# An id as Excel shows a number of more than 11 digits, and saves it so in a CSV: `1,78589E+16`,
# `1.78589E+16`, `1.78589e16`, `1E+16` (a decimal mark or a signed exponent, so that an id such as
# a hex `1e16` is not taken for one). Excel keeps 15 significant digits (Microsoft KB269370), so
# such ids have lost their last digits and many become one.
_SCIENTIFIC_ID = re.compile(r"^\d+(?:[.,]\d+[eE][+-]?|[eE][+-])\d+$")
# A number of 16 digits or more is past Excel's 15 significant digits: as a float (what Excel saves,
# and JSON's 1.7e16), or any number in a workbook, it cannot be taken for the exact id. (JSON's
# integers are exact.)
_EXACT_DIGITS_UNTIL = 1e15
# The id fields a rounded id is rejected in: a record's own id and the ids it points at.
_RECORD_IDS = ("platform_id", "post_id", "parent_id")
# What this version's reader accepts, written into each file's cursor entry beside how many of its
# rows were rejected. Raise it in a release that reads rows an earlier one rejected (a new date
# form, a new column name, a number written another way): after the upgrade, a file whose entry
# counts rejected rows under an older reader is read again from its start, so those rows are
# stored; what was stored before is matched by its id and kept once. Entries written before the
# count was kept say nothing of their rejections and resume where they stopped.
# 4: a workbook's serial number typed as text in a date column (`45352.5868`), a `.json` of objects
# one after another (`jq '.[]'`), one JSON record holding a list of objects, a number too long to read
# rejecting its record alone.
# 5: a CSV row with fewer cells than its header (Excel leaves out the separators of empty trailing
# cells), a workbook's rating cell of only spaces (empty), a rating written as stars ("★★★★", "4/5",
# "4 estrellas"); a line whose bytes are not text in its file's encoding rejected (never stored as
# U+FFFD).
READER_VERSION = 5
# The formats whose rows each version read where the one before rejected them: only their files are
# read again after the upgrade (reader 4 read nothing new in a CSV or JSON Lines file, and reading a
# 50,000-row CSV again took 1.7 s and reported its rejections a second time). A version not listed
# (a release that raised READER_VERSION without saying which formats) reads every format again.
# 2: the Spanish and Portuguese column names and type words; 3: "nota" as the stars (columns: not a
# JSON key); 4: above (a .json's records: a record holding a list, a number too long).
_READS_MORE: dict[int, frozenset[str]] = {
    2: frozenset({"jsonl", "json", "csv", "xlsx", "ods"}),
    3: frozenset({"csv", "xlsx", "ods"}),
    4: frozenset({"json", "xlsx", "ods"}),
    5: frozenset({"jsonl", "json", "csv", "xlsx", "ods"}),
}
# The first reader that reads a file's encoding for the whole file, and a workbook's text cells without
# the whitespace around them. What an older one stored without rejecting it may be wrong: a CSV it read
# in a legacy encoding (its entry keeps one) may hold lines decoded as UTF-8 because their bytes happened
# to be valid UTF-8 (`“SÍ”` in Windows-1252), their other accents stored as U+FFFD; a workbook's reply
# whose parent_id was "c1 " is in no thread. Such files are read again once from their start.
_WHOLE_FILE_READING_FROM = 5
_DECIMAL_COMMA = re.compile(r"^[+-]?\d+,\d+$")
_THOUSANDS = re.compile(r"^\d{1,3}(?:([.,\u00a0\u202f ])\d{3})(?:\1\d{3})*$")
# A rating as people type it in a sheet: stars ("★★★★", "★★★★☆", "⭐⭐⭐⭐⭐", "★★★½"), or a number
# with the scale or the word: "4/5", "4 de 5", "4 sobre 5", "4 of 5", "4 out of 5", "4 estrellas",
# "4 estrelas", "4 stars", "4★", "4,5/5", "4 de 5 estrellas". Only a scale of 5 (the stars every
# platform gives): "8/10" stays an error, as any other text does.
_STAR_SIGNS = re.compile(r"^([★⭐]*)(½?)(☆*)$")
_STARS_WRITTEN = re.compile(
    r"^(?P<stars>\d+(?:[.,]\d+)?)\s*(?P<scale>(?:/|de|sobre|em|of|out\s+of)\s*5(?:[.,]0+)?)?\s*"
    r"(?P<word>estrellas?|estrelas?|stars?|[★⭐])?$",
    re.IGNORECASE,
)
_TRUE = {"verdadero", "sí", "si", "verdadeiro", "sim"}
_FALSE = {"falso", "não", "nao"}
# The smallest number a date column reads as Unix seconds: 2001-09-09 01:46:40 UTC.
_EPOCH_FROM = 1_000_000_000
# From this number on, a Unix time is in milliseconds (pandas' `to_json`, JavaScript's `Date.now()`):
# as seconds it would be past the last time a record may hold (the year 9000); as milliseconds it
# is from 1977 on. Every number that can be seconds is read as seconds.
_EPOCH_MILLISECONDS_FROM = int(LATEST.timestamp())
# An .xlsx number in a date column below this is an Excel serial date (days since 1899-12-30, up to
# 9999-12-31); Unix seconds are far above it.
_EXCEL_SERIAL_UNTIL = 2_958_466
# A number as a workbook's text cell shows it: `45352`, `45352.5868`, `45352,5868`; in a date column,
# the serial number of a date from 1970-01-01 (25569) to before 2100-01-01 (73051). Any other is
# refused as before, as a number too small for a Unix time: a year `2026` typed as text, or a date
# typed without separators (`1032024`, 1 March 2024, would be the serial of a day in the year 4725).
_SERIAL_TEXT = re.compile(r"^\d{1,7}(?:[.,]\d+)?$")
_SERIAL_TEXT_FROM = 25_569
_SERIAL_TEXT_UNTIL = 73_051
_HEAD_BYTES = 4096  # enough of a file's start to notice that it was replaced, not appended to
# What turning one line's data into a record can raise besides ValidationError: a number or
# time out of range, nesting too deep for the parser, a value of an unexpected type.
_RECORD_ERRORS = (ValueError, TypeError, ArithmeticError, RecursionError, LookupError, AttributeError)
# A CSV cell may be as long as a JSON Lines text (the csv module rejects cells over 128 KiB by
# default, and the limit is the module's, process-wide: it is only ever raised here).
csv.field_size_limit(max(csv.field_size_limit(), 2**31 - 1))


class FileSettings(ConnectorSettings):
    path: str = Field(
        description="a file, a folder (its *.json, *.jsonl, *.ndjson, *.csv, *.tsv, *.xlsx and *.ods files) or "
        "a glob"
    )
    format: Literal["auto", "json", "jsonl", "csv", "xlsx", "ods"] = "auto"
    encoding: str = Field(
        default="auto",
        description="a CSV's text encoding: auto (UTF-8, UTF-16 with its BOM, or Windows-1252, MS-DOS "
        "850 or Mac Roman when the text tells) or a Python codec name (cp1252, cp850, mac_roman…)",
    )
    page_size: int = Field(default=1000, ge=1, le=100_000, description="records per stored page")
    timezone: TimeZoneName | None = Field(
        default=None,
        description="time zone of timestamps written without an offset (default: the brand's)",
    )
    business_authors: list[str] = Field(
        default_factory=list, description="author ids or names that are the business itself"
    )
    date_order: Literal["auto", "day-first", "month-first"] = Field(
        default="auto",
        description="how to read 03/04/2026: auto decides per file from all its dates (day-first "
        "when none tells)",
    )
    anchor: str = Field(
        default="first-scan",
        description="the day `today` means in relative times: first-scan, a weekday (the last one on "
        "or before the first scan) or a date",
    )

    @field_validator("encoding")
    @classmethod
    def _known_encoding(cls, value: str) -> str:
        value = value.strip().lower()
        if value == "auto":
            return value
        try:
            return codecs.lookup(value).name
        except LookupError:
            raise ValueError(
                "must be auto or an encoding such as utf-8, cp1252, cp850 or mac_roman"
            ) from None

    @field_validator("anchor")
    @classmethod
    def _known_anchor(cls, value: str) -> str:
        value = value.strip().lower()
        if value == "first-scan" or value in WEEKDAYS:
            return value
        try:
            date.fromisoformat(value)
        except ValueError:
            raise ValueError(
                "must be first-scan, a weekday (monday … sunday) or a date like 2026-11-21"
            ) from None
        return value


def _shown(value: Any, limit: int = 40) -> str:
    """A short repr of a value from a file, for a rejection reason."""
    try:
        text = repr(value)
    except ValueError:  # an integer too long to print
        return f"a {type(value).__name__}"
    return text if len(text) <= limit else text[: limit - 3] + "..."


# The fields a spreadsheet's number cell is read as text in: "10" as a comment, a name of digits.
_TEXT_FIELDS = ("text", "author_name", "url")


def _number_as_text(value: float) -> str:
    """A spreadsheet's number as its cell shows it: 10.0 as "10", 4.5 as "4.5"."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e16:
        return str(int(value))
    return str(value)


def _not_a_date(field: str, value: Any, why: str = "") -> ValueError:
    """The rejection of a time written in none of the forms the connector reads, naming them."""
    return ValueError(f"{field}: {_shown(value)} is not a date{why}: write it as {_DATE_FORMS}")


def describe_error(error: Exception) -> str:
    """Why one line could not become a record, in one short line."""
    if isinstance(error, ValidationError):
        return describe_validation_error(error)
    if isinstance(error, RecursionError):
        return "nested too deeply"
    message = str(error).splitlines()[0] if str(error) else ""
    if isinstance(error, ValueError) and message:
        return message
    return f"{type(error).__name__}: {message}" if message else type(error).__name__


def describe_validation_error(error: ValidationError) -> str:
    """One short line from a pydantic error: 'created_at: invalid datetime; rating: ≤ 5'."""
    parts = []
    for item in error.errors():
        # The record's `platform_id` is the file's `id` column.
        where = ".".join("id" if part == "platform_id" else str(part) for part in item["loc"]) or "record"
        parts.append(f"{where}: {item['msg']}")
    return "; ".join(parts)


class _ReadAgain(Exception):
    """Raised while a file is read when a decision kept for the whole file turns out wrong: its
    legacy `encoding` (a line that is not UTF-8 after lines read as UTF-8), or its day/month `order`
    (a date of the rows read now that only the other order reads). The file is read again from its
    start with the new decision: the rows stored before come again with their ids, and are stored as
    they read now."""

    def __init__(self, *, encoding: str | None = None, order: str | None = None) -> None:
        super().__init__(encoding or order)
        self.encoding, self.order = encoding, order


class _FileDates:
    """What reading one file's times needs beyond the channel's zone: the anchor day of its relative
    times and the order of day and month in its numeric dates, each decided once when first needed
    and kept in the file's cursor.

    A kept order (`date_order = "auto"`) is checked against the rows read: a date that only the other
    order reads (20/11 read month-first) has the order decided again from the whole file, once per
    reading; when that gives the other order, the file is read again (`_ReadAgain`). A file whose
    beginning changed (another export saved over it) has its order decided afresh (`forget_order`)."""

    def __init__(
        self,
        anchor: date | None,
        order: str | None,
        choose_anchor: Callable[[], date],
        choose_order: Callable[[], str],
        *,
        kept_order: bool = False,
    ) -> None:
        self.anchor, self.order = anchor, order
        self._choose_anchor, self._choose_order = choose_anchor, choose_order
        self.remembered: dict[str, str] = {}
        # Whether `order` was kept from an earlier scan, and not yet checked against the whole file.
        self.unchecked = kept_order and order is not None
        # The first date read now that only the order other than the kept one reads, and the order
        # decided again because of it (for the warning that says so).
        self.told_by: str | None = None

    def anchor_day(self) -> date:
        if self.anchor is None:
            self.anchor = self._choose_anchor()
            self.remembered["anchor"] = self.anchor.isoformat()
        return self.anchor

    def ambiguous_order(self) -> str:
        if self.order is None:
            self.order = self._choose_order()
            self.remembered["date_order"] = self.order
        return self.order

    def forget_order(self) -> None:
        """The file is another export now: its order is decided afresh, from its own dates."""
        if self.unchecked:
            self.order, self.unchecked = None, False
            self.remembered.pop("date_order", None)

    def only_as(self, order: str, written: str) -> None:
        """A date read now, `written`, that only `order` reads: when the kept order is the other, the
        order is decided again from the whole file, and the file read again if that changes it."""
        if not self.unchecked or self.order == order:
            return
        self.unchecked = False
        decided = self._choose_order()
        if decided != self.order:
            self.order, self.told_by = decided, written
            self.remembered["date_order"] = decided
            raise _ReadAgain(order=decided)


def _numeric_date_parts(text: str) -> tuple[int, int] | None:
    match = _NUMERIC_DATE.match(text.strip())
    return (int(match.group(1)), int(match.group(3))) if match else None


def date_order_of(pairs: Iterator[tuple[int, int]]) -> str:
    """Day-first or month-first, from a file's numeric dates: 20/11 can only be day-first, 11/20
    only month-first; when none tells (or they disagree), day-first."""
    day_first = month_first = False
    for first, second in pairs:
        day_first = day_first or (first > 12 >= second)
        month_first = month_first or (second > 12 >= first)
    return "month-first" if month_first and not day_first else "day-first"


class _Parser:
    """Turns one raw mapping from a file into a record, or explains why it can't."""

    def __init__(self, settings: FileSettings, zone: str) -> None:
        self.zone = ZoneInfo(zone)
        self.business_authors = set(settings.business_authors)
        self.dates: _FileDates | None = None  # set for each file
        self.unknown: set[str] = set()  # the columns or keys ignored in the current file
        # The current file's first comment or reply without a post_id, and reply without a parent_id.
        self.orphans: dict[str, Any] = {}
        # The current file's "nota" column and its first value that is no number of stars (kept
        # without a rating): named in one warning.
        self.notes: dict[str, Any] = {}
        self.spreadsheet = False  # whether the current file is a CSV or a workbook (else JSON Lines)

    @staticmethod
    def epoch(field: str, value: float, written: Any = None) -> datetime:
        """`value` Unix seconds, as a datetime; `written` is the value as the file wrote it, if not
        a number."""
        # A smaller number is a year, a day count or a date without separators written as a number
        # (2026, 46000, 20261120), not a time in 1970-2001: read as Unix seconds it would be stored
        # decades off without a word.
        shown = _shown(value if written is None else written)
        if value < _EPOCH_FROM:
            raise ValueError(
                f"{field}: {shown} is not a date (a number is read as Unix seconds, from "
                f"{_EPOCH_FROM:,} on: September 2001)"
            )
        seconds = value / 1000 if value >= _EPOCH_MILLISECONDS_FROM else value
        try:
            return datetime.fromtimestamp(seconds, UTC)
        except (OverflowError, ValueError, OSError):
            raise ValueError(f"{field}: Unix time {shown} is out of range") from None

    def _at(self, day: date, clock: time, offset: str | None) -> datetime:
        moment = datetime.combine(day, clock)
        if not offset:
            return moment.replace(tzinfo=self.zone)
        if offset.upper() != "Z" and ":" not in offset:
            offset = f"{offset[:3]}:{offset[3:]}"
        return datetime.fromisoformat(moment.isoformat() + ("+00:00" if offset.upper() == "Z" else offset))

    def relative(self, field: str, match: re.Match[str]) -> datetime:
        sign, days, hour, minute, second, offset = match.groups()
        if self.dates is None:
            raise ValueError(f"{field}: a relative time needs a file")
        shift = int(days or 0) * (-1 if sign == "-" else 1)
        try:
            day = self.dates.anchor_day() + timedelta(days=shift)
            clock = time(int(hour or 0), int(minute or 0), int(second or 0))
        except (ValueError, OverflowError):
            raise ValueError(f"{field}: {_shown(match.string)} is out of range") from None
        return self._at(day, clock, offset)

    def numeric(self, field: str, match: re.Match[str]) -> datetime | None:
        first, _, second, year, hour, minute, sec, fraction, half, offset = match.groups()
        a, b = int(first), int(second)
        if a > 12 >= b:
            day, month = a, b
            if self.dates is not None:
                self.dates.only_as("day-first", match.string)
        elif b > 12 >= a:
            day, month = b, a
            if self.dates is not None:
                self.dates.only_as("month-first", match.string)
        else:
            order = self.dates.ambiguous_order() if self.dates is not None else "day-first"
            day, month = (a, b) if order == "day-first" else (b, a)
        full_year = int(year) + (2000 if len(year) == 2 else 0)
        clock_hour = int(hour or 0)
        if half:
            if not 1 <= clock_hour <= 12:
                return None
            clock_hour = clock_hour % 12 + (12 if half.lower() == "p" else 0)
        try:
            clock = time(clock_hour, int(minute or 0), int(sec or 0), int((fraction or "0").ljust(6, "0")))
            return self._at(date(full_year, month, day), clock, offset)
        except ValueError:
            return None  # 31/02/2026: validation names the field

    def timestamp(self, field: str, value: Any) -> Any:
        if value is None or value == "":
            return None
        if isinstance(value, datetime):  # a spreadsheet's date cell
            return value if value.tzinfo else value.replace(tzinfo=self.zone)
        if isinstance(value, int | float) and not isinstance(value, bool):
            return self.epoch(field, value)
        if isinstance(value, str):
            text = value.strip()
            # A text that opens with a year and a dash (ISO 8601, what most exports write) is none
            # of the three forms below (no Unix time: it has a dash after a digit; no `today`; no
            # day or month of 1-2 digits then a separator): not trying them, the scan benchmark's
            # dates took 0.4 µs each to tell apart instead of 0.9.
            if not (text[4:5] == "-" and text[:4].isdigit()):
                if text.lstrip("-").replace(".", "", 1).isdigit():
                    try:
                        number = float(text)
                    except ValueError:  # digits float() does not read, such as "²"
                        raise _not_a_date(field, value) from None
                    return self.epoch(field, number, value)
                relative = _RELATIVE.match(text)
                if relative:
                    return self.relative(field, relative)
                numeric = _NUMERIC_DATE.match(text)
                if numeric:
                    moment = self.numeric(field, numeric)
                    if moment is None:  # 31/11/2026, 25:00
                        raise _not_a_date(field, value, " (no such day or time)")
                    return moment
            iso = text.replace("Z", "+00:00") if text.endswith("Z") else text
            try:
                parsed = datetime.fromisoformat(iso)
            except ValueError:
                # Only for a time that did not parse: `2026-11-20 9:05` (a spreadsheet's hour).
                try:
                    parsed = datetime.fromisoformat(_ONE_DIGIT_HOUR.sub(r"\g<1>0\2", iso, count=1))
                except ValueError:
                    raise _not_a_date(field, value) from None
            return parsed if parsed.tzinfo else parsed.replace(tzinfo=self.zone)
        return value  # neither text, a number nor a date: validation names the field

    @staticmethod
    def spreadsheet_values(data: dict[str, Any]) -> None:
        """What a spreadsheet in another locale writes, as the record reads it: `4,5` stars (and
        "★★★★", "4/5", "4 estrellas": `_written_rating`), `1.234` likes, VERDADERO/FALSO."""
        rating = data.get("rating")
        if isinstance(rating, str):
            written = _written_rating(rating)
            if written is not None:
                data["rating"] = written
        for field in _COUNTS:
            value = data.get(field)
            if isinstance(value, str) and _THOUSANDS.match(value.strip()):
                data[field] = re.sub(r"\D", "", value)
            elif isinstance(value, float) and value.is_integer():
                data[field] = int(value)
        for field in ("is_business", "deleted"):
            value = data.get(field)
            if isinstance(value, str):
                word = value.strip().lower()
                if word in _TRUE:
                    data[field] = True
                elif word in _FALSE:
                    data[field] = False

    @staticmethod
    def check_rating(rating: Any) -> None:
        """Refuse what pydantic would take for stars or explain badly: true (1 star), NaN, infinity."""
        if isinstance(rating, bool):
            raise ValueError(f"rating: {_shown(rating)} is not a number of stars")
        if isinstance(rating, float | str):
            try:
                stars = float(rating)
            except ValueError:
                return  # not a number at all: validation names the field
            if not math.isfinite(stars):
                raise ValueError(f"rating: {_shown(rating)} is not a number")

    def rounded_id(self, field: str, value: Any) -> ValueError:
        """The rejection of an id that lost its last digits: shown in scientific notation, or a
        number past the 15 significant digits Excel (or a float) keeps. Such ids collide: stored,
        one record would overwrite the others."""
        column = "id" if field == "platform_id" else field
        if isinstance(value, str) or self.spreadsheet:
            return ValueError(
                f"{column}: {_shown(value)}: Excel rounded this id: format the {column} column as Text "
                "before pasting, or export from the platform again"
            )
        return ValueError(
            f"{column}: {_shown(value)} is a number too long to be exact: write the id as a string "
            '("17858893269000001"), or export from the platform again'
        )

    def record(self, raw: dict[str, Any]) -> PostRecord | CommentRecord:
        # An empty cell or null means "not given": the field takes its default. A column socialmon
        # does not use is left out (and named once per file, see FileConnector.pages).
        data = {}
        for key, value in raw.items():
            if not key or value in ("", None):
                continue
            if isinstance(key, _StarsOrNote):
                stars = _stars(value)
                if stars is None:
                    self.notes.setdefault(key, value)
                else:
                    data["rating"] = stars
                continue
            if key in FIELDS:
                data[key] = value
            else:
                self.unknown.add(key)
        written_type = str(data.pop("type", "") or "").strip().lower()
        # Accents are taken off only for a word not found as written ("reseña", "Publicação").
        record_type = TYPE_WORDS.get(written_type) or TYPE_WORDS.get(_without_accents(written_type))
        if record_type is None:
            raise ValueError(f"type: must be one of {', '.join(sorted(RECORD_TYPES))}, got {written_type!r}")
        if "id" in data:
            data["platform_id"] = data.pop("id")
        for field in _RECORD_IDS:
            value = data.get(field)
            if isinstance(value, str):
                if ("E" in value or "e" in value) and _SCIENTIFIC_ID.match(value.strip()):
                    raise self.rounded_id(field, value)
            elif isinstance(value, float):  # a spreadsheet's number, or JSON's
                if math.isfinite(value) and abs(value) >= _EXACT_DIGITS_UNTIL:
                    raise self.rounded_id(field, value)
                if value.is_integer():
                    data[field] = int(value)
            elif isinstance(value, int) and self.spreadsheet and abs(value) >= _EXACT_DIGITS_UNTIL:
                # A workbook's number cell is a double however it was written: past 15 digits
                # Excel has rounded it, or rounds it when the sheet is opened and saved.
                raise self.rounded_id(field, value)
        author_id = data.get("author_id")
        if isinstance(author_id, float) and author_id.is_integer():
            data["author_id"] = int(author_id)
        if self.spreadsheet:
            for field in _TEXT_FIELDS:
                value = data.get(field)
                if isinstance(value, int | float) and not isinstance(value, bool):
                    data[field] = _number_as_text(value)
        for field in ("created_at", "edited_at"):
            if field in data:
                data[field] = self.timestamp(field, data[field])
        self.spreadsheet_values(data)
        self.check_rating(data.get("rating"))
        if data.get("is_business") is None:
            data.pop("is_business", None)
            # Only for a channel that names its business authors: building the record's set of
            # authors took 0.8 µs per record of the scan benchmark (of ~15 to turn a line into a
            # record) for a channel that names none; skipped, 0.05.
            if self.business_authors and self.business_authors & {
                str(value)
                for value in (data.get("author_id"), data.get("author_name"))
                if isinstance(value, str | int)
            }:
                data["is_business"] = True
        if data.get("deleted") is None:
            data.pop("deleted", None)
        if record_type == "post":
            return PostRecord.model_validate(data)
        if record_type == "review":
            data["kind"] = "review"
        record = CommentRecord.model_validate(data)
        # Noted once the row is valid: the warning says these were stored (a row rejected for its
        # date was announced as stored, then as skipped).
        if record_type in ("comment", "reply") and not record.post_id:
            self.orphans.setdefault("post_id", record.platform_id)
        if record_type == "reply" and not record.parent_id:
            self.orphans.setdefault("parent_id", record.platform_id)
        return record


def _marks(path: Path, offset: int) -> tuple[str, str, bool]:
    """The hashes of a file's first bytes and of the bytes just before `offset` (`_HEAD_BYTES` of
    each), and whether a line ends at `offset` (LF, CR or CRLF; in UTF-8, or in UTF-16 either way
    round). One open and two short reads."""
    with path.open("rb") as handle:
        head = handle.read(min(offset, _HEAD_BYTES))
        handle.seek(max(0, offset - _HEAD_BYTES))
        tail = handle.read(offset - max(0, offset - _HEAD_BYTES))
    at_line_end = offset == 0 or tail.endswith((b"\n", b"\n\x00", b"\r", b"\r\x00"))
    return hashlib.sha1(head).hexdigest(), hashlib.sha1(tail).hexdigest(), at_line_end


class _Prefix:
    """The hash of a file's bytes from its start up to an offset, carried forward as the file is
    read: checking a cursor reads what was read before once, and each page adds only its new bytes,
    so a file is hashed about once per scan, whatever its number of pages. (A 100 MB CSV: 0.08 s of
    hashing, beside about 14 s to turn its rows into records; measured 2026-12-04.)"""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.size = 0
        self.hash = hashlib.sha1()

    def up_to(self, offset: int) -> str:
        if offset < self.size:
            self.size, self.hash = 0, hashlib.sha1()
        with self.path.open("rb") as handle:
            handle.seek(self.size)
            left = offset - self.size
            while left > 0:
                block = handle.read(min(left, 1 << 20))
                if not block:
                    break
                self.hash.update(block)
                left -= len(block)
        self.size = offset
        return self.hash.hexdigest()


def _resumes(path: Path, entry: dict[str, Any], prefix: _Prefix) -> bool:
    """Whether a text file's cursor `entry` still points just after what was read: the file did not
    shrink, every byte before the offset is the one read (an export written again with a row edited
    anywhere, then grown, is read again from the start), and a line ends there.

    An entry from before the whole prefix's hash was kept (no "prefix") is checked as then: by its
    head, the 4 KiB before its offset (when kept) and the line end; its next page stores the prefix.
    """
    offset = entry["offset"]
    if offset > path.stat().st_size:
        return False
    head, tail, at_line_end = _marks(path, offset)
    if not at_line_end or entry.get("head", head) != head:
        return False
    if "prefix" in entry:
        return entry["prefix"] == prefix.up_to(offset)
    return "head" in entry and entry.get("tail", tail) == tail


def _read_again_now(entry: dict[str, Any], fmt: str) -> bool:
    """Whether a file's cursor `entry` counts rows rejected by a reader older than a version that
    reads more rows of its format `fmt` (`_READS_MORE`), or keeps a CSV header one before
    `_NAMES_READ_FROM` read without a column this one reads ("Calificación"), or was written before
    `_WHOLE_FILE_READING_FROM` for a workbook or a CSV in a legacy encoding: its rows are read again
    so that they are stored whole, and as they read."""
    reader = entry.get("reader", 0)
    if reader < _WHOLE_FILE_READING_FROM and (
        fmt in ("xlsx", "ods") or (fmt == "csv" and entry.get("encoding"))
    ):
        return True
    if entry.get("rejected") and any(
        fmt in _READS_MORE.get(version, SUFFIXES.values())
        for version in range(max(reader, 0) + 1, READER_VERSION + 1)
    ):
        return True
    header = entry.get("header")
    if not isinstance(header, list):
        return False
    if reader < _NAMES_READ_FROM and _named_before(header):
        return True
    return reader < _STARS_OR_NOTE_READ_FROM and bool(_stars_or_note_columns(header))


def _file_entry(
    path: Path,
    read: tuple[int, int, dict[str, Any] | None],
    digest: str | None,
    remembered: dict[str, str],
    prefix: _Prefix | None,
    rejected: int,
) -> dict[str, Any]:
    """A file's cursor entry once `read` = (offset, lines read, what the reader keeps) is stored: an
    .xlsx workbook's `digest`, or the hashes of the head of what was read and of all of it; the
    rows of it rejected so far and the reader that rejected them (`READER_VERSION`)."""
    offset, lines_read, kept = read
    entry: dict[str, Any] = {
        "offset": offset, "line": lines_read, **(kept or {}), "reader": READER_VERSION, "rejected": rejected,
    }  # fmt: skip
    if digest is not None:
        entry["digest"] = digest
    else:
        entry["head"], _, _ = _marks(path, offset)
        entry["prefix"] = (prefix or _Prefix(path)).up_to(offset)
    return {**entry, **remembered}


def _file_hash(path: Path) -> str:
    digest = hashlib.sha1()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _cr_line_ends(start: bytes) -> bool:
    """Whether a file's first line, in `start` (its first bytes), ends with a lone CR."""
    cr, lf = start.find(b"\r"), start.find(b"\n")
    return cr >= 0 and (lf < 0 or lf > cr + 1)


def _split_lines(handle: Any) -> Iterator[bytes]:
    """A binary file's lines, each with its line end: LF, CRLF or a lone CR (`bytes.splitlines`).

    The last piece of each block is held until the next block: it may be a line's first part, or
    end with a CR whose LF starts the next block. A long line is gathered as a list of blocks, not
    by joining them one at a time."""
    held: list[bytes] = []
    for block in iter(lambda: handle.read(1 << 16), b""):
        if b"\n" not in block and b"\r" not in block:
            held.append(block)
            continue
        pieces = b"".join([*held, block]).splitlines(keepends=True)
        held = [pieces.pop()]
        yield from pieces
    if held:
        yield b"".join(held)


def _utf8_text(raw: bytes, complete: bool = True) -> bool:
    """Whether a line's bytes are UTF-8 text. A UTF-16 surrogate written as UTF-8 (what JavaScript,
    Java and Python's surrogatepass write for a lone surrogate) is UTF-8 still, broken there, never
    Windows-1252 text ("í" + NBSP + "€" is not a thing people write): it becomes U+FFFD as any record's
    lone surrogate does. So is a character cut at the end of a last line still being written
    (`complete` False)."""
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        try:
            codecs.getincrementaldecoder("utf-8")("surrogatepass").decode(raw, final=complete)
        except UnicodeDecodeError:
            return False
    return True


# A CSV's kept encoding when its lines are UTF-8 and another encoding both (`_legacy_encoding`):
# "utf-8/cp1252" reads a line that is UTF-8 as such, any other in cp1252.
_MIXED = "utf-8/"


def _line_text(raw: bytes, encoding: str, complete: bool = True) -> tuple[str, str | None]:
    """A line's text in `encoding`, and why some of its bytes are not text in it (None when all are):
    those bytes are U+FFFD in the text, and the row they are in is rejected for it, never stored so.
    In UTF-8, surrogates written as UTF-8 become U+FFFD without a fault (see `_utf8_text`), and a
    character cut at the end of an incomplete last line is left out (the line is read whole next
    time)."""
    if encoding.startswith(_MIXED):
        encoding = "utf-8" if _utf8_text(raw, complete) else encoding.removeprefix(_MIXED)
    try:
        return raw.decode(encoding), None
    except UnicodeDecodeError as error:
        fault = f"{encoding}: {error}"
    if codecs.lookup(encoding).name == "utf-8" and _utf8_text(raw, complete):
        return codecs.getincrementaldecoder("utf-8")("replace").decode(raw, final=complete), None
    return raw.decode(encoding, errors="replace"), fault


# The encodings a spreadsheet saves a CSV in besides UTF-8, as Excel names them: "CSV" (Windows-1252,
# Western Windows), "CSV (MS-DOS)" (code page 850; 437 has the same accented lowercase letters), and
# a Mac's "Comma Separated Values" (Mac Roman).
_LEGACY = {"cp1252": "Windows-1252", "cp850": "MS-DOS (850)", "mac_roman": "Mac Roman"}
# Characters Spanish and Portuguese text is written with, and others a Western text may hold:
# what a right guess of the encoding shows. Anything else (box drawing, math signs, control
# characters) comes from a wrong one.
_COMMON_CHARS = frozenset("áéíóúüñÁÉÍÓÚÜÑ¿¡ãõâêôàçÃÕÂÊÔÀÇºª°€«»“”‘’–—…•\u00a0")
_RARE_CHARS = frozenset("èìòùëïöäîûÈÌÒÙËÏÖÄÎÛœŒæÆøØåÅßÿ£§©®´¨·±×÷½¼¾¹²³µ¶¢¥¤¦¬¯¸")
_WORD_PUNCTUATION = frozenset("\u00a0¿¡«»“”–—…•°ºª€")  # never between two letters of a word
_SAMPLE_BYTES = 1 << 20  # of a file's lines that are not UTF-8: enough to tell its encoding


def _oddities(text: str) -> tuple[int, int]:
    """How wrong a decoding looks: (characters no Western text holds where they stand, rare ones).

    Wrong where they stand: a character outside both sets; a capital letter after a small one, or
    between a capital and a small one ("cafÚ", "NÆo"); a small letter before a capital ("ôHola");
    a space or punctuation sign between two letters ("ni–o")."""
    wrong = rare = 0
    for i, char in enumerate(text):
        if char.isascii():
            continue
        if char not in _COMMON_CHARS:
            if char not in _RARE_CHARS:
                wrong += 1
                continue
            rare += 1
        before = text[i - 1] if i else " "
        after = text[i + 1] if i + 1 < len(text) else " "
        if char in _WORD_PUNCTUATION:
            wrong += before.isalpha() and after.isalpha()
        elif char.isupper():
            wrong += before.islower() or (before.isupper() and after.islower())
        elif char.islower():
            wrong += after.isupper()
    return wrong, rare


def legacy_encoding(sample: bytes) -> str | None:
    """The encoding of text that is not UTF-8, when one of `_LEGACY` reads it and the others do
    not: the only decoding that looks right, or, of several, the only one without rare characters.
    None when that cannot be told: the file must say (saved as UTF-8, or the channel's option)."""
    looks_right: dict[str, tuple[int, str]] = {}
    for encoding in _LEGACY:
        try:
            text = sample.decode(encoding)
        except UnicodeDecodeError:  # a byte the encoding leaves undefined
            continue
        wrong, rare = _oddities(text)
        if not wrong:
            looks_right[encoding] = (rare, text)
    if len({text for _, text in looks_right.values()}) == 1:
        return next(iter(looks_right))
    plain = [encoding for encoding, (rare, _) in looks_right.items() if rare == 0]
    return plain[0] if len(plain) == 1 else None


_UTF16_BOMS = {codecs.BOM_UTF16_LE: "utf-16-le", codecs.BOM_UTF16_BE: "utf-16-be"}


def _utf16_lines(path: Path, offset: int, encoding: str) -> Iterator[tuple[str, int, bool]]:
    """The lines of a UTF-16 file from `offset` (the BOM skipped), as `FileConnector._csv_lines`.

    Decoded and encoded again with surrogatepass, a line's length in bytes is exact whatever it
    holds (a lone surrogate is cleaned later, with the record), so the offsets stay on its lines.
    """
    position = max(offset, len(codecs.BOM_UTF16_LE))
    decoder = codecs.getincrementaldecoder(encoding)(errors="surrogatepass")
    pending = ""
    with path.open("rb") as handle:
        handle.seek(position)
        for block in iter(lambda: handle.read(1 << 16), b""):
            pending += decoder.decode(block)
            *lines, pending = pending.split("\n")
            for text in lines:
                position += len(f"{text}\n".encode(encoding, "surrogatepass"))
                yield f"{text}\n", position, True
    if pending:  # a last line with no newline: the offset stays before it (an odd last byte is dropped)
        yield pending, position, False


def _column(name: object) -> str:
    """A header cell as the file wrote it, without the NUL and BOM characters an encoding left in it
    and the spaces around it."""
    return str(name).replace("\x00", "").replace("\ufeff", "").strip() if name is not None else ""


def _without_accents(text: str) -> str:
    return "".join(char for char in unicodedata.normalize("NFKD", text) if not unicodedata.combining(char))


# A word's start inside a name written in camel case: "createdAt", "PostID".
_CAMEL_CASE = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")
_NAME_SEPARATORS = re.compile(r"[\s\-./_]+")


def _normalised(name: str) -> str:
    """A column's name as it is compared with the fields' names: lowercase, without accents, words
    joined by one underscore ("Fecha de creación", "created-at", "Created At", "createdAt")."""
    words = _CAMEL_CASE.sub("_", _without_accents(name)).lower()
    return _NAME_SEPARATORS.sub("_", words).strip("_")


def _fields_of(names: list[str]) -> list[str | None]:
    """The field each column of a header is read as (None for one socialmon does not use). A field's
    own name wins over its Spanish or Portuguese names: a file that has `created_at` and a "Fecha"
    of its own (a delivery date, say) reads as it did before those names were read, "Fecha" ignored.
    "Nota" yields to any other column read as the rating ("Calificación" and a staff "Nota")."""
    normalised = [_normalised(name) for name in names]
    own = {name for name in normalised if name in FIELDS}
    fields = [_FIELD_NAMED.get(name) for name in normalised]
    rated = {
        field for name, field in zip(normalised, fields, strict=True) if field and name != _STARS_OR_NOTE
    }
    return [
        None
        if field is not None
        and ((field in own and name != field) or (name == _STARS_OR_NOTE and field in rated))
        else field
        for name, field in zip(normalised, fields, strict=True)
    ]


class _StarsOrNote(str):
    """A row's key for a "Nota" column (the name as the file wrote it): its value is the record's
    rating where it is a number of stars, and ignored (the file warned of once) where it is not."""

    __slots__ = ()


def _written_rating(text: str) -> str | int | float | None:
    """A rating's text as the number it writes: `4,5` as "4.5"; stars ("★★★★" 4, "★★★½" 3.5, "★★★☆☆" 3,
    its filled and empty stars making 5) and a number with its scale of 5 or the word for stars ("4/5",
    "4 de 5", "4 estrellas", "4 stars") as that number. None for any other text: a number alone is read
    as it is, and anything else is rejected as no number of stars."""
    text = text.replace("\ufe0f", "").strip()  # ⭐ may carry the emoji presentation selector
    if _DECIMAL_COMMA.match(text):
        return text.replace(",", ".")
    signs = _STAR_SIGNS.match(re.sub(r"\s", "", text))
    if signs and any(signs.groups()):
        filled, half, empty = len(signs[1]), bool(signs[2]), len(signs[3])
        if empty and filled + half + empty != 5:
            return None  # a scale of another size
        return filled + 0.5 if half else filled
    written = _STARS_WRITTEN.match(text)
    if written and (written["scale"] or written["word"]):
        return written["stars"].replace(",", ".")
    return None


def _stars(value: Any) -> Any:
    """`value` as the rating when it is a number of stars (0 to 5, `4,5` with a decimal comma),
    else None. (Stars written otherwise, "5 estrelas", are a staff note's words here, kept out of the
    rating as any other text: only a rating column reads them, `_written_rating`.)"""
    if isinstance(value, bool):
        return None
    if isinstance(value, str):
        text = value.strip()
        value = text.replace(",", ".") if _DECIMAL_COMMA.match(text) else text
    try:
        number = float(value)
    except (TypeError, ValueError, OverflowError):
        return None
    return value if math.isfinite(number) and 0 <= number <= 5 else None


def _stars_or_note_columns(names: list[str]) -> list[str]:
    """The columns of a header read as the rating only where they hold a number of stars."""
    return [
        name
        for name, field in zip(names, _fields_of(names), strict=True)
        if field == "rating" and _normalised(name) == _STARS_OR_NOTE
    ]


def _record_keys(path: Path, names: list[str]) -> list[str]:
    """The key each column's value takes in a row's mapping: the field it is read as, or, for a
    column socialmon does not use, its name as the file wrote it (named so in the warning that it
    was ignored). Worked out once per file. Two columns read as the same field refuse the file:
    which one holds the value cannot be told."""
    keys = []
    column_of: dict[str, str] = {}
    for name, field in zip(names, _fields_of(names), strict=True):
        if field is None:
            keys.append(name)
            continue
        if field in column_of:
            raise SourceError(
                f"{path.name}: the columns {column_of[field]!r} and {name!r} are both read as "
                f"'{field}': keep one of them, or rename the other",
                hint=_FORMAT_HINT,
            )
        column_of[field] = name
        keys.append(_StarsOrNote(name) if _normalised(name) == _STARS_OR_NOTE else field)
    return keys


def _named_before(names: list[str]) -> bool:
    """Whether a CSV header kept in a cursor by a reader older than `_NAMES_READ_FROM` has a column
    that reader ignored and this one reads (its rows were stored without that column's values)."""
    return any(
        field is not None and name.lower() not in FIELDS
        for name, field in zip(names, _fields_of(names), strict=True)
    )


def _strict_csv(lines: list[tuple[str, int, int, int]], delimiter: str) -> bool:
    """Whether the lines (text first) are CSV as a spreadsheet writes it: every quoted cell closed,
    and each closing quote followed by a separator or the end of the line."""
    try:
        for _ in csv.reader(
            (text for text, *_ in lines), delimiter=delimiter, skipinitialspace=True, strict=True
        ):
            pass
    except csv.Error:
        return False
    return True


def _said(failures: list[SourceError]) -> str:
    return "; ".join(str(failure.args[0]) for failure in failures)


def _hints(failures: list[SourceError]) -> str:
    """Each failure's own hint once (pip install 'socialmon[spreadsheets]', the header to write, …)."""
    return "; ".join(dict.fromkeys(failure.hint for failure in failures if failure.hint))


_UNREADABLE_HINT = (
    "see the rejected rows above; fix the file, or the channel's options (format, timezone, date_order)"
)
_FORMAT_HINT = (
    "write a header row naming the columns (type, id, created_at, …), as the README's file format says"
)


def _array_of_records_or_open(line: bytes) -> bool:
    """Whether a first line that starts with "[" opens a JSON array document: an array of objects
    written on one line (a compact export), or an array that goes on over the next lines. A line
    that is a whole array of something else (`[1, 2]`) is one bad line of JSON Lines, rejected
    alone while the lines after it are read."""
    try:
        value = json.loads(line)
    except (ValueError, RecursionError):
        return True
    return bool(value) and isinstance(value, list) and all(isinstance(item, dict) for item in value)


def _not_one_json_document(path: Path, first: bytes) -> None:
    """Refuse a file whose first line opens one JSON document (an array, or an object written over
    several lines) rather than JSON Lines: read line by line, every line would be rejected."""
    opening = first.lstrip(codecs.BOM_UTF8 + b" \t\r\n")
    if opening.startswith(b"[") and _array_of_records_or_open(opening):
        what = "a JSON array"
    elif opening.rstrip() == b"{":
        what = "a JSON object written over several lines"
    else:
        return
    raise SourceError(
        f"{path.name}: this is one JSON document ({what}), not JSON Lines: socialmon reads JSON with "
        "one record (a JSON object) per line",
        hint='to read it as one document, name the file .json or set the channel\'s format to "json"; '
        "or write one object per line (for an array: jq -c '.[]' FILE > FILE.jsonl)",
    )


# A JSON document (`.json`) is read whole: an array of records, an object holding lists of them
# (`{"data": [...], "paging": {...}}`), one record (with the records of the lists it holds), or JSON
# values one after another: JSON Lines saved as `.json`, objects pretty-printed one after another
# (`jq '.[]'` without -c, PowerShell's `ConvertTo-Json` appended once per object), pages of an API
# appended. Each record is named by the line it opens on.
_JSON_HINT = (
    "export it again as JSON, as an array of records (JSON objects with the README's field names: type, "
    "id, created_at, …), an object holding such an array, or one object per line"
)
_JSON_SPACE = re.compile(r"[ \t\r\n]*")
_JSON_DECODER = json.JSONDecoder()
# Where the next of JSON values one after another may start: a line whose first character but
# spaces opens a value, "{" or "[" (a line of JSON Lines, indented or not; an object `jq` or
# PowerShell pretty-printed). A JSON string holds no line break. After a broken value the reading
# goes on from the next such line: one indented inside the broken value (a pretty-printed post's
# comments) is read too, and what follows it up to the next such line is one rejection more.
_NEXT_VALUE = re.compile(r"\n[ \t]*(?=[{\[])")
# How much more of the text than its length the values that fail may be decoded over, in all, while
# each is looked for past the lines that may start the next (`_values_one_after_another`).
_FAILED_DECODING_BUDGET = 4


class _LongNumber(str):
    """An integer of a JSON document longer than Python reads (`sys.get_int_max_str_digits()`: 4,300
    digits), as its digits: its record alone is rejected (`_long_number_said`), as JSON Lines rejects
    its line, instead of the whole document."""

    __slots__ = ()


def _int_or_long(digits: str) -> int | _LongNumber:
    try:
        return int(digits)
    except ValueError:
        return _LongNumber(digits)


# A document the standard decoder refuses is decoded again with this one (no cost for the others).
_LENIENT_DECODER = json.JSONDecoder(parse_int=_int_or_long)


def _json_text(path: Path) -> str:
    """A JSON file's text, in the encoding its first bytes tell (UTF-8 with or without a BOM, UTF-16
    or UTF-32: Windows PowerShell's `Out-File` writes UTF-16LE with a BOM)."""
    data = path.read_bytes()
    try:
        return data.decode(json.detect_encoding(data)).removeprefix("\ufeff")
    except (UnicodeDecodeError, LookupError) as error:
        raise SourceError(f"{path.name}: not valid JSON ({error})", hint=_JSON_HINT) from None


def _skip_space(text: str, position: int) -> int:
    match = _JSON_SPACE.match(text, position)
    return match.end() if match else position


def _array_starts(
    text: str, position: int, decoder: json.JSONDecoder = _JSON_DECODER
) -> tuple[list[int], int]:
    """Where each item of the array opening at `position` starts, and where the array ends (a
    document already checked as valid JSON, with `decoder`)."""
    starts: list[int] = []
    position = _skip_space(text, position + 1)
    if text.startswith("]", position):
        return starts, position + 1
    while True:
        starts.append(position)
        _, position = decoder.raw_decode(text, position)
        position = _skip_space(text, position)
        if not text.startswith(",", position):
            return starts, position + 1
        position = _skip_space(text, position + 1)


def _member_starts(
    text: str, position: int, decoder: json.JSONDecoder = _JSON_DECODER
) -> dict[str, list[int]]:
    """Where each item of the arrays that are members of the object opening at `position` starts,
    by the member's name (the last of a name written twice, as `json.loads` keeps it)."""
    found: dict[str, list[int]] = {}
    position = _skip_space(text, position + 1)
    if text.startswith("}", position):
        return found
    while True:
        name, position = decoder.raw_decode(text, position)
        position = _skip_space(text, _skip_space(text, position) + 1)  # after the ":"
        if text.startswith("[", position):
            found[name], position = _array_starts(text, position, decoder)
        else:
            found.pop(name, None)
            _, position = decoder.raw_decode(text, position)
        position = _skip_space(text, position)
        if not text.startswith(",", position):
            return found
        position = _skip_space(text, position + 1)


class _NotJson(str):
    """The reason a value of a JSON file is not read: not JSON, or a number too long to read."""

    __slots__ = ()


def _is_a_record(value: Any) -> bool:
    """Whether a JSON value is itself a record, not an object holding records: an object with the
    fields every record has, a `type` naming a kind of record (`TYPE_WORDS`: post, comentario…) and
    an `id`. (`{"type": "export", "records": [...]}` holds records.)"""
    if not isinstance(value, dict) or "id" not in value or not isinstance(value.get("type"), str):
        return False
    word = value["type"].strip().lower()
    return word in TYPE_WORDS or _without_accents(word) in TYPE_WORDS


def _records_held(
    text: str, opening: int, value: Any, decoder: json.JSONDecoder
) -> tuple[list[int], list[Any]] | None:
    """Where each record of the JSON value opening at `opening` starts, and the records: the value
    itself when it is a record (`_is_a_record`), then the records of the lists it holds (a post with
    its comments; a list of other objects, such as its media, is one of its fields); the items of an
    array of objects; the items of the lists of objects an object holds; an object with a `type` and
    no such list, itself. None when it holds none of these."""
    if isinstance(value, list):
        if value and not any(isinstance(item, dict) for item in value):
            return None
        starts, _ = _array_starts(text, opening, decoder)
        return starts, value
    if not isinstance(value, dict):
        return None
    # The lists of objects it holds (an empty one too: an export of nothing).
    lists = {
        key: member
        for key, member in value.items()
        if isinstance(member, list) and all(isinstance(item, dict) for item in member)
    }
    if _is_a_record(value):
        lists = {key: member for key, member in lists.items() if any(_is_a_record(item) for item in member)}
        if not lists:
            return [opening], [value]
        starts = _member_starts(text, opening, decoder)
        return (
            [opening, *(start for key in lists for start in starts[key])],
            [value, *(item for member in lists.values() for item in member)],
        )
    if "type" in value and not any(lists.values()):
        return [opening], [value]  # one record, refused for its type
    if not lists:
        return None
    starts = _member_starts(text, opening, decoder)
    return [start for key in lists for start in starts[key]], [
        item for member in lists.values() for item in member
    ]


def _long_number_said(record: Any) -> str | None:
    """Why a record of a document read with `_LENIENT_DECODER` is rejected: a field holding (at any
    depth) a number too long to read. None for the others."""
    if not isinstance(record, dict):
        return None
    for key, value in record.items():
        inside = [value]
        while inside:
            item = inside.pop()
            if isinstance(item, _LongNumber):
                field = key if len(key) <= 40 else key[:37] + "..."
                digits = len(item.lstrip("-"))
                return f"{field}: a number of {digits} digits is too long to read: write it as a string (in quotes)"
            if isinstance(item, dict):
                inside.extend(item.values())
            elif isinstance(item, list):
                inside.extend(item)
    return None


def _checked(record: Any, decoder: json.JSONDecoder) -> Any:
    """`record`, or the reason it is rejected (`_NotJson`) when, read with `_LENIENT_DECODER`, it holds
    a number too long to read."""
    said = _long_number_said(record) if decoder is _LENIENT_DECODER else None
    return record if said is None else _NotJson(said)


def _decoded(text: str, position: int = 0) -> tuple[Any, int, json.JSONDecoder]:
    """The JSON value at `position`, where it ends and the decoder that read it: the standard one, or,
    for a value holding a number too long for it, `_LENIENT_DECODER`. Raises the standard one's
    ValueError (or RecursionError) for a value that is not JSON. The lenient decoder is tried only
    for the number (a plain ValueError): a JSONDecodeError is the text's, and it would refuse it alike."""
    try:
        value, end = _JSON_DECODER.raw_decode(text, position)
        return value, end, _JSON_DECODER
    except json.JSONDecodeError:
        raise
    except ValueError as error:
        try:
            value, end = _LENIENT_DECODER.raw_decode(text, position)
        except ValueError:
            raise error from None
        return value, end, _LENIENT_DECODER


class _Lines:
    """The line of a position of a text, counted on from the last position asked for (positions are
    asked for in order): counting each from the text's start costs time in the square of its size."""

    def __init__(self, text: str) -> None:
        self.text, self.position, self.line = text, 0, 1

    def of(self, position: int) -> int:
        if position < self.position:  # not in order: counted again from the start
            self.position, self.line = 0, 1
        self.line += self.text.count("\n", self.position, position)
        self.position = position
        return self.line


def _value_at(text: str, position: int, budget: list[int]) -> tuple[Any, int, json.JSONDecoder]:
    """`_decoded` for the value at `position` of JSON values one after another, in time linear in the
    text. It is decoded in a piece of the text from `position` to a line that may start the next value
    (`_NEXT_VALUE`): a JSONDecodeError counts its line from the start of the text it is given, so
    given the whole text, each value that fails costs the size of the text before it. When the piece
    ends before the value does (a value whose nested lines open values, unindented), the piece is
    doubled in lines and decoded again: twice the value's size at most. For a value that fails in
    the end, that doubling is paid from `budget` (the characters left for it, shared by the text's
    values): once spent, such a value is decoded in its first piece only, and refused there (lines
    that each open an array never closed would cost the whole text each, in the square of its size).
    Raises as `_decoded`, the error's position counted within the piece."""
    lines, spent = 1, 0
    while True:
        end = position
        for _ in range(lines):
            following = _NEXT_VALUE.search(text, end + 1)
            if following is None:
                end = len(text)
                break
            end = following.end()
        piece = text[position:end]
        try:
            value, stop, decoder = _decoded(piece)
        except json.JSONDecodeError as error:
            spent += len(piece)
            cut_short = end < len(text) and error.pos >= len(piece.rstrip())
            if not cut_short:
                budget[0] -= spent
                raise
            if budget[0] - spent < 2 * len(piece):
                budget[0] -= spent
                # Where it stopped is only where the looking stopped: not said as the text's fault.
                raise json.JSONDecodeError(
                    "no end found for this value, looked for up to", piece, error.pos
                ) from None
            lines *= 2
            continue
        return value, position + stop, decoder


def _not_json_said(error: Exception, text: str, position: int, line: int) -> str:
    """Why the value at `position` (on `line`) is not JSON, with the line and column of the text its
    decoder stopped at (the `error` counts them within the piece that starts at `position`)."""
    if isinstance(error, RecursionError):
        return "not valid JSON (nested too deeply)"
    if not isinstance(error, json.JSONDecodeError):
        return f"not valid JSON ({str(error)[:200]})"
    column = error.colno
    if error.lineno == 1:
        column += position - (text.rfind("\n", 0, position) + 1)
    where = f"line {line + error.lineno - 1} column {column} (char {position + error.pos})"
    return f"not valid JSON ({error.msg[:150]}: {where})"


def _values_one_after_another(text: str) -> Iterator[tuple[int, Any]]:
    """The records of JSON values written one after another, as (where each starts, the record or the
    reason it is none: `_NotJson`): each value's records as `_records_held` finds them, or the value
    itself. A comma between two values separates them (`{...},\n{...}`: an array's items saved
    without its brackets). A broken value is skipped up to the next line that may start a value
    (`_NEXT_VALUE`). In time linear in the text's size (`_value_at`)."""
    lines = _Lines(text)
    budget = [_FAILED_DECODING_BUDGET * len(text)]
    position = _skip_space(text, 0)
    while position < len(text):
        try:
            value, end, decoder = _value_at(text, position, budget)
        except (ValueError, RecursionError) as error:
            yield position, _NotJson(_not_json_said(error, text, position, lines.of(position)))
            following = _NEXT_VALUE.search(text, position + 1)
            if following is None:
                return
            position = _skip_space(text, following.end())
            continue
        # Its records are found in its own text: decoded again in the whole text, each item would
        # be handed all the text after it.
        held = _records_held(text[position:end], 0, value, decoder)
        starts, values = held if held is not None else ([0], [value])
        for start, record in zip(starts, values, strict=True):
            yield position + start, _checked(record, decoder)
        position = _skip_space(text, end)
        if text.startswith(",", position):
            position = _skip_space(text, position + 1)


def _whole_document(name: str, text: str) -> tuple[Any, json.JSONDecoder] | None:
    """A JSON file's one document and the decoder that read it (`_LENIENT_DECODER` for one holding a
    number too long for the standard decoder); None for JSON values one after another (after the
    first value, more: "Extra data"; or lines whose last is an object: JSON Lines, its first line
    perhaps broken). Raises SourceError naming the file `name` for text that is not JSON."""
    refusal: ValueError
    try:
        return json.loads(text), _JSON_DECODER
    except RecursionError:
        raise SourceError(f"{name}: not valid JSON (nested too deeply)", hint=_JSON_HINT) from None
    except json.JSONDecodeError as error:  # the text's: the lenient decoder would refuse it alike
        refusal = error
    except ValueError:  # a number too long for the standard decoder
        try:
            return _LENIENT_DECODER.decode(text), _LENIENT_DECODER
        except RecursionError:
            raise SourceError(f"{name}: not valid JSON (nested too deeply)", hint=_JSON_HINT) from None
        except ValueError as error:
            refusal = error
    lines = [line for line in text.splitlines() if line.strip()]
    if str(refusal).startswith("Extra data") or (len(lines) > 1 and _one_object(lines[-1])):
        return None
    raise SourceError(f"{name}: not valid JSON ({str(refusal)[:200]})", hint=_JSON_HINT) from None


def _no_records(name: str, document: Any) -> SourceError:
    """The error for a JSON document that holds no records (`_records_held`)."""
    if isinstance(document, list):
        return SourceError(
            f"{name}: no list of records (JSON objects) in this JSON document: it is an array of "
            "other values",
            hint=_JSON_HINT,
        )
    if isinstance(document, dict):
        keys = ", ".join(repr(key) for key in list(document)[:6]) + (", …" if len(document) > 6 else "")
        return SourceError(
            f"{name}: no list of records (JSON objects) in this JSON document: none of its keys "
            f"holds one ({keys})",
            hint=_JSON_HINT,
        )
    return SourceError(
        f"{name}: no list of records (JSON objects) in this JSON document: it holds one value, not an "
        "array or an object",
        hint=_JSON_HINT,
    )


def json_document_records(name: str, text: str) -> Iterator[tuple[int, Any]]:
    """The records of a JSON file's `text` as (the line each opens on, the value): those of its one
    document (`_records_held`: the items of a top-level array, the items of the arrays of objects a
    top-level object holds, the top-level object itself when it is a record, with the records of the
    lists it holds), or of JSON values one after another (`_values_one_after_another`). A value that
    is not JSON, or holds a number too long to read, is a `_NotJson` (its reason). A document that
    holds no records, or text that is not JSON at all, raises SourceError naming the file `name`."""
    if not text.strip():
        return
    whole = _whole_document(name, text)
    if whole is None:
        found = _values_one_after_another(text)
    else:
        document, decoder = whole
        if document == {}:
            return  # an export of nothing
        held = _records_held(text, _skip_space(text, 0), document, decoder)
        if held is None:
            raise _no_records(name, document)
        found = ((start, _checked(value, decoder)) for start, value in zip(*held, strict=True))
    line, counted = 1, 0
    for start, value in found:
        line += text.count("\n", counted, start)
        counted = start
        yield line, value


def _one_object(line: str) -> bool:
    try:
        return isinstance(json.loads(line), dict)
    except (ValueError, RecursionError):
        return False


def _orphans_said(orphans: dict[str, Any]) -> str:
    """The warning for a file's comments without the post they were written on and replies without
    the comment they answer: stored, but in no post's thread (its response time, its replies)."""
    parts = []
    if "post_id" in orphans:
        parts.append(f"comments or replies without a post_id (the first: {orphans['post_id']})")
    if "parent_id" in orphans:
        parts.append(f"replies without a parent_id (the first: {orphans['parent_id']})")
    return (
        " and ".join(parts) + ": stored, but they belong to no post's thread; write the post's id in "
        "post_id and, for a reply, the answered comment's id in parent_id (a comment on the post "
        "itself is type comment)"
    )


def _short_rows_said(lines: list[int]) -> str:
    """The warning for a CSV's rows read with their missing last cells empty: what Excel writes
    for empty trailing cells, but also what a line break outside quotes leaves of a row (its last
    text cut, the rest rejected as a row of its own): said, with where to look."""
    return (
        f"rows with fewer cells than the header were read with their last cells empty (the first: line "
        f"{lines[0]}; {len(lines)} in all): check that no text was cut by a line break outside quotes"
    )


def _order_again_said(order: str, told_by: str | None) -> str:
    """The warning for a file read again because a date read now can only be read in the day/month
    order other than the one kept from an earlier scan (`_FileDates.only_as`)."""
    return (
        f"its dates are read {order} now: a date read in this scan ({told_by}) can only be read so, "
        "unlike the order kept from an earlier scan; the whole file was read again and the dates of "
        "its stored rows corrected (the channel's date_order option sets the order)"
    )


def _fingerprint(item: dict[str, Any] | str) -> str:
    """A short digest of a file's first row as read (or the reason it was rejected): another export
    saved over the file has another first row; one with rows appended or edited further down has
    the same."""
    try:
        text = json.dumps(item, sort_keys=True, default=str)
    except (ValueError, TypeError, RecursionError):  # nested too deeply, a circular value
        text = repr(type(item))
    return hashlib.sha1(text.encode()).hexdigest()[:16]


def _kind_columns_said(columns: list[str]) -> str:
    """The warning for ignored columns named after a kind of record ("Comentario", "Publicação"):
    which names to write instead (see `HEADER_NAMES` for why they are not read)."""
    return (
        f"{', '.join(columns)}: a column named after a kind of record may hold its text or its id, so it "
        "is not read: name the text's column texto, the post's id id_publicacion (id_da_publicacao) and "
        "the answered comment's id respuesta_a (resposta_a)"
    )


# How much of a `.txt` is looked at to tell a table from other text: its first lines.
_TABLE_LOOK_LINES = 100


def _looks_like_a_table(path: Path) -> bool:
    """Whether a text file's first lines look like a table whose header could not be read: a line
    with a tab (Excel saves its text formats, "Unicode Text" and "Text (Tab delimited)", with tabs),
    or one whose cells name two of the fields (`tipo;fecha;texto`, a header without `id`). Notes and
    chats have neither. Read leniently (any encoding reads tabs, separators and ASCII names)."""
    with path.open("rb") as handle:
        start = handle.read(1 << 16)
    encoding = _UTF16_BOMS.get(start[:2], "utf-8")
    text = start.decode(encoding, errors="replace").lstrip("\ufeff")
    for line in text.splitlines()[:_TABLE_LOOK_LINES]:
        if "\t" in line.strip():  # between two cells: a tab that indents a line of notes is not one
            return True
        for delimiter in DELIMITERS:
            if (
                sum(
                    field is not None
                    for field in _fields_of([_column(cell) for cell in line.split(delimiter)])
                )
                >= 2
            ):
                return True
    return False


def _not_an_export(name: str) -> bool:
    """Files a folder or glob never reads: Excel's lock file of an open workbook (`~$export.xlsx`),
    LibreOffice's (`.~lock.export.csv#`) and the `._export.csv` macOS writes beside each file on a
    USB stick or a shared drive (its metadata, not the file)."""
    return name.startswith(("~$", "._", ".~lock."))


def _openpyxl_installed() -> bool:
    """Whether .xlsx workbooks can be read here: openpyxl (the `spreadsheets` extra) imports."""
    try:
        import openpyxl  # type: ignore[import-untyped]  # noqa: F401
        from openpyxl.utils.datetime import from_excel  # type: ignore[import-untyped]  # noqa: F401
    except ImportError:
        return False
    return True


class FileConnector(Connector):
    name = "file"
    uses_http = False  # local files
    Settings = FileSettings
    summary = "posts, comments and reviews from JSON, JSON Lines or CSV exports and Excel or LibreOffice workbooks (offline)"

    settings: FileSettings

    def __init__(self, settings: ConnectorSettings, context: ChannelContext) -> None:
        super().__init__(settings, context)
        # (file, line) of the short rows already said: a file may be read twice in a scan (its
        # day/month order decided again), and its warning is said once.
        self._short_said: set[tuple[str, int]] = set()

    def files(self) -> list[Path]:
        """The export files this channel reads, in a stable order."""
        raw = Path(self.settings.path).expanduser()
        path = raw if raw.is_absolute() else self.context.base_dir / raw
        if path.is_dir():
            found = sorted(
                p
                for p in path.iterdir()
                if p.suffix.lower() in SUFFIXES and p.is_file() and not _not_an_export(p.name)
            )
        elif any(ch in str(raw) for ch in "*?["):
            anchor = Path(path.anchor) if path.is_absolute() else self.context.base_dir
            pattern = str(path.relative_to(anchor)) if path.is_absolute() else str(raw)
            found = sorted(p for p in anchor.glob(pattern) if p.is_file() and not _not_an_export(p.name))
        elif path.is_file():
            found = [path]
        elif self.settings.path.rstrip().endswith(("/", "\\")):  # written as a folder: said as one
            raise SourceError(f"export folder not found: {path}")
        else:
            raise SourceError(f"export file not found: {path}")
        if not found:
            raise SourceError(f"no .json, .jsonl, .ndjson, .csv, .tsv, .xlsx or .ods files in {path}")
        return found

    def check_setup(self) -> list[SetupNote]:
        """Workbooks (.xlsx, or every file with `format = "xlsx"`) while openpyxl is not installed:
        said by `socialmon check`, not first by the scan that fails on them. A path that is wrong is
        said by `check` from `files()`."""
        try:
            files = self.files()
        except SourceError:
            return []
        forced = self.settings.format
        sheets = [
            path.name
            for path in files
            if forced == "xlsx" or (forced == "auto" and SUFFIXES.get(path.suffix.lower()) == "xlsx")
        ]
        if not sheets or _openpyxl_installed():
            return []
        named = ", ".join(sheets[:3]) + (", …" if len(sheets) > 3 else "")
        return [
            SetupNote(
                "path",
                f"{named}: reading .xlsx files needs openpyxl, which is not installed: "
                "pip install 'socialmon[spreadsheets]' (or save the sheets as CSV)",
            )
        ]

    def _format(self, path: Path) -> str:
        if self.settings.format != "auto":
            return self.settings.format
        suffix = path.suffix.lower()
        if suffix == _TEXT_TABLE and self._is_a_table(path):
            return "csv"
        try:
            return SUFFIXES[suffix]
        except KeyError:
            raise SourceError(
                f'cannot tell the format of {path.name}; set format = "jsonl", "json", "csv", "xlsx" or "ods" '
                "for this channel",
                hint="set the channel's format option",
            ) from None

    def _is_a_table(self, path: Path) -> bool:
        """Whether a `.txt` the channel names is a CSV: its first lines hold a header
        (`_find_header`). One whose first lines look like a table (`_looks_like_a_table`) but hold no
        header it can read is refused for the reason a `.csv` would be (the header on line 12, no
        `id` column, an encoding that cannot be told); any other text (notes, a chat) is False."""
        lines = self._csv_lines(path, 0, {})
        try:
            return self._find_header(path, (text for text, *_ in lines)) is not None
        except SourceError:
            if _looks_like_a_table(path):
                raise
            return False
        finally:
            lines.close()

    def _key(self, path: Path) -> str:
        try:
            return str(path.relative_to(self.context.base_dir))
        except ValueError:
            return str(path)

    def _reader(self, fmt: str) -> Callable[[Path, dict[str, Any]], Iterator[_Item]]:
        return {
            "json": self._read_json, "jsonl": self._read_jsonl, "csv": self._read_csv, "xlsx": self._read_xlsx,
            "ods": self._read_ods,
        }[fmt]  # fmt: skip

    @property
    def zone_name(self) -> str:
        """The channel's `timezone`, else the brand's."""
        return self.settings.timezone or getattr(self.context, "timezone", None) or "UTC"

    def _choose_anchor(self) -> date:
        """The day `today` means in a file's relative times, on its first scan."""
        setting = self.settings.anchor
        today = datetime.now(ZoneInfo(self.zone_name)).date()
        if setting in WEEKDAYS:
            return today - timedelta(days=(today.weekday() - WEEKDAYS.index(setting)) % 7)
        return today

    def _file_dates(self, path: Path, fmt: str, kept: dict[str, Any]) -> _FileDates:
        fixed = self.settings.anchor not in ("first-scan", *WEEKDAYS)
        anchor = (
            date.fromisoformat(self.settings.anchor)
            if fixed
            else date.fromisoformat(kept["anchor"])
            if kept.get("anchor")
            else None
        )
        order = None if self.settings.date_order == "auto" else self.settings.date_order
        if order is None:
            # Kept when the file is read again from its start too (a row edited, or after an
            # upgrade): chosen anew from the dates left in a file that dropped its oldest rows, it
            # would move the stored dates of its ambiguous rows (02/03 stored as the 2nd of March,
            # then as the 3rd of February). It is checked against the dates read (`_FileDates`), and
            # forgotten for a file whose beginning changed (see `pages`).
            order = kept.get("date_order")

        def choose_order() -> str:
            # Every numeric date of the file's date columns, read once with the file's own reader.
            def pairs() -> Iterator[tuple[int, int]]:
                for item, *_ in self._reader(fmt)(path, {"offset": 0, "line": 0}):
                    if isinstance(item, dict):
                        for field in ("created_at", "edited_at"):
                            value = item.get(field)
                            parts = _numeric_date_parts(value) if isinstance(value, str) else None
                            if parts:
                                yield parts

            return date_order_of(pairs())

        dates = _FileDates(
            anchor, order, self._choose_anchor, choose_order, kept_order=self.settings.date_order == "auto"
        )
        if kept.get("anchor") and not fixed:
            dates.remembered["anchor"] = kept["anchor"]  # a file read again keeps its anchor
        if order is not None and self.settings.date_order == "auto":
            dates.remembered["date_order"] = order
        return dates

    def reading(self) -> dict[str, Any]:
        """What decides what a file's rows say besides the file, as each file's cursor entry keeps
        it (`read_with`): the `format` and `encoding` options, the time zone of times written without
        an offset, who is the business (`business_authors`, in any order), and the `date_order` and
        `anchor` options. A file read with other values is read again from its start, its stored rows
        stored over by id (`encoding = "cp1252"` set for a file read garbled repairs it). An entry
        without them (an older socialmon's) is taken as read with the current ones."""
        return {
            "format": self.settings.format,
            "encoding": self.settings.encoding,
            "timezone": self.zone_name,
            "business_authors": sorted(set(self.settings.business_authors)),
            "date_order": self.settings.date_order,
            "anchor": self.settings.anchor,
        }

    async def pages(self, cursor: dict[str, Any] | None) -> AsyncIterator[Page]:
        files = self.files()
        reading = self.reading()
        state: dict[str, dict[str, Any]] = {
            k: dict(v) for k, v in ((cursor or {}).get("files") or {}).items()
        }
        total = sum(path.stat().st_size for path in files)
        finished_bytes = 0  # bytes of the files already read to their end
        parser = _Parser(self.settings, self.zone_name)
        page = Page()
        pending = False  # the cursor moved since the last page was yielded
        # The file being read, its cursor entry before this scan, and whether a row of it was read:
        # until one is, the cursor keeps its old entry (a file whose every row is rejected is read
        # again, and fails again, until it is fixed).
        current: dict[str, Any] = {"key": None, "previous": None, "accepted": 0}
        # Why each file that could not be read failed: a file none of whose rows could be read, or
        # one that is not the documented format (no header, not a workbook). Each keeps its cursor
        # entry from before this scan, so the next scan reads it again (and says so again) until it
        # is fixed; the other files are read and stored, and the channel ends partial. When every
        # file fails, the channel fails.
        failures: list[SourceError] = []

        def cursor_files() -> dict[str, Any]:
            kept = {k: dict(v) for k, v in state.items()}
            key = current["key"]
            if key is not None and not current["accepted"]:
                if current["previous"] is None:
                    kept.pop(key, None)
                else:
                    kept[key] = dict(current["previous"])
            return kept

        def flush(done: int) -> Page:
            nonlocal page
            ready = page.model_copy(
                update={
                    "cursor": {"files": cursor_files()},
                    "progress": Progress(done=done, total=total, unit="bytes"),
                }
            )
            page = Page()
            return ready

        done = 0
        for path in files:
            key = self._key(path)
            previous = state.get(key)
            current.update(key=key, previous=previous, accepted=0)
            rejections: list[str] = []
            name = path.name
            failure: SourceError | None = None
            try:
                fmt = self._format(path)
                digest = _file_hash(path) if fmt in _READ_WHOLE else None
                prefix = None if fmt in _READ_WHOLE else _Prefix(path)
                if (
                    previous
                    and previous.get("read_with", reading) == reading
                    and not _read_again_now(previous, fmt)
                    and (
                        previous.get("digest") == digest
                        if prefix is None
                        else _resumes(path, previous, prefix)
                    )
                ):
                    start = previous
                else:
                    start = {"offset": 0, "line": 0}
                    pending = pending or previous is not None
                rejected_before = start.get("rejected", 0)
                parser.dates = self._file_dates(path, fmt, previous or {})
                # What the file's entry keeps besides what its reader and its dates keep: the settings
                # it was read with, and a fingerprint of its first row, which tells another export saved
                # over it (its beginning changed) from rows appended or edited further down.
                keeps: dict[str, Any] = {"read_with": reading}
                if start is previous and previous.get("first"):
                    keeps["first"] = previous["first"]
                first_checked = start is previous
                while True:
                    parser.unknown = set()
                    parser.orphans = {}
                    parser.notes = {}
                    parser.spreadsheet = fmt in _SPREADSHEETS
                    done = finished_bytes + start["offset"]
                    posts, comments, rejected = page.posts, page.comments, page.rejected
                    # Where this file's records start in the page: dropped if it is read again.
                    marks = (len(posts), len(comments), len(rejected))
                    # Where the file's reading stands after its last item (offset, lines read, what
                    # the reader keeps): written into the file's cursor entry once per page, not per
                    # record: hashing the file's head for every record took 16% of a scan's main
                    # process.
                    read: tuple[int, int, dict[str, Any] | None] | None = None
                    items = self._reader(fmt)(path, start)
                    try:
                        for item, offset, lines_read, record_line, kept in items:
                            if "first" not in keeps and not start["offset"] and not start["line"]:
                                keeps["first"] = _fingerprint(item)
                                if not first_checked:
                                    first_checked = True
                                    if previous and previous.get("first") not in (None, keeps["first"]):
                                        parser.dates.forget_order()  # another export: decided afresh
                            if isinstance(item, str):
                                rejected.append(
                                    RejectedRecord(location=f"{name} line {record_line}", reason=item)
                                )
                                rejections.append(item)
                            else:
                                try:
                                    record = parser.record(item)
                                except (ValidationError, *_RECORD_ERRORS) as error:
                                    reason = describe_error(error)
                                    rejected.append(
                                        RejectedRecord(location=f"{name} line {record_line}", reason=reason)
                                    )
                                    rejections.append(reason)
                                else:
                                    (posts if isinstance(record, PostRecord) else comments).append(record)
                                    current["accepted"] += 1
                            read = (offset, lines_read, kept)
                            done = finished_bytes + offset
                            pending = True
                            if len(posts) + len(comments) + len(rejected) >= self.settings.page_size:
                                state[key] = _file_entry(
                                    path,
                                    read,
                                    digest,
                                    {**parser.dates.remembered, **keeps},
                                    prefix,
                                    rejected_before + len(rejections),
                                )
                                read = None
                                yield flush(done)
                                posts, comments, rejected = page.posts, page.comments, page.rejected
                                marks = (0, 0, 0)
                                pending = False
                                await asyncio.sleep(0)  # let other channels run between pages
                    except _ReadAgain as again:
                        # Read again from the start with the new decision: what this reading put in
                        # the page is dropped (pages already stored are stored over, by id).
                        del posts[marks[0] :], comments[marks[1] :], rejected[marks[2] :]
                        rejections.clear()
                        current["accepted"] = rejected_before = 0
                        start = {"offset": 0, "line": 0}
                        keeps.pop("first", None)  # read as the file's text reads now
                        first_checked = True
                        if again.encoding:
                            start["encoding"] = again.encoding
                        if again.order:
                            log.warning(
                                "%s/%s: %s: %s",
                                self.context.brand,
                                self.context.channel,
                                name,
                                _order_again_said(again.order, parser.dates.told_by),
                            )
                        pending = True
                        continue
                    finally:
                        items.close()
                    break
                if read is not None:
                    state[key] = _file_entry(
                        path,
                        read,
                        digest,
                        {**parser.dates.remembered, **keeps},
                        prefix,
                        rejected_before + len(rejections),
                    )
                if parser.unknown and start["line"] == 0:
                    log.warning(
                        "%s/%s: %s: ignored the columns socialmon does not use: %s",
                        self.context.brand,
                        self.context.channel,
                        name,
                        ", ".join(sorted(parser.unknown)),
                    )
                    named_after_a_kind = sorted(
                        column for column in parser.unknown if _normalised(column) in _KIND_COLUMN_WORDS
                    )
                    if named_after_a_kind:
                        log.warning(
                            "%s/%s: %s: %s",
                            self.context.brand,
                            self.context.channel,
                            name,
                            _kind_columns_said(named_after_a_kind),
                        )
                if parser.orphans:
                    log.warning(
                        "%s/%s: %s: %s",
                        self.context.brand,
                        self.context.channel,
                        name,
                        _orphans_said(parser.orphans),
                    )
                for column, note in parser.notes.items():
                    log.warning(
                        "%s/%s: %s: %s: values that are no number of stars are not read as a rating "
                        "(the first: %s)",
                        self.context.brand,
                        self.context.channel,
                        name,
                        column,
                        _shown(note),
                    )
                if rejections and not current["accepted"]:
                    failure = SourceError(
                        f"{name}: none of its {len(rejections)} row(s) could be read (the first: {rejections[0]})",
                        hint=_UNREADABLE_HINT,
                    )
            except SourceError as error:  # not the documented format: no header, not a workbook
                failure = error
            if failure is not None:
                failures.append(failure)
                if previous is None:
                    state.pop(key, None)
                else:
                    state[key] = previous
                # Pages flushed while reading it kept its old entry: the next page carries it too.
                pending = True
            current.update(key=None, previous=None, accepted=0)
            finished_bytes += path.stat().st_size
        if pending:
            yield flush(done)
        if failures and len(failures) == len(files):
            if len(failures) == 1:
                raise failures[0]
            raise SourceError(_said(failures), hint=_hints(failures))
        if failures:
            raise Incomplete(
                _said(failures),
                hint="the other files were read; the next scan reads the file(s) named again, until fixed: "
                + _hints(failures),
            )

    def _lines(self, path: Path, offset: int) -> Iterator[tuple[bytes, int, bool]]:
        """Complete lines from `offset`, each with the offset just after it.

        A line ends with LF or CRLF; in a file whose first line ends with a lone CR (a Mac's "Comma
        Separated Values", classic Mac OS text), with a lone CR too. (Elsewhere a lone CR is text:
        inside a quoted cell, or a stray one.) A last line with no line end may still be being
        written: it is read, but the offset stays before it so the next scan reads it again in full.
        """
        with path.open("rb") as handle:
            cr_only = _cr_line_ends(handle.read(1 << 16))
            handle.seek(offset)
            ends = (b"\n", b"\r") if cr_only else b"\n"
            for raw in _split_lines(handle) if cr_only else handle:
                complete = raw.endswith(ends)
                if complete:
                    offset += len(raw)
                yield raw, offset, complete

    def _csv_lines(
        self, path: Path, offset: int, kept: dict[str, Any], line: int = 0
    ) -> Iterator[tuple[str, int, bool, str | None]]:
        """A CSV's lines from `offset` as text, each with the offset after it, whether it is complete
        (see `_lines`) and why its bytes are not all text in the file's encoding (None when they are:
        `_line_text`).

        The encoding is the file's, one for all its lines (a program writes a file in one encoding):
        UTF-16 when the file starts with its BOM (Excel's "Unicode text"); else the channel's
        `encoding` when set; else UTF-8 when the file starts with a UTF-8 BOM; else UTF-8 while every
        line is UTF-8, and once one is not, the file's legacy encoding (`_legacy_encoding`) for all of
        them, the lines whose bytes happen to be valid UTF-8 too (`“SÍ”` in Windows-1252 is); a UTF-8
        file whose broken lines read in no legacy encoding stays UTF-8, those lines rejected. At the
        first line that is not ASCII, the lines after it are looked through for one that is not UTF-8,
        so that no line is read as UTF-8 in a legacy file. `kept` is what the cursor keeps: the legacy
        encoding ("encoding", for the lines appended later), and whether lines that are not ASCII were
        read as UTF-8 ("utf8"): when a line appended after them is not UTF-8, they were read wrong,
        and the file is read again from its start (`_ReadAgain`)."""
        with path.open("rb") as handle:
            opening = handle.read(len(codecs.BOM_UTF8))
        utf16 = _UTF16_BOMS.get(opening[:2])
        if utf16 is not None:
            for text, after, complete in _utf16_lines(path, offset, utf16):
                yield text, after, complete, None
            return
        bom = opening == codecs.BOM_UTF8
        chosen = None if self.settings.encoding == "auto" else self.settings.encoding
        if chosen is None and bom:
            chosen = "utf-8"
        first = offset == 0
        looked = False  # whether the lines after the first one that is not ASCII were looked through
        for raw, after, complete in self._lines(path, offset):
            line += 1
            if first and bom:
                raw = raw[len(codecs.BOM_UTF8) :]
            first = False
            encoding = chosen or kept.get("encoding")
            if encoding is None and raw.isascii():
                yield raw.decode("ascii"), after, complete, None
                continue
            if encoding is None:
                if not looked:
                    looked = True
                    utf8 = _utf8_text(raw, complete)
                    other = self._first_not_utf8(path, after, line) if utf8 and complete else None
                    if not utf8 or other is not None:
                        legacy = self._legacy_encoding(path, line if not utf8 else other)
                        if legacy is not None:
                            kept["encoding"] = legacy
                            if kept.get("utf8"):
                                raise _ReadAgain(encoding=legacy)
                encoding = kept.get("encoding") or "utf-8"
                if encoding == "utf-8":
                    kept["utf8"] = True
            text, fault = _line_text(raw, encoding, complete)
            yield text, after, complete, fault

    def _first_not_utf8(self, path: Path, offset: int, line: int) -> int | None:
        """The number of the first line from `offset` (line `line` + 1) that is not UTF-8 text, or
        None when none is. One pass over the bytes not read yet, in blocks (a file all ASCII never
        needs it); line by line only when some are not UTF-8."""
        decoder = codecs.getincrementaldecoder("utf-8")("surrogatepass")
        with path.open("rb") as handle:
            handle.seek(offset)
            try:
                for block in iter(lambda: handle.read(1 << 20), b""):
                    decoder.decode(block)
            except UnicodeDecodeError:
                pass
            else:
                return None  # a character cut at the end: a last line still being written
        for raw, _, complete in self._lines(path, offset):
            line += 1
            if not raw.isascii() and not _utf8_text(raw, complete):
                return line
        return None

    def _legacy_encoding(self, path: Path, line: int) -> str | None:
        """The encoding of a CSV whose line `line` is not UTF-8, from its lines that are not ASCII:
        those that are not UTF-8, then those whose bytes are (in the file's encoding those must read
        right too). None for a UTF-8 file with lines broken in it: its lines that are not UTF-8 read
        wrong in every legacy encoding too (a stray byte among UTF-8 accents), while others are UTF-8
        with more than ASCII; read as UTF-8, those lines are rejected. Refused when neither can be
        told: the file must say (saved as CSV UTF-8, or the channel's `encoding`)."""
        legacy, valid = bytearray(), bytearray()
        with path.open("rb") as handle:
            for raw in _split_lines(handle):
                if raw.isascii():
                    continue
                sample = valid if _utf8_text(raw) else legacy
                if len(sample) < _SAMPLE_BYTES:
                    sample += raw
                elif len(legacy) >= _SAMPLE_BYTES and len(valid) >= _SAMPLE_BYTES:
                    break
        encoding = legacy_encoding(bytes(legacy + valid))
        if encoding is not None:
            return encoding
        if valid:
            alone = legacy_encoding(bytes(legacy))
            if alone is None:
                return None
            # UTF-8 lines that read wrong in the legacy encoding its other lines read right in: two
            # programs wrote the file (rows appended by another tool). Each line is read in its own.
            return _MIXED + alone
        raise SourceError(
            f"{path.name}: line {line} is not UTF-8 text, and its accents cannot be told apart "
            f"as {', '.join(_LEGACY.values())} or another encoding: save it as CSV UTF-8",
            hint='in Excel: Save As → "CSV UTF-8 (Comma delimited)"; or set the channel\'s '
            'encoding option ("cp1252", "cp850", "mac_roman" or the file\'s)',
        )

    # Readers yield (mapping or rejection reason, offset after it, lines read, line of the record,
    # what the cursor keeps for the file).

    def _read_json(self, path: Path, start: dict[str, Any]) -> Iterator[_Item]:
        """A JSON document's records (`json_document_records`), read whole: the cursor keeps the
        records read and the file's digest, and a changed file is read again in full."""
        size = path.stat().st_size
        for number, (line, value) in enumerate(json_document_records(path.name, _json_text(path)), start=1):
            if number <= start["line"]:
                continue
            if isinstance(value, _NotJson):
                yield str(value), size, number, line, None
            elif not isinstance(value, dict):
                yield "not a JSON object", size, number, line, None
            else:
                yield value, size, number, line, None

    def _json_lines(self, path: Path, offset: int) -> Iterator[tuple[bytes, int, bool]]:
        """A JSON Lines file's lines as `_lines` gives them, as UTF-8; a file that starts with a UTF-16
        BOM is read as UTF-16 (Windows PowerShell 5.1's `Out-File` and `>` write it so)."""
        with path.open("rb") as handle:
            encoding = _UTF16_BOMS.get(handle.read(2))
        if encoding is None:
            yield from self._lines(path, offset)
            return
        for text, after, complete in _utf16_lines(path, offset, encoding):
            yield text.encode("utf-8", "surrogatepass"), after, complete

    def _read_jsonl(self, path: Path, start: dict[str, Any]) -> Iterator[_Item]:
        line = start["line"]
        first = start["offset"] == 0
        for raw, offset, complete in self._json_lines(path, start["offset"]):
            line += 1
            lines_read = line if complete else line - 1  # an unfinished line is read again next time
            if not raw.strip():
                continue
            if first:
                _not_one_json_document(path, raw)
                first = False
            try:
                item = json.loads(raw)
            except RecursionError:
                yield "not valid JSON (nested too deeply)", offset, lines_read, line, None
                continue
            except ValueError as error:  # also bad UTF-8, and integers too long to read (4300+ digits)
                yield f"not valid JSON ({str(error)[:200]})", offset, lines_read, line, None
                continue
            if not isinstance(item, dict):
                yield "not a JSON object", offset, lines_read, line, None
                continue
            yield item, offset, lines_read, line, None

    @classmethod
    def _find_header(cls, path: Path, lines: Iterator[str]) -> tuple[list[str], str] | None:
        """The header row and its delimiter (`_header`), from the file's first lines (None for a file
        with none): the first line that is a header, among the first `_HEADER_SEARCH` lines with a
        value. The lines above it are a sheet's title rows (`Reseñas de marzo;;;;`, saved with the
        rest) or the `sep=;` line that tells Excel the separator (which then is the only one tried).
        When no line is a header, the first line with a value is refused as `_header` says."""
        refusal: SourceError | None = None
        named: tuple[str, ...] | None = None
        searched = 0
        for number, text in enumerate(lines, start=1):
            stated = _SEPARATOR_LINE.match(text.strip().lstrip("\ufeff"))
            if number == 1 and stated:
                named = (stated[1],)
                continue
            if not text.strip(' \t\r\n\ufeff\x00;,"'):  # an empty row: separators at most
                continue
            # A column's name over two lines (a header cell wrapped with Alt+Enter, saved in quotes):
            # the lines up to the one its quote closes on are the header.
            joined = 0
            while text.count('"') % 2 and joined < _HEADER_SEARCH:
                more = next(lines, None)
                if more is None:
                    break
                text, joined = text + more, joined + 1
            try:
                return cls._header(path, text, named or DELIMITERS)
            except SourceError as error:
                refusal = refusal or error
            searched += 1
            if searched == _HEADER_SEARCH:
                break
        if refusal is not None:
            raise cls._header_below(path, lines, number, named) or refusal
        return None

    @classmethod
    def _header_below(
        cls, path: Path, lines: Iterator[str], searched_to: int, named: tuple[str, ...] | None
    ) -> SourceError | None:
        """The error for a file whose header is below the rows `_find_header` searches (it read up to
        line `searched_to`), naming the line it is on (among the first `_TABLE_LOOK_LINES`): said as
        the first row's refusal, it would name a title line. None when no line there is a header."""
        for number, text in enumerate(lines, start=searched_to + 1):
            if number > _TABLE_LOOK_LINES:
                return None
            try:
                cls._header(path, text, named or DELIMITERS)
            except SourceError:
                continue
            return SourceError(
                f"{path.name}: the first line must be a header with at least 'type' and 'id', or one of "
                f"the first {_HEADER_SEARCH} lines with a value; its header is on line {number}: delete "
                "the lines above it (a title, notes) or save the sheet without them",
                hint=_FORMAT_HINT,
            )
        return None

    @staticmethod
    def _header(path: Path, first: str, delimiters: tuple[str, ...] = DELIMITERS) -> tuple[list[str], str]:
        """The header row (its names as written) and the delimiter that makes it one: commas,
        semicolons (Excel in a locale with decimal commas) or tabs, whichever gives a header with
        'type' and 'id' (or their Spanish or Portuguese names)."""
        found: list[tuple[int, str, list[str]]] = []
        problem: csv.Error | None = None
        for delimiter in delimiters:
            try:
                names = [
                    _column(name)
                    for name in next(csv.reader([first], delimiter=delimiter, skipinitialspace=True), [])
                ]
            except csv.Error as error:
                problem = problem or error
                continue
            fields = _fields_of(names)
            if "type" in fields and "id" in fields:
                found.append((len(names), delimiter, names))
        if not found:
            if problem is not None:
                raise SourceError(
                    f"{path.name}: the header line is not valid CSV ({problem})", hint=_FORMAT_HINT
                )
            widest = max(
                (next(csv.reader([first], delimiter=d), []) for d in DELIMITERS), key=len, default=[]
            )
            raise SourceError(
                f"{path.name}: the first line must be a header with at least 'type' and 'id' (Spanish and "
                "Portuguese names are read too: 'tipo', 'id'), separated by commas, semicolons or tabs; "
                f"found {_found_columns(widest)}",
                hint=_FORMAT_HINT,
            )
        _, delimiter, names = max(found, key=lambda candidate: candidate[0])
        return names, delimiter

    def _read_csv(self, path: Path, start: dict[str, Any]) -> Iterator[_Item]:
        """CSV records from the cursor on, each with where the file's reading stands after it.

        A record that runs over several lines (a quoted cell with newlines, as Excel writes them) is
        checked as strict CSV. A quoted cell still open at the end of the data is one of two things:
        when the data ends without a newline, the record may still be being written, so it is not
        read, the cursor stays before it, and it is reported (a stray quote in a file without a final
        newline looks the same, and would otherwise hold back the rows after it unsaid); otherwise, like a multi-line record that is not strict CSV
        (a closing quote followed by more text: two stray quotes that paired up), it comes from a
        stray quote: the record is rejected and the lines after its first are read again as
        records, so that one stray quote costs one row, not every row after it.
        """
        # Where the reading stands after the last line handed to the csv reader: offset after the
        # last complete line, lines handed over, complete lines among them; and whether the file ran out.
        consumed = {"offset": start["offset"], "line": start["line"], "complete": start["line"]}
        # What the cursor keeps for the file: its header, delimiter and (when it is not UTF-8) encoding,
        # and whether lines that are not ASCII were read as UTF-8 (`_csv_lines`): unknown in an entry
        # of an older reader, taken as so.
        kept: dict[str, Any] = {"encoding": start["encoding"]} if start.get("encoding") else {}
        kept["utf8"] = bool(start["offset"]) and start.get("utf8", True)
        source = self._csv_lines(path, start["offset"], kept, start["line"])
        # Why the bytes of a line (by its number) are not text in the file's encoding: its row is
        # rejected for it, not stored with U+FFFD in their place.
        faults: dict[int, str] = {}
        ran_out = False
        # Lines to hand the csv reader again (after a stray quote), and the lines of the record
        # being read: (text, offset, line, complete) as `consumed` stood after each.
        again: deque[tuple[str, int, int, int]] = deque()
        record_lines: list[tuple[str, int, int, int]] = []

        def text_lines() -> Iterator[str]:
            nonlocal ran_out
            while True:
                if again:
                    text, consumed["offset"], consumed["line"], consumed["complete"] = again.popleft()
                else:
                    next_line = next(source, None)
                    if next_line is None:
                        ran_out = True
                        return
                    text, consumed["offset"], complete, fault = next_line
                    consumed["line"] += 1
                    consumed["complete"] += complete
                    if fault is not None:
                        faults[consumed["line"]] = fault
                record_lines.append((text, consumed["offset"], consumed["line"], consumed["complete"]))
                yield text

        lines = text_lines()
        header: list[str] | None = start.get("header")
        delimiter: str = start.get("delimiter", ",")
        if header is None:
            found = self._find_header(path, lines)
            if found is None:
                return
            header, delimiter = found
        kept.update(header=header, delimiter=delimiter)
        # Each column's key in a row's mapping, worked out once: the rows are zipped with them.
        keys = _record_keys(path, header)

        def lines_after_the_first() -> Iterator[list[str]]:
            """A reader of the record's lines after its first, then the rest of the file: the first
            is the rejected row, and where the reading stands is after it (a stray quote)."""
            nonlocal ran_out
            _, consumed["offset"], consumed["line"], consumed["complete"] = record_lines[0]
            again.extend(record_lines[1:])
            ran_out = False
            return csv.reader(text_lines(), delimiter=delimiter, skipinitialspace=True)

        reader = csv.reader(lines, delimiter=delimiter, skipinitialspace=True)
        short: list[int] = []  # the lines of the rows read with their missing last cells empty
        while True:
            record_line = consumed["line"] + 1
            before = consumed["offset"], consumed["complete"]
            record_lines.clear()
            try:
                row = next(reader)
            except StopIteration:
                if short and (path.name, short[0]) not in self._short_said:  # a file read twice: once
                    self._short_said.add((path.name, short[0]))
                    log.warning(
                        "%s/%s: %s: %s",
                        self.context.brand,
                        self.context.channel,
                        path.name,
                        _short_rows_said(short),
                    )
                return
            except csv.Error as error:
                if len(record_lines) > 1:  # a stray quote ran on into a line the reader refuses
                    reader = lines_after_the_first()
                yield f"bad CSV ({error})", consumed["offset"], consumed["complete"], record_line, kept
                continue
            if (ran_out or len(record_lines) > 1) and not _strict_csv(record_lines, delimiter):
                if ran_out and not record_lines[-1][0].endswith(("\n", "\r")):
                    # Being written, or a stray quote in a file with no final newline (Google Sheets
                    # writes none): not read, and the cursor stays before it. Said on every scan, so
                    # that a stray quote cannot hold back the rest of the file unnoticed.
                    yield (
                        "a quoted cell opened here is still open where the file ends: this row and "
                        "the ones after it are read once the file is complete (a stray '\"'?)",
                        *before,
                        record_line,
                        kept,
                    )
                    return
                reader = lines_after_the_first()
                yield (
                    "a quoted cell opened here is not closed properly (a stray '\"'?): the row is "
                    "skipped and the lines after it are read as rows",
                    consumed["offset"],
                    consumed["complete"],
                    record_line,
                    kept,
                )
                continue
            # Where the reading stands after this record: after its last line, or, when that line
            # has no newline yet (the file's last), before the whole record, so that the next scan
            # reads it again from its start, not from inside a multi-line cell.
            after = (
                before
                if not record_lines[-1][0].endswith(("\n", "\r"))
                else (consumed["offset"], consumed["complete"])
            )
            if not any(cell.strip() for cell in row):
                continue
            if faults and any(number in faults for _, _, number, _ in record_lines):
                fault = next(faults[number] for _, _, number, _ in record_lines if number in faults)
                yield f"bad CSV ({fault})", *after, record_line, kept
                continue
            if len(row) > len(header) and not any(cell.strip() for cell in row[len(header) :]):
                row = row[: len(header)]  # a spreadsheet's trailing empty cells
            if len(row) > len(header):
                yield f"expected {len(header)} columns, found {len(row)}", *after, record_line, kept
                continue
            if len(row) < len(header):
                # Excel leaves out the separators of a row's empty trailing cells (a row that ends
                # in empty cells, below a header with more columns): they are empty, as
                # csv.DictReader's `restval` reads them; a row missing a value it needs is rejected
                # for that value.
                row = [*row, *[""] * (len(header) - len(row))]
                short.append(record_line)
            yield dict(zip(keys, (cell.strip() for cell in row), strict=True)), *after, record_line, kept

    def _read_ods(self, path: Path, start: dict[str, Any]) -> Iterator[_Item]:
        """The first sheet of an OpenDocument spreadsheet (LibreOffice Calc's own `.ods`), read as an
        .xlsx is (`_sheet_records`), with Python's own zip and XML readers. Whatever stops the reading
        (a damaged zip or XML, a password) is the file's SourceError: in a folder, the other files
        are read, as for a bad .xlsx."""
        import zipfile
        import zlib

        sheets: list[str] = []
        try:
            with zipfile.ZipFile(path) as archive:
                if _ods_encrypted(archive):
                    raise SourceError(
                        f"{path.name}: this workbook is protected with a password: socialmon cannot open it",
                        hint="open it in LibreOffice and save it again without a password (File → Save As, "
                        '"Save with password" unticked), or as .xlsx or CSV',
                    )
                with archive.open("content.xml") as source:
                    rows = _ods_rows(source, sheets)
                    # The first row, read before the sheet's records: when the first sheet has none,
                    # this read the whole file, and `sheets` names them all for the error that says so.
                    first = next(rows, None)
                    serial = lambda days: _ODF_NULL_DATE + timedelta(days=days)  # noqa: E731
                    yield from _sheet_records(path, _chained(first, rows), sheets, serial, start)
        except SourceError:
            raise
        except Exception as error:  # a zip, its deflate data or its XML damaged, in any way
            kind = "zlib.error" if isinstance(error, zlib.error) else type(error).__name__
            raise SourceError(
                f"{path.name}: not a readable .ods workbook ({kind}: {error})",
                hint="save it again from the spreadsheet as .ods or .xlsx, or as CSV",
            ) from None

    def _read_xlsx(self, path: Path, start: dict[str, Any]) -> Iterator[_Item]:
        """The first sheet of an Excel workbook: a header row, then one record per row. The cursor
        keeps the rows read and the file's digest: a changed workbook is read again in full.

        Rows are read as the sheet holds them, whatever dimension it records (WPS Office records
        A1; other writers a range too short); a merged range's cells take the value of its first
        cell; a formula whose value the workbook does not hold (written by a program, never opened
        in a spreadsheet) rejects its row, naming the column."""
        try:
            import openpyxl  # type: ignore[import-untyped]
            from openpyxl.utils.datetime import from_excel  # type: ignore[import-untyped]
        except ImportError:
            raise SourceError(
                f"{path.name}: reading .xlsx files needs openpyxl",
                hint="pip install 'socialmon[spreadsheets]', or save the sheet as CSV",
            ) from None
        compound = _compound_file(path)
        if compound == "encrypted":
            raise SourceError(
                f"{path.name}: this workbook is protected with a password: socialmon cannot open it",
                hint="open it in Excel and save it again without a password (File → Info → Protect "
                "Workbook → Encrypt with Password, the password cleared), or as CSV",
            )
        if compound == "xls":
            raise SourceError(
                f"{path.name}: not a readable .xlsx workbook (an Excel 97-2003 .xls workbook)",
                hint="save it again from the spreadsheet as .xlsx, or as CSV",
            )
        try:
            book = openpyxl.load_workbook(path, read_only=True, data_only=True)
        except Exception as error:  # a zip or XML error: the file is not a workbook
            raise SourceError(
                f"{path.name}: not a readable .xlsx workbook ({type(error).__name__}: {error})",
                hint="save it again from the spreadsheet as .xlsx, or as CSV",
            ) from None
        try:
            if not book.worksheets:
                return
            yield from _sheet_records(
                path,
                _sheet_rows(book, book.worksheets[0]),
                book.sheetnames,
                lambda serial: from_excel(serial, book.epoch),
                start,
            )
        except SourceError:
            raise
        except Exception as error:  # the sheet's zip data or XML damaged after its first rows
            raise SourceError(
                f"{path.name}: not a readable .xlsx workbook ({type(error).__name__}: {error})",
                hint="save it again from the spreadsheet as .xlsx, or as CSV",
            ) from None
        finally:
            book.close()


def _sheet_records(
    path: Path,
    rows: Iterator[tuple[int, tuple[Any, ...]]],
    sheets: list[str],
    serial_date: Callable[[float], datetime],
    start: dict[str, Any],
) -> Iterator[_Item]:
    """The records of a workbook's first sheet, from its `rows` (row number, values), as the readers
    yield them: the header row, then one record per row with a value; `sheets` are the workbook's
    sheet names (for the errors), `serial_date` turns a date column's number into its date."""
    size = path.stat().st_size
    # The header is the first row with a value that names 'type' and 'id', among the first
    # `_HEADER_SEARCH` rows with a value: rows above it may be empty but formatted (a bold A1),
    # which the sheet holds as cells, or hold nothing, which it leaves out, or hold a title
    # (merged across the columns, or not) and the date of the report. When none is, the first
    # row with a value is refused.
    header_row, first = 0, ()
    searched = 0
    for number, row in rows:
        if not _has_value(row):
            continue
        if not header_row:
            header_row, first = number, row
        fields = _fields_of([_column(name) for name in row])
        if "type" in fields and "id" in fields:
            header_row, first = number, row
            break
        searched += 1
        if searched == _HEADER_SEARCH:
            break
    if not header_row:
        if len(sheets) > 1:
            raise SourceError(
                f"{path.name}: its first sheet ({sheets[0]!r}) is empty; socialmon reads only "
                f"the first sheet (this workbook has {_listed(sheets)})",
                hint="move the sheet with the rows to the first place, or save it as its own "
                "file (.xlsx or CSV)",
            )
        return
    shown = [_column(name) for name in first]
    fields = _fields_of(shown)
    if "type" not in fields or "id" not in fields:
        where = "its first sheet" + (f" ({sheets[0]!r} of {_listed(sheets)})" if len(sheets) > 1 else "")
        found = _found_columns(first)
        if header_row == 1:
            raise SourceError(
                f"{path.name}: the first row of {where} must be a header with at least 'type' "
                f"and 'id' (Spanish and Portuguese names are read too: 'tipo', 'id'); found {found}",
                hint=_FORMAT_HINT,
            )
        raise SourceError(
            f"{path.name}: row {header_row} of {where} (the rows above it are empty) must be a "
            "header with at least 'type' and 'id' (Spanish and Portuguese names are read too: "
            f"'tipo', 'id'); found {found}",
            hint=_FORMAT_HINT,
        )
    header = _record_keys(path, shown)
    for number, row in rows:
        if number <= start["line"]:
            continue
        if not _has_value(row):
            continue
        unsaved = [
            shown[i] for i, cell in enumerate(row[: len(header)]) if cell is _UNSAVED and header[i] in FIELDS
        ]
        if unsaved:
            yield (
                f"{', '.join(unsaved)}: a formula without a saved value: open and save the file "
                "in Excel or LibreOffice",
                size,
                number,
                number,
                None,
            )
            continue
        item = {name: _cell_value(cell) for name, cell in zip(header, row, strict=False) if name}
        for field in ("created_at", "edited_at"):
            value = item.get(field)
            # A date cell without a date format: Excel's serial number of days, counted from
            # the workbook's own start (1900, or 1904 in old Mac workbooks). A date column
            # formatted as Text after its dates were typed shows the serial number as text
            # (`45352.5868`, `45352,5868` in a locale with decimal commas): the same number.
            if isinstance(value, str) and _SERIAL_TEXT.match(value.strip()):
                serial = float(value.strip().replace(",", "."))
                value = serial if _SERIAL_TEXT_FROM <= serial < _SERIAL_TEXT_UNTIL else value
            numeric = isinstance(value, int | float) and not isinstance(value, bool)
            if numeric and 0 < value < _EXCEL_SERIAL_UNTIL:
                item[field] = serial_date(value)
        yield item, size, number, number, None


# An OpenDocument spreadsheet's (LibreOffice Calc's .ods) names, in its content.xml.
_ODF_TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
_ODF_OFFICE = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"
_ODF_TEXT = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"
_ODF_CELL = f"{_ODF_TABLE}table-cell"
_ODF_COVERED = f"{_ODF_TABLE}covered-table-cell"
# LibreOffice's serial dates count days from 1899-12-30, as Excel's do from 1900-03-01 on.
_ODF_NULL_DATE = datetime(1899, 12, 30)
# The columns and rows a sheet holds in Excel and in LibreOffice (16,384 columns since LibreOffice
# 7.4, 1,024 before; 1,048,576 rows): a cell past them was written by no program that opens the sheet,
# and is not read. Within them a run of empty cells (`number-columns-repeated`, `number-rows-repeated`)
# or a merged range (`number-columns-spanned`, `number-rows-spanned`) costs nothing per cell: a row's
# cells are spelled out only up to its last value, and a merged range is kept as its corners.
_ODF_MAX_COLUMNS = 16_384
_ODF_MAX_ROWS = 1_048_576
# A row with values repeated more than this is a formatting range, not data: its first copies are read.
_ODF_MAX_REPEAT = 1024
# The most spaces one `<text:s text:c="…"/>` is read as: the 32,767 characters an Excel cell holds.
_ODF_MAX_SPACES = 32_767


def _odf_count(element: Any, attribute: str, most: int) -> int:
    """A count an element's `attribute` writes (a repetition, a span, a run of spaces): 1 when it is
    absent or no positive number, at most `most`."""
    written = (element.get(attribute) or "").strip()
    if not (written.isascii() and written.isdigit()):
        return 1
    return most if len(written) > len(str(most)) else max(1, min(int(written), most))


def _odf_text(element: Any) -> str:
    """The text of a cell's paragraph as LibreOffice shows it: `<text:s text:c="3"/>` is three
    spaces, `<text:tab/>` a tab, `<text:line-break/>` a line break; spans and links are their text."""
    parts = [element.text or ""]
    for child in element:
        if child.tag == f"{_ODF_TEXT}s":
            parts.append(" " * _odf_count(child, f"{_ODF_TEXT}c", _ODF_MAX_SPACES))
        elif child.tag == f"{_ODF_TEXT}tab":
            parts.append("\t")
        elif child.tag == f"{_ODF_TEXT}line-break":
            parts.append("\n")
        else:
            parts.append(_odf_text(child))
        parts.append(child.tail or "")
    return "".join(parts)


def _odf_value(cell: Any) -> Any:
    """A cell's value: a number, a date (naive: the channel's zone), true/false, or its text (each
    paragraph a line; a value its attributes do not hold as expected is the text the cell shows, so
    that its row, not the file, is rejected); None when empty."""
    kind = cell.get(f"{_ODF_OFFICE}value-type")
    try:
        if kind in ("float", "percentage", "currency"):
            return float(cell.get(f"{_ODF_OFFICE}value"))
        if kind == "date":
            return datetime.fromisoformat(cell.get(f"{_ODF_OFFICE}date-value"))
    except (TypeError, ValueError):
        pass
    if kind == "boolean":
        return cell.get(f"{_ODF_OFFICE}boolean-value") == "true"
    paragraphs = [_odf_text(p) for p in cell if p.tag == f"{_ODF_TEXT}p"]
    if paragraphs:
        return "\n".join(paragraphs)
    return cell.get(f"{_ODF_OFFICE}string-value")  # a string a program wrote without its paragraph


class _MergedBelow:
    """The merged ranges of a sheet that reach below their first row, each kept as its first column,
    last column, last row and value (never cell by cell): what the covered cells of the rows below
    take. Ranges do not overlap; one that ended is dropped when next met."""

    def __init__(self) -> None:
        self.ranges: dict[int, tuple[int, int, Any]] = {}  # first column -> (last column, last row, value)
        self.firsts: list[int] = []  # their first columns, in order

    def add(self, first: int, last: int, last_row: int, value: Any) -> None:
        if first not in self.ranges:
            bisect.insort(self.firsts, first)
        self.ranges[first] = (last, last_row, value)

    def starting(self, column: int, row: int) -> tuple[int, Any] | None:
        """The range of row `row` whose first column is `column`, as (last column, value)."""
        found = self.ranges.get(column)
        if found is None:
            return None
        if found[1] < row:
            self._drop(column)
            return None
        return found[0], found[2]

    def next_first(self, column: int, before: int, row: int) -> int:
        """The first column of the next range of row `row` that starts after `column`, or `before`
        when none starts before it."""
        i = bisect.bisect_right(self.firsts, column)
        while i < len(self.firsts) and self.firsts[i] < before:
            first = self.firsts[i]
            if self.ranges[first][1] >= row:
                return first
            self._drop(first)
        return before

    def _drop(self, first: int) -> None:
        del self.ranges[first]
        del self.firsts[bisect.bisect_left(self.firsts, first)]


def _ods_row_values(element: Any, row: int, below: _MergedBelow) -> tuple[Any, ...]:
    """The values of a row of an .ods sheet, row number `row`, up to its last value and at most
    `_ODF_MAX_COLUMNS`: each cell of a merged range with the value of the range's first cell, as in
    an .xlsx (`below` keeps the ranges of the rows above that reach this one)."""
    values: list[Any] = []
    empty = 0  # empty cells not yet added: added only when a value follows them
    column = 1  # the next cell's
    # The last column and the value of the merged range the cells from `column` on may stand in:
    # the last range that started on this row (a cell's own span, or a range from a row above).
    span_last, span_value = 0, None

    def add(count: int, value: Any) -> None:
        nonlocal empty
        if value is None or (isinstance(value, str) and not value.strip()):
            empty += count
            return
        values.extend([None] * empty)
        values.extend([value] * count)
        empty = 0

    for cell in element:
        if cell.tag != _ODF_CELL and cell.tag != _ODF_COVERED:
            continue
        if column > _ODF_MAX_COLUMNS:
            break
        count = min(
            _odf_count(cell, f"{_ODF_TABLE}number-columns-repeated", _ODF_MAX_COLUMNS),
            _ODF_MAX_COLUMNS + 1 - column,
        )
        if cell.tag == _ODF_COVERED:
            # Covered cells, perhaps several ranges' side by side (one element repeated): each run
            # takes the value of the range it stands in, and a run in none is empty.
            at, end = column, column + count
            while at < end:
                started = below.starting(at, row)
                if started is not None:
                    span_last, span_value = started
                if at <= span_last:
                    stop = min(end, span_last + 1)
                    add(stop - at, span_value)
                else:
                    stop = below.next_first(at, end, row)
                    add(stop - at, None)
                at = stop
        else:
            value = _odf_value(cell)
            columns_spanned = _odf_count(cell, f"{_ODF_TABLE}number-columns-spanned", _ODF_MAX_COLUMNS)
            rows_spanned = _odf_count(cell, f"{_ODF_TABLE}number-rows-spanned", _ODF_MAX_ROWS)
            if columns_spanned > 1 or rows_spanned > 1:
                span_last, span_value = column + columns_spanned - 1, value
                if rows_spanned > 1 and value is not None:
                    below.add(column, span_last, row + rows_spanned - 1, value)
            add(count, value)
        column += count
    return tuple(values)


def _ods_rows(source: Any, sheets: list[str]) -> Iterator[tuple[int, tuple[Any, ...]]]:
    """The rows (number, values) of an .ods file's first sheet, from its content.xml `source`, read
    as a stream; `sheets` gets every sheet's name. Repeated rows and cells are counted, not spelled
    out (LibreOffice writes the empty rest of a sheet as one row repeated a million times)."""
    from xml.etree.ElementTree import iterparse

    number = 0  # the rows before the current one
    below = _MergedBelow()
    for event, element in iterparse(source, events=("start", "end")):
        if event == "start":
            if element.tag == f"{_ODF_TABLE}table":
                sheets.append(element.get(f"{_ODF_TABLE}name") or "")
            continue
        if element.tag != f"{_ODF_TABLE}table-row":
            continue
        if len(sheets) != 1 or number >= _ODF_MAX_ROWS:
            element.clear()
            continue
        repeat = _odf_count(element, f"{_ODF_TABLE}number-rows-repeated", _ODF_MAX_ROWS)
        values = _ods_row_values(element, number + 1, below)
        element.clear()
        first, number = number + 1, number + repeat
        if values:
            for row in range(first, min(first + _ODF_MAX_REPEAT, number + 1, _ODF_MAX_ROWS + 1)):
                yield row, values


# An OLE compound file's first bytes: what Excel saves a workbook "encrypted with password" as (its
# package in an `EncryptedPackage` stream, MS-OFFCRYPTO), and an Excel 97-2003 `.xls`.
_COMPOUND_FILE = bytes.fromhex("D0CF11E0A1B11AE1")
_ENCRYPTED_PACKAGE = "EncryptedPackage".encode("utf-16-le")


def _compound_file(path: Path) -> str | None:
    """ "encrypted" for an .xlsx saved with a password, "xls" for another compound file (an .xls
    renamed), None for any other file (a zip, read as a workbook)."""
    with path.open("rb") as handle:
        if handle.read(len(_COMPOUND_FILE)) != _COMPOUND_FILE:
            return None
        # The stream's name is in the file's directory, anywhere in it: read in blocks that overlap.
        tail = b""
        for block in iter(lambda: handle.read(1 << 20), b""):
            if _ENCRYPTED_PACKAGE in tail + block:
                return "encrypted"
            tail = block[-len(_ENCRYPTED_PACKAGE) :]
    return "xls"


def _ods_encrypted(archive: Any) -> bool:
    """Whether an .ods zip's parts are encrypted: LibreOffice's "Save with password" (each part
    encrypted, the manifest saying how in `manifest:encryption-data`; ODF 1.3 part 2, 3.4), or a
    password a zip tool set on content.xml."""
    try:
        if archive.getinfo("content.xml").flag_bits & 0x1:
            return True
        with archive.open("META-INF/manifest.xml") as manifest:
            return b"encryption-data" in manifest.read(1 << 20)
    except Exception:  # no manifest, or one that cannot be read: content.xml says what is wrong
        return False


class _Unsaved:
    """A formula cell whose value the workbook does not hold."""

    def __repr__(self) -> str:
        return "<formula without a saved value>"


_UNSAVED = _Unsaved()
# `<mergeCell ref="C2:C4"/>`, with or without a namespace prefix.
_MERGE_CELL = re.compile(rb"<(?:\w+:)?mergeCell\s[^>]*?ref=\"([A-Z]+)(\d+):([A-Z]+)(\d+)\"")


def _merged_ranges(book: Any, path: str) -> list[tuple[int, int, int, int]]:
    """A sheet's merged ranges as (first row, last row, first column, last column), 1-based.

    A read-only worksheet does not read them (they come after the rows in the sheet's XML); they
    are found in its bytes, in one pass (a tenth of the time openpyxl takes to read the rows)."""
    from openpyxl.utils.cell import column_index_from_string  # type: ignore[import-untyped]

    found = []
    carry = b""
    with book._archive.open(path) as source:
        for block in iter(lambda: source.read(1 << 20), b""):
            data = carry + block
            for match in _MERGE_CELL.finditer(data):
                left, top, right, bottom = match.groups()
                found.append(
                    (
                        int(top),
                        int(bottom),
                        column_index_from_string(left.decode()),
                        column_index_from_string(right.decode()),
                    )
                )
            carry = data[-200:]  # a tag cut by the block's end; one found twice is counted once
    return sorted(set(found))


def _sheet_rows(book: Any, sheet: Any) -> Iterator[tuple[int, tuple[Any, ...]]]:
    """A read-only sheet's rows as (row number, values): all the rows the sheet holds (its recorded
    dimension is not trusted), a formula without a saved value as `_UNSAVED` (openpyxl gives None,
    as for an empty cell), and each cell of a merged range with the value of the range's first cell
    (a read-only sheet leaves them empty).

    openpyxl has no public way to do the last two in read-only mode: this uses its worksheet parser
    (openpyxl 3.1) as `ReadOnlyWorksheet` does. With an openpyxl whose internals differ (the parser
    moved, or its first row not in the shape 3.1 gives), the sheet is read through the public API
    instead, without those two."""
    rows: Generator[tuple[int, tuple[Any, ...]]] | None = None
    try:
        parse, merged = _saved_values_parser(book, sheet)
        rows = _parsed_rows(parse(), merged)
        first = next(rows, None)
        if first is not None:
            _check_shape(first)
    except Exception as error:  # any way the internals may differ, up to the first row
        log.debug("%s: reading the sheet through openpyxl's public API (%r)", sheet.title, error)
        if rows is not None:
            rows.close()
        sheet.reset_dimensions()
        yield from enumerate(sheet.iter_rows(values_only=True), start=1)
        return
    if first is not None:
        yield first
        yield from rows


def _check_shape(row: Any) -> None:
    """Raises TypeError unless `row` is (row number, values), as `_parsed_rows` gives it from
    openpyxl 3.1's parser: a shape that would fail only later, where the rows are read."""
    number, values = row
    if not (isinstance(number, int) and not isinstance(number, bool) and isinstance(values, tuple)):
        raise TypeError(f"a row as ({type(number).__name__}, {type(values).__name__})")


def _parsed_rows(parsed: Iterator[Any], merged: list[Any]) -> Generator[tuple[int, tuple[Any, ...]]]:
    """The rows (number, cells) of openpyxl 3.1's sheet parser as (number, values), each cell of a
    merged range with the value of the range's first cell."""
    anchors: dict[tuple[int, int], Any] = {}
    for number, cells in parsed:
        values: list[Any] = []
        for cell in cells:
            column = cell["column"]
            values.extend([None] * (column - 1 - len(values)))
            values.append(cell["value"])
        for top, bottom, left, right in merged:
            if top == number:
                anchors[top, left] = values[left - 1] if left <= len(values) else None
            elif top < number <= bottom:
                values.extend([None] * (right - len(values)))
                for column in range(left, right + 1):
                    if values[column - 1] is None:
                        values[column - 1] = anchors.get((top, left))
        yield number, tuple(values)


def _saved_values_parser(book: Any, sheet: Any) -> tuple[Callable[[], Iterator[Any]], list[Any]]:
    """openpyxl 3.1's own sheet parser, made to tell a formula without a saved value from an empty
    cell, as a function giving the rows (number, cells); and the sheet's merged ranges. Raises
    (ImportError, AttributeError, …) with an openpyxl whose internals differ."""
    from openpyxl.worksheet._reader import (  # type: ignore[import-untyped]
        FORMULA_TAG,
        VALUE_TAG,
        WorkSheetParser,
    )

    class SavedValues(WorkSheetParser):  # type: ignore[misc]
        def parse_cell(self, element: Any) -> dict[str, Any]:
            cell: dict[str, Any] = super().parse_cell(element)
            # No value, or an empty one that is not a text ("" is a formula's text result, as Excel
            # saves `=IF(…;"";…)`); openpyxl writes `<f>…</f><v/>`.
            if (
                cell["value"] is None
                and element.find(FORMULA_TAG) is not None
                and not (element.findtext(VALUE_TAG) or element.get("t") == "str")
            ):
                cell["value"] = _UNSAVED
            return cell

    merged = _merged_ranges(book, sheet._worksheet_path)
    options = {
        "shared_strings": sheet._shared_strings,
        "data_only": True,
        "epoch": book.epoch,
        "date_formats": book._date_formats,
        "timedelta_formats": book._timedelta_formats,
    }
    open_source = sheet._get_source

    def parse() -> Iterator[Any]:
        with open_source() as source:
            yield from SavedValues(source, **options).parse()

    return parse, merged


def _cell_value(cell: Any) -> Any:
    """A workbook cell's value as a CSV's cell is read: a text without the whitespace around it (a
    reply's parent_id "c1 " is "c1", an author "Café Uno " one of `business_authors`), and a text of
    only whitespace empty (None), as a formula without a saved value is in a column socialmon does not
    use (in one it reads, it rejects its row first)."""
    if cell is _UNSAVED:
        return None
    if isinstance(cell, str):
        return cell.strip() or None
    return cell


def _chained(
    first: tuple[int, tuple[Any, ...]] | None, rest: Iterator[tuple[int, tuple[Any, ...]]]
) -> Iterator[tuple[int, tuple[Any, ...]]]:
    if first is not None:
        yield first
        yield from rest


def _has_value(row: tuple[Any, ...]) -> bool:
    """Whether a sheet's row holds anything: a cell that is not empty nor only spaces."""
    return any(cell is not None and not (isinstance(cell, str) and not cell.strip()) for cell in row)


def _listed(sheets: list[str]) -> str:
    shown = ", ".join(repr(name) for name in sheets[:6]) + (", …" if len(sheets) > 6 else "")
    return f"{len(sheets)} sheets: {shown}"


def _found_columns(names: Any) -> str:
    """The first few columns of a header that is not one, for the error that refuses it."""
    found = [str(name).strip() for name in names if name is not None and str(name).strip()]
    if not found:
        return 'no column names (the README\'s "The file format" lists the columns)'
    shown = ", ".join(repr(name[:30]) for name in found[:6]) + (", …" if len(found) > 6 else "")
    return f'{shown} (the README\'s "The file format" lists the columns)'


__all__ = [
    "FileConnector",
    "FileSettings",
    "date_order_of",
    "describe_error",
    "describe_validation_error",
]
