"""A config problem, or a channel's error in a scan, said in the CLI's language.

`socialmon.config`, the scan and the connectors are a library: they write their problems in
English, without a catalogue. The CLI says each problem again from the catalogue: where it is
("brand 'cafe', channel 'export'"), the field, and the message when it is one of the shapes
below, each `{name}` standing for what varies (a value, a name, a number). A message that
matches none is kept as written, so a new one is still said, in English, until it is added here
and to `socialmon/locale`.

A channel's error is mostly the platform's own text, which stays as written; what socialmon
adds to it is said again: the hint a connector puts after " — " (`HINTS`), the count of
threads a partial scan left (`COUNTED`) and why a scan stopped early (`STOP_REASONS`). A new
hint is one `N_` line in `HINTS` and one catalogue entry.
"""

from __future__ import annotations

import logging
import re
import sys
from collections.abc import Callable, Mapping
from functools import cache
from typing import TYPE_CHECKING, Any, NamedTuple

from socialmon.cli._i18n import DEFAULT, N_, _, count, current, ngettext

if TYPE_CHECKING:
    from pathlib import Path

    from socialmon.config import ConfigProblem
    from socialmon_connectors.base import Connector

# The problems `socialmon.config` writes, pydantic's words for the settings' types, and the
# connectors' own: their English text, as `_()` finds it in the catalogue.
MESSAGES = (
    N_("required but missing"),
    # socialmon.config.Config._missing_account: the setting that may name a channel's account instead
    N_("or set {name} in its place"),
    N_("unknown option (check the spelling)"),
    # socialmon.config.unknown_option_hint: what an unknown option is likely written for
    N_("did you mean {name}?"),
    N_(
        "{name} belongs at the top of the file, above the first [table] line (every line after a "
        "[table] line belongs to that table)"
    ),
    N_(
        "{name} belongs to {owner}: move it above the {table} line (every line after a [table] line "
        "belongs to that table)"
    ),
    N_("a list of tables: write each as {header}, with two brackets, once per entry"),
    N_("a folder, not a config file: give the file, e.g. {example}"),
    N_(
        "line {line} is not UTF-8 text: save the file as UTF-8 (in Notepad: File → Save as → Encoding: UTF-8)"
    ),
    N_("file not found (run `socialmon init` to create one)"),
    N_("cannot read the file: {error}"),
    N_("invalid TOML: {error}"),
    # socialmon.locking.ChannelLocks: a scan's reason to end partial
    N_(
        "lost its channel lock to another scan (the database ended the session that held it); "
        "nothing more of it stored"
    ),
    # socialmon.config.toml_mistake
    N_(
        'invalid TOML on line {line}: a backslash in a "…" string starts an escape; write a Windows '
        "path in single quotes ('C:\\Users\\…') or with forward slashes (\"C:/Users/…\")"
    ),
    N_("invalid TOML on line {line}: a text is not closed; check its quotes"),
    N_("invalid TOML on line {line}: this is set twice; keep one"),
    N_(
        'invalid TOML on line {line}: a value is text in quotes ("…"), a number, true or false, or a list in [ ]'
    ),
    N_("invalid TOML on line {line}: expected a setting as name = value"),
    N_("invalid TOML on line {line}, column {column}: {what}"),
    N_("invalid TOML at the end of the file: {what}"),
    # socialmon.config._message and _table_expected: a table written as a single value (`scan = "fast"`)
    N_("must be a table of settings, not a single value"),
    N_(
        "must be a table of settings, not a single value: write them under a {header} line, or inline as "
        "{example}"
    ),
    N_("must be a table of settings, not a single value: write each under its own {header} line"),
    N_("environment variable {name} is not set"),
    N_("environment variable {name} is set but empty"),
    N_("{value} is not read from the environment: write {fixed}"),
    N_(
        "{value} is not read from the environment: a variable's name is letters, digits and _, as in {example}"
    ),
    N_("unknown time zone {value}; use an IANA name like 'America/Guayaquil'"),
    N_("unknown time zone {value}; did you mean {name}?"),
    N_("{value} is not a duration; write e.g. '30m', '2h' or '1d'"),
    N_("must be longer than zero"),
    # socialmon.config.config_minutes: a duration written without its unit
    N_(
        "{value} is a number without a unit, which versions before 2026-12 read as minutes: write "
        "{minutes} to keep that, or {hours} for hours"
    ),
    N_("{value} is a number without a unit: write {fixed}"),
    N_(
        "{value} is a number without a unit: write it with one, e.g. '15s', '10m', '30m', '1h', '6h', "
        "'1d' (a period that divides a minute, an hour or a day)"
    ),
    N_("{value} is not a country the holidays package knows: an ISO code such as 'EC'"),
    N_("{value} is not a range like '09:00-18:00'"),
    N_("{value} is not a range like '22:00-07:00'"),
    N_("{value} is not a valid time range"),
    N_("{value} opens and closes at the same time"),
    N_(
        "{value} is not a subdivision of {country} the holidays package knows; it knows {known} ({count} in all)"
    ),
    N_(
        "{value}: the holidays package knows no subdivisions of {country}; write {national} for its national holidays"
    ),
    N_("window must be at most half of baseline_days, or there is no baseline to compare"),
    N_("a watch-list term is empty"),
    N_("{value} holds a line break or a control character: one address per entry"),
    N_("two destinations are named {value}; give each webhook a distinct 'name'"),
    N_("a schedule must divide a minute, an hour or a day: e.g. '15s', '10m', '30m', '1h', '6h', '1d'"),
    N_("{value} is not a colour like '#1f6feb'"),
    N_("slug {value} may only use a-z, 0-9, '-' and '_'"),
    N_("two channels are named {value}; give each a distinct 'name'"),
    N_("two brands share the slug {value}; give each a distinct 'slug'"),
    N_("unknown platform {value} (known: {known})"),
    N_("unknown platform {value}; did you mean {name}? (known: {known})"),
    N_("required to send e-mail: set it here or in [smtp] ({name} = ...)"),
    N_("must be first-scan, a weekday (monday … sunday) or a date like 2026-11-21"),
    N_("{value} is not a Mastodon account: write it as {form}"),
    N_("{value} is not a Bluesky account: write {form}"),
    N_("{value} is not a Reddit account: write {form}"),
    N_("give exactly one of api_key and access_token"),
    N_("give both client_id and client_secret, or neither"),
    N_("must be auto or an encoding such as utf-8, cp1252, cp850 or mac_roman"),
    N_(
        "must be first-scan, a weekday (monday … sunday) or a date like 2026-11-21, optionally "
        "followed by -Nd (e.g. saturday-5d)"
    ),
    # The export connectors' first-run errors (a path that is wrong), as `check` and `scan` say them
    N_("export file not found: {path} — check the path in the channel's config"),
    N_("export folder not found: {path} — check the path in the channel's config"),
    N_(
        "no .json, .jsonl, .ndjson, .csv, .tsv, .xlsx or .ods files in {path} — check the path in the "
        "channel's config"
    ),
    N_("WhatsApp export not found: {path} — check the path in the channel's config"),
    N_("no WhatsApp exports (.txt or .zip) in {path} — check the path in the channel's config"),
    # The connectors' `check_setup` (connectors/file.py, connectors/whatsapp.py), as `check` says them
    N_(
        "{files}: reading .xlsx files needs openpyxl, which is not installed: pip install "
        "'socialmon[spreadsheets]' (or save the sheets as CSV)"
    ),
    N_(
        "not set: until it is, the business's own replies count as the customer's messages (0 % response "
        "rate, every chat waiting); set it to the name(s) the business's own messages are sent under, as "
        "the export writes them"
    ),
    # socialmon.plugins: an installed connector that cannot be used, as `connectors` and `check` warn
    N_("connector {name} from {source} failed to load: {error}"),
    N_("connector {name} from {source} is not a Connector subclass"),
    # The scan's own words about a channel (socialmon/scan.py; an interrupted scan: cli/scan.py)
    N_("another socialmon process is scanning it"),
    N_("stopped by Ctrl-C; the next scan resumes there"),
    N_("stopped after {minutes} min (channel_timeout); the next scan resumes from the last stored page"),
    # socialmon.database's, as `check` says them (SQLite's "unable to open database file" said too)
    N_("the folder for the SQLite database does not exist: {path}"),
    N_("cannot check the database {database}: unable to open database file"),
    N_("cannot open the database {database}: unable to open database file"),
    N_("cannot check the database {database}: {cause}"),
    N_("cannot open the database {database}: {cause}"),
    # socialmon.database's, as every command that opens the database says them (database_or_exit)
    N_("cannot create the database {database}: unable to open database file"),
    N_("cannot upgrade the database {database}: unable to open database file"),
    N_("cannot create the database {database}: {cause}"),
    N_("cannot upgrade the database {database}: {cause}"),
    N_("no driver for {driver}: {error}. For PostgreSQL: pip install 'socialmon[postgres]'"),
    # socialmon.database's `Database.explained`: a server that does not answer, a database that is
    # not there, a file that may not be written (said instead of "cannot create the database")
    N_(
        "cannot connect to {display}: no PostgreSQL server answers at {address}; is it running there, "
        "and is the address right?"
    ),
    N_("cannot connect to {display}: the host name {host} is not known; check it in the database URL"),
    N_(
        "the database {name} does not exist on the server at {address}: create it (`{command}`), or "
        "correct its name in the database URL"
    ),
    N_(
        "the database file {path} is on a read-only file system: socialmon writes to it (and beside it, "
        "its -wal and -shm files); copy it to a writable folder and set `database` to the copy"
    ),
    N_(
        "the database file {path} or its folder {folder} is read-only: socialmon writes to both (its -wal "
        "and -shm files go beside it); give the user running socialmon permission to write them"
    ),
    N_("not a database URL: {value}"),
    N_(
        "the database file {path} is damaged (not a database): restore a backup, or move it aside to "
        "start afresh"
    ),
    N_("the database file {path} is damaged (malformed): restore a backup, or move it aside to start afresh"),
    N_(
        "the database file {path} is damaged (malformed: {found}): restore a backup, or move it aside "
        "to start afresh"
    ),
    N_("the database {path} was written by a newer socialmon (schema {revisions}): upgrade socialmon"),
    N_("the database {path} records several schema revisions ({revisions}): restore a backup"),
    # pydantic's, for a value of the wrong type
    N_("Input should be {choices}"),
    N_("Input should be a valid integer, unable to parse string as an integer"),
    N_("Input should be a valid integer"),
    N_("Input should be a valid number, unable to parse string as a number"),
    N_("Input should be a valid boolean, unable to interpret input"),
    N_("Input should be a valid boolean"),
    N_("Input should be a valid string"),
    N_("Input should be a valid list"),
    N_("Input should be a valid tuple"),
    N_("Input should be a valid dictionary"),
    N_("Input should be greater than or equal to {number}"),
    N_("Input should be greater than {number}"),
    N_("Input should be less than or equal to {number}"),
    N_("Input should be less than {number}"),
    N_("Input should be a valid integer, got a number with a fractional part"),
    N_("Input should be a finite number"),
    N_("String should have at least {number} characters"),
    N_("String should have at least {number} character"),
    # pydantic's, for a record of an export file (connectors/records.py)
    N_("Field required"),
    N_("String should have at most {number} characters"),
    N_("Input should be a valid datetime"),
    N_("Value error, must be from {earliest} to before {latest} (UTC)"),
    N_("Value error, must not contain NUL characters or lone surrogates"),
    # `socialmon report --email` (socialmon/report_email.py)
    N_(
        "brand {name} has no e-mail recipients: set [brands.alerts.email] to = [...] in the config, "
        "or give --email-to ADDRESS"
    ),
    N_("{value} is not an e-mail address (name@example.com)"),
    # Why a delivery failed (socialmon/alerts/email.py, webhooks.py): `alerts send`, `report --email`
    N_(
        "e-mail: the server {server} refused the username or password ({code}); "
        "check alerts.email.username/password or [smtp]"
    ),
    N_("e-mail: the server {server} does not support it: {reason}"),
    N_("e-mail: the server refused every recipient: {addresses}"),
    N_("e-mail: the server {server} answered {code}: {answer}"),
    N_("e-mail: TLS with {server} failed: {reason}"),
    N_("e-mail: cannot deliver through {server}: {reason}"),
    N_("webhook {name} ({kind}): cannot reach it: {reason}"),
    N_("e-mail: the server refused {address} ({answer}); check the address in alerts.email.to"),
    N_("e-mail: the server refused {address} for now ({answer})"),
    N_(
        "e-mail: the server {host} takes no username or password with characters outside ASCII (it offers "
        "no AUTH PLAIN); check alerts.email.username/password or [smtp]"
    ),
    N_(
        "webhook {name} ({hook}): a header value holds a character outside ASCII, which HTTP headers "
        "cannot carry; check its headers"
    ),
    N_("webhook {name} ({hook}): its url is not a valid web address; check its url"),
    N_(
        'e-mail: the server {host} asks for STARTTLS first, and security is "none"; '
        'set security = "starttls" in [smtp] or [brands.alerts.email]'
    ),
    N_(
        "webhook {name} ({hook}): HTTP {status}: the service moved this webhook for good; copy its new "
        "url from the service into the config"
    ),
    N_(
        "webhook {name} ({kind}): HTTP 429: {answer}; the service asks to wait {wait} before posting "
        "again: the first run after that sends these alerts"
    ),
)


# tomllib's own words (CPython's Lib/tomllib/_parser.py), the `{what}` of "invalid TOML on line
# {line}, column {column}: {what}" where `socialmon.config.toml_mistake` has no advice of its own
# ("Invalid value", "Unterminated string" and a few more have one). Another stays as written.
TOML_ERRORS = (
    N_("Invalid statement"),
    N_("Expected newline or end of document after a statement"),
    N_("Expected ']' at the end of a table declaration"),
    N_("Expected ']]' at the end of an array declaration"),
    N_("Expected '=' after a key in a key/value pair"),
    N_("Invalid initial character for a key part"),
    N_("Unclosed array"),
    N_("Unclosed inline table"),
    N_("Unterminated string"),
    N_("Invalid value"),
    N_("Invalid date or datetime"),
    N_("Cannot overwrite a value"),
    N_("Cannot declare {key} twice"),
    N_("Cannot mutate immutable namespace {key}"),
    N_("Cannot redefine namespace {key}"),
    N_("Duplicate inline table key {key}"),
    N_("Illegal character {character}"),
    N_("Found invalid character {character}"),
    N_("Expected {character}"),
)
_TOML_FIELDS = {"character": "'[^']*'|\"[^\"]*\"", "key": ".+"}
_TOML_MESSAGES = frozenset(
    {"invalid TOML on line {line}, column {column}: {what}", "invalid TOML at the end of the file: {what}"}
)


# Why worker mode cannot run here (socialmon/workers: `WorkersUnavailable`), as the worker commands say it
WORKER_MESSAGES = (
    N_(
        "worker mode needs PostgreSQL: the queue lives in the database, which is {found} here. Set "
        '`database = "postgresql://…"` in the config (or --database / $SOCIALMON_DATABASE); '
        "`socialmon scan` keeps working on SQLite"
    ),
    N_("worker mode needs procrastinate and psycopg ({name} is missing): pip install 'socialmon[workers]'"),
    N_("cannot connect to {display}: {error}"),
    N_("{display}: no schema of the search_path exists; create it first"),
    N_(
        "schema {schema} of {display} holds a procrastinate queue socialmon did not create: use another "
        "database or schema"
    ),
    N_(
        "the queue in {display} was written by procrastinate {recorded}, newer than the installed "
        "{installed}: upgrade socialmon[workers]"
    ),
    N_("cannot create the queue in {display}: {error}"),
    # A channel a scan or a worker left out for want of its secret: its stored last error
    # (`socialmon.cli.scan.not_scanned_error`, `workers.tasks`), said in a report's language.
    N_(
        "not scanned: environment variable {names} is not set — set it in the environment the scan "
        "runs in (for cron or systemd: the env file they read), then scan again"
    ),
    N_(
        "not scanned: environment variable {names} is not set: set it in the worker's environment, "
        "then restart the worker"
    ),
)


# How an account is written on each platform (connectors' ACCOUNT_FORM), the `{form}` of the
# messages above: said in the CLI's language where it fills one.
ACCOUNT_FORMS = (
    N_("a handle like name.bsky.social (or a DID like did:plc:…)"),
    N_("@name@instance, e.g. @cornerbistro@mastodon.social"),
    N_("r/<subreddit> or u/<username>, e.g. r/cornerbistro"),
)


# What each built-in connector pulls (its `summary`, connectors/*.py), as `socialmon connectors`
# lists it; tests/test_connector_words.py fails while a built-in's summary is missing here. A
# connector from another package keeps its own words (see `said_summary`).
CONNECTOR_SUMMARIES = (
    N_("a Bluesky account's posts and their reply threads (public AppView, no login)"),
    N_("a Facebook Page's posts, comments and replies (Graph API)"),
    N_("a Facebook Page's Messenger conversations (Graph API Conversations)"),
    N_(
        "posts, comments and reviews from JSON, JSON Lines or CSV exports and Excel or LibreOffice "
        "workbooks (offline)"
    ),
    N_("a Google Business Profile location's reviews, ratings and owner replies"),
    N_("an Instagram business account's media, comments and replies (Graph API)"),
    N_("an Instagram professional account's Direct conversations (Graph API Conversations)"),
    N_("a Mastodon account's statuses and the replies in their threads (no token for public accounts)"),
    N_("a subreddit's or a user's posts and their comment trees (public JSON, or OAuth)"),
    N_("chats exported from the WhatsApp or WhatsApp Business app (Export chat: .txt or .zip)"),
    N_("a YouTube channel's videos, comment threads and replies (Data API v3)"),
)
_BUILT_IN_MODULES = "socialmon_connectors."


# What the connectors tell the user to do, after " — " in a channel's error (connectors/errors.py's
# classes, each connector's *_HINT constants and error tables, the hints written where raised), as
# they write it. tests/test_connector_hints_spanish.py finds every hint in connectors/ and fails
# while one is missing here.
HINTS = (
    N_("renew the access token for this channel and update the environment variable that holds it"),
    N_(
        "grant the missing permission to the app or token, renew the token and update its "
        "environment variable"
    ),
    N_("the channel resumes from where it stopped on the next scan"),
    N_("check the channel's account id in the config"),
    N_(
        "the platform's paging misbehaved; the next scan resumes from the last stored page — if it "
        "keeps happening, report it with the channel's platform"
    ),
    N_("the next scan continues from here"),
    N_("check the path in the channel's config"),
    N_(
        "the platform or the network is very slow; the channel resumes from where it stopped on the next scan"
    ),
    N_("check the channel's base_url; if it is the platform's own, report this to socialmon"),
    N_("fix the channel's account in the config"),
    N_("report this to socialmon"),
    N_(
        "the project's daily quota is used up; it resets at midnight Pacific time, and the channel "
        "resumes from where it stopped on the next scan (or ask Google for more quota in the Cloud "
        "console)"
    ),
    N_(
        "the Google Cloud project has a quota of 0 for this API: it will not come back by waiting; "
        "see the API's quota page in the Cloud console (APIs & Services → the API → Quotas) and "
        "ask Google for quota"
    ),
    N_(
        "the token lacks a permission this channel needs; grant it in the app's permissions and "
        "renew the token"
    ),
    N_(
        "Graph still found the request too large after socialmon halved its limits; set a lower "
        "{sizes} in the channel's config, and report it if that does not help"
    ),
    N_("check the account: a handle like name.bsky.social (or a DID like did:plc:…)"),
    N_("Bluesky took the account down"),
    N_("the account is deactivated"),
    N_("the account blocks public reads"),
    N_(
        "this AppView wants a login; socialmon reads Bluesky without one from "
        "https://public.api.bsky.app/xrpc"
    ),
    N_(
        "nothing to do: the next scan reads them; to read them in one scan raise the channel's "
        "deep_thread_requests or thread_depth"
    ),
    N_(
        "create a new Page access token (Graph API Explorer, or GET /me/accounts with a long-lived "
        "user token, permissions pages_show_list, pages_read_engagement, pages_read_user_content) "
        "and put it in the environment variable this channel's access_token names"
    ),
    N_(
        "create a Page access token (GET /me/accounts with a long-lived user token) as a user who "
        "can perform the MODERATE task on the Page, with the permissions pages_read_engagement and "
        "pages_read_user_content, and put it in the environment variable this channel's "
        "access_token names"
    ),
    N_(
        "create a new Page access token (GET /me/accounts with a long-lived user token) as someone "
        "who can perform the MESSAGING task on the Page, with the permissions pages_messaging, "
        "pages_read_engagement and pages_manage_metadata, and put it in the environment variable "
        "this channel's access_token names"
    ),
    N_(
        "reading Messenger conversations needs a Page access token of someone who can perform the "
        "MESSAGING task on the Page, with the permissions pages_messaging, pages_read_engagement "
        "and pages_manage_metadata (Advanced Access for customers without a role on the app); "
        "grant them, renew the token and update its environment variable"
    ),
    N_(
        "create a new access token (permissions instagram_basic, instagram_manage_comments, "
        "pages_read_engagement; or instagram_business_basic and instagram_business_manage_comments "
        "with Instagram Login, refreshed before its 60 days run out) and put it in the environment "
        "variable this channel's access_token names"
    ),
    N_(
        "create a new Page access token as someone who can perform the MESSAGING task on the Page "
        "linked to the Instagram account (permissions instagram_basic, instagram_manage_messages, "
        "pages_manage_metadata; or an Instagram Login token with instagram_business_basic and "
        "instagram_business_manage_messages) and put it in the environment variable this channel's "
        "access_token names"
    ),
    N_(
        "reading Instagram Direct conversations needs a Page access token of someone who can "
        "perform the MESSAGING task on the Page linked to the Instagram account, with the "
        "permissions instagram_basic, instagram_manage_messages and pages_manage_metadata "
        "(Instagram Login: instagram_business_basic and instagram_business_manage_messages), from "
        "an app owned by a verified business; grant them, renew the token and update its "
        "environment variable"
    ),
    N_(
        "renew the OAuth access token (scope https://www.googleapis.com/auth/business.manage, for "
        "a Google account that manages the location) and put it in the environment variable this "
        "channel's access_token names"
    ),
    N_(
        "the Google Cloud project's Business Profile API access is not approved (Google gives such "
        "a project a quota of 0 requests per minute, and waiting does not change it): request "
        "access with Google's Business Profile API access request form (linked from "
        "https://developers.google.com/my-business/content/prereqs), wait for Google's approval, "
        "then check the quota in the Cloud console (APIs & Services → the My Business API → "
        "Quotas): it shows 300 requests per minute once access is approved (a quota increase "
        "request does not help meanwhile)"
    ),
    N_(
        "check the API key (Google Cloud console → APIs & Services → Credentials, with the YouTube "
        "Data API v3 enabled) or renew the OAuth token (scope youtube.readonly), and put it in the "
        "environment variable this channel's api_key or access_token names"
    ),
    N_(
        "the credentials may not read this: an API key reads only public data, an OAuth token only "
        "what its Google account may see"
    ),
    N_(
        "the instance wants a token to read this account, or the token was revoked: on the "
        "instance open Preferences → Development → New application (scope read:statuses), and put "
        "its access token in the environment variable this channel's access_token names"
    ),
    N_(
        "check the account (@name@instance, e.g. @cornerbistro@mastodon.social) and that it is on "
        "that instance"
    ),
    N_("the instance refuses to show this account (suspended, or reads need a token)"),
    N_("the account or status is gone from the instance"),
    N_("nothing to fix: the status stays stored as last read, and its thread is no longer read"),
    N_("nothing to fix: a status continuing a thread whose first status is gone is not stored"),
    N_(
        "set the channel's access_token (a token of any account on the instance, scope "
        "read:statuses: Preferences → Development → New application) to read up to 4,096 replies "
        "at any depth"
    ),
    N_(
        "nothing to do: the next scan reads them; to read them in one scan raise the channel's "
        "deep_context_requests, or set its access_token (no depth limit)"
    ),
    N_(
        "check the app's client id and secret (reddit.com/prefs/apps; a 'script' app also needs "
        "the username and password of a developer of the app) and the environment variables this "
        "channel's settings name"
    ),
    N_(
        "check the account (r/<subreddit> or u/<username>, e.g. r/cornerbistro): the subreddit or "
        "user may not exist or be banned"
    ),
    N_(
        "Reddit refused the app: the subreddit may be private or restricted, the account the app "
        "logs in as may be banned or suspended, or Reddit has not approved the app or has blocked "
        "it (reddit.com/prefs/apps; Reddit's Data API terms)"
    ),
    N_(
        "Reddit refused the request: set the channel's `username` so the User-Agent says who runs "
        "it, or give client_id and client_secret to use OAuth"
    ),
    N_("Reddit refused the request: give client_id and client_secret to use OAuth"),
    N_("nothing to do: the post is stored as it was listed, and its thread is no longer read"),
    # socialmon_connectors.reddit: subreddits Reddit shows only to some accounts, or to none
    N_(
        "the subreddit is private: Reddit shows it only to its approved members; give the channel a 'script' app (client_id, client_secret) with the username and password of an approved member (a developer of the app), or remove the channel"
    ),
    N_(
        "the subreddit is quarantined: Reddit shows it only to accounts that opted in on reddit.com; give the channel a 'script' app (client_id, client_secret) with the username and password of an account that opted in (a developer of the app), or remove the channel"
    ),
    N_(
        "the subreddit is gated: Reddit shows it only to accounts that accepted its content warning on reddit.com; give the channel a 'script' app (client_id, client_secret) with the username and password of an account that accepted it (a developer of the app), or remove the channel"
    ),
    N_(
        "Reddit banned the subreddit: nothing more can be read from it; remove the channel (what was stored stays)"
    ),
    N_("Reddit suspended the account"),
    N_(
        "check the spelling of the channel's account in the config (r/<subreddit> or u/<username>, "
        "e.g. r/cornerbistro)"
    ),
    N_(
        "check the channel's account in the config (r/<subreddit> or u/<username>, e.g. "
        "r/cornerbistro); if it is right, open it on reddit.com to see what Reddit shows instead"
    ),
    N_("nothing to do: the next scan reads them"),
    N_("nothing to do; to read such posts in one scan, raise the channel's `more_requests`"),
    N_("nothing to do; to read more a scan, raise the channel's `more_requests_per_scan`"),
    N_(
        "nothing to do; to read more a scan, give client_id and client_secret (with OAuth Reddit "
        "allows 100 requests a minute, against about 10 without) or raise `more_requests_per_scan`"
    ),
    N_("pip install 'socialmon[spreadsheets]', or save the sheet as CSV"),
    N_("save it again from the spreadsheet as .xlsx, or as CSV"),
    N_("see the rejected rows above; fix the file, or the channel's options (format, timezone, date_order)"),
    N_("write a header row naming the columns (type, id, created_at, …), as the README's file format says"),
    N_("set the channel's format option"),
    N_("the other files were read; the next scan reads the file(s) named again, until fixed"),
    N_(
        "export the chat with WhatsApp's Export chat (without media) and point path at the .txt or "
        ".zip it writes"
    ),
    N_(
        "the chats of the other files were stored; move the file(s) named out of the channel's "
        "folder (a file sent in a chat, unzipped from an export with media, is not needed) or "
        "replace them with the chat's export; the next scan reads them again until then"
    ),
    # Added while the connectors' new advice was written (Google permissions, 5xx, encodings)
    N_(
        "Graph answers this both for an id that does not exist and for one the token may not read: "
        "check the channel's account id in the config, then that the token has the permissions "
        "this channel needs"
    ),
    N_(
        "Graph gives this answer both for a deleted post and for comments the token may not read; "
        "the next scan reads this thread again — if it keeps failing, check that the token is a "
        "Page access token with pages_read_engagement and pages_read_user_content"
    ),
    N_(
        "a temporary problem on the platform's side; the next scan tries again — if it lasts, "
        "check the platform's status page and the channel's base_url"
    ),
    N_(
        "enable {api} in the Google Cloud project of the API key or OAuth client ({where}); if it "
        "was just enabled, wait a few minutes for Google to apply it"
    ),
    N_(
        'in Excel: Save As → "CSV UTF-8 (Comma delimited)"; or set the channel\'s encoding option '
        '("cp1252", "cp850", "mac_roman" or the file\'s)'
    ),
    N_(
        "the Google account that authorised the token may not read this location: it must be an "
        "owner or manager of the location in Business Profile; check the channel's account_id and "
        "location_id, then renew the token with that account (scope "
        "https://www.googleapis.com/auth/business.manage)"
    ),
    N_(
        "the OAuth token was granted without the scope "
        "https://www.googleapis.com/auth/business.manage: authorise again with that scope and put "
        "the new token in the environment variable this channel's access_token names"
    ),
    N_(
        "the OAuth token was granted without the scope "
        "https://www.googleapis.com/auth/youtube.readonly: authorise again with that scope (or use "
        "an API key, for public videos) and put the new token in the environment variable this "
        "channel's access_token names"
    ),
    N_(
        "try again later (the next scan does); if it lasts, check the channel's base_url and the "
        "platform's status page"
    ),
    N_("move the sheet with the rows to the first place, or save it as its own file (.xlsx or CSV)"),
    # socialmon_connectors.file: a JSON document given as JSON Lines; one that holds no records; an .ods
    N_(
        'to read it as one document, name the file .json or set the channel\'s format to "json"; or write '
        "one object per line (for an array: jq -c '.[]' FILE > FILE.jsonl)"
    ),
    N_(
        "export it again as JSON, as an array of records (JSON objects with the README's field names: "
        "type, id, created_at, …), an object holding such an array, or one object per line"
    ),
    N_("save it again from the spreadsheet as .ods or .xlsx, or as CSV"),
    # socialmon_connectors.file: an .xlsx saved with a password
    N_(
        "open it in Excel and save it again without a password (File → Info → Protect Workbook → "
        "Encrypt with Password, the password cleared), or as CSV"
    ),
    # socialmon_connectors.file: an .ods saved with a password
    N_(
        'open it in LibreOffice and save it again without a password (File → Save As, "Save with '
        'password" unticked), or as .xlsx or CSV'
    ),
    N_(
        'in Excel: Save As → "CSV UTF-8 (Comma delimited)"; or set the channel\'s '
        'encoding option ("cp1252", "cp850", "mac_roman" or the file\'s)'
    ),
    N_(
        "Graph gives this answer both for deleted media and for comments the token may not read; the next "
        "scan reads this thread again — if it keeps failing, check that the token has instagram_manage_comments "
        "(or instagram_business_manage_comments with Instagram Login)"
    ),
    # socialmon_connectors.facebook.VISITOR_POSTS_HINT: Graph refused the Page's feed (visitor posts)
    N_(
        "grant the app the permission pages_read_user_content, create a new Page access token and put it "
        "in the environment variable this channel's access_token names; until then the posts visitors "
        "write on the Page are not read"
    ),
)

# Why a channel ended partial, in socialmon's words, as the connectors write them after the
# platform's name ("YouTube: …"), before a hint (" — …") or the count of threads left ("; …"):
# said wherever they stand in a channel's error.
PARTIAL_REASONS = (
    # socialmon_connectors.base.TIME_LIMIT_REACHED: a channel that stopped itself at its deadline
    N_("stopped at the channel's time limit (channel_timeout), keeping what it had read in full"),
    # socialmon_connectors.youtube.CHANNEL_THREADS_CAP: the channel-wide pass's page cap reached
    N_(
        "read {pages} pages of the channel's comment threads, down to {oldest}; older threads were not "
        "read (raise channel_threads_pages to read more)"
    ),
    # socialmon_connectors._paging.SweepConnector.pages: a scan's caps on what it reads
    N_("stopped after {n} listing pages (max_pages_per_scan)"),
    N_("stopped after {n} records (max_records_per_scan)"),
    # socialmon_connectors._paging.SweepConnector.read_thread, youtube's thread: a thread stopped part
    # way for the channel's time (`base.TIME_LIMIT_IN_THREAD`), and what the next scan does with it
    N_(
        "stopped part way through its thread at the channel's time limit (channel_timeout) after {n} comments"
    ),
    N_("stopped part way through its thread at the channel's time limit (channel_timeout)"),
    N_("the next scan reads it again from where this read began, after the rest of the channel"),
    N_("the next scan goes on from the page of comments it was reading, after the rest of the channel"),
    # socialmon_connectors.facebook.FEED_REFUSED: visitor posts on, the token without pages_read_user_content
    N_(
        "read the Page's own posts only: Graph refused the Page's feed, which holds the posts visitors "
        "write on the Page"
    ),
)

# Why a scan was asked to stop (`socialmon.scan.StopRequest`'s reason), as a stopped channel's error
# starts with it (`socialmon.scan`): one that stopped after a page ends partial
# (`STOPPED_AFTER_PAGES`), one still waiting for its turn fails (`NOT_STARTED`).
STOP_REASONS = (
    N_("stopped by SIGTERM"),  # socialmon.cli.scan.stop_on_sigterm
    N_("worker stopping ({signal})"),  # socialmon.workers.runner, on SIGTERM or SIGINT
)
STOPPED_AFTER_PAGES = "{reason} after {n} page(s); the next scan resumes there"
NOT_STARTED = N_("{reason}: not scanned")


def _stopped_after_pages(n: int) -> str:
    """`STOPPED_AFTER_PAGES` with the plural `n` asks for."""
    return ngettext(
        "{reason} after {n} page; the next scan resumes there",
        "{reason} after {n} pages; the next scan resumes there",
        n,
    )


# Counts the scan writes as "N thing(s)", each said with the plural its number asks for.
COUNTED: dict[str, Callable[[int], str]] = {
    "{n} thread(s) left for the next scan": lambda n: ngettext(
        "{n} thread left for the next scan", "{n} threads left for the next scan", n
    ),
    "{n} file(s) skipped": lambda n: ngettext("{n} file skipped", "{n} files skipped", n),
}

# The file and WhatsApp connectors' own words (connectors/file.py, connectors/whatsapp.py): the
# errors that name a file, why a line was skipped, and their warnings. What varies is kept as
# written: a file's name, a line's number, its columns and values, Python's and pydantic's text in
# parentheses. Where `{reason}`, `{found}`, `{where}`, `{what}` or `{sheets}` stands, the words
# there are said again.
# tests/test_spanish_file_messages.py fails while one the connectors write is missing here.
FILE_ERRORS = (
    N_(
        'cannot tell the format of {file}; set format = "jsonl", "json", "csv", "xlsx" or "ods" for this channel'
    ),
    N_("{file}: not valid JSON (nested too deeply)"),
    N_("{file}: not valid JSON ({error})"),
    N_("{file}: no list of records (JSON objects) in this JSON document: it is an array of other values"),
    N_(
        "{file}: no list of records (JSON objects) in this JSON document: it holds one value, not an "
        "array or an object"
    ),
    N_(
        "{file}: no list of records (JSON objects) in this JSON document: none of its keys holds one ({keys})"
    ),
    N_("{file}: not a readable .ods workbook ({error})"),
    N_("{file}: this workbook is protected with a password: socialmon cannot open it"),
    N_(
        "{file}: this is one JSON document ({what}), not JSON Lines: socialmon reads JSON with one "
        "record (a JSON object) per line"
    ),
    N_(
        "{file}: line {line} is not UTF-8 text, and its accents cannot be told apart as {encodings} or "
        "another encoding: save it as CSV UTF-8"
    ),
    N_("{file}: the header line is not valid CSV ({error})"),
    N_(
        "{file}: the first line must be a header with at least 'type' and 'id', separated by commas, "
        "semicolons or tabs; found {found}"
    ),
    N_("{file}: the first row of {where} must be a header with at least 'type' and 'id'; found {found}"),
    N_(
        "{file}: row {row} of {where} (the rows above it are empty) must be a header with at least "
        "'type' and 'id'; found {found}"
    ),
    N_(
        "{file}: the first line must be a header with at least 'type' and 'id' (Spanish and Portuguese "
        "names are read too: 'tipo', 'id'), separated by commas, semicolons or tabs; found {found}"
    ),
    N_(
        "{file}: the first line must be a header with at least 'type' and 'id', or one of the first {n} "
        "lines with a value; its header is on line {line}: delete the lines above it (a title, notes) "
        "or save the sheet without them"
    ),
    N_(
        "{file}: the first row of {where} must be a header with at least 'type' and 'id' (Spanish and "
        "Portuguese names are read too: 'tipo', 'id'); found {found}"
    ),
    N_(
        "{file}: row {row} of {where} (the rows above it are empty) must be a header with at least "
        "'type' and 'id' (Spanish and Portuguese names are read too: 'tipo', 'id'); found {found}"
    ),
    N_(
        "{file}: the columns {first} and {second} are both read as {field}: keep one of them, or "
        "rename the other"
    ),
    N_("{file}: reading .xlsx files needs openpyxl"),
    N_("{file}: not a readable .xlsx workbook ({error})"),
    N_(
        "{file}: its first sheet ({sheet}) is empty; socialmon reads only the first sheet (this "
        "workbook has {sheets})"
    ),
    N_("{file}: the zip holds no .txt chat export"),
    N_("{file}: not a readable zip ({error})"),
    N_(
        "{file}: not a WhatsApp chat export (no line starts like '12/11/26, 9:15 - ' or "
        "'[12/11/26, 9:15:32] ')"
    ),
)

# Why a line was skipped (a `RejectedRecord`'s reason), and the parts of the errors above.
FILE_REASONS = (
    N_("not valid JSON (nested too deeply)"),
    N_("not valid JSON ({error})"),
    N_("not a JSON object"),
    N_("nested too deeply"),
    N_("bad CSV ({error})"),
    N_(
        "a quoted cell opened here is still open where the file ends: this row and the ones after it "
        "are read once the file is complete (a stray '\"'?)"
    ),
    N_(
        "a quoted cell opened here is not closed properly (a stray '\"'?): the row is skipped and the "
        "lines after it are read as rows"
    ),
    N_("expected {n} columns, found {count}"),
    N_("text before the first message (up to line {last}) belongs to no message: not read"),
    N_("{columns}: a formula without a saved value: open and save the file in Excel or LibreOffice"),
    N_("type: must be one of comment, post, reply, review, got {value}"),
    N_(
        "{field}: {value} is not a date (a number is read as Unix seconds, from 1,000,000,000 on: "
        "September 2001)"
    ),
    N_("{field}: Unix time {value} is out of range"),
    N_("{field}: a relative time needs a file"),
    N_("{field}: {value} is out of range"),
    N_(
        "{field}: {value} is not a date: write it as 2026-11-20 14:05, 2026-11-20T14:05-05:00, "
        "20/11/2026 14:05, today-3d 14:05 or Unix seconds"
    ),
    N_(
        "{field}: {value} is not a date (no such day or time): write it as 2026-11-20 14:05, "
        "2026-11-20T14:05-05:00, 20/11/2026 14:05, today-3d 14:05 or Unix seconds"
    ),
    N_("{field}: a number of {n} digits is too long to read: write it as a string (in quotes)"),
    N_("rating: {value} is not a number of stars"),
    N_("rating: {value} is not a number"),
    N_(
        "{column}: {value}: Excel rounded this id: format the {column} column as Text before pasting, "
        "or export from the platform again"
    ),
    N_(
        '{column}: {value} is a number too long to be exact: write the id as a string ("17858893269000001"), '
        "or export from the platform again"
    ),
    N_("{when}h is not a date and time (read {order}): {reason}"),
    N_("{hour} is not an hour of a 12-hour clock"),
    N_("{time} is not a time: {reason}"),
    # The parts of a header error: the columns found, and which sheet
    N_('{columns} (the README\'s "The file format" lists the columns)'),
    N_('no column names (the README\'s "The file format" lists the columns)'),
    N_("its first sheet ({sheet} of {sheets})"),
    N_("its first sheet"),
    N_("{n} sheets: {names}"),
    # What a file holds instead of JSON Lines
    N_("a JSON array"),
    N_("a JSON object written over several lines"),
)

# What the two connectors warn about during a scan (logged as "brand/channel: …").
FILE_WARNINGS = (
    N_("{file}: ignored the columns socialmon does not use: {columns}"),
    N_(
        "{file}: comments or replies without a post_id (the first: {post}) and replies without a "
        "parent_id (the first: {parent}): stored, but they belong to no post's thread; write the post's "
        "id in post_id and, for a reply, the answered comment's id in parent_id (a comment on the post "
        "itself is type comment)"
    ),
    N_(
        "{file}: comments or replies without a post_id (the first: {post}): stored, but they belong to "
        "no post's thread; write the post's id in post_id and, for a reply, the answered comment's id "
        "in parent_id (a comment on the post itself is type comment)"
    ),
    N_(
        "{file}: replies without a parent_id (the first: {parent}): stored, but they belong to no "
        "post's thread; write the post's id in post_id and, for a reply, the answered comment's id in "
        "parent_id (a comment on the post itself is type comment)"
    ),
    N_(
        "{file}: business_names is not set, so every message counts as the customer's (senders, most "
        "messages first: {senders}): set the channel's business_names to the name(s) the business's "
        "own messages are sent under, as the export writes them"
    ),
    N_(
        "{file}: none of its senders is in business_names, so every message counts as the customer's "
        "(senders, most messages first: {senders}): set the channel's business_names to the name(s) "
        "the business's own messages are sent under, as the export writes them"
    ),
    N_("{file}: its opening matches {n} known chats; kept apart"),
    N_(
        "{file}: rows with fewer cells than the header were read with their last cells empty (the first: "
        "line {line}; {n} in all): check that no text was cut by a line break outside quotes"
    ),
    N_(
        "{file}: its dates are read {order} now: a date read in this scan ({value}) can only be read so, "
        "unlike the order kept from an earlier scan; the whole file was read again and the dates of its "
        "stored rows corrected (the channel's date_order option sets the order)"
    ),
    N_(
        "{file}: {columns}: a column named after a kind of record may hold its text or its id, so it is "
        "not read: name the text's column texto, the post's id id_publicacion (id_da_publicacao) and the "
        "answered comment's id respuesta_a (resposta_a)"
    ),
    N_("{file}: {column}: values that are no number of stars are not read as a rating (the first: {value})"),
)

# The Bluesky connector's words about the account it reads (connectors/bluesky.py): its error when the
# account is gone (`ACCOUNT_GONE`), where `{why}` is Bluesky's answer, kept as written, and the hint
# after it in parentheses, said again; its warnings when the config's handle no longer names the
# account (`STALE_HANDLE_WARNINGS`). tests/test_spanish_stop_and_bluesky.py fails while one is missing.
BLUESKY_ERRORS = (
    N_(
        "Bluesky: channel {channel}: the account it reads, {did} (named {actor} in the config), is gone: "
        "{why}. socialmon does not read whoever holds the handle now; if the business has a new account, "
        "write its handle or DID as the channel's account"
    ),
)
BLUESKY_WARNINGS = (
    N_(
        "Bluesky: channel {channel}: the handle {handle} now belongs to another account ({other}); socialmon "
        "goes on reading the channel's account {did} (now {current}), not that one. The config's handle is "
        "stale: write the account's current handle or its DID as the channel's account"
    ),
    N_(
        "Bluesky: channel {channel}: the handle {handle} now belongs to another account ({other}); socialmon "
        "goes on reading the channel's account {did} (which has no valid handle now), not that one. The "
        "config's handle is stale: write the account's DID as the channel's account"
    ),
    N_(
        "Bluesky: channel {channel}: the handle {handle} no longer names an account; socialmon reads the "
        "channel's account by its DID {did} (now {current}). The config's handle is stale: write the "
        "account's current handle or its DID as the channel's account"
    ),
    N_(
        "Bluesky: channel {channel}: the handle {handle} no longer names an account; socialmon reads the "
        "channel's account by its DID {did} (which has no valid handle now). The config's handle is stale: "
        "write the account's DID as the channel's account"
    ),
)

# The HTTP connectors' own warnings (socialmon_connectors.proxies, on the "socialmon.http" logger).
HTTP_WARNINGS = (
    N_(
        "the proxy the environment names cannot be used ({proxies}): requests go without it; the schemes "
        "that work are http, https, socks5 and socks5h"
    ),
)

# The errors above that count: as written, and said with the plural their number asks for.
FILE_COUNTED: dict[str, Callable[[int], str]] = {
    "{file}: none of its {n} row(s) could be read (the first: {reason})": lambda n: ngettext(
        "{file}: none of its {n} row could be read (the first: {reason})",
        "{file}: none of its {n} rows could be read (the first: {reason})",
        n,
    ),
}

# Where a line was skipped: "facebook.csv line 6" (a workbook's row: "libro.xlsx line 6").
_LOCATION = re.compile(r"(?P<file>.+) line (?P<line>\d+)")
# The fields of those words narrower than "anything": a file's name (one piece of a message joined
# with "; " or ": "), a count; and those said again.
_FILE_FIELDS = {"file": r"(?:(?!: |; ).)+?", "n": r"\d+", "line": r"\d+"}
_SAID_AGAIN = frozenset({"reason", "found", "where", "what", "sheets"})


# A count as a message writes it: "3", "1,234".
COUNT = r"\d[\d,]*"
# The fields of `PARTIAL_REASONS` that are counts: written again as the CLI's language writes one.
_PARTIAL_COUNTS = {"n": COUNT, "pages": COUNT}


def _written_count(written: str) -> str:
    """A count as a message writes it ("1,234") as the CLI's language writes it ("1.234" in Spanish)."""
    return count(int(written.replace(",", "")))


def template_pattern(text: str, fields: Mapping[str, str] | None = None) -> str:
    """`text`, a message with `{name}` fields, as a regular expression: the rest matched as
    written, each field a named group (`fields`' pattern for it, else any text, as little as may
    be); a field named again matches the same text again ("format the {column} column")."""
    narrower = fields or {}
    seen: set[str] = set()

    def field(found: re.Match[str]) -> str:
        name = found[1]
        if name in seen:
            return f"(?P={name})"
        seen.add(name)
        return f"(?P<{name}>{narrower.get(name, '.+?')})"

    return re.sub(r"\\\{(\w+)\\\}", field, re.escape(text))


class _Shape(NamedTuple):
    whole: re.Pattern[str]  # the message alone
    piece: re.Pattern[str]  # the message as one piece of an error: "a.csv: …; b.xlsx: … — hint"
    say: Callable[[dict[str, str]], str]


def _shape(english: str, say: Callable[[dict[str, str]], str]) -> _Shape:
    body = template_pattern(english, _FILE_FIELDS)
    return _Shape(
        re.compile(body, re.DOTALL),
        re.compile(rf"(?:^|(?<=; )|(?<=: )){body}(?=$|; | — )", re.DOTALL),
        say,
    )


def _said_fields(fields: dict[str, str]) -> dict[str, str]:
    said_fields = {}
    for name, value in fields.items():
        if name in _SAID_AGAIN:
            value = said_reason(value)
        elif name == "why":
            value = _said_hint_in_parentheses(value)
        said_fields[name] = value
    return said_fields


def _said_hint_in_parentheses(text: str) -> str:
    """A platform's answer with socialmon's hint after it in parentheses ("Account is deactivated (the
    account is deactivated)"): the hint said again, the platform's words as written."""
    answer, opened, rest = text.rpartition(" (")
    hint = rest.removesuffix(")")
    if opened and rest.endswith(")") and hint in HINTS:
        return f"{answer} ({_(hint)})"
    return text


@cache
def _file_shapes(kind: str) -> tuple[_Shape, ...]:
    """The shapes of `FILE_ERRORS` ("errors", with `FILE_COUNTED`), `FILE_REASONS` ("reasons") or
    `FILE_WARNINGS` ("warnings"), with Bluesky's (`BLUESKY_ERRORS`, `BLUESKY_WARNINGS`) and the HTTP
    connectors' (`HTTP_WARNINGS`), longest first."""
    words = {
        "errors": FILE_ERRORS + BLUESKY_ERRORS,
        "reasons": FILE_REASONS,
        "warnings": FILE_WARNINGS + BLUESKY_WARNINGS + HTTP_WARNINGS,
    }[kind]
    found: list[tuple[str, Callable[[dict[str, str]], str]]] = [
        (english, lambda fields, english=english: _(english).format(**_said_fields(fields)))
        for english in words
    ]
    if kind == "errors":
        found += [
            (written, lambda fields, say=say: say(int(fields["n"])).format(**_said_fields(fields)))
            for written, say in FILE_COUNTED.items()
        ]
    return tuple(
        _shape(english, say) for english, say in sorted(found, key=lambda e: len(e[0]), reverse=True)
    )


def _said_whole(message: str, kinds: tuple[str, ...]) -> str | None:
    for kind in kinds:
        for shape in _file_shapes(kind):
            matched = shape.whole.fullmatch(message)
            if matched is not None:
                return shape.say(matched.groupdict())
    return None


def said_location(location: str) -> str:
    """Where a record was skipped ("facebook.csv line 6") in the CLI's language: "la línea 6 de
    facebook.csv", a workbook's "la fila 6 de libro.xlsx"; another connector's as written."""
    if current() == DEFAULT:
        return location
    matched = _LOCATION.fullmatch(location)
    if matched is None:
        return location
    if matched["file"].lower().endswith((".xlsx", ".ods")):  # a workbook counts rows
        return _("row {line} of {file}").format(**matched.groupdict())
    return _("line {line} of {file}").format(**matched.groupdict())


def said_reason(reason: str) -> str:
    """Why a record was skipped, in the CLI's language: one of `FILE_REASONS`, or pydantic's
    "field: message; field: message" (each message as `said` says it); else as written."""
    if current() == DEFAULT:
        return reason
    whole = _said_whole(reason, ("reasons", "errors"))
    if whole is not None:
        return whole
    parts = reason.split("; ")
    said_parts = []
    for part in parts:
        spoken = _said_whole(part, ("reasons",))
        if spoken is None:
            field, colon, message = part.partition(": ")
            spoken = f"{field}: {said(message)}" if colon else said(part)
        said_parts.append(spoken)
    return "; ".join(said_parts)


def said_warning(message: str) -> str:
    """A file, WhatsApp or Bluesky connector's warning ("cafe/export: facebook.csv: ignored the
    columns…") in the CLI's language, its "brand/channel: " kept; another as written."""
    if current() == DEFAULT:
        return message
    whole = _said_whole(message, ("warnings",))
    if whole is not None:
        return whole
    label, colon, rest = message.partition(": ")
    spoken = _said_whole(rest, ("warnings",)) if colon else None
    return f"{label}: {spoken}" if spoken is not None else message


def _said_file_errors(text: str) -> str:
    """Each of `FILE_ERRORS` in a channel's error, said in the CLI's language (the pieces of a
    folder's files are joined with "; ")."""
    for shape in _file_shapes("errors"):
        text = shape.piece.sub(lambda found, shape=shape: shape.say(found.groupdict()), text)
    return text


# The loggers of the connectors whose warnings are said again (`FILE_WARNINGS`, `BLUESKY_WARNINGS`:
# Bluesky logs on the HTTP connectors' logger, whose other warnings stay as written).
_SAID_LOGGERS = frozenset({"socialmon.file", "socialmon.whatsapp", "socialmon.http"})


class _LastResortSaid(logging.StreamHandler):  # type: ignore[type-arg]
    """logging's last resort, which writes a scan's warnings when nothing configured logging (the
    message alone, on the stderr of the moment, from WARNING up), with the file and WhatsApp
    connectors' warnings said in the CLI's language. Only what is written changes: a handler that
    configured logging gets the record as the connector logged it."""

    def __init__(self) -> None:
        logging.Handler.__init__(self, logging.WARNING)

    @property  # type: ignore[override]
    def stream(self) -> Any:
        return sys.stderr

    def format(self, record: logging.LogRecord) -> str:
        text = super().format(record)
        return said_warning(text) if record.name in _SAID_LOGGERS else text


# `logging.lastResort` is there to be replaced (the logging module's documentation); `socialmon
# scan`, `check` and `try` import this module before any channel is read.
if not isinstance(logging.lastResort, _LastResortSaid):
    logging.lastResort = _LastResortSaid()


# Fields narrower than "anything": pydantic's list of allowed values ('a', 'b' or 'c'), so that
# "Input should be a valid integer, got a number with a fractional part" is not taken for one; a
# mail server (host:port), an SMTP code and a webhook's kind, so that a server's answer is not.
_FIELDS = {
    "choices": r"'[^']*'(?:, '[^']*')*(?: or '[^']*')?",
    "server": r"\S+",
    "code": r"\d+",
    "kind": r"\w+",
}


@cache
def _patterns() -> tuple[tuple[re.Pattern[str], str], ...]:
    """Each message as a pattern (its fields as groups), longest first: "Input should be a valid
    integer" is tried before "Input should be {choices}"."""
    found = []
    for message in sorted((*MESSAGES, *WORKER_MESSAGES), key=len, reverse=True):
        found.append((re.compile(template_pattern(message, _FIELDS), re.DOTALL), message))
    return tuple(found)


def said(message: str) -> str:
    """A config or settings message in the CLI's language (as written when it is not known)."""
    if current() == DEFAULT:
        return message
    for pattern, english in _patterns():
        matched = pattern.fullmatch(message)
        if matched is not None:
            fields = {name: _field_words(value) for name, value in matched.groupdict().items()}
            if english in _TOML_MESSAGES:  # tomllib's own English after the line and column
                fields["what"] = said_toml(matched["what"])
            return _(english).format(**fields)
    return message


@cache
def _toml_patterns() -> tuple[tuple[re.Pattern[str], str], ...]:
    """`TOML_ERRORS` as patterns, longest first: "Expected ']' at the end…" before "Expected {character}"."""
    return tuple(
        (re.compile(template_pattern(english, _TOML_FIELDS), re.DOTALL), english)
        for english in sorted(TOML_ERRORS, key=len, reverse=True)
    )


def said_toml(what: str) -> str:
    """One of tomllib's messages ("Expected ']]' at the end of an array declaration") in the CLI's
    language, the names and characters it quotes kept; another as written."""
    for pattern, english in _toml_patterns():
        matched = pattern.fullmatch(what)
        if matched is not None:
            return _(english).format(**matched.groupdict())
    return what


def said_error(error: str) -> str:
    """A channel's error as a scan says it ("SourceError: export file not found: …"), in the CLI's
    language: the whole message when it is one of the shapes above, else the hints and counts in it
    (the platform's own text stays as written); the error's kind stays as it is."""
    kind, colon, message = error.partition(": ")
    if colon and kind.isidentifier() and kind[:1].isupper():
        return f"{kind}: {_said_message(message)}"
    return _said_message(error)


def _said_message(message: str) -> str:
    if current() == DEFAULT:
        return message
    spoken = said(message)
    if spoken != message:
        return spoken
    return said_hints(_said_counts(_said_file_errors(_said_partial_reasons(_said_stop(message)))))


@cache
def _partial_reason_patterns() -> tuple[tuple[re.Pattern[str], str], ...]:
    return tuple(
        (
            re.compile(
                rf"(?:^|(?<=; )|(?<=: )){template_pattern(reason, _PARTIAL_COUNTS)}(?=$|; | — )", re.DOTALL
            ),
            reason,
        )
        for reason in PARTIAL_REASONS
    )


def _said_partial_reasons(text: str) -> str:
    """Each of `PARTIAL_REASONS` in a channel's error, said in the CLI's language (its counts too)."""

    def say(found: re.Match[str], english: str) -> str:
        fields = {
            name: _written_count(value) if name in _PARTIAL_COUNTS else value
            for name, value in found.groupdict().items()
        }
        return _(english).format(**fields)

    for pattern, english in _partial_reason_patterns():
        text = pattern.sub(lambda found, english=english: say(found, english), text)
    return text


@cache
def _stop_reason_patterns() -> tuple[tuple[re.Pattern[str], str], ...]:
    return tuple(
        (re.compile(template_pattern(reason, {"signal": r"\w+"})), reason) for reason in STOP_REASONS
    )


@cache
def _stop_patterns() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """(`STOPPED_AFTER_PAGES` where an error starts, `NOT_STARTED` as a whole error), their `{reason}`
    one of `STOP_REASONS`."""
    reasons = "|".join(
        re.sub(r"\(\?P<\w+>", "(?:", pattern.pattern) for pattern, _english in _stop_reason_patterns()
    )
    fields = {"reason": f"(?:{reasons})", "n": COUNT}
    after = re.compile(rf"^{template_pattern(STOPPED_AFTER_PAGES, fields)}(?=$|; )")
    return after, re.compile(template_pattern(NOT_STARTED, fields))


def _said_stop_reason(reason: str) -> str:
    for pattern, english in _stop_reason_patterns():
        found = pattern.fullmatch(reason)
        if found is not None:
            return _(english).format(**found.groupdict())
    return reason


def _said_stop(text: str) -> str:
    """A stopped channel's error ("stopped by SIGTERM after 3 page(s); the next scan resumes there; …",
    "stopped by SIGTERM: not scanned") in the CLI's language, its count too; the rest as written."""
    after, not_started = _stop_patterns()
    found = not_started.fullmatch(text)
    if found is not None:
        return _(NOT_STARTED).format(reason=_said_stop_reason(found["reason"]))
    return after.sub(
        lambda found: _stopped_after_pages(int(found["n"].replace(",", ""))).format(
            reason=_said_stop_reason(found["reason"]), n=_written_count(found["n"])
        ),
        text,
    )


def said_hints(text: str) -> str:
    """`text` with each connector hint in it (`HINTS`) said in the CLI's language, the rest as written."""
    if current() == DEFAULT:
        return text
    for pattern, english in _hint_patterns():
        text = pattern.sub(lambda found, english=english: _(english).format(**found.groupdict()), text)
    return text


@cache
def _hint_patterns() -> tuple[tuple[re.Pattern[str], str], ...]:
    """Each hint as a pattern, longest first ("nothing to do: the next scan reads them; to read…"
    before "nothing to do: the next scan reads them"). A hint is found where connectors write one:
    after " — ", or after "; " or ": " when several are joined (a folder's files each give theirs);
    it ends the text, or a "; " or ":" follows it (the next thread's reason, the hints it leads to)."""
    found = []
    for hint in sorted(HINTS, key=len, reverse=True):
        body = template_pattern(hint)
        found.append((re.compile(rf"(?:(?<= — )|(?<=; )|(?<=: )){body}(?=$|[;:])", re.DOTALL), hint))
    return tuple(found)


@cache
def _counted_patterns() -> tuple[tuple[re.Pattern[str], Callable[[int], str]], ...]:
    return tuple(
        (re.compile(template_pattern(written, {"n": COUNT})), say) for written, say in COUNTED.items()
    )


def _said_counts(text: str) -> str:
    """ "1 thread(s) left for the next scan" as "1 hilo por leer en el próximo escaneo"."""
    for pattern, say in _counted_patterns():
        text = pattern.sub(
            lambda found, say=say: say(int(found["n"].replace(",", ""))).format(n=found["n"]), text
        )
    return text


def _field_words(value: str) -> str:
    """A message's field in the CLI's language: an account's form, or pydantic's "or"."""
    return _(value) if value in ACCOUNT_FORMS else _or_words(value)


def _or_words(value: str) -> str:
    """pydantic's "'a', 'b' or 'c'": its "or" in the CLI's language."""
    return value.replace("' or '", "' " + _("or") + " '")


def _place(where: str) -> str:
    """ "brand 'cafe', channel 'export'" (or "brand #2") in the CLI's language."""
    words = {"brand": _("brand {name}"), "channel": _("channel {name}")}
    return re.sub(
        r"\b(brand|channel) ('(?:[^']|'(?!,|$))*'|#\d+)",
        lambda found: words[found[1]].format(name=found[2]),
        where,
    )


def written_language(path: Path) -> str | None:
    """The language a config's brands share as the file is written (`language`, "en" when left
    out), read without validating it: a config that does not load is said in its brands' language.
    A file that is not TOML is said in the language its `language = "…"` lines share."""
    import tomllib

    from socialmon.config import read_config_text

    try:
        text = read_config_text(path)
    except UnicodeDecodeError:  # a Windows-1252 or UTF-16 file: its `language` lines are ASCII
        text = path.read_bytes().decode("latin-1").replace("\x00", "")
    except OSError:
        return None
    try:
        brands = tomllib.loads(text).get("brands")
    except tomllib.TOMLDecodeError:
        written = set(re.findall(r"""(?m)^\s*language\s*=\s*["']([a-z]{2})["']""", text))
        return written.pop() if len(written) == 1 else None
    if not isinstance(brands, list) or not brands:
        return None
    spoken = {brand.get("language", "en") if isinstance(brand, dict) else None for brand in brands}
    found = spoken.pop() if len(spoken) == 1 else None
    return found if isinstance(found, str) else None


def problem_line(problem: ConfigProblem) -> str:
    """`str(problem)` (file: place, field: message) in the CLI's language."""
    if current() == DEFAULT:
        return str(problem)
    place = f"{_place(problem.where)}, " if problem.where else ""
    field = _("field '{name}': ").format(name=problem.field) if problem.field else ""
    hint = f"; {said(problem.hint)}" if problem.hint else ""
    return f"{problem.path}: {place}{field}{said(problem.message)}{hint}"


def said_email_problem(error: Exception) -> str:
    """Why `report --email` cannot send (a `ConfigError` of the brand's mail settings, or
    `socialmon.report_email.ReportEmailError`) in the CLI's language: each config problem as
    `problem_line` says it, else the message as `said` says it ("--email-to: " kept)."""
    from socialmon.config import ConfigError

    if isinstance(error, ConfigError) and error.problems:
        return "\n".join(problem_line(found) for found in error.problems)
    message = str(error)
    option, colon, rest = message.partition(": ")
    if colon and option == "--email-to":
        return f"{option}: " + "; ".join(said(part) for part in rest.split("; "))
    return said(message)


def said_summary(connector: type[Connector]) -> str:
    """What `connector` pulls, in the CLI's language: a summary socialmon's connectors wrote (also
    when another package's connector inherits it) from the catalogue; another package's own summary
    as its authors wrote it, even when its words are a built-in's."""
    summary = connector.summary
    written_by = next((cls for cls in connector.__mro__ if "summary" in vars(cls)), connector)
    if written_by.__module__.startswith(_BUILT_IN_MODULES) and summary in CONNECTOR_SUMMARIES:
        return _(summary)
    return summary
