"""VADER's rule engine, re-implemented with the word lists passed in as data.

Two entry points share VADER's constants and its final arithmetic (punctuation
emphasis, normalisation):

- `score_english` is a faithful port of vaderSentiment 3.3.2's `polarity_scores`
  (quirks included: whitespace tokens, ASCII-only punctuation stripping, the
  order-dependent "but" rescaling) so that English keeps VADER's exact compound.
- `score_tokens` is the same algorithm for the Romance languages, over tokens that
  `socialmon.sentiment._text` has already normalised (accents, elongation, slang,
  multiword phrases) and with three changes those languages need:
  negative concord (any number of negators before a word negate it once: "no me
  gustó nada", "nunca nadie…"), negation and boosters that do not reach across
  clause punctuation or count clitics/articles as distance ("no se lo recomiendo"),
  and contrast handled per sentence, with concessive clauses ("aunque…", "embora…")
  weighted down rather than everything before them.

Nothing here touches the globals of the installed vaderSentiment package.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

# VADER's empirically derived constants.
B_INCR = 0.293
B_DECR = -0.293
C_INCR = 0.733
N_SCALAR = -0.74
_ALPHA = 15
_ASCII_PUNCTUATION = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~"


@dataclass(frozen=True)
class Rules:
    """Everything language-specific the engine needs. Keys are normalised tokens
    (for English: lower-cased words; for es/pt: see `_text.normalise_word`)."""

    language: str
    lexicon: Mapping[str, float]
    boosters: Mapping[str, float]
    negators: frozenset[str]
    # "but"-like words: the part of the sentence before them ×0.5, after ×1.5.
    contrast: frozenset[str] = frozenset()
    # "although"-like words: the clause they open ×0.5.
    concessive: frozenset[str] = frozenset()
    # Words that do not count as distance for negation/boosters (clitics, articles).
    transparent: frozenset[str] = frozenset()
    special_cases: Mapping[str, float] = field(default_factory=dict)
    # Every word of `special_cases` and of multiword boosters (a fast pre-check).
    idiom_words: frozenset[str] = frozenset()
    # Sentiment words that act as boosters right before another sentiment word
    # ("bien bonito", "bem legal"): like VADER's "no" special case.
    dual_boosters: frozenset[str] = frozenset()
    # How many words (not counting transparent ones) before a sentiment word a
    # negator reaches, and the factor for a negated negative word.
    # "Bueno, …", "Bom, …": words that are discourse markers, not praise, when they
    # make up a whole clause and the text goes on after it.
    discourse_markers: frozenset[str] = frozenset()
    negation_window: int = 3
    negated_negative: float = N_SCALAR
    # Valence of a negator that negates no sentiment word ("no me han respondido",
    # "nunca contestan"): negation is itself a mildly negative cue (Potts 2011, "On
    # the negativity of negation"). 0 disables it (English keeps VADER's behaviour).
    bare_negation: float = 0.0
    # Negators that negate the sentiment word after them but are no cue alone: "sin gluten",
    # "café sem açúcar" ask for a product, they do not complain.
    quiet_negators: frozenset[str] = frozenset()
    # |compound| below this is labelled neutral.
    neutral_band: float = 0.05
    # A compound at or above this is positive (None: `neutral_band`). Portuguese puts it a
    # little higher: LeIA's valences, translated from VADER's, run positive (every polite
    # "obrigado", "bom dia", "ajuda" counts), so a faintly positive text is mostly neutral.
    positive_band: float | None = None
    # Mixed opinion: the weaker of the positive and negative proportions is at least
    # `mixed_share` of the two together and at least `mixed_floor` of the text. 0 disables it
    # (English keeps VADER's labels).
    mixed_share: float = 0.0
    mixed_floor: float = 0.0
    # ... and at least this much in VADER's units (two plain words of each side: about 4).
    mixed_mass: float = 0.0
    # ... and |compound| is below this (a clear verdict beside a side remark stays a verdict).
    mixed_compound: float = 1.0
    # Lukewarm verdicts ("normal", "nada del otro mundo", "razoável"): each also counts as
    # one unit of praise and one of complaint in the proportions, so that they read mixed.
    tepid: frozenset[str] = frozenset()
    # Phrases that carry their own negator ("nunca mais", "nada a ver", "sin respuesta"):
    # by negative concord a negator before them ("não volto nunca mais", "no tiene nada
    # que ver") repeats that negation instead of reversing the phrase.
    self_negated: frozenset[str] = frozenset()
    # Irrealis markers ("deveria", "poderia", "esperava", "fosse"): a sentiment word after
    # one in its clause describes what the product should or could have been, not what it
    # is ("deveria ser mais resistente", "achei que fosse melhor"). As in SO-CAL (Taboada
    # et al. 2011, "Lexicon-based methods for sentiment analysis", irrealis blocking), its
    # valence is multiplied by `irrealis_positive` or `irrealis_negative`.
    irrealis: frozenset[str] = frozenset()
    irrealis_positive: float = 0.0
    irrealis_negative: float = 0.0
    # "but" joins opposite opinions (Hatzivassiloglou & McKeown 1997): when what follows a
    # contrast word has no sentiment word of its own ("bom, mas a tampa é pequena"), the
    # contrast word itself counts this much against the sentence's opinion before it.
    contrast_cue: float = 0.0
    # Emoji and emoticons: the writer's own feeling beside the words, never in the scope of a
    # negator before them ("no me gustó 😡" is a complaint twice, not one undone by the other).
    unnegated: frozenset[str] = frozenset()


def is_mixed(scores: Scores, rules: Rules) -> bool:
    """Whether a text with these scores holds substantial praise and complaint (see `Rules`)."""
    share = rules.mixed_share
    if not share:
        return False
    positive, negative = scores.positive, scores.negative
    weaker = min(positive, negative)
    return (
        weaker > 0
        and scores.weaker >= rules.mixed_mass
        and weaker >= rules.mixed_floor
        and weaker >= share * (positive + negative)
        and abs(scores.compound) < rules.mixed_compound
    )


def normalize(score: float, alpha: float = _ALPHA) -> float:
    """VADER's squashing of a raw valence sum into [-1, 1]."""
    norm = score / math.sqrt(score * score + alpha)
    return max(-1.0, min(1.0, norm))


def punctuation_emphasis(exclamations: int, questions: int) -> float:
    """VADER's amplifier for "!" (up to 4) and "?" (2 or more)."""
    amplifier = min(exclamations, 4) * 0.292
    if questions > 1:
        amplifier += questions * 0.18 if questions <= 3 else 0.96
    return amplifier


class Scores(NamedTuple):
    """VADER's four figures for one text: the compound and the proportions of the text that
    are positive, negative and neutral (`polarity_scores`' "pos", "neg", "neu")."""

    compound: float
    positive: float
    negative: float
    neutral: float
    # The weaker side in VADER's units (valence + 1 per word): how much of the less
    # prevalent of praise and complaint there is, whatever the text's length.
    weaker: float = 0.0


_NO_SCORES = Scores(0.0, 0.0, 0.0, 0.0)
_new_scores = tuple.__new__  # a NamedTuple without its Python-level __new__ (the hot path)
_ALL_NEUTRAL = Scores(0.0, 0.0, 0.0, 1.0)


def _scores(sentiments: Sequence[float], exclamations: int, questions: int, tepid: int = 0) -> Scores:
    """VADER's `score_valence`: the compound, and the proportions from `_sift_sentiment_scores`
    (each sentiment word counts its valence plus one, each other token one neutral unit;
    `tepid` lukewarm words add one unit to both sides)."""
    if not sentiments:
        return _NO_SCORES
    polar = [s for s in sentiments if s]
    if not polar and not tepid:
        return _ALL_NEUTRAL
    total = float(sum(polar))  # the zeros change nothing: VADER's sum of every sentiment
    emphasis = punctuation_emphasis(exclamations, questions) if exclamations or questions else 0.0
    if total > 0:
        total += emphasis
    elif total < 0:
        total -= emphasis
    pos_sum = neg_sum = float(tepid)
    for s in polar:
        if s > 0:
            pos_sum += s + 1
        else:
            neg_sum += 1 - s
    if pos_sum > neg_sum:
        pos_sum += emphasis
    elif pos_sum < neg_sum:
        neg_sum += emphasis
    neu_count = len(sentiments) - len(polar)
    size = pos_sum + neg_sum + neu_count
    # The proportions are not rounded (VADER rounds them to 3 places): they are only compared.
    return _new_scores(
        Scores,
        (
            round(normalize(total), 4),
            pos_sum / size,
            neg_sum / size,
            neu_count / size,
            pos_sum if pos_sum < neg_sum else neg_sum,
        ),
    )


# --------------------------------------------------------------------------- English


def _strip_punc_if_word(token: str) -> str:
    stripped = token.strip(_ASCII_PUNCTUATION)
    return token if len(stripped) <= 2 else stripped


def score_english(text: str, rules: Rules, emoji_descriptions: Mapping[str, str]) -> Scores:
    """vaderSentiment's `polarity_scores(text)`, reproduced exactly."""
    if not text.isascii():
        pieces: list[str] = []
        prev_space = True
        for char in text:
            description = emoji_descriptions.get(char)
            if description is not None:
                if not prev_space:
                    pieces.append(" ")
                pieces.append(description)
                prev_space = False
            else:
                pieces.append(char)
                prev_space = char == " "
        text = "".join(pieces)
    text = text.strip()
    words = [_strip_punc_if_word(w) for w in text.split()]
    lower = [w.lower() for w in words]
    lexicon = rules.lexicon
    boosters = rules.boosters
    # Idioms and multiword boosters can only match if one of their words is near.
    idiom_words = rules.idiom_words
    n = len(words)
    upper_count = sum(1 for w in words if w.isupper())
    is_cap_diff = 0 < n - upper_count < n

    sentiments: list[float] = []
    for i, item in enumerate(lower):
        if item in boosters or (i < n - 1 and item == "kind" and lower[i + 1] == "of"):
            sentiments.append(0.0)
            continue
        valence = lexicon.get(item)
        if valence is None:
            sentiments.append(0)
            continue
        base = valence
        if item == "no" and i != n - 1 and lower[i + 1] in lexicon:
            valence = 0.0
        if (
            (i > 0 and lower[i - 1] == "no")
            or (i > 1 and lower[i - 2] == "no")
            or (i > 2 and lower[i - 3] == "no" and lower[i - 1] in ("or", "nor"))
        ):
            valence = base * N_SCALAR
        if is_cap_diff and words[i].isupper():
            valence = valence + C_INCR if valence > 0 else valence - C_INCR
        for start_i in range(3):
            j = i - (start_i + 1)
            if i > start_i and lower[j] not in lexicon:
                s = _english_scalar(words[j], lower[j], valence, is_cap_diff, boosters)
                if start_i == 1 and s != 0:
                    s *= 0.95
                if start_i == 2 and s != 0:
                    s *= 0.9
                valence += s
                valence = _english_negation(valence, lower, start_i, i, rules.negators)
                if start_i == 2 and not idiom_words.isdisjoint(lower[i - 3 : i + 3]):
                    valence = _english_idioms(valence, lower, i, rules.special_cases, boosters)
        valence = _english_least(valence, lower, i, lexicon)
        sentiments.append(valence)

    if "but" in lower:
        _english_but(lower.index("but"), sentiments)
    return _scores(sentiments, text.count("!"), text.count("?"))


def _english_scalar(
    word: str, word_lower: str, valence: float, is_cap_diff: bool, boosters: Mapping[str, float]
) -> float:
    scalar = boosters.get(word_lower)
    if scalar is None:
        return 0.0
    if valence < 0:
        scalar *= -1
    if is_cap_diff and word.isupper():
        scalar = scalar + C_INCR if valence > 0 else scalar - C_INCR
    return scalar


def _is_negated_en(word: str, negators: frozenset[str]) -> bool:
    return word in negators or "n't" in word


def _english_negation(
    valence: float, lower: list[str], start_i: int, i: int, negators: frozenset[str]
) -> float:
    if start_i == 0:
        if _is_negated_en(lower[i - 1], negators):
            valence *= N_SCALAR
    elif start_i == 1:
        if lower[i - 2] == "never" and lower[i - 1] in ("so", "this"):
            valence *= 1.25
        elif lower[i - 2] == "without" and lower[i - 1] == "doubt":
            pass
        elif _is_negated_en(lower[i - 2], negators):
            valence *= N_SCALAR
    else:
        if (lower[i - 3] == "never" and lower[i - 2] in ("so", "this")) or lower[i - 1] in ("so", "this"):
            valence *= 1.25
        elif lower[i - 3] == "without" and (lower[i - 2] == "doubt" or lower[i - 1] == "doubt"):
            pass
        elif _is_negated_en(lower[i - 3], negators):
            valence *= N_SCALAR
    return valence


def _english_idioms(
    valence: float,
    lower: list[str],
    i: int,
    special_cases: Mapping[str, float],
    boosters: Mapping[str, float],
) -> float:
    onezero = f"{lower[i - 1]} {lower[i]}"
    twoonezero = f"{lower[i - 2]} {lower[i - 1]} {lower[i]}"
    twoone = f"{lower[i - 2]} {lower[i - 1]}"
    threetwoone = f"{lower[i - 3]} {lower[i - 2]} {lower[i - 1]}"
    threetwo = f"{lower[i - 3]} {lower[i - 2]}"
    for seq in (onezero, twoonezero, twoone, threetwoone, threetwo):
        if seq in special_cases:
            valence = special_cases[seq]
            break
    n = len(lower)
    if n - 1 > i:
        zeroone = f"{lower[i]} {lower[i + 1]}"
        if zeroone in special_cases:
            valence = special_cases[zeroone]
    if n - 1 > i + 1:
        zeroonetwo = f"{lower[i]} {lower[i + 1]} {lower[i + 2]}"
        if zeroonetwo in special_cases:
            valence = special_cases[zeroonetwo]
    for n_gram in (threetwoone, threetwo, twoone):
        if n_gram in boosters:
            valence += boosters[n_gram]
    return valence


def _english_least(valence: float, lower: list[str], i: int, lexicon: Mapping[str, float]) -> float:
    if i > 1 and lower[i - 1] not in lexicon and lower[i - 1] == "least":
        if lower[i - 2] != "at" and lower[i - 2] != "very":
            valence *= N_SCALAR
    elif i > 0 and lower[i - 1] not in lexicon and lower[i - 1] == "least":
        valence *= N_SCALAR
    return valence


def _english_but(bi: int, sentiments: list[float]) -> None:
    # Deliberately keeps vaderSentiment's `list.index` lookup (it rescales the first
    # equal value, not always the current one) so English scores stay identical.
    for sentiment in list(sentiments):
        si = sentiments.index(sentiment)
        if si < bi:
            sentiments[si] = sentiment * 0.5
        elif si > bi:
            sentiments[si] = sentiment * 1.5


# ----------------------------------------------------------------- Spanish, Portuguese


class Token(NamedTuple):
    """One normalised word (or emoji/emoticon/phrase) of a text."""

    key: str
    is_upper: bool
    sentence: int
    clause: int


def score_tokens(tokens: Sequence[Token], exclamations: int, questions: int, rules: Rules) -> Scores:
    """VADER's algorithm with negative concord, clause-bounded scope and concessives."""
    lexicon = rules.lexicon
    boosters = rules.boosters
    negators = rules.negators
    transparent = rules.transparent
    dual = rules.dual_boosters
    discourse = rules.discourse_markers
    window = rules.negation_window
    self_negated = rules.self_negated
    unnegated = rules.unnegated
    n = len(tokens)
    if n == 0:
        return _NO_SCORES
    upper_count = sum(1 for t in tokens if t.is_upper)
    is_cap_diff = 0 < n - upper_count < n

    tepid_words = rules.tepid
    tepid = 0
    sentiments = [0.0] * n
    used_negators: set[int] = set()
    for i, tok in enumerate(tokens):
        valence = lexicon.get(tok.key)
        if valence is None:
            continue
        if tok.key in tepid_words:
            tepid += 1
        if (
            tok.key in discourse
            and (i == 0 or tokens[i - 1].clause != tok.clause)
            and i + 1 < n
            and tokens[i + 1].clause != tok.clause
        ):
            continue
        if (
            tok.key in dual
            and i + 1 < n
            and tokens[i + 1].key in lexicon
            and tokens[i + 1].clause == tok.clause
        ):
            continue
        if is_cap_diff and tok.is_upper:
            valence = valence + C_INCR if valence > 0 else valence - C_INCR
        negated = False
        distance = 0
        j = i - 1
        while j >= 0 and distance < window:
            prev = tokens[j]
            if prev.clause != tok.clause:
                break
            key = prev.key
            j -= 1
            if key in transparent:
                continue
            distance += 1
            if key in negators:
                negated = True
                used_negators.add(j + 1)
                continue
            if distance > 3:
                continue
            if key in lexicon and key not in dual:
                continue
            scalar = boosters.get(key)
            if scalar is not None:
                if valence < 0:
                    scalar = -scalar
                if is_cap_diff and prev.is_upper:
                    scalar = scalar + C_INCR if valence > 0 else scalar - C_INCR
                valence += scalar * (1.0, 0.95, 0.9)[distance - 1]
        if negated and tok.key not in self_negated and tok.key not in unnegated:
            valence *= N_SCALAR if valence > 0 else rules.negated_negative
        sentiments[i] = valence

    cues = negators - rules.quiet_negators
    if rules.bare_negation and any(t.key in cues for t in tokens):
        bare_clauses = {t.clause for k, t in enumerate(tokens) if t.key in cues and k not in used_negators}
        bare_clauses -= {tokens[k].clause for k in used_negators}
        for k, t in enumerate(tokens):
            if t.clause in bare_clauses and t.key in cues:
                sentiments[k] = rules.bare_negation
                bare_clauses.discard(t.clause)
    irrealis = rules.irrealis
    if irrealis and any(t.key in irrealis for t in tokens):
        _irrealis(tokens, sentiments, rules)
    if rules.contrast or rules.concessive:
        _contrast(tokens, sentiments, rules)
    return _scores(sentiments, exclamations, questions, tepid)


def _irrealis(tokens: Sequence[Token], sentiments: list[float], rules: Rules) -> None:
    irrealis = rules.irrealis
    n = len(tokens)
    for i, tok in enumerate(tokens):
        if tok.key not in irrealis:
            continue
        for k in range(i + 1, n):
            if tokens[k].clause != tok.clause:
                break
            valence = sentiments[k]
            if valence > 0:
                sentiments[k] = valence * rules.irrealis_positive
            elif valence < 0:
                sentiments[k] = valence * rules.irrealis_negative


def _contrast(tokens: Sequence[Token], sentiments: list[float], rules: Rules) -> None:
    contrast = rules.contrast
    concessive = rules.concessive
    pivot_by_sentence: dict[int, int] = {}
    keys = [t.key for t in tokens]
    if contrast.isdisjoint(keys) and concessive.isdisjoint(keys):
        return
    for i, tok in enumerate(tokens):
        if tok.key in contrast and tok.sentence not in pivot_by_sentence:
            pivot_by_sentence[tok.sentence] = i
        elif tok.key in concessive:
            clause = tok.clause
            for k in range(i + 1, len(tokens)):
                if tokens[k].clause != clause:
                    break
                sentiments[k] *= 0.5
    if not pivot_by_sentence:
        return
    if rules.contrast_cue:
        _contrast_cue(tokens, sentiments, pivot_by_sentence, rules.contrast_cue)
    for i, tok in enumerate(tokens):
        pivot = pivot_by_sentence.get(tok.sentence)
        if pivot is None or i == pivot:
            continue
        sentiments[i] *= 0.5 if i < pivot else 1.5


def _contrast_cue(
    tokens: Sequence[Token], sentiments: list[float], pivots: dict[int, int], cue: float
) -> None:
    before: dict[int, float] = {}
    after: dict[int, float] = {}
    for i, tok in enumerate(tokens):
        sentence = tok.sentence
        pivot = pivots.get(sentence)
        if pivot is None or i == pivot:
            continue
        if i < pivot:
            before[sentence] = before.get(sentence, 0.0) + sentiments[i]
        else:
            after[sentence] = after.get(sentence, 0.0) + abs(sentiments[i])
    for sentence, pivot in pivots.items():
        if after.get(sentence, 1.0):  # opinion after the contrast word, or no word at all
            continue
        opinion = before.get(sentence, 0.0)
        if opinion:
            sentiments[pivot] = -cue if opinion > 0 else cue
