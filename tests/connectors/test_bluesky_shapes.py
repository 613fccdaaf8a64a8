"""The `bluesky` connector against what the AppView really serves: user-set `createdAt` values.

`record.createdAt` is whatever the client wrote (bots and importers write the year 1 or 1800,
or leave the zone out); `indexedAt` is the AppView's own. A post's time is the earlier of the
two, as Bluesky sorts it, as long as `createdAt` is a time socialmon can store.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from socialmon_connectors.bluesky import parse_reply, sort_time, walk_thread
from socialmon_connectors.records import RejectedRecord

DID = "did:plc:panaderiasol42"
ROOT = f"at://{DID}/app.bsky.feed.post/3kxroot00001"


def post(rkey: str, did: str, created: Any, indexed: str = "2024-05-30T12:00:00.000Z") -> dict[str, Any]:
    return {
        "uri": f"at://{did}/app.bsky.feed.post/{rkey}",
        "cid": f"bafy{rkey}",
        "author": {"did": did, "handle": f"{rkey}.bsky.social"},
        "record": {"$type": "app.bsky.feed.post", "text": f"reply {rkey}", "createdAt": created},
        "indexedAt": indexed,
        "replyCount": 0,
    }


def test_a_createdat_before_any_storable_time_dates_the_post_by_indexedat() -> None:
    indexed = datetime(2024, 5, 30, 12, tzinfo=UTC)
    for created in ("0001-01-01T00:00:00.000Z", "1800-03-01T00:00:00Z"):
        assert sort_time(post("3kxa", "did:plc:bot", created)) == indexed
        reply = parse_reply(post("3kxa", "did:plc:bot", created), ROOT, ROOT, DID)
        assert reply.created_at == indexed
    # A backdated time that can be stored is kept, as Bluesky sorts it; so is one without milliseconds.
    assert sort_time(post("3kxb", "did:plc:bot", "2015-06-01T09:00:00Z")) == datetime(
        2015, 6, 1, 9, tzinfo=UTC
    )
    assert sort_time(post("3kxc", "did:plc:bot", "2024-05-30T11:00:00.123456789+02:00")) == datetime(
        2024, 5, 30, 9, 0, 0, 123456, tzinfo=UTC
    )


def test_a_reply_with_a_year_one_createdat_is_kept_in_its_thread_not_rejected() -> None:
    customer = {
        "$type": "app.bsky.feed.defs#threadViewPost",
        "post": post("3kxq", "did:plc:ana", "0001-01-01T00:00:00Z"),
    }
    thread = {
        "$type": "app.bsky.feed.defs#threadViewPost",
        "post": post("3kxroot00001", DID, "2024-05-30T08:00:00Z"),
        "replies": [customer],
    }
    rejected: list[RejectedRecord] = []
    replies, cut = walk_thread(thread, ROOT, DID, rejected, 10)
    assert rejected == []
    assert [(r.author_id, r.created_at) for r in replies] == [
        ("did:plc:ana", datetime(2024, 5, 30, 12, tzinfo=UTC))
    ]
    assert cut == []
