"""`[sentiment] languages`: comments are told apart between the configured languages only."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import comment, post, write_config, write_jsonl
from typer.testing import CliRunner

from socialmon.cli import app
from socialmon.sentiment import get_scorer
from socialmon.sentiment.multilingual import MultilingualScorer
from socialmon.sentiment.registry import LazyScorer


def test_a_portuguese_only_shop_never_gets_spanish_and_needs_no_language_detector() -> None:
    scorer = MultilingualScorer(["pt"])
    assert scorer._identifier._ours is None  # one language: nothing to tell apart
    # Portuguese that reads as Spanish to the three-language detector
    assert scorer.detect_language("Adorei") == "pt"
    assert scorer.detect_language("Chegou tudo certinho, obrigada", hint="es") == "pt"
    # English and French are other languages, scored by English rules
    assert scorer.detect_language("The bread was stale and the staff rude") == "other"
    assert scorer.score("The bread was stale and the staff rude").label == "negative"
    assert scorer.detect_language("Nous avons très bien mangé, merci") == "other"


def test_two_languages_never_answer_the_third() -> None:
    scorer = MultilingualScorer(["es", "en"])
    texts = [
        "Chegou tudo certinho, obrigada",
        "Não gostei do atendimento",
        "Finally! Best empanadas in town.",
    ]
    assert [scorer.detect_language(t) for t in texts] == ["es", "es", "en"]
    assert scorer.score_as("Adorei, muito bom", "pt").language == "pt"  # told outright, still scored as pt


def test_the_default_is_all_three_and_the_version_marks_other_settings() -> None:
    assert MultilingualScorer().languages == ("en", "es", "pt")
    assert MultilingualScorer().version == MultilingualScorer.version
    assert MultilingualScorer(["pt", "es"]).version == f"{MultilingualScorer.version}+es,pt"
    lazy = LazyScorer("multilingual", ["en", "es"])
    assert lazy.version == f"{MultilingualScorer.version}+en,es" and not lazy.built
    assert get_scorer("vader", ["es"]).name == "vader"  # English only: the option does not apply
    with pytest.raises(ValueError, match="some of en, es, pt, not fr"):
        MultilingualScorer(["es", "fr"])


def test_the_config_refuses_an_unknown_language_naming_file_and_field(tmp_path: Path, cli: CliRunner) -> None:
    path = write_config(tmp_path, extra='[sentiment]\nlanguages = ["es", "fr"]\n')
    result = cli.invoke(app, ["check", "-c", str(path)])
    assert result.exit_code == 2
    assert str(path) in result.output and "sentiment.languages" in result.output


def test_a_scan_stores_the_configured_languages_and_their_version(tmp_path: Path, cli: CliRunner) -> None:
    import sqlite3

    write_jsonl(
        tmp_path / "export.jsonl",
        [
            post("p1"),
            comment("c1", text="Adorei o pão de queijo, muito bom"),
            comment("c2", text="The bread was stale and the staff rude"),
        ],
    )
    path = write_config(tmp_path, extra='[sentiment]\nlanguages = ["pt"]\n')
    result = cli.invoke(app, ["scan", "-c", str(path)])
    assert result.exit_code == 0, result.output
    with sqlite3.connect(tmp_path / "socialmon.db") as db:
        rows = db.execute(
            "SELECT platform_id, language, sentiment_label, sentiment_version FROM comment ORDER BY platform_id"
        ).fetchall()
    version = f"{MultilingualScorer.version}+pt"
    assert rows == [("c1", "pt", "positive", version), ("c2", "other", "negative", version)]


@pytest.mark.parametrize(("brand_language", "expected"), [("es", "es"), ("pt", "pt")])
def test_a_scan_scores_short_comments_with_their_brands_language_as_the_hint(
    tmp_path: Path, cli: CliRunner, brand_language: str, expected: str
) -> None:
    """ "Excelente" is Spanish and Portuguese alike: the brand's language decides it."""
    import sqlite3

    write_jsonl(tmp_path / "export.jsonl", [post("p1"), comment("c1", text="Excelente")])
    path = write_config(tmp_path)
    path.write_text(path.read_text().replace('language = "es"', f'language = "{brand_language}"'))
    result = cli.invoke(app, ["scan", "-c", str(path)])
    assert result.exit_code == 0, result.output
    with sqlite3.connect(tmp_path / "socialmon.db") as db:
        assert db.execute("SELECT language FROM comment WHERE platform_id = 'c1'").fetchone() == (expected,)
