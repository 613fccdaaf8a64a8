"""The conformance suite every connector runs, by one line:

    TestConformance = conformance_suite(FacebookCase())

A case says how to build the connector and how to arrange its source: respx routes for
an API connector (`HttpCase`), files for the `file` connector (`ConnectorCase`). The
suite checks the contract: pages yield valid records with unique non-null ids, each page
carries a cursor and the cursor moves, a second run from the saved cursor brings nothing
new (nothing at all, for a source that is not re-read), a run resumed from any page's
cursor loses nothing, a repeated platform cursor stops the run, and each failure
surfaces as the right error class.
"""

from __future__ import annotations

import asyncio
import itertools
import json
from abc import ABC, abstractmethod
from contextlib import AbstractContextManager, nullcontext
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, ClassVar

import httpx
import pytest
import respx

from socialmon_connectors import CommentRecord, Connector, ConnectorError, Page, PostRecord

FIXTURES = Path(__file__).parent / "fixtures"
NOW = datetime(2024, 6, 1, tzinfo=UTC)


def fixture(name: str) -> Any:
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


async def no_sleep(seconds: float) -> None:
    SLEPT.append(seconds)


SLEPT: list[float] = []


def collect(connector: Connector, cursor: dict[str, Any] | None = None, limit: int = 500) -> list[Page]:
    async def run() -> list[Page]:
        pages = []
        async for page in connector.pages(cursor):
            pages.append(page)
            if len(pages) >= limit:
                raise AssertionError(f"more than {limit} pages: the connector does not stop")
        return pages

    return asyncio.run(asyncio.wait_for(run(), timeout=20))


def records(pages: list[Page]) -> list[PostRecord | CommentRecord]:
    return [r for page in pages for r in [*page.posts, *page.comments]]


def keys(pages: list[Page]) -> set[tuple[str, str]]:
    return {(type(r).__name__, r.platform_id) for r in records(pages)}


class ConnectorCase(ABC):
    """What the suite needs from a connector's tests."""

    #: failure name -> the error class it must raise; `failing()` arranges each
    errors: ClassVar[dict[str, type[ConnectorError]]] = {}
    #: whether a run from the last cursor may read again what the run before read (API
    #: connectors re-read recent threads for new replies); if not, it must read nothing
    rereads: ClassVar[bool] = True

    @abstractmethod
    def connector(self, tmp_path: Path) -> Connector: ...

    @abstractmethod
    def healthy(self, tmp_path: Path, *, strict: bool = True) -> AbstractContextManager[Any]:
        """A source with at least two pages of data, arranged for the `with` block.

        `strict`: the run must use all of it (an HTTP case: every mocked route is called).
        Arranging it again, for a second run, gives the same data.
        """

    def repeating(self, tmp_path: Path) -> AbstractContextManager[Any] | None:
        """A source whose paging cursor repeats forever, or None when that cannot happen."""
        return None

    def failing(self, tmp_path: Path, failure: str) -> AbstractContextManager[Any]:
        raise NotImplementedError


class HttpCase(ConnectorCase):
    """A case for an API connector: respx routes, no sleeping, a fixed clock."""

    base_url: ClassVar[str]

    @abstractmethod
    def make(self) -> Connector: ...

    @abstractmethod
    def routes(self, router: respx.MockRouter) -> None: ...

    @abstractmethod
    def error_response(self, failure: str) -> httpx.Response: ...

    def connector(self, tmp_path: Path) -> Connector:
        made = self.make()
        made.sleep = no_sleep  # type: ignore[attr-defined]
        made.now = lambda: NOW  # type: ignore[attr-defined]
        return made

    def healthy(self, tmp_path: Path, *, strict: bool = True) -> AbstractContextManager[Any]:
        router = respx.mock(base_url=self.base_url, assert_all_called=strict, assert_all_mocked=True)
        self.routes(router)
        return router

    def failing(self, tmp_path: Path, failure: str) -> AbstractContextManager[Any]:
        router = respx.mock(base_url=self.base_url, assert_all_mocked=True)
        router.route().mock(return_value=self.error_response(failure))
        return router


def conformance_suite(case: ConnectorCase) -> type:
    class ConformanceSuite:
        def test_pages_yield_valid_records_with_unique_ids(self, tmp_path: Path) -> None:
            with case.healthy(tmp_path):
                pages = collect(case.connector(tmp_path))
            found = records(pages)
            assert found, "the healthy source yields records"
            for record in found:
                assert record.platform_id
                assert type(record).model_validate(record.model_dump()) == record
                assert record.created_at.utcoffset() is not None
            assert len(keys(pages)) == len(found), "an id appears twice in one run"

        def test_every_page_carries_a_json_cursor_that_moves(self, tmp_path: Path) -> None:
            with case.healthy(tmp_path):
                pages = collect(case.connector(tmp_path))
            cursors = [page.cursor for page in pages]
            assert all(cursor is not None for cursor in cursors)
            assert all(json.loads(json.dumps(cursor)) == cursor for cursor in cursors)
            assert all(a != b for a, b in itertools.pairwise(cursors)), "a page did not move the cursor"

        def test_second_run_from_the_saved_cursor_fetches_nothing_new(self, tmp_path: Path) -> None:
            with case.healthy(tmp_path):
                first = collect(case.connector(tmp_path))
            with case.healthy(tmp_path, strict=False):
                second = collect(case.connector(tmp_path), first[-1].cursor)
            assert keys(second) <= keys(first)
            if not case.rereads:
                assert records(second) == [], "a run from the last cursor read records again"
            if second:
                assert second[-1].cursor == first[-1].cursor or second[-1].cursor is not None

        def test_resuming_from_any_page_loses_nothing(self, tmp_path: Path) -> None:
            with case.healthy(tmp_path):
                pages = collect(case.connector(tmp_path))
            everything = keys(pages)
            for stop in range(1, len(pages)):
                with case.healthy(tmp_path, strict=False):
                    rest = collect(case.connector(tmp_path), pages[stop - 1].cursor)
                assert keys(pages[:stop]) | keys(rest) == everything, (
                    f"resuming after page {stop} lost records"
                )

        def test_a_repeated_cursor_stops_the_run(self, tmp_path: Path) -> None:
            source = case.repeating(tmp_path)
            if source is None:
                pytest.skip("this source has no paging cursor to repeat")
            with source:
                pages = collect(case.connector(tmp_path))
            assert len(records(pages)) == len(keys(pages))

        @pytest.mark.parametrize("failure", list(case.errors))
        def test_errors_map_to_their_class(self, tmp_path: Path, failure: str) -> None:
            expected = case.errors[failure]
            with case.failing(tmp_path, failure), pytest.raises(ConnectorError) as raised:
                collect(case.connector(tmp_path))
            assert type(raised.value) is expected or (
                isinstance(raised.value, expected) and expected is not ConnectorError
            )

    return ConformanceSuite


__all__ = [
    "NOW",
    "SLEPT",
    "ConnectorCase",
    "HttpCase",
    "collect",
    "conformance_suite",
    "fixture",
    "nullcontext",
    "records",
]
