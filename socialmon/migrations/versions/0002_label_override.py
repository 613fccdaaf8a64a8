"""Comment label overrides: a person's correction of the scorer's label.

Revision ID: 0002_label_override
Revises: 0001_initial
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002_label_override"
down_revision: str | None = "0001_initial"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("comment") as batch_op:
        batch_op.add_column(sa.Column("label_override", sa.String(length=10), nullable=True))
        batch_op.add_column(sa.Column("label_override_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("comment") as batch_op:
        batch_op.drop_column("label_override_at")
        batch_op.drop_column("label_override")
