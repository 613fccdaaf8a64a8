"""Alerts: what each rule saw, per-destination deliveries with claims, channel token expiry.

Revision ID: 0004_alerts
Revises: 0003_report_indexes
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004_alerts"
down_revision: str | None = "0003_report_indexes"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("alert") as batch_op:
        batch_op.add_column(sa.Column("facts", sa.JSON(), nullable=True))
        batch_op.create_index("ix_alert_brand_open", ["brand_id", "resolved_at", "acknowledged_at"])
    with op.batch_alter_table("channel") as batch_op:
        batch_op.add_column(sa.Column("token_expires_at", sa.DateTime(timezone=True), nullable=True))
    op.create_table(
        "alert_delivery",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("alert_id", sa.Integer(), nullable=False),
        sa.Column("destination", sa.String(length=100), nullable=False),
        sa.Column("claimed_by", sa.String(length=64), nullable=True),
        sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_attempt_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["alert_id"], ["alert.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("alert_id", "destination", name="uq_alert_delivery_destination"),
    )
    op.create_index("ix_alert_delivery_alert_id", "alert_delivery", ["alert_id"])


def downgrade() -> None:
    op.drop_index("ix_alert_delivery_alert_id", table_name="alert_delivery")
    op.drop_table("alert_delivery")
    with op.batch_alter_table("channel") as batch_op:
        batch_op.drop_column("token_expires_at")
    with op.batch_alter_table("alert") as batch_op:
        batch_op.drop_index("ix_alert_brand_open")
        batch_op.drop_column("facts")
