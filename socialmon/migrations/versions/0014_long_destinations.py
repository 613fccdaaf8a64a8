"""A delivery's destination holds any e-mail address: 320 characters instead of 100.

Each recipient's deliveries are recorded under `email:` and its mailbox, which may be 254
characters (RFC 5321); an address longer than 94 stopped `alerts send` on PostgreSQL ("value too
long for type character varying(100)") for every recipient and webhook of the brand, at every run.
The rows stay as they are.

Revision ID: 0014_long_destinations
Revises: 0013_unlabelled_blank_texts
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014_long_destinations"
down_revision: str | None = "0013_unlabelled_blank_texts"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("alert_delivery", schema=None) as batch_op:
        batch_op.alter_column(
            "destination",
            existing_type=sa.String(length=100),
            type_=sa.String(length=320),
            existing_nullable=False,
        )


def downgrade() -> None:
    # A longer destination already recorded does not fit back: PostgreSQL refuses the downgrade.
    with op.batch_alter_table("alert_delivery", schema=None) as batch_op:
        batch_op.alter_column(
            "destination",
            existing_type=sa.String(length=320),
            type_=sa.String(length=100),
            existing_nullable=False,
        )
