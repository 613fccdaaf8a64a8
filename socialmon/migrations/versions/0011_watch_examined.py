"""The texts the watch-list rule examined, so that a later run reads only the texts it has not.

A run every 15 minutes matched again every unanswered comment of the lookback (15,000 on
`bench_alerts.py --days 7`), although the run before had matched the same texts with the same
terms. Each row says: this comment's text, at this length and update time, was examined with
these terms (a digest), and what matched is in an alert.

Revision ID: 0011_watch_examined
Revises: 0010_reactions_index_rating
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011_watch_examined"
down_revision: str | None = "0010_reactions_index_rating"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "watch_examined",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("brand_id", sa.Integer(), nullable=False),
        sa.Column("comment_id", sa.Integer(), nullable=False),
        sa.Column("terms", sa.String(length=64), nullable=False),
        sa.Column("text_length", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("examined_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["brand_id"], ["brand.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("brand_id", "comment_id", name="uq_watch_examined_brand_comment"),
    )


def downgrade() -> None:
    op.drop_table("watch_examined")
