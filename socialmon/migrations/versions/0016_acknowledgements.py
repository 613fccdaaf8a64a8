"""A customer's thanks or closing acknowledgement waits for no answer: `comment.is_acknowledgement`.

Most chats end with the customer's "Perfecto, gracias!", "obrigado!" or "👍", and posts gather
"¡Gracias! 😍": each was listed as waiting (`pending`, the report's needs-reply list, the `waiting`
alert) and lowered the response rate. The flag (`socialmon.acknowledgement`, decided from the text
as the comment is written) keeps them out of both; they still count in the sentiment figures.

The comments stored before get their flag here, not from a later `socialmon rescore`: the
reports and alerts are right as soon as the database is upgraded, with nothing more to run, and
the same way on SQLite and PostgreSQL (the rule is Python, not SQL). Only the texts short enough
to be a thanks are read (`MAX_CHARACTERS`, by SQL's `length`, which counts characters as Python
does), and only those found are written; the column's default says false for all the others.

The report's covering index (`ix_comment_report_window`, 0005) takes the column last, so that the
pairing filters on it from the index alone, without reading each comment's row.

Revision ID: 0016_acknowledgements
Revises: 0015_replies_closed
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from socialmon.acknowledgement import MAX_CHARACTERS, is_acknowledgement

revision: str = "0016_acknowledgements"
down_revision: str | None = "0015_replies_closed"
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
_CHUNK = 500  # ids per UPDATE … IN (…): well under SQLite's variable limit


def upgrade() -> None:
    with op.batch_alter_table("comment", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("is_acknowledgement", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    comment = sa.table(
        "comment",
        sa.column("id", sa.Integer()),
        sa.column("text", sa.Text()),
        sa.column("is_acknowledgement", sa.Boolean()),
    )
    connection = op.get_bind()
    # Streamed (a server-side cursor on PostgreSQL): a large database's short texts are not all
    # held at once; only the ids of the thanks are kept, and written once the reading is done.
    # (On the statement: a connection's execution options stay with it, and the UPDATE and the
    # index's DDL are no cursor's query.)
    short = sa.select(comment.c.id, comment.c.text).where(sa.func.length(comment.c.text) <= MAX_CHARACTERS)
    rows = connection.execute(short.execution_options(stream_results=True))
    found = [row_id for part in rows.partitions(2000) for row_id, said in part if is_acknowledgement(said)]
    for start in range(0, len(found), _CHUNK):
        connection.execute(
            comment.update()
            .where(comment.c.id.in_(found[start : start + _CHUNK]))
            .values(is_acknowledgement=True)
        )
    op.drop_index("ix_comment_report_window", table_name="comment")
    op.create_index("ix_comment_report_window", "comment", [*WINDOW_COLUMNS, "is_acknowledgement"])


def downgrade() -> None:
    op.drop_index("ix_comment_report_window", table_name="comment")
    op.create_index("ix_comment_report_window", "comment", WINDOW_COLUMNS)
    with op.batch_alter_table("comment", schema=None) as batch_op:
        batch_op.drop_column("is_acknowledgement")
