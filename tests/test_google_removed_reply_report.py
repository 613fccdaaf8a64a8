"""A Google review whose owner reply is removed waits for an answer again, as the owner sees it on Google.

End to end through the CLI (`scan`, `pending -f json`, `report -f json`) against a Business Profile
stand-in on 127.0.0.1 answering `accounts.locations.reviews.list` (v4: `reviews[]` with `reviewId`,
`reviewer`, `starRating`, `comment`, `createTime`, `updateTime` and, once the owner answered,
`reviewReply {comment, updateTime}`; `averageRating`, `totalReviewCount`). Google drops
`reviewReply` when the owner deletes the reply: the scan marks the stored reply deleted
(`Page.gone_comments`), and the review, shown on Google with no answer, is listed as waiting and
counts as unanswered in the response rate; written again, the reply answers it again, timed as first.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any

import pytest
from fake_platform import serve_json
from helpers import run_in_process, write_config

NOW = datetime.now(UTC).replace(microsecond=0)
ASKED = NOW - timedelta(days=2)
LOCATION = "accounts/108512/locations/5530"


def google_time(moment: datetime) -> str:
    """Google's RFC 3339 with nanoseconds, as `reviews.list` writes its times."""
    return moment.strftime("%Y-%m-%dT%H:%M:%S.123456789Z")


def review(rid: str, stars: str, comment: str, reply: tuple[str, datetime] | None) -> dict[str, Any]:
    made: dict[str, Any] = {
        "name": f"{LOCATION}/reviews/{rid}",
        "reviewId": rid,
        "reviewer": {
            "displayName": "Marisol Tapia",
            "profilePhotoUrl": "https://lh3.googleusercontent.com/a/x",
        },
        "starRating": stars,
        "comment": comment,
        "createTime": google_time(ASKED),
        "updateTime": google_time(ASKED),
    }
    if reply is not None:
        made["reviewReply"] = {"comment": reply[0], "updateTime": google_time(reply[1])}
    return made


class BusinessProfile:
    """One location's reviews, as `self.reviews` holds them at each request."""

    def __init__(self) -> None:
        self.reviews: list[dict[str, Any]] = []
        self.server = serve_json(self.respond)

    def respond(self, handler: BaseHTTPRequestHandler) -> tuple[int, Any, dict[str, str]]:
        return 200, {"reviews": self.reviews, "averageRating": 3.5, "totalReviewCount": len(self.reviews)}, {}

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/v4"


def scanned(config: Path) -> tuple[dict[str, Any], dict[str, Any]]:
    """Scan, then what `pending -f json` and `report -f json` say of the brand."""
    scan = run_in_process("scan", "--config", str(config))
    assert scan.exit_code == 0, scan.output
    pending = run_in_process("pending", "--config", str(config), "-f", "json")
    report = run_in_process("report", "--config", str(config), "-f", "json", "--since", "7d")
    assert (pending.exit_code, report.exit_code) == (0, 0), pending.output + report.output
    [waiting] = json.loads(pending.stdout)["brands"]
    [brand] = json.loads(report.stdout)["brands"]
    return waiting["needs_reply"], brand


def test_a_review_whose_reply_the_owner_removed_waits_again_and_is_answered_when_rewritten(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    google = BusinessProfile()
    monkeypatch.setenv("GBP_TOKEN", "ya29.removedReplyTest")
    channels = (
        '[[brands.channels]]\nname = "resenas"\nplatform = "google_reviews"\n'
        f'account = "locations/5530"\naccount_id = "accounts/108512"\naccess_token = "${{GBP_TOKEN}}"\n'
        f'base_url = "{google.url}"\nretry_backoff = 0\n'
    )
    config = write_config(tmp_path, channels=channels)
    answer = ("Disculpe, ya arreglamos el calefón", ASKED + timedelta(hours=3))
    complaint = ("q1", "TWO", "La ducha no tenía agua caliente")
    praise = review("q2", "FIVE", "Excelente ubicación", ("¡Gracias por venir!", ASKED + timedelta(hours=1)))
    try:
        google.reviews = [review(*complaint, answer), praise]
        answered = scanned(config)
        google.reviews = [review(*complaint, None), praise]  # the owner deleted the reply on Google
        removed = scanned(config)
        # Written again later: Google sends the new reply's time; the first one stays its answer's.
        google.reviews = [review(*complaint, ("Ya tiene agua caliente", NOW - timedelta(hours=1))), praise]
        rewritten = scanned(config)
    finally:
        google.server.shutdown()

    def overall(brand: dict[str, Any]) -> tuple[int, int, float]:
        times = brand["response_times"]["overall"]
        return times["comments"], times["answered"], times["response_rate"]

    assert answered[0]["total"] == 0 and overall(answered[1]) == (2, 2, 1.0)
    waiting, brand = removed
    assert waiting["total"] == 1
    [item] = waiting["items"]
    assert (item["id"], item["text"], item["label"]) == ("q1", "La ducha no tenía agua caliente", "negative")
    assert overall(brand) == (2, 1, 0.5)
    assert brand["needs_reply"]["total"] == 1
    assert brand["response_times"]["overall"]["median_minutes"] == 60  # the other review's wait alone
    assert rewritten[0]["total"] == 0 and overall(rewritten[1]) == (2, 2, 1.0)
    assert rewritten[1]["response_times"]["overall"]["median_minutes"] == 120  # 1 h and 3 h, as at first
    assert answered[1]["response_times"]["overall"]["median_minutes"] == 120


def test_in_an_export_a_reviews_removed_reply_leaves_it_waiting_and_a_comments_still_answers(
    tmp_path: Path,
) -> None:
    """What makes a reply's removal count is the review (`type` review), not the platform nor the
    reply's `post_id`: a review exported with its removed reply waits, with or without the post's id
    on the reply (the file connector asks for it); a comment's removed business reply still answers."""
    asked = (NOW - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    later = (NOW - timedelta(days=1) + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M:%SZ")
    rows = [
        {"type": "post", "id": "p1", "created_at": asked, "text": "Nuevo menú"},
        {
            "type": "review",
            "id": "r1",
            "created_at": asked,
            "text": "Frío y tarde",
            "rating": 1,
            "author": "Ana",
        },
        {
            "type": "reply",
            "id": "r1/reply",
            "parent_id": "r1",
            "created_at": later,
            "text": "Disculpe",
            "is_business": True,
            "deleted": True,
        },
        {
            "type": "review",
            "id": "r2",
            "created_at": asked,
            "text": "Tardaron mucho",
            "rating": 2,
            "author": "Luis",
        },
        {
            "type": "reply",
            "id": "r2/reply",
            "parent_id": "r2",
            "post_id": "p1",
            "created_at": later,
            "text": "Lo sentimos",
            "is_business": True,
            "deleted": True,
        },
        {
            "type": "comment",
            "id": "c1",
            "post_id": "p1",
            "created_at": asked,
            "text": "¿Abren el lunes?",
            "author": "Eva",
        },
        {
            "type": "reply",
            "id": "c1/reply",
            "post_id": "p1",
            "parent_id": "c1",
            "created_at": later,
            "text": "Sí, desde las 8",
            "is_business": True,
            "deleted": True,
        },
    ]
    (tmp_path / "export.jsonl").write_text(
        "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows), encoding="utf-8"
    )
    waiting, brand = scanned(write_config(tmp_path))
    assert sorted(item["id"] for item in waiting["items"]) == ["r1", "r2"]
    times = brand["response_times"]["overall"]
    assert (times["comments"], times["answered"], times["median_minutes"]) == (3, 1, 120)
