"""`socialmon pending`: customer comments still waiting for a reply, oldest first."""

from __future__ import annotations

from typing import Annotated

import typer

from socialmon.cli._app import app
from socialmon.cli._common import BrandOption, ChannelOption, ConfigOption, DatabaseOption
from socialmon.cli._i18n import _
from socialmon.cli.report import (
    FormatOption,
    LangOption,
    OutputOption,
    PeriodChoice,
    ReportFormat,
    UntilOption,
    run_report,
)


@app.command(
    help=_("Who is still waiting for an answer: channel, author, how long, sentiment and link, oldest first.")
)
def pending(
    brand: BrandOption = None,
    channel: ChannelOption = None,
    since: Annotated[
        str | None,
        typer.Option(
            "--since",
            help=_(
                "Only comments written since: a date (2026-11-01) or a span back from today: 7d, 4w, "
                "3m. Default: every comment still waiting, whatever its age."
            ),
        ),
    ] = None,
    until: UntilOption = None,
    negative_first: Annotated[
        bool,
        typer.Option(
            "--negative-first", help=_("Negative comments first, then the rest; oldest first in each.")
        ),
    ] = False,
    limit: Annotated[
        int, typer.Option("--limit", "-n", min=0, help=_("Show at most this many, oldest first (0: all)."))
    ] = 50,
    format: FormatOption = ReportFormat.table,
    output: OutputOption = None,
    lang: LangOption = None,
    config: ConfigOption = None,
    database: DatabaseOption = None,
) -> None:
    run_report(
        "pending",
        brand=brand,
        channel=channel,
        since=since,
        until=until,
        period=PeriodChoice.week,
        format=format,
        output=output,
        lang=lang,
        config=config,
        database=database,
        negative_first=negative_first,
        limit=limit or None,  # 0: every one, as `alerts --limit 0`
    )
