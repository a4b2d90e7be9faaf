"""Does ``RoomStore`` keep rooms right on every backend: who may act, votes, joins, expiry, migrations?

Each test runs on SQLite in memory, a SQLite file (WAL) and, marked ``postgres``, a real PostgreSQL.
"""

from __future__ import annotations

import pytest

from widgets.live import migrations, room
from widgets.live.errors import (
    InvalidInput,
    NotAllowed,
    RoomClosed,
    RoomExpired,
    RoomFull,
    RoomNotFound,
    TooManyAttempts,
    Unauthorized,
)
from widgets.live.store import FAILURE_WINDOW, FAILURES_PER_BROWSER, FAILURES_PER_CLIENT, RoomStore


def started(store, payload, *names, capacity=60):
    """A room with participants seated (mentor, mentee, observer, ...) and votes open."""
    new = store.create_room(payload, capacity=capacity)
    seats = [store.join(new.code, n) for n in names]
    store.start(new.key)
    store.open_votes(new.key)
    return new, seats


def test_store_join_suggests_roles_and_lists_seats(store, payload):
    new = store.create_room(payload)
    a, b, c = (store.join(new.code, n) for n in ("Ann", "Bob", "Cy"))
    assert (a.role, b.role, c.role) == ("mentor", "mentee", "observer")
    snap = store.snapshot(new.room_id)
    assert [s.name for s in snap.seats] == ["Ann", "Bob", "Cy"] and snap.room.phase == room.LOBBY
    assert store.find_room(new.code.lower()).id == new.room_id


def test_store_vote_twice_replaces_the_first(store, payload):
    new, (ann,) = started(store, payload, "Ann")
    store.vote(ann.token, "curious")
    store.vote(ann.token, "validate")
    store.vote(ann.token, "validate")  # the same vote again changes nothing
    snap = store.snapshot(new.room_id)
    assert [(v.seat_id, v.choice_id, v.changes) for v in snap.votes] == [(ann.seat_id, "validate", 2)]
    assert room.tally(store.scenario(new.room_id), snap.room, snap.seats, snap.votes).as_dict()["validate"] == 1


def test_store_vote_many_writes_each_vote_as_vote_would_and_refuses_only_the_bad_ones(store, payload):
    """The participants' server writes votes that arrive together in one transaction (a group commit)."""
    new, (ann, bob, _cy, di) = started(store, payload, "Ann", "Bob", "Cy", "Di")
    store.set_role(new.key, di.seat_id, "mentor")
    before, public = store.version(new.room_id), store.version(new.room_id, public=True)
    out = store.vote_many([(ann.token, "curious"), (bob.token, "validate"), ("no-such-token", "validate"),
                           (di.token, "nonsense"), (di.token, "dismiss"), (ann.token, "validate")])
    assert [getattr(v, "choice_id", None) for v in out] == ["curious", None, None, None, "dismiss", "validate"]
    assert "Only mentors vote" in str(out[1]) and "no longer exists" in str(out[2]) and "not on offer" in str(out[3])
    snap = store.snapshot(new.room_id)
    assert sorted((v.seat_id, v.choice_id) for v in snap.votes) == sorted([(ann.seat_id, "validate"),
                                                                           (di.seat_id, "dismiss")])
    assert store.version(new.room_id) == before + 1  # one change for the batch
    assert store.version(new.room_id, public=True) == public  # votes do not wake participants' views
    assert store.vote_many([]) == []


def test_store_only_the_facilitator_key_changes_the_room(store, payload):
    new, (ann, bob) = started(store, payload, "Ann", "Bob")
    other = store.create_room(payload)
    for key in (ann.token, "not-a-key", ""):
        with pytest.raises(Unauthorized):
            store.close_votes(key)
    with pytest.raises(NotAllowed):
        store.close_votes(other.key)  # a key controls its own room only (in the lobby, nothing to close)
    with pytest.raises(Unauthorized):
        store.kick(ann.token, bob.seat_id)
    with pytest.raises(InvalidInput):
        store.kick(other.key, bob.seat_id)  # another room's key finds no such seat in its room
    with pytest.raises(Unauthorized):
        store.delete_room(bob.token)
    assert store.snapshot(new.room_id).room.phase == room.VOTING


def test_store_a_seat_token_acts_only_for_its_own_seat(store, payload):
    new, (ann, bob, cy) = started(store, payload, "Ann", "Bob", "Cy")
    with pytest.raises(NotAllowed, match="Only mentors vote"):
        store.vote(bob.token, "validate")  # the mentee cannot vote
    with pytest.raises(NotAllowed, match="Only observers"):
        store.tick(ann.token, "reflected", True)
    with pytest.raises(Unauthorized):
        store.vote(new.key, "validate")  # the facilitator's key is not a seat
    with pytest.raises(Unauthorized):
        store.vote("forged-token", "validate")
    store.tick(cy.token, "reflected", True)
    snap = store.snapshot(new.room_id)
    assert snap.ticked(cy.seat_id) == {"reflected"} and snap.ticked(ann.seat_id) == frozenset()


def test_store_reveal_records_the_decision_and_tie_needs_the_facilitator(store, payload):
    new, (ann, bob) = started(store, payload, "Ann", "Bob")
    store.set_role(new.key, bob.seat_id, "mentor")
    store.vote(ann.token, "validate")
    store.vote(bob.token, "curious")
    store.close_votes(new.key)
    with pytest.raises(NotAllowed, match="tied"):
        store.reveal(new.key)
    rs = store.reveal(new.key, "curious")
    assert rs.phase == room.REVEAL and rs.history == ("curious",)
    d = store.snapshot(new.room_id).decisions
    assert [(x.round, x.node_id, x.choice_id, x.decided_by, x.counts) for x in d] == [
        (0, "opening", "curious", "facilitator", {"validate": 1, "curious": 1, "dismiss": 0})]
    assert store.advance(new.key).phase == room.NODE
    assert store.snapshot(new.room_id).votes == ()  # a new round starts empty


def test_store_kick_revokes_the_token_and_the_vote_stops_counting(store, payload):
    new, (ann, bob) = started(store, payload, "Ann", "Bob")
    store.set_role(new.key, bob.seat_id, "mentor")
    store.vote(ann.token, "validate")
    store.vote(bob.token, "dismiss")
    store.kick(new.key, bob.seat_id)
    with pytest.raises(Unauthorized, match="removed you"):
        store.vote(bob.token, "dismiss")
    with pytest.raises(Unauthorized, match="removed you"):
        store.rejoin(bob.token)
    with pytest.raises(NotAllowed):
        store.kick(new.key, bob.seat_id)
    assert store.reveal(new.key).history == ("validate",)  # a clear winner once Bob's vote is out


def test_store_leave_frees_the_name_and_late_joiners_get_a_seat(store, payload):
    new, (ann,) = started(store, payload, "Ann")
    store.vote(ann.token, "validate")
    store.leave(ann.token)
    with pytest.raises(Unauthorized, match="You left"):
        store.rejoin(ann.token)
    late = store.join(new.code, "ann")  # same name, new seat, mid-vote
    assert late.role == "mentor" and store.rejoin(late.token).seat_id == late.seat_id
    snap = store.snapshot(new.room_id)
    assert [(s.name, s.status) for s in snap.seats] == [("Ann", room.LEFT), ("ann", room.ACTIVE)]


def test_store_refuses_a_full_room_a_taken_name_and_a_closed_room(store, payload):
    new = store.create_room(payload, capacity=2)
    store.join(new.code, "Ann")
    with pytest.raises(InvalidInput, match="already uses that name"):
        store.join(new.code, " ANN ")
    store.join(new.code, "Bob")
    with pytest.raises(RoomFull):
        store.join(new.code, "Cy")
    store.close_room(new.key)
    with pytest.raises(RoomClosed):
        store.join(new.code, "Cy")
    with pytest.raises(RoomClosed):
        store.start(new.key)


def test_store_wrong_codes_are_limited_per_address_and_browser_never_server_wide(store, payload, clock):
    """Issue 17 (1): eight pages from one address sending eight wrong codes each used to lock the whole
    server; now only that address (and each guessing browser) waits, and a new visitor's right code works."""
    new = store.create_room(payload)
    for page in range(8):
        for _ in range(FAILURES_PER_BROWSER):
            with pytest.raises((RoomNotFound, TooManyAttempts)):
                store.join("ZZZ-ZZZ", "Eve", client="addr:attacker", browser=f"page-{page}")
    with pytest.raises(TooManyAttempts, match="from your network"):
        store.join(new.code, "Eve", client="addr:attacker", browser="fresh-page")  # a new page does not reset it
    assert store.join(new.code, "Ann", client="addr:someone-else", browser="b-ann").role == "mentor"
    for _ in range(FAILURES_PER_BROWSER):
        with pytest.raises(RoomNotFound):
            store.join("ZZZ-ZZZ", "Kid", client="addr:classroom", browser="b-kid")
    with pytest.raises(TooManyAttempts, match="from your browser"):
        store.join(new.code, "Kid", client="addr:classroom", browser="b-kid")
    assert store.join(new.code, "Bob", client="addr:classroom", browser="b-bob").role == "mentee"  # same network
    clock.advance(FAILURE_WINDOW + 1)
    assert store.join(new.code, "Eve", client="addr:attacker", browser="page-0").name == "Eve"
    assert FAILURES_PER_CLIENT * 86400 / FAILURE_WINDOW <= 6000  # docs/facilitators.md: "at most 5,760 a day"


def test_store_one_seat_per_browser_and_a_blocked_browser_stays_out(store, payload):
    """Issue 17 (2): one page took 60 seats with its hidden Join button; a removed participant came
    straight back under a new name."""
    new = store.create_room(payload, capacity=3)
    first = store.join(new.code, "ghost 0", browser="b-1")
    for k in range(1, 10):
        again = store.join(new.code, f"ghost {k}", browser="b-1")
        assert (again.seat_id, again.name) == (first.seat_id, "ghost 0")
    with pytest.raises(Unauthorized):
        store.rejoin(first.token)  # the newest token acts for the seat
    assert store.rejoin(again.token).seat_id == first.seat_id
    assert len(store.snapshot(new.room_id).seats) == 1
    ann = store.join(new.code, "Ann", browser="b-ann")
    store.kick(new.key, ann.seat_id)
    ann2 = store.join(new.code, "Ann again", browser="b-ann")  # removed, not blocked: may come back
    with pytest.raises(Unauthorized, match="Join again with the code if they agree"):
        store.rejoin(ann.token)  # removed only: told they may come back
    store.kick(new.key, ann2.seat_id, block=True)
    with pytest.raises(Unauthorized, match="did not allow you to join"):
        store.join(new.code, "Someone new", browser="b-ann")
    with pytest.raises(Unauthorized, match="did not allow you to join"):
        store.rejoin(ann2.token)  # the blocked seat's page (or its reload) is not told it may come back
    assert store.join(new.code, "Bob", browser="b-bob").room_id == new.room_id


def test_store_rooms_expire_with_their_data(store, payload, clock):
    new, (ann,) = started(store, payload, "Ann")
    store.vote(ann.token, "validate")
    keep = store.create_room(payload, ttl=48 * 3600)
    clock.advance(12 * 3600)
    with pytest.raises(RoomExpired):
        store.join(new.code, "Bob")  # expired but not yet purged: refused all the same
    assert store.expire() == [new.code]
    assert [r.id for r in store.list_rooms()] == [keep.room_id]
    with pytest.raises(RoomExpired, match="expired and its data was deleted"):
        store.find_room(new.code)
    with pytest.raises(RoomNotFound):
        store.snapshot(new.room_id)
    with pytest.raises(Unauthorized):
        store.rejoin(ann.token)
    with pytest.raises(Unauthorized):
        store.room_for_key(new.key)
    with store.db.read() as tx:
        left = {t: tx.one(f"SELECT COUNT(*) FROM {t} WHERE room_id = ?", (new.room_id,))[0]
                for t in ("live_seats", "live_votes", "live_decisions", "live_ticks")}
    assert left == dict.fromkeys(left, 0)


def test_store_delete_room_removes_everything_and_says_so(store, payload):
    new, (ann,) = started(store, payload, "Ann")
    store.delete_room(new.key)
    with pytest.raises(RoomExpired, match="deleted by its facilitator"):
        store.join(new.code, "Bob")
    with pytest.raises(Unauthorized):
        store.vote(ann.token, "validate")
    assert store.list_rooms() == []


def test_store_delete_by_operator_accepts_id_or_code(store, payload):
    a, b = store.create_room(payload), store.create_room(payload)
    assert store.delete_by_operator(a.room_id).id == a.room_id
    assert store.delete_by_operator(b.code[:3] + "-" + b.code[3:].lower()).id == b.room_id
    with pytest.raises(RoomNotFound):
        store.delete_by_operator("nothing")


def test_store_create_room_checks_its_limits(store, payload):
    with pytest.raises(InvalidInput):
        store.create_room(payload, capacity=0)
    with pytest.raises(InvalidInput):
        store.create_room(payload, ttl=1)


def test_store_scenario_is_kept_in_the_room(store, payload):
    new = store.create_room(payload)
    assert store.scenario(new.room_id).id == "live-tiny"
    assert store.payload(new.room_id)["competencies"] == {"validation": "Validating experience",
                                                          "listening": "Listening"}


def test_store_migrations_are_recorded_and_a_newer_database_is_refused(store_url, clock):
    with RoomStore(store_url, clock=clock) as st:
        assert st.schema_version() == migrations.LATEST
        with st.db.read() as tx:
            rows = tx.all(f"SELECT version, name FROM {migrations.TABLE}")
        assert [r[0] for r in rows] == [m.version for m in migrations.MIGRATIONS]
        if store_url.endswith(":memory:"):
            return  # a second store would be a second, empty database
        with st.db.write() as tx:
            tx.execute(f"INSERT INTO {migrations.TABLE} (version, name, applied_at) VALUES (?, ?, ?)",
                       (migrations.LATEST + 1, "from the future", 0.0))
    from widgets.live.errors import StoreTooNew

    with pytest.raises(StoreTooNew, match="Upgrade the package"):
        RoomStore(store_url)


@pytest.mark.postgres
def test_store_postgres_one_statement_vote_rechecks_what_it_read(pg_url, payload):
    """If the room moves between the vote's check and its write, is the write refused (and redone)?"""
    with RoomStore(pg_url) as st:
        new, (ann,) = started(st, payload, "Ann")
        stale = st._seat_and_room  # what the check read before the facilitator moved on

        def read_before_the_close(tx, token, *, lock):
            seat, rs = stale(tx, token, lock=lock)
            return seat, room.RoomState(**{**rs.__dict__, "phase": room.VOTING})

        st.close_votes(new.key)
        st._seat_and_room = read_before_the_close
        assert st._vote_in_one_statement(ann.token, "validate", st.clock()) is None
        st._seat_and_room = stale
        with pytest.raises(NotAllowed, match="not open"):
            st.vote(ann.token, "validate")  # the locked path gives the exact reason
        assert st.snapshot(new.room_id).votes == ()
        st.open_votes(new.key)
        assert st._vote_in_one_statement(ann.token, "validate", st.clock()) is not None
        assert [v.choice_id for v in st.snapshot(new.room_id).votes] == ["validate"]
