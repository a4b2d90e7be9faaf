"""``RoomStore(url)``: every live room's state, shared by all the kernels (and servers) of a course.

Voilà gives every visitor a kernel of their own, so a room lives in a database all of them share, and
each change is one short transaction: read the room under the write lock, ask :mod:`widgets.live.room`
whether the action is allowed and what follows, write the result, bump the room's ``version`` (and, on
PostgreSQL, NOTIFY). Views learn of changes from :meth:`RoomStore.watch` and re-read a
:class:`~widgets.live.room.Snapshot`.

Who may do what is decided here, from tokens: the facilitator's key (shown once, kept in their page's
URL) controls the room; a seat token acts only for its own seat. The database stores SHA-256 hashes
of both, never the tokens. The scenario is copied into the room when it is created, so a room plays
to its end the same way even if the course files change meanwhile, and every server of a
PostgreSQL-backed course plays the same version.

Usage::

    with RoomStore("sqlite:///data/live-rooms.sqlite3") as store:
        new = store.create_room(payload)
        seat = store.join(new.code, "Mei")
        store.start(new.key); store.open_votes(new.key)
        store.vote(seat.token, "validate")
"""

from __future__ import annotations

import json
import os
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from widgets.content.models import Scenario, scenario_from_dict
from widgets.live import codes, migrations, room
from widgets.live.db import Database, Tx, Watcher, open_database
from widgets.live.errors import (
    InvalidInput,
    LiveError,
    NotAllowed,
    RoomExpired,
    RoomNotFound,
    StoreTooNew,
    StoreUnavailable,
    TooManyAttempts,
    Unauthorized,
)
from widgets.live.room import Decision, RoomState, Seat, Snapshot, Tick, Vote

#: Environment variables the apps read.
URL_ENV = "MENTOR_COURSE_ROOMS_URL"
DATA_ENV = "MENTOR_COURSE_DATA"
TTL_ENV = "MENTOR_COURSE_ROOM_HOURS"
#: Who is asking, set by `mentor-course serve` in each page's kernel (widgets/serving/clients.py): the
#: visitor's address (hashed) and their browser (a signed cookie's value).
CLIENT_ENV = "HTTP_X_MENTOR_CLIENT"
BROWSER_ENV = "HTTP_X_MENTOR_BROWSER"
DB_FILE = "live-rooms.sqlite3"

DEFAULT_TTL = 12 * 3600.0
MIN_TTL = 60.0
MAX_TTL = 30 * 24 * 3600.0
#: A retired code (of an expired or deleted room) is remembered this long, so a late participant is told
#: the room expired rather than that the code is wrong, and the code is not handed to a new room.
RETIRED_FOR = 7 * 24 * 3600.0
#: Wrong join codes allowed from one address (a classroom behind one router shares it) and from one
#: browser in FAILURE_WINDOW seconds. There is no server-wide limit: one visitor's guessing must never
#: lock out anyone else. A guesser at one address gets at most 40 tries in 10 minutes, 5,760 a day.
FAILURES_PER_CLIENT = 40
FAILURES_PER_BROWSER = 8
FAILURE_WINDOW = 600.0

_ROOM_COLS = "id, code, scenario_id, title, phase, history, capacity, created_at, expires_at, version, public_version"
_ROOM_COLS_R = ", ".join(f"r.{c.strip()}" for c in _ROOM_COLS.split(","))
_SEAT_COLS = "id, name, role, joined_at, status"
#: What a participant whose browser the facilitator blocked is told, at a new join and on their old seat.
BLOCKED_MESSAGE = ("The facilitator removed you from this room and did not allow you to join it again. Talk to them "
                   "if you think this is a mistake.")
_UPSERT_VOTE = ("INSERT INTO live_votes (room_id, round, seat_id, choice_id, cast_at, changes) "
                "VALUES (?, ?, ?, ?, ?, 1) ON CONFLICT (room_id, round, seat_id) DO UPDATE SET "
                "choice_id = excluded.choice_id, cast_at = excluded.cast_at, "
                "changes = live_votes.changes + CASE WHEN live_votes.choice_id = excluded.choice_id THEN 0 ELSE 1 END")


@dataclass(frozen=True)
class NewRoom:
    """A room just created: its id, its join code and the facilitator's key (shown once)."""

    room_id: str
    code: str
    key: str


@dataclass(frozen=True)
class Joined:
    """A participant's seat: the token acts for it; keep it in the page's URL to come back."""

    room_id: str
    seat_id: str
    token: str
    name: str
    role: str


@dataclass(frozen=True)
class RoomSummary:
    id: str
    code: str
    title: str
    phase: str
    participants: int
    created_at: float
    expires_at: float


def default_url(environ: Mapping[str, str] | None = None) -> str:
    """The store the apps use: ``$MENTOR_COURSE_ROOMS_URL``; else a SQLite file in ``$MENTOR_COURSE_DATA``
    (set by `mentor-course serve`); else one in the user's data folder."""
    env = os.environ if environ is None else environ
    if env.get(URL_ENV):
        return env[URL_ENV]
    if env.get(DATA_ENV):
        return f"sqlite:///{Path(env[DATA_ENV]).expanduser().resolve() / DB_FILE}"
    base = Path(env.get("XDG_DATA_HOME") or Path.home() / ".local" / "share") / "mentor-course"
    base.mkdir(mode=0o700, parents=True, exist_ok=True)
    return f"sqlite:///{base / DB_FILE}"


def default_ttl(environ: Mapping[str, str] | None = None) -> float:
    """Seconds a new room lives: ``$MENTOR_COURSE_ROOM_HOURS`` hours (default 12), kept within bounds."""
    env = os.environ if environ is None else environ
    raw = env.get(TTL_ENV, "")
    try:
        hours = float(raw) if raw else DEFAULT_TTL / 3600
    except ValueError:
        hours = DEFAULT_TTL / 3600
    return min(max(hours * 3600, MIN_TTL), MAX_TTL)


def scenario_payload(sc_path: Path | str, *, course: Any = None, file: str = "") -> dict[str, Any]:
    """What a room keeps of a scenario: its validated data, the titles of its competencies and the
    file it came from. Raises ``ContentInvalid`` (from the loader) when the file has problems."""
    import yaml

    from widgets.content.loader import display_path, find_root, load_scenario
    from widgets.content.resources import fill_model, region_pack

    path = Path(sc_path)
    sc = load_scenario(path, course)
    # The room keeps the text every participant reads, filled from the server's region pack.
    data = fill_model(yaml.safe_load(path.read_text(encoding="utf-8")), region_pack(find_root(path.parent)))
    titles = {}
    if course is not None:
        titles = {c.id: c.title for c in course.competencies if c.id in sc.competencies}
    return {"scenario": data, "competencies": titles, "file": file or display_path(path)}


def _room(row: tuple) -> RoomState:
    return RoomState(id=row[0], code=row[1], scenario_id=row[2], title=row[3], phase=row[4],
                     history=tuple(json.loads(row[5])), capacity=int(row[6]), created_at=float(row[7]),
                     expires_at=float(row[8]), version=int(row[9]), public_version=int(row[10]))


def _seat(row: tuple) -> Seat:
    return Seat(id=row[0], name=row[1], role=row[2], joined_at=float(row[3]), status=row[4])


class RoomStore:
    """Rooms in a database named by URL; use as a context manager (or call :meth:`close`).

    ``clock`` returns seconds since the epoch (tests pass a fake one to expire rooms).
    """

    def __init__(self, url: str, *, clock: Callable[[], float] = time.time, busy_timeout: float = 5.0,
                 poll_interval: float = 0.01) -> None:
        self.url = url
        self.clock = clock
        self.db: Database = open_database(url, busy_timeout=busy_timeout, poll_interval=poll_interval)
        self._payloads: dict[str, dict[str, Any]] = {}
        self._scenarios: dict[str, Scenario] = {}
        self._cache_lock = threading.Lock()
        if hasattr(self.db, "on_replaced"):
            self.db.on_replaced = self.migrate
        try:
            if hasattr(self.db, "ensure_schema"):
                self.db.ensure_schema()
            self.migrate()
        except Exception:
            self.db.close()
            raise

    # ---- lifecycle --------------------------------------------------------------------------------

    def __enter__(self) -> RoomStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.db.close()

    @property
    def description(self) -> str:
        """Where the rooms live, for messages (passwords hidden)."""
        return self.db.description

    def schema_version(self) -> int:
        try:
            with self.db.read() as tx:
                row = tx.one(f"SELECT MAX(version) FROM {migrations.TABLE}")
        except StoreUnavailable as exc:
            if "no such table" in str(exc) or "does not exist" in str(exc):
                return 0
            raise
        return int(row[0] or 0) if row else 0

    def migrate(self) -> int:
        """Apply pending migrations; return the schema version. Safe when many processes start at once:
        the check and the changes happen under the write lock (an advisory lock on PostgreSQL)."""
        current = self.schema_version()
        if current == migrations.LATEST:
            return current
        if current > migrations.LATEST:
            raise StoreTooNew(f"The room database at {self.description} was created by a newer version of "
                              f"mixed-heritage-mentoring (schema {current}, this one knows {migrations.LATEST}). "
                              "Upgrade the package: pip install -U mixed-heritage-mentoring")
        with self.db.write() as tx:
            if self.db.dialect == "postgresql":
                tx.one("SELECT pg_advisory_xact_lock(hashtext(?))", (f"{migrations.TABLE}-{self.description}",))
            tx.execute(migrations.CREATE_TABLE)
            row = tx.one(f"SELECT MAX(version) FROM {migrations.TABLE}")
            current = int(row[0] or 0) if row else 0
            for m in migrations.pending(current):
                for stmt in m.statements:
                    tx.execute(stmt)
                tx.execute(f"INSERT INTO {migrations.TABLE} (version, name, applied_at) VALUES (?, ?, ?)",
                           (m.version, m.name, self.clock()))
                current = m.version
        return current

    def watch(self, room_id: str | None = None, *, public: bool = False) -> Watcher:
        """A watcher whose ``wait(timeout)`` returns True soon after a change: on PostgreSQL a change to
        ``room_id`` (with ``public``, one participants can see); on SQLite any commit, after which
        callers compare :meth:`version`."""
        return self.db.watcher(room_id, public)

    # ---- scenario of a room -----------------------------------------------------------------------

    def payload(self, room_id: str, tx: Tx | None = None) -> dict[str, Any]:
        """The scenario data, competency titles and file a room was created with (cached: never changes).

        Inside a transaction pass ``tx``: a second transaction on the same connection cannot start.
        """
        with self._cache_lock:
            if room_id in self._payloads:
                return self._payloads[room_id]
        if tx is None:
            with self.db.read() as own:
                row = own.one("SELECT payload FROM live_rooms WHERE id = ?", (room_id,))
        else:
            row = tx.one("SELECT payload FROM live_rooms WHERE id = ?", (room_id,))
        if row is None:
            raise RoomNotFound("This room no longer exists: it expired or was deleted.")
        data = json.loads(row[0])
        with self._cache_lock:
            self._payloads[room_id] = data
        return data

    def scenario(self, room_id: str, tx: Tx | None = None) -> Scenario:
        """The room's scenario, built from its payload once per store."""
        with self._cache_lock:
            if room_id in self._scenarios:
                return self._scenarios[room_id]
        payload = self.payload(room_id, tx)
        sc = scenario_from_dict(payload["scenario"], payload.get("file", ""))
        with self._cache_lock:
            self._scenarios[room_id] = sc
        return sc

    # ---- creating and finding rooms -------------------------------------------------------------

    def create_room(self, payload: Mapping[str, Any], *, ttl: float = DEFAULT_TTL,
                    capacity: int = room.DEFAULT_CAPACITY) -> NewRoom:
        """Open a room in the lobby for the scenario in ``payload`` (see :func:`scenario_payload`)."""
        if not (isinstance(capacity, int) and 1 <= capacity <= room.MAX_CAPACITY):
            raise InvalidInput(f"A room holds between 1 and {room.MAX_CAPACITY} participants.")
        if not (MIN_TTL <= float(ttl) <= MAX_TTL):
            raise InvalidInput(f"A room lives between {MIN_TTL / 60:.0f} minutes and {MAX_TTL / 86400:.0f} days.")
        sc = scenario_from_dict(dict(payload["scenario"]), str(payload.get("file", "")))
        self.expire()
        now = self.clock()
        key = codes.new_token(24)
        room_id = codes.new_id()
        blob = json.dumps(dict(payload), ensure_ascii=False, separators=(",", ":"))
        for _ in range(50):
            code = codes.new_code()
            with self.db.write() as tx:
                if tx.one("SELECT 1 FROM live_rooms WHERE code = ? UNION ALL SELECT 1 FROM live_retired_codes "
                          "WHERE code = ?", (code, code)):
                    continue
                tx.execute("INSERT INTO live_rooms (id, code, facilitator_hash, scenario_id, title, payload, phase, "
                           "history, vote_round, capacity, created_at, expires_at, updated_at, version, public_version) "
                           "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                           (room_id, code, codes.token_hash(key), sc.id, sc.title, blob, room.LOBBY, "[]", 0, capacity,
                            now, now + float(ttl), now, 0, 0))
            return NewRoom(room_id, code, key)
        raise StoreUnavailable("Could not find a free join code; too many rooms are open. Delete old rooms.")

    def _room_row(self, tx: Tx, where: str, value: str, *, lock: bool = False) -> RoomState | None:
        row = tx.one(f"SELECT {_ROOM_COLS} FROM live_rooms WHERE {where} = ?{tx.for_update if lock else ''}", (value,))
        return _room(row) if row else None

    def _retired(self, tx: Tx, code: str) -> str | None:
        row = tx.one("SELECT reason FROM live_retired_codes WHERE code = ?", (code,))
        return row[0] if row else None

    def _alive(self, rs: RoomState | None, missing: str) -> RoomState:
        if rs is None:
            raise RoomNotFound(missing)
        if rs.expired(self.clock()):
            raise RoomExpired("This room has expired; its data is being deleted.")
        return rs

    def find_room(self, code: str) -> RoomState:
        """The room a join code opens; :class:`RoomNotFound` (or :class:`RoomExpired`) otherwise."""
        code = codes.normalize_code(code)
        with self.db.read() as tx:
            rs = self._room_row(tx, "code", code)
            retired = None if rs else self._retired(tx, code)
        if retired:
            raise RoomExpired(_retired_message(retired))
        return self._alive(rs, f"No room has the code {codes.format_code(code)}. Check it on the facilitator's screen.")

    def room_for_key(self, key: str) -> RoomState:
        """The room the facilitator's key controls; :class:`Unauthorized` for any other key."""
        with self.db.read() as tx:
            rs = self._room_row(tx, "facilitator_hash", codes.token_hash(key))
        if rs is None:
            raise Unauthorized("This facilitator link does not match any room: the room expired or was deleted, "
                               "or the link was copied incompletely.")
        return self._alive(rs, "")

    def list_rooms(self) -> list[RoomSummary]:
        """Every room in the store (for operators: `mentor-course room list`)."""
        with self.db.read() as tx:
            rows = tx.all("SELECT r.id, r.code, r.title, r.phase, r.created_at, r.expires_at, "
                          "(SELECT COUNT(*) FROM live_seats s WHERE s.room_id = r.id AND s.status = ?) "
                          "FROM live_rooms r ORDER BY r.created_at", (room.ACTIVE,))
        return [RoomSummary(r[0], r[1], r[2], r[3], int(r[6]), float(r[4]), float(r[5])) for r in rows]

    # ---- reading a room --------------------------------------------------------------------------

    def version(self, room_id: str, *, public: bool = False) -> int | None:
        """The room's change counter (None once it is gone): cheap to poll. ``public`` asks for the
        counter of changes participants can see (votes do not move it)."""
        column = "public_version" if public else "version"
        with self.db.read() as tx:
            row = tx.one(f"SELECT {column} FROM live_rooms WHERE id = ?", (room_id,))
        return int(row[0]) if row else None

    def snapshot(self, room_id: str) -> Snapshot:
        """The room, its seats, this round's votes, its decisions and checklist ticks, read consistently."""
        snap = self.snapshot_if_newer(room_id, -1)
        assert snap is not None
        return snap

    def snapshot_if_newer(self, room_id: str, after: int, *, public: bool = False) -> Snapshot | None:
        """The room's snapshot if its counter (``public``: the participants' one) is above ``after``,
        else None: in one read transaction, and on PostgreSQL in one round trip."""
        with self.db.read() as tx:
            if self.db.dialect == "postgresql":
                room_rows, *rest = tx.batch([(f"SELECT {_ROOM_COLS} FROM live_rooms WHERE id = ?", (room_id,)),
                                             *_detail_queries(room_id)])
            else:
                room_rows, rest = tx.all(f"SELECT {_ROOM_COLS} FROM live_rooms WHERE id = ?", (room_id,)), None
            if not room_rows:
                raise RoomNotFound("This room no longer exists: it expired or was deleted.")
            rs = _room(room_rows[0])
            if (rs.public_version if public else rs.version) <= after:
                return None
            if rest is None:
                rest = tx.batch(_detail_queries(room_id))
        seats, votes, decisions, ticks = rest
        return Snapshot(rs, tuple(_seat(r) for r in seats),
                        tuple(Vote(r[0], int(r[1]), r[2], float(r[3]), int(r[4])) for r in votes),
                        tuple(_decision(r) for r in decisions), tuple(Tick(r[0], r[1], bool(r[2])) for r in ticks))

    def all_votes(self, key: str) -> list[Vote]:
        """Every vote of every round (the facilitator's export)."""
        rs = self.room_for_key(key)
        with self.db.read() as tx:
            rows = tx.all("SELECT seat_id, round, choice_id, cast_at, changes FROM live_votes WHERE room_id = ? "
                          "ORDER BY round, cast_at", (rs.id,))
        return [Vote(r[0], int(r[1]), r[2], float(r[3]), int(r[4])) for r in rows]

    # ---- participants ---------------------------------------------------------------------------

    def join(self, code: str, name: str, *, client: str = "", browser: str = "") -> Joined:
        """Take a seat in the room with ``code`` under ``name``.

        ``client`` names where the request came from (the visitor's address, as `mentor-course serve`
        tells the kernel) and ``browser`` the browser (a signed cookie): wrong codes are counted for each,
        never for the whole server, so one visitor's guessing cannot lock anyone else out. A browser that
        already holds a seat in the room gets that seat back (with a fresh token), so one page cannot
        fill a room; a browser the facilitator blocked is refused.
        """
        code = codes.normalize_code(code)
        name = codes.clean_name(name)
        key = codes.name_key(name)
        now = self.clock()
        failure: Exception | None = None
        with self.db.write() as tx:
            self._check_budget(tx, client, browser, now)
            rs = self._room_row(tx, "code", code, lock=True)
            if rs is None:
                for who in {client, _browser_key(browser)} - {""}:
                    tx.execute("INSERT INTO live_join_failures (client, at) VALUES (?, ?)", (who, now))
                retired = self._retired(tx, code)
                failure = RoomExpired(_retired_message(retired)) if retired else RoomNotFound(
                    f"No room has the code {codes.format_code(code)}. Check it on the facilitator's screen.")
            else:
                if rs.expired(now):
                    raise RoomExpired("This room has expired; ask your facilitator for a new code.")
                token = codes.new_token()
                if browser:
                    if tx.one("SELECT 1 FROM live_blocked WHERE room_id = ? AND browser = ?", (rs.id, browser)):
                        raise Unauthorized(BLOCKED_MESSAGE)
                    row = tx.one(f"SELECT {_SEAT_COLS} FROM live_seats WHERE room_id = ? AND browser = ? AND status = ?",
                                 (rs.id, browser, room.ACTIVE))
                    if row is not None:  # this browser is already seated: the same seat, not another one
                        seat = _seat(row)
                        tx.execute("UPDATE live_seats SET token_hash = ? WHERE room_id = ? AND id = ?",
                                   (codes.token_hash(token), rs.id, seat.id))
                        return Joined(rs.id, seat.id, token, seat.name, seat.role)
                seats = [_seat(r) for r in tx.all(f"SELECT {_SEAT_COLS} FROM live_seats WHERE room_id = ? ORDER BY position",
                                                 (rs.id,))]
                keys = dict(tx.all("SELECT id, name_key FROM live_seats WHERE room_id = ?", (rs.id,)))
                room.check_join(rs, seats, key, keys, now)
                role = room.suggest_role(self.scenario(rs.id, tx), seats)
                seat_id = codes.new_id()
                tx.execute("INSERT INTO live_seats (room_id, id, token_hash, name, name_key, role, joined_at, position, "
                           "status, browser) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                           (rs.id, seat_id, codes.token_hash(token), name, key, role, now, len(seats) + 1, room.ACTIVE,
                            browser))
                self._bump(tx, rs.id, now)
        if failure is not None:
            raise failure  # after the commit, so the failed try is counted
        return Joined(rs.id, seat_id, token, name, role)

    def _check_budget(self, tx: Tx, client: str, browser: str, now: float) -> None:
        """Refuse a join from an address or a browser that has used up its wrong codes (checked before the
        code is looked up: otherwise the refusal itself would tell a guesser which codes are right)."""
        since = now - FAILURE_WINDOW
        for who, limit in ((client, FAILURES_PER_CLIENT), (_browser_key(browser), FAILURES_PER_BROWSER)):
            if who and tx.one("SELECT COUNT(*) FROM live_join_failures WHERE client = ? AND at > ?",
                              (who, since))[0] >= limit:
                raise TooManyAttempts(f"Too many wrong codes were tried from your {'network' if who == client else 'browser'} "
                                      f"in the last {FAILURE_WINDOW / 60:.0f} minutes, so joining by code is paused "
                                      "there for a few minutes. Check the code on the facilitator's screen and try "
                                      "again shortly.")

    def _seat_and_room(self, tx: Tx, token: str, *, lock: bool) -> tuple[Seat, RoomState]:
        row = tx.one(f"SELECT s.id, s.name, s.role, s.joined_at, s.status, {_ROOM_COLS_R} FROM live_seats s "
                     "JOIN live_rooms r ON r.id = s.room_id WHERE s.token_hash = ?"
                     f"{' FOR UPDATE OF r' if lock and tx.for_update else ''}", (codes.token_hash(token),))
        if row is None:
            raise Unauthorized("This seat no longer exists: the room expired or was deleted. Join again with a new code.")
        seat, rs = _seat(row[:5]), _room(row[5:])
        if seat.status == room.KICKED:
            # A blocked seat's page (or its reload) must not be told it may come back.
            if tx.one("SELECT 1 FROM live_blocked b JOIN live_seats s ON s.room_id = b.room_id AND s.browser = b.browser "
                      "WHERE s.room_id = ? AND s.id = ?", (rs.id, seat.id)):
                raise Unauthorized(BLOCKED_MESSAGE)
            raise Unauthorized("The facilitator removed you from this room. Join again with the code if they agree.")
        if seat.status == room.LEFT:
            raise Unauthorized("You left this room. Join again with the code to take a new seat.")
        if rs.expired(self.clock()):
            raise RoomExpired("This room has expired.")
        return seat, rs

    def rejoin(self, token: str) -> Joined:
        """The seat a token holds (a reloaded page comes back to it)."""
        with self.db.read() as tx:
            seat, rs = self._seat_and_room(tx, token, lock=False)
        return Joined(rs.id, seat.id, token, seat.name, seat.role)

    def leave(self, token: str) -> None:
        """Give up the seat; its votes in the open round stop counting."""
        now = self.clock()
        with self.db.write() as tx:
            seat, rs = self._seat_and_room(tx, token, lock=True)
            tx.execute("UPDATE live_seats SET status = ?, left_at = ? WHERE room_id = ? AND id = ?",
                       (room.LEFT, now, rs.id, seat.id))
            self._bump(tx, rs.id, now)

    def vote(self, token: str, choice_id: str) -> Vote:
        """Vote for ``choice_id`` at the open step; a second vote replaces the first (idempotent)."""
        now = self.clock()
        choice_id = str(choice_id)
        if self.db.dialect == "postgresql":
            fast = self._vote_in_one_statement(token, choice_id, now)
            if fast is not None:
                return fast
        with self.db.write() as tx:
            seat, rs = self._seat_and_room(tx, token, lock=True)
            room.check_vote(self.scenario(rs.id, tx), rs, seat, choice_id, now)
            tx.execute(_UPSERT_VOTE, (rs.id, rs.vote_round, seat.id, choice_id, now))
            self._bump(tx, rs.id, now, public=False)
        return Vote(seat.id, rs.vote_round, choice_id, now)

    def vote_many(self, ballots: Sequence[tuple[str, str]]) -> list[Vote | LiveError]:
        """Several votes ``(token, choice_id)`` in one transaction, each checked and written as :meth:`vote`
        would: the result for each is its :class:`Vote` or the error that refused it (the others count).

        The participants' server (widgets/live/web) queues the votes that arrive while one commit runs and
        writes them together: forty votes cast at once are a few commits, not forty, and nobody's vote
        waits behind thirty-nine lock hand-overs. A failure of the transaction itself is raised for all."""
        now = self.clock()
        out: list[Vote | LiveError] = []
        with self.db.write() as tx:
            bumped: set[str] = set()
            for token, choice_id in ballots:
                choice_id = str(choice_id)
                try:
                    seat, rs = self._seat_and_room(tx, token, lock=True)
                    room.check_vote(self.scenario(rs.id, tx), rs, seat, choice_id, now)
                except LiveError as exc:
                    out.append(exc)
                    continue
                tx.execute(_UPSERT_VOTE, (rs.id, rs.vote_round, seat.id, choice_id, now))
                bumped.add(rs.id)
                out.append(Vote(seat.id, rs.vote_round, choice_id, now))
            for room_id in sorted(bumped):
                self._bump(tx, room_id, now, public=False)
        return out

    def _vote_in_one_statement(self, token: str, choice_id: str, now: float) -> Vote | None:
        """PostgreSQL: check the vote against a plain read, then write it with one statement that holds
        the room's row lock only inside the server, re-checking that nothing changed meanwhile (phase,
        round, the seat's role). Forty votes queue on that lock; a lock held across a round trip to a
        client process waiting for a CPU would make the queue crawl. None (and the caller's locked path,
        with its exact error) when the read finds a problem or the state moved."""
        with self.db.read() as tx:
            try:
                seat, rs = self._seat_and_room(tx, token, lock=False)
                room.check_vote(self.scenario(rs.id, tx), rs, seat, choice_id, now)
            except LiveError:
                return None
        with self.db.write() as tx:
            row = tx.one(
                "WITH r AS (UPDATE live_rooms SET version = version + 1, updated_at = ? WHERE id = ? AND phase = ? "
                "AND vote_round = ? AND expires_at > ? AND EXISTS (SELECT 1 FROM live_seats WHERE room_id = ? AND "
                "id = ? AND status = ? AND role = ?) RETURNING id, vote_round), "
                "v AS (" + _UPSERT_VOTE.replace("VALUES (?, ?, ?, ?, ?, 1)", "SELECT id, vote_round, ?, ?, ?, 1 FROM r")
                + " RETURNING room_id) SELECT pg_notify(?, room_id) FROM v",
                (now, rs.id, room.VOTING, rs.vote_round, now, rs.id, seat.id, room.ACTIVE, seat.role,
                 seat.id, choice_id, now, self.db.channel))
        return Vote(seat.id, rs.vote_round, choice_id, now) if row is not None else None

    def tick(self, token: str, item_id: str, ticked: bool) -> None:
        """Tick (or untick) a checklist item for an observer's own seat."""
        now = self.clock()
        with self.db.write() as tx:
            seat, rs = self._seat_and_room(tx, token, lock=True)
            room.check_tick(self.scenario(rs.id, tx), rs, seat, str(item_id), now)
            tx.execute("INSERT INTO live_ticks (room_id, seat_id, item_id, ticked, at) VALUES (?, ?, ?, ?, ?) "
                       "ON CONFLICT (room_id, seat_id, item_id) DO UPDATE SET ticked = excluded.ticked, at = excluded.at",
                       (rs.id, seat.id, str(item_id), 1 if ticked else 0, now))
            self._bump(tx, rs.id, now)

    # ---- the facilitator --------------------------------------------------------------------------

    def _controlled(self, tx: Tx, key: str) -> RoomState:
        rs = self._room_row(tx, "facilitator_hash", codes.token_hash(key), lock=True)
        if rs is None:
            raise Unauthorized("Only the facilitator's link can change this room, and this one matches no room "
                               "(it expired or was deleted).")
        if rs.expired(self.clock()):
            raise RoomExpired("This room has expired.")
        return rs

    def _act(self, key: str, action: str, choice_id: str | None = None) -> RoomState:
        now = self.clock()
        with self.db.write() as tx:
            rs = self._controlled(tx, key)
            sc = self.scenario(rs.id, tx)
            counted = None
            if action == room.REVEAL_ACTION:
                seats = [_seat(r) for r in tx.all(f"SELECT {_SEAT_COLS} FROM live_seats WHERE room_id = ?", (rs.id,))]
                votes = [Vote(r[0], int(r[1]), r[2], float(r[3])) for r in tx.all(
                    "SELECT seat_id, round, choice_id, cast_at FROM live_votes WHERE room_id = ? AND round = ?",
                    (rs.id, rs.vote_round))]
                counted = room.tally(sc, rs, seats, votes)
            new, decision = room.transition(sc, rs, action, counted=counted, choice_id=choice_id, now=now)
            tx.execute("UPDATE live_rooms SET phase = ?, history = ?, vote_round = ? WHERE id = ?",
                       (new.phase, json.dumps(list(new.history)), new.vote_round, rs.id))
            if decision is not None:
                tx.execute("INSERT INTO live_decisions (room_id, round, node_id, choice_id, decided_by, tally, decided_at) "
                           "VALUES (?, ?, ?, ?, ?, ?, ?)",
                           (rs.id, decision.round, decision.node_id, decision.choice_id, decision.decided_by,
                            json.dumps([list(p) for p in decision.tally]), now))
            self._bump(tx, rs.id, now)
        return new

    def start(self, key: str) -> RoomState:
        return self._act(key, room.START)

    def open_votes(self, key: str) -> RoomState:
        return self._act(key, room.OPEN)

    def close_votes(self, key: str) -> RoomState:
        return self._act(key, room.CLOSE)

    def reveal(self, key: str, choice_id: str | None = None) -> RoomState:
        """Close the vote, record the room's choice (``choice_id`` breaks a tie) and show the results."""
        return self._act(key, room.REVEAL_ACTION, choice_id)

    def advance(self, key: str) -> RoomState:
        return self._act(key, room.ADVANCE)

    def finish(self, key: str) -> RoomState:
        """Go to the debrief now, even before an ending (when time runs out)."""
        return self._act(key, room.FINISH)

    def close_room(self, key: str) -> RoomState:
        return self._act(key, room.CLOSE_ROOM)

    def set_role(self, key: str, seat_id: str, role_name: str) -> None:
        now = self.clock()
        with self.db.write() as tx:
            rs = self._controlled(tx, key)
            seat = self._seat_by_id(tx, rs.id, seat_id)
            room.check_role(self.scenario(rs.id, tx), rs, seat, role_name)
            tx.execute("UPDATE live_seats SET role = ? WHERE room_id = ? AND id = ?", (role_name, rs.id, seat.id))
            self._bump(tx, rs.id, now)

    def kick(self, key: str, seat_id: str, *, block: bool = False) -> None:
        """Remove a participant: their token stops working and their open-round vote stops counting.
        With ``block``, the browser they joined from cannot join this room again."""
        now = self.clock()
        with self.db.write() as tx:
            rs = self._controlled(tx, key)
            seat = self._seat_by_id(tx, rs.id, seat_id)
            if not seat.active:
                raise NotAllowed(f"{seat.name} is no longer in the room.")
            tx.execute("UPDATE live_seats SET status = ?, left_at = ? WHERE room_id = ? AND id = ?",
                       (room.KICKED, now, rs.id, seat.id))
            row = tx.one("SELECT browser FROM live_seats WHERE room_id = ? AND id = ?", (rs.id, seat.id))
            if block and row and row[0]:
                tx.execute("INSERT INTO live_blocked (room_id, browser, at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
                           (rs.id, row[0], now))
            self._bump(tx, rs.id, now)

    def _seat_by_id(self, tx: Tx, room_id: str, seat_id: str) -> Seat:
        row = tx.one(f"SELECT {_SEAT_COLS} FROM live_seats WHERE room_id = ? AND id = ?", (room_id, str(seat_id)))
        if row is None:
            raise InvalidInput("No participant with that seat is in this room.")
        return _seat(row)

    def delete_room(self, key: str) -> None:
        """Delete the room and everything recorded in it (the facilitator's choice)."""
        with self.db.write() as tx:
            rs = self._controlled_even_expired(tx, key)
            self._purge(tx, rs.id, rs.code, "deleted")

    def _controlled_even_expired(self, tx: Tx, key: str) -> RoomState:
        rs = self._room_row(tx, "facilitator_hash", codes.token_hash(key), lock=True)
        if rs is None:
            raise Unauthorized("This facilitator link matches no room (it expired or was deleted).")
        return rs

    def delete_by_operator(self, room_id_or_code: str) -> RoomSummary:
        """Delete a room by id or code, without its key: for operators with access to the store
        (`mentor-course room delete`), who could delete the database file anyway."""
        wanted = str(room_id_or_code).strip()
        summary = next((r for r in self.list_rooms() if r.id == wanted or r.code == wanted.replace("-", "").upper()),
                       None)
        if summary is None:
            raise RoomNotFound(f"No room has the id or code '{wanted}'.")
        with self.db.write() as tx:
            self._purge(tx, summary.id, summary.code, "deleted")
        return summary

    def expire(self, now: float | None = None) -> list[str]:
        """Delete rooms past their expiry time with all their data; return their codes."""
        now = self.clock() if now is None else now
        with self.db.write() as tx:
            gone = tx.all("SELECT id, code FROM live_rooms WHERE expires_at <= ?", (now,))
            for room_id, code in gone:
                self._purge(tx, room_id, code, "expired")
            tx.execute("DELETE FROM live_retired_codes WHERE until < ?", (now,))
            tx.execute("DELETE FROM live_join_failures WHERE at < ?", (now - FAILURE_WINDOW,))
        return [code for _, code in gone]

    def _purge(self, tx: Tx, room_id: str, code: str, reason: str) -> None:
        for table in ("live_votes", "live_decisions", "live_ticks", "live_blocked", "live_seats"):
            tx.execute(f"DELETE FROM {table} WHERE room_id = ?", (room_id,))
        tx.execute("DELETE FROM live_rooms WHERE id = ?", (room_id,))
        tx.execute("INSERT INTO live_retired_codes (code, reason, until) VALUES (?, ?, ?) ON CONFLICT (code) DO UPDATE "
                   "SET reason = excluded.reason, until = excluded.until", (code, reason, self.clock() + RETIRED_FOR))
        tx.notify(room_id, True)
        with self._cache_lock:
            self._payloads.pop(room_id, None)
            self._scenarios.pop(room_id, None)

    def _bump(self, tx: Tx, room_id: str, now: float, *, public: bool = True) -> None:
        if public:
            tx.execute("UPDATE live_rooms SET version = version + 1, public_version = public_version + 1, "
                       "updated_at = ? WHERE id = ?", (now, room_id))
        else:
            tx.execute("UPDATE live_rooms SET version = version + 1, updated_at = ? WHERE id = ?", (now, room_id))
        tx.notify(room_id, public)


def _detail_queries(room_id: str) -> list[tuple[str, tuple[str]]]:
    """Seats, this round's votes, decisions and ticks of a room: independent queries, so they can travel together."""
    return [
        (f"SELECT {_SEAT_COLS} FROM live_seats WHERE room_id = ? ORDER BY position", (room_id,)),
        ("SELECT v.seat_id, v.round, v.choice_id, v.cast_at, v.changes FROM live_votes v JOIN live_rooms r "
         "ON r.id = v.room_id AND v.round = r.vote_round WHERE v.room_id = ? ORDER BY v.cast_at", (room_id,)),
        ("SELECT round, node_id, choice_id, decided_by, tally, decided_at FROM live_decisions WHERE room_id = ? "
         "ORDER BY round", (room_id,)),
        ("SELECT seat_id, item_id, ticked FROM live_ticks WHERE room_id = ? ORDER BY seat_id, item_id", (room_id,)),
    ]


def _decision(r: tuple) -> Decision:
    return Decision(int(r[0]), r[1], r[2], r[3], tuple((str(c), int(n)) for c, n in json.loads(r[4])), float(r[5]))


def _browser_key(browser: str) -> str:
    """How a browser's wrong codes are counted (apart from its address's)."""
    return f"browser:{browser}" if browser else ""


def _retired_message(reason: str | None) -> str:
    if reason == "deleted":
        return "The room with this code was deleted by its facilitator."
    return "The room with this code has expired and its data was deleted. Ask your facilitator for a new code."


__all__ = [
    "DEFAULT_TTL",
    "Joined",
    "NewRoom",
    "RoomStore",
    "RoomSummary",
    "default_ttl",
    "default_url",
    "scenario_payload",
]
