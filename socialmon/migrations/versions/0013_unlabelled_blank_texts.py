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
        sa.column("id", sa.Integer()),
        sa.column("text", sa.Text()),
        sa.column("language", sa.String()),
        sa.column("sentiment_compound", sa.Float()),
        sa.column("sentiment_label", sa.String()),
        sa.column("sentiment_mixed", sa.Boolean()),
    )
    connection = op.get_bind()
    # Blank as `says_something` reads it (any whitespace, "\n", a no-break space), which SQL's trim
    # (spaces only) does not: the short labelled texts are read and tested here.
    short = connection.execute(
        sa.select(comment.c.id, comment.c.text).where(
            sa.func.length(comment.c.text) <= 64, comment.c.sentiment_label.is_not(None)
        )
    ).all()
    blank = [row.id for row in short if not row.text or row.text.isspace()]
    for start in range(0, len(blank), 500):
        connection.execute(
            comment.update()
            .where(comment.c.id.in_(blank[start : start + 500]))
            .values(language=None, sentiment_compound=None, sentiment_label=None, sentiment_mixed=None)
        )


def downgrade() -> None:
    # The cleared labels are not written back: they were a neutral that said nothing.
    pass
