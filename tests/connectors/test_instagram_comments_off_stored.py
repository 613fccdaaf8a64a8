"""The `instagram` connector: comments stored before the account turned a media's comments off.

Graph's IG Media says `is_comment_enabled: false` once the account turns commenting off; the
connector then stores the media without asking for its comments, marked `replies_closed`: nobody,
the business included, can reply under it. The comments an earlier scan stored stay as they were:
not marked deleted, since customers' words are not taken out of the sentiment figures because a
thread closed (as for Reddit's locked and archived posts), and counted, unanswered, in the response
rate; but one never answered is no longer listed as waiting (`pending`, the report's needs-reply
list), which it was forever before. Turning the comments back on lets the business answer it: it
waits again until answered. Checked through the CLI, as the README says it.

The media, comments and username are invented; their fields are Graph's.
"""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import respx
from helpers import write_config
from typer.testing import CliRunner

from socialmon.cli import app

BASE = "https://graph.facebook.com/v25.0"
ACCOUNT = "17841400000008801"
MEDIA = "17900000000008811"
COMPLAINT, QUESTION, ANSWER = "17850000000008821", "17850000000008822", "17850000000008823"
CHANNEL = (
    '[[brands.channels]]\nname = "instagram"\nplatform = "instagram"\n'
    f'account = "{ACCOUNT}"\naccess_token = "IGQVJtoken8801"\nusername = "cafe.uno"\n'
)
WRITTEN = datetime.now(UTC).replace(microsecond=0) - timedelta(days=3)


def at(hours: float) -> str:
    """Graph's time format, `hours` after the media was posted."""
    return (WRITTEN + timedelta(hours=hours)).strftime("%Y-%m-%dT%H:%M:%S+0000")


def listing(comments_on: bool) -> dict[str, Any]:
    item = {
        "id": MEDIA,
        "caption": "Nuevo brunch de domingo",
        "timestamp": at(0),
        "permalink": "https://www.instagram.com/p/C8xYz12AbCd/",
        "comments_count": 2,
        "like_count": 31,
        "media_type": "IMAGE",
        "media_product_type": "FEED",
        "username": "cafe.uno",
        "is_comment_enabled": comments_on,
    }
    return {"data": [item], "paging": {"cursors": {"before": "QVFIa", "after": "QVFIb"}}}


def comment(comment_id: str, text: str, hours: float, username: str, **fields: Any) -> dict[str, Any]:
    return {
        "id": comment_id,
        "text": text,
        "timestamp": at(hours),
        "username": username,
        "like_count": 0,
        "hidden": False,
        "from": {"id": f"99{comment_id[-6:]}", "username": username},
        **fields,
    }


COMPLAINT_RAW = comment(COMPLAINT, "El café llegó frío y nadie nos atendió, pésimo servicio", 1, "lucia.mv")
QUESTION_RAW = comment(QUESTION, "¿Abren el lunes feriado?", 2, "pablo.r")


def scan(config: Path, comments_on: bool, comments: list[dict[str, Any]]) -> respx.Route:
    with respx.mock(base_url=BASE, assert_all_mocked=True, assert_all_called=False) as graph:
        graph.get(f"/{ACCOUNT}/media").respond(json=listing(comments_on))
        asked = graph.get(f"/{MEDIA}/comments").respond(
            json={"data": comments, "paging": {"cursors": {"before": "QVFDa", "after": "QVFDb"}}}
        )
        result = CliRunner().invoke(app, ["scan", "-q", "--config", str(config)])
    assert result.exit_code == 0, result.output
    return asked


def waiting(config: Path) -> list[str]:
    result = CliRunner().invoke(app, ["pending", "-f", "json", "--since", "30d", "--config", str(config)])
    assert result.exit_code == 0, result.output
    [brand] = json.loads(result.output)["brands"]
    return [item["id"] for item in brand["needs_reply"]["items"]]


@pytest.fixture
def config(tmp_path: Path) -> Path:
    made = write_config(tmp_path, channels=CHANNEL)
    asked = scan(made, True, [COMPLAINT_RAW, QUESTION_RAW])
    assert asked.call_count == 1
    assert waiting(made) == [COMPLAINT, QUESTION]
    return made


def stored(config: Path) -> dict[str, tuple[bool, str | None]]:
    with sqlite3.connect(config.parent / "socialmon.db") as db:
        rows = db.execute("SELECT platform_id, deleted, sentiment_label FROM comment").fetchall()
    return {platform_id: (bool(deleted), label) for platform_id, deleted, label in rows}


def closed(config: Path) -> bool:
    with sqlite3.connect(config.parent / "socialmon.db") as db:
        [(flag,)] = db.execute("SELECT replies_closed FROM post WHERE platform_id = ?", (MEDIA,)).fetchall()
    return bool(flag)


def report(config: Path) -> dict[str, Any]:
    result = CliRunner().invoke(app, ["report", "-f", "json", "--since", "30d", "--config", str(config)])
    assert result.exit_code == 0, result.output
    [brand] = json.loads(result.output)["brands"]
    return brand


def test_comments_stored_before_comments_were_turned_off_keep_their_words_and_wait_no_more(
    config: Path,
) -> None:
    asked = scan(config, False, [])
    assert asked.call_count == 0  # comments off: not asked for
    assert closed(config)
    # Not marked deleted: their words stay in the sentiment figures (the complaint among them).
    assert stored(config) == {COMPLAINT: (False, "negative"), QUESTION: (False, "neutral")}
    # Nobody can answer them under the media: not listed as waiting, by `pending` or the report.
    assert waiting(config) == []
    brand = report(config)
    assert brand["needs_reply"]["total"] == 0 and brand["needs_reply"]["items"] == []
    assert brand["headline"]["needs_reply"] == 0
    # Still two customer comments, unanswered: the response rate counts them, as the sentiment does.
    overall = brand["response_times"]["overall"]
    assert (overall["comments"], overall["answered"], overall["response_rate"]) == (2, 0, 0.0)
    periods = brand["trend"]["periods"]
    assert sum(p["negative"] for p in periods) == 1 and sum(p["neutral"] for p in periods) == 1
    assert brand["headline"]["customer_comments"] == 2


def test_turning_comments_back_on_lets_the_business_answer_them(config: Path) -> None:
    scan(config, False, [])
    scan(config, True, [COMPLAINT_RAW, QUESTION_RAW])
    assert not closed(config)
    assert waiting(config) == [COMPLAINT, QUESTION]  # they wait again, unanswered
    answer = comment(ANSWER, "¡Sí! De 8 a 14", 5, "cafe.uno", parent_id=QUESTION)
    scan(config, True, [COMPLAINT_RAW, {**QUESTION_RAW, "replies": {"data": [answer]}}])
    assert waiting(config) == [COMPLAINT]
