"""Every word a report prints, in English, Spanish and Brazilian Portuguese; numbers and dates through Babel.

The locale is the report language plus, when the brand names a holiday country, that
country (es_EC, es_MX: Mexico writes 1,234.5 and Ecuador 1.234,5). Portuguese is Brazil's
(pt_BR: 1.234,5, 04/12/2026) unless the country says otherwise.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from babel import Locale, UnknownLocaleError
from babel.dates import format_date, format_datetime, format_skeleton, get_day_names
from babel.numbers import format_decimal, format_percent

LANGUAGES = ("en", "es", "pt")
MINUS = "−"  # U+2212, in every human format; CSV and JSON keep the raw value's hyphen-minus

STRINGS: dict[str, tuple[str, str]] = {
    # key: (English, Spanish)
    "report_title": ("Engagement report", "Informe de interacción"),
    "brands_count": ("{n} brands", "{n} marcas"),  # a report over several brands, in its title
    "window": ("{since} to {until}", "del {since} al {until}"),
    "generated": ("Generated {when}", "Generado el {when}"),
    "channels": ("Channels", "Canales"),
    "channel": ("Channel", "Canal"),
    "platform": ("platform", "plataforma"),
    "last_scan": ("last scan", "último escaneo"),
    "never": ("never", "nunca"),
    "status_ok": ("ok", "ok"),
    "status_partial": ("partial", "parcial"),
    "status_failed": ("failed", "falló"),
    "status_busy": ("busy", "ocupado"),
    "status_running": ("running", "en curso"),
    "scan_pending": (
        "{status} · threads left for the next scan: {n}",
        "{status} · hilos por leer en el próximo escaneo: {n}",
    ),
    "overview": ("Channels", "Canales"),
    "scan_problems": (
        "Channels whose last scan failed or was incomplete",
        "Canales cuyo último escaneo falló o quedó incompleto",
    ),
    "scan_problems_note": (
        "Their figures may be missing or out of date until a scan succeeds.",
        "Sus cifras pueden faltar o estar desactualizadas hasta que un escaneo termine bien.",
    ),
    "scan_problem_line": (
        "{channel}: last scan {status} — {reason}",
        "{channel}: último escaneo {status} — {reason}",
    ),
    "reason": ("Reason", "Motivo"),
    "all_channels": ("All channels", "Todos los canales"),
    "headline": ("At a glance", "De un vistazo"),
    "response_times": ("Response times", "Tiempos de respuesta"),
    "period": ("Period", "Periodo"),
    "comments": ("Comments", "Comentarios"),
    "answered": ("Answered", "Respondidos"),
    "response_rate": ("Response rate", "Tasa de respuesta"),
    "median": ("Median", "Mediana"),
    "p90": ("90th percentile", "Percentil 90"),
    "mean": ("Mean", "Promedio"),
    "within_sla": ("Within SLA ({sla})", "Dentro del plazo ({sla})"),
    "business_time": ("In business hours", "En horario de atención"),
    "wall_time": ("Elapsed time", "Tiempo transcurrido"),
    "business_headline": (
        "Response time in business hours ({statistic})",
        "Tiempo de respuesta en horario de atención ({statistic})",
    ),
    "business_note": (
        "In business hours: only the part of each wait that fell within opening hours counts, so a "
        "comment written after closing and answered before opening counts as 0 min.",
        "En horario de atención: solo cuenta la parte de cada espera que cayó dentro del horario de "
        "atención; un comentario escrito tras el cierre y respondido antes de abrir cuenta como 0 min.",
    ),
    "response_by": ("Response times by {period}", "Tiempos de respuesta por {period}"),
    "per_day": ("day", "día"),
    "per_week": ("week", "semana"),
    "per_month": ("month", "mes"),
    "customer_comments": ("Customer comments", "Comentarios de clientes"),
    "comments_note": (
        "Customer comments: those written in the window, on any post. Engagement counts the comments "
        "on the posts published in the window, whenever they were written.",
        "Comentarios de clientes: los escritos en el periodo, en cualquier publicación. La interacción "
        "cuenta los comentarios de las publicaciones del periodo, sin importar cuándo se escribieron.",
    ),
    "comments_on_posts": ("Comments on these posts", "Comentarios en estas publicaciones"),
    "engagement_note": (
        "Posts published in the window, with the customer comments and business replies they "
        "received, whenever written.",
        "Publicaciones del periodo, con los comentarios de clientes y las respuestas del negocio que "
        "recibieron, sin importar cuándo se escribieron.",
    ),
    "comment_date": ("Date", "Fecha"),
    "published": ("Published", "Publicada"),
    "negative_bar": ("Negative share (bar)", "Proporción negativa (barra)"),
    "day_range": ("{first} to {last}", "{first} a {last}"),
    "page_word": ("Page", "Página"),
    "of_word": ("of", "de"),
    "needs_reply": ("Needs a reply", "Esperan respuesta"),
    "needs_reply_total": (
        "{total} waiting, {negative} negative, {over} past the SLA",
        "{total} en espera (negativos: {negative}; fuera de plazo: {over})",
    ),
    "needs_reply_total_business": (
        "{total} waiting, {negative} negative, {over} past the SLA in business hours",
        "{total} en espera (negativos: {negative}; fuera de plazo en horario de atención: {over})",
    ),
    "nothing_pending": ("Nobody is waiting for an answer.", "Nadie espera respuesta."),
    "showing": ("showing the first {shown} of {total}", "se muestran los primeros {shown} de {total}"),
    "author": ("Author", "Autor"),
    "age": ("Waiting", "Espera"),
    "sentiment": ("Sentiment", "Sentimiento"),
    "text": ("Text", "Texto"),
    "link": ("Link", "Enlace"),
    "trend": ("Feedback trend", "Tendencia de opiniones"),
    "volume": ("Volume", "Volumen"),
    "positive": ("positive", "positivo"),
    "neutral": ("neutral", "neutral"),
    "negative": ("negative", "negativo"),
    "unscored": ("not scored", "sin puntuar"),
    "positive_share": ("Positive", "Positivos"),
    "neutral_share": ("Neutral", "Neutros"),
    "negative_share": ("Negative", "Negativos"),
    "net_sentiment": ("Net sentiment", "Sentimiento neto"),
    "rating": ("Avg. rating", "Valoración media"),
    "rising_terms": (
        "Rising in negative comments ({latest} vs {previous})",
        "En aumento en los comentarios negativos ({latest} frente a {previous})",
    ),
    "term": ("Term", "Término"),
    "share_now": ("Share now", "Proporción actual"),
    "share_before": ("Before", "Antes"),
    "no_rising": (
        "No term rose in negative comments.",
        "Ningún término aumentó en los comentarios negativos.",
    ),
    "engagement": ("Engagement", "Interacción"),
    "posts": ("Posts", "Publicaciones"),
    "post": ("Post", "Publicación"),
    "posts_busiest": (
        "The {shown} posts with the most comments and likes, of {total} published in the window.",
        "Las {shown} publicaciones con más comentarios y me gusta, de {total} publicadas en el periodo.",
    ),
    "likes": ("Likes", "Me gusta"),
    "shares": ("Shares", "Compartidos"),
    "replies": ("Replies", "Respuestas"),
    "top_negative": ("Posts with the most negative reactions", "Publicaciones con más reacciones negativas"),
    "top_positive": ("Posts with the most positive reactions", "Publicaciones con más reacciones positivas"),
    "worst_comments": ("Most negative comments", "Comentarios más negativos"),
    "no_data": ("No data in this window.", "No hay datos en este periodo."),
    # The most negative comments of a window that has comments, none of them negative.
    "no_negative": (
        "No comment in this window was negative.",
        "Ningún comentario de este periodo fue negativo.",
    ),
    "no_data_yet": (
        "no data yet: run `socialmon scan` first",
        "aún no hay datos: ejecute `socialmon scan` primero",
    ),
    "rules": ("How these figures are measured", "Cómo se miden estas cifras"),
    "rule_first_reply_business": (
        "Response time: from a customer comment to the first reply by the business",
        "Tiempo de respuesta: desde el comentario del cliente hasta la primera respuesta del negocio",
    ),
    "rule_first_reply_anyone": (
        "Response time: from a customer comment to the first reply by anyone but its author",
        "Tiempo de respuesta: desde el comentario del cliente hasta la primera respuesta de cualquier otra persona",
    ),
    "rule_thread": (
        "a direct reply, or a later reply in the same thread",
        "una respuesta directa, o una posterior en el mismo hilo",
    ),
    "rule_direct": ("direct replies only", "solo respuestas directas"),
    "rule_self_thread_off": (
        "replies in threads the business started do not count",
        "no cuentan las respuestas en hilos iniciados por el negocio",
    ),
    "rule_statistic": (
        "headline figure: the {statistic}; waits of answered comments only",
        "cifra principal: la {statistic}; solo esperas de comentarios respondidos",
    ),
    "rule_gap": (
        "a customer comment after {gap} of silence in a thread starts a new conversation; earlier ones "
        "within it are timed once",
        "un comentario tras {gap} de silencio en un hilo inicia una conversación nueva; los anteriores "
        "dentro de ese lapso se miden una sola vez",
    ),
    "rule_every": ("every customer comment is timed", "se mide cada comentario de cliente"),
    "rule_sla": (
        "SLA {sla}; unanswered comments count against it",
        "plazo de {sla}; los comentarios sin respuesta cuentan en contra",
    ),
    "rule_hours": (
        "business hours in {zone}: {hours}{holidays}",
        "horario de atención en {zone}: {hours}{holidays}",
    ),
    "rule_holidays": ("; closed on public holidays of {country}", "; cerrado los feriados de {country}"),
    "rule_sentiment": (
        "sentiment: a person's correction wins, then a review's stars (1–2 negative, 3 neutral, "
        "4–5 positive), then the text's score; net sentiment = positive share − negative share",
        "sentimiento: manda la corrección manual, luego las estrellas (1–2 negativa, 3 neutra, "
        "4–5 positiva), luego el texto; sentimiento neto = % positivos − % negativos",
    ),
    "median_word": ("median", "mediana"),
    "mean_word": ("mean", "media"),
    "day": ("Day", "Día"),
    "week": ("Week of", "Semana del"),
    "month": ("Month", "Mes"),
    "chart_sentiment": ("Sentiment by period", "Sentimiento por periodo"),
    "chart_response": (
        "Median response time (hours)",
        "Mediana del tiempo de respuesta (horas)",
    ),
    "minutes_short": ("{n} min", "{n} min"),
    "hours_short": ("{n} h", "{n} h"),
    "days_short": ("{n} d", "{n} d"),
    "none": ("—", "—"),
    "open": ("open", "abrir"),
    "pdf_missing": (
        "PDF output needs WeasyPrint: pip install 'socialmon[pdf]' (it also needs the Pango library: "
        "apt install libpango-1.0-0 libpangoft2-1.0-0 on Debian/Ubuntu, brew install pango on macOS)",
        "Para PDF hace falta WeasyPrint: pip install 'socialmon[pdf]' (y la biblioteca Pango: "
        "apt install libpango-1.0-0 libpangoft2-1.0-0 en Debian/Ubuntu, brew install pango en macOS)",
    ),
    "xlsx_missing": (
        "xlsx output needs openpyxl: pip install 'socialmon[spreadsheets]'",
        "Para xlsx hace falta openpyxl: pip install 'socialmon[spreadsheets]'",
    ),
    # A comment's reference (socialmon.analytics.refs), which `socialmon label` takes.
    "ref": ("Ref.", "Ref."),
    # Short column headings of the terminal's compact layout (below 120 columns).
    "short_comments": ("Comments", "Coment."),
    "kind": ("Kind", "Tipo"),
    "kind_comment": ("comment", "comentario"),
    "kind_message": ("message", "mensaje"),
    "kinds_comment": ("Public comments", "Comentarios públicos"),
    "kinds_message": ("Messages (turns)", "Mensajes (turnos)"),
    # The sentiment of messages counts each message, not each turn.
    "kinds_message_each": ("Messages", "Mensajes"),
    "response_by_kind": (
        "Response times: comments and messages",
        "Tiempos de respuesta: comentarios y mensajes",
    ),
    "trend_by_kind": ("Sentiment: comments and messages", "Opiniones: comentarios y mensajes"),
    "turns": ("Turns", "Turnos"),
    "conversation": ("Conversation", "Conversación"),
    "waiting_by_kind": (
        "comments: {comments}; conversation turns: {messages}",
        "comentarios: {comments}; turnos de conversación: {messages}",
    ),
    "rule_turns_short": (
        "Messages are timed by the customer's turn.",
        "Los mensajes se miden por turno del cliente.",
    ),
    "rule_turns": (
        "private messages are timed by the customer's turn: from its first message to the business's "
        "next message in the conversation",
        "los mensajes privados se miden por turno del cliente: desde su primer mensaje hasta el "
        "siguiente mensaje del negocio en la conversación",
    ),
    "short_rate": ("Rate", "Tasa"),
    "short_p90": ("P90", "P90"),
    "short_within_sla": ("In SLA", "En plazo"),
    "short_business_median": ("Median, open hours", "Mediana en horario"),
    "short_business_sla": ("In SLA, open hours", "En plazo en horario"),
    "all_time": ("All time", "Desde el inicio"),
    "short_positive": ("Pos.", "Pos."),
    "short_neutral": ("Neu.", "Neu."),
    "short_negative": ("Neg.", "Neg."),
    "short_net": ("Net", "Neto"),
    "short_rating": ("Rating", "Valoración"),
    # The trend's bar of the negative share, as wide as the bar (10): which way it reads.
    "short_negative_bar": ("Neg. bar", "Barra neg."),
    "short_replies": ("Replies", "Resp."),
    "short_now": ("Now", "Ahora"),
    "more_pending": ("{n} more in socialmon pending", "{n} más en socialmon pending"),
    "more_posts": ("{n} more in a wider terminal or -f md", "{n} más en una terminal más ancha o con -f md"),
    # The change of a headline figure against the previous period (the window just before).
    "changed": (
        "{arrow} {change} (previous period: {value})",
        "{arrow} {change} (periodo anterior: {value})",
    ),
    "unchanged": ("= no change (previous period: {value})", "= sin cambio (periodo anterior: {value})"),
    "previous_only": ("(previous period: {value})", "(periodo anterior: {value})"),
    "previous_short": ("prev. {value}", "antes {value}"),
    "points_short": ("{n} pts", "{n} p. p."),
    "compared_with": (
        "▲/▼: change against the previous period, {window}.",
        "▲/▼: cambio frente al periodo anterior, {window}.",
    ),
    "business_note_short": (
        "In business hours: only the part of a wait within opening hours counts.",
        "En horario de atención: solo cuenta la parte de la espera dentro del horario.",
    ),
    # The report's e-mail (report_email.py), the empty-window notice (tables.empty_window_hint) and
    # the spreadsheets' sheet names (short, for Excel's 31 characters with a brand's slug in front).
    "email_subject": (
        "[socialmon] {brand}: engagement report, {window}",
        "[socialmon] {brand}: informe, {window}",
    ),
    "email_intro": (
        "{brand} — engagement report, {window}.",
        "{brand} — informe de interacción, {window}.",
    ),
    "email_attached": (
        "The full report is the HTML part of this message; the PDF is attached.",
        "El informe completo es la parte HTML de este mensaje; el PDF va adjunto.",
    ),
    "email_html_only": (
        "The full report is the HTML part of this message.",
        "El informe completo es la parte HTML de este mensaje.",
    ),
    "email_footer": (
        "Sent by socialmon report --email.",
        "Enviado por socialmon report --email.",
    ),
    "email_scan_problems": (
        "Warning: the last scan of these channels failed or was incomplete, so their figures may be missing or out of date:",
        "Atención: el último escaneo de estos canales falló o quedó incompleto, así que sus cifras pueden faltar o estar desactualizadas:",
    ),
    "email_subject_problem": (
        "1 channel with scan problems",
        "1 canal con problemas de escaneo",
    ),
    "email_subject_problems": (
        "{n} channels with scan problems",
        "{n} canales con problemas de escaneo",
    ),
    "empty_try_since": (
        "No comments in this window; the newest is from {day} — try --since {span}",
        "No hay comentarios en este periodo; el más reciente es del {day} — pruebe --since {span}",
    ),
    "empty_try_until": (
        "No comments in this window; the newest is from {day} — try without --until",
        "No hay comentarios en este periodo; el más reciente es del {day} — pruebe sin --until",
    ),
    "empty_none_yet": (
        "No customer comments in these channels yet.",
        "Aún no hay comentarios de clientes en estos canales.",
    ),
    "empty_in_document": (
        "No customer comments in this window; the newest is from {day}.",
        "No hay comentarios de clientes en este periodo; el más reciente es del {day}.",
    ),
    "sheet_scan_problems": (
        "Scan problems",
        "Escaneos con problemas",
    ),
    "sheet_channels": (
        "Channels",
        "Canales",
    ),
    "sheet_response_by_channel": (
        "Response by channel",
        "Respuesta por canal",
    ),
    "sheet_response_by_kind": (
        "Response by kind",
        "Respuesta por tipo",
    ),
    "sheet_response_by_period": (
        "Response by period",
        "Respuesta por periodo",
    ),
    "sheet_needs_reply": (
        "Needs a reply",
        "Esperan respuesta",
    ),
    "sheet_trend": (
        "Feedback trend",
        "Tendencia",
    ),
    "sheet_trend_by_kind": (
        "Sentiment by kind",
        "Opiniones por tipo",
    ),
    "sheet_rising_terms": (
        "Rising terms",
        "Términos en aumento",
    ),
    "sheet_engagement_by_channel": (
        "Engagement",
        "Interacción",
    ),
    "sheet_posts": (
        "Posts",
        "Publicaciones",
    ),
    "sheet_top_negative": (
        "Most negative posts",
        "Publicaciones negativas",
    ),
    "sheet_top_positive": (
        "Most positive posts",
        "Publicaciones positivas",
    ),
    "sheet_worst_comments": (
        "Most negative comments",
        "Comentarios negativos",
    ),
}


# Brazilian Portuguese, as a consultant in Brazil writes a client's report. Every key of STRINGS.
PORTUGUESE: dict[str, str] = {
    "report_title": "Relatório de engajamento",
    "brands_count": "{n} marcas",
    "window": "{since} a {until}",
    "generated": "Gerado em {when}",
    "channels": "Canais",
    "channel": "Canal",
    "platform": "plataforma",
    "last_scan": "última coleta",
    "never": "nunca",
    "status_ok": "ok",
    "status_partial": "parcial",
    "status_failed": "falhou",
    "status_busy": "em uso",
    "status_running": "em andamento",
    "scan_pending": "{status} · conversas pendentes para a próxima coleta: {n}",
    "overview": "Canais",
    "scan_problems": "Canais cuja última coleta falhou ou ficou incompleta",
    "scan_problems_note": (
        "Os números desses canais podem estar incompletos ou desatualizados até que uma coleta seja "
        "concluída com sucesso."
    ),
    "scan_problem_line": "{channel}: última coleta {status} — {reason}",
    "reason": "Motivo",
    "all_channels": "Todos os canais",
    "headline": "Resumo",
    "response_times": "Tempo de resposta",
    "period": "Período",
    "comments": "Comentários",
    "answered": "Respondidos",
    "response_rate": "Taxa de resposta",
    "median": "Mediana",
    "p90": "Percentil 90",
    "mean": "Média",
    "within_sla": "Dentro do prazo ({sla})",
    "business_time": "No horário de atendimento",
    "wall_time": "Tempo corrido",
    "business_headline": "Tempo de resposta no horário de atendimento ({statistic})",
    "business_note": (
        "No horário de atendimento: só conta a parte de cada espera dentro do horário de atendimento; "
        "um comentário feito depois do fechamento e respondido antes da abertura conta como 0 min."
    ),
    "response_by": "Tempo de resposta por {period}",
    "per_day": "dia",
    "per_week": "semana",
    "per_month": "mês",
    "customer_comments": "Comentários de clientes",
    "comments_note": (
        "Comentários de clientes: os que foram feitos no período, em qualquer publicação. O engajamento "
        "conta os comentários das publicações do período, independentemente de quando foram feitos."
    ),
    "comments_on_posts": "Comentários nessas publicações",
    "engagement_note": (
        "Publicações do período, com os comentários de clientes e as respostas da empresa que "
        "receberam, independentemente de quando foram feitos."
    ),
    "comment_date": "Data",
    "published": "Publicada em",
    "negative_bar": "% de negativos (barra)",
    "day_range": "de {first} a {last}",
    "page_word": "Página",
    "of_word": "de",
    "needs_reply": "Aguardando resposta",
    "needs_reply_total": "{total} aguardando, {negative} com sentimento negativo, {over} fora do prazo",
    "needs_reply_total_business": (
        "{total} aguardando, {negative} com sentimento negativo, {over} fora do prazo (contado em "
        "horário de atendimento)"
    ),
    "nothing_pending": "Ninguém está aguardando resposta.",
    "showing": "mostrando os primeiros {shown} de {total}",
    "author": "Autor",
    "age": "Espera",
    "sentiment": "Sentimento",
    "text": "Texto",
    "link": "Link",
    "trend": "Tendência das opiniões",
    "volume": "Volume",
    "positive": "positivo",
    "neutral": "neutro",
    "negative": "negativo",
    "unscored": "sem classificação",
    "positive_share": "Positivos",
    "neutral_share": "Neutros",
    "negative_share": "Negativos",
    "net_sentiment": "Saldo de sentimento",
    "rating": "Nota média",
    "rising_terms": "Termos em alta nos comentários negativos ({latest} em relação a {previous})",
    "term": "Termo",
    "share_now": "Proporção atual",
    "share_before": "Anterior",
    "no_rising": "Nenhum termo ficou mais frequente nos comentários negativos.",
    "engagement": "Engajamento",
    "posts": "Publicações",
    "post": "Publicação",
    "posts_busiest": "As {shown} publicações com mais comentários e curtidas, de {total} publicadas no período.",
    "likes": "Curtidas",
    "shares": "Compartilhamentos",
    "replies": "Respostas",
    "top_negative": "Publicações com mais reações negativas",
    "top_positive": "Publicações com mais reações positivas",
    "worst_comments": "Comentários mais negativos",
    "no_data": "Não há dados neste período.",
    "no_negative": "Nenhum comentário deste período foi negativo.",
    "no_data_yet": "ainda não há dados: execute `socialmon scan` primeiro",
    "rules": "Como estes números são medidos",
    "rule_first_reply_business": (
        "Tempo de resposta: do comentário do cliente até a primeira resposta da empresa"
    ),
    "rule_first_reply_anyone": (
        "Tempo de resposta: do comentário do cliente até a primeira resposta de qualquer outra pessoa"
    ),
    "rule_thread": "uma resposta direta ou uma resposta posterior na mesma conversa",
    "rule_direct": "só respostas diretas",
    "rule_self_thread_off": "não contam as respostas em conversas iniciadas pela empresa",
    "rule_statistic": "indicador principal: a {statistic}, calculada só com os comentários respondidos",
    "rule_gap": (
        "um comentário de cliente após {gap} de silêncio em uma conversa inicia uma nova conversa; "
        "comentários seguidos dentro de uma mesma conversa contam como uma única espera"
    ),
    "rule_every": "cada comentário de cliente é medido",
    "rule_sla": "prazo de resposta: {sla}; comentários sem resposta contam como fora do prazo",
    "rule_hours": "horário de atendimento (fuso {zone}): {hours}{holidays}",
    "rule_holidays": "; fechado nos feriados ({country})",  # national or a state's: "São Paulo, Brasil"
    "rule_sentiment": (
        "sentimento: prevalece a correção manual; depois, as estrelas da avaliação (1–2 negativa, "
        "3 neutra, 4–5 positiva); depois, a análise do texto; saldo de sentimento = % positivos − "
        "% negativos"
    ),
    "median_word": "mediana",
    "mean_word": "média",
    "day": "Dia",
    "week": "Semana de",
    "month": "Mês",
    "chart_sentiment": "Sentimento por período",
    "chart_response": "Mediana do tempo de resposta (horas)",
    "minutes_short": "{n} min",
    "hours_short": "{n} h",
    "days_short": "{n} d",
    "none": "—",
    "open": "abrir",
    "pdf_missing": (
        "Para gerar PDF, é preciso instalar o WeasyPrint: pip install 'socialmon[pdf]' (e a biblioteca Pango: "
        "apt install libpango-1.0-0 libpangoft2-1.0-0 no Debian/Ubuntu, brew install pango no macOS)"
    ),
    "xlsx_missing": "Para gerar xlsx, é preciso instalar o openpyxl: pip install 'socialmon[spreadsheets]'",
    "ref": "Ref.",
    "short_comments": "Coment.",
    "kind": "Tipo",
    "kind_comment": "comentário",
    "kind_message": "mensagem",
    "kinds_comment": "Comentários públicos",
    "kinds_message": "Mensagens (turnos)",
    "kinds_message_each": "Mensagens",
    "response_by_kind": "Tempo de resposta: comentários e mensagens",
    "trend_by_kind": "Sentimento: comentários e mensagens",
    "turns": "Turnos",
    "conversation": "Conversa",
    "waiting_by_kind": "comentários: {comments}; turnos de conversa: {messages}",
    "rule_turns_short": "As mensagens são medidas por turno do cliente.",
    "rule_turns": (
        "as mensagens privadas são medidas por turno do cliente: da primeira mensagem dele até a "
        "próxima mensagem da empresa na conversa"
    ),
    "short_rate": "Taxa",
    "short_p90": "P90",
    "short_within_sla": "No prazo",
    "short_business_median": "Mediana (expediente)",
    "short_business_sla": "No prazo (expediente)",
    "all_time": "Desde o início",
    "short_positive": "Pos.",
    "short_neutral": "Neu.",
    "short_negative": "Neg.",
    "short_net": "Saldo",
    "short_rating": "Nota",
    "short_negative_bar": "Barra neg.",
    "short_replies": "Resp.",
    "short_now": "Atual",
    "more_pending": "mais {n}: veja socialmon pending",
    "more_posts": "mais {n} em um terminal mais largo ou com -f md",
    "changed": "{arrow} {change} (período anterior: {value})",
    "unchanged": "= sem mudança (período anterior: {value})",
    "previous_only": "(período anterior: {value})",
    "previous_short": "ant. {value}",
    "points_short": "{n} p.p.",
    "compared_with": "▲/▼: variação em relação ao período anterior, {window}.",
    "business_note_short": "No horário de atendimento: só conta a parte da espera dentro do horário.",
    "email_subject": "[socialmon] {brand}: relatório, {window}",
    "email_intro": "{brand} — relatório de engajamento, {window}.",
    "email_attached": "O relatório completo está no corpo desta mensagem (HTML); o PDF segue em anexo.",
    "email_html_only": "O relatório completo está no corpo desta mensagem (HTML).",
    "email_footer": "Enviado por socialmon report --email.",
    "email_scan_problems": "Atenção: a última coleta destes canais falhou ou ficou incompleta; por isso, os números podem estar incompletos ou desatualizados:",
    "email_subject_problem": "1 canal com problemas na coleta",
    "email_subject_problems": "{n} canais com problemas na coleta",
    "empty_try_since": "Nenhum comentário neste período; o mais recente é de {day} — tente --since {span}",
    "empty_try_until": "Nenhum comentário neste período; o mais recente é de {day} — tente sem --until",
    "empty_none_yet": "Ainda não há comentários de clientes nesses canais.",
    "empty_in_document": "Nenhum comentário de cliente neste período; o mais recente é de {day}.",
    "sheet_scan_problems": "Problemas de coleta",
    "sheet_channels": "Canais",
    "sheet_response_by_channel": "Resposta por canal",
    "sheet_response_by_kind": "Resposta por tipo",
    "sheet_response_by_period": "Resposta por período",
    "sheet_needs_reply": "Aguardando resposta",
    "sheet_trend": "Tendência",
    "sheet_trend_by_kind": "Sentimento por tipo",
    "sheet_rising_terms": "Termos em alta",
    "sheet_engagement_by_channel": "Engajamento",
    "sheet_posts": "Publicações",
    "sheet_top_negative": "Publicações negativas",
    "sheet_top_positive": "Publicações positivas",
    "sheet_worst_comments": "Comentários negativos",
}


def words(language: str, key: str) -> str:
    """The text of `key` in `language` (one of LANGUAGES), its `{placeholders}` left as they are."""
    if language == "pt":
        return PORTUGUESE[key]
    english, spanish = STRINGS[key]
    return spanish if language == "es" else english


class Lang:
    """Translate keys, format numbers, percentages, durations and dates for one language."""

    def __init__(self, language: str, country: str | None = None, zone: str = "UTC") -> None:
        self.language = language if language in LANGUAGES else "en"
        self.zone = ZoneInfo(zone)
        self.locale = _locale(self.language, country)

    @property
    def tag(self) -> str:
        """The language tag of an HTML page or an e-mail: "pt-BR" (the report's Portuguese is
        Brazil's, whatever the brand's country), "es", "en"."""
        return "pt-BR" if self.language == "pt" else self.language

    def __call__(self, key: str, **values: object) -> str:
        text = words(self.language, key)
        return text.format(**values) if values else text

    def number(self, value: float | int | None, digits: int = 0) -> str:
        if value is None:
            return self("none")
        pattern = "#,##0" + ("." + "0" * digits if digits else "")
        text = format_decimal(abs(value), format=pattern, locale=self.locale)
        # The minus sign, as `signed` and the changes write it (Babel's locales give a hyphen);
        # a value that rounds to zero has none.
        shows_a_value = any(digit in text for digit in "123456789")
        return MINUS + text if value < 0 and shows_a_value else text

    def percent(self, value: float | None) -> str:
        if value is None:
            return self("none")
        return format_percent(
            value, format="#,##0 %" if self.language == "es" else "#,##0%", locale=self.locale
        )

    def signed(self, value: float | None) -> str:
        """Net sentiment as signed percentage points: +12 / −5."""
        if value is None:
            return self("none")
        points = round(value * 100)
        return ("+" if points > 0 else MINUS if points < 0 else "") + self.number(abs(points))

    def duration(self, minutes: float | None) -> str:
        if minutes is None:
            return self("none")
        if minutes < 60:
            return self("minutes_short", n=self.number(minutes))
        if minutes < 48 * 60:
            return self("hours_short", n=self._trimmed(minutes / 60))
        return self("days_short", n=self._trimmed(minutes / 1440))

    def _trimmed(self, value: float) -> str:
        """One decimal, none when it would be zero: "2 h", "1,5 h"."""
        return self.number(value, 0 if round(value, 1) == round(value) else 1)

    def country(self, code: str) -> str:
        """A holiday country's name in the report language: EC → Ecuador; a region's, with the
        name the `holidays` package gives it: ES-MD → "Madrid, España" (its code when it has none)."""
        country, _, subdivision = code.partition("-")
        name = self.locale.territories.get(country.upper(), country.upper())
        if not subdivision:
            return name
        from socialmon.public_holidays import subdivision_name

        return f"{subdivision_name(code) or subdivision}, {name}"

    def weekday(self, index: int) -> str:
        """0 = Monday, in the report language."""
        return get_day_names("wide", locale=self.locale)[index]

    def date(self, value: date | datetime) -> str:
        if isinstance(value, datetime):
            value = value.astimezone(self.zone).date()
        return format_date(value, format="medium", locale=self.locale)

    def window(self, since: datetime, until: datetime) -> str:
        """ "del 23 oct 2026 al 21 nov 2026": a report's `until` is the moment after its last day.

        A start that is not at a midnight of the brand's zone is given with its time ("del 23 nov
        2026 13:55 al 29 nov 2026"): the previous period of a window that ends now starts so, and
        a report run for its first day whole counted comments this one did not."""
        last = until - timedelta(microseconds=1)
        start = self.date(since)
        local = since.astimezone(self.zone)
        if local.time() != time(0):
            start += " " + self.clock(local)
        return self("window", since=start, until=self.date(last))

    def moment(self, value: datetime) -> str:
        """ "6 dic 2026 15:28": a day as the report writes its days, and the time, in the brand's zone."""
        local = value.astimezone(self.zone)
        return f"{self.date(local)} {self.clock(local)}"

    def clock(self, value: datetime) -> str:
        """ "15:28": a time on the 24-hour clock in every language (a 12-hour "3:28 p. m." holds
        spaces a narrow terminal broke the line at), in the brand's zone."""
        return format_skeleton("Hm", value.astimezone(self.zone), locale=self.locale)

    def datetime(self, value: datetime) -> str:
        return format_datetime(value.astimezone(self.zone), format="short", locale=self.locale)

    def label(self, value: str | None) -> str:
        return self(value) if value in ("positive", "neutral", "negative") else self("unscored")

    def period(self, start: date, period: str) -> str:
        """A period as its language writes it: "novembro de 2026", "November 2026", "2 nov 2026"."""
        if period == "month":
            return format_skeleton("yMMMM", start, locale=self.locale)
        return format_date(start, format="medium", locale=self.locale)

    def axis_date(self, start: date, period: str) -> str:
        """A period under a chart's bar, short enough to stand whole: "2 de nov.", "nov. de 2026",
        "Nov 2" (the window's dates above the chart give the year of a day or a week)."""
        return format_skeleton("yMMM" if period == "month" else "MMMd", start, locale=self.locale)


def _locale(language: str, country: str | None) -> Locale:
    """The report language as the holiday country writes it: 'es' and 'ES-MD' (a region, which
    Babel has no locale for) make es_ES."""
    if country:
        try:
            return Locale.parse(f"{language}_{country.partition('-')[0].upper()}")
        except (UnknownLocaleError, ValueError):
            pass
    return Locale.parse("pt_BR" if language == "pt" else language)
