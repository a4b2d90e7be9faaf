"""The participant's page: join with a code and a name, then see your role's view. Mentors vote,
the mentee reads the lines aloud, observers tick the checklist; everyone sees the results and the
debrief.

After joining, the seat's token goes into the page's address (``?code=...&seat=...``), so a reload
comes back to the same seat (see :mod:`widgets.live.ui.bridge` for why the address and not browser
storage). A wrong or expired code, a full or closed room, a locked or missing database: each is said
in words in the page's alert region, and the page stays usable.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

import ipywidgets as W

from widgets.content.models import Scenario
from widgets.live import room
from widgets.live.codes import MAX_NAME, format_code
from widgets.live.debrief import build
from widgets.live.errors import LiveError
from widgets.live.room import Snapshot
from widgets.live.store import BROWSER_ENV, CLIENT_ENV, Joined, RoomStore
from widgets.live.ui import html as H
from widgets.live.ui.bridge import PageBridge
from widgets.live.ui.common import WIDE, environment, html, open_store, section, show, spawn
from widgets.live.ui.feed import RoomFeed, call
from widgets.live.ui.links import CODE, SEAT, query


class ParticipantApp:
    """The participant's page; display ``app.root``."""

    def __init__(self, *, url: str | None = None, environ: Mapping[str, str] | None = None) -> None:
        self.env = environment(environ)
        page = self.env.get("VOILA_KERNEL_ID", "") or f"pid-{os.getpid()}"
        # Who is asking, as `mentor-course serve` tells the kernel (see widgets/serving/clients.py): the
        # visitor's address and a signed browser cookie. Outside the server, the page stands for both.
        self.client = self.env.get(CLIENT_ENV, "") or page
        self.browser = self.env.get(BROWSER_ENV, "") or page
        self.bridge = PageBridge()
        self.store: RoomStore | None = None
        self.feed: RoomFeed | None = None
        self.seat: Joined | None = None
        self.sc: Scenario | None = None
        self.titles: dict[str, str] = {}
        self.snap: Snapshot | None = None
        self._phase = ""
        self._role = ""
        self._choice_key: tuple[Any, ...] = ()
        self._syncing = False

        params = query(self.env)
        # --- joining ---
        self.code = W.Text(value=params.get(CODE, ""), description="Join code", placeholder="e.g. KXR-7PM",
                           style={"description_width": "8rem"}, layout=W.Layout(width="22rem"))
        self.name = W.Text(description="Display name", placeholder=f"up to {MAX_NAME} characters",
                           style={"description_width": "8rem"}, layout=W.Layout(width="28rem"))
        self.join_btn = W.Button(description="Join", button_style="primary")
        self.join_btn.on_click(lambda _: self.join())
        self.join_panel = section([
            html("<h2>Join a live role-play</h2><p>Type the code on your facilitator's screen and the name others "
                 "will see. Nothing you type is shared beyond this room, and the room is deleted after the session."
                 "</p>"),
            self.code, self.name, self.join_btn])

        # --- the seat ---
        self.you = html()
        self.banner = html()
        self.scene = html()
        self.options = html()
        self.vote_note = html()
        self.vote_box = W.VBox()
        self.check_note = html()
        self.check_box = W.VBox()
        self.checks: dict[str, W.Checkbox] = {}
        self.reveal_html = html()
        self.debrief_html = html()
        self.debrief_section = section([self.debrief_html])
        show(self.debrief_section, False)
        self.check_section = section([self.check_note, self.check_box], "mc-live-checklist")
        show(self.check_section, False)
        self.leave_btn = W.Button(description="Leave the room")
        self.leave_btn.on_click(lambda _: self.leave())
        self.seat_panel = W.VBox([
            section([self.banner, self.you]),
            section([self.scene, self.options, self.vote_note, self.vote_box, self.reveal_html]),
            self.check_section,
            self.debrief_section,
            self.leave_btn,
        ])
        show(self.seat_panel, False)
        self.root = W.VBox([self.bridge, self.join_panel, self.seat_panel])
        self.root.add_class("mc-live")

        self.store, problem = open_store(self.env, url)
        if self.store is None:
            self.bridge.problem(problem)
            self.join_btn.disabled = True
            return
        token = params.get(SEAT, "")
        if token:
            self.rejoin(token)
        elif params.get(CODE):
            self.bridge.say("Type your name and press Join.")

    # ---- joining and leaving ----------------------------------------------------------------------

    def join(self) -> None:
        store = self.store
        if store is None or self.seat is not None:  # the hidden Join button of a seated page does nothing
            return
        code, name = self.code.value, self.name.value

        async def run() -> None:
            seat = await call(store.join, code, name, client=self.client, browser=self.browser)
            await self._enter(seat)
            self.bridge.say(f"You joined as {seat.name}, the {seat.role}.")

        spawn(self.bridge, run, busy=(self.join_btn,), done=lambda: setattr(self.join_btn, "disabled", self.seat is not None))

    def rejoin(self, token: str) -> None:
        store = self.store
        if store is None:
            return

        async def run() -> None:
            try:
                seat = await call(store.rejoin, token)
            except LiveError:
                self.bridge.query = f"{CODE}={self.code.value}" if self.code.value else ""
                raise
            await self._enter(seat)
            self.bridge.say(f"Welcome back, {seat.name}. You are the {seat.role}.")

        spawn(self.bridge, run)

    async def _enter(self, seat: Joined) -> None:
        assert self.store is not None
        self.sc = await call(self.store.scenario, seat.room_id)
        payload = await call(self.store.payload, seat.room_id)
        self.titles = dict(payload.get("competencies") or {})
        snap = await call(self.store.snapshot, seat.room_id)
        self.seat = seat
        self.code.value = format_code(snap.room.code)
        self.bridge.query = f"{CODE}={snap.room.code}&{SEAT}={seat.token}"
        show(self.join_panel, False)
        self.join_btn.disabled = True
        show(self.seat_panel, True)
        self._phase = self._role = ""
        self._choice_key = ()
        self.render(snap)
        if self.feed is not None:
            self.feed.stop()
        self.feed = RoomFeed(self.store, seat.room_id, self.render, self._feed_error, self._gone, public=True)
        self.feed.start()

    def leave(self) -> None:
        store, seat = self.store, self.seat
        if store is None or seat is None:
            return

        async def run() -> None:
            await call(store.leave, seat.token)
            self._out("You left the room. You can join again with the code.")

        spawn(self.bridge, run, busy=(self.leave_btn,), done=lambda: setattr(self.leave_btn, "disabled", False))

    def _out(self, message: str, *, problem: bool = False) -> None:
        """Back to the join form (left, removed, or the room is gone), keeping the code for a new try."""
        if self.feed is not None:
            self.feed.stop()
            self.feed = None
        self.seat = None
        self.snap = None
        self.bridge.query = f"{CODE}={self.code.value.replace('-', '')}" if self.code.value else ""
        show(self.seat_panel, False)
        show(self.join_panel, True)
        self.join_btn.disabled = False
        if problem:
            self.bridge.problem(message)
        else:
            self.bridge.say(message)

    def _feed_error(self, message: str) -> None:
        if message:
            self.bridge.problem(message)
        else:
            self.bridge.say("Connection to the room restored.")

    def _gone(self, message: str) -> None:
        self._out(message, problem=True)

    # ---- showing the room -------------------------------------------------------------------------

    def render(self, snap: Snapshot) -> None:
        """Show ``snap`` from this seat's point of view (called on the event loop)."""
        sc, seat = self.sc, self.seat
        if sc is None or seat is None or snap.room.id != seat.room_id:
            return
        me = snap.seat(seat.seat_id)
        if me is not None and me.status == room.KICKED and self.store is not None:
            # Removed, or removed and blocked: the store's answer for this seat says which (the snapshot
            # does not), so a blocked participant is not told they may join again.
            store, token = self.store, seat.token
            self.seat = None  # later snapshots are not this seat's any more

            async def removed() -> None:
                why = "The facilitator removed you from this room. You can join again with the code if they agree."
                try:
                    await call(store.rejoin, token)
                except LiveError as e:
                    why = str(e)
                self._out(why, problem=True)

            spawn(self.bridge, removed)
            return
        if me is None or not me.active:
            self._out("You are no longer in this room. You can join again with the code if the facilitator agrees.",
                      problem=True)
            return
        self.snap = snap
        rs = snap.room
        kind = room.roles_of(sc).get(me.role, "")
        self.banner.value = H.phase_banner(rs, sc)
        self.you.value = H.seat_line(me.name, me.role, kind)
        self.scene.value = H.scene(sc, rs, reader=kind == room.READ)
        self._render_votes(sc, snap, me, kind)
        self._render_checklist(sc, snap, me, kind)
        self.reveal_html.value = H.reveal(sc, snap) if rs.phase == room.REVEAL else ""
        self.debrief_html.value = ("<h2>Debrief</h2>" + H.debrief(build(sc, snap, self.titles), notes=False)
                                   if rs.phase in (room.DEBRIEF, room.CLOSED) else "")
        show(self.debrief_section, rs.phase in (room.DEBRIEF, room.CLOSED))
        news = []
        if me.role != self._role and self._role:
            news.append(f"The facilitator made you the {me.role}.")
        if rs.phase != self._phase and self._phase:
            news.append(room.PHASE_LABELS.get(rs.phase, rs.phase) + ".")
            if rs.phase == room.VOTING and kind == room.DECIDE:
                news.append("Choose what the mentor says.")
            if rs.phase == room.CLOSED:
                news.append("The facilitator closed the room; the debrief stays here until you leave the page.")
        if news:
            self.bridge.say(" ".join(news))
        self._role, self._phase = me.role, rs.phase

    def _render_votes(self, sc: Scenario, snap: Snapshot, me: room.Seat, kind: str) -> None:
        rs = snap.room
        choices = room.offered(sc, rs)
        deciding = kind == room.DECIDE and bool(choices)
        mine = snap.vote_of(me.id)
        key = (rs.vote_round, deciding, tuple(c.id for c in choices))
        if key != self._choice_key:
            self._choice_key = key
            buttons = []
            for c in choices if deciding else ():
                b = W.Button(description=H.plain_choice(sc, c.id), layout=WIDE)
                b.add_class("mc-live-choice")
                b.on_click(lambda _, cid=c.id: self.vote(cid))
                b._mc_choice = c.id  # type: ignore[attr-defined]
                buttons.append(b)
            self.vote_box.children = tuple(buttons)
        for b in self.vote_box.children:
            cid = getattr(b, "_mc_choice", "")
            chosen = mine is not None and mine.choice_id == cid
            text = H.plain_choice(sc, cid)
            b.description = f"✓ Your vote: {text}" if chosen else text
            if chosen:  # marked by words, a border and weight; ipywidgets' "info" colours fail AA contrast
                b.add_class("mc-live-voted")
            else:
                b.remove_class("mc-live-voted")
            b.disabled = rs.phase != room.VOTING
        if kind == room.DECIDE:
            self.options.value = ""
            if rs.phase == room.NODE:
                self.vote_note.value = H.notice("Listen to the lines; voting opens in a moment.")
            elif rs.phase == room.VOTING:
                self.vote_note.value = H.notice(H.sentence("Your vote: " + H.plain_choice(sc, mine.choice_id)) +
                                                " You can change it until votes close." if mine else
                                                "Choose what the mentor says. You can change your vote until votes close.")
            elif rs.phase == room.VOTES_CLOSED:
                self.vote_note.value = H.notice("Votes are closed; the results come next.")
            else:
                self.vote_note.value = ""
        else:
            self.options.value = (("<p class=\"mc-live-muted\">What the mentor may say:</p>" + H.options_list(choices))
                                  if choices else "")
            self.vote_note.value = (H.notice("The mentors are choosing.") if rs.phase == room.VOTING else "")

    def _render_checklist(self, sc: Scenario, snap: Snapshot, me: room.Seat, kind: str) -> None:
        observing = kind == room.CHECKLIST and bool(sc.checklist)
        show(self.check_section, observing)
        if not observing:
            self.check_note.value = ""
            self.check_box.children = ()
            self.checks.clear()
            return
        if not self.checks:
            for item in sc.checklist:
                cb = W.Checkbox(value=False, description=item.text, indent=False, layout=WIDE)
                cb.observe(lambda ch, iid=item.id: self._ticked(iid, ch), names="value")
                self.checks[item.id] = cb
            self.check_box.children = tuple(self.checks.values())
        ticked = snap.ticked(me.id)
        self._syncing = True
        try:
            for iid, cb in self.checks.items():
                cb.value = iid in ticked
                cb.disabled = snap.room.phase in (room.LOBBY, room.CLOSED)
        finally:
            self._syncing = False
        self.check_note.value = ("<h3 class=\"mc-live-h\">Your checklist</h3><p>Tick each skill when you see the mentors "
                                 "use it. You can untick. The debrief shows how far observers agreed.</p>")

    # ---- acting -----------------------------------------------------------------------------------

    def vote(self, choice_id: str) -> None:
        store, seat = self.store, self.seat
        if store is None or seat is None:
            return

        async def run() -> None:
            await call(store.vote, seat.token, choice_id)
            if self.feed is not None:
                await self.feed.refresh(force=True)  # a vote does not move the counter participants follow
            self.bridge.say("Vote recorded: " + H.plain_choice(self.sc, choice_id) if self.sc else "Vote recorded.")

        spawn(self.bridge, run, busy=tuple(self.vote_box.children), done=self._restore)

    def _ticked(self, item_id: str, change: Mapping[str, Any]) -> None:
        store, seat = self.store, self.seat
        if self._syncing or store is None or seat is None:
            return
        value = bool(change["new"])

        async def run() -> None:
            await call(store.tick, seat.token, item_id, value)
            if self.feed is not None:
                await self.feed.refresh()

        spawn(self.bridge, run, done=self._restore)

    def _restore(self) -> None:
        """After an action: controls as the room's current state says (a refused tick is unticked)."""
        if self.snap is not None and self.sc is not None and self.seat is not None:
            me = self.snap.seat(self.seat.seat_id)
            if me is not None:
                kind = room.roles_of(self.sc).get(me.role, "")
                self._render_votes(self.sc, self.snap, me, kind)
                self._render_checklist(self.sc, self.snap, me, kind)


_SHOWN: list[ParticipantApp] = []


def participant_app(**kwargs: Any) -> None:
    """Build and display the participant's page (the one call in modules/live/participant.ipynb)."""
    from IPython.display import display

    app = ParticipantApp(**kwargs)
    _SHOWN.append(app)
    display(app.root)


__all__ = ["ParticipantApp", "participant_app"]
