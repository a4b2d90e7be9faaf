"""When the database is missing, locked, corrupt or gone, does the store say so in words (and recover)?
And do the watchers wake up when another connection commits?"""

from __future__ import annotations

import sqlite3
import threading
import time

import pytest

from tests.live.conftest import postgres_or_skip
from widgets.live.errors import RoomNotFound, StoreBusy, StoreUnavailable
from widgets.live.store import RoomStore


def test_store_failures_missing_folder_is_named(tmp_path):
    with pytest.raises(StoreUnavailable) as exc:
        RoomStore(f"sqlite:///{tmp_path / 'nowhere' / 'rooms.sqlite3'}")
    assert str(tmp_path / "nowhere") in str(exc.value) and "does not exist" in str(exc.value)


def test_store_failures_a_file_that_is_not_a_database(tmp_path):
    bad = tmp_path / "rooms.sqlite3"
    bad.write_bytes(b"this is a text file, not SQLite" * 100)
    with pytest.raises(StoreUnavailable, match="not a usable room database"):
        RoomStore(f"sqlite:///{bad}")


@pytest.mark.parametrize("url, says", [("mysql://x/y", "not a room store URL"), ("sqlite:///", "needs a file"),
                                       ("postgresql://u:secret@127.0.0.1:5432/test?schema=Bad-Name", "schema name")])
def test_store_failures_bad_urls_are_explained(url, says):
    with pytest.raises(StoreUnavailable, match=says) as exc:
        RoomStore(url)
    assert "secret" not in str(exc.value)


def test_store_failures_unreachable_postgres_is_named_without_password():
    with pytest.raises(StoreUnavailable) as exc:
        RoomStore("postgresql://postgres:hunter2@127.0.0.1:1/test")
    assert "127.0.0.1:1" in str(exc.value) and "hunter2" not in str(exc.value)


def test_store_failures_a_locked_database_gives_busy_not_a_hang(tmp_path, payload):
    path = tmp_path / "rooms.sqlite3"
    with RoomStore(f"sqlite:///{path}") as first:
        new = first.create_room(payload)
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # another program holds the write lock
    try:
        with RoomStore(f"sqlite:///{path}", busy_timeout=0.2) as st:
            with pytest.raises(StoreBusy, match="busy"):
                st.join(new.code, "Ann")
            assert st.find_room(new.code).id == new.room_id  # readers still read (WAL)
            other.execute("ROLLBACK")
            assert st.join(new.code, "Ann").role == "mentor"  # and it works once the lock is gone
    finally:
        other.close()


def test_store_failures_a_deleted_database_file_means_the_room_is_gone(tmp_path, payload):
    path = tmp_path / "rooms.sqlite3"
    with RoomStore(f"sqlite:///{path}") as st:
        new = st.create_room(payload)
        st.join(new.code, "Ann")
        for f in tmp_path.glob("rooms.sqlite3*"):
            f.unlink()
        with pytest.raises(RoomNotFound):
            st.snapshot(new.room_id)
        assert st.create_room(payload).code  # a fresh database, migrated again


def _commit_in_thread(store: RoomStore, payload) -> threading.Thread:
    t = threading.Thread(target=lambda: (time.sleep(0.1), store.create_room(payload)))
    t.start()
    return t


@pytest.mark.parametrize("kind", ["memory", "file"])
def test_store_failures_sqlite_watcher_wakes_after_another_commit(tmp_path, payload, kind):
    url = "sqlite:///:memory:" if kind == "memory" else f"sqlite:///{tmp_path / 'rooms.sqlite3'}"
    with RoomStore(url) as st:
        watcher = st.watch()
        assert watcher.wait(0.05) is False
        t = _commit_in_thread(st, payload)
        assert watcher.wait(10) is True
        t.join()
        watcher.close()


@pytest.mark.postgres
def test_store_failures_postgres_watcher_hears_its_room_only(pg_url, payload):
    postgres_or_skip()
    with RoomStore(pg_url) as st:
        mine, other = st.create_room(payload), st.create_room(payload)
        watcher = st.watch(mine.room_id)
        st.join(other.code, "Ann")
        assert watcher.wait(0.3) is False
        st.join(mine.code, "Bob")
        assert watcher.wait(10) is True
        watcher.close()


@pytest.mark.postgres
def test_store_failures_postgres_dropped_connection_is_replaced_before_anyone_sees_it(pg_url, payload):
    """Issue 17 (5): after PostgreSQL dropped its connections, each page's next action failed once and
    showed the database URL to participants."""
    import psycopg

    with RoomStore(pg_url) as store, psycopg.connect(postgres_or_skip(), autocommit=True) as admin:
        new = store.create_room(payload)
        ann = store.join(new.code, "Ann")
        for action in (lambda: store.snapshot(new.room_id), lambda: store.join(new.code, "Bob"),
                       lambda: store.rejoin(ann.token)):
            pid = store.db._conn.info.backend_pid
            admin.execute("SELECT pg_terminate_backend(%s)", (pid,))
            time.sleep(0.2)  # the server has closed it by now; the store does not know yet
            action()  # no error: the dropped connection was replaced first
            assert store.db._conn.info.backend_pid != pid
        assert [s.name for s in store.snapshot(new.room_id).seats] == ["Ann", "Bob"]


def test_store_failures_visitor_messages_never_name_the_database(caplog):
    from widgets.live.errors import STORE_PROBLEM, StoreBusy, for_visitor

    url = "postgresql://mentor@db.internal:5432/course?schema=cohort_7"
    shown = for_visitor(StoreUnavailable(f"The PostgreSQL room database at {url} failed: server closed"))
    assert shown == STORE_PROBLEM and "db.internal" not in shown and "cohort_7" not in shown
    assert url in caplog.text  # the operator's log keeps it
    assert for_visitor(StoreBusy("The room database is busy. Try again in a moment.")).startswith("The room database is busy")


def test_store_failures_room_database_is_private(tmp_path, payload):
    """Issue 17 (6): the room database was created 0644 in a 0755 folder."""
    import os

    from widgets.live.store import default_url

    url = default_url({"XDG_DATA_HOME": str(tmp_path / "xdg")})
    with RoomStore(url) as store:
        store.create_room(payload)
    path = tmp_path / "xdg" / "mentor-course" / "live-rooms.sqlite3"
    assert path.stat().st_mode & 0o777 == 0o600
    assert path.parent.stat().st_mode & 0o777 == 0o700
    for extra in (path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        if extra.exists():
            assert extra.stat().st_mode & 0o077 == 0, os.stat(extra)


CLOSE_UNDER_A_POLL = """
import sys, threading
from widgets.live.errors import LiveError
from widgets.live.store import RoomStore

for i in range(200):
    st = RoomStore("sqlite:///" + sys.argv[1] + f"/rooms-{i}.sqlite3")
    watcher = st.watch()
    stop = threading.Event()

    def poll():
        while not stop.is_set():
            try:
                watcher.wait(0.0005)
            except LiveError:
                return

    threads = [threading.Thread(target=poll) for _ in range(2)]
    for t in threads:
        t.start()
    st.close()          # from another thread, while the watcher polls
    watcher.close()
    stop.set()
    for t in threads:
        t.join()
print("closed cleanly")
"""


def test_store_failures_closing_the_store_while_a_watcher_polls_does_not_crash(tmp_path):
    """A room being stopped (or the server shutting down) closed the watcher's SQLite connection from
    another thread mid-poll, and the process died with a segmentation fault (seen in CI). Run it in a
    child process so a crash is a failed assertion, not a dead test run."""
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-c", CLOSE_UNDER_A_POLL, str(tmp_path)], capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0 and "closed cleanly" in done.stdout, (done.returncode, done.stderr[-2000:])
