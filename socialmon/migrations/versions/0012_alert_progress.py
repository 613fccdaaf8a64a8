"""How far the comment rules have judged a brand, so that a later run reads what may have changed.

A run every 15 minutes read every customer comment of the rules' reach again (99,000 on
`bench_alerts.py --days 7`) to find the few still to judge. `alert_progress` keeps, per brand,
when the rules last judged it, with which settings, which channels they skipped and which comments
they left to judge again; `ix_comment_updated_at` finds the comments written since.

Revision ID: 0012_alert_progress
Revises: 0011_watch_examined
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012_alert_progress"
down_revision: str | None = "0011_watch_examined"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "alert_progress",
        sa.Column("brand_id", sa.Integer(), nullable=False),
        sa.Column("rules", sa.String(length=64), nullable=False),
        sa.Column("judged_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("changed_since", sa.DateTime(timezone=True), nullable=False),
        sa.Column("read_in_full_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("skipped", sa.JSON(), nullable=False),
        sa.Column("pending", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["brand_id"], ["brand.id"]),
        sa.PrimaryKeyConstraint("brand_id"),
    )
    op.create_index("ix_comment_updated_at", "comment", ["updated_at"])


def downgrade() -> None:
    op.drop_index("ix_comment_updated_at", table_name="comment")
    op.drop_table("alert_progress")
