"""Untrusted text (comments, author names, platform errors, config values, arguments, paths)
is shown as written, never as rich markup or terminal control (issue 13, points 7, 8, 11).

Through the real CLI on real SQLite files: no `MarkupError` traceback, the literal text
printed; no escape sequence, control character or bidi override reaches the output.
"""

from __future__ import annotations

import json
import logging
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from helpers import comment, post, write_config, write_jsonl
from typer.testing import CliRunner

from socialmon.cli import app

WINDOW = ("--since", "2026-10-01", "--until", "2026-10-07")
MARKUP = "[/] [bold]x[/bold] [link=https://evil.example]y"
CLEAR = "\x1b[2J\x1b[H"  # clear the screen, cursor home
TITLE = "\x1b]0;pwned\x07"  # set the window title
LINK = "\x1b]8;;https://evil.example\x1b\\click me\x1b]8;;\x1b\\"  # an OSC 8 hyperlink
BIDI = "\u202etxt.exe"  # right-to-left override: reads "exe.txt"
HOSTILE = f"{CLEAR}Wiped{TITLE} {LINK} {BIDI} c1\x9b31m \u2066iso\u2069"
FORBIDDEN = ("\x1b", "\x07", "\x9b", "\u202e", "\u2066", "\u2069")


@pytest.fixture(autouse=True)
def wide_console(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "250")


def run(*args: str, env: dict[str, str] | None = None) -> Any:
    result = CliRunner().invoke(app, list(args), env={"COLUMNS": "250", **(env or {})})
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in result.output and "MarkupError" not in result.output, result.output
    return result


def clean(output: str) -> None:
    for char in FORBIDDEN:
        assert char not in output, f"{char!r} reached the terminal:\n{output!r}"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A brand whose customers write escape sequences, in their comments and in their names."""
    write_jsonl(
        tmp_path / "export.jsonl",
        [
            post("p1", author_id="biz", text=f"post {HOSTILE}"),
            comment(
                "c1",
                text=f"Terrible service {HOSTILE} scam",
                author_name=f"Eve{TITLE}{BIDI}",
                created_at="2026-10-02T13:00:00Z",
                url="https://example.com/c1?a=1|2\n| injected | row |",
            ),
            comment("c2", text=f"awful {MARKUP}", author_name=MARKUP, created_at="2026-10-03T13:00:00Z"),
        ],
    )
    config = write_config(
        tmp_path, channels=TWO_CHANNELS + '[brands.alerts.watch_list]\nterms = ["scam"]\n'
    ).resolve()
    assert run("scan", "--quiet", "--config", str(config)).exit_code == 0
    return config


TWO_CHANNELS = '[[brands.channels]]\nname = "export"\nplatform = "file"\npath = "export.jsonl"\n\n'


# --- point 7: markup --------------------------------------------------------------------------


def test_a_brand_argument_with_markup_is_printed_as_written(project: Path) -> None:
    for command in (["alerts"], ["scan"], ["alerts", "send"], ["alerts", "check"]):
        result = run(*command, "--brand", MARKUP, "--config", str(project))
        assert result.exit_code == 2 and MARKUP in result.output, (command, result.output)


def test_a_config_value_with_markup_is_printed_as_written(tmp_path: Path) -> None:
    config = tmp_path / "socialmon.toml"
    config.write_text(
        f'[[brands]]\nname = "Café"\ntimezone = "{MARKUP}"\n'
        '[[brands.channels]]\nname = "x"\nplatform = "file"\npath = "x.jsonl"\n',
        encoding="utf-8",
    )
    for command in (["report"], ["scan"], ["check"]):
        result = run(*command, "--config", str(config))
        assert result.exit_code == 2 and "config error" in result.output, result.output
        assert MARKUP in result.output


def test_an_output_path_with_markup_is_printed_as_written(project: Path, tmp_path: Path) -> None:
    folder = tmp_path / "[/]out[bold]"  # a folder "[" holding "]out[bold]"
    folder.mkdir(parents=True)
    target = folder / "report[bold].md"
    result = run("report", "-f", "md", "-o", str(target), *WINDOW, "--config", str(project))
    assert result.exit_code == 0 and f"wrote {target}" in result.output
    assert target.exists()
    started = run("init", str(folder / "new.toml"))
    assert started.exit_code == 0 and f"wrote {folder / 'new.toml'}" in started.output


def test_a_platform_error_with_markup_and_escapes_is_printed_as_plain_text(tmp_path: Path) -> None:
    name = f"missing{MARKUP}{CLEAR}.jsonl".replace("/", "_")
    channels = f'[[brands.channels]]\nname = "export"\nplatform = "file"\npath = {json.dumps(name)}\n'
    config = write_config(tmp_path, channels=channels)
    result = run("scan", "--config", str(config))
    assert result.exit_code == 1, result.output
    assert "missing[_] [bold]x[_bold] [link=https:__evil.example]y" in result.output  # as written
    clean(result.output)


# --- point 8: escape sequences ----------------------------------------------------------------


def test_comments_and_authors_reach_the_terminal_without_escape_sequences(project: Path) -> None:
    pending = run("pending", *WINDOW, "--config", str(project))
    assert pending.exit_code == 0
    clean(pending.output)
    assert "Terrible service Wiped" in pending.output and "Evetxt.exe" in pending.output  # the words stay
    assert MARKUP in pending.output  # an author's markup, as written

    report = run("report", *WINDOW, "--config", str(project))
    assert report.exit_code == 0 and "Café Uno" in report.output
    clean(report.output)


def test_alert_titles_reach_the_terminal_without_escape_sequences(tmp_path: Path) -> None:
    written = (datetime.now(UTC) - timedelta(hours=3)).isoformat()  # recent: the rules look at it
    write_jsonl(
        tmp_path / "export.jsonl",
        [
            post("p1", author_id="biz"),
            comment("c1", text=f"scam {HOSTILE}", author_name=f"Eve{TITLE}{BIDI}", created_at=written),
            comment("c2", text="a scam", author_name=MARKUP, created_at=written),
        ],
    )
    config = write_config(tmp_path, channels=TWO_CHANNELS + '[brands.alerts.watch_list]\nterms = ["scam"]\n')
    assert run("scan", "--quiet", "--config", str(config)).exit_code == 0
    listed = run("alerts", "--config", str(config))
    assert listed.exit_code == 0 and "scam" in listed.output, listed.output
    clean(listed.output)
    # A burst is one alert; `alerts show` lists its comments, with their authors.
    alert_id = re.search(r"│\s*(\d+)\s*│", listed.output)
    assert alert_id is not None, listed.output
    shown = run("alerts", "show", alert_id.group(1), "--config", str(config))
    assert shown.exit_code == 0, shown.output
    clean(shown.output)
    assert "Evetxt.exe" in shown.output and MARKUP in shown.output  # as written, controls dropped
    preview = run("alerts", "send", "--dry-run", "--config", str(config))
    clean(preview.output)


def test_markdown_keeps_a_hostile_link_inside_its_cell(project: Path) -> None:
    text = run("pending", "-f", "md", *WINDOW, "--config", str(project)).stdout
    (row,) = [line for line in text.splitlines() if "Terrible service" in line]
    header = next(line for line in text.splitlines() if line.startswith("|") and "---" not in line)
    assert row.count(" | ") == header.count(" | ")  # no cell added by the link's `|`
    assert "(<https://example.com/c1?a=1%7C2%0A%7C%20injected%20%7C%20row%20%7C>)" in row
    assert "injected | row" not in text
    clean(text)


def test_chat_alerts_do_not_turn_a_customers_markdown_into_links_or_mentions() -> None:
    from socialmon.alerts.webhooks import discord, slack, teams
    from socialmon.alerts.wording import AlertText
    from socialmon.render.i18n import Lang

    alert = AlertText(
        id=1,
        rule="watch_list",
        severity="critical",
        severity_word="critical",
        title="Watch-list word “scam”: [Eve](https://evil.example) on cafe/fb",
        lines=[("Last error", "see <https://evil.example|the docs> @here")],
        quote="@everyone [free money](https://evil.example) <@123> <https://evil.example|click>",
        url="https://example.com/c1",
        created_at=datetime(2026, 11, 20, tzinfo=UTC),
    )
    brand = {"slug": "cafe", "name": "Café"}
    dumped = json.dumps(discord(brand, [alert], Lang("en"), None), ensure_ascii=False)
    assert "[free money](https" not in dumped and "[Eve](https" not in dumped
    assert "@everyone" not in dumped and "@here" not in dumped and "<@123>" not in dumped
    assert "\\\\[free money\\\\]\\\\(https" in dumped  # Discord shows it as written

    card = json.dumps(teams(brand, [alert], Lang("en"), None), ensure_ascii=False)
    assert "[free money](https" not in card and "[Eve](https" not in card
    assert "Action.OpenUrl" in card and '"url": "https://example.com/c1"' in card  # our own link stays

    blocks = json.dumps(slack(brand, [alert], Lang("en"), None), ensure_ascii=False)
    assert "<https://evil.example|" not in blocks and "<@123>" not in blocks
    assert "<https://example.com/c1|Open>" in blocks  # our own link stays


def test_terminal_text_drops_controls_and_bidi_and_keeps_the_words() -> None:
    from socialmon.render._safe_text import terminal_text

    assert terminal_text(HOSTILE) == "Wiped click me txt.exe c1 iso"
    assert terminal_text("a\r\nb\tc\rd", multiline=True) == "a\nb\tc\nd"
    assert terminal_text("a\r\nb\tc") == "a b c"
    assert terminal_text("plain [/] text, ñ, 日本, emoji 🎉") == "plain [/] text, ñ, 日本, emoji 🎉"
    assert terminal_text("\x00nul\x7fdel\x85nel") == "nuldelnel"


# --- point 11: database errors ----------------------------------------------------------------


def test_a_database_error_prints_its_cause_not_the_statement(
    project: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """A real driver error (a UNIQUE violation carrying a customer's text in its parameters)."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.exc import IntegrityError

    import socialmon.report

    engine = create_engine(f"sqlite:///{project.parent / 'socialmon.db'}")
    customer = "My card number is 4111 1111 1111 1111, please call me " * 40
    try:
        with engine.begin() as connection:
            row = connection.execute(text("SELECT * FROM comment LIMIT 1")).mappings().one()
            columns = ", ".join(row.keys())
            values = {**row, "text": customer}
            connection.execute(
                text(f"INSERT INTO comment ({columns}) VALUES ({', '.join(':' + c for c in row)})"),
                values,
            )
        raise AssertionError("the insert should have failed")
    except IntegrityError as caught:
        error = caught
    finally:
        engine.dispose()
    assert customer[:40] in str(error) and "[SQL:" in str(error)  # what used to be printed

    def broken(*_: object, **__: object) -> None:
        raise error

    monkeypatch.setattr(socialmon.report, "build_reports", broken)
    with caplog.at_level(logging.DEBUG, logger="socialmon.database"):
        result = run("report", *WINDOW, "--config", str(project))
    assert result.exit_code == 1
    assert "IntegrityError: UNIQUE constraint failed" in result.output, result.output
    assert "[SQL:" not in result.output and "4111" not in result.output and "INSERT" not in result.output
    assert len(result.output) < 400
    assert "INSERT INTO comment" in caplog.text  # the statement is in the debug log


def test_error_summary_keeps_the_first_line_of_a_multi_line_driver_error() -> None:
    from sqlalchemy.exc import IntegrityError

    from socialmon.render._safe_text import error_summary

    class UniqueViolation(Exception):
        pass

    orig = UniqueViolation(
        'duplicate key value violates unique constraint "comment_pkey"\n'
        "DETAIL:  Key (text)=(my secret complaint) already exists."
    )
    error = IntegrityError("INSERT INTO comment (text) VALUES (%(text)s)", {"text": "x" * 4000}, orig)
    assert error_summary(error) == (
        'UniqueViolation: duplicate key value violates unique constraint "comment_pkey"'
    )
    assert error_summary(ValueError(f"bad {CLEAR}value")) == "ValueError: bad value"
