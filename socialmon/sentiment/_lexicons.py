"""Reading the lexicon files shipped in `socialmon/sentiment/lexicons/`.

Our own lexicons (`es/lexicon.txt`, `pt/lexicon_extra.txt`, `emoji_overrides.txt`)
are tab-separated: ``entry<TAB>valence[<TAB>class]``, ``#`` starts a comment.
Valences use VADER's scale (-4 … +4). The optional class generates inflected forms,
so the files list lemmas and stay reviewable:

- ``o``  adjective/noun in -o: o/a/os/as, plus the superlative -ísimo (×1.2).
- ``e``  gender-invariant adjective or noun: singular and plural.
- ``n``  noun: singular and plural.
- ``v``  regular verb (infinitive): the common present, preterite, imperfect,
  subjunctive and conditional forms, participles and gerund. ``v:STEM`` gives the
  stem of stem-changing verbs (``recomendar  v:recomiend``).
- no class: the entry exactly as written (also multiword phrases).

Entries are folded (lower case, no accents) because texts are. Explicit entries
win over generated forms.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from importlib.resources import files

from socialmon.sentiment._text import fold

_MAX_VALENCE = 4.0


def read_text(*parts: str) -> str:
    """The text of a packaged lexicon file, e.g. ``read_text("en", "vader_lexicon.txt")``."""
    resource = files("socialmon.sentiment").joinpath("lexicons", *parts)
    return resource.read_text(encoding="utf-8")


def load_vader_lexicon(*parts: str) -> dict[str, float]:
    """A VADER-format lexicon (``word<TAB>mean<TAB>…``), exactly as vaderSentiment reads it."""
    lexicon: dict[str, float] = {}
    for line in read_text(*parts).rstrip("\n").split("\n"):
        if not line:
            continue
        word, measure = line.strip().split("\t")[0:2]
        lexicon[word] = float(measure)
    return lexicon


def load_emoji_descriptions() -> dict[str, str]:
    """VADER's emoji → English description table (single code points only are used)."""
    table: dict[str, str] = {}
    for line in read_text("en", "emoji_utf8_lexicon.txt").rstrip("\n").split("\n"):
        emoji, description = line.strip().split("\t")[0:2]
        table[emoji] = description
    return table


def _entries(*parts: str) -> Iterator[tuple[str, float, str]]:
    for number, raw in enumerate(read_text(*parts).splitlines(), start=1):
        line = raw.split("#", 1)[0].strip() if not raw.lstrip().startswith("#") else ""
        if not line:
            continue
        fields = [f.strip() for f in line.split("\t") if f.strip()]
        if len(fields) < 2:
            raise ValueError(f"{'/'.join(parts)}:{number}: expected 'entry<TAB>valence[<TAB>class]'")
        yield fields[0], float(fields[1]), fields[2] if len(fields) > 2 else ""


def load_inflected_lexicon(language: str, *parts: str) -> dict[str, float]:
    """Read one of our lemma lexicons and expand its inflection classes."""
    generated: dict[str, float] = {}
    explicit: dict[str, float] = {}
    # A lemma listed twice takes its last line (the files correct general entries in
    # later sections: "seguro" the adjective, then "seguro" as the hedge it mostly is).
    lemmas: dict[str, tuple[float, str]] = {}
    for entry, valence, cls in _entries(*parts):
        entry = " ".join(fold(entry).split())
        if not cls:
            explicit[entry] = valence
        else:
            lemmas[entry] = (valence, cls)
    for entry, (valence, cls) in lemmas.items():
        for form, factor in inflect(entry, cls, language):
            generated.setdefault(form, _clamp(valence * factor))
    generated.update(explicit)
    return generated


def _clamp(value: float) -> float:
    return max(-_MAX_VALENCE, min(_MAX_VALENCE, round(value, 3)))


def inflect(lemma: str, cls: str, language: str) -> list[tuple[str, float]]:
    """Forms of `lemma` for inflection class `cls`, each with a valence factor."""
    kind, _, stem = cls.partition(":")
    if kind == "o":
        return _gendered(lemma, language)
    if kind in ("e", "n"):
        return [(lemma, 1.0)] + [(p, 1.0) for p in _plurals(lemma, language)]
    if kind == "v":
        forms = _verb_es(lemma, stem) if language == "es" else _verb_pt(lemma, stem)
        return [(f, 1.0) for f in dict.fromkeys(forms)]
    raise ValueError(f"unknown inflection class {cls!r} for {lemma!r}")


def _gendered(lemma: str, language: str) -> list[tuple[str, float]]:
    if not lemma.endswith("o"):
        return [(lemma, 1.0)] + [(p, 1.0) for p in _plurals(lemma, language)]
    stem = lemma[:-1]
    forms = [(stem + end, 1.0) for end in ("o", "a", "os", "as")]
    sup = stem
    if sup.endswith("c"):
        sup = sup[:-1] + "qu"
    elif sup.endswith("g"):
        sup = sup[:-1] + "gu"
    elif sup.endswith("z"):
        sup = sup[:-1] + "c"
    elif sup[-1:] in "aeiou":
        sup = sup[:-1]
    suffix = "isim" if language == "es" else "issim"
    forms += [(sup + suffix + end, 1.2) for end in ("o", "a", "os", "as")]
    # The diminutive keeps the adjective's polarity ("lindito", "feíto", "bonitinho").
    small = stem
    if small.endswith("c"):
        small = small[:-1] + "qu"
    elif small.endswith("g"):
        small = small[:-1] + "gu"
    diminutive = "it" if language == "es" else "inh"
    forms += [(small + diminutive + end, 1.0) for end in ("o", "a", "os", "as")]
    return forms


def _plurals(word: str, language: str) -> list[str]:
    if word.endswith("s") or " " in word:
        return []
    if word[-1] in "aeiou":
        return [word + "s"]
    if language == "es":
        if word.endswith("z"):
            return [word[:-1] + "ces"]
        return [word + "es"]
    if word.endswith("m"):
        return [word[:-1] + "ns"]
    if word.endswith(("al", "el", "ol", "ul")):
        return [word[:-1] + "is"]
    if word.endswith("il"):
        return [word[:-1] + "s", word[:-2] + "eis"]
    return [word + "es"]


_ES_ENDINGS = {
    "ar": "o as a amos an aste aron aba aban abas ado ada ados adas ando ara aran aria arian ar",
    "er": "o es e emos en i io ieron ia ian ias ido ida idos idas iendo iera ieran eria erian er",
    "ir": "o es e imos en i io ieron ia ian ias ido ida idos idas iendo iera ieran iria irian ir",
}
_ES_SUBJ = {"ar": "e es en emos", "er": "a as an amos", "ir": "a as an amos"}
# Present indicative and subjunctive endings that take the stressed (changed) stem.
_ES_STRESSED = {
    "ar": frozenset({"o", "as", "a", "an", "es", "en"}),
    "er": frozenset({"o", "es", "e", "en", "a", "as", "an"}),
    "ir": frozenset({"o", "es", "e", "en", "a", "as", "an"}),
}


def _soften(stem: str) -> str:
    """Spelling of an -ar stem before e: c → qu, g → gu, z → c."""
    if stem.endswith("c"):
        return stem[:-1] + "qu"
    if stem.endswith("g"):
        return stem[:-1] + "gu"
    if stem.endswith("z"):
        return stem[:-1] + "c"
    return stem


def _verb_es(infinitive: str, changed_stem: str) -> list[str]:
    ending = infinitive[-2:]
    if ending not in _ES_ENDINGS:
        return [infinitive]
    stem = infinitive[:-2]
    # A stem-changing verb's present forms stressed on the stem use the changed stem
    # only: "recomienda", "muere", never "recomenda", "more" ("mora", "mente", "hero"
    # would otherwise be generated, and many are other words).
    stressed = _ES_STRESSED[ending] if changed_stem else frozenset()
    forms = [stem + e for e in _ES_ENDINGS[ending].split() if e not in stressed]
    soft = _soften(stem) if ending == "ar" else stem
    if ending == "ar":
        forms.append(soft + "e")  # preterite 1st person (pagué)
    for e in _ES_SUBJ[ending].split():
        if e not in stressed:
            forms.append((soft if e[0] == "e" else stem) + e)
    if changed_stem:
        if ending == "ar":
            forms += [changed_stem + e for e in ("o", "as", "a", "an")]
            forms += [_soften(changed_stem) + e for e in ("e", "es", "en")]
        else:
            forms += [changed_stem + e for e in ("o", "es", "e", "en", "a", "as", "an")]
    return forms


_PT_ENDINGS = {
    "ar": "o a as am amos ei ou aram ava avam ado ada ados adas ando aria ariam ar arem",
    "er": "o e es em emos i eu eram ia iam ido ida idos idas endo a am eria eriam er",
    "ir": "o e es em imos i iu iram ia iam ido ida idos idas indo a am iria iriam ir",
}


def _verb_pt(infinitive: str, changed_stem: str) -> list[str]:
    ending = infinitive[-2:]
    if ending not in _PT_ENDINGS:
        return [infinitive]
    stem = infinitive[:-2]
    forms = [stem + e for e in _PT_ENDINGS[ending].split()]
    if ending == "ar":
        soft = _soften(stem) if not stem.endswith("z") else stem
        forms = [f if not f.startswith(stem + "ei") else soft + f[len(stem) :] for f in forms]
        forms += [soft + "e", soft + "em", soft + "es"]
    if changed_stem:
        forms += [changed_stem + e for e in ("o", "e", "es", "em", "a", "am")]
    return forms


def emoji_valences(descriptions: Mapping[str, str], english: Mapping[str, float]) -> dict[str, float]:
    """Valence of each single-code-point emoji: the sum of its English description's
    word valences in VADER's lexicon (what VADER adds for it), overridden by
    ``emoji_overrides.txt``."""
    valences: dict[str, float] = {}
    for emoji, description in descriptions.items():
        if len(emoji) != 1:
            continue
        total = sum(english.get(w.strip(".,:;!?()").lower(), 0.0) for w in description.split())
        if total:
            valences[emoji] = _clamp(total)
    for entry, valence, _ in _entries("emoji_overrides.txt"):
        valences[entry] = valence
    return valences
