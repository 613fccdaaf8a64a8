"""A subreddit Reddit shows only to some accounts (private, quarantined, gated: 403 with that `reason`)
or to none (banned: 404 `reason: banned`) fails the channel saying what to do: which account can read
it and how socialmon logs in as one, or that the channel is to be removed. A gated subreddit had no
rule of its own and was said as any 403 ("give client_id and client_secret"), which reads nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
import respx
from conformance import collect
from test_reddit import BASE, CASE, NEW, reddit_error

from socialmon.cli import _i18n
from socialmon.cli._config_words import said_error
from socialmon_connectors import NotFound, PlatformError


@pytest.mark.parametrize(
    ("reason", "who"),
    [("private", "approved member"), ("quarantined", "opted in"), ("gated", "content warning")],
)
def test_a_subreddit_shown_only_to_some_accounts_names_the_account_and_the_script_app(
    tmp_path: Path, reason: str, who: str
) -> None:
    with respx.mock(base_url=BASE) as router:
        router.get(NEW).respond(403, json=reddit_error(403, "Forbidden", reason))
        with pytest.raises(PlatformError) as raised:
            collect(CASE.connector(tmp_path))
    said = str(raised.value)
    assert f"the subreddit is {reason}" in said and who in said
    assert "'script' app" in said and "username and password" in said and "remove the channel" in said


def test_a_banned_subreddit_says_to_remove_the_channel_and_that_what_was_stored_stays(tmp_path: Path) -> None:
    with respx.mock(base_url=BASE) as router:
        router.get(NEW).respond(404, json=reddit_error(404, "Not Found", "banned"))
        with pytest.raises(NotFound) as raised:
            collect(CASE.connector(tmp_path))
    said = str(raised.value)
    assert "Reddit banned the subreddit" in said and "remove the channel (what was stored stays)" in said


def test_the_hints_are_said_in_spanish(tmp_path: Path) -> None:
    with respx.mock(base_url=BASE) as router:
        router.get(NEW).respond(403, json=reddit_error(403, "Forbidden", "private"))
        with pytest.raises(PlatformError) as raised:
            collect(CASE.connector(tmp_path))
    _i18n.use("es")
    said = said_error(str(raised.value))
    assert "el subreddit es privado" in said and "miembro aprobado" in said and "quite el canal" in said
