"""A Facebook Page named in the config by its username, and who wrote what on it (respx).

Graph serves `/{username}/posts` as it serves `/{page-id}/posts`, but everything the Page writes
(its posts, its replies "as the Page", whoever of its admins typed them) comes `from` the Page's
numeric id. The fixtures are written here in the shapes of the Graph reference (Page feed, Post,
Comment) and of platforms.md §1.2-1.3.
"""

from __future__ import annotations

import asyncio
from typing import Any

import respx
from conformance import NOW, collect, no_sleep, records

from socialmon_connectors import ChannelContext, NotFound, PlatformError, ThreadFailure
from socialmon_connectors.facebook import FacebookConnector, FacebookSettings

BASE = "https://graph.facebook.com/v25.0"
USERNAME = "ferreteria.elclavo"
PAGE = "311122233344455"
TOKEN = "EAABusernameTOKEN456"
SHOP = {"id": PAGE, "name": "Ferretería El Clavo"}
CUSTOMER = {"id": "6660001112224", "name": "Rosa Méndez"}
POST = f"{PAGE}_700000000000001"
SHARED = f"{PAGE}_700000000000002"


def connector(
    account: str = USERNAME, pending: tuple[ThreadFailure, ...] = (), **options: Any
) -> FacebookConnector:
    made = FacebookConnector(
        FacebookSettings(access_token=TOKEN, **options),
        ChannelContext(brand="b", channel="fb", account=account, pending_threads=pending),
    )
    made.sleep = no_sleep  # type: ignore[method-assign]
    made.now = lambda: NOW  # type: ignore[method-assign]
    return made


def comment(
    suffix: str, when: str, sender: dict[str, str] | None, text: str, parent: str | None = None
) -> dict:
    found: dict[str, Any] = {"id": suffix, "message": text, "created_time": when, "like_count": 0}
    if sender is not None:
        found["from"] = sender
    if parent is not None:
        found["parent"] = {"id": parent}
    return found


def post(post_id: str, when: str, comments: list[dict[str, Any]], **extra: Any) -> dict[str, Any]:
    return {
        "id": post_id,
        "message": "Taladros en oferta esta semana",
        "created_time": when,
        "from": SHOP,
        "reactions": {"data": [], "summary": {"total_count": 4}},
        "comments": {
            "data": comments,
            "summary": {"order": "chronological", "total_count": len(comments), "can_comment": True},
            "paging": {"cursors": {"before": "QQ", "after": "QR"}},
        },
        **extra,
    }


def listing() -> dict[str, Any]:
    question = comment("700000000000001_11", "2024-05-20T14:00:00+0000", CUSTOMER, "¿Tienen brocas de 8 mm?")
    answer = comment(
        "700000000000001_12", "2024-05-20T14:30:00+0000", SHOP, "Sí, en la tienda del centro.", question["id"]
    )
    withheld = comment("700000000000001_13", "2024-05-20T15:00:00+0000", None, "¿Y abren el domingo?")
    # A post the Page shared from another Page's (`parent_id`): still the Page's post, its
    # comments the Page's to answer.
    on_share = comment("700000000000002_21", "2024-05-19T10:00:00+0000", CUSTOMER, "¿Hacen envíos?")
    share_answer = comment(
        "700000000000002_22", "2024-05-19T10:20:00+0000", SHOP, "Sí, a todo el país.", on_share["id"]
    )
    return {
        "data": [
            post(POST, "2024-05-20T12:00:00+0000", [question, answer, withheld]),
            post(
                SHARED,
                "2024-05-19T09:00:00+0000",
                [on_share, share_answer],
                parent_id="208877766655544_900000000000009",
                status_type="shared_story",
            ),
        ],
        "paging": {"cursors": {"before": "QVFa", "after": "QVFb"}},
    }


def test_a_page_named_by_its_username_knows_its_own_posts_and_replies() -> None:
    """Where the numeric id was not looked up, every reply the Page wrote counted as a customer's
    comment: the report showed each question unanswered and a response rate of 0 %."""
    with respx.mock(base_url=BASE, assert_all_called=True, assert_all_mocked=True) as router:
        lookup = router.get(f"/{USERNAME}", params={"fields": "id"}).respond(json={"id": PAGE})
        listed = router.get(f"/{PAGE}/posts").respond(json=listing())
        pages = collect(connector())
        assert lookup.call_count == 1 and listed.call_count == 1
        assert lookup.calls.last.request.headers["Authorization"] == f"Bearer {TOKEN}"
    found = {record.platform_id: record for record in records(pages)}
    assert found[POST].is_business and found[POST].author_id == PAGE
    assert found[SHARED].is_business
    assert found["700000000000001_12"].is_business  # the Page's reply, as the Page
    assert found["700000000000002_22"].is_business  # …and on the post it shared
    assert not found["700000000000001_11"].is_business
    assert not found["700000000000002_21"].is_business
    # Graph left `from` out: the author is unknown, not the Page (a customer may be waiting).
    withheld = found["700000000000001_13"]
    assert (withheld.author_id, withheld.author_name, withheld.is_business) == (None, None, False)


def test_a_post_without_from_is_credited_to_the_numeric_page_not_its_username() -> None:
    body = listing()
    del body["data"][0]["from"]
    with respx.mock(base_url=BASE, assert_all_mocked=True) as router:
        router.get(f"/{USERNAME}", params={"fields": "id"}).respond(json={"id": PAGE})
        router.get(f"/{PAGE}/posts").respond(json=body)
        pages = collect(connector())
    found = {record.platform_id: record for record in records(pages)}
    assert (found[POST].author_id, found[POST].is_business) == (PAGE, True)


def test_the_username_may_be_the_page_id_setting_too() -> None:
    with respx.mock(base_url=BASE, assert_all_called=True, assert_all_mocked=True) as router:
        router.get(f"/{USERNAME}", params={"fields": "id"}).respond(json={"id": PAGE, "name": SHOP["name"]})
        router.get(f"/{PAGE}/posts").respond(json=listing())
        pages = collect(connector(account="El Clavo (Facebook)", page_id=USERNAME))
    found = {record.platform_id: record for record in records(pages)}
    assert found["700000000000001_12"].is_business


def test_a_numeric_page_id_is_not_looked_up() -> None:
    with respx.mock(base_url=BASE, assert_all_called=True, assert_all_mocked=True) as router:
        listed = router.get(f"/{PAGE}/posts").respond(json=listing())
        pages = collect(connector(account=PAGE))
        assert len(router.calls) == 1 == listed.call_count
    assert {record.platform_id for record in records(pages) if record.is_business} == {
        POST,
        SHARED,
        "700000000000001_12",
        "700000000000002_22",
    }


def test_a_remembered_thread_read_first_already_knows_the_page() -> None:
    """The threads an earlier scan could not read are read before the listing: after the lookup."""
    remembered = ThreadFailure(
        key=POST, item={"id": POST, "created_time": "2024-05-20T12:00:00+0000"}, reason="x"
    )
    made = connector(pending=(remembered,))
    thread = listing()["data"][0]["comments"]
    thread["paging"] = {"cursors": {"before": "QQ", "after": "QR"}}
    with respx.mock(base_url=BASE, assert_all_mocked=True) as router:
        router.get(f"/{USERNAME}", params={"fields": "id"}).respond(json={"id": PAGE})
        router.get(f"/{POST}/comments").respond(json=thread)
        router.get(f"/{PAGE}/posts").respond(json={"data": [], "paging": {}})
        pages = collect(made)
        assert str(router.calls[0].request.url.path).endswith(f"/{USERNAME}")
    found = {record.platform_id: record for record in records(pages)}
    assert found["700000000000001_12"].is_business and not found["700000000000001_11"].is_business


def run_until_error(made: FacebookConnector) -> Exception | None:
    async def run() -> None:
        async for _ in made.pages(None):
            pass

    try:
        asyncio.run(asyncio.wait_for(run(), timeout=20))
    except Exception as error:  # the test looks at it
        return error
    return None


def test_a_lookup_answered_in_another_shape_stops_the_channel_naming_the_request() -> None:
    """Taking the username for the id would make every reply a customer's again, silently."""
    for answer in ({"name": SHOP["name"]}, [{"id": PAGE}], {"id": "not-a-number"}, {"id": None}):
        with respx.mock(base_url=BASE, assert_all_called=False, assert_all_mocked=True) as router:
            router.get(f"/{USERNAME}", params={"fields": "id"}).respond(json=answer)
            posts = router.get(f"/{PAGE}/posts").respond(json=listing())
            error = run_until_error(connector())
            assert posts.call_count == 0
        assert isinstance(error, PlatformError) and error.code == "unexpected_body", (answer, error)
        assert f"{USERNAME}?fields=id" in str(error) and TOKEN not in str(error)


def test_a_lookup_graph_answers_with_an_error_stops_the_channel_as_that_error() -> None:
    gone = {"error": {"message": "(#803) Some of the aliases you requested do not exist", "code": 803}}
    with respx.mock(base_url=BASE, assert_all_mocked=True) as router:
        router.get(f"/{USERNAME}", params={"fields": "id"}).respond(404, json=gone)
        error = run_until_error(connector())
    assert isinstance(error, NotFound) and "aliases you requested do not exist" in str(error)


def test_facebook_and_messenger_look_the_page_up_through_one_mixin() -> None:
    """The username lookup is written once (`_meta.PageNamedByUsername`), not copied into each
    connector, and each `page_id` setting says a username is taken as well as the numeric id."""
    from socialmon_connectors._meta import PageNamedByUsername
    from socialmon_connectors.facebook_messages import FacebookMessagesConnector, FacebookMessagesSettings

    for made, settings in (
        (FacebookConnector, FacebookSettings),
        (FacebookMessagesConnector, FacebookMessagesSettings),
    ):
        assert issubclass(made, PageNamedByUsername)
        for shared in ("__init__", "page_id", "prepare"):
            assert shared not in vars(made), (made.__name__, shared)
        described = settings.model_fields["page_id"].description or ""
        assert "username" in described, made.__name__
