"""Can a facilitator and a cohort run the capstone live, end to end, in real browsers? And are hostile
display names shown as typed, never run?

`mentor-course serve` (real Voilà on 127.0.0.1, over this repository's course, with a temporary data
folder) is driven in Debian's Chromium: one facilitator (the Voilà console) and three participants on the
page the server itself serves (``live/join``, widgets/live/web), each in a browser context of their own
(separate cookies and storage, as separate people); one of them uses only the keyboard. Screenshots go
to $MENTOR_COURSE_ARTIFACTS (default: a pytest temporary folder).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import REPO
from widgets.serving import process

pytestmark = pytest.mark.browser

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--no-first-run"]
FACILITATOR = "voila/render/live/facilitator.ipynb"
PARTICIPANT = "live/join"
LOAD = 120_000  # ms: a page's first load starts a kernel, which is slow on 2 busy cores
WAIT = 30_000
SERIOUS = {"serious", "critical"}


class Server:
    def __init__(self, served: process.ServeProcess, data: Path) -> None:
        self.url, self.data, self.served = served.url, data, served

    def kernels(self) -> set[str]:
        return self.served.kernel_ids()


@pytest.fixture(scope="module")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """`mentor-course serve` over the repository's course, no preheated kernels (only the facilitator's
    console starts one: participants are served by the server itself)."""
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian's Chromium is not installed")
    tmp = tmp_path_factory.mktemp("live-served")
    data = tmp / "data"
    data.mkdir()
    served = process.serve(REPO, data, tmp / "serve.log", "--pool-size", "0", "--kernels-per-client", "0")
    try:
        yield Server(served, data)
    finally:
        served.stop()


@pytest.fixture(scope="module")
def chromium(browser):
    """The session's shared browser (one Playwright per test session)."""
    return browser


@pytest.fixture(scope="module")
def artifacts(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = Path(os.environ.get("MENTOR_COURSE_ARTIFACTS") or tmp_path_factory.mktemp("screenshots"))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


class Person:
    """One person: a browser context of their own, a page, and every dialog the page tried to open."""

    def __init__(self, chromium, width: int = 1000) -> None:
        self.context = chromium.new_context(viewport={"width": width, "height": 1100}, accept_downloads=True)
        self.page = self.context.new_page()
        self.dialogs: list[str] = []
        self.page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))

    def close(self) -> None:
        self.context.close()


def open_facilitator(person: Person, server: Server, query: str = "") -> None:
    person.page.goto(server.url + FACILITATOR + query, timeout=LOAD)
    person.page.get_by_role("button", name="Create room").wait_for(state="attached", timeout=LOAD)


def create_room(person: Person, scenario: str) -> str:
    page = person.page
    select = page.get_by_label("Scenario")
    # ipywidgets writes option labels with no-break spaces
    options = [o.replace("\xa0", " ") for o in select.evaluate("s => [...s.options].map(o => o.textContent)")]
    index = next((k for k, o in enumerate(options) if scenario in o), None)
    assert index is not None, f"no scenario '{scenario}' among {options}"
    select.select_option(index=index)
    page.get_by_role("button", name="Create room").click()
    page.locator(".mc-live-code").wait_for(timeout=WAIT)
    page.wait_for_function("() => new URL(location.href).searchParams.get('key')", timeout=WAIT)
    return page.locator(".mc-live-code").get_attribute("data-code")


def join(person: Person, link: str, name: str, *, keyboard: bool = False) -> None:
    page = person.page
    page.goto(link, timeout=LOAD)
    page.get_by_label("Display name").wait_for(timeout=LOAD)
    page.wait_for_function("() => !document.getElementById('mc-join-btn').disabled", timeout=WAIT)  # connected
    if keyboard:  # Tab from the code (filled from the link) to the name, type it, Enter submits the form
        page.get_by_label("Join code").focus()
        page.keyboard.press("Tab")
        assert page.evaluate("() => document.activeElement.id") == "mc-name"
        page.keyboard.type(name)
        page.keyboard.press("Enter")
    else:
        page.get_by_label("Display name").fill(name)
        page.get_by_role("button", name="Join").click()
    page.locator(".mc-live-you").wait_for(timeout=WAIT)
    page.wait_for_function("() => new URL(location.href).searchParams.get('seat')", timeout=WAIT)


def vote_by_keyboard(person: Person) -> None:
    """Tab to the first choice (from the choices' group) and press Enter, as a keyboard user votes."""
    page = person.page
    page.wait_for_function("() => { const b = document.querySelector('.mc-live-choice'); return b && !b.disabled; }",
                           timeout=WAIT)
    page.locator(".mc-live-choice").first.focus()
    assert page.evaluate("() => document.activeElement.classList.contains('mc-live-choice')")
    page.keyboard.press("Enter")


def phase(person: Person) -> str:
    return person.page.locator(".mc-live-phase").first.get_attribute("data-phase") or ""


def wait_phase(person: Person, wanted: str) -> None:
    person.page.wait_for_function(
        f"() => [...document.querySelectorAll('.mc-live-phase')].some(e => e.offsetParent && e.dataset.phase === '{wanted}')",
        timeout=WAIT)


def press(person: Person, name: str) -> None:
    button = person.page.get_by_role("button", name=name, exact=True)
    person.page.wait_for_function(
        "(name) => [...document.querySelectorAll('button')].some(b => b.textContent.trim() === name && !b.disabled)",
        arg=name, timeout=WAIT)
    button.click()


def serious_violations(page, selector: str) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, context=selector)
    return [f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
            for v in results.response["violations"] if v.get("impact") in SERIOUS]


def test_live_room_cohort_plays_capstone_to_debrief(chromium, live_server, artifacts):
    fac = Person(chromium, width=1100)
    aiko, ben, chidi = (Person(chromium, width=420) for _ in range(3))
    people = (aiko, ben, chidi)
    try:
        open_facilitator(fac, live_server)
        code = create_room(fac, "Capstone")
        link = fac.page.locator(".mc-live-link a").get_attribute("href")
        assert link.endswith(f"/live/join?code={code}")  # the page the server itself serves, no kernel
        assert fac.page.locator(".mc-live-qr svg").count() == 1
        kernels = len(live_server.kernels())
        for person, name in zip(people, ("Aiko", "Ben", "Chidi"), strict=True):
            join(person, link, name, keyboard=person is aiko)
        assert len(live_server.kernels()) == kernels  # participants start no kernel
        fac.page.get_by_text("Participants (3 of").wait_for(timeout=WAIT)
        assert "the mentor" in aiko.page.locator(".mc-live-you").inner_text()
        assert "the mentee" in ben.page.locator(".mc-live-you").inner_text()
        assert "the observer" in chidi.page.locator(".mc-live-you").inner_text()

        # the facilitator changes a role, and the participant's page follows
        fac.page.get_by_label("Chidi").select_option("mentor")
        chidi.page.locator(".mc-live-you", has_text="the mentor").wait_for(timeout=WAIT)
        fac.page.get_by_label("Chidi").select_option("observer")
        chidi.page.get_by_text("Your checklist").wait_for(timeout=WAIT)
        fac.page.screenshot(path=str(artifacts / "live-facilitator-lobby.png"))
        assert serious_violations(fac.page, ".mc-live") == []

        press(fac, "Start the role-play")
        wait_phase(ben, "node")
        ben.page.get_by_text("Read these lines aloud").wait_for(timeout=WAIT)
        assert "Aroha" in ben.page.locator(".mc-live-scene").inner_text()

        steps = 0
        while phase(fac) != "debrief":
            steps += 1
            assert steps <= 20, "the capstone did not reach its debrief in 20 steps"
            press(fac, "Open votes")
            wait_phase(aiko, "voting")
            vote_by_keyboard(aiko)
            aiko.page.get_by_role("button", name="✓ Your vote:").wait_for(timeout=WAIT)
            aiko.page.locator("#mc-status", has_text="Vote recorded").wait_for(timeout=WAIT)  # announced
            fac.page.locator('.mc-live-count[data-voters="1"]').wait_for(timeout=WAIT)
            if steps == 1:
                box = chidi.page.locator(".mc-live-checklist input[type=checkbox]").first
                box.focus()
                chidi.page.keyboard.press("Space")  # a checkbox ticks from the keyboard
                assert box.is_checked()
                aiko.page.locator(".mc-live-choice").first.scroll_into_view_if_needed()
                aiko.page.screenshot(path=str(artifacts / "live-mentor-voting.png"))
                assert serious_violations(aiko.page, ".mc-live") == []
            press(fac, "Close votes")
            press(fac, "Reveal results")
            wait_phase(fac, "reveal")  # the console revealed (a failure here is the console's, not the pages')
            for person in people:
                person.page.locator(".mc-live-reveal").wait_for(timeout=WAIT)
            if steps == 1:
                assert "Room's choice" in chidi.page.locator(".mc-live-reveal").inner_text()
                fac.page.locator(".mc-live-reveal").screenshot(path=str(artifacts / "live-facilitator-reveal.png"))
            press(fac, "Next step")
            fac.page.wait_for_function("() => !['reveal'].includes(document.querySelector('.mc-live-phase').dataset.phase)",
                                       timeout=WAIT)

        for person in people:
            wait_phase(person, "debrief")
            text = person.page.locator(".mc-live-debrief").inner_text()
            assert "Points per competency" in text and "To talk about" in text
        deb = fac.page.locator(".mc-live-debrief").inner_text()
        assert "Observers' checklist" in deb and "Chidi" in deb and f"of {steps} steps took the strongest option" in deb
        # Voilà scrolls an inner container, so whole-page shots stop at the viewport: shoot the parts
        chidi.page.locator(".mc-live-checklist").screenshot(path=str(artifacts / "live-observer-checklist.png"))
        fac.page.locator(".mc-live-debrief").screenshot(path=str(artifacts / "live-facilitator-debrief.png"))
        assert serious_violations(chidi.page, ".mc-live") == []

        # export: every vote is in votes.csv
        press(fac, "Export results (CSV)")
        fac.page.locator("a.mc-live-download", has_text="votes.csv").wait_for(timeout=WAIT)
        with fac.page.expect_download() as got:
            fac.page.locator("a.mc-live-download", has_text="votes.csv").click()
        rows = Path(got.value.path()).read_text(encoding="utf-8-sig").strip().splitlines()
        assert rows[0].startswith("round,node_id,seat_id,name") and len(rows) == steps + 1
        assert all(",Aiko,mentor," in r for r in rows[1:])

        # reloading rejoins the same seat; the facilitator's console recovers the room
        seat_url = aiko.page.url
        aiko.page.reload()
        aiko.page.locator(".mc-live-you").wait_for(timeout=LOAD)
        assert "Aiko" in aiko.page.locator(".mc-live-you").inner_text() and aiko.page.url == seat_url
        fac_url = fac.page.url
        fac.close()
        fac = Person(chromium, width=1100)
        fac.page.goto(fac_url, timeout=LOAD)
        wait_phase(fac, "debrief")
        assert fac.page.locator(".mc-live-code").get_attribute("data-code") == code

        press(fac, "Close room")
        wait_phase(ben, "closed")
        press(fac, "Delete room and its data")
        press(fac, "Yes, delete everything now")
        fac.page.get_by_role("button", name="Create room").wait_for(timeout=WAIT)
        ben.page.get_by_text("expired or was deleted").wait_for(timeout=WAIT)
        assert ben.page.get_by_role("button", name="Join").is_visible()  # the page keeps working
        assert all(not p.dialogs for p in (fac, *people))
    finally:
        for person in (fac, *people):
            person.close()


def test_live_room_escapes_hostile_display_name(chromium, live_server, artifacts):
    fac, mallory = Person(chromium), Person(chromium)
    hostile = "<img src=x onerror=alert(1)>"
    try:
        open_facilitator(fac, live_server)
        code = create_room(fac, "Where are you really from")
        mallory.page.goto(live_server.url + PARTICIPANT + "?code=ZZZ-222", timeout=LOAD)
        mallory.page.get_by_label("Display name").wait_for(timeout=LOAD)
        mallory.page.get_by_label("Display name").fill("Mal")
        mallory.page.get_by_role("button", name="Join").click()
        mallory.page.get_by_text("No room has the code ZZZ-222").wait_for(timeout=WAIT)  # said, and the page works on

        mallory.page.get_by_label("Join code").fill(code.lower())
        mallory.page.get_by_label("Display name").fill(hostile)
        mallory.page.get_by_role("button", name="Join").click()
        mallory.page.locator(".mc-live-you").wait_for(timeout=WAIT)
        fac.page.get_by_text("Participants (1 of").wait_for(timeout=WAIT)
        press(fac, "Start the role-play")
        press(fac, "Open votes")
        mallory.page.locator(".mc-live-choice").first.click()
        fac.page.locator('.mc-live-count[data-voters="1"]').wait_for(timeout=WAIT)

        for person in (fac, mallory):
            page = person.page
            assert page.locator("img[src=x]").count() == 0
            assert page.evaluate("() => document.body.innerHTML.includes('<img src=\"x\"')") is False
        assert hostile in mallory.page.locator(".mc-live-you").inner_text()
        assert fac.page.get_by_label(hostile).count() == 1  # the role menu is labelled with the name, as text
        assert hostile in fac.page.locator(".mc-live-muted", has_text="Voted:").inner_text()
        seats = fac.page.locator(".mc-live-section", has_text="Participants (1 of")
        seats.screenshot(path=str(artifacts / "live-hostile-name.png"))
        assert fac.dialogs == [] and mallory.dialogs == []
    finally:
        fac.close()
        mallory.close()


def test_live_room_removed_and_blocked_participant_is_told_plainly_and_kept_out(chromium, live_server, artifacts):
    """The removal is the only thing the page says: the last status ("Reading the next step.") would
    contradict it. Joining again from the same browser is refused with the same words."""
    fac, ben = Person(chromium), Person(chromium, width=390)
    try:
        open_facilitator(fac, live_server)
        code = create_room(fac, "Where are you really from")
        join(ben, live_server.url + PARTICIPANT + f"?code={code}", "Ben")
        press(fac, "Start the role-play")
        wait_phase(ben, "node")
        ben.page.wait_for_function("() => document.getElementById('mc-status').textContent.trim() !== ''",
                                   timeout=WAIT)
        press(fac, "Remove and block")
        press(fac, "Yes, block")  # blocking is for good: the console asks first
        blocked = "did not allow you to join it again"
        ben.page.locator("#mc-error", has_text=blocked).wait_for(timeout=WAIT)
        assert ben.page.locator("#mc-status").inner_text().strip() == ""
        assert ben.page.get_by_role("button", name="Join").is_visible()
        ben.page.screenshot(path=str(artifacts / "live-removed-and-blocked.png"))

        ben.page.get_by_label("Display name").fill("Ben again")
        ben.page.get_by_role("button", name="Join").click()
        ben.page.locator("#mc-error", has_text=blocked).wait_for(timeout=WAIT)
        ben.page.wait_for_function("() => !document.getElementById('mc-join-btn').disabled", timeout=WAIT)
        assert ben.page.locator("#mc-seat").is_hidden()
        assert fac.dialogs == [] and ben.dialogs == []
    finally:
        fac.close()
        ben.close()
