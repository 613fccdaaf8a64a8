"""Running the rules of some brands and recording what they find: after a scan, and before a send."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from socialmon.alerts import store
from socialmon.alerts.rules import BrandContext, evaluate_brand
from socialmon.config import BrandConfig, ReportOptions
from socialmon.database import Database
from socialmon.models import utcnow
from socialmon.render.i18n import Lang
from socialmon_connectors.base import Connector


@dataclass
class BrandEvaluation:
    brand: str
    created: list[int] = field(default_factory=list)
    resolved: int = 0
    notes: dict[str, str] = field(default_factory=dict)  # rule -> why it did or did not fire
    skipped: str | None = None


def reply_windows(connectors: Iterable[type[Connector]]) -> dict[str, timedelta]:
    """Platform name -> how long after a comment the business can still answer, for those that limit it."""
    return {c.name: c.reply_window for c in connectors if getattr(c, "reply_window", None)}


def evaluate_alerts(
    database: Database,
    brands: Iterable[BrandConfig],
    reports: ReportOptions,
    windows: Mapping[str, timedelta],
    now: datetime | None = None,
) -> list[BrandEvaluation]:
    """Run every enabled rule of each brand and record the findings (once each); close what resolved."""
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
        context = BrandContext(database, brand, brand_row, reports, now, windows)
        outcomes = evaluate_brand(context)
        evaluation.notes = {o.rule: o.note for o in outcomes if o.note}
        lang = Lang(
            brand.language, brand.business_hours.holidays if brand.business_hours else None, brand.timezone
        )
        recorded = store.record(database, brand_row, outcomes, lang, now)
        evaluation.created = recorded.created
        evaluation.resolved = recorded.resolved
    return evaluations
