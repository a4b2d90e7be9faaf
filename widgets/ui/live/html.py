"""HTML fragments of the live apps, built from snapshots: pure functions (no widgets, no kernel).

The markup is in ``widgets/templates/live/fragments.html`` (one macro per fragment), rendered with
autoescape (:mod:`widgets.templating`): every name, code and URL given to a macro is escaped there, and
scenario text goes through the ``|inline`` / ``|block`` filters (:mod:`widgets.markdown`: escaped first,
then light Markdown). ipywidgets' ``HTML`` widget sets ``innerHTML`` unsanitised, so these macros are
the one place where the live apps' markup is made, and tests check them with hostile names. This module
only picks what to show. Quality and vote counts are always given in words and numbers; colours only
accompany them.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from markupsafe import Markup

from widgets import engine
from widgets.content.models import NARRATOR, Choice, Scenario
from widgets.live import room
from widgets.live.codes import format_code
from widgets.live.debrief import QUALITY_WORDS, Debrief
from widgets.live.room import RoomState, Snapshot, Tally
from widgets.markdown import plain
from widgets.templating import macros

QUALITY_ICON = {"best": "✓", "mixed": "◐", "harmful": "✗"}


@functools.cache
def _macros() -> Any:
    return macros("live/fragments.html", quality_icon=QUALITY_ICON, quality_words=QUALITY_WORDS, narrator=NARRATOR)


def _render(macro: str, *args: Any, **kwargs: Any) -> str:
    return str(getattr(_macros(), macro)(*args, **kwargs))


def quality_label(quality: str) -> str:
    return _render("quality_label", quality)


def phase_banner(rs: RoomState, sc: Scenario) -> str:
    """The title, the phase and where in the scenario the room is."""
    label = room.PHASE_LABELS.get(rs.phase, rs.phase)
    step = ""
    if rs.phase in room.IN_PLAY:
        n = rs.vote_round if rs.phase != room.REVEAL else rs.vote_round - 1
        step = f" · step {n + 1}"
    return _render("phase_banner", sc.title, rs.phase, label, step)


def _split_steps(sc: Scenario, history: Sequence[str]) -> tuple[list[engine.Entry], list[engine.Entry]]:
    """The conversation so far (up to and including the mentor's last words) and the current step's lines."""
    entries = engine.transcript(sc, engine.replay(sc, history))
    last = max((i for i, e in enumerate(entries) if e.kind == "mentor"), default=-1)
    return entries[: last + 1], entries[last + 1:]


def scene(sc: Scenario, rs: RoomState, *, reader: bool = False) -> str:
    """The step on screen (lines to read, narration) and, folded, the conversation so far.

    At the reveal the step just decided stays on screen; its reply shows once the room moves on.
    """
    if rs.phase in (room.LOBBY,):
        return _render("lobby", sc.summary)
    history = rs.history[:-1] if rs.phase == room.REVEAL else rs.history
    before, now = _split_steps(sc, history)
    return _render("scene", now, before, reader)


def plain_choice(sc: Scenario, choice_id: str) -> str:
    """A choice's words as plain text (for menus and buttons, which show text, never markup)."""
    c = sc.choice(choice_id)
    return plain(c.text) if c else choice_id


def options_list(choices: Iterable[Choice]) -> str:
    """The options at a step, numbered (for the facilitator and the mentee, who do not vote)."""
    return _render("options_list", list(choices))


def _bar_rows(sc: Scenario, counts: Sequence[tuple[str, int]], decided: str | None) -> tuple[list[tuple], int]:
    """Each option still in the scenario as ``(number, choice, votes, share in %, chosen)``, and the votes cast."""
    total = sum(n for _, n in counts)
    rows = []
    for k, (cid, n) in enumerate(counts, 1):
        c = sc.choice(cid)
        if c is not None:
            rows.append((k, c, n, round(100 * n / total) if total else 0, cid == decided))
    return rows, total


def bars(sc: Scenario, counts: Sequence[tuple[str, int]], *, decided: str | None = None, feedback: bool = False,
         caption: str = "Votes") -> str:
    """The split of votes as a bar chart made of text: each option with its count and share in words,
    a bar beside it (hidden from screen readers: the numbers say it all), the room's choice named."""
    rows, total = _bar_rows(sc, counts, decided)
    return _render("bars", rows, total, caption, feedback)


def live_tally(sc: Scenario, counted: Tally) -> str:
    """The facilitator's view of an open vote: who has voted so far and the split."""
    rows, total = _bar_rows(sc, counted.counts, None)
    return _render("live_tally", counted.voters, counted.eligible, counted.tied, rows, total)


def reveal(sc: Scenario, snap: Snapshot) -> str:
    """The results of the step just decided: the split, the room's choice and its feedback."""
    if not snap.decisions:
        return ""
    d = snap.decisions[-1]
    by = "chosen by the facilitator to break a tie" if d.decided_by == "facilitator" else "chosen by vote"
    # Only the options that were on offer at that step (a mentor-scenario/2 choice may be hidden by its `if:`).
    offered = {cid for cid, _ in d.tally}
    others = [o for o in sc.nodes[d.node_id].choices if o.id != d.choice_id and (not offered or o.id in offered)]
    rows, total = _bar_rows(sc, d.tally, d.choice_id)
    return _render("reveal", sc.choice(d.choice_id), by, rows, total, others)


def debrief(deb: Debrief, *, notes: bool = True) -> str:
    """The debrief: ending, path against the strongest path, totals, checklist agreement, prompts, and
    (for the facilitator only) the scenario's notes."""
    return _render("debrief", deb, notes)


def join_box(code: str, link: str, qr_svg: str) -> str:
    """The join code in large type, the link, and the QR code of the link (an image with a text name).

    ``qr_svg`` is markup made by segno from the link (:func:`widgets.ui.live.links.qr_svg`), never user text.
    """
    return _render("join_box", code, format_code(code), link, Markup(qr_svg))


def private_link(link: str) -> str:
    return _render("private_link", link)


def seat_line(name: str, role_name: str, kind: str, status: str = "") -> str:
    """'You are Mei, the mentor: you choose what the mentor says.'"""
    return _render("seat_line", name, role_name, room.ROLE_HELP.get(kind, ""), status)


def download_link(label: str, filename: str, mime: str, b64: str) -> str:
    return _render("download_link", label, filename, mime, b64)


def export_links(files: Sequence[tuple[str, str, str, str]]) -> str:
    """'Download: ...' with one link per (label, file name, MIME type, base64 data)."""
    return _render("export_links", list(files))


def seats_head(count: int, capacity: int, summary: str) -> str:
    """The participants' heading: how many of the room's places are taken, and by which roles."""
    return _render("seats_head", count, capacity, summary)


def seats_gone(left: Sequence[str], kicked: Sequence[str]) -> str:
    """Who left and who was removed (names as they typed them, escaped by the template)."""
    return _render("seats_gone", list(left), list(kicked))


def debrief_section(deb: Debrief, *, notes: bool = True) -> str:
    """The debrief under its heading, for the facilitator's console."""
    return _render("debrief_section", deb, notes)


def sentence(text: str) -> str:
    """``text`` ending with a full stop, unless it already ends with punctuation."""
    text = text.rstrip()
    return text if text[-1:] in ".?!…\"'”’" else text + "."


def notice(text: str, kind: str = "info") -> str:
    return _render("notice", text, kind)


def voters_line(snap: Snapshot, sc: Scenario, kinds: Mapping[str, str]) -> str:
    """Who has voted this round (names only, not what they chose)."""
    done = [s.name for s in snap.active_seats if kinds.get(s.role) == room.DECIDE and snap.vote_of(s.id)]
    waiting = [s.name for s in snap.active_seats if kinds.get(s.role) == room.DECIDE and not snap.vote_of(s.id)]
    return _render("voters_line", done, waiting)


__all__ = [
    "bars",
    "debrief",
    "debrief_section",
    "download_link",
    "export_links",
    "join_box",
    "live_tally",
    "notice",
    "options_list",
    "phase_banner",
    "plain_choice",
    "private_link",
    "quality_label",
    "reveal",
    "scene",
    "seat_line",
    "seats_gone",
    "seats_head",
    "sentence",
    "voters_line",
]
