"""Lexicon files, inflection rules, tokenisation and the evaluation command."""

from __future__ import annotations

from pathlib import Path

import pytest

from socialmon.sentiment import _languages, evaluate
from socialmon.sentiment._lexicons import inflect, load_inflected_lexicon, read_text
from socialmon.sentiment._text import LAUGH_KEY, fold


def forms(lemma: str, cls: str, language: str) -> set[str]:
    return {form for form, _ in inflect(lemma, cls, language)}


def test_spanish_inflections() -> None:
    assert {"bueno", "buena", "buenos", "buenas", "buenisimo"} <= forms("bueno", "o", "es")
    assert {"feliz", "felices"} <= forms("feliz", "e", "es")
    assert {"recomiendo", "recomienda", "recomendaron", "recomendado", "recomiende"} <= forms(
        "recomendar", "v:recomiend", "es"
    )
    assert {"pague", "pagaron"} <= forms("pagar", "v", "es")
    assert {"sufrio", "sufrieron", "sufriendo"} <= forms("sufrir", "v", "es")


def test_stem_changing_verbs_use_the_changed_stem_only() -> None:
    # Regular-stem present forms of stem-changing verbs are wrong and often other words.
    assert {"muero", "muere", "morimos"} <= forms("morir", "v:muer", "es")
    assert not {"more", "mora", "moro"} & forms("morir", "v:muer", "es")
    assert not {"mente", "menta"} & forms("mentir", "v:mient", "es")
    assert not {"recomendo", "recomenda"} & forms("recomendar", "v:recomiend", "es")
    assert "recomende" in forms("recomendar", "v:recomiend", "es")  # preterite "recomendé"


def test_diminutives_keep_polarity() -> None:
    assert {"lindito", "linditas", "feito", "riquito"} <= forms("lindo", "o", "es") | forms(
        "feo", "o", "es"
    ) | forms("rico", "o", "es")
    assert {"bonitinho", "chatinha"} <= forms("bonito", "o", "pt") | forms("chato", "o", "pt")
    spanish = _languages.spanish().rules.lexicon
    assert spanish["lindito"] == spanish["lindo"] > 0
    assert _languages.portuguese().rules.lexicon["chatinho"] < 0


@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("es", "de que el la y en a lo los del se por con para al"),
        ("pt", "de que o a e do da em no na se por com para os as"),
    ],
)
def test_function_words_carry_no_sentiment(language: str, words: str) -> None:
    # Lexicon entries are folded: an accented entry must not land on a function word
    # ("dó" = pity would make every "do" = "of the" negative).
    lexicon = _languages.by_code(language).rules.lexicon
    assert {w: lexicon[w] for w in words.split() if w in lexicon} == {}


def test_portuguese_inflections() -> None:
    assert {"legal", "legais"} <= forms("legal", "e", "pt")
    assert {"gostei", "gostou", "gostaram", "gostando"} <= forms("gostar", "v", "pt")
    assert {"fiquei", "fique"} <= forms("ficar", "v", "pt")


def test_unknown_class_is_an_error() -> None:
    with pytest.raises(ValueError, match="inflection class"):
        inflect("bueno", "x", "es")


def test_generated_forms_never_override_explicit_entries() -> None:
    lexicon = load_inflected_lexicon("es", "es", "lexicon.txt")
    assert lexicon["hola"] == 0.0  # explicit neutralising entry kept
    assert lexicon["pesimo"] < -3 < lexicon["pesimas"] + 1


def test_lexicons_are_packaged_and_sizeable() -> None:
    assert len(_languages.spanish().rules.lexicon) > 5000
    assert len(_languages.portuguese().rules.lexicon) > 10000
    assert "MIT" in read_text("pt", "LICENSE-LeIA.txt")
    assert "LeIA" in read_text("README.md")


def test_fold() -> None:
    assert fold("Atención PÉSIMA, añejo, não, ação") == "atencion pesima, anejo, nao, acao"


def test_tokenizer_normalises_informal_spelling() -> None:
    tokenizer = _languages.spanish().tokenizer
    assert tokenizer is not None
    keys = [t.key for t in tokenizer.tokenize("¡¡Q LINDOOO!! jajajaja @tienda http://x.y/z #promo :)")]
    assert keys == ["que lindo", LAUGH_KEY, "promo", ":)"]  # "qué lindo" is a phrase
    sentences = {t.sentence for t in tokenizer.tokenize("Malo. Bueno")}
    assert len(sentences) == 2


def test_tokenizer_chunks_that_are_not_plain_words() -> None:
    tokenizer = _languages.spanish().tokenizer
    assert tokenizer is not None
    tokens = tokenizer.tokenize("malo:( bueno😡 <3 :D\nhola @ana: https://x.y/z?q=1 10/10")
    assert [t.key for t in tokens] == ["malo", "bueno", "😡", "<3", ":d", "hola", "10", "10"]
    # A line break ends a sentence; ":(" glued to a word is punctuation, not an emoticon.
    assert tokens[3].sentence < tokens[5].sentence
    assert tokens[0].clause != tokens[1].clause


def _write(path: Path, rows: list[tuple[str, str, str]], score: bool = False) -> None:
    header = "id\tlang\tlabel\ttext" + ("\tscore" if score else "")
    lines = [header]
    for i, (lang, label, text) in enumerate(rows):
        value = {"pos": "\t2.0", "neg": "\t-2.0", "neu": "\t0.0"}[label] if score else ""
        lines.append(f"{i}\t{lang}\t{label}\t{text}{value}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_evaluate_command(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _write(
        tmp_path / "es_tiny.tsv",
        [
            ("es", "pos", "me encantó la atención, muy amables"),
            ("es", "neg", "pésimo servicio, nunca más"),
            ("es", "neu", "mañana abren a las nueve"),
        ],
    )
    _write(
        tmp_path / "en_tiny.tsv",
        [("en", "pos", "great food"), ("en", "neg", "awful wait"), ("en", "neu", "we ate at six")],
        score=True,
    )
    assert evaluate.main(["--data-dir", str(tmp_path), "--markdown"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("| file | rows | scorer |")
    ours = next(line for line in out.splitlines() if "es_tiny" in line and "multilingual" in line)
    cells = [c.strip() for c in ours.strip("|").split("|")]
    assert cells[3:6] == ["1.000", "1.000", "1.000"]  # accuracy, macro-F1, binary
    assert cells[7] == "1.000"  # every row detected as Spanish
    english = next(line for line in out.splitlines() if "en_tiny" in line and "vader" in line)
    assert "—" not in english.split("|")[7]  # Pearson r is reported for files with a score


def test_evaluate_without_files(tmp_path: Path) -> None:
    assert evaluate.main(["--data-dir", str(tmp_path)]) == 2


def test_metrics_count_neutral_as_wrong_in_binary() -> None:
    rows = [
        evaluate.Row("es", "pos", "a", None),
        evaluate.Row("es", "neg", "b", None),
        evaluate.Row("es", "neu", "c", None),
    ]
    m = evaluate.metrics(rows, ["pos", "neu", "neu"], [0.5, 0.0, 0.0])
    assert m.binary_accuracy == 0.5
    assert m.accuracy == pytest.approx(2 / 3)
