"""`socialmon alerts`: list, acknowledge, check and send the alerts the rules raise."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Any
from zoneinfo import ZoneInfo

import typer

from socialmon.cli._app import app
from socialmon.cli._common import (
    EXIT_FAILED,
    EXIT_OK,
    BrandOption,
    ConfigOption,
    DatabaseOption,
    alert_counts,
    chosen_brand,
    config_or_exit,
    config_problems,
    database_or_exit,
    err,
    fail,
    label_word,
    last_scan_said,
    not_judged,
    out,
    plain,
    registry,
    say,
)
from socialmon.cli._i18n import _, count, current, ngettext, use_for

if TYPE_CHECKING:
    from rich.text import Text

    from socialmon.alerts import BrandEvaluation
    from socialmon.config import BrandConfig, Config
    from socialmon.database import Database

alerts_app = typer.Typer(
    name="alerts",
    help=_(
        "Alerts: a negative spike, a customer waiting too long, a watch-list word, a comment heating "
        "up, a reply window closing, a channel in trouble. Without a command: list the open ones.\n\n"
        "For cron: `socialmon scan --quiet && socialmon alerts send --quiet`. Exit codes of `send`: 0 "
        "nothing to send or all sent, 1 a delivery failed (retried next run), 2 config error (nothing sent)."
    ),
    invoke_without_command=True,
    no_args_is_help=False,
    rich_markup_mode="rich",
)
app.add_typer(alerts_app)

AllOption = Annotated[bool, typer.Option("--all", "-a", help=_("Also acknowledged and resolved alerts."))]
LimitOption = Annotated[
    int, typer.Option("--limit", "-n", min=0, help=_("Show at most this many, most severe first (0: all)."))
]


def _brands(config: Config, brand: str | None) -> list[BrandConfig]:
    """The brands a --brand selects (see `chosen_brand`), and their language spoken."""
    slug = chosen_brand(config, brand)
    if slug is None:
        return list(config.brands)
    use_for(config, slug)
    return [b for b in config.brands if b.slug == slug]


def _local(config: Config, slug: str, moment: datetime | None) -> str:
    if moment is None:
        return "—"
    brand = config.brand(slug)
    zone = ZoneInfo(brand.timezone if brand else "UTC")
    return moment.astimezone(zone).strftime("%Y-%m-%d %H:%M")


def _list(
    brand: str | None, include_closed: bool, limit: int, config: ConfigOption, database: DatabaseOption
) -> None:
    from socialmon.alerts import count_alerts, list_alerts

    loaded = config_or_exit(config, database=database)
    brand = chosen_brand(loaded, brand)
    if brand is not None:
        use_for(loaded, brand)
    with database_or_exit(loaded, database) as db:
        found = list_alerts(db, brand=brand, include_closed=include_closed, limit=limit or None)
        total = count_alerts(db, brand=brand, include_closed=include_closed) if limit else len(found)
    if not found:
        say(out, _("No open alerts.") if not include_closed else _("No alerts yet."))
        return
    colours = {"critical": "red", "warning": "yellow", "info": "cyan"}
    if out.width < _LIST_AS_TABLE_FROM:
        _list_as_lines(loaded, found, colours, include_closed)
    else:
        _list_as_table(loaded, found, colours, include_closed)
    if total > len(found):
        say(
            out,
            _("{shown} of {total} shown, the most severe first: --limit 0 shows all").format(
                shown=len(found), total=count(total)
            ),
        )


# Below this many columns a table of seven leaves the alert's title a word per line (at 80, 12
# letters wide): each alert is then a line of its facts and its title beneath, the width's own.
_LIST_AS_TABLE_FROM = 110


def _word(value: str) -> str:
    """An alert's severity or status in the CLI's language (the stored value is English)."""
    words = {
        "critical": _("critical"),
        "warning": _("warning"),
        "info": _("info"),
        "unsent": _("unsent"),
        "sent": _("sent"),
        "acknowledged": _("acknowledged"),
        "resolved": _("resolved"),
    }
    return words.get(value, value)


def _title(alert: Any) -> Text:
    """The alert's title and, on a line of its own, its link. Titles quote authors, channels and
    watch-list words; links come from the platform: plain text, never markup (see `plain`)."""
    link = alert.facts.get("url") if isinstance(alert.facts, dict) else None
    title = plain(alert.title)
    if isinstance(link, str) and link:
        title.append("\n")
        title.append_text(plain(link, "dim"))
    return title


def _list_as_lines(loaded: Config, found: list[Any], colours: dict[str, str], include_closed: bool) -> None:
    from rich.padding import Padding

    say(out, (_("Alerts") if include_closed else _("Open alerts"), "bold"))
    brands = {alert.brand for alert in found}
    for alert in found:
        facts = [alert.rule, _word(alert.status), _local(loaded, alert.brand, alert.created_at)]
        if len(brands) > 1:
            facts.append(alert.brand)
        say(
            out,
            (f"#{alert.id} ", "bold"),
            (_word(alert.severity), colours.get(alert.severity, "white")),
            " · " + " · ".join(facts),
        )
        out.print(Padding(_title(alert), (0, 0, 0, 4)))


def _list_as_table(loaded: Config, found: list[Any], colours: dict[str, str], include_closed: bool) -> None:
    from rich.table import Table

    table = Table(title=_("Alerts") if include_closed else _("Open alerts"))
    table.add_column(_("id"), justify="right", style="bold")
    table.add_column(_("brand"))
    table.add_column(_("severity"))
    table.add_column(_("rule"))
    table.add_column(_("raised"))
    table.add_column(_("status"))
    table.add_column(_("alert"), overflow="fold")
    for alert in found:
        table.add_row(
            str(alert.id),
            plain(alert.brand),
            plain(_word(alert.severity), colours.get(alert.severity, "white")),
            plain(alert.rule),
            _local(loaded, alert.brand, alert.created_at),
            plain(_word(alert.status)),
            _title(alert),
        )
    out.print(table)


@alerts_app.callback(help=_("List, acknowledge, check and send alerts."))
def alerts(
    ctx: typer.Context,
    brand: BrandOption = None,
    include_closed: AllOption = False,
    limit: LimitOption = 50,
    config: ConfigOption = None,
    database: DatabaseOption = None,
) -> None:
    if ctx.invoked_subcommand is None:
        _list(brand, include_closed, limit, config, database)
        return
    # `socialmon alerts --config F show 3`: the group's options are the subcommand's defaults (an
    # option given after the subcommand still wins), not silently dropped.
    given = {"config": str(config) if config else None, "database": database, "brand": brand}
    given = {name: value for name, value in given.items() if value is not None}
    if include_closed:  # --all and --limit: given when they differ from their defaults
        given["include_closed"] = True
    if limit != 50:
        given["limit"] = limit
    command = ctx.command.get_command(ctx, ctx.invoked_subcommand)  # type: ignore[attr-defined]
    accepted = {param.name for param in command.params} if command is not None else set()
    flags = {"include_closed": "all"}
    for name in sorted(given.keys() - accepted):
        fail(
            _("`socialmon alerts {command}` takes no --{option}").format(
                command=ctx.invoked_subcommand, option=flags.get(name, name)
            )
        )
    defaults = {name: value for name, value in given.items() if name in accepted}
    if defaults:
        ctx.default_map = {**(ctx.default_map or {}), ctx.invoked_subcommand: defaults}


@alerts_app.command("list", help=_("The open alerts (neither acknowledged nor resolved), most severe first."))
def list_command(
    brand: BrandOption = None,
    include_closed: AllOption = False,
    limit: LimitOption = 50,
    config: ConfigOption = None,
    database: DatabaseOption = None,
) -> None:
    _list(brand, include_closed, limit, config, database)


@alerts_app.command(
    help=_("Acknowledge alerts: they leave the open list, and are not sent if they were not yet.")
)
def ack(
    ids: Annotated[list[int], typer.Argument(help=_("Alert ids, as `socialmon alerts` lists them."))],
    config: ConfigOption = None,
    database: DatabaseOption = None,
) -> None:
    from socialmon.alerts import AlertNotFound, acknowledge

    loaded = config_or_exit(config, database=database)
    with database_or_exit(loaded, database) as db:
        for alert_id in ids:
            try:
                changed = acknowledge(db, alert_id)
            except AlertNotFound:
                fail(_("no alert with id {id}: `socialmon alerts` lists them").format(id=alert_id))
            say(
                out,
                _("alert {id} acknowledged").format(id=alert_id)
                if changed
                else _("alert {id} was already acknowledged").format(id=alert_id),
            )


def _evaluate(loaded: Config, db: Database, brands: list[BrandConfig]) -> list[BrandEvaluation]:
    from socialmon.alerts import evaluate_alerts, reply_windows

    connectors = registry()
    found = [connectors.get(name) for name in connectors.names()]
    windows = reply_windows(c for c in found if c is not None)
    return evaluate_alerts(db, brands, loaded.settings.reports, windows)


@alerts_app.command(help=_("One alert in full: every comment of a wave or burst, every alert of a digest."))
def show(
    alert_id: Annotated[int, typer.Argument(help=_("An alert id, as `socialmon alerts` lists them."))],
    config: ConfigOption = None,
    database: DatabaseOption = None,
) -> None:
    from rich.table import Table
    from sqlalchemy import func, select

    from socialmon.alerts.store import storable_id
    from socialmon.analytics.refs import comment_ref
    from socialmon.analytics.responses import effective_label
    from socialmon.tables import ALERT, BRAND, CHANNEL, COMMENT

    alert_t, comment_t, channel_t, brand_t = ALERT, COMMENT, CHANNEL, BRAND
    loaded = config_or_exit(config, database=database)
    with database_or_exit(loaded, database) as db, db.read() as connection:
        row = None
        if storable_id(alert_id):  # a bigger number is no alert's, and the driver refuses it
            row = connection.execute(select(alert_t).where(alert_t.c.id == alert_id)).first()
        if row is None:
            fail(_("no alert with id {id}: `socialmon alerts` lists them").format(id=alert_id))
        facts = row.facts or {}
        say(out, f"#{row.id} [{_word(row.severity)}] {row.rule}")
        out.print(plain(row.title))
        table = Table()
        if row.rule == "digest":
            for name in (_("id"), _("rule"), _("severity"), _("alert")):
                table.add_column(name)
            ids = list(facts.get("alert_ids") or [])
            for start in range(0, len(ids), 500):
                query = select(alert_t.c.id, alert_t.c.rule, alert_t.c.severity, alert_t.c.title).where(
                    alert_t.c.id.in_(ids[start : start + 500])
                )
                for found in connection.execute(query.order_by(alert_t.c.id)):
                    table.add_row(
                        str(found.id), plain(found.rule), plain(_word(found.severity)), plain(found.title)
                    )
        else:
            ids = list(facts.get("comment_ids") or [c["id"] for c in facts.get("worst") or []])
            # The comment's reference (#k3m9x2), as `pending` and the reports show it and `label` takes it.
            for name in (_("Ref."), _("channel"), _("author"), _("written"), _("label"), _("comment")):
                table.add_column(name, overflow="fold")
            # A negative private-message turn is the alert's member by its first message; the
            # alert quotes the message that made it negative (its `comments`), and so does this.
            quoted = {
                entry["id"]: entry
                for entry in facts.get("comments") or []
                if isinstance(entry, dict) and isinstance(entry.get("id"), int)
            }
            for start in range(0, len(ids), 500):
                query = (
                    select(
                        comment_t.c.id,
                        comment_t.c.channel_id,
                        comment_t.c.post_platform_id,
                        comment_t.c.author_id,
                        brand_t.c.slug,
                        comment_t.c.platform_id,
                        channel_t.c.name,
                        func.coalesce(comment_t.c.author_name, comment_t.c.author_id),
                        comment_t.c.created_at,
                        effective_label(comment_t),
                        comment_t.c.text,
                        comment_t.c.url,
                    )
                    .join(channel_t, channel_t.c.id == comment_t.c.channel_id)
                    .join(brand_t, brand_t.c.id == channel_t.c.brand_id)
                    .where(comment_t.c.id.in_(ids[start : start + 500]))
                    .order_by(comment_t.c.created_at, comment_t.c.id)
                )
                for member in connection.execute(query).all():
                    slug, platform_id, channel, author, created, label, body, url = member[4:]
                    complaint = _turn_complaint(connection, member, quoted.get(member.id))
                    if complaint is not None:
                        platform_id, label, body, url = complaint
                    cell = plain((body or "")[:500])
                    if url:
                        cell.append("\n")
                        cell.append_text(plain(url, "dim"))
                    table.add_row(
                        comment_ref(slug, channel, platform_id),
                        plain(channel),
                        plain(author or ""),
                        _local(loaded, slug, created),  # in the brand's time zone, as `alerts` lists
                        plain(label_word(label) if label else ""),
                        cell,
                    )
    if table.row_count:
        out.print(table)


def _turn_complaint(
    connection: Any, member: Any, quoted: dict[str, Any] | None
) -> tuple[str, str, str, Any] | None:
    """(platform id, label, text, link) of the message an alert quotes for its member `member` when
    that is another message (a negative turn's complaint, `rules._show_complaints`): the first
    message of the same conversation and sender, from the member on, with the text quoted."""
    from sqlalchemy import select

    from socialmon.analytics.responses import effective_label
    from socialmon.tables import COMMENT

    text = quoted.get("text") if quoted else None
    if not isinstance(text, str) or text == member.text:
        return None
    found = connection.execute(
        select(COMMENT.c.platform_id, effective_label(COMMENT), COMMENT.c.text, COMMENT.c.url)
        .where(
            COMMENT.c.channel_id == member.channel_id,
            COMMENT.c.post_platform_id == member.post_platform_id,
            COMMENT.c.author_id == member.author_id,
            COMMENT.c.created_at >= member.created_at,
            COMMENT.c.text == text,
        )
        .order_by(COMMENT.c.created_at, COMMENT.c.id)
        .limit(1)
    ).first()
    return tuple(found) if found is not None else None  # type: ignore[return-value]


@alerts_app.command(help=_("Run the rules now and record what they find, without sending anything."))
def check(
    brand: BrandOption = None,
    config: ConfigOption = None,
    database: DatabaseOption = None,
) -> None:
    loaded = config_or_exit(config, database=database)
    brands = _brands(loaded, brand)
    with database_or_exit(loaded, database) as db:
        evaluations = _evaluate(loaded, db, brands)
    for evaluation in evaluations:
        if evaluation.skipped:
            say(
                out, _("{brand}: skipped, {reason}").format(brand=evaluation.brand, reason=evaluation.skipped)
            )
            continue
        say(
            out,
            _("{brand}: {created}, {resolved}").format(
                brand=evaluation.brand, **alert_counts(len(evaluation.created), evaluation.resolved)
            ),
        )
        if evaluation.grown:
            grown = len(evaluation.grown)
            say(
                out,
                ngettext(
                    "  {count} alert took in new comments", "  {count} alerts took in new comments", grown
                ).format(count=grown),
            )
        if evaluation.folded:
            say(
                out,
                _("  {count} more past the cap, in one digest alert").format(count=len(evaluation.folded)),
            )
        for skipped in evaluation.skipped_channels:
            say(
                out,
                _("  skipped {channel} (half-imported: judged after its next complete scan)").format(
                    channel=f"{skipped.channel}: {last_scan_said(skipped)}"
                ),
            )
        for rule, note in evaluation.notes.items():
            say(out, f"  {rule}: {_note(note)}")


def _note(note: str) -> str:
    """A rule's note in the CLI's language: the spike rule's reasons are translated."""
    from socialmon.alerts.spike import SpikeReason
    from socialmon.render.i18n import Lang

    if not isinstance(note, SpikeReason):
        return note
    said = {
        "history": _("{history} of the {windows} baseline windows had comments: too little history"),
        "few_comments": _("{comments} comments in the window, fewer than {minimum}"),
        "few_negative": _("{negative} negative comments, fewer than {minimum}"),
        "within": _("{observed} is within the baseline {mean} + {k}σ ({threshold})"),
        "above": _("{observed} is above the baseline {mean} + {k}σ ({threshold})"),
    }
    return said[note.key].format(**note.values_in(Lang(current())))


@alerts_app.command(
    help=_(
        "Run the rules, then deliver every unsent alert by e-mail and webhooks.\n\n"
        "E-mail, Slack, Discord and Teams get one message a run: the most severe alerts in detail, "
        "the rest summed up in a line (`socialmon alerts` lists them all); a JSON webhook gets every "
        "alert. During the brand's quiet hours only critical alerts go out.\n\n"
        "Exit code 0 when there was nothing to send or everything was delivered, 1 when a delivery "
        "failed (it is retried by the next run; nothing is sent twice), 2 for a config error (nothing "
        "is sent)."
    )
)
def send(
    brand: BrandOption = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help=_("Print what would be sent; send nothing, mark nothing sent."))
    ] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help=_("Print only problems (for cron)."))] = False,
    config: ConfigOption = None,
    database: DatabaseOption = None,
) -> None:
    from socialmon.alerts import send_alerts
    from socialmon.alerts.delivery import resolve_destinations
    from socialmon.cli._config_words import said
    from socialmon.config import ConfigError

    loaded = config_or_exit(config, database=database)
    brands = _brands(loaded, brand)
    try:
        resolve_destinations(loaded, brands)  # config mistakes first: exit 2 before touching anything
    except ConfigError as error:
        config_problems(error)
    with database_or_exit(loaded, database) as db:
        evaluations = _evaluate(loaded, db, brands)
        try:
            result = send_alerts(db, loaded, brands, dry_run=dry_run)
        except ConfigError as error:
            config_problems(error)
    for evaluation in evaluations:
        if evaluation.skipped_channels and not quiet:
            say(err, not_judged(evaluation.brand, evaluation.skipped_channels))
    for preview in result.previews:
        say(
            out,
            ngettext(
                "--- would send {count} alert of {brand} to {destination}",
                "--- would send {count} alerts of {brand} to {destination}",
                len(preview.alert_ids),
            ).format(count=len(preview.alert_ids), brand=preview.brand, destination=preview.destination),
        )
        say(out, preview.content)
    for slug, held in result.held.items():
        if not quiet:
            say(
                err,
                ngettext(
                    "{brand}: {count} alert held until the end of quiet hours",
                    "{brand}: {count} alerts held until the end of quiet hours",
                    held,
                ).format(brand=slug, count=count(held)),
            )
    # Said under --quiet too: a cron job's alerts going nowhere is a failure to deliver them.
    for slug, unrouted in result.unrouted.items():
        say(
            err,
            ngettext(
                "{brand}: {count} alert with nowhere to go: add [brands.alerts.email] or "
                "[[brands.alerts.webhooks]] (listed by `socialmon alerts`)",
                "{brand}: {count} alerts with nowhere to go: add [brands.alerts.email] or "
                "[[brands.alerts.webhooks]] (listed by `socialmon alerts`)",
                unrouted,
            ).format(brand=slug, count=count(unrouted)),
        )
    for delivery in result.deliveries:
        if not delivery.ok:
            say(
                err,
                _("{brand}: delivery to {destination} FAILED, will retry next run: {error}").format(
                    brand=delivery.brand,
                    destination=delivery.destination,
                    error=said(delivery.error or ""),
                ),
            )
        elif not quiet:
            say(
                err,
                ngettext(
                    "{brand}: sent {count} alert to {destination}",
                    "{brand}: sent {count} alerts to {destination}",
                    len(delivery.alert_ids),
                ).format(
                    brand=delivery.brand, count=len(delivery.alert_ids), destination=delivery.destination
                ),
            )
        if delivery.refused:
            say(
                err,
                _("{brand}: {destination}: the server refused {addresses}").format(
                    brand=delivery.brand,
                    destination=delivery.destination,
                    addresses=", ".join(delivery.refused),
                ),
            )
    if not (dry_run or result.deliveries or result.held or result.unrouted or quiet):
        say(err, _("nothing to send"))
    raise typer.Exit(EXIT_FAILED if result.failed else EXIT_OK)
