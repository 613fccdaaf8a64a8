"""Storage on a real SQLite file and a real PostgreSQL: upserts, atomic pages, migrations."""

from __future__ import annotations

import asyncio
import logging
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Text, func, select, text

import socialmon.database as database_module
from socialmon.config import BrandConfig, ChannelConfig
from socialmon.database import Database, open_database
from socialmon.models import Channel, Comment, Post, metadata
from socialmon.scan import PageWriter
from socialmon.sentiment import Scorer, get_scorer
from socialmon.storage import PageResult, Store
from socialmon_connectors.records import CommentRecord, Page, PostRecord

BRAND = BrandConfig(name="Café Uno", timezone="America/Guayaquil", language="es")
CHANNEL = ChannelConfig(name="export", platform="file", account="cafe")
WHEN = datetime(2026, 10, 1, 12, tzinfo=UTC)


def make_page(n_comments: int, cursor: int, text: str = "I love it, great service") -> Page:
    return Page(
        posts=[PostRecord(platform_id="p1", created_at=WHEN, text="our post")],
        comments=[
            CommentRecord(platform_id=f"c{i}", post_id="p1", created_at=WHEN, author_id=f"u{i}", text=text)
            for i in range(n_comments)
        ],
        cursor={"position": cursor},
    )


@pytest.fixture(scope="module")
def vader() -> Scorer:
    """One VADER scorer for the module's stores (scoring changes nothing in it; its analyzer is
    one per process anyway, see socialmon.sentiment.vader)."""
    return get_scorer("vader")


@pytest.fixture
def store(database_url: str, vader: Scorer) -> Store:
    database = open_database(database_url)
    yield Store(database, vader)
    database.dispose()


def count(store: Store, model: type) -> int:
    with store.database.read() as connection:
        return connection.execute(select(func.count()).select_from(model.__table__)).scalar_one()


def test_saving_the_same_page_twice_adds_nothing(store: Store) -> None:
    channel = store.sync_channel(BRAND, CHANNEL)
    first = store.save_page(channel.id, make_page(50, 1))
    second = store.save_page(channel.id, make_page(50, 1))
    assert (first.new_posts, first.new_comments) == (1, 50)
    assert (second.new_posts, second.new_comments, second.updated_comments) == (0, 0, 0)
    assert count(store, Comment) == 50 and count(store, Post) == 1
    assert store.cursor(channel.id) == {"position": 1}


def test_an_edited_comment_updates_its_text_and_score(store: Store) -> None:
    channel = store.sync_channel(BRAND, CHANNEL)
    store.save_page(channel.id, make_page(3, 1, text="I love it, great service"))
    result = store.save_page(channel.id, make_page(3, 2, text="Terrible, rude staff. I hate it"))
    assert result.updated_comments == 3 and result.new_comments == 0
    with store.database.read() as connection:
        rows = connection.execute(select(Comment.__table__.c.text, Comment.__table__.c.sentiment_label)).all()
    assert {tuple(row) for row in rows} == {("Terrible, rude staff. I hate it", "negative")}


def test_a_changed_count_keeps_the_stored_score_without_rescoring(store: Store) -> None:
    channel = store.sync_channel(BRAND, CHANNEL)
    store.save_page(channel.id, make_page(2, 1))
    scored_before = store.timings.texts_scored
    liked = make_page(2, 2)
    liked.comments[0] = liked.comments[0].model_copy(update={"like_count": 9})
    result = store.save_page(channel.id, liked)
    assert result.updated_comments == 1
    assert store.timings.texts_scored == scored_before  # same text: the stored score is kept
    with store.database.read() as connection:
        labels = connection.execute(select(Comment.__table__.c.sentiment_label)).scalars().all()
    assert labels == ["positive", "positive"]


def test_a_deleted_comment_is_marked_and_keeps_its_text(store: Store) -> None:
    channel = store.sync_channel(BRAND, CHANNEL)
    store.save_page(channel.id, make_page(1, 1, text="Never again, they cheated me"))
    gone = CommentRecord(
        platform_id="c0", post_id="p1", created_at=WHEN, author_id="u0", text="", deleted=True
    )
    store.save_page(channel.id, Page(comments=[gone], cursor={"position": 2}))
    with store.database.read() as connection:
        row = connection.execute(select(Comment.__table__.c.text, Comment.__table__.c.deleted)).one()
    assert tuple(row) == ("Never again, they cheated me", True)


def test_a_deleted_business_reply_and_post_keep_who_wrote_them_and_what(store: Store) -> None:
    channel = store.sync_channel(BRAND, CHANNEL)
    reply = CommentRecord(
        platform_id="r1",
        post_id="p1",
        parent_id="c0",
        created_at=WHEN,
        author_id="b1",
        author_name="Café Uno",
        is_business=True,
        text="Sorry, we refunded you",
    )
    store.save_page(channel.id, Page(posts=make_page(0, 1).posts, comments=[reply], cursor={"position": 1}))
    # What Reddit and others send once it is deleted: no author, no text, not the business's.
    blanked = reply.model_copy(
        update={"author_id": None, "author_name": "", "is_business": False, "text": ""}
    )
    gone_post = PostRecord(platform_id="p1", created_at=WHEN, text="", deleted=True)
    store.save_page(
        channel.id, Page(posts=[gone_post], comments=[blanked.model_copy(update={"deleted": True})])
    )
    with store.database.read() as connection:
        comment = connection.execute(select(Comment.__table__)).mappings().one()
        post = connection.execute(select(Post.__table__)).mappings().one()
    assert comment["deleted"] and comment["is_business"]
    assert (comment["author_id"], comment["author_name"], comment["text"]) == (
        "b1",
        "Café Uno",
        "Sorry, we refunded you",
    )
    assert post["deleted"] and post["text"] == "our post"


def _stored_comment(store: Store) -> dict[str, Any]:
    with store.database.read() as connection:
        return dict(connection.execute(select(Comment.__table__)).mappings().one())


def test_a_record_that_no_longer_names_its_author_keeps_the_stored_one(store: Store) -> None:
    """Reddit's "[deleted]" account: the words stay, the author goes. The business's reply stays its."""
    channel = store.sync_channel(BRAND, CHANNEL)
    reply = CommentRecord(
        platform_id="r1", post_id="p1", parent_id="c0", created_at=WHEN, author_id="b1",
        author_name="Café Uno", is_business=True, text="Sorry, we refunded you",
    )  # fmt: skip
    store.save_page(channel.id, Page(posts=make_page(0, 1).posts, comments=[reply]))
    withheld = reply.model_copy(
        update={
            "author_id": None,
            "author_name": None,
            "is_business": False,
            "text": "Sorry, we refunded you!",
        }
    )
    assert store.save_page(channel.id, Page(comments=[withheld])).updated_comments == 1
    stored = _stored_comment(store)
    assert (stored["author_id"], stored["author_name"], stored["is_business"]) == ("b1", "Café Uno", True)
    assert stored["text"] == "Sorry, we refunded you!" and not stored["deleted"]
    renamed = withheld.model_copy(update={"author_id": "b1", "author_name": "Café Uno Centro"})
    store.save_page(channel.id, Page(comments=[renamed]))
    assert _stored_comment(store)["author_name"] == "Café Uno Centro"  # a name the platform gives wins


def test_a_reply_whose_time_is_its_last_change_keeps_its_first_time(store: Store) -> None:
    """Google's owner reply has only `updateTime`: an edit weeks later is an edit, not a late answer."""
    channel = store.sync_channel(BRAND, CHANNEL)
    first = datetime(2026, 10, 1, 13, tzinfo=UTC)
    edited = datetime(2026, 10, 25, 9, tzinfo=UTC)
    reply = CommentRecord(
        platform_id="r1", post_id=None, parent_id="review1", kind="review", created_at=first,
        is_business=True, text="Thanks!", created_at_is_last_change=True,
    )  # fmt: skip
    store.save_page(channel.id, Page(comments=[reply]))
    store.save_page(
        channel.id, Page(comments=[reply.model_copy(update={"created_at": edited, "text": "Thank you!"})])
    )
    stored = _stored_comment(store)
    assert (stored["created_at"], stored["edited_at"], stored["text"]) == (first, edited, "Thank you!")
    # Seen again unchanged: nothing moves.
    assert (
        store.save_page(
            channel.id, Page(comments=[reply.model_copy(update={"created_at": edited, "text": "Thank you!"})])
        ).updated_comments
        == 0
    )
    assert _stored_comment(store)["created_at"] == first


def test_a_records_later_time_is_taken_when_it_is_its_creation(store: Store) -> None:
    """A corrected date in an export is the date: only a record that says its time is a last change keeps the first."""
    channel = store.sync_channel(BRAND, CHANNEL)
    comment = CommentRecord(platform_id="c1", post_id="p1", created_at=WHEN, text="Hola")
    store.save_page(channel.id, Page(posts=make_page(0, 1).posts, comments=[comment]))
    later = datetime(2026, 10, 3, 12, tzinfo=UTC)
    store.save_page(channel.id, Page(comments=[comment.model_copy(update={"created_at": later})]))
    assert (_stored_comment(store)["created_at"], _stored_comment(store)["edited_at"]) == (later, None)


def test_a_run_left_running_by_a_killed_scan_is_marked_interrupted_when_the_next_one_starts(
    store: Store,
) -> None:
    """A scan killed with SIGKILL never finishes its run; the next scan (holding the channel's
    lock, so nothing else scans it) says what became of it."""
    from socialmon.models import ScanRun

    channel = store.sync_channel(BRAND, CHANNEL)
    killed = store.start_run(channel.id)  # and never finished
    other = store.sync_channel(BRAND, CHANNEL.model_copy(update={"name": "other"}))
    elsewhere = store.start_run(other.id)  # another channel's, still running: not this scan's
    started = store.begin_run(channel.id)
    table = ScanRun.__table__.c
    with store.database.read() as connection:
        rows = {
            row.id: (row.status, row.finished_at is not None, row.error)
            for row in connection.execute(select(table.id, table.status, table.finished_at, table.error))
        }
    assert rows[killed][:2] == ("interrupted", True) and "was killed" in rows[killed][2]
    assert rows[started.run_id] == ("running", False, None)
    assert rows[elsewhere] == ("running", False, None)


def test_a_page_and_its_cursor_commit_together_or_not_at_all(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    channel = store.sync_channel(BRAND, CHANNEL)
    store.save_page(channel.id, make_page(5, 1))
    original = store._upsert

    def fail_on_comments(connection, table, rows, keys, updates):  # type: ignore[no-untyped-def]
        if table.name == "comment":
            raise RuntimeError("disk full")
        return original(connection, table, rows, keys, updates)

    monkeypatch.setattr(store, "_upsert", fail_on_comments)
    page = make_page(10, 2)
    page.posts.append(PostRecord(platform_id="p2", created_at=WHEN))
    with pytest.raises(RuntimeError):
        store.save_page(channel.id, page)
    assert (
        count(store, Comment) == 5 and count(store, Post) == 1
    )  # the post written before the failure rolled back
    assert store.cursor(channel.id) == {"position": 1}


def test_pages_of_several_channels_commit_together_each_with_its_cursor(store: Store) -> None:
    first = store.sync_channel(BRAND, CHANNEL)
    second = store.sync_channel(BRAND, ChannelConfig(name="other", platform="file", account="cafe2"))
    results = store.save_pages([(first.id, make_page(3, 1)), (second.id, make_page(2, 5))])
    assert [(r.new_posts, r.new_comments) for r in results] == [(1, 3), (1, 2)]
    assert count(store, Comment) == 5 and count(store, Post) == 2
    assert (store.cursor(first.id), store.cursor(second.id)) == ({"position": 1}, {"position": 5})
    with store.database.read() as connection:
        labels = connection.execute(select(Comment.__table__.c.sentiment_label)).scalars().all()
    assert labels == ["positive"] * 5  # the texts of both pages were scored


def test_a_channels_second_page_in_one_transaction_sees_its_first(store: Store) -> None:
    channel = store.sync_channel(BRAND, CHANNEL)
    edited = make_page(2, 2, text="Terrible, rude staff")
    first, second = store.save_pages([(channel.id, make_page(2, 1)), (channel.id, edited)])
    assert (first.new_comments, second.new_comments, second.updated_comments) == (2, 0, 2)
    assert count(store, Comment) == 2 and store.cursor(channel.id) == {"position": 2}


def test_pages_stored_together_roll_back_together(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    first = store.sync_channel(BRAND, CHANNEL)
    second = store.sync_channel(BRAND, ChannelConfig(name="other", platform="file", account="cafe2"))
    original = store._upsert

    def fail_on_comments(connection, table, rows, keys, updates):  # type: ignore[no-untyped-def]
        if table.name == "comment":
            raise RuntimeError("disk full")
        return original(connection, table, rows, keys, updates)

    monkeypatch.setattr(store, "_upsert", fail_on_comments)
    with pytest.raises(RuntimeError):
        store.save_pages([(first.id, make_page(3, 1)), (second.id, make_page(2, 5))])
    assert count(store, Post) == 0 and store.cursor(first.id) is None and store.cursor(second.id) is None


def test_the_scan_writer_stores_the_other_pages_when_one_cannot_be_stored(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    good = store.sync_channel(BRAND, CHANNEL)
    bad = store.sync_channel(BRAND, ChannelConfig(name="other", platform="file", account="cafe2"))
    original = store._upsert

    def refuse_the_bad_channel(connection, table, rows, keys, updates):  # type: ignore[no-untyped-def]
        if any(row["channel_id"] == bad.id for row in rows):
            raise RuntimeError("constraint failed")
        return original(connection, table, rows, keys, updates)

    monkeypatch.setattr(store, "_upsert", refuse_the_bad_channel)

    async def save_both() -> list[PageResult | BaseException]:
        writer = PageWriter(store, asyncio.Lock())
        return await asyncio.gather(
            writer.enqueue(good.id, make_page(3, 1)),
            writer.enqueue(bad.id, make_page(2, 5)),
            return_exceptions=True,
        )

    saved, failed = asyncio.run(save_both())
    assert isinstance(saved, PageResult) and saved.new_comments == 3
    assert isinstance(failed, RuntimeError)
    assert count(store, Comment) == 3 and store.cursor(good.id) == {"position": 1}
    assert store.cursor(bad.id) is None


def test_records_keep_utc_times_and_platform_ids(store: Store) -> None:
    channel = store.sync_channel(BRAND, CHANNEL)
    local = datetime.fromisoformat("2026-03-08T21:30:00-05:00")
    reply = CommentRecord(
        platform_id="1234567890123456789",
        post_id="p1",
        parent_id="c0",
        created_at=local,
        is_business=True,
        text="¡Gracias! 🙌",
        rating=4.5,
    )
    store.save_page(channel.id, Page(comments=[reply]))
    with store.database.read() as connection:
        row = connection.execute(select(Comment.__table__)).mappings().one()
    assert row["created_at"] == datetime(2026, 3, 9, 2, 30, tzinfo=UTC)
    assert row["parent_platform_id"] == "c0" and row["is_business"] is True and row["rating"] == 4.5
    assert row["text"] == "¡Gracias! 🙌"


def test_upserted_rows_are_stored_exactly_as_sqlalchemy_stores_them(store: Store) -> None:
    """The pages' upsert sends rows to the driver itself: same types, same stored text, on each dialect."""
    channel = store.sync_channel(BRAND, CHANNEL)
    local = datetime.fromisoformat("2026-03-08T21:30:00.250000-05:00")
    fields = {"post_id": "p1", "created_at": local, "is_business": True, "text": "¡Hola!", "rating": 4.0}
    store.save_page(channel.id, Page(comments=[CommentRecord(platform_id="by-store", **fields)]))
    table = Comment.__table__
    with store.database.write() as connection:
        stored = dict(
            connection.execute(select(table).where(table.c.platform_id == "by-store")).mappings().one()
        )
        del stored["id"]
        connection.execute(table.insert().values({**stored, "platform_id": "by-sqlalchemy"}))
        as_text = [
            tuple(row)
            for row in connection.execute(
                select(
                    func.cast(table.c.created_at, Text),
                    func.cast(table.c.first_seen_at, Text),
                    func.cast(table.c.is_business, Text),
                    func.cast(table.c.rating, Text),
                ).order_by(table.c.platform_id)
            )
        ]
    assert as_text[0] == as_text[1]
    assert stored["created_at"] == datetime(2026, 3, 9, 2, 30, 0, 250000, tzinfo=UTC)


def test_a_channel_whose_platform_changes_starts_without_a_cursor(store: Store) -> None:
    channel = store.sync_channel(BRAND, CHANNEL)
    store.save_page(channel.id, make_page(1, 7))
    assert store.sync_channel(BRAND, CHANNEL).cursor == {"position": 7}
    moved = ChannelConfig(name="export", platform="file", account="another account")
    again = store.sync_channel(BRAND, moved)
    assert again.id == channel.id and again.cursor is None
    with store.database.read() as connection:
        assert connection.execute(select(func.count()).select_from(Channel.__table__)).scalar_one() == 1


def test_large_pages_upsert_in_batches(store: Store) -> None:
    channel = store.sync_channel(BRAND, CHANNEL)
    result = store.save_page(channel.id, make_page(3000, 1))
    assert result.new_comments == 3000 and count(store, Comment) == 3000


_STATUS_PROBE = """
import sys
from socialmon.database import Database
database = Database(sys.argv[1])
status = database.schema_status()
print(status.current, status.head, status.up_to_date, "alembic" in sys.modules)
"""


def test_a_database_at_the_head_revision_reads_its_status_as_alembic_does_without_it(
    database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    open_database(database_url).dispose()
    database = Database(database_url)
    try:
        quick = database.schema_status()
        monkeypatch.setattr(database_module, "_plain_head", lambda: None)  # alembic reads it
        assert database.schema_status() == quick and quick.up_to_date and quick.current is not None
    finally:
        database.dispose()
    probe = subprocess.run(
        [sys.executable, "-c", _STATUS_PROBE, database_url], capture_output=True, text=True, check=True
    )
    assert probe.stdout.split() == [quick.current, quick.head, "True", "False"]


def test_a_database_that_cannot_be_reached_is_tried_once_for_its_status() -> None:
    from sqlalchemy import event

    database = Database("postgresql+psycopg://postgres@127.0.0.1:1/nowhere")  # nothing listens there
    attempts: list[object] = []
    event.listen(database.engine, "do_connect", lambda *args: attempts.append(args))
    try:
        with pytest.raises(
            database_module.DatabaseError, match=r"cannot connect to .*: no PostgreSQL server"
        ):
            database.schema_status()
    finally:
        database.dispose()
    assert len(attempts) == 1


def test_the_head_is_read_past_an_editors_lock_file_and_single_quotes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import shutil

    head = database_module._plain_head()
    assert head is not None
    versions = tmp_path / "versions"
    shutil.copytree(database_module.MIGRATIONS_DIR / "versions", versions)
    newest = versions / f"{head}.py"
    (versions / f".#{head}.py").symlink_to(tmp_path / "gone")  # what Emacs leaves while editing
    newest.write_text(
        newest.read_text(encoding="utf-8").replace(f'revision: str = "{head}"', f"revision: str = '{head}'"),
        encoding="utf-8",
    )
    monkeypatch.setattr(database_module, "MIGRATIONS_DIR", tmp_path)
    assert database_module._plain_head() == head


def _schema(database: Database) -> dict[str, Any]:
    """Tables, columns (name, type, nullability, default), indexes and unique constraints, comparable."""
    from sqlalchemy import inspect

    with database.read() as connection:
        inspector = inspect(connection)
        schema: dict[str, Any] = {}
        for table in sorted(inspector.get_table_names()):
            schema[table] = {
                "columns": sorted(
                    (c["name"], str(c["type"]), c["nullable"], str(c.get("default")))
                    for c in inspector.get_columns(table)
                ),
                "primary key": inspector.get_pk_constraint(table)["constrained_columns"],
                "indexes": sorted(
                    (i["name"], tuple(i["column_names"]), bool(i["unique"]))
                    for i in inspector.get_indexes(table)
                ),
                "unique": sorted(
                    (u["name"], tuple(u["column_names"])) for u in inspector.get_unique_constraints(table)
                ),
                "foreign keys": sorted(
                    (tuple(f["constrained_columns"]), f["referred_table"], tuple(f["referred_columns"]))
                    for f in inspector.get_foreign_keys(table)
                ),
            }
        schema["alembic_version"]["rows"] = connection.execute(
            text("SELECT version_num FROM alembic_version")
        ).all()
    return schema


@pytest.mark.empty_schema
def test_migrations_build_exactly_the_models_schema_and_a_new_database_created_directly_has_it(
    database_url: str, tmp_path: Path
) -> None:
    """The migration chain and models.py agree: a new migration was not forgotten. And a database
    with no table is created from the models and stamped, not migrated step by step: the result
    must be the schema the nine migrations build, column for column and index for index. (One
    test: the chain, 0.15 s of CPU, is run once for both.)"""
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    if database_url.startswith("sqlite"):
        migrated_url = f"sqlite:///{tmp_path / 'migrated.db'}"
    else:
        migrated_url = database_url
    direct = Database(database_url)
    try:
        before = direct.upgrade()
        assert before is not None and before.current is None and before.head == direct.schema_status().head
        assert direct.schema_status().up_to_date
        assert direct.upgrade() is None
        created = _schema(direct)
    finally:
        direct.dispose()
    if not database_url.startswith("sqlite"):  # one PostgreSQL schema per test: empty it for the second way
        with Database(database_url).write() as connection:
            for table in created:
                connection.execute(text(f'DROP TABLE IF EXISTS "{table}" CASCADE'))
    migrated = Database(migrated_url)
    try:
        migrated.upgrade(direct_create=False)  # the migration chain, not the models' direct creation
        assert _schema(migrated) == created
        with migrated.read() as connection:
            differences = compare_metadata(MigrationContext.configure(connection), metadata)
        assert differences == []
        status = migrated.schema_status()
        assert status.up_to_date and status.current is not None
        assert migrated.upgrade() is None  # nothing left to do
    finally:
        migrated.dispose()


@pytest.mark.empty_schema
def test_an_empty_database_reports_no_schema_until_upgraded(database_url: str) -> None:
    database = Database(database_url)
    try:
        assert database.schema_status().current is None
        before = database.upgrade()
        assert before is not None and before.current is None
        assert database.schema_status().up_to_date
    finally:
        database.dispose()


@pytest.mark.empty_schema
def test_a_database_from_the_first_release_upgrades_in_place(database_url: str) -> None:
    from alembic import command
    from sqlalchemy import text

    database = Database(database_url)
    try:
        with database.write() as connection:
            command.upgrade(database._alembic_config(connection), "0001_initial")
        with database.write() as connection:
            connection.execute(
                text(
                    "INSERT INTO brand (slug, name, timezone, language, response_sla_minutes) VALUES ('b', 'B', 'UTC', 'es', 60)"
                )
            )
        before = database.upgrade()
        assert before is not None and before.current == "0001_initial"
        assert database.schema_status().up_to_date
        with database.read() as connection:
            assert connection.execute(text("SELECT slug FROM brand")).scalar_one() == "b"
            assert connection.execute(text("SELECT count(label_override) FROM comment")).scalar_one() == 0
    finally:
        database.dispose()


def test_a_channel_page_that_cannot_be_stored_stops_its_later_pages_so_no_cursor_skips_it(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A scan hands pages over before the ones before them are stored; a lost page must not be skipped."""
    channel = store.sync_channel(BRAND, CHANNEL)
    other = store.sync_channel(BRAND, ChannelConfig(name="other", platform="file", account="cafe2"))
    original = store._upsert

    def refuse_bad_text(connection, table, rows, keys, updates):  # type: ignore[no-untyped-def]
        if any(row.get("text") == "bad" for row in rows):
            raise RuntimeError("constraint failed")
        return original(connection, table, rows, keys, updates)

    monkeypatch.setattr(store, "_upsert", refuse_bad_text)

    async def hand_over() -> list[PageResult | BaseException]:
        writer = PageWriter(store, asyncio.Lock())
        handed = [
            writer.enqueue(channel.id, make_page(2, 1, text="bad")),
            writer.enqueue(other.id, make_page(3, 1)),
            writer.enqueue(channel.id, make_page(2, 2)),
        ]
        results = await asyncio.gather(*handed, return_exceptions=True)
        results.append(
            await asyncio.gather(writer.enqueue(channel.id, make_page(2, 3)), return_exceptions=True)
        )
        return results

    first, stored, second, [third] = asyncio.run(hand_over())
    assert isinstance(first, RuntimeError) and "constraint failed" in str(first)
    assert isinstance(second, RuntimeError) and "earlier page" in str(second)
    assert isinstance(third, RuntimeError) and "earlier page" in str(third)
    assert isinstance(stored, PageResult) and stored.new_comments == 3
    assert store.cursor(channel.id) is None and store.cursor(other.id) == {"position": 1}


@pytest.mark.postgres
def test_postgresql_connections_run_without_jit_and_keep_the_users_options(
    postgres_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The URL's own libpq options (a search_path) and PGOPTIONS (a statement_timeout) both hold.
    monkeypatch.setenv("PGOPTIONS", "-c statement_timeout=7s")
    database = Database(postgres_url)
    try:
        with database.read() as connection:
            shown = [
                connection.exec_driver_sql(f"SHOW {name}").scalar_one() for name in ("jit", "search_path")
            ]
        with database.write() as connection:  # a transaction of its own still sees it
            shown.append(connection.exec_driver_sql("SHOW jit").scalar_one())
    finally:
        database.dispose()
    assert shown[0] == "off" and shown[1].startswith("t_") and shown[2] == "off"
    plain = Database(postgres_url.split("?")[0])
    try:
        with plain.read() as connection:
            assert connection.exec_driver_sql("SHOW statement_timeout").scalar_one() == "7s"
    finally:
        plain.dispose()


def _estimated_comments(database: Database) -> float:
    with database.read() as connection:
        return connection.exec_driver_sql(
            "SELECT reltuples FROM pg_class WHERE oid = to_regclass('comment')"  # this test's schema
        ).scalar()


@pytest.mark.postgres
@pytest.mark.empty_schema
def test_on_postgresql_the_store_analyzes_a_table_each_time_its_writes_double_it(
    postgres_url: str, vader: Scorer
) -> None:
    """The statistics of a table never analyzed, or analyzed while empty, say it holds next to
    nothing: PostgreSQL then looked up each page's ids by reading all of the channel's rows (see
    socialmon.table_statistics). The store analyzes the tables it fills as they grow."""
    database = open_database(postgres_url)
    store = Store(database, vader)
    try:
        with database.write() as connection:  # no analyze but the store's own while the test runs
            connection.exec_driver_sql("ALTER TABLE comment SET (autovacuum_enabled = false)")
        assert _estimated_comments(database) < 1
        channel = store.sync_channel(BRAND, CHANNEL)
        store.save_page(channel.id, make_page(3000, 1))
        assert store.statistics.analyzed == ["comment"]  # one post: too few to matter
        assert _estimated_comments(database) == pytest.approx(3000, rel=0.05)
        store.save_page(channel.id, make_page(3000, 1))  # nothing new, nothing written
        more = [
            CommentRecord(platform_id=f"d{i}", post_id="p1", created_at=WHEN, text="ok") for i in range(2999)
        ]
        store.save_page(channel.id, Page(comments=more))  # 2,999 rows: fewer than the 3,000 it held
        assert store.statistics.analyzed == ["comment"]
        # The other way pages are written (scored elsewhere meanwhile) counts the same.
        prepared = store.prepare_page(
            channel.id, Page(comments=[CommentRecord(platform_id="e", post_id="p1", created_at=WHEN)])
        )
        store.write_page(prepared, store.scorer.score_many(prepared.texts_to_score, "en"))
        assert store.statistics.analyzed == ["comment", "comment"]
        assert _estimated_comments(database) == pytest.approx(6000, rel=0.05)
    finally:
        database.dispose()


@pytest.mark.postgres
@pytest.mark.empty_schema
def test_a_role_that_may_not_analyze_leaves_the_statistics_to_autovacuum(
    postgres_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    import uuid

    from socialmon.table_statistics import FIRST_AFTER, TableStatistics

    caplog.set_level(logging.INFO, logger="socialmon.table_statistics")
    from sqlalchemy.engine import make_url

    owner = open_database(postgres_url)
    role = f"reader_{uuid.uuid4().hex[:10]}"
    with owner.write() as connection:
        schema = connection.exec_driver_sql("SELECT current_schema()").scalar()
        connection.exec_driver_sql(f'CREATE ROLE "{role}" LOGIN')
        connection.exec_driver_sql(f'GRANT USAGE ON SCHEMA "{schema}" TO "{role}"')
        connection.exec_driver_sql(
            f'GRANT SELECT, INSERT, UPDATE ON ALL TABLES IN SCHEMA "{schema}" TO "{role}"'
        )
    reader = Database(make_url(postgres_url).set(username=role, password=None).render_as_string(False))
    try:
        statistics = TableStatistics(reader, ("comment",))
        statistics.wrote("comment", FIRST_AFTER)
        statistics.refresh()
        statistics.wrote("comment", 10 * FIRST_AFTER)
        statistics.refresh()  # not asked again
    finally:
        reader.dispose()
        with owner.write() as connection:
            connection.exec_driver_sql(f'DROP OWNED BY "{role}"')
            connection.exec_driver_sql(f'DROP ROLE "{role}"')
        owner.dispose()
    assert statistics.analyzed == [] and statistics.left_alone == {"comment"}
    assert caplog.text.count("comment is not this role's to analyze") == 1


@pytest.mark.postgres
@pytest.mark.empty_schema
def test_statistics_that_cannot_be_read_never_fail_the_pages_already_stored(
    postgres_url: str, monkeypatch: pytest.MonkeyPatch, vader: Scorer
) -> None:
    from sqlalchemy.exc import OperationalError

    import socialmon.table_statistics as table_statistics

    def unreachable(*_: Any) -> float:
        raise OperationalError("SELECT reltuples", {}, Exception("server closed the connection"))

    def broken(*_: Any) -> float:
        raise RuntimeError()  # says nothing

    database = open_database(postgres_url)
    store = Store(database, vader)
    try:
        channel = store.sync_channel(BRAND, CHANNEL)
        monkeypatch.setattr(table_statistics, "_estimated_rows", unreachable)
        first = store.save_page(channel.id, make_page(1200, 1))
        assert store.statistics.active  # a lost connection: tried again next time
        monkeypatch.setattr(table_statistics, "_estimated_rows", broken)
        second = store.save_page(
            channel.id, Page(comments=[CommentRecord(platform_id="x", post_id="p1", created_at=WHEN)])
        )
        assert not store.statistics.active  # not a database's answer: no more tries
    finally:
        database.dispose()
    assert (first.new_comments, second.new_comments) == (1200, 1)
    assert count(store, Comment) == 1201 and store.statistics.analyzed == []


def test_sqlite_needs_no_statistics_and_gets_none(tmp_path: Path, vader: Scorer) -> None:
    database = open_database(f"sqlite:///{tmp_path / 'test.db'}")
    store = Store(database, vader)
    try:
        channel = store.sync_channel(BRAND, CHANNEL)
        store.save_page(channel.id, make_page(1500, 1))
        with database.read() as connection:
            analyzed = connection.exec_driver_sql(
                "SELECT name FROM sqlite_master WHERE name = 'sqlite_stat1'"
            ).all()
    finally:
        database.dispose()
    assert store.statistics.analyzed == [] and analyzed == []


@pytest.mark.postgres
def test_on_postgresql_a_pages_lookup_is_one_statement_whatever_its_number_of_ids(
    postgres_url: str, vader: Scorer
) -> None:
    """Each channel's ids go as one array: the server sees one statement, not one per count of ids."""
    from sqlalchemy import event

    database = open_database(postgres_url)
    store = Store(database, vader)
    lookups: list[str] = []

    def remember(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        if (
            statement.lstrip().startswith("SELECT")
            and "FROM comment" in statement
            and "record_hash" in statement
        ):
            lookups.append(statement)

    try:
        channel = store.sync_channel(BRAND, CHANNEL)
        event.listen(database.engine, "before_cursor_execute", remember)
        store.save_page(channel.id, make_page(3, 1))
        store.save_page(channel.id, make_page(7, 2))
        event.remove(database.engine, "before_cursor_execute", remember)
    finally:
        database.dispose()
    assert len(lookups) == 2 and lookups[0] == lookups[1]
    assert count(store, Comment) == 7
