"""Language identification for short, informal comments: es, en, pt or other.

Evidence of two kinds is combined, because each fails where the other works:

1. Word evidence: frequent function words that belong to one of our languages only
   ("el", "pero", "muy" / "não", "você", "muito" / "the", "and") add 0.15 each, and
   sentiment-lexicon words that only one language's lexicon has add 0.1 each (at
   most 0.6 in all); "¡", "¿", "ñ" add 0.2 to Spanish and "ã", "õ" to Portuguese.
   This fixes lingua's typical mistakes on very short texts ("¡Genial!", "no me
   gustó nada" is Portuguese to lingua).
2. lingua (lingua-language-detector 2.x, Rust-backed) gives a confidence per
   language, in its default high-accuracy mode: on the dev tweets the low-accuracy
   (trigram-only) mode matched the file's language on 93-95% of Portuguese tweets
   against 98.4%, and on 96% of English ones against 98.4%; even for the residue
   of texts the words leave open (below) it loses 0.3-0.5 points on the es/pt/en
   dev files with three languages, 1-2 points with the sinks. One detector knows
   our three languages; a second also knows French, Italian and German, sinks that
   mean ``other``, so that e.g. French is not forced into English. The second is
   2.5 times slower, so it is asked only when the words give no evidence at all
   for any of ours, when a frequent French/Italian/German word (``_SINK_WORDS``)
   appears, or when fewer than half the words are in the vocabulary of the best
   of ours (a text in another language has many words none of ours knows) — and then
   only if a third, quick detector (the same six languages' trigram models, lingua's
   low-accuracy mode: 0.05 s to load against 0.5 s for the sinks' full models) ranks a
   sink at least as high as the best of ours; otherwise the first detector answers.
   (Italian with Spanish-looking words — "una", "con", "la" — still tends to be
   scored as Spanish.)
3. "Our" languages are the configured ones (`[sentiment] languages`, default all
   three): words are exclusive among them, lingua loads models for them only (about
   0.16 s of CPU each, high-accuracy), and English, when not configured, is one more
   sink. With one language there is nothing to tell apart: a text is in it unless
   the sinks say otherwise.

When the words alone are conclusive lingua is not consulted at all: 0.25 or more
for one language, at least three times the runner-up's, and at least 30% of the
words in that language's vocabulary; or a single function word with no evidence for
another language, no sink-language word and at least 60% of the words in that
language's vocabulary. That is most comments (80-91% of the dev texts) and keeps
detection cheaper than scoring. Otherwise lingua's confidences are added to the word
evidence and the highest total wins.
The brand's language, when given as a hint, adds 0.1 (0.4 on texts of one to three
words, where lingua is close to guessing), so it decides near-ties.
A text with no letters at all (emoji, numbers) takes the hint, else ``other``; a
text whose best sink language beats all of ours is ``other``.
Only a text's first ``DETECTED_CHARS`` (1,000) characters are read, cut at a space
where there is one: lingua's time grows with the square of a word's length (one
100 KB word took 20 s, 10 MB never finished).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from functools import cache
from typing import TYPE_CHECKING, Any, Protocol

from lingua import Language, LanguageDetector, LanguageDetectorBuilder

from socialmon.sentiment._text import DETECTED_CHARS, fold, head

_OURS = {Language.ENGLISH: "en", Language.SPANISH: "es", Language.PORTUGUESE: "pt"}
_SINKS = (Language.FRENCH, Language.ITALIAN, Language.GERMAN)
_MARKER_WEIGHT = 0.15
_MAX_EVIDENCE = 0.6
_DECISIVE = 0.25
_KNOWN_SHARE = 0.3
_SINGLE_MARKER_SHARE = 0.6
_HINT_WEIGHT = 0.1
# On one to three words lingua's confidences are close to guesses ("Excelente" is
# Spanish and Portuguese alike): there the brand's language counts for more.
_SHORT = 3
_SHORT_HINT_WEIGHT = 0.4
_LEXICON_WEIGHT = 0.1
_SIGNATURE_WEIGHT = 0.2
# Characters only one of our languages writes (¡¿ñ are stripped by most detectors'
# tokenisers along with the punctuation they are).
_SIGNATURE_CHARS = {"es": re.compile("[¡¿ñÑ]"), "pt": re.compile("[ãõÃÕ]")}
_WORD_RE = re.compile(r"[^\W\d_]+")
_MAYBE_NOISE_RE = re.compile(r"[@#]|http|www")
_NOISE_RE = re.compile(r"https?://\S+|www\.\S+|[@#]\w+")
# The most frequent words of the sink languages (folded) that are rare in ours. They
# need not be exclusive ("tres", "mais"): one only sends a text to the slower detector.
_SINK_TEXT = """
    le les est et je pas une des du il elle nous vous ils sont avec pour dans sur qui ce
    cette mais tres tout merci beaucoup toujours chez aussi votre notre bonjour peu plus
    rien au aux donc alors suis etait fait faire bon vraiment c j l d qu n s
    di che non sono per questo questa molto anche gli della delle nel nella ho hai io ci
    grazie buono tutto tutti ancora ottimo perche sei siamo essere stato fatto niente
    nessuno mai poi qui gia abbiamo bello sempre bellissimo
    der die das und ist ich nicht ein eine zu mit auf sich den dem sie wir auch noch aber
    nur mehr sehr schon war sind wird haben habe kein keine gut danke bitte nach bei von
    vom zum zur oder wenn wie alles gerne wieder ne
"""
_SINK_WORDS = frozenset(_SINK_TEXT.split())
LANGUAGES = ("en", "es", "pt")
OTHER = "other"

if TYPE_CHECKING:
    from socialmon.sentiment._lingua_process import LinguaProcess


class _Detector(Protocol):
    """What is asked of a lingua detector: its confidences (`.language`, `.value`) for a text."""

    def compute_language_confidence_values(self, text: str) -> Sequence[Any]: ...


def _detector_languages(codes: tuple[str, ...]) -> tuple[tuple[Language, ...], tuple[Language, ...]]:
    """lingua's languages for our `codes`, and the sink languages beside them."""
    ours = tuple(language for language, code in _OURS.items() if code in codes)
    # English, when not one of ours, is a sink too: it is the one foreign language an SME's
    # customers often write in, and "other" is scored with VADER's English rules. (Spanish
    # and Portuguese are not: a shop that names one of them wants the other read as it.)
    return ours, (*_SINKS, *([Language.ENGLISH] if "en" not in codes else []))


_helper: LinguaProcess | None = None


@contextmanager
def models_loaded_ahead(languages: Sequence[str], low_accuracy: bool = False) -> Iterator[None]:
    """Within the block, a `LanguageIdentifier` for these languages asks a helper process that
    loads lingua's models from the start (see `_lingua_process`), instead of loading them itself
    when its first undecided text comes."""
    global _helper
    from socialmon.sentiment._lingua_process import LinguaProcess

    codes = tuple(code for code in LANGUAGES if code in languages)
    helper = LinguaProcess(*_detector_languages(codes), low_accuracy=low_accuracy) if codes else None
    previous, _helper = _helper, helper
    try:
        yield
    finally:
        _helper = previous
        if helper is not None:
            helper.close()


class _AskedOfHelper:
    """One of the helper's detectors; this process's own (built when first needed) if it cannot answer."""

    def __init__(self, helper: LinguaProcess, name: str, own: LanguageDetectorBuilder) -> None:
        self._helper, self._name, self._builder = helper, name, own
        self._own: LanguageDetector | None = None

    def compute_language_confidence_values(self, text: str) -> Sequence[Any]:
        found = self._helper.confidences(self._name, text)
        if found is not None:
            return found
        if self._own is None:
            self._own = self._builder.build()
        return self._own.compute_language_confidence_values(text)


class LanguageIdentifier:
    """Detects "en", "es", "pt" or "other" for one text."""

    def __init__(
        self,
        markers: Mapping[str, frozenset[str]],
        lexicons: Mapping[str, frozenset[str]] | None = None,
        vocabularies: Mapping[str, frozenset[str]] | None = None,
        low_accuracy: bool = False,
    ) -> None:
        """`markers` names the languages told apart (some of "en", "es", "pt"): lingua loads
        models for those only (about 0.16 s of CPU each), and words are exclusive among them."""
        self._codes = tuple(code for code in LANGUAGES if code in markers)
        if not self._codes:
            raise ValueError(f"no language to detect: give some of {', '.join(LANGUAGES)}")
        languages, sinks = _detector_languages(self._codes)
        self._lingua = {language: _OURS[language] for language in languages}
        ours = LanguageDetectorBuilder.from_languages(*languages) if len(languages) > 1 else None
        every = LanguageDetectorBuilder.from_languages(*languages, *sinks)
        if low_accuracy:
            every = every.with_low_accuracy_mode()
            ours = ours.with_low_accuracy_mode() if ours is not None else None
        # The sinks' full models cost as much to load as ours (0.5 s of CPU for French, Italian
        # and German; lingua holds the GIL while loading): their trigram models (0.05 s) first
        # say whether another language is possible at all; see `detect`.
        quick = LanguageDetectorBuilder.from_languages(*languages, *sinks).with_low_accuracy_mode()
        # One language alone needs no detector: the text is in it, or in another (the sinks).
        self._ours: _Detector | None
        self._every: _Detector
        self._every_quick: _Detector
        helper = _helper
        if helper is not None and helper.serves(languages, sinks, low_accuracy):
            self._ours = _AskedOfHelper(helper, "ours", ours) if ours is not None else None
            self._every = _AskedOfHelper(helper, "every", every)
            self._every_quick = _AskedOfHelper(helper, "quick", quick)
        else:
            self._ours = ours.build() if ours is not None else None
            self._every = every.build()
            self._every_quick = quick.build()
        self._evidence = _evidence(
            tuple((c, w) for c, w in (lexicons or {}).items() if c in self._codes),
            tuple((c, w) for c, w in markers.items() if c in self._codes),
        )
        self._vocabularies = dict(vocabularies or {})

    def detect(self, text: str, hint: str | None = None) -> str:
        """The language of `text`; `hint` (the brand's language) decides near-ties.

        Only the first `DETECTED_CHARS` characters are read (cut at a space): lingua's
        time grows with the square of a word's length, and a thousand characters say
        which language a text is in as well as a million.
        """
        text = head(text, DETECTED_CHARS)
        clean = _NOISE_RE.sub(" ", text) if _MAYBE_NOISE_RE.search(text) else text
        words = _WORD_RE.findall(fold(clean))
        if not words:
            return hint if hint in self._codes else OTHER
        scores = dict.fromkeys(self._codes, 0.0)
        get = self._evidence.get
        for word in words:
            found = get(word)
            if found is not None:
                scores[found[0]] += found[1]
        for code in self._codes:
            scores[code] = min(scores[code], _MAX_EVIDENCE)
        if not text.isascii():
            for code, chars in _SIGNATURE_CHARS.items():
                if code in scores and chars.search(text):
                    scores[code] += _SIGNATURE_WEIGHT
        decided = self._decided_by_words(words, scores)
        if decided is not None:
            return decided
        # Without real evidence for one of our languages the text may be in another:
        # then, and when it has a frequent French, Italian or German word, the detector
        # that also knows the "other" sink languages is asked (2.5 times slower) — if the
        # sinks' trigram models alone rank a sink at least as high as the best of ours: on
        # the dev files (none of them in another language) that sends 1-7 % of these texts
        # on, and matches the files' language as often or more often than asking it always.
        evidence = max(scores.values())
        detector: _Detector | None = self._ours
        if evidence < _DECISIVE and (
            evidence == 0.0 or not _SINK_WORDS.isdisjoint(words) or not self._mostly_known(words, scores)
        ):
            quick, best_sink = self._totals(self._every_quick, clean, scores, hint, len(words))
            if best_sink > 0.0 and best_sink >= max(quick.values()):
                detector = self._every
        if detector is None:  # one language configured, and no other one plausible
            return self._codes[0]
        scores, best_sink = self._totals(detector, clean, scores, hint, len(words))
        code = max(scores, key=scores.__getitem__)
        top = scores[code]
        if top <= 0.0 or best_sink > top:
            return OTHER
        return code

    def _totals(
        self, detector: _Detector, text: str, evidence: dict[str, float], hint: str | None, words: int
    ) -> tuple[dict[str, float], float]:
        """Our languages' word evidence plus the detector's confidences (plus the hint's weight),
        and the best sink language's confidence."""
        scores = dict(evidence)
        best_sink = 0.0
        for result in detector.compute_language_confidence_values(text):
            code = self._lingua.get(result.language)
            if code is None:
                best_sink = max(best_sink, result.value)
            else:
                scores[code] += result.value
        if hint in scores:
            scores[hint] += _HINT_WEIGHT if words > _SHORT else _SHORT_HINT_WEIGHT
        return scores, best_sink

    def _mostly_known(self, words: list[str], scores: dict[str, float]) -> bool:
        """Whether at least half the words are in the vocabulary of the language with the
        most evidence (a text in another language has many words none of ours knows)."""
        vocabulary = self._vocabularies.get(max(scores, key=scores.__getitem__))
        if vocabulary is None:
            return False
        return sum(1 for w in words if w in vocabulary) * 2 >= len(words)

    def _decided_by_words(self, words: list[str], scores: dict[str, float]) -> str | None:
        """The language when word evidence alone is unambiguous: at least two hits' worth
        for one language, at least three times the runner-up's, and many of the words in
        its vocabulary (so that
        French or Italian, which share "la", "con", "una" with Spanish, still go to lingua)."""
        ranked = sorted(scores, key=scores.__getitem__, reverse=True)
        best = ranked[0]
        top, runner_up = scores[best], scores[ranked[1]] if len(ranked) > 1 else 0.0
        if top >= _DECISIVE:
            if runner_up * 3 > top:
                return None
            share = _KNOWN_SHARE
        elif top >= _MARKER_WEIGHT and runner_up == 0.0 and _SINK_WORDS.isdisjoint(words):
            share = _SINGLE_MARKER_SHARE
        else:
            return None
        vocabulary = self._vocabularies.get(best)
        if vocabulary is None:
            return None
        known = sum(1 for w in words if w in vocabulary)
        return best if known >= share * len(words) else None


@cache
def _evidence(
    lexicons: tuple[tuple[str, frozenset[str]], ...], markers: tuple[tuple[str, frozenset[str]], ...]
) -> dict[str, tuple[str, float]]:
    """What each word says of its text's language: (language, weight) for the words of one
    language's lexicon or markers that no other language told apart has. Never changed once
    made, and made once per process for the same words (the scorer's are the same objects each
    time): a scorer is built for each scan, and the tests build hundreds (20-30 ms each)."""
    evidence: dict[str, tuple[str, float]] = {}
    for code, words in _exclusive(dict(lexicons)).items():
        evidence.update((w, (code, _LEXICON_WEIGHT)) for w in words)
    for code, words in _exclusive(dict(markers)).items():
        evidence.update((w, (code, _MARKER_WEIGHT)) for w in words)
    return evidence


def _exclusive(vocabularies: dict[str, frozenset[str]]) -> dict[str, frozenset[str]]:
    """Each language's words that none of the other languages has."""
    exclusive = {}
    for code, words in vocabularies.items():
        others = set().union(*(m for c, m in vocabularies.items() if c != code))
        exclusive[code] = frozenset(words - others)
    return exclusive
