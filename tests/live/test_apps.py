"""Do the facilitator's and participants' apps work together, without a browser? The widgets run
in-process (no kernel: ipywidgets keep their values without a front end) on one asyncio loop, as the
kernel's loop would run them; each app has its own store, as each Voilà kernel has."""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import REPO
from widgets.live.ui.facilitator import FacilitatorApp
from widgets.live.ui.participant import ParticipantApp


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


def participant(env, query: str) -> ParticipantApp:
    """A participant's page in a browser of its own (its kernel id stands for the browser)."""
    return ParticipantApp(environ={**env, "QUERY_STRING": query, "VOILA_KERNEL_ID": secrets.token_hex(8)})


def stop(*apps) -> None:
    for app in apps:
        if app.feed is not None:
            app.feed.stop()
        if app.store is not None:
            app.store.close()


def test_apps_facilitator_and_mentor_play_a_step(env, course_root):
    async def main() -> None:
        fac = facilitator(env, course_root)
        fac.create()
        await until(lambda: fac.code, "the room")
        assert fac.bridge.query.startswith("key=") and "KXR" not in fac.join.value
        assert fac.code in fac.join.value.replace("-", "") and "<svg" in fac.join.value
        ann = participant(env, f"code={fac.code}")
        assert ann.code.value == fac.code
        ann.name.value = "Ann"
        ann.join()
        await until(lambda: ann.seat is not None, "Ann's seat")
        assert ann.bridge.query == f"code={fac.code}&seat={ann.seat.token}"
        await until(lambda: len(fac.rows) == 1, "Ann in the facilitator's list")
        fac.act("start")
        await until(lambda: not fac.buttons["open"].disabled, "Open votes enabled")
        fac.act("open")
        await until(lambda: any(not b.disabled for b in ann.vote_box.children), "Ann's vote buttons")
        ann.vote_box.children[1].click()
        await until(lambda: 'data-voters="1"' in fac.votes.value, "the vote on the facilitator's screen")
        assert "Ann" in fac.votes.value and ann.vote_box.children[1].description.startswith("✓ Your vote")
        fac.act("reveal")
        await until(lambda: "mc-live-reveal" in ann.reveal_html.value, "the reveal on Ann's page")
        assert "Did you tell them about your parents?" in ann.reveal_html.value

        again = participant(env, ann.bridge.query)  # Ann reloads her page
        await until(lambda: again.seat is not None, "the same seat after a reload")
        assert again.seat.seat_id == ann.seat.seat_id and "Ann" in again.you.value
        fac2 = facilitator(env, course_root, fac.bridge.query)  # the facilitator reloads theirs
        await until(lambda: fac2.snap is not None, "the room after the facilitator's reload")
        assert fac2.code == fac.code and fac2.snap.room.phase == "reveal"
        stop(fac, ann, again, fac2)

    asyncio.run(main())


def test_apps_participant_sees_roles_checklist_and_removal(env, course_root):
    async def main() -> None:
        fac = facilitator(env, course_root)
        fac.create()
        await until(lambda: fac.code, "the room")
        people = []
        for name in ("Ann", "Bob", "Cy"):
            p = participant(env, f"code={fac.code}")
            p.name.value = name
            p.join()
            await until(lambda p=p: p.seat is not None, f"{name}'s seat")  # one after another: roles go in order
            people.append(p)
        ann, bob, cy = people
        await until(lambda: len(fac.rows) == 3, "three seats on the facilitator's list")
        fac.act("start")
        await until(lambda: "Read these lines aloud" in bob.scene.value, "the mentee's lines")
        assert cy.check_section.layout.display != "none" and len(cy.checks) == 2
        cy.checks["reflected"].value = True
        await until(lambda: "1 item ticked" in fac.rows[cy.seat.seat_id].state.value, "the tick on the facilitator's list")
        fac.rows[bob.seat.seat_id].role.value = "observer"  # the facilitator changes Bob's role
        await until(lambda: "the <strong>observer</strong>" in bob.you.value, "Bob's new role")
        assert "The facilitator made you the observer." in bob.bridge.message
        fac.kick(cy.seat.seat_id)
        await until(lambda: cy.seat is None, "Cy back at the join form")
        assert "removed you" in cy.bridge.error and cy.join_panel.layout.display != "none"
        assert cy.bridge.query == f"code={fac.code}"
        fac.act("close-room")
        await until(lambda: "Room closed" in ann.banner.value, "the closed room")
        fac._ask_delete()
        fac.delete()
        await until(lambda: ann.seat is None, "Ann told the room is gone")
        assert "expired or was deleted" in ann.bridge.error
        assert fac.setup.layout.display != "none" and fac.bridge.query == ""
        stop(fac, *people)

    asyncio.run(main())


def test_apps_bad_input_gets_a_message_and_the_page_keeps_working(env, course_root):
    async def main() -> None:
        fac = facilitator(env, course_root)
        fac.create()
        await until(lambda: fac.code, "the room")
        eve = participant(env, "code=ZZZ222")
        eve.name.value = "Eve"
        eve.join()
        await until(lambda: "No room has the code ZZZ-222" in eve.bridge.error, "the wrong-code message")
        assert not eve.join_btn.disabled
        eve.code.value = "O0O"
        eve.join()
        await until(lambda: "no 0, 1, I, L, O or U" in eve.bridge.error, "the malformed-code message")
        eve.code.value, eve.name.value = fac.code, "x" * 41
        eve.join()
        await until(lambda: "at most 40" in eve.bridge.error, "the long-name message")
        eve.name.value = "Eve"
        eve.join()
        await until(lambda: eve.seat is not None, "Eve seated after all")
        fac.resume("")
        assert "whole private facilitator link" in fac.bridge.error
        lost = facilitator(env, course_root, "key=not-a-real-key")
        await until(lambda: "does not match any room" in lost.bridge.error, "the bad-key message")
        assert lost.setup.layout.display != "none"
        stop(fac, eve, lost)

    asyncio.run(main())


def test_apps_report_a_store_that_cannot_be_opened(tmp_path, course_root):
    env = {"MENTOR_COURSE_DATA": str(tmp_path / "missing")}
    fac = FacilitatorApp(environ=env, course_root=course_root)
    ann = ParticipantApp(environ={**env, "QUERY_STRING": "code=KXR7PM"})
    for app, button in ((fac, fac.create_btn), (ann, ann.join_btn)):
        assert "cannot be used right now" in app.bridge.error and button.disabled
        assert str(tmp_path) not in app.bridge.error  # issue 17 (5): no server path shown to visitors


def test_apps_one_page_takes_one_seat_and_a_blocked_browser_is_told_why(env, course_root):
    """Issue 17 (2): the hidden Join button of a seated page took 60 seats in 16 s; a removed participant
    came back at once from a new page."""
    async def main() -> None:
        fac = facilitator(env, course_root)
        fac.create()
        await until(lambda: fac.code, "the room")
        browser = {**env, "HTTP_X_MENTOR_BROWSER": "browser-of-ghost", "HTTP_X_MENTOR_CLIENT": "addr:1"}
        ghost = ParticipantApp(environ={**browser, "QUERY_STRING": f"code={fac.code}", "VOILA_KERNEL_ID": "k-1"})
        ghost.name.value = "ghost 0"
        ghost.join()
        await until(lambda: ghost.seat is not None, "the ghost's seat")
        assert ghost.join_btn.disabled
        for k in range(1, 6):  # the Join button is hidden, but a scripted click still reaches the kernel
            ghost.name.value = f"ghost {k}"
            ghost.join_btn.click()
        other = ParticipantApp(environ={**browser, "QUERY_STRING": f"code={fac.code}", "VOILA_KERNEL_ID": "k-2"})
        other.name.value = "ghost 99"
        other.join()  # a new page from the same browser gets the same seat back
        await until(lambda: other.seat is not None, "the second page's seat")
        assert other.seat.seat_id == ghost.seat.seat_id
        await asyncio.sleep(0.3)
        assert [s.name for s in fac.store.snapshot(fac.room_id).seats] == ["ghost 0"]
        fac.kick(other.seat.seat_id, block=True)
        await until(lambda: other.seat is None and bool(other.bridge.error), "the removed page back at the join form")
        # the blocked page itself says so, rather than inviting them to join again (found walking the journey)
        assert "did not allow you to join it again" in other.bridge.error, other.bridge.error
        third = ParticipantApp(environ={**browser, "QUERY_STRING": f"code={fac.code}", "VOILA_KERNEL_ID": "k-3"})
        third.name.value = "not a ghost"
        third.join()
        await until(lambda: bool(third.bridge.error), "the refusal")
        assert "did not allow you to join it again" in third.bridge.error and third.seat is None
        assert not third.join_btn.disabled
        stop(fac, ghost, other, third)

    asyncio.run(main())


def test_facilitator_lists_scenarios_numbered_in_course_order():
    """A module id need not start with its number (`safeguarding` comes second): the picker numbers and
    orders modules as the course lists them, capstone first."""
    from widgets.live.ui.facilitator import course_scenarios

    course, listed, _ = course_scenarios(REPO)
    position = {m.id: n for n, m in enumerate(course.modules, 1)}
    labels = [label for label, _, _ in listed]
    assert labels[0].startswith(f"{position['10-capstone']} · ")
    rest = [sc.module for _, _, sc in listed[1:]]
    assert rest == sorted(rest, key=position.__getitem__)
    for label, _, sc in listed:
        assert label.startswith(f"{position[sc.module]} · ")
