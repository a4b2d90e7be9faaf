"""The databases a room store can run on, behind one small interface (:mod:`.interface`), one module per
backend: :mod:`.sqlite` (the default: one file shared by every kernel on a machine) and :mod:`.postgres`
(one database shared by several servers).

:func:`open_database` picks the backend from the URL. No module outside ``widgets.live`` sees SQL, and
psycopg is imported only when a ``postgresql://`` URL is opened.
"""

from __future__ import annotations

from pathlib import Path

from widgets.live.db.interface import Database, Params, Row, Tx, Watcher
from widgets.live.db.postgres import CHANNEL, PUBLIC_SUFFIX, PostgresDatabase
from widgets.live.db.sqlite import SqliteDatabase
from widgets.live.db.urls import redact, split_postgres_url
from widgets.live.errors import StoreUnavailable


def open_database(url: str, *, busy_timeout: float = 5.0, poll_interval: float = 0.01) -> Database:
    """The database a URL names: ``sqlite:///relative.db``, ``sqlite:////absolute.db``,
    ``sqlite:///:memory:`` or ``postgresql://user@host:port/db[?schema=name]``."""
    text = str(url).strip()
    if text.startswith("sqlite:///"):
        rest = text[len("sqlite:///"):]
        if not rest:
            raise StoreUnavailable("A SQLite room store URL needs a file: sqlite:///path/to/rooms.sqlite3")
        return SqliteDatabase(None if rest == ":memory:" else Path(rest), busy_timeout=busy_timeout,
                              poll_interval=poll_interval)
    if text.startswith(("postgresql://", "postgres://")):
        return PostgresDatabase(text, busy_timeout=busy_timeout)
    raise StoreUnavailable(f"'{redact(text)}' is not a room store URL; use sqlite:///path/to/rooms.sqlite3 or "
                           "postgresql://user@host:5432/database")


__all__ = ["CHANNEL", "PUBLIC_SUFFIX", "Database", "Params", "PostgresDatabase", "Row", "SqliteDatabase", "Tx", "Watcher",
           "open_database", "redact", "split_postgres_url"]
