"""Alerts by e-mail: one message per brand and run, with a plain-text and an HTML part.

The message details the `DETAIL` most severe alerts and sums up the rest in one line, so a
first run over a year of history is one readable e-mail.

SMTP through the standard library: STARTTLS (port 587 by default), implicit TLS ("ssl",
port 465) or none (port 25, for a relay on the same machine). The certificate is verified
against the system's CAs, or against `ca_file` for a server with a private CA. With "none", a
server that asks for STARTTLS first is told apart from one without AUTH: the message names the
setting to change.

Each recipient is told apart: the server may take the message for some and refuse it for
others at RCPT, for now (4xx: a full mailbox, greylisting) or for good (5xx: no such user).
`send_email_each` says which it refused and what it answered, so alerts keep a delivery per
recipient and a refused one is tried again alone; `send_email` (the report by e-mail) fails
only when it reached nobody.
"""

from __future__ import annotations

import base64
import smtplib
import ssl
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid, parseaddr
from functools import cache

from jinja2 import Environment, PackageLoader, select_autoescape

from socialmon.alerts import tls
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
        "language": lang.tag,  # "pt-BR", as the reports
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
    message["Content-Language"] = lang.tag  # after the parts: set_content drops Content-* headers
    return message


def mailbox(entry: str) -> str:
    """The mailbox an entry of `to` names, which tells recipients apart: the bare address in lower
    case ("Gerente <G@Cafe.Example>" is g@cafe.example). The domain is case-insensitive (RFC 5321
    2.4); the local part may be case-sensitive there, but no mail service a business uses treats it
    so, and telling "Ana@x" from "ana@x" would mail one person twice. An entry that is no address
    ("root", for a relay on this machine) is itself."""
    return (parseaddr(entry)[1] or entry).strip().lower()


def distinct(entries: list[str]) -> list[str]:
    """The entries naming different mailboxes, the first of each as written, in their order."""
    first: dict[str, str] = {}
    for entry in entries:
        first.setdefault(mailbox(entry), entry)
    return list(first.values())


def send_email(destination: EmailDestination, message: EmailMessage) -> list[str]:
    """Hand the message to the server; returns the recipients it refused. Raises DeliveryError,
    also when it refused every recipient."""
    refused = send_email_each(destination, message)
    if refused and len(refused) == len({mailbox(entry) for entry in destination.to}):
        raise DeliveryError(f"e-mail: the server refused every recipient: {', '.join(refused)}")
    return sorted(refused)


def send_email_each(destination: EmailDestination, message: EmailMessage) -> dict[str, str]:
    """Hand the message to the server for each of `destination.to`; returns the ones it refused
    (as written in the config), each with the server's answer ("550 5.1.1 User unknown").
    Raises DeliveryError when the server took it for nobody for another reason."""
    security = destination.security or "starttls"
    port = destination.port or DEFAULT_PORTS[security]
    host = destination.host or "localhost"
    timeout = destination.timeout or DEFAULT_TIMEOUT
    context = tls.for_email(destination.ca_file)
    # The envelope names each address bare ("Ana <ana@x>" is ana@x), as the server's answers do, and
    # each mailbox once: "g@x" and "Gerente <G@X>" listed both would get two copies.
    envelope = {(parseaddr(entry)[1] or entry): entry for entry in distinct(destination.to)}
    try:
        if security == "ssl":
            client: smtplib.SMTP = smtplib.SMTP_SSL(host, port, timeout=timeout, context=context)
        else:
            client = smtplib.SMTP(host, port, timeout=timeout)
        with client:
            if security == "starttls":
                client.starttls(context=context)
            try:
                if destination.username:
                    _login(client, destination.username, destination.password or "", f"{host}:{port}")
                try:
                    refused = client.send_message(message, to_addrs=list(envelope))
                except smtplib.SMTPRecipientsRefused as error:
                    refused = error.recipients
            except (smtplib.SMTPNotSupportedError, smtplib.SMTPResponseException) as error:
                if security == "none" and _asks_for_starttls(client, error):
                    raise DeliveryError(_starttls_first(f"{host}:{port}")) from None
                raise
    except smtplib.SMTPAuthenticationError as error:
        raise DeliveryError(_wrong_login(f"{host}:{port}", error.smtp_code)) from None
    except smtplib.SMTPNotSupportedError as error:
        raise DeliveryError(f"e-mail: the server {host}:{port} does not support it: {error}") from None
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
    return {
        envelope.get(address, address): f"{code} {_text(answer)}".strip()
        for address, (code, answer) in refused.items()
    }


def refusal(address: str, answer: str) -> str:
    """Why a recipient did not get the message: the server's answer, and for a refusal for good
    (5xx, RFC 5321 4.2.1: "no such user") what to check; a 4xx passes by itself, retried next run."""
    if answer.startswith("5"):
        return f"e-mail: the server refused {address} ({answer}); check the address in alerts.email.to"
    return f"e-mail: the server refused {address} for now ({answer})"


def _asks_for_starttls(client: smtplib.SMTP, error: smtplib.SMTPException) -> bool:
    """Whether a server talked to without TLS refused for want of STARTTLS: it offers STARTTLS, and
    no AUTH before it (RFC 3207: a server may offer AUTH only once TLS is on; smtplib then says
    "SMTP AUTH extension not supported"), or it answered 530 (RFC 3207 4: "Must issue a STARTTLS
    command first")."""
    if not client.has_extn("starttls"):
        return False
    if isinstance(error, smtplib.SMTPNotSupportedError):
        return not client.has_extn("auth")
    return getattr(error, "smtp_code", None) == 530


def _starttls_first(server: str) -> str:
    return (
        f'e-mail: the server {server} asks for STARTTLS first, and security is "none"; '
        'set security = "starttls" in [smtp] or [brands.alerts.email]'
    )


def _wrong_login(server: str, code: int) -> str:
    return (
        f"e-mail: the server {server} refused the username or password ({code}); "
        "check alerts.email.username/password or [smtp]"
    )


def _login(client: smtplib.SMTP, username: str, password: str, server: str) -> None:
    """Log in. smtplib sends credentials as ASCII only (a UnicodeEncodeError for "contraseña");
    AUTH PLAIN carries UTF-8 (RFC 4616), so credentials outside ASCII go that way."""
    if username.isascii() and password.isascii():
        client.login(username, password)
        return
    client.ehlo_or_helo_if_needed()
    if not client.has_extn("auth"):
        raise smtplib.SMTPNotSupportedError("SMTP AUTH extension not supported by server.")
    if "PLAIN" not in client.esmtp_features["auth"].upper().split():
        raise DeliveryError(
            f"e-mail: the server {server} takes no username or password with characters outside "
            "ASCII (it offers no AUTH PLAIN); check alerts.email.username/password or [smtp]"
        )
    token = base64.b64encode(f"\0{username}\0{password}".encode()).decode("ascii")
    code, answer = client.docmd("AUTH", f"PLAIN {token}")
    if code != 235:
        raise smtplib.SMTPAuthenticationError(code, answer)


def _text(value: bytes | str) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else value
