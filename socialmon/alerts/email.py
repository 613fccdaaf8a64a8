"""Alerts by e-mail: one message per brand and run, with a plain-text and an HTML part.

The message details the `DETAIL` most severe alerts and sums up the rest in one line, so a
first run over a year of history is one readable e-mail.

SMTP through the standard library: STARTTLS (port 587 by default), implicit TLS ("ssl",
port 465) or none (port 25, for a relay on the same machine). The certificate is verified
against the system's CAs, or against `ca_file` for a server with a private CA. The message
counts as delivered once the server accepted it for at least one recipient.
"""

from __future__ import annotations

import smtplib
import ssl
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from functools import cache

from jinja2 import Environment, PackageLoader, select_autoescape

from socialmon.alerts._errors import DeliveryError
from socialmon.alerts.wording import Batch, intro, say, summarise
from socialmon.config import EmailDestination
from socialmon.render.i18n import Lang

DEFAULT_PORTS = {"starttls": 587, "ssl": 465, "none": 25}
DEFAULT_TIMEOUT = 30.0
COLOURS = {"info": "#0969da", "warning": "#9a6700", "critical": "#cf222e"}
DETAIL = 25  # alerts an e-mail shows one by one


@cache
def _templates() -> Environment:
    return Environment(
        loader=PackageLoader("socialmon.alerts", "templates"),
        autoescape=select_autoescape(enabled_extensions=("html.j2",), default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def subject(brand_name: str, batch: Batch, lang: Lang) -> str:
    if batch.count == 1 and batch.shown:
        return say(lang, "subject_one", brand=brand_name, title=batch.shown[0].title)
    return say(lang, "subject_many", brand=brand_name, count=lang.number(batch.count))


def build_email(destination: EmailDestination, brand_name: str, batch: Batch, lang: Lang) -> EmailMessage:
    """The message: headers, a text/plain part and a text/html alternative in the brand's language."""
    more = summarise(lang, batch.hidden)
    values = {
        "subject": subject(brand_name, batch, lang),
        "intro": intro(lang, batch.count, brand_name),
        "footer": say(lang, "footer"),
        "open_word": say(lang, "open"),
        "alerts": batch.shown,
        "more": more.text if more else None,
        "language": lang.language,
        "colours": COLOURS,
    }
    message = EmailMessage()
    message["Subject"] = values["subject"]
    message["From"] = destination.sender or ""
    message["To"] = ", ".join(destination.to)
    message["Date"] = format_datetime(datetime.now(UTC))  # "+0000": "-0000" would mean no zone known
    message["Message-ID"] = make_msgid(domain=(destination.sender or "socialmon").rpartition("@")[2] or None)
    message["Auto-Submitted"] = "auto-generated"  # RFC 3834: no vacation auto-replies
    message.set_content(_templates().get_template("email.txt.j2").render(values))
    message.add_alternative(_templates().get_template("email.html.j2").render(values), subtype="html")
    message["Content-Language"] = lang.language  # after the parts: set_content drops Content-* headers
    return message


def send_email(destination: EmailDestination, message: EmailMessage) -> list[str]:
    """Hand the message to the server; returns the recipients it refused. Raises DeliveryError."""
    security = destination.security or "starttls"
    port = destination.port or DEFAULT_PORTS[security]
    host = destination.host or "localhost"
    timeout = destination.timeout or DEFAULT_TIMEOUT
    context = ssl.create_default_context(cafile=destination.ca_file)
    try:
        if security == "ssl":
            client: smtplib.SMTP = smtplib.SMTP_SSL(host, port, timeout=timeout, context=context)
        else:
            client = smtplib.SMTP(host, port, timeout=timeout)
        with client:
            if security == "starttls":
                client.starttls(context=context)
            if destination.username:
                client.login(destination.username, destination.password or "")
            refused = client.send_message(message)
    except smtplib.SMTPAuthenticationError as error:
        raise DeliveryError(
            f"e-mail: the server {host}:{port} refused the username or password ({error.smtp_code}); "
            "check alerts.email.username/password or [smtp]"
        ) from None
    except smtplib.SMTPNotSupportedError as error:
        raise DeliveryError(f"e-mail: the server {host}:{port} does not support it: {error}") from None
    except smtplib.SMTPRecipientsRefused as error:
        raise DeliveryError(
            f"e-mail: the server refused every recipient: {', '.join(error.recipients)}"
        ) from None
    except smtplib.SMTPResponseException as error:
        raise DeliveryError(
            f"e-mail: the server {host}:{port} answered {error.smtp_code}: {_text(error.smtp_error)}"
        ) from None
    except ssl.SSLError as error:
        raise DeliveryError(f"e-mail: TLS with {host}:{port} failed: {error.reason or error}") from None
    except (smtplib.SMTPException, OSError) as error:
        raise DeliveryError(
            f"e-mail: cannot deliver through {host}:{port}: {type(error).__name__}: {error}"
        ) from None
    return sorted(refused)


def _text(value: bytes | str) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else value
