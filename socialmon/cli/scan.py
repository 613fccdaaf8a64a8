"""`socialmon scan`: pull new posts and comments from the enabled channels."""

from __future__ import annotations

import contextlib
import os
import signal
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from socialmon.cli._app import app
from socialmon.cli._common import (
    EXIT_FAILED,
    EXIT_INTERRUPTED,
    EXIT_OK,
    EXIT_STOPPED,
    EXIT_USAGE,
    BrandOption,
    ChannelOption,
    ConfigOption,
    DatabaseOption,
    alert_counts,
    chosen_brand,
    chosen_channel,
    config_or_exit,
    config_problems,
    database_or_exit,
    err,
    fail,
    is_terminal,
    out,
    plain,
    problem,
    registry,
    say,
    terminal_text,
)
from socialmon.cli._config_words import said_error, said_location, said_reason
from socialmon.cli._i18n import _, count, ngettext, use_for

if TYPE_CHECKING:  # imported by `scan` itself (see cli/_common.py): other commands need not load them
    from rich.console import Console, Group, RenderableType
    from rich.progress import TaskID
    from rich.table import Table
    from rich.text import Text

    from socialmon.alerts.rules import HalfImported
    from socialmon.config import Config, ConfigProblem, SkippedChannel
    from socialmon.scan import ChannelOutcome, StopRequest
    from socialmon.storage import PageResult, Store
    from socialmon_connectors.records import Progress as PageProgress
    from socialmon_connectors.records import RejectedRecord

MAX_REJECTIONS_SHOWN = 20  # per channel; the rest are counted


class _Rejections:
    def __init__(self) -> None:
        self.counts: dict[str, int] = {}

    def report(self, label: str, rejected: RejectedRecord, print_line: object) -> None:
        seen = self.counts.get(label, 0) + 1
        self.counts[label] = seen
        if seen <= MAX_REJECTIONS_SHOWN:
            print_line(  # type: ignore[operator]
                _("{label}: skipped {location}: {reason}").format(
                    label=label,
                    location=said_location(rejected.location),
                    reason=said_reason(rejected.reason),
                )
            )
        elif seen == MAX_REJECTIONS_SHOWN + 1:
            print_line(
                _("{label}: more malformed records skipped; the summary counts them").format(label=label)
            )  # type: ignore[operator]


def new_posts(n: int) -> str:
    """ "1 new post", "3 new posts", in the CLI's language."""
    return ngettext("{n} new post", "{n} new posts", n).format(n=count(n))


def new_comments(n: int) -> str:
    return ngettext("{n} new comment", "{n} new comments", n).format(n=count(n))


def alerts_line(
    brand: str, created: int, resolved: int, error: str | None, skipped: Sequence[HalfImported] = ()
) -> str:
    """The line a scan prints about the alert rules that ran after it, for one brand; and one more
    naming the half-imported channels they left out (`skipped`)."""
    if error is not None:
        return f"{brand}: {error}"
    if not (created or resolved):
        line = _("{brand}: no new alerts").format(brand=brand)
    else:
        line = _("{brand}: {created}, {resolved} (`socialmon alerts` lists the open ones)").format(
            brand=brand, **alert_counts(created, resolved)
        )
    if skipped:
        from socialmon.cli._common import not_judged

        line += "\n" + not_judged(brand, list(skipped))
    return line


class PlainReporter:
    """Lines for logs and cron: what started, what was skipped, how each channel ended."""

    def __init__(self, quiet: bool) -> None:
        self.quiet = quiet
        self.rejections = _Rejections()

    def _line(self, text: str) -> None:
        say(err, text)

    def channel_started(self, label: str) -> None:
        if not self.quiet:
            self._line(_("{label}: scanning").format(label=label))

    def page_saved(self, label: str, totals: PageResult, progress: PageProgress | None) -> None:
        pass

    def record_rejected(self, label: str, rejected: RejectedRecord) -> None:
        self.rejections.report(label, rejected, self._line)

    def channel_finished(self, outcome: ChannelOutcome) -> None:
        if outcome.error:
            outcome = replace(outcome, error=said_error(outcome.error))
        if outcome.status == "failed":
            self._line(_("{label}: FAILED: {error}").format(label=outcome.label, error=outcome.error))
        elif outcome.status == "partial":
            r = outcome.result
            self._line(
                _("{label}: PARTIAL, {posts}, {comments}; {error}").format(
                    label=outcome.label,
                    posts=new_posts(r.new_posts),
                    comments=new_comments(r.new_comments),
                    error=outcome.error,
                )
            )
        elif outcome.status == "busy" and not self.quiet:
            self._line(_("{label}: skipped, {error}").format(label=outcome.label, error=outcome.error))
        elif not self.quiet:
            r = outcome.result
            self._line(
                _("{label}: done, {posts}, {comments}").format(
                    label=outcome.label, posts=new_posts(r.new_posts), comments=new_comments(r.new_comments)
                )
            )

    def alerts_checked(
        self,
        brand: str,
        created: int,
        resolved: int,
        error: str | None,
        skipped: Sequence[HalfImported] = (),
    ) -> None:
        if error is not None or not self.quiet:
            self._line(alerts_line(brand, created, resolved, error, skipped))


class ProgressReporter:
    """A live progress bar per channel, for a terminal."""

    def __init__(self) -> None:
        from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

        self.progress = Progress(
            TextColumn("{task.description}", style="bold", markup=False),  # a label from the config
            BarColumn(),
            TextColumn("{task.percentage:>3.0f}%"),
            TextColumn("{task.fields[counts]}"),
            TimeElapsedColumn(),
            console=err.console,
            transient=False,
        )
        self.tasks: dict[str, TaskID] = {}
        self.rejections = _Rejections()

    def __enter__(self) -> ProgressReporter:
        self.progress.start()
        return self

    def __exit__(self, *_: object) -> None:
        self.progress.stop()

    def channel_started(self, label: str) -> None:
        self.tasks[label] = self.progress.add_task(terminal_text(label), total=None, counts=_("starting"))

    def page_saved(self, label: str, totals: PageResult, progress: PageProgress | None) -> None:
        counts = f"{new_posts(totals.new_posts)} · {new_comments(totals.new_comments)}"
        if progress is not None and progress.total:
            self.progress.update(
                self.tasks[label], completed=progress.done, total=progress.total, counts=counts
            )
        else:
            self.progress.update(self.tasks[label], counts=counts)

    def record_rejected(self, label: str, rejected: RejectedRecord) -> None:
        self.rejections.report(label, rejected, lambda text: say(self.progress.console, text))

    def channel_finished(self, outcome: ChannelOutcome) -> None:
        task = self.tasks.get(outcome.label)
        if task is None:
            task = self.tasks[outcome.label] = self.progress.add_task(
                terminal_text(outcome.label), total=1, counts=""
            )
        total = self.progress.tasks[task].total or 1
        word = {
            "ok": "[green]" + _("done"),
            "partial": "[yellow]" + _("partial: the next scan reads the rest"),
            "failed": "[red]" + _("failed"),
            "busy": "[yellow]" + _("busy"),
        }[outcome.status]
        self.progress.update(task, completed=total, total=total, counts=word)

    def alerts_checked(
        self,
        brand: str,
        created: int,
        resolved: int,
        error: str | None,
        skipped: Sequence[HalfImported] = (),
    ) -> None:
        line = alerts_line(brand, created, resolved, error, skipped)
        say(self.progress.console, line, style="red" if error else "")


def skipped_line(left_out: SkippedChannel, found: ConfigProblem) -> str:
    """Why a channel was left out of the scan, naming the file, brand, channel, field and variable."""
    from socialmon.cli._config_words import problem_line

    return _(
        "{channel} not scanned: {problem}; set {variable} in the environment the scan runs in "
        "(for cron or systemd: the env file they read); the other channels are scanned"
    ).format(channel=left_out.label, problem=problem_line(found), variable=found.variable)


def _holds_scans(loaded: Config, override: str | None) -> bool:
    """Whether the database exists with socialmon's tables: a scan that can scan no channel
    records that in it (its reports warn), but creates none (a first run's mistake leaves nothing)."""
    from sqlalchemy.exc import SQLAlchemyError

    from socialmon.database import Database, DatabaseError

    try:
        database = Database(loaded.database_url(override))
    except (DatabaseError, SQLAlchemyError, ValueError):
        return False
    try:
        if database.file_missing:
            return False  # not even opened: SQLite would create the file
        return database.schema_status().current is not None
    except (DatabaseError, SQLAlchemyError):
        return False  # said by nothing here: the scan's own error is that no channel can be scanned
    finally:
        database.dispose()


def _record_not_scanned(store: Store, skipped: list[SkippedChannel]) -> None:
    """Each channel left out, as its last scan: failed, for the reports to warn about it."""
    for left_out in skipped:
        store.record_not_scanned(left_out.brand, left_out.channel, not_scanned_error(left_out))


def not_scanned_error(left_out: SkippedChannel) -> str:
    """The channel's last error as stored, in English as the scan's other errors are (the reports
    show it in every language alike): what went wrong, then after " — " what to do."""
    names = ", ".join(dict.fromkeys(p.variable or "" for p in left_out.problems))
    return (
        f"not scanned: environment variable {names} is not set — set it in the environment the scan "
        "runs in (for cron or systemd: the env file they read), then scan again"
    )


def skipped_outcome(left_out: SkippedChannel) -> ChannelOutcome:
    """A summary row for a channel left out for want of a secret: failed, so the scan exits 1."""
    from socialmon.scan import ChannelOutcome

    names = ", ".join(dict.fromkeys(p.variable for p in left_out.problems))
    return ChannelOutcome(
        label=left_out.label,
        platform=left_out.channel.platform,
        status="failed",
        error=_("not scanned: environment variable {names} is not set").format(names=names),
    )


# The status column of the boxed table is at least this wide when a channel has a reason to say: a
# reason folded into a few letters a line is unreadable (the compact table says it under itself).
REASON_WIDTH = 32


def summary_table(outcomes: list[ChannelOutcome], compact: bool = False, rows: bool = True) -> Table:
    """One row per channel. No heading word is ever cut ("publicaciones" stays whole): each column is
    at least as wide as its heading's longest word. Compact: no box, no platform and no reasons
    (`scan_summary` says them under the table), which gives the seven columns room at 80 in Spanish.
    A channel's name and its status word are never cut: a console too narrow for them gets one line
    per channel (`summary_lines`). Without `rows`: the columns only, as wide as they must be."""
    from rich import box
    from rich.cells import cell_len
    from rich.table import Table

    table = Table(
        title=_("Scan summary"),
        box=None if compact else box.HEAVY_HEAD,
        pad_edge=not compact,
        header_style="bold underline" if compact else "table.header",
    )

    def column(heading: str, least: int = 0, **options: Any) -> None:
        longest = max(len(word) for word in heading.split())
        if compact and options.get("justify") == "right":  # figures: as wide as the heading's longest word
            options["max_width"] = max(longest, least)
        table.add_column(heading, min_width=max(longest, least), **options)

    labels = max((cell_len(outcome.label) for outcome in outcomes), default=0)  # terminal cells: 🍞 is 2
    reasons = not compact and any(outcome.error for outcome in outcomes)
    column(_("channel"), labels, style="bold", overflow="fold")  # never cut: narrower, one line each
    if not compact:
        column(_("platform"), overflow="fold")
    column(_("new posts"), justify="right")
    column(_("new comments"), justify="right")
    column(_("updated"), justify="right")
    column(_("skipped"), justify="right")
    words = max((cell_len(_status_word(outcome).plain) for outcome in outcomes), default=0)  # "incompleto"
    column(_("status"), REASON_WIDTH if reasons else words, overflow="fold")
    for outcome in outcomes if rows else []:
        r = outcome.result
        status = _status_word(outcome)
        if outcome.error and not compact:
            status.append_text(plain(f": {said_error(outcome.error)}"))  # untrusted text: never markup
        table.add_row(
            plain(outcome.label),
            *([] if compact else [plain(outcome.platform)]),
            count(r.new_posts),
            count(r.new_comments),
            count(r.updated_posts + r.updated_comments),
            count(r.rejected),
            status,
        )
    return table


def _status_word(outcome: ChannelOutcome) -> Text:
    from rich.text import Text

    return Text.assemble(
        {
            "ok": (_("ok"), "green"),
            "partial": (_("partial"), "yellow"),
            "busy": (_("busy"), "yellow"),
            "failed": (_("failed"), "red"),
        }[outcome.status]
    )


def summary_lines(outcomes: list[ChannelOutcome]) -> Group:
    """The summary as one line per channel, for a console too narrow for any table: each line wraps
    as words do, so nothing is cut."""
    from rich.console import Group
    from rich.text import Text

    lines: list[Text] = [Text(_("Scan summary"), style="bold")]
    for outcome in outcomes:
        r = outcome.result
        updated = r.updated_posts + r.updated_comments
        line = Text.assemble((f"{outcome.label}: ", "bold"), _status_word(outcome))
        figures = [
            new_posts(r.new_posts),
            new_comments(r.new_comments),
            ngettext("{n} updated", "{n} updated", updated).format(n=count(updated)),
            ngettext("{n} skipped", "{n} skipped", r.rejected).format(n=count(r.rejected)),
        ]
        line.append_text(plain(" · " + ", ".join(figures)))
        lines.append(line)
    return Group(*lines)


def scan_summary(outcomes: list[ChannelOutcome], console: Console) -> tuple[RenderableType, bool]:
    """The summary in the widest layout that fits the console without cutting anything: the boxed
    table with each failure's reason, the compact table, or one line per channel; and whether it
    said the reasons itself (only the boxed table does)."""
    from rich.measure import Measurement

    options = console.options.update_width(10_000)  # unbounded: rich clamps the measure to the width
    for compact in (False, True):
        columns = summary_table(outcomes, compact=compact, rows=False)
        if Measurement.get(console, options, columns).minimum <= console.width:
            return summary_table(outcomes, compact=compact), not compact
    return summary_lines(outcomes), False


# How an interrupted scan's channels' last scan reads (`Store.interrupt_open_runs`).
INTERRUPTED = "stopped by Ctrl-C; the next scan resumes there"


@contextmanager
def stop_on_sigterm() -> Iterator[StopRequest]:
    """SIGTERM (from `kill`, `timeout`, systemd) asks the scan to stop after each channel's
    current page, its pages stored; a second SIGTERM ends it at once (its scoring workers
    end with it, see `scoring`)."""
    from socialmon.scan import StopRequest

    stop = StopRequest()
    if threading.current_thread() is not threading.main_thread():  # only the main thread takes signals
        yield stop
        return

    def on_sigterm(_signum: int, _frame: Any) -> None:
        stop.request("stopped by SIGTERM")
        signal.signal(signal.SIGTERM, signal.SIG_DFL)

    previous = signal.signal(signal.SIGTERM, on_sigterm)
    try:
        yield stop
    finally:
        signal.signal(signal.SIGTERM, previous)


@app.command(
    help=_(
        "Pull new posts, comments and reviews from the enabled channels and score them.\n\n"
        "Exit code 0 when every channel was read in full, 1 when any failed or ended partial (the "
        "others still finish; a partial channel's unread threads are read again on the next scan), 2 "
        "for a usage or config error, 130 when stopped by Ctrl-C, 143 when stopped by SIGTERM (each "
        "channel stops after its current page, stored; the next scan resumes there)."
    )
)
def scan(
    brand: BrandOption = None,
    channel: ChannelOption = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help=_("Print only problems (for cron)."))] = False,
    concurrency: Annotated[
        int | None,
        typer.Option("--concurrency", min=1, max=64, help=_("Channels at once (default: from config, 20).")),
    ] = None,
    timings: Annotated[
        bool,
        typer.Option(
            "--timings", help=_("Also print where the time went: scoring, storage lookups, writes.")
        ),
    ] = False,
    enqueue: Annotated[
        bool,
        typer.Option(
            "--enqueue",
            help=_("Put one job per channel on the workers' queue (PostgreSQL) and return at once."),
        ),
    ] = False,
    config: ConfigOption = None,
    database: DatabaseOption = None,
) -> None:
    connectors = registry()
    loaded = config_or_exit(config, connectors, database=database)
    brand = chosen_brand(loaded, brand)
    channel = chosen_channel(loaded, brand, channel)
    use_for(loaded, brand)
    _scorer_or_exit(loaded)
    chosen = [(b, c) for b, c in loaded.select(brand, channel) if c.enabled]
    if not chosen:
        what = " ".join(
            part
            for part in (
                _("brand {brand}").format(brand=repr(brand)) if brand else "",
                _("channel {channel}").format(channel=repr(channel)) if channel else "",
            )
            if part
        )
        fail(
            _("no enabled channel matches {what}").format(what=what)
            if what
            else _("{path} has no enabled channels").format(path=loaded.path)
        )
    if enqueue:  # worker mode: `socialmon worker` processes scan them (see socialmon.workers)
        from socialmon.cli.workers import enqueue_and_exit

        enqueue_and_exit(loaded, chosen, database)
    with _language_models_ahead(loaded, database):
        _scan(
            loaded,
            connectors,
            chosen,
            quiet=quiet,
            concurrency=concurrency,
            timings=timings,
            database=database,
        )


def _scorer_or_exit(loaded: Config) -> None:
    """Exit 2, before any channel is read, when `sentiment.scorer` names no installed scorer: said
    as `check` says it, in the CLI's language, not in the scorer registry's English."""
    from socialmon.cli.setup import scorer_problem

    unknown = scorer_problem(loaded)
    if unknown is not None:
        problem(_("config error"), unknown)
        raise typer.Exit(EXIT_USAGE)


@contextmanager
def _language_models_ahead(loaded: Config, database: str | None) -> Iterator[None]:
    """A scan into a new SQLite database scores every text it reads: its language models load in a
    helper process from now on, on another core, while this one imports and opens the database
    (see sentiment/_lingua_process.py; quick start's `scan`: 0.95 -> 0.70 s wall, for ~0.3 s more
    CPU). Any other scan loads them here, if a text needs them; so does every scan on a machine
    with one core, or with SOCIALMON_MODELS_AHEAD=0."""
    sentiment = loaded.settings.sentiment
    url = loaded.database_url(database)
    # The URL read by hand, not by SQLAlchemy (`Database.sqlite_path`): the helper starts before
    # SQLAlchemy is imported, so that the two overlap. A spelling this misses only loses the head start.
    new_file = url.startswith("sqlite:///") and not Path(url[len("sqlite:///") :].split("?")[0]).exists()
    if sentiment.scorer != "multilingual" or not new_file or not _models_ahead_wanted():
        yield
        return
    from socialmon.sentiment._langid import models_loaded_ahead

    with models_loaded_ahead(sentiment.languages or ("en", "es", "pt")):
        yield


def _models_ahead_wanted() -> bool:
    if os.environ.get("SOCIALMON_MODELS_AHEAD", "").strip().lower() in ("0", "no", "off", "false"):
        return False
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    return cores > 1  # with one core the helper would only take turns with the scan


def _scan(
    loaded: Config,
    connectors: Any,
    chosen: list[Any],
    *,
    quiet: bool,
    concurrency: int | None,
    timings: bool,
    database: str | None,
) -> None:
    from socialmon.config import ConfigError, resolve_available
    from socialmon.scan import run_scan
    from socialmon.sentiment.registry import LazyScorer
    from socialmon.storage import Store

    try:
        channels, skipped = resolve_available(loaded, chosen, connectors)
    except ConfigError as error:
        config_problems(error)
    for left_out in skipped:
        for found in left_out.problems:
            problem(_("skipped"), skipped_line(left_out, found))
    # Built on the first new text: a scan that adds nothing never reads the lexicons nor loads the
    # language models (see LazyScorer). Its name is known: `_scorer_or_exit` checked it.
    scorer = LazyScorer(loaded.settings.sentiment.scorer, loaded.settings.sentiment.languages)
    if not channels:  # every channel lacks a secret: nothing was scanned, and the reports say so
        if _holds_scans(loaded, database):
            with database_or_exit(loaded, database) as db:
                _record_not_scanned(Store(db, scorer), skipped)
        fail(_("no channel can be scanned: set the environment variables named above"))
    limit = concurrency or loaded.settings.scan.concurrency
    options: dict[str, Any] = {
        "concurrency": limit,
        "channel_timeout": loaded.settings.scan.channel_timeout * 60,
    }
    import asyncio  # here, not at the top: every other command loads this module (13 ms)

    with database_or_exit(loaded, database) as db, stop_on_sigterm() as stop:
        options["stop"] = stop
        store = Store(db, scorer)
        _record_not_scanned(store, skipped)
        try:
            if is_terminal() and not quiet:
                with ProgressReporter() as reporter:
                    outcomes = asyncio.run(run_scan(channels, store, reporter=reporter, **options))
            else:
                lines = PlainReporter(quiet)
                outcomes = asyncio.run(run_scan(channels, store, reporter=lines, **options))
        except KeyboardInterrupt:
            # Ctrl-C: each page is stored with its cursor in one transaction, so what was stored
            # stands and the next scan goes on from there; said, and recorded as the channels' last
            # scan (partial), not left to a bare exit and a run "running".
            with contextlib.suppress(Exception):  # the database may be what the user gave up on
                store.interrupt_open_runs(INTERRUPTED)
            problem(_("interrupted"), _("Ctrl-C: what was stored stays; the next scan goes on from there"))
            raise typer.Exit(EXIT_INTERRUPTED) from None
    outcomes += [skipped_outcome(left_out) for left_out in skipped]
    if not quiet:
        summary, with_reasons = scan_summary(outcomes, out.console)
        out.print(summary)
        # The reasons, when no plain line said them where the table is read: the live view says none,
        # and with stderr sent elsewhere (`2>scan.log`) the terminal saw none.
        if not with_reasons and (is_terminal() or out.is_terminal):
            for outcome in outcomes:
                if outcome.error:
                    say(out, (f"{outcome.label}: ", "bold"), plain(said_error(outcome.error)))
    if timings:
        t = store.timings
        workers = (
            _(", scoring workers' peak RSS {megabytes} MB").format(
                megabytes=f"{t.scoring_workers_peak_rss / 2**20:.0f}"
            )
            if t.scoring_workers_peak_rss
            else ""
        )
        say(
            err,
            _(
                "timings: scoring {scoring} s CPU ({texts} texts), storage {storage} s "
                "(lookups {lookup} s, writes {writing} s){workers}"
            ).format(
                scoring=f"{t.scoring:.2f}",
                texts=count(t.texts_scored),
                storage=f"{t.storage:.2f}",
                lookup=f"{t.lookup:.2f}",
                writing=f"{t.writing:.2f}",
                workers=workers,
            ),
        )
    if stop.requested:
        raise typer.Exit(EXIT_STOPPED)
    incomplete = any(o.status in ("failed", "partial") for o in outcomes)
    raise typer.Exit(EXIT_FAILED if incomplete else EXIT_OK)
