"""Alembic environment: socialmon always passes an open connection in `config.attributes`."""

from alembic import context

from socialmon.models import metadata

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=metadata,
    render_as_batch=True,  # SQLite can only ALTER through table copies
    transactional_ddl=True,
)
with context.begin_transaction():
    context.run_migrations()
