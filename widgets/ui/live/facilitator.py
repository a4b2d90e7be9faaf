"""The facilitator's console: create a room from any scenario of the course, show its code, link and QR
code, see and assign participants, run the votes, reveal, advance, debrief, export, close and delete.

The facilitator's key is put into the page's address (``?key=...``) as soon as the room exists, so a
reload, a crash of the kernel or a restart of the server comes back to the same room; the same link,
kept privately, works from another computer. Views only bind values: the rules live in
:mod:`widgets.live.room`, the HTML in :mod:`widgets.ui.live.html`, the data in the store.
"""

from __future__ import annotations

import base64
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import ipywidgets as W

from widgets.content.models import Course, Scenario
from widgets.live import room
from widgets.live.debrief import build, export_tables, export_zip, to_csv
from widgets.live.room import Seat, Snapshot
from widgets.live.store import RoomStore, default_ttl, scenario_payload
from widgets.ui.live import html as H
from widgets.ui.live.bridge import PageBridge
from widgets.ui.live.common import WIDE, environment, html, open_store, section, show, spawn
from widgets.ui.live.feed import RoomFeed, call
from widgets.ui.live.links import HUB_BASE_ENV, KEY, facilitator_link, join_link, key_from, page_url, qr_svg, query

_BUTTONS = (
    (room.START, "Start the role-play"),
    (room.OPEN, "Open votes"),
    (room.CLOSE, "Close votes"),
    (room.REVEAL_ACTION, "Reveal results"),
    (room.ADVANCE, "Next step"),
    (room.FINISH, "Go to the debrief"),
)
#: Buttons carry words only: ipywidgets' Font Awesome icons are not hidden from screen readers, whose
#: users would hear a stray glyph before every label.


def course_scenarios(root: Path | None = None) -> tuple[Course | None, list[tuple[str, Path, Scenario]], int]:
    """(course, [(label, file, scenario)], number of scenario files with problems), capstone first."""
    from widgets.content.loader import check_paths, find_root

    root = root or find_root()
    content = check_paths(root=root) if root else check_paths()
    course = content.course
    titles = {m.id: m.title for m in course.modules} if course else {}
    # Modules are numbered and ordered as the course lists them (an id need not start with a number:
    # `safeguarding` comes second), capstone first because cohorts play it most.
    position = {m.id: n for n, m in enumerate(course.modules, 1)} if course else {}
    out = []
    for sc in sorted(content.scenarios, key=lambda s: (s.module != "10-capstone", position.get(s.module, len(position) + 1),
                                                        s.module, s.title)):
        path = Path(sc.file)
        if not path.is_absolute() and root is not None:
            path = root / path
        label = f"{position.get(sc.module, '–')} · {titles.get(sc.module, sc.module)} · {sc.title}"
        out.append((label, path, sc))
    broken = len({e.file for e in content.errors if "/scenarios/" in e.file})
    return course, out, broken


class SeatRow:
    """One participant in the facilitator's list: a role menu labelled with their name, their state,
    and a button to remove them. Names reach the page only as text (labels, not HTML)."""

    def __init__(self, app: FacilitatorApp, seat: Seat, roles: list[str]) -> None:
        self.app = app
        self.seat_id = seat.id
        self.role = W.Dropdown(options=roles, value=seat.role, description=seat.name,
                               style={"description_width": "12rem"}, layout=W.Layout(width="24rem"))
        self.role.observe(self._changed, names="value")
        self.state = W.Label("", layout=W.Layout(width="10rem"))
        self.remove = W.Button(description="Remove", tooltip=f"Remove {seat.name} from the room",
                               layout=W.Layout(width="8rem"))
        self.remove.on_click(lambda _: app.kick(self.seat_id))
        self.block = W.Button(description="Remove and block",
                              tooltip=f"Remove {seat.name} and stop their browser joining this room again",
                              layout=W.Layout(width="11rem"))
        # Blocking cannot be undone from the console, and the button sits beside "Remove": it asks first,
        # as "Delete room" does (a mis-click would lock a participant out of the room for good).
        self.block.on_click(lambda _: self._ask_block(True))
        self.block_yes = W.Button(description="Yes, block", button_style="danger",
                                  tooltip=f"Remove {seat.name} and block their browser from this room for good",
                                  layout=W.Layout(width="8rem"))
        self.block_yes.on_click(lambda _: self._block())
        self.block_no = W.Button(description="Cancel", tooltip=f"Keep {seat.name} in the room",
                                 layout=W.Layout(width="6rem"))
        self.block_no.on_click(lambda _: self._ask_block(False))
        show(self.block_yes, False)
        show(self.block_no, False)
        self.box = W.HBox([self.role, self.state, self.remove, self.block, self.block_yes, self.block_no],
                          layout=W.Layout(align_items="center"))
        self._syncing = False

    def _ask_block(self, ask: bool) -> None:
        show(self.block, not ask)
        show(self.block_yes, ask)
        show(self.block_no, ask)

    def _block(self) -> None:
        self._ask_block(False)
        self.app.kick(self.seat_id, block=True)

    def update(self, seat: Seat, state: str) -> None:
        self._syncing = True
        try:
            if self.role.value != seat.role:
                self.role.value = seat.role
            self.role.description = seat.name
            self.state.value = state
        finally:
            self._syncing = False

    def _changed(self, change: Mapping[str, Any]) -> None:
        if not self._syncing and change["new"]:
            self.app.set_role(self.seat_id, change["new"])


class FacilitatorApp:
    """The whole console; display ``app.root``."""

    def __init__(self, *, url: str | None = None, environ: Mapping[str, str] | None = None,
                 course_root: Path | None = None) -> None:
        self.env = environment(environ)
        self.bridge = PageBridge()
        self.store: RoomStore | None = None
        self.feed: RoomFeed | None = None
        self.key = ""
        self.room_id = ""
        self.code = ""
        self.sc: Scenario | None = None
        self.titles: dict[str, str] = {}
        self.snap: Snapshot | None = None
        self.rows: dict[str, SeatRow] = {}
        self._phase = ""
        self._href = page_url(self.env)
        self._busy = False

        # --- setup: create or resume ---
        self.course: Course | None = None
        self.choices: list[tuple[str, Path, Scenario]] = []
        self.pick = W.Dropdown(description="Scenario", layout=WIDE, style={"description_width": "6rem"})
        self.capacity = W.BoundedIntText(value=room.DEFAULT_CAPACITY, min=1, max=room.MAX_CAPACITY,
                                         description="Places", style={"description_width": "6rem"})
        self.hours = W.BoundedFloatText(value=round(default_ttl(self.env) / 3600, 2), min=0.1, max=720, step=1,
                                        description="Keep (hours)", style={"description_width": "6rem"})
        self.create_btn = W.Button(description="Create room", button_style="primary")
        self.create_btn.on_click(lambda _: self.create())
        self.resume_text = W.Text(placeholder="Paste your private facilitator link", description="Link",
                                  layout=WIDE, style={"description_width": "6rem"})
        self.resume_btn = W.Button(description="Resume room")
        self.resume_btn.on_click(lambda _: self.resume(key_from(self.resume_text.value)))
        self.setup_note = html()
        self.setup = section([
            html("<h2>Start a live role-play</h2><p>Choose a scenario. Participants join on their own devices with "
                 "the code or the QR code shown next. The room and everything recorded in it is deleted after the "
                 "time you keep it for.</p>"),
            self.pick, self.capacity, self.hours, self.create_btn, self.setup_note,
            html("<h2>Come back to a room</h2><p>Your private facilitator link brings back a room you created "
                 "(it is also in the address bar while the room is open).</p>"),
            self.resume_text, self.resume_btn,
        ])

        # --- the room ---
        self.banner = html()
        self.join = html()
        self.private = html()
        self.seats_head = html()
        self.seats_box = W.VBox()
        self.seats_gone = html()
        self.scene = html()
        self.votes = html()
        self.buttons: dict[str, W.Button] = {}
        for action, label in _BUTTONS:
            b = W.Button(description=label)
            b.on_click(lambda _, a=action: self.act(a))
            self.buttons[action] = b
        self.buttons[room.REVEAL_ACTION].button_style = "primary"
        self.tie = W.Dropdown(description="Room's choice", style={"description_width": "8rem"}, layout=WIDE)
        self.tie_note = html()
        self.reveal_html = html()
        self.debrief_html = html()
        self.export_btn = W.Button(description="Export results (CSV)")
        self.export_btn.on_click(lambda _: self.export())
        self.export_html = html()
        self.close_btn = W.Button(description="Close room")
        self.close_btn.on_click(lambda _: self.act(room.CLOSE_ROOM))
        self.delete_btn = W.Button(description="Delete room and its data", button_style="danger")
        self.delete_btn.on_click(lambda _: self._ask_delete())
        self.confirm_btn = W.Button(description="Yes, delete everything now", button_style="danger")
        self.confirm_btn.on_click(lambda _: self.delete())
        self.cancel_btn = W.Button(description="Keep the room")
        self.cancel_btn.on_click(lambda _: self._ask_delete(False))
        self.confirm_box = W.HBox([html("<p>Delete the room, its participants, votes and checklist for good?</p>"),
                                   self.confirm_btn, self.cancel_btn])
        show(self.confirm_box, False)
        self.controls = W.HBox([self.buttons[a] for a, _ in _BUTTONS], layout=W.Layout(flex_flow="row wrap"))
        self.room_panel = W.VBox([
            section([self.banner, self.join, self.private]),
            section([self.seats_head, self.seats_box, self.seats_gone]),
            section([self.scene, self.votes, self.tie_note, self.tie, self.controls, self.reveal_html]),
            section([self.debrief_html, self.export_btn, self.export_html]),
            section([W.HBox([self.close_btn, self.delete_btn]), self.confirm_box]),
        ])
        show(self.room_panel, False)
        self.root = W.VBox([self.bridge, self.setup, self.room_panel])
        self.root.add_class("mc-live")
        self.bridge.observe(self._href_changed, names="href")

        self.store, problem = open_store(self.env, url)
        if self.store is None:
            self.bridge.problem(problem)
            self.create_btn.disabled = self.resume_btn.disabled = True
            return
        self._load_course(course_root)
        spawn(self.bridge, self._housekeeping)
        key = query(self.env).get(KEY, "")
        if key:
            self.resume(key)

    async def _housekeeping(self) -> None:
        """Delete expired rooms with their data whenever a facilitator's page opens (and at each new room)."""
        if self.store is not None:
            await call(self.store.expire)

    # ---- setup ------------------------------------------------------------------------------------

    def _load_course(self, root: Path | None) -> None:
        try:
            self.course, self.choices, broken = course_scenarios(root)
        except Exception as exc:  # the course folder itself is missing or unreadable
            self.setup_note.value = H.notice(f"The course's scenarios could not be read: {exc}", "warn")
            self.create_btn.disabled = True
            return
        self.pick.options = [(label, k) for k, (label, _, _) in enumerate(self.choices)]
        self.pick.value = 0 if self.choices else None
        if not self.choices:
            self.create_btn.disabled = True
            self.setup_note.value = H.notice("No valid scenario was found in this course; run `mentor-course validate`.")
        elif broken:
            self.setup_note.value = H.notice(f"{broken} scenario file(s) have problems and are not listed; "
                                             "run `mentor-course validate` to see them.")

    def create(self) -> None:
        if self.store is None:
            return
        if self.pick.value is None:
            self.bridge.problem("Choose a scenario first.")
            return
        _, path, _ = self.choices[self.pick.value]
        capacity, hours = int(self.capacity.value), float(self.hours.value)

        async def run() -> None:
            payload = await call(scenario_payload, path, course=self.course)
            new = await call(self.store.create_room, payload, ttl=hours * 3600, capacity=capacity)
            await self._open(new.key)
            self.bridge.say(f"Room {H.format_code(new.code)} is open. Share the code or the QR code.")

        spawn(self.bridge, run, busy=(self.create_btn,), done=lambda: setattr(self.create_btn, "disabled", False))

    def resume(self, key: str) -> None:
        if self.store is None:
            return
        if not key:
            self.bridge.problem("Paste the whole private facilitator link (it contains key=...).")
            return

        async def run() -> None:
            await self._open(key)
            self.bridge.say("You are back in your room.")

        spawn(self.bridge, run, busy=(self.resume_btn,), done=lambda: setattr(self.resume_btn, "disabled", False))

    async def _open(self, key: str) -> None:
        assert self.store is not None
        rs = await call(self.store.room_for_key, key)
        self.sc = await call(self.store.scenario, rs.id)
        payload = await call(self.store.payload, rs.id)
        self.titles = dict(payload.get("competencies") or {})
        if self.feed is not None:
            self.feed.stop()
        self.key, self.room_id, self.code = key, rs.id, rs.code
        self.rows.clear()
        self.seats_box.children = ()
        self.export_html.value = ""
        self.bridge.query = f"{KEY}={key}"
        self._show_links()
        show(self.setup, False)
        show(self.room_panel, True)
        self.feed = RoomFeed(self.store, rs.id, self.render, self._feed_error, self._gone)
        self.feed.start()

    def _href_changed(self, change: Mapping[str, Any]) -> None:
        if change["new"]:
            self._href = change["new"]
            if self.code:
                self._show_links()

    def _show_links(self) -> None:
        href = self._href or "http://127.0.0.1/voila/render/live/facilitator.ipynb"
        link = join_link(href, self.code, self.env.get(HUB_BASE_ENV, ""))
        self.join.value = H.join_box(self.code, link, qr_svg(link))
        self.private.value = H.private_link(facilitator_link(href, self.key))

    # ---- the feed ---------------------------------------------------------------------------------

    def _feed_error(self, message: str) -> None:
        if message:
            self.bridge.problem(message)
        else:
            self.bridge.say("Connection to the room database restored.")

    def _gone(self, message: str) -> None:
        self._leave_room()
        self.bridge.problem(message)

    def _leave_room(self) -> None:
        if self.feed is not None:
            self.feed.stop()
            self.feed = None
        self.key = self.room_id = self.code = ""
        self.snap = None
        self._phase = ""
        self.bridge.query = ""
        show(self.room_panel, False)
        show(self.setup, True)

    def render(self, snap: Snapshot) -> None:
        """Show ``snap`` (called on the event loop by the feed)."""
        sc = self.sc
        if sc is None or snap.room.id != self.room_id:
            return
        self.snap = snap
        rs = snap.room
        kinds = room.roles_of(sc)
        self.banner.value = H.phase_banner(rs, sc)
        self._render_seats(snap, kinds)
        self.scene.value = H.scene(sc, rs)
        counted = room.tally(sc, rs, snap.seats, snap.votes)
        if rs.phase == room.NODE:
            self.votes.value = H.options_list(room.offered(sc, rs)) + H.notice("Open the votes when the lines have been read.")
        elif rs.phase in (room.VOTING, room.VOTES_CLOSED):
            self.votes.value = H.live_tally(sc, counted) + H.voters_line(snap, sc, kinds)
        else:
            self.votes.value = ""
        self._render_tie(sc, rs, counted)
        self.reveal_html.value = H.reveal(sc, snap) if rs.phase == room.REVEAL else ""
        if rs.phase in (room.DEBRIEF, room.CLOSED):
            self.debrief_html.value = H.debrief_section(build(sc, snap, self.titles))
        else:
            self.debrief_html.value = ('<p class="mc-live-muted">The debrief appears here at the end. You can export '
                                       "what has been recorded so far at any time.</p>")
        self._enable()
        if rs.phase != self._phase:
            if self._phase:
                self.bridge.say(room.PHASE_LABELS.get(rs.phase, rs.phase))
            self._phase = rs.phase

    def _render_seats(self, snap: Snapshot, kinds: Mapping[str, str]) -> None:
        roles = list(kinds)
        active = snap.active_seats
        for sid in [s for s in self.rows if not any(a.id == s for a in active)]:
            self.rows.pop(sid)
        for seat in active:
            if seat.id not in self.rows:
                self.rows[seat.id] = SeatRow(self, seat, roles)
            self.rows[seat.id].update(seat, self._seat_state(snap, seat, kinds))
        wanted = tuple(self.rows[s.id].box for s in active)
        if self.seats_box.children != wanted:
            self.seats_box.children = wanted
        counts = {r: sum(1 for s in active if s.role == r) for r in roles}
        summary = ", ".join(f"{n} {r}{'' if n == 1 else 's'}" for r, n in counts.items())
        self.seats_head.value = H.seats_head(len(active), snap.room.capacity, summary)
        self.seats_gone.value = H.seats_gone([s.name for s in snap.seats if s.status == room.LEFT],
                                             [s.name for s in snap.seats if s.status == room.KICKED])

    @staticmethod
    def _seat_state(snap: Snapshot, seat: Seat, kinds: Mapping[str, str]) -> str:
        kind = kinds.get(seat.role, "")
        if kind == room.DECIDE and snap.room.phase in (room.VOTING, room.VOTES_CLOSED):
            return "✓ voted" if snap.vote_of(seat.id) else "… not voted yet"
        if kind == room.CHECKLIST:
            n = len(snap.ticked(seat.id))
            return f"{n} item{'' if n == 1 else 's'} ticked"
        return ""

    def _render_tie(self, sc: Scenario, rs: room.RoomState, counted: room.Tally) -> None:
        needed = rs.phase in (room.VOTING, room.VOTES_CLOSED) and len(counted.leaders) != 1
        if needed:
            pool = counted.leaders or tuple(c.id for c in room.offered(sc, rs))
            options = [(H.plain_choice(sc, cid), cid) for cid in pool]
            if list(self.tie.options) != options:
                self.tie.options = options
            self.tie_note.value = H.notice("The vote is tied: choose the option the room goes with, then reveal."
                                           if counted.leaders else
                                           "No mentor has voted: choose the option the room goes with, or wait.")
        show(self.tie, needed)
        show(self.tie_note, needed)

    def _enable(self) -> None:
        allowed = room.allowed_actions(self.snap.room) if self.snap else ()
        for action, b in self.buttons.items():
            b.disabled = self._busy or action not in allowed
        closed = bool(self.snap and self.snap.room.phase == room.CLOSED)
        self.close_btn.disabled = self._busy or closed

    # ---- actions ----------------------------------------------------------------------------------

    def _run(self, action: Any, news: str = "") -> None:
        """Run a store call for this room, then refresh at once (the feed would, a moment later)."""
        self._busy = True
        self._enable()

        async def run() -> None:
            await action()
            if self.feed is not None:
                await self.feed.refresh()
            if news:
                self.bridge.say(news)

        def done() -> None:
            self._busy = False
            self._enable()

        spawn(self.bridge, run, done=done)

    def act(self, action: str) -> None:
        store, key = self.store, self.key
        if store is None or not key:
            return
        if action == room.REVEAL_ACTION:
            choice = self.tie.value if self.tie.layout.display != "none" else None
            self._run(lambda: call(store.reveal, key, choice))
        else:
            method = {room.START: store.start, room.OPEN: store.open_votes, room.CLOSE: store.close_votes,
                      room.ADVANCE: store.advance, room.FINISH: store.finish, room.CLOSE_ROOM: store.close_room}[action]
            self._run(lambda: call(method, key))

    def set_role(self, seat_id: str, role_name: str) -> None:
        store, key = self.store, self.key
        if store is not None and key:
            seat = self.snap.seat(seat_id) if self.snap else None
            who = seat.name if seat else "The participant"
            self._run(lambda: call(store.set_role, key, seat_id, role_name), f"{who} is now the {role_name}.")

    def kick(self, seat_id: str, *, block: bool = False) -> None:
        store, key = self.store, self.key
        if store is not None and key:
            seat = self.snap.seat(seat_id) if self.snap else None
            who = seat.name if seat else "The participant"
            done = (f"{who} was removed; their browser cannot join this room again." if block
                    else f"{who} was removed from the room.")
            self._run(lambda: call(store.kick, key, seat_id, block=block), done)

    def export(self) -> None:
        store, key, sc = self.store, self.key, self.sc
        if store is None or not key or sc is None:
            return

        async def run() -> None:
            snap = await call(store.snapshot, self.room_id)
            votes = await call(store.all_votes, key)
            tables = export_tables(sc, snap, votes, self.titles)
            stem = f"room-{snap.room.code}-{sc.id}"
            files = [("All tables (zip)", f"{stem}.zip", "application/zip",
                      base64.b64encode(export_zip(tables, stem)).decode("ascii"))]
            for name, rows in tables.items():
                data = ("\ufeff" + to_csv(rows)).encode("utf-8")
                files.append((name, f"{stem}-{name}", "text/csv", base64.b64encode(data).decode("ascii")))
            self.export_html.value = H.export_links(files)
            self.bridge.say("The export is ready to download.")

        spawn(self.bridge, run, busy=(self.export_btn,))

    def _ask_delete(self, ask: bool = True) -> None:
        show(self.confirm_box, ask)
        if ask:
            self.bridge.say("Confirm to delete the room and everything recorded in it.")

    def delete(self) -> None:
        store, key = self.store, self.key
        if store is None or not key:
            return

        async def run() -> None:
            await call(store.delete_room, key)
            show(self.confirm_box, False)
            self._leave_room()
            self.bridge.say("The room and its data were deleted.")

        spawn(self.bridge, run, busy=(self.confirm_btn,))


#: Apps shown in this kernel, kept so their feed tasks and callbacks live as long as the kernel.
_SHOWN: list[FacilitatorApp] = []


def facilitator_app(**kwargs: Any) -> None:
    """Build and display the facilitator's console (the one call in modules/live/facilitator.ipynb)."""
    from IPython.display import display

    app = FacilitatorApp(**kwargs)
    _SHOWN.append(app)
    display(app.root)


__all__ = ["FacilitatorApp", "SeatRow", "course_scenarios", "facilitator_app"]
