"""Play a scenario: pure functions over a frozen state, plus a small :class:`Player` facade.

The state is the list of choice ids taken, nothing more; everything else (the current node, the
transcript, the totals, and in ``mentor-scenario/2`` the path state: flags, counters and the
built-ins ``harmful``/``mixed``/``best``/``unrepaired``) is derived by replaying it. That keeps saves tiny and meaningful across
edits (ids are stable), makes undo free, and lets live rooms, grading and the tests replay a path.
No I/O happens here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace

from widgets.content.conditions import BUILTINS, ConditionError, holds
from widgets.content.models import NARRATOR, Choice, Ending, Line, Node, Route, Scenario, Site

#: A scenario may chain this many automatic ``goto`` nodes in a row; more means a cycle (the
#: validator rejects those, but the engine must not spin on a model built by hand).
MAX_AUTO_STEPS = 1000

#: Called with (site of a condition, its value) each time the engine evaluates one; playtest uses it
#: to find conditions that are never true on any path.
Hook = Callable[[Site, bool], None]


class InvalidChoice(ValueError):
    """A choice id that is not offered at the current node (or any choice after an ending)."""


@dataclass(frozen=True)
class Vars:
    """The path state: declared flags and counters plus the built-ins, derived from the choices taken.

    Hashable, so playtest can memoise on (node, state). ``values`` follows the declaration order.
    """

    values: tuple[tuple[str, bool | int], ...] = ()
    best: int = 0
    mixed: int = 0
    harmful: int = 0
    unrepaired: tuple[str, ...] = ()  # sorted, so two orders of the same slips are one state

    def env(self) -> dict[str, bool | int]:
        """Every name a condition may read, with its value now."""
        out: dict[str, bool | int] = dict(self.values)
        out.update(best=self.best, mixed=self.mixed, harmful=self.harmful, unrepaired=len(self.unrepaired))
        return out


def initial_vars(sc: Scenario) -> Vars:
    """Flags false, counters 0, nothing taken."""
    return Vars(tuple((name, False if var.type == "flag" else 0) for name, var in sc.state.items()))


def unrepaired_after(unrepaired: tuple[str, ...], choice: Choice) -> tuple[str, ...]:
    """The harmful choices still unrepaired after ``choice``: its repairs first (a choice repairs only
    earlier harm), then its own harm. One rule for the engine and for playtest's compiled walk."""
    if choice.repairs_any:
        unrepaired = ()
    elif choice.repairs:
        unrepaired = tuple(c for c in unrepaired if c not in choice.repairs)
    if choice.quality == "harmful" and choice.id not in unrepaired:
        unrepaired = tuple(sorted((*unrepaired, choice.id)))
    return unrepaired


def apply_choice(vars_: Vars, choice: Choice) -> Vars:
    """The state after ``choice``: repairs first (a choice repairs only earlier harm), then its own
    quality, then its ``set``/``add`` effects."""
    unrepaired = unrepaired_after(vars_.unrepaired, choice)
    values = vars_.values
    if choice.set_flags or choice.add_counters:
        values = tuple(
            (name, choice.set_flags[name] if name in choice.set_flags
             else value + choice.add_counters[name] if name in choice.add_counters and not isinstance(value, bool)
             else value)
            for name, value in values
        )
    return Vars(values, vars_.best + (choice.quality == "best"), vars_.mixed + (choice.quality == "mixed"),
                vars_.harmful + (choice.quality == "harmful"), unrepaired)


def _holds(cond: str | None, env: Mapping[str, bool | int], site: Site, hook: Hook | None) -> bool:
    if cond is None:
        return True
    try:
        value = holds(cond, env)
    except ConditionError as exc:
        raise InvalidChoice(f"condition '{cond}' cannot be evaluated: {exc.message}") from None
    if hook is not None:
        hook(site, value)
    return value


def route(routes: Iterable[Route], env: Mapping[str, bool | int], hook: Hook | None = None) -> str | None:
    """The target of the first branch whose condition holds (None when none does)."""
    for r in routes:
        if _holds(r.cond, env, r.site, hook):
            return r.goto
    return None


def offered(node: Node, env: Mapping[str, bool | int], hook: Hook | None = None) -> tuple[Choice, ...]:
    """The choices of ``node`` whose ``if:`` holds."""
    return tuple(c for c in node.choices if _holds(c.cond, env, c.site, hook))


def shown_lines(lines: Iterable[Line], env: Mapping[str, bool | int], hook: Hook | None = None) -> list[Line]:
    """The lines whose ``if:`` holds."""
    return [ln for ln in lines if _holds(ln.cond, env, ln.site, hook)]


def ending_text(end: Ending, env: Mapping[str, bool | int], hook: Hook | None = None) -> str:
    """The ending's text on this path: the parts whose ``if:`` holds, joined by a blank line."""
    return "\n\n".join(p.text for p in end.parts if _holds(p.cond, env, p.site, hook))


@dataclass(frozen=True)
class PlayState:
    """Where a play-through stands: the scenario, the node it rests on, and the choices taken.

    Only ``history`` is meaningful to save; ``vars`` (the path state) is derived from it and
    carried along so the engine does not replay on every question. A state built by hand without
    it is replayed when needed.
    """

    scenario_id: str
    node_id: str
    history: tuple[str, ...] = ()
    vars: Vars | None = field(default=None, compare=False, repr=False)


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


def settle(sc: Scenario, node_id: str, vars_: Vars, hook: Hook | None = None) -> list[str]:
    """Follow automatic ``goto`` links (resolving branches in ``vars_``) from ``node_id``; return
    every node visited, in order."""
    if node_id not in sc.nodes:
        raise InvalidChoice(f"scenario '{sc.id}' has no node '{node_id}'")
    visited = [node_id]
    node = sc.nodes[node_id]
    env: dict[str, bool | int] | None = None
    while not node.choices and node.ending is None and node.routes:
        if len(visited) > min(MAX_AUTO_STEPS, len(sc.nodes)):
            raise InvalidChoice(f"scenario '{sc.id}' loops through automatic steps at node '{node.id}'")
        if env is None and any(r.cond for r in node.routes):
            env = vars_.env()
        target = route(node.routes, env or {}, hook)
        if target is None or target not in sc.nodes:
            raise InvalidChoice(f"node '{node.id}' of '{sc.id}' has no branch that applies and no fallback")
        node = sc.nodes[target]
        visited.append(node.id)
    return visited


def _settle(sc: Scenario, node_id: str, vars_: Vars | None = None) -> list[str]:
    return settle(sc, node_id, vars_ if vars_ is not None else initial_vars(sc))


def start(sc: Scenario) -> PlayState:
    """The state before the first choice (at the first decision point or ending)."""
    v = initial_vars(sc)
    return PlayState(sc.id, settle(sc, sc.start, v)[-1], (), v)


def node_of(sc: Scenario, st: PlayState) -> Node:
    return sc.nodes[st.node_id]


def vars_of(sc: Scenario, st: PlayState) -> Vars:
    """The path state at ``st`` (replayed from its history when not carried)."""
    if st.vars is not None:
        return st.vars
    return replay(sc, st.history).vars or initial_vars(sc)


def state_values(sc: Scenario, st: PlayState) -> dict[str, bool | int]:
    """Declared flags and counters, then the built-ins, as their values at ``st`` (for debriefs,
    tests and the terminal player)."""
    return vars_of(sc, st).env()


def set_flags(sc: Scenario, st: PlayState) -> list[str]:
    """The declared flags that are true at ``st``, in declaration order."""
    return [name for name, value in vars_of(sc, st).values if value is True]


def available_choices(sc: Scenario, st: PlayState) -> tuple[Choice, ...]:
    """The options the mentor has now: the node's choices whose ``if:`` holds (none at an ending)."""
    node = node_of(sc, st)
    if not node.choices:
        return ()
    if not any(c.cond for c in node.choices):
        return node.choices
    return offered(node, vars_of(sc, st).env())


def is_ended(sc: Scenario, st: PlayState) -> bool:
    return node_of(sc, st).ending is not None


def ending(sc: Scenario, st: PlayState) -> Ending | None:
    """The ending reached, with ``text`` resolved for this path (only the parts whose ``if:`` holds)."""
    end = node_of(sc, st).ending
    if end is None or all(p.cond is None for p in end.parts):
        return end
    return replace(end, text=ending_text(end, vars_of(sc, st).env()))


def choose(sc: Scenario, st: PlayState, choice_id: str) -> Step:
    """Take ``choice_id`` at the current node; raise :class:`InvalidChoice` if it is not offered."""
    node = node_of(sc, st)
    choices = available_choices(sc, st)
    choice = next((c for c in choices if c.id == choice_id), None)
    if choice is None:
        offered_ids = ", ".join(c.id for c in choices) or "none: the scenario has ended"
        raise InvalidChoice(f"'{choice_id}' is not a choice at node '{node.id}' of '{sc.id}' (offered: {offered_ids})")
    after = apply_choice(vars_of(sc, st), choice)
    target = route(choice.routes, after.env()) if len(choice.routes) > 1 or choice.routes[0].cond else choice.goto
    if target is None:
        raise InvalidChoice(f"choice '{choice.id}' of '{sc.id}' has no branch that applies and no fallback")
    new = PlayState(sc.id, settle(sc, target, after)[-1], (*st.history, choice_id), after)
    return Step(new, choice, new.node_id)


def replay(sc: Scenario, history: Iterable[str]) -> PlayState:
    """Replay choice ids from the start; raise :class:`InvalidChoice` at the first that does not fit."""
    st = start(sc)
    for cid in history:
        st = choose(sc, st, cid).state
    return st


def fits(sc: Scenario, history: Iterable[str]) -> bool:
    """Does a saved path still replay on (a possibly revised) ``sc``?"""
    try:
        replay(sc, history)
    except InvalidChoice:
        return False
    return True


def totals(sc: Scenario, st: PlayState) -> dict[str, int]:
    """Score per competency the scenario lists, summed over the choices taken."""
    out = dict.fromkeys(sc.competencies, 0)
    for cid in st.history:
        choice = sc.choice(cid)
        if choice:
            for comp, pts in choice.scores.items():
                out[comp] = out.get(comp, 0) + pts
    return out


def _line_entries(sc: Scenario, lines: Iterable[Line], env: Mapping[str, bool | int]) -> list[Entry]:
    return [Entry("line", ln.speaker, sc.speaker_name(ln.speaker), ln.text) for ln in shown_lines(lines, env)]


def _lines_entries(sc: Scenario, node: Node, env: Mapping[str, bool | int] | None = None) -> list[Entry]:
    return _line_entries(sc, node.lines, env if env is not None else initial_vars(sc).env())


def transcript(sc: Scenario, st: PlayState, *, with_feedback: bool = False) -> list[Entry]:
    """The conversation so far: lines, the mentor's chosen words, replies (and feedback if asked).

    Lines and replies carrying an ``if:`` appear only when it held at that moment: a node's lines in
    the state on arrival, a choice's reply in the state just after the choice.
    """
    entries: list[Entry] = []
    current = start(sc)
    env = (current.vars or initial_vars(sc)).env()
    for nid in settle(sc, sc.start, current.vars or initial_vars(sc)):
        entries += _line_entries(sc, sc.nodes[nid].lines, env)
    for cid in st.history:
        step = choose(sc, current, cid)
        c = step.choice
        after = step.state.vars or initial_vars(sc)
        env = after.env()
        entries.append(Entry("mentor", "mentor", "You", c.text, c.id, c.quality))
        if with_feedback:
            entries.append(Entry("feedback", "", "", c.feedback, c.id, c.quality))
        entries += _line_entries(sc, c.reply, env)
        target = route(c.routes, env) or c.goto
        for nid in settle(sc, target, after):
            entries += _line_entries(sc, sc.nodes[nid].lines, env)
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
    "BUILTINS",
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
    "ending_text",
    "fits",
    "is_ended",
    "replay",
    "set_flags",
    "start",
    "state_values",
    "strongest_path",
    "totals",
    "transcript",
    "unrepaired_after",
    "vars_of",
]
