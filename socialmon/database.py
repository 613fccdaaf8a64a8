"""One engine factory for SQLite and PostgreSQL, and schema upgrades through Alembic.

SQLite runs in WAL mode so reports can read while a scan writes; write transactions
start with `BEGIN IMMEDIATE` so that two processes queue for the write lock instead of
failing half-way through a read-then-write transaction.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError, OperationalError

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
_PG_UPGRADE_LOCK = 0x50C1A1  # advisory lock id serialising concurrent upgrades on PostgreSQL


class DatabaseError(Exception):
    """The database cannot be opened or upgraded; the message says what to do."""


@dataclass(frozen=True)
class SchemaStatus:
    current: str | None
    head: str

    @property
    def up_to_date(self) -> bool:
        return self.current == self.head


def create_db_engine(url: str) -> Engine:
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise DatabaseError(f"not a database URL: {url!r}") from None
    kwargs: dict[str, Any] = {}
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database
        if database and database != ":memory:":
            folder = Path(database).parent
            if not folder.exists():
                raise DatabaseError(f"the folder for the SQLite database does not exist: {folder}")
        kwargs["connect_args"] = {"timeout": 60}
    elif parsed.get_backend_name() == "postgresql" and parsed.drivername == "postgresql":
        parsed = parsed.set(drivername="postgresql+psycopg")
    try:
        engine = create_engine(parsed, **kwargs)
    except (NoSuchModuleError, ModuleNotFoundError) as error:
        raise DatabaseError(
            f"no driver for {parsed.drivername}: {error}. For PostgreSQL: pip install 'socialmon[postgres]'"
        ) from None
    if engine.dialect.name == "sqlite":
        _configure_sqlite(engine)
    return engine


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # let SQLAlchemy's "begin" event issue BEGIN itself
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=60000")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Connection) -> None:
        immediate = connection.info.pop("socialmon_immediate", False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


class Database:
    """An engine plus the operations every part of socialmon needs from it."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = create_db_engine(url)

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @property
    def sqlite_path(self) -> Path | None:
        database = self.engine.url.database
        if self.dialect == "sqlite" and database and database != ":memory:":
            return Path(database)
        return None

    def display_url(self) -> str:
        """The URL with any password hidden, for messages."""
        return self.engine.url.render_as_string(hide_password=True)

    @contextmanager
    def write(self) -> Iterator[Connection]:
        """A connection in a write transaction that commits on success and rolls back on error."""
        with self.engine.connect() as connection:
            if self.dialect == "sqlite":
                connection.info["socialmon_immediate"] = True
            with connection.begin():
                yield connection

    @contextmanager
    def read(self) -> Iterator[Connection]:
        with self.engine.connect() as connection:
            yield connection

    # --- schema -----------------------------------------------------------------

    def _alembic_config(self, connection: Connection) -> Any:
        from alembic.config import Config as AlembicConfig

        config = AlembicConfig()
        config.set_main_option("script_location", str(MIGRATIONS_DIR))
        config.attributes["connection"] = connection
        return config

    def _recorded_revision(self) -> str | None:
        """The one revision in `alembic_version`, or None (no table, no row, several rows)."""
        try:
            with self.read() as connection:
                rows = connection.execute(text("SELECT version_num FROM alembic_version")).all()
        except Exception:  # any failure: let alembic look properly
            return None
        return rows[0][0] if len(rows) == 1 else None

    def schema_status(self) -> SchemaStatus:
        from alembic.runtime.migration import MigrationContext
        from alembic.script import ScriptDirectory

        head = ScriptDirectory(str(MIGRATIONS_DIR)).get_current_head()
        assert head is not None
        try:
            with self.read() as connection:
                current = MigrationContext.configure(connection).get_current_revision()
        except OperationalError as error:
            raise DatabaseError(f"cannot open the database {self.display_url()}: {error.orig}") from None
        return SchemaStatus(current=current, head=head)

    def upgrade(self) -> SchemaStatus | None:
        """Bring the schema to the newest revision; returns the status before, or None if nothing was done."""
        if self._recorded_revision() == _plain_head():  # the common case, without importing alembic
            return None
        from alembic import command

        status = self.schema_status()
        if status.up_to_date:
            return None
        try:
            with self.write() as connection:
                if self.dialect == "postgresql":
                    connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_UPGRADE_LOCK})
                command.upgrade(self._alembic_config(connection), "head")
        except OperationalError as error:
            raise DatabaseError(f"cannot upgrade the database {self.display_url()}: {error.orig}") from None
        return status

    def dispose(self) -> None:
        self.engine.dispose()


def _plain_head() -> str | None:
    """The head revision read from the migration files' headers; None unless one plain chain.

    Only a shortcut for `upgrade`: anything unexpected gives None or a revision that does not
    match the database's, and alembic then decides.
    """
    revisions: set[str] = set()
    parents: set[str] = set()
    for path in (MIGRATIONS_DIR / "versions").glob("*.py"):
        source = path.read_text(encoding="utf-8")
        revision = re.search(r'^revision: str = "([^"]+)"$', source, re.MULTILINE)
        parent = re.search(r'^down_revision: str \| None = (?:"([^"]+)"|None)$', source, re.MULTILINE)
        if revision is None or parent is None:
            if "revision" in source:
                return None
            continue
        revisions.add(revision.group(1))
        if parent.group(1):
            parents.add(parent.group(1))
    heads = revisions - parents
    return heads.pop() if len(heads) == 1 else None


def open_database(url: str, *, upgrade: bool = True) -> Database:
    """Open the database and, unless told not to, upgrade its schema in place."""
    database = Database(url)
    if upgrade:
        database.upgrade()
    return database
