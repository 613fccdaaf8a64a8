"""`socialmon alerts` as cron runs it: real processes, a real database, a real webhook receiver."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from alerts.servers import HookServer
from helpers import comment, post, write_config, write_jsonl
from sqlalchemy import create_engine, text
from typer.testing import CliRunner

from socialmon.analytics.refs import comment_ref
from socialmon.cli import app

NEGATIVE = "Terrible service, rude staff. I hate it, this is a scam"


def export(folder: Path, comments: int = 2) -> None:
    """Comments written three hours ago (past the 2 h SLA of `write_config`'s brand), none answered."""
    written = (datetime.now(UTC) - timedelta(hours=3)).isoformat()
    records = [post("p1", author_id="biz")]
    records += [comment(f"c{i}", text=f"{NEGATIVE} #{i}", created_at=written) for i in range(comments)]
    write_jsonl(folder / "export.jsonl", records)


def project(folder: Path, alerts_toml: str, comments: int = 2, database: str | None = None) -> Path:
    export(folder, comments)
    channels = '[[brands.channels]]\nname = "export"\nplatform = "file"\npath = "export.jsonl"\n\n'
    return write_config(folder, channels=channels + "[brands.alerts]\n" + alerts_toml, database=database)


def cli(config: Path, *args: str, env: dict[str, str] | None = None) -> Any:
    """The command in-process, as the other CLI tests run it (the overlap test uses real processes)."""
    result = CliRunner().invoke(app, [*args, "--config", str(config)], env={"COLUMNS": "200", **(env or {})})
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output
    return result


@pytest.fixture(autouse=True)
def stderr_apart(monkeypatch: pytest.MonkeyPatch) -> None:
    """rich's consoles write to the streams CliRunner swaps in."""
    monkeypatch.setenv("COLUMNS", "200")


def test_scan_raises_alerts_that_are_listed_and_acknowledged(tmp_path: Path) -> None:
    config = project(tmp_path, '[brands.alerts.watch_list]\nterms = ["scam"]\n')
    assert cli(config, "scan", "--quiet").exit_code == 0  # the rules run after the scan

    listed = cli(config, "alerts")
    assert listed.exit_code == 0
    # One burst of watch-list words, one wave of late comments: each lists its two comments.
    assert listed.output.count("watch-list") == 1 and listed.output.count("waiting") == 1
    assert "Palabras vigiladas “scam” en 2 comentarios" in listed.output  # the brand speaks Spanish

    assert cli(config, "alerts", "ack", "1").exit_code == 0
    assert cli(config, "alerts", "list").output.count("cafe") == listed.output.count("cafe") - 1
    missing = cli(config, "alerts", "ack", "99")
    assert missing.exit_code == 2 and "no alert with id 99" in missing.output


def test_the_list_reads_at_80_columns_each_title_on_its_own_line(tmp_path: Path) -> None:
    config = project(tmp_path, '[brands.alerts.watch_list]\nterms = ["scam"]\n')
    assert cli(config, "scan", "--quiet").exit_code == 0
    wide = cli(config, "alerts", "list").output
    narrow = cli(config, "alerts", "list", env={"COLUMNS": "80"})
    assert narrow.exit_code == 0
    lines = narrow.output.splitlines()
    assert all(len(line) <= 80 for line in lines), lines
    # A table of seven columns at 80 left the title 12 letters wide, a word per line: here each
    # title is whole on the line under its alert's facts.
    title = "Palabras vigiladas “scam” en 2 comentarios"
    assert title in wide and any(line.strip().startswith(title) for line in lines), lines
    assert any(line.startswith("#1 ") and "watch-list" in line for line in lines)
    spanish = cli(config, "alerts", "list", env={"COLUMNS": "80", "SOCIALMON_LANG": "es"}).output
    assert "crítica · watch-list · sin enviar" in spanish  # severity and status in the CLI's language


def test_send_with_a_failing_webhook_exits_1_and_the_next_run_sends_once(
    tmp_path: Path, hooks: HookServer
) -> None:
    config = project(tmp_path, '[[brands.alerts.webhooks]]\nkind = "json"\nurl = "${HOOK_URL}"\n')
    env = {"HOOK_URL": f"{hooks.base}/hook"}
    hooks.answers["/hook"] = [503, 200]
    assert cli(config, "scan", "--quiet").exit_code == 0

    dry = cli(config, "alerts", "send", "--dry-run", env=env)
    assert dry.exit_code == 0 and '"source": "socialmon"' in dry.output and hooks.received == []

    failed = cli(config, "alerts", "send", env=env)
    assert failed.exit_code == 1 and "FAILED" in failed.output and "HTTP 503" in failed.output
    assert hooks.base not in failed.output  # the webhook URL is a secret

    retried = cli(config, "alerts", "send", env=env)
    assert retried.exit_code == 0, retried.output
    again = cli(config, "alerts", "send", env=env)
    assert again.exit_code == 0 and "nothing to send" in again.output
    (payload,) = hooks.bodies("/hook")
    (alert,) = payload["alerts"]  # one wave of two late comments
    assert (
        alert["rule"] == "waiting" and alert["facts"]["count"] == 2 and len(alert["facts"]["comments"]) == 2
    )


def test_send_runs_the_rules_itself_before_sending(tmp_path: Path, hooks: HookServer) -> None:
    config = project(tmp_path, f'[[brands.alerts.webhooks]]\nkind = "json"\nurl = "{hooks.base}/hook"\n')
    assert cli(config, "scan", "--quiet").exit_code == 0
    engine = create_engine(f"sqlite:///{tmp_path / 'socialmon.db'}")
    with engine.begin() as connection:  # as if the scan had not run the rules (an older socialmon)
        connection.execute(text("DELETE FROM alert"))
    engine.dispose()
    assert cli(config, "alerts", "send").exit_code == 0
    assert cli(config, "alerts", "send").exit_code == 0
    (payload,) = hooks.bodies("/hook")
    assert [alert["facts"]["count"] for alert in payload["alerts"]] == [2]


@pytest.mark.slow
def test_two_overlapping_sends_deliver_each_alert_exactly_once(
    tmp_path: Path, hooks: HookServer, own_database_url: str
) -> None:
    config = project(
        tmp_path,
        '[brands.alerts.watch_list]\nterms = ["scam"]\n'
        f'[[brands.alerts.webhooks]]\nkind = "slack"\nurl = "{hooks.base}/slack"\n'
        f'[[brands.alerts.webhooks]]\nkind = "json"\nurl = "{hooks.base}/json"\n',
        comments=20,
        database=own_database_url,
    )
    assert cli(config, "scan", "--quiet").exit_code == 0
    hooks.delay = 0.1  # each answer takes a moment, so the two runs are sending at the same time
    command = [sys.executable, "-m", "socialmon", "alerts", "send", "--config", str(config)]
    runs = [
        subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)
    ]
    outputs = [run.communicate(timeout=120) for run in runs]
    assert [run.returncode for run in runs] == [0, 0], outputs

    engine = create_engine(own_database_url)
    with engine.connect() as connection:
        stored = sorted(connection.execute(text("SELECT id FROM alert WHERE sent_at IS NOT NULL")).scalars())
        unsent = connection.execute(text("SELECT count(*) FROM alert WHERE sent_at IS NULL")).scalar_one()
        rows = _dump(
            connection,
            "SELECT count(*) AS comments_stored_by_the_scan FROM comment",
            "SELECT id, rule, created_at, sent_at, acknowledged_at, resolved_at FROM alert ORDER BY id",
            "SELECT alert_id, destination, claimed_by, sent_at, attempts, last_error FROM alert_delivery"
            " ORDER BY alert_id, destination",
        )
    engine.dispose()
    # On failure: what each run said, and every alert and delivery row, to tell a lost alert from a lost mark.
    said = "\n".join(f"run {n}: stdout={out!r} stderr={err!r}" for n, (out, err) in enumerate(outputs))
    # a wave of 20 waiting, a burst of 20 watch-list words, the post heating up
    assert len(stored) >= 3 and unsent == 0, f"{len(stored)} sent, {unsent} unsent\n{said}\n{rows}"
    delivered = sorted(alert["id"] for body in hooks.bodies("/json") for alert in body["alerts"])
    assert delivered == stored, f"{said}\n{rows}"  # every alert once: none twice, none lost
    # Slack is read by a person: one message covering every alert once, whichever run sent it.
    (digest,) = hooks.bodies("/slack")
    detailed = [b for b in digest["blocks"] if b["type"] == "context"]
    assert len(detailed) == len(stored) and f"encontró {len(stored)} asuntos" in digest["text"]


def _dump(connection: Any, *queries: str) -> str:
    """The rows of these queries, one a line under their column names, for a failure message."""
    lines = []
    for query in queries:
        result = connection.execute(text(query))
        lines.append(", ".join(result.keys()))
        lines += [f"  {tuple(str(value) for value in row)}" for row in result]
    return "\n".join(lines)


@pytest.mark.parametrize(
    ("alerts_toml", "field"),
    [
        ('quiet_hours = "late"\n', "alerts.quiet_hours"),
        ("[brands.alerts.negative_spike]\nk = -1\n", "alerts.negative_spike.k"),
        ('[brands.alerts.waiting]\nlookbak = "2d"\n', "alerts.waiting.lookbak"),
        ('[[brands.alerts.webhooks]]\nkind = "telegram"\nurl = "https://x"\n', "alerts.webhooks.0.kind"),
        ('[[brands.alerts.webhooks]]\nkind = "json"\nurl = "${NOT_SET_HOOK}"\n', "alerts.webhooks[0].url"),
        ('[brands.alerts.email]\nto = "owner@cafe.example"\n', "alerts.email.host"),
        (
            '[brands.alerts.email]\nto = "o@cafe.example"\nhost = "smtp.example.com"\nfrom = "a@cafe.example"\n'
            'security = "none"\nusername = "a@cafe.example"\npassword = "pw"\n',
            "alerts.email.security",
        ),
    ],
)
def test_a_mistake_in_the_alerts_section_exits_2_naming_file_brand_and_field(
    tmp_path: Path, alerts_toml: str, field: str
) -> None:
    config = project(tmp_path, alerts_toml)
    result = cli(config, "alerts", "send")
    assert result.exit_code == 2
    assert (
        str(config) in result.output
        and "brand 'cafe'" in result.output
        and f"field '{field}'" in result.output
    )


def test_a_failure_of_the_rules_after_a_scan_is_reported_and_the_scan_kept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import socialmon.alerts

    def broken(*_: object, **__: object) -> None:
        raise RuntimeError("rules exploded")

    monkeypatch.setattr(socialmon.alerts, "evaluate_alerts", broken)
    config = project(tmp_path, "")
    result = cli(config, "scan", "--quiet")
    assert result.exit_code == 0 and "alert rules failed: RuntimeError: rules exploded" in result.output
    engine = create_engine(f"sqlite:///{tmp_path / 'socialmon.db'}")
    with engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM comment")).scalar_one() == 2
    engine.dispose()


def test_a_scan_says_in_one_line_what_the_alert_rules_found_and_quiet_says_nothing(tmp_path: Path) -> None:
    config = project(tmp_path, "")
    loud = cli(config, "scan")
    assert loud.exit_code == 0
    assert "cafe: 1 new alert, 0 resolved (`socialmon alerts` lists the open ones)" in loud.output
    again = cli(config, "scan")
    assert "cafe: no new alerts" in again.output
    assert cli(config, "scan", "--quiet").output == ""


def test_the_list_shows_the_most_severe_first_up_to_the_limit(tmp_path: Path) -> None:
    config = project(tmp_path, '[brands.alerts.watch_list]\nterms = ["scam"]\n', comments=4)
    assert cli(config, "scan", "--quiet").exit_code == 0  # a critical watch-list burst, a warning wave
    listed = cli(config, "alerts", "--limit", "1")
    assert listed.output.count("critical") == 1 and "warning" not in listed.output
    assert "1 of 2 shown, the most severe first: --limit 0 shows all" in listed.output
    assert cli(config, "alerts", "list", "--limit", "0").output.count("warning") == 1


def test_show_lists_every_comment_of_a_wave_and_check_names_a_skipped_channel(tmp_path: Path) -> None:
    config = project(tmp_path, "", comments=7)
    assert cli(config, "scan", "--quiet").exit_code == 0
    shown = cli(config, "alerts", "show", "1")
    assert shown.exit_code == 0 and "7 comentarios esperan respuesta" in shown.output
    assert all(f"#{i}" in shown.output for i in range(7))
    # each comment by the reference `label` takes, written in the brand's time (Guayaquil, UTC−5)
    assert all(comment_ref("cafe", "export", f"c{i}") in shown.output for i in range(7))
    written = datetime.fromisoformat(
        json.loads((tmp_path / "export.jsonl").read_text().splitlines()[1])["created_at"]
    )
    local = written.astimezone(ZoneInfo("America/Guayaquil")).strftime("%Y-%m-%d %H:%M")
    assert local in shown.output and written.astimezone(UTC).strftime("%Y-%m-%d %H:%M") not in shown.output
    spanish = cli(config, "alerts", "show", "1", env={"SOCIALMON_LANG": "es"}).output
    assert "etiqueta" in spanish and "negativo" in spanish and "negative" not in spanish  # as its heading
    engine = create_engine(f"sqlite:///{tmp_path / 'socialmon.db'}")
    with engine.begin() as connection:
        connection.execute(text("UPDATE scan_run SET status = 'partial'"))
    engine.dispose()
    checked = cli(config, "alerts", "check")
    assert "skipped export: last scan partial" in checked.output
    assert "negative-spike: 0 of the 7 baseline windows had comments: too little history" in checked.output
    spanish = cli(config, "alerts", "check", env={"SOCIALMON_LANG": "es"}).output
    assert (
        "negative-spike: 0 de las 7 ventanas de referencia tuvieron comentarios: muy poco historial"
        in spanish
    )


def test_send_quiet_still_says_alerts_with_nowhere_to_go(tmp_path: Path) -> None:
    """A cron job (`alerts send --quiet`) of a brand with no e-mail or webhook never learnt its alerts
    went nowhere."""
    config = project(tmp_path, "")
    assert cli(config, "scan", "--quiet").exit_code == 0
    sent = cli(config, "alerts", "send", "--quiet")
    assert sent.exit_code == 0
    assert "alert with nowhere to go: add [brands.alerts.email]" in sent.output
