"""Messenger and Instagram Direct against the shapes Meta's Conversations API really sends (respx)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import respx
from conformance import collect, in_context, no_sleep, records

from socialmon_connectors import ChannelContext, ThreadFailure
from socialmon_connectors.facebook_messages import FacebookMessagesConnector, FacebookMessagesSettings

BASE = "https://graph.facebook.com/v25.0"
PAGE = "204512345678902"
TOKEN = "EAABprobeTOKEN789"
NOW = datetime(2025, 3, 10, 12, 0, tzinfo=UTC)
CUSTOMER = {"name": "Rosa Méndez", "email": "7770001112223@facebook.com", "id": "7770001112223"}
SHOP = {"name": "Ferretería El Clavo", "email": f"{PAGE}@facebook.com", "id": PAGE}


def graph_error(code: int, message: str, subcode: int | None = None) -> dict[str, Any]:
    error: dict[str, Any] = {"message": message, "type": "OAuthException", "code": code, "fbtrace_id": "Zz9"}
    if subcode is not None:
        error["error_subcode"] = subcode
    return {"error": error}


def messenger(**options: Any) -> FacebookMessagesConnector:
    options.setdefault("folders", ["inbox"])
    connector = FacebookMessagesConnector(
        FacebookMessagesSettings(access_token=TOKEN, **options),
        ChannelContext(brand="b", channel="messenger", account=PAGE),
    )
    connector.sleep = no_sleep  # type: ignore[method-assign]
    connector.now = lambda: NOW  # type: ignore[method-assign]
    return connector


def message(
    message_id: str, when: str, sender: dict[str, Any] | None = None, text: str | None = "hola"
) -> dict[str, Any]:
    found: dict[str, Any] = {"id": message_id, "created_time": when}
    if sender is not None:
        found["from"] = sender
    if text is not None:
        found["message"] = text
    return found


def conversation(
    conversation_id: str, updated: str, messages: list[dict[str, Any]], after: str | None = None
) -> dict[str, Any]:
    inline: dict[str, Any] = {
        "data": messages,
        "paging": {"cursors": {"before": "QmVm", "after": after or "RW5k"}},
    }
    if after:
        inline["paging"]["next"] = (
            f"{BASE}/{conversation_id}/messages?access_token={TOKEN}&limit=25&after={after}"
        )
    return {
        "id": conversation_id,
        "updated_time": updated,
        "participants": {"data": [CUSTOMER, SHOP]},
        "messages": inline,
    }


def listing(*conversations: dict[str, Any]) -> dict[str, Any]:
    return {"data": list(conversations), "paging": {"cursors": {"before": "YQ", "after": "Yg"}}}


REFUSED = (
    "Unsupported get request. Object with ID 't_900' does not exist, cannot be loaded due to missing "
    "permissions, or does not support this operation. Please read the Graph API documentation"
)


def test_a_conversation_graph_refuses_is_read_again_next_scan_and_the_others_are_kept(tmp_path: Path) -> None:
    """Graph answers 100/33 for a conversation's messages both when it is gone and when it will not serve
    them. The conversation was just listed, so it is there: its unread messages were dropped while the
    scan said ok; now the conversation is remembered (the run partial) and the next scan reads it."""
    refused = conversation(
        "t_900", "2025-03-10T09:00:00+0000", [message("m_9", "2025-03-10T09:00:00+0000", CUSTOMER)], "TW9yZQ"
    )
    fine = conversation(
        "t_800", "2025-03-09T09:00:00+0000", [message("m_8", "2025-03-09T09:00:00+0000", CUSTOMER)]
    )
    with respx.mock(base_url=BASE, assert_all_mocked=True) as router:
        router.get(f"/{PAGE}/conversations").respond(json=listing(refused, fine))
        router.get("/t_900/messages").respond(400, json=graph_error(100, REFUSED, 33))
        pages = collect(messenger())
    failures = [f for page in pages for f in page.failed_threads]
    assert [f.key for f in failures] == ["t_900"]
    assert "messages" not in failures[0].item  # read again from its newest message
    assert "100/33" in failures[0].reason
    assert {"t_900", "m_9", "t_800", "m_8"} <= {r.platform_id for r in records(pages)}


def test_a_remembered_conversation_graph_no_longer_has_is_dropped(tmp_path: Path) -> None:
    """A conversation deleted in the Page inbox since: Graph answers 100/33 for it as well."""
    remembered = ThreadFailure(
        key="t_900", item={"id": "t_900", "updated_time": "2025-03-08T09:00:00+0000"}, reason="x"
    )
    with respx.mock(base_url=BASE, assert_all_mocked=True) as router:
        router.get(f"/{PAGE}/conversations").respond(json=listing())
        router.get("/t_900/messages").respond(400, json=graph_error(100, REFUSED, 33))
        itself = router.get("/t_900").respond(400, json=graph_error(100, REFUSED, 33))
        pages = collect(in_context(messenger(), (remembered,)))
    assert itself.call_count == 1
    assert not [f for page in pages for f in page.failed_threads]
    assert [key for page in pages for key in page.resolved_threads] == ["t_900"]


def test_a_remembered_conversation_still_there_stays_remembered(tmp_path: Path) -> None:
    remembered = ThreadFailure(
        key="t_900", item={"id": "t_900", "updated_time": "2025-03-08T09:00:00+0000"}, reason="x"
    )
    with respx.mock(base_url=BASE, assert_all_mocked=True) as router:
        router.get(f"/{PAGE}/conversations").respond(json=listing())
        router.get("/t_900/messages").respond(400, json=graph_error(100, REFUSED, 33))
        router.get("/t_900").respond(json={"id": "t_900"})
        pages = collect(in_context(messenger(), (remembered,)))
    assert [f.key for page in pages for f in page.failed_threads] == ["t_900"]


def test_a_conversation_without_an_id_is_rejected_without_reading_or_storing_its_messages(
    tmp_path: Path,
) -> None:
    """Its messages were stored under a conversation "None" (every such customer in one thread), and
    its next page of messages was asked for at /None/messages, whose error stopped the channel."""
    nameless = conversation(
        "t_1", "2025-03-10T09:05:00+0000", [message("m_1", "2025-03-10T09:05:00+0000", CUSTOMER)], "QWZ0"
    )
    del nameless["id"]
    fine = conversation(
        "t_2", "2025-03-10T09:04:00+0000", [message("m_2", "2025-03-10T09:04:00+0000", CUSTOMER)]
    )
    with respx.mock(base_url=BASE, assert_all_called=False) as router:
        router.get(f"/{PAGE}/conversations").respond(json=listing(nameless, fine))
        unnamed = router.get("/None/messages").respond(400, json=graph_error(100, "Unsupported get request."))
        pages = collect(messenger())
    assert unnamed.call_count == 0
    found = {r.platform_id: r for r in records(pages)}
    assert set(found) == {"t_2", "m_2"}
    assert [r.reason for page in pages for r in page.rejected] == ["missing field 'id'"]


def test_participants_of_an_unexpected_shape_leave_the_customer_unknown_not_the_conversation_rejected(
    tmp_path: Path,
) -> None:
    """The conversation was rejected while its messages were stored, pointing at a conversation never stored."""
    odd = conversation(
        "t_2", "2025-03-10T09:04:00+0000", [message("m_2", "2025-03-10T09:04:00+0000", CUSTOMER)]
    )
    odd["participants"] = [CUSTOMER, SHOP]  # a list where Graph sends {"data": [...]}
    with respx.mock(base_url=BASE, assert_all_mocked=True) as router:
        router.get(f"/{PAGE}/conversations").respond(json=listing(odd))
        pages = collect(messenger())
    found = {r.platform_id: r for r in records(pages)}
    assert set(found) == {"t_2", "m_2"}
    assert (found["t_2"].author_id, found["t_2"].author_name) == (None, None)
    assert not [r for page in pages for r in page.rejected]


def test_a_page_named_by_its_username_still_knows_its_own_replies(tmp_path: Path) -> None:
    """Graph serves `/{page-username}/conversations`, but the Page's messages come `from` its numeric id:
    with the channel's account written as the Page's username, every reply was taken for a customer's."""
    chat = conversation(
        "t_1",
        "2025-03-10T09:05:00+0000",
        [
            message("m_2", "2025-03-10T09:05:00+0000", SHOP),
            message("m_1", "2025-03-10T09:00:00+0000", CUSTOMER),
        ],
    )
    connector = messenger(page_id="ferreteria.elclavo")
    with respx.mock(base_url=BASE, assert_all_mocked=True) as router:
        lookup = router.get("/ferreteria.elclavo", params={"fields": "id"}).respond(json={"id": PAGE})
        listed = router.get(f"/{PAGE}/conversations").respond(json=listing(chat))
        pages = collect(connector)
    assert lookup.call_count == 1 and listed.call_count == 1
    found = {r.platform_id: r for r in records(pages)}
    assert found["m_2"].is_business and not found["m_1"].is_business
    assert found["t_1"].author_id == CUSTOMER["id"]
