"""Labelling and the waiting list work together (issue 14, point 5).

Every listing (`pending` and the report as a table, CSV, Markdown and JSON) shows a comment's
short reference; `label` takes it or the platform id, never a row id, shows the text it
labelled, refuses the business's own replies and takes Spanish labels.
"""

from __future__ import annotations

import csv
import io
import json
import re
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from helpers import comment, copy_project, post, scanned_project, write_config, write_jsonl
from typer.testing import CliRunner

from socialmon.analytics.refs import comment_ref
from socialmon.cli import app

WINDOW = ("--since", "2026-10-01", "--until", "2026-10-07")
REF = re.compile(r"#[a-z2-9]{6}\b")


def records(first: str = "c1") -> list[dict[str, Any]]:
    """Four customer comments (one with the platform id "5"; "5" and c4 unanswered) and two
    business replies, r2 stored as row 5."""
    return [
        post("p1", author_id="biz"),
        comment(first, text="I love this place, wonderful!"),
        comment("r1", type="reply", parent_id=first, is_business=True, text="Thank you! 🙌"),
        comment("5", text="Terrible, awful service.", created_at="2026-10-02T13:00:00Z"),
        comment("c3", text="The shop opens at nine.", created_at="2026-10-03T13:00:00Z"),
        comment("r2", type="reply", parent_id="c3", is_business=True, created_at="2026-10-03T14:00:00Z"),
        comment("c4", text="Where can I park?", created_at="2026-10-04T13:00:00Z"),
    ]


@pytest.fixture(autouse=True)
def wide_console(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "200")


@pytest.fixture(scope="module")
def scanned(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The project scanned once for the module; each test gets a copy."""
    return scanned_project(tmp_path_factory.mktemp("scanned"), records()).parent


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


def overrides(config: Path) -> dict[str, str | None]:
    return dict(sql(config, "select platform_id, label_override from comment"))  # type: ignore[arg-type]


def test_every_listing_shows_the_reference(project: Path) -> None:
    refs = {pid: comment_ref("cafe", "export", pid) for pid in ("c1", "5", "c4")}
    waiting = [refs["5"], refs["c4"]]
    table = invoke(project, "pending", *WINDOW).stdout
    assert REF.findall(table) == waiting
    rows = list(csv.reader(io.StringIO(invoke(project, "pending", "-f", "csv", *WINDOW).stdout)))
    assert rows[0][0] == "Ref." and [row[0] for row in rows[1:]] == waiting
    markdown = invoke(project, "pending", "-f", "md", *WINDOW).stdout
    assert REF.findall(markdown) == waiting
    brand = json.loads(invoke(project, "report", "-f", "json", *WINDOW).stdout)["brands"][0]
    assert [(i["id"], i["ref"]) for i in brand["needs_reply"]["items"]] == [
        ("5", refs["5"]),
        ("c4", refs["c4"]),
    ]
    assert [(w["platform_id"], w["ref"]) for w in brand["worst_comments"]] == [("5", refs["5"])]
    summary = invoke(project, "report", *WINDOW).stdout
    assert set(REF.findall(summary)) == set(waiting)  # waiting, and the most negative (#5) again


def test_the_reference_is_stable_across_scans_and_databases(tmp_path: Path) -> None:
    """Row ids differ between these databases (the second imports a comment more, first); references do not."""
    first, second = tmp_path / "a", tmp_path / "b"
    for folder, extra in ((first, []), (second, [comment("c0", text="first!")])):
        folder.mkdir()
        write_jsonl(folder / "export.jsonl", [post("p1", author_id="biz"), *extra, *records()[1:]])
        config = write_config(folder)
        for _ in range(2):  # a re-scan changes nothing
            assert invoke(config, "scan", "-q").exit_code == 0
    listed = [
        REF.findall(invoke(folder / "socialmon.toml", "pending", *WINDOW).stdout)
        for folder in (first, second)
    ]
    assert listed[0] == [comment_ref("cafe", "export", pid) for pid in ("5", "c4")]
    assert listed[1] == [comment_ref("cafe", "export", pid) for pid in ("c0", "5", "c4")]
    assert sql(first / "socialmon.toml", "select id from comment where platform_id = '5'") != sql(
        second / "socialmon.toml", "select id from comment where platform_id = '5'"
    )


@pytest.mark.parametrize("form", ["#{code}", "{code}", "#{CODE}", "cafe/export/c3", "c3"])
def test_label_takes_the_reference_or_the_platform_id_and_shows_the_text(project: Path, form: str) -> None:
    code = comment_ref("cafe", "export", "c3")[1:]
    result = invoke(project, "label", form.format(code=code, CODE=code.upper()), "negative")
    assert result.exit_code == 0, result.output
    assert f"#{code}" in result.output and "The shop opens at nine." in result.output
    assert "labelled negative" in result.output
    assert overrides(project)["c3"] == "negative"


def test_a_bare_number_is_a_platform_id_never_a_row_id(project: Path) -> None:
    rows = dict(sql(project, "select id, platform_id from comment"))
    assert (rows[3], rows[4], rows[5]) == ("5", "c3", "r2")  # row 5 is a business reply
    result = invoke(project, "label", "5", "neutral")
    assert result.exit_code == 0, result.output
    assert "Terrible, awful service." in result.output
    assert overrides(project) == {"c1": None, "r1": None, "5": "neutral", "c3": None, "r2": None, "c4": None}
    result = invoke(project, "label", "4", "neutral")  # row 4 exists, platform id "4" does not
    assert result.exit_code == 2 and "no comment '4'" in result.output
    assert overrides(project)["c3"] is None


@pytest.mark.parametrize("reference", ["r1", "cafe/export/r2", "{ref}"])
def test_label_refuses_the_business_replies(project: Path, reference: str) -> None:
    ref = comment_ref("cafe", "export", "r2")
    result = invoke(project, "label", reference.format(ref=ref), "neutral")
    assert result.exit_code == 2
    assert "business's own reply" in result.output
    assert all(value is None for value in overrides(project).values())


def test_a_correction_left_on_a_business_reply_can_be_removed(project: Path) -> None:
    with sqlite3.connect(project.parent / "socialmon.db") as connection:  # as `label 5` once did
        connection.execute("update comment set label_override = 'neutral' where platform_id = 'r1'")
    result = invoke(project, "label", "r1", "--clear")
    assert result.exit_code == 0, result.output
    assert overrides(project)["r1"] is None


@pytest.mark.parametrize(
    ("word", "stored"),
    [
        ("negativo", "negative"),
        ("Negativo", "negative"),
        ("NEGATIVA", "negative"),
        ("neutral", "neutral"),
        ("Neutro", "neutral"),
        ("positivo", "positive"),
        ("pósitivo", "positive"),
        ("Positive", "positive"),
    ],
)
def test_label_takes_spanish_labels(project: Path, word: str, stored: str) -> None:
    result = invoke(project, "label", "c1", word)
    assert result.exit_code == 0, result.output
    assert overrides(project)["c1"] == stored
    assert f"labelled {stored}" in result.output


def test_label_mistakes_say_what_to_give(project: Path) -> None:
    result = invoke(project, "label", "c1", "bueno")
    assert result.exit_code == 2 and "positivo, neutral, negativo" in result.output
    result = invoke(project, "label", "#zzzzzz", "negativo")
    assert result.exit_code == 2 and "no comment '#zzzzzz'" in result.output and "#k3m9x2" in result.output
