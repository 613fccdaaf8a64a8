"""A Spanish scan says in Spanish why a channel stopped early (SIGTERM, a worker's signal, a scan's
cap), its numbers written as Spanish writes them, and the Bluesky connector's words about the account
it reads (a handle that names another account now, an account that is gone); the platform's own text,
handles and DIDs stay as written, and an English scan says it all as the scan wrote it."""

from __future__ import annotations

import logging
import signal
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
import respx
from helpers import comment, post, write_config, write_jsonl
from typer.testing import CliRunner

from socialmon.cli import app
from socialmon.cli._config_words import said_error, said_warning
from socialmon_connectors import bluesky

XRPC = "https://public.api.bsky.app/xrpc"
PROFILE, FEED = "/app.bsky.actor.getProfile", "/app.bsky.feed.getAuthorFeed"
OLD_HANDLE, NEW_HANDLE = "cornerbistro.bsky.social", "cornerbistro.com"
BISTRO = "did:plc:bistro4kq7xw2m"  # the business's account, kept in the channel's cursor
SQUATTER = "did:plc:squat9zr3tq1p"  # whoever registered the old handle after the rename
BLUESKY = (
    f'[[brands.channels]]\nname = "bsky"\nplatform = "bluesky"\naccount = "{OLD_HANDLE}"\n'
    "max_retries = 0\nretry_backoff = 0\n"
)
EXPORTS = (
    '[[brands.channels]]\nname = "export"\nplatform = "file"\npath = "export.jsonl"\npage_size = 2\n\n'
    '[[brands.channels]]\nname = "later"\nplatform = "file"\npath = "later.jsonl"\n'
)


def scan(cli: CliRunner, config: Path, monkeypatch: pytest.MonkeyPatch, *options: str) -> Any:
    """`socialmon scan` in the brand's language (Spanish), its warnings written as logging's last
    resort writes them when nothing configured logging (pytest's own capture set aside)."""
    monkeypatch.setattr(logging.root, "handlers", [])
    monkeypatch.delenv("SOCIALMON_LANG", raising=False)
    for name in ("LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LANG", "C.UTF-8")  # the brand's language decides: es
    monkeypatch.setenv("COLUMNS", "400")
    return cli.invoke(app, ["scan", "--config", str(config), *options])


# --- (a) a scan stopped early ---------------------------------------------------------------


def test_a_scan_stopped_by_sigterm_says_why_in_spanish(
    tmp_path: Path, cli: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    """SIGTERM arrives while the first channel reads its first page (its broken line is being
    reported): that channel ends partial after the page, and the one waiting for its turn is not
    scanned; both say so in Spanish."""
    from socialmon.cli.scan import PlainReporter

    write_jsonl(tmp_path / "export.jsonl", [post("p1"), comment("c1"), post("p2"), post("p3")])
    (tmp_path / "export.jsonl").write_text(
        "{broken\n" + (tmp_path / "export.jsonl").read_text(encoding="utf-8"), encoding="utf-8"
    )
    write_jsonl(tmp_path / "later.jsonl", [post("q1")])
    reported = PlainReporter.record_rejected

    def sigterm_while_reading(self: PlainReporter, label: str, rejected: Any) -> None:
        reported(self, label, rejected)
        on_sigterm = signal.getsignal(signal.SIGTERM)
        assert callable(on_sigterm), "the scan handles SIGTERM"
        on_sigterm(signal.SIGTERM, None)  # what the signal runs: `stop_on_sigterm`'s handler

    monkeypatch.setattr(PlainReporter, "record_rejected", sigterm_while_reading)
    result = scan(cli, write_config(tmp_path, channels=EXPORTS), monkeypatch, "--concurrency", "1")
    assert result.exit_code == 143, result.output
    lines = result.stderr.splitlines()
    (stopped,) = [line for line in lines if line.startswith("cafe/export: INCOMPLETO")]
    assert stopped.endswith("; se detuvo por SIGTERM tras 1 página; el próximo escaneo sigue desde ahí"), (
        lines
    )
    assert "cafe/later: FALLÓ: se detuvo por SIGTERM: no se escaneó" in lines, lines
    # The summary's reasons, on stdout, in Spanish too.
    assert "se detuvo por SIGTERM tras 1 página" in result.stdout, result.stdout
    assert "SIGTERM after" not in result.stdout + result.stderr


def test_a_workers_stop_and_its_counts_are_said_in_spanish(cli_in_spanish: None) -> None:
    error = (
        "worker stopping (SIGINT) after 1234 page(s); the next scan resumes there; "
        "2 thread(s) left for the next scan: a: Mastodon error 502 (HTTP 502) on x: HTTP 502"
    )
    assert said_error(error) == (
        "el proceso de trabajo se detiene (SIGINT) tras 1.234 páginas; el próximo escaneo sigue desde "
        "ahí; 2 hilos por leer en el próximo escaneo: a: Mastodon error 502 (HTTP 502) on x: HTTP 502"
    )
    assert said_error("worker stopping (SIGTERM): not scanned") == (
        "el proceso de trabajo se detiene (SIGTERM): no se escaneó"
    )


def test_a_scans_caps_write_their_numbers_as_spanish_does(cli_in_spanish: None) -> None:
    """The connectors write "1,000" (`_paging.SweepConnector.pages`, youtube's channel-wide pass)."""
    assert said_error("Incomplete: Reddit: stopped after 1,000 listing pages (max_pages_per_scan)") == (
        "Incomplete: Reddit: se detuvo tras 1.000 páginas del listado (max_pages_per_scan)"
    )
    assert said_error("Reddit: stopped after 25,000 records (max_records_per_scan)") == (
        "Reddit: se detuvo tras 25.000 registros (max_records_per_scan)"
    )
    said = said_error(
        "YouTube: read 1,200 pages of the channel's comment threads, down to 2026-01-02; older threads "
        "were not read (raise channel_threads_pages to read more)"
    )
    assert said.startswith("YouTube: ") and "1.200" in said and "1,200" not in said, said


def test_an_english_scan_says_the_stop_as_the_scan_wrote_it() -> None:
    error = "stopped by SIGTERM after 1,234 page(s); the next scan resumes there"
    assert said_error(error) == error
    assert said_error("Reddit: stopped after 1,000 listing pages (max_pages_per_scan)").endswith(
        "1,000 listing pages (max_pages_per_scan)"
    )


# --- (b) Bluesky's words about the account it reads -------------------------------------------


def profile(did: str, handle: str) -> dict[str, Any]:
    return {
        "did": did,
        "handle": handle,
        "displayName": "Corner Bistro",
        "followersCount": 3,
        "postsCount": 1,
    }


def feed_of(did: str, handle: str, rkey: str) -> dict[str, Any]:
    """An author feed of one post of an hour ago, without replies (no cursor: the last page)."""
    when = (datetime.now(UTC) - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%S.000Z")
    return {
        "feed": [
            {
                "post": {
                    "uri": f"at://{did}/app.bsky.feed.post/{rkey}",
                    "cid": "bafyreih" + rkey,
                    "author": {"did": did, "handle": handle},
                    "record": {"$type": "app.bsky.feed.post", "text": "Open on Sunday", "createdAt": when},
                    "replyCount": 0,
                    "repostCount": 0,
                    "likeCount": 1,
                    "indexedAt": when,
                }
            }
        ]
    }


def xrpc_error(status: int, name: str, message: str) -> httpx.Response:
    return httpx.Response(status, json={"error": name, "message": message})


def scanned_once(tmp_path: Path, cli: CliRunner, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A config whose channel was scanned once: its cursor keeps BISTRO, the account the handle named."""
    config = write_config(tmp_path, channels=BLUESKY)
    with respx.mock(base_url=XRPC, assert_all_called=True) as router:
        router.get(PROFILE, params={"actor": OLD_HANDLE}).respond(json=profile(BISTRO, OLD_HANDLE))
        router.get(FEED, params={"actor": BISTRO}).respond(json=feed_of(BISTRO, OLD_HANDLE, "3kt1first0001"))
        result = scan(cli, config, monkeypatch)
    assert result.exit_code == 0, result.output
    return config


def test_a_handle_someone_else_took_is_warned_about_in_spanish(
    tmp_path: Path, cli: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = scanned_once(tmp_path, cli, monkeypatch)
    with respx.mock(base_url=XRPC, assert_all_called=True) as router:
        router.get(PROFILE, params={"actor": OLD_HANDLE}).respond(json=profile(SQUATTER, OLD_HANDLE))
        router.get(PROFILE, params={"actor": BISTRO}).respond(json=profile(BISTRO, NEW_HANDLE))
        router.get(FEED, params={"actor": BISTRO}).respond(json=feed_of(BISTRO, NEW_HANDLE, "3kt2renamed02"))
        result = scan(cli, config, monkeypatch)
    assert result.exit_code == 0, result.output
    (warning,) = [line for line in result.stderr.splitlines() if line.startswith("Bluesky: ")]
    assert warning == (
        f"Bluesky: canal cafe/bsky: el handle {OLD_HANDLE} ahora es de otra cuenta ({SQUATTER}); socialmon "
        f"sigue leyendo la cuenta del canal, {BISTRO} (ahora @{NEW_HANDLE}), no esa. El handle de la "
        "configuración quedó viejo: escriba como cuenta del canal el handle actual de la cuenta o su DID"
    ), warning


def test_an_account_that_is_gone_fails_the_channel_in_spanish(
    tmp_path: Path, cli: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = scanned_once(tmp_path, cli, monkeypatch)
    with respx.mock(base_url=XRPC, assert_all_called=False) as router:
        router.get(PROFILE, params={"actor": OLD_HANDLE}).respond(json=profile(SQUATTER, OLD_HANDLE))
        router.get(PROFILE, params={"actor": BISTRO}).mock(
            return_value=xrpc_error(400, "AccountDeactivated", "Account is deactivated")
        )
        feed = router.get(FEED).respond(json={"feed": []})
        result = scan(cli, config, monkeypatch)
    assert result.exit_code == 1 and not feed.called, result.output
    (failed,) = [line for line in result.stderr.splitlines() if line.startswith("cafe/bsky: ")][-1:]
    assert failed == (
        f"cafe/bsky: FALLÓ: NotFound: Bluesky: canal cafe/bsky: la cuenta que lee, {BISTRO} (nombrada "
        f"{OLD_HANDLE} en la configuración), ya no está: Bluesky error AccountDeactivated (HTTP 400) on "
        f"{XRPC}/app.bsky.actor.getProfile: Account is deactivated (la cuenta está desactivada). "
        "socialmon no lee a quien tenga ese handle ahora; si el negocio tiene una cuenta nueva, escriba "
        "su handle o su DID como cuenta del canal — corrija la cuenta del canal en la configuración"
    ), failed


@pytest.mark.parametrize("taken", [True, False], ids=["taken", "free"])
@pytest.mark.parametrize("current", [NEW_HANDLE, None], ids=["renamed", "no valid handle"])
def test_every_stale_handle_warning_is_said_in_spanish(
    taken: bool, current: str | None, cli_in_spanish: None
) -> None:
    """Each warning the connector writes (`bluesky.stale_handle_warning`), said whole: nothing in
    English is left but the names."""
    english = bluesky.stale_handle_warning(
        "cafe/bsky", OLD_HANDLE, SQUATTER if taken else "", BISTRO, current
    )
    spoken = said_warning(english)
    assert spoken != english
    for word in ("account", "handle now", "stale", "write", "no valid", "longer"):
        assert word not in spoken, spoken
    assert OLD_HANDLE in spoken and BISTRO in spoken and (not taken or SQUATTER in spoken)
    assert current is None or f"@{current}" in spoken


def test_a_thread_stopped_for_the_channels_time_is_said_in_spanish(cli_in_spanish: None) -> None:
    """`_paging.SweepConnector.read_thread`'s and YouTube's reasons, as a partial scan lists them."""
    assert said_error(
        "1 thread(s) left for the next scan: t3_abc: Reddit post abc: stopped part way through its thread "
        "at the channel's time limit (channel_timeout) after 1,200 comments; the next scan reads it again "
        "from where this read began, after the rest of the channel"
    ) == (
        "1 hilo por leer en el próximo escaneo: t3_abc: Reddit post abc: se detuvo a mitad de su hilo al "
        "llegar al límite de tiempo del canal (channel_timeout), tras 1.200 comentarios; el próximo escaneo "
        "lo lee de nuevo desde donde empezó esta lectura, después del resto del canal"
    )
    said = said_error(
        "YouTube video v1: stopped part way through its thread at the channel's time limit "
        "(channel_timeout); the next scan goes on from the page of comments it was reading, after the "
        "rest of the channel"
    )
    assert said == (
        "YouTube video v1: se detuvo a mitad de su hilo al llegar al límite de tiempo del canal "
        "(channel_timeout); el próximo escaneo sigue desde la página de comentarios que estaba leyendo, "
        "después del resto del canal"
    )
