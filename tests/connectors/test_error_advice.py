"""What a failing platform tells the user to do: server trouble, web pages instead of data, rate
limits with the time the platform gave, Google's permission errors, Graph's ambiguous 100/33.

Each answer is the platform's real shape (Cloudflare's 522 page, Reddit's "over capacity" page,
Google's `ErrorInfo` details, Meta's usage headers), served by respx to the real connector.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest
import respx
import test_bluesky
import test_facebook
import test_google_reviews
import test_instagram
import test_mastodon
import test_reddit
import test_youtube
from conformance import NOW, fixture, gather, in_context, records

from socialmon_connectors import NotFound, PermissionDenied, PlatformError, RateLimited, ThreadFailure

# What the user is told to do (said exactly, as the Spanish catalogue translates it).
SERVER_TROUBLE_HINT = (
    "a temporary problem on the platform's side; the next scan tries again — if it lasts, check the "
    "platform's status page and the channel's base_url"
)
NOT_DATA_HINT = (
    "try again later (the next scan does); if it lasts, check the channel's base_url and the platform's "
    "status page"
)

CLOUDFLARE_522 = (
    '<!DOCTYPE html>\n<html lang="en-US"><head><title>mastodon.example | 522: Connection timed out</title>'
    '</head>\n<body><div id="cf-wrapper"><h1>Connection timed out <span>Error code 522</span></h1>'
    "<span>Cloudflare Ray ID: <strong>8e1a2b3c4d5e6f70</strong></span></div></body></html>"
)
REDDIT_OVER_CAPACITY = (
    "<!doctype html><html><head><title>reddit.com: over capacity</title></head><body>"
    "<h1>all of our servers are busy right now</h1><p>please try again in a minute</p></body></html>"
)
MAINTENANCE = (
    "<!DOCTYPE html><html><head><title>We'll be right back</title></head>"
    "<body><h1>Down for maintenance</h1></body></html>"
)


def failure_of(case: Any, tmp_path: Path, answer: httpx.Response) -> BaseException | None:
    """What stops the channel when every request gets `answer`."""
    with respx.mock(base_url=case.base_url) as router:
        router.route().mock(return_value=answer)
        _, error = gather(case.connector(tmp_path), None)
    return error


# --- server errors and bodies that are not data ---------------------------------------------------


@pytest.mark.parametrize(
    ("case", "answer", "said"),
    [
        (
            test_mastodon.CASE,
            httpx.Response(522, text=CLOUDFLARE_522, headers={"content-type": "text/html"}),
            'HTTP 522, a web page titled "mastodon.example | 522: Connection timed out"',
        ),
        (
            test_reddit.CASE,
            httpx.Response(503, text=REDDIT_OVER_CAPACITY, headers={"content-type": "text/html"}),
            'HTTP 503, a web page titled "reddit.com: over capacity"',
        ),
        (
            test_bluesky.CASE,
            httpx.Response(502, json={"error": "UpstreamFailure", "message": "Upstream Failure"}),
            "Upstream Failure",
        ),
    ],
    ids=["cloudflare-522", "reddit-503-page", "bluesky-502"],
)
def test_a_server_error_that_outlasts_the_retries_is_told_as_temporary(
    tmp_path: Path, case: Any, answer: httpx.Response, said: str
) -> None:
    error = failure_of(case, tmp_path, answer)
    assert type(error) is PlatformError and error.status == answer.status_code
    assert said in str(error)
    assert str(error).endswith(f" — {SERVER_TROUBLE_HINT}")


def test_a_web_page_instead_of_data_is_named_with_what_to_do(tmp_path: Path) -> None:
    page = httpx.Response(200, text=MAINTENANCE, headers={"content-type": "text/html; charset=UTF-8"})
    error = failure_of(test_mastodon.CASE, tmp_path, page)
    assert type(error) is PlatformError and error.code == "malformed"
    assert "answered with a web page instead of data (HTTP 200; maintenance or a proxy?)" in str(error)
    assert "We'll be right back" in str(error) and "malformed JSON" not in str(error)
    assert str(error).endswith(f" — {NOT_DATA_HINT}")


def test_json_cut_off_is_an_incomplete_answer_with_what_to_do(tmp_path: Path) -> None:
    cut = httpx.Response(
        200, text='{"data":[{"id":"1_2","message":"hel', headers={"content-type": "application/json"}
    )
    error = failure_of(test_facebook.CASE, tmp_path, cut)
    assert type(error) is PlatformError and error.code == "malformed"
    assert "Facebook: incomplete answer from" in str(error)
    assert "(HTTP 200): its JSON is cut off or malformed" in str(error)
    assert str(error).endswith(f" — {NOT_DATA_HINT}")


# --- rate limits: the time the platform gave ------------------------------------------------------


@pytest.mark.parametrize(
    ("case", "answer", "returns"),
    [
        (
            test_mastodon.CASE,
            httpx.Response(
                429,
                json={"error": "Too many requests"},
                headers={
                    "X-RateLimit-Limit": "300",
                    "X-RateLimit-Remaining": "0",
                    "X-RateLimit-Reset": "2024-06-01T00:05:00.003757Z",  # ISO time, 5 min after NOW
                },
            ),
            "access returns in about 5 min",
        ),
        (
            test_bluesky.CASE,
            httpx.Response(
                429,
                json={"error": "RateLimitExceeded", "message": "Rate Limit Exceeded"},
                headers={
                    "ratelimit-limit": "3000",
                    "ratelimit-remaining": "0",
                    "ratelimit-reset": str(int(NOW.timestamp()) + 900),  # epoch seconds
                    "ratelimit-policy": "3000;w=300",
                },
            ),
            "access returns in about 15 min",
        ),
        (
            test_reddit.CASE,
            httpx.Response(
                429,
                json={"message": "Too Many Requests", "error": 429},
                headers={
                    "x-ratelimit-used": "100",
                    "x-ratelimit-remaining": "0.0",
                    "x-ratelimit-reset": "600",
                },
            ),
            "access returns in about 10 min",
        ),
        (
            test_facebook.CASE,
            httpx.Response(
                400,
                json=test_facebook.graph_error(32, "(#32) Page request limit reached"),
                headers={
                    "X-Business-Use-Case-Usage": json.dumps(
                        {
                            test_facebook.PAGE: [
                                {"type": "pages", "call_count": 100, "estimated_time_to_regain_access": 12}
                            ]
                        }
                    )
                },
            ),
            "access returns in about 12 min",
        ),
    ],
    ids=["mastodon-iso", "bluesky-epoch", "reddit-seconds", "meta-buc-minutes"],
)
def test_a_rate_limit_says_when_access_returns_when_the_platform_says(
    tmp_path: Path, case: Any, answer: httpx.Response, returns: str
) -> None:
    error = failure_of(case, tmp_path, answer)
    assert type(error) is RateLimited
    assert f"; {returns} — the channel resumes from where it stopped on the next scan" in str(error)


def test_a_rate_limit_without_a_time_from_the_platform_names_none(tmp_path: Path) -> None:
    limited = httpx.Response(
        400, json=test_facebook.graph_error(613, "(#613) Calls to this api have exceeded the rate limit.")
    )
    error = failure_of(test_facebook.CASE, tmp_path, limited)
    assert type(error) is RateLimited and "access returns" not in str(error)


@pytest.mark.parametrize(
    ("seconds", "said"),
    [
        (20, "access returns in under a minute"),
        (720, "access returns in about 12 min"),
        (7140, "access returns in about 119 min"),
        (3 * 3600, "access returns in about 3 h"),
    ],
)
def test_when_access_returns_is_said_in_minutes_or_hours(seconds: float, said: str) -> None:
    from socialmon_connectors.http import access_returns_in

    assert access_returns_in(seconds) == said


# --- Google: permissions, scopes, an API not enabled ----------------------------------------------


def google_403(
    message: str, *, reason: str | None = None, details: list[Any] | None = None
) -> httpx.Response:
    error: dict[str, Any] = {"code": 403, "message": message, "status": "PERMISSION_DENIED"}
    if reason is not None:
        error["errors"] = [{"message": message, "domain": "global", "reason": reason}]
    if details is not None:
        error["details"] = details
    return httpx.Response(403, json={"error": error})


def error_info(reason: str, **metadata: str) -> dict[str, Any]:
    return {
        "@type": "type.googleapis.com/google.rpc.ErrorInfo",
        "reason": reason,
        "domain": "googleapis.com",
        "metadata": metadata,
    }


SCOPES = "Request had insufficient authentication scopes."
DISABLED = (
    "{api} has not been used in project 83172312488 before or it is disabled. Enable it by visiting "
    "https://console.developers.google.com/apis/api/{service}/overview?project=83172312488 then retry."
)


@pytest.mark.parametrize(
    ("case", "answer", "advice"),
    [
        (
            test_youtube.CASE,
            google_403(
                SCOPES,
                reason="insufficientPermissions",
                details=[error_info("ACCESS_TOKEN_SCOPE_INSUFFICIENT", service="youtube.googleapis.com")],
            ),
            "the OAuth token was granted without the scope https://www.googleapis.com/auth/youtube.readonly",
        ),
        (
            test_google_reviews.CASE,
            google_403(SCOPES, details=[error_info("ACCESS_TOKEN_SCOPE_INSUFFICIENT")]),
            "the OAuth token was granted without the scope https://www.googleapis.com/auth/business.manage",
        ),
        (
            test_google_reviews.CASE,
            google_403(SCOPES),  # the same, without details
            "the OAuth token was granted without the scope https://www.googleapis.com/auth/business.manage",
        ),
        (
            test_google_reviews.CASE,
            google_403("The caller does not have permission"),
            "it must be an owner or manager of the location in Business Profile",
        ),
        (
            test_google_reviews.CASE,
            google_403(
                DISABLED.format(api="Google My Business API", service="mybusiness.googleapis.com"),
                details=[
                    {
                        "@type": "type.googleapis.com/google.rpc.Help",
                        "links": [
                            {
                                "description": "Google developers console API activation",
                                "url": "https://console.developers.google.com/apis/api/mybusiness.googleapis.com"
                                "/overview?project=83172312488",
                            }
                        ],
                    },
                    error_info(
                        "SERVICE_DISABLED",
                        service="mybusiness.googleapis.com",
                        consumer="projects/83172312488",
                    ),
                ],
            ),
            "enable mybusiness.googleapis.com in the Google Cloud project of the API key or OAuth client "
            "(https://console.developers.google.com/apis/api/mybusiness.googleapis.com/overview?project="
            "83172312488); if it was just enabled, wait a few minutes for Google to apply it",
        ),
        (
            test_youtube.CASE,
            google_403(
                DISABLED.format(api="YouTube Data API v3", service="youtube.googleapis.com"),
                reason="accessNotConfigured",
                details=[
                    error_info(
                        "SERVICE_DISABLED",
                        service="youtube.googleapis.com",
                        serviceTitle="YouTube Data API v3",
                        activationUrl="https://console.developers.google.com/apis/api/youtube.googleapis.com"
                        "/overview?project=83172312488",
                    )
                ],
            ),
            "enable YouTube Data API v3 in the Google Cloud project of the API key or OAuth client "
            "(https://console.developers.google.com/apis/api/youtube.googleapis.com/overview?project="
            "83172312488)",
        ),
        (
            test_youtube.CASE,
            google_403(
                DISABLED.format(api="YouTube Data API v3", service="youtube.googleapis.com"),
                reason="accessNotConfigured",
            ),  # the older answer, without details
            "enable the API named above in the Google Cloud project of the API key or OAuth client "
            "(Cloud console → APIs & Services → Library)",
        ),
    ],
    ids=[
        "youtube-scope",
        "business-scope",
        "business-scope-bare",
        "business-not-a-manager",
        "business-api-disabled",
        "youtube-api-disabled",
        "youtube-api-disabled-bare",
    ],
)
def test_a_google_permission_error_stops_the_channel_saying_what_to_grant_or_enable(
    tmp_path: Path, case: Any, answer: httpx.Response, advice: str
) -> None:
    error = failure_of(case, tmp_path, answer)
    assert type(error) is PermissionDenied
    assert advice in error.hint
    assert answer.json()["error"]["message"][:40] in str(error)  # Google's own words stay


# --- Graph's 100/33 on one post's comments --------------------------------------------------------

POST_A = test_facebook.POST_A
REFUSED = test_facebook.graph_error(
    100,
    f"Unsupported get request. Object with ID '{POST_A}' does not exist, cannot be loaded due to missing "
    "permissions, or does not support this operation.",
    33,
)


def test_a_100_33_on_a_just_listed_posts_comments_leaves_the_thread_for_the_next_scan(tmp_path: Path) -> None:
    body = fixture("facebook_posts_1.json")
    body["paging"] = {}
    with respx.mock(base_url=test_facebook.BASE, assert_all_called=True) as router:
        router.get(f"/{test_facebook.PAGE}/posts").respond(json=body)
        router.get(f"/{POST_A}/comments").respond(400, json=REFUSED)
        pages, error = gather(test_facebook.CASE.connector(tmp_path), None)
    assert error is None
    failures = [failure for page in pages for failure in page.failed_threads]
    assert [failure.key for failure in failures] == [POST_A]
    assert "could not read the comments of post" in failures[0].reason
    assert "the next scan reads this thread again" in failures[0].reason
    assert "data" not in failures[0].item.get("comments", {})  # read again from the start
    assert POST_A in {record.platform_id for record in records(pages)}  # the post and its first comments


def test_a_100_33_on_just_listed_instagram_media_leaves_its_comments_for_the_next_scan(
    tmp_path: Path,
) -> None:
    """Instagram's comments come from the same Graph: the same answer, the same reading of it."""
    with respx.mock(base_url=test_instagram.BASE, assert_all_called=False) as router:
        test_instagram.CASE.routes(router)
        router.get(f"/{test_instagram.MEDIA}/comments").respond(400, json=REFUSED)
        pages, error = gather(test_instagram.CASE.connector(tmp_path), None)
    assert error is None
    failures = [failure for page in pages for failure in page.failed_threads]
    assert [failure.key for failure in failures] == [test_instagram.MEDIA]
    assert "could not read the comments of media" in failures[0].reason
    assert "instagram_manage_comments" in failures[0].reason
    assert test_instagram.MEDIA in {record.platform_id for record in records(pages)}  # the media is kept


def remembered(tmp_path: Path) -> Any:
    body = fixture("facebook_posts_1.json")
    post = {key: value for key, value in body["data"][0].items() if key != "comments"}
    return in_context(
        test_facebook.CASE.connector(tmp_path), (ThreadFailure(key=POST_A, item=post, reason="earlier"),)
    )


def test_a_remembered_thread_whose_post_graph_no_longer_serves_is_gone(tmp_path: Path) -> None:
    with respx.mock(base_url=test_facebook.BASE, assert_all_called=True) as router:
        router.get(f"/{POST_A}/comments").respond(400, json=REFUSED)
        router.get(f"/{POST_A}").respond(400, json=REFUSED)
        router.get(f"/{test_facebook.PAGE}/posts").respond(json={"data": []})
        pages, error = gather(remembered(tmp_path), None)
    assert error is None
    assert not [failure for page in pages for failure in page.failed_threads]
    assert [key for page in pages for key in page.resolved_threads] == [POST_A]


def test_a_remembered_thread_whose_post_is_still_there_stays_remembered(tmp_path: Path) -> None:
    with respx.mock(base_url=test_facebook.BASE, assert_all_called=True) as router:
        router.get(f"/{POST_A}/comments").respond(400, json=REFUSED)
        router.get(f"/{POST_A}").respond(json={"id": POST_A})
        router.get(f"/{test_facebook.PAGE}/posts").respond(json={"data": []})
        pages, error = gather(remembered(tmp_path), None)
    assert error is None
    assert [failure.key for page in pages for failure in page.failed_threads] == [POST_A]
    assert not [key for page in pages for key in page.resolved_threads]


def test_a_100_33_on_the_listing_names_both_a_wrong_id_and_a_missing_permission(tmp_path: Path) -> None:
    with respx.mock(base_url=test_facebook.BASE) as router:
        router.get(f"/{test_facebook.PAGE}/posts").respond(400, json=REFUSED)
        _, error = gather(test_facebook.CASE.connector(tmp_path), None)
    assert type(error) is NotFound
    assert "an id that does not exist and for one the token may not read" in error.hint
    assert "account id" in error.hint and "permissions" in error.hint
