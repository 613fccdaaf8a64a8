"""Conversations: a post's kind ("post" or "conversation"); messages are comments of kind "message".

A private conversation (Messenger, Instagram Direct, a WhatsApp chat) is stored as a post of
kind "conversation" and each of its messages as a comment of kind "message" under it, so the
natural keys, upserts and cursors of posts and comments serve them unchanged. Existing posts
are all of kind "post" (the column's default); `comment.kind` is already a free VARCHAR(20).

Revision ID: 0007_conversations
Revises: 0006_pending_thread
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007_conversations"
down_revision: str | None = "0006_pending_thread"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("post", sa.Column("kind", sa.String(length=20), nullable=False, server_default="post"))


def downgrade() -> None:
    with op.batch_alter_table("post") as batch:
        batch.drop_column("kind")
