"""The `facebook` connector and the comments a Page hid (`is_hidden` on Graph's Comment node).

A Page hides spam or abuse instead of deleting it: the comment stays visible to its author (and
their friends) and to the Page's token, with `is_hidden: true` when the field is asked for. Such a
comment is not a customer waiting for an answer, so it is stored as Instagram's hidden comments
are: kept, words and author, marked deleted; unhidden, it is stored undeleted. Graph returns only
the fields a request names, so the field must be in both comment requests (the posts listing's
inline `comments{…}` and `/{post-id}/comments`); a comment without it (an older or limited token)
is not taken for hidden.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import respx
from conformance import NOW, collect, no_sleep, records
from sqlalchemy import select

from socialmon.config import BrandConfig, ChannelConfig
from socialmon.database import open_database
from socialmon.models import Comment
from socialmon.sentiment import get_scorer
from socialmon.storage import Store
from socialmon_connectors import ChannelContext
from socialmon_connectors.facebook import FacebookConnector, FacebookSettings, parse_comment

BASE = "https://graph.facebook.com/v25.0"
PAGE = "104577700011122"
POST = f"{PAGE}_811122233344455"
TOKEN = "EAAGpageTOKENxyz"
PAGE_FROM = {"id": PAGE, "name": "Panadería La Espiga"}

SPAM = "811122233344455_501"  # top level, hidden by the Page
QUESTION = "811122233344455_502"  # top level, visible
OLDER = "811122233344455_503"  # top level, no `is_hidden` at all
ANSWER = "811122233344455_504"  # the Page's reply to the question
INSULT = "811122233344455_505"  # a reply to the question, hidden by the Page
LATE_SPAM = "811122233344455_506"  # on the thread's second page, hidden
LATE_THANKS = "811122233344455_507"  # on the thread's second page, a reply to the Page's answer


def comment(comment_id: str, message: str, who: dict[str, str], at: str, **fields: Any) -> dict[str, Any]:
    """A Comment node as `filter=stream` gives it to a Page token (replies name their `parent`)."""
    made: dict[str, Any] = {
        "id": comment_id,
        "message": message,
        "created_time": at,
        "from": who,
        "like_count": 0,
        "comment_count": 0,
        "permalink_url": f"https://www.facebook.com/{PAGE}/posts/811122233344455?comment_id={comment_id[-3:]}",
    }
    made.update(fields)
    return made


def customer(name: str, number: str) -> dict[str, str]:
    return {"id": f"2750000000{number}", "name": name}


FIRST_COMMENTS = [
    comment(
        SPAM,
        "Gana 500 dólares diarios desde casa, escríbeme al privado",
        customer("Ofertas Rápidas", "101"),
        "2024-05-28T09:02:11+0000",
        is_hidden=True,
    ),
    comment(
        QUESTION,
        "¿Hacen pan sin gluten por encargo?",
        customer("Rocío Almeida", "102"),
        "2024-05-28T09:30:40+0000",
        comment_count=2,
        is_hidden=False,
    ),
    # As an older or limited token gives it: no `is_hidden` key at all.
    comment(
        OLDER, "¿A qué hora abren el domingo?", customer("Hugo Paredes", "103"), "2024-05-28T10:05:00+0000"
    ),
    comment(
        ANSWER,
        "¡Sí, Rocío! Con un día de anticipación.",
        PAGE_FROM,
        "2024-05-28T10:12:30+0000",
        parent={"id": QUESTION},
        comment_count=1,
        is_hidden=False,
    ),
    comment(
        INSULT,
        "Qué pregunta más tonta",
        customer("Troll Anónimo", "104"),
        "2024-05-28T10:20:00+0000",
        parent={"id": QUESTION},
        is_hidden=True,
    ),
]
MORE_COMMENTS = [
    comment(
        LATE_SPAM,
        "Sigue mi página de criptomonedas",
        customer("Cripto Ya", "105"),
        "2024-05-29T08:00:00+0000",
        is_hidden=True,
    ),
    comment(
        LATE_THANKS,
        "¡Gracias! Encargo para el sábado.",
        customer("Rocío Almeida", "102"),
        "2024-05-29T08:30:00+0000",
        parent={"id": ANSWER},
        is_hidden=False,
    ),
]


def posts_body(first: list[dict[str, Any]]) -> dict[str, Any]:
    """`GET /{page-id}/posts` with the first page of the post's comments inline."""
    return {
        "data": [
            {
                "id": POST,
                "message": "Hoy: roscas de reyes y pan de masa madre",
                "created_time": "2024-05-28T08:00:00+0000",
                "updated_time": "2024-05-28T08:00:00+0000",
                "permalink_url": f"https://www.facebook.com/{PAGE}/posts/811122233344455",
                "from": PAGE_FROM,
                "reactions": {"data": [], "summary": {"total_count": 12}},
                "comments": {
                    "data": first,
                    "summary": {"order": "chronological", "total_count": 7, "can_comment": True},
                    "paging": {
                        "cursors": {"before": "NQZDZD", "after": "OQZDZD"},
                        "next": f"{BASE}/{POST}/comments?filter=stream&limit=25&after=OQZDZD",
                    },
                },
            }
        ],
        "paging": {"cursors": {"before": "QVFIUxx", "after": "QVFIUyy"}},
    }


def comments_body(more: list[dict[str, Any]]) -> dict[str, Any]:
    """`GET /{post-id}/comments?filter=stream&after=…`: the rest of the thread, its last page."""
    return {"data": more, "paging": {"cursors": {"before": "MTAZDZD", "after": "MTEZDZD"}}}


def as_graph_answers(body: dict[str, Any], asked_for: str) -> dict[str, Any]:
    """The body less `is_hidden` on every comment unless the request named it: Graph sends only
    the fields a request asks for."""
    answered = copy.deepcopy(body)
    if "is_hidden" in asked_for:
        return answered
    threads = [post["comments"]["data"] for post in answered["data"] if "comments" in post]
    for thread in threads or [answered["data"]]:
        for item in thread:
            item.pop("is_hidden", None)
    return answered


def graph(
    router: respx.MockRouter, first: list[dict[str, Any]], more: list[dict[str, Any]]
) -> dict[str, list[str]]:
    """Routes for the page's posts and the rest of the thread; returns the fields each asked for."""
    asked: dict[str, list[str]] = {"posts": [], "comments": []}

    def posts(request: httpx.Request) -> httpx.Response:
        fields = request.url.params.get("fields", "")
        asked["posts"].append(fields)
        inline = fields.split("comments.", 1)[-1] if "comments." in fields else ""
        return httpx.Response(200, json=as_graph_answers(posts_body(first), inline))

    def thread(request: httpx.Request) -> httpx.Response:
        fields = request.url.params.get("fields", "")
        asked["comments"].append(fields)
        return httpx.Response(200, json=as_graph_answers(comments_body(more), fields))

    router.get(f"/{PAGE}/posts").mock(side_effect=posts)
    router.get(f"/{POST}/comments", params={"filter": "stream", "after": "OQZDZD"}).mock(side_effect=thread)
    return asked


def connector() -> FacebookConnector:
    made = FacebookConnector(
        FacebookSettings(access_token=TOKEN), ChannelContext(brand="b", channel="fb", account=PAGE)
    )
    made.sleep = no_sleep  # type: ignore[method-assign]
    made.now = lambda: NOW  # type: ignore[method-assign]
    return made


def scan(first: list[dict[str, Any]] = FIRST_COMMENTS, more: list[dict[str, Any]] = MORE_COMMENTS) -> Any:
    with respx.mock(base_url=BASE, assert_all_called=True, assert_all_mocked=True) as router:
        asked = graph(router, first, more)
        pages = collect(connector())
    return pages, asked


def test_hidden_comments_and_replies_are_kept_marked_deleted_on_both_pages_of_a_thread() -> None:
    pages, asked = scan()
    # Both comment requests ask for the field; without it Graph never says a comment is hidden.
    assert all("is_hidden" in fields.split("comments.", 1)[1] for fields in asked["posts"])
    assert asked["comments"] and all("is_hidden" in fields for fields in asked["comments"])
    by_id = {r.platform_id: r for r in records(pages)}
    assert {
        key: by_id[key].deleted for key in (SPAM, QUESTION, OLDER, ANSWER, INSULT, LATE_SPAM, LATE_THANKS)
    } == {
        SPAM: True,
        QUESTION: False,
        OLDER: False,  # no field: not hidden
        ANSWER: False,
        INSULT: True,
        LATE_SPAM: True,
        LATE_THANKS: False,
    }
    spam, insult = by_id[SPAM], by_id[INSULT]
    # Kept as a deletion is: what was said, who said it, where it sits in the thread.
    assert (spam.text, spam.author_name, spam.author_id, spam.is_business, spam.parent_id) == (
        "Gana 500 dólares diarios desde casa, escríbeme al privado",
        "Ofertas Rápidas",
        "2750000000101",
        False,
        None,
    )
    assert (insult.text, insult.author_name, insult.parent_id) == (
        "Qué pregunta más tonta",
        "Troll Anónimo",
        QUESTION,
    )
    assert by_id[ANSWER].is_business and by_id[ANSWER].parent_id == QUESTION
    assert by_id[POST].deleted is False  # the post is not touched by its comments being hidden


def test_only_a_true_is_hidden_marks_a_comment() -> None:
    raw = FIRST_COMMENTS[1]
    without = {key: value for key, value in raw.items() if key != "is_hidden"}
    assert parse_comment(without, POST, PAGE).deleted is False
    assert parse_comment({**raw, "is_hidden": False}, POST, PAGE).deleted is False
    assert parse_comment({**raw, "is_hidden": None}, POST, PAGE).deleted is False
    assert parse_comment({**raw, "is_hidden": "false"}, POST, PAGE).deleted is False  # not Graph's shape
    assert parse_comment({**raw, "is_hidden": True}, POST, PAGE).deleted is True


BRAND = BrandConfig(name="Panadería La Espiga", timezone="America/Lima", language="es")
CHANNEL = ChannelConfig(name="facebook", platform="facebook", account=PAGE)


@pytest.fixture
def store(database_url: str) -> Iterator[Store]:
    database = open_database(database_url)
    yield Store(database, get_scorer("vader"))
    database.dispose()


def stored_deleted(store: Store) -> dict[str, tuple[bool, str]]:
    with store.database.read() as connection:
        rows = connection.execute(select(Comment.__table__)).mappings().all()
    return {row["platform_id"]: (row["deleted"], row["text"]) for row in rows}


def test_a_hidden_comment_is_stored_deleted_and_live_again_once_the_page_unhides_it(store: Store) -> None:
    channel = store.sync_channel(BRAND, CHANNEL).id
    pages, _ = scan()
    for page in pages:
        store.save_page(channel, page)
    first = stored_deleted(store)
    assert first[SPAM] == (True, "Gana 500 dólares diarios desde casa, escríbeme al privado")
    assert first[INSULT][0] is True and first[LATE_SPAM][0] is True
    assert first[QUESTION][0] is False and first[OLDER][0] is False

    # The Page unhides the insult (a moderator's mistake); the next scan re-reads the post.
    unhidden = [{**item, "is_hidden": False} if item["id"] == INSULT else item for item in FIRST_COMMENTS]
    pages, _ = scan(first=unhidden)
    for page in pages:
        store.save_page(channel, page)
    again = stored_deleted(store)
    assert again[INSULT] == (False, "Qué pregunta más tonta")
    assert again[SPAM][0] is True and again[LATE_SPAM][0] is True
    assert {key: value for key, value in again.items() if key != INSULT} == {
        key: value for key, value in first.items() if key != INSULT
    }
