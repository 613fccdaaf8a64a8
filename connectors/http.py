"""The HTTP layer every platform connector shares: one client, retries, typed errors, no leaked tokens.

A connector describes its platform declaratively — a base URL, how to read the platform's
error body (`parse_error`), and an `ErrorTable` that maps HTTP status and platform error
codes to an `Action` — and calls `Api.get()`. Everything else happens here:

- one `httpx.AsyncClient` per scan (`new_client`): timeouts, connection limits, a
  User-Agent naming socialmon and its version. The scan's client, shared by many channels
  at once (`shared=True`), sends through aiohttp's connection pool (`httpx-aiohttp`):
  httpcore 1.0's pool re-examines every open connection on every request and response,
  which at 50 connections cost ~4 ms of CPU per request, against ~1 ms through aiohttp.
  `Api` hands that client's requests to aiohttp's pool itself (`_send_get`): ~0.6-0.7 ms;
- retries with exponential backoff and jitter (tenacity) on network errors, malformed
  bodies, 429 and 5xx, honouring `Retry-After`; sleep is injectable, so tests never wait;
- Meta's usage headers (`X-App-Usage`, `X-Page-Usage`, `X-Business-Use-Case-Usage`) slow
  requests down *before* the limit (`UsageThrottle`);
- every message is scrubbed: token-like query parameters are redacted from URLs and
  the channel's secrets are replaced with ***.

What a response becomes:

    response ──► 2xx with JSON ───────────────────────────────► the parsed body
             ──► network error / bad JSON / RETRY ───(retry)──► PlatformError when retries run out
             ──► THROTTLE (429, Meta 4/17/32/613…) ───(retry)──► RateLimited when retries run out,
                                                                 or at once if the platform asks to wait
                                                                 longer than `RetryPolicy.max_wait`
             ──► QUOTA (YouTube daily quota) ─────────────────► RateLimited, no retry
             ──► AUTH ────────────────────────────────────────► AuthError (with how to renew the token)
             ──► NOT_FOUND ───────────────────────────────────► NotFound
             ──► SKIP (e.g. comments disabled on one video) ──► Skipped: the connector skips that object
             ──► FAIL ────────────────────────────────────────► PlatformError(code=…, status=…)

What the user is told: a 5xx that outlasts the retries is a temporary problem on the platform's
side (`SERVER_TROUBLE_HINT`); a 2xx whose body is a web page or JSON cut off says so
(`NOT_DATA_HINT`); a rate limit says when access returns when the platform gave the time
(Retry-After, a rate-limit reset, Meta's estimated time to regain access), and never makes one up.

Exceptions (see `errors.py` for the public tree):

    ConnectorError
     ├── AuthError / RateLimited / NotFound
     └── PlatformError
          └── Skipped       one object cannot be read; the channel goes on
"""

from __future__ import annotations

import asyncio
import contextlib
import email.utils
import functools
import html
import json
import logging
import re
import ssl
import time
from collections.abc import Awaitable, Callable, Collection, Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC
from enum import StrEnum
from importlib.metadata import PackageNotFoundError, version
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import httpx
from tenacity import AsyncRetrying, RetryCallState, retry_if_exception_type, stop_after_attempt
from tenacity.wait import wait_exponential_jitter

from socialmon_connectors.errors import (
    AuthError,
    ConnectorError,
    NotFound,
    PermissionDenied,
    PlatformError,
    RateLimited,
)
from socialmon_connectors.proxies import proxy_mounts

log = logging.getLogger("socialmon.http")

try:
    SOCIALMON_VERSION = version("socialmon")
except PackageNotFoundError:  # running from a source tree that is not installed
    SOCIALMON_VERSION = "0+unknown"
USER_AGENT = f"socialmon/{SOCIALMON_VERSION} (+https://github.com/socialmon/socialmon)"

#: Query parameters that carry credentials; their values never reach a message or a log.
SECRET_PARAMS = frozenset(
    {
        "access_token",
        "input_token",
        "fb_exchange_token",
        "appsecret_proof",
        "client_secret",
        "refresh_token",
        "key",
        "api_key",
        "token",
        "code",
    }
)
_SECRET_IN_TEXT = re.compile(
    r"(?i)\b(" + "|".join(sorted(SECRET_PARAMS, key=len, reverse=True)) + r")=([^&\s\"'<>]+)"
)
_BEARER_IN_TEXT = re.compile(r"(?i)\b(bearer\s+)[A-Za-z0-9._~+/=-]+")

Sleep = Callable[[float], Awaitable[None]]


# --- redaction ---------------------------------------------------------------------------


def redact_url(url: str | httpx.URL) -> str:
    """The URL with the values of credential query parameters replaced by ***."""
    parts = urlsplit(str(url))
    if not parts.query:
        return str(url)
    query = [
        (name, "***" if name.lower() in SECRET_PARAMS else value)
        for name, value in parse_qsl(parts.query, keep_blank_values=True)
    ]
    return urlunsplit(parts._replace(query=urlencode(query, safe="*(),{}")))


def scrub(text: str, secrets: Iterable[str] = ()) -> str:
    """`text` with credential parameters, bearer tokens and every given secret replaced by ***."""
    from urllib.parse import quote, quote_plus

    forms = {
        form for secret in secrets if secret for form in (secret, quote(secret, safe=""), quote_plus(secret))
    }
    for form in sorted(forms, key=len, reverse=True):
        text = text.replace(form, "***")
    text = _SECRET_IN_TEXT.sub(lambda m: f"{m.group(1)}=***", text)
    return _BEARER_IN_TEXT.sub(lambda m: f"{m.group(1)}***", text)


class _RedactingFilter(logging.Filter):
    """httpx logs every request URL at INFO; make sure no credential parameter survives it."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.args:
            record.msg = record.getMessage()
            record.args = None
        record.msg = scrub(str(record.msg))
        return True


for _name in ("httpx", "httpcore", "socialmon.http"):
    logging.getLogger(_name).addFilter(_RedactingFilter())


# --- the client --------------------------------------------------------------------------


@functools.cache
def _pooled_transport_class() -> type[httpx.AsyncBaseTransport]:
    """httpx-aiohttp's transport, raising what httpx's own raises where the two differ.

    httpx-aiohttp lets protocol violations (a bad status line, a bad header) escape as
    aiohttp errors, and reports a server that hung up as a connect timeout; httpcore calls
    both `RemoteProtocolError`, a `TransportError` the retry policy knows. Imported on
    first use: aiohttp takes longer to import than the rest of a short command runs.
    """
    import aiohttp
    from httpx_aiohttp import AiohttpTransport
    from httpx_aiohttp.transport import map_aiohttp_exceptions

    class PooledTransport(AiohttpTransport):
        def get_client(self) -> aiohttp.ClientSession:
            # As httpx-aiohttp builds its session, but with a jar that keeps no cookies
            # (see _CookielessClient): aiohttp's own jar would otherwise keep them.
            return aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(
                    keepalive_timeout=self.limits.keepalive_expiry,
                    ssl=self.ssl_context,
                    limit=self.limits.max_connections or 0,
                ),
                cookie_jar=aiohttp.DummyCookieJar(),
            )

        async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
            if request.method in ("GET", "HEAD"):
                try:
                    _ = request.content
                except httpx.RequestNotRead:
                    # A redirect's request carries the first one's (empty) body as a stream, which
                    # httpx-aiohttp would send chunked: a GET with a body, which some servers refuse.
                    await request.aread()
            with httpx_errors(request):
                return await super().handle_async_request(request)

        async def send_whole(self, request: httpx.Request) -> httpx.Response:
            """`request` sent as `handle_async_request` sends it, its body read as httpx reads it.

            For `_send_get`: one aiohttp call for the whole exchange, where httpx's client would
            wrap the body in two streams and read it chunk by chunk through an async generator.
            Logs the line httpx's client logs once the answer's head has come.
            """
            if not isinstance(self.client, aiohttp.ClientSession):
                self.client = self.get_client()
            with httpx_errors(request), map_aiohttp_exceptions():
                async with self.client.request(
                    request.method,
                    str(request.url),
                    headers=request.headers,
                    allow_redirects=False,  # httpx's client follows them (`_send_get`)
                    auto_decompress=False,  # httpx decodes, as on its own path
                    compress=False,
                    timeout=_aiohttp_timeout(**request.extensions.get("timeout", {})),
                ) as answer:
                    reason = answer.reason or httpx.codes.get_reason_phrase(answer.status)
                    _httpx_log.info(
                        'HTTP Request: %s %s "%s %d %s"',
                        request.method,
                        request.url,
                        "HTTP/1.1",
                        answer.status,
                        reason,
                    )
                    body = await answer.read()
            extensions = {"http_version": b"HTTP/1.1"}
            if answer.reason:
                extensions["reason_phrase"] = answer.reason.encode()
            response = httpx.Response(
                answer.status,
                headers=answer.raw_headers,
                stream=httpx.ByteStream(body),
                request=request,
                extensions=extensions,
            )
            response.read()  # decoded by its Content-Encoding, as httpx's aread decodes
            return response

    @contextlib.contextmanager
    def httpx_errors(request: httpx.Request) -> Iterator[None]:
        """aiohttp's errors as httpx's transport raises them (see above)."""
        try:
            yield
        except httpx.TransportError as error:
            if isinstance(error.__cause__, aiohttp.ServerDisconnectedError):
                raise httpx.RemoteProtocolError(str(error), request=request) from error.__cause__
            try:
                error.request  # noqa: B018 (raises when not set)
            except RuntimeError:
                error.request = request  # as httpx's client sets it
            raise
        except aiohttp.ClientError as error:
            said = error.message if isinstance(error, aiohttp.ClientResponseError) else str(error)
            detail = " ".join(said.split()) or type(error).__name__
            raise httpx.RemoteProtocolError(detail, request=request) from error

    return PooledTransport


@functools.lru_cache(maxsize=16)
def _aiohttp_timeout(
    connect: float | None = None,
    read: float | None = None,
    write: float | None = None,
    pool: float | None = None,
) -> Any:
    """httpx's timeouts as httpx-aiohttp hands them to aiohttp (which has no write timeout)."""
    import aiohttp

    return aiohttp.ClientTimeout(sock_connect=connect, sock_read=read, connect=pool)


class _NoCookies(httpx.Cookies):
    """A cookie jar that keeps nothing."""

    def extract_cookies(self, response: httpx.Response) -> None:
        pass


class _CookielessClient(httpx.AsyncClient):
    """An `httpx.AsyncClient` that neither keeps nor sends cookies.

    The platforms' APIs authenticate each request with a token, and one client serves the
    channels of many accounts at once: a cookie one account's response sets must never ride
    along on another account's requests. (Not reading them also spares a urllib request
    object and a cookie parse on every response.)
    """

    _no_cookies = _NoCookies()

    @property
    def cookies(self) -> httpx.Cookies:
        return self._no_cookies

    @cookies.setter
    def cookies(self, cookies: Any) -> None:
        if cookies:
            raise ValueError("the connectors' client keeps no cookies")


@functools.cache
def verified_tls() -> ssl.SSLContext:
    """The certificates this process's clients verify servers with, chosen as httpx chooses them
    ($SSL_CERT_FILE, $SSL_CERT_DIR, else certifi's bundle) and loaded once. httpx loads them again
    for every client and transport it builds: 30-50 ms of CPU each, and the quick test suite
    built 308 (11 s of its CPU; 50 since). One context serves any number of connections; being
    shared, it is never changed here (no client certificate, no http2: httpcore sets the context's
    ALPN protocols on each connection, "http/1.1" for every client made here)."""
    return httpx.create_ssl_context(trust_env=True)


def new_client(
    *,
    timeout: float = 30.0,
    max_connections: int = 100,
    transport: httpx.AsyncBaseTransport | None = None,
    shared: bool = False,
) -> httpx.AsyncClient:
    """A client for the connectors' requests (close it when done).

    `shared`: the one client a scan shares between the channels it reads at once. It
    sends through aiohttp's pool, whose cost per request does not grow with the number
    of open connections. A client for one channel keeps httpx's own transport (which
    respx's default mocker intercepts in tests). A request the environment sends through a
    proxy (HTTPS_PROXY, HTTP_PROXY, ALL_PROXY, NO_PROXY: `proxies.proxy_mounts`) goes through
    httpx's own transport to it.
    """
    limits = httpx.Limits(max_connections=max_connections, max_keepalive_connections=max_connections)
    if shared and transport is None:
        transport = _pooled_transport_class()(limits=limits, trust_env=True, verify=verified_tls())
    return _CookielessClient(
        verify=verified_tls(),
        timeout=httpx.Timeout(timeout, connect=min(timeout, 10.0)),
        limits=limits,
        headers={"User-Agent": USER_AGENT, "Accept": "application/json"},
        follow_redirects=True,
        transport=transport,
        mounts=proxy_mounts(verify=verified_tls(), limits=limits),
        trust_env=False,  # the environment's proxies are mounted above (see proxies.py)
    )


async def _send_get(
    client: httpx.AsyncClient, url: httpx.URL | str, headers: Mapping[str, str], timeout: float | None
) -> httpx.Response:
    """`client.get(url, headers=headers, timeout=timeout)` (timeout None: the client's own).

    The scan's shared client (`new_client(shared=True)`) sends the request it builds straight to
    aiohttp's pool and reads the whole answer at once: 0.59-0.71 instead of 0.72-0.90 ms of CPU per
    Graph listing request against the fake Graph API (three runs of 2,000 requests each, in turns).
    What else httpx's client does on the way is nothing for it: it keeps no cookies and has no
    auth and no event hooks. It does so only where `_transport_for_url` answers its pooled
    transport (not under respx in tests, which patches it), otherwise httpx's client sends the
    request as always; a redirect is followed by httpx's client from the answer read here.
    """
    kept = httpx.USE_CLIENT_DEFAULT if timeout is None else timeout
    if not _sends_directly(client):
        return await client.get(url, headers=headers, timeout=kept)
    request = client.build_request("GET", url, headers=headers, timeout=kept)
    choose = getattr(client, "_transport_for_url", None)  # private: without it, httpx's own path
    send_whole = getattr(choose(request.url), "send_whole", None) if choose is not None else None
    if send_whole is None or request.url.userinfo:  # credentials in the URL: httpx's rules for them
        return await client.send(request)
    response = await send_whole(request)
    if not (client.follow_redirects and response.has_redirect_location):
        return response
    # httpx's client goes on from the redirect as it would have from its own (its rules: no
    # Authorization to another origin, its limit on redirects, counted from there: one hop more
    # than `max_redirects` in all); a client without that private method asks for the first URL
    # again through httpx.
    redirected = getattr(client, "_build_redirect_request", None)
    if redirected is None:
        return await client.send(request)
    following = await client.send(redirected(request, response))
    following.history = [response, *following.history]
    return following


_httpx_log = logging.getLogger("httpx")


def _sends_directly(client: httpx.AsyncClient) -> bool:
    """Whether `_send_get` may hand `client`'s requests to its transport itself."""
    return (
        type(client) is _CookielessClient
        and not client.is_closed
        and client.auth is None
        and not client.event_hooks["request"]
        and not client.event_hooks["response"]
    )


# --- errors: one table of actions ----------------------------------------------------------


class Action(StrEnum):
    RETRY = "retry"  # transient: try again with backoff
    THROTTLE = "throttle"  # slow down: retry after the wait asked for, else stop as RateLimited
    QUOTA = "quota"  # a budget that will not come back today: RateLimited now
    AUTH = "auth"  # the token is expired or revoked: AuthError
    DENIED = "denied"  # the token lacks a permission the channel needs: PermissionDenied (stops it)
    NOT_FOUND = "not_found"
    SKIP = "skip"  # this object cannot be read, the channel goes on
    FAIL = "fail"  # anything else: PlatformError with the platform's code and message


@dataclass(frozen=True)
class Rule:
    action: Action
    hint: str | None = None


@dataclass(frozen=True)
class Problem:
    """What the platform said went wrong, read from its error body."""

    status: int
    code: str | None = None  # the platform's own code ("190", "quotaExceeded")
    subcode: str | None = None
    message: str = ""
    # What else the error body named that a rule's hint may use ({"api": …, "activation_url": …}).
    details: Mapping[str, str] = field(default_factory=dict)


_BY_STATUS = {
    401: Rule(Action.AUTH),
    404: Rule(Action.NOT_FOUND),
    408: Rule(Action.RETRY),
    429: Rule(Action.THROTTLE),
}


#: What a 5xx that outlasted the retries tells the user (unless the platform's table says more).
SERVER_TROUBLE_HINT = (
    "a temporary problem on the platform's side; the next scan tries again — if it lasts, check the "
    "platform's status page and the channel's base_url"
)
#: What a successful status with a body that is not the platform's JSON tells the user.
NOT_DATA_HINT = (
    "try again later (the next scan does); if it lasts, check the channel's base_url and the platform's "
    "status page"
)
_TITLE = re.compile(r"<title[^>]*>(.*?)</title>", re.IGNORECASE | re.DOTALL)


def page_title(response: httpx.Response) -> str | None:
    """The title of a web page a server answered with (a Cloudflare error, a maintenance page), shortened."""
    found = _TITLE.search(response.text[:20_000])
    if found is None:
        return None
    title = " ".join(html.unescape(re.sub(r"<[^<>]*>", "", found[1])).split())
    return title[:117] + "..." if len(title) > 120 else title or None


class ErrorTable:
    """Maps (HTTP status or None, platform code) to a `Rule`; the most specific entry wins.

    Keys are `(status, "code")`, `(None, "code")`, `(status, "code/subcode")`,
    `(None, "code/subcode")` or `(status, None)`. Whatever no entry names falls back to
    the HTTP status: 401 auth, 404 not found, 408/5xx retry, 429 throttle, else fail.
    """

    def __init__(self, rules: Mapping[tuple[int | None, str | int | None], Rule | Action]) -> None:
        self.rules: dict[tuple[int | None, str | None], Rule] = {
            (status, None if code is None else str(code)): rule if isinstance(rule, Rule) else Rule(rule)
            for (status, code), rule in rules.items()
        }

    def rule(self, problem: Problem) -> Rule:
        codes = []
        if problem.code is not None and problem.subcode is not None:
            codes.append(f"{problem.code}/{problem.subcode}")
        if problem.code is not None:
            codes.append(problem.code)
        for code in codes:
            for status in (problem.status, None):
                if (status, code) in self.rules:
                    return self.rules[(status, code)]
        if (problem.status, None) in self.rules:
            return self.rules[(problem.status, None)]
        if problem.status in _BY_STATUS:
            return _BY_STATUS[problem.status]
        return Rule(Action.RETRY if problem.status >= 500 else Action.FAIL)


class Skipped(PlatformError):
    """One object (a video with comments turned off, a deleted post) cannot be read; skip it."""


class _Retry(Exception):
    """Internal: a failed attempt worth repeating; `final` is what to raise when retries run out."""

    def __init__(self, final: ConnectorError, wait: float | None = None) -> None:
        super().__init__(str(final))
        self.final = final
        self.wait = wait


# --- rate limits ---------------------------------------------------------------------------


def parse_retry_after(value: str | None, now: float | None = None) -> float | None:
    """Seconds to wait from a `Retry-After` header (seconds or an HTTP date)."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, when.timestamp() - (time.time() if now is None else now))


def access_returns_in(seconds: float) -> str:
    """When a rate limit lifts, as the platform gave it ("access returns in about 12 min")."""
    if seconds < 60:
        return "access returns in under a minute"
    minutes = round(seconds / 60)
    if minutes < 120:
        return f"access returns in about {minutes} min"
    return f"access returns in about {round(minutes / 60)} h"


@dataclass
class UsageThrottle:
    """Meta's usage headers, read on every response, turned into a pause before the next request.

    The headers give the share of the allowance used (0–100) per metric; they are absent
    when usage is near zero, so a missing header leaves the last reading alone. Above
    `slow_at` percent the pause grows in steps; at `stop_at`, or when Meta estimates the
    time to regain access, the pause is that long (and `Api` turns a pause longer than its
    `max_wait` into `RateLimited`, so the channel resumes next scan).
    """

    slow_at: float = 75.0
    stop_at: float = 95.0
    steps: tuple[tuple[float, float], ...] = ((90.0, 10.0), (85.0, 5.0), (80.0, 2.0), (75.0, 1.0))
    usage: float = 0.0
    regain_seconds: float = 0.0

    def observe(self, headers: Mapping[str, str]) -> None:
        # Most responses carry none of the headers (Meta leaves them out while usage is near zero),
        # and then nothing changes: one look at the names took 1.4 µs here, the four reads 5.7 µs.
        if isinstance(headers, httpx.Headers) and _USAGE_HEADERS.isdisjoint(headers.keys()):
            return
        readings: list[float] = []
        regain: list[float] = []
        for name in ("x-app-usage", "x-page-usage", "x-ad-account-usage"):
            value = _json_header(headers.get(name))
            if isinstance(value, dict):
                readings.extend(_percentages(value))
        buc = _json_header(headers.get("x-business-use-case-usage"))
        if isinstance(buc, dict):
            for entries in buc.values():
                for entry in entries if isinstance(entries, list) else [entries]:
                    if isinstance(entry, dict):
                        readings.extend(_percentages(entry))
                        minutes = entry.get("estimated_time_to_regain_access")
                        if isinstance(minutes, int | float) and minutes > 0:
                            regain.append(float(minutes) * 60)
        if readings:
            self.usage = max(readings)
        if readings or buc is not None:
            self.regain_seconds = max(regain, default=0.0)

    def platform_gave_the_time(self) -> bool:
        """Whether `pause()` is the platform's own figure (Meta's estimated time to regain access),
        not this throttle's default pause at `stop_at`: only the first may be told as when access returns."""
        return self.regain_seconds > 0

    def pause(self) -> float:
        """Seconds to wait before the next request."""
        if self.regain_seconds > 0:
            return self.regain_seconds
        if self.usage >= self.stop_at:
            return 300.0
        return next((seconds for at, seconds in self.steps if self.usage >= at), 0.0)


#: The headers `UsageThrottle` reads (as httpx.Headers names them: lower case).
_USAGE_HEADERS = frozenset({"x-app-usage", "x-page-usage", "x-ad-account-usage", "x-business-use-case-usage"})


def _json_header(value: str | None) -> Any:
    if not value:
        return None
    try:
        return json.loads(value)
    except ValueError:
        return None


def _percentages(entry: Mapping[str, Any]) -> list[float]:
    return [
        float(entry[key])
        for key in ("call_count", "total_cputime", "total_time", "acc_id_util_pct")
        if isinstance(entry.get(key), int | float)
    ]


# --- the API helper ------------------------------------------------------------------------


def _with_query(url: str, query: Mapping[str, Any], secrets: Collection[str] = ()) -> httpx.URL | str:
    """`url` with `query` (encoded as httpx encodes `params=`), as one parsed URL.

    httpx parses a URL string and then parses it again to merge `params=` into it; the
    parse walks every character in Python, and Graph queries (field expansions, cursors)
    run to hundreds of characters. A URL that has a query of its own (a platform's next-page
    link) keeps it, and `query` is added: a name in both takes `query`'s values (a fresh token
    over a link's). httpx's `params=`, on the client as on `httpx.URL`, would replace the URL's
    whole query.

    A URL without a query of its own is parsed without `query` (once: the parse is cached) and
    given `query` as httpx encodes it (`_encoded_query`), not parsed again (`_joined`). A Graph
    listing's next-page URL (a new cursor each time) took 108 µs here as one parse of the whole
    string, 10 µs so. A URL naming a user (`https://user:password@proxy/…`) is not kept; nor is
    a value in `secrets` (the channel's credentials, whatever their names).
    """
    if not query:
        return url
    if "?" in url:
        return httpx.URL(url).copy_merge_params(query)
    encoded = _encoded_query(query, secrets)
    if (
        "#" not in url
        and "@" not in url
        and len(url) + 1 + len(encoded) <= _MAX_URL_LENGTH
        and _joins_as_httpx_parses()
    ):
        return _joined(_parsed(url), encoded)
    return httpx.URL(f"{url}?{encoded}")


#: The longest URL httpx takes (`httpx._urlparse.MAX_URL_LENGTH`); a longer one is left to httpx to refuse.
_MAX_URL_LENGTH = 65_536


@functools.lru_cache(maxsize=1024)
def _parsed(url: str) -> httpx.URL:
    """`url` (without a query), parsed by httpx; a listing asks for the same URL on every page."""
    return httpx.URL(url)


def _joined(base: httpx.URL, encoded: str) -> httpx.URL:
    """`base` (no query, no fragment) with the query `encoded`: what httpx parses `f"{base}?{encoded}"` to.

    A query `QueryParams` encoded holds only letters, digits, `-._~+=&` and %XX escapes, which
    httpx's parse keeps as they are (its quoting leaves escapes and those characters alone, and
    none is a control character); the rest of the URL parses as it did without the query. So
    the parsed form is `base`'s with that query: built here from httpx's own parsed parts
    (`httpx.URL._uri_reference`, a named tuple), as `httpx.URL.copy_with` would build it after
    parsing every part again (80 µs for a Graph listing's query here). `_joins_as_httpx_parses`
    checks once a process that this gives what httpx's parse gives, else `_with_query` parses.
    """
    joined = httpx.URL(base)  # a copy sharing base's parsed parts (nothing parsed)
    joined._uri_reference = base._uri_reference._replace(query=encoded)
    return joined


#: A query this process's httpx is checked on (`_joins_as_httpx_parses`, `_encodes_as_httpx`).
_CHECKED_QUERY = {
    "fields": "id,from{id,name},x.limit(0)",
    "q": "a&b=c+d #e 100% ¿é? ~'\"<>",
    "n": 5,
    "t": True,
}


@functools.cache
def _joins_as_httpx_parses() -> bool:
    """Whether `_joined` gives the very URL httpx's own parse does (an httpx that keeps its parsed
    parts otherwise is parsed as any URL)."""
    encoded = str(httpx.QueryParams(_CHECKED_QUERY))
    for url in (
        "https://Graph.example.com:443/v19.0/1_2/comments",
        "http://127.0.0.1:8080/v1/ñ/a%20b/./c",
        "http://h",
    ):
        try:
            joined = _joined(httpx.URL(url), encoded)
            parsed = httpx.URL(f"{url}?{encoded}")
            if joined._uri_reference != parsed._uri_reference or str(joined) != str(parsed):
                return False
        except Exception:  # any failure means: use httpx's parse
            return False
    return True


def _encoded_query(query: Mapping[str, Any], secrets: Collection[str] = ()) -> str:
    """`query` encoded as `str(httpx.QueryParams(query))` encodes it.

    Each name and value of text or a whole number is encoded once (`_encoded_pair`): a Graph
    listing's `fields` expansion took 20 µs to encode on every request. Other values (lists,
    floats) and other names leave the whole query to `QueryParams`, as does an httpx that does
    not encode a query pair by pair (`_encodes_as_httpx`). Credentials (`SECRET_PARAMS`, and any
    value in `secrets`) and long values are encoded each time, not kept.
    """
    if not _encodes_as_httpx():
        return str(httpx.QueryParams(query))
    pairs = []
    for name, value in query.items():
        if type(name) is not str or type(value) not in _CACHED_TYPES:
            return str(httpx.QueryParams(query))
        if (
            name.lower() in SECRET_PARAMS
            or value in secrets
            or (type(value) is str and len(value) > _LONGEST_KEPT_VALUE)
        ):
            pairs.append(str(httpx.QueryParams({name: value})))
        else:
            pairs.append(_encoded_pair(name, value))
    return "&".join(pairs)


#: Longer values are encoded on each request, not kept (the cache holds 1,024 pairs).
_LONGEST_KEPT_VALUE = 2_000


@functools.cache
def _encodes_as_httpx() -> bool:
    """Whether this process's httpx encodes a query as its pairs, each encoded alone, joined by `&`."""
    pairs = "&".join(str(httpx.QueryParams({name: value})) for name, value in _CHECKED_QUERY.items())
    return pairs == str(httpx.QueryParams(_CHECKED_QUERY))


#: Value types whose equal values encode alike (not float: 0.0 == -0.0); bool apart from int (typed cache).
_CACHED_TYPES = frozenset({str, int, bool, type(None)})


@functools.lru_cache(maxsize=1024, typed=True)
def _encoded_pair(name: str, value: str | int | bool | None) -> str:
    """`name=value` as `QueryParams` encodes it (the pairs of a query are joined by `&`)."""
    return str(httpx.QueryParams({name: value}))


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int = 5  # tries per request, the first included
    backoff: float = 1.0  # first backoff, doubling, with up to as much jitter
    max_backoff: float = 30.0
    max_wait: float = 120.0  # the longest pause (Retry-After, usage) waited through; longer → RateLimited


def _no_problem(status: int, body: Any) -> Problem:
    return Problem(status=status, message=f"HTTP {status}")


@dataclass
class Api:
    """Requests to one platform for one channel, through the scan's shared client."""

    client: httpx.AsyncClient
    base_url: str
    platform: str  # "Facebook", for messages
    errors: ErrorTable = field(default_factory=lambda: ErrorTable({}))
    parse_error: Callable[[int, Any], Problem] = _no_problem
    headers: dict[str, str] = field(default_factory=dict)
    params: dict[str, str] = field(default_factory=dict)  # sent with every request
    secrets: list[str] = field(default_factory=list)  # scrubbed from every message
    policy: RetryPolicy = field(default_factory=RetryPolicy)
    sleep: Sleep = asyncio.sleep
    throttle: UsageThrottle | None = None
    timeout: float | None = None  # per read of the response; None keeps the client's
    # Seconds one request may take in all: httpx's timeout bounds each read, so a server that
    # trickles its body a few bytes at a time would otherwise hold the channel for ever.
    deadline: float | None = None
    requests: int = 0  # responses received, for quota accounting and tests
    retries: int = 0

    def url(self, path: str) -> str:
        if path.startswith(("http://", "https://")):
            return path
        return f"{self.base_url.rstrip('/')}/{path.lstrip('/')}"

    async def get(self, path: str, params: Mapping[str, Any] | None = None) -> Any:
        """GET `path` (relative to `base_url`, or a full URL) and return its JSON body."""
        url = self.url(path)
        query = {**self.params, **(params or {})}
        try:
            # Most requests succeed at once: the retry machinery is built only for those that do not.
            return await self._once(url, query)
        except _Retry as failed:
            first_failure = failed
        return await self._retry(url, query, first_failure)

    async def _retry(self, url: str, query: dict[str, Any], first_failure: _Retry) -> Any:
        """Attempts 2… of a request whose first attempt failed with `first_failure`."""
        attempts = 0

        async def attempt() -> Any:
            nonlocal attempts
            attempts += 1
            if attempts == 1:  # tenacity counts, waits for and logs the first attempt like any other
                raise first_failure
            return await self._once(url, query)

        backoff = wait_exponential_jitter(
            initial=self.policy.backoff, max=self.policy.max_backoff, jitter=self.policy.backoff
        )

        def wait(state: RetryCallState) -> float:
            error = state.outcome.exception() if state.outcome else None
            if isinstance(error, _Retry) and error.wait is not None:
                return error.wait
            return backoff(state)

        def note_retry(state: RetryCallState) -> None:
            self.retries += 1
            error = state.outcome.exception() if state.outcome else None
            log.info(
                "%s: retrying %s in %.1f s: %s",
                self.platform,
                self.describe(url),
                state.upcoming_sleep,
                self.clean(str(error)),
            )

        retrying = AsyncRetrying(
            stop=stop_after_attempt(self.policy.attempts),
            wait=wait,
            retry=retry_if_exception_type(_Retry),
            sleep=self.sleep,
            before_sleep=note_retry,
            reraise=True,
        )
        try:
            return await retrying(attempt)
        except _Retry as exhausted:
            raise exhausted.final from None

    def clean(self, text: str) -> str:
        return scrub(text, self.secrets)

    def describe(self, url: str) -> str:
        return self.clean(redact_url(url))

    async def _once(self, url: str, query: dict[str, Any]) -> Any:
        if self.throttle is not None:
            pause = self.throttle.pause()
            if pause > self.policy.max_wait:
                when = (
                    access_returns_in(pause)
                    if self.throttle.platform_gave_the_time()
                    else f"{self.platform} gives no time for access to return: the next scan tries again"
                )
                raise RateLimited(
                    f"{self.platform}: usage at {self.throttle.usage:.0f}% of the allowance; {when}",
                    retry_after=pause,
                )
            if pause > 0:
                log.info("%s: usage at %.0f%%, pausing %.1f s", self.platform, self.throttle.usage, pause)
                await self.sleep(pause)
        try:
            target = _with_query(url, query, self.secrets)
            async with asyncio.timeout(self.deadline):
                response = await _send_get(self.client, target, self.headers, self.timeout)
        except TimeoutError:
            raise PlatformError(
                f"{self.platform}: {self.describe(url)} took more than {self.deadline:g} s "
                "(request_deadline) to answer",
                code="network",
                hint="the platform or the network is very slow; the channel resumes from where it stopped "
                "on the next scan",
            ) from None
        except httpx.TransportError as error:
            detail = self.clean(str(error)) or type(error).__name__
            raise _Retry(
                PlatformError(
                    f"{self.platform}: network error on {self.describe(url)}: {detail}", code="network"
                )
            ) from None
        except httpx.DecodingError as error:  # a body its Content-Encoding does not unpack: cut off?
            detail = self.clean(str(error)) or type(error).__name__
            raise _Retry(
                PlatformError(
                    f"{self.platform}: the answer from {self.describe(url)} could not be decoded: {detail}",
                    code="malformed",
                    hint=NOT_DATA_HINT,
                )
            ) from None
        except httpx.TooManyRedirects:
            raise PlatformError(
                f"{self.platform}: {self.describe(url)} redirected more than "
                f"{self.client.max_redirects} times",
                code="network",
                hint=NOT_DATA_HINT,
            ) from None
        self.requests += 1
        if self.throttle is not None:
            self.throttle.observe(response.headers)
        if response.is_success:
            try:
                return response.json()
            except ValueError:
                raise _Retry(self._not_data(response, url)) from None
        try:
            body = response.json()
        except ValueError:
            body = None
        problem = self.parse_error(response.status_code, body)
        title = page_title(response) if body is None else None
        if title and problem.message == f"HTTP {problem.status}":
            problem = replace(problem, message=f'HTTP {problem.status}, a web page titled "{title}"')
        retry_after = parse_retry_after(response.headers.get("retry-after"))
        raise self._error(self.errors.rule(problem), problem, retry_after, self.describe(url))

    def _not_data(self, response: httpx.Response, url: str) -> PlatformError:
        """A successful status whose body is not JSON: a web page (maintenance, a proxy), or JSON cut off."""
        where, status = self.describe(url), response.status_code
        if response.text.lstrip()[:1] in ("{", "["):
            message = (
                f"{self.platform}: incomplete answer from {where} (HTTP {status}): "
                "its JSON is cut off or malformed"
            )
        else:
            message = (
                f"{self.platform}: {where} answered with a web page instead of data "
                f"(HTTP {status}; maintenance or a proxy?)"
            )
            title = page_title(response)
            if title:
                message += f': "{self.clean(title)}"'
        return PlatformError(message, code="malformed", status=status, hint=NOT_DATA_HINT)

    def _error(self, rule: Rule, problem: Problem, retry_after: float | None, where: str) -> Exception:
        code = problem.code if problem.subcode is None else f"{problem.code}/{problem.subcode}"
        said = self.clean(problem.message or f"HTTP {problem.status}")
        message = f"{self.platform} error {code or problem.status} (HTTP {problem.status}) on {where}: {said}"
        action = rule.action
        if action is Action.RETRY:
            hint = rule.hint or (SERVER_TROUBLE_HINT if problem.status >= 500 else None)
            return _Retry(PlatformError(message, code=code, status=problem.status, hint=hint), retry_after)
        if action is Action.THROTTLE:
            # Retry-After, or the reset the rate-limit headers gave: either way the platform's own time.
            wait = retry_after
            if wait is None and self.throttle is not None and self.throttle.regain_seconds > 0:
                wait = self.throttle.regain_seconds
            if wait:
                message = f"{message}; {access_returns_in(wait)}"
            limited = RateLimited(message, retry_after=wait, hint=rule.hint)
            if wait is not None and wait > self.policy.max_wait:
                return limited
            return _Retry(limited, wait)
        if action is Action.QUOTA:
            return RateLimited(message, retry_after=retry_after, hint=rule.hint)
        if action is Action.AUTH:
            return AuthError(message, hint=rule.hint)
        if action is Action.DENIED:
            return PermissionDenied(message, hint=rule.hint)
        if action is Action.NOT_FOUND:
            return NotFound(message, code=code, hint=rule.hint)
        if action is Action.SKIP:
            return Skipped(message, code=code, status=problem.status, hint=rule.hint)
        return PlatformError(message, code=code, status=problem.status, hint=rule.hint)


__all__ = [
    "NOT_DATA_HINT",
    "SERVER_TROUBLE_HINT",
    "USER_AGENT",
    "Action",
    "Api",
    "ErrorTable",
    "Problem",
    "RetryPolicy",
    "Rule",
    "Skipped",
    "UsageThrottle",
    "access_returns_in",
    "new_client",
    "page_title",
    "parse_retry_after",
    "redact_url",
    "scrub",
]
