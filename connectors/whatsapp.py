"""The `whatsapp_export` connector: chats exported with WhatsApp's (or WhatsApp Business's) "Export chat".

The app writes one chat per file: a `.txt` (Android, or unzipped) or a `.zip` holding it (iOS:
`_chat.txt`), named after the chat: "WhatsApp Chat with X", "Chat de WhatsApp con X", "Conversa
do WhatsApp com X" (a second copy gets " (1)", which is dropped). The setting `path` is one file
or a folder of them; a file of the folder that is not a chat export (a document sent in a chat,
unzipped beside it from an export with media; a broken zip) is named and skipped, the others are
stored, and the channel ends partial (failed when no file is an export). Both layouts are read, in
every locale the apps write:

    Android   12/11/26, 9:15 a. m. - Nombre: texto        (also 12/11/2026 09:15 - Nome: texto)
    iOS       [12/11/26, 9:15:32] Nombre: texto           (also [11/12/26, 9:15:32 AM] Name: text)

12- or 24-hour clocks ("a. m."/"p. m."/"AM"/"PM"), 2- or 4-digit years, `/`, `.` or `-` between
day and month, and day and month in either order, decided per file from all its dates: a date
whose first field is over 12 makes the file day-first, one whose second is over 12 month-first
(the dates of lines that name a sender, else of the notices: a date typed at a line's start may be
written the other way round); when none is over 12, the order in which the senders' dates run
forward ("1/5, 1/9, 2/3" is month-first: day-first it would go from 1 May back to 2 March); when
that does not tell either, the channel's `locale` does (month-first for en-US, else day-first),
and the setting `date_order` forces it. The apps put Unicode direction
marks (U+200E) and no-break or narrow no-break spaces (U+00A0, U+202F) in their lines: they are
read as plain spaces or dropped.

A line that does not start with a date and time written as the export writes its messages' (as
its first line does, else most of its first lines: brackets or " - ", separator, the year's digits,
seconds, clock) is the continuation of the message before it: a note or a bit of another chat
pasted in a message stays its text, even where a short chat has more such lines than messages. A
line written exactly as the export writes a message's start is text of the message before it too
when what the chat holds says it was typed or pasted there (a quote, a bit of another chat copied
on an iPhone or from another export, an order's dates typed at the start of lines):
- a line that names no sender and has lines under it (a system notice is one line);
- a line that repeats an earlier message of the chat, its time and text (or its time, sender and
  the start of its text), and is earlier than the chat's latest message: the business's own
  answer (or anyone's message) quoted, with its "date, time - Name:" or "[date, time] Name:";
  quoted from the customer's phone it may name the business as she saved it;
- in a 1:1 chat (the file is named after a sender who writes, a sender is in `business_names`, and
  no group notice such as "Ana añadió a Luis" or 'Ana cambió el asunto a "b"' is in it), two or
  more lines in a row of senders who write nowhere else in the chat; and lines from before the
  chat's latest message among which such a sender's (an earlier bit of a group, with its lines of
  the customer, the business and its notices). One such line at its own time, in order, stays a
  message: a third person's line cannot be told from a paste;
- lines without a sender right under a message that read as no notice (none of the notices'
  words): two or more in a row (an order's dates, one per line), or one out of order with the
  messages around it (a notice is written when it happens) or that is no date in the file's order
  (typed the other way round). A notice right above such lines was pasted with them.
A line's time alone never makes it text: a real message may come hours out of order (sent from a
linked device while the phone was offline, a sender's clock set wrong, a backup restored), and
folding it into the one before would lose it; so a late message that repeats no earlier one and is
among no third sender's lines stays a message, at its time. System lines (the encryption notice,
joins and exits, the business-account notices; subject, group name and description changes, told by
their words, 'Ana cambió el asunto de "a" a "b"', 'changed the subject from', 'mudou o assunto
de'…, so that a sender whose saved name has quotes is kept; on iOS, texts that start with U+200E,
and the encryption and business notices older iOS versions write unmarked, told by their whole
sentences: a message sharing their words is a message) are skipped, except:
media ("<Multimedia omitido>", "<Media omitted>", "<Mídia oculta>", "<Sticker omitted>", "<Video
note omitted>", "imagen omitida", "video note omitted", "Live location shared"…, Android's "null"
for a view-once photo, and an attachment of an export with media, "IMG-….jpg (archivo adjunto)",
"<attached: …>", a document's "Presupuesto • 2 páginas ‎<adjunto: …pdf>"), stored as a message of
its sender whose text is the caption on the lines after it when there is one (Android; not the
document's name, which Android writes again under it), else empty (which gets no sentiment label);
the placeholders of a message whose content the export does not hold ("live location shared",
"Recibiste un mensaje de visualización única…", "Waiting for this message…": the app's sentences
only, words typed after them are a text), stored alike; calls ("Missed voice call", "Llamada de voz
perdida", marked or not: one line with the app's words only) are notices; iOS's shared locations
("Ubicación: https://maps.google.com/?q=…", or a named place "Panadería (Guayaquil): https://…")
and polls ("POLL:" and its question and options on the lines after it), stored as a text like
Android's; and deleted messages ("Se eliminó este mensaje", "This message was deleted", "Mensagem
apagada"…), stored as a deleted message of its sender. The "<Se editó este mensaje.>" mark is
dropped from an edited text. The apps' wordings of these lines are one table per language
(`_WORDINGS`). A sender is named by what comes before the first ": " of a line, except a name
with ": " of its own (one of `business_names`, or the customer's a 1:1 chat is named after), read
whole wherever it appears.

Each chat is a post of kind "conversation" (id: a digest of the chat's name; its author the
customer; `created_at` its last message and `comment_count` its messages, the newest over every
copy of the chat read, in any order, e.g. "… (1).txt" beside the older export) and each message a
comment of kind "message" under it, the business's own when its sender is one of `business_names`.
Times are wall-clock times of the channel's `timezone`; an hour that a daylight-saving change
repeats is told apart by the order of the messages. A message's id is a digest of the chat, its
minute, its sender and its place among that sender's messages of that minute: the same chat
exported again later gives its old messages the same ids, so re-importing a grown export stores
only the new ones. The cursor keeps each file's digest and how many of its records were handed
over (and its chat's last message and count): an unchanged file is not read again, a scan stopped
part way resumes inside the file. It also keeps what each file was read with (`read_with`:
`business_names`, the time zone, the day/month order `date_order` or `locale` gives): a file read
with other values (business_names set after the scan that warned it was not) is read again from
its start, its stored messages updated in place (same ids: who is the business, the times); where
the new reading gives a message another id (a date read the other way round, a chat now known as a
renamed one), the old record is marked gone. An entry without it (an older socialmon's) is read
again once.

With `anchor` set (off by default), a file's times are moved by whole days, on the wall clock,
so that its last message's day lands on the anchor day: `first-scan` (the day the channel first
reads the file), a weekday (the last one on or before that day), or a date, each optionally
followed by `-Nd` (that many days before). The move is chosen on the file's first scan and kept
in the cursor, so a re-scan (even of the same chat exported again later) moves nothing twice.
The quick start's sample export uses it to stay recent; real exports need it not.

A chat is told by its file's name, except a 1:1 chat whose customer was saved as a contact between
two exports ("WhatsApp Chat with +593 99 123 4567" then "WhatsApp Chat with Rosa Mite", or back):
the cursor keeps each 1:1 chat's opening (its first 3 messages' minute, text and side, or all of a
shorter chat) and the names its ids are made from, and an export that opens like a known chat, one
of the two names a phone number, is that chat: its conversation and ids stay the first export's
(only the new messages are added), its customer takes the name the newest export shows. A group
chat, or a contact renamed from one name to another, is still told by its file's name.

The apps write UTF-8; an export with a few broken bytes (cut in the middle of a character) is
still read as UTF-8, a file saved again as Windows-1252 as that.

Limits: iOS exports leave a photo's caption out, so only Android's are kept. A lone dated line
that names no sender and has no line under it, in order with the messages around it or after the
chat's last message ("5/12/26, 09:00 - recoger" as the last line), reads as a system notice and
is skipped (as the last line of an export cut short does). A quote of a message the export does
not hold (older than the export, or cut) with the business's name stays a message of the business.
Messages an older socialmon made of pasted lines stay stored (nothing removes them), and the
message they were cut from gets its whole text once its file changes (a newer export).
"""

from __future__ import annotations

import asyncio
import functools
import gc
import hashlib
import itertools
import logging
import re
import zipfile
from collections import Counter
from collections.abc import AsyncIterator, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from operator import itemgetter
from pathlib import Path
from typing import Any, Literal, NamedTuple
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, field_validator

from socialmon_connectors.base import Connector, ConnectorSettings, SetupNote, TimeZoneName
from socialmon_connectors.errors import Incomplete, SourceError
from socialmon_connectors.records import CommentRecord, Page, PostRecord, Progress, RejectedRecord

log = logging.getLogger("socialmon.whatsapp")

SUFFIXES = (".txt", ".zip")
# Direction marks and other invisible characters the apps put around names and texts.
_MARKS = "\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\ufeff"
# The marks iOS writes before its own lines (U+200F in a right-to-left locale). The others a text
# may start with are the sender's: WhatsApp puts U+202A…U+202C around a phone number and
# U+2068/U+2069 around a mention, and a message starting with one was dropped as a line of the app's.
_APP_MARKS = "\u200e\u200f"
_SPACE_CHARS = "\u202f\u00a0\u2007"
_INVISIBLE = re.compile(f"[{_MARKS}{_SPACE_CHARS}]")
# A message's first line: the date, the time, then "] " (iOS) or " - " (Android); `[^\S\n]` is any
# space but a line break (the apps write U+202F and U+00A0 too).
_MARKS_LEAD = r"[\u200e\u200f\ufeff]*"
_LEAD = "^" + _MARKS_LEAD
_TIME = r"\.?,?[^\S\n]+(\d{1,2})[:.](\d{2})"
_HALF = r"[^\S\n]*([aApP])\.?[^\S\n]*[mM]\.?"
_TAIL = r"(?(1)\][^\S\n]?|[^\S\n]+[-–][^\S\n])"
_ANY_HEADER = re.compile(
    _LEAD + r"(\[)?(\d{1,4})([/.\-])\d{1,2}[/.\-](\d{1,4})" + _TIME + r"(?:[:.](\d{2}))?"
    r"(?:" + _HALF + r")?" + _TAIL,
    re.MULTILINE,
)
_NEVER = "(?!)"  # a group written in this place never takes part: its value is None
SHAPE_SAMPLE = 1000  # first lines that look like a message's start, to learn the export's shape from


def _header_pattern(text: str) -> re.Pattern[str] | None:
    """The first line of a message as this export writes it, with the line break before it (read
    on the text with one put before its first line), or None when no line looks like one.

    The export writes every message's date and time alike (brackets or " - ", the date's separator,
    the year's digits, seconds, a 12-hour clock): a line inside a message that only looks like one
    (the other app's layout, another clock or year: a note, or a bit of another chat forwarded) is
    text of the message it is in. An export begins with a message (or the encryption notice), so
    the form of its first line, when that line looks like a message's start, is the export's: a
    short chat may hold more pasted lines than messages. It is not when that form is outnumbered
    and written only once (a copy opening on a line pasted from the other app); then, as for a copy
    cut in the middle of a message, it is the form most of its first lines have. Groups: "[", day or month or year, month
    or day, year or day, hour, minute, second, a or p (None where the shape has none).

    It starts with the line break, not with "^": the regular-expression engine then skips from one
    line break to the next, where "^" has it try every character (splitting `bench_whatsapp.py`'s
    200,000 lines: 0.32 -> 0.26 s).
    """
    shapes: Counter[tuple[bool, bool, str, int | None, bool, bool]] = Counter()
    opening = None
    for found in itertools.islice(_ANY_HEADER.finditer(text), SHAPE_SAMPLE):
        year_first = len(found[2]) > 2
        shape = (
            found[1] is not None,
            year_first,
            found[3],
            # Only a year's digits are the export's: a day or month is written with 1 or 2.
            None if year_first else len(found[4]),
            found[7] is not None,
            found[8] is not None,
        )
        if not shapes and not _clean(text[: found.start()]).replace("\ufeff", "").strip():
            opening = shape  # the export's first line
        shapes[shape] += 1
    if not shapes:
        return None
    most_common = shapes.most_common(1)[0][0]
    # A copy may also open on a line pasted from the other app: the opening form wins only when it is
    # not outnumbered, or when the export writes it twice (a pasted line seldom opens a copy twice).
    if opening is None or (shapes[opening] < shapes[most_common] and shapes[opening] < 2):
        opening = most_common
    (bracket, year_first, separator, last_digits, seconds, half) = opening
    sep = re.escape(separator)
    return re.compile(
        "\n"
        + _MARKS_LEAD
        + (r"(\[)" if bracket else f"(?:{_NEVER}(\\[))?")
        + (r"(\d{3,4})" if year_first else r"(\d{1,2})")
        + sep
        + r"(\d{1,2})"
        + sep
        + (r"(\d{1,2})" if last_digits is None else f"(\\d{{{last_digits}}})")
        + _TIME
        + (r"[:.](\d{2})" if seconds else f"(?:{_NEVER}(\\d))?(?![:.]\\d)")
        + (_HALF if half else f"(?:{_NEVER}(a))?")
        + _TAIL
    )


_CHAT_NAME = re.compile(
    r"^(?:WhatsApp Chat with|WhatsApp Chat con|Chat de WhatsApp con|Chat de WhatsApp com|"
    r"Conversa do WhatsApp com|Conversa de WhatsApp com|WhatsApp Chat\s*-|Chat de WhatsApp\s*-|"
    r"Conversa do WhatsApp\s*-)\s*(.+?)$",
    re.IGNORECASE,
)
_QUOTES = frozenset('"“”«»')

# --- the apps' words, one table per language ---------------------------------------------------
# The wordings of the lines the apps write themselves, as regular-expression fragments, per
# language: a wording the apps add is added here, and every test built from it reads it. Each
# test below joins one key's fragments over all the languages (an export mixes none, but a phone's
# language may differ from its region's, and a chat read later from another phone).
# Each key holds fragments, or (opening, rest) pairs whose opening is a literal, as the apps write it.
_WORDINGS: dict[str, dict[str, tuple[str, ...] | tuple[tuple[str, str], ...]]] = {
    "en": {
        # A group's subject, name or description changed, or the group created: a quote follows.
        "titled": (
            "changed the subject",
            "changed the group name",
            "changed the group description",
            "created group",
        ),
        # After a member's name: "Ana added Luis" (a name follows), "Ana added you", "Luis left (the
        # group)", "Luis joined using …", "Ana created (the) group …", "Ana changed the subject …".
        "added": ("added", "removed"),
        "added_you": ("added you",),
        "left": ("left",),
        "left_where": ("the group",),
        "joined": ("joined using",),
        "created": ("created",),
        "created_article": ("the ", "this "),
        "group": ("group",),
        "changed": ("changed",),
        "changed_what": ("the subject", "the group", "this group"),
        # What "you" did, where the language writes no subject ("Cambiaste el asunto…").
        "you_did": (),
        # Words of the notices Android writes without a sender (`_NOTICE_WORDS`).
        "notice_words": (
            "end-to-end",
            "security code",
            "phone number",
            r"\bnew number",
            "disappearing messages",
            "blocked this",
            "this business",
            "business account",
            r"\bcontact\.?$",
            r"\btap to\b",
            r"\bgroup\b",
            r"\bcommunity\b",
            r"\badmin",
            "pinned a message",
            "invite link",
            r"\bcall\b",
            r"\bjoin",
        ),
        # The notices that older iOS versions write under the customer's name without U+200E (the
        # encryption notice at the top of a chat; the business's, there or when its account
        # changes): (their opening, the rest of their first sentence), case as written. Only the
        # whole sentence is a notice: a message may share its words ("other companies").
        "unmarked_notices": (
            (
                "Messages",
                r" (?:and calls are end-to-end encrypted"
                r"|(?:you send )?to this chat and calls are (?:now )?secured with end-to-end encryption)\.",
            ),
            (
                "This business",
                r" (?:uses|is using|is now using|works with|is working with|now works with)"
                r" (?:a secure service from Meta|other companies) to manage this chat\.",
            ),
            ("This business account", r" (?:has|is) (?:now )?registered as a standard account\."),
            ("This chat is with", r" a business account\."),
        ),
        # The sentences the apps write after one of those notices, on its line (literal).
        "notice_more": (
            "Tap to learn more.",
            "Tap for more info.",
            "Click to learn more.",
            "Learn more.",
            "No one outside of this chat, not even WhatsApp, can read or listen to them.",
            "Only people in this chat can read, listen to, or share them.",
        ),
        # Calls: a notice of the call, not a text of its caller (iOS marks them; older versions
        # did not), the whole line, with its "Tap to call back" (literal, any case).
        "calls": (("Missed", r" (?:group )?(?:voice |video )?call"),),
        "call_back": ("tap to call back", "click to call back"),
        # A message whose content the export does not hold (a live location, a view-once photo, one
        # the phone could not decrypt yet): a message of its sender with no text.
        "placeholders": (
            ("Live location", r" shared\.?$"),  # iOS
            ("live location", r" shared\.?$"),  # Android
            (
                "You received a view once",
                r" (?:voice )?message\.(?: For added privacy, you can only open it on your phone\.)?$",
            ),
            ("Waiting for this message", r"\.(?: This may take a while\.?)?$"),
        ),
    },
    "es": {
        "titled": (
            "cambi(?:ó|aste) el asunto",
            "cambi(?:ó|aste) el nombre del grupo",
            "cambi(?:ó|aste) la descripción del grupo",
            "cre(?:ó|aste) el grupo",
        ),
        "added": ("añadió a", "agregó a", "eliminó a"),
        "added_you": ("te añadió", "te agregó", "te eliminó"),
        "left": ("salió",),
        "left_where": ("del grupo",),
        "joined": ("se unió (?:usando|mediante)",),
        "created": ("creó",),
        "created_article": ("el ", "este "),
        "group": ("grupo",),
        "changed": ("cambió",),
        "changed_what": (
            "el asunto",
            "el nombre del grupo",
            "la descripción del grupo",
            "el [íi]cono",
            "la imagen (?:de este|del) grupo",
            "la foto del grupo",
        ),
        "you_did": (
            "cambiaste (?:el asunto|el nombre del grupo|la descripción del grupo|el [íi]cono)",
            "creaste (?:el|este) grupo",
            "añadiste a",
            "agregaste a",
            "eliminaste a",
            "saliste del grupo",
            "te uniste",
        ),
        "notice_words": (
            "extremo a extremo",
            "código de seguridad",
            "número de teléfono",
            "nuevo número",
            "mensajes temporales",
            r"\b(?:des)?bloqueaste\b",
            "esta empresa",
            "cuenta de empresa",
            "cuenta comercial",
            r"\bcontacto\.?$",
            r"\btoca para\b",
            r"\bgrupo\b",
            r"\bcomunidad\b",
            "fijó un mensaje",
            "enlace de invitación",
            "llamada",
            "unirse",
        ),
        "unmarked_notices": (
            (
                "Los mensajes",
                r" (?:y las llamadas están cifrados de extremo a extremo"
                r"|(?:que envíes )?(?:a|en) este chat y (?:las )?llamadas (?:ahora )?están"
                r" (?:protegidos|cifrados) con (?:el )?cifrado de extremo a extremo)\.",
            ),
            (
                "Esta empresa",
                r" (?:usa|está usando|ahora usa|trabaja con|está trabajando con|ahora trabaja con)"
                r" (?:un servicio seguro de Meta|otras empresas) para (?:administrar|gestionar) este chat\.",
            ),
            ("Esta cuenta de empresa", r" (?:ahora )?está registrada como (?:una )?cuenta estándar\."),
            ("Este chat es con", r" una cuenta de empresa\."),
        ),
        "notice_more": (
            "Toca para obtener más información.",
            "Toca para más información.",
            "Haz clic para obtener más información.",
            "Más información.",
            "Nadie fuera de este chat, ni siquiera WhatsApp, puede leerlos ni escucharlos.",
            "Solo las personas en este chat pueden leerlos, escucharlos o compartirlos.",
        ),
        "calls": (
            ("Llamada", r"(?: de voz| de video| de vídeo)?(?: grupal)? perdida"),
            ("Videollamada", r"(?: grupal)? perdida"),
        ),
        "call_back": (
            "toca para devolver la llamada",
            "pulsa para devolver la llamada",
            "haz clic para devolver la llamada",
        ),
        "placeholders": (
            ("Ubicación en tiempo real", r" compartida\.?$"),
            ("Localización en tiempo real", r" compartida\.?$"),
            (
                "Recibiste un mensaje",
                r" (?:de voz )?de visualización única\."
                r"(?: Para mayor privacidad, solo puedes abrirlo en tu teléfono\.)?$",
            ),
            ("Esperando", r" (?:este|el) mensaje\.(?: Esto puede (?:tomar|tardar)(?: [^\n.?!]{1,20})?\.)?$"),
            # Then, it may be, the app's sentence sending to WhatsApp on the phone; not a question.
            (
                "No se puede mostrar este mensaje aquí",
                r"\.(?: [^\n.?!¿¡]{0,80}\bWhatsApp\b[^\n.?!¿¡]{0,80}\.)?$",
            ),
        ),
    },
    "pt": {
        "titled": (
            "(?:mudou|alterou) o assunto",
            "(?:mudou|alterou) o nome do grupo",
            "(?:mudou|alterou) a descrição do grupo",
            "criou o grupo",
        ),
        "added": ("adicionou", "removeu"),
        "added_you": ("te adicionou", "te removeu"),
        "left": ("saiu",),
        "left_where": ("do grupo",),
        "joined": ("entrou usando",),
        "created": ("criou",),
        "created_article": ("o ",),
        "group": ("grupo",),
        "changed": ("mudou", "alterou"),
        "changed_what": (
            "o assunto",
            "o nome do grupo",
            "a descrição do grupo",
            "a imagem (?:deste|do) grupo",
            "o [íi]cone (?:deste|do) grupo",
        ),
        "you_did": (),
        "notice_words": (
            "ponta a ponta",
            "código de segurança",
            "número de telefone",
            "novo número",
            "mensagens temporárias",
            r"\b(?:des)?bloqueou\b",
            "conta comercial",
            r"\bcontato\.?$",
            r"\btoque para\b",
            r"\bgrupo\b",
            r"\bcomunidade\b",
            "fixou uma mensagem",
            "link de convite",
            "chamada",
        ),
        "unmarked_notices": (
            (
                "As mensagens",
                r" e (?:as )?(?:chamadas|ligações) (?:são|estão) protegidas com (?:a )?criptografia de ponta a"
                r" ponta(?: e ficam somente entre você e os participantes desta conversa)?\.",
            ),
            (
                "Esta empresa",
                r" (?:usa|está usando|agora usa|trabalha com|está trabalhando com|agora trabalha com)"
                r" (?:um serviço seguro da Meta|outras empresas) para gerenciar esta conversa\.",
            ),
            ("Esta conta comercial", r" (?:agora )?está registrada como (?:uma )?conta padrão\."),
            ("Esta conversa é com", r" uma conta comercial\."),
        ),
        "notice_more": (
            "Toque para saber mais.",
            "Toque para mais informações.",
            "Clique para saber mais.",
            "Saiba mais.",
            "Nem mesmo o WhatsApp pode ler ou ouvi-las.",
            "Ninguém fora desta conversa, nem mesmo o WhatsApp, pode ler ou ouvi-las.",
            "Somente as pessoas que fazem parte da conversa podem ler, ouvir e compartilhar esse conteúdo.",
        ),
        "calls": (
            ("Chamada", r"(?: de voz| de vídeo)?(?: em grupo)? perdida"),
            ("Ligação", r"(?: de voz| de vídeo)?(?: em grupo)? perdida"),
            ("Videochamada", r"(?: em grupo)? perdida"),
        ),
        "call_back": (
            "toque para retornar a chamada",
            "toque para retornar a ligação",
            "toque para ligar de volta",
            "clique para retornar a chamada",
        ),
        "placeholders": (
            ("Localização em tempo real", r" compartilhada\.?$"),
            (
                "Você recebeu uma mensagem",
                r" (?:de voz )?de visualização única\."
                r"(?: Para mais privacidade, você só pode abri-la no seu celular\.)?$",
            ),
            (
                "Aguardando",
                r" (?:a |esta |essa )?mensagem\.(?: Isso pode (?:levar|demorar)(?: [^\n.?!]{1,20})?\.)?$",
            ),
        ),
    },
}


def _words(key: str) -> str:
    """One key's fragments of every language, as alternatives."""
    return "|".join(dict.fromkeys(fragment for words in _WORDINGS.values() for fragment in words[key]))


def _literals(key: str) -> str:
    """One key's literal sentences of every language, as alternatives."""
    return "|".join(
        re.escape(sentence) for sentence in dict.fromkeys(s for w in _WORDINGS.values() for s in w[key])
    )


def _opened(key: str) -> str:
    """One key's (opening, rest) pairs of every language, as alternatives."""
    pairs = dict.fromkeys(pair for words in _WORDINGS.values() for pair in words[key])
    return "|".join(re.escape(opening) + rest for opening, rest in pairs)


# Android's notices that quote a group's name or subject, whose quotes may hold ": " ('Ana cambió el
# asunto de "Pedidos: nov" a "Pedidos"'): the text before the first ": " has the notice's words and
# an opening quote. A sender's saved name may have quotes too (Juan "El Flaco" Pérez), not these words.
_GROUP_NOTICE = re.compile(rf"(?:^|\s)(?:{_words('titled')})\b[^\"“”«»]*[\"“”«»]", re.IGNORECASE)
# A sender the phone has not saved: its number as the export writes it ("+593 99 123 4567"; Android
# may write "+52 1 55 1234‑5678" with no-break spaces and a non-breaking hyphen, U+2011). Only this
# test reads those dashes as hyphens: names are compared as written, so stored ids stay the same.
_PHONE = re.compile(r"^\+?[\d\s().\-\u2010\u2011\u2012\u2013]{7,}$")
_COPY = re.compile(r"\s*\(\d{1,3}\)$")  # "… (1).txt": a second download of the same export
# Media left out of an export without media, and attachments of an export with media (iOS writes a
# document's name and pages before it: "Presupuesto • 2 páginas ‎<adjunto: 00000014-Presupuesto.pdf>").
_MEDIA = re.compile(
    r"^(?:<(?:multim[eé]dia omitid[oa]|media omitted|m[íi]dia oculta|arquivo de m[íi]dia oculto|"
    r"archivo multimedia omitido)>"
    r"|(?:.*\s)?<(?:attached|adjunto|anexado|archivo adjunto): [^>]+>"
    r"|.+ \((?:archivo adjunto|file attached|arquivo anexado)\))$",
    re.IGNORECASE,
)
# iOS: "‎imagen omitida", "‎image omitted", "‎vídeo omitido", "‎Contact card omitted", "‎video note omitted",
# "‎Presupuesto.pdf • 2 páginas ‎documento omitido" (only after U+200E); Android, typed: "<Sticker
# omitted>", "<Video note omitted>", "<Sticker omitido>" (the whole text inside <…>).
_MEDIA_WORDS = re.compile(
    r"(?:^|\s)(?:imagen|image|imagem|photo|foto|video note|video|vídeo|audio|áudio|sticker|figurinha|gif|"
    r"documento|document|"
    r"tarjeta de contacto|contact card|cartão de contato|contato|ubicación|location)\s+"
    r"(?:omitid[oa]|omitted|ocultad[oa]|ocult[oa]|omitid[oa]s)$",
    re.IGNORECASE,
)
# iOS: a shared location, "‎Location: https://maps.google.com/?q=…", or a named place, "‎Panadería
# (Guayaquil): https://…": a message of its sender (marked with U+200E like the system lines).
_LOCATION = re.compile(r"^[^\n]{1,300}?: https?://\S+$")
# iOS: a live location shared ("‎Live location shared"), marked like a media line: a message of its
# sender with no text.
_LIVE_LOCATION = re.compile(
    r"^(?:live location|ubicación en tiempo real|localización en tiempo real|localização em tempo real)",
    re.IGNORECASE,
)
# A poll's first line, "POLL:" (iOS marks it, and each line under it, with U+200E), then its question
# and its options on the lines after it: what its sender wrote, a message.
_POLL = frozenset({"poll:", "encuesta:", "enquete:", "sondagem:"})
# Lines under a sender's name that are no text of theirs, told by the apps' words: the notices at
# the top of a chat, which older iOS versions write under the customer's name without the U+200E
# that marks the others (so that the chat does not open on the customer "saying" them), and calls
# written so (a notice of the call); and the placeholders of a message whose content the export
# does not hold (a message of its sender, with no text). `_NOTICE_OPENINGS` is a cheap first test.
_UNMARKED = re.compile(
    f"(?P<system>(?:{_opened('unmarked_notices')})(?: (?:{_literals('notice_more')}))*$"
    f"|(?i:(?:{_opened('calls')})(?:, (?:{_literals('call_back')}))?\\.?$))"
    f"|(?P<media>(?i:{_opened('placeholders')}))"
)
# Openings as the apps write them, case and all: most texts start with a lower-case letter, which
# then costs no more than this set's lookup.
_NOTICE_OPENINGS = tuple(
    dict.fromkeys(
        opening
        for words in _WORDINGS.values()
        for key in ("unmarked_notices", "calls", "placeholders")
        for opening, _ in words[key]
    )
)
_NOTICE_INITIALS = frozenset(opening[0] for opening in _NOTICE_OPENINGS)
_DELETED = frozenset(
    {
        "se eliminó este mensaje",
        "eliminaste este mensaje",
        "este mensaje fue eliminado",
        "this message was deleted",
        "you deleted this message",
        "mensagem apagada",
        "você apagou esta mensagem",
        "esta mensagem foi apagada",
    }
)
_EDITED = re.compile(
    r"\s*<(?:se editó este mensaje\.?|se ha editado este mensaje\.?|this message was edited|mensagem editada|"
    r"esta mensagem foi editada|editado|edited)>$",
    re.IGNORECASE,
)


class WhatsAppSettings(ConnectorSettings):
    path: str = Field(description="an exported chat (.txt or .zip) or a folder of them")
    business_names: list[str] = Field(
        default_factory=list,
        description="the names the business's own messages are sent under (as the export writes them)",
    )
    timezone: TimeZoneName | None = Field(
        default=None, description="time zone of the export's times (the phone's); default: the brand's"
    )
    date_order: Literal["auto", "dmy", "mdy"] = Field(
        default="auto",
        description="day and month order of the dates: auto decides per file from all its dates",
    )
    locale: str = Field(
        default="es",
        description="the phone's language and region (es, pt-BR, en-US…): the date order when no date tells",
    )
    page_size: int = Field(default=2000, ge=1, le=100_000, description="records per stored page")
    anchor: str | None = Field(
        default=None,
        description="move each export's times by whole days so its last day lands on this day: "
        "first-scan, a weekday (the last one on or before the first scan) or a date, optionally "
        "followed by -Nd (days before); kept from the first scan on. Default: off (the real times)",
    )

    @field_validator("anchor")
    @classmethod
    def _known_anchor(cls, value: str | None) -> str | None:
        if value is None or value.strip().lower() in ("", "off", "none"):
            return None
        value = value.strip().lower()
        anchor_parts(value)  # ValueError when it cannot be read
        return value


WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_ANCHOR = re.compile(r"^(first-scan|[a-z]+|\d{4}-\d{2}-\d{2})(?:-(\d{1,4})d)?$")


def anchor_parts(value: str) -> tuple[str, int]:
    """("first-scan" | a weekday | an ISO date, days before) of an `anchor` setting."""
    found = _ANCHOR.match(value)
    base = found.group(1) if found else ""
    if found and base not in ("first-scan", *WEEKDAYS):
        try:
            date.fromisoformat(base)
        except ValueError:
            found = None
    if not found:
        raise ValueError(
            "must be first-scan, a weekday (monday … sunday) or a date like 2026-11-21, optionally "
            "followed by -Nd (e.g. saturday-5d)"
        )
    return base, int(found.group(2) or 0)


def anchor_day(value: str, today: date) -> date:
    """The day an `anchor` setting means, on a first scan made on `today`."""
    base, before = anchor_parts(value)
    if base == "first-scan":
        day = today
    elif base in WEEKDAYS:
        day = today - timedelta(days=(today.weekday() - WEEKDAYS.index(base)) % 7)
    else:
        day = date.fromisoformat(base)
    return day - timedelta(days=before)


def shifted(messages: list[Message], days: int, zone: ZoneInfo) -> list[Message]:
    """`messages` moved by `days` whole days on the wall clock of `zone`."""
    if not days:
        return messages
    step = timedelta(days=days)
    return [
        m._replace(
            created_at=(m.created_at.astimezone(zone).replace(tzinfo=None) + step)
            .replace(tzinfo=zone)
            .astimezone(UTC)
        )
        for m in messages
    ]


# --- parsing: an export's text → messages (pure) --------------------------------------------


class Message(NamedTuple):
    platform_id: str
    sender: str
    is_business: bool
    text: str
    created_at: datetime  # UTC
    deleted: bool
    line: int


@dataclass
class Chat:
    """One export read: its chat, its messages in order, the lines that could not be read."""

    name: str
    messages: list[Message] = field(default_factory=list)
    rejected: list[tuple[int, str]] = field(default_factory=list)  # (line, reason)
    headers: int = 0  # lines that start a message or a system notice
    date_order: str = "dmy"
    id_chat: str | None = None  # the name its ids are made from, when not `name` (a renamed chat)

    @property
    def platform_id(self) -> str:
        return chat_id(self.id_chat or self.name)

    def customers(self) -> set[str]:
        """The compared names of the senders that are not the business."""
        return {_name_key(m.sender) for m in self.messages if not m.is_business}


OPENING = 3  # messages a renamed chat must share with the known one (or all of the shorter)


def opening(messages: list[Message]) -> list[str]:
    """Digests of a chat's first 1, 2 … `OPENING` messages: their minute, text and whether the
    business sent them, not the customer's name (which a contact saved between exports changes)."""
    digests: list[str] = []
    running = hashlib.sha1()
    for message in messages[:OPENING]:
        minute = message.created_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M")
        running.update(f"{minute}\x1f{int(message.is_business)}\x1f{message.text}\x1e".encode())
        digests.append(running.copy().hexdigest()[:16])
    return digests


def chat_id(name: str) -> str:
    return "wa-chat-" + hashlib.sha1(_name_key(name).encode()).hexdigest()[:24]


def _name_key(name: str) -> str:
    """A sender's or chat's name as compared: no marks, single spaces, no "~ " (iOS, non-contacts), casefolded."""
    return " ".join(_clean(name).lstrip("~").split()).casefold()


def chat_name(filename: str) -> str:
    """The chat's name from an export's file name ("WhatsApp Chat with Ana (1).txt" → "Ana")."""
    stem = Path(filename).stem
    stem = _COPY.sub("", _clean(stem)).strip()
    found = _CHAT_NAME.match(stem)
    return found.group(1).strip() if found else stem


# Babel reads these as en_US_POSIX or a root locale: no phone is set to them, and read so they
# made a config's `locale = "C"` month-first.
_NO_REGION_LOCALES = frozenset({"c", "posix", "und", "root"})


@functools.cache
def default_date_order(locale: str) -> str:
    """The day/month order a phone set to `locale` writes its dates in: month-first ("mdy") where
    the locale's short date (CLDR's, as Babel has it) puts the month before the day and the year
    not first ("M/d/yy": en-US, es-PA, es-PR, en-PR, fil…), else day-first ("dmy": "d/M/yy",
    "dd/MM/y"; a year-first "y-MM-dd" names no order, and the apps' day-first is the commoner).
    A locale Babel does not know, or cannot read: month-first for US and Philippine English (and a
    bare "en"), day-first for every other."""
    from babel import Locale, UnknownLocaleError  # here: only a chat whose dates do not tell asks

    name = locale.strip().split(".")[0].split("@")[0]  # "en_US.UTF-8" -> "en_US"
    pattern: str | None = None
    if name.casefold() not in _NO_REGION_LOCALES:
        try:
            pattern = Locale.parse(name.replace("-", "_")).date_formats["short"].pattern
        except (UnknownLocaleError, ValueError, TypeError, KeyError, AttributeError):
            pattern = None
    if isinstance(pattern, str):
        fields = re.sub(r"'[^']*'", "", pattern)  # quoted literals are no fields
        month, day = _first_of(fields, "ML"), _first_of(fields, "d")
        year = _first_of(fields, "yYur")
        if month is not None and day is not None:
            first_year = year is not None and year < min(month, day)
            return "mdy" if month < day and not first_year else "dmy"
    parts = re.split(r"[-_]", name.lower())
    if parts[0] == "en" and (len(parts) == 1 or parts[1] in ("us", "ph")):
        return "mdy"
    return "dmy"


def _first_of(pattern: str, letters: str) -> int | None:
    """Where the first of a date pattern's `letters` (one field's) is, or None."""
    places = [place for place in map(pattern.find, letters) if place >= 0]
    return min(places) if places else None


def _kind(text: str, marked: bool) -> str:
    """What a line's text is: "text", "media", "deleted" or "system" (skipped)."""
    if not text:
        return "system" if marked else "text"
    if 15 <= len(text) <= 28 and text.rstrip(".").strip().casefold() in _DELETED:
        return "deleted"
    if (text[0] == "<" or marked or text[-1] in ")>") and (
        _MEDIA.match(text)
        or (marked and _MEDIA_WORDS.search(text))
        or (text[0] == "<" and text[-1] == ">" and _MEDIA_WORDS.match(text[1:-1]))
    ):
        return "media"
    if marked and (_LOCATION.match(text) or text.casefold() in _POLL):
        return "text"
    if marked and _LIVE_LOCATION.match(text):
        return "media"
    if text[0] in _NOTICE_INITIALS and text.startswith(_NOTICE_OPENINGS):
        # A placeholder is a message, marked or not; a notice (unmarked: older iOS) is none.
        unmarked = _UNMARKED.match(text)
        if unmarked:
            return "system" if unmarked.lastgroup == "system" else "media"
    return "system" if marked else "text"


def _clean(text: str) -> str:
    """`text` without direction marks, its no-break and narrow spaces as plain spaces."""
    # Most texts have none: one search (0.3 µs) before looking for each of them in turn (0.6 µs).
    if text.isascii() or not _INVISIBLE.search(text):
        return text
    for mark in _MARKS:
        if mark in text:
            text = text.replace(mark, "")
    for space in _SPACE_CHARS:
        if space in text:
            text = text.replace(space, " ")
    return text


def _time_error(minute: int, second: int) -> str:
    """Why `minute` and `second` are no time, as datetime says it ("minute must be in 0..59")."""
    try:
        datetime(1, 1, 1, 0, minute, second)
    except ValueError as error:
        return str(error)
    return ""


def _date_order_of(dates: Iterable[tuple[str, str]]) -> str | None:
    """Day-first ("dmy") or month-first ("mdy") from the first and second fields of `dates`: a first
    field over 12 says day-first, a second one over 12 month-first; None when none tells, or both."""
    day_first = month_first = False
    for a, b in set(dates):
        first, second = int(a), int(b)
        if first > 31:  # year first
            continue
        day_first = day_first or (first > 12 and second <= 12)
        month_first = month_first or (second > 12 and first <= 12)
    if day_first != month_first:
        return "dmy" if day_first else "mdy"
    return None


def _date_order_running(dates: Iterable[tuple[str, str, str]]) -> str | None:
    """Day-first ("dmy") or month-first ("mdy") from `dates` (first field, second field, year) in
    the file's order, when no field is over 12: the apps write a chat in order, so the reading in
    which fewer of its dates go back in time is the phone's ("1/5, 1/9, 2/3" runs forward
    month-first; day-first it is 1 May, 1 September, 2 March). None when both readings run as far
    forward (2, 3 and 4 January: 1 February, 1 March, 1 April)."""
    back = {"dmy": 0, "mdy": 0}
    last: dict[str, tuple[int, int, int]] = {}
    for a, b, c in dict.fromkeys(dates):  # each date once, where it first appears
        first, second, year = int(a), int(b), int(c)
        if first > 31:  # year first: the same either way
            continue
        year += 2000 if year < 100 else 0
        for order, day in (("dmy", (year, second, first)), ("mdy", (year, first, second))):
            if order in last and day < last[order]:
                back[order] += 1
            last[order] = day
    if back["dmy"] != back["mdy"]:
        return "dmy" if back["dmy"] < back["mdy"] else "mdy"
    return None


class _Hour(NamedTuple):
    """A header's date and hour, read."""

    utc_wall: datetime  # the hour on the wall clock, in UTC: a message's is this plus its minutes
    early: timedelta  # the zone's offset at it (fold 0)
    late: timedelta  # the zone's offset at its second pass (fold 1) when the clocks repeat it
    prefix: str  # "YYYY-MM-DDTHH:", as messages' ids write it


# Each second of an hour as a timedelta: a message's UTC wall time is its hour's plus one of these,
# 0.03 µs where building its datetime took 0.34 µs (0.06 s of a 200,000-line export's 1.6 s).
_INTO_HOUR = tuple(timedelta(seconds=second) for second in range(3600))


def _hour(a: int, b: int, c: int, hour: int, half: str | None, order: str, zone: ZoneInfo) -> _Hour:
    """The date (a, b, c in the export's `order`) and hour (of a 12-hour clock if `half`) read."""
    if a > 31:
        year, month, day = a, b, c
    elif order == "dmy":
        day, month, year = a, b, c
    else:
        month, day, year = a, b, c
    if year < 100:
        year += 2000
    if half is not None:
        if not 1 <= hour <= 12:
            raise ValueError(f"{hour} is not an hour of a 12-hour clock")
        hour = hour % 12 + (12 if half in "pP" else 0)
    early = datetime(year, month, day, hour, tzinfo=zone)  # ValueError for 31/02
    late = early.replace(fold=1)
    zero = timedelta(0)
    prefix = f"{year:04d}-{month:02d}-{day:02d}T{hour:02d}:"
    utc_wall = datetime(year, month, day, hour, tzinfo=UTC)
    return _Hour(utc_wall, early.utcoffset() or zero, late.utcoffset() or zero, prefix)


class _Hours(dict[tuple[str, str, str, str, str | None], _Hour | str]):
    """`_hour_or_reason` of each (a, b, c, hour, half) asked for, read once."""

    def __init__(self, order: str, zone: ZoneInfo) -> None:
        super().__init__()
        self.order, self.zone = order, zone

    def __missing__(self, key: tuple[str, str, str, str, str | None]) -> _Hour | str:
        hour = self[key] = _hour_or_reason(key, self.order, self.zone)
        return hour


def _hour_or_reason(key: tuple[str, str, str, str, str | None], order: str, zone: ZoneInfo) -> _Hour | str:
    """`_hour` of a header's (a, b, c, hour, half), or why they are no date and time."""
    try:
        return _hour(int(key[0]), int(key[1]), int(key[2]), int(key[3]), key[4], order, zone)
    except ValueError as error:
        return f"{'/'.join(key[:3])} {key[3]}h is not a date and time (read {order}): {error}"


# A line of the export's own layout inside a message (a bit of another chat pasted in, a quote, an
# order's dates) is told from a message's start by who it names and by what else the chat holds,
# never by its time alone: a real message may come hours out of order (sent from a linked device
# while the phone was offline, a sender's clock set wrong, a chat restored from a backup), and
# folding it into the one before would lose it.
# A group's notices ("Ana añadió a Luis", "Luis joined using this group's invite link", 'Ana
# changed the subject to "Pedidos"'): a chat that has one is a group, whose members may write
# anywhere, however seldom. Shaped as the apps write them, a name first ("Ana añadió a Luis",
# "Luis left", "You changed this group's icon"; Spanish's "you" has none: "Cambiaste el asunto…"),
# so that a pasted line such as "Su pedido salió del centro" is no group notice.
_GROUP_MEMBERSHIP = re.compile(
    r"^[\u200e\u200f]*(?:\S.*? (?:"
    rf"(?:{_words('added')}) \S.*"
    rf"|(?:{_words('added_you')})\b.*"
    rf"|(?:{_words('left')})(?: (?:{_words('left_where')}))?"
    rf"|(?:{_words('joined')}) .*"
    rf"|(?:{_words('created')}) (?:{_words('created_article')})?(?:{_words('group')})\b.*"
    rf"|(?:{_words('changed')}) (?:{_words('changed_what')})\b.*"
    rf")|(?:{_words('you_did')})\b.*)$",
    re.IGNORECASE,
)
# Words of the notices Android writes without a sender, besides a group's: the encryption and
# business-account notices, a security code or phone number changed, disappearing messages, a
# contact blocked, calls. A line without a sender that has none of them, typed right under a
# message, is that message's text (an order's dates, one per line).
_NOTICE_WORDS = re.compile(_words("notice_words"), re.IGNORECASE)


def _reads_as_notice(line: str) -> bool:
    """Whether a line without a sender says what one of the apps' notices says."""
    return bool(_NOTICE_WORDS.search(line) or _GROUP_MEMBERSHIP.search(line))


def _sender_of(sender: str, colon: str) -> str | None:
    """The sender a message's first line (after its date and time, split at its first ": " into
    `sender`, `colon` and its text) names; None for a system line."""
    if not colon:
        return sender[:-1] if sender.endswith(":") else None  # "Name:" alone: a message whose text is empty
    if _QUOTES.intersection(sender) and _GROUP_NOTICE.search(sender):
        return None  # 'Ana cambió el asunto de "Pedidos: nov" a …': a system line
    return sender


# What may stand between two words of a name, and before it, as the apps write it: spaces (plain,
# no-break, narrow) and direction marks; iOS's "~" before a sender who is not a contact.
_NAME_GAP = f"[\\s{_MARKS}]+"
_NAME_LEAD = f"[\\s{_MARKS}~]*"


def _split_at_named_colons(firsts: list[tuple[str, str, str]], names: Iterable[str]) -> None:
    """Split again, in place, the lines of `firsts` (a line's first line split at its first ": ")
    whose first ": " is inside one of `names`: at the first ": " after the name ('Café Olmo:
    Centro: hola' is Café Olmo: Centro's "hola"), or nowhere when none follows (a notice naming it,
    'Your security code with Café Olmo: Centro changed.')."""
    patterns = [
        re.compile(
            _NAME_LEAD + _NAME_GAP.join(re.escape(word) for word in _clean(name).lstrip("~").split()),
            re.IGNORECASE,
        )
        for name in names
    ]
    # A line whose first ": " is inside a name holds, before it, the name's first word, without
    # the colon that may end it ("Olmo: Centro: hola" is split at "Olmo").
    heads = [_clean(name).lstrip("~").split()[0].removesuffix(":").casefold() for name in names]
    for k, (named, colon, said) in enumerate(firsts):
        if not colon or not any(head in named.casefold() for head in heads):
            continue
        line = named + colon + said
        spans = [found.span() for pattern in patterns for found in pattern.finditer(line)]
        cut = len(named)
        while cut >= 0 and any(start <= cut < end for start, end in spans):
            cut = line.find(": ", cut + 1)
        if cut != len(named):
            firsts[k] = (line, "", "") if cut < 0 else (line[:cut], ": ", line[cut + 2 :])


def _phone_digits(name: str) -> str | None:
    return re.sub(r"\D", "", name) if _PHONE.match(name) else None


def _two_people(chat: str, senders: set[str], business: set[str]) -> set[str] | None:
    """The compared names of a 1:1 chat's two people, or None when they are not known.

    The export of a 1:1 chat is named after the other person as the phone shows them, and that is
    the name their messages are written under; the business's are under `business_names`. When
    both are among the `senders` who wrote a text of their own, nobody else writes in it. (An iOS
    group's notices are written under the group's name, marked: the group's name writes nothing.)
    None for a group chat, a file renamed, a chat the business has not written in yet, or one whose
    `business_names` is wrong (its replies must not be taken for pasted lines).
    """
    own = _name_key(chat)
    customer = own if own in senders else None
    if customer is None and (digits := _phone_digits(own)):
        customer = next((key for key in senders if _phone_digits(key) == digits), None)
    owners = business & senders
    if customer is None or customer in business or not owners:
        return None
    return {customer, *owners}


def _message_starts(
    bodies: list[str],
    firsts: list[tuple[str, str, str]],
    chat: str,
    business: set[str],
    walls: list[datetime | None],
) -> list[int]:
    """Which of the lines written as the export writes a message's start (each given by its
    `bodies`, the text after its date and time up to the next such line, their `firsts` lines
    split at their first ": ", and their `walls` times) do start one; the others are text of the
    message before them.

    Such a line is text of the message it is in when
    - it names no sender and has lines under it (a system notice is one line: "5/12/26, 9:00 -
      recoger en tienda" and what follows is text someone wrote);
    - the chat is 1:1 (no group notice in it) and it names a third sender, in two or more lines in
      a row whose third senders write nowhere else in the chat (a bit of another chat pasted in);
    - it is one of the lines of `_pasted_in_place` (a quote, an earlier bit of a group, an order's
      dates typed one per line).
    Its time alone never makes a line text (see `_GROUP_MEMBERSHIP`'s comment). The export's first
    line starts a message unless it is one of these (a copy that opens inside a message): it is then
    text before the first message, said as such.
    """
    count = len(bodies)
    keys: dict[str, str | None] = {}  # what a line names before ": " → the sender's compared name
    for named, colon, _ in firsts:
        if keys.get(named, "") == "":
            sender = _sender_of(named, colon)
            keys[named] = None if sender is None else _name_key(sender)
    senders = [keys[named] for named, _, _ in firsts]
    writers: set[str] = set()  # senders with a text of their own, not only iOS's marked notices
    for key, (_, _, said) in zip(senders, firsts, strict=True):
        if key is not None and key not in writers and not (said and said[0] in _APP_MARKS):
            writers.add(key)
    # A line without a sender that has lines under it (a system notice is one line) is pasted text,
    # and so are lines of another chat pasted in a 1:1 chat (below).
    pasted_lines = {
        k for k, key in enumerate(senders) if key is None and bodies[k].partition("\n")[2].strip()
    }
    group = _has_group_notice(senders, firsts, walls, pasted_lines)
    people = None if group else _two_people(chat, writers, business)
    seen: Counter[str | None] = Counter()
    if people is not None:
        # Runs of lines in a row that neither of the two people wrote. A third sender who writes in
        # two runs is seen elsewhere: someone the chat has (a 1:1 chat's name given to a group). A
        # run of one line is kept as written here: a lone line of a third person is told from a
        # paste by its time (`_pasted_in_place`); two or more lines whose senders write nowhere
        # else are a bit of another chat.
        runs: list[tuple[int, int]] = []
        for k in (k for k, sender in enumerate(senders) if sender not in people):
            if runs and runs[-1][1] == k:
                runs[-1] = (runs[-1][0], k + 1)
            else:
                runs.append((k, k + 1))
        seen.update(sender for start, end in runs for sender in set(senders[start:end]))
        for start, end in runs:
            thirds = {sender for sender in senders[start:end] if sender is not None}
            if not thirds or any(seen[sender] > 1 for sender in thirds):
                continue
            if end - start > 1 or "\n" in bodies[start].strip():
                pasted_lines.update(range(start, end))
    _pasted_in_place(senders, firsts, walls, people, seen, pasted_lines)
    if not pasted_lines:
        return list(range(count))
    # Lines pasted under a system notice would be lost with it (a notice is not stored): a notice
    # right above pasted lines (without a sender, or iOS's, marked) was pasted with them.
    for k in sorted(pasted_lines):
        above = k - 1
        while above >= 0 and above not in pasted_lines and _is_notice(senders[above], firsts[above][2]):
            pasted_lines.add(above)
            above -= 1
    return [k for k in range(count) if k not in pasted_lines]


def _is_notice(sender: str | None, said: str) -> bool:
    """Whether a line naming `sender` (None: none) and saying `said` is a system notice."""
    return sender is None or (said[:1] in _APP_MARKS and _kind(_clean(said).strip(), True) == "system")


NOTICE_WINDOW = 20  # lines above a group notice whose times tell whether it was pasted there
# How much older than a line above it a group notice is when pasted there (a bit of a group copied
# into a message): the apps write a notice at its event's time, which may be some seconds or
# minutes before the messages around it (iOS: "[19:29:40] Ana: hola" then "[19:29:20] Ana changed
# the subject to …").
PASTED_NOTICE_AGE = timedelta(hours=1)
_LONG_AGO = datetime.min.replace(tzinfo=UTC)  # before every line's time


def _has_group_notice(
    senders: list[str | None],
    firsts: list[tuple[str, str, str]],
    walls: list[datetime | None],
    pasted: set[int],
) -> bool:
    """Whether the chat has a group's notice: Android writes them without a sender, iOS under the
    group's name (or its author's), marked with U+200E (or without a sender too). A notice over
    `PASTED_NOTICE_AGE` older than a line above it was pasted there (a bit of a group copied into
    a message) and says nothing of this chat."""
    for k, (key, (named, _, said)) in enumerate(zip(senders, firsts, strict=True)):
        if (
            (key is None or said[:1] in _APP_MARKS)
            and k not in pasted
            and _GROUP_MEMBERSHIP.search(said if key is not None else named)
        ):
            wall = walls[k]
            if wall is None or not any(
                other is not None and other - wall > PASTED_NOTICE_AGE
                for other in walls[max(0, k - NOTICE_WINDOW) : k]
            ):
                return True
    return False


def _said_key(said: str) -> str:
    """A line's text as a quote of it is compared: no marks, no edit mark, no spaces around it."""
    text = _clean(said).strip()
    return _EDITED.sub("", text) if text.endswith(">") else text


class _Quotes:
    """The messages kept so far, by their time: a line that repeats one of them is a quote of it."""

    def __init__(
        self,
        senders: list[str | None],
        firsts: list[tuple[str, str, str]],
        walls: list[datetime | None],
        pasted: set[int],
    ) -> None:
        self.senders, self.firsts, self.walls, self.pasted = senders, firsts, walls, pasted
        self.by_time: dict[datetime, list[tuple[str | None, str]]] = {}
        self.read = 0  # lines indexed so far: those before the line asked about

    def repeats(self, k: int, wall: datetime) -> bool:
        """Whether line `k` repeats a message before it: the same time and text (a copy from the
        customer's phone names the business as she saved it), or the same time and sender and one
        text the start of the other (a quote cut short, or the original edited after)."""
        senders, walls = self.senders, self.walls
        for j in range(self.read, k):
            time = walls[j]
            if time is not None and senders[j] is not None and j not in self.pasted:
                self.by_time.setdefault(time, []).append((senders[j], _said_key(self.firsts[j][2])))
        self.read = max(self.read, k)
        text = _said_key(self.firsts[k][2])
        if not text:
            return False
        for sender, said in self.by_time.get(wall, ()):
            if said == text:
                return True
            if (
                sender == senders[k]
                and min(len(said), len(text)) >= 8
                and (said.startswith(text) or text.startswith(said))
            ):
                return True
        return False


def _pasted_in_place(
    senders: list[str | None],
    firsts: list[tuple[str, str, str]],
    walls: list[datetime | None],
    people: set[str] | None,
    seen: Counter[str | None],
    pasted: set[int],
) -> None:
    """Add to `pasted` the lines, written as the export writes a message's start, that are text of
    the message right above them (or of lines pasted in it), told by what else the chat holds:

    - a line that repeats an earlier message of the chat (the same time and text), earlier than the
      chat's latest message: a quote of it, such as the business's own answer quoted by a customer;
    - in a 1:1 chat (`people` its two), lines from before the chat's latest message among which
      third senders who write nowhere else: an earlier bit of a group pasted, with its lines of the
      two people and its notices; and a third sender's lone line (`seen` in one run of lines)
      later than the next line of the two (typed with a colon, "5/12/26, 09:00 - entrega: …");
    - lines without a sender right under a message that do not read as a notice
      (`_reads_as_notice`): an order's dates, one per line. Two or more in a row are; so is one
      earlier than the chat's latest message, later than the next message, or no date in the
      file's order (typed the other way round): a notice is written when it happens, in order. A
      lone line in order, or after the chat's last message, reads as a notice (an export cut in
      the middle of its last line ends so).
    A late message (earlier than the one before it, with no such sign) is a message.
    """
    count = len(senders)
    two = people or set()
    clock = _LONG_AGO  # the latest time of the messages kept so far
    inside = False  # the line is right under a message (or lines pasted in it), not under a notice
    quotes: _Quotes | None = None
    plain_until = 0  # lines up to here are a stretch of late messages: no third sender in them
    skip_until = 0
    above = -1  # the message the lines after it would be pasted in
    lines_of: Counter[str | None] | None = None  # each sender's lines, counted when first needed
    for k, key, wall in zip(range(count), senders, walls, strict=True):
        if k < skip_until or k in pasted:
            continue
        if wall is not None and wall < clock and inside:  # from before the chat's latest message
            if k >= plain_until:
                end = k + 1
                while end < count and (end in pasted or _from_before(end, senders, walls, people, clock)):
                    end += 1
                # Its third senders, with those of the lines already pasted in the same message
                # above it: a bit of a group when none of them writes anywhere else in the chat.
                here = Counter(
                    sender for sender in senders[above + 1 : end] if sender is not None and sender not in two
                )
                if people is not None and here:
                    lines_of = lines_of or Counter(senders)
                    if all(lines_of[sender] == n for sender, n in here.items()):
                        pasted.update(range(k, end))  # an earlier bit of a group, pasted
                        skip_until = end
                        continue
                plain_until = end  # late messages (or quotes), each read on its own
            if key is not None:
                quotes = quotes or _Quotes(senders, firsts, walls, pasted)
                if quotes.repeats(k, wall):
                    pasted.add(k)
                    continue
        if key is None:
            if inside:  # else a notice, or the export's first lines
                end = k
                while end < count and senders[end] is None and end not in pasted:
                    end += 1
                skip_until = end
                if not _typed_lines(k, end, senders, firsts, walls, pasted, clock):
                    inside = False  # a notice: the lines under it are not in the message above it
            continue
        if wall is None:
            continue  # no date and time: said as such
        if people is not None and key not in people and inside and wall >= clock and seen[key] <= 1:
            later = next((walls[j] for j in range(k + 1, count) if senders[j] in two and walls[j]), None)
            if later is not None and wall > later:
                pasted.add(k)  # typed with a colon ("entrega: …"), dated after the next message
                continue
        if wall > clock:
            clock = wall
        inside = True
        above = k


def _from_before(
    k: int, senders: list[str | None], walls: list[datetime | None], people: set[str] | None, clock: datetime
) -> bool:
    """Whether line `k` is from before the chat's latest message (`clock`): earlier, or (a third
    sender's line, or one without a sender) of the same time."""
    wall = walls[k]
    if wall is None:
        return False
    if wall < clock:
        return True
    key = senders[k]
    return wall == clock and (key is None or (people is not None and key not in people))


def _typed_lines(
    start: int,
    end: int,
    senders: list[str | None],
    firsts: list[tuple[str, str, str]],
    walls: list[datetime | None],
    pasted: set[int],
    clock: datetime,
) -> bool:
    """Add to `pasted` the lines without a sender from `start` to `end` (right under a message)
    that are text typed in it, up to the first that reads as a notice; whether all of them are."""
    typed = 0
    while start + typed < end:
        named, colon, said = firsts[start + typed]
        if _reads_as_notice(named + colon + said):
            break
        typed += 1
    later = None
    if typed == 1:
        later = next(
            (walls[j] for j in range(end, len(senders)) if senders[j] is not None and walls[j]), None
        )
    for k in range(start, start + typed):
        wall = walls[k]
        # A date the apps cannot write (13/12 in a month-first file) was typed.
        if wall is None or typed > 1 or wall < clock or (later is not None and wall > later):
            pasted.add(k)
        else:
            return False
    return typed == end - start


def parse_export(
    text: str,
    *,
    chat: str,
    zone: ZoneInfo,
    business_names: Iterable[str] = (),
    date_order: str = "auto",
    locale: str = "es",
    id_chat: str | None = None,
    id_senders: Mapping[str, str] | None = None,
) -> Chat:
    """Every message of one exported chat, in the file's order, with UTC times and stable ids.

    Each line that starts with a date and time, written as the export's first line is (else as
    most of its first lines are), begins a message (or a system notice); the lines up to the next such line are its
    continuation. `id_chat` and `id_senders` (a sender's name → another) make the ids as if the
    chat and its senders had those names: a renamed chat's old messages then get the ids they were
    first stored under.
    """
    with _collector_paused():
        return _parse(text, chat, zone, business_names, date_order, locale, id_chat, id_senders)


@contextmanager
def _collector_paused() -> Iterator[None]:
    """No cyclic garbage collection while an export is parsed; reference counting still frees
    objects at once, and the parse makes no reference cycles.

    A parse keeps a container object or more per line (its first line split, its message) until it
    returns, and next to no garbage: the collections that ran every 700 new objects found nothing,
    and the full ones among them (2 to 4 per 200,000-line export) rescanned every object alive,
    the messages of the export read before included. On `bench_whatsapp.py` they took 0.4-0.5 s of
    the parse's 2.1 s of CPU (a series of parses in one process, the collections a paused parse
    leaves for later counted: 10.3-11.2 -> 7.8-8.3 µs per line). As `socialmon/_gc.py`'s
    `collector_paused`, which the connectors cannot import (they do not import socialmon).
    """
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def _parse(
    text: str,
    chat: str,
    zone: ZoneInfo,
    business_names: Iterable[str],
    date_order: str,
    locale: str,
    id_chat: str | None,
    id_senders: Mapping[str, str] | None,
) -> Chat:
    """`parse_export`'s work (see it), the collector paused."""
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    business = {_name_key(name) for name in business_names}
    found = Chat(chat, id_chat=id_chat)
    id_names = {_name_key(k): _name_key(v) for k, v in (id_senders or {}).items()}
    header = _header_pattern(text)
    # The text with a line break before its first line too: each message's first line then follows
    # one, as `header` reads it.
    lined = "\n" + text
    # [text before the first line written as a message's start, then per such line: "[", a, b, c,
    # hour, minute, second, half, and the text up to the line break before the next such line (or
    # up to the end)]. split, in C, takes 0.22 s on 200,000 lines; finditer and each match's
    # groups() 0.36 s.
    parts = header.split(lined) if header else [text]
    bodies = parts[9::9]
    # Each line's first line split at its first ": " (sender, ": ", text), or (line, "", "").
    firsts = [body.partition("\n")[0].partition(": ") for body in bodies]
    # A name with ": " in it (a business saved as "Café Olmo: Centro", or the 1:1 chat's customer)
    # is split at its own colon: it is read whole wherever a line names it.
    colon_names = [name for name in (*business_names, chat) if ": " in _clean(name)]
    if colon_names:
        _split_at_named_colons(firsts, colon_names)
    order = date_order
    if order == "auto":
        # Decided from the dates of the lines that name a sender; when none tells, from those of
        # the notices (a date typed at the start of a line, "13/12/26, 9:00 - recoger", names no
        # sender either, and may be written the other way round); then by the reading in which the
        # senders' dates run forward; then by the locale.
        # The pairs are read as they are made, not listed first: 0.06 -> 0.03 s on 200,000 lines.
        def days() -> Iterator[tuple[str, str]]:
            return zip(parts[2::9], parts[3::9], strict=True)

        order = (
            _date_order_of(itertools.compress(days(), map(itemgetter(1), firsts)))
            or _date_order_of(
                day
                for day, (line, colon, _) in zip(days(), firsts, strict=True)
                if not colon and _reads_as_notice(line)
            )
            or _date_order_running(
                itertools.compress(
                    zip(parts[2::9], parts[3::9], parts[4::9], strict=True), map(itemgetter(1), firsts)
                )
            )
            or default_date_order(locale)
        )
    found.date_order = order
    # Each line's date and hour, read once per hour of the chat: (a, b, c, hour, half) → `_hour`.
    hours = _Hours(order, zone)
    hour_keys = zip(parts[2::9], parts[3::9], parts[4::9], parts[5::9], parts[8::9], strict=True)
    line_hours = [hours[key] for key in hour_keys]
    minute_texts = parts[6::9]  # as the ids write them
    minutes = list(map(int, minute_texts))
    seconds = [int(second) if second else 0 for second in parts[7::9]]
    # Each line's time on the wall clock (as if in UTC); None when it is no date and time.
    walls = [
        None
        if hour.__class__ is str or minute > 59 or second > 59
        else hour.utc_wall + _INTO_HOUR[minute * 60 + second]
        for hour, minute, second in zip(line_hours, minutes, seconds, strict=True)
    ]
    starts = _message_starts(bodies, firsts, chat, business, walls)
    leading = parts[0]  # text before the first message
    if len(starts) < len(bodies):
        # Lines pasted into a message (rare) are text of the message: its text runs up to the line
        # break before the next message's start, over the pasted lines' dates and times, which split
        # left out.
        spans = [head.span() for head in header.finditer(lined)] if header else []
        leading = lined[: spans[starts[0]][0]] if starts else text
        ends = [spans[k][0] for k in starts[1:]] + [len(lined)] if starts else []
        bodies = [lined[spans[k][1] : end] for k, end in zip(starts, ends, strict=True)]
    chat_key = _name_key(id_chat or chat)
    per_minute: dict[str, int] = {}  # "YYYY-MM-DDTHH:MM\x1fsender" → the sender's messages so far
    senders: dict[str, tuple[str, bool, str]] = {}
    previous: datetime | None = None
    sha1 = hashlib.sha1
    messages = found.messages
    rejected = found.rejected
    new = tuple.__new__
    # What a line names before ": " → whether it is a group's notice, tested once per name (testing
    # every line took 0.04 s of a 200,000-line export's 1.6 s).
    notices: dict[str, bool] = {}
    line = 1 + leading.count("\n")
    if _clean(leading).replace("\ufeff", "").strip() and starts:
        # Lines before the first message (an export cut at its start, a note typed above it)
        # belong to no sender: said, not stored, so a truncated copy does not pass for whole.
        rejected.append(
            (1, f"text before the first message (up to line {line - 1}) belongs to no message: not read")
        )
    found.headers = len(starts)
    for k, body in zip(starts, bodies, strict=True):
        at = line
        line += body.count("\n") + 1  # and the line break before the next message, not in its body
        newline = body.find("\n")
        # The line's own first line: lines pasted into its message come after it.
        sender, colon, said = firsts[k]
        if not colon:
            if sender.endswith(":"):  # a message whose text is empty
                sender = sender[:-1]
            else:  # Android's system lines have no sender
                continue
        else:
            notice = notices.get(sender)
            if notice is None:
                notice = notices[sender] = bool(_QUOTES.intersection(sender) and _GROUP_NOTICE.search(sender))
            if notice:  # 'Ana cambió el asunto de "Pedidos: nov" a …': a system line
                continue
        if said.isascii() or said.isprintable():
            # No direction mark or no-break space in it (none of them is ASCII or printable), as in
            # most texts: telling so takes 0.2 µs a line, `_clean` and looking for the marks 0.6 µs.
            marked, clean, inner_mark = False, said.strip(), -1
        else:
            # Only iOS (its lines in brackets) marks the app's own lines: Android's have no sender.
            marked = bool(said) and said[0] in _APP_MARKS and parts[9 * k + 1] is not None
            clean = _clean(said).strip()
            inner_mark = -1 if marked else said.rfind("\u200e")
        if clean == "null":  # Android: a view-once photo or video
            kind = "media"
        elif inner_mark > 0 and _MEDIA_WORDS.match(_clean(said[inner_mark:]).strip()):
            # iOS marks the media word, not the text's start, after a document's name: "Pedido.pdf
            # • 1 página ‎documento omitido". The name is not something the sender said.
            kind = "media"
        elif (
            marked
            or not clean
            or 15 <= len(clean) <= 28
            or clean[0] == "<"
            or clean[-1] in ")>"
            or (clean[0] in _NOTICE_INITIALS and clean.startswith(_NOTICE_OPENINGS))
        ):
            kind = _kind(clean, marked)
            # An unmarked notice (older iOS) is skipped after taking its place in its sender's count
            # of the minute, as it did when it was read as a message: the ids stay the same.
            if kind == "system":
                if marked:
                    continue
                if newline >= 0 and body[newline + 1 :].strip():
                    # A notice is one line: a message that opens with its words and goes on ("Missed
                    # call", then what the customer wrote under it) is the sender's, all its lines.
                    kind = "text"
        else:
            kind = "text"
        utc_wall = walls[k]
        hour = line_hours[k]
        minute = minute_texts[k]
        if utc_wall is None:
            if isinstance(hour, str):
                rejected.append((at, hour))
            else:  # not a time, said in datetime's words
                rejected.append(
                    (at, f"{parts[9 * k + 5]}:{minute} is not a time: {_time_error(minutes[k], seconds[k])}")
                )
            continue
        _, early, late, prefix = hour
        moment = utc_wall - early
        if early != late and previous is not None and moment < previous:
            # An hour the clocks repeat (DST ends): the second pass follows the first in the file.
            later = utc_wall - late
            if later >= previous:
                moment = later
        previous = moment
        known = senders.get(sender)
        if known is None:
            name = " ".join(_clean(sender).lstrip("~").split())
            folded = name.casefold()
            known = senders[sender] = (name, _name_key(name) in business, id_names.get(folded, folded))
        name, is_business, folded = known
        # One string for the minute and the sender, not a pair of them: 0.1 µs less per message
        # (the minute is always 16 characters long, so no two pairs make the same string).
        minute_sender = f"{prefix}{minute}\x1f{folded}"
        n = per_minute.get(minute_sender, 0)
        per_minute[minute_sender] = n + 1
        if kind == "system":
            continue
        digest = sha1(f"{chat_key}\x1f{minute_sender}\x1f{n}".encode()).hexdigest()[:24]
        more = body[newline + 1 :].rstrip("\n") if 0 <= newline < len(body) - 1 else ""
        if kind == "text":
            if more:  # continuation lines
                clean = f"{clean}\n{_clean(more)}" if clean else _clean(more)
            if clean.endswith(">"):
                clean = _EDITED.sub("", clean)
        elif kind == "media" and more:
            # Android, exported with media: "IMG-….jpg (file attached)", then the photo's caption on
            # the lines after it. The attachment's line is not text; the caption is, unless it is the
            # file's name again, as Android writes under a document ("Presupuesto.pdf (archivo
            # adjunto)", then "Presupuesto").
            caption = _EDITED.sub("", _clean(more).strip())
            attached = clean.rpartition(" (")[0]
            if caption.casefold() in (attached.casefold(), attached.rpartition(".")[0].casefold()):
                caption = ""
            clean = caption
        else:
            clean = ""
        messages.append(
            new(Message, ("wa-" + digest, name, is_business, clean, moment, kind == "deleted", at))
        )
    return found


def conversation_record(chat: Chat) -> PostRecord:
    """The chat as a post of kind "conversation": its customer, its last message's time."""
    customer = next((m.sender for m in chat.messages if not m.is_business), None)
    return PostRecord(
        kind="conversation",
        platform_id=chat.platform_id,
        author_id=customer or chat.name,
        author_name=customer or chat.name,
        is_business=False,
        text="",
        created_at=chat.messages[-1].created_at,
        comment_count=len(chat.messages),
    )


def message_record(message: Message, conversation: str) -> CommentRecord:
    return CommentRecord(
        kind="message",
        platform_id=message.platform_id,
        post_id=conversation,
        author_id=message.sender,
        author_name=message.sender,
        is_business=message.is_business,
        text=message.text,
        created_at=message.created_at,
        deleted=message.deleted,
    )


# --- the connector -------------------------------------------------------------------------


def _read(path: Path) -> tuple[bytes, str]:
    """An export's text (bytes) and the name its chat is named by: the file's, or a zip's inner .txt's."""
    if path.suffix.lower() != ".zip":
        return path.read_bytes(), path.name
    try:
        with zipfile.ZipFile(path) as archive:
            texts = [info for info in archive.infolist() if info.filename.lower().endswith(".txt")]
            if not texts:
                raise SourceError(f"{path.name}: the zip holds no .txt chat export")
            inner = next((i for i in texts if Path(i.filename).name == "_chat.txt"), None) or min(
                texts, key=lambda i: (not _CHAT_NAME.match(Path(i.filename).stem), i.filename)
            )
            data = archive.read(inner)
    except (zipfile.BadZipFile, OSError) as error:
        raise SourceError(f"{path.name}: not a readable zip ({error})") from None
    inner_name = Path(inner.filename).name
    return data, (path.name if inner_name == "_chat.txt" else inner_name)


def _decode(data: bytes) -> str:
    """The export's text: UTF-8, as the apps write it, else Windows-1252 (saved again by Notepad).

    A UTF-8 export with a few broken bytes (cut in the middle of a character) stays UTF-8, each
    broken byte read as U+FFFD: read as Windows-1252, every accented name would change ("Dulcería"
    → "DulcerÃ­a"), and with it who is the business and every id made from a name. It is told
    from Windows-1252 text by its valid multi-byte characters, which that text almost never has.
    """
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    lenient = data.decode("utf-8-sig", errors="replace")
    broken = lenient.count("\ufffd")
    # Bytes beyond one per character, less the 2 of each U+FFFD: those of valid multi-byte characters.
    multibyte = len(lenient.encode("utf-8")) - len(lenient) - 2 * broken
    if multibyte >= broken:
        return lenient
    return data.decode("cp1252", errors="replace")


def _business_unheard(messages: list[Message], names_given: bool) -> bool:
    """Whether a chat says that `business_names` is missing or wrong: no message of it is the
    business's, and either the setting is not given or two people wrote (a chat only the customer
    wrote in is one the business has not answered yet: it counts as waiting, as it should)."""
    if not messages or any(message.is_business for message in messages):
        return False
    return not names_given or len({message.sender for message in messages}) > 1


def no_business_said(name: str, messages: list[Message], names_given: bool) -> str:
    """The warning for a chat none of whose senders is one of `business_names`: the business's own
    replies then count as the customer's messages (no response time, every message pending)."""
    counts = Counter(message.sender for message in messages)
    senders = ", ".join(f"{sender!r} ({count})" for sender, count in counts.most_common(5))
    more = ", …" if len(counts) > 5 else ""
    setting = "none of its senders is in business_names" if names_given else "business_names is not set"
    return (
        f"{name}: {setting}, so every message counts as the customer's (senders, most messages "
        f"first: {senders}{more}): set the channel's business_names to the name(s) the business's "
        "own messages are sent under, as the export writes them"
    )


# What `socialmon check` says of a channel without `business_names` (a warning: it still passes).
BUSINESS_NAMES_UNSET = (
    "not set: until it is, the business's own replies count as the customer's messages (0 % response "
    "rate, every chat waiting); set it to the name(s) the business's own messages are sent under, as "
    "the export writes them"
)


def _locale_of(order: str) -> str:
    """A locale whose default day/month order is `order` (to read a file again as it was read)."""
    return "en-US" if order == "mdy" else "es"


class WhatsAppExportConnector(Connector):
    name = "whatsapp_export"
    uses_http = False  # local files
    Settings = WhatsAppSettings
    summary = "chats exported from the WhatsApp or WhatsApp Business app (Export chat: .txt or .zip)"

    settings: WhatsAppSettings

    def zone(self) -> ZoneInfo:
        """The channel's `timezone`, else the brand's (the apps write local times without a zone)."""
        return ZoneInfo(self.settings.timezone or getattr(self.context, "timezone", None) or "UTC")

    def reading(self) -> dict[str, Any]:
        """What decides how an export becomes stored messages, as each file's cursor entry keeps it
        (`read_with`): who is the business (`business_names`, in any order), the time zone the
        phone's times are read in, and the day/month order (forced, or the locale's, which decides
        when no date of the file does: "es" and "es-EC" read alike). A file read with other values
        is read again."""
        forced = self.settings.date_order != "auto"
        return {
            "business_names": sorted(set(self.settings.business_names)),
            "timezone": self.zone().key,
            "date_order": self.settings.date_order,
            "fallback": None if forced else default_date_order(self.settings.locale),
        }

    def check_setup(self) -> list[SetupNote]:
        """`business_names` left out: the scan works, and every reply of the business is taken for
        the customer's (the scan warns per chat; `socialmon check` says it before any scan)."""
        if self.settings.business_names:
            return []
        return [SetupNote("business_names", BUSINESS_NAMES_UNSET, warning=True)]

    def files(self) -> list[Path]:
        raw = Path(self.settings.path).expanduser()
        path = raw if raw.is_absolute() else self.context.base_dir / raw
        if path.is_dir():
            found = sorted(p for p in path.iterdir() if p.is_file() and p.suffix.lower() in SUFFIXES)
            if not found:
                raise SourceError(f"no WhatsApp exports (.txt or .zip) in {path}")
            return found
        if path.is_file():
            return [path]
        raise SourceError(f"WhatsApp export not found: {path}")

    def _key(self, path: Path) -> str:
        try:
            return str(path.relative_to(self.context.base_dir))
        except ValueError:
            return str(path)

    def parse(self, path: Path, data: bytes, name: str, zone: ZoneInfo) -> Chat:
        chat = self._parse_as(self.reading(), data, name, zone)
        if not chat.headers:
            raise SourceError(
                f"{path.name}: not a WhatsApp chat export (no line starts like "
                "'12/11/26, 9:15 - ' or '[12/11/26, 9:15:32] ')",
                hint="export the chat with WhatsApp's Export chat (without media) and point path at the "
                ".txt or .zip it writes",
            )
        return chat

    @staticmethod
    def _parse_as(
        reading: Mapping[str, Any],
        data: bytes,
        name: str,
        zone: ZoneInfo,
        id_names: list[str] | None = None,
        customer: str | None = None,
    ) -> Chat:
        """The export `data` read with `reading` (`reading()`'s, or one a cursor kept); `id_names`
        (the chat's and its customer's, `customer`'s now) make its ids as a renamed chat's."""
        fallback = reading.get("fallback") or default_date_order("es")
        return parse_export(
            _decode(data),
            chat=chat_name(name),
            zone=zone,
            business_names=reading.get("business_names") or (),
            date_order=reading.get("date_order") or "auto",
            locale=_locale_of(fallback),
            id_chat=id_names[0] if id_names else None,
            id_senders={customer: id_names[1]} if id_names and customer is not None else None,
        )

    async def pages(self, cursor: dict[str, Any] | None) -> AsyncIterator[Page]:
        files = self.files()
        present = {self._key(path) for path in files}  # a copy taken out of the folder no longer counts
        zone = self.zone()
        reading = self.reading()
        state: dict[str, dict[str, Any]] = {
            k: dict(v) for k, v in ((cursor or {}).get("files") or {}).items()
        }
        total = sum(path.stat().st_size for path in files)
        page = Page()
        done_bytes = 0
        size = self.settings.page_size
        pending = False  # the cursor moved since the last page was yielded
        # Files that are not chat exports (a document sent in a chat, unzipped beside it from an
        # export with media; a broken zip): each is named and skipped, the others are stored, and
        # the channel ends partial; it fails only when no file is an export.
        failures: list[SourceError] = []

        def flush(progress: int) -> Page:
            nonlocal page, pending
            pending = False
            ready = page.model_copy(
                update={
                    "cursor": {"files": {k: dict(v) for k, v in state.items()}},
                    "progress": Progress(done=progress, total=total, unit="bytes"),
                }
            )
            page = Page()
            return ready

        for path in files:
            key = self._key(path)
            try:
                data, name = _read(path)
                digest = hashlib.sha1(data).hexdigest()
                known = state.get(key)
                # A file read with other settings (business_names set since, another time zone or
                # day/month order) is read again from its start: its stored messages are updated.
                # An entry without `read_with` (written before it was kept) cannot say what it was
                # read with, and may hold the very mistake this repairs: read again once.
                fresh = known is not None and known.get("read_with") == reading
                unchanged = known is not None and known.get("digest") == digest
                skip = known["done"] if unchanged and fresh else 0
                if unchanged and fresh and known.get("complete"):
                    done_bytes += path.stat().st_size
                    continue
                chat = self.parse(path, data, name, zone)
            except SourceError as error:
                failures.append(error)
                done_bytes += path.stat().st_size
                continue
            # What the file's cursor keeps besides how far it was read: the anchor's move, its chat's
            # last message and count, what it was read with, and (a 1:1 chat) its opening and the
            # names its ids are made from.
            kept: dict[str, Any] = {"read_with": reading}
            same: Mapping[str, Any] | None = None
            if len(chat.customers()) == 1:
                # Read again for new settings, a chat keeps the ids it was stored under: the openings
                # the cursor kept were read with the old settings (another side, another minute).
                if known is not None and not fresh:
                    same = self._stored_as(chat, known)
                if same is None and (fresh or known is None or not known.get("names")):
                    # a new file, or one stored as a group (e.g. before business_names was set)
                    same = self._same_chat(chat, state, key, zone)
            if same is not None:
                chat = self._parse_as(reading, data, name, zone, same["names"], next(iter(chat.customers())))
            if not fresh and known is not None:
                page.gone_comments.extend(self._misread(known, chat, data, name, same))
            kept["opening"] = []  # a group chat's: never matched, never read again for it
            if len(chat.customers()) == 1:
                customer = next(m.sender for m in chat.messages if not m.is_business)
                kept["opening"] = opening(chat.messages)
                kept["names"] = same["names"] if same is not None else [chat.name, customer]
                kept["author"] = customer
            if self.settings.anchor and chat.messages:
                if known and "shift_days" in known:
                    days = int(known["shift_days"])
                elif same is not None and "shift_days" in same:
                    days = int(same["shift_days"])  # the renamed chat's old messages stay where they were
                else:
                    today = datetime.now(zone).date()
                    last = chat.messages[-1].created_at.astimezone(zone).date()
                    days = (anchor_day(self.settings.anchor, today) - last).days
                kept["shift_days"] = days
                chat.messages = shifted(chat.messages, days, zone)
            if _business_unheard(chat.messages, bool(self.settings.business_names)):
                log.warning(
                    "%s/%s: %s",
                    self.context.brand,
                    self.context.channel,
                    no_business_said(path.name, chat.messages, bool(self.settings.business_names)),
                )
            for line, reason in chat.rejected:
                page.rejected.append(RejectedRecord(location=f"{path.name} line {line}", reason=reason))
            made: list[PostRecord | CommentRecord] = []
            if chat.messages:
                conversation = chat.platform_id
                # Another copy of the same chat ("… (1).txt", read before or after this one, in this
                # scan or a later one) gives the conversation the newest of them, not the copy read last.
                kept.update(
                    chat=conversation,
                    last=chat.messages[-1].created_at.isoformat(),
                    count=len(chat.messages),
                )
                made.append(self._newest(conversation_record(chat), state, key, present))
                made.extend(message_record(m, conversation) for m in chat.messages)
            position = skip
            state[key] = {"digest": digest, "done": position, "complete": False, **kept}
            pending = True
            while position < len(made):
                room = max(1, size - len(page.posts) - len(page.comments))
                for record in made[position : position + room]:
                    (page.posts if isinstance(record, PostRecord) else page.comments).append(record)
                position = min(len(made), position + room)
                state[key] = {
                    "digest": digest,
                    "done": position,
                    "complete": position >= len(made),
                    **kept,
                }
                pending = True
                if len(page.posts) + len(page.comments) >= size:
                    yield flush(done_bytes)
                    await asyncio.sleep(0)  # let other channels run between pages
            finished = {"digest": digest, "done": len(made), "complete": True, **kept}
            if state[key] != finished:
                state[key] = finished
                pending = True
            done_bytes += path.stat().st_size
        if pending or page.rejected:
            yield flush(done_bytes)
        if failures and len(failures) == len(files):
            if len(failures) == 1:
                raise failures[0]
            raise SourceError(
                "; ".join(str(error.args[0]) for error in failures),
                hint="; ".join(dict.fromkeys(error.hint for error in failures if error.hint)),
            )
        if failures:
            raise Incomplete(
                f"{len(failures)} file(s) skipped: " + "; ".join(str(error.args[0]) for error in failures),
                hint="the chats of the other files were stored; move the file(s) named out of the "
                "channel's folder (a file sent in a chat, unzipped from an export with media, is not "
                "needed) or replace them with the chat's export; the next scan reads them again "
                "until then",
            )

    @staticmethod
    def _stored_as(chat: Chat, known: Mapping[str, Any]) -> Mapping[str, Any] | None:
        """The file's own cursor entry when its 1:1 chat `chat` was stored under other names (a
        renamed chat's), so that a reading for new settings keeps those ids; None when it was stored
        under its own (or as a group, whose ids are its own)."""
        names = known.get("names")
        if not isinstance(names, list) or len(names) != 2:
            return None
        customer = next(iter(chat.customers()))
        if (_name_key(names[0]), _name_key(names[1])) == (_name_key(chat.name), customer):
            return None
        if _name_key(names[1]) in {_name_key(m.sender) for m in chat.messages if m.is_business}:
            return None  # that name is the business's now: it was no customer
        return known

    def _misread(
        self, known: Mapping[str, Any], chat: Chat, data: bytes, name: str, same: Mapping[str, Any] | None
    ) -> list[str]:
        """The ids the file's messages were stored under (read as its cursor entry `known` says: with
        its `read_with`, else as now; a renamed chat's under its `names`) that `chat`, the file read
        now (under `same`'s names, if any), gives none of its messages: a date read the other way
        round, a pasted line now told from a message, a name with ": " now read whole, a chat now
        known as a renamed one. They are marked gone (deleted), so that no message counts twice; an
        id never stored is ignored. A time zone alone changes no id (ids are made from the wall
        clock): nothing to read again then."""
        now = self.reading()
        before = known.get("read_with")
        before = before if isinstance(before, dict) else now
        names, author = known.get("names"), known.get("author")
        own = _name_key(chat_name(name))
        stored_as = (
            (_name_key(names[0]), _name_key(names[1]))
            if isinstance(names, list) and len(names) == 2 and isinstance(author, str)
            else None
        )
        if stored_as is not None and stored_as[0] == own and stored_as[1] == _name_key(author or ""):
            stored_as = None  # its own names
        read_as = (_name_key(same["names"][0]), _name_key(same["names"][1])) if same is not None else None
        if stored_as == read_as and all(before.get(k) == v for k, v in now.items() if k != "timezone"):
            return []
        try:
            zone = ZoneInfo(str(before.get("timezone") or now["timezone"]))
        except (ZoneInfoNotFoundError, ValueError):
            zone = self.zone()
        old = self._parse_as(
            before, data, name, zone, names if stored_as else None, author if stored_as else None
        )
        ids = {message.platform_id for message in chat.messages}
        return list(dict.fromkeys(m.platform_id for m in old.messages if m.platform_id not in ids))

    def _same_chat(
        self, chat: Chat, state: dict[str, dict[str, Any]], key: str, zone: ZoneInfo
    ) -> dict[str, Any] | None:
        """The cursor's entry of the 1:1 chat `chat` is under another name, if it is one.

        A customer saved as a contact between two exports renames the file and the sender ("+593 99
        123 4567" → "Rosa Mite"), not the messages: a chat whose first messages (their minute, text
        and side; `OPENING` of them, or all of the shorter chat) are a known 1:1 chat's is that chat.
        None when no known chat matches, when the chat's own name matches too (ids stored before
        stay), or when several do (two customers are never merged on a guess).
        """
        mine = opening(chat.messages)
        own = [_name_key(chat.name), next(iter(chat.customers()))]
        found: dict[tuple[str, str], dict[str, Any]] = {}
        for other, entry in state.items():
            if "opening" not in entry and other != key:
                self._backfill(other, entry, zone)
            theirs = entry.get("opening") or []
            names = entry.get("names")
            if not theirs or not names or not mine:
                continue
            shared = min(len(mine), len(theirs))
            if mine[shared - 1] == theirs[shared - 1]:
                found.setdefault((_name_key(names[0]), _name_key(names[1])), entry)
        if not found or tuple(own) in found:
            return None
        # Only a number saved as a contact (or a contact deleted back to its number): two customers
        # both saved by name whose chats open alike (a broadcast, the same reply) stay apart.
        found = {
            names: entry for names, entry in found.items() if _PHONE.match(names[1]) or _PHONE.match(own[1])
        }
        if not found:
            return None
        if len(found) > 1:
            log.warning("%s: its opening matches %d known chats; kept apart", key, len(found))
            return None
        (entry,) = found.values()
        if _name_key(entry["names"][1]) in {_name_key(m.sender) for m in chat.messages if m.is_business}:
            return None
        return entry

    def _backfill(self, key: str, entry: dict[str, Any], zone: ZoneInfo) -> None:
        """Give the entry of a file read before openings were kept its opening and names (once)."""
        entry["opening"] = []
        path = self.context.base_dir / key
        if not entry.get("chat") or not path.is_file():
            return
        try:
            data, name = _read(path)
            if hashlib.sha1(data).hexdigest() != entry.get("digest"):
                return  # changed since: it is read again in its own turn
            chat = self.parse(path, data, name, zone)
        except (SourceError, OSError):
            return
        if len(chat.customers()) == 1 and chat.platform_id == entry["chat"]:
            entry["opening"] = opening(chat.messages)
            entry["names"] = [chat.name, next(m.sender for m in chat.messages if not m.is_business)]

    @staticmethod
    def _newest(
        record: PostRecord, state: dict[str, dict[str, Any]], key: str, present: set[str]
    ) -> PostRecord:
        """The conversation `record`, its last activity and count the newest of every copy of its chat."""
        last, count = record.created_at, record.comment_count or 0
        author = record.author_name  # a renamed chat's customer: as the newest export names them
        for other, entry in state.items():
            if (
                other == key
                or other not in present
                or entry.get("chat") != record.platform_id
                or "last" not in entry
            ):
                continue
            if entry.get("author") and (
                datetime.fromisoformat(entry["last"]),
                int(entry.get("count") or 0),
            ) > (
                last,
                count,
            ):
                author = entry["author"]
            last = max(last, datetime.fromisoformat(entry["last"]))
            count = max(count, int(entry.get("count") or 0))
        if (last, count, author) == (record.created_at, record.comment_count, record.author_name):
            return record
        return record.model_copy(
            update={"created_at": last, "comment_count": count, "author_id": author, "author_name": author}
        )


__all__ = [
    "Chat",
    "Message",
    "WhatsAppExportConnector",
    "WhatsAppSettings",
    "chat_id",
    "chat_name",
    "conversation_record",
    "default_date_order",
    "message_record",
    "parse_export",
]
