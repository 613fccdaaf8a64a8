"""The `mastodon` connector against shapes instances really send: boosts, direct statuses, remote HTML.

The account's listing is asked for `exclude_reblogs=true`, but a server that ignores the
parameter (an older Mastodon, another implementation of its API) still serves boosts: a
wrapper status by the account whose `reblog` is someone else's status. With the account's own
token, Mastodon also lists its `direct` statuses (the author sees all of its own), which are
private messages, not posts.
"""

from __future__ import annotations

from typing import Any

import respx
from conformance import NOW, collect, no_sleep, records

from socialmon_connectors import ChannelContext
from socialmon_connectors.mastodon import MastodonConnector, MastodonSettings, html_to_text

BASE = "https://social.example/api/v1"
ACCOUNT_ID = "4242"
STATUSES = f"/accounts/{ACCOUNT_ID}/statuses"
BUSINESS = {"id": ACCOUNT_ID, "username": "panaderia", "acct": "panaderia", "display_name": "Panadería Sol"}
STRANGER = {"id": "777", "username": "otra", "acct": "otra@elsewhere.example", "display_name": "Otra Tienda"}


def status(status_id: str, account: dict[str, str], **fields: Any) -> dict[str, Any]:
    made: dict[str, Any] = {
        "id": status_id,
        "created_at": "2024-05-30T10:00:00.000Z",
        "in_reply_to_id": None,
        "in_reply_to_account_id": None,
        "visibility": "public",
        "spoiler_text": "",
        "url": f"https://social.example/@{account['username']}/{status_id}",
        "replies_count": 0,
        "reblogs_count": 0,
        "favourites_count": 0,
        "edited_at": None,
        "content": f"<p>status {status_id}</p>",
        "reblog": None,
        "account": account,
    }
    made.update(fields)
    return made


def connector(**options: Any) -> MastodonConnector:
    settings = MastodonSettings(account_id=ACCOUNT_ID, **options)
    context = ChannelContext(brand="b", channel="masto", account="@panaderia@social.example")
    made = MastodonConnector(settings, context)
    made.sleep = no_sleep  # type: ignore[method-assign]
    made.now = lambda: NOW  # type: ignore[method-assign]
    return made


def test_a_boost_served_despite_exclude_reblogs_is_not_a_post_and_its_thread_is_not_read() -> None:
    original = status("900", STRANGER, replies_count=7, content="<p>Nuestro pan, en otra tienda</p>")
    boost = status("901", BUSINESS, content="", reblog=original, replies_count=7)
    own = status("902", BUSINESS, replies_count=0, content="<p>Pan de yema hoy</p>")
    with respx.mock(base_url=BASE, assert_all_called=True, assert_all_mocked=True) as router:
        router.get(STATUSES).respond(json=[boost, own])
        pages = collect(connector())
        assert not any("/context" in call.request.url.path for call in router.calls)
    by_id = {r.platform_id: r for r in records(pages)}
    assert set(by_id) == {"902"}  # neither the wrapper nor the boosted status is the business's post
    assert not [r for page in pages for r in page.rejected]


def test_the_accounts_direct_statuses_listed_to_its_own_token_are_not_posts() -> None:
    direct = status(
        "910",
        BUSINESS,
        visibility="direct",
        replies_count=1,
        content='<p><span class="h-card"><a href="https://elsewhere.example/@ana" class="u-url mention">'
        "@<span>ana</span></a></span> su pedido está listo, el código es 4471</p>",
    )
    followers = status("911", BUSINESS, visibility="private", content="<p>Solo para seguidores</p>")
    unlisted = status("912", BUSINESS, visibility="unlisted", content="<p>Horario de feriado</p>")
    with respx.mock(base_url=BASE, assert_all_called=True, assert_all_mocked=True) as router:
        router.get(STATUSES).respond(json=[direct, followers, unlisted])
        pages = collect(connector(access_token="own-token"))
        assert not any("/context" in call.request.url.path for call in router.calls)
    assert {r.platform_id for r in records(pages)} == {"911", "912"}


def test_html_from_servers_that_indent_it_reads_as_a_browser_shows_it() -> None:
    indented = (
        "<p>Hola</p>\n<p>¿Tienen\n    pan integral   hoy?</p>\n"
        "<blockquote>\n  <p>citado</p>\n</blockquote>\n<p>gracias<br>\n  Ana</p>"
    )
    assert html_to_text(indented) == "Hola\n\n¿Tienen pan integral hoy?\n\ncitado\n\ngracias\nAna"
    assert html_to_text("<pre><code>a  b\n  c</code></pre>") == "a  b\n  c"  # kept as written
