"""A comment's text mixes substantial praise and complaint (the scorer's `mixed` flag).

NULL for comments scored before this version (`socialmon rescore` fills it in).

Revision ID: 0009_sentiment_mixed
Revises: 0008_report_delivery
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009_sentiment_mixed"
down_revision: str | None = "0008_report_delivery"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("comment") as batch_op:
        batch_op.add_column(sa.Column("sentiment_mixed", sa.Boolean(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("comment") as batch_op:
        batch_op.drop_column("sentiment_mixed")
