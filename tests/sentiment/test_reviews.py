"""Issue 18: reviews an SME trusts — stars as the customer's own label, mixed opinions,
and the vocabulary of their trade. Texts here are written for these tests."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from analytics.seeding import RULES, Seed, at
from analytics.seeding import seed as seed  # the fixture: SQLite and PostgreSQL

from socialmon.analytics import feedback_trend
from socialmon.analytics.responses import needs_reply
from socialmon.analytics.scope import make_scope
from socialmon.render.i18n import STRINGS
from socialmon.sentiment import _engine, _languages
from socialmon.sentiment.evaluate import Row, halves, main
from socialmon.sentiment.multilingual import MultilingualScorer
from socialmon.sentiment.vader import VaderScorer

WINDOW = {"since": at("2026-11-02 00:00"), "until": at("2026-11-09 00:00"), "now": at("2026-11-10 00:00")}


@pytest.fixture(scope="module")
def scorer() -> MultilingualScorer:
    return MultilingualScorer()


# ------------------------------------------------------------------ 1. stars are the label


def test_rating_decides_the_label_override_still_wins(seed: Seed) -> None:
    brand = seed.brand(timezone="UTC")
    google = seed.channel("google")
    # text read positive, 2 stars / text read negative, 4 stars / 3 stars / half stars / no rating
    seed.comment(google, "r2", "2026-11-02 10:00", label="positive", rating=2)
    seed.comment(google, "r4", "2026-11-02 11:00", label="negative", rating=4)
    seed.comment(google, "r3", "2026-11-02 12:00", label="positive", rating=3)
    seed.comment(google, "r25", "2026-11-02 13:00", label="positive", rating=2.5)
    seed.comment(google, "r1", "2026-11-02 14:00", label="positive", rating=1, label_override="positive")
    seed.comment(google, "c", "2026-11-02 15:00", label="negative")
    scope = make_scope(seed.database, brand, RULES, **WINDOW)
    pending = needs_reply(seed.database, scope)
    labels = {item.platform_id: item.label for item in pending.items}
    assert labels == {
        "r2": "negative",
        "r4": "positive",
        "r3": "neutral",
        "r25": "neutral",
        "r1": "positive",  # a person's correction beats the stars
        "c": "negative",  # no rating: the text's label
    }
    # the text's own score is kept beside the label the stars gave
    r2 = next(i for i in pending.items if i.platform_id == "r2")
    assert r2.compound == pytest.approx(0.6)
    assert pending.negative == 2


def test_rating_orders_pending_negative_first(seed: Seed) -> None:
    brand = seed.brand(timezone="UTC")
    google = seed.channel("google")
    seed.comment(google, "old", "2026-11-02 10:00", label="negative", rating=5)
    seed.comment(google, "new", "2026-11-03 10:00", label="positive", rating=1)
    scope = make_scope(seed.database, brand, RULES, **WINDOW)
    ordered = needs_reply(seed.database, scope, negative_first=True)
    assert [i.platform_id for i in ordered.items] == ["new", "old"]


def test_rating_counts_in_trends(seed: Seed) -> None:
    brand = seed.brand(timezone="UTC")
    google = seed.channel("google")
    seed.comment(google, "a", "2026-11-02 10:00", label="positive", rating=1)
    seed.comment(google, "b", "2026-11-02 11:00", label="positive", rating=3)
    seed.comment(google, "c", "2026-11-02 12:00", label="negative", rating=5)
    scope = make_scope(seed.database, brand, RULES, **WINDOW, period="week")
    (period,) = feedback_trend(seed.database, scope).periods
    assert (period.positive, period.neutral, period.negative) == (1, 1, 1)
    assert period.average_rating == pytest.approx(3.0)


def test_the_rule_is_printed_in_the_footer() -> None:
    english, spanish = STRINGS["rule_sentiment"]
    assert "(1–2 negative, 3 neutral, " in english
    assert "(1–2 negativa, 3 neutra, " in spanish


# ------------------------------------------------------------------ 2. mixed opinions


def test_proportions_are_kept_and_english_equals_vader(scorer: MultilingualScorer) -> None:
    vader = VaderScorer()
    for text in ("The food was great but the service was slow", "Terrible!!", "ok", ""):
        ours, theirs = scorer.score_as(text, "en"), vader.score(text)
        assert (ours.compound, ours.label) == (theirs.compound, theirs.label)
        assert (ours.positive, ours.negative, ours.neutral) == pytest.approx(
            (theirs.positive, theirs.negative, theirs.neutral), abs=5e-4
        )  # VADER rounds them to 3 places
        assert not ours.mixed


def test_english_never_mixed() -> None:
    assert _languages.english().rules.mixed_share == 0.0


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("La comida buena y abundante; el servicio lento y antipático.", "es"),
        ("El hotel es bonito y limpio. El desayuno, malo y caro.", "es"),
        ("O produto é ótimo e bonito. A entrega foi lenta e ruim.", "pt"),
    ],
)
def test_praise_and_complaint_is_mixed_and_neutral(
    scorer: MultilingualScorer, text: str, language: str
) -> None:
    result = scorer.score_as(text, language)
    assert result.mixed and result.label == "neutral"
    assert result.positive > 0 and result.negative > 0
    assert result.compound != 0  # the text's score is kept


def test_but_still_decides_a_verdict(scorer: MultilingualScorer) -> None:
    # VADER's "but" rule weighs the clause after it: a verdict, not a mixed opinion.
    result = scorer.score_as("Produto bom, mas a entrega foi ruim.", "pt")
    assert result.label == "negative" and not result.mixed


@pytest.mark.parametrize(
    ("text", "language", "label"),
    [
        (
            "Excelente comida, un trato maravilloso y precios estupendos, aunque tardaron un poco.",
            "es",
            "positive",
        ),
        ("Horrible, sucio y carísimo. Lo único bueno, la vista.", "es", "negative"),
        ("Produto excelente, lindo e ótimo, recomendo! Só a caixa veio amassada.", "pt", "positive"),
    ],
)
def test_a_side_remark_does_not_make_a_verdict_mixed(
    scorer: MultilingualScorer, text: str, language: str, label: str
) -> None:
    result = scorer.score_as(text, language)
    assert not result.mixed and result.label == label


def test_lukewarm_verdicts_read_mixed(scorer: MultilingualScorer) -> None:
    for text, language in (("Normal, nada del otro mundo.", "es"), ("Produto razoável, nada demais.", "pt")):
        result = scorer.score_as(text, language)
        assert result.label == "neutral", text


@pytest.mark.parametrize("language", ["es", "pt"])
def test_mixed_rule_thresholds(language: str) -> None:
    rules = _languages.by_code(language).rules
    share, floor, mass = rules.mixed_share, rules.mixed_floor, rules.mixed_mass
    assert _engine.is_mixed(_engine.Scores(0.1, 0.2, 0.2, 0.6, mass), rules)
    # too little of the weaker side, in the text or in absolute terms (a short tweet's one word)
    assert not _engine.is_mixed(_engine.Scores(0.1, floor / 2, floor / 2, 0.9, mass), rules)
    assert not _engine.is_mixed(_engine.Scores(0.1, 0.2, 0.2, 0.6, mass / 2), rules)
    # lopsided: the weaker side is under `share` of the two
    assert not _engine.is_mixed(_engine.Scores(0.1, 0.5, 0.5 * share * 0.9, 0.3, mass), rules)
    # a clear overall verdict
    assert not _engine.is_mixed(_engine.Scores(0.95, 0.2, 0.2, 0.6, mass), rules)


def test_one_complaint_word_in_a_short_text_is_not_mixed(scorer: MultilingualScorer) -> None:
    result = scorer.score_as("Bonito pero caro", "es")
    assert not result.mixed


def test_mixed_is_exposed_on_the_sentiment(scorer: MultilingualScorer) -> None:
    result = scorer.score("La comida buena y abundante; el servicio lento y antipático.", hint="es")
    assert result.mixed is True
    assert scorer.score("Todo perfecto, gracias", hint="es").mixed is False


# ------------------------------------------------------------------ 3. vocabulary of the trade


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("Vale la pena", "positive"),
        ("Valen la pena las vistas", "positive"),
        ("Merece la pena subir", "positive"),
        ("No merece la pena", "negative"),
        ("No dejes de visitarlo", "positive"),
        ("No te lo pierdas", "positive"),
        ("Visita obligada en la ciudad", "positive"),
        ("Parada obligada si vas a la sierra", "positive"),
        ("Me vi obligado a pagar otra vez", "negative"),
        ("Un sitio mágico", "positive"),
        ("Imperdible", "positive"),
        ("Una cena romántica", "positive"),
        ("Atención de diez", "positive"),
        ("Esperamos más de diez minutos", "neutral"),
        ("Nunca más", "negative"),
        ("Es una estafa", "negative"),
        ("Le falta mejorar", "negative"),
        ("Deberían abrir más temprano", "negative"),
        ("Deja mucho que desear", "negative"),
        ("Rico", "positive"),
        ("Carísimo", "negative"),
        ("Inmejorable", "positive"),
        ("Repetiremos sin dudarlo", "positive"),
        ("Tiempo de espera larguísimo y de malas maneras", "negative"),
    ],
)
def test_spanish_trade_vocabulary(scorer: MultilingualScorer, text: str, label: str) -> None:
    assert scorer.score_as(text, "es").label == label


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("Chegou antes do prazo", "positive"),
        ("Entregue fora do prazo", "negative"),
        ("Há duas semanas espero", "neutral"),
        ("Ainda não recebi o produto", "negative"),
        ("Parou de funcionar em um mês", "negative"),
        ("Deixou a desejar", "negative"),
        ("Superou minhas expectativas", "positive"),
        ("Não comprem nessa loja", "negative"),
        ("Lugar imperdível", "positive"),
        ("Vale a pena", "positive"),
        ("Nunca mais", "negative"),
    ],
)
def test_portuguese_trade_vocabulary(scorer: MultilingualScorer, text: str, label: str) -> None:
    assert scorer.score_as(text, "pt").label == label


def test_every_new_lexicon_section_is_sourced() -> None:
    readme = (Path(_languages.__file__).parent / "lexicons" / "README.md").read_text(encoding="utf-8")
    assert "1.3" in readme and "reviews" in readme


def test_version_bumped_for_the_new_rules(scorer: MultilingualScorer) -> None:
    assert tuple(int(p) for p in scorer.version.split(".")) >= (1, 3, 0)


# ------------------------------------------------------------------ 4. evaluation on reviews


def test_halves_split_by_line_parity() -> None:
    rows = [Row("es", "pos", str(i), None) for i in range(5)]
    odd, even = halves(rows)
    assert [r.text for r in odd] == ["0", "2", "4"] and [r.text for r in even] == ["1", "3"]


def test_evaluate_reports_review_files_and_halves(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    lines = ["id\tlang\tlabel\ttext\tscore"]
    written = [("pos", "Excelente, volveremos", 5), ("neg", "Horrible, nunca más", 1), ("neu", "Normal", 3)]
    lines += [f"{i}\tes\t{label}\t{text}\t{stars}" for i, (label, text, stars) in enumerate(written)]
    (tmp_path / "es_reviews_dev.tsv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert main(["--data-dir", str(tmp_path), "--halves"]) == 0
    out = capsys.readouterr().out
    assert "es_reviews_dev (odd lines)" in out and "es_reviews_dev (even lines)" in out
    assert json.dumps(out)  # printable
