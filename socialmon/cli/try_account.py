"""`socialmon try`: scan one public account into a throw-away database and print its report.

    socialmon try bluesky:cornerbistro.bsky.social
    socialmon try mastodon:@cornerbistro@mastodon.social
    socialmon try reddit:r/cornerbistro --database trial.db

It writes a config with one brand and one channel (in a temporary folder, or beside
`--database` so that `socialmon scan --config` and `socialmon report --config` carry on
from it), runs the regular scan on the account's newest posts, and prints the summary
`socialmon report` prints. Only the open networks can be tried this way: the other
platforms need credentials, so they go in a config.
"""

from __future__ import annotations

import asyncio
import json
import re
import tempfile
import tomllib
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import aclosing, contextmanager
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from socialmon.cli import app
from socialmon.cli._common import (
    EXIT_FAILED,
    EXIT_OK,
    config_or_exit,
    config_problems,
    database_or_exit,
    err,
    fail,
    registry,
    say,
)
from socialmon.cli.report import (
    FormatOption,
    LangChoice,
    PeriodChoice,
    PeriodOption,
    ReportFormat,
    run_report,
)
from socialmon.config import ConfigError, resolve_channels

if TYPE_CHECKING:  # the connectors load when a try runs (see cli/_common.py)
    from socialmon_connectors.base import Connector
    from socialmon_connectors.records import Page

MARKER = "# written by `socialmon try`"
DEFAULT_SINCE = "12m"  # a quiet account's newest posts can be months old
_KEY = re.compile(r"^[A-Za-z0-9_-]+$")
_RESERVED = frozenset({"name", "platform", "account", "enabled"})


def _account_checks() -> dict[str, Callable[[str, dict[str, Any]], object]]:
    """Platform → the connector's own account parser, given the channel's options (ValueError says the form).

    The connectors are imported only when a try needs them.
    """
    from socialmon_connectors import bluesky, mastodon, reddit

    return {
        "bluesky": lambda account, _: bluesky.parse_account(account),
        "mastodon": lambda account, options: mastodon.parse_account(
            account, instance=str(options.get("instance", ""))
        ),
        "reddit": lambda account, _: reddit.parse_account(account),
    }


def parse_target(target: str) -> tuple[str, str]:
    """`platform:account` → (platform, account); ValueError with an example when it is not that."""
    platform, separator, account = target.partition(":")
    if not separator or not platform.strip() or not account.strip():
        raise ValueError(f"{target!r}: write PLATFORM:ACCOUNT, e.g. bluesky:cornerbistro.bsky.social")
    return platform.strip().lower(), account.strip()


def parse_settings(pairs: list[str]) -> dict[str, str]:
    """`KEY=VALUE` pairs → {key: TOML value text}; a value that is not a TOML value is a string."""
    settings: dict[str, str] = {}
    for pair in pairs:
        key, separator, value = pair.partition("=")
        key = key.strip()
        if not separator or not _KEY.match(key):
            raise ValueError(f"--set {pair!r}: write KEY=VALUE, e.g. --set instance=https://mastodon.social")
        if key in _RESERVED:
            raise ValueError(f"--set {key}: give the account as PLATFORM:ACCOUNT instead")
        try:
            tomllib.loads(f"value = {value}")
            settings[key] = value
        except tomllib.TOMLDecodeError:
            settings[key] = json.dumps(value, ensure_ascii=False)  # a JSON string is a TOML basic string
    return settings


def try_config(
    platform: str, account: str, settings: dict[str, str], database: Path, timezone: str, language: str
) -> str:
    """The TOML of a config with one brand and its one channel."""
    lines = [
        f"{MARKER}; copy the channel into your own config to keep scanning it",
        f"database = {json.dumps(str(database))}",
        "",
        "[[brands]]",
        f"name = {json.dumps(account, ensure_ascii=False)}",
        f"timezone = {json.dumps(timezone)}",
        f"language = {json.dumps(language)}",
        "",
        "[[brands.channels]]",
        f"platform = {json.dumps(platform)}",
        f"account = {json.dumps(account, ensure_ascii=False)}",
        *(f"{key} = {value}" for key, value in settings.items()),
    ]
    return "\n".join(lines) + "\n"


def newest_posts_only(connector_class: type[Connector], posts: int) -> type[Connector]:
    """The connector, stopping after the page that brings its `posts`th post: a try needs no whole history.

    The last page's cursor is the one of an unfinished scan, so a later `socialmon scan`
    of a kept database reads on from there.
    """

    class NewestPosts(connector_class):  # type: ignore[misc, valid-type]
        async def pages(self, cursor: dict[str, Any] | None) -> AsyncIterator[Page]:
            read = 0
            async with aclosing(super().pages(cursor)) as pages:
                async for page in pages:
                    yield page
                    read += len(page.posts)
                    if read >= posts:
                        return

    NewestPosts.__name__ = NewestPosts.__qualname__ = connector_class.__name__
    return NewestPosts


@contextmanager
def workspace(database: Path | None) -> Iterator[tuple[Path, Path]]:
    """(config path, database path): in a temporary folder, or beside the database to keep."""
    if database is None:
        with tempfile.TemporaryDirectory(prefix="socialmon-try-") as folder:
            yield Path(folder) / "socialmon.toml", Path(folder) / "socialmon.db"
        return
    database = database.expanduser().resolve()
    config = database.with_suffix(".toml")
    if config.exists() and not config.read_text(encoding="utf-8", errors="replace").startswith(MARKER):
        fail(f"{config} exists and was not written by `socialmon try`: choose another --database")
    if not database.parent.is_dir():
        fail(f"the folder for --database does not exist: {database.parent}")
    yield config, database


@app.command("try")
def try_account(
    target: Annotated[
        str,
        typer.Argument(
            help="PLATFORM:ACCOUNT: bluesky:name.bsky.social, mastodon:@name@instance, reddit:r/sub or reddit:u/name.",
            show_default=False,
        ),
    ],
    posts: Annotated[
        int, typer.Option("--posts", min=1, max=1000, help="How many of the newest posts to read.")
    ] = 20,
    database: Annotated[
        Path | None,
        typer.Option(
            "--database",
            help="Keep the data in this SQLite file (and its config beside it, as .toml). "
            "Default: a temporary database, deleted afterwards.",
            dir_okay=False,
            show_default=False,
        ),
    ] = None,
    settings: Annotated[
        list[str] | None,
        typer.Option(
            "--set",
            help="A channel option, KEY=VALUE (repeatable): --set instance=https://mastodon.social, "
            "--set 'access_token=${MASTODON_TOKEN}', --set username=you.",
            show_default=False,
        ),
    ] = None,
    since: Annotated[
        str,
        typer.Option(
            "--since", help="Report from: a date (2026-11-01) or a span back from today: 30d, 4w, 12m."
        ),
    ] = DEFAULT_SINCE,
    period: PeriodOption = PeriodChoice.month,
    format: FormatOption = ReportFormat.table,
    lang: Annotated[LangChoice, typer.Option("--lang", help="Report language.")] = LangChoice.en,
    timezone: Annotated[
        str, typer.Option("--timezone", help="The brand's time zone for the report, e.g. America/Guayaquil.")
    ] = "UTC",
) -> None:
    """Try socialmon on one public account (Mastodon, Bluesky, Reddit): scan its newest posts and print the report.

    Exit code 0 when the scan succeeded, 1 when the platform failed (what was read is still
    reported), 2 for an unknown platform, a malformed account or a bad option.
    """
    try:
        platform, account = parse_target(target)
        options = parse_settings(settings or [])
    except ValueError as error:
        fail(str(error))
    connectors = registry()
    checks = _account_checks()
    if platform not in checks:
        if connectors.get(platform) is None:
            fail(f"unknown platform {platform!r}; `socialmon try` works with {', '.join(sorted(checks))}")
        fail(
            f"{platform} needs credentials, so it cannot be tried in one command: add it to a config "
            f"(`socialmon init`, then see the README's connector table); `socialmon try` works with "
            f"{', '.join(sorted(checks))}"
        )
    try:
        checks[platform](
            account, {key: tomllib.loads(f"value = {text}")["value"] for key, text in options.items()}
        )
    except ValueError as error:
        fail(str(error))
    options.setdefault("page_size", str(min(posts, 40)))

    from socialmon.cli.scan import PlainReporter
    from socialmon.scan import run_scan
    from socialmon.sentiment import get_scorer
    from socialmon.storage import Store

    with workspace(database) as (config_path, database_path):
        config_path.write_text(
            try_config(platform, account, options, database_path, timezone, lang.value), encoding="utf-8"
        )
        loaded = config_or_exit(config_path, connectors)
        try:
            (channel,) = resolve_channels(loaded, loaded.select(), connectors)
        except ConfigError as error:
            config_problems(error)
        channel = replace(channel, connector_class=newest_posts_only(channel.connector_class, posts))
        # Named outright: $SOCIALMON_DATABASE must not send a try into the user's real database.
        url = f"sqlite:///{database_path}"
        with database_or_exit(loaded, url) as db:
            store = Store(db, get_scorer(loaded.settings.sentiment.scorer))
            (outcome,) = asyncio.run(
                run_scan([channel], store, concurrency=1, reporter=PlainReporter(quiet=False))
            )
        if outcome.status != "failed" or outcome.pages:
            run_report(
                "summary",
                brand=None,
                channel=None,
                since=since,
                until=None,
                period=period,
                format=format,
                output=None,
                lang=lang,
                config=config_path,
                database=url,
            )
        if database is not None:
            say(
                err,
                f"kept in {database_path}: `socialmon report --config {config_path}` shows it again, "
                f"`socialmon scan --config {config_path}` carries on from there",
            )
    raise typer.Exit(EXIT_FAILED if outcome.status == "failed" else EXIT_OK)
