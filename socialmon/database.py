"""One engine factory for SQLite and PostgreSQL, and schema upgrades through Alembic.

SQLite runs in WAL mode so reports can read while a scan writes; write transactions
start with `BEGIN IMMEDIATE` so that two processes queue for the write lock instead of
failing half-way through a read-then-write transaction.
"""

from __future__ import annotations

import re
import weakref
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    # SQLAlchemy is imported where an engine is made or an error is looked at, not with this module:
    # every command module imports it (through cli/_common.py), and `socialmon --help` took
    # 0.45 s of which importing SQLAlchemy was 0.2 s of CPU (measured with -X importtime).
    from sqlalchemy import Connection, Engine

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
_PG_UPGRADE_LOCK = 0x50C1A1  # advisory lock id serialising concurrent upgrades on PostgreSQL


class DatabaseError(Exception):
    """The database cannot be opened or upgraded; the message says what to do."""


class DamagedDatabase(DatabaseError):
    """The SQLite file is not a database, or a damaged one."""


class NewerDatabase(DatabaseError):
    """The schema was written by a newer socialmon: this version does not know its revision."""


_SQLITE_CORRUPT = 11  # sqlite3's SQLITE_CORRUPT and SQLITE_NOTADB primary result codes
_SQLITE_NOTADB = 26
_SQLITE_READONLY = 8  # ... SQLITE_READONLY ("attempt to write a readonly database")
_SQLITE_CANTOPEN = 14  # ... SQLITE_CANTOPEN ("unable to open database file")

# What the driver says when a PostgreSQL server cannot be reached, as libpq and psycopg write it
# (in English whatever the server's language: these are the client's words, not the server's).
_CONNECTING = re.compile(
    r"^connection failed|connection to server (?:at|on socket)|failed to resolve host|"
    r"could not translate host name"
)
_NO_ANSWER = re.compile(
    r"Connection refused|No such file or directory|timeout expired|Network is unreachable|"
    r"No route to host|Connection timed out",
    re.IGNORECASE,
)
_UNKNOWN_HOST = re.compile(
    r"failed to resolve host '(?P<host>[^']+)'|could not translate host name \"(?P<name>[^\"]+)\"",
)
# The server's own answer (its FATAL message) for a database that is not there; a server set to
# answer in another language (lc_messages) says it otherwise, and is then said as written.
_NO_DATABASE = re.compile(r'FATAL:\s+database "(?P<name>[^"]+)" does not exist')
_SERVER_AT = re.compile(
    r'connection to server (?:at "(?P<host>[^"]+)"(?: \([^)]*\))?, port (?P<port>\d+)|on socket "(?P<socket>[^"]+)")'
)


def damage(error: BaseException) -> str | None:
    """What is wrong with the SQLite file, if `error` (from sqlite3) says that it is damaged; else None."""
    import sqlite3

    from sqlalchemy.exc import DBAPIError

    original = error.orig if isinstance(error, DBAPIError) else error
    if not isinstance(original, sqlite3.DatabaseError):
        return None
    code = (getattr(original, "sqlite_errorcode", None) or 0) & 0xFF
    message = str(original).lower()
    if code == _SQLITE_NOTADB or "file is not a database" in message:
        return "not a database"
    if code == _SQLITE_CORRUPT or "database disk image is malformed" in message:
        return "malformed"
    return None


@dataclass(frozen=True)
class SchemaStatus:
    current: str | None
    head: str

    @property
    def up_to_date(self) -> bool:
        return self.current == self.head


_POSTGRES_SCHEME = re.compile(r"^postgres(?=[+:])", re.IGNORECASE)


def normalise_url(url: str) -> str:
    """`postgres://…` (as Heroku and Render give it) as `postgresql://…`: SQLAlchemy dropped the
    `postgres` name in 1.4 (sqlalchemy/sqlalchemy#5799). Every other URL as it is."""
    return _POSTGRES_SCHEME.sub("postgresql", url, count=1)


def create_db_engine(url: str) -> Engine:
    from sqlalchemy import create_engine
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError, NoSuchModuleError

    try:
        parsed = make_url(normalise_url(url))
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
    elif engine.dialect.name == "postgresql":
        _configure_postgresql(engine)
    return engine


def _configure_postgresql(engine: Engine) -> None:
    from sqlalchemy import event

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # No JIT compilation: PostgreSQL compiles a query whose estimated cost passes
        # jit_above_cost, and the report's pairing of 32,000 comments with their first replies
        # passes it: 15-19 ms of compiling for a query that runs in ~100 ms, twice per report
        # (measured on bench_report's 1M comments; PostgreSQL / SQLite 1.21x -> 1.17x). A SET,
        # not a startup option: PgBouncer refuses unknown startup options, and an `options`
        # parameter would replace PGOPTIONS and a service file's. Refused (a server before 11,
        # a pooler that forbids SET): the queries run as the server is configured.
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute("SET jit = off")
            dbapi_connection.commit()
        except Exception:
            dbapi_connection.rollback()
        finally:
            cursor.close()


def _configure_sqlite(engine: Engine) -> None:
    from sqlalchemy import event

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # let SQLAlchemy's "begin" event issue BEGIN itself
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        # Checkpoint the write-ahead log every 20,000 pages (~80 MB) instead of SQLite's 1,000:
        # a scan's page of 2,000 comments dirties thousands of index pages, so with the default every
        # commit copied them all back into the database; here a checkpoint copies each page once for
        # several commits (bench_scan storage CPU 73-75 -> 58-62 us per comment at 200,000).
        cursor.execute("PRAGMA wal_autocheckpoint=20000")
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
        self.url = normalise_url(url)
        self.engine = create_db_engine(self.url)
        # This process's channel locks on the database (`locking.ChannelLocks`), which page writes confirm.
        self.lock_holders: weakref.WeakSet[Any] = weakref.WeakSet()

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @property
    def sqlite_path(self) -> Path | None:
        database = self.engine.url.database
        if self.dialect == "sqlite" and database and database != ":memory:":
            return Path(database)
        return None

    @property
    def file_missing(self) -> bool:
        """A SQLite database whose file does not exist yet: opening it would create it (empty, 4 KB)."""
        return self.sqlite_path is not None and not self.sqlite_path.exists()

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

    def confirm_locks(self, connection: Connection, channel_ids: Iterable[int]) -> None:
        """In a write transaction: raise `locking.ChannelLockLost` if this process took the lock of one
        of `channel_ids` and lost it to another process (see `ChannelLocks.confirm`)."""
        ids = set(channel_ids)
        for holder in list(self.lock_holders):
            holder.confirm(connection, ids)

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
        """The one revision in `alembic_version`, or None (no table, no row, several rows, no connection)."""
        try:
            with self.read() as connection:
                return _one_revision(connection)
        except Exception:  # any failure: let alembic look properly
            return None

    def _where(self) -> str:
        return str(self.sqlite_path or self.display_url())

    def damaged(self, error: BaseException) -> DamagedDatabase | None:
        """The message for `error` (or an error it was raised from) if it says the SQLite file is damaged."""
        if self.dialect != "sqlite":
            return None
        import sqlite3

        for original in _driver_errors(error, sqlite3.DatabaseError):
            what = damage(original)
            if what is not None:
                return DamagedDatabase(
                    f"the database file {self._where()} is damaged ({what}): restore a backup, "
                    "or move it aside to start afresh"
                )
        return None

    def explained(self, error: BaseException) -> DatabaseError | None:
        """The message for `error` when it says what is wrong in words a person can act on: a
        damaged or read-only SQLite file, a PostgreSQL server that does not answer, a database
        that does not exist; None for any other error."""
        return self.damaged(error) or self._read_only(error) or self._unreachable(error)

    def _read_only(self, error: BaseException) -> DatabaseError | None:
        """A SQLite file that cannot be written: SQLite opens a file it may not write read-only,
        then fails on the first write (or on creating its -wal and -shm files beside it)."""
        import sqlite3

        path = self.sqlite_path
        original = next(_driver_errors(error, sqlite3.Error), None)
        if path is None or original is None:
            return None
        code = (getattr(original, "sqlite_errorcode", None) or 0) & 0xFF
        message = str(original).lower()
        refused = code == _SQLITE_READONLY or "readonly database" in message
        if not refused and (code == _SQLITE_CANTOPEN or "unable to open database file" in message):
            # "unable to open" says nothing of why: read-only only when the file or folder is.
            refused = not _writable(path.parent) or (path.exists() and not _writable(path))
        return _read_only_problem(path) if refused else None

    def _unreachable(self, error: BaseException) -> DatabaseError | None:
        """A PostgreSQL server that cannot be connected to: none answers at its address, or it
        has no database of that name (the error is the driver's, raised while connecting)."""
        if self.dialect != "postgresql":
            return None
        from sqlalchemy.exc import DBAPIError, OperationalError

        # Raised while connecting: SQLAlchemy has no statement then, and libpq names the server it
        # tried. An error of a statement (a table missing, a permission) or of a commit (which
        # has no statement either) is said as before.
        if not isinstance(error, OperationalError) or error.statement is not None:
            return None
        original = error.orig if isinstance(error, DBAPIError) else error
        text = str(original)
        if not _CONNECTING.search(text):
            return None
        url = self.engine.url
        display = self.display_url()
        at = _SERVER_AT.search(text)
        if at is not None and at["socket"]:
            address = at["socket"]
        elif at is not None:
            address = f"{at['host']}:{at['port']}"
        else:
            address = f"{url.host or 'localhost'}:{url.port or 5432}"
        missing = _NO_DATABASE.search(text)
        if missing is not None:
            command = ["createdb"]
            if url.host:
                command += ["-h", url.host]
            if url.port:
                command += ["-p", str(url.port)]
            if url.username:
                command += ["-U", url.username]
            import shlex

            return DatabaseError(
                f"the database {missing['name']} does not exist on the server at {address}: create it "
                f"(`{shlex.join([*command, missing['name']])}`), or correct its name in the database URL"
            )
        unknown = _UNKNOWN_HOST.search(text)
        if unknown is not None:
            return DatabaseError(
                f"cannot connect to {display}: the host name {unknown['host'] or unknown['name']} "
                "is not known; check it in the database URL"
            )
        if _NO_ANSWER.search(text):
            return DatabaseError(
                f"cannot connect to {display}: no PostgreSQL server answers at {address}; is it "
                "running there, and is the address right?"
            )
        # Another refusal while connecting (a password, a user the server does not know): the
        # driver's own first line, as `socialmon worker` says it.
        first = (text.strip().splitlines() or [""])[0].removeprefix("connection failed: ")
        return DatabaseError(f"cannot connect to {display}: {first}")

    def _cannot(self, action: str, error: Any) -> DatabaseError:
        if action == "create" and getattr(error, "statement", "") is None:
            # Failed while connecting, before anything was created: an existing file that cannot
            # be opened was said to be "created".
            action = "open"
        return self.explained(error) or DatabaseError(
            f"cannot {action} the database {self.display_url()}: {error.orig}"
        )

    def unwritable(self) -> DatabaseError | None:
        """Why this process could not write the SQLite file (or create it, or its -wal and -shm
        files beside it): the file or its folder read-only; None when it could, or for PostgreSQL.
        Found without opening the file (`check` creates and changes nothing): SQLite opens a file
        it may not write read-only, and only a write fails, in the middle of a scan."""
        path = self.sqlite_path
        if path is None or (_writable(path.parent) and (not path.exists() or _writable(path))):
            return None
        return _read_only_problem(path)

    def schema_status(self) -> SchemaStatus:
        from sqlalchemy.exc import DatabaseError as SQLDatabaseError

        # A database at the head revision, as `upgrade` reads it, without importing alembic and
        # reading every migration script: 0.2 s of `socialmon check`'s ~0.8 s (-X importtime).
        # A database that cannot be reached is said so at the first try, not after a second one.
        head = _plain_head()
        if head is not None:
            try:
                with self.read() as connection:
                    recorded = _one_revision(connection)
            except SQLDatabaseError as error:
                raise self._cannot("open", error) from None
            if recorded == head:
                return SchemaStatus(current=head, head=head)
        from alembic.runtime.migration import MigrationContext
        from alembic.script import ScriptDirectory

        script = ScriptDirectory(str(MIGRATIONS_DIR))
        head = script.get_current_head()
        assert head is not None
        try:
            with self.read() as connection:
                recorded = MigrationContext.configure(connection).get_current_heads()
        except SQLDatabaseError as error:
            raise self._cannot("open", error) from None
        known = {revision.revision for revision in script.walk_revisions()}
        unknown = [revision for revision in recorded if revision not in known]
        if unknown:
            raise NewerDatabase(
                f"the database {self._where()} was written by a newer socialmon "
                f"(schema {', '.join(unknown)}): upgrade socialmon"
            )
        if len(recorded) > 1:
            raise DatabaseError(
                f"the database {self._where()} records several schema revisions ({', '.join(recorded)}): "
                "restore a backup"
            )
        return SchemaStatus(current=recorded[0] if recorded else None, head=head)

    def verify(self) -> None:
        """Raise `DamagedDatabase` unless SQLite's quick check passes (reads every page: for `check`)."""
        if self.dialect != "sqlite" or self.sqlite_path is None or not self.sqlite_path.exists():
            return
        from sqlalchemy.exc import DatabaseError as SQLDatabaseError

        try:
            with self.read() as connection:
                rows = [str(row[0]) for row in connection.exec_driver_sql("PRAGMA quick_check(1)")]
        except SQLDatabaseError as error:
            raise self._cannot("check", error) from None
        if rows != ["ok"]:
            found = " ".join(" ".join(rows).replace("*** in database main ***", "").split())[:200]
            raise DamagedDatabase(
                f"the database file {self._where()} is damaged (malformed: {found}): "
                "restore a backup, or move it aside to start afresh"
            )

    def upgrade(self, *, direct_create: bool = True) -> SchemaStatus | None:
        """Bring the schema to the newest revision; returns the status before, or None if nothing was done.

        A database with no tables at all gets the whole schema at once and is stamped with the
        newest revision, the way Alembic's documentation describes for a new database
        ("create_all, then stamp head"): the first scan of the quick start spent 0.25 s importing
        Alembic and replaying nine migrations (measured with -X importtime and cProfile), against
        0.03 s for this. `tests/test_storage.py` checks that both ways build the same schema;
        `direct_create=False` replays the migrations (for that test). The tables are created from
        their Core description (`socialmon.tables`), which tests/test_tables.py proves compiles to
        the models' DDL: importing the models for it (SQLModel, the ORM) cost 0.15-0.2 s more.
        """
        recorded = self._recorded_revision()
        head = _plain_head()
        if recorded == head:  # the common case, without importing alembic
            return None
        if direct_create and recorded is None and head is not None and self._create_if_empty(head):
            return SchemaStatus(current=None, head=head)
        from alembic import command
        from sqlalchemy import inspect, text
        from sqlalchemy.exc import DatabaseError as SQLDatabaseError

        status = self.schema_status()
        if status.up_to_date:
            return None
        try:
            with self.write() as connection:
                if self.dialect == "postgresql":
                    connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_UPGRADE_LOCK})
                # Read again under the lock (SQLite: the write lock): another `socialmon upgrade` may
                # have done it meanwhile, and then this one did nothing.
                # (A failed statement would abort PostgreSQL's transaction: the table is looked for first.)
                current = (
                    _one_revision(connection) if inspect(connection).has_table("alembic_version") else None
                )
                if current == status.head:
                    return None
                if current is not None:
                    status = SchemaStatus(current=current, head=status.head)
                command.upgrade(self._alembic_config(connection), "head")
        except SQLDatabaseError as error:
            raise self._cannot("upgrade", error) from None
        return status

    def _create_if_empty(self, head: str) -> bool:
        """Create the schema's tables and stamp `head` if the database has no table; False otherwise."""
        from sqlalchemy import inspect, text
        from sqlalchemy.exc import DatabaseError as SQLDatabaseError

        try:
            with self.write() as connection:
                if self.dialect == "postgresql":
                    connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_UPGRADE_LOCK})
                # Checked under the lock: another process may have created them meanwhile.
                if inspect(connection).get_table_names():
                    return False
                statements = _schema_ddl(connection.dialect)
                if self.dialect == "postgresql":
                    # One round trip for the whole schema (no parameters: psycopg sends it as a
                    # simple query, which may hold several statements). Opening a new database
                    # took 150-180 ms with create_all (a round trip and a catalog check per
                    # table), 85-128 ms so.
                    connection.exec_driver_sql(";\n".join(statements))
                else:
                    for statement in statements:
                        connection.exec_driver_sql(statement)
                # Alembic's own version table, as `alembic stamp` makes it.
                connection.execute(
                    text(
                        "CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL, "
                        "CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num))"
                    )
                )
                connection.execute(
                    text("INSERT INTO alembic_version (version_num) VALUES (:head)"), {"head": head}
                )
        except SQLDatabaseError as error:
            raise self._cannot("create", error) from None
        return True

    def dispose(self) -> None:
        self.engine.dispose()


_DDL: dict[tuple[str, str, Any], list[str]] = {}


def _schema_ddl(dialect: Any) -> list[str]:
    """The statements `metadata.create_all` runs on an empty database, compiled for `dialect`.

    Gathered through a mock engine, as SQLAlchemy's documentation shows for printing a schema's
    DDL (tables in dependency order, each with its indexes), and kept per dialect and server
    version: a process that creates several databases (the tests create hundreds) compiles
    them once.
    """
    key = (dialect.name, dialect.driver, getattr(dialect, "server_version_info", None))
    found = _DDL.get(key)
    if found is None:
        from sqlalchemy import create_mock_engine

        from socialmon.tables import metadata

        found = []

        def collect(element: Any, *_: Any, **__: Any) -> None:
            found.append(str(element.compile(dialect=dialect)).strip())

        metadata.create_all(
            create_mock_engine(f"{dialect.name}+{dialect.driver}://", collect), checkfirst=False
        )
        _DDL[key] = found
    return found


def _driver_errors(error: BaseException, kind: type[BaseException]) -> Iterator[BaseException]:
    """Each error of type `kind` along `error`'s chain of causes: an error itself, or the driver's
    error it wraps (`orig`, SQLAlchemy's)."""
    seen: BaseException | None = error
    for _ in range(10):  # the chain, bounded
        if seen is None:
            return
        original = seen if isinstance(seen, kind) else getattr(seen, "orig", None)
        if isinstance(original, kind):
            yield original
        seen = seen.__cause__ or seen.__context__


def _writable(path: Path) -> bool:
    """Whether this process may write `path` (a read-only file system refuses even root)."""
    import os

    return os.access(path, os.W_OK)


def _read_only_problem(path: Path) -> DatabaseError:
    """A SQLite file (or the folder it is to be created in) this process may not write."""
    import os

    folder = path.parent
    try:
        read_only_system = bool(os.statvfs(folder).f_flag & os.ST_RDONLY)
    except OSError:
        read_only_system = False
    if read_only_system:
        return DatabaseError(
            f"the database file {path} is on a read-only file system: socialmon writes to it (and "
            "beside it, its -wal and -shm files); copy it to a writable folder and set `database` "
            "to the copy"
        )
    return DatabaseError(
        f"the database file {path} or its folder {folder} is read-only: socialmon writes to both (its "
        "-wal and -shm files go beside it); give the user running socialmon permission to write them"
    )


def _one_revision(connection: Connection) -> str | None:
    """The one revision in `alembic_version` as `connection` sees it, or None (no table, no row,
    several rows, a file that is not a database: alembic then looks, and says what is wrong)."""
    from sqlalchemy import text
    from sqlalchemy.exc import DatabaseError as SQLDatabaseError

    try:
        rows = connection.execute(text("SELECT version_num FROM alembic_version")).all()
    except SQLDatabaseError:
        return None
    return rows[0][0] if len(rows) == 1 else None


def _plain_head() -> str | None:
    """The head revision read from the migration files' headers; None unless one plain chain.

    Only a shortcut for `upgrade` and `schema_status`: anything unexpected gives None or a
    revision that does not match the database's, and alembic then decides. The files alembic
    skips (an editor's `.#` lock, `__init__`) are skipped here too.
    """
    revisions: set[str] = set()
    parents: set[str] = set()
    for path in (MIGRATIONS_DIR / "versions").glob("*.py"):
        if path.name.startswith((".#", "__init__")):
            continue
        try:
            source = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            return None
        revision = re.search(r"""^revision: str = ["']([^"']+)["']$""", source, re.MULTILINE)
        parent = re.search(
            r"""^down_revision: str \| None = (?:["']([^"']+)["']|None)$""", source, re.MULTILINE
        )
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
