"""Running the rules of some brands and recording what they find: after a scan, and before a send."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from socialmon.alerts import store
from socialmon.alerts.rules import BrandContext, HalfImported, half_imported, judge_brand
from socialmon.alerts.wording import alert_lang
from socialmon.clock import utcnow
from socialmon.config import BrandConfig, ReportOptions
from socialmon.database import Database
from socialmon_connectors.base import Connector


@dataclass
class BrandEvaluation:
    brand: str
    created: list[int] = field(default_factory=list)  # new alerts (a digest counts as one)
    resolved: int = 0
    notes: dict[str, str] = field(default_factory=dict)  # rule -> why it did or did not fire
    skipped: str | None = None
    # Half-imported channels the rules did not judge this run (as a str: "<name>: last scan failed").
    skipped_channels: list[HalfImported] = field(default_factory=list)
    grown: list[int] = field(default_factory=list)  # alerts that took in new comments
    requeued: list[int] = field(default_factory=list)  # …of which will be sent again, as an update
    folded: list[int] = field(default_factory=list)  # new alerts past the cap, sent within a digest


def max_per_run(brand: BrandConfig) -> int:
    """The brand's cap on new alerts per run (`[brands.alerts] max_per_run`)."""
    value = getattr(brand.alerts, "max_per_run", None)
    return store.DEFAULT_MAX_PER_RUN if value is None else int(value)


def reply_windows(connectors: Iterable[type[Connector]]) -> dict[str, timedelta]:
    """Platform name -> how long after a comment the business can still answer, for those that limit it."""
    return {c.name: c.reply_window for c in connectors if getattr(c, "reply_window", None)}


def evaluate_alerts(
    database: Database,
    brands: Iterable[BrandConfig],
    reports: ReportOptions,
    windows: Mapping[str, timedelta],
    now: datetime | None = None,
    *,
    incremental: bool = True,
) -> list[BrandEvaluation]:
    """Run every enabled rule of each brand and record the findings (once each); close what resolved.

    `incremental`: the comment rules start from what the last run vouches for (`alerts.progress`);
    False reads their whole reach, as a first run does (the tests compare the two)."""
    now = now or utcnow()
    evaluations = []
    for brand in brands:
        evaluation = BrandEvaluation(brand.slug)
        evaluations.append(evaluation)
        if not brand.alerts.enabled:
            evaluation.skipped = "alerts are disabled for this brand"
            continue
        brand_row = store.brand_id(database, brand.slug)
        if brand_row is None:
            evaluation.skipped = "not scanned yet"
            continue
        context = BrandContext(database, brand, brand_row, reports, now, windows, incremental)
        skipped = half_imported(database, brand_row)
        evaluation.skipped_channels = sorted(skipped.values())
        outcomes, vouched = judge_brand(context, skipped)
        evaluation.notes = {o.rule: o.note for o in outcomes if o.note}
        lang = alert_lang(brand)
        recorded = store.record(
            database,
            brand_row,
            outcomes,
            lang,
            now,
            skipped=skipped,
            max_per_run=max_per_run(brand),
            progress=vouched,
        )
        evaluation.created = recorded.created
        evaluation.resolved = recorded.resolved
        evaluation.grown = recorded.grown
        evaluation.requeued = recorded.requeued
        evaluation.folded = recorded.folded
    return evaluations
