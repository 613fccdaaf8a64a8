"""The shared HTTP layer on its own: redaction, Retry-After, usage headers, the client, retries.

`Api` runs over `httpx.MockTransport` (no respx, no network); the client's own behaviour
(User-Agent on the wire, connection limit, timeouts, transport errors) is checked
against a small HTTP server on 127.0.0.1.
"""

from __future__ import annotations

import asyncio
import email.utils
import json
import logging
import shutil
import ssl
import threading
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib.metadata import version
from pathlib import Path
from typing import Any

import httpx
import pytest
from helpers import self_signed_certificate

import socialmon
from socialmon_connectors import AuthError, NotFound, PlatformError, RateLimited
from socialmon_connectors.http import (
    USER_AGENT,
    Action,
    Api,
    ErrorTable,
    Problem,
    RetryPolicy,
    Rule,
    Skipped,
    UsageThrottle,
    new_client,
    parse_retry_after,
    redact_url,
    scrub,
    verified_tls,
)

BASE = "https://api.example.com/v1"
SECRET = "s3cr3t/Tok+en="


def run(work: Awaitable[Any]) -> Any:
    async def bounded() -> Any:
        return await asyncio.wait_for(work, timeout=10)

    return asyncio.run(bounded())


class Sleeps(list[float]):
    """An injected sleep: records the pause, never waits."""

    async def __call__(self, seconds: float) -> None:
        self.append(seconds)


def parse_example_error(status: int, body: Any) -> Problem:
    error = body.get("error") if isinstance(body, dict) else None
    if not isinstance(error, dict):
        return Problem(status=status, message=f"HTTP {status}")
    return Problem(status=status, code=error.get("code"), message=error.get("message", ""))


def make_api(
    answers: list[httpx.Response | Exception],
    *,
    attempts: int = 3,
    backoff: float = 1.0,
    max_backoff: float = 30.0,
    max_wait: float = 120.0,
    **options: Any,
) -> tuple[Api, Sleeps, list[httpx.Request]]:
    """An Api whose requests get `answers` in turn (an exception is raised by the transport)."""
    sent: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        answer = answers[min(len(sent), len(answers)) - 1]
        if isinstance(answer, Exception):
            raise answer
        return answer

    sleeps = Sleeps()
    api = Api(
        client=httpx.AsyncClient(transport=httpx.MockTransport(handler)),
        base_url=BASE,
        platform="Example",
        parse_error=parse_example_error,
        policy=RetryPolicy(attempts=attempts, backoff=backoff, max_backoff=max_backoff, max_wait=max_wait),
        sleep=sleeps,
        **options,
    )
    return api, sleeps, sent


def ok(body: Any = None, **headers: str) -> httpx.Response:
    return httpx.Response(200, json={"data": []} if body is None else body, headers=headers)


def failed(status: int, code: str | None = None, message: str = "", **headers: str) -> httpx.Response:
    return httpx.Response(status, json={"error": {"code": code, "message": message}}, headers=headers)


# --- redaction -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    ["access_token", "Access_Token", "key", "client_secret", "refresh_token", "appsecret_proof", "code"],
)
def test_redact_url_hides_credential_parameters_and_keeps_the_rest(name: str) -> None:
    url = f"https://graph.facebook.com/v25.0/1/posts?limit=5&{name}=EAAB%2Fx%3D%3D&after=QVF"
    assert redact_url(url) == f"https://graph.facebook.com/v25.0/1/posts?limit=5&{name}=***&after=QVF"


def test_redact_url_leaves_a_url_without_credentials_as_it_is() -> None:
    assert redact_url("https://www.googleapis.com/youtube/v3/videos") == (
        "https://www.googleapis.com/youtube/v3/videos"
    )
    assert redact_url(httpx.URL("https://x.test/a?pageToken=abc&part=snippet")) == (
        "https://x.test/a?pageToken=abc&part=snippet"
    )


def test_scrub_replaces_a_secret_as_written_percent_encoded_and_form_encoded() -> None:
    text = f"raw {SECRET}, in a path s3cr3t%2FTok%2Ben%3D, in a form s3cr3t%2FTok%2Ben%3D&x=1, spaced"
    scrubbed = scrub(text + " s3cr3t Tok", [SECRET, "s3cr3t Tok"])
    assert "s3cr3t" not in scrubbed
    assert scrubbed.startswith("raw ***, in a path ***, in a form ***&x=1")


def test_scrub_redacts_credentials_in_query_strings_form_bodies_and_bearer_headers() -> None:
    text = (
        "body client_secret=abc123&code=xyz789&grant_type=authorization_code; "
        'echoed "https://graph.test/me?fields=id&access_token=EAABzz" and Authorization: Bearer eyJ.abc-d_e'
    )
    scrubbed = scrub(text)
    for leaked in ("abc123", "xyz789", "EAABzz", "eyJ.abc-d_e"):
        assert leaked not in scrubbed
    assert "client_secret=***&code=***&grant_type=authorization_code" in scrubbed
    assert "fields=id&access_token=***" in scrubbed
    assert scrubbed.endswith("Bearer ***")


def test_scrub_ignores_an_empty_secret_and_replaces_the_longest_first() -> None:
    assert scrub("nothing to hide", [""]) == "nothing to hide"
    assert scrub("token abcdef and abc", ["abc", "abcdef"]) == "token *** and ***"


def test_httpx_request_log_lines_are_scrubbed(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO, logger="httpx"):
        logging.getLogger("httpx").info(
            'HTTP Request: GET %s "%s"', "https://g.test/x?access_token=EAAB1", "200"
        )
    assert [record.getMessage() for record in caplog.records] == [
        'HTTP Request: GET https://g.test/x?access_token=*** "200"'
    ]


def test_no_error_message_carries_the_channel_secret() -> None:
    echoed = failed(400, "12", f"bad request (access_token={SECRET}) {SECRET}")
    api, _, _ = make_api([echoed], secrets=[SECRET], params={"key": SECRET})
    with pytest.raises(PlatformError) as raised:
        run(api.get("items"))
    assert "s3cr3t" not in str(raised.value)
    assert "(access_token=*** ***" in str(raised.value)

    api, _, _ = make_api([httpx.ConnectError(f"cannot reach {BASE}/items?key={SECRET}")], secrets=[SECRET])
    with pytest.raises(PlatformError) as raised:
        run(api.get("items", {"key": SECRET}))
    assert raised.value.code == "network"
    assert "s3cr3t" not in str(raised.value)


# --- Retry-After ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "seconds"),
    [("7", 7.0), (" 2.5 ", 2.5), ("0", 0.0), ("-4", 0.0), ("", None), (None, None), ("soon", None)],
)
def test_retry_after_in_seconds(value: str | None, seconds: float | None) -> None:
    assert parse_retry_after(value) == seconds


@pytest.mark.parametrize(
    ("value", "seconds"),
    [
        ("Wed, 21 Oct 2026 07:28:00 GMT", 90.0),
        ("Wed, 21 Oct 2026 09:28:00 +0200", 90.0),
        ("Wed, 21 Oct 2026 07:28:00 -0000", 90.0),  # no zone given: UTC
        ("Wed, 21 Oct 2026 07:20:00 GMT", 0.0),  # already past
    ],
)
def test_retry_after_as_an_http_date(value: str, seconds: float) -> None:
    now = datetime(2026, 10, 21, 7, 26, 30, tzinfo=UTC).timestamp()
    assert parse_retry_after(value, now=now) == seconds


def test_the_api_waits_until_the_date_retry_after_names() -> None:
    later = email.utils.formatdate(time.time() + 60, usegmt=True)
    api, sleeps, sent = make_api([failed(503, message="busy", **{"Retry-After": later}), ok()])
    assert run(api.get("items")) == {"data": []}
    assert len(sent) == 2
    assert len(sleeps) == 1 and 57 <= sleeps[0] <= 60


def test_a_retry_after_longer_than_max_wait_is_rate_limited_at_once() -> None:
    api, sleeps, sent = make_api([failed(429, message="slow down", **{"Retry-After": "3600"}), ok()])
    with pytest.raises(RateLimited) as raised:
        run(api.get("items"))
    assert raised.value.retry_after == 3600
    assert (len(sent), sleeps) == (1, [])


# --- Meta's usage headers --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("percent", "pause"),
    [(0, 0.0), (74, 0.0), (75, 1.0), (80, 2.0), (86, 5.0), (90, 10.0), (94.9, 10.0), (95, 300.0)],
)
def test_usage_slows_down_in_steps_before_the_limit(percent: float, pause: float) -> None:
    throttle = UsageThrottle()
    throttle.observe({"x-app-usage": json.dumps({"call_count": percent, "total_time": 1})})
    assert throttle.pause() == pause


def test_the_highest_reading_of_any_header_and_metric_counts() -> None:
    throttle = UsageThrottle()
    throttle.observe(
        {
            "x-app-usage": json.dumps({"call_count": 10, "total_cputime": 3}),
            "x-page-usage": json.dumps({"call_count": 12, "total_cputime": 86}),
        }
    )
    assert (throttle.usage, throttle.pause()) == (86, 5.0)


def test_a_response_without_usage_headers_keeps_the_last_reading_and_bad_json_is_ignored() -> None:
    throttle = UsageThrottle()
    throttle.observe({"x-app-usage": '{"call_count": 81}'})
    throttle.observe({})
    throttle.observe({"x-app-usage": "{not json", "x-business-use-case-usage": "[1,"})
    assert throttle.pause() == 2.0


def test_the_business_use_case_header_gives_the_time_to_regain_access() -> None:
    throttle = UsageThrottle()
    buc = {"104": [{"type": "pages", "call_count": 40, "estimated_time_to_regain_access": 3}]}
    throttle.observe({"x-business-use-case-usage": json.dumps(buc)})
    assert throttle.pause() == 180.0
    buc["104"][0]["estimated_time_to_regain_access"] = 0
    throttle.observe({"x-business-use-case-usage": json.dumps(buc)})
    assert throttle.pause() == 0.0


def test_the_api_pauses_before_the_next_request_and_stops_rather_than_wait_too_long() -> None:
    near = ok(**{"X-App-Usage": '{"call_count": 81}'})
    api, sleeps, sent = make_api([near, ok()], throttle=UsageThrottle())
    run(api.get("items"))
    run(api.get("items"))
    assert (len(sent), sleeps) == (2, [2.0])

    buc = json.dumps({"104": [{"call_count": 99, "estimated_time_to_regain_access": 10}]})
    api, sleeps, sent = make_api([ok(**{"X-Business-Use-Case-Usage": buc}), ok()], throttle=UsageThrottle())
    run(api.get("items"))
    with pytest.raises(RateLimited) as raised:
        run(api.get("items"))
    assert raised.value.retry_after == 600
    assert "access returns in about 10 min" in str(raised.value)
    assert (len(sent), sleeps) == (1, [])  # the second request was never sent

    # At the limit with no time from Meta (X-App-Usage has none): no return time is made up.
    full = ok(**{"X-App-Usage": '{"call_count": 100}'})
    api, sleeps, sent = make_api([full, ok()], throttle=UsageThrottle())
    run(api.get("items"))
    with pytest.raises(RateLimited) as raised:
        run(api.get("items"))
    assert "gives no time for access to return: the next scan tries again" in str(raised.value)
    assert "access returns" not in str(raised.value) and len(sent) == 1


# --- retries -------------------------------------------------------------------------------


def test_network_errors_are_retried_with_exponential_backoff_and_bounded_jitter() -> None:
    network = [httpx.ConnectError("refused"), httpx.ReadTimeout("slow"), httpx.RemoteProtocolError("cut")]
    api, sleeps, sent = make_api([*network, httpx.ConnectError("refused"), ok()], attempts=5)
    assert run(api.get("items")) == {"data": []}
    assert (len(sent), api.retries, len(sleeps)) == (5, 4, 4)
    for attempt, pause in enumerate(sleeps):
        assert 2**attempt <= pause <= 2**attempt + 1.0  # base doubling from 1 s, jitter at most 1 s


def test_backoff_stops_growing_at_max_backoff_and_its_jitter_varies() -> None:
    api, sleeps, sent = make_api([failed(502)], attempts=8, backoff=1.0, max_backoff=5.0)
    with pytest.raises(PlatformError) as raised:
        run(api.get("items"))
    assert (raised.value.status, len(sent), len(sleeps)) == (502, 8, 7)
    assert all(min(2**i, 5.0) <= pause <= 5.0 for i, pause in enumerate(sleeps))
    firsts = set()
    for _ in range(20):
        api, sleeps, _ = make_api([failed(500), ok()])
        run(api.get("items"))
        firsts.add(sleeps[0])
    assert all(1.0 <= pause <= 2.0 for pause in firsts) and len(firsts) > 1


@pytest.mark.parametrize(
    ("answer", "error", "requests"),
    [
        (failed(429, "4", "limit"), RateLimited, 3),  # retried, then rate limited
        (failed(500), PlatformError, 3),
        (failed(503), PlatformError, 3),
        (failed(408), PlatformError, 3),
        (httpx.Response(200, text="<html>proxy error</html>"), PlatformError, 3),  # malformed: retried
        (failed(400, "12", "deprecated field"), PlatformError, 1),
        (failed(401, "190", "expired"), AuthError, 1),
        (failed(404, "803", "no such object"), NotFound, 1),
    ],
)
def test_what_each_answer_becomes_and_how_often_it_is_tried(
    answer: httpx.Response, error: type[Exception], requests: int
) -> None:
    api, sleeps, sent = make_api([answer])
    with pytest.raises(error) as raised:
        run(api.get("items"))
    assert type(raised.value) is error
    assert (len(sent), len(sleeps)) == (requests, requests - 1)
    assert "Example" in str(raised.value)


def test_a_malformed_body_is_retried_and_named() -> None:
    api, _, _ = make_api([httpx.Response(200, text="{truncated")], attempts=2)
    with pytest.raises(PlatformError) as raised:
        run(api.get("items"))
    assert raised.value.code == "malformed"
    assert "incomplete answer from https://api.example.com/v1/items (HTTP 200)" in str(raised.value)


def test_the_error_table_most_specific_rule_wins() -> None:
    table = ErrorTable(
        {
            (400, "100/33"): Action.NOT_FOUND,
            (None, 100): Rule(Action.FAIL, "grant the permission"),
            (None, "4"): Action.THROTTLE,
            (403, None): Action.AUTH,
            (None, "quotaExceeded"): Action.QUOTA,
            (None, "commentsDisabled"): Action.SKIP,
        }
    )
    assert table.rule(Problem(400, "100", "33")).action is Action.NOT_FOUND
    assert table.rule(Problem(500, "100", "33")) == Rule(Action.FAIL, "grant the permission")
    assert table.rule(Problem(400, "4")).action is Action.THROTTLE
    assert table.rule(Problem(403, "999")).action is Action.AUTH
    assert table.rule(Problem(503)).action is Action.RETRY  # no entry: the HTTP status decides
    assert table.rule(Problem(418)).action is Action.FAIL


def test_quota_is_not_retried_skip_is_its_own_class_and_hints_carry_through() -> None:
    errors = ErrorTable(
        {
            (None, "quotaExceeded"): Rule(Action.QUOTA, "wait for the daily quota"),
            (None, "commentsDisabled"): Action.SKIP,
        }
    )
    api, sleeps, sent = make_api([failed(403, "quotaExceeded", "over quota")], errors=errors)
    with pytest.raises(RateLimited) as quota:
        run(api.get("items"))
    assert (len(sent), sleeps) == (1, [])
    assert quota.value.hint == "wait for the daily quota"
    api, _, _ = make_api([failed(403, "commentsDisabled", "off")], errors=errors)
    with pytest.raises(Skipped):
        run(api.get("items"))


# --- the client ----------------------------------------------------------------------------


def test_the_user_agent_names_socialmon_and_its_installed_version() -> None:
    assert socialmon.__version__ == version("socialmon")
    assert USER_AGENT.startswith(f"socialmon/{socialmon.__version__} (")


def test_timeouts_are_set_on_the_client() -> None:
    assert new_client(timeout=12).timeout == httpx.Timeout(12, connect=10)
    assert new_client(timeout=4, shared=True).timeout == httpx.Timeout(4)


Reply = Callable[[asyncio.StreamReader, asyncio.StreamWriter], Awaitable[None]]


@asynccontextmanager
async def loopback(reply: Reply) -> AsyncIterator[tuple[str, list[bytes]]]:
    """An HTTP server on 127.0.0.1; yields its URL and the request heads it received, one per request."""
    heads: list[bytes] = []

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while head := await reader.readuntil(b"\r\n\r\n"):
                heads.append(head)
                await reply(reader, writer)
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()

    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    async with server:
        port = server.sockets[0].getsockname()[1]
        yield f"http://127.0.0.1:{port}/v1/items?access_token=EAAB", heads


async def answer_ok(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    writer.write(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}")


@pytest.mark.parametrize("shared", [False, True])
def test_both_clients_send_the_user_agent(shared: bool) -> None:
    async def fetch() -> list[bytes]:
        async with loopback(answer_ok) as (url, heads), new_client(shared=shared) as client:
            assert (await client.get(url)).json() == {}
        return heads

    [head] = run(fetch())
    lines = head.decode().split("\r\n")[1:]
    headers = {name.lower(): value for name, _, value in (line.partition(": ") for line in lines if line)}
    assert headers["user-agent"] == USER_AGENT
    assert headers["accept"] == "application/json"


async def answer_with_a_cookie(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    writer.write(
        b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nSet-Cookie: session=account-a; Path=/\r\n"
        b"Content-Length: 2\r\n\r\n{}"
    )


@pytest.mark.parametrize("shared", [False, True])
def test_no_client_keeps_a_cookie_for_the_next_request(shared: bool) -> None:
    """One client serves many accounts: a cookie set for one must never be sent for another."""

    async def fetch_twice() -> list[bytes]:
        async with loopback(answer_with_a_cookie) as (url, heads), new_client(shared=shared) as client:
            url = url.replace("127.0.0.1", "localhost")  # cookie jars refuse cookies from an IP address
            first = await client.get(url)
            await client.get(url)
        assert first.headers["set-cookie"].startswith("session=")
        return heads

    heads = run(fetch_twice())
    assert len(heads) == 2
    assert all(b"cookie:" not in head.lower() for head in heads)


def test_the_shared_client_opens_no_more_connections_than_its_limit() -> None:
    # The connections' writers themselves (one per connection, whatever it carried): held here,
    # so that two connections can't be counted as one, as ids of collected objects can be.
    connections: set[asyncio.StreamWriter] = set()

    async def answer_slowly(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        connections.add(writer)
        await asyncio.sleep(0)  # let the other requests race for connections
        await answer_ok(reader, writer)

    async def fetch() -> None:
        async with (
            loopback(answer_slowly) as (url, heads),
            new_client(max_connections=2, shared=True) as client,
        ):
            await asyncio.gather(*(client.get(url) for _ in range(8)))
            assert len(heads) == 8

    run(fetch())
    # Eight requests at once: both connections the limit allows, and no third (without the limit,
    # eight).
    assert len(connections) == 2


async def garbage(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    writer.write(b"garbage\r\n\r\n")
    writer.close()


async def hang_up(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    writer.close()


async def bad_header(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: x\r\n\r\n{}")
    writer.close()


async def truncated(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    writer.write(b'HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n{"data":')
    writer.close()


async def silent(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    await reader.read()  # never answers; the client gives up first


@pytest.mark.parametrize("shared", [False, True])
@pytest.mark.parametrize("reply", [garbage, hang_up, bad_header, truncated, silent])
def test_a_broken_server_is_a_network_error_that_is_retried(shared: bool, reply: Reply) -> None:
    sleeps = Sleeps()

    async def fetch() -> tuple[PlatformError, int]:
        async with loopback(reply) as (url, heads), new_client(timeout=0.2, shared=shared) as client:
            api = Api(client=client, base_url=url, platform="Example", sleep=sleeps, secrets=["EAAB"])
            api.policy = RetryPolicy(attempts=2)
            with pytest.raises(PlatformError) as raised:
                await api.get(url)
            return raised.value, len(heads)

    error, requests = run(fetch())
    assert error.code == "network"
    # Retried: one pause between the two attempts. The server's count of requests is not the
    # measure: the second attempt may fail before its request reaches the server (a machine under
    # load: 1 of 1,347 tests failed once on `requests >= 2`), and aiohttp itself also resends a
    # GET once when the server hung up on it.
    assert len(sleeps) == 1 and requests >= 1
    assert "EAAB" not in str(error) and "access_token=***" in str(error)


# --- the shared client's own path: requests straight to aiohttp's pool -----------------------
# `Api` hands the scan's shared client's requests to aiohttp itself (`_send_get`), skipping the
# parts of httpx's client that do nothing for it; what goes on the wire and what comes back must
# be what httpx's client would send and return.


def through_httpx(monkeypatch: pytest.MonkeyPatch) -> None:
    """Send the shared client's requests through httpx's client, as before the direct path."""
    import socialmon_connectors.http as http

    monkeypatch.setattr(http, "_sends_directly", lambda client: False)


def counted_direct_sends(monkeypatch: pytest.MonkeyPatch) -> list[httpx.Request]:
    """The requests the direct path sends from now on."""
    import socialmon_connectors.http as http

    sent: list[httpx.Request] = []
    transport_class = http._pooled_transport_class()
    send_whole = transport_class.send_whole

    async def counted(self: Any, request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return await send_whole(self, request)

    monkeypatch.setattr(transport_class, "send_whole", counted)
    return sent


def gzip_json(body: bytes) -> Reply:
    import gzip

    packed = gzip.compress(body)

    async def answer(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        writer.write(
            b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Encoding: gzip\r\n"
            + f'X-App-Usage: {{"call_count": 7}}\r\nContent-Length: {len(packed)}\r\n\r\n'.encode()
            + packed
        )

    return answer


def test_the_direct_path_sends_what_httpx_sends_and_returns_what_it_returns(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    body = json.dumps({"data": [{"id": "1", "message": "¡Gracias! 🎉"}], "paging": {}}).encode()

    async def fetch() -> tuple[Any, list[bytes], list[str]]:
        caplog.clear()
        async with loopback(gzip_json(body)) as (url, heads), new_client(shared=True) as client:
            api = Api(
                client=client,
                base_url=url.split("?")[0],
                platform="Example",
                headers={"Authorization": "Bearer EAAB"},
                throttle=UsageThrottle(),
                secrets=["EAAB"],
            )
            got = [
                await api.get("", {"fields": "id,message", "limit": 5}),
                await api.get(url, {"after": "QVFI=="}),
            ]
            return got, heads, [record.getMessage() for record in caplog.records]

    with caplog.at_level(logging.INFO, logger="httpx"):
        direct = counted_direct_sends(monkeypatch)
        got, heads, logged = run(fetch())
        assert len(direct) == 2
        monkeypatch.undo()
        through_httpx(monkeypatch)
        got_before, heads_before, logged_before = run(fetch())

    assert got == got_before == [json.loads(body)] * 2
    port = lambda head: head.split(b"127.0.0.1:")[1].split(b"/")[0]  # noqa: E731
    normalised = [head.replace(port(head), b"PORT") for head in heads]
    assert normalised == [head.replace(port(head), b"PORT") for head in heads_before]
    assert b"authorization: bearer eaab" in normalised[0].lower()
    assert [line.split("127.0.0.1:")[1].split("/", 1)[1] for line in logged] == [
        line.split("127.0.0.1:")[1].split("/", 1)[1] for line in logged_before
    ]
    assert logged[1].endswith('access_token=***&after=QVFI%3D%3D "HTTP/1.1 200 OK"'), logged


@pytest.mark.parametrize("shared", [True, False])
def test_a_redirect_is_asked_once_and_followed_without_the_token_to_another_origin(
    monkeypatch: pytest.MonkeyPatch, shared: bool
) -> None:
    direct = counted_direct_sends(monkeypatch)

    async def fetch() -> tuple[Any, list[bytes], list[bytes]]:
        async with loopback(answer_ok) as (elsewhere, heads_elsewhere):
            answers = iter(
                [f"HTTP/1.1 301 Moved Permanently\r\nLocation: {elsewhere}\r\nContent-Length: 0\r\n\r\n"]
            )

            async def moved_then_limited(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
                # A second request for the first URL would be refused (and count against the limit).
                limited = "HTTP/1.1 429 Too Many Requests\r\nRetry-After: 3600\r\nContent-Length: 0\r\n\r\n"
                writer.write(next(answers, limited).encode())

            async with loopback(moved_then_limited) as (url, heads), new_client(shared=shared) as client:
                api = Api(
                    client=client, base_url=url, platform="Example", headers={"Authorization": "Bearer EAAB"}
                )
                return await api.get(url), heads, heads_elsewhere

    got, heads, heads_elsewhere = run(fetch())
    assert got == {}
    assert len(direct) == (1 if shared else 0)  # the first hop went the direct way
    assert len(heads) == 1 and b"bearer eaab" in heads[0].lower()
    assert len(heads_elsewhere) == 1 and b"authorization" not in heads_elsewhere[0].lower()
    # A GET without a body, as the first: no empty chunked body after it.
    assert b"transfer-encoding" not in heads_elsewhere[0].lower()


@pytest.mark.parametrize("shared", [True, False])
def test_a_redirect_loop_is_a_platform_error_naming_it_and_not_retried(shared: bool) -> None:
    sleeps = Sleeps()

    async def to_itself(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        writer.write(
            b"HTTP/1.1 302 Found\r\nLocation: /v1/items?access_token=EAAB\r\nContent-Length: 0\r\n\r\n"
        )

    async def fetch() -> tuple[PlatformError, int]:
        async with loopback(to_itself) as (url, heads), new_client(shared=shared) as client:
            api = Api(client=client, base_url=url, platform="Example", sleep=sleeps, secrets=["EAAB"])
            with pytest.raises(PlatformError) as raised:
                await api.get(url)
            return raised.value, len(heads)

    error, requests = run(fetch())
    assert "redirected more than 20 times" in str(error) and error.code == "network", str(error)
    assert "EAAB" not in str(error)
    assert sleeps == [] and requests in (21, 22)  # httpx's limit (+ the direct path's first hop)


@pytest.mark.parametrize("shared", [True, False])
def test_a_body_its_encoding_does_not_unpack_is_malformed_and_retried(
    shared: bool, caplog: pytest.LogCaptureFixture
) -> None:
    sleeps = Sleeps()

    async def broken_gzip(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: 9\r\n\r\nnot gzip!")

    async def fetch() -> PlatformError:
        async with loopback(broken_gzip) as (url, _), new_client(shared=shared) as client:
            api = Api(client=client, base_url=url, platform="Example", sleep=sleeps, secrets=["EAAB"])
            api.policy = RetryPolicy(attempts=2)
            with pytest.raises(PlatformError) as raised:
                await api.get(url)
            return raised.value

    with caplog.at_level(logging.INFO, logger="httpx"):
        error = run(fetch())
    assert error.code == "malformed" and "could not be decoded" in str(error) and len(sleeps) == 1
    assert "EAAB" not in str(error)
    # httpx's line for each request, logged once its head came, though its body then failed.
    said = [record.getMessage() for record in caplog.records if record.name == "httpx"]
    assert len(said) == 2 and all(line.endswith('access_token=*** "HTTP/1.1 200 OK"') for line in said), said


def test_an_api_timeout_bounds_each_read_on_the_direct_path(monkeypatch: pytest.MonkeyPatch) -> None:
    direct = counted_direct_sends(monkeypatch)

    async def fetch() -> PlatformError:
        async with loopback(silent) as (url, _), new_client(timeout=30, shared=True) as client:
            api = Api(
                client=client, base_url=url, platform="Example", timeout=0.2, deadline=5, sleep=Sleeps()
            )
            api.policy = RetryPolicy(attempts=1)
            with pytest.raises(PlatformError) as raised:
                await api.get(url)
            return raised.value

    error = run(fetch())
    assert direct and error.code == "network"
    assert "request_deadline" not in str(error)  # the read timed out, not the whole request


def test_respx_still_answers_the_shared_clients_requests(monkeypatch: pytest.MonkeyPatch) -> None:
    import respx

    direct = counted_direct_sends(monkeypatch)

    async def fetch() -> Any:
        async with new_client(shared=True) as client:
            return await Api(client=client, base_url=BASE, platform="Example").get("items")

    with respx.mock(assert_all_called=True) as mocked:
        mocked.get(f"{BASE}/items").respond(json={"data": ["mocked"]})
        assert run(fetch()) == {"data": ["mocked"]}
    assert direct == []


def test_a_proxy_in_the_environment_still_carries_the_shared_clients_requests(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    direct = counted_direct_sends(monkeypatch)

    async def fetch() -> tuple[Any, list[bytes]]:
        async with loopback(answer_ok) as (proxy, heads):
            monkeypatch.setenv("HTTP_PROXY", proxy.split("/v1")[0])
            monkeypatch.delenv("NO_PROXY", raising=False)
            monkeypatch.delenv("no_proxy", raising=False)
            async with new_client(shared=True) as client:
                api = Api(client=client, base_url="http://api.example.test/v1", platform="Example")
                return await api.get("items", {"limit": 1}), heads

    got, heads = run(fetch())
    assert got == {} and direct == []
    assert heads[0].startswith(b"GET http://api.example.test/v1/items?limit=1 HTTP/1.1")


GRAPH = httpx.URL("https://graph.facebook.com/v25.0/me")


@pytest.mark.parametrize(
    ("variables", "proxied"),
    [
        ({}, False),
        ({"HTTPS_PROXY": "http://proxy.lan:3128"}, True),
        ({"https_proxy": "proxy.lan:3128"}, True),
        ({"ALL_PROXY": "socks5://proxy.lan:1080"}, True),
        ({"HTTPS_PROXY": "http://proxy.lan:3128", "NO_PROXY": "localhost, *"}, False),
        ({"HTTPS_PROXY": "http://proxy.lan:3128", "NO_PROXY": "graph.facebook.com"}, False),
        ({"HTTPS_PROXY": "http://proxy.lan:3128", "NO_PROXY": "example.com"}, True),
        ({"HTTP_PROXY": "http://proxy.lan:3128"}, False),  # an https URL: not its proxy
        ({"FTP_PROXY": "http://proxy.lan:3128"}, False),
    ],
)
def test_a_request_goes_through_the_proxy_the_environment_names_for_it_and_the_pool_otherwise(
    monkeypatch: pytest.MonkeyPatch, variables: dict[str, str], proxied: bool
) -> None:
    for name, value in variables.items():
        monkeypatch.setenv(name, value)
    client = new_client(shared=True)
    try:
        chosen = client._transport_for_url(GRAPH)
        assert hasattr(chosen, "send_whole") is not proxied  # the pool, else the proxy's transport
        assert hasattr(client._transport, "send_whole")  # the pool stays the client's own
    finally:
        asyncio.run(client.aclose())


@pytest.mark.parametrize(
    "variables",
    [
        {},
        {"HTTPS_PROXY": "http://proxy.lan:3128", "HTTP_PROXY": "proxy.lan:3128", "ALL_PROXY": "socks5://s:1"},
        {"https_proxy": "http://p:1", "NO_PROXY": "localhost,127.0.0.1, ::1,.example.com,10.0.0.0/8"},
        {"https_proxy": "http://p:1", "no_proxy": "http://intranet.lan, example.org ,"},
        {"https_proxy": "http://p:1", "NO_PROXY": "example.org,*"},
    ],
)
def test_the_environments_proxies_are_read_as_httpx_reads_them(
    monkeypatch: pytest.MonkeyPatch, variables: dict[str, str]
) -> None:
    from httpx import _utils

    import socialmon_connectors.proxies as proxies

    for name, value in variables.items():
        monkeypatch.setenv(name, value)
    if not hasattr(_utils, "get_environment_proxies"):
        pytest.skip("this httpx no longer has the function to compare with")
    assert proxies._environment_proxies() == _utils.get_environment_proxies()


@pytest.mark.parametrize(
    "written", ["socks://me:s3cret@proxy.lan:1080/", "socks4://proxy.lan:1080", "ftp://proxy.lan"]
)
def test_a_proxy_httpx_cannot_use_is_said_once_and_left_out_and_the_others_kept(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture, cli_in_spanish: None, written: str
) -> None:
    """GNOME and KDE export a manual proxy as http_proxy, https_proxy and all_proxy=socks://…: httpx
    refused the whole client (a ValueError traceback for every scan). The socks one is left out, and
    said once a process; the https one still carries the https requests."""
    import socialmon_connectors.proxies as proxies
    from socialmon.alerts.delivery import _webhook_client
    from socialmon.cli._config_words import said_warning

    proxies._say_unusable.cache_clear()
    monkeypatch.setenv("all_proxy", written)
    monkeypatch.setenv("https_proxy", "http://corp.lan:3128")
    with caplog.at_level(logging.WARNING, logger="socialmon.http"):
        clients = [new_client(shared=True), new_client(), new_client(shared=True)]
        webhooks = _webhook_client()
    try:
        for client in clients:
            assert not hasattr(client._transport_for_url(GRAPH), "send_whole")  # through corp.lan
            assert client._transport_for_url(httpx.URL("http://api.example.test/")) is client._transport
        assert webhooks._transport_for_url(GRAPH) is not webhooks._transport
        [said] = [record.getMessage() for record in caplog.records]
        scheme = written.split("://")[0]
        assert f"all_proxy ({scheme}://)" in said and "s3cret" not in said and "proxy.lan" not in said
        assert said_warning(said).startswith(
            f"no se puede usar el proxy que indica el entorno (all_proxy ({scheme}://))"
        )
    finally:
        proxies._say_unusable.cache_clear()
        webhooks.close()
        for client in clients:
            asyncio.run(client.aclose())


# --- TLS: every client verifies the server, with the one context of the process ---------------


@pytest.mark.skipif(shutil.which("openssl") is None, reason="makes its certificate with the openssl command")
def test_clients_refuse_an_unknown_certificate_and_trust_the_one_ssl_cert_file_names(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cert, key = self_signed_certificate(tmp_path)
    tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    tls.load_cert_chain(cert, key)

    class Hello(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"ok")

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Hello)
    server.socket = tls.wrap_socket(server.socket, server_side=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"https://127.0.0.1:{server.server_address[1]}/"

    async def fetch(shared: bool) -> str:
        async with new_client(timeout=5, shared=shared) as client:
            try:
                return (await client.get(url)).text
            except httpx.TransportError as error:
                return f"refused: {error}"

    try:
        verified_tls.cache_clear()
        monkeypatch.delenv("SSL_CERT_FILE", raising=False)
        monkeypatch.delenv("SSL_CERT_DIR", raising=False)
        for shared in (False, True):  # httpx's own transport, and aiohttp's pool
            said = asyncio.run(fetch(shared))
            assert said.startswith("refused") and "certificate" in said.lower(), (shared, said)

        verified_tls.cache_clear()  # a new process, whose environment names the certificate
        monkeypatch.setenv("SSL_CERT_FILE", str(cert))
        assert asyncio.run(fetch(False)) == "ok"
        loaded: list[Any] = []  # the certificates loaded from now on: the clients share the first
        load = ssl.create_default_context
        monkeypatch.setattr(ssl, "create_default_context", lambda *a, **k: loaded.append(a) or load(*a, **k))
        assert [asyncio.run(fetch(shared)) for shared in (True, False, True)] == ["ok", "ok", "ok"]
        assert loaded == []
    finally:
        verified_tls.cache_clear()
        server.shutdown()
        server.server_close()


# --- the query string ----------------------------------------------------------------------

AWKWARD_QUERY: dict[str, Any] = {
    "fields": "id,message,from{id,name},reactions.summary(total_count).limit(0)",
    "q": "a&b=c+d #e 100% ¿qué? 'x' \"y\" <z> [w] |v| ^u `t` ~s\\r",
    "after": "QVFIUmNaZA3lCeDR5TXpLdFBhcE9ZAMnRp==",
    "limit": 25,
    "ratio": 0.5,
    "summary": True,
    "filter": False,
    "empty": None,
    "ñandú/ü": "€",
}


def test_a_query_reaches_the_transport_with_the_names_and_values_params_gives() -> None:
    api, _, sent = make_api([ok()])
    run(api.get("items", AWKWARD_QUERY))
    assert sent[0].url.params == httpx.QueryParams(AWKWARD_QUERY)
    assert sent[0].url.copy_with(query=None) == httpx.URL(f"{BASE}/items")


def test_a_list_value_repeats_its_name_and_a_url_keeps_its_own_query() -> None:
    api, _, sent = make_api([ok(), ok()])
    run(api.get("items", {"ids": ["1", "2"], "limit": 2}))
    run(api.get(f"{BASE}/items?after=abc%2C", {"limit": 2}))
    assert sent[0].url.params.multi_items() == [("ids", "1"), ("ids", "2"), ("limit", "2")]
    assert sent[1].url.params.multi_items() == [("after", "abc,"), ("limit", "2")]


@pytest.mark.parametrize(
    "link",
    [
        f"{BASE}/items?access_token=OLD&after=QVFI%3D%3D&limit=5",
        f"{BASE}/items?ids=1&ids=2&access%5Ftoken=OLD&&flag",
        f"{BASE}/items?q=a+b%26c&after=x#frag",
    ],
)
def test_a_link_with_its_own_query_takes_the_requests_names_as_httpx_merging_would(link: str) -> None:
    # The names the request gives replace the link's (a fresh token over a link's old one); the
    # link's other names and values stay, as httpx's copy_merge_params keeps them.
    api, _, sent = make_api([ok()])
    query = {"access_token": "NEW", "limit": 25}
    run(api.get(link, query))
    expected = httpx.URL(link).copy_merge_params(query)
    assert sorted(sent[0].url.params.multi_items()) == sorted(expected.params.multi_items())
    assert sent[0].url.copy_with(query=None, fragment=None) == httpx.URL(f"{BASE}/items")
    assert sent[0].url.params.get_list("access_token") == ["NEW"]


def test_a_query_arrives_on_the_wire_as_its_names_and_values_through_the_shared_client() -> None:
    """aiohttp re-reads the URL httpx built: the server must decode the very values sent,
    on a plain URL and on one with a query of its own (kept, the request's added after it)."""
    from urllib.parse import parse_qsl, urlsplit

    async def fetch() -> list[bytes]:
        async with loopback(answer_ok) as (url, heads), new_client(shared=True) as client:
            api = Api(
                client=client, base_url=url.split("?")[0], platform="Example", parse_error=parse_example_error
            )
            assert await api.get("", AWKWARD_QUERY) == {}
            assert await api.get(url, AWKWARD_QUERY) == {}  # a full URL: ...?access_token=EAAB
        return heads

    plain, with_its_own = (
        parse_qsl(urlsplit(head.decode("ascii").split("\r\n")[0].split(" ")[1]).query, keep_blank_values=True)
        for head in run(fetch())
    )
    sent = list(httpx.QueryParams(AWKWARD_QUERY).multi_items())
    assert plain == sent
    assert with_its_own == [("access_token", "EAAB"), *sent]
