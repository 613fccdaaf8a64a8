"""--since/--until at the edges: a value outside the dates a report can cover (1970-01-01 to
2199-12-31), or one that cannot be read, is one line naming the option and exit 2 — never an
OverflowError from a date derived deep in a report — and it is said in the user's language."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from helpers import comment, copy_project, post, scanned_project
from helpers import run_in_process as run

from socialmon.analytics.scope import WindowError, parse_moment


@pytest.fixture(autouse=True)
def wide_console(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "200")


@pytest.fixture(scope="module")
def scanned(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A one-brand project (language es) scanned once for the module; each test gets a copy."""
    folder = tmp_path_factory.mktemp("scanned")
    scanned_project(folder, [post("p1", author_id="biz"), comment("c1", text="Muy rico")])
    return folder


@pytest.fixture
def project(tmp_path: Path, scanned: Path) -> Path:
    return copy_project(scanned, tmp_path).resolve()


@pytest.mark.parametrize(
    ("command", "option", "value"),
    [
        (["report"], "--until", "9999-12-31"),
        (["report"], "--until", "8000-01-01"),
        (["report"], "--until", "5000-01-01"),
        (["report"], "--until", "2200-01-01"),
        (["report", "trends"], "--until", "9999-12-31"),
        (["report"], "--since", "1000-01-01"),
        (["report"], "--since", "0001-01-01"),
        (["report"], "--since", "1969-12-31"),
        (["pending"], "--since", "0001-01-01"),
        (["report"], "--since", "999999999d"),
        (["report"], "--since", "999999999w"),
        (["report"], "--since", "99999m"),
        (["report"], "--since", "9999-12-31T23:59:59-12:00"),
    ],
)
def test_a_window_outside_the_covered_dates_is_one_line_naming_the_option(
    project: Path, command: list[str], option: str, value: str
) -> None:
    result = run(*command, option, value, "--format", "json", "--config", str(project))
    assert result.exit_code == 2, result.output
    assert result.stderr.strip() == (
        f"error: {option} {value!r} is outside the dates a report can cover (1970-01-01 to 2199-12-31)"
    )
    assert result.stdout == ""


def test_the_first_and_last_covered_days_make_a_report(project: Path) -> None:
    args = ["--since", "1970-01-01", "--until", "2199-12-31", "--format", "json", "--config", str(project)]
    result = run("report", *args)
    assert result.exit_code == 0, result.output
    assert run("report", "trends", "--period", "month", *args).exit_code == 0


@pytest.mark.parametrize(
    ("args", "english", "spanish"),
    [
        (
            ["--since", "ayer"],
            "--since 'ayer' is not a date (2026-11-01), a time, or a span like 7d, 4w, 3m",
            "--since 'ayer' no es una fecha (2026-11-01), una hora ni un lapso como 7d, 4w, 3m",
        ),
        (
            ["--until", "2026-02-30"],
            "--until '2026-02-30' is not a date (2026-11-01), a time, or a span like 7d, 4w, 3m",
            "--until '2026-02-30' no es una fecha (2026-11-01), una hora ni un lapso como 7d, 4w, 3m",
        ),
        (
            ["--since", "2026-12-01", "--until", "2026-11-01"],
            "the start of the window (--since) must be before its end (--until)",
            "el inicio del periodo (--since) debe ser anterior a su fin (--until)",
        ),
        (
            ["--since", "0d"],
            "--since '0d': the number must be at least 1",
            "--since '0d': el número debe ser al menos 1",
        ),
        (
            ["--until", "9999-12-31"],
            "--until '9999-12-31' is outside the dates a report can cover (1970-01-01 to 2199-12-31)",
            "--until '9999-12-31' está fuera de las fechas que un informe puede abarcar (1970-01-01 a 2199-12-31)",
        ),
    ],
)
def test_a_refused_window_is_said_in_the_language_asked(
    project: Path, args: list[str], english: str, spanish: str
) -> None:
    for lang, expected in (("en", english), ("es", spanish)):
        result = run("report", *args, "--lang", lang, "--config", str(project))
        assert result.exit_code == 2, result.output
        assert result.stderr.strip() == f"error: {expected}"


NOW = datetime(2026, 11, 20, 15, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("value", "end", "expected"),
    [
        ("1970-01-01", False, datetime(1970, 1, 1, 5, tzinfo=UTC)),  # Guayaquil is UTC-5
        ("2199-12-31", True, datetime(2200, 1, 1, 5, tzinfo=UTC)),  # the end of its day
        ("682m", False, datetime(1970, 1, 21, 5, tzinfo=UTC)),
        ("20778d", False, datetime(1970, 1, 1, 5, tzinfo=UTC)),
        ("2968w", False, datetime(1970, 1, 3, 5, tzinfo=UTC)),
    ],
)
def test_parse_moment_takes_the_covered_dates_up_to_their_edges(
    value: str, end: bool, expected: datetime
) -> None:
    assert parse_moment(value, "America/Guayaquil", NOW, end=end) == expected


@pytest.mark.parametrize("value", ["683m", "20779d", "2969w", "1969-12-31", "2200-01-01", "2200-01-01T00:00"])
def test_parse_moment_refuses_a_day_past_the_edges(value: str) -> None:
    with pytest.raises(WindowError) as raised:
        parse_moment(value, "America/Guayaquil", NOW)
    assert (raised.value.problem, raised.value.value, raised.value.option) == (
        "out_of_range",
        value,
        "--since",
    )
