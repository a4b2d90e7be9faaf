"""The two databases a room store can run on, behind one small interface, and their change watchers.

:class:`SqliteDatabase` (the default: one file in the serve data folder, shared by every kernel on the
machine) and :class:`PostgresDatabase` (one database shared by several servers) both offer:

* ``write()``: a transaction that holds the write lock from its first statement. On SQLite that is
  ``BEGIN IMMEDIATE``: a deferred transaction that reads and then writes fails at once with
  SQLITE_BUSY_SNAPSHOT when another process committed in between, and the busy timeout does not help
  it. On PostgreSQL the store locks the room's row (``FOR UPDATE``), so two changes to one room queue.
* ``read()``: a consistent snapshot for several SELECTs (a deferred transaction; REPEATABLE READ).
* ``watcher(room_id)``: an object whose ``wait(timeout)`` returns True soon after another connection
  commits. SQLite polls ``PRAGMA data_version``, which changes only when *another* connection commits;
  PostgreSQL listens (LISTEN/NOTIFY) and reports True after a reconnect, so callers re-read then.

SQLite runs in WAL mode with ``synchronous=NORMAL``: readers never block the writer, and a power cut can
lose the last commits but never corrupts the file (measured for DESIGN.md: with 40 processes voting at
once the slowest write took 5 ms, against 333 ms with FULL). SQL is written with ``?`` placeholders;
the PostgreSQL side turns them into ``%s``. No module outside ``widgets.live`` sees SQL.
"""

from __future__ import annotations

import contextlib
import os
import random
import re
import select
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from widgets.live.errors import StoreBusy, StoreError, StoreUnavailable

Row = tuple[Any, ...]
Params = Sequence[Any]
#: The PostgreSQL NOTIFY channel (suffixed with the schema, so two courses in one database stay apart).
CHANNEL = "mentor_course_live"
PUBLIC_SUFFIX = "_public"
_SCHEMA_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


class Tx(Protocol):
    """One open transaction."""

    for_update: str

    def execute(self, sql: str, params: Params = ()) -> int: ...

    def one(self, sql: str, params: Params = ()) -> Row | None: ...

    def all(self, sql: str, params: Params = ()) -> list[Row]: ...

    def batch(self, queries: Sequence[tuple[str, Params]]) -> list[list[Row]]: ...

    def notify(self, room_id: str, public: bool = True) -> None: ...


class Watcher(Protocol):
    def wait(self, timeout: float) -> bool: ...

    def close(self) -> None: ...


class Database(Protocol):
    dialect: str
    description: str

    def write(self) -> contextlib.AbstractContextManager[Tx]: ...

    def read(self) -> contextlib.AbstractContextManager[Tx]: ...

    def watcher(self, room_id: str | None = None, public: bool = False) -> Watcher: ...

    def close(self) -> None: ...


# ---- SQLite ---------------------------------------------------------------------------------------


class _SqliteTx:
    for_update = ""

    def __init__(self, conn: sqlite3.Connection, db: SqliteDatabase) -> None:
        self._conn = conn
        self._db = db

    def execute(self, sql: str, params: Params = ()) -> int:
        return self._conn.execute(sql, tuple(params)).rowcount

    def one(self, sql: str, params: Params = ()) -> Row | None:
        return self._conn.execute(sql, tuple(params)).fetchone()

    def all(self, sql: str, params: Params = ()) -> list[Row]:
        return self._conn.execute(sql, tuple(params)).fetchall()

    def batch(self, queries: Sequence[tuple[str, Params]]) -> list[list[Row]]:
        """Several SELECTs' rows (in-process: one after another costs nothing extra)."""
        return [self.all(sql, params) for sql, params in queries]

    def notify(self, room_id: str, public: bool = True) -> None:
        """Nothing to send: other connections see ``PRAGMA data_version`` change at commit."""


def _sqlite_error(exc: sqlite3.Error, where: str) -> StoreError:
    text = str(exc)
    if "locked" in text or "busy" in text:
        return StoreBusy("The room database is busy (another program holds a lock on it). Try again in a moment; "
                         f"if this persists, check what else uses {where}.")
    if "unable to open" in text or "readonly" in text or "disk I/O" in text:
        return StoreUnavailable(f"The room database at {where} cannot be opened or written ({text}). "
                                "Check that its folder exists and is writable.")
    if "not a database" in text or "malformed" in text:
        return StoreUnavailable(f"The file {where} is not a usable room database ({text}). Move it aside; "
                                "a new one is created on the next start.")
    return StoreUnavailable(f"The room database at {where} failed: {text}.")


class SqliteDatabase:
    """A SQLite file (or ``:memory:`` for tests) shared by every kernel on one machine.

    Each thread gets its own connection (``asyncio.to_thread`` runs calls on a pool of threads); an
    in-memory database has a single connection behind a lock, since each connection to ``:memory:``
    would be a separate database.
    """

    dialect = "sqlite"

    def __init__(self, path: str | Path | None, *, busy_timeout: float = 5.0, poll_interval: float = 0.01) -> None:
        self.path = None if path is None else Path(path)
        self.description = ":memory:" if self.path is None else str(self.path)
        self.busy_timeout = busy_timeout
        self.poll_interval = poll_interval
        self._local = threading.local()
        self._opened: list[sqlite3.Connection] = []
        self._lock = threading.RLock()
        self._shared: sqlite3.Connection | None = None
        self._changed = threading.Condition()
        self._commits = 0
        self._closed = False
        #: Connections lent out by _connection() right now. close() waits for them: closing a SQLite
        #: connection while another thread runs a statement on it crashes the process (seen: a segfault).
        self._in_use = 0
        self._idle = threading.Condition(self._lock)
        #: Called after the file was replaced under us (deleted, restored); the store re-runs migrations.
        self.on_replaced: Callable[[], None] | None = None

    # connections
    def connect(self, *, register: bool = True) -> sqlite3.Connection:
        """A new connection with the store's settings (WAL, synchronous=NORMAL, busy timeout).

        ``register=False`` leaves it out of what :meth:`close` closes: a watcher owns its connection and
        closes it itself, on its own thread, so it is never closed under a running statement."""
        if self.path is not None and not self.path.parent.is_dir():
            raise StoreUnavailable(f"The folder for the room database does not exist: {self.path.parent}. "
                                   "Create it, or start the course with `mentor-course serve`, which makes it.")
        if self.path is not None and not self.path.exists():
            # created readable by the server's user only; SQLite gives its -wal and -shm files the same mode
            with contextlib.suppress(FileExistsError):
                os.close(os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
        try:
            conn = sqlite3.connect(self.description, timeout=self.busy_timeout, isolation_level=None,
                                   check_same_thread=False)
            conn.execute(f"PRAGMA busy_timeout = {int(self.busy_timeout * 1000)}")
            if self.path is not None:
                mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
                if str(mode).lower() != "wal":
                    conn.close()
                    raise StoreUnavailable(f"The room database at {self.path} cannot use WAL mode (it is in "
                                           f"'{mode}' mode); is it on a network drive? Put it on a local disk.")
            conn.execute("PRAGMA synchronous = NORMAL")
        except sqlite3.Error as exc:
            raise _sqlite_error(exc, self.description) from None
        if register:
            with self._lock:
                self._opened.append(conn)
        return conn

    def _identity(self) -> tuple[int, int] | None:
        if self.path is None:
            return None
        try:
            st = os.stat(self.path)
        except FileNotFoundError:
            return None
        return (st.st_dev, st.st_ino)

    @contextlib.contextmanager
    def _connection(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            if self._closed:
                raise StoreUnavailable("The room store was closed.")
            self._in_use += 1
        try:
            with self._lend() as conn:
                yield conn
        finally:
            with self._lock:
                self._in_use -= 1
                self._idle.notify_all()

    @contextlib.contextmanager
    def _lend(self) -> Iterator[sqlite3.Connection]:
        if self.path is None:
            with self._lock:
                if self._shared is None:
                    self._shared = self.connect()
                yield self._shared
            return
        conn = getattr(self._local, "conn", None)
        ident = self._identity()
        if conn is not None and ident != getattr(self._local, "ident", None):
            # The file was deleted or replaced: this connection still writes to the old inode, which no
            # other process will ever read. Start afresh on whatever is at the path now.
            self._discard(conn)
            conn = None
            replaced = True
        else:
            replaced = False
        if conn is None:
            conn = self.connect()
            self._local.conn = conn
            self._local.ident = self._identity()
            if replaced and self.on_replaced is not None:
                self.on_replaced()
        yield conn

    def _discard(self, conn: sqlite3.Connection) -> None:
        with contextlib.suppress(sqlite3.Error):
            conn.close()
        with self._lock:
            if conn in self._opened:
                self._opened.remove(conn)
        self._local.conn = None

    def _begin_immediate(self, conn: sqlite3.Connection) -> None:
        """Take the write lock, retrying every millisecond or two until the busy timeout.

        SQLite's own busy handler sleeps 1, 2, 5, 10, 15, 20, 25, 25, 25, 50, 50, 100 ms between tries, so
        with 40 writers queued a vote could sit out a 50 ms nap while the lock was free for most of it;
        short jittered naps keep the queue moving (measured in benchmarks/bench_live.py).
        """
        deadline = time.monotonic() + self.busy_timeout
        pause = 0.0005
        conn.execute("PRAGMA busy_timeout = 0")
        try:
            while True:
                try:
                    conn.execute("BEGIN IMMEDIATE")
                    return
                except sqlite3.OperationalError as exc:
                    if ("locked" not in str(exc) and "busy" not in str(exc)) or time.monotonic() >= deadline:
                        raise
                time.sleep(pause * (0.5 + random.random()))
                pause = min(pause * 1.5, 0.004)
        finally:
            conn.execute(f"PRAGMA busy_timeout = {int(self.busy_timeout * 1000)}")

    @contextlib.contextmanager
    def _transaction(self, begin: str) -> Iterator[_SqliteTx]:
        with self._connection() as conn:
            tx = _SqliteTx(conn, self)
            try:
                if begin == "BEGIN IMMEDIATE" and self.path is not None:
                    self._begin_immediate(conn)
                else:
                    conn.execute(begin)
            except sqlite3.Error as exc:
                raise _sqlite_error(exc, self.description) from None
            try:
                yield tx
                conn.execute("COMMIT")
            except sqlite3.Error as exc:
                self._rollback(conn)
                raise _sqlite_error(exc, self.description) from None
            except BaseException:
                self._rollback(conn)
                raise
        if self.path is None and begin != "BEGIN":  # like data_version: any committed write counts
            with self._changed:
                self._commits += 1
                self._changed.notify_all()

    @staticmethod
    def _rollback(conn: sqlite3.Connection) -> None:
        if conn.in_transaction:
            with contextlib.suppress(sqlite3.Error):
                conn.execute("ROLLBACK")

    def write(self) -> contextlib.AbstractContextManager[_SqliteTx]:
        return self._transaction("BEGIN IMMEDIATE")

    def read(self) -> contextlib.AbstractContextManager[_SqliteTx]:
        return self._transaction("BEGIN")

    def watcher(self, room_id: str | None = None, public: bool = False) -> Watcher:
        if self.path is None:
            return _MemoryWatcher(self)
        return _SqliteWatcher(self)

    def close(self) -> None:
        """Refuse new work, let statements running on other threads finish (a few seconds at most),
        then close every connection."""
        with self._lock:
            self._closed = True
            self._idle.wait_for(lambda: self._in_use == 0, timeout=self.busy_timeout)
            for conn in self._opened:
                with contextlib.suppress(sqlite3.Error):
                    conn.close()
            self._opened.clear()
            self._shared = None


class _SqliteWatcher:
    """Polls ``PRAGMA data_version`` on a connection of its own (a few microseconds a poll)."""

    def __init__(self, db: SqliteDatabase) -> None:
        self._db = db
        #: held while a statement runs on the connection and while closing it, so close() from another
        #: thread (a room being stopped) waits for a running poll instead of crashing it
        self._using = threading.Lock()
        self._conn: sqlite3.Connection | None = None
        self._ident: tuple[int, int] | None = None
        self._last: int | None = None
        self._open()

    def _open(self) -> None:
        conn = self._db.connect(register=False)
        with self._using:
            self._conn = conn
        self._ident = self._db._identity()
        self._last = self._version()

    def _version(self) -> int:
        with self._using:
            if self._conn is None or self._db._closed:
                raise StoreUnavailable("The room store was closed.")
            try:
                return int(self._conn.execute("PRAGMA data_version").fetchone()[0])
            except sqlite3.Error as exc:
                raise _sqlite_error(exc, self._db.description) from None

    def wait(self, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while True:
            if self._db._identity() != self._ident:
                self.close()
                self._open()
                return True
            now = self._version()
            if now != self._last:
                self._last = now
                return True
            if time.monotonic() >= deadline:
                return False
            time.sleep(self._db.poll_interval)

    def close(self) -> None:
        with self._using:
            if self._conn is not None:
                with contextlib.suppress(sqlite3.Error):
                    self._conn.close()
                self._conn = None


class _MemoryWatcher:
    def __init__(self, db: SqliteDatabase) -> None:
        self._db = db
        self._seen = db._commits

    def wait(self, timeout: float) -> bool:
        with self._db._changed:
            self._db._changed.wait_for(lambda: self._db._commits != self._seen, timeout)
            changed = self._db._commits != self._seen
            self._seen = self._db._commits
            return changed

    def close(self) -> None:
        pass


# ---- PostgreSQL -----------------------------------------------------------------------------------


def split_postgres_url(url: str) -> tuple[str, str | None]:
    """``postgresql://...?schema=x`` -> (conninfo without ``schema``, ``x``). The schema keeps this
    course's tables apart from others in the same database; it must be a plain lower-case name."""
    parts = urlsplit(url)
    query = parse_qsl(parts.query, keep_blank_values=True)
    schema = next((v for k, v in query if k == "schema"), None)
    if schema is not None and not _SCHEMA_NAME.match(schema):
        raise StoreUnavailable(f"'{schema}' is not a usable schema name: use lower-case letters, digits and _.")
    rest = urlencode([(k, v) for k, v in query if k != "schema"])
    return urlunsplit((parts.scheme, parts.netloc, parts.path, rest, parts.fragment)), schema


def redact(url: str) -> str:
    """``url`` with any password replaced, for messages."""
    parts = urlsplit(url)
    if parts.password:
        netloc = parts.netloc.replace(f":{parts.password}@", ":***@")
        return urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))
    return url


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


__all__ = ["CHANNEL", "Database", "PostgresDatabase", "SqliteDatabase", "Tx", "Watcher", "open_database", "redact",
           "split_postgres_url"]
