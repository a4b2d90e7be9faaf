"""Under 40 processes writing at once, is every vote kept exactly once, on SQLite (WAL) and PostgreSQL?

Each process joins the room as its own participant, waits for the others, then votes twice for
different options as fast as it can; the second vote must replace the first. Afterwards the room must
hold exactly one vote per participant, the second one, changed once: none lost, none duplicated.
Each process opens its own connections, as each Voilà kernel does.
"""

from __future__ import annotations

import multiprocessing as mp
from importlib.util import find_spec
from pathlib import Path

import pytest

from widgets.live.store import RoomStore

VOTERS = 40
CHOICES = ("validate", "curious", "dismiss")


def _voter(url: str, code: str, index: int, ready, go, results) -> None:
    try:
        with RoomStore(url, busy_timeout=30) as st:
            seat = st.join(code, f"voter {index}", client=f"proc-{index}")
            ready.put(seat.seat_id)
            go.wait(120)
            first, second = CHOICES[index % 3], CHOICES[(index + 1) % 3]
            st.vote(seat.token, first)
            st.vote(seat.token, second)
            results.put((seat.seat_id, second, ""))
    except Exception as exc:  # reported to the parent, which fails the test with it
        results.put(("", "", f"{type(exc).__name__}: {exc}"))


def run_voters(url: str, payload) -> None:
    # Children start from a clean server process (not a copy of this one and its threads), which has
    # the store's modules loaded already, so 40 of them start in a moment.
    ctx = mp.get_context("forkserver")
    ctx.set_forkserver_preload([__name__, "widgets.live.store", *(["psycopg"] if find_spec("psycopg") else [])])
    with RoomStore(url) as st:
        new = st.create_room(payload, capacity=VOTERS)
    ready, results, go = ctx.Queue(), ctx.Queue(), ctx.Event()
    procs = [ctx.Process(target=_voter, args=(url, new.code, i, ready, go, results)) for i in range(VOTERS)]
    for p in procs:
        p.start()
    try:
        seats = [ready.get(timeout=120) for _ in procs]
        with RoomStore(url) as st:
            for sid in seats:
                st.set_role(new.key, sid, "mentor")
            st.start(new.key)
            st.open_votes(new.key)
            go.set()
            outcomes = [results.get(timeout=120) for _ in procs]
            errors = [e for _, _, e in outcomes if e]
            assert errors == []
            snap = st.snapshot(new.room_id)
            with st.db.read() as tx:
                rows = tx.all("SELECT seat_id, choice_id, changes FROM live_votes WHERE room_id = ?", (new.room_id,))
    finally:
        for p in procs:
            p.join(30)
            if p.is_alive():
                p.kill()
    expected = {sid: choice for sid, choice, _ in outcomes}
    assert len(rows) == VOTERS  # none lost, none duplicated
    assert {sid: choice for sid, choice, _ in rows} == expected
    assert {changes for _, _, changes in rows} == {2}
    assert len(snap.votes) == VOTERS and snap.room.version >= 2 * VOTERS


@pytest.mark.slow
def test_store_processes_40_sqlite_writers_lose_no_vote(tmp_path: Path, payload):
    run_voters(f"sqlite:///{tmp_path / 'rooms.sqlite3'}", payload)


@pytest.mark.slow
@pytest.mark.postgres
def test_store_processes_40_postgres_writers_lose_no_vote(pg_url: str, payload):
    run_voters(pg_url, payload)
