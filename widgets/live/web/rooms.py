"""``LiveRooms``: the participants' side of the live rooms inside the server process itself.

Before, every participant page was a Voilà notebook with a kernel of its own (62 MB each), and every
vote's commit woke every page's kernel, which re-read the room: the cost grew as N² and 40 pages saw
"vote recorded" after half a second. Here one process holds every participant connection of a server:

* one :class:`RoomChannel` per room with connected participants, whatever their number: one watcher
  thread (``PRAGMA data_version`` polling on SQLite, LISTEN on PostgreSQL, see
  :mod:`widgets.live.db`) that, once per change, reads the room's snapshot and renders what each kind
  of role sees (once per kind, not per participant), then hands it to the event loop, which sends each
  connection its view only if it changed;
* store calls (join, vote, tick, leave) run in a small thread pool, never on the event loop, so a
  commit that waits for a lock stalls nobody else; a vote is acknowledged only after it committed.

Pure of tornado: a connection is anything with ``send(text)`` and ``out(message)``, so the fan-out is
tested without a server. The HTML of each view comes from :mod:`widgets.ui.live.html`, which escapes
every name and scenario text.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import json
import logging
import sys
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, Protocol, TypeVar

from widgets.content.models import Scenario
from widgets.live import room
from widgets.live.codes import format_code
from widgets.live.debrief import build
from widgets.live.errors import STORE_PROBLEM, LiveError, RoomNotFound, for_visitor
from widgets.live.room import Snapshot, Vote
from widgets.live.store import Joined, RoomStore, default_url
from widgets.ui.live import html as H
from widgets.ui.text import plain

log = logging.getLogger("widgets.live.web")
T = TypeVar("T")

#: Seconds one wait on a room's watcher lasts before the channel checks whether it is still needed.
WAIT = 1.0
#: Threads for store reads (rejoin, the first view of a seat). Writes have a thread of their own: the
#: database takes one writer at a time anyway, and in-process writers racing for its lock only add
#: naps and thread switches (measured: p95 of 40 votes at once 1.1 s with 4 racing threads).
WORKERS = 2
#: The interpreter's thread switch interval while the live rooms run in the process (seconds).
SWITCH_INTERVAL = 0.0005
#: The store calls that write, queued on the one writer thread in arrival order.
WRITES = frozenset({"join", "vote", "vote_many", "tick", "leave"})
UNEXPECTED = "That did not work because of an unexpected problem; try again, or reload the page."


class Connection(Protocol):
    """One participant's open page, as the channel sees it."""

    seat: Joined | None

    def send(self, text: str) -> None:
        """Send one message (a JSON text) to the page; must not raise when the page has gone."""

    def out(self, message: str) -> None:
        """The seat ended (removed, left, room gone): forget it and tell the page ``message``."""


@dataclass
class _Shared:
    """What every seat of one kind of role sees at one public version, rendered and serialised once."""

    version: int
    by_kind: dict[str, str] = field(default_factory=dict)


def shared_view(sc: Scenario, snap: Snapshot, titles: dict[str, str], kind: str) -> dict[str, Any]:
    """What every seat of role kind ``kind`` sees of the room (no per-seat data): HTML fragments made by
    :mod:`widgets.ui.live.html` (escaped there) and plain texts the page puts in ``textContent``."""
    rs = snap.room
    choices = room.offered(sc, rs)
    deciding = kind == room.DECIDE and bool(choices)
    closing = rs.phase in (room.DEBRIEF, room.CLOSED)
    return {
        "phase": rs.phase,
        "phaseLabel": room.PHASE_LABELS.get(rs.phase, rs.phase),
        "round": rs.vote_round,
        "code": format_code(rs.code),
        "banner": H.phase_banner(rs, sc),
        "scene": H.scene(sc, rs, reader=kind == room.READ),
        "choices": [{"id": c.id, "text": H.plain_choice(sc, c.id)} for c in choices] if deciding else [],
        "options": ("<p class=\"mc-live-muted\">What the mentor may say:</p>" + H.options_list(choices))
        if choices and not deciding else "",
        "reveal": H.reveal(sc, snap) if rs.phase == room.REVEAL else "",
        "debrief": "<h2>Debrief</h2>" + H.debrief(build(sc, snap, titles), notes=False) if closing else "",
        "checklist": [{"id": i.id, "text": plain(i.text)} for i in sc.checklist]
        if kind == room.CHECKLIST and sc.checklist else [],
    }


@dataclass
class Index:
    """A snapshot's seats, this round's votes and ticks by seat: one pass, so a fan-out to N seats costs
    N look-ups, not N scans of N rows (Snapshot's own helpers scan)."""

    seats: dict[str, room.Seat]
    votes: dict[str, room.Vote]
    ticks: dict[str, frozenset[str]]

    @classmethod
    def of(cls, snap: Snapshot) -> Index:
        ticks: dict[str, set[str]] = {}
        for t in snap.ticks:
            if t.ticked:
                ticks.setdefault(t.seat_id, set()).add(t.item_id)
        return cls({s.id: s for s in snap.seats},
                   {v.seat_id: v for v in snap.votes if v.round == snap.room.vote_round},
                   {k: frozenset(v) for k, v in ticks.items()})


def seat_view(sc: Scenario, seat: room.Seat, kind: str, mine: room.Vote | None, ticked: frozenset[str]) -> dict[str, Any]:
    """What only this seat sees: who they are, their vote this round, their ticks."""
    return {
        "name": seat.name,
        "role": seat.role,
        "kind": kind,
        "you": H.seat_line(seat.name, seat.role, kind),
        "vote": mine.choice_id if mine is not None else "",
        "voteText": H.plain_choice(sc, mine.choice_id) if mine is not None else "",
        "ticked": sorted(ticked),
    }


class RoomChannel:
    """Every connection of one room, and the one watcher thread that keeps them in step."""

    def __init__(self, rooms: LiveRooms, room_id: str) -> None:
        self.rooms = rooms
        self.room_id = room_id
        self.connections: set[Connection] = set()
        self.sent: dict[Connection, str] = {}
        self.keys: dict[Connection, tuple[Any, ...]] = {}
        self.sc: Scenario | None = None
        self.titles: dict[str, str] = {}
        self.snap: Snapshot | None = None
        self._shared: _Shared | None = None
        self._stop = threading.Event()
        self._failing = False
        #: The newest snapshot not yet handed out: the loop takes only the latest, so when it falls behind
        #: (hundreds of pages, a busy CPU) it skips stale views instead of queueing one fan-out per change.
        self._pending: tuple[Snapshot, _Shared] | None = None
        self._pending_lock = threading.Lock()
        self._thread = threading.Thread(target=self._watch, name=f"live-room-{room_id[:8]}", daemon=True)
        self._thread.start()

    # ---- the watcher thread ---------------------------------------------------------------------

    def _watch(self) -> None:
        """Wait for a change, read the room once, render it once per kind, hand it to the loop."""
        store = self.rooms.store
        watcher = None
        seen = -1
        pause = 0.25
        while not self._stop.is_set():
            try:
                if store is None:
                    store = self.rooms.open_store()
                if watcher is None:
                    watcher = store.watch(self.room_id)
                    seen = -1  # a new watcher may have missed changes: read again
                if self.sc is None:
                    self.sc = store.scenario(self.room_id)
                    self.titles = dict(store.payload(self.room_id).get("competencies") or {})
                snap = store.snapshot_if_newer(self.room_id, seen)
                if snap is not None:
                    seen = snap.room.version
                    self._offer(snap, self._render(snap))
                if self._failing:
                    self._failing = False
                    self.rooms.post(self._broadcast_problem, "")
                pause = 0.25
                watcher.wait(WAIT)
            except RoomNotFound as exc:
                self.rooms.post(self._gone, str(exc))
                break
            except LiveError as exc:
                self._failing = True
                self.rooms.post(self._broadcast_problem, for_visitor(exc))
                if watcher is not None:
                    with contextlib.suppress(Exception):
                        watcher.close()
                    watcher = None
                self._stop.wait(pause)
                pause = min(pause * 2, 5.0)
            except Exception:  # a bug must not freeze the room silently: say so, keep trying
                log.exception("live room channel %s failed", self.room_id)
                self._failing = True
                self.rooms.post(self._broadcast_problem,
                                "Something went wrong while updating this page; it keeps trying. Reload if it persists.")
                self._stop.wait(pause)
                pause = min(pause * 2, 5.0)
        if watcher is not None:
            with contextlib.suppress(Exception):
                watcher.close()

    def _render(self, snap: Snapshot) -> _Shared:
        """The shared views (JSON), reused while the participants' counter stays put (votes do not move it)."""
        assert self.sc is not None
        cached = self._shared
        if cached is not None and cached.version == snap.room.public_version:
            return cached
        kinds = set(room.roles_of(self.sc).values()) | {""}
        fresh = _Shared(snap.room.public_version, {
            k: json.dumps(shared_view(self.sc, snap, self.titles, k), ensure_ascii=False, separators=(",", ":"))
            for k in kinds})
        self._shared = fresh
        return fresh

    # ---- on the event loop ------------------------------------------------------------------------

    def _offer(self, snap: Snapshot, shared: _Shared) -> None:
        """From the watcher thread: make ``snap`` the next view to hand out; wake the loop if it is idle."""
        with self._pending_lock:
            waiting = self._pending is not None
            self._pending = (snap, shared)
        if not waiting:
            self.rooms.post(self._deliver_latest)

    def _deliver_latest(self) -> None:
        with self._pending_lock:
            item, self._pending = self._pending, None
        if item is not None:
            self._deliver(*item)

    def _deliver(self, snap: Snapshot, shared: _Shared) -> None:
        if self.snap is not None and snap.room.version < self.snap.room.version:
            return  # read before a newer one a joining page was shown: it may lack that page's seat
        self.snap = snap
        index = Index.of(snap)
        for conn in list(self.connections):
            self.push(conn, snap, shared, index)

    def push(self, conn: Connection, snap: Snapshot, shared: _Shared, index: Index | None = None) -> None:
        """Send ``conn`` its view if it differs from the last one it got; end a seat that was removed."""
        assert self.sc is not None
        index = index or Index.of(snap)
        seat = conn.seat
        me = index.seats.get(seat.seat_id) if seat is not None else None
        if me is None or not me.active:
            self._seat_ended(conn, snap)
            return
        mine = index.votes.get(me.id)
        ticked = index.ticks.get(me.id, frozenset())
        key = (shared.version, me.name, me.role, mine.choice_id if mine else "", ticked)
        if self.keys.get(conn) == key:  # nothing this seat sees changed (others' votes): nothing to build
            return
        self.keys[conn] = key
        kind = room.roles_of(self.sc).get(me.role, "")
        view = json.dumps(seat_view(self.sc, me, kind, mine, ticked), ensure_ascii=False, separators=(",", ":"))
        text = f'{{"type":"state","room":{shared.by_kind.get(kind, shared.by_kind[""])},"me":{view}}}'
        if self.sent.get(conn) != text:
            self.sent[conn] = text
            conn.send(text)

    def _seat_ended(self, conn: Connection, snap: Snapshot) -> None:
        seat = conn.seat
        self.detach(conn)
        if seat is None:
            return
        me = snap.seat(seat.seat_id)
        if me is not None and me.status == room.KICKED:
            # Removed, or removed and blocked: the store's answer for this seat says which.
            async def removed() -> None:
                why = "The facilitator removed you from this room. You can join again with the code if they agree."
                try:
                    await self.rooms.call(self.rooms.require_store().rejoin, seat.token)
                except LiveError as exc:
                    why = for_visitor(exc)
                conn.out(why)

            self.rooms.spawn(removed())
            return
        conn.out("You are no longer in this room. You can join again with the code if the facilitator agrees.")

    def _broadcast_problem(self, message: str) -> None:
        text = json.dumps({"type": "problem", "message": message} if message else
                          {"type": "news", "message": "Connection to the room restored."})
        for conn in list(self.connections):
            conn.send(text)

    def _gone(self, message: str) -> None:
        for conn in list(self.connections):
            self.detach(conn)
            conn.out(message)
        self.rooms.drop(self)

    def attach(self, conn: Connection) -> None:
        self.connections.add(conn)

    def detach(self, conn: Connection) -> None:
        self.connections.discard(conn)
        self.sent.pop(conn, None)
        self.keys.pop(conn, None)
        if not self.connections:
            self.rooms.drop(self)

    def stop(self) -> None:
        self._stop.set()


class LiveRooms:
    """Every room channel of one server process, the store they share and the thread pool of store calls.

    ``url`` names the store (default: :func:`~widgets.live.store.default_url` of the server's
    environment, the same one the facilitator's kernel uses). The store is opened on first use and again
    after a failure, so a database that appears later (or comes back) is picked up without a restart.
    """

    def __init__(self, url: str | None = None, *, workers: int = WORKERS) -> None:
        # Store calls release the GIL around every SQL statement and need it back after: with the event
        # loop busy, each hand-back waits up to the switch interval (5 ms by default), so a vote of seven
        # statements took 35 ms and forty queued votes a second and a half (measured with
        # benchmarks/bench_live_e2e.py). A shorter interval lets the store's threads back in sooner.
        if sys.getswitchinterval() > SWITCH_INTERVAL:
            sys.setswitchinterval(SWITCH_INTERVAL)
        self.url = url
        self.store: RoomStore | None = None
        self.channels: dict[str, RoomChannel] = {}
        self.executor = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="live-store")
        self.writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="live-store-write")
        self.loop: asyncio.AbstractEventLoop | None = None
        self._lock = threading.Lock()
        self._tasks: set[asyncio.Future[Any]] = set()
        self._ballots: list[tuple[str, str, asyncio.Future[Any]]] = []
        #: Open participant connections per client (see widgets.live.web.handlers.SOCKETS_PER_CLIENT).
        self.sockets: collections.Counter[str] = collections.Counter()
        self._draining = False

    def open_store(self) -> RoomStore:
        """The shared store, opened now if needed; a :class:`LiveError` if it cannot be."""
        with self._lock:
            if self.store is None:
                try:
                    self.store = RoomStore(self.url or default_url())
                except LiveError:
                    raise
                except (OSError, ValueError) as exc:
                    log.warning("room database cannot be opened: %s", exc)
                    from widgets.live.errors import StoreUnavailable

                    raise StoreUnavailable(STORE_PROBLEM) from None
            return self.store

    def require_store(self) -> RoomStore:
        return self.store if self.store is not None else self.open_store()

    async def call(self, fn: Callable[..., T], *args: Any, write: bool = False, **kwargs: Any) -> T:
        """Run a blocking store call in a worker thread (never on the event loop); ``write`` on the writer."""
        loop = asyncio.get_running_loop()
        self.loop = loop
        return await loop.run_in_executor(self.writer if write else self.executor, lambda: fn(*args, **kwargs))

    async def store_call(self, name: str, *args: Any, **kwargs: Any) -> Any:
        """``store.<name>(*args)`` in a worker thread, opening the store first if needed (also off the loop)."""
        store = self.store if self.store is not None else await self.call(self.open_store)
        return await self.call(getattr(store, name), *args, write=name in WRITES, **kwargs)

    async def vote(self, token: str, choice_id: str) -> Vote:
        """Cast a vote; returns once the store committed it. Votes that arrive while a commit runs are
        written together by the next one (:meth:`RoomStore.vote_many`): a group commit."""
        fut: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        self._ballots.append((token, choice_id, fut))
        if not self._draining:
            self._draining = True
            self.spawn(self._drain())
        result = await fut
        if isinstance(result, BaseException):
            raise result
        return result

    async def _drain(self) -> None:
        try:
            while self._ballots:
                batch, self._ballots = self._ballots, []
                try:
                    results: list[Any] = await self.store_call("vote_many", [(t, c) for t, c, _ in batch])
                except Exception as exc:  # the transaction failed: every vote in it is refused alike
                    results = [exc] * len(batch)
                for (_, _, fut), result in zip(batch, results, strict=True):
                    if not fut.done():
                        fut.set_result(result)
        finally:
            self._draining = False

    def post(self, fn: Callable[..., None], *args: Any) -> None:
        """Run ``fn(*args)`` on the event loop (from a watcher thread)."""
        loop = self.loop
        if loop is not None and not loop.is_closed():
            with contextlib.suppress(RuntimeError):  # the loop closed meanwhile (server shutting down)
                loop.call_soon_threadsafe(fn, *args)

    def spawn(self, coro: Any) -> None:
        task = asyncio.ensure_future(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def channel(self, room_id: str) -> RoomChannel:
        """The room's channel (started on first use), on the event loop."""
        self.loop = asyncio.get_running_loop()
        ch = self.channels.get(room_id)
        if ch is None:
            ch = self.channels[room_id] = RoomChannel(self, room_id)
        return ch

    def drop(self, ch: RoomChannel) -> None:
        """Stop the channel of a room nobody here follows any more."""
        if self.channels.get(ch.room_id) is ch and not ch.connections:
            del self.channels[ch.room_id]
            ch.stop()
        elif not ch.connections or self.channels.get(ch.room_id) is not ch:
            ch.stop()

    async def follow(self, conn: Connection, seat: Joined) -> None:
        """Attach ``conn`` to its room and send its view now (a fresh read: it must show the new seat)."""
        ch = self.channel(seat.room_id)
        if ch.sc is None:
            ch.sc = await self.store_call("scenario", seat.room_id)
            payload = await self.store_call("payload", seat.room_id)
            ch.titles = dict(payload.get("competencies") or {})
        snap = await self.store_call("snapshot", seat.room_id)
        if conn.seat is not seat:  # left or replaced while reading
            return
        ch = self.channel(seat.room_id)  # the channel may have ended meanwhile
        if ch.sc is None:
            ch.sc = await self.store_call("scenario", seat.room_id)
        ch.attach(conn)
        if ch.snap is None or snap.room.version >= ch.snap.room.version:
            ch.snap = snap
        ch.push(conn, snap, ch._render(snap))

    def unfollow(self, conn: Connection, room_id: str) -> None:
        ch = self.channels.get(room_id)
        if ch is not None:
            ch.detach(conn)

    def close(self) -> None:
        for ch in list(self.channels.values()):
            ch.stop()
        self.channels.clear()
        self.executor.shutdown(wait=False, cancel_futures=True)
        self.writer.shutdown(wait=False, cancel_futures=True)
        if self.store is not None:
            self.store.close()
            self.store = None


def refusal(exc: BaseException) -> str:
    """What a visitor is told when an action failed: a room rule's own words, a store problem in general
    terms (the log keeps the details), anything else as an unexpected problem (logged with its traceback)."""
    if isinstance(exc, LiveError):
        return for_visitor(exc)
    log.error("live room action failed", exc_info=exc)
    return UNEXPECTED


__all__ = ["Connection", "LiveRooms", "RoomChannel", "refusal", "seat_view", "shared_view"]
