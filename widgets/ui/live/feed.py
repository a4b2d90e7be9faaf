"""``RoomFeed``: the one asyncio task per kernel that keeps a view in step with its room.

It waits on the store's watcher (``PRAGMA data_version`` polling on SQLite, LISTEN/NOTIFY on
PostgreSQL) in a worker thread; when woken it reads the room's change counter and, only if that moved,
the rest of the snapshot (one read transaction), all through ``asyncio.to_thread`` so the kernel's event
loop never waits on the database. A participant's page follows the counter of changes participants can
see, so it sleeps through the burst of everyone else's votes. The snapshot is handed to the view on the
event loop, where widget values are written. Errors never end the task: a store that is locked or gone
is reported to the view and retried with a growing pause; a room that no longer exists ends the feed
with a message.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from widgets.live.errors import LiveError, RoomNotFound, for_visitor
from widgets.live.room import Snapshot
from widgets.live.store import RoomStore

log = logging.getLogger(__name__)
T = TypeVar("T")

#: How long one wait on the watcher lasts before the feed checks the room anyway (seconds).
WAIT = 1.0


async def call(fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Run a blocking store call in a worker thread."""
    return await asyncio.to_thread(fn, *args, **kwargs)


class RoomFeed:
    """Calls ``on_snapshot(snap)`` on the event loop whenever the room changes.

    ``on_error(message)`` reports a store problem (``""`` once it is over); ``on_gone(message)`` is
    called once when the room has been deleted or has expired, and the feed stops.
    """

    def __init__(self, store: RoomStore, room_id: str, on_snapshot: Callable[[Snapshot], None],
                 on_error: Callable[[str], None], on_gone: Callable[[str], None], *, public: bool = False) -> None:
        self.store = store
        self.room_id = room_id
        #: Follow only changes participants can see (a participant's page), or every change (the facilitator's).
        self.public = public
        self.on_snapshot = on_snapshot
        self.on_error = on_error
        self.on_gone = on_gone
        self._task: asyncio.Task[None] | None = None
        self._shown = -1
        self._failing = False
        self._stopped = False

    def start(self) -> None:
        self._task = asyncio.ensure_future(self._run())

    def stop(self) -> None:
        self._stopped = True
        if self._task is not None:
            self._task.cancel()

    async def refresh(self, *, force: bool = False) -> None:
        """Read and show the room now, after one's own action, without waiting for the watcher
        (``force``: even if the followed counter did not move, as after one's own vote)."""
        await self._show_if_changed(force=force)

    def _counter(self, snap: Snapshot) -> int:
        return snap.room.public_version if self.public else snap.room.version

    async def _show_if_changed(self, *, force: bool) -> None:
        snap = await call(self.store.snapshot_if_newer, self.room_id, -1 if force else self._shown, public=self.public)
        if snap is not None:
            self._shown = max(self._shown, self._counter(snap))
            self.on_snapshot(snap)

    async def _run(self) -> None:
        watcher = None
        pause = 0.25
        first = True
        while not self._stopped:
            try:
                if watcher is None:
                    watcher = await call(self.store.watch, self.room_id, public=self.public)
                await self._show_if_changed(force=first)
                first = False
                if self._failing:
                    self._failing = False
                    self.on_error("")
                pause = 0.25
                await call(watcher.wait, WAIT)
            except asyncio.CancelledError:
                break
            except RoomNotFound as exc:
                self._stopped = True
                self.on_gone(str(exc))
            except LiveError as exc:
                self._failing = True
                self.on_error(for_visitor(exc))
                if watcher is not None:
                    with contextlib.suppress(Exception):
                        watcher.close()
                    watcher = None
                await asyncio.sleep(pause)
                pause = min(pause * 2, 5.0)
            except Exception:  # a bug must not silently freeze the page: say so, keep trying
                log.exception("live room feed failed")
                self._failing = True
                self.on_error("Something went wrong while updating this page; it keeps trying. Reload if it persists.")
                await asyncio.sleep(pause)
                pause = min(pause * 2, 5.0)
        if watcher is not None:
            with contextlib.suppress(Exception):
                watcher.close()


async def guarded(action: Callable[[], Awaitable[T]], on_error: Callable[[str], None]) -> T | None:
    """Run a view's action; a :class:`LiveError` becomes a message, anything else a generic one."""
    try:
        return await action()
    except LiveError as exc:
        on_error(for_visitor(exc))
    except Exception:
        log.exception("live room action failed")
        on_error("That did not work because of an unexpected problem; try again, or reload the page.")
    return None


__all__ = ["RoomFeed", "call", "guarded"]
