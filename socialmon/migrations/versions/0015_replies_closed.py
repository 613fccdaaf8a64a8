"""A post under which nobody can reply any more: `post.replies_closed`.

Instagram media whose comments the account turned off (`is_comment_enabled: false`), a Reddit post
locked (to an app that is no moderator of it) or archived. Its customers' comments never answered
were listed as waiting forever (`pending`, the report's needs-reply list, the `waiting` alert); they
wait no more, and still count in the sentiment figures and the response rate. Existing posts take
false: the next scan that lists a closed one sets it.

Revision ID: 0015_replies_closed
Revises: 0014_long_destinations
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015_replies_closed"
down_revision: str | None = "0014_long_destinations"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("post", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("replies_closed", sa.Boolean(), nullable=False, server_default=sa.false())
        )


def downgrade() -> None:
    with op.batch_alter_table("post", schema=None) as batch_op:
        batch_op.drop_column("replies_closed")
