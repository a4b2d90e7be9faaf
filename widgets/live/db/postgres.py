"""The room store on PostgreSQL (psycopg 3), for several servers sharing rooms, and its change watcher.

* ``write()``: a transaction; the store locks the room's row (``FOR UPDATE``), so two changes to one room
  queue.
* ``read()``: a REPEATABLE READ snapshot for several SELECTs.
* ``watcher(room_id)``: LISTENs for the NOTIFY each change sends at commit, and reports True after a
  reconnect, so callers re-read then.

Commits do not wait for their WAL fsync (``synchronous_commit=off``: a server crash can lose the last
fraction of a second, never corrupts). SQL arrives with ``?`` placeholders and is sent with ``%s``.
psycopg is imported only when a PostgreSQL database is opened, so SQLite-only installs never need it.
"""

from __future__ import annotations

import contextlib
import select
import threading
import time
from collections.abc import Iterator, Sequence
from typing import Any

from widgets.live.db.interface import Params, Row, Watcher
from widgets.live.db.urls import redact, split_postgres_url
from widgets.live.errors import StoreBusy, StoreError, StoreUnavailable

#: The PostgreSQL NOTIFY channel (suffixed with the schema, so two courses in one database stay apart).
CHANNEL = "mentor_course_live"
PUBLIC_SUFFIX = "_public"


class _PgTx:
    for_update = " FOR UPDATE"

    def __init__(self, conn: Any, channel: str) -> None:
        self._conn = conn
        self._channel = channel

    def execute(self, sql: str, params: Params = ()) -> int:
        return self._conn.execute(sql.replace("?", "%s"), tuple(params)).rowcount

    def one(self, sql: str, params: Params = ()) -> Row | None:
        return self._conn.execute(sql.replace("?", "%s"), tuple(params)).fetchone()

    def all(self, sql: str, params: Params = ()) -> list[Row]:
        return self._conn.execute(sql.replace("?", "%s"), tuple(params)).fetchall()

    def batch(self, queries: Sequence[tuple[str, Params]]) -> list[list[Row]]:
        """Several SELECTs sent together and answered in one round trip (pipeline mode)."""
        cursors = [self._conn.execute(sql.replace("?", "%s"), tuple(params)) for sql, params in queries]
        return [c.fetchall() for c in cursors]

    def notify(self, room_id: str, public: bool = True) -> None:
        # Delivered at commit, and only if the transaction commits. The facilitator listens on the channel
        # of every change, participants on the channel of changes they can see; votes go to the first
        # only, so 40 participants' connections sleep through a burst of 40 votes.
        if public:
            self._conn.execute("SELECT pg_notify(%s, %s), pg_notify(%s, %s)",
                               (self._channel, room_id, self._channel + PUBLIC_SUFFIX, room_id))
        else:
            self._conn.execute("SELECT pg_notify(%s, %s)", (self._channel, room_id))


def _dropped(conn: Any) -> bool:
    """Whether the server has said something on an idle connection, which it only does when ending it
    (the connection never LISTENs; watchers have their own). No round trip: a zero-timeout select."""
    try:
        ready, _, _ = select.select([conn.fileno()], [], [], 0)
    except (OSError, ValueError):
        return True
    return bool(ready)


class PostgresDatabase:
    """A PostgreSQL database (psycopg 3), for several servers sharing rooms. One connection per store,
    used under a lock; it is re-opened after the server drops it."""

    dialect = "postgresql"

    def __init__(self, url: str, *, busy_timeout: float = 5.0, connect_timeout: float = 5.0) -> None:
        try:
            import psycopg  # noqa: F401
        except ImportError:
            raise StoreUnavailable("PostgreSQL room stores need psycopg: pip install 'mixed-heritage-mentoring[postgres]'.")\
                from None
        self.url = url
        self.conninfo, self.schema = split_postgres_url(url)
        self.description = redact(url)
        self.busy_timeout = busy_timeout
        self.connect_timeout = connect_timeout
        self.channel = CHANNEL + (f"_{self.schema}" if self.schema else "")
        self._lock = threading.RLock()
        self._conn: Any = None
        self._closed = False

    def connect(self, *, autocommit: bool = False) -> Any:
        import psycopg

        # synchronous_commit=off is PostgreSQL's synchronous=NORMAL: a server crash can lose the last
        # fraction of a second of commits, never corrupts, and a commit stops waiting for its WAL fsync;
        # votes queue on the room's row, so 40 of them would otherwise wait for 40 fsyncs in a row.
        options = f"-c lock_timeout={int(self.busy_timeout * 1000)} -c synchronous_commit=off"
        if self.schema:
            options += f" -c search_path={self.schema}"
        try:
            return psycopg.connect(self.conninfo, autocommit=autocommit, connect_timeout=max(1, int(self.connect_timeout)),
                                   options=options)
        except psycopg.Error as exc:
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise StoreUnavailable(f"Cannot reach the PostgreSQL room database at {self.description}: {first}") from None

    def ensure_schema(self) -> None:
        """Create the schema named in the URL if it is missing (under an advisory lock: two servers
        starting at once would otherwise race on CREATE SCHEMA)."""
        if not self.schema:
            return
        conn = self.connect(autocommit=False)
        try:
            with conn.transaction():
                conn.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", (self.channel,))
                conn.execute(f'CREATE SCHEMA IF NOT EXISTS "{self.schema}"')
        except Exception as exc:  # psycopg.Error; imported lazily
            raise self._error(exc) from None
        finally:
            conn.close()

    def _error(self, exc: BaseException) -> StoreError:
        import psycopg

        text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        if isinstance(exc, psycopg.errors.LockNotAvailable | psycopg.errors.DeadlockDetected |
                      psycopg.errors.SerializationFailure):
            return StoreBusy(f"The room database is busy ({text}). Try again in a moment.")
        return StoreUnavailable(f"The PostgreSQL room database at {self.description} failed: {text}")

    @contextlib.contextmanager
    def _transaction(self, isolation: str | None) -> Iterator[_PgTx]:
        import psycopg

        if self._closed:
            raise StoreUnavailable("The room store was closed.")
        with self._lock:
            if self._conn is not None and not self._conn.closed and _dropped(self._conn):
                # The server ended this idle connection (a restart, pg_terminate_backend, a proxy's idle
                # timeout): open a new one now rather than fail the visitor's action and retry on the next.
                with contextlib.suppress(Exception):
                    self._conn.close()
                self._conn = None
            if self._conn is None or self._conn.closed or self._conn.broken:
                self._conn = self.connect()
            conn = self._conn
            try:
                # Pipeline mode: statements whose results nobody reads (BEGIN, the writes, NOTIFY, COMMIT) go
                # out together, and the server answers at the next read. While a room's row is locked,
                # every round trip makes the queue of 40 voters behind it longer.
                with conn.pipeline(), conn.transaction():
                    if isolation:
                        conn.execute(f"SET TRANSACTION ISOLATION LEVEL {isolation}")
                    yield _PgTx(conn, self.channel)
            except psycopg.Error as exc:
                if conn.broken or (isinstance(exc, psycopg.OperationalError) and conn.closed):
                    self._conn = None
                raise self._error(exc) from None

    def write(self) -> contextlib.AbstractContextManager[_PgTx]:
        return self._transaction(None)

    def read(self) -> contextlib.AbstractContextManager[_PgTx]:
        return self._transaction("REPEATABLE READ")

    def watcher(self, room_id: str | None = None, public: bool = False) -> Watcher:
        return _PgWatcher(self, room_id, public)

    def close(self) -> None:
        self._closed = True
        with self._lock:
            if self._conn is not None:
                with contextlib.suppress(Exception):
                    self._conn.close()
                self._conn = None


class _PgWatcher:
    """LISTENs on its own autocommit connection; after a reconnect it answers True (re-read the tables:
    notifications sent while it was away are lost)."""

    def __init__(self, db: PostgresDatabase, room_id: str | None, public: bool) -> None:
        self._db = db
        self._room_id = room_id
        self._channel = db.channel + (PUBLIC_SUFFIX if public else "")
        self._conn: Any = None
        self._listen()

    def _listen(self) -> None:
        self._conn = self._db.connect(autocommit=True)
        self._conn.execute(f'LISTEN "{self._channel}"')

    def wait(self, timeout: float) -> bool:
        import psycopg

        try:
            if self._conn is None or self._conn.closed:
                self._listen()
                return True
            for note in self._conn.notifies(timeout=timeout, stop_after=1):
                if self._room_id is None or note.payload == self._room_id:
                    return True
            return False
        except psycopg.Error:
            self.close()
            time.sleep(min(timeout, 0.5))
            try:
                self._listen()
            except StoreUnavailable:
                return False
            return True

    def close(self) -> None:
        if self._conn is not None:
            with contextlib.suppress(Exception):
                self._conn.close()
            self._conn = None


__all__ = ["CHANNEL", "PUBLIC_SUFFIX", "PostgresDatabase"]
