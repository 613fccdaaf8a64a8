"""Measure plain VADER and the multilingual scorer on human-labelled data.

Usage::

    python -m socialmon.sentiment.evaluate [--data-dir DIR] [--markdown] [--hint]

DIR defaults to ``$SOCIALMON_SENTIMENT_DATA`` or ``../shared/data/sentiment`` next
to the repository. Every ``*.tsv`` there (columns ``id, lang, label, text`` and, for
English, ``score``; labels ``pos``/``neu``/``neg``) is scored by both scorers.
Per file and scorer it prints:

- accuracy and macro-F1 over pos/neu/neg: VADER's label uses its ±0.05 cut-offs,
  ours uses the scorer's own label (per-language neutral band, see `_languages`);
- binary accuracy on the pos and neg rows only (a neutral prediction is wrong);
- Pearson r between the compound and the mean human rating (files with ``score``);
- for ours, the share of rows whose detected language is the file's ``lang``.

``--hint`` passes the file's language as the brand-language hint (default: no
hint, so detection is measured too). ``--halves`` adds a row for the odd and one for
the even data lines of each file: a change that helps only one half is fitted to
examples, not general. The review sets (``*_reviews_dev.tsv``) are scored on their
text alone: their star ratings are the gold labels, never an input.
"""

from __future__ import annotations

import argparse
import csv
import math
import os
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from socialmon.sentiment.base import Sentiment, label_for
from socialmon.sentiment.multilingual import MultilingualScorer
from socialmon.sentiment.vader import VaderScorer

_SHORT = {"positive": "pos", "neutral": "neu", "negative": "neg"}
_CLASSES = ("pos", "neu", "neg")


@dataclass(frozen=True)
class Row:
    lang: str
    label: str
    text: str
    score: float | None


@dataclass(frozen=True)
class Metrics:
    accuracy: float
    macro_f1: float
    binary_accuracy: float
    pearson: float | None
    language_match: float | None


def default_data_dir() -> Path:
    env = os.environ.get("SOCIALMON_SENTIMENT_DATA")
    if env:
        return Path(env)
    repo = Path(__file__).resolve().parents[2]
    return repo.parent / "shared" / "data" / "sentiment"


def read_rows(path: Path) -> list[Row]:
    """Rows of one labelled TSV file."""
    csv.field_size_limit(sys.maxsize)
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)
        return [
            Row(
                lang=r["lang"],
                label=r["label"],
                text=r["text"],
                score=float(r["score"]) if r.get("score") not in (None, "") else None,
            )
            for r in reader
        ]


def metrics(
    rows: Sequence[Row],
    predicted: Sequence[str],
    compounds: Sequence[float],
    languages: Sequence[str] | None = None,
) -> Metrics:
    """Accuracy, macro-F1, pos-vs-neg accuracy, Pearson r and language agreement."""
    gold = [r.label for r in rows]
    accuracy = sum(g == p for g, p in zip(gold, predicted, strict=True)) / len(gold)
    f1s = []
    for cls in _CLASSES:
        tp = sum(g == cls and p == cls for g, p in zip(gold, predicted, strict=True))
        fp = sum(g != cls and p == cls for g, p in zip(gold, predicted, strict=True))
        fn = sum(g == cls and p != cls for g, p in zip(gold, predicted, strict=True))
        f1s.append(2 * tp / (2 * tp + fp + fn) if tp else 0.0)
    polar = [(g, p) for g, p in zip(gold, predicted, strict=True) if g != "neu"]
    binary = sum(g == p for g, p in polar) / len(polar) if polar else float("nan")
    scores = [(r.score, c) for r, c in zip(rows, compounds, strict=True) if r.score is not None]
    pearson = _pearson([s for s, _ in scores], [c for _, c in scores]) if scores else None
    match = None
    if languages is not None:
        match = sum(r.lang == lang for r, lang in zip(rows, languages, strict=True)) / len(rows)
    return Metrics(accuracy, sum(f1s) / len(f1s), binary, pearson, match)


def _pearson(xs: Sequence[float], ys: Sequence[float]) -> float:
    n = len(xs)
    mx, my = sum(xs) / n, sum(ys) / n
    sxy = sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True))
    sxx = sum((x - mx) ** 2 for x in xs)
    syy = sum((y - my) ** 2 for y in ys)
    return sxy / math.sqrt(sxx * syy) if sxx and syy else float("nan")


def evaluate_file(
    path: Path, vader: VaderScorer, ours: MultilingualScorer, hint: bool = False
) -> tuple[Metrics, Metrics]:
    """(plain VADER, ours) metrics on one file."""
    return evaluate_rows(read_rows(path), vader, ours, hint)


def halves(rows: Sequence[Row]) -> tuple[list[Row], list[Row]]:
    """The odd and the even data lines of a file (1st, 3rd, … and 2nd, 4th, …): a change
    that helps only one half is fitted to examples rather than general."""
    return list(rows[0::2]), list(rows[1::2])


def evaluate_rows(
    rows: Sequence[Row], vader: VaderScorer, ours: MultilingualScorer, hint: bool = False
) -> tuple[Metrics, Metrics]:
    """(plain VADER, ours) metrics on some rows."""
    texts = [r.text for r in rows]
    base = [vader.score(t).compound for t in texts]
    if hint:
        results: list[Sentiment] = [ours.score(r.text, hint=r.lang) for r in rows]
    else:
        results = ours.score_many(texts)
    return (
        metrics(rows, [_SHORT[label_for(c)] for c in base], base),
        metrics(
            rows,
            [_SHORT[s.label] for s in results],
            [s.compound for s in results],
            [s.language for s in results],
        ),
    )


def _fmt(value: float | None) -> str:
    return "—" if value is None or math.isnan(value) else f"{value:.3f}"


_HEADER = ("file", "rows", "scorer", "accuracy", "macro-F1", "binary acc.", "Pearson r", "lang match")


def _add_rows(
    table: list[tuple[str, ...]],
    name: str,
    rows: Sequence[Row],
    vader: VaderScorer,
    ours: MultilingualScorer,
    hint: bool,
) -> None:
    for scorer, m in zip(
        (f"vader {vader.version}", f"{ours.name} {ours.version}"),
        evaluate_rows(rows, vader, ours, hint),
        strict=True,
    ):
        table.append(
            (
                name,
                str(len(rows)),
                scorer,
                _fmt(m.accuracy),
                _fmt(m.macro_f1),
                _fmt(m.binary_accuracy),
                _fmt(m.pearson),
                _fmt(m.language_match),
            )
        )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m socialmon.sentiment.evaluate", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("--data-dir", type=Path, default=None, help="folder of labelled .tsv files")
    parser.add_argument("--markdown", action="store_true", help="print a Markdown table")
    parser.add_argument("--hint", action="store_true", help="pass each file's language as the hint")
    parser.add_argument(
        "--halves", action="store_true", help="also score the odd and the even lines of each file apart"
    )
    args = parser.parse_args(argv)
    data_dir = args.data_dir or default_data_dir()
    files = sorted(data_dir.glob("*.tsv"))
    if not files:
        print(f"no .tsv files in {data_dir}", file=sys.stderr)
        return 2
    vader, ours = VaderScorer(), MultilingualScorer()
    table: list[tuple[str, ...]] = []
    for path in files:
        rows = read_rows(path)
        parts = [(path.stem, rows)]
        if args.halves:
            odd, even = halves(rows)
            parts += [(f"{path.stem} (odd lines)", odd), (f"{path.stem} (even lines)", even)]
        for name, part in parts:
            _add_rows(table, name, part, vader, ours, args.hint)
    if args.markdown:
        print("| " + " | ".join(_HEADER) + " |")
        print("|" + "|".join("---" if i < 3 else "---:" for i in range(len(_HEADER))) + "|")
        for row in table:
            print("| " + " | ".join(row) + " |")
    else:
        widths = [max(len(h), *(len(r[i]) for r in table)) for i, h in enumerate(_HEADER)]
        print("  ".join(h.ljust(w) for h, w in zip(_HEADER, widths, strict=True)))
        for row in table:
            print("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
