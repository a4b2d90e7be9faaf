"""Is each database backend a module of its own behind ``widgets.live.db``, does ``open_database`` pick the
right one from the URL, and does a SQLite-only course never load psycopg?"""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

from tests.conftest import REPO
from tests.live.conftest import postgres_or_skip
from widgets.live import db
from widgets.live.db import postgres, sqlite
from widgets.live.errors import StoreUnavailable


def test_db_each_backend_lives_in_its_own_module():
    assert db.SqliteDatabase is sqlite.SqliteDatabase and db.SqliteDatabase.__module__ == "widgets.live.db.sqlite"
    assert db.PostgresDatabase is postgres.PostgresDatabase and db.PostgresDatabase.__module__ == "widgets.live.db.postgres"
    assert "sqlite3" not in vars(postgres) and "psycopg" not in vars(sqlite)
    # what callers import from widgets.live.db still comes from there
    for name in ("CHANNEL", "Database", "PostgresDatabase", "SqliteDatabase", "Tx", "Watcher", "open_database",
                 "redact", "split_postgres_url"):
        assert name in db.__all__ and hasattr(db, name), name


@pytest.mark.parametrize(("url", "path"), [("sqlite:///:memory:", None), ("sqlite:///rooms.sqlite3", "rooms.sqlite3"),
                                           ("sqlite:////tmp/x/rooms.sqlite3", "/tmp/x/rooms.sqlite3")])
def test_db_open_database_gives_sqlite_for_a_sqlite_url(url, path):
    database = db.open_database(url)
    try:
        assert isinstance(database, sqlite.SqliteDatabase) and database.dialect == "sqlite"
        assert (str(database.path) if database.path else None) == path
    finally:
        database.close()


def test_db_open_database_works_on_sqlite(tmp_path):
    database = db.open_database(f"sqlite:///{tmp_path / 'rooms.sqlite3'}")
    try:
        with database.write() as tx:
            tx.execute("CREATE TABLE t (x INTEGER)")
            tx.execute("INSERT INTO t VALUES (?)", (7,))
        with database.read() as tx:
            assert tx.one("SELECT x FROM t") == (7,)
    finally:
        database.close()


@pytest.mark.postgres
def test_db_open_database_gives_postgres_for_a_postgres_url_and_it_works():
    base = postgres_or_skip()
    database = db.open_database(base.replace("postgresql://", "postgres://", 1))
    try:
        assert isinstance(database, postgres.PostgresDatabase) and database.dialect == "postgresql"
        with database.read() as tx:
            assert tx.one("SELECT ?::int + 1", (41,)) == (42,)
    finally:
        database.close()


def test_db_open_database_refuses_another_url_without_its_password():
    with pytest.raises(StoreUnavailable) as err:
        db.open_database("mysql://me:hunter2@db/rooms")
    assert "not a room store URL" in str(err.value) and "hunter2" not in str(err.value)


def test_db_sqlite_rooms_never_load_psycopg(tmp_path):
    code = textwrap.dedent(f"""
        import sys
        from widgets.live.store import RoomStore
        with RoomStore({f"sqlite:///{tmp_path / 'rooms.sqlite3'}"!r}) as store:
            store.schema_version()
        print("psycopg" in sys.modules)
    """)
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=120, check=True)
    assert out.stdout.strip() == "False"
