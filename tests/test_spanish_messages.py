"""A Spanish brand hears Spanish from every command: the messages that used to stay English (the
files --csv-dir wrote, the label `label` stored and the scorer's, in the words reports use)."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import comment, post, write_config, write_jsonl
from helpers import run_in_process as run


@pytest.fixture
def spanish(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A scanned project whose brand speaks Spanish, with no $SOCIALMON_LANG or locale overriding it."""
    monkeypatch.setenv("COLUMNS", "200")
    monkeypatch.delenv("SOCIALMON_LANG")
    for name in ("LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LANG", "C.UTF-8")
    records = [post("p1", author_id="biz"), comment("c1", text="Excelente atención, muy rico todo, gracias")]
    write_jsonl(tmp_path / "export.jsonl", records)
    config = write_config(tmp_path).resolve()
    assert run("scan", "-q", "--config", str(config)).exit_code == 0
    return config


def test_csv_dir_says_what_it_wrote_in_spanish(spanish: Path, tmp_path: Path) -> None:
    folder = tmp_path / "tablas"
    result = run("report", "--csv-dir", str(folder), "--config", str(spanish))
    assert result.exit_code == 0, result.output
    count = len(list(folder.glob("*.csv")))
    assert count > 1
    assert f"se escribieron {count} archivos CSV en {folder}" in " ".join(result.stderr.split())


def test_csv_dir_with_another_format_is_refused_in_spanish(spanish: Path, tmp_path: Path) -> None:
    result = run("report", "--csv-dir", str(tmp_path / "t"), "-f", "json", "--config", str(spanish))
    assert result.exit_code == 2
    assert result.stderr.strip() == "error: --csv-dir escribe archivos CSV: quite --format json, o use -f csv"


def test_label_names_the_labels_in_spanish(spanish: Path) -> None:
    result = run("label", "c1", "NEGATIVO", "--config", str(spanish))
    assert result.exit_code == 0, result.output
    assert "etiquetado como negativo (el analizador dice positivo)" in result.output
    assert "negative" not in result.output and "positive" not in result.output

    cleared = run("label", "c1", "--clear", "--config", str(spanish))
    assert "corrección eliminada (el analizador dice positivo)" in " ".join(cleared.output.split())


def test_label_in_english_keeps_the_english_words(spanish: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOCIALMON_LANG", "en")
    result = run("label", "c1", "negativo", "--config", str(spanish))
    assert "labelled negative (the scorer says positive)" in result.output


def test_label_refusals_are_said_in_spanish(spanish: Path) -> None:
    unknown = run("label", "c9", "negativo", "--config", str(spanish))
    assert unknown.exit_code == 2
    assert "no hay ningún comentario 'c9'" in " ".join(unknown.stderr.split())
    wrong = run("label", "c1", "malo", "--config", str(spanish))
    assert wrong.exit_code == 2
    assert "etiqueta desconocida 'malo': use positivo, neutral o negativo" in " ".join(wrong.stderr.split())
    a_post = run("label", "p1", "positivo", "--config", str(spanish))  # a post: not a comment at all
    assert a_post.exit_code == 2 and "no hay ningún comentario 'p1'" in " ".join(a_post.stderr.split())


def test_label_refusals_stay_english_in_english(spanish: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOCIALMON_LANG", "en")
    wrong = run("label", "c1", "bad", "--config", str(spanish))
    assert wrong.exit_code == 2
    assert "unknown label 'bad': use one of positive, neutral, negative" in " ".join(wrong.stderr.split())
