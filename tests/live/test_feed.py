"""Does the feed show each change once, survive a failing store, and stop when the room is gone?"""

from __future__ import annotations

import asyncio

from widgets.live.errors import StoreBusy
from widgets.live.store import RoomStore
from widgets.ui.live.feed import RoomFeed


def test_feed_shows_changes_reports_trouble_and_ends_when_the_room_goes(tmp_path, payload):
    url = f"sqlite:///{tmp_path / 'rooms.sqlite3'}"

    async def main() -> None:
        shown, errors, gone = [], [], []
        with RoomStore(url) as other, RoomStore(url) as mine:
            new = other.create_room(payload)
            real_read = mine.snapshot_if_newer
            failures = iter([True, False])

            def flaky(*args, **kwargs):
                if next(failures, False):
                    raise StoreBusy("The room database is busy.")
                return real_read(*args, **kwargs)

            mine.snapshot_if_newer = flaky  # the first read fails, as a locked database would
            feed = RoomFeed(mine, new.room_id, lambda s: shown.append(s.room.version), errors.append, gone.append)
            feed.start()
            for _ in range(500):
                if shown:
                    break
                await asyncio.sleep(0.01)
            assert errors == ["The room database is busy.", ""]  # reported, then cleared on recovery
            await asyncio.to_thread(other.join, new.code, "Ann")  # another kernel's change
            for _ in range(500):
                if len(shown) >= 2:
                    break
                await asyncio.sleep(0.01)
            assert shown == [0, 1]
            await feed.refresh()
            assert shown == [0, 1]  # nothing new, nothing shown twice
            await asyncio.to_thread(other.delete_room, new.key)
            for _ in range(500):
                if gone:
                    break
                await asyncio.sleep(0.01)
            assert gone and "expired or was deleted" in gone[0]
            feed.stop()

    asyncio.run(main())
