"""`socialmon try`: one public account, scanned into a throw-away (or kept) database, reported in one command."""

from __future__ import annotations

import json
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import respx
from fake_platform import Answer, serve_json
from helpers import run_cli
from typer.testing import CliRunner

from socialmon.cli import app

FIXTURES = Path(__file__).parent / "connectors" / "fixtures"
XRPC = "https://public.api.bsky.app/xrpc"
HANDLE = "cornerbistro.bsky.social"
LABEL = "cornerbistro-bsky-social/bluesky"
POST_A = "at://did:plc:cornerbistro123/app.bsky.feed.post/3kq2abcxyz22"
OLD_DATA = ("--since", "2024-04-01", "--format", "json")  # the fixtures are from May 2024


def fixture(name: str) -> Any:
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


@pytest.fixture(autouse=True)
def wide_console(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "200")


@pytest.fixture
def bluesky() -> Iterator[respx.MockRouter]:
    with respx.mock(base_url=XRPC, assert_all_called=False) as router:
        router.get("/app.bsky.actor.getProfile", params={"actor": HANDLE}).respond(
            json=fixture("bluesky_profile.json")
        )
        cursor = fixture("bluesky_feed_1.json")["cursor"]
        router.get("/app.bsky.feed.getAuthorFeed", params={"cursor": cursor}).respond(
            json=fixture("bluesky_feed_2.json")
        )
        router.get("/app.bsky.feed.getAuthorFeed").respond(json=fixture("bluesky_feed_1.json"))
        router.get("/app.bsky.feed.getPostThread", params={"uri": POST_A}, name="thread_a").respond(
            json=fixture("bluesky_thread.json")
        )
        router.get("/app.bsky.feed.getPostThread").respond(json=fixture("bluesky_thread_small.json"))
        yield router


def test_try_scans_a_bluesky_account_and_prints_its_report(
    bluesky: respx.MockRouter, cli: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SOCIALMON_DATABASE", str(tmp_path / "real.db"))  # a try never writes there
    result = cli.invoke(app, ["try", f"bluesky:{HANDLE}", *OLD_DATA])
    assert result.exit_code == 0, result.output
    brand = json.loads(result.stdout)["brands"][0]
    assert (brand["name"], brand["channels"]) == (HANDLE, ["bluesky"])
    assert brand["response_times"]["overall"]["answered"] == 1
    assert {item["text"] for item in brand["needs_reply"]["items"]} == {
        "¿Abren el lunes? 🙏",
        "¿Tienen opciones veganas?",
    }
    assert f"{LABEL}: done, 3 new posts, 4 new comments" in result.stderr
    assert "skipped Bluesky reply" in result.stderr  # the malformed one, reported; the rest kept
    assert list(tmp_path.iterdir()) == []  # nothing left behind


def test_posts_bounds_how_much_is_read(bluesky: respx.MockRouter, cli: CliRunner) -> None:
    result = cli.invoke(app, ["try", f"bluesky:{HANDLE}", "--posts", "1", *OLD_DATA])
    assert result.exit_code == 0, result.output
    feed = [c.request.url for c in bluesky.calls if c.request.url.path.endswith("getAuthorFeed")]
    assert [url.params["limit"] for url in feed] == ["1"]  # one page: the second page's post is not read
    posts = {post["text"] for post in json.loads(result.stdout)["brands"][0]["engagement"]["posts"]}
    assert "Closed for a private event today." not in posts


def test_a_kept_database_can_be_scanned_and_reported_again(
    bluesky: respx.MockRouter, cli: CliRunner, tmp_path: Path
) -> None:
    kept = tmp_path / "trial.db"
    first = cli.invoke(app, ["try", f"bluesky:{HANDLE}", "--database", str(kept), *OLD_DATA])
    assert first.exit_code == 0, first.output
    config = tmp_path / "trial.toml"
    assert kept.exists() and config.read_text(encoding="utf-8").startswith("# written by `socialmon try`")
    assert f"socialmon report --config {config}" in first.stderr
    again = cli.invoke(app, ["try", f"bluesky:{HANDLE}", "--database", str(kept), *OLD_DATA])
    assert again.exit_code == 0, again.output
    assert f"{LABEL}: done, 0 new posts, 0 new comments" in again.stderr
    report = cli.invoke(app, ["report", "--config", str(config), *OLD_DATA])
    assert report.exit_code == 0, report.output
    assert json.loads(report.stdout)["brands"][0]["response_times"]["overall"]["comments"] == 3


def test_a_config_that_try_did_not_write_is_never_overwritten(cli: CliRunner, tmp_path: Path) -> None:
    (tmp_path / "mine.toml").write_text("[[brands]]\nname = 'Mine'\n", encoding="utf-8")
    result = cli.invoke(app, ["try", f"bluesky:{HANDLE}", "--database", str(tmp_path / "mine.db")])
    assert result.exit_code == 2
    assert "not written by `socialmon try`" in result.stderr
    assert (tmp_path / "mine.toml").read_text(encoding="utf-8") == "[[brands]]\nname = 'Mine'\n"


@pytest.mark.parametrize(
    ("target", "options", "message"),
    [
        ("tiktok:@shop", [], "unknown platform 'tiktok'"),
        ("facebook:104512345678901", [], "facebook needs credentials"),
        ("bluesky:not_a_handle", [], "a handle like name.bsky.social"),
        ("mastodon:cornerbistro", [], "@name@instance"),
        ("reddit:cornerbistro", [], "r/<subreddit> or u/<username>"),
        ("cornerbistro.bsky.social", [], "write PLATFORM:ACCOUNT"),
        (f"bluesky:{HANDLE}", ["--set", "no equals sign"], "write KEY=VALUE"),
        (f"bluesky:{HANDLE}", ["--set", "account=x"], "give the account as PLATFORM:ACCOUNT"),
    ],
)
def test_usage_mistakes_exit_2_before_any_request(
    cli: CliRunner, target: str, options: list[str], message: str
) -> None:
    with respx.mock(assert_all_mocked=True) as router:
        result = cli.invoke(app, ["try", target, *options])
    assert result.exit_code == 2, result.output
    assert message in " ".join(result.stderr.split())
    assert not router.calls


def test_a_bad_option_value_is_a_config_error_naming_the_field(cli: CliRunner) -> None:
    with respx.mock(assert_all_mocked=True):
        result = cli.invoke(app, ["try", f"bluesky:{HANDLE}", "--set", "page_size=many"])
    assert result.exit_code == 2
    assert "field 'page_size'" in result.stderr and "socialmon.toml" in result.stderr


def test_a_platform_error_names_the_channel_and_what_to_do(cli: CliRunner) -> None:
    with respx.mock(base_url=XRPC) as router:
        router.get("/app.bsky.actor.getProfile").respond(
            400, json={"error": "InvalidRequest", "message": "Profile not found"}
        )
        result = cli.invoke(app, ["try", "bluesky:nobody.bsky.social"])
    assert result.exit_code == 1
    said = " ".join(result.stderr.split())
    assert "nobody-bsky-social/bluesky: FAILED: NotFound" in said and "a handle like name.bsky.social" in said
    assert result.stdout == ""  # nothing was read: no report


NO_RETRY = ("--set", "max_retries=1", "--set", "retry_backoff=0")


def partial_line(stderr: str) -> str:
    (line,) = [line for line in stderr.splitlines() if ": PARTIAL, " in line]
    return line


def test_a_thread_the_platform_would_not_give_exits_1_and_says_try_again_later(
    bluesky: respx.MockRouter, cli: CliRunner
) -> None:
    """`scan` exits 1 for a partial channel, so does `try`; and a temporary database has no next scan."""
    bluesky["thread_a"].respond(502, json={"error": "InternalServerError", "message": "upstream failed"})
    result = cli.invoke(app, ["try", f"bluesky:{HANDLE}", *NO_RETRY, *OLD_DATA])
    assert result.exit_code == 1, result.output
    line = partial_line(result.stderr)
    assert "1 thread not read (try again later, or keep what was read with --database): " in line, line
    assert "left for the next scan" not in line and "the next scan tries again" not in line
    assert "socialmon alerts" not in result.stderr  # the alerts go with the temporary database
    assert json.loads(result.stdout)["brands"][0]["name"] == HANDLE  # what was read is reported


def test_a_kept_try_that_ends_partial_says_the_scan_reads_the_rest(
    bluesky: respx.MockRouter, cli: CliRunner, tmp_path: Path
) -> None:
    bluesky["thread_a"].respond(502, json={"error": "InternalServerError", "message": "upstream failed"})
    kept = tmp_path / "trial.db"
    result = cli.invoke(app, ["try", f"bluesky:{HANDLE}", "--database", str(kept), *NO_RETRY, *OLD_DATA])
    assert result.exit_code == 1, result.output
    assert "1 thread(s) left for the next scan: " in partial_line(result.stderr)  # `scan --config` reads it


MASTODON = "https://mastodon.example"


@pytest.mark.parametrize("kept", [False, True])
def test_a_refused_token_is_given_with_set_and_the_alerts_line_names_the_config(
    cli: CliRunner, tmp_path: Path, kept: bool
) -> None:
    """A try takes its token with --set, not from a config's environment variable; the alerts of a
    kept database are listed with its --config, and a temporary one's are not mentioned."""
    database = ["--database", str(tmp_path / "trial.db")] if kept else []
    with respx.mock(base_url=MASTODON, assert_all_called=False) as router:
        router.get("/api/v1/accounts/lookup").respond(
            401, json={"error": "This method requires an authenticated user"}
        )
        result = cli.invoke(app, ["try", "mastodon:@cafe@mastodon.example", *database, *NO_RETRY])
    assert result.exit_code == 1, result.output
    said = " ".join(result.stderr.split())
    assert "FAILED: AuthError: " in said
    assert "give its access token with --set access_token=TOKEN (or --set 'access_token=${VARIABLE}')" in said
    assert "environment variable" not in said
    if kept:
        assert f"(`socialmon alerts --config {tmp_path / 'trial.toml'}` lists the open ones)" in said
    else:
        assert "alert" not in said


def test_a_rate_limit_in_a_try_says_try_again_later_in_spanish(cli: CliRunner) -> None:
    with respx.mock(base_url=MASTODON, assert_all_called=False) as router:
        router.get("/api/v1/accounts/lookup").respond(429, json={"error": "Too many requests"})
        result = cli.invoke(
            app, ["try", "mastodon:@cafe@mastodon.example", "--lang", "es", "--set", "max_retries=0"]
        )
    assert result.exit_code == 1, result.output
    said = " ".join(result.stderr.split())
    assert "FALLÓ: RateLimited: " in said and "Too many requests" in said  # the platform's own words
    assert "vuelva a intentarlo más tarde" in said, said
    assert "próximo escaneo" not in said and "next scan" not in said


def test_try_reddit_names_the_user_in_the_user_agent(cli: CliRunner) -> None:
    with respx.mock(base_url="https://www.reddit.com", assert_all_called=False) as router:
        listing = router.get("/r/cornerbistro/new.json").respond(json=fixture("reddit_new_2.json"))
        result = cli.invoke(
            app, ["try", "reddit:r/cornerbistro", "--set", "username=cornerbistro", *OLD_DATA]
        )
    assert result.exit_code == 0, result.output
    assert listing.calls.last.request.headers["User-Agent"].endswith("(by /u/cornerbistro)")


# --- the real command, against a Mastodon instance on 127.0.0.1 --------------------------------


class FakeMastodon:
    """Serves one account's statuses (two pages, by Link header) and their threads from the fixtures."""

    def __init__(self) -> None:
        self.paths: list[str] = []
        self.server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        assert self.server is not None
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def answer(self, request: BaseHTTPRequestHandler) -> Answer:
        self.paths.append(request.path)
        return self.respond(request.path)

    def respond(self, raw: str) -> tuple[int, Any, dict[str, str]]:
        path, query = urlsplit(raw).path, parse_qs(urlsplit(raw).query)
        if path == "/api/v1/accounts/lookup":
            found = query.get("acct") == ["cornerbistro"]
            return (
                (200, fixture("mastodon_account.json"), {})
                if found
                else (404, {"error": "Record not found"}, {})
            )
        if path == "/api/v1/accounts/109876/statuses":
            if "max_id" in query:
                return 200, fixture("mastodon_statuses_2.json"), {}
            following = f"{self.url}{path}?max_id=112340000000000001"
            return 200, fixture("mastodon_statuses_1.json"), {"Link": f'<{following}>; rel="next"'}
        contexts = {
            "/api/v1/statuses/112345678901234567/context": "mastodon_context.json",
            "/api/v1/statuses/112340000000000001/context": "mastodon_context_small.json",
        }
        if path in contexts:
            return 200, fixture(contexts[path]), {"X-RateLimit-Remaining": "250", "X-RateLimit-Limit": "300"}
        return 404, {"error": "Record not found"}, {}

    def __enter__(self) -> FakeMastodon:
        self.server = serve_json(self.answer)
        return self

    def __exit__(self, *_: object) -> None:
        assert self.server is not None
        self.server.shutdown()
        self.server.server_close()


@pytest.mark.slow
def test_the_real_command_reads_a_mastodon_account_on_its_instance(tmp_path: Path) -> None:
    with FakeMastodon() as instance:
        result = run_cli(
            "try",
            "mastodon:@cornerbistro",
            "--set",
            f"instance={instance.url}",
            *OLD_DATA,
            cwd=tmp_path,
        )
    assert result.returncode == 0, result.stderr
    brand = json.loads(result.stdout)["brands"][0]
    assert brand["response_times"]["overall"]["answered"] == 1
    assert {item["author"] for item in brand["needs_reply"]["items"]} == {"María José", "Sam"}
    assert any("max_id=112340000000000001" in path for path in instance.paths)  # the Link header, followed
    assert "skipped Mastodon reply 112345678901260000" in result.stderr


@pytest.mark.parametrize("language", ["en", "es"])
def test_the_help_shows_whole_examples_at_80_columns(language: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """The examples were in an option's narrow column, cut to 'access_token=${MASTODON_T…'."""
    monkeypatch.setenv("SOCIALMON_LANG", language)
    result = CliRunner().invoke(app, ["try", "--help"], env={"COLUMNS": "80"})
    assert result.exit_code == 0
    assert "socialmon try mastodon:@cafe@mastodon.social --set 'access_token=${TOKEN}'" in result.output
    assert "…" not in result.output, result.output
