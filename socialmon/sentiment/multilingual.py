"""The default scorer: language detection, then VADER's rules with that language's words.

Design
------
- **Language** (`_langid`): word evidence first — each language's exclusive
  function words and sentiment words, "¡¿ñ" / "ãõ" — and when that is not
  conclusive, lingua's confidences for en/es/pt (plus fr/it/de as sinks that mean
  "other"). The brand's language (``hint``) breaks near-ties and weighs more on
  texts of one to three words; a text with no letters takes the hint or "other".
  A **mixed-language** comment gets the language with the most combined evidence,
  i.e. the one most of its words are in; emoji, emoticons and common English
  loanwords ("love", "fail", "lol") still count inside Spanish and Portuguese.
- **English** goes through `_engine.score_english`, a port of vaderSentiment 3.3.2
  with VADER's own lexicon and lists: its compounds equal vaderSentiment's on all
  18,000 dev texts (see the tests), so English is exactly as good as plain VADER
  except where a text is detected as another language.
- **Spanish and Portuguese** go through `_engine.score_tokens`: VADER's algorithm
  (lexicon valences, boosters/dampeners with distance decay, negation ×-0.74,
  ALL-CAPS and "!"/"?" emphasis, emoji, "but"-contrast) over tokens normalised by
  `_text.Tokenizer` (Unicode punctuation incl. ¡¿, no accents, elongation, laughter,
  abbreviations, multiword phrases), with what those languages need: negative
  concord ("no me gustó nada" is one negation), negation that skips clitics and
  stops at clause punctuation, concessives ("aunque", "embora"), "bien"/"bem" as
  intensifiers before adjectives, discourse markers ("Bueno, …"), negated
  negatives as weak positives, and a negator that negates no sentiment word as a
  mild negative cue ("nunca contestan"); every laughter spelling is one weak
  positive cue (weaker in Spanish, where "jajaja" marks mockery as often as fun). Lexicons: ours for Spanish, LeIA's
  Portuguese adaptation of VADER plus ours (`lexicons/README.md`).
- **Labels** use VADER's ±0.05 neutral band in every language: on the dev data a
  wider band for es/pt gains a little macro-F1 and loses more pos/neg recall. Portuguese
  (1.3.2) calls a text positive from +0.1 (`Rules.positive_band`): LeIA's valences run
  positive, so a faintly positive Portuguese text is more often neutral.
- **Review rules** (1.3.2): in es and pt, phrases that carry their own negator are not
  negated again ("não volto nunca mais", "no tiene nada que ver": negative concord). In pt
  only (`Rules` fields, off elsewhere): sentiment after an irrealis marker in its clause is
  blocked as in SO-CAL ("deveria ser mais resistente", "achei que fosse melhor"), and a
  contrast word followed by no opinion counts against the opinion before it ("bom, mas a
  tampa é pequena").
- **Mixed opinions** (es, pt; 1.3): VADER's positive/negative/neutral proportions are kept
  on every `Sentiment`; a text whose weaker side is a substantial share of both, of the
  text and in absolute terms (about two words), with a compound near 0 (`Rules.mixed_*`,
  per language, tuned on the dev sets only),
  is labelled neutral and flagged `mixed`. Lukewarm verdicts (`Rules.tepid`) count on both
  sides. English never is, so its labels stay VADER's.
- **Customer messages** (1.4): a greeting opening a message is a discourse marker
  ("Buenas tardes, llevo dos horas esperando" is no praise); "sin"/"sem" negate but are
  no complaint alone (`Rules.quiet_negators`: "¿tienen torta sin gluten?"); "cero"/"zero"
  negate; waiting for an answer or an order is a complaint (lexicon phrases).
- **Forms of opinion** (1.4.1): an emoji or emoticon after a negator is not in its scope
  (`Rules.unnegated`: "no me gustó 😡"); HTML character references are decoded before
  tokenising ("&lt;3", as X's API sends it); "Buen día" is one greeting phrase;
  "nada mejor/peor/más que" is a superlative, "¿cómo no amar…?" and "não vejo a hora" praise
  and eagerness (lexicon phrases).
- **Review language** (1.4.2): "só que" and "solo que" are contrast words like "mas"/"pero",
  "sequer" negates like "nem sequer", and "pocos"/"poucos" counting something ("a pocos metros",
  "há poucos dias") is no negation (lexicon phrases); LeIA values from English senses of common
  Portuguese words are neutralised (`lexicons/README.md`).
- **Other** languages are scored by the English rules (emoji and emoticons still
  count); comments with no letters at all (emoji only) by the es/pt emoji table, in every
  language, English included (VADER's own reads 🔥 as negative).
- **Long texts** are bounded: the language is detected on the first 1,000 characters
  (`_text.DETECTED_CHARS`) and a text over 20,000 characters (`_text.SCORED_CHARS`,
  far above what platforms allow in a comment) is scored on its first and last 10,000,
  cut at spaces, so that a 10 MB text scores in well under a second.

`version` changes whenever a lexicon or a rule changes, so stored scores can be
found and re-scored after an upgrade.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache

from socialmon.sentiment import _languages
from socialmon.sentiment._engine import is_mixed, score_english, score_tokens
from socialmon.sentiment._langid import OTHER, LanguageIdentifier
from socialmon.sentiment._text import for_scoring, unescaped
from socialmon.sentiment.base import Label, Sentiment

__all__ = ["MultilingualScorer"]

_HAS_LETTER = re.compile(r"[^\W\d_]")


def _label(compound: float, band: float, positive_band: float | None = None) -> Label:
    if compound >= (band if positive_band is None else positive_band):
        return "positive"
    if compound <= -band:
        return "negative"
    return "neutral"


@cache
def _telling_words(code: str) -> frozenset[str]:
    """The words of a language's lexicon that may tell which language a text is in (plain ASCII
    letters, longer than two), made once per process: the same object for every scorer, so that
    the identifier's evidence built from them is made once too (`_langid._evidence`)."""
    lexicon = _languages.by_code(code).rules.lexicon
    return frozenset(w for w in lexicon if w.isalpha() and w.isascii() and len(w) > 2)


class MultilingualScorer:
    """Scores English, Spanish and Portuguese comments; see the module docstring."""

    name = "multilingual"
    version = "1.4.2"
    DEFAULT_LANGUAGES = ("en", "es", "pt")

    def __init__(self, languages: Iterable[str] | None = None) -> None:
        """`languages`: the ones the comments are told apart in (default all three); a text
        in none of them is "other". Fewer languages load fewer language models."""
        self.languages = self.languages_of(languages)
        self.version = self.version_for(self.languages)
        self._languages = {code: _languages.by_code(code) for code in self.languages}
        self._fallbacks: dict[str, _languages.Language] = {}
        self._emoji = _languages.emoji_descriptions()
        self._identifier = LanguageIdentifier(
            markers={c: lang.markers for c, lang in self._languages.items()},
            lexicons={c: _telling_words(c) for c in self._languages},
            vocabularies={c: lang.vocabulary for c, lang in self._languages.items()},
        )

    @classmethod
    def languages_of(cls, languages: Iterable[str] | None) -> tuple[str, ...]:
        """The configured languages in a fixed order; ValueError for an unknown or empty list."""
        if languages is None:
            return cls.DEFAULT_LANGUAGES
        chosen = set(languages)
        unknown = sorted(chosen - set(cls.DEFAULT_LANGUAGES))
        if unknown or not chosen:
            raise ValueError(
                f"languages must be some of {', '.join(cls.DEFAULT_LANGUAGES)}"
                + (f", not {', '.join(unknown)}" if unknown else "")
            )
        return tuple(code for code in cls.DEFAULT_LANGUAGES if code in chosen)

    @classmethod
    def version_for(cls, languages: Iterable[str] | None) -> str:
        """The version stored with each score: "+en,es" is added when not all three languages are
        told apart, so that `socialmon rescore` finds the comments scored under other settings."""
        chosen = cls.languages_of(languages)
        return cls.version if chosen == cls.DEFAULT_LANGUAGES else f"{cls.version}+{','.join(chosen)}"

    # Every entry decodes HTML character references first (`unescaped`): detection and English's
    # VADER read "Pan &amp; café &lt;3" as the Spanish, positive "Pan & café <3" it is.

    def detect_language(self, text: str, hint: str | None = None) -> str:
        """ "en", "es", "pt" or "other"."""
        return self._identifier.detect(unescaped(text), hint)

    def score(self, text: str, hint: str | None = None) -> Sentiment:
        """Score one text; `hint` is the brand's language ("es", "en", "pt"), if known."""
        text = unescaped(text)
        language = self._identifier.detect(text, hint)
        return self._score_as(text, language)

    def score_as(self, text: str, language: str) -> Sentiment:
        """Score `text` with the rules of `language`, skipping detection."""
        return self._score_as(unescaped(text), language)

    def score_many(self, texts: Iterable[str], hint: str | None = None) -> list[Sentiment]:
        """Score a page of texts: all detection first, then all scoring (each phase keeps
        its own tables hot in the CPU caches); repeated texts are scored once."""
        texts = list(texts)
        unique = list(dict.fromkeys(texts))
        detect = self._identifier.detect
        decoded = [unescaped(text) for text in unique]
        languages = [detect(text, hint) for text in decoded]
        scored = {
            text: self._score_as(plain, lang)
            for text, plain, lang in zip(unique, decoded, languages, strict=True)
        }
        return [scored[text] for text in texts]

    def _rules_of(self, code: str) -> _languages.Language:
        """The rules of `code`: a configured language's, or one built when first needed (a text
        in no configured language, or `score_as` a language not detected)."""
        lang = self._languages.get(code) or self._fallbacks.get(code)
        if lang is None:
            lang = self._fallbacks[code] = _languages.by_code(code)
        return lang

    def _score_as(self, text: str, language: str) -> Sentiment:
        text = for_scoring(text)
        # Emoji-only comments get the emoji table shared by es/pt, in every language, English
        # included (VADER's own misses 😡, 👍, 🙏 and reads 🔥 as negative); words in other
        # languages get English rules.
        known = language in self.DEFAULT_LANGUAGES
        if not _HAS_LETTER.search(text):
            lang = self._rules_of(language if language in ("es", "pt") else "es")
        else:
            lang = self._rules_of(language if known else "en")
        rules = lang.rules
        if lang.tokenizer is None:
            scores = score_english(text, rules, self._emoji)
        else:
            tokens = lang.tokenizer.tokenize(text)
            scores = score_tokens(tokens, text.count("!"), text.count("?"), rules)
        compound = scores.compound
        # (most texts have too little of the weaker side: skip the call for them)
        mixed = scores.weaker >= rules.mixed_mass and bool(rules.mixed_share) and is_mixed(scores, rules)
        return Sentiment(
            language if known else OTHER,
            compound,
            "neutral" if mixed else _label(compound, rules.neutral_band, rules.positive_band),
            scores.positive,
            scores.negative,
            scores.neutral,
            mixed,
        )
