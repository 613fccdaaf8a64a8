"""`socialmon report` (the summary) with `response-times` and `trends`; `socialmon pending` lives beside it.

Each command parses its options, calls `socialmon.report.build_reports`, and hands the
result to a renderer in `socialmon.render`.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from socialmon._gc import collector_paused
from socialmon.cli._app import app
from socialmon.cli._common import (
    EXIT_FAILED,
    EXIT_USAGE,
    BrandOption,
    ChannelOption,
    ConfigOption,
    DatabaseOption,
    chosen_brand,
    chosen_channel,
    config_or_exit,
    database_or_exit,
    err,
    fail,
    out,
    output_file,
    output_problem,
    problem,
    remove_partial,
    say,
    standard_output_checked,
    terminal_text,
    to_standard_output,
)
from socialmon.cli._i18n import _, ngettext, use_for

if TYPE_CHECKING:
    from socialmon.analytics import View, WindowError
    from socialmon.analytics.results import BrandReport
    from socialmon.config import Config
    from socialmon.render.i18n import Lang

# The analytics and the renderers are imported where they are used (see cli/_common.py): a JSON
# report need not load rich, babel, jinja2 or pygal.


class ReportFormat(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"
    md = "md"
    html = "html"
    pdf = "pdf"
    xlsx = "xlsx"


# What `--output`'s extension says the format is, when `--format` is not given.
FORMAT_BY_SUFFIX = {
    ".html": ReportFormat.html,
    ".htm": ReportFormat.html,
    ".pdf": ReportFormat.pdf,
    ".json": ReportFormat.json,
    ".csv": ReportFormat.csv,
    ".md": ReportFormat.md,
    ".markdown": ReportFormat.md,
    ".txt": ReportFormat.table,
    ".xlsx": ReportFormat.xlsx,
    ".zip": ReportFormat.csv,  # one CSV per table, zipped
}


class PeriodChoice(StrEnum):
    day = "day"
    week = "week"
    month = "month"


class LangChoice(StrEnum):
    """The languages the CLI speaks and reports are written in (`--lang`)."""

    es = "es"
    en = "en"
    pt = "pt"


SinceOption = Annotated[
    str | None,
    typer.Option(
        "--since", help=_("Start: a date (2026-11-01) or a span back from today: 7d, 4w, 3m. Default 30d.")
    ),
]
UntilOption = Annotated[str | None, typer.Option("--until", help=_("End date, inclusive. Default: now."))]
PeriodOption = Annotated[
    PeriodChoice, typer.Option("--period", help=_("Trend buckets, in the brand's time zone."))
]
# Whether this run's command line gave --format (set by its callback); True when run_report is
# called from code, which always means the format it passes.
_format_given: ContextVar[bool] = ContextVar("format_given", default=True)


def _note_format(ctx: typer.Context, param: typer.CallbackParam, value: ReportFormat) -> ReportFormat:
    source = ctx.get_parameter_source(param.name or "format")
    _format_given.set(source is None or source.name not in ("DEFAULT", "DEFAULT_MAP"))
    return value


FormatOption = Annotated[
    ReportFormat,
    typer.Option(
        "--format",
        "-f",
        callback=_note_format,
        help=_(
            "Output format. Default: from --output's extension (.html .pdf .json .csv .md .xlsx; .zip: "
            "one CSV per table, ready for Excel; .txt for table), else table."
        ),
    ),
]
OutputOption = Annotated[
    Path | None,
    typer.Option("--output", "-o", help=_("Write to this file instead of the terminal."), dir_okay=False),
]
LangOption = Annotated[
    LangChoice | None,
    typer.Option(
        "--lang",
        help=_(
            "Language of the report and the messages (pt: Brazilian Portuguese). Default: the brand's "
            "language."
        ),
    ),
]
TimingsOption = Annotated[bool, typer.Option("--timings", help=_("Print seconds per metric to stderr."))]
CsvDirOption = Annotated[
    Path | None,
    typer.Option(
        "--csv-dir",
        help=_(
            "Write one CSV per table into this folder (local dates, units in headings, the locale's "
            "decimals, UTF-8 with BOM). `--output report.zip` zips the same files."
        ),
        file_okay=False,
    ),
]
EmailOption = Annotated[
    bool,
    typer.Option(
        "--email",
        help=_(
            "E-mail the report (HTML body, PDF attached with the pdf extra) to the brand's alert "
            "recipients through the alerts' \\[smtp] settings; once per brand and window."
        ),
    ),
]
EmailToOption = Annotated[
    list[str] | None,
    typer.Option(
        "--email-to", help=_("E-mail the report to this address instead (repeatable); implies --email.")
    ),
]
ForceOption = Annotated[
    bool,
    typer.Option("--force", help=_("With --email: send even if this window's report was sent already.")),
]

report_app = typer.Typer(
    help=_("What the data says: response times, who is waiting for an answer, feedback trend, engagement."),
    invoke_without_command=True,
    no_args_is_help=False,
    rich_markup_mode="rich",
)
app.add_typer(report_app, name="report")


def run_report(
    view: View,
    *,
    brand: str | None,
    channel: str | None,
    since: str | None,
    until: str | None,
    period: PeriodChoice,
    format: ReportFormat,
    output: Path | None,
    lang: LangChoice | None,
    config: Path | None,
    database: str | None,
    timings: bool = False,
    negative_first: bool = False,
    limit: int | None = 20,
    csv_dir: Path | None = None,
    email: bool = False,
    email_to: list[str] | None = None,
    force: bool = False,
) -> None:
    """Compute one view for the selected brands and render it in the chosen format."""
    # Computing makes an object per comment and no garbage (see socialmon/_gc.py); rendering, which
    # may build templates and PDF layouts, runs with the collector. What the block keeps (the
    # reports, the modules it loads) lives until the command ends.
    with collector_paused(until_exit=True):
        from socialmon.analytics import WindowError
        from socialmon.report import build_reports, channel_summaries

        loaded = config_or_exit(config, database=database)
        use_for(loaded, None, lang.value if lang else None)  # an unknown --brand is said in --lang too
        brand = chosen_brand(loaded, brand)
        channel = chosen_channel(loaded, brand, channel)
        use_for(loaded, brand, lang.value if lang else None)  # the problems below are said in it
        if output is not None:
            format = output_format(format, output, given=_format_given.get())
            problem_found = output_problem(output)
            if problem_found is not None:
                fail(problem_found)
        if output is None and not (email or email_to) and csv_dir is None and sys.stdout.isatty():
            # Checked before any work: a PDF's or a workbook's bytes would fill the terminal.
            if format is ReportFormat.pdf:
                fail(_("a PDF file is not for a terminal: give --output report.pdf"))
            if format is ReportFormat.xlsx:
                fail(_("an xlsx file is not for a terminal: give --output report.xlsx"))
        if format is ReportFormat.pdf:
            _require_pdf(loaded, brand, lang)
        if format is ReportFormat.xlsx:
            _require_xlsx(loaded, brand, lang)
        if csv_dir is not None:
            format = _csv_dir_format(format, csv_dir)
        slugs = _brands_with(loaded, brand, channel)
        mail_to, left_out = _email_destinations(loaded, slugs, email_to) if email or email_to else (None, {})
        with database_or_exit(loaded, database) as db:
            try:
                # The brands of `slugs`: build_reports keeps those that have the --channel itself.
                reports = build_reports(
                    db,
                    loaded,
                    brand=brand,
                    channel=channel,
                    view=view,
                    since=since,
                    until=until,
                    period=period.value,
                    negative_first=negative_first,
                    limit=limit,
                )
            except WindowError as error:
                fail(window_problem(error))
            started = time.perf_counter()
            # Every view says which channels' last scan failed or was partial; the summary shows them all.
            channels = channel_summaries(db, brand, channel)
            summaries = channels if view == "summary" else None
            overview_seconds = time.perf_counter() - started
    if format is not ReportFormat.json and any(c.last_error for c in channels):  # JSON gives no reason
        languages = {r.slug: _language(r, lang) for r in reports}
        channels = _reasons_in_their_language(channels, languages)
    if timings:  # plain lines: a JSON report loads no rich for them
        lines = [
            f"{report.slug} {name}: {seconds * 1000:.1f} ms\n"
            for report in reports
            for name, seconds in report.timings.items()
        ]
        if summaries is not None:
            lines.append(f"all channel_overview: {overview_seconds * 1000:.1f} ms\n")
        sys.stderr.write("".join(lines))
        sys.stderr.flush()
    if mail_to is None:
        _render(loaded, reports, summaries, channels, format, output, csv_dir, lang)
        return
    complete = _email_reports(
        loaded, database, reports, lang, view, mail_to, left_out=left_out, force=force, channels=channels
    )
    if output is not None or csv_dir is not None:  # without them, for cron: the e-mail is the report
        _render(loaded, reports, summaries, channels, format, output, csv_dir, lang)
    if not complete:
        raise typer.Exit(EXIT_FAILED)


def _render(
    loaded: Config,
    reports: list[BrandReport],
    summaries: list[Any] | None,
    channels: list[Any],
    format: ReportFormat,
    output: Path | None,
    csv_dir: Path | None,
    lang: LangChoice | None,
) -> None:
    """The computed reports in `format`, to `output` (or the terminal) or `csv_dir`."""
    if csv_dir is not None or format is ReportFormat.xlsx or (format is ReportFormat.csv and _zip(output)):
        _write_spreadsheets([(r, _lang(loaded, r, lang)) for r in reports], format, output, csv_dir, channels)
        return
    if format is ReportFormat.json:
        from socialmon.render.json import render_json

        overview = [s.as_dict() for s in summaries] if summaries is not None else None
        _write(render_json(reports, datetime.now(UTC), overview), output)
        return
    pairs = [(report, _lang(loaded, report, lang)) for report in reports]
    if format is ReportFormat.csv:
        from socialmon.render.csv import render_csv

        sections = [(r.slug, _tables_with_scan_problems(r, lang_, channels)) for r, lang_ in pairs]
        _write(render_csv(sections), output)
    elif format is ReportFormat.md:
        from socialmon.render.markdown import render_markdown

        _write(render_markdown(pairs, channels), output)
    elif format in (ReportFormat.html, ReportFormat.pdf):
        from socialmon.render.html import render_html

        html = render_html(pairs, loaded.base_dir, channels)
        if format is ReportFormat.html:
            _write(html, output)
        else:
            from socialmon.render.html import render_pdf

            brands = len(pairs)
            with _working(
                ngettext("Writing the PDF of {n} brand…", "Writing the PDF of {n} brands…", brands).format(
                    n=brands
                )
            ):
                pdf = render_pdf(html)
            _write_bytes(pdf, output)
    else:
        _print_tables(pairs, summaries, output, lang, channels)


@contextmanager
def _working(what: str) -> Iterator[None]:
    """A spinner on a terminal's stderr while something long runs (a PDF of 20 brands takes ~20 s);
    nothing when stderr is a file or a pipe (cron)."""
    from socialmon.cli._common import err

    if not err.is_terminal:
        yield
        return
    with err.status(what, spinner="dots"):
        yield


def _tables_with_scan_problems(report: BrandReport, lang: Lang, channels: list[Any]) -> list[Any]:
    """The report's tables, led by the brand's channels whose last scan failed or was partial."""
    from socialmon.render.tables import report_tables, scan_problems_table

    problems = scan_problems_table(channels, report.slug, lang)
    return [*([problems] if problems else []), *report_tables(report, lang)]


def window_problem(error: WindowError) -> str:
    """A --since/--until the analytics refused, said in the CLI's language."""
    from socialmon.analytics.scope import EARLIEST, LATEST

    messages = {
        "not_a_date": _("{option} {value} is not a date (2026-11-01), a time, or a span like 7d, 4w, 3m"),
        "too_small": _("{option} {value}: the number must be at least 1"),
        "out_of_range": _(
            "{option} {value} is outside the dates a report can cover ({earliest} to {latest})"
        ),
        "order": _("the start of the window (--since) must be before its end (--until)"),
        "future": _("{option} {value} starts the window in the future: today is {today} in {zone}"),
    }
    return messages[error.problem].format(
        option=error.option,
        value=repr(error.value),
        earliest=EARLIEST.isoformat(),
        latest=LATEST.isoformat(),
        today=error.today.isoformat() if error.today else "",
        zone=error.zone,
    )


def output_format(format: ReportFormat, output: Path, *, given: bool) -> ReportFormat:
    """The format to write `output` in: `--format` when given, else the file's extension; exit 2
    when they disagree, or when the extension says nothing and `--format` was not given."""
    suffix = output.suffix.lower()
    known = ", ".join(sorted({s for s in FORMAT_BY_SUFFIX if s not in (".htm", ".markdown")}))
    implied = FORMAT_BY_SUFFIX.get(suffix)
    if given:
        if implied is not None and implied is not format:
            fail(
                _(
                    "--format {format} does not match {file} (a {suffix} file is written as {implied}): "
                    "drop --format, or name the file {other}"
                ).format(
                    format=format.value,
                    file=output.name,
                    suffix=suffix,
                    implied=implied.value,
                    other=output.with_suffix(_suffix_of(format)).name,
                )
            )
        return format
    if implied is not None:
        return implied
    if not suffix:
        return format  # no extension: the terminal's table, as plain text
    fail(
        _("cannot tell the format of {file} from {suffix}: use one of {known}, or give --format").format(
            file=output.name, suffix=repr(suffix), known=known
        )
    )


def _suffix_of(format: ReportFormat) -> str:
    return ".txt" if format is ReportFormat.table else f".{format.value}"


def _brands_with(config: Config, brand: str | None, channel: str | None) -> list[str]:
    """The slugs of the brands a report covers: `brand`, or every brand; with a --channel, only
    those that have it (a --channel google of 20 brands, 7 with one, is 7 reports, not 13 empty
    ones besides, nor 13 empty reports e-mailed). `brand` and `channel` as `chosen_brand` and
    `chosen_channel` return them."""
    brands = [b for b in config.brands if brand is None or b.slug == brand]
    if channel is None:
        return [b.slug for b in brands]
    having = {b.slug for b, _channel in config.channels_named(channel, brand)}
    return [b.slug for b in brands if b.slug in having]


def _reasons_in_their_language(channels: list[Any], languages: dict[str, str]) -> list[Any]:
    """Each failed or partial channel's stored reason said in its brand's report language, as the
    scan said it (socialmon's own words; a platform's own text stays as written)."""
    from dataclasses import replace

    from socialmon.cli import _i18n
    from socialmon.cli._config_words import said_error

    said = []
    spoken = _i18n.current()
    try:
        for summary in channels:
            language = languages.get(summary.brand)
            if summary.last_error and language in _i18n.LANGUAGES:
                _i18n.use(language)
                summary = replace(summary, last_error=said_error(summary.last_error))
            said.append(summary)
    finally:
        _i18n.use(spoken)
    return said


def _report_language(config: Config, brand: str | None, lang: LangChoice | None) -> Lang:
    """What a message about the report is said in before any report is built: --lang, else the
    (first selected) brand's language."""
    from socialmon.render.i18n import Lang

    if lang is not None:
        return Lang(lang.value)
    chosen = config.brands_named(brand) if brand else config.brands
    return Lang(next((b.language for b in chosen), "en"))


def _lang(config: Config, report: BrandReport, override: LangChoice | None) -> Lang:
    from socialmon.render.i18n import Lang

    brand = config.brand(report.slug)
    country = brand.business_hours.holidays if brand and brand.business_hours else None
    return Lang(_language(report, override), country, report.timezone)


def _language(report: BrandReport, override: LangChoice | None) -> str:
    """The language of a brand's report: --lang, else the brand's."""
    return override.value if override else report.language


def _file_width() -> int:
    """The width of a table report written to a file by `-o`: $COLUMNS when set, as `> file` gives
    (a mail client or a phone showing 80 columns), else 140 (the wide layout)."""
    columns = os.environ.get("COLUMNS", "").strip()
    return int(columns) if columns.isdigit() and int(columns) > 0 else 140


def _print_tables(
    pairs: list[tuple[BrandReport, Lang]],
    summaries: list[Any] | None,
    output: Path | None,
    lang: LangChoice | None,
    channels: list[Any],
) -> None:
    from rich.console import Console

    from socialmon.render.i18n import Lang
    from socialmon.render.tables import channel_overview, scan_problem_lines
    from socialmon.render.terminal import render_terminal

    with output_file(output) if output else standard_output_checked() as handle:
        console = Console(file=handle, width=_file_width()) if handle else out
        if not pairs or (summaries is not None and not summaries) or not any(r.channels for r, _ in pairs):
            said_in = pairs[0][1] if pairs else Lang(lang.value if lang else "en")
            say(console, said_in("no_data_yet"))
            return
        for report, report_lang in pairs:
            mine = [s for s in summaries or [] if s.brand == report.slug]
            extra = [channel_overview(mine, report_lang)] if mine else []
            problems = scan_problem_lines(channels, report.slug, report_lang)
            console.print(render_terminal(report, report_lang, extra, problems))


def _write(text: str, output: Path | None) -> None:
    if output is None:
        if sys.stdout.isatty():  # a CSV or Markdown report read in a terminal: no escape sequence
            text = terminal_text(text, multiline=True)
        to_standard_output(text if text.endswith("\n") else text + "\n")
        return
    with output_file(output) as handle:
        handle.write(text)
    say(err, _("wrote {path}").format(path=output))


def _write_bytes(data: bytes, output: Path | None) -> None:
    if output is None:
        to_standard_output(data)
        return
    with output_file(output, "wb") as handle:
        handle.write(data)
    say(err, _("wrote {path}").format(path=output))


def _require_pdf(config: Config, brand: str | None, lang: LangChoice | None) -> None:
    try:
        import weasyprint  # type: ignore[import-not-found]  # noqa: F401
    except (ImportError, OSError):
        fail(_report_language(config, brand, lang)("pdf_missing"))


def _require_xlsx(config: Config, brand: str | None, lang: LangChoice | None) -> None:
    try:
        import openpyxl  # noqa: F401
    except ImportError:
        fail(_report_language(config, brand, lang)("xlsx_missing"))


def _zip(output: Path | None) -> bool:
    return output is not None and output.suffix.lower() == ".zip"


def _csv_dir_format(format: ReportFormat, folder: Path) -> ReportFormat:
    """`--csv-dir` writes CSVs: with no --format (or -f csv) it is the CSV format; a folder whose parent
    does not exist is a usage error."""
    if _format_given.get() and format is not ReportFormat.csv:
        fail(
            _("--csv-dir writes CSV files: drop --format {format}, or use -f csv").format(format=format.value)
        )
    parent = folder.expanduser().absolute().parent
    if not parent.is_dir():
        fail(
            _(
                "cannot write {path}: the folder {folder} does not exist (create it first, or choose another)"
            ).format(path=folder, folder=parent)
        )
    return ReportFormat.csv


def _write_spreadsheets(
    pairs: list[tuple[BrandReport, Lang]],
    format: ReportFormat,
    output: Path | None,
    csv_dir: Path | None,
    channels: list[Any],
) -> None:
    """One CSV per table (a folder, or a zip) or an xlsx with a sheet per table (socialmon/render/spreadsheets.py)."""
    from socialmon.render import spreadsheets

    sections = [(r.slug, lang_, _tables_with_scan_problems(r, lang_, channels)) for r, lang_ in pairs]
    if format is ReportFormat.xlsx:
        _write_bytes(spreadsheets.render_xlsx(sections), output)
        return
    files = spreadsheets.csv_files(sections)
    if csv_dir is not None:
        try:
            spreadsheets.write_csv_folder(files, csv_dir)
        except OSError as error:
            failed = Path(error.filename) if error.filename else csv_dir
            remove_partial(failed)
            fail(_("cannot write {path}: {reason}").format(path=failed, reason=error.strerror or error))
        say(
            err,
            ngettext(
                "wrote {count} CSV file in {path}", "wrote {count} CSV files in {path}", len(files)
            ).format(count=len(files), path=csv_dir),
        )
    if _zip(output):
        _write_bytes(spreadsheets.csv_zip(files), output)


def _email_destinations(
    config: Config, slugs: list[str], to: list[str] | None
) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """Each selected brand's mail settings with its recipients, resolved before anything is computed,
    and the brands that cannot be sent: a line saying why (no recipients, incomplete mail settings)
    with the brands it names. Those are left out and the others sent; when none can be sent, or a
    --email-to is no address, it is a usage error (exit 2): nothing is done."""
    from dataclasses import replace

    from socialmon.cli._config_words import said_email_problem
    from socialmon.config import ConfigError
    from socialmon.report_email import NoRecipients, ReportEmailError, report_destination

    found = {}
    without_recipients: list[str] = []
    said_once: dict[str, list[str]] = {}  # a problem of [smtp] is every brand's: one line for them all
    own_line: dict[str, str] = {}  # each of those problems as the brand's own, placed in the brand
    for brand_config in config.brands:
        if brand_config.slug not in slugs:
            continue
        try:
            found[brand_config.slug] = report_destination(config, brand_config, to)
        except NoRecipients:
            without_recipients.append(brand_config.slug)
        except ConfigError as error:
            # Said without the brand's own place ("brand 'x', "): an [smtp] without a host is the
            # same problem for every brand, one line naming them all.
            where = f"brand '{brand_config.slug}'"  # as Config.alert_destinations places them
            unplaced = [replace(each, where="") if each.where == where else each for each in error.problems]
            shared = said_email_problem(ConfigError(unplaced))
            said_once.setdefault(shared, []).append(brand_config.slug)
            own_line.setdefault(shared, said_email_problem(error))
        except ReportEmailError as error:  # a --email-to that is no address: for every brand
            fail(f"--email: {said_email_problem(error)}")
    left_out: dict[str, list[str]] = {}
    for reason, brands in said_once.items():
        if len(brands) > 1:
            left_out[f"{', '.join(brands)}: {reason}"] = brands
        elif own_line[reason] != reason:  # placed in its brand: the brand named once, by the config's words
            left_out[own_line[reason]] = brands
        else:  # a problem of [smtp] alone, for this one brand
            left_out[f"{brands[0]}: {reason}"] = brands
    if len(without_recipients) == 1:
        left_out[said_email_problem(NoRecipients(without_recipients[0]))] = without_recipients
    elif without_recipients:
        line = _(
            "brands {brands} have no e-mail recipients: set [brands.alerts.email] to = [...] in the "
            "config, or give --email-to ADDRESS"
        ).format(brands=", ".join(repr(slug) for slug in without_recipients))
        left_out[line] = without_recipients
    if not found:
        for line in left_out:
            problem(_("error"), f"--email: {line}")
        raise typer.Exit(EXIT_USAGE)
    return found, left_out


def _email_reports(
    config: Config,
    database: str | None,
    reports: list[BrandReport],
    lang: LangChoice | None,
    view: str,
    destinations: dict[str, Any],
    *,
    left_out: dict[str, list[str]],  # why, and the brands it names (see _email_destinations)
    force: bool,
    channels: list[Any],
) -> bool:
    """Send each brand's report once per window; False (a partial result) when a brand's report
    was not sent: the mail server did not take it, or the brand was `left_out` (each reason said)."""
    from socialmon.alerts._errors import DeliveryError
    from socialmon.cli._config_words import said
    from socialmon.render.html import render_html, render_pdf
    from socialmon.render.tables import scan_problem_lines
    from socialmon.report_email import build_report_email, send_report

    try:
        import weasyprint  # type: ignore[import-not-found]  # noqa: F401
    except (ImportError, OSError):
        with_pdf = False
    else:
        with_pdf = True
    failed: list[str] = []
    with database_or_exit(config, database) as db:
        for report in reports:
            destination = destinations.get(report.slug)
            if destination is None:
                continue
            report_lang = _lang(config, report, lang)
            html = render_html([(report, report_lang)], config.base_dir, channels)
            message = build_report_email(
                destination,
                report,
                report_lang,
                html,
                render_pdf(html) if with_pdf else None,
                scan_problems=scan_problem_lines(channels, report.slug, report_lang),
            )
            try:
                result = send_report(db, destination, report, message, view=view, force=force)
            except DeliveryError as error:
                failed.append(report.slug)
                say(
                    err,
                    _("error: the report of {brand} was not sent: {error}").format(
                        brand=report.slug, error=said(str(error))
                    ),
                    style="red",
                )
                continue
            window = _("{brand}, {first} to {last}").format(
                brand=report.slug, first=result.first_day, last=result.last_day
            )
            if result.sent:
                refused = (
                    _(" (refused: {addresses})").format(addresses=", ".join(result.refused))
                    if result.refused
                    else ""
                )
                say(
                    err,
                    _("e-mailed the report ({window}) to {recipients}").format(
                        window=window, recipients=", ".join(result.recipients)
                    )
                    + refused,
                )
            else:
                say(
                    err,
                    _(
                        "the report ({window}) was e-mailed already; nothing sent (--force sends it again)"
                    ).format(window=window),
                )
    for line in left_out:
        problem(_("not sent"), line, style="bold yellow")
    not_sent = [*(slug for slugs in left_out.values() for slug in slugs), *failed]
    if not_sent:
        total = len(destinations) + len(not_sent) - len(failed)
        problem(
            _("partial"),
            ngettext(
                "the report of {n} of {total} brands was not e-mailed: {brands}",
                "the reports of {n} of {total} brands were not e-mailed: {brands}",
                len(not_sent),
            ).format(n=len(not_sent), total=total, brands=", ".join(not_sent)),
            style="bold yellow",
        )
    return not not_sent


@report_app.callback(
    help=_(
        "The summary: response times, who is waiting for an answer, feedback trend, engagement, per channel."
    )
)
def report(
    ctx: typer.Context,
    brand: BrandOption = None,
    channel: ChannelOption = None,
    since: SinceOption = None,
    until: UntilOption = None,
    period: PeriodOption = PeriodChoice.week,
    format: FormatOption = ReportFormat.table,
    output: OutputOption = None,
    lang: LangOption = None,
    timings: TimingsOption = False,
    config: ConfigOption = None,
    database: DatabaseOption = None,
    csv_dir: CsvDirOption = None,
    email: EmailOption = False,
    email_to: EmailToOption = None,
    force: ForceOption = False,
) -> None:
    if ctx.invoked_subcommand is not None:
        return
    run_report(
        "summary",
        brand=brand,
        channel=channel,
        since=since,
        until=until,
        period=period,
        format=format,
        output=output,
        lang=lang,
        config=config,
        database=database,
        timings=timings,
        csv_dir=csv_dir,
        email=email,
        email_to=email_to,
        force=force,
    )


@report_app.command(
    "response-times",
    help=_(
        "First response times per channel and period: count, response rate, median, p90, mean, SLA share."
    ),
)
def response_times(
    brand: BrandOption = None,
    channel: ChannelOption = None,
    since: SinceOption = None,
    until: UntilOption = None,
    period: PeriodOption = PeriodChoice.week,
    format: FormatOption = ReportFormat.table,
    output: OutputOption = None,
    lang: LangOption = None,
    timings: TimingsOption = False,
    config: ConfigOption = None,
    database: DatabaseOption = None,
) -> None:
    run_report(
        "response-times",
        brand=brand,
        channel=channel,
        since=since,
        until=until,
        period=period,
        format=format,
        output=output,
        lang=lang,
        config=config,
        database=database,
        timings=timings,
    )


@report_app.command(
    "trends",
    help=_(
        "Feedback per day, week or month: volume, sentiment shares, net sentiment, rating, rising negative terms."
    ),
)
def trends(
    brand: BrandOption = None,
    channel: ChannelOption = None,
    since: SinceOption = None,
    until: UntilOption = None,
    period: PeriodOption = PeriodChoice.week,
    format: FormatOption = ReportFormat.table,
    output: OutputOption = None,
    lang: LangOption = None,
    timings: TimingsOption = False,
    config: ConfigOption = None,
    database: DatabaseOption = None,
) -> None:
    run_report(
        "trends",
        brand=brand,
        channel=channel,
        since=since,
        until=until,
        period=period,
        format=format,
        output=output,
        lang=lang,
        config=config,
        database=database,
        timings=timings,
    )
