"""The `instagram` connector against what Graph really sends: hidden comments, older comment shapes.

A comment the account hid (by hand, or Instagram's hidden-words filter) comes with `hidden: true`;
Instagram lets nobody reply to it, so it must not wait for an answer for ever: it is kept, words
and author, marked deleted (as a moderator's removal is on Reddit), and shown again when unhidden.
"""

from __future__ import annotations

from typing import Any

import respx
from conformance import NOW, collect, no_sleep, records

from socialmon_connectors import ChannelContext
from socialmon_connectors.instagram import InstagramConnector, InstagramSettings, parse_comment

BASE = "https://graph.facebook.com/v25.0"
ACCOUNT = "17841400000004242"
MEDIA = "17900000000004201"


def comment(comment_id: str, username: str, text: str, **fields: Any) -> dict[str, Any]:
    made: dict[str, Any] = {
        "id": comment_id,
        "text": text,
        "timestamp": "2024-05-30T09:15:00+0000",
        "username": username,
        "like_count": 0,
        "hidden": False,
        "from": {"id": f"99{comment_id[-6:]}", "username": username},
    }
    made.update(fields)
    return made


def connector() -> InstagramConnector:
    settings = InstagramSettings(access_token="IGQVtoken", username="panaderia.sol")
    made = InstagramConnector(settings, ChannelContext(brand="b", channel="ig", account=ACCOUNT))
    made.sleep = no_sleep  # type: ignore[method-assign]
    made.now = lambda: NOW  # type: ignore[method-assign]
    return made


def test_a_hidden_comment_is_kept_marked_deleted_so_it_waits_for_no_answer() -> None:
    media = {
        "id": MEDIA,
        "caption": "Roscones para el domingo",
        "timestamp": "2024-05-30T08:00:00+0000",
        "permalink": "https://www.instagram.com/p/C7xyzAbc123/",
        "comments_count": 2,
        "like_count": 31,
        "media_type": "IMAGE",
        "media_product_type": "FEED",
        "username": "panaderia.sol",
    }
    hidden = comment("17850000000000001", "spam.promo", "Gana seguidores gratis en mi perfil", hidden=True)
    question = comment("17850000000000002", "luisa.m", "¿Tienen sin gluten?")
    with respx.mock(base_url=BASE, assert_all_called=True, assert_all_mocked=True) as router:
        router.get(f"/{ACCOUNT}/media").respond(json={"data": [media], "paging": {"cursors": {}}})
        router.get(f"/{MEDIA}/comments").respond(json={"data": [hidden, question], "paging": {"cursors": {}}})
        pages = collect(connector())
    by_id = {r.platform_id: r for r in records(pages)}
    spam, asked = by_id["17850000000000001"], by_id["17850000000000002"]
    assert (spam.deleted, spam.text, spam.author_name) == (
        True,
        "Gana seguidores gratis en mi perfil",
        "spam.promo",
    )
    assert asked.deleted is False
    unhidden = parse_comment({**hidden, "hidden": False}, MEDIA, ACCOUNT, "panaderia.sol")
    assert unhidden.deleted is False


def test_an_older_comment_with_username_only_is_the_businesss_by_that_name_in_any_case() -> None:
    older = {
        "id": "17850000000000003",
        "text": "Gracias!",
        "timestamp": "2024-05-30T10:00:00+0000",
        "username": "Panaderia.Sol",
    }
    record = parse_comment(older, MEDIA, ACCOUNT, "panaderia.sol")
    assert (record.author_id, record.author_name, record.is_business) == (None, "Panaderia.Sol", True)
    assert record.created_at.isoformat() == "2024-05-30T10:00:00+00:00"
