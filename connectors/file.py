"""The `file` connector: posts and comments from JSON Lines or CSV exports.

The offline path: the quick start, exports a platform lets a business download, and
any platform socialmon does not speak yet. The format is documented in the README
("The file format"). Reading is incremental: the cursor keeps, per file, the byte
offset after the last complete record, so a re-run reads only what was appended.
A file that shrank or whose beginning changed is read again from the start; the
storage's upserts absorb what was already there.

A line that cannot become a record (broken JSON, JSON nested too deep, a time or count
out of range, an id too long to store…) is reported as a `RejectedRecord` naming the file
and line, and the rest of the file is read and stored: one bad row never stops a channel.
"""

from __future__ import annotations

import asyncio
import csv
import hashlib
import json
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal
from zoneinfo import ZoneInfo

from pydantic import Field, ValidationError

from socialmon_connectors.base import Connector, ConnectorSettings, TimeZoneName
from socialmon_connectors.errors import SourceError
from socialmon_connectors.records import (
    CommentRecord,
    Page,
    PostRecord,
    Progress,
    RejectedRecord,
)

SUFFIXES = {".jsonl": "jsonl", ".ndjson": "jsonl", ".csv": "csv"}
RECORD_TYPES = {"post", "comment", "reply", "review"}
_Item = tuple[dict[str, Any] | str, int, int, int, list[str] | None]
_HEAD_BYTES = 4096  # enough of a file's start to notice that it was replaced, not appended to
# What turning one line's data into a record can raise besides ValidationError: a number or
# time out of range, nesting too deep for the parser, a value of an unexpected type.
_RECORD_ERRORS = (ValueError, TypeError, ArithmeticError, RecursionError, LookupError, AttributeError)
# A CSV cell may be as long as a JSON Lines text (the csv module rejects cells over 128 KiB by
# default, and the limit is the module's, process-wide: it is only ever raised here).
csv.field_size_limit(max(csv.field_size_limit(), 2**31 - 1))


class FileSettings(ConnectorSettings):
    path: str = Field(description="a file, a folder (its *.jsonl, *.ndjson and *.csv files) or a glob")
    format: Literal["auto", "jsonl", "csv"] = "auto"
    page_size: int = Field(default=1000, ge=1, le=100_000, description="records per stored page")
    timezone: TimeZoneName = Field(
        default="UTC", description="time zone of timestamps written without an offset"
    )
    business_authors: list[str] = Field(
        default_factory=list, description="author ids or names that are the business itself"
    )


def _shown(value: Any, limit: int = 40) -> str:
    """A short repr of a value from a file, for a rejection reason."""
    try:
        text = repr(value)
    except ValueError:  # an integer too long to print
        return f"a {type(value).__name__}"
    return text if len(text) <= limit else text[: limit - 3] + "..."


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
        where = ".".join(str(part) for part in item["loc"]) or "record"
        parts.append(f"{where}: {item['msg']}")
    return "; ".join(parts)


class _Parser:
    """Turns one raw mapping from a file into a record, or explains why it can't."""

    def __init__(self, settings: FileSettings) -> None:
        self.zone = ZoneInfo(settings.timezone)
        self.business_authors = set(settings.business_authors)

    @staticmethod
    def epoch(field: str, value: float) -> datetime:
        try:
            return datetime.fromtimestamp(value, UTC)
        except (OverflowError, ValueError, OSError):
            raise ValueError(f"{field}: Unix time {_shown(value)} is out of range") from None

    def timestamp(self, field: str, value: Any) -> Any:
        if value is None or value == "":
            return None
        if isinstance(value, int | float) and not isinstance(value, bool):
            return self.epoch(field, value)
        if isinstance(value, str):
            text = value.strip()
            if text.lstrip("-").replace(".", "", 1).isdigit():
                try:
                    number = float(text)
                except ValueError:  # digits float() does not read, such as "²"
                    return value  # let validation name the field
                return self.epoch(field, number)
            try:
                parsed = datetime.fromisoformat(text.replace("Z", "+00:00") if text.endswith("Z") else text)
            except ValueError:
                return value  # let validation name the field
            return parsed if parsed.tzinfo else parsed.replace(tzinfo=self.zone)
        return value

    def record(self, raw: dict[str, Any]) -> PostRecord | CommentRecord:
        # An empty cell or null means "not given": the field takes its default.
        data = {key: value for key, value in raw.items() if key and value not in ("", None)}
        record_type = str(data.pop("type", "") or "").strip().lower()
        if record_type not in RECORD_TYPES:
            raise ValueError(f"type: must be one of {', '.join(sorted(RECORD_TYPES))}, got {record_type!r}")
        if "id" in data:
            data["platform_id"] = data.pop("id")
        for field in ("created_at", "edited_at"):
            if field in data:
                data[field] = self.timestamp(field, data[field])
        if data.get("is_business") is None:
            data.pop("is_business", None)
            author = {
                str(value)
                for value in (data.get("author_id"), data.get("author_name"))
                if isinstance(value, str | int)
            }
            if self.business_authors & author:
                data["is_business"] = True
        if data.get("deleted") is None:
            data.pop("deleted", None)
        if record_type == "post":
            return PostRecord.model_validate(data)
        if record_type == "review":
            data["kind"] = "review"
        return CommentRecord.model_validate(data)


def _head_hash(path: Path, length: int) -> str:
    with path.open("rb") as handle:
        return hashlib.sha1(handle.read(min(length, _HEAD_BYTES))).hexdigest()


class FileConnector(Connector):
    name = "file"
    Settings = FileSettings
    summary = "posts, comments and reviews from JSON Lines or CSV exports (offline)"

    settings: FileSettings

    def files(self) -> list[Path]:
        """The export files this channel reads, in a stable order."""
        raw = Path(self.settings.path).expanduser()
        path = raw if raw.is_absolute() else self.context.base_dir / raw
        if path.is_dir():
            found = sorted(p for p in path.iterdir() if p.suffix.lower() in SUFFIXES and p.is_file())
        elif any(ch in str(raw) for ch in "*?["):
            anchor = Path(path.anchor) if path.is_absolute() else self.context.base_dir
            pattern = str(path.relative_to(anchor)) if path.is_absolute() else str(raw)
            found = sorted(p for p in anchor.glob(pattern) if p.is_file())
        elif path.is_file():
            found = [path]
        else:
            raise SourceError(f"export file not found: {path}")
        if not found:
            raise SourceError(f"no .jsonl, .ndjson or .csv files in {path}")
        return found

    def _format(self, path: Path) -> str:
        if self.settings.format != "auto":
            return self.settings.format
        try:
            return SUFFIXES[path.suffix.lower()]
        except KeyError:
            raise SourceError(
                f'cannot tell the format of {path.name}; set format = "jsonl" or "csv" for this channel'
            ) from None

    def _key(self, path: Path) -> str:
        try:
            return str(path.relative_to(self.context.base_dir))
        except ValueError:
            return str(path)

    async def pages(self, cursor: dict[str, Any] | None) -> AsyncIterator[Page]:
        files = self.files()
        state: dict[str, dict[str, Any]] = {
            k: dict(v) for k, v in ((cursor or {}).get("files") or {}).items()
        }
        total = sum(path.stat().st_size for path in files)
        finished_bytes = 0  # bytes of the files already read to their end
        parser = _Parser(self.settings)
        page = Page()
        pending = False  # the cursor moved since the last page was yielded

        def flush(done: int) -> Page:
            nonlocal page
            ready = page.model_copy(
                update={
                    "cursor": {"files": {k: dict(v) for k, v in state.items()}},
                    "progress": Progress(done=done, total=total, unit="bytes"),
                }
            )
            page = Page()
            return ready

        done = 0
        for path in files:
            key = self._key(path)
            previous = state.get(key)
            if (
                previous
                and previous["offset"] <= path.stat().st_size
                and previous.get("head") == _head_hash(path, previous["offset"])
            ):
                start = previous
            else:
                start = {"offset": 0, "line": 0}
                pending = pending or previous is not None
            done = finished_bytes + start["offset"]
            reader = self._read_jsonl if self._format(path) == "jsonl" else self._read_csv
            for item, offset, lines_read, record_line, header in reader(path, start):
                state[key] = {"offset": offset, "line": lines_read, "head": _head_hash(path, offset)}
                if header is not None:
                    state[key]["header"] = header
                done = finished_bytes + offset
                pending = True
                location = f"{path.name} line {record_line}"
                if isinstance(item, str):
                    page.rejected.append(RejectedRecord(location=location, reason=item))
                else:
                    try:
                        record = parser.record(item)
                    except (ValidationError, *_RECORD_ERRORS) as error:
                        page.rejected.append(RejectedRecord(location=location, reason=describe_error(error)))
                    else:
                        (page.posts if isinstance(record, PostRecord) else page.comments).append(record)
                if len(page.posts) + len(page.comments) + len(page.rejected) >= self.settings.page_size:
                    yield flush(done)
                    pending = False
                    await asyncio.sleep(0)  # let other channels run between pages
            finished_bytes += path.stat().st_size
        if pending:
            yield flush(done)

    def _lines(self, path: Path, offset: int) -> Iterator[tuple[bytes, int, bool]]:
        """Complete lines from `offset`, each with the offset just after it.

        A last line with no newline may still be being written: it is read, but the
        offset stays before it so the next scan reads it again in full.
        """
        with path.open("rb") as handle:
            handle.seek(offset)
            for raw in handle:
                complete = raw.endswith(b"\n")
                if complete:
                    offset += len(raw)
                yield raw, offset, complete

    # Readers yield (mapping or rejection reason, offset after it, lines read, line of the record, csv header).

    def _read_jsonl(self, path: Path, start: dict[str, Any]) -> Iterator[_Item]:
        line = start["line"]
        for raw, offset, complete in self._lines(path, start["offset"]):
            line += 1
            lines_read = line if complete else line - 1  # an unfinished line is read again next time
            if not raw.strip():
                continue
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

    def _read_csv(self, path: Path, start: dict[str, Any]) -> Iterator[_Item]:
        # "line" counts every line handed to the csv reader; "complete" only those ending in a newline.
        consumed = {"offset": start["offset"], "line": start["line"], "complete": start["line"]}

        def text_lines() -> Iterator[str]:
            for raw, offset, complete in self._lines(path, start["offset"]):
                consumed["offset"] = offset
                consumed["line"] += 1
                consumed["complete"] += complete
                yield raw.decode("utf-8-sig" if consumed["line"] == 1 else "utf-8", errors="replace")

        reader = csv.reader(text_lines())
        header: list[str] | None = start.get("header")
        if header is None:
            try:
                header = [name.replace("\x00", "").strip().lower() for name in next(reader)]
            except StopIteration:
                return
            except csv.Error as error:
                raise SourceError(f"{path.name}: the header line is not valid CSV ({error})") from None
            if "type" not in header or "id" not in header:
                raise SourceError(
                    f"{path.name}: the first line must be a header with at least 'type' and 'id'"
                )
        while True:
            record_line = consumed["line"] + 1
            try:
                row = next(reader)
            except StopIteration:
                return
            except csv.Error as error:
                yield f"bad CSV ({error})", consumed["offset"], consumed["complete"], record_line, header
                continue
            if not any(cell.strip() for cell in row):
                continue
            if len(row) != len(header):
                reason = f"expected {len(header)} columns, found {len(row)}"
                yield reason, consumed["offset"], consumed["complete"], record_line, header
                continue
            yield (
                dict(zip(header, row, strict=True)),
                consumed["offset"],
                consumed["complete"],
                record_line,
                header,
            )


__all__ = ["FileConnector", "FileSettings", "describe_error", "describe_validation_error"]
