"""What a room's debrief shows and what its export contains, computed from a snapshot: pure, no I/O.

The debrief sets the path the room took beside the strongest path (the first ``best`` option at every
point, as the validator defines it), the points per competency on each, how far the observers agreed
on each checklist item, and the scenario's debrief prompts. The export is a set of CSV tables with
every seat, vote, decision and tick, for the facilitator's records; spreadsheet formulas in names are
neutralised (a name like ``=HYPERLINK(...)`` is written with a leading apostrophe).
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timezone

from widgets import engine
from widgets.content.models import Choice, Ending, Scenario
from widgets.live.room import CHECKLIST, KICKED, Snapshot, Vote, role_kind

QUALITY_WORDS: Mapping[str, str] = {"best": "strong", "mixed": "mixed", "harmful": "harmful"}


@dataclass(frozen=True)
class PathStep:
    """One decision the room made, beside the strongest option at that same point."""

    round: int
    node_id: str
    choice_id: str
    text: str
    quality: str
    decided_by: str
    votes: int
    voters: int
    best_id: str
    best_text: str

    @property
    def matched(self) -> bool:
        return self.choice_id == self.best_id


@dataclass(frozen=True)
class CompetencyRow:
    id: str
    title: str
    room: int
    strongest: int


@dataclass(frozen=True)
class ChecklistRow:
    id: str
    text: str
    competency: str
    ticked_by: tuple[str, ...]
    observers: int

    @property
    def agreement(self) -> float | None:
        """Share of observers on the majority side (ticked or not); None without observers."""
        if not self.observers:
            return None
        k = len(self.ticked_by)
        return max(k, self.observers - k) / self.observers


@dataclass(frozen=True)
class StateRow:
    """One declared flag or counter of a ``mentor-scenario/2`` scenario, as the room's path left it."""

    name: str
    description: str
    value: bool | int

    @property
    def text(self) -> str:
        if isinstance(self.value, bool):
            return "yes" if self.value else "no"
        return str(self.value)


@dataclass(frozen=True)
class Debrief:
    title: str
    ended: bool
    ending: Ending | None
    steps: tuple[PathStep, ...]
    strongest: tuple[tuple[str, str, str], ...]  # (choice id, text, quality)
    competencies: tuple[CompetencyRow, ...]
    checklist: tuple[ChecklistRow, ...]
    observers: tuple[str, ...]
    prompts: tuple[str, ...]
    notes: str
    #: The room's path state: declared flags and counters, then harmful choices not repaired.
    state: tuple[StateRow, ...] = ()

    @property
    def agreement(self) -> float | None:
        """Mean agreement over the checklist items (None without observers or items)."""
        values = [r.agreement for r in self.checklist if r.agreement is not None]
        return sum(values) / len(values) if values else None

    @property
    def matched(self) -> int:
        return sum(1 for s in self.steps if s.matched)


def competency_title(comp: str, titles: Mapping[str, str]) -> str:
    return titles.get(comp) or comp.replace("-", " ").capitalize()


def best_option(sc: Scenario, node_id: str, offered: tuple[Choice, ...] | None = None) -> tuple[str, str]:
    """The option the strongest path would take at ``node_id`` (first ``best``, else highest total),
    among the ``offered`` choices when given (a choice whose ``if:`` was false was not an option)."""
    choices = offered if offered is not None else sc.nodes[node_id].choices
    if not choices:
        return "", ""
    pick = next((c for c in choices if c.quality == "best"), max(choices, key=lambda c: c.total))
    return pick.id, pick.text


def observers_of(sc: Scenario, snap: Snapshot) -> list[tuple[str, str]]:
    """(seat id, name) of everyone whose role ticks the checklist and who was not removed."""
    out = []
    for s in snap.seats:
        if s.status == KICKED:
            continue
        try:
            kind = role_kind(sc, s.role)
        except ValueError:
            continue
        if kind == CHECKLIST and (s.active or snap.ticked(s.id)):
            out.append((s.id, s.name))
    return out


def build(sc: Scenario, snap: Snapshot, titles: Mapping[str, str] | None = None) -> Debrief:
    """The debrief of the room in ``snap``."""
    titles = titles or {}
    history = snap.room.history
    st = engine.replay(sc, history)
    steps = []
    for d in snap.decisions:
        c = sc.choice(d.choice_id)
        try:
            at = engine.replay(sc, history[:d.round])
            offered = engine.available_choices(sc, at) if at.node_id == d.node_id else None
        except engine.InvalidChoice:
            offered = None
        best_id, best_text = best_option(sc, d.node_id, offered)
        steps.append(PathStep(d.round, d.node_id, d.choice_id, c.text if c else d.choice_id, c.quality if c else "",
                              d.decided_by, d.counts.get(d.choice_id, 0), sum(d.counts.values()), best_id, best_text))
    strongest = engine.strongest_path(sc)
    strongest_rows = tuple((cid, c.text, c.quality) for cid in strongest if (c := sc.choice(cid)))
    room_totals = engine.totals(sc, st)
    best_totals = engine.totals(sc, engine.replay(sc, strongest))
    comps = tuple(CompetencyRow(comp, competency_title(comp, titles), room_totals.get(comp, 0), best_totals.get(comp, 0))
                  for comp in sc.competencies)
    observers = observers_of(sc, snap)
    checklist = []
    for item in sc.checklist:
        ticked = tuple(name for sid, name in observers if item.id in snap.ticked(sid))
        comp = competency_title(item.competency, titles) if item.competency else ""
        checklist.append(ChecklistRow(item.id, item.text, comp, ticked, len(observers)))
    return Debrief(sc.title, engine.is_ended(sc, st), engine.ending(sc, st), tuple(steps), strongest_rows, comps,
                   tuple(checklist), tuple(n for _, n in observers), sc.debrief_prompts, sc.debrief_notes,
                   state_rows(sc, st))


def state_rows(sc: Scenario, st: engine.PlayState) -> tuple[StateRow, ...]:
    """What the path knows: each declared flag and counter, and (when the room took a harmful choice)
    how many harmful choices no later choice repaired. Empty for a scenario without state."""
    values = engine.state_values(sc, st)
    rows = [StateRow(name, var.description, values[name]) for name, var in sc.state.items()]
    if values.get("harmful"):
        rows.append(StateRow("unrepaired", "Harmful choices no later choice repaired", values["unrepaired"]))
    return tuple(rows)


# ---- export ---------------------------------------------------------------------------------------

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def cell(value: object) -> str:
    """A value as a CSV cell that a spreadsheet shows as text, never runs as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def iso(ts: float | None) -> str:
    if not ts:
        return ""
    return datetime.fromtimestamp(ts, timezone.utc).isoformat(timespec="seconds").replace("+00:00", "Z")


def export_tables(sc: Scenario, snap: Snapshot, all_votes: Iterable[Vote],
                  titles: Mapping[str, str] | None = None) -> dict[str, list[list[str]]]:
    """Every table of the export, by file name; each a header row and data rows of strings."""
    titles = titles or {}
    names = {s.id: s for s in snap.seats}
    deb = build(sc, snap, titles)
    tables: dict[str, list[list[str]]] = {}
    tables["room.csv"] = [["room_id", "code", "scenario_id", "scenario_title", "phase", "created_at", "expires_at",
                           "path", "ended", "ending"],
                          [snap.room.id, snap.room.code, sc.id, sc.title, snap.room.phase, iso(snap.room.created_at),
                           iso(snap.room.expires_at), " > ".join(snap.room.history), "yes" if deb.ended else "no",
                           deb.ending.title if deb.ending else ""]]
    tables["participants.csv"] = [["seat_id", "name", "role", "status", "joined_at"]] + [
        [s.id, s.name, s.role, s.status, iso(s.joined_at)] for s in snap.seats]
    node_at = {d.round: d.node_id for d in snap.decisions}
    votes = [["round", "node_id", "seat_id", "name", "role", "choice_id", "choice_text", "quality", "cast_at",
              "times_changed"]]
    for v in sorted(all_votes, key=lambda v: (v.round, v.cast_at)):
        seat = names.get(v.seat_id)
        c = sc.choice(v.choice_id)
        votes.append([str(v.round + 1), node_at.get(v.round, ""), v.seat_id, seat.name if seat else "",
                      seat.role if seat else "", v.choice_id, c.text if c else "", c.quality if c else "", iso(v.cast_at),
                      str(max(v.changes - 1, 0))])
    tables["votes.csv"] = votes
    decisions = [["round", "node_id", "choice_id", "choice_text", "quality", "decided_by", "votes_for_choice",
                  "votes_cast", "strongest_option_here", "split"]]
    for s, d in zip(deb.steps, snap.decisions, strict=True):
        split = "; ".join(f"{cid}: {n}" for cid, n in d.tally)
        decisions.append([str(s.round + 1), s.node_id, s.choice_id, s.text, s.quality, s.decided_by, str(s.votes),
                          str(s.voters), s.best_id, split])
    tables["decisions.csv"] = decisions
    tables["competencies.csv"] = [["competency", "title", "room_total", "strongest_path_total"]] + [
        [r.id, r.title, str(r.room), str(r.strongest)] for r in deb.competencies]
    observers = observers_of(sc, snap)
    checklist = [["item_id", "item_text", "competency", "seat_id", "observer", "ticked"]]
    for item in sc.checklist:
        for sid, name in observers:
            checklist.append([item.id, item.text, item.competency or "", sid, name,
                              "yes" if item.id in snap.ticked(sid) else "no"])
    tables["checklist.csv"] = checklist
    tables["checklist_agreement.csv"] = [["item_id", "item_text", "ticked_by", "observers", "agreement"]] + [
        [r.id, r.text, str(len(r.ticked_by)), str(r.observers), "" if r.agreement is None else f"{r.agreement:.2f}"]
        for r in deb.checklist]
    return {name: [[cell(v) for v in row] for row in rows] for name, rows in tables.items()}


def to_csv(rows: Iterable[Iterable[str]]) -> str:
    """Rows as CSV text (RFC 4180 quoting, CRLF line ends, as spreadsheets expect)."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerows(rows)
    return buf.getvalue()


def export_zip(tables: Mapping[str, list[list[str]]], folder: str = "room") -> bytes:
    """All tables as CSV files in one zip (UTF-8 with a BOM, so spreadsheet programs read accents)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, rows in tables.items():
            zf.writestr(f"{folder}/{name}", "\ufeff" + to_csv(rows))
    return buf.getvalue()


__all__ = [
    "ChecklistRow",
    "CompetencyRow",
    "Debrief",
    "PathStep",
    "best_option",
    "build",
    "cell",
    "export_tables",
    "export_zip",
    "observers_of",
    "to_csv",
]
