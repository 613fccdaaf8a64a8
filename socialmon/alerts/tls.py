"""The certificates alerts verify their servers with (webhooks, SMTP), loaded once per process.

Loading the certificate authorities takes 30-45 ms of CPU each time (measured on this project's
CI machine: `ssl.create_default_context()` 42 ms, `httpx.create_ssl_context()` 31 ms), and each
alerts run and each e-mail built a new context: 156 of them, 7 s of the quick test suite's CPU.
A context is shared only where nothing changes it afterwards: no client certificate is loaded
into these, and httpcore sets the same ALPN protocols ("http/1.1") on the webhooks' context for
each connection. It is kept per source of certificates, so a changed `ca_file`, or a changed
$SSL_CERT_FILE / $SSL_CERT_DIR for webhooks, loads a new one, as a new process would (e-mail
without a `ca_file` keeps the system's store for the process).
"""

from __future__ import annotations

import functools
import os
import ssl
from pathlib import Path


def for_webhooks() -> ssl.SSLContext:
    """What httpx verifies with by default ($SSL_CERT_FILE, $SSL_CERT_DIR, else certifi's bundle)."""
    return _httpx_context(os.environ.get("SSL_CERT_FILE"), os.environ.get("SSL_CERT_DIR"))


def for_email(ca_file: str | None) -> ssl.SSLContext:
    """The system's certificate authorities, or only those of `ca_file` (a server with a private CA)."""
    return _stdlib_context(ca_file, _stamp(ca_file))


@functools.lru_cache(maxsize=8)
def _httpx_context(cert_file: str | None, cert_dir: str | None) -> ssl.SSLContext:
    import httpx

    return httpx.create_ssl_context(trust_env=True)


@functools.lru_cache(maxsize=8)
def _stdlib_context(ca_file: str | None, stamp: tuple[int, int, int, int] | None) -> ssl.SSLContext:
    return ssl.create_default_context(cafile=ca_file)


def _stamp(path: str | None) -> tuple[int, int, int, int] | None:
    """The file's inode, size, modification and change times: a certificate rewritten in place or
    copied over it, even with its old modification time kept (`cp -p`), is loaded again."""
    if path is None:
        return None
    try:
        found = Path(path).stat()
    except OSError:
        return None  # loading it fails and says why; a failure is not kept
    return found.st_ino, found.st_size, found.st_mtime_ns, found.st_ctime_ns
