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


class ReportEmailError(Exception):
    """The brand has nowhere to send its report, or its mail settings are incomplete (nothing sent)."""


class NoRecipients(ReportEmailError):
    """The brand has no alert recipients and no --email-to was given: its report is not sent
    (the other brands' are)."""

    def __init__(self, brand: str) -> None:
        super().__init__(
            f"brand {brand!r} has no e-mail recipients: set [brands.alerts.email] to = [...] "
            "in the config, or give --email-to ADDRESS"
        )
        self.brand = brand


@dataclass(frozen=True)
class ReportEmailResult:
    brand: str
    first_day: date
    last_day: date
    recipients: list[str]
    sent: bool  # False: already sent for this window (and not forced)
    sent_at: datetime | None = None
    refused: list[str] = field(default_factory=list)


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

    Raises NoRecipients when the brand has none and `to` is empty, ReportEmailError for a `to` that
    is no address, ConfigError for incomplete settings.
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
        raise NoRecipients(brand.slug)
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
    lines = [lang("email_intro", brand=report.name, window=window), ""]
    if scan_problems:
        lines += [lang("email_scan_problems"), *(f"- {line}" for line in scan_problems), ""]
    for item in headline_items(report, lang):
        lines.append(f"- {item.label}: {item.value}" + (f" {item.change}" if item.change else ""))
    compared = previous_window_line(report, lang)
    lines += ["", compared] if compared else []
    lines += ["", lang("email_attached" if pdf else "email_html_only"), "", "-- ", lang("email_footer")]
    message = EmailMessage()
    subject = lang("email_subject", brand=report.name, window=window)
    if scan_problems:
        count = len(scan_problems)
        subject += " — " + lang("email_subject_problem" if count == 1 else "email_subject_problems", n=count)
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
