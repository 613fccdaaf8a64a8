"""Per-language rule words, and building each language's `Rules` and `Tokenizer` once.

Word lists are folded (lower case, no accents) like the tokens they are compared with.
Lexicons live in `lexicons/`; see `lexicons/README.md` for their sources.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from socialmon.sentiment._engine import B_DECR, B_INCR, Rules
from socialmon.sentiment._lexicons import (
    emoji_valences,
    inflect,
    load_emoji_descriptions,
    load_inflected_lexicon,
    load_vader_lexicon,
)
from socialmon.sentiment._text import LAUGH_KEY, Tokenizer, is_laugh


def _words(text: str) -> frozenset[str]:
    """A set of words written as one whitespace-separated string."""
    return frozenset(text.split())


# --------------------------------------------------------------------------- English
# vaderSentiment 3.3.2's own lists, unchanged, so English scores are VADER's.

EN_NEGATE = frozenset(
    [
        "aint",
        "arent",
        "cannot",
        "cant",
        "couldnt",
        "darent",
        "didnt",
        "doesnt",
        "ain't",
        "aren't",
        "can't",
        "couldn't",
        "daren't",
        "didn't",
        "doesn't",
        "dont",
        "hadnt",
        "hasnt",
        "havent",
        "isnt",
        "mightnt",
        "mustnt",
        "neither",
        "don't",
        "hadn't",
        "hasn't",
        "haven't",
        "isn't",
        "mightn't",
        "mustn't",
        "neednt",
        "needn't",
        "never",
        "none",
        "nope",
        "nor",
        "not",
        "nothing",
        "nowhere",
        "oughtnt",
        "shant",
        "shouldnt",
        "uhuh",
        "wasnt",
        "werent",
        "oughtn't",
        "shan't",
        "shouldn't",
        "uh-uh",
        "wasn't",
        "weren't",
        "without",
        "wont",
        "wouldnt",
        "won't",
        "wouldn't",
        "rarely",
        "seldom",
        "despite",
    ]
)
_EN_INCR = """absolutely amazingly awfully completely considerable considerably decidedly deeply
    effing enormous enormously entirely especially exceptional exceptionally extreme extremely
    fabulously flipping flippin frackin fracking fricking frickin frigging friggin fully fuckin
    fucking fuggin fugging greatly hella highly hugely incredible incredibly intensely major
    majorly more most particularly purely quite really remarkably so substantially thoroughly
    total totally tremendous tremendously uber unbelievably unusually utter utterly very"""
_EN_DECR = """almost barely hardly less little marginal marginally occasional occasionally partly
    scarce scarcely slight slightly somewhat kinda kindof kind-of sorta sortof sort-of"""
EN_BOOSTERS = {
    **{w: B_INCR for w in _EN_INCR.split()},
    **{w: B_DECR for w in _EN_DECR.split()},
    "just enough": B_DECR,
    "kind of": B_DECR,
    "sort of": B_DECR,
}
EN_SPECIAL_CASES = {
    "the shit": 3,
    "the bomb": 3,
    "bad ass": 1.5,
    "badass": 1.5,
    "bus stop": 0.0,
    "yeah right": -2,
    "kiss of death": -1.5,
    "to die for": 3,
    "beating heart": 3.5,
}
# Frequent words that mark English (used to settle language ties).
EN_MARKERS = _words(
    """
    the and is are was were i you it this that of to in for with my your not but so be have
    has just what they we he she would could should will there their about very thanks thank
    love great good bad you're i'm it's don't can't been had did does doing our us them then
    than really because when where who which why how would got get going want know think
    from at by out up if some after now its his her him over into yet ever always down two
    one new can day time today tonight night week year still too much last next back made
    make see only any let way something everything nothing people first off home work need
    look looks these those never
    """
)

# --------------------------------------------------------------------------- Spanish

ES_NEGATORS = frozenset(
    [
        "no",
        "nunca",
        "jamas",
        "ni",
        "tampoco",
        "sin",
        "cero",  # "cero recomendable", "cero amables": a negator in speech, not a number
        "nada",
        "nadie",
        "ningun",
        "ninguno",
        "ninguna",
        "ningunos",
        "ningunas",
        "poco",
        "poca",
        "pocos",
        "pocas",
    ]
) | {"en absoluto", "para nada", "ni siquiera"}
_ES_INCR = """muy super demasiado demasiada demasiados demasiadas bastante bastantes tan tanto
    tanta mucho mucha muchos muchas muchisimo muchisima re requete recontra harto harta bien
    full mega hiper ultra extra totalmente completamente absolutamente realmente
    verdaderamente sumamente altamente extremadamente increiblemente especialmente
    particularmente terriblemente tremendamente profundamente enormemente infinitamente
    sinceramente seriamente mas tremendo tremenda"""
_ES_DECR = """algo medio casi apenas ligeramente levemente relativamente parcialmente menos
    poquito poquita"""
ES_BOOSTERS = {
    **{w: B_INCR for w in _ES_INCR.split()},
    **{w: B_DECR for w in _ES_DECR.split()},
    **{p: B_INCR for p in ("de verdad", "de lo mas", "lo mas", "un monton")},
    **{p: B_DECR for p in ("un poco", "un poquito", "un tanto", "mas o menos", "un poco mas", "mas bien")},
}
# "bien bonito", "re bueno": intensifiers before a sentiment word, sentiment words alone.
ES_DUAL_BOOSTERS = frozenset({"bien", "harto", "harta"})
ES_CONTRAST = frozenset({"pero", "sino", "sin embargo", "no obstante", "aun asi", "solo que", "but"})
ES_CONCESSIVE = frozenset({"aunque", "a pesar de", "pese a", "si bien"})
ES_TRANSPARENT = frozenset(
    [
        "me",
        "te",
        "se",
        "lo",
        "la",
        "le",
        "los",
        "las",
        "les",
        "nos",
        "os",
        "un",
        "una",
        "unos",
        "unas",
        "el",
        "mi",
        "mis",
        "tu",
        "tus",
        "su",
        "sus",
    ]
)
ES_ABBREVIATIONS = {
    "q": "que",
    "k": "que",
    "ke": "que",
    "xq": "porque",
    "pq": "porque",
    "porq": "porque",
    "xk": "porque",
    "pk": "porque",
    "x": "por",
    "tb": "tambien",
    "tmb": "tambien",
    "tbn": "tambien",
    "d": "de",
    "bn": "bien",
    "nd": "nada",
    "nunk": "nunca",
    "xfa": "por favor",
    "porfa": "por favor",
    "plis": "por favor",
    "pls": "por favor",
    "grax": "gracias",
    "grasias": "gracias",
    "gracis": "gracias",
    "grcs": "gracias",
    "bno": "bueno",
    "weno": "bueno",
    "wena": "buena",
    "wenas": "buenas",
    "wenisimo": "buenisimo",
    "toy": "estoy",
    "ta": "esta",
    "tas": "estas",
    "pa": "para",
    "pal": "para",
    "dnd": "donde",
    "vdd": "verdad",
    "mxo": "mucho",
    "muxo": "mucho",
    "mui": "muy",
    "mu": "muy",
    "salu2": "saludos",
    "exelente": "excelente",
    "exelentes": "excelentes",
    "excelnte": "excelente",
    "guey": "wey",
    "guevon": "huevon",
    "sta": "esta",
    "nomas": "nomas",
    "aki": "aqui",
    "tqm": "te quiero mucho",
    "tkm": "te quiero mucho",
    "ntp": "no te preocupes",
    "ptm": "ptm",
    "mrda": "mierda",
    "alv": "alv",
}
ES_MARKERS = _words(
    """
    el la los las del al y es son estoy pero muy mucho tambien con una lo le les su sus yo
    usted ustedes ese esa eso esto fue fueron hay ya cuando donde gracias bueno buena
    siempre hoy aqui asi gusta gusto quiero quiere tiene tienen tengo puede pueden ni sin
    bien ella ellos nosotros mejor peor pues entonces ahora hasta nada nadie porque dia
    hacer hace hizo mismo otra otro unos unas estan estaba estuvo sigue parecio solo mas tu
    tus vez ayer senor senora chido neta wey alguien todavia despues vamos voy vas van
    muchas muchos nunca tampoco algo cual soy eres tan necesito puedo mis siento veo hola
    hecho cosas trabajo mientras aca nueva nuevo luego noche aun esos esas nuestro nuestra
    ellas mucha manana creo dijo cuanto tenemos contigo conmigo
    """
)

# Lukewarm verdicts, the words of a 3-star review (see `Rules.tepid`).
ES_TEPID = frozenset(
    [
        *(w + end for w in ("normal", "aceptable", "pasable", "regular") for end in ("", "es")),
        *(w + end for w in ("normalit", "regularcit", "justit", "correct") for end in ("o", "a", "os", "as")),
        "sin mas",
        "nada del otro mundo",
        "nada especial",
        "nada de especial",
        "del monton",
        "ni fu ni fa",
    ]
)

# --------------------------------------------------------------------------- Portuguese

PT_NEGATORS = frozenset(
    [
        "nao",
        "nunca",
        "jamais",
        "nem",
        "sem",
        "zero",  # "zero recomendo", "nota zero"
        "nada",
        "ninguem",
        "nenhum",
        "nenhuma",
        "tampouco",
        "pouco",
        "pouca",
        "poucos",
        "poucas",
        "sequer",  # "sequer respondem": "not even", as "nem sequer"
    ]
) | {"de jeito nenhum", "de forma alguma", "nem um pouco", "nem sequer"}
_PT_INCR = """muito muita muitos muitas muitissimo bem super demais tao tanto tanta bastante
    totalmente completamente absolutamente realmente extremamente altamente incrivelmente
    especialmente particularmente terrivelmente tremendamente profundamente enormemente
    mega hiper ultra mais mo puta baita sumamente verdadeiramente"""
_PT_DECR = """meio quase apenas ligeiramente levemente relativamente parcialmente menos
    pouquinho meio que"""
PT_BOOSTERS = {
    **{w: B_INCR for w in _PT_INCR.split()},
    **{w: B_DECR for w in _PT_DECR.split()},
    **{p: B_INCR for p in ("pra caramba", "pra caralho", "pra cacete", "de verdade", "pra valer")},
    **{p: B_DECR for p in ("um pouco", "um pouquinho", "um tanto", "mais ou menos", "meio que")},
}
PT_DUAL_BOOSTERS = frozenset({"bem"})
PT_CONTRAST = frozenset({"mas", "porem", "contudo", "entretanto", "no entanto", "todavia", "so que", "but"})
PT_CONCESSIVE = frozenset({"embora", "apesar de", "apesar", "mesmo que", "ainda que"})
PT_TRANSPARENT = frozenset(
    [
        "me",
        "te",
        "se",
        "o",
        "a",
        "os",
        "as",
        "lhe",
        "lhes",
        "nos",
        "um",
        "uma",
        "uns",
        "umas",
        "meu",
        "minha",
        "seu",
        "sua",
        "teu",
        "tua",
    ]
)
PT_ABBREVIATIONS = {
    "n": "nao",
    "ñ": "nao",
    "naum": "nao",
    "num": "nao",
    "nn": "nao",
    "vc": "voce",
    "vcs": "voces",
    "ce": "voce",
    "q": "que",
    "ki": "que",
    "pq": "porque",
    "pk": "porque",
    "tb": "tambem",
    "tbm": "tambem",
    "tmb": "tambem",
    "mt": "muito",
    "mto": "muito",
    "mtu": "muito",
    "mta": "muita",
    "mts": "muitos",
    "mtas": "muitas",
    "mt0": "muito",
    "td": "tudo",
    "tds": "todos",
    "nd": "nada",
    "blz": "beleza",
    "vlw": "valeu",
    "obg": "obrigado",
    "obgd": "obrigado",
    "obgda": "obrigada",
    "brigado": "obrigado",
    "brigada": "obrigada",
    "msm": "mesmo",
    "cmg": "comigo",
    "hj": "hoje",
    "dps": "depois",
    "pfv": "por favor",
    "pfvr": "por favor",
    "pf": "por favor",
    "qnd": "quando",
    "qdo": "quando",
    "tá": "esta",
    "ta": "esta",
    "to": "estou",
    "tô": "estou",
    "pra": "para",
    "pro": "para",
    "agr": "agora",
    "sdds": "saudades",
    "sdd": "saudade",
    "tmj": "tamo junto",
    "mds": "meu deus",
    "krl": "caralho",
    "crl": "caralho",
    "kct": "cacete",
    "vtnc": "vtnc",
    "vsf": "vsf",
    "kk": LAUGH_KEY,
    "exelente": "excelente",
    "exelentes": "excelentes",
}
PT_TEPID = frozenset(
    [
        "normal",
        "normais",
        "razoavel",
        "razoaveis",
        "regular",
        "regulares",
        *("median" + end for end in ("o", "a", "os", "as")),
        "nada demais",
        "nada de mais",
        "nada especial",
        "nada de especial",
        "ok",
        *("basic" + end for end in ("o", "a", "os", "as")),
        "meia boca",
        "pelo preco",
        "pelo valor",
        "aceitavel",
        "aceitaveis",
        "unico problema",
        "unico defeito",
        "unica coisa",
        "ponto negativo",
        "pena que",
        # A plain "good" beside a complaint is a middling verdict (unlike "ótimo", "excelente").
        "bom",
        "boa",
        "bons",
        "boas",
    ]
)
# Irrealis markers (see `Rules.irrealis`): what a product should, could or was expected to be.
PT_IRREALIS = frozenset(
    [
        # conditional and imperfect of dever/poder: "deveria", "podiam"
        *(stem + end for stem in ("dever", "poder", "dev", "pod") for end in ("ia", "iam")),
        "seria",
        "seriam",
        "fosse",
        "fossem",
        "esperava",
        "esperavam",
        "esperavamos",
        "imaginava",
        "imaginei",
        "gostaria",
        "queria",
        "pensei",
        "acreditava",
        "achei que",
    ]
)
PT_MARKERS = _words(
    """
    o os do da dos das na nas nao e em um uma com muito muita voce eu isso isto mas tambem
    pra ta ne ele ela eles ao sem bem tudo sempre hoje aqui assim obrigado obrigada melhor
    pior entao agora ate quando onde meu minha seu sua ja so mesmo ainda foi tem tenho fazer
    vai vou gente essa esse nossa cara demais voces estou coisa ficou fica continua alguem
    nunca nenhum depois tambem vamos voltar pode posso fez tinha muitos muitas aquele aquela
    quero mais desse dessa sou vem pela quem sao ou pessoas essas esses ontem acho olha
    fiquei nesse nessa ficar faz tao coisas pessoa algum alguma dele dela fazendo estava
    qual nem mim comigo tava
    """
)


@dataclass(frozen=True)
class Language:
    """Rules plus the tokenizer for one language (English has no tokenizer: it keeps VADER's)."""

    rules: Rules
    tokenizer: Tokenizer | None
    markers: frozenset[str]
    # Every (folded) word the language's lists know: for language identification.
    vocabulary: frozenset[str]


@cache
def english() -> Language:
    lexicon = load_vader_lexicon("en", "vader_lexicon.txt")
    rules = Rules(
        language="en",
        lexicon=lexicon,
        boosters=EN_BOOSTERS,
        negators=EN_NEGATE,
        special_cases=EN_SPECIAL_CASES,
        idiom_words=frozenset(
            w for phrase in (*EN_SPECIAL_CASES, *EN_BOOSTERS) if " " in phrase for w in phrase.split()
        ),
        neutral_band=0.05,
    )
    words = {w for entry in (*lexicon, *EN_BOOSTERS, *EN_NEGATE, *EN_MARKERS) for w in entry.split()}
    return Language(rules, None, EN_MARKERS, frozenset(words))


@cache
def emoji_descriptions() -> dict[str, str]:
    return load_emoji_descriptions()


@cache
def _shared_lexicon() -> dict[str, float]:
    """Emoji, emoticons (lower-cased) and English loanwords, scored alike in es and pt."""
    english_lexicon = english().rules.lexicon
    shared = {
        k.lower(): v
        for k, v in english_lexicon.items()
        if not any(c.isalpha() for c in k) or k.lower() in ("xd", "xp", ":d", ":p", "<3")
    }
    shared.update((w, english_lexicon[w]) for w in ENGLISH_LOANWORDS if w in english_lexicon)
    shared.update(emoji_valences(emoji_descriptions(), english_lexicon))
    return shared


# English words common in Spanish and Portuguese comments; only words that are not
# also Spanish or Portuguese words ("sin", "red", "fin", "pena" are left out).
ENGLISH_LOANWORDS = _words(
    """
    love lovely happy cool nice cute best good bad sad hate fail wow omg lol lmao wtf sorry
    awesome amazing perfect thanks thank fuck fucking shit sucks crap yay great fun funny
    boring annoying hell damn ugly beautiful sexy win winner loser epic haha hahaha
    """
)


@dataclass(frozen=True)
class _Spec:
    code: str
    boosters: dict[str, float]
    negators: frozenset[str]
    contrast: frozenset[str]
    concessive: frozenset[str]
    transparent: frozenset[str]
    abbreviations: dict[str, str]
    markers: frozenset[str]
    dual_boosters: frozenset[str]
    neutral_band: float = 0.05
    positive_band: float | None = None
    bare_negation: float = -0.9
    quiet_negators: frozenset[str] = frozenset()
    # A negated negative word is a weak positive ("no está mal" is not "bueno"), as in
    # SO-CAL's shifted negation, rather than VADER's symmetric ×-0.74.
    negated_negative: float = -0.4
    laugh: float = 0.8
    discourse_markers: frozenset[str] = frozenset()
    tepid: frozenset[str] = frozenset()
    # The mixed-opinion rule (`Rules.mixed_share`, tuned on the dev sets only).
    mixed_share: float = 0.0
    mixed_floor: float = 0.0
    mixed_mass: float = 0.0
    mixed_compound: float = 1.0
    irrealis: frozenset[str] = frozenset()
    irrealis_positive: float = 0.0
    irrealis_negative: float = 0.0
    contrast_cue: float = 0.0


def _build(spec: _Spec, lexicon: dict[str, float]) -> Language:
    lexicon = {**_shared_lexicon(), **lexicon}
    # Every spelling of laughter ("haha", "hahaha" from the source lexicons, "kk") is
    # one cue with one valence, whatever the lexicons say about single spellings.
    for word in [w for w in lexicon if is_laugh(w) or spec.abbreviations.get(w) == LAUGH_KEY]:
        del lexicon[word]
    lexicon[LAUGH_KEY] = spec.laugh
    dual = frozenset(w for w in spec.dual_boosters if lexicon.get(w, 0.0))
    rule_words = (*spec.boosters, *spec.negators, *spec.contrast, *spec.concessive, *spec.transparent)
    for word in rule_words:
        if word not in dual:
            lexicon.pop(word, None)  # rule words are not sentiment words
    phrases = [e for e in (*lexicon, *rule_words, *spec.irrealis) if " " in e]
    for word in [w for w, v in lexicon.items() if v == 0.0]:
        del lexicon[word]  # a zero entry neutralises a source entry or a phrase ("a lo mejor")
    rules = Rules(
        language=spec.code,
        lexicon=lexicon,
        boosters=spec.boosters,
        negators=spec.negators,
        contrast=spec.contrast,
        concessive=spec.concessive,
        transparent=spec.transparent,
        dual_boosters=dual,
        discourse_markers=spec.discourse_markers,
        bare_negation=spec.bare_negation,
        quiet_negators=spec.quiet_negators,
        negated_negative=spec.negated_negative,
        neutral_band=spec.neutral_band,
        positive_band=spec.positive_band,
        tepid=spec.tepid,
        mixed_share=spec.mixed_share,
        mixed_floor=spec.mixed_floor,
        mixed_mass=spec.mixed_mass,
        mixed_compound=spec.mixed_compound,
        self_negated=frozenset(w for w in lexicon if " " in w and w.split()[0] in spec.negators),
        irrealis=spec.irrealis,
        irrealis_positive=spec.irrealis_positive,
        irrealis_negative=spec.irrealis_negative,
        contrast_cue=spec.contrast_cue,
        # Laughter stays in scope: after a negation it mostly laughs at a misfortune
        # ("nadie me quiere jajaja"), which the negated cue reads as it is.
        unnegated=frozenset(w for w in lexicon if not w[0].isalnum() and w != LAUGH_KEY),
    )
    vocabulary = {*lexicon, *rule_words, *spec.markers}
    shared = _shared_lexicon()
    known = {w for entry in vocabulary for w in entry.split()}
    tokenizer = Tokenizer(
        known=known,
        abbreviations=spec.abbreviations,
        phrases=phrases,
        emoticons=[e for e in shared if not e.isalnum()],
        emoji=[e for e in shared if len(e) == 1 and not e.isascii()],
    )
    return Language(rules, tokenizer, spec.markers, frozenset(known | set(spec.abbreviations)))


SPANISH = _Spec(
    code="es",
    boosters=ES_BOOSTERS,
    negators=ES_NEGATORS,
    contrast=ES_CONTRAST,
    concessive=ES_CONCESSIVE,
    transparent=ES_TRANSPARENT,
    abbreviations=ES_ABBREVIATIONS,
    markers=ES_MARKERS,
    dual_boosters=ES_DUAL_BOOSTERS,
    # Greetings too: "Buenas tardes, llevo dos horas esperando" opens with one, whatever follows.
    discourse_markers=frozenset(
        {"bueno", "bien", "mejor", "vale", "ok", "okey", "listo", "claro"}
        | {"hola", "buenas", "buenos dias", "buen dia", "buenas tardes", "buenas noches"}
    ),
    # "jajaja" in Spanish comments marks mockery about as often as amusement: a weak cue.
    laugh=0.5,
    tepid=ES_TEPID,
    quiet_negators=frozenset({"sin", "cero"}),  # "sin gluten", "gaseosa cero azúcar"
    mixed_share=0.3,
    mixed_floor=0.08,
    mixed_mass=4.0,
    mixed_compound=0.4,
)
PORTUGUESE = _Spec(
    code="pt",
    boosters=PT_BOOSTERS,
    negators=PT_NEGATORS,
    contrast=PT_CONTRAST,
    concessive=PT_CONCESSIVE,
    transparent=PT_TRANSPARENT,
    abbreviations=PT_ABBREVIATIONS,
    markers=PT_MARKERS,
    dual_boosters=PT_DUAL_BOOSTERS,
    discourse_markers=frozenset(
        {"bom", "bem", "enfim", "ok", "beleza", "claro", "certo"}
        | {"ola", "oi", "bom dia", "boa tarde", "boa noite"}
    ),
    tepid=PT_TEPID,
    quiet_negators=frozenset({"sem", "zero"}),  # "sem lactose", "coca zero"
    irrealis=PT_IRREALIS,
    contrast_cue=1.0,
    # Tuned on the pt dev sets (reviews and TweetSentBR), checked on both halves of each.
    positive_band=0.1,
    mixed_share=0.3,
    mixed_floor=0.1,
    mixed_mass=3.5,
    mixed_compound=0.6,
)


@cache
def spanish() -> Language:
    return _build(SPANISH, load_inflected_lexicon("es", "es", "lexicon.txt"))


@cache
def portuguese() -> Language:
    # LeIA's multiword entries are mostly literal translations of English comparatives
    # ("mais caro" for "pricier") with inconsistent values; our rules compose those.
    # Its single words are lemmas as often as not, so gender/number of -o adjectives
    # and the common verb forms of infinitives are generated (never overriding an entry).
    leia = {k: v for k, v in load_vader_lexicon("pt", "leia_lexicon.txt").items() if " " not in k}
    generated: dict[str, float] = {}
    for word, valence in leia.items():
        if word.endswith(("ar", "er", "ir")) and len(word) > 4:
            forms = inflect(word, "v", "pt")
        elif word.endswith(("ado", "ido", "oso", "ivo", "ento", "ico", "vel")):
            forms = inflect(word, "o", "pt")
        else:
            continue
        for form, factor in forms:
            if form not in leia:
                generated.setdefault(form, round(valence * min(factor, 1.0), 3))
    lexicon = {**generated, **leia, **load_inflected_lexicon("pt", "pt", "lexicon_extra.txt")}
    return _build(PORTUGUESE, lexicon)


def by_code(code: str) -> Language:
    """The `Language` for "en", "es" or "pt"."""
    return {"en": english, "es": spanish, "pt": portuguese}[code]()
