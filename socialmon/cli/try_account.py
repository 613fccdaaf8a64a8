"""`socialmon try`: scan one public account into a throw-away database and print its report.

    socialmon try bluesky:cornerbistro.bsky.social
    socialmon try mastodon:@cornerbistro@mastodon.social
    socialmon try reddit:r/cornerbistro --database trial.db
    socialmon try https://bsky.app/profile/cornerbistro.bsky.social   (a profile's address, pasted)

It writes a config with one brand and one channel (in a temporary folder, or beside
`--database` so that `socialmon scan --config` and `socialmon report --config` carry on
from it), runs the regular scan on the account's newest posts, and prints the summary
`socialmon report` prints. Only the open networks can be tried this way: the other
platforms need credentials, so they go in a config.
"""

from __future__ import annotations

import json
import re
import tempfile
import tomllib
from collections.abc import AsyncIterator, Callable, Iterator, Sequence
from contextlib import aclosing, contextmanager
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any
from urllib.parse import urlsplit

import typer

from socialmon.cli._app import app
from socialmon.cli._common import (
    EXIT_FAILED,
    EXIT_OK,
    alert_counts,
    config_or_exit,
    config_problems,
    database_or_exit,
    err,
    fail,
    registry,
    say,
)
from socialmon.cli._i18n import N_, _, count, ngettext
from socialmon.cli.report import (
    LangChoice,
    PeriodChoice,
    PeriodOption,
    ReportFormat,
    run_report,
)

if TYPE_CHECKING:  # the connectors load when a try runs (see cli/_common.py)
    from socialmon.alerts.rules import HalfImported
    from socialmon.cli.scan import PlainReporter
    from socialmon.config import ResolvedChannel
    from socialmon.scan import ChannelOutcome
    from socialmon_connectors.base import Connector
    from socialmon_connectors.records import Page

MARKER = "# written by `socialmon try`"
DEFAULT_SINCE = "12m"  # a quiet account's newest posts can be months old
_KEY = re.compile(r"^[A-Za-z0-9_-]+$")
_RESERVED = frozenset({"name", "platform", "account", "enabled"})
_URL = re.compile(r"^https?://", re.IGNORECASE)
CONNECT_TIMEOUT = 5.0  # seconds the first request waits to connect: no network is said at once


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


def target_from_url(url: str) -> tuple[str, str, dict[str, str]] | None:
    """A profile's address as a browser shows it → (platform, account, channel options), or None.

    https://bsky.app/profile/NAME → bluesky; https://www.reddit.com/r/NAME (or /u/, /user/) →
    reddit; https://INSTANCE/@NAME → mastodon on that instance (any other host with /@NAME).
    """
    parts = urlsplit(url.strip())
    host = (parts.hostname or "").lower()
    segments = [segment for segment in parts.path.split("/") if segment]
    if parts.scheme.lower() not in ("http", "https") or not host or not segments:
        return None
    if host in ("bsky.app", "www.bsky.app") and segments[0] == "profile" and len(segments) >= 2:
        return "bluesky", segments[1], {}
    if (host == "reddit.com" or host.endswith(".reddit.com")) and len(segments) >= 2:
        kind = {"r": "r", "u": "u", "user": "u"}.get(segments[0].lower())
        return ("reddit", f"{kind}/{segments[1]}", {}) if kind else None
    if segments[0].startswith("@") and len(segments[0]) > 1:
        name = segments[0][1:]
        if "@" in name:  # another instance's account, as this one shows it: @name@home
            return "mastodon", f"@{name}", {}
        # An instance served over plain http (a test server) is named outright; https is the default.
        options = (
            {} if parts.scheme.lower() == "https" else {"instance": json.dumps(f"http://{parts.netloc}")}
        )
        return "mastodon", f"@{name}@{parts.netloc}", options
    return None


def parse_target(target: str) -> tuple[str, str]:
    """`platform:account` → (platform, account); ValueError with an example when it is not that."""
    platform, separator, account = target.partition(":")
    if not separator or not platform.strip() or not account.strip():
        raise ValueError(
            _("{target}: write PLATFORM:ACCOUNT, e.g. bluesky:cornerbistro.bsky.social").format(
                target=repr(target)
            )
        )
    return platform.strip().lower(), account.strip()


def parse_settings(pairs: list[str]) -> dict[str, str]:
    """`KEY=VALUE` pairs → {key: TOML value text}; a value that is not a TOML value is a string."""
    settings: dict[str, str] = {}
    for pair in pairs:
        key, separator, value = pair.partition("=")
        key = key.strip()
        if not separator or not _KEY.match(key):
            raise ValueError(
                _("--set {pair}: write KEY=VALUE, e.g. --set instance=https://mastodon.social").format(
                    pair=repr(pair)
                )
            )
        if key in _RESERVED:
            raise ValueError(_("--set {key}: give the account as PLATFORM:ACCOUNT instead").format(key=key))
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


def api_root(channel: ResolvedChannel) -> str:
    """The address the channel's first request goes to (its API's root)."""
    settings = channel.settings
    base = str(getattr(settings, "base_url", "") or "")
    if base:
        return base
    if channel.channel.platform == "mastodon":
        from socialmon_connectors.mastodon import instance_url, parse_account

        instance = str(getattr(settings, "instance", "") or "")
        domain = parse_account(channel.channel.account, instance=instance)[1]
        return instance_url(instance or domain)
    if channel.channel.platform == "reddit":
        from socialmon_connectors.reddit import OAUTH_URL, PUBLIC_URL

        return OAUTH_URL if getattr(settings, "oauth", False) else PUBLIC_URL
    return ""


def reachable_or_exit(channel: ResolvedChannel) -> None:
    """One quick request to the platform's host, with a short connect timeout: no network (no
    name resolution, a refused or unanswered connection) is said at once, naming the host,
    instead of after the scan's retries. Any answer at all, or any other failure, lets the scan
    go on and speak for itself."""
    import httpx

    from socialmon_connectors.http import USER_AGENT, verified_tls
    from socialmon_connectors.proxies import proxy_mounts

    root = api_root(channel)
    parts = urlsplit(root)
    if not parts.scheme or not parts.netloc:
        return
    try:
        with httpx.Client(
            timeout=httpx.Timeout(CONNECT_TIMEOUT * 2, connect=CONNECT_TIMEOUT),
            headers={"User-Agent": USER_AGENT},
            trust_env=False,  # the environment's proxies are mounted (see socialmon_connectors.proxies)
            mounts=proxy_mounts(verify=verified_tls(), sync=True),
            verify=verified_tls(),
        ) as client:
            client.head(f"{parts.scheme}://{parts.netloc}/")
    except (httpx.ConnectError, httpx.ConnectTimeout, httpx.ProxyError) as error:
        reason = str(error) or type(error).__name__
        timed_out = isinstance(error, httpx.ConnectTimeout)
        why = _("no answer in {seconds} s").format(seconds=int(CONNECT_TIMEOUT)) if timed_out else reason
        fail(
            _(
                "cannot reach {host} ({why}): check your connection (or your proxy, if you use one) and try again"
            ).format(host=parts.netloc, why=why),
            EXIT_FAILED,
        )
    except Exception:  # an answer of any kind, or not a network failure: the scan says it
        pass


# A try without --database keeps nothing: the scan's "on the next scan" is "try again later".
# Each pair is (what the scan says, what a try says instead), replaced in the CLI's language, so
# that a hint ending with the scan's words (a rate limit's, a slow platform's) ends with the try's;
# a hint's translation uses the same words for them (see socialmon/locale).
NEXT_SCAN_WORDS = (
    (N_("the channel resumes from where it stopped on the next scan"), N_("try again later")),
    (N_("the next scan tries again"), N_("try again later")),
)


def _token_hints() -> dict[str, str]:
    """A connector's hint that names the config's environment variable → the same for a try,
    whose settings are given with --set."""
    from socialmon_connectors import mastodon, reddit
    from socialmon_connectors.errors import AuthError, PermissionDenied

    return {
        mastodon.AUTH_HINT: N_(
            "the instance wants a token to read this account, or the token was revoked: on the instance "
            "open Preferences → Development → New application (scope read:statuses), and give its access "
            "token with --set access_token=TOKEN (or --set 'access_token=${VARIABLE}')"
        ),
        reddit.AUTH_HINT: N_(
            "check the app's client id and secret (reddit.com/prefs/apps; a 'script' app also needs the "
            "username and password of a developer of the app), given with --set client_id=… and "
            "--set client_secret=…"
        ),
        AuthError.hint: N_(
            "renew the access token and give it with --set access_token=TOKEN "
            "(or --set 'access_token=${VARIABLE}')"
        ),
        PermissionDenied.hint: N_(
            "grant the missing permission to the app or token, renew the token and give it with "
            "--set access_token=TOKEN"
        ),
    }


def threads_not_read(n: int) -> str:
    return ngettext(
        "{n} thread not read (try again later, or keep what was read with --database)",
        "{n} threads not read (try again later, or keep what was read with --database)",
        n,
    ).format(n=count(n))


def said_for_a_try(error: str, kept: bool) -> str:
    """A channel's error in the CLI's language (see `said_error`), its advice for a try: settings
    are given with --set, and without --database nothing is left for a next scan."""
    from socialmon.cli._config_words import COUNT, COUNTED, said_error, template_pattern

    spoken = said_error(error)
    for hint, instead in _token_hints().items():
        spoken = spoken.replace(_(hint), _(instead))
    if kept:  # `socialmon scan --config` carries on from the kept database: the scan's words hold
        return spoken
    threads_left = COUNTED["{n} thread(s) left for the next scan"]
    for written in dict.fromkeys(("{n} thread(s) left for the next scan", threads_left(1), threads_left(2))):
        pattern = template_pattern(written, {"n": COUNT})
        spoken = re.sub(pattern, lambda found: threads_not_read(int(found["n"].replace(",", ""))), spoken)
    for scan_words, try_words in NEXT_SCAN_WORDS:
        spoken = spoken.replace(_(scan_words), _(try_words))
    return spoken


def try_reporter(kept_config: Path | None) -> PlainReporter:
    """The scan's plain lines (`socialmon scan`'s), with a try's advice (see `said_for_a_try`), and
    an alerts line only when the database is kept: the alerts of a temporary one go with it."""
    from socialmon.cli.scan import PlainReporter, alerts_line

    class TryReporter(PlainReporter):
        def channel_finished(self, outcome: ChannelOutcome) -> None:
            if outcome.error:
                outcome = replace(outcome, error=said_for_a_try(outcome.error, kept_config is not None))
            super().channel_finished(outcome)

        def alerts_checked(
            self,
            brand: str,
            created: int,
            resolved: int,
            error: str | None,
            skipped: Sequence[HalfImported] = (),  # (a try judges its one channel, or says it failed)
        ) -> None:
            if error is not None:
                self._line(alerts_line(brand, created, resolved, error))
            elif kept_config is not None and (created or resolved):
                self._line(
                    _(
                        "{brand}: {created}, {resolved} (`socialmon alerts --config {config}` lists the open ones)"
                    ).format(brand=brand, config=kept_config, **alert_counts(created, resolved))
                )
            elif kept_config is not None:
                self._line(_("{brand}: no new alerts").format(brand=brand))

    return TryReporter(quiet=False)


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
        fail(
            _("{path} exists and was not written by `socialmon try`: choose another --database").format(
                path=config
            )
        )
    if not database.parent.is_dir():
        fail(_("the folder for --database does not exist: {path}").format(path=database.parent))
    yield config, database


@app.command(
    "try",
    help=_(
        "Try socialmon on one public account (Mastodon, Bluesky, Reddit): scan its newest posts and print "
        "the report.\n\n"
        "Exit code 0 when the scan read everything, 1 when the platform failed or some threads could not "
        "be read (what was read is still reported), 2 for an unknown platform, a malformed account or a "
        "bad option.\n\n"
        "Examples:\n\n"
        "socialmon try bluesky:cafe.bsky.social\n\n"
        "socialmon try mastodon:@cafe@mastodon.social --set 'access_token=${TOKEN}'\n\n"
        "socialmon try reddit:r/quito --posts 50 --database trial.db"
    ),
)
def try_account(
    target: Annotated[
        str,
        typer.Argument(
            help=_(
                "PLATFORM:ACCOUNT: bluesky:name.bsky.social, mastodon:@name@instance, reddit:r/sub or "
                "reddit:u/name, or a profile's address."
            ),
            show_default=False,
        ),
    ],
    posts: Annotated[
        int, typer.Option("--posts", min=1, max=1000, help=_("How many of the newest posts to read."))
    ] = 20,
    database: Annotated[
        Path | None,
        typer.Option(
            "--database",
            help=_(
                "Keep the data in this SQLite file (and its config beside it, as .toml). "
                "Default: a temporary database, deleted afterwards."
            ),
            dir_okay=False,
            show_default=False,
        ),
    ] = None,
    settings: Annotated[
        list[str] | None,
        typer.Option(
            "--set",
            help=_(
                "A channel option, KEY=VALUE (repeatable), as in the examples above; the options are "
                "the platform's in the README."
            ),
            show_default=False,
        ),
    ] = None,
    since: Annotated[
        str,
        typer.Option(
            "--since", help=_("Report from: a date (2026-11-01) or a span back from today: 30d, 4w, 12m.")
        ),
    ] = DEFAULT_SINCE,
    period: PeriodOption = PeriodChoice.month,
    format: Annotated[
        ReportFormat,
        typer.Option("--format", "-f", help=_("Output format, written to standard output.")),
    ] = ReportFormat.table,
    lang: Annotated[
        LangChoice | None,
        typer.Option(
            "--lang",
            help=_(
                "Language of the report and the messages. Default: $SOCIALMON_LANG, else the locale's, "
                "else English."
            ),
            show_default=False,
        ),
    ] = None,
    timezone: Annotated[
        str,
        typer.Option("--timezone", help=_("The brand's time zone for the report, e.g. America/Guayaquil.")),
    ] = "UTC",
) -> None:
    from socialmon.cli._i18n import environment_language, use

    lang = LangChoice(use(lang.value if lang else environment_language()))
    try:
        options = parse_settings(settings or [])
        from_url = target_from_url(target) if _URL.match(target.strip()) else None
        if from_url is not None:
            platform, account, implied = from_url
        else:
            platform, account = parse_target(target)
            implied = {}
            if _URL.match(account):  # bluesky:https://bsky.app/profile/… names the platform twice
                from_url = target_from_url(account)
                if from_url is None or from_url[0] != platform:
                    raise ValueError(
                        _("{account} is not a {platform} profile address").format(
                            account=repr(account), platform=platform
                        )
                    )
                account, implied = from_url[1], from_url[2]
        for key, value in implied.items():
            options.setdefault(key, value)
    except ValueError as error:  # a target or a setting socialmon cannot read, in the CLI's words
        from socialmon.cli._config_words import said

        fail(said(str(error)))
    if _URL.match(target.strip()) and from_url is None:
        fail(
            _(
                "{target} is not a profile address socialmon knows: paste one like "
                "https://bsky.app/profile/NAME, https://mastodon.social/@NAME or https://www.reddit.com/r/NAME, "
                "or write PLATFORM:ACCOUNT, e.g. bluesky:cornerbistro.bsky.social"
            ).format(target=repr(target))
        )
    connectors = registry()
    checks = _account_checks()
    if platform not in checks:
        if connectors.get(platform) is None:
            fail(
                _("unknown platform {platform}; `socialmon try` works with {platforms}").format(
                    platform=repr(platform), platforms=", ".join(sorted(checks))
                )
            )
        fail(
            _(
                "{platform} needs credentials, so it cannot be tried in one command: add it to a config "
                "(`socialmon init`, then see the README's connector table); `socialmon try` works with "
                "{platforms}"
            ).format(platform=platform, platforms=", ".join(sorted(checks)))
        )
    try:
        checks[platform](
            account, {key: tomllib.loads(f"value = {text}")["value"] for key, text in options.items()}
        )
    except ValueError as error:  # the account is not one the platform has (its form), in the CLI's words
        from socialmon.cli._config_words import said

        fail(said(str(error)))
    options.setdefault("page_size", str(min(posts, 40)))

    from socialmon.scan import run_scan
    from socialmon.sentiment import get_scorer
    from socialmon.storage import Store

    with workspace(database) as (config_path, database_path):
        config_path.write_text(
            try_config(platform, account, options, database_path, timezone, lang.value), encoding="utf-8"
        )
        # Named outright: $SOCIALMON_DATABASE must not send a try into the user's real database.
        url = f"sqlite:///{database_path}"
        loaded = config_or_exit(config_path, connectors, database=url)
        use(lang.value)
        from socialmon.config import ConfigError, resolve_channels

        try:
            (channel,) = resolve_channels(loaded, loaded.select(), connectors)
        except ConfigError as error:
            config_problems(error)
        reachable_or_exit(channel)
        channel = replace(channel, connector_class=newest_posts_only(channel.connector_class, posts))
        with database_or_exit(loaded, url) as db:
            store = Store(
                db, get_scorer(loaded.settings.sentiment.scorer, loaded.settings.sentiment.languages)
            )
            import asyncio  # here: every command loads this module (see cli/scan.py)

            (outcome,) = asyncio.run(
                run_scan(
                    [channel],
                    store,
                    concurrency=1,
                    reporter=try_reporter(config_path if database is not None else None),
                )
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
                _(
                    "kept in {database}: `socialmon report --config {config}` shows it again, "
                    "`socialmon scan --config {config}` carries on from there"
                ).format(database=database_path, config=config_path),
            )
    # As `scan`: a channel that ended partial (threads it could not read) exits 1 too.
    raise typer.Exit(EXIT_FAILED if outcome.status in ("failed", "partial") else EXIT_OK)
