"""`socialmon report`: what the data says, per channel."""

from __future__ import annotations

import json
from enum import StrEnum
from typing import Annotated

import typer
from rich.table import Table

from socialmon.cli import app
from socialmon.cli._common import (
    BrandOption,
    ChannelOption,
    ConfigOption,
    DatabaseOption,
    config_or_exit,
    database_or_exit,
    out,
)
from socialmon.report import ChannelSummary, channel_summaries


class ReportFormat(StrEnum):
    table = "table"
    json = "json"


def _share(summary: ChannelSummary, label: str) -> str:
    return f"{summary.share(label):.0%}"


def summary_table(summaries: list[ChannelSummary]) -> Table:
    table = Table(title="Channels")
    table.add_column("channel", style="bold")
    table.add_column("platform")
    table.add_column("posts", justify="right")
    table.add_column("comments", justify="right")
    table.add_column("positive", justify="right", style="green")
    table.add_column("neutral", justify="right")
    table.add_column("negative", justify="right", style="red")
    table.add_column("last scan")
    for s in summaries:
        table.add_row(
            f"{s.brand}/{s.channel}",
            s.platform,
            f"{s.posts:,}",
            f"{s.comments:,}",
            _share(s, "positive"),
            _share(s, "neutral"),
            _share(s, "negative"),
            s.last_status or "never",
        )
    return table


@app.command()
def report(
    brand: BrandOption = None,
    channel: ChannelOption = None,
    format: Annotated[
        ReportFormat, typer.Option("--format", "-f", help="Output format.")
    ] = ReportFormat.table,
    config: ConfigOption = None,
    database: DatabaseOption = None,
) -> None:
    """Per channel: posts, customer comments, and the share of positive, neutral and negative ones."""
    loaded = config_or_exit(config)
    with database_or_exit(loaded, database) as db:
        summaries = channel_summaries(db, brand, channel)
    if format is ReportFormat.json:
        out.print_json(json.dumps({"channels": [s.as_dict() for s in summaries]}))
        return
    if not summaries:
        out.print("no data yet: run `socialmon scan` first")
        return
    out.print(summary_table(summaries))
