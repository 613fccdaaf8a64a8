"""A subreddit moderator's distinguished comment is moderation, not a customer waiting.

Reddit marks a comment a moderator posts "as a moderator" with `distinguished: "moderator"` (and
a Reddit admin's with `"admin"`): "Removed: rule 3", "Please use the weekly thread". Stored as any
comment, each was a customer's comment waiting for the business's answer, with its sentiment in
the brand's figures. Such a comment by an account that is not the business's is left out, as a
bot's is (its id named gone, so one an older socialmon stored is marked deleted); the replies
customers write under it are kept. A business account's distinguished comment is still the
business's reply, and a moderator's ordinary comment (not distinguished) is still a customer's.
Reddit's `t1` shapes are written for these tests.
"""

from __future__ import annotations

import respx
from conformance import collect
from test_reddit_bots_stored import POST, SUB, listing, t1, t3

from socialmon_connectors import ChannelContext
from socialmon_connectors.reddit import RedditConnector, RedditSettings

REMOVAL = t1(
    "m9md001",
    "mod_carla",
    "Su comentario fue retirado: regla 3 (nada de ventas). Escriba por mensaje a los moderadores.",
    distinguished="moderator",
    replies=listing(t1("m9md002", "ana_q", "¿Y por qué borraron mi pregunta?", parent="t1_m9md001")),
)
ADMIN = t1("m9md003", "reddit_admin_x", "Este hilo queda bajo revisión.", distinguished="admin")
PLAIN_MOD = t1("m9md004", "mod_carla", "A mí también me encanta el pan de yuca, ¿abren el lunes?")
OWNER_AS_MOD = t1(
    "m9md005", SUB, "Abrimos el lunes de 7 a 12.", distinguished="moderator", parent="t1_m9md004"
)


def read(*things: dict) -> list:
    made = RedditConnector(
        RedditSettings(username=SUB, retry_backoff=0),
        ChannelContext(brand="b", channel="reddit", account=f"r/{SUB}"),
    )
    with respx.mock(base_url="https://www.reddit.com") as router:
        router.get(f"/r/{SUB}/new.json").respond(json=listing(t3()))
        router.get(f"/comments/{POST}.json").respond(json=[listing(t3()), listing(*things)])
        return collect(made)


def test_a_moderators_distinguished_comment_is_left_out_and_the_replies_to_it_kept() -> None:
    pages = read(
        REMOVAL, ADMIN, {**PLAIN_MOD, "data": {**PLAIN_MOD["data"], "replies": listing(OWNER_AS_MOD)}}
    )
    kept = {c.platform_id: c for page in pages for c in page.comments}
    assert set(kept) == {"m9md002", "m9md004", "m9md005"}
    assert sorted(i for page in pages for i in page.gone_comments) == ["m9md001", "m9md003"]
    assert not kept["m9md002"].is_business  # the customer who answered the removal still waits
    assert not kept["m9md004"].is_business  # a moderator writing as anyone is anyone
    assert kept["m9md005"].is_business  # the business's own account, distinguished or not
    assert kept["m9md005"].parent_id == "m9md004"


def test_moderators_false_keeps_them_as_anyones_and_automoderator_follows_bots() -> None:
    automod = t1("m9md006", "AutoModerator", "Lea las reglas.", stickied=True, distinguished="moderator")
    for options, expected in (
        ({"moderators": False}, {"m9md001", "m9md002", "m9md003"}),
        ({"bots": []}, {"m9md002", "m9md006"}),
        ({}, {"m9md002"}),
    ):
        made = RedditConnector(
            RedditSettings(username=SUB, retry_backoff=0, **options),
            ChannelContext(brand="b", channel="reddit", account=f"r/{SUB}"),
        )
        with respx.mock(base_url="https://www.reddit.com") as router:
            router.get(f"/r/{SUB}/new.json").respond(json=listing(t3()))
            router.get(f"/comments/{POST}.json").respond(
                json=[listing(t3()), listing(REMOVAL, ADMIN, automod)]
            )
            pages = collect(made)
        assert {c.platform_id for page in pages for c in page.comments} == expected, options
