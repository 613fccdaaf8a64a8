"""A thread stopped for the channel's time at its last `yield` is read, not left for the next scan.

`ThreadTimeUp` is thrown into a thread at a `yield` once `Deadline.item_at` has passed. A thread of
one page, stopped at its only yield, had been handed over whole, yet it was remembered as a long
thread and read again in full on the next scan (and every scan after, while the channel stayed
short of time). Now the connector tells that it had nothing left: the thread is done. A thread
stopped at the end of a page goes on from the next page, not from the page it had finished.

Connector-level, with a deadline whose "inside an item" moment has always passed (every thread is
stopped at its first yield) and whose "between items" one never does. Bodies in the platforms'
shapes: YouTube Data API v3 (`commentThreads` list, `nextPageToken`), Graph API (`data`,
`paging.cursors.after`, `paging.next`; a Page's posts carry their first page of comments inline,
an Instagram comment its first replies).
"""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import respx

from socialmon_connectors import ChannelContext, Page, ThreadFailure
from socialmon_connectors._paging import GOES_ON_FROM_ITS_PAGE, LONG_THREAD, RESUME_PAGE, SweepConnector
from socialmon_connectors.base import Deadline
from socialmon_connectors.facebook import FacebookConnector, FacebookSettings
from socialmon_connectors.instagram import InstagramConnector, InstagramSettings
from socialmon_connectors.youtube import COMMENTS_PAGE, YouTubeConnector, YouTubeSettings

YT = "https://www.googleapis.com/youtube/v3"
GRAPH = "https://graph.facebook.com/v25.0"
CHANNEL = "UCferreteriaCentro000000"
VIDEO = "ferrVideo01"
PAGE_ID = "104500000000888"
POST = f"{PAGE_ID}_910000000000001"
IG_ACCOUNT = "17841400000000888"
MEDIA = "17910000000000001"


def stopped_at_every_yield() -> Deadline:
    """Past the time to stop inside an item, never the time to stop between items."""
    return Deadline(at=100.0, clock=lambda: 1.0, item_at=0.0)


def every_page(connector: SweepConnector) -> list[Page]:
    async def run() -> list[Page]:
        return [page async for page in connector.pages(None)]

    return asyncio.run(run())


def failures(pages: list[Page]) -> list[ThreadFailure]:
    return [failure for page in pages for failure in page.failed_threads]


def context(account: str) -> ChannelContext:
    return ChannelContext(brand="b", channel="c", account=account, deadline=stopped_at_every_yield())


# --- YouTube -----------------------------------------------------------------------------------------


def yt_thread(comment_id: str) -> dict[str, Any]:
    snippet = {
        "videoId": VIDEO,
        "authorDisplayName": "@vecino",
        "authorChannelId": {"value": "UCvecino000000000000000"},
        "textDisplay": "¿Tienen tornillos de 3 mm?",
        "textOriginal": "¿Tienen tornillos de 3 mm?",
        "likeCount": 0,
        "publishedAt": "2025-03-19T09:00:00Z",
        "updatedAt": "2025-03-19T09:00:00Z",
    }
    return {
        "kind": "youtube#commentThread",
        "etag": "e",
        "id": comment_id,
        "snippet": {
            "channelId": CHANNEL,
            "videoId": VIDEO,
            "totalReplyCount": 0,
            "canReply": True,
            "isPublic": True,
            "topLevelComment": {"kind": "youtube#comment", "etag": "e", "id": comment_id, "snippet": snippet},
        },
    }


def youtube(pages: dict[str | None, tuple[list[str], str | None]]) -> tuple[respx.MockRouter, list[Any]]:
    """A channel of one video whose commentThreads pages are `pages` (token: (thread ids, next token))."""
    asked: list[Any] = []
    router = respx.mock(base_url=YT, assert_all_mocked=True, assert_all_called=False)
    router.get("/channels").respond(
        json={
            "kind": "youtube#channelListResponse",
            "items": [{"id": CHANNEL, "contentDetails": {"relatedPlaylists": {"uploads": "UUferreteria"}}}],
        }
    )
    router.get("/playlistItems").respond(
        json={
            "kind": "youtube#playlistItemListResponse",
            "items": [
                {
                    "kind": "youtube#playlistItem",
                    "id": "UExferr1",
                    "snippet": {"publishedAt": "2025-03-18T09:00:00Z", "title": "Taladros"},
                    "contentDetails": {"videoId": VIDEO, "videoPublishedAt": "2025-03-18T09:00:00Z"},
                }
            ],
        }
    )
    router.get("/videos").respond(
        json={
            "kind": "youtube#videoListResponse",
            "items": [
                {"kind": "youtube#video", "id": VIDEO, "snippet": {"title": "Taladros", "description": ""}}
            ],
        }
    )

    def threads(request: httpx.Request) -> httpx.Response:
        token = request.url.params.get("pageToken")
        asked.append(token)
        ids, following = pages[token]
        body: dict[str, Any] = {
            "kind": "youtube#commentThreadListResponse",
            "items": [yt_thread(i) for i in ids],
        }
        if following:
            body["nextPageToken"] = following
        return httpx.Response(200, json=body)

    router.get("/commentThreads").mock(side_effect=threads)
    return router, asked


def youtube_connector() -> YouTubeConnector:
    return YouTubeConnector(YouTubeSettings(api_key="AIzaONEpage"), context(CHANNEL))


def test_youtube_a_video_of_one_page_stopped_at_its_last_thread_is_read_not_left() -> None:
    router, asked = youtube({None: (["UgyOnly1"], None)})
    with router:
        pages = every_page(youtube_connector())
    assert not failures(pages), "nothing was left to read"
    assert "UgyOnly1" in {comment.platform_id for page in pages for comment in page.comments}
    assert asked == [None]


def test_youtube_a_video_stopped_at_the_end_of_a_page_goes_on_from_the_next_page() -> None:
    router, asked = youtube({None: (["UgyFirst1"], "QURTSl9p"), "QURTSl9p": (["UgySecond"], None)})
    with router:
        pages = every_page(youtube_connector())
    [failure] = failures(pages)
    assert failure.item[COMMENTS_PAGE] == "QURTSl9p" and failure.item[LONG_THREAD]
    assert asked == [None]


def test_youtube_a_video_stopped_inside_a_page_reads_that_page_again() -> None:
    router, _ = youtube({"QURTSl9p": (["UgyA", "UgyB"], None)})
    pending = ThreadFailure(
        key=VIDEO,
        item={
            "id": "UExferr1",
            "contentDetails": {"videoId": VIDEO},
            COMMENTS_PAGE: "QURTSl9p",
            LONG_THREAD: 1,
        },
        reason="stopped part way",
    )
    connector = YouTubeConnector(
        YouTubeSettings(api_key="AIzaONEpage"),
        ChannelContext(
            brand="b",
            channel="c",
            account=CHANNEL,
            deadline=stopped_at_every_yield(),
            pending_threads=(pending,),
        ),
    )
    with router:
        pages = every_page(connector)
    [failure] = failures(pages)
    assert failure.item[COMMENTS_PAGE] == "QURTSl9p", "UgyB is still to read: the same page again"


# --- Facebook --------------------------------------------------------------------------------------


def fb_comment(number: int) -> dict[str, Any]:
    return {
        "id": f"910000000000001_{number}",
        "message": "¿Abren el domingo?",
        "created_time": "2025-03-19T09:00:00+0000",
        "from": {"id": "5550000000888", "name": "Vecina"},
        "like_count": 0,
        "comment_count": 0,
    }


def facebook(inline_next: bool) -> tuple[respx.MockRouter, respx.Route]:
    inline: dict[str, Any] = {
        "data": [fb_comment(1), fb_comment(2)],
        "summary": {"order": "chronological", "total_count": 4 if inline_next else 2, "can_comment": True},
        "paging": {"cursors": {"before": "MQZDZD", "after": "MgZDZD"}},
    }
    if inline_next:
        inline["paging"]["next"] = f"{GRAPH}/{POST}/comments?filter=stream&after=MgZDZD&access_token=EAAleak"
    post = {
        "id": POST,
        "message": "Horario de Semana Santa",
        "created_time": "2025-03-19T08:00:00+0000",
        "from": {"id": PAGE_ID, "name": "Ferretería"},
        "reactions": {"data": [], "summary": {"total_count": 1}},
        "comments": inline,
    }
    router = respx.mock(base_url=GRAPH, assert_all_mocked=True, assert_all_called=False)
    router.get(f"/{PAGE_ID}/posts").respond(json={"data": [post], "paging": {"cursors": {"after": "QVFa"}}})
    more = router.get(f"/{POST}/comments").respond(
        json={"data": [fb_comment(3), fb_comment(4)], "paging": {}}
    )
    return router, more


def facebook_connector() -> FacebookConnector:
    return FacebookConnector(FacebookSettings(access_token="EAAonePage"), context(PAGE_ID))


def test_facebook_a_post_whose_comments_are_one_page_is_read_not_left() -> None:
    router, more = facebook(inline_next=False)
    with router:
        pages = every_page(facebook_connector())
    assert not failures(pages), "its only page (inline) was handed over whole"
    assert more.call_count == 0


def test_facebook_a_post_stopped_after_a_page_goes_on_from_the_next_page() -> None:
    router, more = facebook(inline_next=True)
    with router:
        pages = every_page(facebook_connector())
    [failure] = failures(pages)
    assert failure.item[RESUME_PAGE] == {"after": "MgZDZD"} and failure.item[LONG_THREAD]
    assert GOES_ON_FROM_ITS_PAGE in failure.reason, "in the words the CLI says in Spanish"
    assert "data" not in failure.item.get("comments", {}), "the inline comments are not kept"
    assert more.call_count == 0


# --- Instagram -------------------------------------------------------------------------------------


def ig_comment(number: int, replies: dict[str, Any] | None = None) -> dict[str, Any]:
    made: dict[str, Any] = {
        "id": f"1786000000000{number:04d}",
        "text": "¿Precio del taladro?",
        "timestamp": "2025-03-19T09:00:00+0000",
        "username": "vecina.ig",
        "like_count": 0,
        "hidden": False,
        "from": {"id": "9900000000000888", "username": "vecina.ig"},
    }
    if replies is not None:
        made["replies"] = replies
    return made


def instagram(replies_next: bool) -> tuple[respx.MockRouter, respx.Route]:
    answer = {
        "id": "17860000000009999",
        "text": "@vecina.ig 45 €",
        "timestamp": "2025-03-19T09:30:00+0000",
        "username": "ferreteria.centro",
        "like_count": 0,
        "hidden": False,
        "parent_id": "17860000000000001",
        "from": {"id": IG_ACCOUNT, "username": "ferreteria.centro"},
    }
    replies: dict[str, Any] = {"data": [answer], "paging": {"cursors": {"before": "UjE", "after": "UjI"}}}
    if replies_next:
        replies["paging"]["next"] = f"{GRAPH}/17860000000000001/replies?after=UjI&access_token=IGQleak"
    media = {
        "id": MEDIA,
        "caption": "Taladros en oferta",
        "timestamp": "2025-03-19T08:00:00+0000",
        "permalink": "https://www.instagram.com/p/C8ferr/",
        "comments_count": 3,
        "like_count": 9,
        "media_type": "IMAGE",
        "media_product_type": "FEED",
        "username": "ferreteria.centro",
        "is_comment_enabled": True,
    }
    router = respx.mock(base_url=GRAPH, assert_all_mocked=True, assert_all_called=False)
    router.get(f"/{IG_ACCOUNT}/media").respond(
        json={"data": [media], "paging": {"cursors": {"after": "QVFa"}}}
    )
    router.get(f"/{MEDIA}/comments").respond(
        json={"data": [ig_comment(1, replies), ig_comment(2)], "paging": {"cursors": {"after": "QVFc"}}}
    )
    more = router.get("/17860000000000001/replies").respond(json={"data": [], "paging": {}})
    return router, more


def instagram_connector() -> InstagramConnector:
    settings = InstagramSettings(access_token="IGQVonePage", username="ferreteria.centro")
    return InstagramConnector(settings, context(IG_ACCOUNT))


def test_instagram_media_whose_comments_and_replies_are_one_page_is_read_not_left() -> None:
    router, more = instagram(replies_next=False)
    with router:
        pages = every_page(instagram_connector())
    assert not failures(pages), "its comments and their inline replies were handed over at once"
    read = {comment.platform_id for page in pages for comment in page.comments}
    assert {"17860000000000001", "17860000000000002", "17860000000009999"} <= read
    assert more.call_count == 0


def test_instagram_media_stopped_before_a_comment_s_further_replies_reads_its_page_again() -> None:
    router, more = instagram(replies_next=True)
    with router:
        pages = every_page(instagram_connector())
    [failure] = failures(pages)
    assert RESUME_PAGE not in failure.item and failure.item[LONG_THREAD], "its first page again"
    assert "17860000000009999" in {comment.platform_id for page in pages for comment in page.comments}
    assert more.call_count == 0


def test_instagram_inline_replies_of_the_wrong_shape_are_rejected_and_their_page_kept() -> None:
    """Handed over with their comments, the inline replies must not cost them the page: an inline
    `replies` that is not a page (here `data` an object) is rejected naming it, the rest is kept."""
    router, _ = instagram(replies_next=False)
    broken = {"data": {"id": "17860000000009999"}, "paging": {"cursors": {"after": "UjI"}}}
    router.get(f"/{MEDIA}/comments").respond(
        json={"data": [ig_comment(1, broken), ig_comment(2)], "paging": {"cursors": {"after": "QVFc"}}}
    )
    connector = InstagramConnector(
        InstagramSettings(access_token="IGQVonePage", username="ferreteria.centro"),
        ChannelContext(brand="b", channel="c", account=IG_ACCOUNT),
    )
    with router:
        pages = every_page(connector)
    assert not failures(pages)
    read = {comment.platform_id for page in pages for comment in page.comments}
    assert read == {"17860000000000001", "17860000000000002"}
    [rejected] = [rejection for page in pages for rejection in page.rejected]
    assert "17860000000000001" in rejected.location and "data" in rejected.reason


def test_an_inline_reply_without_an_id_is_rejected_once_when_its_replies_go_on() -> None:
    """Graph leaves `id` out of replies a token may not see in full. The inline page of a comment's
    replies is served again as the first page of its `replies` listing: a reply without an id was
    taken for a new one there and rejected a second time (reviewer's find)."""
    connector = InstagramConnector(
        InstagramSettings(access_token="IGQVtoken777", username="tienda.demo", max_retries=0),
        ChannelContext(brand="tienda", channel="main", account=IG_ACCOUNT),
    )
    reply = {"text": "sin id", "timestamp": "2026-03-02T10:00:00+0000", "username": "cliente"}
    comments = {
        "data": [
            {
                "id": "17890000000000001",
                "text": "hola",
                "timestamp": "2026-03-02T10:00:00+0000",
                "username": "otra",
                "replies": {
                    "data": [reply],
                    "paging": {
                        "cursors": {"after": "UjE"},
                        "next": f"{GRAPH}/17890000000000001/replies?after=UjE",
                    },
                },
            }
        ]
    }
    with respx.mock(base_url=GRAPH) as router:
        router.get("/17900000000000001/comments").respond(json=comments)
        router.get("/17890000000000001/replies").respond(json={"data": [], "paging": {}})

        async def read() -> tuple[list[Any], list[Any]]:
            rejected: list[Any] = []
            async with connector.client() as client:
                api = connector.make_api(client)
                stream = connector.thread(api, {"id": "17900000000000001"}, rejected)
                return [comment async for batch in stream for comment in batch], rejected

        read_comments, rejected = asyncio.run(read())
    assert [comment.platform_id for comment in read_comments] == ["17890000000000001"]
    assert len(rejected) == 1 and "no id" in rejected[0].location
