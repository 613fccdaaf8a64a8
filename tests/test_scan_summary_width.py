"""The scan's summary at 80 columns (cron, a pipe): every heading word whole, the status always shown."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import comment, post, write_config, write_jsonl
from typer.testing import CliRunner

from socialmon import scoring
from socialmon.cli import app
from socialmon.cli._common import out


@pytest.mark.parametrize(
    ("lang", "words"),
    [
        ("es", ["canal", "publicaciones", "nuevas", "comentarios", "actualizados", "omitidos", "estado"]),
        ("en", ["channel", "new", "posts", "comments", "updated", "skipped", "status"]),
    ],
)
def test_the_summary_fits_80_columns_with_whole_headings_and_the_status(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, lang: str, words: list[str]
) -> None:
    monkeypatch.setenv("SOCIALMON_LANG", lang)
    monkeypatch.setattr(out, "_console", None)  # a console of its own, as a fresh process at 80 columns
    write_jsonl(tmp_path / "export.jsonl", [post("p1"), comment("c1")])
    channels = '[[brands.channels]]\nname = "exportaciones"\nplatform = "file"\npath = "export.jsonl"\n'
    config = write_config(tmp_path, channels=channels)
    result = CliRunner().invoke(app, ["scan", "--config", str(config)], env={"COLUMNS": "80"})
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert all(len(line) <= 80 for line in lines), "\n".join(lines)
    found = {word for line in lines for word in line.split()}
    assert set(words) <= found, "\n".join(lines)
    assert any(line.rstrip().endswith("ok") for line in lines), "\n".join(lines)


def test_a_failed_channels_reason_is_not_folded_into_the_narrow_status_column(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """At 80 columns in Spanish the status column has a few letters: the table says "falló" and the
    reason is said whole, on the line the channel ended with."""
    monkeypatch.setenv("SOCIALMON_LANG", "es")
    monkeypatch.setattr(out, "_console", None)
    config = write_config(
        tmp_path, channels='[[brands.channels]]\nname = "export"\nplatform = "file"\npath = "gone.jsonl"\n'
    )
    result = CliRunner().invoke(app, ["scan", "--config", str(config)], env={"COLUMNS": "80"})
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert all(len(line) <= 80 for line in result.stdout.splitlines()), result.output
    row = next(line for line in result.stdout.splitlines() if line.startswith("cafe/export"))
    assert row.split()[-1] == "falló", row  # the word alone, nothing folded under it
    reason = next(line for line in lines if "FALLÓ" in line)
    assert (
        "no se encontró el archivo de exportación" in reason
        and "gone.jsonl" in reason
        and "revise la ruta" in reason
    )


def test_each_command_in_one_process_prints_for_the_terminal_it_finds(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The console is made anew for each command (tests and `try` run several in one process):
    a wide command after a narrow one is not cut at the narrow one's width."""
    write_jsonl(tmp_path / "export.jsonl", [post("p1"), comment("c1", text="x" * 150)])
    config = write_config(tmp_path)
    runner = CliRunner()
    assert runner.invoke(app, ["scan", "--config", str(config)], env={"COLUMNS": "80"}).exit_code == 0
    monkeypatch.setenv("COLUMNS", "80")
    monkeypatch.setattr(out, "_console", None)
    assert out.width == 80  # the console an earlier command made, at 80 columns
    wide = runner.invoke(
        app, ["pending", "--since", "2026-09-01", "--config", str(config)], env={"COLUMNS": "250"}
    )
    assert wide.exit_code == 0, wide.output
    assert max(len(line) for line in wide.stdout.splitlines()) > 80, wide.stdout


@pytest.mark.parametrize("columns", [60, 79, 100, 119, 140])
def test_at_any_width_the_summary_fits_and_says_each_channels_status_and_reason(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, columns: int
) -> None:
    """The layout is the widest one that fits: the boxed table with the reasons, the compact table
    (reasons under it), or one line per channel; never a table rich has to crop."""
    monkeypatch.setenv("SOCIALMON_LANG", "es")
    monkeypatch.setattr(out, "_console", None)
    write_jsonl(tmp_path / "export.jsonl", [post("p1"), comment("c1")])
    channels = (
        '[[brands.channels]]\nname = "exportaciones-de-la-tienda"\nplatform = "file"\npath = "export.jsonl"\n'
        '[[brands.channels]]\nname = "whatsapp"\nplatform = "whatsapp_export"\npath = "no-such-chat.txt"\n'
    )
    config = write_config(tmp_path, channels=channels)
    result = CliRunner().invoke(app, ["scan", "--config", str(config)], env={"COLUMNS": str(columns)})
    assert result.exit_code == 1, result.output
    lines = result.stdout.splitlines()
    assert all(len(line) <= columns for line in lines), "\n".join(lines)
    summary = "\n".join(lines)
    assert "ok" in summary.split() and "falló" in summary.replace(":", " ").split(), summary
    assert "1 actualizado" not in summary and "updated" not in summary, summary  # said in Spanish
    folded = " ".join(line.strip("│ ") for line in lines)
    assert "no-such-chat.txt" in folded.replace(" ", "") or "no-such-chat.txt" in result.output, summary


def test_counts_are_written_as_the_language_writes_numbers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOCIALMON_LANG", "es")
    monkeypatch.setattr(out, "_console", None)
    # The 1,234 texts are scored in this process, not in a scoring worker spawned for them
    # (a new interpreter importing socialmon and loading the language models: 2.7 s of this test's
    # 3 s of CPU), which gives the same scores; the workers are tested in tests/test_scan.py and
    # tests/test_signals.py, the summary's numbers here.
    monkeypatch.setattr(scoring, "default_workers", lambda: 0)
    write_jsonl(tmp_path / "export.jsonl", [post("p1")] + [comment(f"c{i}") for i in range(1234)])
    config = write_config(tmp_path)
    result = CliRunner().invoke(app, ["scan", "--config", str(config)], env={"COLUMNS": "120"})
    assert result.exit_code == 0, result.output
    assert "1.234" in result.stdout and "1,234" not in result.output, result.output


def test_long_channel_names_and_a_long_status_word_are_never_cut(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A consultant's 20 brands: "pasteleria-la-nina/whatsapp" was folded into two lines and
    "incompleto" cut to "incompl" at 80 columns."""
    monkeypatch.setenv("SOCIALMON_LANG", "es")
    monkeypatch.setattr(out, "_console", None)
    (tmp_path / "chats").mkdir()
    write_jsonl(tmp_path / "chats" / "good.jsonl", [post("p1"), comment("c1")])
    (tmp_path / "chats" / "bad.jsonl").write_text("not json\n", encoding="utf-8")
    channels = '[[brands.channels]]\nname = "resenas-de-google-maps"\nplatform = "file"\npath = "chats"\n'
    config = write_config(tmp_path, channels=channels)
    result = CliRunner().invoke(app, ["scan", "--config", str(config)], env={"COLUMNS": "80"})
    assert result.exit_code == 1, result.output
    lines = result.stdout.splitlines()
    assert all(len(line) <= 80 for line in lines), "\n".join(lines)
    assert any("cafe/resenas-de-google-maps" in line for line in lines), "\n".join(lines)
    assert any("incompleto" in line.split() or "incompleto:" in line for line in lines), "\n".join(lines)
