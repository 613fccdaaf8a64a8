"""`socialmon label`, `export-labels` and `rescore` on a real SQLite file."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from helpers import comment, copy_project, post, scanned_project
from typer.testing import CliRunner

from socialmon.analytics.refs import comment_ref
from socialmon.cli import app
from socialmon.database import open_database
from socialmon.rescore import count_stale, rescore
from socialmon.sentiment import get_scorer

TEXTS = [
    "I love this place, absolutely wonderful!",
    "This is terrible, awful service. I hate it.",
    "The shop opens at nine on Tuesday.",
    '=HYPERLINK("http://x") great cake',
]


@pytest.fixture(scope="module")
def scanned(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The project scanned once for the module; each test gets a copy."""
    records = [post("p1")] + [comment(f"c{i}", text=t) for i, t in enumerate(TEXTS)]
    return scanned_project(tmp_path_factory.mktemp("scanned"), records).parent


@pytest.fixture
def project(tmp_path: Path, scanned: Path) -> Path:
    return copy_project(scanned, tmp_path)


def invoke(config: Path, *args: str) -> Any:
    result = CliRunner().invoke(app, [*args, "--config", str(config)])
    assert "Traceback" not in result.output
    return result


def sql(config: Path, statement: str) -> list[tuple[Any, ...]]:
    with sqlite3.connect(config.parent / "socialmon.db") as connection:
        return connection.execute(statement).fetchall()


def test_a_label_correction_is_used_by_the_report_and_exported(project: Path) -> None:
    reference = comment_ref("cafe", "export", "c0")  # as `pending` and the reports show it
    before = json.loads(invoke(project, "report", "--format", "json").output)

    result = invoke(project, "label", reference, "negative")
    assert result.exit_code == 0, result.output

    after = json.loads(invoke(project, "report", "--format", "json").output)
    assert before != after
    assert sql(project, "select sentiment_label, label_override from comment where platform_id = 'c0'") == [
        ("positive", "negative")
    ]
    exported = list(csv.DictReader(io.StringIO(invoke(project, "export-labels").output)))
    assert [(row["text"], row["label"], row["scorer_label"]) for row in exported] == [
        (TEXTS[0], "negative", "positive")
    ]

    assert invoke(project, "label", "cafe/export/c0", "--clear").exit_code == 0
    assert sql(project, "select label_override from comment where platform_id = 'c0'") == [(None,)]
    assert invoke(project, "export-labels").output.strip() == (
        "id,brand,channel,text,language,label,scorer_label,scorer,created_at"
    )


def test_export_labels_as_json_lines_to_a_file(project: Path, tmp_path: Path) -> None:
    invoke(project, "label", "c3", "positive")
    target = tmp_path / "labels.jsonl"
    assert invoke(project, "export-labels", "--format", "jsonl", "--output", str(target)).exit_code == 0
    [line] = target.read_text(encoding="utf-8").splitlines()
    assert json.loads(line)["text"] == TEXTS[3] and json.loads(line)["label"] == "positive"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["c0", "angry"], "unknown label 'angry'"),
        (["nope", "negative"], "no comment 'nope'"),
        (["c0"], "give a label"),
    ],
)
def test_label_mistakes_exit_2_with_a_message(project: Path, args: list[str], message: str) -> None:
    result = invoke(project, "label", *args)
    assert result.exit_code == 2
    assert message in result.output


def test_rescore_updates_old_scores_in_resumable_batches(project: Path) -> None:
    sql_path = project.parent / "socialmon.db"
    with sqlite3.connect(sql_path) as connection:
        connection.execute("update comment set sentiment_version = 'old', sentiment_label = 'neutral'")
    database = open_database(f"sqlite:///{sql_path}")
    scorer = get_scorer()  # the default, which the scan used
    assert count_stale(database, scorer) == 4

    def interrupt(_: int) -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):  # stopped after the first committed batch of 2
        rescore(database, scorer, batch_size=2, progress=interrupt, workers=0)
    assert count_stale(database, scorer) == 2
    assert rescore(database, scorer, batch_size=2, workers=0) == 2
    assert count_stale(database, scorer) == 0
    database.dispose()
    assert sql(project, "select sentiment_label from comment where platform_id = 'c1'") == [("negative",)]

    result = invoke(project, "rescore")
    assert result.exit_code == 0 and "already scored" in result.output


def test_rescore_since_only_touches_newer_comments(project: Path) -> None:
    with sqlite3.connect(project.parent / "socialmon.db") as connection:
        connection.execute("update comment set sentiment_version = 'old'")
    result = invoke(project, "rescore", "--since", "2030-01-01")
    assert result.exit_code == 0
    assert sql(project, "select count(*) from comment where sentiment_version = 'old'") == [(4,)]
    assert invoke(project, "rescore", "--since", "2026-01-01").exit_code == 0
    assert sql(project, "select count(*) from comment where sentiment_version = 'old'") == [(0,)]


def test_check_says_when_stored_scores_are_another_versions_until_rescore(project: Path) -> None:
    """After an upgrade the reports mix two versions' labels: `check` says so, and what to run."""
    assert "rescore" not in invoke(project, "check").output
    with sqlite3.connect(project.parent / "socialmon.db") as connection:
        connection.execute("update comment set sentiment_version = '1.3.2' where platform_id in ('c1', 'c2')")
    said = invoke(project, "check")
    assert said.exit_code == 0
    assert "2 comments were scored by another scorer or version: `socialmon rescore`" in said.output
    assert invoke(project, "rescore").exit_code == 0
    assert "rescore" not in invoke(project, "check").output


def test_check_with_an_unknown_scorer_says_it_without_a_traceback(project: Path) -> None:
    config = project.read_text(encoding="utf-8")
    project.write_text(config + '\n[sentiment]\nscorer = "nope"\n', encoding="utf-8")
    result = invoke(project, "check")
    assert result.exit_code == 2
    assert "unknown scorer 'nope'" in result.output and "Traceback" not in result.output


def test_export_labels_takes_the_brand_by_its_name_and_refuses_an_unknown_one(project: Path) -> None:
    invoke(project, "label", "c3", "positive")
    by_name = list(
        csv.DictReader(io.StringIO(invoke(project, "export-labels", "--brand", "CAFE UNO").output))
    )
    assert [(row["brand"], row["label"]) for row in by_name] == [("cafe", "positive")]
    unknown = invoke(project, "export-labels", "--brand", "cafee")
    assert unknown.exit_code == 2  # not an empty export that looks like "nothing labelled"
    assert "cafe" in unknown.output


def test_rescore_since_reads_spans_as_report_and_pending_do(project: Path) -> None:
    """`rescore --since 7d` was refused ("not a date like 2026-01-31") where every other --since takes it."""
    with sqlite3.connect(project.parent / "socialmon.db") as connection:
        connection.execute("update comment set sentiment_version = 'old'")
        newest = connection.execute("select max(created_at) from comment").fetchone()[0]
    days = (datetime.now(UTC).date() - datetime.fromisoformat(newest).date()).days
    assert invoke(project, "rescore", "--since", f"{max(days - 1, 1)}d").exit_code == 0  # after the newest
    assert sql(project, "select count(*) from comment where sentiment_version = 'old'") == [(4,)]
    assert invoke(project, "rescore", "--since", f"{days + 400}d").exit_code == 0
    assert sql(project, "select count(*) from comment where sentiment_version = 'old'") == [(0,)]
    refused = invoke(project, "rescore", "--since", "last week")
    assert refused.exit_code == 2
    assert "is not a date (2026-11-01), a time, or a span like 7d, 4w, 3m" in " ".join(refused.output.split())
