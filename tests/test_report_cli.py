"""`socialmon report`, `report response-times`, `report trends` and `pending`, end to end on SQLite."""

from __future__ import annotations

import builtins
import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from helpers import clean_environment, comment, copy_project, post, write_config, write_jsonl
from typer.testing import CliRunner

from socialmon.cli import app

WINDOW = ("--since", "2026-10-01", "--until", "2026-10-07")


@pytest.fixture(autouse=True)
def wide_console(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "200")


@pytest.fixture(scope="module")
def scanned(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Café Uno (Guayaquil, Spanish, SLA 2 h): c1 answered after 1 h, c2 negative and unanswered.

    Scanned once for the module; each test gets a copy (`project`)."""
    folder = tmp_path_factory.mktemp("scanned")
    with clean_environment(folder, COLUMNS="200"):
        write_jsonl(
            folder / "export.jsonl",
            [
                post("p1", author_id="biz", like_count=4),
                comment("c1", text="I love this place, wonderful!"),
                comment(
                    "r1", type="reply", parent_id="c1", is_business=True, created_at="2026-10-01T14:00:00Z"
                ),
                comment("c2", text="Terrible, awful service. <b>=cmd</b>", created_at="2026-10-02T13:00:00Z"),
                comment("c3", text="-1 star", created_at="2026-10-03T13:00:00Z"),
            ],
        )
        config = write_config(folder).resolve()
        assert CliRunner().invoke(app, ["scan", "-q", "--config", str(config)]).exit_code == 0
    return folder


@pytest.fixture
def project(tmp_path: Path, scanned: Path) -> Path:
    """A copy of the scanned project: its config."""
    return copy_project(scanned, tmp_path).resolve()


def invoke(cli: CliRunner, config: Path, *args: str) -> Any:
    result = cli.invoke(app, [*args, "--config", str(config)])
    assert result.exit_code == 0, result.output
    return result


def test_summary_json(project: Path, cli: CliRunner) -> None:
    data = json.loads(invoke(cli, project, "report", "-f", "json", *WINDOW).stdout)
    brand = data["brands"][0]
    assert brand["window"]["since"] == "2026-10-01T05:00:00+00:00"  # local midnight in Guayaquil
    overall = brand["response_times"]["overall"]
    assert (overall["comments"], overall["answered"], overall["median_minutes"]) == (3, 1, 60.0)
    assert [i["id"] for i in brand["needs_reply"]["items"]] == ["c2", "c3"]
    assert brand["engagement"]["posts"][0]["likes"] == 4


def test_a_deleted_comment_is_counted_nowhere_not_even_in_the_channel_overview(
    tmp_path: Path, cli: CliRunner
) -> None:
    write_jsonl(
        tmp_path / "export.jsonl",
        [post("p1", author_id="biz"), comment("c1", text="Muy rico"), comment("c2", text="x", deleted=True)],
    )
    config = write_config(tmp_path).resolve()
    invoke(cli, config, "scan", "-q")
    data = json.loads(invoke(cli, config, "report", "-f", "json", *WINDOW).stdout)
    assert data["brands"][0]["headline"]["customer_comments"] == 1
    assert [channel["comments"] for channel in data["channels"]] == [1]  # all time: c2 was deleted


def test_pending_negative_first_and_limit(project: Path, cli: CliRunner) -> None:
    data = json.loads(
        invoke(cli, project, "pending", "-f", "json", "--negative-first", "-n", "1", *WINDOW).stdout
    )
    pending = data["brands"][0]["needs_reply"]
    assert (pending["total"], [i["id"] for i in pending["items"]]) == (2, ["c2"])
    assert data["brands"][0]["response_times"] is None
    table = invoke(cli, project, "pending", *WINDOW).stdout
    assert "Esperan respuesta" in table and "Terrible" in table


def test_response_times_csv_is_spreadsheet_safe(project: Path, cli: CliRunner) -> None:
    text = invoke(cli, project, "report", "response-times", "-f", "csv", "--lang", "en", *WINDOW).stdout
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[1][:4] == ["Channel", "Comments", "Answered", "Response rate"]
    assert rows[2][:3] == ["export", "3", "1"]
    pending = invoke(cli, project, "pending", "-f", "csv", *WINDOW).stdout
    assert "'-1 star" in pending


def test_trends_markdown_by_day(project: Path, cli: CliRunner) -> None:
    text = invoke(
        cli, project, "report", "trends", "--period", "day", "-f", "md", "--lang", "en", *WINDOW
    ).stdout
    assert "## Feedback trend" in text and "Oct 1, 2026" in text and "How these figures are measured" in text


def test_html_file_and_brand_touches(tmp_path: Path, project: Path, cli: CliRunner) -> None:
    (tmp_path / "logo.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg"/>', encoding="utf-8")
    text = project.read_text(encoding="utf-8").replace(
        'response_sla = "2h"', 'response_sla = "2h"\nlogo = "logo.svg"\naccent_color = "#aa3300"'
    )
    project.write_text(text, encoding="utf-8")
    target = tmp_path / "report.html"
    invoke(cli, project, "report", "-f", "html", "-o", str(target), *WINDOW)
    html = target.read_text(encoding="utf-8")
    assert "--accent: #aa3300" in html and 'src="data:image/svg+xml;base64,' in html
    assert "&lt;b&gt;=cmd&lt;/b&gt;" in html and "<b>=cmd" not in html


def test_pdf_without_weasyprint_says_how_to_install(
    project: Path, cli: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_import = builtins.__import__

    def no_weasyprint(name: str, *args: Any, **kwargs: Any) -> Any:
        if name == "weasyprint":
            raise ImportError(name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_weasyprint)
    result = cli.invoke(app, ["report", "-f", "pdf", "--lang", "en", "--config", str(project)])
    assert result.exit_code == 2
    assert "pip install 'socialmon[pdf]'" in result.output


@pytest.mark.slow
def test_pdf_when_the_extra_is_installed(tmp_path: Path, project: Path, cli: CliRunner) -> None:
    pytest.importorskip("weasyprint")
    target = tmp_path / "report.pdf"
    invoke(cli, project, "report", "-f", "pdf", "-o", str(target), *WINDOW)
    assert target.read_bytes().startswith(b"%PDF")


def test_bad_window_is_a_usage_error(project: Path, cli: CliRunner) -> None:
    result = cli.invoke(app, ["report", "--since", "yesterday", "--config", str(project)])
    assert result.exit_code == 2 and "7d, 4w, 3m" in result.output


@pytest.mark.slow
def test_a_json_report_loads_only_what_it_runs(tmp_path: Path, project: Path) -> None:
    """Start-up is most of a report's time: a JSON report loads no rich, no ORM classes, no
    connector and no alert machinery (each is imported by the commands that use it)."""
    loaded = tmp_path / "modules.txt"
    probe = (
        "import runpy, sys\n"
        "sys.argv = ['socialmon', *sys.argv[1:]]\n"
        "try:\n"
        "    runpy.run_module('socialmon', run_name='__main__')\n"
        "except SystemExit as done:\n"
        "    assert not done.code, done.code\n"
        f"open({str(loaded)!r}, 'w').write('\\n'.join(sys.modules))\n"
    )
    command = [
        sys.executable,
        "-c",
        probe,
        "report",
        "-f",
        "json",
        "--timings",
        *WINDOW,
        "--config",
        str(project),
    ]
    env = {k: v for k, v in os.environ.items() if not k.startswith("SOCIALMON_")}
    result = subprocess.run(command, capture_output=True, text=True, env=env, timeout=120, check=False)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["brands"][0]["brand"] == "cafe"
    assert "reply_pairing:" in result.stderr
    modules = set(loaded.read_text().split())
    unwanted = (
        "rich",
        "sqlalchemy.orm",
        "sqlmodel",
        "socialmon.models",
        "socialmon_connectors",
        "socialmon.alerts",
        "babel",  # the JSON's numbers are raw: no locale formatting
        "socialmon.cli._config_words",  # nor words to translate (a failed scan's reason is not in it)
    )
    assert sorted(name for name in modules if name.split(".")[0] in unwanted or name in unwanted) == []


def test_the_garbage_collector_is_paused_only_while_a_report_computes(project: Path, cli: CliRunner) -> None:
    import gc

    from socialmon._gc import collector_paused

    seen: list[bool] = []
    with collector_paused():
        seen.append(gc.isenabled())
        with collector_paused():  # already paused: stays paused
            seen.append(gc.isenabled())
        seen.append(gc.isenabled())
    seen.append(gc.isenabled())
    with pytest.raises(KeyError), collector_paused():
        raise KeyError("a failing report")
    assert seen == [False, False, False, True] and gc.isenabled()
    invoke(cli, project, "report", "-f", "json", *WINDOW)
    assert cli.invoke(app, ["report", "--since", "yesterday", "--config", str(project)]).exit_code == 2
    assert gc.isenabled()


_FREEZE_PROBE = """
import gc, sys
from socialmon import _gc
if sys.argv[1] == "command":
    _gc.process_ends_with_command()
before = gc.get_freeze_count()
with _gc.collector_paused(until_exit=True):
    kept = [[i] for i in range(1000)]
print(gc.get_freeze_count() - before, gc.isenabled())
"""


@pytest.mark.parametrize(("process", "frozen"), [("command", True), ("caller", False)])
def test_what_a_report_keeps_is_frozen_only_in_the_socialmon_process(process: str, frozen: bool) -> None:
    # Frozen objects are never scanned again (not even by the collection at exit); a process that
    # goes on after the command (the tests) must keep collecting what the report left.
    done = subprocess.run(
        [sys.executable, "-c", _FREEZE_PROBE, process], capture_output=True, text=True, check=True
    )
    newly_frozen, enabled = done.stdout.split()
    assert (int(newly_frozen) >= 1000) is frozen and (newly_frozen == "0") is not frozen
    assert enabled == "True"


def test_pending_help_names_the_zip_of_csv_files(cli: CliRunner) -> None:
    result = cli.invoke(app, ["pending", "--help"])
    assert result.exit_code == 0
    said = " ".join(result.output.replace("│", " ").split())
    assert ".zip: one CSV per table, ready for Excel" in said and ".xlsx" in said


@pytest.mark.parametrize("selector", ["cafe/export", "Café Uno/export"])
def test_a_channel_named_with_its_brands_name_or_slug_gets_its_report(
    project: Path, cli: CliRunner, selector: str
) -> None:
    """`--channel` takes the brand as `--brand` does: by slug or by name (the name said "no data yet")."""
    result = invoke(cli, project, "report", "--channel", selector, "--format", "json", *WINDOW)
    overview = json.loads(result.stdout)["channels"]
    assert [(c["brand"], c["channel"], c["last_status"]) for c in overview] == [("cafe", "export", "ok")]


@pytest.mark.slow  # two real PDFs through WeasyPrint (1.5-1.9 s of CPU), as test_pdf_when_the_extra_is_installed
def test_a_long_pdf_shows_it_is_working_on_a_terminal_and_nothing_in_cron(
    tmp_path: Path, project: Path, cli: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A consultant's 20-brand PDF took 17 s with nothing on the screen."""
    pytest.importorskip("weasyprint")
    from rich.console import Console

    from socialmon.cli._common import err

    quiet = cli.invoke(
        app, ["report", "-f", "pdf", "-o", str(tmp_path / "a.pdf"), *WINDOW, "--config", str(project)]
    )
    assert quiet.exit_code == 0 and "PDF" not in quiet.stderr  # stderr is no terminal here: cron
    screen = io.StringIO()
    monkeypatch.setattr(err, "reset", lambda: None)  # keep the terminal console for this command
    monkeypatch.setattr(err, "_console", Console(file=screen, force_terminal=True, width=80))
    result = cli.invoke(
        app, ["report", "-f", "pdf", "-o", str(tmp_path / "b.pdf"), *WINDOW, "--config", str(project)]
    )
    assert result.exit_code == 0, result.output
    assert "Writing the PDF of 1 brand…" in screen.getvalue()
