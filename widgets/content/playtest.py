"""Play every path of a scenario and check what its endings claim.

Like ChoiceScript's quicktest, but exhaustive: from the start, every offered choice is taken in
every reachable state, through the same engine functions the learner's player uses. States are
memoised on (node, path state), so two paths that arrive at a node knowing the same things are
explored once; the number of paths is counted, not listed. Each choice adds one to ``best``,
``mixed`` or ``harmful``, so the choices taken are layers of a DAG: layer *d* holds the states after
*d* choices, and a layer deeper than the scenario has decision nodes means the graph loops.

What it reports (``mentor-scenario/2`` files; a ``/1`` file is only counted):

- ``claim.violated``: an ending's claim is false on some path reaching it;
- ``claim.unsatisfiable``: a claim is false on every path reaching its ending;
- ``claim.harmful-growth``: a path takes a harmful choice no later choice repairs and reaches a
  ``growth`` ending (the course-wide rule, an implicit claim ``unrepaired == 0``);
- ``play.unreachable``: a node (often an ending) that conditions keep every path away from;
- ``play.no-choice``: a decision node reached in a state where no choice is offered;
- ``play.no-text``: an ending reached in a state where none of its text parts shows;
- ``cond.never-true``: a condition that is false on every path that meets it;
- ``graph.cycle``: paths that run on past every node (the graph loops);
- ``play.too-many-paths``: the exploration was capped.

Each message names the choice ids of a path that shows the problem.

The same walk also measures reading time (:mod:`widgets.content.timing`): every state carries the
probability of reaching it when the mentor picks uniformly at random among the offered choices, so
the words read on one play-through (lines, the offered choices' texts, feedback, replies, the
ending) and the decision points reached are summed as expectations, exactly, in the one pass.
"""

from __future__ import annotations

import weakref
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from widgets import engine
from widgets.content.conditions import ConditionError, compile_condition, names
from widgets.content.errors import ContentError
from widgets.content.models import Scenario, Site
from widgets.content.source import Source
from widgets.content.walkplan import WORD as WORD  # re-exported: reading time counts words as playtest does
from widgets.content.walkplan import ScenarioPlan, State
from widgets.content.walkplan import word_count as word_count

#: At most this many distinct (node, path state) pairs are explored per scenario.
MAX_STATES = 20_000

Key = tuple[str, State]

@dataclass
class _Tally:
    """How many paths showed something, and the first of them."""

    count: int = 0
    example: tuple[str, ...] | None = None
    #: The chance of this state when every offered choice is equally likely (reading-time expectation).
    prob: float = 0.0

    def add(self, n: int, path: tuple[str, ...]) -> None:
        self.count += n
        if self.example is None:
            self.example = path


@dataclass
class Report:
    """What playtest found in one scenario."""

    scenario: str
    file: str
    version: int
    paths: int = 0
    states: int = 0
    endings: dict[str, int] = field(default_factory=dict)
    harmful_growth: int = 0
    capped: bool = False
    errors: list[ContentError] = field(default_factory=list)
    #: Expected words read and decision points reached on one play-through with uniformly random
    #: choices (see the module docstring); exact unless ``capped``.
    expected_words: float = 0.0
    expected_decisions: float = 0.0


def _names(text: str) -> set[str]:
    try:
        return names(compile_condition(text))
    except ConditionError:
        return set()


def _shown(path: tuple[str, ...]) -> str:
    return "[" + ", ".join(path) + "]" if path else "[] (no choice taken)"


def playtest(sc: Scenario, src: Source | None = None, *, max_states: int = MAX_STATES) -> Report:
    """Enumerate every path of ``sc`` and check its endings; errors only for ``mentor-scenario/2``."""
    from widgets.content.checks import condition_sites

    report = Report(sc.id, sc.file or (src.file if src else ""), sc.version)
    true_sites: set[Site] = set()
    met_sites: set[Site] = set()

    def hook(site: Site, value: bool) -> None:
        met_sites.add(site)
        if value:
            true_sites.add(site)

    visited: set[str] = set()
    taken: set[str] = set()
    reached: dict[str, _Tally] = defaultdict(_Tally)
    no_choice: dict[str, _Tally] = defaultdict(_Tally)
    no_text: dict[str, _Tally] = defaultdict(_Tally)
    growth_bad: dict[str, _Tally] = defaultdict(_Tally)
    growth_unrepaired: dict[str, set[str]] = defaultdict(set)
    claim_false: dict[Site, _Tally] = defaultdict(_Tally)
    claim_true: dict[Site, int] = defaultdict(int)
    looping: _Tally = _Tally()
    broken: list[str] = []
    repaired: set[tuple[str, str]] = set()

    # Memoise on what conditions can tell apart: a built-in count no condition reads is dropped
    # from the key (layers keep paths of different lengths apart, so counting stays exact).
    # Declared state no condition reads is pinned to its start value for the same reason. The walk
    # runs over the scenario compiled once (widgets.content.walkplan): states are flat tuples that
    # already leave those out, and conditions are closures over them.
    read = {name for _, text, _ in condition_sites(sc) for name in _names(text)}
    plan = ScenarioPlan(sc, read, hook)
    lines = plan.lines
    resting = plan.resting_words

    def arrive(target: str, s: State) -> tuple[str, int]:
        """The node play rests on after ``target``'s automatic steps, and the words of the lines shown."""
        nodes = plan.settle(target, s)
        words = 0
        for nid in nodes:
            visited.add(nid)
            words += lines[nid].read(s)
        return nodes[-1], words

    s0 = plan.start
    try:
        first, words = arrive(sc.start, s0)
        report.expected_words += words
    except engine.InvalidChoice as exc:
        broken.append(str(exc))
        first = ""
    layer: dict[Key, _Tally] = {}
    if first:
        layer[(first, s0)] = _Tally(1, (), 1.0)
    # An ending's text and claims depend only on the values of the names its conditions read, and the
    # same values recur in many states and layers; evaluate each (ending, values) once.
    ending_reads: dict[str, Callable[[State], object]] = {}
    ending_seen: dict[tuple[str, object], tuple[int, bool, tuple[bool | None, ...]]] = {}
    depth_cap = sum(1 for n in sc.nodes.values() if n.choices) + 1
    depth = 0
    while layer:
        report.states += len(layer)
        if report.states > max_states:
            report.capped = True
            break
        if depth > depth_cap:
            looping.add(sum(t.count for t in layer.values()), next(iter(layer.values())).example or ())
            break
        nxt: dict[Key, _Tally] = {}
        for (nid, s), tally in layer.items():
            node = sc.nodes[nid]
            path = tally.example or ()
            if node.ending is not None:
                report.paths += tally.count
                reached[nid].add(tally.count, path)
                if nid not in ending_reads:
                    ending_reads[nid] = plan.reader({n for p in node.ending.parts if p.cond for n in _names(p.cond)}
                                                    | {n for c in node.ending.claims for n in _names(c.text)})
                key0 = (nid, ending_reads[nid](s))
                if key0 not in ending_seen:
                    ending_seen[key0] = plan.endings[nid].outcome(s, broken)
                words, has_text, verdicts = ending_seen[key0]
                report.expected_words += tally.prob * words
                if not has_text:
                    no_text[nid].add(tally.count, path)
                for claim, ok in zip(node.ending.claims, verdicts, strict=True):
                    if ok is None:  # a claim that does not check is reported by the validator
                        continue
                    if ok:
                        claim_true[claim.site] += tally.count
                    else:
                        claim_false[claim.site].add(tally.count, path)
                unrepaired = plan.unrepaired(s)
                if node.ending.kind == "growth" and unrepaired:
                    growth_bad[nid].add(tally.count, path)
                    growth_unrepaired[nid].update(unrepaired)
                    report.harmful_growth += tally.count
                continue
            try:
                choices = plan.offered(nid, s)
            except engine.InvalidChoice as exc:
                broken.append(f"{exc} (after {_shown(path)})")
                continue
            if not choices:
                no_choice[nid].add(tally.count, path)
                continue
            # The mentor reads every offered choice, then one (equally likely) is taken.
            report.expected_decisions += tally.prob
            report.expected_words += tally.prob * sum(p.text_words for p in choices)
            share = tally.prob / len(choices)
            for p in choices:
                c = p.choice
                taken.add(c.id)
                if c.repairs:
                    before = plan.unrepaired(s)
                    for rid in c.repairs:
                        if rid in before:
                            repaired.add((c.id, rid))
                after = plan.apply(p, s)
                words = p.feedback_words + (p.reply.read(after) if p.reply.conditional else p.reply.words)
                try:
                    target = p.fixed_target if p.fixed_target is not None else plan.route(p.routes, after)
                    if target is None:
                        raise engine.InvalidChoice(f"choice '{c.id}' has no branch that applies")
                    more = resting.get(target)
                    if more is not None:  # most arrivals: a decision node or ending with plain lines
                        visited.add(target)
                        rest = target
                    else:
                        rest, more = arrive(target, after)
                except engine.InvalidChoice as exc:
                    broken.append(f"{exc} (after {_shown((*path, c.id))})")
                    continue
                report.expected_words += share * (words + more)
                key = (rest, after)
                known = nxt.get(key)
                if known is not None:
                    known.count += tally.count
                    known.prob += share
                else:
                    nxt[key] = _Tally(tally.count, (*path, c.id), share)
        layer = nxt
        depth += 1
    report.endings = {nid: t.count for nid, t in reached.items()}
    if sc.version >= 2 and src is not None:
        report.errors = _errors(sc, src, report, visited, taken, reached, no_choice, no_text, growth_bad,
                                growth_unrepaired, claim_false, claim_true, looping, broken, met_sites, true_sites)
        if not (report.capped or looping.count):
            report.errors += _idle_repairs(sc, src, taken, repaired)
    return report


#: The last report per scenario object (weakly held), so ``validate`` and the reading-time check share
#: one walk of each scenario rather than playing every path twice.
_REPORTS: dict[int, tuple[weakref.ref[Scenario], int, bool, Report]] = {}


def playtest_once(sc: Scenario, src: Source | None = None, *, max_states: int = MAX_STATES) -> Report:
    """:func:`playtest`, remembered for this scenario object (a report with errors is kept only when
    ``src`` was given, so a later call with a source still gets them)."""
    hit = _REPORTS.get(id(sc))
    if hit is not None and hit[0]() is sc and hit[1] == max_states and (hit[2] or src is None):
        return hit[3]
    report = playtest(sc, src, max_states=max_states)
    if len(_REPORTS) > 512:
        for key in [k for k, v in _REPORTS.items() if v[0]() is None] or list(_REPORTS)[:256]:
            _REPORTS.pop(key, None)
    _REPORTS[id(sc)] = (weakref.ref(sc), max_states, src is not None, report)
    return report


def _errors(sc: Scenario, src: Source, report: Report, visited: set[str], taken: set[str],
            reached: dict[str, _Tally], no_choice: dict[str, _Tally], no_text: dict[str, _Tally],
            growth_bad: dict[str, _Tally], growth_unrepaired: dict[str, set[str]],
            claim_false: dict[Site, _Tally], claim_true: dict[Site, int], looping: _Tally, broken: list[str],
            met_sites: set[Site], true_sites: set[Site]) -> list[ContentError]:
    out: list[ContentError] = []
    err = src.error
    if report.capped:
        out.append(err(("nodes",), "play.too-many-paths",
                       f"stopped after {MAX_STATES:,} distinct (node, state) pairs without finishing; the paths "
                       "below were not all checked. Split the scenario, or let fewer choices change state",
                       at_key=True))
    if looping.count:
        out.append(err(("nodes",), "graph.cycle",
                       f"paths run on past every decision node, so the graph loops, e.g. {_shown(looping.example or ())}",
                       at_key=True))
    for problem in broken[:3]:
        out.append(err(("nodes",), "play.no-choice", f"play cannot continue: {problem}", at_key=True))
    complete = not (report.capped or looping.count)
    for nid, node in sc.nodes.items():
        # Only nodes the graph can reach: graph.unreachable already names the rest.
        if complete and nid not in visited and _statically_reachable(sc, nid):
            what = "ending" if node.ending else "node"
            out.append(err(("nodes", nid), "play.unreachable",
                           f"{what} '{nid}' is on the map, but no path reaches it once conditions apply",
                           at_key=True))
        if nid in no_choice:
            t = no_choice[nid]
            out.append(err(("nodes", nid, "choices"), "play.no-choice",
                           f"decision node '{nid}' offers no choice on {t.count} path(s): every 'if' is false, "
                           f"e.g. after {_shown(t.example or ())}", at_key=True))
        end = node.ending
        if end is None:
            continue
        total = reached[nid].count if nid in reached else 0
        if nid in no_text:
            t = no_text[nid]
            out.append(err(("nodes", nid, "ending", "text"), "play.no-text",
                           f"ending '{nid}' shows no text on {t.count} of {total} path(s) reaching it, e.g. "
                           f"{_shown(t.example or ())}; add a part without 'if' or cover every case", at_key=True))
        if nid in growth_bad:
            t = growth_bad[nid]
            slips = ", ".join(sorted(growth_unrepaired[nid]))
            out.append(err(("nodes", nid, "ending", "kind"), "claim.harmful-growth",
                           f"{t.count} of {total} path(s) reach growth ending '{nid}' after a harmful choice that no "
                           f"later choice repairs ({slips}), e.g. {_shown(t.example or ())}; route them to a "
                           "repair ending, or mark a later choice 'repairs:'"))
        for claim in end.claims:
            if claim.site not in claim_false:
                continue
            t = claim_false[claim.site]
            if claim_true.get(claim.site, 0) == 0:
                out.append(err(claim.site, "claim.unsatisfiable",
                               f"claim '{claim.text}' of ending '{nid}' holds on none of the {total} path(s) "
                               f"reaching it, e.g. {_shown(t.example or ())}"))
            else:
                out.append(err(claim.site, "claim.violated",
                               f"claim '{claim.text}' of ending '{nid}' fails on {t.count} of {total} path(s) "
                               f"reaching it, e.g. {_shown(t.example or ())}"))
    if complete:
        out += _never_true(sc, src, visited, taken, reached, true_sites, met_sites)
    return out


def _never_true(sc: Scenario, src: Source, visited: set[str], taken: set[str], reached: dict[str, _Tally],
                true_sites: set[Site], met_sites: set[Site]) -> list[ContentError]:
    """Conditions met on some path (their node was visited) but true on none."""
    out: list[ContentError] = []

    def check(site: Site, cond: str | None, what: str, met: bool) -> None:
        if cond is not None and met and site not in true_sites:
            why = ("is false on every path that reaches it" if site in met_sites
                   else "is never tried: an earlier branch applies on every path that reaches it")
            out.append(src.error((*site, "if"), "cond.never-true", f"the {what} condition '{cond}' {why}"))

    for nid, node in sc.nodes.items():
        seen = nid in visited
        for ln in node.lines:
            check(ln.site, ln.cond, "line", seen)
        for r in node.routes:
            check(r.site, r.cond, "branch", seen)
        for c in node.choices:
            check(c.site, c.cond, "choice", seen)
            for ln in c.reply:
                check(ln.site, ln.cond, "reply", c.id in taken)
            for r in c.routes:
                check(r.site, r.cond, "branch", c.id in taken)
        if node.ending is not None:
            for p in node.ending.parts:
                check(p.site, p.cond, "text part", nid in reached)
    return out


def _idle_repairs(sc: Scenario, src: Source, taken: set[str], repaired: set[tuple[str, str]]) -> list[ContentError]:
    """``repairs:`` entries that repair nothing on any path (the harm never comes before the repair)."""
    out = []
    for node in sc.nodes.values():
        for k, c in enumerate(node.choices):
            if c.id not in taken:
                continue
            for j, rid in enumerate(c.repairs):
                if (c.id, rid) not in repaired:
                    out.append(src.error(("nodes", node.id, "choices", k, "repairs", j), "ref.repair",
                                         f"choice '{c.id}' repairs '{rid}', but no path takes '{rid}' (unrepaired) "
                                         f"before '{c.id}'; the repair never applies"))
    return out


def _statically_reachable(sc: Scenario, target: str) -> bool:
    seen: set[str] = set()
    stack = [sc.start]
    while stack:
        nid = stack.pop()
        if nid == target:
            return True
        if nid in seen or nid not in sc.nodes:
            continue
        seen.add(nid)
        node = sc.nodes[nid]
        stack += [r.goto for r in node.routes]
        stack += [r.goto for c in node.choices for r in c.routes]
    return False
