"""The `facebook_messages` connector: Messenger conversations through the Graph Conversations API (respx)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
import respx
from conformance import NOW, HttpCase, collect, conformance_suite, fixture, no_sleep, records

from socialmon_connectors import (
    AuthError,
    ChannelContext,
    CommentRecord,
    NotFound,
    PermissionDenied,
    PlatformError,
    PostRecord,
    RateLimited,
)
from socialmon_connectors._conversations import Business, parse_conversation, parse_message
from socialmon_connectors.facebook_messages import FacebookMessagesConnector, FacebookMessagesSettings

BASE = "https://graph.facebook.com/v25.0"
PAGE = "104512345678901"
TOKEN = "EAABsecretTOKEN123"


def graph_error(code: int, message: str, subcode: int | None = None) -> dict[str, Any]:
    error: dict[str, Any] = {"message": message, "type": "OAuthException", "code": code, "fbtrace_id": "Ab1"}
    if subcode is not None:
        error["error_subcode"] = subcode
    return {"error": error}


PERMISSION_ERRORS = {
    "code 10": graph_error(10, "(#10) Requires pages_messaging permission to manage the object"),
    "code 230": graph_error(230, "(#230) Requires pages_messaging permission to manage the object"),
    "code 298": graph_error(298, "(#298) Requires extended permission: read_mailbox"),
    "code 200": graph_error(200, "(#200) The user does not have the MESSAGING task on this Page"),
    "code 3": graph_error(3, "(#3) Application does not have the capability to make this API call."),
}


class MessengerCase(HttpCase):
    base_url = BASE
    errors = {  # noqa: RUF012
        "expired token": AuthError,
        "missing permission": PermissionDenied,
        "rate limited": RateLimited,
        "page does not exist": NotFound,
        "other platform error": PlatformError,
    }

    def make(self, **options: Any) -> FacebookMessagesConnector:
        settings = FacebookMessagesSettings(access_token=TOKEN, **options)
        return FacebookMessagesConnector(
            settings, ChannelContext(brand="b", channel="messenger", account=PAGE)
        )

    def connector_with(self, **options: Any) -> FacebookMessagesConnector:
        made = self.make(**options)
        made.sleep = no_sleep  # type: ignore[method-assign]
        made.now = lambda: NOW  # type: ignore[method-assign]
        return made

    def routes(self, router: respx.MockRouter) -> None:
        inbox = {"folder": "inbox"}
        router.get(f"/{PAGE}/conversations", params={**inbox, "after": "QVFIUmNvbnYy"}).respond(
            json=fixture("messenger_conversations_2.json")
        )
        router.get(f"/{PAGE}/conversations", params=inbox).respond(
            json=fixture("messenger_conversations_1.json")
        )
        router.get(f"/{PAGE}/conversations", params={"folder": "other"}).respond(
            json=fixture("messenger_conversations_other.json")
        )
        router.get(f"/{PAGE}/conversations", params={"folder": "page_done"}).respond(
            json=fixture("messenger_conversations_done.json")
        )
        router.get("/t_1001/messages", params={"after": "QVFIUm1zZA"}).respond(
            json=fixture("messenger_messages_more.json")
        )

    def repeating(self, tmp_path: Path) -> respx.MockRouter:
        router = respx.mock(base_url=BASE, assert_all_mocked=True)
        body = fixture("messenger_conversations_1.json")
        for conversation in body["data"]:
            conversation["messages"] = {"data": []}
        router.get(f"/{PAGE}/conversations").respond(json=body)  # every page says "after=QVFIUmNvbnYy"
        return router

    def error_response(self, failure: str) -> httpx.Response:
        return {
            "expired token": httpx.Response(
                400, json=graph_error(190, f"Error validating access token: Session has expired {TOKEN}", 463)
            ),
            "missing permission": httpx.Response(403, json=PERMISSION_ERRORS["code 10"]),
            "rate limited": httpx.Response(400, json=graph_error(32, "Page request limit reached")),
            "page does not exist": httpx.Response(
                400, json=graph_error(100, "Object with ID does not exist", 33)
            ),
            "other platform error": httpx.Response(400, json=graph_error(12, "field is deprecated")),
        }[failure]


CASE = MessengerCase()
TestConformance = conformance_suite(CASE)


# --- parsing (pure) ------------------------------------------------------------------------------


def test_a_conversation_is_a_post_of_kind_conversation_with_the_customer_as_author() -> None:
    raw = fixture("messenger_conversations_1.json")["data"][0]
    conversation = parse_conversation(raw, Business(PAGE))
    assert (
        conversation.kind,
        conversation.platform_id,
        conversation.author_id,
        conversation.author_name,
    ) == (
        "conversation",
        "t_1001",
        "5550001112223",
        "Dana K.",
    )
    assert conversation.is_business is False
    assert conversation.created_at == datetime(2024, 5, 20, 15, 4, 5, tzinfo=UTC)  # its last activity
    answer, question = (parse_message(m, "t_1001", Business(PAGE)) for m in raw["messages"]["data"])
    assert (answer.kind, answer.post_id, answer.parent_id, answer.is_business) == (
        "message",
        "t_1001",
        None,
        True,
    )
    assert (question.author_name, question.is_business, question.text) == (
        "Dana K.",
        False,
        "¿Y el domingo abren?",
    )


def test_unix_times_as_the_conversations_docs_show_them_are_read() -> None:
    raw = {"id": "t_1", "updated_time": "1716217445", "participants": {"data": []}}
    assert parse_conversation(raw, Business(PAGE)).created_at == datetime(2024, 5, 20, 15, 4, 5, tzinfo=UTC)


# --- through respx -------------------------------------------------------------------------------


def test_conversations_and_every_message_with_the_token_in_a_header(tmp_path: Path) -> None:
    with CASE.healthy(tmp_path) as router:
        pages = collect(CASE.connector(tmp_path))
        calls = list(router.calls)
    found = records(pages)
    posts = {r.platform_id: r for r in found if isinstance(r, PostRecord)}
    messages = {r.platform_id: r for r in found if isinstance(r, CommentRecord)}
    assert set(posts) == {"t_1001", "t_1002", "t_1003", "t_2001", "t_3001"}
    assert {p.kind for p in posts.values()} == {"conversation"}
    assert set(messages) == {"m_A1", "m_A2", "m_A3", "m_B1", "m_C1", "m_C2", "m_D1", "m_D2", "m_E1"}
    assert {m.kind for m in messages.values()} == {"message"}
    assert {m.platform_id for m in messages.values() if m.is_business} == {"m_A3", "m_C2", "m_D2"}
    assert messages["m_A1"].post_id == "t_1001"  # from the conversation's second page of messages
    for call in calls:
        assert call.request.headers["Authorization"] == f"Bearer {TOKEN}"
        assert "access_token" not in str(call.request.url)
    listing = calls[0].request.url.params
    assert listing["platform"] == "messenger"
    assert listing["fields"] == (
        "id,updated_time,participants,messages.limit(25){id,message,from,created_time}"
    )


def test_the_sweep_stops_at_conversations_older_than_the_saved_cursor(tmp_path: Path) -> None:
    """No time-based paging: a whole page of conversations last active before the watermark (less the
    overlap window) ends each folder's listing; its messages are not requested."""
    with respx.mock(base_url=BASE, assert_all_called=False) as router:
        second = router.get(f"/{PAGE}/conversations", params={"after": "QVFIUmNvbnYy"}).respond(
            json=fixture("messenger_conversations_2.json")
        )
        first = router.get(f"/{PAGE}/conversations").respond(json=fixture("messenger_conversations_1.json"))
        more = router.get("/t_1001/messages").respond(json=fixture("messenger_messages_more.json"))
        connector = CASE.connector(tmp_path)
        connector.now = lambda: datetime(2024, 5, 26, tzinfo=UTC)  # type: ignore[method-assign]
        pages = collect(connector, {"watermark": "2024-05-25T12:00:00+00:00"})
    assert records(pages) == []
    folders = sorted(call.request.url.params["folder"] for call in first.calls)
    assert folders == ["inbox", "other", "page_done"]  # one old page each, then no more
    assert second.call_count == 0 and more.call_count == 0
    assert pages[-1].cursor == {"watermark": "2024-05-25T12:00:00+00:00"}


def test_chats_marked_done_and_message_requests_are_read_too(tmp_path: Path) -> None:
    """Without `folder` Graph lists only the inbox: a chat marked Done in Business Suite (`page_done`)
    or a request not yet accepted (`other`) was lost while the scan said ok. Each folder stops on its
    own: an inbox with nothing new does not end the Done folder's listing."""
    old_inbox = fixture("messenger_conversations_2.json")  # last active 2024-04-02, a next page
    old_inbox["paging"]["next"] = f"{BASE}/{PAGE}/conversations?after=QVFIUmNvbnYz"
    with respx.mock(base_url=BASE, assert_all_called=False) as router:
        inbox_after = router.get(f"/{PAGE}/conversations", params={"after": "QVFIUmNvbnYz"}).respond(
            json={"data": [], "paging": {}}
        )
        done = router.get(f"/{PAGE}/conversations", params={"folder": "page_done"}).respond(
            json=fixture("messenger_conversations_done.json")
        )
        other = router.get(f"/{PAGE}/conversations", params={"folder": "other"}).respond(
            json=fixture("messenger_conversations_other.json")
        )
        router.get(f"/{PAGE}/conversations").respond(json=old_inbox)
        connector = CASE.connector(tmp_path)
        connector.now = lambda: datetime(2024, 5, 22, tzinfo=UTC)  # type: ignore[method-assign]
        pages = collect(connector, {"watermark": "2024-05-18T00:00:00+00:00"})
    found = {r.platform_id: r for r in records(pages)}
    assert {"t_2001", "m_D1", "m_D2", "t_3001", "m_E1"} <= set(found)
    assert "t_1003" not in found  # the inbox's page is older than the window
    assert found["m_D2"].is_business and not found["m_D1"].is_business
    assert done.call_count == 1 and other.call_count == 1 and inbox_after.call_count == 0
    assert pages[-1].cursor == {"watermark": "2024-05-20T09:20:00+00:00"}


def test_a_conversation_moved_between_folders_during_a_scan_is_read_once(tmp_path: Path) -> None:
    both = fixture("messenger_conversations_done.json")
    with respx.mock(base_url=BASE, assert_all_mocked=True) as router:
        router.get(f"/{PAGE}/conversations").respond(json=both)  # every folder lists it
        pages = collect(CASE.connector(tmp_path))
    found = records(pages)
    assert sorted(r.platform_id for r in found) == ["m_D1", "m_D2", "t_2001"]


def test_the_folders_read_are_a_setting(tmp_path: Path) -> None:
    with respx.mock(base_url=BASE, assert_all_mocked=True) as router:
        listing = router.get(f"/{PAGE}/conversations").respond(json={"data": [], "paging": {}})
        collect(CASE.connector_with(folders=["inbox", "spam"]))
    assert [c.request.url.params["folder"] for c in listing.calls] == ["inbox", "spam"]
    with pytest.raises(ValueError, match="folders"):
        FacebookMessagesSettings(access_token=TOKEN, folders=["archive"])


def test_a_conversation_read_again_is_read_down_to_its_old_messages_only(tmp_path: Path) -> None:
    """A conversation with a new message: its pages of messages are read newest first until a whole
    page is older than the window; the older pages were read by an earlier scan."""

    def message(n: int, day: int) -> dict[str, Any]:
        who = {"id": PAGE, "name": "La Cosecha"} if n % 2 else {"id": "555", "name": "Dana K."}
        return {
            "id": f"m_{n}",
            "message": f"mensaje {n}",
            "from": who,
            "created_time": f"2024-05-{day:02d}T10:00:00+0000",
        }

    def paged(items: list[dict[str, Any]], after: str | None) -> dict[str, Any]:
        body: dict[str, Any] = {"data": items, "paging": {"cursors": {"after": after or "end"}}}
        if after:
            body["paging"]["next"] = f"{BASE}/t_9/messages?after={after}"
        return body

    conversation = {
        "id": "t_9",
        "updated_time": "2024-05-30T10:00:00+0000",
        "participants": {"data": [{"id": "555", "name": "Dana K."}]},
        "messages": paged([message(6, 30), message(5, 29)], "p2"),
    }
    with respx.mock(base_url=BASE, assert_all_called=False) as router:
        router.get(f"/{PAGE}/conversations").respond(json={"data": [conversation], "paging": {}})
        page_two = router.get("/t_9/messages", params={"after": "p2"}).respond(
            json=paged([message(4, 20), message(3, 19)], "p3")
        )
        page_three = router.get("/t_9/messages", params={"after": "p3"}).respond(
            json=paged([message(2, 2), message(1, 1)], None)
        )
        connector = CASE.connector(tmp_path)
        connector.now = lambda: datetime(2024, 5, 31, tzinfo=UTC)  # type: ignore[method-assign]
        pages = collect(connector, {"watermark": "2024-05-25T00:00:00+00:00"})
    got = sorted(r.platform_id for r in records(pages) if isinstance(r, CommentRecord))
    assert got == ["m_3", "m_4", "m_5", "m_6"]
    assert page_two.call_count == 1 and page_three.call_count == 0


@pytest.mark.parametrize("error", list(PERMISSION_ERRORS))
def test_a_token_without_the_messaging_task_or_pages_messaging_says_so(tmp_path: Path, error: str) -> None:
    with respx.mock(base_url=BASE) as router:
        router.get(f"/{PAGE}/conversations").respond(403, json=PERMISSION_ERRORS[error])
        with pytest.raises(PermissionDenied) as raised:
            collect(CASE.connector(tmp_path))
    said = str(raised.value)
    assert "MESSAGING task" in said and "pages_messaging" in said
    assert PERMISSION_ERRORS[error]["error"]["message"] in said  # Graph's own words, e.g. read_mailbox
    assert TOKEN not in said


REDUCE = "Please reduce the amount of data you're asking for, then retry your request"


def test_too_much_data_asks_for_fewer_conversations_and_messages_at_once(tmp_path: Path) -> None:
    last = fixture("messenger_conversations_2.json")

    def conversations(request: httpx.Request) -> httpx.Response:
        # Graph answers only 12 conversations with 12 messages inline at a time.
        params = request.url.params
        if int(params["limit"]) > 12 or "messages.limit(12)" not in params["fields"]:
            return httpx.Response(500, json=graph_error(1, REDUCE))
        return httpx.Response(200, json=last)

    with respx.mock(base_url=BASE, assert_all_mocked=True) as router:
        listing = router.get(f"/{PAGE}/conversations").mock(side_effect=conversations)
        pages = collect(CASE.connector_with(folders=["inbox"]))
    assert [call.request.url.params["limit"] for call in listing.calls] == ["25", "12"]
    assert {c["id"] for c in last["data"]} <= {r.platform_id for r in records(pages)}


def test_too_much_data_at_one_item_names_the_messenger_settings_to_lower(tmp_path: Path) -> None:
    with respx.mock(base_url=BASE, assert_all_mocked=True) as router:
        router.get(f"/{PAGE}/conversations").respond(500, json=graph_error(1, REDUCE))
        with pytest.raises(PlatformError) as raised:
            collect(CASE.connector(tmp_path))
    hint = raised.value.hint
    assert "page_size (now 25)" in hint and "message_page_size (now 25)" in hint
    assert "comment_page_size" not in hint  # a setting Messenger channels do not use


def test_the_connector_is_registered_under_its_name() -> None:
    from socialmon.plugins import default_registry

    assert default_registry().get("facebook_messages") is FacebookMessagesConnector
