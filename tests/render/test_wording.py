"""Golden texts of the rendered report, in Spanish and English (issue 15, point 3).

Each fault a client saw is checked in the HTML as a person reads it (tags stripped): the
period heading that stopped mid-phrase, the rules footer's lower-cased zone, country code and
weekday abbreviations, "Sla 2.0 h", the comment date under "Publicación", the "Tiempo de reloj"
calque, the two unexplained comment counts, the bare "0 min" in business hours, and the noise:
repeated post tables, an unlabelled bar column, text sparklines beside charts, rising terms
compared between two periods without negative comments.
"""

from __future__ import annotations

import dataclasses
import html as html_lib
import re
from pathlib import Path

import pytest
from _reports import SAMPLE_WINDOW, Built, built, in_language

from socialmon.analytics.results import BrandReport
from socialmon.render import render_html
from socialmon.render.i18n import Lang
from socialmon.render.tables import report_tables


@pytest.fixture(scope="module")
def sample_reports(sample_config: Path) -> Built:
    """The sample's reports, computed once: each test renders them in its language, which leaves
    them as they are (`dataclasses.replace` below makes a changed copy)."""
    return built(sample_config, SAMPLE_WINDOW)


def _text(markup: str) -> str:
    """What a reader sees: no style, no SVG, tags gone, whitespace collapsed."""
    markup = re.sub(r"<(style|svg)\b.*?</\1>", " ", markup, flags=re.S)
    return " ".join(html_lib.unescape(re.sub(r"<[^>]+>", " ", markup)).split())


def _headers(markup: str, title: str) -> list[str]:
    section = markup.split(f"<h2>{title}</h2>", 1)[1]
    head = section.split("</thead>", 1)[0]
    return [html_lib.unescape(h) for h in re.findall(r"<th(?:\s[^>]*)?>(.*?)</th>", head)]


GOLDEN = {
    "es": {
        "present": [
            "Tiempos de respuesta por semana",
            "Plazo de 4 h; los comentarios sin respuesta cuentan en contra.",
            "Horario de atención en America/Guayaquil: lunes a viernes 07:00–19:00, sábado 07:00–13:00; "
            "cerrado los feriados de Ecuador.",
            "Tiempo transcurrido",
            # comments and messages together; the chat's answered "Bueno, gracias por responder" is
            # no turn (0016): 7 min before
            "Tiempo de respuesta en horario de atención (mediana) 4 min",
            "En horario de atención: solo cuenta la parte de cada espera que cayó dentro del horario de "
            "atención; un comentario escrito tras el cierre y respondido antes de abrir cuenta como 0 min.",
            "Comentarios de clientes 34",  # 25 comments and 9 WhatsApp messages
            "Comentarios de clientes: los escritos en el periodo, en cualquier publicación. La interacción "
            "cuenta los comentarios de las publicaciones del periodo, sin importar cuándo se escribieron.",
            "Página",
        ],
        "absent": [
            "Semana del Tiempos",
            "america/guayaquil",
            " ec.",
            "mon ",
            "Tiempo de reloj",
            "Mediana: ",
            "Volumen: ",
        ],
        "worst": ["Ref.", "Canal", "Autor", "Fecha", "Sentimiento", "Texto"],
        "engagement": [
            "Canal",
            "Publicaciones",
            "Comentarios en estas publicaciones",
            "Respuestas",
            "Me gusta",
        ],
        "trend_bar": "Proporción negativa (barra)",
        "worst_title": "Comentarios más negativos",
        "engagement_title": "Interacción",
        "trend_title": "Tendencia de opiniones",
        "top": "Publicaciones con más reacciones",
    },
    "en": {
        "present": [
            "Response times by week",
            "SLA 4 h; unanswered comments count against it.",
            "Business hours in America/Guayaquil: Monday to Friday 07:00–19:00, Saturday 07:00–13:00; "
            "closed on public holidays of Ecuador.",
            "Elapsed time",
            "Response time in business hours (median) 4 min",  # together; 7 min before 0016
            "In business hours: only the part of each wait that fell within opening hours counts, so a "
            "comment written after closing and answered before opening counts as 0 min.",
            "Customer comments 34",  # 25 comments and 9 WhatsApp messages
            "Customer comments: those written in the window, on any post. Engagement counts the comments "
            "on the posts published in the window, whenever they were written.",
        ],
        "absent": ["Sla ", "4.0 h", "america/guayaquil", " ec.", "Clock time", "Median: ", "Volume: "],
        "worst": ["Ref.", "Channel", "Author", "Date", "Sentiment", "Text"],
        "engagement": ["Channel", "Posts", "Comments on these posts", "Replies", "Likes"],
        "trend_bar": "Negative share (bar)",
        "worst_title": "Most negative comments",
        "engagement_title": "Engagement",
        "trend_title": "Feedback trend",
        "top": "Posts with the most",
    },
}


@pytest.mark.parametrize("language", ["es", "en"])
def test_the_report_reads_right(sample_reports: Built, language: str) -> None:
    golden = GOLDEN[language]
    markup = render_html(in_language(sample_reports, language))
    text = _text(markup)
    for phrase in golden["present"]:
        assert phrase in text or phrase in markup, phrase
    for phrase in golden["absent"]:
        assert phrase not in text, phrase
    # The date column of the most negative comments is called what it is.
    assert _headers(markup, golden["worst_title"]) == golden["worst"]
    assert _headers(markup, golden["engagement_title"]) == golden["engagement"]
    # The red bar column has a header; no text sparkline beside the real charts.
    assert golden["trend_bar"] in _headers(markup, golden["trend_title"])
    assert not set("▁▂▃▄▅▆▇") & set(text)
    # A small brand: the top-post tables would repeat the posts table, so they are left out.
    assert golden["top"] not in text
    assert markup.count("<svg") == 2


def test_an_sla_in_whole_hours_has_no_decimal() -> None:
    english, spanish = Lang("en"), Lang("es", "EC")
    assert (english.duration(120), english.duration(90), english.duration(3 * 1440)) == (
        "2 h",
        "1.5 h",
        "3 d",
    )
    assert (spanish.duration(240), spanish.duration(150)) == ("4 h", "2,5 h")


def test_rising_terms_are_hidden_when_neither_period_had_a_negative_comment(sample_reports: Built) -> None:
    report, lang = in_language(sample_reports)[0]
    assert report.trend is not None and report.trend.compared is not None
    assert "rising_terms" in [t.key for t in report_tables(report, lang)]
    latest, previous = report.trend.compared
    quiet = [
        dataclasses.replace(p, comments=0, positive=0, neutral=0, negative=0)
        if p.start in (latest, previous)
        else p
        for p in report.trend.periods
    ]
    calm: BrandReport = dataclasses.replace(
        report, trend=dataclasses.replace(report.trend, periods=quiet, rising_terms=[])
    )
    assert "rising_terms" not in [t.key for t in report_tables(calm, lang)]
