"""A scenario compiled once for playtest's exhaustive walk: path states as flat tuples, conditions as
closures over them, and every word count taken in advance.

Playtest meets each condition, line and choice thousands of times (a large scenario has tens of
thousands of (node, state) pairs). Going through :mod:`widgets.engine` for each would rebuild an
``env`` dict per state, re-apply every choice through generic code and walk each condition's AST
again. This module does the same things, with the same results, the same hook calls and the same
:class:`~widgets.engine.InvalidChoice` messages, over a tuple laid out once per scenario:

    (declared state that conditions read, in declaration order..., best, mixed, harmful, unrepaired)

where ``unrepaired`` is the sorted tuple of harmful choice ids (conditions read its length), as
:meth:`widgets.engine.Vars.env` presents it. The state is already *projected* (see
:func:`widgets.content.playtest.playtest`): effects on names no condition reads are never applied,
so such names keep their start value and the dropped built-in counts stay 0, exactly what applying
the choice and then projecting gives. :mod:`widgets.engine` stays the one reference; the tests
compare the two on every scenario of the course.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache
from operator import itemgetter

from widgets import engine
from widgets.content.conditions import ConditionError, slot_evaluator
from widgets.content.models import Choice, Ending, Line, Route, Scenario, Site

#: A word, as reading-time counts it: letters or digits, with inner apostrophes or hyphens ("don't",
#: "well-being" are one word each). Markup, URLs and HTML tags are stripped first by the callers that
#: read Markdown (:func:`widgets.content.timing.words`).
WORD = re.compile(r"[^\W_]+(?:['’-][^\W_]+)*")


@lru_cache(maxsize=65_536)
def word_count(text: str) -> int:
    """Words in ``text``; memoised because a scenario's lines are counted once per path state."""
    return len(WORD.findall(text))


State = tuple  # (declared values conditions read..., best, mixed, harmful, unrepaired)
Test = Callable[[State], bool]
BUILTIN_ORDER = ("best", "mixed", "harmful", "unrepaired")


@dataclass(frozen=True)
class LinesPlan:
    """Words of the lines always shown, and each conditional line's test and words (in order)."""

    words: int
    conditional: tuple[tuple[Test, int], ...]

    def read(self, s: State) -> int:
        """Words of the lines shown in ``s`` (raises InvalidChoice at the first test that cannot run,
        as :func:`widgets.engine.shown_lines` does)."""
        total = self.words
        for test, words in self.conditional:
            if test(s):
                total += words
        return total


@dataclass(frozen=True)
class ChoicePlan:
    """One choice: its test, words, reply, branches and effect on the (projected) state."""

    choice: Choice
    test: Test | None
    text_words: int
    feedback_words: int
    reply: LinesPlan
    routes: tuple[tuple[Test | None, str], ...]
    #: (slot, value to set or None, amount to add): set wins over add, as in engine.apply_choice.
    effects: tuple[tuple[int, bool | None, int], ...]
    #: Slot of the quality count to raise, or -1 when the count is not kept (no condition reads it).
    count_slot: int
    #: The target of a plain ``goto`` (one branch without a condition), else None.
    fixed_target: str | None = None


@dataclass(frozen=True)
class EndingPlan:
    """An ending: its title's words, each text part (test, text, words) and each claim compiled."""

    title_words: int
    parts: tuple[tuple[Test | None, str, int], ...]
    claims: tuple[Callable[[State], bool | int], ...]

    def outcome(self, s: State, broken: list[str]) -> tuple[int, bool, tuple[bool | None, ...]]:
        """Words read (title and shown text), whether any text shows, and each claim's verdict (None
        when it cannot be evaluated), as the engine's ``ending_text`` and ``holds`` give them.

        The shown parts are joined by a blank line (:func:`widgets.engine.ending_text`), which no
        word spans, so the words of the text are the sum of the parts' words."""
        try:
            shown = [(text, words) for test, text, words in self.parts if test is None or test(s)]
        except engine.InvalidChoice as exc:
            broken.append(str(exc))  # reported as play.no-choice, not as an ending without text
            return self.title_words, True, tuple(None for _ in self.claims)
        verdicts: list[bool | None] = []
        for claim in self.claims:
            try:
                verdicts.append(bool(claim(s)))
            except Exception:
                verdicts.append(None)
        text = "\n\n".join(text for text, _ in shown)
        return self.title_words + sum(words for _, words in shown), bool(text), tuple(verdicts)


class ScenarioPlan:
    """Everything playtest needs to walk ``sc``, compiled once; ``hook`` sees every condition evaluated."""

    def __init__(self, sc: Scenario, read: set[str], hook: engine.Hook) -> None:
        self.sc = sc
        self.hook = hook
        # Only the declared names some condition reads: the others would keep their start value in every
        # state, so leaving them out changes no comparison of states and makes each state cheaper to copy and hash.
        names = [name for name in sc.state if name in read]
        self.n = len(names)
        self.names = tuple(names)
        slots = {name: i for i, name in enumerate(names)}
        slots.update({b: self.n + k for k, b in enumerate(BUILTIN_ORDER)})  # built-ins win, as in Vars.env
        self.slots = slots
        self.unrepaired_slot = self.n + 3
        self.counted = frozenset({"unrepaired"})
        self.read = read
        start = engine.initial_vars(sc)
        self.start: State = (*(v for name, v in start.values if name in read), 0, 0, 0, ())
        self.lines = {nid: self.lines_plan(node.lines) for nid, node in sc.nodes.items()}
        self.auto_routes = {nid: self.routes_plan(node.routes) for nid, node in sc.nodes.items()
                            if not node.choices and node.ending is None and node.routes}
        self.choices = {nid: tuple(self.choice_plan(c) for c in node.choices) for nid, node in sc.nodes.items()}
        #: Words shown on arriving at a node play rests on at once (no automatic step) and whose lines
        #: carry no condition; such arrivals need no settling and no tests.
        self.resting_words = {nid: self.lines[nid].words for nid in sc.nodes
                              if nid not in self.auto_routes and not self.lines[nid].conditional}
        self.fixed_offer = {nid: all(p.test is None for p in plans) for nid, plans in self.choices.items()}
        self.endings = {nid: self.ending_plan(node.ending) for nid, node in sc.nodes.items() if node.ending is not None}
        self.max_steps = min(engine.MAX_AUTO_STEPS, len(sc.nodes))

    # --- compiling -----------------------------------------------------------------------------------

    def test(self, cond: str | None, site: Site) -> Test | None:
        """``cond`` as a function of the state that reports to the hook (None: always holds)."""
        if cond is None:
            return None
        evaluate = slot_evaluator(cond, self.slots, self.counted)
        hook = self.hook

        def holds(s: State) -> bool:
            try:
                value = bool(evaluate(s))
            except ConditionError as exc:
                raise engine.InvalidChoice(f"condition '{cond}' cannot be evaluated: {exc.message}") from None
            hook(site, value)
            return value
        return holds

    def lines_plan(self, lines: Iterable[Line]) -> LinesPlan:
        always = 0
        conditional: list[tuple[Test, int]] = []
        for ln in lines:
            test = self.test(ln.cond, ln.site)
            if test is None:
                always += word_count(ln.text)
            else:
                conditional.append((test, word_count(ln.text)))
        return LinesPlan(always, tuple(conditional))

    def routes_plan(self, routes: Iterable[Route]) -> tuple[tuple[Test | None, str], ...]:
        return tuple((self.test(r.cond, r.site), r.goto) for r in routes)

    def choice_plan(self, c: Choice) -> ChoicePlan:
        effects: list[tuple[int, bool | None, int]] = []
        for i, name in enumerate(self.names):  # names no condition reads are not in the state
            if name in c.set_flags:
                effects.append((i, c.set_flags[name], 0))
            elif name in c.add_counters:
                effects.append((i, None, c.add_counters[name]))
        count = self.n + ("best", "mixed", "harmful").index(c.quality) if c.quality in ("best", "mixed", "harmful") \
            else -1
        if count >= 0 and c.quality not in self.read:
            count = -1
        return ChoicePlan(c, self.test(c.cond, c.site), word_count(c.text), word_count(c.feedback),
                          self.lines_plan(c.reply), self.routes_plan(c.routes), tuple(effects), count,
                          c.routes[0].goto if len(c.routes) == 1 and c.routes[0].cond is None else None)

    def ending_plan(self, end: Ending) -> EndingPlan:
        return EndingPlan(word_count(end.title),
                          tuple((self.test(p.cond, p.site), p.text, word_count(p.text)) for p in end.parts),
                          tuple(slot_evaluator(c.text, self.slots, self.counted) for c in end.claims))

    # --- walking -------------------------------------------------------------------------------------

    @staticmethod
    def route(routes: tuple[tuple[Test | None, str], ...], s: State) -> str | None:
        """The first branch whose test holds (:func:`widgets.engine.route`)."""
        for test, goto in routes:
            if test is None or test(s):
                return goto
        return None

    def settle(self, node_id: str, s: State) -> list[str]:
        """:func:`widgets.engine.settle` over the compiled state, with the same messages."""
        sc = self.sc
        if node_id not in sc.nodes:
            raise engine.InvalidChoice(f"scenario '{sc.id}' has no node '{node_id}'")
        if node_id not in self.auto_routes:
            return [node_id]
        visited = [node_id]
        nid = node_id
        while nid in self.auto_routes:
            if len(visited) > self.max_steps:
                raise engine.InvalidChoice(f"scenario '{sc.id}' loops through automatic steps at node '{nid}'")
            target = self.route(self.auto_routes[nid], s)
            if target is None or target not in sc.nodes:
                raise engine.InvalidChoice(f"node '{nid}' of '{sc.id}' has no branch that applies and no fallback")
            nid = target
            visited.append(nid)
        return visited

    def offered(self, nid: str, s: State) -> tuple[ChoicePlan, ...]:
        """The choices offered at ``nid`` in ``s`` (:func:`widgets.engine.offered`)."""
        plans = self.choices[nid]
        if self.fixed_offer[nid]:
            return plans
        return tuple(p for p in plans if p.test is None or p.test(s))

    def apply(self, p: ChoicePlan, s: State) -> State:
        """The projected state after choice ``p`` (:func:`widgets.engine.apply_choice`, then projection)."""
        c = p.choice
        unrepaired = engine.unrepaired_after(s[self.unrepaired_slot], c)
        out = list(s)
        for i, value, amount in p.effects:
            if value is not None:
                out[i] = value
            elif not isinstance(out[i], bool):
                out[i] = out[i] + amount
        if p.count_slot >= 0:
            out[p.count_slot] += 1
        out[self.unrepaired_slot] = unrepaired
        return tuple(out)

    def reader(self, names: Iterable[str]) -> Callable[[State], object]:
        """What a state holds for ``names``, as a hashable key: two states with the same key give every
        condition over ``names`` the same value (names with no value are left out: they read the same
        everywhere; ``unrepaired`` by its length, the value conditions read, so the key is exactly as
        fine as the ``env`` values it stands for)."""
        names = set(names)
        slots = sorted({self.slots[n] for n in names if n in self.slots and n not in self.counted})
        plain: Callable[[State], object] = itemgetter(*slots) if slots else (lambda s: ())
        counted = sorted(self.slots[n] for n in names & self.counted if n in self.slots)
        if not counted:
            return plain
        return lambda s: (plain(s), *(len(s[i]) for i in counted))

    def unrepaired(self, s: State) -> tuple[str, ...]:
        return s[self.unrepaired_slot]


__all__ = ["WORD", "ChoicePlan", "EndingPlan", "LinesPlan", "ScenarioPlan", "State", "word_count"]
