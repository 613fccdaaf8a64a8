"""Covering indexes for reports: a window's comments and a post's reactions read from the index alone.

The window index widens (channel, created) of 0003 with every column the report's window
queries read — pairing with replies, trend, worst comments, the channel overview — so they
never visit the table; the reactions index widens (channel, post) of 0001 likewise for
engagement per post. Each replaces the narrower index it starts with (same leading columns,
so every lookup the old one served it serves too): no extra index to write on scans.

Revision ID: 0005_report_covering_index
Revises: 0004_alerts
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0005_report_covering_index"
down_revision: str | None = "0004_alerts"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

WINDOW_COLUMNS = [
    "channel_id",
    "created_at",
    "is_business",
    "deleted",
    "platform_id",
    "parent_platform_id",
    "sentiment_label",
    "label_override",
    "rating",
    "sentiment_compound",
]
REACTION_COLUMNS = [
    "channel_id",
    "post_platform_id",
    "deleted",
    "is_business",
    "sentiment_label",
    "label_override",
]


def upgrade() -> None:
    op.create_index("ix_comment_report_window", "comment", WINDOW_COLUMNS)
    op.drop_index("ix_comment_channel_created", table_name="comment")
    op.create_index("ix_comment_post_reactions", "comment", REACTION_COLUMNS)
    op.drop_index("ix_comment_channel_post", table_name="comment")


def downgrade() -> None:
    op.create_index("ix_comment_channel_post", "comment", ["channel_id", "post_platform_id"])
    op.drop_index("ix_comment_post_reactions", table_name="comment")
    op.create_index("ix_comment_channel_created", "comment", ["channel_id", "created_at"])
    op.drop_index("ix_comment_report_window", table_name="comment")
