"""The request URL built without httpx's second parse is the URL httpx's own parse builds.

`http._with_query` joins a query to a URL parsed once (and cached) instead of parsing the whole
string; these tests hold it to `httpx.URL(f"{url}?{httpx.QueryParams(query)}")`, part for part.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from socialmon_connectors import http
from socialmon_connectors._paging import _PAGE_LISTS, _sizes
from socialmon_connectors.facebook import COMMENT_FIELDS, post_fields
from socialmon_connectors.records import Page, RejectedRecord

URLS = [
    "https://graph.facebook.com/v25.0/1000/posts",
    "http://127.0.0.1:36549/v25.0/1000_3/comments",
    "https://Graph.Example.com:443/v1/ñandú/a%20b/./c/../d",
    "https://www.googleapis.com/youtube/v3/commentThreads",
    "http://h",
    "https://api.example.com",
]

QUERIES: list[dict[str, Any]] = [
    {"fields": post_fields(25), "limit": 5, "since": 1716206400},
    {"fields": post_fields(25), "limit": 5, "after": "QVFIUmNaZA3lCeDR5TXpLdFBhcE9ZAMnRp=="},
    {"filter": "stream", "fields": COMMENT_FIELDS, "limit": 25, "after": "MTAwMDAw"},
    {
        "q": "a&b=c+d #e 100% ¿qué? 'x' \"y\" <z> [w] |v| ^u `t` ~s\\r",
        "summary": True,
        "filter": False,
        "empty": None,
        "ñandú/ü": "€",
        "n": 0,
        "access_token": "EAAB/+=",
    },
    {"ratio": 0.5, "limit": 2},  # a float: the whole query goes to QueryParams
    {"ids": ["1", "2"], "limit": 2},  # a list: the same
    {1: "one", "1": "text one"},  # a name that is not text: the same
    {"a": []},
]


def as_httpx_builds(url: str, query: dict[str, Any]) -> httpx.URL:
    return httpx.URL(f"{url}?{httpx.QueryParams(query)}")


@pytest.mark.parametrize("url", URLS)
@pytest.mark.parametrize("query", QUERIES)
def test_the_url_is_the_one_httpx_parses(url: str, query: dict[str, Any]) -> None:
    for _ in range(2):  # the second time from the caches
        built = http._with_query(url, query)
        expected = as_httpx_builds(url, query)
        assert isinstance(built, httpx.URL)
        assert built._uri_reference == expected._uri_reference
        assert str(built) == str(expected)
        assert built.raw_path == expected.raw_path
        assert built.params == expected.params


def test_the_shortcuts_are_checked_against_this_httpx() -> None:
    assert http._joins_as_httpx_parses()
    assert http._encodes_as_httpx()


def test_a_url_with_a_fragment_or_too_long_is_parsed_as_httpx_parses_it() -> None:
    query = {"fields": "id,name", "limit": 5}
    with_fragment = http._with_query("https://api.example.com/v1/items#top", query)
    assert str(with_fragment) == str(
        httpx.URL(f"https://api.example.com/v1/items#top?{httpx.QueryParams(query)}")
    )
    with pytest.raises(httpx.InvalidURL, match="too long"):
        http._with_query("https://api.example.com/v1/items", {"q": "x" * 70_000})


def test_credentials_and_long_values_are_not_kept_in_the_encoding_cache() -> None:
    http._encoded_pair.cache_clear()
    url = "https://api.example.com/v1/items"
    query = {
        "access_token": "SECRET-1",
        "Key": "SECRET-2",
        "apikey": "SECRET-3",
        "q": "x" * 3_000,
        "limit": 3,
    }
    built = http._with_query(url, query, ["SECRET-3"])  # a credential under a name of its own
    assert http._encoded_pair.cache_info().currsize == 1  # `limit=3` alone
    assert str(built) == str(as_httpx_builds(url, query))


def test_a_url_naming_a_user_is_not_kept() -> None:
    http._parsed.cache_clear()
    url = "https://user:pass@proxy.example.com/v1/items"
    built = http._with_query(url, {"limit": 3})
    assert http._parsed.cache_info().currsize == 0
    assert str(built) == str(as_httpx_builds(url, {"limit": 3}))


@pytest.mark.parametrize("check", ["_joins_as_httpx_parses", "_encodes_as_httpx"])
def test_an_httpx_the_shortcuts_do_not_fit_builds_the_url_itself(
    check: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(http, check, lambda: False)
    for url in URLS:
        for query in QUERIES:
            built = http._with_query(url, query)
            assert isinstance(built, httpx.URL)
            assert str(built) == str(as_httpx_builds(url, query))


def test_a_true_value_and_a_one_encode_apart() -> None:
    assert http._encoded_query({"summary": 1}) == "summary=1"
    assert http._encoded_query({"summary": True}) == "summary=true"
    assert http._encoded_query({"summary": 1}) == "summary=1"


def test_the_pages_lists_are_the_page_fields_holding_lists() -> None:
    page = Page(rejected=[RejectedRecord(location="x", reason="y")], resolved_threads=["a", "b"])
    assert _sizes(page) == {name: len(value) for name, value in page if isinstance(value, list)}
    assert set(_PAGE_LISTS) == {name for name, value in Page() if isinstance(value, list)}


def test_usage_headers_are_read_only_when_a_response_has_one() -> None:
    throttle = http.UsageThrottle(usage=80.0, regain_seconds=60.0)
    throttle.observe(httpx.Headers({"Content-Type": "application/json", "Content-Length": "2"}))
    assert (throttle.usage, throttle.regain_seconds) == (80.0, 60.0)  # nothing said: nothing changes
    throttle.observe(httpx.Headers({"Content-Type": "application/json", "X-App-Usage": '{"call_count": 12}'}))
    assert (throttle.usage, throttle.regain_seconds) == (12.0, 0.0)
    throttle.observe({"x-page-usage": '{"call_count": 91}'})  # any mapping, as before
    assert throttle.usage == 91.0
