"""The `reddit` connector against the shapes Reddit's API really sends.

Checked against Reddit's API notes and recorded answers: a comment's fields (`removed` and
`spam` are sent to a moderator of the subreddit, who still sees the words of what was removed;
`stickied` comments are distinguished, AutoModerator's among them), the placeholders where a
removed text was (`[deleted]`, `[removed]`, and `[ Removed by Reddit ]` or a longer
"[ Removed by reddit … ]" sentence where Reddit's own staff took it down), `edited` false or
epoch seconds, `author_fullname` left out for some accounts, link, gallery and crosspost
submissions without `selftext`, api/morechildren answering flat with `parent_id` t1_/t3_, and
an OAuth token Reddit stops honouring before its `expires_in` (401). The bodies are written
for these tests.
"""

from __future__ import annotations

from datetime import UTC, datetime
from functools import partial
from typing import Any

import httpx
import pytest
import reddit_things
import respx
from conformance import collect, records
from reddit_things import UNMODERATED, Thing, permalink

from socialmon_connectors import AuthError, ChannelContext
from socialmon_connectors.reddit import RedditConnector, RedditSettings, parse_comment, parse_submission

SHOP = "panaderia_espiga"
BUSINESS = frozenset({SHOP})
POST = "1dpan01"
OAUTH = "https://oauth.reddit.com"
TOKEN_URL = "https://www.reddit.com/api/v1/access_token"
WHEN = 1733300000.0  # 2024-12-04 08:13:20 UTC


def t1(cid: str, author: str, body: str, parent: str = f"t3_{POST}", **fields: Any) -> Thing:
    shown = {"author_fullname": f"t2_{author[:6]}", "score": 1, **UNMODERATED}
    shown |= {"permalink": permalink(SHOP, POST, "pan", cid)}
    return reddit_things.t1(cid, author, body, post=POST, created_utc=WHEN, parent=parent, **(shown | fields))


listing = partial(reddit_things.listing, dist="left out")
more = partial(reddit_things.more, depth=1)


def t3(**fields: Any) -> Thing:
    shown = {"title": "Pan de muerto ya disponible", "selftext": "Pedidos por mensaje.", "author": SHOP}
    shown |= {"author_fullname": "t2_espiga", "created_utc": WHEN, "num_comments": 1, "score": 12}
    shown |= {"permalink": permalink(SHOP, POST, "pan"), "removed_by_category": None}
    return reddit_things.t3(POST, **(shown | fields))


def connector(**options: Any) -> RedditConnector:
    made = RedditConnector(
        RedditSettings(username=SHOP, retry_backoff=0, **options),
        ChannelContext(brand="b", channel="reddit", account=f"r/{SHOP}"),
    )
    made.now = lambda: datetime(2024, 12, 5, tzinfo=UTC)  # type: ignore[method-assign]
    return made


# --- an OAuth token Reddit stops honouring part way through a scan ---------------------------


def token(access: str) -> httpx.Response:
    return httpx.Response(200, json={"access_token": access, "token_type": "bearer", "expires_in": 86400})


UNAUTHORIZED = httpx.Response(
    401,
    json={"message": "Unauthorized", "error": 401},
    headers={"www-authenticate": 'Bearer realm="reddit", error="invalid_token"'},
)


def test_a_token_refused_mid_scan_is_renewed_once_and_the_scan_goes_on() -> None:
    """Its `expires_in` said a day; Reddit answered 401 before (revoked, a clock off): not bad credentials."""
    with respx.mock(assert_all_called=True) as router:
        tokens = router.post(TOKEN_URL).mock(side_effect=[token("firstTOKEN"), token("secondTOKEN")])
        router.get(f"{OAUTH}/r/{SHOP}/new").respond(json=listing(t3()))
        thread = router.get(f"{OAUTH}/comments/{POST}").mock(
            side_effect=lambda request: (
                UNAUTHORIZED
                if request.headers["Authorization"] == "bearer firstTOKEN"
                else httpx.Response(
                    200, json=[listing(t3()), listing(t1("c0001", "ana", "¿Hay sin gluten?"))]
                )
            )
        )
        pages = collect(connector(client_id="appID", client_secret="appSECRET"))
    assert {r.platform_id for r in records(pages)} == {POST, "c0001"}
    assert tokens.call_count == 2 and thread.call_count == 2
    assert thread.calls.last.request.headers["Authorization"] == "bearer secondTOKEN"


def test_a_new_token_refused_too_is_an_auth_error_after_one_renewal() -> None:
    with respx.mock() as router:
        tokens = router.post(TOKEN_URL).mock(side_effect=[token("firstTOKEN"), token("secondTOKEN")])
        router.get(f"{OAUTH}/r/{SHOP}/new").respond(json=listing(t3()))
        thread = router.get(f"{OAUTH}/comments/{POST}").mock(return_value=UNAUTHORIZED)
        with pytest.raises(AuthError) as raised:
            collect(connector(client_id="appID", client_secret="appSECRET"))
    assert (tokens.call_count, thread.call_count) == (2, 2)
    assert "TOKEN" not in str(raised.value) and "appSECRET" not in str(raised.value)
    # A token refused on its very first request is not renewed again: the credentials are at fault.
    with respx.mock() as router:
        tokens = router.post(TOKEN_URL).mock(side_effect=[token("firstTOKEN"), token("secondTOKEN")])
        router.get(f"{OAUTH}/r/{SHOP}/new").mock(return_value=UNAUTHORIZED)
        with pytest.raises(AuthError, match=r"reddit\.com/prefs/apps"):
            collect(connector(client_id="appID", client_secret="appSECRET"))
    assert tokens.call_count == 1


# --- what was removed, and by whom -----------------------------------------------------------


@pytest.mark.parametrize(
    "flags",
    [{"removed": True, "banned_by": SHOP}, {"spam": True, "removed": False, "banned_by": True}],
)
def test_a_comment_a_moderator_removed_is_deleted_though_its_words_are_still_sent(flags: Any) -> None:
    """A channel whose app logs in as a moderator sees removed comments' words, flagged `removed`/`spam`."""
    raw = t1("c0002", "spam_seller", "Compra seguidores baratos", approved=False, **flags)["data"]
    comment = parse_comment(raw, POST, BUSINESS)
    assert (comment.deleted, comment.text, comment.author_name) == (
        True,
        "Compra seguidores baratos",
        "spam_seller",
    )
    kept = parse_comment({**raw, "removed": False, "spam": False, "approved": True}, POST, BUSINESS)
    assert not kept.deleted


@pytest.mark.parametrize(
    "placeholder",
    [
        "[ Removed by Reddit ]",
        "[ Removed by reddit on account of violating the [content policy](/help/contentpolicy). ]",
        "[ Removed by reddit in response to a copyright notice. ]",
    ],
)
def test_what_reddit_itself_took_down_is_deleted_without_its_placeholder_as_text(placeholder: str) -> None:
    comment = parse_comment(t1("c0003", "ana", placeholder)["data"], POST, BUSINESS)
    assert (comment.deleted, comment.text) == (True, "")
    post = parse_submission(
        t3(title="[ Removed by Reddit ]", selftext=placeholder, removed_by_category="reddit")["data"],
        BUSINESS,
    )
    assert (post.deleted, post.text) == (True, "")  # the title and body stored before are kept


def test_a_submission_a_moderator_removed_as_spam_is_deleted() -> None:
    post = parse_submission(t3(author="spam_seller", spam=True, removed=True)["data"], BUSINESS)
    assert post.deleted and post.text == "Pan de muerto ya disponible\n\nPedidos por mensaje."


# --- AutoModerator: neither a customer nor the business --------------------------------------


def test_automoderator_is_left_out_and_replies_to_it_are_kept() -> None:
    """Its stickied notice on every post is no customer waiting for an answer, and its canned
    replies are no answer from the business: its comments are not yielded at all."""
    sticky = t1(
        "c0010",
        "AutoModerator",
        "Recuerde leer las reglas del subreddit.",
        stickied=True,
        distinguished="moderator",
        author_fullname="t2_6l4z3",
        replies=listing(t1("c0011", "ana", "¿Y los horarios?", parent="t1_c0010")),
    )
    question = t1(
        "c0012",
        "luis",
        "¿Abren el domingo?",
        replies=listing(t1("c0013", "AutoModerator", "Vea los horarios en la wiki.", parent="t1_c0012")),
    )
    with respx.mock(base_url="https://www.reddit.com", assert_all_called=True) as router:
        router.get(f"/r/{SHOP}/new.json").respond(json=listing(t3(num_comments=4)))
        router.get(f"/comments/{POST}.json").respond(json=[listing(t3()), listing(sticky, question)])
        pages = collect(connector())
    comments = {c.platform_id: c for page in pages for c in page.comments}
    assert set(comments) == {"c0011", "c0012"}
    assert comments["c0011"].parent_id == "c0010" and not comments["c0011"].is_business
    assert not [r for page in pages for r in page.rejected]


def test_the_accounts_left_out_are_a_setting() -> None:
    """A subreddit's own moderation bot can be named; with none named, AutoModerator is a commenter."""
    sticky = t1(
        "c0010", "AutoModerator", "Recuerde leer las reglas.", stickied=True, distinguished="moderator"
    )
    bot = t1("c0014", "Espiga_Bot", "Gracias por su pedido.")
    for bots, expected in ((["Espiga_Bot"], {"c0010"}), ([], {"c0010", "c0014"}), (None, {"c0014"})):
        options = {} if bots is None else {"bots": bots}
        with respx.mock(base_url="https://www.reddit.com") as router:
            router.get(f"/r/{SHOP}/new.json").respond(json=listing(t3(num_comments=2)))
            router.get(f"/comments/{POST}.json").respond(json=[listing(t3()), listing(sticky, bot)])
            pages = collect(connector(**options))
        assert {c.platform_id for page in pages for c in page.comments} == expected, bots


# --- shapes read as they are (no bug: kept so that they stay so) -----------------------------


def test_edited_times_withheld_fullnames_and_submissions_without_selftext() -> None:
    edited = parse_comment(
        t1("c0020", "ana", "Corrijo: sin nueces", edited=1733303600.5)["data"], POST, BUSINESS
    )
    assert edited.edited_at == datetime(2024, 12, 4, 9, 13, 20, 500000, tzinfo=UTC)
    raw = t1("c0021", "suspended_user", "hola")["data"]
    del raw["author_fullname"]  # suspended accounts: the name without the fullname
    orphan = parse_comment(raw, POST, BUSINESS)
    assert (orphan.author_id, orphan.author_name, orphan.deleted) == (None, "suspended_user", False)
    gallery = t3(selftext="", is_gallery=True, url="https://www.reddit.com/gallery/1dpan01")
    crosspost = t3(selftext="", crosspost_parent=f"t3_{POST}x", crosspost_parent_list=[{"selftext": "otro"}])
    for post in (gallery, crosspost):
        parsed = parse_submission(post["data"], BUSINESS)
        assert (parsed.text, parsed.deleted) == ("Pan de muerto ya disponible", False)


def test_morechildren_flat_answers_with_repeats_and_deeper_stubs_give_each_comment_once() -> None:
    """api/morechildren answers flat (each with its `parent_id`, t3_ or t1_), may send again a comment
    read already or the same one twice, and may hold `more` stubs of its own, "continue this thread"
    ones (count 0, no children) among them: each comment is yielded once, every stub followed."""
    first = [
        t1("c0030", "ana", "¿Tienen conchas?", replies=listing(more(["c0033"], "t1_c0030"))),
        more(["c0031", "c0032", "c0030"], f"t3_{POST}"),
    ]
    asked: list[str] = []

    def morechildren(request: httpx.Request) -> httpx.Response:
        ids = request.url.params["children"]
        asked.append(ids)
        things = (
            [
                t1("c0031", "luis", "Sí, de vainilla", parent=f"t3_{POST}"),
                t1("c0033", SHOP, "Sí, hasta las 2", parent="t1_c0030"),
                t1("c0031", "luis", "Sí, de vainilla", parent=f"t3_{POST}"),  # the same comment again
                t1("c0030", "ana", "¿Tienen conchas?"),  # read in the first tree already
                t1("c0032", "eva", "¿Y sin azúcar?", parent=f"t3_{POST}"),
                more(["c0034"], "t1_c0032"),
                more([], "t1_c0033", count=0),
            ]
            if len(asked) == 1
            else [t1("c0034", SHOP, "Mañana sí", parent="t1_c0032")]
        )
        return httpx.Response(200, json={"json": {"errors": [], "data": {"things": things}}})

    branch = [
        t1(
            "c0033",
            SHOP,
            "Sí, hasta las 2",
            parent="t1_c0030",
            replies=listing(t1("c0035", "ana", "¡Gracias!", parent="t1_c0033")),
        )
    ]
    with respx.mock(base_url="https://www.reddit.com", assert_all_called=True) as router:
        router.get(f"/r/{SHOP}/new.json").respond(json=listing(t3(num_comments=6)))
        router.get(f"/comments/{POST}.json", params={"comment": "c0033"}).respond(
            json=[listing(t3()), listing(*branch)]
        )
        router.get(f"/comments/{POST}.json").respond(json=[listing(t3()), listing(*first)])
        router.get("/api/morechildren.json").mock(side_effect=morechildren)
        pages = collect(connector())
    got = [c.platform_id for page in pages for c in page.comments]
    assert sorted(got) == ["c0030", "c0031", "c0032", "c0033", "c0034", "c0035"]
    comments = {c.platform_id: c for page in pages for c in page.comments}
    assert (comments["c0031"].parent_id, comments["c0033"].parent_id) == (None, "c0030")
    assert comments["c0033"].is_business and comments["c0034"].parent_id == "c0032"
    assert asked == ["c0031,c0032,c0033", "c0034"]  # breadth first; c0030 read already
    assert not [f for page in pages for f in page.failed_threads]
