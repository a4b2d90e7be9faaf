"""HTML fragments of the live apps, built from snapshots: pure functions (no widgets, no kernel).

Every string that came from a scenario file or a participant passes through ``html.escape`` (names)
or :func:`widgets.ui.text.inline` (scenario text: escaped first, then light Markdown) before it is
put into markup. ipywidgets' ``HTML`` widget sets ``innerHTML`` unsanitised, so this module is the one
place where markup is made, and tests check it with hostile names. Quality and vote counts are always
given in words and numbers; colours only accompany them.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Mapping, Sequence

from widgets import engine
from widgets.content.models import NARRATOR, Choice, Scenario
from widgets.live import room
from widgets.live.codes import format_code
from widgets.live.debrief import QUALITY_WORDS, Debrief
from widgets.live.room import RoomState, Snapshot, Tally
from widgets.ui.text import block, inline, plain

QUALITY_ICON = {"best": "✓", "mixed": "◐", "harmful": "✗"}


def esc(text: object) -> str:
    """Plain text (a display name, a code, a URL) made safe for HTML content and attributes."""
    return html.escape(str(text), quote=True)


def quality_label(quality: str) -> str:
    word = QUALITY_WORDS.get(quality, quality)
    return f'<span class="mc-live-quality mc-live-q-{esc(quality)}">{QUALITY_ICON.get(quality, "•")} {esc(word)}</span>'


def phase_banner(rs: RoomState, sc: Scenario) -> str:
    """The title, the phase and where in the scenario the room is."""
    label = room.PHASE_LABELS.get(rs.phase, rs.phase)
    step = ""
    if rs.phase in room.IN_PLAY:
        n = rs.vote_round if rs.phase != room.REVEAL else rs.vote_round - 1
        step = f" · step {n + 1}"
    return (f'<div class="mc-live-banner"><h2 class="mc-live-title">{inline(sc.title)}</h2>'
            f'<p class="mc-live-phase" data-phase="{esc(rs.phase)}">{esc(label)}{esc(step)}</p></div>')


def _split_steps(sc: Scenario, history: Sequence[str]) -> tuple[list[engine.Entry], list[engine.Entry]]:
    """The conversation so far (up to and including the mentor's last words) and the current step's lines."""
    entries = engine.transcript(sc, engine.replay(sc, history))
    last = max((i for i, e in enumerate(entries) if e.kind == "mentor"), default=-1)
    return entries[: last + 1], entries[last + 1:]


def _entry(e: engine.Entry, reader: str | None = None) -> str:
    if e.kind == "mentor":
        return f'<p class="mc-live-line mc-live-mentor"><span class="mc-live-who">Mentor:</span> {inline(e.text)}</p>'
    if e.speaker == NARRATOR or not e.name:
        return f'<p class="mc-live-line mc-live-narration"><em>{inline(e.text)}</em></p>'
    aloud = ' <span class="mc-live-aloud">(read aloud)</span>' if reader and e.speaker != NARRATOR else ""
    return (f'<p class="mc-live-line mc-live-said"><span class="mc-live-who">{esc(e.name)}:</span>{aloud} '
            f'{inline(e.text)}</p>')


def scene(sc: Scenario, rs: RoomState, *, reader: bool = False) -> str:
    """The step on screen (lines to read, narration) and, folded, the conversation so far.

    At the reveal the step just decided stays on screen; its reply shows once the room moves on.
    """
    if rs.phase in (room.LOBBY,):
        return (f'<div class="mc-live-scene"><p>{inline(sc.summary)}</p>'
                '<p class="mc-live-muted">The role-play starts when the facilitator is ready.</p></div>')
    history = rs.history[:-1] if rs.phase == room.REVEAL else rs.history
    before, now = _split_steps(sc, history)
    heading = "Read these lines aloud" if reader else "Now"
    parts = ['<div class="mc-live-scene">']
    if now:
        parts.append(f'<h3 class="mc-live-h">{heading}</h3>')
        parts += [_entry(e, "reader" if reader else None) for e in now]
    if before:
        parts.append(f'<details class="mc-live-sofar"><summary>The conversation so far ({len(before)} lines)</summary>')
        parts += [_entry(e) for e in before]
        parts.append("</details>")
    parts.append("</div>")
    return "".join(parts)


def plain_choice(sc: Scenario, choice_id: str) -> str:
    """A choice's words as plain text (for menus and buttons, which show text, never markup)."""
    c = sc.choice(choice_id)
    return plain(c.text) if c else choice_id


def options_list(choices: Iterable[Choice]) -> str:
    """The options at a step, numbered (for the facilitator and the mentee, who do not vote)."""
    items = "".join(f"<li>{inline(c.text)}</li>" for c in choices)
    return f'<ol class="mc-live-options">{items}</ol>' if items else ""


def bars(sc: Scenario, counts: Sequence[tuple[str, int]], *, decided: str | None = None, feedback: bool = False,
         caption: str = "Votes") -> str:
    """The split of votes as a bar chart made of text: each option with its count and share in words,
    a bar beside it (hidden from screen readers: the numbers say it all), the room's choice named."""
    total = sum(n for _, n in counts)
    rows = []
    for k, (cid, n) in enumerate(counts, 1):
        c = sc.choice(cid)
        if c is None:
            continue
        share = round(100 * n / total) if total else 0
        chosen = cid == decided
        mark = ' <strong class="mc-live-chosen">Room\'s choice</strong>' if chosen else ""
        q = f" {quality_label(c.quality)}" if feedback else ""
        fb = f'<div class="mc-live-feedback">{inline(c.feedback)}</div>' if feedback and chosen else ""
        votes = f"{n} vote{'' if n == 1 else 's'}" + (f" ({share}%)" if total else "")
        rows.append(
            f'<li class="mc-live-bar-row{" mc-live-is-chosen" if chosen else ""}">'
            f'<div class="mc-live-bar-label">{k}. {inline(c.text)}{mark}{q}</div>'
            f'<div class="mc-live-bar-track" aria-hidden="true"><div class="mc-live-bar" style="width:{share}%"></div></div>'
            f'<div class="mc-live-bar-count">{votes}</div>{fb}</li>')
    return (f'<figure class="mc-live-chart"><figcaption>{esc(caption)}: {total} cast</figcaption>'
            f'<ol class="mc-live-bars">{"".join(rows)}</ol></figure>')


def live_tally(sc: Scenario, counted: Tally) -> str:
    """The facilitator's view of an open vote: who has voted so far and the split."""
    who = f"{counted.voters} of {counted.eligible} mentor{'' if counted.eligible == 1 else 's'} voted"
    tie = ""
    if counted.tied:
        tie = '<p class="mc-live-warn">Tied: you will choose between the tied options when you reveal.</p>'
    return f'<p class="mc-live-count" data-voters="{counted.voters}">{esc(who)}</p>{tie}{bars(sc, counted.counts)}'


def reveal(sc: Scenario, snap: Snapshot) -> str:
    """The results of the step just decided: the split, the room's choice and its feedback."""
    if not snap.decisions:
        return ""
    d = snap.decisions[-1]
    by = "chosen by the facilitator to break a tie" if d.decided_by == "facilitator" else "chosen by vote"
    c = sc.choice(d.choice_id)
    # Only the options that were on offer at that step (a mentor-scenario/2 choice may be hidden by its `if:`).
    offered = {cid for cid, _ in d.tally}
    others = "".join(
        f'<li>{inline(o.text)} {quality_label(o.quality)}<div class="mc-live-feedback">{inline(o.feedback)}</div></li>'
        for o in sc.nodes[d.node_id].choices if o.id != d.choice_id and (not offered or o.id in offered))
    other_block = (f'<details class="mc-live-others"><summary>Feedback on the other options</summary><ul>{others}</ul>'
                   "</details>") if others else ""
    said = f'<p class="mc-live-decided">The mentor says: “{inline(c.text)}” ({esc(by)})</p>' if c else ""
    return f'<div class="mc-live-reveal">{said}{bars(sc, d.tally, decided=d.choice_id, feedback=True)}{other_block}</div>'


def _pct(value: float | None) -> str:
    return "no observers" if value is None else f"{round(100 * value)}%"


def _table(label: str, headers: Sequence[str], rows: Iterable[str]) -> str:
    """A table (scrolling sideways on a narrow screen) with column headers and ready-made rows. The
    scrolling box is a named, focusable region: a keyboard user must be able to scroll it too (axe's
    scrollable-region-focusable), and a screen reader says which table it holds."""
    head = "".join(f'<th scope="col">{esc(h)}</th>' for h in headers)
    return (f'<div class="mc-live-scroll" role="region" tabindex="0" aria-label="{esc(label)}">'
            f'<table class="mc-live-table"><thead><tr>{head}</tr></thead>'
            f"<tbody>{''.join(rows)}</tbody></table></div>")


def debrief(deb: Debrief, *, notes: bool = True) -> str:
    """The debrief: ending, path against the strongest path, totals, checklist agreement, prompts, and
    (for the facilitator only) the scenario's notes."""
    parts = ['<div class="mc-live-debrief">']
    if deb.ending is not None:
        parts.append(f'<h3 class="mc-live-h">Ending: {inline(deb.ending.title)}</h3>{block(deb.ending.text)}')
    elif not deb.ended:
        parts.append('<p class="mc-live-muted">The room stopped before an ending.</p>')
    if deb.state:
        parts.append('<h3 class="mc-live-h">What the room\'s path set</h3>')
        parts.append(_table("What the room's path set", ("On this path", "Value"), (
            f'<tr><th scope="row">{esc(r.description or r.name.replace("_", " "))}</th><td>{esc(r.text)}</td></tr>'
            for r in deb.state)))
    parts.append(f'<h3 class="mc-live-h">The room\'s path ({deb.matched} of {len(deb.steps)} steps took the strongest '
                 "option)</h3>")
    if deb.steps:
        parts.append(_table("The room's path", ("Step", "The room chose", "Strongest option there", "Votes"), (
            f"<tr><td>{s.round + 1}</td><td>{inline(s.text)} {quality_label(s.quality)}</td>"
            f"<td>{'same' if s.matched else inline(s.best_text)}</td>"
            f"<td>{s.votes} of {s.voters}{' (tie broken)' if s.decided_by == 'facilitator' else ''}</td></tr>"
            for s in deb.steps)))
    else:
        parts.append('<p class="mc-live-muted">No decisions were made.</p>')
    strongest = "".join(f"<li>{inline(t)} {quality_label(q)}</li>" for _, t, q in deb.strongest)
    parts.append(f'<details class="mc-live-strongest"><summary>The strongest path ({len(deb.strongest)} steps)</summary>'
                 f"<ol>{strongest}</ol></details>")
    parts.append('<h3 class="mc-live-h">Points per competency</h3>')
    parts.append(_table("Points per competency", ("Competency", "This room", "Strongest path"), (
        f'<tr><th scope="row">{esc(r.title)}</th><td>{_signed(r.room)}</td><td>{_signed(r.strongest)}</td></tr>'
        for r in deb.competencies)))
    if deb.checklist:
        who = ", ".join(esc(n) for n in deb.observers) or "none"
        parts.append(f'<h3 class="mc-live-h">Observers\' checklist (agreement {_pct(deb.agreement)})</h3>'
                     f'<p class="mc-live-muted">Observers: {who}. Agreement is the share of observers on the majority '
                     "side for each item.</p>")
        parts.append(_table("Observers' checklist", ("Skill", "Seen by", "Agreement"), (
            f"<tr><td>{inline(r.text)}{_competency_note(r.competency)}</td>"
            f"<td>{len(r.ticked_by)} of {r.observers}</td><td>{_pct(r.agreement)}</td></tr>"
            for r in deb.checklist)))
    if deb.prompts:
        items = "".join(f"<li>{inline(p)}</li>" for p in deb.prompts)
        parts.append(f'<h3 class="mc-live-h">To talk about</h3><ol class="mc-live-prompts">{items}</ol>')
    if notes and deb.notes:
        parts.append(f'<details class="mc-live-notes"><summary>Notes for the facilitator</summary>{block(deb.notes)}</details>')
    parts.append("</div>")
    return "".join(parts)


def _competency_note(title: str) -> str:
    return f' <span class="mc-live-muted">({esc(title)})</span>' if title else ""


def _signed(points: int) -> str:
    return f"+{points}" if points > 0 else (f"−{-points}" if points < 0 else "0")


def join_box(code: str, link: str, qr_svg: str) -> str:
    """The join code in large type, the link, and the QR code of the link (an image with a text name)."""
    return (f'<div class="mc-live-join"><div><p class="mc-live-muted">Join code</p>'
            f'<p class="mc-live-code" data-code="{esc(code)}">{esc(format_code(code))}</p>'
            f'<p class="mc-live-muted">or open</p><p class="mc-live-link"><a href="{esc(link)}" target="_blank" '
            f'rel="noopener noreferrer">{esc(link)}</a></p></div>'
            f'<div class="mc-live-qr" role="img" aria-label="QR code of the join link">{qr_svg}</div></div>')


def private_link(link: str) -> str:
    return ('<details class="mc-live-private"><summary>Your private facilitator link</summary>'
            '<p>Bookmark it to come back to this room after closing the page. Anyone with this link controls the '
            f'room: do not share or project it.</p><p class="mc-live-link"><code>{esc(link)}</code></p></details>')


def seat_line(name: str, role_name: str, kind: str, status: str = "") -> str:
    """'You are Mei, the mentor: you choose what the mentor says.'"""
    extra = f" {esc(status)}" if status else ""
    return (f'<p class="mc-live-you">You are <strong>{esc(name)}</strong>, the <strong>{esc(role_name)}</strong>: '
            f"{esc(room.ROLE_HELP.get(kind, ''))}.{extra}</p>")


def download_link(label: str, filename: str, mime: str, b64: str) -> str:
    return (f'<a class="mc-live-download" download="{esc(filename)}" href="data:{esc(mime)};base64,{b64}">'
            f"{esc(label)}</a>")


def sentence(text: str) -> str:
    """``text`` ending with a full stop, unless it already ends with punctuation."""
    text = text.rstrip()
    return text if text[-1:] in ".?!…\"'”’" else text + "."


def notice(text: str, kind: str = "info") -> str:
    return f'<p class="mc-live-notice mc-live-{esc(kind)}">{esc(text)}</p>'


def voters_line(snap: Snapshot, sc: Scenario, kinds: Mapping[str, str]) -> str:
    """Who has voted this round (names only, not what they chose)."""
    done = [s.name for s in snap.active_seats if kinds.get(s.role) == room.DECIDE and snap.vote_of(s.id)]
    waiting = [s.name for s in snap.active_seats if kinds.get(s.role) == room.DECIDE and not snap.vote_of(s.id)]
    return (f'<p class="mc-live-muted">Voted: {", ".join(esc(n) for n in done) or "nobody yet"}. '
            f'Waiting for: {", ".join(esc(n) for n in waiting) or "nobody"}.</p>')


__all__ = [
    "bars",
    "debrief",
    "download_link",
    "esc",
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
    "sentence",
    "voters_line",
]
