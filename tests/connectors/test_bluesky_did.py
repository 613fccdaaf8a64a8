"""The `bluesky` connector keeps the account's DID in its cursor and reads by it: a renamed handle, or one
someone else took, never switches the channel to another account; a kept account that is gone fails the
channel by name; post links survive a handle that fails verification."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
import respx
from conformance import collect, records

from socialmon_connectors import ChannelContext, NotFound
from socialmon_connectors.bluesky import BlueskyConnector, BlueskySettings, parse_post

BASE = "https://public.api.bsky.app/xrpc"
ACCOUNT = "account"  # where the cursor keeps the account
PROFILE, FEED = "/app.bsky.actor.getProfile", "/app.bsky.feed.getAuthorFeed"
OLD_HANDLE, NEW_HANDLE = "cornerbistro.bsky.social", "cornerbistro.com"
BISTRO = "did:plc:bistro4kq7xw2m"  # the business's account
SQUATTER = "did:plc:squat9zr3tq1p"  # whoever registered the old handle after the rename


def profile(did: str, handle: str, name: str) -> dict[str, Any]:
    return {"did": did, "handle": handle, "displayName": name, "followersCount": 3, "postsCount": 1}


def feed_of(did: str, handle: str, rkey: str, text: str) -> dict[str, Any]:
    """An author feed of one post without replies (no cursor: the last page)."""
    uri = f"at://{did}/app.bsky.feed.post/{rkey}"
    return {
        "feed": [
            {
                "post": {
                    "uri": uri,
                    "cid": "bafyreih" + rkey,
                    "author": {"did": did, "handle": handle},
                    "record": {
                        "$type": "app.bsky.feed.post",
                        "text": text,
                        "createdAt": "2024-06-03T09:00:00.000Z",
                    },
                    "replyCount": 0,
                    "repostCount": 0,
                    "likeCount": 1,
                    "indexedAt": "2024-06-03T09:00:01.000Z",
                }
            }
        ]
    }


def xrpc_error(status: int, name: str, message: str) -> httpx.Response:
    return httpx.Response(status, json={"error": name, "message": message})


PROFILE_NOT_FOUND = (400, "InvalidRequest", "Profile not found")


def connector(account: str = OLD_HANDLE) -> BlueskyConnector:
    made = BlueskyConnector(
        BlueskySettings(max_retries=0, retry_backoff=0),
        ChannelContext(brand="bistro", channel="bsky", account=account),
    )
    made.now = lambda: datetime(2024, 6, 5, tzinfo=UTC)  # type: ignore[method-assign]
    return made


def first_scan() -> dict[str, Any]:
    """The cursor the channel's first scan leaves: the handle then named the business's account."""
    with respx.mock(base_url=BASE, assert_all_called=True) as router:
        router.get(PROFILE, params={"actor": OLD_HANDLE}).respond(
            json=profile(BISTRO, OLD_HANDLE, "Corner Bistro")
        )
        router.get(FEED, params={"actor": BISTRO}).respond(
            json=feed_of(BISTRO, OLD_HANDLE, "3kt1first0001", "Open on Sunday")
        )
        pages = collect(connector())
    cursor = pages[-1].cursor
    assert cursor is not None
    return cursor


def test_the_first_scan_keeps_the_accounts_did_in_every_cursor() -> None:
    with respx.mock(base_url=BASE, assert_all_called=True) as router:
        router.get(PROFILE, params={"actor": OLD_HANDLE}).respond(
            json=profile(BISTRO, OLD_HANDLE, "Corner Bistro")
        )
        router.get(FEED, params={"actor": BISTRO}).respond(
            json=feed_of(BISTRO, OLD_HANDLE, "3kt1first0001", "Open on Sunday")
        )
        pages = collect(connector())
    assert pages and all(
        page.cursor[ACCOUNT] == {"did": BISTRO, "configured": OLD_HANDLE} for page in pages if page.cursor
    )


def test_a_handle_still_naming_the_kept_did_costs_no_extra_request() -> None:
    cursor = first_scan()
    with respx.mock(base_url=BASE, assert_all_called=True) as router:
        lookup = router.get(PROFILE, params={"actor": OLD_HANDLE}).respond(
            json=profile(BISTRO, OLD_HANDLE, "Corner Bistro")
        )
        router.get(FEED, params={"actor": BISTRO}).respond(json={"feed": []})
        collect(connector(), cursor)
        assert lookup.call_count == 1 and len(router.calls) == 2


def test_an_old_handle_someone_else_took_is_not_read_the_kept_did_is(
    caplog: pytest.LogCaptureFixture,
) -> None:
    cursor = first_scan()
    with respx.mock(base_url=BASE, assert_all_called=False) as router:
        router.get(PROFILE, params={"actor": OLD_HANDLE}).respond(
            json=profile(SQUATTER, OLD_HANDLE, "Not The Bistro")
        )
        router.get(PROFILE, params={"actor": BISTRO}).respond(
            json=profile(BISTRO, NEW_HANDLE, "Corner Bistro")
        )
        own = router.get(FEED, params={"actor": BISTRO}).respond(
            json=feed_of(BISTRO, NEW_HANDLE, "3kt2renamed02", "Same bistro, new name")
        )
        other = router.get(FEED, params={"actor": SQUATTER}).respond(
            json=feed_of(SQUATTER, OLD_HANDLE, "3kt2squat0003", "Cheap watches here")
        )
        with caplog.at_level(logging.WARNING, logger="socialmon.http"):
            pages = collect(connector(), cursor)
    assert own.called and not other.called
    assert [r.text for r in records(pages)] == ["Same bistro, new name"]
    assert all(r.author_id == BISTRO for r in records(pages))
    (warning,) = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert SQUATTER in warning and BISTRO in warning and "bistro/bsky" in warning
    assert f"@{NEW_HANDLE}" in warning and "stale" in warning
    assert pages[-1].cursor[ACCOUNT] == {"did": BISTRO, "configured": OLD_HANDLE}


def test_a_renamed_handle_nobody_took_is_read_by_the_kept_did(caplog: pytest.LogCaptureFixture) -> None:
    cursor = first_scan()
    with respx.mock(base_url=BASE, assert_all_called=True) as router:
        router.get(PROFILE, params={"actor": OLD_HANDLE}).mock(return_value=xrpc_error(*PROFILE_NOT_FOUND))
        router.get(PROFILE, params={"actor": BISTRO}).respond(
            json=profile(BISTRO, NEW_HANDLE, "Corner Bistro")
        )
        router.get(FEED, params={"actor": BISTRO}).respond(
            json=feed_of(BISTRO, NEW_HANDLE, "3kt2renamed02", "Same bistro, new name")
        )
        with caplog.at_level(logging.WARNING, logger="socialmon.http"):
            pages = collect(connector(), cursor)
    (post,) = records(pages)
    assert (
        post.url == f"https://bsky.app/profile/{BISTRO}/post/3kt2renamed02"
    )  # by the DID: no rename breaks it
    (warning,) = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert OLD_HANDLE in warning and BISTRO in warning and f"@{NEW_HANDLE}" in warning


@pytest.mark.parametrize(
    "gone",
    [PROFILE_NOT_FOUND, (400, "AccountTakedown", "Account has been suspended")],
    ids=["deleted", "taken down"],
)
def test_a_kept_account_that_is_gone_fails_the_channel_by_name(gone: tuple[int, str, str]) -> None:
    cursor = first_scan()
    with respx.mock(base_url=BASE, assert_all_called=False) as router:
        router.get(PROFILE, params={"actor": OLD_HANDLE}).respond(
            json=profile(SQUATTER, OLD_HANDLE, "Not The Bistro")
        )
        router.get(PROFILE, params={"actor": BISTRO}).mock(return_value=xrpc_error(*gone))
        feed = router.get(FEED).respond(json={"feed": []})
        with pytest.raises(NotFound) as raised:
            collect(connector(), cursor)
    said = str(raised.value)
    assert "bistro/bsky" in said and BISTRO in said and gone[2] in said
    assert "fix the channel's account in the config" in said and not feed.called


def test_the_config_naming_another_account_is_followed() -> None:
    """The user wrote another handle in the config: that is no stale handle, it is the account to read."""
    cursor = first_scan()
    with respx.mock(base_url=BASE, assert_all_called=True) as router:
        router.get(PROFILE, params={"actor": "bistrotwo.bsky.social"}).respond(
            json=profile(SQUATTER, "bistrotwo.bsky.social", "Bistro Two")
        )
        router.get(FEED, params={"actor": SQUATTER}).respond(
            json=feed_of(SQUATTER, "bistrotwo.bsky.social", "3kt3second004", "Second shop")
        )
        pages = collect(connector("bistrotwo.bsky.social"), cursor)
    assert [r.text for r in records(pages)] == ["Second shop"]
    assert pages[-1].cursor[ACCOUNT] == {"did": SQUATTER, "configured": "bistrotwo.bsky.social"}


def test_a_post_whose_author_handle_fails_verification_links_by_did() -> None:
    item = feed_of(BISTRO, "handle.invalid", "3kt4invalid05", "Hello")["feed"][0]["post"]
    assert parse_post(item, BISTRO).url == f"https://bsky.app/profile/{BISTRO}/post/3kt4invalid05"
