"""A comment or message whose text says nothing (a photo, a sticker, "<Multimedia omitido>") has no label.

Before, such texts were scored, and every one of them counted as a neutral opinion in the
brand's shares. Scans and `rescore` now leave them without a language, score or label (the
scorer and its version stay, so `rescore` does not take them for stale); this clears the labels
stored before. A person's label (`label_override`) is kept.

Revision ID: 0013_unlabelled_blank_texts
Revises: 0012_alert_progress
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013_unlabelled_blank_texts"
down_revision: str | None = "0012_alert_progress"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    comment = sa.table(
        "comment",
        sa.column("text", sa.Text()),
        sa.column("language", sa.String()),
        sa.column("sentiment_compound", sa.Float()),
        sa.column("sentiment_label", sa.String()),
        sa.column("sentiment_mixed", sa.Boolean()),
    )
    op.execute(
        comment.update()
        .where(sa.func.trim(comment.c.text) == "")
        .values(language=None, sentiment_compound=None, sentiment_label=None, sentiment_mixed=None)
    )


def downgrade() -> None:
    # The cleared labels are not written back: they were a neutral that said nothing.
    pass
