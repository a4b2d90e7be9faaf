"""The room store on SQLite (the default: one file in the serve data folder, shared by every kernel on
the machine; ``:memory:`` for tests), and its change watchers.

* ``write()``: ``BEGIN IMMEDIATE``, which holds the write lock from the first statement. A deferred
  transaction that reads and then writes fails at once with SQLITE_BUSY_SNAPSHOT when another process
  committed in between, and the busy timeout does not help it.
* ``read()``: a deferred transaction, a consistent snapshot for several SELECTs.
* ``watcher()``: polls ``PRAGMA data_version``, which changes only when *another* connection commits (in
  memory, a condition the store's own commits signal).

WAL mode with ``synchronous=NORMAL``: readers never block the writer, and a power cut can lose the last
commits but never corrupts the file (measured for DESIGN.md: with 40 processes voting at once the slowest
write took 5 ms, against 333 ms with FULL).
"""

from __future__ import annotations

import contextlib
import os
import random
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

from widgets.live.db.interface import Params, Row, Watcher
from widgets.live.errors import StoreBusy, StoreError, StoreUnavailable


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



__all__ = ["SqliteDatabase"]
