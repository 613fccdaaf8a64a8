"""An alert in words, in the brand's language (English, Spanish or Brazilian Portuguese, like the reports).

Numbers, shares, durations and dates are formatted by the reports' `Lang` (Babel), so an
alert reads like the brand's report: "45 %" and "3,8×" in Spanish, "45%" and "3.8×" in English,
"1.234" and "3,8×" in Portuguese.

An alert quotes customers, authors and platforms: its words carry no control character,
escape sequence or bidi override (`terminal_text`), whatever reads them (a terminal, a mail
client, a chat).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from babel.dates import format_date, format_time

from socialmon.alerts.findings import (
    CONNECTOR_TROUBLE,
    DIGEST,
    HEATING_UP,
    NEGATIVE_SPIKE,
    REPLY_WINDOW,
    WAITING,
    WATCH_LIST,
)
from socialmon.render._safe_text import terminal_text
from socialmon.render.i18n import Lang
from socialmon.render.shorten import shorten

if TYPE_CHECKING:
    from socialmon.config import BrandConfig

STRINGS: dict[str, tuple[str, str]] = {
    # key: (English, Spanish)
    "spike_title": (
        "Negative comments are spiking: {observed} in the last {window} (usually {baseline})",
        "Pico de comentarios negativos: {observed} en las últimas {window} (lo habitual: {baseline})",
    ),
    "spike_share": (
        "{negative} of {comments} comments negative",
        "{negative} de {comments} comentarios negativos",
    ),
    "spike_stat": (
        "{factor} the usual level, {z} standard deviations above it (fires above {k} standard "
        "deviations over the previous {days} days)",
        "{factor} el nivel habitual, {z} desviaciones estándar por encima (se avisa a partir de {k} "
        "desviaciones estándar sobre los {days} días anteriores)",
    ),
    "waiting_title": (
        "Waiting {waited} for a reply (promised: {sla}): {author} on {channel}",
        "Espera respuesta desde hace {waited} (plazo: {sla}): {author} en {channel}",
    ),
    "waiting_business": ("counted in business hours", "contado en horario de atención"),
    "watch_title": (
        "Watch-list word {terms}: {author} on {channel}",
        "Palabra vigilada {terms}: {author} en {channel}",
    ),
    "heating_comment_title": (
        "A negative comment is heating up: {engagement} likes and replies ({rate} per hour) on {channel}",
        "Un comentario negativo gana interacción rápidamente: {engagement} me gusta y respuestas "
        "({rate} por hora) en {channel}",
    ),
    "heating_post_title": (
        "A post is drawing negative comments: {negative} in the last {window} on {channel}",
        "Una publicación atrae comentarios negativos: {negative} en las últimas {window} en {channel}",
    ),
    "window_title": (
        "Reply window closes in {left}: {author} on {channel}",
        "El plazo para responder cierra en {left}: {author} en {channel}",
    ),
    "window_closes": (
        "{platform} allows a private reply until {when}",
        "{platform} permite responder en privado hasta el {when}",
    ),
    "failing_title": (
        "{channel} failed its last {failures} scans",
        "{channel} falló en sus últimos {failures} escaneos",
    ),
    "auth_title": (
        "{channel} cannot sign in: renew its access token",
        "{channel} no puede iniciar sesión: renueve su token de acceso",
    ),
    "token_title": (
        "The access token of {channel} expires {when}",
        "El token de acceso de {channel} vence el {when}",
    ),
    "waiting_group": (
        "{count} comments have waited longer than {sla} for a reply (written {day})",
        "{count} comentarios esperan respuesta desde hace más de {sla} (escritos el {day})",
    ),
    "watch_group": (
        "Watch-list words {terms} in {count} comments (written {day})",
        "Palabras vigiladas {terms} en {count} comentarios (escritos el {day})",
    ),
    "heating_group": (
        "{count} negative comments are heating up (written {day})",
        "{count} comentarios negativos ganan interacción rápidamente (escritos el {day})",
    ),
    "window_group": (
        "Reply window closing for {count} comments: the first closes {when}",
        "El plazo para responder vence para {count} comentarios: el primero, el {when}",
    ),
    "digest_one": (
        "…and 1 more alert this run ({rules})",
        "…y 1 alerta más en esta ejecución ({rules})",
    ),
    "digest_many": (
        "…and {count} more alerts this run ({rules})",
        "…y {count} alertas más en esta ejecución ({rules})",
    ),
    "update": ("Update: {title}", "Actualización: {title}"),
    "group_negative": ("{negative} of the {count} negative", "{negative} de los {count}, negativos"),
    "group_worst": ("The worst {shown} of {count}:", "Los {shown} peores de {count}:"),
    "full_list": ("Full list", "Lista completa"),
    "alert_reference": ("alert #{id}", "alerta n.º {id}"),
    "waited": ("waiting {waited}", "espera desde hace {waited}"),
    "closes": ("closes {when}", "vence el {when}"),
    "engagement": ("{engagement} likes and replies", "{engagement} me gusta y respuestas"),
    "on_channel": ("{author} on {channel}", "{author} en {channel}"),
    "someone": ("someone", "alguien"),
    "comment": ("Comment", "Comentario"),
    "post": ("Post", "Publicación"),
    "written": ("Written", "Escrito"),
    "error": ("Last error", "Último error"),
    "rejected_rows": (
        "`socialmon scan --channel {channel}` lists the rejected rows",
        "`socialmon scan --channel {channel}` muestra las filas rechazadas",
    ),
    "open": ("Open", "Abrir"),
    "brand": ("Brand", "Marca"),
    "severity_info": ("info", "aviso"),
    "severity_warning": ("warning", "advertencia"),
    "severity_critical": ("critical", "crítica"),  # la alerta: as the CLI says it
    "subject_one": ("[socialmon] {brand}: {title}", "[socialmon] {brand}: {title}"),
    "subject_many": ("[socialmon] {brand}: {count} alerts", "[socialmon] {brand}: {count} alertas"),
    "intro_one": (
        "socialmon found 1 thing that needs you at {brand}.",
        "socialmon encontró 1 asunto que requiere su atención en {brand}.",
    ),
    "intro_many": (
        "socialmon found {count} things that need you at {brand}.",
        "socialmon encontró {count} asuntos que requieren su atención en {brand}.",
    ),
    "more_one": (
        "…and 1 more alert ({rules}). `socialmon alerts` lists every open alert.",
        "…y 1 alerta más ({rules}). `socialmon alerts` muestra todas las alertas abiertas.",
    ),
    "more_many": (
        "…and {count} more alerts ({rules}). `socialmon alerts` lists every open alert.",
        "…y {count} alertas más ({rules}). `socialmon alerts` muestra todas las alertas abiertas.",
    ),
    f"rule_{NEGATIVE_SPIKE}": ("negative spike", "pico de comentarios negativos"),
    f"rule_{WAITING}": ("waiting for a reply", "espera de respuesta"),
    f"rule_{WATCH_LIST}": ("watch-list word", "palabra vigilada"),
    f"rule_{HEATING_UP}": ("heating up", "interacción en aumento"),
    f"rule_{REPLY_WINDOW}": ("reply window closing", "plazo para responder por vencer"),
    f"rule_{CONNECTOR_TROUBLE}": ("channel trouble", "problema con un canal"),
    f"rule_{DIGEST}": ("digest", "resumen"),
    "footer": (
        "See every open alert with `socialmon alerts`; acknowledge one with `socialmon alerts ack ID`.",
        "Vea las alertas abiertas con `socialmon alerts`; marque una como vista con `socialmon alerts ack ID`.",
    ),
    # A chat's line under each alert (Slack's context, Discord's footer). English names the rule as
    # the configuration spells it ("#3 · waiting"); a translation names it in its words.
    "chat_reference": ("#{id} · {rule_id}", "alerta n.º {id} · {rule}"),
    # A count of one, as a language says one thing ("failed its last scan", not "its last 1 scans"):
    # `say_counted` takes `<key>_one` for one where it is (Portuguese has its own).
    "heating_comment_title_one": (
        "A negative comment is heating up: 1 like or reply ({rate} per hour) on {channel}",
        "Un comentario negativo gana interacción rápidamente: 1 me gusta o respuesta ({rate} por hora) "
        "en {channel}",
    ),
    "failing_title_one": ("{channel} failed its last scan", "{channel} falló en su último escaneo"),
    "group_worst_one": ("The worst (1 of {count}):", "El peor (1 de {count}):"),
    "engagement_one": ("1 like or reply", "1 me gusta o respuesta"),
}

# Brazilian Portuguese, in the words of the reports' (`render.i18n.PORTUGUESE`: "coleta", "prazo",
# "feitos em", "curtidas"). Every key of STRINGS, and a `<key>_one` where a count of one would read
# "1 coletas" (`say_counted`). Where a name decides an agreement the English and Spanish leave open,
# the sentence is turned so that none is needed ("Negativos: 1 de 3", "no canal {channel}", "da
# marca {brand}": a brand or a channel has no known gender). A moment inside a sentence is "01/12/2026
# às 09:00" (`_when`); terms are listed with "e" ("mencionou “golpe” e “fraude”"), or "ou" for
# a group of comments, each of which mentions one of them at least (`_terms`).
PORTUGUESE: dict[str, str] = {
    "spike_title": "Pico de comentários negativos: {observed} em {window} (o normal é {baseline})",
    "spike_share": "Comentários negativos: {negative} de {comments}",
    "spike_stat": (
        "{factor} o nível normal, {z} desvios-padrão acima dele (o alerta dispara acima de {k} "
        "desvios-padrão em relação aos {days} dias anteriores)"
    ),
    "waiting_title": "Aguardando resposta há {waited} (prazo: {sla}): {author} no canal {channel}",
    "waiting_business": "Tempo contado em horário de atendimento",
    "watch_title": "Palavra monitorada: {author} mencionou {terms} no canal {channel}",
    "heating_comment_title": (
        "Um comentário negativo está ganhando repercussão: {engagement} curtidas e respostas "
        "({rate} por hora) no canal {channel}"
    ),
    "heating_comment_title_one": (
        "Um comentário negativo está ganhando repercussão: 1 curtida ou resposta ({rate} por hora) "
        "no canal {channel}"
    ),
    "heating_post_title": (
        "Uma publicação está atraindo comentários negativos: {negative} em {window} no canal {channel}"
    ),
    "window_title": "O prazo para responder termina daqui a {left}: {author} no canal {channel}",
    "window_closes": "O {platform} permite responder por mensagem privada até {when}",
    "failing_title": "As últimas {failures} coletas do canal {channel} falharam",
    "failing_title_one": "A última coleta do canal {channel} falhou",
    "auth_title": "O canal {channel} não consegue se conectar: renove o token de acesso",
    "token_title": "O token de acesso do canal {channel} expira em {when}",
    "waiting_group": "{count} comentários aguardam resposta há mais de {sla} (feitos em {day})",
    "watch_group": "Palavra monitorada: {count} comentários mencionam {terms} (feitos em {day})",
    "heating_group": "{count} comentários negativos estão ganhando repercussão (feitos em {day})",
    "window_group": (
        "O prazo para responder a {count} comentários está acabando: o primeiro termina em {when}"
    ),
    "digest_one": "…e mais 1 alerta nesta execução ({rules})",
    "digest_many": "…e mais {count} alertas nesta execução ({rules})",
    "update": "Atualização: {title}",
    "group_negative": "Negativos: {negative} de {count}",
    "group_worst": "Os piores ({shown} de {count}):",
    "group_worst_one": "O pior (1 de {count}):",
    "full_list": "Lista completa",
    "alert_reference": "alerta nº {id}",
    "waited": "aguardando resposta há {waited}",
    "closes": "prazo até {when}",
    "engagement": "{engagement} curtidas e respostas",
    "engagement_one": "1 curtida ou resposta",
    "on_channel": "{author} no canal {channel}",
    "someone": "alguém",
    "comment": "Comentário",
    "post": "Publicação",
    "written": "Data",
    "error": "Último erro",
    "rejected_rows": "`socialmon scan --channel {channel}` mostra as linhas rejeitadas",
    "open": "Abrir",
    "brand": "Marca",
    "severity_info": "informação",
    "severity_warning": "atenção",
    "severity_critical": "crítico",  # o alerta
    "subject_one": "[socialmon] {brand}: {title}",
    "subject_many": "[socialmon] {brand}: {count} alertas",
    "intro_one": "O socialmon encontrou 1 assunto da marca {brand} que precisa da sua atenção.",
    "intro_many": "O socialmon encontrou {count} assuntos da marca {brand} que precisam da sua atenção.",
    "more_one": "…e mais 1 alerta ({rules}). `socialmon alerts` lista todos os alertas em aberto.",
    "more_many": "…e mais {count} alertas ({rules}). `socialmon alerts` lista todos os alertas em aberto.",
    f"rule_{NEGATIVE_SPIKE}": "pico de comentários negativos",
    f"rule_{WAITING}": "aguardando resposta",
    f"rule_{WATCH_LIST}": "palavra monitorada",
    f"rule_{HEATING_UP}": "repercussão em alta",
    f"rule_{REPLY_WINDOW}": "prazo para responder acabando",
    f"rule_{CONNECTOR_TROUBLE}": "problema em um canal",
    f"rule_{DIGEST}": "resumo",
    "footer": (
        "Veja todos os alertas em aberto com `socialmon alerts`; marque um como visto com "
        "`socialmon alerts ack ID`."
    ),
    "chat_reference": "alerta nº {id} · {rule}",
}


WORDED = ("en", "es", "pt")  # the languages the alerts are worded in (`STRINGS`, `PORTUGUESE`)


def alert_lang(brand: BrandConfig) -> Lang:
    """The `Lang` of a brand's alerts, as of its reports: its language, its holiday country's
    numbers and dates (Brazil's for Portuguese without one), its time zone; English throughout
    for a language they are not worded in."""
    if brand.language not in WORDED:
        return Lang("en", None, brand.timezone)
    holidays = brand.business_hours.holidays if brand.business_hours else None
    return Lang(brand.language, holidays, brand.timezone)


def say(lang: Lang, key: str, **values: object) -> str:
    if lang.language == "pt":
        text = PORTUGUESE[key]
    else:
        english, spanish = STRINGS[key]
        text = spanish if lang.language == "es" else english
    return text.format(**values) if values else text


def say_counted(lang: Lang, key: str, how_many: int, /, **values: object) -> str:
    """`key` said of `how_many` things: for one, the language's `<key>_one` where it has one
    ("A última coleta … falhou", "failed its last scan", not "its last 1 scans")."""
    one = f"{key}_one"
    if how_many == 1 and one in (PORTUGUESE if lang.language == "pt" else STRINGS):
        key = one
    return say(lang, key, **values)


def intro(lang: Lang, count: int, brand: str) -> str:
    """The first line of a message: how many things need the owner, with the right plural."""
    if count == 1:
        return say(lang, "intro_one", brand=brand)
    return say(lang, "intro_many", count=lang.number(count), brand=brand)


@dataclass(frozen=True)
class Batch:
    """What one message carries: alerts worded in full (most severe first), and the rules of the
    alerts it only sums up (a person's message details a few and counts the rest)."""

    shown: list[AlertText]
    hidden: list[str]

    @property
    def count(self) -> int:
        """How many alerts the message stands for: a digest counts as the alerts it holds."""
        return sum(alert.count for alert in self.shown) + len(self.hidden)


def held_rules(rule: str, facts: dict[str, Any]) -> list[str]:
    """The rules of the alerts an alert stands for: a digest's own alerts, by their rules
    (`{"waiting": 4, "heating-up": 1}`), any other alert its own rule."""
    if rule != DIGEST:
        return [rule]
    return [held for held, count in (facts.get("rules") or {}).items() for _ in range(int(count))]


@dataclass(frozen=True)
class Summary:
    """The line that stands for the alerts a message does not show one by one."""

    count: int
    text: str


def summarise(lang: Lang, rules: list[str]) -> Summary | None:
    """How many alerts a message leaves out, and of which rules; None when it shows them all."""
    if not rules:
        return None
    counts = Counter(rules)
    parts = ", ".join(f"{say(lang, f'rule_{rule}')}: {lang.number(n)}" for rule, n in counts.most_common())
    if len(rules) == 1:
        return Summary(1, say(lang, "more_one", rules=parts))
    return Summary(len(rules), say(lang, "more_many", count=lang.number(len(rules)), rules=parts))


@dataclass(frozen=True)
class Quoted:
    """One comment of a group alert, as a message lists it: who and where, what it says, a link."""

    who: str
    note: str
    text: str
    url: str | None


@dataclass(frozen=True)
class AlertText:
    """One alert worded for a person: a title, detail lines (label, value), a quote and a link;
    a group alert also lists its worst comments (`comments`)."""

    id: int
    rule: str
    severity: str
    severity_word: str
    title: str
    lines: list[tuple[str, str]]
    quote: str | None
    url: str | None
    created_at: datetime
    comments: list[Quoted] = field(default_factory=list)
    reference: str = ""  # "alert #9", "alerta n.º 9": how the e-mail names it
    rules: list[str] = field(default_factory=list)  # of the alerts it stands for (`held_rules`)

    @property
    def count(self) -> int:
        """How many alerts it stands for: a digest, those it holds; any other, itself."""
        return len(self.rules) if self.rules else 1


def is_group(facts: dict[str, Any]) -> bool:
    return "comment_ids" in facts


def _single(facts: dict[str, Any]) -> dict[str, Any] | None:
    """A group of one comment reads like an alert about that comment."""
    if is_group(facts) and facts.get("count") == 1 and facts.get("comments"):
        return {**facts, **facts["comments"][0]}
    return None


def title(rule: str, facts: dict[str, Any], lang: Lang) -> str:
    text = _title(rule, facts, lang)
    if not facts.get("update"):
        return text
    if lang.language == "pt":  # after a colon, a common word starts in lower case in Portuguese
        text = text[:1].lower() + text[1:]
    return say(lang, "update", title=text)


def _title(rule: str, facts: dict[str, Any], lang: Lang) -> str:
    if rule == DIGEST:
        parts = _rule_counts(lang, facts.get("rules") or {})
        if facts.get("count") == 1:
            return say(lang, "digest_one", rules=parts)
        return say(lang, "digest_many", count=lang.number(facts.get("count", 0)), rules=parts)
    single = _single(facts)
    if single is not None:
        facts = single
    elif is_group(facts):
        return _group_title(rule, facts, lang)
    author = facts.get("author") or say(lang, "someone")
    channel = facts.get("channel", "")
    if rule == NEGATIVE_SPIKE:
        return say(
            lang,
            "spike_title",
            observed=_figure(lang, facts, "observed"),
            window=_duration(lang, facts["window_minutes"]),
            baseline=_figure(lang, facts, "baseline"),
        )
    if rule == WAITING:
        return say(
            lang,
            "waiting_title",
            waited=_duration(lang, facts["waited_minutes"]),
            sla=_duration(lang, facts["sla_minutes"]),
            author=author,
            channel=channel,
        )
    if rule == WATCH_LIST:
        return say(
            lang, "watch_title", terms=_terms(lang, facts["terms"], "e"), author=author, channel=channel
        )
    if rule == HEATING_UP and "likes" in facts:
        engagement = facts["likes"] + facts["replies"]
        return say_counted(
            lang,
            "heating_comment_title",
            engagement,
            engagement=lang.number(engagement),
            rate=lang.number(facts["per_hour"], 1),
            channel=channel,
        )
    if rule == HEATING_UP:
        return say(
            lang,
            "heating_post_title",
            negative=lang.number(facts["negative"]),
            window=_duration(lang, facts["window_minutes"]),
            channel=channel,
        )
    if rule == REPLY_WINDOW:
        return say(
            lang, "window_title", left=_duration(lang, facts["minutes_left"]), author=author, channel=channel
        )
    if rule == CONNECTOR_TROUBLE and facts.get("kind") == "token":
        return say(lang, "token_title", channel=channel, when=_when(lang, _moment(facts["expires_at"])))
    if rule == CONNECTOR_TROUBLE and facts.get("kind") == "auth":
        return say(lang, "auth_title", channel=channel)
    failures = facts.get("failures", 0)
    return say_counted(lang, "failing_title", failures, channel=channel, failures=lang.number(failures))


def _rule_counts(lang: Lang, rules: dict[str, int]) -> str:
    return ", ".join(f"{say(lang, f'rule_{rule}')}: {lang.number(n)}" for rule, n in rules.items())


def _group_title(rule: str, facts: dict[str, Any], lang: Lang) -> str:
    count = lang.number(facts.get("count", 0))
    day = lang.date(date.fromisoformat(facts["day"])) if facts.get("day") else ""
    if rule == WAITING:
        return say(lang, "waiting_group", count=count, sla=_duration(lang, facts["sla_minutes"]), day=day)
    if rule == WATCH_LIST:
        # Each comment of the group mentions one of the terms at least, not every one of them.
        terms = _terms(lang, facts.get("terms", []), "ou")
        return say(lang, "watch_group", terms=terms, count=count, day=day)
    if rule == REPLY_WINDOW:
        closing = [c["closes_at"] for c in facts.get("comments", []) if c.get("closes_at")]
        when = _when(lang, _moment(min(closing))) if closing else ""
        return say(lang, "window_group", count=count, when=when)
    return say(lang, "heating_group", count=count, day=day)


def _quoted(rule: str, comment: dict[str, Any], lang: Lang) -> Quoted:
    who = say(
        lang,
        "on_channel",
        author=comment.get("author") or say(lang, "someone"),
        channel=comment.get("channel", ""),
    )
    if rule == WAITING and "waited_minutes" in comment:
        note = say(lang, "waited", waited=_duration(lang, comment["waited_minutes"]))
    elif rule == WATCH_LIST:
        note = ", ".join(f"“{term}”" for term in comment.get("terms", []))
    elif rule == REPLY_WINDOW and comment.get("closes_at"):
        note = say(lang, "closes", when=_when(lang, _moment(comment["closes_at"])))
    elif "likes" in comment:
        engagement = comment["likes"] + comment.get("replies", 0)
        note = say_counted(lang, "engagement", engagement, engagement=lang.number(engagement))
    else:
        note = lang.datetime(_moment(comment["written_at"])) if comment.get("written_at") else ""
    text = shorten(comment.get("text") or "", QUOTE_LIMIT, at_word=True)
    url = _safe_link(comment.get("url"))
    return Quoted(
        terminal_text(who),
        terminal_text(note),
        terminal_text(text, multiline=True),
        terminal_text(url) if url else None,
    )


QUOTE_LIMIT = 280  # characters of each comment a group alert quotes, "…" included


def word(
    alert_id: int, rule: str, severity: str, facts: dict[str, Any], created_at: datetime, lang: Lang
) -> AlertText:
    single = _single(facts)
    if (is_group(facts) and single is None) or rule == DIGEST:
        return _word_group(alert_id, rule, severity, facts, created_at, lang)
    lines: list[tuple[str, str]] = []
    if single is not None:
        facts = single
    quote = facts.get("text") or None
    if rule == NEGATIVE_SPIKE:
        share = say(
            lang,
            "spike_share",
            negative=lang.number(facts["negative"]),
            comments=lang.number(facts["comments"]),
        )
        factor = f"{lang.number(facts['factor'], 1)}×" if facts.get("factor") else "∞×"
        z = lang.number(facts["z"], 1) if facts.get("z") is not None else "∞"
        stat = say(
            lang, "spike_stat", factor=factor, z=z, k=lang.number(facts["k"], 1), days=facts["baseline_days"]
        )
        lines += [("", share), ("", stat)]
        quote = None
        worst = [_quoted(rule, c, lang) for c in facts.get("worst") or []]
        if worst:
            lines.append(
                (
                    "",
                    say_counted(
                        lang,
                        "group_worst",
                        len(worst),
                        shown=lang.number(len(worst)),
                        count=lang.number(facts["negative"]),
                    ),
                )
            )
        return _text(alert_id, rule, severity, facts, created_at, lang, lines, None, None, worst)
    elif rule == WAITING and facts.get("business_hours"):
        lines.append(("", say(lang, "waiting_business")))
    elif rule == REPLY_WINDOW:
        closes = _when(lang, _moment(facts["closes_at"]))
        platform = _platform(lang, facts.get("platform", ""))
        lines.append(("", say(lang, "window_closes", platform=platform, when=closes)))
    elif rule == CONNECTOR_TROUBLE and facts.get("error"):
        lines.append(
            (say(lang, "error"), _error_for_a_message(facts["error"], facts.get("channel", ""), lang))
        )
        quote = None
    if facts.get("written_at"):
        lines.append((say(lang, "written"), lang.datetime(_moment(facts["written_at"]))))
    return _text(
        alert_id, rule, severity, facts, created_at, lang, lines, quote, _safe_link(facts.get("url")), []
    )


def _word_group(
    alert_id: int, rule: str, severity: str, facts: dict[str, Any], created_at: datetime, lang: Lang
) -> AlertText:
    """A group: how many (how many negative), the worst few quoted, and where the full list is."""
    lines: list[tuple[str, str]] = []
    comments: list[Quoted] = []
    count = int(facts.get("count") or 0)
    if rule == DIGEST:
        lines.extend(("", t) for t in facts.get("titles") or [])
    else:
        if facts.get("negative") and rule != HEATING_UP:
            lines.append(
                (
                    "",
                    say(
                        lang,
                        "group_negative",
                        negative=lang.number(facts["negative"]),
                        count=lang.number(count),
                    ),
                )
            )
        if rule == WAITING and facts.get("business_hours"):
            lines.append(("", say(lang, "waiting_business")))
    lines.append((say(lang, "full_list"), f"socialmon alerts show {alert_id}"))
    if rule != DIGEST:
        comments = [_quoted(rule, c, lang) for c in facts.get("comments") or []]
        if comments and len(comments) < count:  # last: the heading right above its list
            worst = say_counted(
                lang, "group_worst", len(comments), shown=lang.number(len(comments)), count=lang.number(count)
            )
            lines.append(("", worst))
    return _text(alert_id, rule, severity, facts, created_at, lang, lines, None, None, comments)


def _text(
    alert_id: int,
    rule: str,
    severity: str,
    facts: dict[str, Any],
    created_at: datetime,
    lang: Lang,
    lines: list[tuple[str, str]],
    quote: str | None,
    url: str | None,
    comments: list[Quoted],
) -> AlertText:
    return AlertText(
        id=alert_id,
        rule=rule,
        severity=severity,
        severity_word=say(lang, f"severity_{severity}"),
        title=terminal_text(title(rule, facts, lang)),
        lines=[(label, terminal_text(value)) for label, value in lines],
        quote=terminal_text(quote, multiline=True) if quote else None,
        url=terminal_text(url) if url else None,
        created_at=created_at,
        comments=comments,
        reference=say(lang, "alert_reference", id=alert_id),
        rules=held_rules(rule, facts) if rule == DIGEST else [],
    )


# A channel's error as the scan stored it speaks to the terminal the scan printed on; a message
# read elsewhere says where to see what it points at.
_TERMINAL_ONLY = re.compile(r"see the rejected rows above")


def _error_for_a_message(error: str, channel: str, lang: Lang) -> str:
    """A channel's last error for an e-mail or chat: what it points "above" at, by the command
    that shows it."""
    return _TERMINAL_ONLY.sub(lambda _: say(lang, "rejected_rows", channel=channel), error)


def _figure(lang: Lang, facts: dict[str, Any], key: str) -> str:
    value = facts[key]
    return lang.percent(value) if facts["metric"] == "share" else lang.number(value, 1)


def _moment(value: str) -> datetime:
    return datetime.fromisoformat(value)


def _when(lang: Lang, moment: datetime) -> str:
    """A moment inside a sentence: "01/12/2026 às 09:00" in Portuguese ("à" before 0 and 1 o'clock:
    "à 01:30", "à uma e meia"), as `Lang.datetime` in English and Spanish."""
    if lang.language != "pt":
        return lang.datetime(moment)
    local = moment.astimezone(lang.zone)
    day = format_date(local, format="short", locale=lang.locale)
    time = format_time(local, format="short", locale=lang.locale)
    return f"{day} {'à' if local.hour < 2 else 'às'} {time}"


def _terms(lang: Lang, terms: list[str], conjunction: str) -> str:
    """Watch-list terms, quoted: listed with commas in English and Spanish, where they label the
    alert; in Portuguese, where a verb takes them, the last joined by `conjunction`."""
    quoted = [f"“{term}”" for term in terms]
    if lang.language != "pt" or len(quoted) < 2:
        return ", ".join(quoted)
    return f"{', '.join(quoted[:-1])} {conjunction} {quoted[-1]}"


def _platform(lang: Lang, platform: str) -> str:
    """A platform as a Portuguese sentence names it ("O Instagram permite…"): the connector's
    name ("instagram") with a capital; as stored in English and Spanish."""
    return platform[:1].upper() + platform[1:] if lang.language == "pt" else platform


def _safe_link(url: Any) -> str | None:
    """Only web links become links: an export file could carry a `javascript:` URL."""
    return url if isinstance(url, str) and url.lower().startswith(("https://", "http://")) else None


def _duration(lang: Lang, minutes: float) -> str:
    """Like the reports' durations, without a trailing ",0": "3 h", "2,5 h", "45 min", "6 d"."""
    if minutes < 60:
        return lang("minutes_short", n=lang.number(minutes))
    value, key = (minutes / 60, "hours_short") if minutes < 48 * 60 else (minutes / 1440, "days_short")
    return lang(key, n=lang.number(value, 0 if abs(value - round(value)) < 0.05 else 1))
