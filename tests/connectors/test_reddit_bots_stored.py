"""AutoModerator's comments that a socialmon from before the `bots` setting stored.

Such a socialmon stored every comment of a thread, AutoModerator's stickied notice among them: a
customer's comment to the reports, waiting for an answer on every post. The connector now leaves
the comments of `bots` out, and names those it meets among its page's `gone_comments`: the next
scan that reads the thread marks the stored ones deleted (keeping what they said), so they wait no
more; the replies customers wrote to them are kept and still wait. A channel that keeps
AutoModerator's comments (`bots = []`) leaves them as they are. Reddit's shapes (`t3`, `t1` with
`stickied`, `distinguished`, `replies`) are written for these tests.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from functools import partial
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import reddit_things
import respx
from conformance import collect
from fake_platform import serve_json
from helpers import run_in_process, write_config
from reddit_things import OPEN, UNMODERATED, Thing, permalink
from sqlalchemy import select

from socialmon.database import open_database
from socialmon.tables import COMMENT
from socialmon_connectors import ChannelContext
from socialmon_connectors.reddit import RedditConnector, RedditSettings

SUB = "panaderia_espiga"
POST = "1h8qz2k"
NOW = datetime.now(UTC).replace(microsecond=0)
POSTED = NOW - timedelta(days=2)


def t1(cid: str, author: str, body: str, parent: str = f"t3_{POST}", **fields: Any) -> Thing:
    shown = {"subreddit": SUB, "author_fullname": f"t2_{cid}", "score": 1, **UNMODERATED, **OPEN}
    shown |= {"is_submitter": False, "permalink": permalink(SUB, POST, "pan_de_yuca", cid)}
    shown |= {"created_utc": (POSTED + timedelta(minutes=5)).timestamp()}
    return reddit_things.t1(cid, author, body, post=POST, parent=parent, **(shown | fields))


listing = partial(reddit_things.listing, dist="left out")


def t3() -> Thing:
    shown = {"subreddit": SUB, "title": "Pan de yuca recién salido", "selftext": "Hasta las 11."}
    shown |= {"author": SUB, "author_fullname": "t2_espiga", "created_utc": POSTED.timestamp()}
    shown |= {"num_comments": 3, "score": 14, **OPEN, **UNMODERATED, "removed_by_category": None}
    return reddit_things.t3(POST, permalink=permalink(SUB, POST, "pan_de_yuca"), **shown)


NOTICE = t1(
    "m2rk001",
    "AutoModerator",
    "Recuerde leer las reglas del subreddit antes de comentar.",
    stickied=True,
    distinguished="moderator",
    author_fullname="t2_6l4z3",
    replies=listing(t1("m2rk002", "ana_q", "¿Y dónde están los horarios?", parent="t1_m2rk001")),
)
QUESTION = t1("m2rk003", "luis_m", "¿Abren el domingo?")
THREAD = [listing(t3()), listing(NOTICE, QUESTION)]


def test_the_connector_names_the_bots_comments_it_leaves_out_as_gone() -> None:
    for bots, gone in ((None, ["m2rk001"]), ([], [])):
        options = {} if bots is None else {"bots": bots}
        made = RedditConnector(
            RedditSettings(username=SUB, retry_backoff=0, **options),
            ChannelContext(brand="b", channel="reddit", account=f"r/{SUB}"),
        )
        with respx.mock(base_url="https://www.reddit.com") as router:
            router.get(f"/r/{SUB}/new.json").respond(json=listing(t3()))
            router.get(f"/comments/{POST}.json").respond(json=THREAD)
            pages = collect(made)
        assert [i for page in pages for i in page.gone_comments] == gone, bots
        kept = {c.platform_id for page in pages for c in page.comments}
        assert kept == {"m2rk002", "m2rk003"} | {i for i in ["m2rk001"] if bots == []}


def serve_reddit() -> Any:
    def respond(handler: BaseHTTPRequestHandler) -> tuple[int, Any, dict[str, str]]:
        path = urlsplit(handler.path).path
        if path == f"/r/{SUB}/new.json":
            return 200, listing(t3()), {}
        if path == f"/comments/{POST}.json":
            return 200, THREAD, {}
        return 404, {"message": "Not Found", "error": 404}, {}

    return serve_json(respond)


def test_automoderator_comments_an_older_socialmon_stored_wait_no_more_after_the_next_scan(
    tmp_path: Path, database_url: str
) -> None:
    reddit = serve_reddit()
    url = f"http://127.0.0.1:{reddit.server_address[1]}"

    def configure(bots: str) -> Path:
        channels = (
            f'[[brands.channels]]\nname = "reddit"\nplatform = "reddit"\naccount = "r/{SUB}"\n'
            f'username = "{SUB}"\nbase_url = "{url}"\nretry_backoff = 0\n{bots}'
        )
        return write_config(tmp_path, database=database_url, channels=channels)

    def waiting(config: Path) -> list[str]:
        pending = run_in_process("pending", "--config", str(config), "-f", "json")
        assert pending.exit_code == 0, pending.output
        return sorted(
            item["author"] for item in json.loads(pending.stdout)["brands"][0]["needs_reply"]["items"]
        )

    try:
        # What a socialmon from before the `bots` setting stored: every comment, AutoModerator's too.
        older = configure("bots = []\n")
        assert run_in_process("scan", "--config", str(older)).exit_code == 0
        assert waiting(older) == ["AutoModerator", "ana_q", "luis_m"]

        today = configure("")
        scan = run_in_process("scan", "--config", str(today))
        assert scan.exit_code == 0, scan.output
        assert waiting(today) == ["ana_q", "luis_m"]  # the reply to the notice still waits
    finally:
        reddit.shutdown()
    database = open_database(database_url)
    try:
        with database.read() as connection:
            rows = connection.execute(select(COMMENT.c.platform_id, COMMENT.c.deleted, COMMENT.c.text)).all()
    finally:
        database.dispose()
    stored = {row.platform_id: (row.deleted, row.text) for row in rows}
    assert stored["m2rk001"] == (True, "Recuerde leer las reglas del subreddit antes de comentar.")
    assert (stored["m2rk002"][0], stored["m2rk003"][0]) == (False, False)
