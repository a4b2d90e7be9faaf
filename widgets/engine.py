"""Play a scenario: pure functions over a frozen state, plus a small :class:`Player` facade.

The state is the list of choice ids taken, nothing more; everything else (the current node, the
transcript, the totals) is derived by replaying it. That keeps saves tiny and meaningful across
edits (ids are stable), makes undo free, and lets live rooms, grading and the tests replay a path.
No I/O happens here.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from widgets.content.models import NARRATOR, Choice, Ending, Node, Scenario

#: A scenario may chain this many automatic ``goto`` nodes in a row; more means a cycle (the
#: validator rejects those, but the engine must not spin on a model built by hand).
MAX_AUTO_STEPS = 1000


class InvalidChoice(ValueError):
    """A choice id that is not offered at the current node (or any choice after an ending)."""


@dataclass(frozen=True)
class PlayState:
    """Where a play-through stands: the scenario, the node it rests on, and the choices taken."""

    scenario_id: str
    node_id: str
    history: tuple[str, ...] = ()


@dataclass(frozen=True)
class Entry:
    """One transcript entry. ``kind`` is ``line`` (a character or narrator), ``mentor`` (the
    mentor's chosen words) or ``feedback``; the UI styles each differently."""

    kind: str
    speaker: str
    name: str
    text: str
    choice_id: str = ""
    quality: str = ""


@dataclass(frozen=True)
class Step:
    """What one choice did: the new state, the choice, and the feedback to show."""

    state: PlayState
    choice: Choice
    node_id: str

    @property
    def feedback(self) -> str:
        return self.choice.feedback

    @property
    def deltas(self) -> dict[str, int]:
        return dict(self.choice.scores)

    @property
    def quality(self) -> str:
        return self.choice.quality


def _settle(sc: Scenario, node_id: str) -> list[str]:
    """Follow automatic ``goto`` links from ``node_id``; return every node visited, in order."""
    visited = [node_id]
    node = sc.nodes[node_id]
    while not node.choices and node.ending is None and node.goto:
        if len(visited) > MAX_AUTO_STEPS:
            raise InvalidChoice(f"scenario '{sc.id}' loops through automatic steps at node '{node.id}'")
        node = sc.nodes[node.goto]
        visited.append(node.id)
    return visited


def start(sc: Scenario) -> PlayState:
    """The state before the first choice (at the first decision point or ending)."""
    return PlayState(sc.id, _settle(sc, sc.start)[-1])


def node_of(sc: Scenario, st: PlayState) -> Node:
    return sc.nodes[st.node_id]


def available_choices(sc: Scenario, st: PlayState) -> tuple[Choice, ...]:
    """The options the mentor has now (none at an ending)."""
    return node_of(sc, st).choices


def is_ended(sc: Scenario, st: PlayState) -> bool:
    return node_of(sc, st).ending is not None


def ending(sc: Scenario, st: PlayState) -> Ending | None:
    return node_of(sc, st).ending


def choose(sc: Scenario, st: PlayState, choice_id: str) -> Step:
    """Take ``choice_id`` at the current node; raise :class:`InvalidChoice` if it is not offered."""
    node = node_of(sc, st)
    choice = node.choice(choice_id)
    if choice is None:
        offered = ", ".join(c.id for c in node.choices) or "none: the scenario has ended"
        raise InvalidChoice(f"'{choice_id}' is not a choice at node '{node.id}' of '{sc.id}' (offered: {offered})")
    new = PlayState(sc.id, _settle(sc, choice.goto)[-1], (*st.history, choice_id))
    return Step(new, choice, new.node_id)


def replay(sc: Scenario, history: Iterable[str]) -> PlayState:
    """Replay choice ids from the start; raise :class:`InvalidChoice` at the first that does not fit."""
    st = start(sc)
    for cid in history:
        st = choose(sc, st, cid).state
    return st


def totals(sc: Scenario, st: PlayState) -> dict[str, int]:
    """Score per competency the scenario lists, summed over the choices taken."""
    out = dict.fromkeys(sc.competencies, 0)
    for cid in st.history:
        choice = sc.choice(cid)
        if choice:
            for comp, pts in choice.scores.items():
                out[comp] = out.get(comp, 0) + pts
    return out


def _lines_entries(sc: Scenario, node: Node) -> list[Entry]:
    return [Entry("line", ln.speaker, sc.speaker_name(ln.speaker), ln.text) for ln in node.lines]


def transcript(sc: Scenario, st: PlayState, *, with_feedback: bool = False) -> list[Entry]:
    """The conversation so far: lines, the mentor's chosen words, replies (and feedback if asked)."""
    entries: list[Entry] = []
    for nid in _settle(sc, sc.start):
        entries += _lines_entries(sc, sc.nodes[nid])
    current = start(sc)
    for cid in st.history:
        step = choose(sc, current, cid)
        c = step.choice
        entries.append(Entry("mentor", "mentor", "You", c.text, c.id, c.quality))
        if with_feedback:
            entries.append(Entry("feedback", "", "", c.feedback, c.id, c.quality))
        entries += [Entry("line", ln.speaker, sc.speaker_name(ln.speaker), ln.text) for ln in c.reply]
        for nid in _settle(sc, c.goto):
            entries += _lines_entries(sc, sc.nodes[nid])
        current = step.state
    return entries


def strongest_path(sc: Scenario) -> tuple[str, ...]:
    """Choice ids taking the first ``best`` option at every point until an ending.

    Falls back to the highest-scoring option where an author forgot a ``best`` (the validator
    reports that), and stops after as many steps as there are nodes, so it always returns.
    """
    st = start(sc)
    path: list[str] = []
    for _ in range(len(sc.nodes)):
        choices = available_choices(sc, st)
        if not choices:
            break
        pick = next((c for c in choices if c.quality == "best"), max(choices, key=lambda c: c.total))
        path.append(pick.id)
        st = choose(sc, st, pick.id).state
    return tuple(path)


def decision_points(sc: Scenario, history: Iterable[str]) -> list[str]:
    """The node id at which each choice in ``history`` was made."""
    st = start(sc)
    out = []
    for cid in history:
        out.append(st.node_id)
        st = choose(sc, st, cid).state
    return out


class Player:
    """A mutable convenience around the pure functions, for notebooks and the terminal player."""

    def __init__(self, scenario: Scenario, history: Iterable[str] = ()) -> None:
        self.scenario = scenario
        self.state = replay(scenario, history)

    @property
    def node(self) -> Node:
        return node_of(self.scenario, self.state)

    @property
    def choices(self) -> tuple[Choice, ...]:
        return available_choices(self.scenario, self.state)

    @property
    def ended(self) -> bool:
        return is_ended(self.scenario, self.state)

    @property
    def ending(self) -> Ending | None:
        return ending(self.scenario, self.state)

    @property
    def totals(self) -> dict[str, int]:
        return totals(self.scenario, self.state)

    @property
    def history(self) -> tuple[str, ...]:
        return self.state.history

    def transcript(self, *, with_feedback: bool = False) -> list[Entry]:
        return transcript(self.scenario, self.state, with_feedback=with_feedback)

    def choose(self, choice_id: str) -> Step:
        step = choose(self.scenario, self.state, choice_id)
        self.state = step.state
        return step

    def undo(self) -> None:
        self.state = replay(self.scenario, self.state.history[:-1])

    def restart(self) -> None:
        self.state = start(self.scenario)


__all__ = [
    "NARRATOR",
    "Entry",
    "InvalidChoice",
    "PlayState",
    "Player",
    "Step",
    "available_choices",
    "choose",
    "decision_points",
    "ending",
    "is_ended",
    "replay",
    "start",
    "strongest_path",
    "totals",
    "transcript",
]
