"""The `instagram_messages` connector: Instagram Direct through the Graph Conversations API (respx)."""

from __future__ import annotations

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
from socialmon_connectors.instagram_messages import InstagramMessagesConnector, InstagramMessagesSettings

BASE = "https://graph.facebook.com/v25.0"
PAGE = "104512345678901"  # the Facebook Page linked to the Instagram account
IG = "17841400000000001"
TOKEN = "EAABsecretTOKEN456"
CONVERSATION = "aWdfZAG06MTpJR01lc3NhZA1"


def graph_error(code: int, message: str, subcode: int | None = None) -> dict[str, Any]:
    error: dict[str, Any] = {"message": message, "type": "OAuthException", "code": code, "fbtrace_id": "Ab1"}
    if subcode is not None:
        error["error_subcode"] = subcode
    return {"error": error}


class InstagramDirectCase(HttpCase):
    base_url = BASE
    errors = {  # noqa: RUF012
        "expired token": AuthError,
        "missing permission": PermissionDenied,
        "rate limited": RateLimited,
        "account does not exist": NotFound,
        "other platform error": PlatformError,
    }

    def make(self, **options: Any) -> InstagramMessagesConnector:
        options.setdefault("page_id", PAGE)
        settings = InstagramMessagesSettings(access_token=TOKEN, **options)
        return InstagramMessagesConnector(settings, ChannelContext(brand="b", channel="ig-dm", account=IG))

    def connector_with(self, **options: Any) -> InstagramMessagesConnector:
        made = self.make(**options)
        made.sleep = no_sleep  # type: ignore[method-assign]
        made.now = lambda: NOW  # type: ignore[method-assign]
        return made

    def routes(self, router: respx.MockRouter) -> None:
        router.get(f"/{IG}", params={"fields": "id,username"}).respond(
            json={"id": IG, "username": "cosecha.pan"}
        )
        router.get(f"/{PAGE}/conversations", params={"platform": "instagram"}).respond(
            json=fixture("instagram_conversations.json")
        )
        router.get(f"/{CONVERSATION}/messages", params={"after": "QVFIUmlnMQ"}).respond(
            json=fixture("instagram_messages_more.json")
        )

    def error_response(self, failure: str) -> httpx.Response:
        return {
            "expired token": httpx.Response(
                400, json=graph_error(190, f"Error validating access token: Session has expired {TOKEN}", 463)
            ),
            "missing permission": httpx.Response(
                403, json=graph_error(230, "(#230) Requires instagram_manage_messages permission")
            ),
            "rate limited": httpx.Response(400, json=graph_error(80002, "Instagram business use case limit")),
            "account does not exist": httpx.Response(
                400, json=graph_error(100, "Object with ID does not exist", 33)
            ),
            "other platform error": httpx.Response(400, json=graph_error(12, "field is deprecated")),
        }[failure]


CASE = InstagramDirectCase()
TestConformance = conformance_suite(CASE)


def test_direct_conversations_with_the_business_known_by_its_username(tmp_path: Path) -> None:
    with CASE.healthy(tmp_path) as router:
        pages = collect(CASE.connector(tmp_path))
        calls = list(router.calls)
    found = records(pages)
    posts = [r for r in found if isinstance(r, PostRecord)]
    messages = [r for r in found if isinstance(r, CommentRecord)]
    assert {(p.kind, p.author_name, p.is_business) for p in posts} == {
        ("conversation", "ana.luz", False),
        ("conversation", "beto_r", False),
    }
    assert len(messages) == 4 and {m.kind for m in messages} == {"message"}
    # the business's answer comes from an Instagram-scoped id, not the account id: its username tells
    business = [m for m in messages if m.is_business]
    assert [(m.author_name, m.text) for m in business] == [("cosecha.pan", "¡Claro! Te lo apartamos")]
    listing = next(c.request.url.params for c in calls if c.request.url.path.endswith("/conversations"))
    assert listing["platform"] == "instagram"
    assert all(c.request.headers["Authorization"] == f"Bearer {TOKEN}" for c in calls)


def test_with_instagram_login_the_account_itself_is_listed_and_a_set_username_is_not_looked_up(
    tmp_path: Path,
) -> None:
    base = "https://graph.instagram.com/v25.0"
    with respx.mock(base_url=base, assert_all_mocked=True) as router:
        listing = router.get(f"/{IG}/conversations").respond(json={"data": [], "paging": {}})
        collect(CASE.connector_with(page_id="", username="@cosecha.pan", base_url=base))
    assert listing.call_count == 1


@pytest.mark.parametrize(
    "body",
    [
        graph_error(10, "(#10) Requires instagram_manage_messages permission to manage the object"),
        graph_error(298, "(#298) Requires extended permission: read_mailbox"),
        graph_error(200, "(#200) The user does not have the MESSAGING task on the linked Page"),
    ],
)
def test_a_token_without_instagram_manage_messages_says_so(tmp_path: Path, body: dict[str, Any]) -> None:
    with respx.mock(base_url=BASE) as router:
        router.get(f"/{IG}").respond(json={"id": IG, "username": "cosecha.pan"})
        router.get(f"/{PAGE}/conversations").respond(403, json=body)
        with pytest.raises(PermissionDenied) as raised:
            collect(CASE.connector(tmp_path))
    said = str(raised.value)
    assert "instagram_manage_messages" in said and "MESSAGING task" in said
    assert body["error"]["message"] in said and TOKEN not in said


def long_conversation(conversation_id: str, day: int) -> dict[str, Any]:
    """A conversation whose 20 most recent messages (one a minute from 10:00 on `day`) come inline,
    with a next page: the older ones exist, but Instagram answers only for the 20 most recent."""
    messages = [
        {
            "id": f"{conversation_id}_m{n:02d}",
            "message": f"mensaje {n}",
            "from": {"username": "ana.luz", "id": "6543210987654321"},
            "created_time": f"2024-05-{day:02d}T10:{n:02d}:00+0000",
        }
        for n in range(40, 20, -1)
    ]
    return {
        "id": conversation_id,
        "updated_time": messages[0]["created_time"],
        "participants": {"data": [{"username": "ana.luz", "id": "6543210987654321"}]},
        "messages": {
            "data": messages,
            "paging": {
                "cursors": {"before": "QVFIUmJl", "after": "QVFIUm9sZGVy"},
                "next": f"{BASE}/{conversation_id}/messages?limit=20&after=QVFIUm9sZGVy",
            },
        },
    }


def test_only_the_20_most_recent_messages_are_asked_for_and_more_is_reported(tmp_path: Path) -> None:
    """Meta: for Instagram "you will only be able to query data for the 20 most recent messages in the
    conversation"; an older one answers "the message has been deleted". The connector asked for 25 and
    for the page below, a request that fails on every scan; now it asks for 20, stops there, and says
    which conversation had more messages in the window than it could read."""
    busy = long_conversation("aWdfZAG06MTpCVVNZ", day=30)  # all 20 inside the window: more were missed
    quiet = long_conversation("aWdfZAG06MTpRVUlFVA", day=30)
    quiet["messages"]["data"][-1]["created_time"] = "2024-05-01T10:00:00+0000"  # reached the old ones
    older = graph_error(100, "(#100) The message has been deleted")  # how Meta words it (not its code)
    with respx.mock(base_url=BASE, assert_all_called=False) as router:
        router.get(f"/{IG}").respond(json={"id": IG, "username": "cosecha.pan"})
        listing = router.get(f"/{PAGE}/conversations").respond(json={"data": [busy, quiet], "paging": {}})
        below = router.get(url__regex=r"/messages").respond(400, json=older)
        connector = CASE.connector(tmp_path)
        pages = collect(connector, {"watermark": "2024-05-29T00:00:00+00:00"})
    assert "messages.limit(20)" in listing.calls[0].request.url.params["fields"]
    assert below.call_count == 0
    assert not [f for page in pages for f in page.failed_threads]  # nothing a later scan could read
    messages = [r for r in records(pages) if isinstance(r, CommentRecord)]
    assert len(messages) == 40
    reported = [r for page in pages for r in page.rejected]
    assert [r.location for r in reported] == ["Instagram Direct conversation aWdfZAG06MTpCVVNZ"]
    assert "20 most recent" in reported[0].reason


def test_a_smaller_message_page_size_still_stops_at_the_20_most_recent(tmp_path: Path) -> None:
    conversation = long_conversation("aWdfZAG06MTpTTUFMTA", day=30)
    first, rest = conversation["messages"]["data"][:10], conversation["messages"]["data"][10:]
    conversation["messages"] = {
        "data": first,
        "paging": {"cursors": {"after": "QVFIUnAy"}, "next": f"{BASE}/x/messages?after=QVFIUnAy"},
    }
    second = {"data": rest, "paging": {"cursors": {"after": "QVFIUnAz"}, "next": f"{BASE}/x/messages?a=1"}}
    with respx.mock(base_url=BASE, assert_all_mocked=True) as router:
        router.get(f"/{PAGE}/conversations").respond(json={"data": [conversation], "paging": {}})
        page_two = router.get(url__regex=r"/messages", params={"after": "QVFIUnAy"}).respond(json=second)
        pages = collect(CASE.connector_with(message_page_size=10, username="cosecha.pan"))
    assert page_two.call_count == 1 and page_two.calls[0].request.url.params["limit"] == "10"
    assert len([r for r in records(pages) if isinstance(r, CommentRecord)]) == 20
    assert [r.location for page in pages for r in page.rejected] == [
        "Instagram Direct conversation aWdfZAG06MTpTTUFMTA"
    ]
