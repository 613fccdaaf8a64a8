"""A write to --output that fails after the file is open (a full disk; /dev/full stands in for one)
is one line naming the file and the reason and exit 2, like a file that cannot be opened — never
an OSError traceback — and no half-written file is left behind."""

from __future__ import annotations

import contextlib
import errno
import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest
import typer
from helpers import REPO, comment, copy_project, post, scanned_project
from helpers import run_in_process as run

from socialmon.cli._common import output_file

FULL = Path("/dev/full")
needs_dev_full = pytest.mark.skipif(
    not FULL.exists(), reason="/dev/full (a device every write to fails with ENOSPC) is Linux's"
)


@pytest.fixture(autouse=True)
def wide_console(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "200")


@pytest.fixture(scope="module")
def scanned(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("scanned")
    records = [post("p1", author_id="biz"), comment("c1", text="Muy rico")]
    scanned_project(
        folder, records, ["label", "c1", "negative"]
    )  # a label: export-labels has a line to write
    return folder


@pytest.fixture
def project(tmp_path: Path, scanned: Path) -> Path:
    return copy_project(scanned, tmp_path).resolve()


def _pdf_cannot_render() -> bool:
    if importlib.util.find_spec("weasyprint") is None:
        return True
    try:
        import weasyprint  # type: ignore[import-not-found]  # noqa: F401
    except OSError:  # its system libraries (pango) are missing
        return True
    return False


@needs_dev_full
@pytest.mark.parametrize(
    "command",
    [
        ["report", "--format", "json"],
        ["report", "--format", "html"],
        ["report", "--format", "md"],
        ["report", "--format", "csv"],
        ["report", "--format", "table"],
        ["report", "trends", "--format", "json"],
        ["pending", "--format", "csv"],
        pytest.param(
            ["report", "--format", "xlsx"],
            marks=pytest.mark.skipif(
                importlib.util.find_spec("openpyxl") is None, reason="openpyxl not installed"
            ),
        ),
        ["report", "--format", "pdf"],  # skipped where WeasyPrint cannot render (in the test)
        ["export-labels"],
        ["export-labels", "--format", "jsonl"],
    ],
)
def test_a_write_that_fails_is_one_line_naming_the_file(project: Path, command: list[str]) -> None:
    # Asked here, not as the tests are collected: importing WeasyPrint takes 0.4-0.8 s, and every
    # test process paid it for this one test, wherever it ran.
    if "pdf" in command and _pdf_cannot_render():
        pytest.skip("weasyprint cannot render here")
    result = run(*command, "-o", str(FULL), "--config", str(project))
    assert result.exit_code == 2, result.output
    assert result.stderr.strip() == f"error: cannot write {FULL}: {os.strerror(errno.ENOSPC)}"
    assert FULL.is_char_device()  # the device was written to, never removed


def test_a_failed_write_removes_the_half_written_file(tmp_path: Path) -> None:
    target = tmp_path / "report.html"
    with pytest.raises(typer.Exit) as exited, output_file(target) as handle:
        handle.write("<html><body>half a report")
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
    assert exited.value.exit_code == 2
    assert not target.exists()


def test_a_write_that_succeeds_keeps_the_file(tmp_path: Path) -> None:
    target = tmp_path / "report.md"
    with output_file(target) as handle:
        handle.write("# report\n")
    assert target.read_text(encoding="utf-8") == "# report\n"


@needs_dev_full
@pytest.mark.slow  # a real process each
@pytest.mark.parametrize(
    "argv",
    [
        ["report", "--format", "json"],
        ["report"],  # the terminal's tables, through rich
        ["pending", "--format", "csv"],
        ["export-labels"],
    ],
)
def test_a_failed_write_to_standard_output_is_one_line_and_exit_2(project: Path, argv: list[str]) -> None:
    """`socialmon report > file` on a full disk: a real process whose stdout is /dev/full."""
    with FULL.open("w") as full:
        done = subprocess.run(
            [sys.executable, "-m", "socialmon", *argv, "--config", str(project)],
            stdout=full,
            stderr=subprocess.PIPE,
            text=True,
            env={**os.environ, "PYTHONPATH": str(REPO), "SOCIALMON_LANG": "en"},
            timeout=120,
        )
    assert done.returncode == 2, done.stderr
    assert done.stderr.strip() == "error: cannot write to standard output: No space left on device"


@pytest.mark.slow  # a real process on a pseudo-terminal
@pytest.mark.parametrize(("extension", "word"), [("pdf", "a PDF"), ("xlsx", "an xlsx")])
def test_a_binary_report_is_refused_on_a_terminal_before_any_work(
    project: Path, extension: str, word: str
) -> None:
    """`socialmon report -f pdf` typed at a terminal: one line asking for --output, not its bytes."""
    import pty
    import threading

    controller, terminal = pty.openpty()
    shown = bytearray()

    def drain() -> None:  # what the terminal shows, read as it comes: a full pty would block the writer
        with contextlib.suppress(OSError):  # EIO: the terminal's other end is closed
            while chunk := os.read(controller, 65536):
                shown.extend(chunk)

    reader = threading.Thread(target=drain, daemon=True)
    reader.start()
    try:
        done = subprocess.run(
            [sys.executable, "-m", "socialmon", "report", "-f", extension, "--config", str(project)],
            stdout=terminal,
            stderr=subprocess.PIPE,
            text=True,
            env={**os.environ, "PYTHONPATH": str(REPO), "SOCIALMON_LANG": "en"},
            timeout=120,
        )
    finally:
        os.close(terminal)
        reader.join(timeout=10)
        os.close(controller)
    assert done.returncode == 2, done.stderr
    assert (
        done.stderr.strip() == f"error: {word} file is not for a terminal: give --output report.{extension}"
    )
    assert bytes(shown) == b""
