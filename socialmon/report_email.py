"""`socialmon report … --email`: a brand's report by e-mail, for cron, at most once per window.

The message goes through the alerts' mail settings ([smtp] merged with the brand's
[brands.alerts.email], `${ENV}` resolved, the same `send_email`), to the brand's alert
recipients or the addresses given. Its body is the HTML report (a plain-text part sums up the
headline figures); the PDF report is attached when the `pdf` extra is installed.

Never twice for the same brand and window: a `report_delivery` row keyed by the brand, the
view and the window's first and last local day is written before sending and kept once the
server accepted the message, so cron running the same report again that day sends nothing;
`force` sends again. If sending fails the row is removed and the next run tries again. An
error's text is scrubbed of the SMTP password.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

from pydantic import ValidationError
from sqlalchemy import and_, delete, insert, select, update
from sqlalchemy.exc import IntegrityError

from socialmon.alerts._errors import DeliveryError
from socialmon.alerts.email import send_email
from socialmon.alerts.webhooks import scrub
from socialmon.analytics.results import BrandReport
from socialmon.clock import utcnow
from socialmon.config import BrandConfig, Config, EmailDestination
from socialmon.database import Database
from socialmon.render.i18n import Lang
from socialmon.tables import REPORT_DELIVERY

# key: (English, Spanish, Brazilian Portuguese)
_WORDS: dict[str, tuple[str, str, str]] = {
    "subject": (
        "[socialmon] {brand}: engagement report, {window}",
        "[socialmon] {brand}: informe, {window}",
        "[socialmon] {brand}: relatório, {window}",
    ),
    "intro": (
        "{brand} — engagement report, {window}.",
        "{brand} — informe de interacción, {window}.",
        "{brand} — relatório de engajamento, {window}.",
    ),
    "attached": (
        "The full report is the HTML part of this message; the PDF is attached.",
        "El informe completo es la parte HTML de este mensaje; el PDF va adjunto.",
        "O relatório completo está no corpo desta mensagem (HTML); o PDF segue em anexo.",
    ),
    "html_only": (
        "The full report is the HTML part of this message.",
        "El informe completo es la parte HTML de este mensaje.",
        "O relatório completo está no corpo desta mensagem (HTML).",
    ),
    "footer": (
        "Sent by socialmon report --email.",
        "Enviado por socialmon report --email.",
        "Enviado por socialmon report --email.",
    ),
    "scan_problems": (
        "Warning: the last scan of these channels failed or was incomplete, so their figures may be missing or out of date:",
        "Atención: el último escaneo de estos canales falló o quedó incompleto, así que sus cifras pueden faltar o estar desactualizadas:",
        "Atenção: a última coleta destes canais falhou ou ficou incompleta; por isso, os números podem estar incompletos ou desatualizados:",
    ),
    "subject_problem": (
        "1 channel with scan problems",
        "1 canal con problemas de escaneo",
        "1 canal com problemas na coleta",
    ),
    "subject_problems": (
        "{n} channels with scan problems",
        "{n} canales con problemas de escaneo",
        "{n} canais com problemas na coleta",
    ),
}


class ReportEmailError(Exception):
    """The brand has nowhere to send its report, or its mail settings are incomplete (nothing sent)."""


@dataclass(frozen=True)
class ReportEmailResult:
    brand: str
    first_day: date
    last_day: date
    recipients: list[str]
    sent: bool  # False: already sent for this window (and not forced)
    sent_at: datetime | None = None
    refused: list[str] = field(default_factory=list)


def _say(lang: Lang, key: str, **values: object) -> str:
    english, spanish, portuguese = _WORDS[key]
    text = {"es": spanish, "pt": portuguese}.get(lang.language, english)
    return text.format(**values)


def window_days(report: BrandReport) -> tuple[date, date]:
    """The window's first and last local day: what "the same period" means for `--email`."""
    return (
        report.since.astimezone(_zone(report)).date(),
        (report.until - timedelta(microseconds=1)).astimezone(_zone(report)).date(),
    )


def _zone(report: BrandReport):  # type: ignore[no-untyped-def]
    from zoneinfo import ZoneInfo

    return ZoneInfo(report.timezone)


def report_destination(
    config: Config, brand: BrandConfig, to: list[str] | None = None, environ: Mapping[str, str] | None = None
) -> EmailDestination:
    """The brand's alert e-mail settings (merged over [smtp]) with `to` as recipients when given.

    Raises ReportEmailError when there is no recipient, ConfigError for incomplete settings.
    """
    own = brand.alerts.email
    if to:
        for address in to:  # typed on a command line: words by mistake are refused, not "sent"
            if "@" not in address:
                raise ReportEmailError(f"--email-to: {address!r} is not an e-mail address (name@example.com)")
        settings = own.model_dump(exclude_none=True) if own else {}
        try:  # validated, not copied: an address with a line break would become a header of its own
            email = EmailDestination.model_validate({**settings, "to": list(to)})
        except ValidationError as error:
            said = "; ".join(str(item["msg"]).removeprefix("Value error, ") for item in error.errors())
            raise ReportEmailError(f"--email-to: {said}") from None
    elif own is None:
        raise ReportEmailError(
            f"brand {brand.slug!r} has no e-mail recipients: set [brands.alerts.email] to = [...] "
            "in the config, or give --email-to ADDRESS"
        )
    else:
        email = own
    only_email = brand.model_copy(
        update={"alerts": brand.alerts.model_copy(update={"email": email, "webhooks": []})}
    )
    destination, _ = config.alert_destinations(only_email, dict(environ) if environ is not None else None)
    assert destination is not None
    return destination


def build_report_email(
    destination: EmailDestination,
    report: BrandReport,
    lang: Lang,
    html: str,
    pdf: bytes | None,
    scan_problems: list[str] | None = None,
) -> EmailMessage:
    """Subject, a plain-text summary, the HTML report as the body, and the PDF attached when given.

    `scan_problems` (render.tables.scan_problem_lines) lead the summary and are counted in the
    subject: a report from stale data must not read like an ordinary one.
    """
    from socialmon.render.tables import headline_items, previous_window_line

    first, last = window_days(report)
    window = lang("window", since=lang.date(first), until=lang.date(last))
    lines = [_say(lang, "intro", brand=report.name, window=window), ""]
    if scan_problems:
        lines += [_say(lang, "scan_problems"), *(f"- {line}" for line in scan_problems), ""]
    for item in headline_items(report, lang):
        lines.append(f"- {item.label}: {item.value}" + (f" {item.change}" if item.change else ""))
    compared = previous_window_line(report, lang)
    lines += ["", compared] if compared else []
    lines += ["", _say(lang, "attached" if pdf else "html_only"), "", "-- ", _say(lang, "footer")]
    message = EmailMessage()
    subject = _say(lang, "subject", brand=report.name, window=window)
    if scan_problems:
        count = len(scan_problems)
        subject += " — " + _say(lang, "subject_problem" if count == 1 else "subject_problems", n=count)
    message["Subject"] = subject
    message["From"] = destination.sender or ""
    message["To"] = ", ".join(destination.to)
    message["Date"] = format_datetime(datetime.now(UTC))  # "+0000": "-0000" would mean no zone known
    message["Message-ID"] = make_msgid(domain=(destination.sender or "socialmon").rpartition("@")[2] or None)
    message["Auto-Submitted"] = "auto-generated"
    message.set_content("\n".join(lines) + "\n")
    message.add_alternative(html, subtype="html")
    if pdf is not None:
        message.add_attachment(
            pdf, maintype="application", subtype="pdf", filename=f"{report.slug}-{first}-{last}.pdf"
        )
    message["Content-Language"] = lang.tag  # "pt-BR"
    return message


def _key(brand: str, view: str, first: date, last: date) -> object:
    return and_(
        REPORT_DELIVERY.c.brand == brand,
        REPORT_DELIVERY.c.view == view,
        REPORT_DELIVERY.c.first_day == first,
        REPORT_DELIVERY.c.last_day == last,
    )


def send_report(
    database: Database,
    destination: EmailDestination,
    report: BrandReport,
    message: EmailMessage,
    *,
    view: str = "summary",
    force: bool = False,
) -> ReportEmailResult:
    """Send `message` unless this brand's report for this window was sent already; raises
    DeliveryError (scrubbed of the password) when the server does not take it."""
    first, last = window_days(report)
    key = _key(report.slug, view, first, last)
    recipients = list(destination.to)
    existing = None
    try:
        with database.write() as connection:  # SQLite: BEGIN IMMEDIATE, one run at a time
            if force:
                connection.execute(delete(REPORT_DELIVERY).where(key))
            existing = connection.execute(
                select(REPORT_DELIVERY.c.id, REPORT_DELIVERY.c.sent_at).where(key)
            ).first()
            if existing is None:
                connection.execute(
                    insert(REPORT_DELIVERY).values(
                        brand=report.slug,
                        view=view,
                        first_day=first,
                        last_day=last,
                        recipients=", ".join(recipients),
                        claimed_at=utcnow(),
                    )
                )
    except IntegrityError:  # PostgreSQL: another run claimed this window at the same moment
        return ReportEmailResult(report.slug, first, last, recipients, sent=False)
    if existing is not None:
        return ReportEmailResult(report.slug, first, last, recipients, sent=False, sent_at=existing.sent_at)
    try:
        refused = send_email(destination, message)
    except DeliveryError as error:
        _release(database, key)
        secrets = [destination.password] if destination.password and len(destination.password) >= 4 else []
        raise DeliveryError(scrub(str(error), secrets)) from None
    except BaseException:
        _release(database, key)
        raise
    now = utcnow()
    with database.write() as connection:
        connection.execute(update(REPORT_DELIVERY).where(key).values(sent_at=now))
    return ReportEmailResult(report.slug, first, last, recipients, sent=True, sent_at=now, refused=refused)


def _release(database: Database, key: object) -> None:
    with database.write() as connection:
        connection.execute(delete(REPORT_DELIVERY).where(key, REPORT_DELIVERY.c.sent_at.is_(None)))  # type: ignore[arg-type]
