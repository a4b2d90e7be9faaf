"""Does the facilitator's console work without a browser? The widgets run in-process (no kernel:
ipywidgets keep their values without a front end) on one asyncio loop, as the kernel's loop would run
them. The participants' page is served by the server itself and tested through it (test_web.py)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import REPO
from widgets.ui.live.facilitator import FacilitatorApp


async def until(condition: Callable[[], bool], what: str, timeout: float = 10.0) -> None:
    """Wait for the feeds to catch up (an event with a generous deadline, not a measurement)."""
    deadline = asyncio.get_running_loop().time() + timeout
    while not condition():
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.02)


@pytest.fixture
def env(tmp_path: Path, live_yaml: Path) -> dict[str, str]:
    data = tmp_path / "data"
    data.mkdir()
    return {"MENTOR_COURSE_DATA": str(data)}


def facilitator(env, course_root, query: str = "") -> FacilitatorApp:
    app = FacilitatorApp(environ={**env, "QUERY_STRING": query}, course_root=course_root)
    labels = [label for label, _ in app.pick.options]
    app.pick.value = next(k for k, label in enumerate(labels) if "Live <b>tiny</b>" in label)
    return app


def stop(*apps: FacilitatorApp) -> None:
    for app in apps:
        if app.feed is not None:
            app.feed.stop()
        if app.store is not None:
            app.store.close()


def test_apps_facilitator_console_creates_resumes_and_refuses_bad_keys(env, course_root):
    """The console's own part of the journey (participants are tested through the server that serves them:
    tests/live/test_web.py): create a room, show its code, join link and QR code, come back after a
    reload, and say in words what is wrong with a bad key."""
    async def main() -> None:
        fac = facilitator(env, course_root)
        fac.create()
        await until(lambda: fac.code, "the room")
        assert fac.bridge.query.startswith("key=") and "<svg" in fac.join.value
        assert f"live/join?code={fac.code}" in fac.join.value  # the page the server itself serves
        fac2 = facilitator(env, course_root, fac.bridge.query)  # the facilitator reloads the console
        await until(lambda: fac2.snap is not None, "the room after the facilitator's reload")
        assert fac2.code == fac.code and fac2.snap.room.phase == "lobby"
        fac.resume("")
        assert "whole private facilitator link" in fac.bridge.error
        lost = facilitator(env, course_root, "key=not-a-real-key")
        await until(lambda: "does not match any room" in lost.bridge.error, "the bad-key message")
        assert lost.setup.layout.display != "none"
        stop(fac, fac2, lost)

    asyncio.run(main())


def test_apps_join_link_on_a_hub_sends_each_participant_to_their_own_server(env, course_root):
    async def main() -> None:
        fac = FacilitatorApp(environ={**env, "JUPYTERHUB_BASE_URL": "/", "QUERY_STRING": "",
                                      "VOILA_REQUEST_URL": "https://hub.example/user/fac/voila/render/course/modules/"
                                                           "live/facilitator.ipynb"}, course_root=course_root)
        labels = [label for label, _ in fac.pick.options]
        fac.pick.value = next(k for k, label in enumerate(labels) if "Live <b>tiny</b>" in label)
        fac.create()
        await until(lambda: fac.code, "the room")
        assert f'href="https://hub.example/hub/user-redirect/live/join?code={fac.code}"' in fac.join.value
        stop(fac)

    asyncio.run(main())


def test_apps_report_a_store_that_cannot_be_opened(tmp_path, course_root):
    env = {"MENTOR_COURSE_DATA": str(tmp_path / "missing")}
    fac = FacilitatorApp(environ=env, course_root=course_root)
    assert "cannot be used right now" in fac.bridge.error and fac.create_btn.disabled
    assert str(tmp_path) not in fac.bridge.error  # issue 17 (5): no server path shown to visitors


def test_facilitator_lists_scenarios_numbered_in_course_order():
    """A module id need not start with its number (`safeguarding` comes second): the picker numbers and
    orders modules as the course lists them, capstone first."""
    from widgets.ui.live.facilitator import course_scenarios

    course, listed, _ = course_scenarios(REPO)
    position = {m.id: n for n, m in enumerate(course.modules, 1)}
    labels = [label for label, _, _ in listed]
    assert labels[0].startswith(f"{position['10-capstone']} · ")
    rest = [sc.module for _, _, sc in listed[1:]]
    assert rest == sorted(rest, key=position.__getitem__)
    for label, _, sc in listed:
        assert label.startswith(f"{position[sc.module]} · ")


def test_apps_remove_and_block_asks_before_blocking_for_good():
    """Blocking cannot be undone from the console and its button sits beside "Remove": the first click
    only asks; "Cancel" keeps the participant; "Yes, block" removes and blocks."""
    from widgets.live.room import Seat
    from widgets.ui.live.facilitator import SeatRow

    kicked: list[tuple[str, bool]] = []

    class Console:
        def kick(self, seat_id: str, *, block: bool = False) -> None:
            kicked.append((seat_id, block))

        def set_role(self, seat_id: str, role: str) -> None:
            pass

    seat = Seat(id="s1", name="Ben", role="mentor", joined_at=0.0)
    row = SeatRow(Console(), seat, ["mentor", "observer"])  # type: ignore[arg-type]
    hidden = lambda w: w.layout.display == "none"  # noqa: E731
    assert hidden(row.block_yes) and hidden(row.block_no) and not hidden(row.block)
    row.block.click()
    assert kicked == [] and not hidden(row.block_yes) and hidden(row.block)
    row.block_no.click()
    assert kicked == [] and hidden(row.block_yes) and not hidden(row.block)
    row.block.click()
    row.block_yes.click()
    assert kicked == [(seat.id, True)] and hidden(row.block_yes)
