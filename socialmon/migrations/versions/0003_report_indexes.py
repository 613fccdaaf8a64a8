"""Indexes for reports: a channel's comments and posts in a period, and the first reply to a comment.

The (channel, parent) index of 0001 is replaced by the wider reply-lookup index.

Revision ID: 0003_report_indexes
Revises: 0002_label_override
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0003_report_indexes"
down_revision: str | None = "0002_label_override"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_post_channel_created", "post", ["channel_id", "created_at"])
    op.create_index("ix_comment_channel_created", "comment", ["channel_id", "created_at"])
    op.create_index(
        "ix_comment_reply_lookup",
        "comment",
        ["channel_id", "parent_platform_id", "is_business", "created_at"],
    )
    # Every lookup by (channel, parent) is served by the index above; one index fewer to write on scans.
    op.drop_index("ix_comment_channel_parent", table_name="comment")


def downgrade() -> None:
    op.create_index("ix_comment_channel_parent", "comment", ["channel_id", "parent_platform_id"])
    op.drop_index("ix_comment_reply_lookup", table_name="comment")
    op.drop_index("ix_comment_channel_created", table_name="comment")
    op.drop_index("ix_post_channel_created", table_name="post")
