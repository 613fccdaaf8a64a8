"""The proxies the environment names (HTTPS_PROXY, HTTP_PROXY, ALL_PROXY, NO_PROXY), as clients mount them.

httpx reads them itself only for a client built with its own transport and `trust_env`, and
refuses the whole client at a proxy of a scheme it cannot use: `socks://`, the form GNOME and KDE
export for a manual proxy, stopped every scan with a traceback. Every client socialmon builds
(the connectors', `socialmon try`'s check, the webhooks') mounts what `proxy_mounts` gives
instead, with `trust_env=False`: a transport per proxy the environment names, no proxy for the
hosts NO_PROXY names, and any other request through the client's own transport (the scan's
aiohttp pool). A proxy httpx cannot use is left out, and said once a process.
"""

from __future__ import annotations

import functools
import ipaddress
import logging
import os
import ssl
import urllib.request
from typing import Any
from urllib.parse import urlsplit

import httpx

log = logging.getLogger("socialmon.http")  # its warnings are said in the CLI's language

#: The proxy schemes httpx takes (socks5 with httpx[socks]).
USABLE_SCHEMES = ("http", "https", "socks5", "socks5h")


def proxy_mounts(
    *, verify: ssl.SSLContext, limits: httpx.Limits | None = None, sync: bool = False
) -> dict[str, Any]:
    """httpx `mounts` for the environment's proxies, read as httpx reads them with `trust_env`.

    Each pattern ("https://", "all://*example.com") maps to a transport through its proxy,
    verifying servers with `verify`, or to None (NO_PROXY: the client's own transport). `sync`:
    for an `httpx.Client` rather than an `httpx.AsyncClient`.
    """
    transport = httpx.HTTPTransport if sync else httpx.AsyncHTTPTransport
    options: dict[str, Any] = {"verify": verify, "trust_env": False}
    if limits is not None:
        options["limits"] = limits
    mounts: dict[str, Any] = {}
    unusable = []
    for pattern, url in _environment_proxies().items():
        if url is None:
            mounts[pattern] = None
        elif urlsplit(url).scheme in USABLE_SCHEMES:
            mounts[pattern] = transport(proxy=url, **options)
        else:
            unusable.append(pattern.removesuffix("://"))
    if unusable:
        _say_unusable(tuple(unusable))
    return mounts


def _environment_proxies() -> dict[str, str | None]:
    """The environment's proxies as httpx reads them with `trust_env` (its private
    `_utils.get_environment_proxies`, written again here from the standard library's reading):
    "http://", "https://" and "all://" to their proxy's URL, and NO_PROXY's hosts to None."""
    found = urllib.request.getproxies()
    mounts: dict[str, str | None] = {}
    for scheme in ("http", "https", "all"):
        if found.get(scheme):
            mounts[f"{scheme}://"] = _with_scheme(found[scheme])
    for host in (name.strip() for name in found.get("no", "").split(",")):
        if host == "*":
            return {}  # NO_PROXY=*: no proxy at all
        if not host:
            continue
        if "://" in host:
            mounts[host] = None
        elif _is_address(host, ipaddress.IPv4Address) or host.lower() == "localhost":
            mounts[f"all://{host}"] = None
        elif _is_address(host, ipaddress.IPv6Address):
            mounts[f"all://[{host}]"] = None
        else:
            mounts[f"all://*{host}"] = None  # the host and its subdomains, as curl reads NO_PROXY
    return mounts


def _with_scheme(url: str) -> str:
    """A proxy written without a scheme ("proxy.lan:3128") is an HTTP proxy, as httpx reads it."""
    return url if "://" in url else f"http://{url}"


def _is_address(host: str, kind: type[ipaddress.IPv4Address] | type[ipaddress.IPv6Address]) -> bool:
    try:
        kind(host.split("/")[0])
    except ValueError:
        return False
    return True


@functools.cache  # once a process: a scan builds a client for some channels besides its own
def _say_unusable(schemes: tuple[str, ...]) -> None:
    named = ", ".join(_named(scheme) for scheme in schemes)
    log.warning(  # said in the CLI's language: socialmon/cli/_config_words.py, HTTP_WARNINGS
        "the proxy the environment names cannot be used (%s): requests go without it; "
        "the schemes that work are http, https, socks5 and socks5h",
        named,
    )


def _named(scheme: str) -> str:
    """ "ALL_PROXY (socks://)": the variable as it is set, and the proxy's scheme, never its URL
    (which may hold a password)."""
    for name in (f"{scheme}_proxy", f"{scheme.upper()}_PROXY"):
        url = os.environ.get(name)
        if url:
            written = urlsplit(_with_scheme(url)).scheme
            return f"{name} ({written}://)" if written.isalnum() else name
    return f"{scheme.upper()}_PROXY"


__all__ = ["USABLE_SCHEMES", "proxy_mounts"]
