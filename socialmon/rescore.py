"""Re-scoring stored comments after a scorer upgrade: in batches, resumable.

A comment needs a new score when the scorer or version stored beside its score is
not the current one; its thanks flag (`acknowledgement`) is decided again with it. Each batch
commits on its own, and an already re-scored comment carries the new version, so an interrupted
run simply continues where it stopped.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from datetime import datetime
from itertools import groupby

from sqlalchemy import and_, bindparam, func, or_, select, update

from socialmon.acknowledgement import is_acknowledgement
from socialmon.clock import utcnow
from socialmon.database import Database
from socialmon.scoring import ScoringPool
from socialmon.sentiment import Scorer, says_something
from socialmon.tables import BRAND, CHANNEL, COMMENT


def _stale(scorer: Scorer, since: datetime | None) -> list:
    conditions = [
        or_(
            COMMENT.c.sentiment_scorer.is_(None),
            COMMENT.c.sentiment_scorer != scorer.name,
            COMMENT.c.sentiment_version.is_(None),
            COMMENT.c.sentiment_version != scorer.version,
        )
    ]
    if since is not None:
        conditions.append(COMMENT.c.created_at >= since)
    return conditions


def count_stale(database: Database, scorer: Scorer, since: datetime | None = None) -> int:
    with database.read() as connection:
        return connection.execute(select(func.count()).where(and_(*_stale(scorer, since)))).scalar_one()


def stale_summary(database: Database, scorer_name: str, languages: Sequence[str] | None) -> tuple[int, str]:
    """How many stored comments another scorer or version scored (`rescore` scores them again), and
    the scorer `scorer_name` as "name version"; the scorer is not built (no lexicon is read)."""
    from socialmon.sentiment.registry import LazyScorer

    scorer = LazyScorer(scorer_name, languages)
    return count_stale(database, scorer), f"{scorer.name} {scorer.version}"  # type: ignore[arg-type]


def rescore(
    database: Database,
    scorer: Scorer,
    *,
    since: datetime | None = None,
    batch_size: int = 2000,
    progress: Callable[[int], None] | None = None,
    workers: int | None = None,
) -> int:
    """Re-score every comment scored by another scorer or version; returns how many."""
    pool = ScoringPool(scorer, workers)
    done = 0
    after_id = 0
    statement = (
        update(COMMENT)
        .where(COMMENT.c.id == bindparam("row_id"))
        .values(
            language=bindparam("new_language"),
            sentiment_compound=bindparam("new_compound"),
            sentiment_label=bindparam("new_label"),
            sentiment_mixed=bindparam("new_mixed"),
            # Decided from the text as a scan decides it: a row flagged by older word lists (or
            # written around them) is set right with its new score.
            is_acknowledgement=bindparam("new_acknowledgement"),
            sentiment_scorer=scorer.name,
            sentiment_version=scorer.version,
            # A new label is a change the alert rules look for (`alerts.progress`: written since a run);
            # the watch-list reads the text again once too (`watch_examined` compares this time).
            updated_at=bindparam("changed_at"),
        )
    )
    try:
        while True:
            with database.read() as connection:
                batch = connection.execute(
                    select(COMMENT.c.id, COMMENT.c.text, BRAND.c.language)
                    .join(CHANNEL, CHANNEL.c.id == COMMENT.c.channel_id)
                    .join(BRAND, BRAND.c.id == CHANNEL.c.brand_id)
                    .where(and_(COMMENT.c.id > after_id, *_stale(scorer, since)))
                    .order_by(COMMENT.c.id)
                    .limit(batch_size)
                ).all()
            if not batch:
                return done
            # Scored with their brand's language as the hint, as a scan scores them; a text that
            # says nothing (a photo, a sticker) gets no label, as in a scan.
            said = [row for row in batch if says_something(row.text)]
            sentiments = []
            for hint, rows_of_brand in groupby(said, key=lambda row: row.language):
                sentiments += asyncio.run(pool.score([row.text for row in rows_of_brand], hint))
            changed_at = utcnow()
            unlabelled = {"new_language": None, "new_compound": None, "new_label": None, "new_mixed": None}
            rows = [
                {"row_id": row.id, "changed_at": changed_at, "new_acknowledgement": False, **unlabelled}
                for row in batch
                if not says_something(row.text)
            ]
            rows += [
                {
                    "row_id": row_id,
                    "changed_at": changed_at,
                    "new_acknowledgement": is_acknowledgement(said_text),
                    "new_language": s.language,
                    "new_compound": s.compound,
                    "new_label": s.label,
                    "new_mixed": s.mixed,
                }
                for (row_id, said_text, _), s in zip(said, sentiments, strict=True)
            ]
            with database.write() as connection:
                connection.execute(statement, rows)
            after_id = batch[-1][0]
            done += len(batch)
            if progress is not None:
                progress(len(batch))
    finally:
        pool.close()
