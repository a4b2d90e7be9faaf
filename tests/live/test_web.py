"""Does the participants' page served by the server itself (widgets/live/web) keep every promise the
kernel-per-participant page kept? Through a real `mentor-course serve` (one per module, on 127.0.0.1,
``--trusted-proxy 127.0.0.1`` so tests can speak for several visitors with ``X-Forwarded-For``), driven
exactly as the page's script drives it: GET ``live/join`` (the browser cookie, the XSRF token), then the
websocket. The facilitator is the real console (``FacilitatorApp``, its own store on the same database),
as its Voilà kernel would run it.
"""

from __future__ import annotations

import asyncio
import json
import re
import secrets
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from tornado.httpclient import AsyncHTTPClient, HTTPClientError, HTTPRequest
from tornado.websocket import websocket_connect

from tests.conftest import REPO
from widgets.serving import process
from widgets.ui.live.facilitator import FacilitatorApp

WAIT = 20.0


class Served:
    def __init__(self, url: str, data: Path) -> None:
        self.url = url if url.endswith("/") else url + "/"
        self.data = data


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    tmp = tmp_path_factory.mktemp("live-web")
    data = tmp / "data"
    server = process.serve(REPO, data, tmp / "serve.log", "--pool-size", "0", "--kernels-per-client", "0",
                           "--max-kernels", "0", "--trusted-proxy", "127.0.0.1")
    try:
        yield Served(server.url, data)
    finally:
        server.stop()


@pytest.fixture
def env(served: Served, live_yaml: Path) -> dict[str, str]:
    return {"MENTOR_COURSE_DATA": str(served.data)}


class Page:
    """One participant page: its websocket, its requests, the views and messages it received."""

    def __init__(self, ws: Any) -> None:
        self.ws = ws
        self.next_id = 1
        self.messages: list[dict[str, Any]] = []
        self.replies: dict[int, asyncio.Future[dict[str, Any]]] = {}
        self.reader = asyncio.ensure_future(self._read())

    async def _read(self) -> None:
        while True:
            text = await self.ws.read_message()
            if text is None:
                return
            msg = json.loads(text)
            self.messages.append(msg)
            if msg["type"] == "reply" and msg["id"] in self.replies:
                self.replies.pop(msg["id"]).set_result(msg)

    async def ask(self, op: str, **fields: Any) -> dict[str, Any]:
        rid = self.next_id
        self.next_id += 1
        fut: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        self.replies[rid] = fut
        await self.ws.write_message(json.dumps({"op": op, "id": rid, **fields}))
        return await asyncio.wait_for(fut, WAIT)

    @property
    def state(self) -> dict[str, Any] | None:
        return next((m for m in reversed(self.messages) if m["type"] == "state"), None)

    async def until(self, condition: Callable[[dict[str, Any]], bool], what: str) -> dict[str, Any]:
        deadline = asyncio.get_running_loop().time() + WAIT
        while True:
            found = next((m for m in reversed(self.messages) if condition(m)), None)
            if found is not None:
                return found
            if asyncio.get_running_loop().time() > deadline:
                raise AssertionError(f"timed out waiting for {what}; last messages: {self.messages[-3:]}")
            await asyncio.sleep(0.02)

    async def state_where(self, condition: Callable[[dict[str, Any]], bool], what: str) -> dict[str, Any]:
        return await self.until(lambda m: m["type"] == "state" and condition(m), what)

    def close(self) -> None:
        self.ws.close()
        self.reader.cancel()


class Browser:
    """One visitor's browser: its cookies (the signed browser id, the XSRF cookie) and its address."""

    def __init__(self, served: Served, address: str = "") -> None:
        self.served = served
        self.cookies: dict[str, str] = {}
        self.address = address or f"10.9.{secrets.randbelow(250)}.{secrets.randbelow(250) + 1}"
        self.pages: list[Page] = []

    def _headers(self) -> dict[str, str]:
        return {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()), "X-Forwarded-For": self.address}

    async def get_page(self, query: str = "") -> str:
        reply = await AsyncHTTPClient().fetch(HTTPRequest(self.served.url + "live/join" + query, headers=self._headers()))
        for c in reply.headers.get_list("Set-Cookie"):
            name, value = c.split(";", 1)[0].split("=", 1)
            self.cookies[name] = value
        return reply.body.decode()

    async def open(self, query: str = "", *, xsrf: str | None = None, origin: str | None = None) -> Page:
        html = await self.get_page(query)
        token = re.search(r'data-xsrf="([^"]+)"', html).group(1) if xsrf is None else xsrf
        socket = re.search(r'data-socket="([^"]+)"', html).group(1)
        host = self.served.url.split("://", 1)[1].split("/", 1)[0]
        headers = {**self._headers(), "Origin": origin or f"http://{host}"}
        ws = await websocket_connect(HTTPRequest(f"ws://{host}{socket}?_xsrf={token.replace('|', '%7C')}",
                                                 headers=headers))
        page = Page(ws)
        self.pages.append(page)
        return page

    def close(self) -> None:
        for p in self.pages:
            p.close()


def facilitator(env: dict[str, str], course_root: Path, query: str = "") -> FacilitatorApp:
    app = FacilitatorApp(environ={**env, "QUERY_STRING": query}, course_root=course_root)
    labels = [label for label, _ in app.pick.options]
    app.pick.value = next(k for k, label in enumerate(labels) if "Live <b>tiny</b>" in label)
    return app


async def until(condition: Callable[[], bool], what: str) -> None:
    deadline = asyncio.get_running_loop().time() + WAIT
    while not condition():
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.02)


async def room(env, course_root) -> FacilitatorApp:
    fac = facilitator(env, course_root)
    fac.create()
    await until(lambda: fac.code, "the room")
    return fac


def stop(fac: FacilitatorApp, *browsers: Browser) -> None:
    for b in browsers:
        b.close()
    if fac.feed is not None:
        fac.feed.stop()
    if fac.store is not None:
        fac.store.close()


def test_web_facilitator_and_mentor_play_a_step(env, course_root, served):
    async def main() -> None:
        fac = await room(env, course_root)
        link = re.search(r'href="([^"]+)"', fac.join.value).group(1)
        assert link == f"http://127.0.0.1/live/join?code={fac.code}"  # no page address reported in-process
        ann = Browser(served)
        page = await ann.open(f"?code={fac.code}")
        joined = await page.ask("join", code=fac.code, name="Ann")
        assert joined["ok"] and joined["name"] == "Ann" and joined["role"] == "mentor"
        state = await page.state_where(lambda m: m["room"]["phase"] == "lobby", "the lobby")
        assert "the <strong>mentor</strong>" in state["me"]["you"] and state["room"]["code"].replace("-", "") == fac.code
        await until(lambda: len(fac.rows) == 1, "Ann in the facilitator's list")
        fac.act("start")
        await until(lambda: not fac.buttons["open"].disabled, "Open votes enabled")
        fac.act("open")
        state = await page.state_where(lambda m: m["room"]["phase"] == "voting", "votes open")
        assert [c["id"] for c in state["room"]["choices"]] == ["validate", "curious", "dismiss"]
        voted = await page.ask("vote", choice="curious")
        assert voted["ok"] and voted["choice"] == "curious"  # acknowledged after the commit: it is stored
        assert fac.store.snapshot(fac.room_id).vote_of(fac.store.snapshot(fac.room_id).seats[0].id).choice_id == "curious"
        await page.state_where(lambda m: m["me"]["vote"] == "curious", "Ann's own vote in her view")
        await until(lambda: 'data-voters="1"' in fac.votes.value, "the vote on the facilitator's screen")
        fac.act("reveal")
        state = await page.state_where(lambda m: m["room"]["phase"] == "reveal", "the reveal")
        assert "Did you tell them about your parents?" in state["room"]["reveal"]

        # the page reloads (a new websocket): the seat's token brings back the same seat
        page.close()
        again = await ann.open(f"?code={fac.code}&seat={joined['seat']}")
        back = await again.ask("rejoin", seat=joined["seat"])
        assert back["ok"] and back["name"] == "Ann"
        state = await again.state_where(lambda m: m["room"]["phase"] == "reveal", "the room after the reload")
        assert len(fac.store.snapshot(fac.room_id).seats) == 1
        stop(fac, ann)

    asyncio.run(main())


def test_web_roles_checklist_role_change_removal_and_deletion(env, course_root, served):
    async def main() -> None:
        fac = await room(env, course_root)
        people: list[tuple[Browser, Page]] = []
        for name in ("Ann", "Bob", "Cy"):
            b = Browser(served)
            p = await b.open()
            assert (await p.ask("join", code=fac.code, name=name))["ok"]
            people.append((b, p))
        (_, ann), (_, bob), (_, cy) = people
        await until(lambda: len(fac.rows) == 3, "three seats on the facilitator's list")
        fac.act("start")
        state = await bob.state_where(lambda m: "Read these lines aloud" in m["room"]["scene"], "the mentee's lines")
        assert state["me"]["role"] == "mentee" and state["room"]["choices"] == []
        state = await cy.state_where(lambda m: m["room"]["phase"] == "node", "the observer's view")
        assert [i["id"] for i in state["room"]["checklist"]] == ["validated-first", "reflected"]
        assert (await cy.ask("tick", item="reflected", value=True))["ok"]
        cy_seat = next(s.id for s in fac.store.snapshot(fac.room_id).seats if s.name == "Cy")
        bob_seat = next(s.id for s in fac.store.snapshot(fac.room_id).seats if s.name == "Bob")
        await cy.state_where(lambda m: m["me"]["ticked"] == ["reflected"], "Cy's tick in her view")
        await until(lambda: "1 item ticked" in fac.rows[cy_seat].state.value, "the tick on the facilitator's list")
        refused = await bob.ask("vote", choice="validate")  # the mentee does not vote
        assert not refused["ok"] and refused["error"]
        fac.rows[bob_seat].role.value = "observer"
        await bob.state_where(lambda m: m["me"]["role"] == "observer" and m["room"]["checklist"], "Bob's new role")
        fac.kick(cy_seat)
        out = await cy.until(lambda m: m["type"] == "out", "Cy told she was removed")
        assert "removed you" in out["message"]
        assert not (await cy.ask("tick", item="validated-first", value=True))["ok"]  # the seat is gone
        fac.act("close-room")
        await ann.state_where(lambda m: m["room"]["phase"] == "closed", "the closed room")
        fac._ask_delete()
        fac.delete()
        out = await ann.until(lambda m: m["type"] == "out", "Ann told the room is gone")
        assert "expired or was deleted" in out["message"]
        stop(fac, *(b for b, _ in people))

    asyncio.run(main())


def test_web_bad_input_gets_a_message_and_the_page_keeps_working(env, course_root, served):
    async def main() -> None:
        fac = await room(env, course_root)
        eve = Browser(served)
        page = await eve.open("?code=ZZZ222")
        for code, name, said in (("ZZZ222", "Eve", "No room has the code ZZZ-222"), ("O0O", "Eve", "no 0, 1, I, L, O or U"),
                                 (fac.code, "x" * 41, "at most 40")):
            reply = await page.ask("join", code=code, name=name)
            assert not reply["ok"] and said in reply["error"], reply
        assert not (await page.ask("vote", choice="validate"))["ok"]  # not seated: refused in words
        unknown = await page.ask("launch")
        assert "does not know" in unknown["error"]
        assert (await page.ask("join", code=fac.code, name="Eve"))["ok"]
        for reply in (m for m in page.messages if m["type"] == "reply" and not m["ok"]):
            assert "/" not in reply["error"] and "Traceback" not in reply["error"]  # no paths, no tracebacks
        stop(fac, eve)

    asyncio.run(main())


def test_web_hostile_display_name_is_escaped_everywhere(env, course_root, served):
    async def main() -> None:
        fac = await room(env, course_root)
        mallory = Browser(served)
        page = await mallory.open()
        hostile = "<img src=x onerror=alert(1)>"
        assert (await page.ask("join", code=fac.code, name=hostile))["ok"]
        state = await page.state_where(lambda m: True, "Mallory's view")
        assert "<img" not in state["me"]["you"] and "&lt;img src=x onerror=alert(1)&gt;" in state["me"]["you"]
        assert state["me"]["name"] == hostile  # plain text, which the page puts in textContent
        stop(fac, mallory)

    asyncio.run(main())


def test_web_one_browser_takes_one_seat_and_a_blocked_browser_is_told_why(env, course_root, served):
    """Issue 17 (2), ported from the kernel page: a seated page's second join, or a second page of the same
    browser, gets the same seat; a removed-and-blocked browser is told so and cannot come back."""
    async def main() -> None:
        fac = await room(env, course_root)
        ghost = Browser(served)
        first = await ghost.open()
        seat = await first.ask("join", code=fac.code, name="ghost 0")
        for k in range(1, 6):  # a scripted second join on the same page changes nothing
            again = await first.ask("join", code=fac.code, name=f"ghost {k}")
            assert again["ok"] and again["name"] == "ghost 0"
        other = await ghost.open()  # a new page (tab) of the same browser: the same seat back
        same = await other.ask("join", code=fac.code, name="ghost 99")
        assert same["ok"] and same["name"] == "ghost 0" and seat["ok"]
        assert [s.name for s in fac.store.snapshot(fac.room_id).seats] == ["ghost 0"]
        seat_id = fac.store.snapshot(fac.room_id).seats[0].id
        fac.kick(seat_id, block=True)
        out = await other.until(lambda m: m["type"] == "out", "the blocked page told")
        assert "did not allow you to join it again" in out["message"]
        third = await ghost.open()
        refused = await third.ask("join", code=fac.code, name="not a ghost")
        assert not refused["ok"] and "did not allow you to join it again" in refused["error"]
        stranger = Browser(served)  # another browser is not affected
        assert (await (await stranger.open()).ask("join", code=fac.code, name="Stranger"))["ok"]
        stop(fac, ghost, stranger)

    asyncio.run(main())


def test_web_wrong_codes_are_limited_per_browser_and_per_address_never_server_wide(env, course_root, served):
    """Issue 17 (1), ported: wrong codes pause joining for the guessing browser (8) and its address (40, via
    the trusted proxy's X-Forwarded-For), while the right code keeps working for everyone else."""
    async def main() -> None:
        fac = await room(env, course_root)
        guesser = Browser(served, "10.77.0.1")
        page = await guesser.open()
        for _ in range(8):
            assert "No room has the code" in (await page.ask("join", code="ZZZ222", name="G"))["error"]
        paused = await page.ask("join", code=fac.code, name="G")
        assert not paused["ok"] and "from your browser" in paused["error"]
        crowd = [Browser(served, "10.77.0.1") for _ in range(4)]  # same address, new browsers: 32 more wrong codes
        for b in crowd:
            p = await b.open()
            for _ in range(8):
                await p.ask("join", code="ZZZ222", name="G")
        late = Browser(served, "10.77.0.1")
        refused = await (await late.open()).ask("join", code=fac.code, name="Late")
        assert not refused["ok"] and "from your network" in refused["error"]
        # A visitor's own X-Forwarded-For entries are not trusted: only the proxy's last hop counts.
        spoof = Browser(served, "10.77.0.1, 10.77.0.1")
        assert not (await (await spoof.open()).ask("join", code=fac.code, name="Spoof"))["ok"]
        elsewhere = Browser(served, "10.88.0.2")
        assert (await (await elsewhere.open()).ask("join", code=fac.code, name="Ok"))["ok"]
        stop(fac, guesser, *crowd, late, spoof, elsewhere)

    asyncio.run(main())


def test_web_socket_checks_the_xsrf_token_and_the_origin(served):
    async def main() -> None:
        b = Browser(served)
        with pytest.raises(HTTPClientError) as wrong_token:
            await b.open(xsrf="2|00000000|00000000000000000000000000000000|1700000000")
        assert wrong_token.value.code == 403
        with pytest.raises(HTTPClientError) as other_site:
            await b.open(origin="http://evil.example")
        assert other_site.value.code == 403
        page = await b.open()  # the page's own token and origin
        assert "No room" in (await page.ask("join", code="ZZZ222", name="B"))["error"]
        b.close()

    asyncio.run(main())


def test_web_reconnect_resyncs_and_acknowledged_votes_are_kept(env, course_root, served):
    async def main() -> None:
        fac = await room(env, course_root)
        b = Browser(served)
        page = await b.open()
        seat = await page.ask("join", code=fac.code, name="Ann")
        fac.act("start")
        await page.state_where(lambda m: m["room"]["phase"] == "node", "the first step")
        fac.act("open")
        await page.state_where(lambda m: m["room"]["phase"] == "voting", "votes open")
        assert (await page.ask("vote", choice="validate"))["ok"]
        page.close()  # the connection drops; meanwhile the room moves on
        fac.act("close")
        await until(lambda: fac.snap is not None and fac.snap.room.phase == "votes-closed", "votes closed")
        back = await b.open(f"?code={fac.code}&seat={seat['seat']}")
        assert (await back.ask("rejoin", seat=seat["seat"]))["ok"]
        state = await back.state_where(lambda m: True, "the view after the reconnect")
        assert state["room"]["phase"] == "votes-closed" and state["me"]["vote"] == "validate"
        stop(fac, b)

    asyncio.run(main())


def test_web_page_is_plain_html_with_live_regions_and_no_kernel(served):
    async def main() -> None:
        html = await Browser(served).get_page("?code=KXR7PM")
        assert 'aria-live="polite"' in html and 'role="alert"' in html
        assert '<label for="mc-code">Join code</label>' in html and '<label for="mc-name">Display name</label>' in html
        assert "readonly" not in html  # no hub user here: participants choose their name
        assert "voila" not in html.lower() and "kernel" not in html.lower()
        script = await AsyncHTTPClient().fetch(served.url + "live/static/participant.js")
        assert b"textContent" in script.body

    asyncio.run(main())


def test_web_the_name_is_the_hub_user_when_the_server_has_one(monkeypatch):
    """On a hub each participant's display name is their hub user name: fixed on the page, and the name a
    page sends is ignored by the server."""
    from widgets.live.web import handlers
    from widgets.live.web.page import participant_html

    monkeypatch.setenv("JUPYTERHUB_USER", "mei<script>")
    assert handlers.forced_name() == "mei<script>"
    html = participant_html(socket="/live/socket", static="/live/static/", xsrf="t", name=handlers.forced_name())
    assert 'value="mei&lt;script&gt;" readonly' in html and "<script>\"" not in html
    monkeypatch.delenv("JUPYTERHUB_USER")
    assert handlers.forced_name() == ""


def test_web_a_missing_database_is_said_without_its_path(tmp_path):
    from widgets.live.errors import LiveError
    from widgets.live.web.rooms import LiveRooms, refusal

    rooms = LiveRooms(f"sqlite:///{tmp_path / 'missing' / 'rooms.sqlite3'}")

    async def main() -> str:
        try:
            await rooms.store_call("join", "KXR7PM", "Ann", client="c", browser="b")
        except LiveError as exc:
            return refusal(exc)
        raise AssertionError("joined a room in a database that does not exist")

    said = asyncio.run(main())
    rooms.close()
    assert "cannot be used right now" in said and str(tmp_path) not in said
