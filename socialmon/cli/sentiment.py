"""Sentiment housekeeping: re-score after a scorer upgrade, correct labels, export corrections."""

from __future__ import annotations

import csv
import json
import sys
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from socialmon.cli._app import app
from socialmon.cli._common import (
    BrandOption,
    ConfigOption,
    DatabaseOption,
    chosen_brand,
    config_or_exit,
    database_or_exit,
    err,
    fail,
    is_terminal,
    label_word,
    out,
    output_file,
    say,
    standard_output_checked,
)
from socialmon.cli._i18n import _, count, ngettext, use_for
from socialmon.sentiment import get_scorer

if TYPE_CHECKING:
    from socialmon.labels import LabelError  # imported by the command itself: it needs the database


def parse_since(value: str | None) -> datetime | None:
    """--since as `report` and `pending` read it (a date, a time, or a span back from today: 7d, 4w,
    3m), in UTC: rescoring spans every brand, whatever its time zone."""
    if value is None:
        return None
    from socialmon.analytics.scope import WindowError, parse_moment

    try:
        return parse_moment(value, "UTC", datetime.now(UTC))
    except WindowError as error:
        from socialmon.cli.report import window_problem  # (only on a mistake: `rescore` runs without it)

        fail(window_problem(error))


@app.command(
    "rescore",
    help=_(
        "Re-score comments scored by another scorer or version (after an upgrade of socialmon, or a "
        "change of `sentiment` in the config), in batches.\n\n"
        "Safe to interrupt: each batch is committed, and the next run continues where it stopped."
    ),
)
def rescore_command(
    since: Annotated[
        str | None,
        typer.Option(
            "--since",
            help=_(
                "Only comments written since: a date (2026-01-31), a time, or a span back from today: 7d, 4w, 3m."
            ),
        ),
    ] = None,
    batch_size: Annotated[
        int, typer.Option("--batch-size", min=1, max=100_000, help=_("Comments per commit."))
    ] = 2000,
    config: ConfigOption = None,
    database: DatabaseOption = None,
) -> None:
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from socialmon.rescore import count_stale, rescore

    loaded = config_or_exit(config, database=database)
    try:
        scorer = get_scorer(loaded.settings.sentiment.scorer, loaded.settings.sentiment.languages)
    except KeyError as error:
        fail(_("{path}: field 'sentiment.scorer': {problem}").format(path=loaded.path, problem=error.args[0]))
    start = parse_since(since)
    with database_or_exit(loaded, database) as db:
        total = count_stale(db, scorer, start)
        if total == 0:
            say(
                out,
                _("every comment is already scored by {scorer} {version}").format(
                    scorer=scorer.name, version=scorer.version
                ),
            )
            return
        if is_terminal():
            with Progress(
                TextColumn(_("re-scoring")),
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                console=err.console,
            ) as progress:
                task = progress.add_task("rescore", total=total)
                done = rescore(
                    db,
                    scorer,
                    since=start,
                    batch_size=batch_size,
                    progress=lambda n: progress.advance(task, n),
                )
        else:
            done = rescore(db, scorer, since=start, batch_size=batch_size)
    say(
        out,
        ngettext(
            "re-scored {count} comment with {scorer} {version}",
            "re-scored {count} comments with {scorer} {version}",
            done,
        ).format(count=count(done), scorer=scorer.name, version=scorer.version),
    )


@app.command(
    "label",
    help=_(
        "Correct a customer comment's sentiment label; reports and alerts use the correction from then on."
    ),
)
def label_command(
    comment: Annotated[
        str,
        typer.Argument(
            help=_(
                "The comment: its reference as `pending` and the reports show it (#k3m9x2, or k3m9x2: "
                "unquoted, a shell reads # as a comment), its platform id, or brand/channel/platform-id."
            ),
            show_default=False,
        ),
    ],
    label: Annotated[
        str | None,
        typer.Argument(
            help=_("The right label: positive, neutral or negative (or positivo, neutral, negativo)."),
            show_default=False,
        ),
    ] = None,
    clear: Annotated[
        bool, typer.Option("--clear", help=_("Remove the correction; the scorer's label applies again."))
    ] = False,
    config: ConfigOption = None,
    database: DatabaseOption = None,
) -> None:
    from socialmon.labels import LabelError, label_comment

    if (label is None) == (not clear):
        fail(_("give a label (positive, neutral or negative; positivo, neutral, negativo) or --clear"))
    loaded = config_or_exit(config, database=database)
    with database_or_exit(loaded, database) as db:
        try:
            found, stored = label_comment(db, comment, None if clear else label)
        except LabelError as error:
            fail(label_problem(error))
    text = " ".join(found.text.split())
    text = text if len(text) <= 100 else text[:99] + "…"
    author = _(" by {author}").format(author=found.author) if found.author else ""
    say(out, (found.ref, "bold"), f" {found.address}{author}: “{text}”")
    scorer = (
        _(" (the scorer says {label})").format(label=label_word(found.scorer_label))
        if found.scorer_label
        else ""
    )
    say(
        out,
        _("correction removed") + scorer
        if clear
        else _("labelled {label}").format(label=label_word(stored)) + scorer,
    )


def label_problem(error: LabelError) -> str:
    """Why `label` refused, said in the CLI's language."""
    messages = {
        "not_found": _(
            "no comment {reference}: give its reference (like #k3m9x2, shown by `socialmon pending` "
            "and the reports), its platform id, or brand/channel/platform-id"
        ),
        "ambiguous": _(
            "{reference} names more than one comment: {names}; write it as brand/channel/platform-id"
        ),
        "business_reply": _(
            "{ref} ({address}) is the business's own reply, not a customer comment: only customers' "
            "comments are labelled"
        ),
        "unknown_label": _("unknown label {label}: use one of {labels} (or positivo, neutral, negativo)"),
        "no_row": _("no comment with id {id}"),
    }
    return messages[error.problem].format(**error.values)


class ExportFormat(StrEnum):
    csv = "csv"
    jsonl = "jsonl"


@app.command(
    "export-labels",
    help=_("Write the comments people labelled (text, language, label) to build an evaluation set."),
)
def export_labels(
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help=_("File to write (default: standard output)."))
    ] = None,
    format: Annotated[
        ExportFormat, typer.Option("--format", "-f", help=_("csv or jsonl."))
    ] = ExportFormat.csv,
    brand: BrandOption = None,
    config: ConfigOption = None,
    database: DatabaseOption = None,
) -> None:
    from socialmon.labels import labelled_comments

    loaded = config_or_exit(config, database=database)
    use_for(loaded, None)  # an unknown --brand is said in the config's language
    brand = chosen_brand(loaded, brand)
    use_for(loaded, brand)
    fields = ["id", "brand", "channel", "text", "language", "label", "scorer_label", "scorer", "created_at"]
    with database_or_exit(loaded, database) as db:
        rows = [
            {
                "id": item.id,
                "brand": item.brand,
                "channel": item.channel,
                "text": item.text,
                "language": item.language or "",
                "label": item.label,
                "scorer_label": item.scorer_label or "",
                "scorer": item.scorer or "",
                "created_at": item.created_at.isoformat(),
            }
            for item in labelled_comments(db, brand)
        ]
    # A missing folder, or a write that fails (a full disk), is one line and exit 2.
    with output_file(output, newline="") if output else standard_output_checked() as opened:
        handle = opened if opened is not None else sys.stdout
        if format is ExportFormat.csv:
            writer = csv.DictWriter(handle, fieldnames=fields)
            writer.writeheader()
            writer.writerows(rows)
        else:
            for row in rows:
                handle.write(json.dumps(row, ensure_ascii=False) + "\n")
    if output:
        say(
            out,
            ngettext(
                "wrote {count} labelled comment to {path}",
                "wrote {count} labelled comments to {path}",
                len(rows),
            ).format(count=len(rows), path=output),
        )
