"""Is the participants' fan-out what makes a cohort quick? One channel (one watcher thread) per room
however many pages follow it; a change reaches every page that sees it, once; another participant's vote
wakes no page but the voter's; votes cast together are committed together. Without a server: the
connections here are plain objects, as widgets.live.web.rooms.Connection describes."""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from widgets.live.store import Joined, RoomStore
from widgets.live.web.rooms import LiveRooms


class FakePage:
    def __init__(self, seat: Joined) -> None:
        self.seat: Joined | None = seat
        self.sent: list[dict[str, Any]] = []
        self.outs: list[str] = []

    def send(self, text: str) -> None:
        self.sent.append(json.loads(text))

    def out(self, message: str) -> None:
        self.seat = None
        self.outs.append(message)


async def until(condition: Callable[[], bool], what: str, timeout: float = 10.0) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while not condition():
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.01)


def test_fanout_one_watcher_per_room_and_only_changed_views_are_sent(tmp_path: Path, payload):
    url = f"sqlite:///{tmp_path / 'rooms.sqlite3'}"
    with RoomStore(url) as fac:
        new = fac.create_room(payload)
        seats = [fac.join(new.code, name, browser=f"b-{name}") for name in ("Ann", "Bob", "Cy", "Di")]
        mentor = next(s for s in seats if s.role == "mentor")
        for s in seats:
            if s.role != "mentor":
                fac.set_role(new.key, s.seat_id, "mentor" if s.name == "Di" else s.role)
        rooms = LiveRooms(url)

        async def main() -> list[FakePage]:
            pages = [FakePage(s) for s in seats]
            for p in pages:
                await rooms.follow(p, p.seat)
            assert list(rooms.channels) == [new.room_id]  # four pages, one channel
            assert sum(t.name.startswith("live-room-") for t in threading.enumerate()) == 1
            assert all(len(p.sent) == 1 and p.sent[0]["room"]["phase"] == "lobby" for p in pages)
            await asyncio.to_thread(fac.start, new.key)
            await until(lambda: all(len(p.sent) == 2 for p in pages), "the start on every page")
            await asyncio.to_thread(fac.open_votes, new.key)
            await until(lambda: all(len(p.sent) == 3 for p in pages), "votes open on every page")
            by_name = {p.seat.name: p for p in pages}
            di = next(s for s in seats if s.name == "Di")
            votes = await asyncio.gather(rooms.vote(mentor.token, "validate"), rooms.vote(di.token, "curious"),
                                         rooms.vote("not-a-token", "validate"), return_exceptions=True)
            assert [getattr(v, "choice_id", None) for v in votes[:2]] == ["validate", "curious"]
            assert "no longer exists" in str(votes[2])  # refused alone; the others counted
            await until(lambda: by_name[mentor.name].sent[-1]["me"]["vote"] == "validate", "the voter's own view")
            await until(lambda: by_name["Di"].sent[-1]["me"]["vote"] == "curious", "Di's own view")
            await asyncio.sleep(0.3)
            others = [p for p in pages if p.seat.name not in (mentor.name, "Di")]
            assert all(len(p.sent) == 3 for p in others)  # someone else's vote sends them nothing
            fac.kick(new.key, by_name["Bob"].seat.seat_id)
            await until(lambda: bool(by_name["Bob"].outs), "Bob told he was removed")
            assert "removed you" in by_name["Bob"].outs[0]
            return pages

        pages = asyncio.run(main())
        rooms.close()
        assert all(p.sent[-1]["room"]["code"] for p in pages)
