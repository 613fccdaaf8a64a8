"""The certificates alerts verify servers with are loaded once, and again when their source changes."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from helpers import self_signed_certificate

from socialmon.alerts import tls

pytestmark = pytest.mark.skipif(shutil.which("openssl") is None, reason="makes certificates with openssl")


def subjects(context: object) -> list[str]:
    return [str(cert["subject"]) for cert in context.get_ca_certs()]  # type: ignore[attr-defined]


def test_an_email_ca_file_is_loaded_once_and_again_when_it_is_rewritten(tmp_path: Path) -> None:
    (tmp_path / "one").mkdir()
    (tmp_path / "two").mkdir()
    cert, _ = self_signed_certificate(tmp_path / "one")
    first = tls.for_email(str(cert))
    assert tls.for_email(str(cert)) is first
    assert len(subjects(first)) == 1

    other, _ = self_signed_certificate(tmp_path / "two")
    # The same file rewritten in place with two CAs, its time set back: told by its size.
    cert.write_bytes(cert.read_bytes() + other.read_bytes())
    os.utime(cert, ns=(1, 1))
    again = tls.for_email(str(cert))
    assert again is not first and len(subjects(again)) == 2


def test_the_systems_cas_are_shared_and_a_missing_ca_file_fails_each_time(tmp_path: Path) -> None:
    assert tls.for_email(None) is tls.for_email(None)
    for _ in range(2):
        with pytest.raises(OSError):
            tls.for_email(str(tmp_path / "missing.pem"))


def test_webhooks_follow_ssl_cert_file_as_a_new_process_would(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SSL_CERT_FILE", raising=False)
    monkeypatch.delenv("SSL_CERT_DIR", raising=False)
    default = tls.for_webhooks()
    assert tls.for_webhooks() is default
    cert, _ = self_signed_certificate(tmp_path)
    monkeypatch.setenv("SSL_CERT_FILE", str(cert))
    own = tls.for_webhooks()
    assert own is not default and len(subjects(own)) == 1
    assert "127.0.0.1" in subjects(own)[0]
