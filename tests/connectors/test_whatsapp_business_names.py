"""A WhatsApp channel whose `business_names` match no sender of a chat says so (QA pass, 2026-12-04).

Without it, the business's own replies count as the customer's messages: the report shows a 0 %
response rate and lists answered messages as pending, without a word.
"""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

import pytest

from socialmon_connectors import ChannelContext, Page
from socialmon_connectors.whatsapp import WhatsAppExportConnector, WhatsAppSettings

# Android in Brazilian Portuguese: day-first, four-digit years, 24-hour clock.
PT_BR = """01/12/2026 09:40 - Consultoria Silva: Bom dia! Em que podemos ajudar?
01/12/2026 09:41 - Marina Souza: Vocês atendem sábado?
01/12/2026 09:45 - Consultoria Silva: Sim, das 9h às 13h.
01/12/2026 09:46 - Consultoria Silva: Quer agendar?
"""


def scan(folder: Path, **options: object) -> list[Page]:
    source = WhatsAppExportConnector(
        WhatsAppSettings(
            path="Conversa do WhatsApp com Marina Souza.txt", timezone="America/Sao_Paulo", **options
        ),
        ChannelContext(brand="silva", channel="whatsapp", account="Consultoria Silva", base_dir=folder),
    )

    async def collect() -> list[Page]:
        return [page async for page in source.pages(None)]

    return asyncio.run(collect())


@pytest.mark.parametrize(
    ("options", "setting"),
    [
        ({}, "business_names is not set"),
        ({"business_names": ["Silva Consultoria"]}, "none of its senders is in business_names"),
    ],
)
def test_a_chat_with_no_sender_of_the_business_is_warned_about_naming_its_senders(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, options: dict[str, object], setting: str
) -> None:
    (tmp_path / "Conversa do WhatsApp com Marina Souza.txt").write_text(PT_BR, encoding="utf-8")
    with caplog.at_level(logging.WARNING, logger="socialmon.whatsapp"):
        pages = scan(tmp_path, **options)
    assert len([c for page in pages for c in page.comments]) == 4
    assert caplog.messages == [
        f"silva/whatsapp: Conversa do WhatsApp com Marina Souza.txt: {setting}, so every message counts "
        "as the customer's (senders, most messages first: 'Consultoria Silva' (3), 'Marina Souza' (1)): "
        "set the channel's business_names to the name(s) the business's own messages are sent under, "
        "as the export writes them"
    ]


def test_a_chat_whose_business_sender_is_named_is_not_warned_about(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    (tmp_path / "Conversa do WhatsApp com Marina Souza.txt").write_text(PT_BR, encoding="utf-8")
    with caplog.at_level(logging.WARNING, logger="socialmon.whatsapp"):
        pages = scan(tmp_path, business_names=["Consultoria Silva"])
    assert caplog.messages == []
    assert [c.is_business for page in pages for c in page.comments] == [True, False, True, True]


def test_a_chat_only_the_customer_wrote_in_is_not_taken_for_a_wrong_setting(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """A new chat the business has not answered yet is waiting, not a sign that business_names is
    wrong (the consultant's folder showed one such warning per unanswered chat)."""
    unanswered = "02/12/2026 10:05 - Marina Souza: Oi, vocês têm bolo de cenoura hoje?\n"
    (tmp_path / "Conversa do WhatsApp com Marina Souza.txt").write_text(unanswered, encoding="utf-8")
    with caplog.at_level(logging.WARNING, logger="socialmon.whatsapp"):
        pages = scan(tmp_path, business_names=["Consultoria Silva"])
    assert len([c for page in pages for c in page.comments]) == 1
    assert caplog.messages == []
