"""The quick start never goes stale (issue 14, point 1, first two bullets).

The sample export's times are relative to the day of its first scan, an empty window says so
and where the data is, `pending` lists every comment still waiting whatever its age, and the
README's sample output is what a run today prints.
"""

from __future__ import annotations

import asyncio
import re
import shutil
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from helpers import REPO, clean_environment, copy_project, run_cli, write_config, write_jsonl
from typer.testing import CliRunner

from socialmon.cli import app
from socialmon.config import load_config
from socialmon.database import Database
from socialmon.report import build_reports
from socialmon_connectors import ChannelContext, Page
from socialmon_connectors.file import FileConnector, FileSettings

GYE = ZoneInfo("America/Guayaquil")


def read(source: FileConnector, cursor: dict[str, Any] | None = None) -> list[Page]:
    async def collect() -> list[Page]:
        return [page async for page in source.pages(cursor)]

    return asyncio.run(collect())


def connector(folder: Path, **options: Any) -> FileConnector:
    return FileConnector(
        FileSettings(path="export.jsonl", timezone="America/Guayaquil", **options),
        ChannelContext(brand="cafe", channel="export", account="Café", base_dir=folder),
    )


def times(pages: list[Page]) -> dict[str, datetime]:
    return {r.platform_id: r.created_at for page in pages for r in [*page.posts, *page.comments]}


def sample(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name in ("socialmon.toml", "sample-export.jsonl", "sample-whatsapp.txt"):
        shutil.copy(REPO / "config" / name, folder / name)
    return folder / "socialmon.toml"


@pytest.fixture(scope="module")
def sample_scanned_once(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The quick start's sample after its first `scan -q` (exit 0), once for the module, in the
    environment a test has; each test works on a copy (`scanned_sample`)."""
    folder = tmp_path_factory.mktemp("sample")
    with clean_environment(folder):  # holidays "EC"
        result = CliRunner().invoke(app, ["scan", "-q", "--config", str(sample(folder))])
        assert result.exit_code == 0, result.output
    return folder


@pytest.fixture
def scanned_sample(tmp_path: Path, sample_scanned_once: Path) -> Path:
    """`sample(tmp_path)` scanned once (`scan -q`, exit 0): a copy for the test, its config."""
    return copy_project(sample_scanned_once, tmp_path)


# --- relative times ----------------------------------------------------------------------------


def test_relative_times_are_anchored_at_the_first_scan_and_kept_in_the_cursor(tmp_path: Path) -> None:
    write_jsonl(
        tmp_path / "export.jsonl",
        [
            {"type": "post", "id": "p1", "created_at": "today-3d 09:00"},
            {"type": "comment", "id": "c1", "post_id": "p1", "created_at": "today 14:30-03:00"},
            {"type": "comment", "id": "c2", "post_id": "p1", "created_at": "today-1d"},
        ],
    )
    today = datetime.now(GYE).date()
    pages = read(connector(tmp_path))
    found = times(pages)
    assert found["p1"] == datetime.combine(today - timedelta(days=3), datetime.min.time(), GYE).replace(
        hour=9
    ).astimezone(UTC)
    assert found["c1"] == datetime.combine(today, datetime.min.time(), UTC).replace(hour=17, minute=30)
    assert found["c2"].astimezone(GYE).date() == today - timedelta(days=1)
    cursor = pages[-1].cursor
    assert cursor is not None and cursor["files"]["export.jsonl"]["anchor"] == today.isoformat()
    # A cursor from long ago keeps its anchor, even when the file is rewritten and read again.
    old = {"files": {"export.jsonl": {**cursor["files"]["export.jsonl"], "anchor": "2026-01-10", "head": ""}}}
    again = times(read(connector(tmp_path), old))
    assert again["p1"] == datetime(2026, 1, 7, 14, tzinfo=UTC)


def test_a_weekday_anchor_lands_the_times_on_the_same_weekdays(tmp_path: Path) -> None:
    write_jsonl(tmp_path / "export.jsonl", [{"type": "post", "id": "p1", "created_at": "today-19d 09:00"}])
    found = times(read(connector(tmp_path, anchor="saturday")))["p1"].astimezone(GYE)
    assert found.weekday() == 0  # a Saturday, 19 days back: a Monday
    # 09:00 of the anchor's day less 19: just after midnight on a Saturday, 19 days less 9 h ago.
    assert timedelta(days=19, hours=-9) <= datetime.now(GYE) - found <= timedelta(days=26)
    fixed = times(read(connector(tmp_path, anchor="2026-11-21")))["p1"]
    assert fixed == datetime(2026, 11, 2, 14, tzinfo=UTC)


def test_the_sample_export_is_written_in_relative_times() -> None:
    text = (REPO / "config" / "sample-export.jsonl").read_text(encoding="utf-8")
    assert re.findall(r'"created_at": "(\d{4}-[^"]*)"', text) == []


# --- the quick start, today ----------------------------------------------------------------------


def test_the_quick_start_report_holds_every_sample_comment_today(scanned_sample: Path) -> None:
    config = scanned_sample  # its first scan's exit 0 was asserted
    loaded = load_config(config)
    database = Database(loaded.database_url(None))
    [report] = build_reports(database, loaded, view="summary")  # the default window: 30 days
    assert report.comments_in_window == 25 + 9  # the export's comments and the WhatsApp customer's messages
    # The export's 18 waiting (its "ok gracias por avisar" needs no answer: 0016) and one waiting turn.
    assert report.needs_reply is not None and report.needs_reply.total == 18 + 1
    # Scanned again, nothing moves: the anchor is kept.
    before = report.newest_comment_at
    assert CliRunner().invoke(app, ["scan", "-q", "--config", str(config)]).exit_code == 0
    [again] = build_reports(database, loaded, view="summary")
    assert again.newest_comment_at == before


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("es", "No hay comentarios en este periodo; el más reciente es del {day} — pruebe --since"),
        ("en", "No comments in this window; the newest is from {day} — try --since"),
    ],
)
def test_an_empty_window_says_so_and_where_the_data_is(
    scanned_sample: Path, lang: str, expected: str
) -> None:
    config = scanned_sample  # its scan's exit 0 was asserted
    cli = CliRunner()
    # The sample's newest comment is at least five days old: today alone holds none.
    result = cli.invoke(app, ["report", "--config", str(config), "--since", "1d", "--lang", lang])
    assert result.exit_code == 0, result.output
    text = " ".join(result.output.split())
    newest = re.search(r"(?:es del|is from) (.+?) —", text)
    assert newest, text
    assert expected.format(day=newest.group(1)) in text
    assert re.search(r"--since \d+d", text)
    before = cli.invoke(
        app, ["report", "--config", str(config), "--since", "2020-01-01", "--until", "2020-02-01"]
    )
    assert "--until" in " ".join(before.output.split())


def test_pending_lists_every_comment_still_waiting_whatever_its_age(tmp_path: Path) -> None:
    write_jsonl(
        tmp_path / "export.jsonl",
        [
            {"type": "post", "id": "p1", "created_at": "today-120d 09:00"},
            {
                "type": "comment",
                "id": "old",
                "post_id": "p1",
                "created_at": "today-100d 10:00",
                "author_name": "Clienta Antigua",
                "text": "¿Siguen abiertos?",
            },
            {
                "type": "comment",
                "id": "new",
                "post_id": "p1",
                "created_at": "today-2d 10:00",
                "author_name": "Cliente Nuevo",
                "text": "¿Hacen envíos?",
            },
        ],
    )
    config = write_config(tmp_path)
    cli = CliRunner()
    assert cli.invoke(app, ["scan", "-q", "--config", str(config)]).exit_code == 0
    result = cli.invoke(app, ["pending", "--config", str(config), "-f", "csv"])
    assert result.exit_code == 0, result.output
    assert "Clienta Antigua" in result.output and "Cliente Nuevo" in result.output
    windowed = cli.invoke(app, ["pending", "--config", str(config), "-f", "csv", "--since", "30d"])
    assert "Clienta Antigua" not in windowed.output and "Cliente Nuevo" in windowed.output


def _readme_sample() -> list[str]:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    intro = text.index("What the first command prints")
    block = text[text.index("```\n", intro) + 4 : text.index("\n```", text.index("```\n", intro) + 4)]
    return block.splitlines()


def _local_date(day: date) -> str:
    from babel.dates import format_date

    return format_date(day, format="medium", locale="es_EC")


# The scan's alerts line: the sample's waiting comments pass their alert's line (4 h of business
# hours) or not according to the hour of the day the scan runs.
ALERTS_LINE = re.compile(r"la-cosecha: (?:sin alertas nuevas|\d+ alertas? nuevas?, \d+ resueltas? \(.*\))")


@pytest.mark.slow
def test_the_readmes_sample_output_is_what_a_run_today_prints(tmp_path: Path) -> None:
    config = sample(tmp_path)
    brands_language = {"SOCIALMON_LANG": ""}  # as a user runs it: the sample brand speaks Spanish
    scan = run_cli("scan", "--config", str(config), env=brands_language)
    assert scan.returncode == 0, scan.stderr
    report = run_cli("report", "--config", str(config), env=brands_language)
    assert report.returncode == 0, report.stderr
    # When the last scan ended is the run's: the README's is the day and time it was written.
    scanned_at = re.compile(r" · \d{1,2} \w+\.? \d{4} \d{2}:\d{2}$")
    printed = [
        scanned_at.sub(" · WHEN", line.rstrip())
        for line in (scan.stderr + scan.stdout + report.stdout).splitlines()
    ]
    today = datetime.now(GYE).date()
    window = f"del {_local_date(today - timedelta(days=29))} al {_local_date(today)}"
    shown = [line for line in _readme_sample() if line != "…"]
    assert shown, "the README lost its sample output"
    for line in shown:
        # The window's dates are the only part that follows the day the README was written.
        line = re.sub(r"del \d+ \w+ \d{4} al \d+ \w+ \d{4}", window, line)
        line = scanned_at.sub(" · WHEN", line.rstrip())
        if "─ del " in line:  # the window sits in the panel's border: its length follows the dates
            assert any(window in other for other in printed), (window, printed)
            continue
        if ALERTS_LINE.fullmatch(line):  # whether the waits are past their alert's line follows the hour
            assert any(ALERTS_LINE.fullmatch(other) for other in printed), printed
            continue
        assert line.rstrip() in printed, line


def test_pending_limit_0_lists_them_all_as_alerts_limit_0_does(tmp_path: Path) -> None:
    """The report says "N more in socialmon pending", whose default shows 50: `--limit 0` was
    refused (at least 1), so a long list could not be seen whole."""
    write_jsonl(
        tmp_path / "export.jsonl",
        [{"type": "post", "id": "p1", "created_at": "today-3d 09:00"}]
        + [
            {
                "type": "comment",
                "id": f"c{n}",
                "post_id": "p1",
                "created_at": f"today-2d 10:{n:02d}",
                "author_name": f"Cliente {n}",
                "text": "¿Hacen envíos?",
            }
            for n in range(55)
        ],
    )
    config = write_config(tmp_path)
    cli = CliRunner()
    assert cli.invoke(app, ["scan", "-q", "--config", str(config)]).exit_code == 0
    shown = {}
    for limit in ("50", "0"):
        result = cli.invoke(app, ["pending", "--config", str(config), "-f", "json", "--limit", limit])
        assert result.exit_code == 0, result.output
        shown[limit] = result.output.count('"author_name"') or result.output.count("Cliente ")
    assert shown["50"] == 50 and shown["0"] == 55, shown
