"""The `socialmon` command, run in-process on real SQLite files."""

from __future__ import annotations

import json
import re
import sqlite3
from pathlib import Path
from typing import Any

import pytest
import typer
from helpers import REPO, clean_environment, comment, copy_project, post, write_config, write_jsonl
from typer.testing import CliRunner

from socialmon.cli import _app_for, _i18n, app

POSITIVE = "I love this place, absolutely wonderful!"
NEGATIVE = "This is terrible, awful service. I hate it."
NEUTRAL = "The shop opens at nine on Tuesday."

TWO_CHANNELS = (
    '[[brands.channels]]\nname = "export"\nplatform = "file"\npath = "export.jsonl"\n'
    '[[brands.channels]]\nname = "second"\nplatform = "file"\npath = "second.jsonl"\n'
)


@pytest.fixture(autouse=True)
def wide_console(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "200")  # rich tables are not cut at 80 columns


def invoke(cli: CliRunner, config: Path, *args: str) -> Any:
    result = cli.invoke(app, [*args, "--config", str(config)])
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result


def row(output: str, label: str) -> list[str]:
    """The cells of the rich table row that starts with `label`."""
    for text in output.splitlines():
        cells = [cell.strip() for cell in text.split("│")[1:-1]]
        if cells and cells[0] == label:
            return cells
    raise AssertionError(f"no row {label!r} in:\n{output}")


def query(folder: Path, sql: str, *params: Any) -> list[tuple[Any, ...]]:
    connection = sqlite3.connect(folder / "socialmon.db")
    try:
        return connection.execute(sql, params).fetchall()
    finally:
        connection.close()


def count(folder: Path, table: str) -> int:
    return query(folder, f"select count(*) from {table}")[0][0]


def _project(folder: Path) -> Path:
    """A config with one file channel reading export.jsonl: one post, three comments, one reply."""
    write_jsonl(
        folder / "export.jsonl",
        [
            post("p1", author_id="biz"),
            comment("c1", text=POSITIVE),
            comment("c2", text=NEGATIVE),
            comment("c3", text=NEUTRAL),
            comment("c4", text="Great coffee, amazing staff, so happy!"),
            comment("r1", type="reply", parent_id="c2", author_id="biz", is_business=True, text="Sorry!"),
        ],
    )
    return write_config(folder).resolve()


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """`_project`, not scanned yet."""
    return _project(tmp_path)


def _scanned_once(factory: pytest.TempPathFactory, name: str, make: Any) -> Path:
    """The project `make` writes in a folder, scanned once (`scan -q`, exit 0) for the module, in
    the environment a test has; each test works on a copy (`copy_project`)."""
    folder = factory.mktemp(name)
    with clean_environment(folder, COLUMNS="200"):
        config = make(folder)
        assert invoke(CliRunner(), config, "scan", "-q").exit_code == 0
    return folder


@pytest.fixture(scope="module")
def project_scanned_once(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _scanned_once(tmp_path_factory, "project", _project)


@pytest.fixture
def scanned(tmp_path: Path, project_scanned_once: Path) -> Path:
    """`project` after its first scan (`scan -q`, exit 0): a copy for the test, its config."""
    return copy_project(project_scanned_once, tmp_path).resolve()


# --- scan --------------------------------------------------------------------------------


def test_scan_prints_a_summary_and_stores_the_export(project: Path, cli: CliRunner) -> None:
    result = invoke(cli, project, "scan")
    assert result.exit_code == 0, result.output
    assert "Scan summary" in result.stdout
    assert row(result.stdout, "cafe/export") == ["cafe/export", "file", "1", "5", "0", "0", "ok"]
    assert "cafe/export: done, 1 new post, 5 new comments" in result.stderr
    folder = project.parent
    assert (count(folder, "post"), count(folder, "comment")) == (1, 5)
    assert query(folder, "select status, new_posts, new_comments from scan_run") == [("ok", 1, 5)]


def test_a_second_scan_adds_nothing(scanned: Path, cli: CliRunner) -> None:
    project = scanned  # its first scan's exit 0 was asserted
    again = invoke(cli, project, "scan")
    assert again.exit_code == 0
    assert row(again.stdout, "cafe/export") == ["cafe/export", "file", "0", "0", "0", "0", "ok"]
    folder = project.parent
    assert (count(folder, "post"), count(folder, "comment"), count(folder, "scan_run")) == (1, 5, 2)


def test_an_edited_comment_gets_its_new_text_and_a_new_score(scanned: Path, cli: CliRunner) -> None:
    project = scanned  # its first scan's exit 0 was asserted
    folder = project.parent
    before = query(
        folder, "select text, sentiment_label, sentiment_compound from comment where platform_id='c1'"
    )
    assert before[0][:2] == (POSITIVE, "positive")
    assert before[0][2] > 0.5
    write_jsonl(
        folder / "export.jsonl",
        [comment("c1", text=NEGATIVE, edited_at="2026-10-02T09:00:00Z")],
        mode="a",
    )
    result = invoke(cli, project, "scan")
    assert result.exit_code == 0
    assert row(result.stdout, "cafe/export") == ["cafe/export", "file", "0", "0", "1", "0", "ok"]
    after = query(
        folder, "select text, sentiment_label, sentiment_compound from comment where platform_id='c1'"
    )
    assert after[0][:2] == (NEGATIVE, "negative")
    assert after[0][2] < -0.5
    assert count(folder, "comment") == 5


def test_a_deleted_comment_keeps_what_it_said(scanned: Path, cli: CliRunner) -> None:
    project = scanned  # its first scan's exit 0 was asserted
    folder = project.parent
    deletion = comment("c2", deleted=True)
    del deletion["text"]
    write_jsonl(folder / "export.jsonl", [deletion], mode="a")
    result = invoke(cli, project, "scan")
    assert row(result.stdout, "cafe/export")[4] == "1"
    assert query(folder, "select text, deleted, sentiment_label from comment where platform_id='c2'") == [
        (NEGATIVE, 1, "negative")
    ]


def test_a_deleted_comment_with_empty_text_keeps_what_it_said(scanned: Path, cli: CliRunner) -> None:
    project = scanned  # its first scan's exit 0 was asserted
    folder = project.parent
    write_jsonl(folder / "export.jsonl", [comment("c2", deleted=True, text="")], mode="a")
    invoke(cli, project, "scan")
    assert query(folder, "select text, deleted from comment where platform_id='c2'") == [(NEGATIVE, 1)]


def test_a_failing_channel_fails_the_scan_but_not_the_other_channels(tmp_path: Path, cli: CliRunner) -> None:
    write_jsonl(tmp_path / "export.jsonl", [post("p1"), comment("c1")])
    config = write_config(tmp_path, channels=TWO_CHANNELS).resolve()  # second.jsonl does not exist
    result = invoke(cli, config, "scan")
    assert result.exit_code == 1
    cells = row(result.stdout, "cafe/second")
    assert cells[-1].startswith("failed: SourceError: export file not found")
    assert f"cafe/second: FAILED: SourceError: export file not found: {tmp_path / 'second.jsonl'}" in (
        result.stderr
    )
    assert row(result.stdout, "cafe/export")[-1] == "ok"
    assert (count(tmp_path, "post"), count(tmp_path, "comment")) == (1, 1)
    assert query(tmp_path, "select name, last_status from channel order by name") == [
        ("export", "ok"),
        ("second", "failed"),
    ]


def test_scan_filters_by_channel_and_brand(tmp_path: Path, cli: CliRunner) -> None:
    write_jsonl(tmp_path / "export.jsonl", [post("e1")])
    write_jsonl(tmp_path / "second.jsonl", [post("s1"), post("s2")])
    write_jsonl(tmp_path / "shop.jsonl", [post("x1"), post("x2"), post("x3")])
    shop = '[[brands]]\nname = "Shop"\nslug = "shop"\n[[brands.channels]]\nname = "export"\nplatform = "file"\npath = "shop.jsonl"\n'
    config = write_config(tmp_path, channels=TWO_CHANNELS + shop).resolve()

    def stored() -> list[tuple[str, str, int]]:
        return query(
            tmp_path,
            "select brand.slug, channel.name, count(post.id) from channel join brand on brand.id = brand_id "
            "left join post on post.channel_id = channel.id group by channel.id order by 1, 2",
        )

    result = invoke(cli, config, "scan", "--channel", "second")
    assert result.exit_code == 0
    assert stored() == [("cafe", "second", 2)]
    assert invoke(cli, config, "scan", "--brand", "shop").exit_code == 0
    assert stored() == [("cafe", "second", 2), ("shop", "export", 3)]
    assert invoke(cli, config, "scan", "--channel", "cafe/export").exit_code == 0
    assert stored() == [("cafe", "export", 1), ("cafe", "second", 2), ("shop", "export", 3)]

    nothing = invoke(cli, config, "scan", "--brand", "nope")
    assert nothing.exit_code == 2
    assert "unknown brand 'nope'" in nothing.output


def test_a_disabled_channel_is_not_scanned(tmp_path: Path, cli: CliRunner) -> None:
    write_jsonl(tmp_path / "export.jsonl", [post("e1")])
    config = write_config(tmp_path, channels=TWO_CHANNELS + "enabled = false\n").resolve()
    assert invoke(cli, config, "scan").exit_code == 0  # second.jsonl is missing but not read
    assert query(tmp_path, "select name from channel") == [("export",)]


def test_quiet_prints_nothing_on_success(project: Path, cli: CliRunner) -> None:
    result = invoke(cli, project, "scan", "--quiet")
    assert result.exit_code == 0
    assert result.output == ""
    assert count(project.parent, "comment") == 5


def test_quiet_still_prints_malformed_records_and_failures(tmp_path: Path, cli: CliRunner) -> None:
    path = write_jsonl(tmp_path / "export.jsonl", [post("p1")])
    with path.open("a", encoding="utf-8") as handle:
        handle.write("not json\n")
    write_jsonl(path, [comment("c1", rating=9)], mode="a")
    config = write_config(tmp_path, channels=TWO_CHANNELS).resolve()
    result = invoke(cli, config, "scan", "-q")
    assert result.exit_code == 1
    lines = result.output.splitlines()  # channels run concurrently: their lines may interleave
    export_lines = [line for line in lines if line.startswith("cafe/export")]
    assert export_lines[0].startswith("cafe/export: skipped export.jsonl line 2: not valid JSON")
    assert export_lines[1].startswith("cafe/export: skipped export.jsonl line 3: rating:")
    assert [line for line in lines if line.startswith("cafe/second")] == [
        next(
            line
            for line in lines
            if line.startswith("cafe/second: FAILED: SourceError: export file not found")
        )
    ]
    assert len(lines) == 3
    rejected = query(
        tmp_path,
        "select rejected from scan_run join channel on channel.id = channel_id where channel.name = 'export'",
    )
    assert rejected == [(2,)]


# --- report -------------------------------------------------------------------------------


def test_report_table_shows_counts_and_shares_per_channel(scanned: Path, cli: CliRunner) -> None:
    project = scanned  # its scan's exit 0 was asserted
    result = invoke(cli, project, "report", "--lang", "en")  # the brand writes Spanish
    assert result.exit_code == 0
    assert "Channels" in result.stdout
    # 4 customer comments (the business reply is not counted): 2 positive, 1 neutral, 1 negative
    cells = row(result.stdout, "cafe/export")
    assert cells[:7] == ["cafe/export", "file", "1", "4", "50%", "25%", "25%"]
    # The last scan's status, and when it ended (figures a cron job stopped updating show as old).
    assert re.fullmatch(r"ok · [A-Z][a-z]{2} \d{1,2}, \d{4} \d{2}:\d{2}", cells[7]), cells


def test_report_as_json(scanned: Path, cli: CliRunner) -> None:
    project = scanned  # its scan's exit 0 was asserted
    result = invoke(cli, project, "report", "--format", "json")
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert data["schema_version"] == 2  # the full report; "channels" keeps the all-time overview
    assert [b["brand"] for b in data["brands"]] == ["cafe"]
    assert {k: v for k, v in data.items() if k == "channels"} == {
        "channels": [
            {
                "brand": "cafe",
                "channel": "export",
                "platform": "file",
                "posts": 1,
                "comments": 4,
                "positive": 2,
                "neutral": 1,
                "negative": 1,
                "last_status": "ok",
                "pending_threads": 0,
                "shares": {"positive": 0.5, "neutral": 0.25, "negative": 0.25},
            }
        ]
    }


def test_report_before_any_scan(project: Path, cli: CliRunner) -> None:
    result = invoke(cli, project, "report", "--lang", "en")
    assert result.exit_code == 0
    assert "no data yet" in result.stdout
    assert "aún no hay datos" in invoke(cli, project, "report").stdout  # the brand's language
    assert json.loads(invoke(cli, project, "report", "-f", "json").stdout)["channels"] == []


def _two_channels(folder: Path) -> Path:
    write_jsonl(folder / "export.jsonl", [post("e1")])
    write_jsonl(folder / "second.jsonl", [post("s1"), post("s2")])
    return write_config(folder, channels=TWO_CHANNELS).resolve()


@pytest.fixture(scope="module")
def two_channels_scanned_once(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _scanned_once(tmp_path_factory, "two-channels", _two_channels)


@pytest.fixture
def two_channels(tmp_path: Path, two_channels_scanned_once: Path) -> Path:
    """Two channels (export: 1 post, second: 2) scanned (`scan -q`, exit 0): a copy, its config."""
    return copy_project(two_channels_scanned_once, tmp_path).resolve()


def test_report_filters_by_brand_and_channel(two_channels: Path, cli: CliRunner) -> None:
    config = two_channels  # its scan's exit 0 was asserted

    def channels(*args: str) -> list[tuple[str, int]]:
        data = json.loads(invoke(cli, config, "report", "-f", "json", *args).stdout)
        return [(c["channel"], c["posts"]) for c in data["channels"]]

    assert channels() == [("export", 1), ("second", 2)]
    assert channels("--channel", "second") == [("second", 2)]
    assert channels("--brand", "cafe") == [("export", 1), ("second", 2)]
    assert channels("--brand", "Café Uno") == [("export", 1), ("second", 2)]
    unknown = cli.invoke(app, ["report", "--brand", "other", "--config", str(config)])
    assert unknown.exit_code == 2  # an unknown brand is a mistake, not "no data yet"
    assert "unknown brand 'other'" in unknown.stderr and "known brands: cafe" in unknown.stderr


def test_report_accepts_brand_slash_channel_like_scan(two_channels: Path, cli: CliRunner) -> None:
    config = two_channels  # its scan's exit 0 was asserted
    data = json.loads(invoke(cli, config, "report", "-f", "json", "--channel", "cafe/second").stdout)
    assert [c["channel"] for c in data["channels"]] == ["second"]


# --- setup commands -------------------------------------------------------------------------


def test_connectors_lists_the_file_connector(cli: CliRunner) -> None:
    result = cli.invoke(app, ["connectors"])
    assert result.exit_code == 0
    cells = row(result.stdout, "file")
    assert cells[1] == "socialmon"
    assert "JSON Lines or CSV" in cells[2]


def test_check_on_a_good_config(project: Path, cli: CliRunner) -> None:
    result = invoke(cli, project, "check")
    assert result.exit_code == 0, result.output
    assert f"config {project}: 1 brand, 1 channel, all valid" in result.stdout
    assert "new (created on the first scan)" in result.stdout
    invoke(cli, project, "scan", "-q")
    assert "(newest)" in invoke(cli, project, "check").stdout


def test_upgrade_creates_the_schema(project: Path, cli: CliRunner) -> None:
    result = invoke(cli, project, "upgrade")
    assert result.exit_code == 0
    assert "is at schema" in result.stdout
    assert count(project.parent, "post") == 0


def test_the_database_option_overrides_the_config(project: Path, cli: CliRunner, tmp_path: Path) -> None:
    other = tmp_path / "other.db"
    assert invoke(cli, project, "scan", "-q", "--database", str(other)).exit_code == 0
    assert not (tmp_path / "socialmon.db").exists()
    connection = sqlite3.connect(other)
    assert connection.execute("select count(*) from comment").fetchone() == (5,)
    connection.close()


# --- documentation ---------------------------------------------------------------------------


_BUILT: dict[str, Any] = {}


def built_app() -> Any:
    """`typer.main.get_command(app)`, built once per language (its help texts are `_()` calls read
    as it is built): a build reads every command's signature and help, 26 ms each time."""
    language = _i18n.current()
    if language not in _BUILT:
        _BUILT[language] = typer.main.get_command(app)
    return _BUILT[language]


def command_names() -> list[str]:
    return sorted(built_app().commands)


@pytest.mark.parametrize("command", command_names())
def test_every_command_has_help(cli: CliRunner, command: str) -> None:
    result = cli.invoke(app, [command, "--help"])
    assert result.exit_code == 0
    assert "Usage:" in result.output
    docstring = built_app().commands[command].help
    assert docstring
    assert docstring.split()[0] in result.output


@pytest.mark.parametrize("command", command_names())
def test_a_process_builds_only_the_command_it_runs_and_it_reads_the_same(
    cli: CliRunner, command: str
) -> None:
    only = _app_for([command, "--help"])
    assert sorted(typer.main.get_command(only).commands) == [command]  # type: ignore[attr-defined]
    alone, whole = cli.invoke(only, [command, "--help"]), cli.invoke(app, [command, "--help"])
    assert alone.exit_code == whole.exit_code == 0
    assert alone.output == whole.output
    refused = [cli.invoke(each, [command, "--no-such-option"]) for each in (only, app)]
    assert refused[0].exit_code == refused[1].exit_code == 2
    assert refused[0].output == refused[1].output


def test_the_socialmon_command_runs_through_the_one_command_build(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import socialmon.cli

    built: list[list[str]] = []
    build = typer.main.get_command

    def recorded(typer_app: typer.Typer) -> Any:
        command = build(typer_app)
        built.append(sorted(command.commands))  # type: ignore[attr-defined]
        return command

    monkeypatch.setattr(typer.main, "get_command", recorded)
    # What `main` does for a process that ends with the command (gc.freeze) is not for this one.
    monkeypatch.setattr(socialmon.cli, "process_ends_with_command", lambda: None)
    monkeypatch.setattr(socialmon.cli, "keep_until_exit", lambda: None)
    monkeypatch.setattr("sys.argv", ["socialmon", "connectors"])
    with pytest.raises(SystemExit) as ended:
        socialmon.cli.main()
    assert ended.value.code == 0
    assert built == [["connectors"]]
    assert "file" in capsys.readouterr().out


@pytest.mark.parametrize("argv", [[], ["--help"], ["--version"], ["no-such-command"], ["--config", "x.toml"]])
def test_a_first_word_that_names_no_command_gets_every_command(argv: list[str]) -> None:
    assert _app_for(argv) is app


def test_the_top_level_help_lists_every_command(cli: CliRunner) -> None:
    result = cli.invoke(app, ["--help"])
    assert result.exit_code == 0
    for command in command_names():
        assert command in result.output


def test_every_command_is_in_the_readme() -> None:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    missing = [name for name in command_names() if f"socialmon {name}" not in text]
    assert missing == []
