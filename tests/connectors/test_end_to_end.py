"""`socialmon scan` (the real CLI, a real SQLite file) against the fake Graph API on 127.0.0.1."""

from __future__ import annotations

import socket
import sqlite3
from pathlib import Path

import pytest
from fake_platform import FakeGraph
from helpers import run_cli, write_config

SECRET = "SECRET123"


def channel(name: str, account: str, base_url: str, env: str, **extra: object) -> str:
    options = "".join(f"{key} = {value!r}\n".replace("'", '"') for key, value in extra.items())
    return (
        f'[[brands.channels]]\nname = "{name}"\nplatform = "facebook"\naccount = "{account}"\n'
        f'access_token = "${{{env}}}"\nbase_url = "{base_url}"\nretry_backoff = 0.01\npage_size = 10\n{options}\n'
    )


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def rows(database: Path, sql: str) -> list[tuple]:
    with sqlite3.connect(database) as db:
        return db.execute(sql).fetchall()


@pytest.mark.slow
def test_scan_stores_everything_once_retries_failures_and_isolates_an_expired_token(tmp_path: Path) -> None:
    with FakeGraph(comment_page=4) as graph:
        served = {
            "p111": graph.add_page("111", token=f"{SECRET}-a", posts=30, comments_per_post=9),
            "p222": graph.add_page("222", token=f"{SECRET}-b", posts=12, comments_per_post=5),
            "p333": graph.add_page("333", token=f"{SECRET}-c", posts=25, comments_per_post=3),
        }
        graph.add_page("444", token=f"{SECRET}-d", posts=40, comments_per_post=2)
        graph.fail("111", "429", "500", "429")
        graph.fail("222", "truncated", "malformed")
        graph.fail("333", "500", "500")
        graph.expire(f"{SECRET}-d", after=2)  # the token expires in the middle of the scan
        config = write_config(
            tmp_path,
            channels="".join(
                channel(name, name[1:], graph.url, f"FB_{name}") for name in ("p111", "p222", "p333", "p444")
            ),
        )
        env = {
            f"FB_p{n}": f"{SECRET}-{t}" for n, t in (("111", "a"), ("222", "b"), ("333", "c"), ("444", "d"))
        }
        first = run_cli("scan", "--config", str(config), env=env)
        retried = graph.statuses(429) + graph.statuses(500)
        second = run_cli("scan", "--config", str(config), "--channel", "p111", env=env)

    assert first.returncode == 1, first.stderr
    assert "cafe/p444: FAILED: AuthError" in first.stderr
    assert "create a new Page access token" in first.stderr
    for name in ("p111", "p222", "p333"):
        assert f"cafe/{name}: done" in first.stderr
    assert retried == 5  # every 429 and 500 was answered by a retry that then succeeded
    assert second.returncode == 0, second.stderr

    database = tmp_path / "socialmon.db"
    for name, page in served.items():
        posts = rows(
            database,
            f"SELECT p.platform_id FROM post p JOIN channel c ON c.id = p.channel_id WHERE c.name = '{name}'",
        )
        comments = rows(
            database,
            f"SELECT m.platform_id, m.is_business FROM comment m JOIN channel c ON c.id = m.channel_id "
            f"WHERE c.name = '{name}'",
        )
        assert sorted(p for (p,) in posts) == sorted(page.post_ids())  # every post, exactly once
        assert sorted(c for c, _ in comments) == sorted(page.comment_ids())
        own = {
            c["id"] for thread in page.comments.values() for c in thread if c["from"]["id"] == page.page_id
        }
        assert {c for c, business in comments if business} == own  # the Page's own replies
    [(error,)] = rows(database, "SELECT last_error FROM channel WHERE name = 'p444'")
    assert "AuthError" in error
    assert SECRET not in first.stdout + first.stderr + second.stdout + second.stderr
    assert SECRET.encode() not in database.read_bytes()


@pytest.mark.slow
def test_no_token_reaches_any_output_or_the_database_on_any_error_path(tmp_path: Path) -> None:
    with FakeGraph(comment_page=3) as graph:
        graph.add_page("1", token=f"{SECRET}-auth", posts=5)
        graph.add_page("2", token=f"{SECRET}-limit", posts=5)
        graph.add_page("3", token=f"{SECRET}-deprecated", posts=5)
        graph.add_page("4", token=f"{SECRET}-bad", posts=5)
        graph.add_page("5", token=f"{SECRET}-ok", posts=12)
        graph.expire(f"{SECRET}-auth", after=0)
        graph.fail("2", *["429"] * 10)
        graph.fail("3", "deprecated")
        graph.fail("4", *["malformed"] * 10)
        dead = f"http://127.0.0.1:{closed_port()}/v25.0"
        blocks = [
            channel("auth", "1", graph.url, "T_AUTH"),
            channel("limit", "2", graph.url, "T_LIMIT", max_retries=2),
            channel("deprecated", "3", graph.url, "T_DEPRECATED"),
            channel("malformed", "4", graph.url, "T_BAD", max_retries=1),
            channel("missing", "999", graph.url, "T_OK"),
            channel("network", "5", dead, "T_OK", max_retries=1),
            channel("fine", "5", graph.url, "T_OK"),
        ]
        config = write_config(tmp_path, channels="".join(blocks))
        env = {
            "T_AUTH": f"{SECRET}-auth",
            "T_LIMIT": f"{SECRET}-limit",
            "T_DEPRECATED": f"{SECRET}-deprecated",
            "T_BAD": f"{SECRET}-bad",
            "T_OK": f"{SECRET}-ok",
        }
        result = run_cli("scan", "--config", str(config), "--timings", env=env)
    output = result.stdout + result.stderr
    assert result.returncode == 1
    expected = {
        "auth": "AuthError",
        "limit": "RateLimited",
        "deprecated": "PlatformError",
        "malformed": "PlatformError",
        "missing": "NotFound",
        "network": "PlatformError",
    }
    for name, error in expected.items():
        assert f"cafe/{name}: FAILED: {error}" in result.stderr, result.stderr
    assert "cafe/fine: done, 12 new posts" in result.stderr
    assert "access_token=***" in result.stderr  # the echoed query was scrubbed, not dropped
    assert SECRET not in output
    database = tmp_path / "socialmon.db"
    assert SECRET.encode() not in database.read_bytes()
    errors = rows(database, "SELECT error FROM scan_run WHERE error IS NOT NULL")
    assert len(errors) == len(expected) and all(SECRET not in e for (e,) in errors)


@pytest.mark.slow
def test_one_post_whose_comments_fail_leaves_the_channel_partial_and_is_read_on_the_next_scan(
    tmp_path: Path,
) -> None:
    with FakeGraph(comment_page=4) as graph:
        graph.add_page("555", token=f"{SECRET}-e", posts=6, comments_per_post=9)
        graph.fail_thread("555_2", "error100")  # its second page of comments: the first came inline
        config = write_config(tmp_path, channels=channel("p555", "555", graph.url, "FB_E"))
        env = {"FB_E": f"{SECRET}-e"}
        first = run_cli("scan", "--config", str(config), env=env)
        database = tmp_path / "socialmon.db"
        after_first = rows(database, "select count(*) from comment")
        pending = rows(database, "select item_key, attempts, reason from pending_thread")
        report = run_cli("report", "--config", str(config), "--lang", "en", "--format", "json", env=env)
        second = run_cli("scan", "--config", str(config), env=env)

    assert first.returncode == 1, first.stderr
    assert "cafe/p555: PARTIAL" in first.stderr
    assert "1 thread(s) left for the next scan" in first.stderr
    assert "555_2: Facebook error 100" in first.stderr
    # Every post, and every comment but those on the failed post's later pages, is stored.
    assert rows(database, "select count(*) from post") == [(6,)]
    assert after_first == [(6 * 9 - 5,)]
    assert [(key, attempts) for key, attempts, _ in pending] == [("555_2", 1)]
    assert "Unsupported get request" in pending[0][2]
    assert '"last_status": "partial"' in report.stdout and '"pending_threads": 1' in report.stdout

    assert second.returncode == 0, second.stderr
    assert rows(database, "select count(*) from comment") == [(6 * 9,)]
    assert rows(database, "select count(*) from pending_thread") == [(0,)]
    assert rows(database, "select last_status from channel") == [("ok",)]
