"""Semantic checks that a JSON Schema cannot express: references, the scenario graph, answers.

Each check yields located :class:`ContentError` values with a stable code. The codes, with a
failing and a passing example each, are listed in ``docs/error-codes.md``.
"""

from __future__ import annotations

from collections import Counter, deque
from collections.abc import Iterator
from difflib import get_close_matches
from typing import TYPE_CHECKING, Any

from widgets import engine
from widgets.content.conditions import BOOL, BUILTINS, INT, analyse, constant_value
from widgets.content.errors import ContentError
from widgets.content.models import NARRATOR, Course, Reflection, Scenario, SelfCheck
from widgets.content.source import Source

if TYPE_CHECKING:
    from widgets.content.timing import CourseTiming


def _did_you_mean(word: str, options: list[str]) -> str:
    close = get_close_matches(word, options, n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


def _norm(text: str) -> str:
    return " ".join(text.lower().split())


def check_scenario(src: Source, sc: Scenario, course: Course | None, folder_module: str | None) -> Iterator[ContentError]:
    """Every reference, graph, state, scoring and path problem in a schema-valid scenario.

    Each check is its own function (listed in :data:`SCENARIO_CHECKS`); the embedded tests and
    playtest run only on a sound file, so replay cannot fail for unrelated reasons. Playtest reports
    nothing for ``mentor-scenario/1`` files (their rules are v1's), so it does not run on them here.
    """
    found: list[ContentError] = []
    for check in SCENARIO_CHECKS:
        found += check(src, sc, course, folder_module)
    yield from found
    codes = {e.code for e in found}
    if not codes & {"graph.dangling-goto", "graph.no-fallback", "graph.fallback-not-last", "cond.syntax",
                    "cond.type", "state.undefined", "state.type", "state.reserved", "ref.repair"}:
        yield from check_tests(src, sc)
    if sc.version >= 2 and not any(code.startswith(("graph.", "node.", "cond.", "state.", "ref.repair"))
                                   for code in codes):
        from widgets.content.playtest import playtest_once

        yield from playtest_once(sc, src).errors


def check_id(src: Source, sc: Scenario, course: Course | None, folder_module: str | None) -> Iterator[ContentError]:
    """The scenario id names its file, so links and saves find it; ``moved_from`` names another module."""
    stem = src.file.rsplit("/", 1)[-1].removesuffix(".yaml").removesuffix(".yml")
    if stem != sc.id:
        yield src.error(("id",), "id.filename", f"scenario id '{sc.id}' differs from its file name '{stem}.yaml'; "
                                                "make them the same so links and saves find it")
    if sc.moved_from and sc.moved_from == sc.module:
        yield src.error(("moved_from",), "ref.moved-from",
                        f"moved_from '{sc.moved_from}' is this scenario's own module; name the module it came from")


def check_manifest_refs(src: Source, sc: Scenario, course: Course | None,
                        folder_module: str | None) -> Iterator[ContentError]:
    """The module and competencies exist in the course manifest, and the module is the folder's."""
    if course is not None:
        if course.module(sc.module) is None:
            yield src.error(("module",), "ref.module", f"module '{sc.module}' is not in course.yaml"
                            + _did_you_mean(sc.module, [m.id for m in course.modules]))
        declared = list(course.competency_ids)
        for i, comp in enumerate(sc.competencies):
            if comp not in declared:
                yield src.error(("competencies", i), "ref.competency",
                                f"competency '{comp}' is not declared in course.yaml" + _did_you_mean(comp, declared))
    if folder_module and sc.module != folder_module:
        yield src.error(("module",), "ref.module",
                        f"module '{sc.module}' does not match the folder the file is in ('{folder_module}')")


def check_unique_ids(src: Source, sc: Scenario, course: Course | None,
                     folder_module: str | None) -> Iterator[ContentError]:
    """Choice ids are unique in the scenario (saves and votes name them); checklist ids too."""
    seen_choice: dict[str, str] = {}
    for node in sc.nodes.values():
        for k, c in enumerate(node.choices):
            if c.id in seen_choice:
                yield src.error(("nodes", node.id, "choices", k, "id"), "id.duplicate",
                                f"choice id '{c.id}' is already used at node '{seen_choice[c.id]}'; "
                                "choice ids must be unique in a scenario")
            else:
                seen_choice[c.id] = node.id
    for item_id, n in Counter(i.id for i in sc.checklist).items():
        if n > 1:
            k = [i.id for i in sc.checklist].index(item_id)
            yield src.error(("live", "checklist", k, "id"), "id.duplicate", f"checklist id '{item_id}' appears {n} times")


def check_speakers(src: Source, sc: Scenario, course: Course | None, folder_module: str | None) -> Iterator[ContentError]:
    """Every line (and reply) is spoken by a character or the narrator."""
    speakers = [*sc.characters, NARRATOR]

    def line_errors(lines: tuple, path: tuple) -> Iterator[ContentError]:
        for k, ln in enumerate(lines):
            if ln.speaker not in speakers:
                yield src.error((*path, k, "speaker"), "ref.speaker",
                                f"speaker '{ln.speaker}' is not one of the characters (or 'narrator')"
                                + _did_you_mean(ln.speaker, speakers))

    for node in sc.nodes.values():
        yield from line_errors(node.lines, ("nodes", node.id, "lines"))
        for k, c in enumerate(node.choices):
            yield from line_errors(c.reply, ("nodes", node.id, "choices", k, "reply"))


def check_competencies(src: Source, sc: Scenario, course: Course | None,
                       folder_module: str | None) -> Iterator[ContentError]:
    """Scores name listed competencies, every listed one is scored, checklist items name known ones."""
    listed = list(sc.competencies)
    scored: set[str] = set()
    for node in sc.nodes.values():
        for k, c in enumerate(node.choices):
            for comp in c.scores:
                scored.add(comp)
                if comp not in listed:
                    yield src.error(("nodes", node.id, "choices", k, "scores", comp), "ref.competency",
                                    f"choice '{c.id}' scores '{comp}', which the scenario does not list in "
                                    "'competencies'" + _did_you_mean(comp, listed), at_key=True)
    for i, comp in enumerate(sc.competencies):
        if comp not in scored:
            yield src.error(("competencies", i), "competency.unscored",
                            f"competency '{comp}' is listed but no choice scores it")
    for k, item in enumerate(sc.checklist):
        if item.competency and item.competency not in listed and (course is None or item.competency not in course.competency_ids):
            yield src.error(("live", "checklist", k, "competency"), "ref.competency",
                            f"checklist item '{item.id}' names unknown competency '{item.competency}'")


def _edges(sc: Scenario) -> dict[str, list[str]]:
    """Every node's possible next nodes (all branches of every goto), existing targets only."""
    edges: dict[str, list[str]] = {nid: [] for nid in sc.nodes}
    for node in sc.nodes.values():
        for r in node.routes:
            if r.goto in sc.nodes:
                edges[node.id].append(r.goto)
        for c in node.choices:
            for r in c.routes:
                if r.goto in sc.nodes:
                    edges[node.id].append(r.goto)
    return edges


def _reachable(sc: Scenario, edges: dict[str, list[str]]) -> set[str]:
    reachable: set[str] = set()
    if sc.start in sc.nodes:
        queue = deque([sc.start])
        while queue:
            nid = queue.popleft()
            if nid in reachable:
                continue
            reachable.add(nid)
            queue.extend(edges[nid])
    return reachable


def check_targets(src: Source, sc: Scenario, course: Course | None, folder_module: str | None) -> Iterator[ContentError]:
    """``start`` and every goto branch name an existing node; each node has exactly one shape."""
    node_ids = list(sc.nodes)
    if sc.start not in sc.nodes:
        yield src.error(("start",), "graph.dangling-goto",
                        f"start node '{sc.start}' does not exist" + _did_you_mean(sc.start, node_ids))
    for node in sc.nodes.values():
        shapes = [name for name, present in (("choices", node.choices), ("goto", node.routes), ("ending", node.ending))
                  if present]
        if not shapes:
            yield src.error(("nodes", node.id), "graph.dead-end",
                            f"node '{node.id}' has no choices, no goto and no ending: play would stop here")
        elif len(shapes) > 1:
            yield src.error(("nodes", node.id), "node.ambiguous",
                            f"node '{node.id}' has {' and '.join(shapes)}; a node offers choices, moves on with "
                            "goto, or ends, never more than one")
        owners = [(f"node '{node.id}'", ("nodes", node.id, "goto"), node.routes)]
        owners += [(f"choice '{c.id}'", ("nodes", node.id, "choices", k, "goto"), c.routes)
                   for k, c in enumerate(node.choices)]
        for who, path, routes in owners:
            branched = len(routes) > 1 or any(r.cond for r in routes)
            for k, r in enumerate(routes):
                if r.goto not in sc.nodes:
                    where = (*path, k, "goto") if branched else path
                    yield src.error(where, "graph.dangling-goto",
                                    f"{who} goes to unknown node '{r.goto}'" + _did_you_mean(r.goto, node_ids))
            if branched:
                yield from _check_fallback(src, who, path, routes)


def _check_fallback(src: Source, who: str, path: tuple, routes: tuple) -> Iterator[ContentError]:
    """A routing list ends with exactly one branch without ``if:`` (the fallback)."""
    if routes[-1].cond is not None:
        yield src.error((*path, len(routes) - 1), "graph.no-fallback",
                        f"{who} routes by conditions but its last branch has an 'if'; end the list with a branch "
                        "without 'if' (the fallback), so every path has somewhere to go")
    for k, r in enumerate(routes[:-1]):
        if r.cond is None:
            yield src.error((*path, k), "graph.fallback-not-last",
                            f"{who}: branch {k + 1} (to '{r.goto}') has no 'if', so the branches after it are "
                            "never tried; make it the last branch")


def check_graph(src: Source, sc: Scenario, course: Course | None, folder_module: str | None) -> Iterator[ContentError]:
    """Every node is reachable, an ending can be reached from each, and (v2) the graph has no cycle."""
    edges = _edges(sc)
    reachable = _reachable(sc, edges)
    yield from _check_unreachable(src, sc, reachable)
    ending_errors = list(_check_endings(src, sc, edges, reachable))
    yield from ending_errors
    # A trap is a loop already reported: cycles are looked for only where no node is a trap.
    traps = [e for e in ending_errors if e.path != ("nodes",)]
    if sc.version >= 2 and not traps:
        yield from _check_cycles(src, sc, edges)


def _check_unreachable(src: Source, sc: Scenario, reachable: set[str]) -> Iterator[ContentError]:
    """A node play can never reach is dead text (only said when ``start`` exists, else all would be)."""
    if sc.start not in sc.nodes:
        return
    for nid in sc.nodes:
        if nid not in reachable:
            yield src.error(("nodes", nid), "graph.unreachable", f"node '{nid}' cannot be reached from '{sc.start}'",
                            at_key=True)


def _can_end(sc: Scenario, edges: dict[str, list[str]]) -> set[str]:
    """The nodes from which some ending can be reached (walking the edges backwards from the endings)."""
    reverse: dict[str, list[str]] = {nid: [] for nid in sc.nodes}
    for nid, outs in edges.items():
        for t in outs:
            reverse[t].append(nid)
    can_end = {nid for nid, n in sc.nodes.items() if n.ending is not None}
    queue = deque(can_end)
    while queue:
        for prev in reverse[queue.popleft()]:
            if prev not in can_end:
                can_end.add(prev)
                queue.append(prev)
    return can_end


def _check_endings(src: Source, sc: Scenario, edges: dict[str, list[str]],
                   reachable: set[str]) -> Iterator[ContentError]:
    """The scenario has an ending, and no reachable node traps the mentor where none can be reached."""
    if not any(n.ending for n in sc.nodes.values()):
        yield src.error(("nodes",), "graph.no-ending", "the scenario has no ending node")
        return
    can_end = _can_end(sc, edges)
    for nid, node in sc.nodes.items():
        if nid not in can_end and nid in reachable and node.ending is None and (node.choices or node.routes):
            yield src.error(("nodes", nid), "graph.no-ending",
                            f"no ending can be reached from node '{nid}' (a trap or a loop without exit)", at_key=True)


def _check_cycles(src: Source, sc: Scenario, edges: dict[str, list[str]]) -> Iterator[ContentError]:
    """A v2 graph is acyclic over every branch, so playtest's enumeration of paths is exact."""
    colour: dict[str, int] = dict.fromkeys(sc.nodes, 0)  # 0 new, 1 on the stack, 2 done
    reported: set[frozenset[str]] = set()
    for root in sc.nodes:
        if colour[root]:
            continue
        stack: list[tuple[str, int]] = [(root, 0)]
        trail: list[str] = []
        while stack:
            nid, i = stack.pop()
            if i == 0:
                colour[nid] = 1
                trail.append(nid)
            outs = edges[nid]
            if i < len(outs):
                stack.append((nid, i + 1))
                nxt = outs[i]
                if colour[nxt] == 1:
                    loop = trail[trail.index(nxt):]
                    key = frozenset(loop)
                    if key not in reported:
                        reported.add(key)
                        shown = " -> ".join([*loop, nxt])
                        yield src.error(("nodes", nxt), "graph.cycle",
                                        f"the scenario can loop: {shown}; a mentor-scenario/2 graph must be acyclic "
                                        "(route by state to a new node instead of back)", at_key=True)
                elif colour[nxt] == 0:
                    stack.append((nxt, 0))
            else:
                colour[nid] = 2
                trail.pop()


def check_decisions(src: Source, sc: Scenario, course: Course | None,
                    folder_module: str | None) -> Iterator[ContentError]:
    """Each decision point has a best option that scores highest and options that differ."""
    for node in sc.nodes.values():
        if not node.choices:
            continue
        path = ("nodes", node.id, "choices")
        best = [c for c in node.choices if c.quality == "best"]
        if not best:
            yield src.error(path, "choice.no-best", f"node '{node.id}' has no option of quality 'best'", at_key=True)
        others = [c for c in node.choices if c.quality != "best"]
        for b in best:
            beaten = [o for o in others if o.total >= b.total]
            if beaten:
                k = node.choices.index(b)
                yield src.error((*path, k, "scores"), "choice.best-not-highest",
                                f"best option '{b.id}' scores {b.total}, but '{beaten[0].id}' "
                                f"({beaten[0].quality}) scores {beaten[0].total}; the best option must score highest")
        texts: dict[str, str] = {}
        for k, c in enumerate(node.choices):
            key = _norm(c.text)
            if key in texts:
                yield src.error((*path, k, "text"), "choice.same-text",
                                f"options '{texts[key]}' and '{c.id}' at node '{node.id}' read the same")
            texts[key] = c.id
        if len(node.choices) > 1 and len({(c.quality, tuple(sorted(c.scores.items()))) for c in node.choices}) == 1:
            yield src.error(path, "choice.no-difference",
                            f"every option at node '{node.id}' has the same quality and scores; a decision point "
                            "should offer a real difference", at_key=True)


def state_types(sc: Scenario) -> dict[str, str]:
    """What a condition may read in ``sc``: declared flags and counters, and the built-ins."""
    types = {name: (BOOL if var.type == "flag" else INT) for name, var in sc.state.items()}
    types.update(dict.fromkeys(BUILTINS, INT))
    return types


def condition_sites(sc: Scenario) -> Iterator[tuple[tuple, str, str]]:
    """Every condition in ``sc`` as (site of its ``if:`` or claim, text, what kind of place)."""
    for node in sc.nodes.values():
        yield from _line_conditions(node.lines, "line")
        yield from _route_conditions(node.routes)
        for c in node.choices:
            if c.cond is not None:
                yield (*c.site, "if"), c.cond, "choice"
            yield from _line_conditions(c.reply, "reply")
            yield from _route_conditions(c.routes)
        if node.ending is not None:
            yield from _ending_conditions(node.ending)


def _line_conditions(lines: tuple, what: str) -> Iterator[tuple[tuple, str, str]]:
    for ln in lines:
        if ln.cond is not None:
            yield (*ln.site, "if"), ln.cond, what


def _route_conditions(routes: tuple) -> Iterator[tuple[tuple, str, str]]:
    for r in routes:
        if r.cond is not None:
            yield (*r.site, "if"), r.cond, "branch"


def _ending_conditions(ending: Any) -> Iterator[tuple[tuple, str, str]]:
    for p in ending.parts:
        if p.cond is not None:
            yield (*p.site, "if"), p.cond, "text part"
    for cl in ending.claims:
        yield cl.site, cl.text, "claim"


def check_state(src: Source, sc: Scenario, course: Course | None, folder_module: str | None) -> Iterator[ContentError]:
    """Declared names do not shadow built-ins; effects name declared state of the right type."""
    for name in sc.state:
        if name in BUILTINS:
            yield src.error(("state", name), "state.reserved",
                            f"'{name}' is a built-in the engine computes ({BUILTINS[name]}); pick another name",
                            at_key=True)
    flags = [n for n, v in sc.state.items() if v.type == "flag"]
    counters = [n for n, v in sc.state.items() if v.type == "counter"]
    for node in sc.nodes.values():
        for k, c in enumerate(node.choices):
            base = ("nodes", node.id, "choices", k)
            for key, names, other, want in (("set", c.set_flags, counters, "flag"), ("add", c.add_counters, flags, "counter")):
                for name in names:
                    if name in other:
                        yield src.error((*base, key, name), "state.type",
                                        f"choice '{c.id}' uses '{key}' on '{name}', which is a "
                                        f"{'counter' if want == 'flag' else 'flag'}; "
                                        + ("'set' takes flags (true/false)" if key == "set"
                                           else "'add' takes counters (a whole number)"), at_key=True)
                    elif name not in sc.state:
                        yield src.error((*base, key, name), "state.undefined",
                                        f"choice '{c.id}' {key}s '{name}', which is not declared under 'state:'"
                                        + _did_you_mean(name, flags if key == "set" else counters), at_key=True)


def check_conditions(src: Source, sc: Scenario, course: Course | None,
                     folder_module: str | None) -> Iterator[ContentError]:
    """Every ``if:`` and claim parses, names declared state, is true/false, and is not constantly false."""
    types = state_types(sc)
    for site, text, what in condition_sites(sc):
        line, col = src.locate(site)
        ast, errors = analyse(text, types, file=src.file, line=line, col=col,
                              col_of=lambda off, site=site: src.scalar_position(site, off))
        yield from (ContentError(e.file, e.line, e.col, e.code, e.message, site) for e in errors)
        if ast is not None and constant_value(ast) is False:
            yield src.error(site, "cond.never-true", f"the {what} condition '{text}' is false whatever the mentor "
                                                     "does, so it can never apply")


def check_repairs(src: Source, sc: Scenario, course: Course | None, folder_module: str | None) -> Iterator[ContentError]:
    """``repairs:`` names harmful choices of this scenario (not the repairing choice itself)."""
    all_choices = {c.id: c for n in sc.nodes.values() for c in n.choices}
    harmful = [cid for cid, c in all_choices.items() if c.quality == "harmful"]
    for node in sc.nodes.values():
        for k, c in enumerate(node.choices):
            for j, rid in enumerate(c.repairs):
                path = ("nodes", node.id, "choices", k, "repairs", j)
                if rid not in all_choices:
                    yield src.error(path, "ref.repair", f"choice '{c.id}' repairs '{rid}', which is not a choice in "
                                                        "this scenario" + _did_you_mean(rid, harmful))
                elif rid == c.id:
                    yield src.error(path, "ref.repair", f"choice '{c.id}' cannot repair itself")
                elif all_choices[rid].quality != "harmful":
                    yield src.error(path, "ref.repair", f"choice '{c.id}' repairs '{rid}', which is "
                                                        f"{all_choices[rid].quality}, not harmful; only harm is repaired")


#: The checks of a scenario file, in the order their problems are usually fixed.
SCENARIO_CHECKS = (check_id, check_manifest_refs, check_unique_ids, check_speakers, check_competencies,
                   check_targets, check_graph, check_decisions, check_state, check_conditions, check_repairs)


def check_tests(src: Source, sc: Scenario) -> Iterator[ContentError]:
    """Each embedded ``tests:`` path replays to its expected ending, totals and state."""
    types = state_types(sc)
    for k, t in enumerate(sc.tests):
        yield from _check_one_test(src, sc, types, ("tests", k), t)


def _check_one_test(src: Source, sc: Scenario, types: dict[str, str], tpath: tuple, t: Any) -> Iterator[ContentError]:
    """One test: its expected ending is an ending, its expected state names declared state of the right type,
    and replaying its path ends there with the expected totals and state (in that order: the replay
    is only worth reporting once what it is compared with makes sense)."""
    if t.ending not in sc.nodes or sc.nodes[t.ending].ending is None:
        yield src.error((*tpath, "expect", "ending"), "test.failed",
                        f"test '{t.name}' expects ending '{t.ending}', which is not an ending node"
                        + _did_you_mean(t.ending, [n for n, v in sc.nodes.items() if v.ending]))
        return
    state_errors = list(_check_test_state_names(src, types, tpath, t))
    yield from state_errors
    try:
        st = engine.replay(sc, t.path)
    except engine.InvalidChoice as exc:
        yield src.error((*tpath, "path"), "test.failed", f"test '{t.name}': {exc}")
        return
    if st.node_id != t.ending:
        where = "stops at decision point" if not engine.is_ended(sc, st) else "ends at"
        yield src.error((*tpath, "path"), "test.failed",
                        f"test '{t.name}' {where} '{st.node_id}', expected ending '{t.ending}'")
        return
    yield from _check_test_totals(src, sc, tpath, t, st)
    if t.state is not None and not state_errors:
        yield from _check_test_state_values(src, sc, tpath, t, st)


def _check_test_state_names(src: Source, types: dict[str, str], tpath: tuple, t: Any) -> Iterator[ContentError]:
    """The state a test expects is declared (or a built-in) and of the expected value's type."""
    for name, value in (t.state or {}).items():
        if name not in types:
            yield src.error((*tpath, "expect", "state", name), "state.undefined",
                            f"test '{t.name}' expects '{name}', which is not declared under 'state:' nor a "
                            "built-in" + _did_you_mean(name, list(types)), at_key=True)
        elif (types[name] == BOOL) != isinstance(value, bool):
            yield src.error((*tpath, "expect", "state", name), "state.type",
                            f"test '{t.name}' expects '{name}' to be {value!r}, but it is a {types[name]}")


def _check_test_totals(src: Source, sc: Scenario, tpath: tuple, t: Any, st: Any) -> Iterator[ContentError]:
    if t.scores is None:
        return
    got = engine.totals(sc, st)
    wrong = {c: got.get(c, 0) for c, v in t.scores.items() if got.get(c, 0) != v}
    if wrong:
        yield src.error((*tpath, "expect", "scores"), "test.failed",
                        f"test '{t.name}' totals differ: got {wrong}, expected "
                        f"{ {c: t.scores[c] for c in wrong} }")


def _check_test_state_values(src: Source, sc: Scenario, tpath: tuple, t: Any, st: Any) -> Iterator[ContentError]:
    values = engine.state_values(sc, st)
    wrong_state = {n: values[n] for n, v in t.state.items() if values[n] != v or type(values[n]) is not type(v)}
    if wrong_state:
        yield src.error((*tpath, "expect", "state"), "test.failed",
                        f"test '{t.name}' state differs: got {wrong_state}, expected "
                        f"{ {n: t.state[n] for n in wrong_state} }")


def check_selfcheck(src: Source, sc: SelfCheck, course: Course | None, folder_module: str | None) -> Iterator[ContentError]:
    """Unique ids, and answers that fit each question's kind."""
    yield from _check_module_ref(src, sc.module, course, folder_module)
    seen: set[str] = set()
    for i, q in enumerate(sc.questions):
        if q.id in seen:
            yield src.error(("questions", i, "id"), "id.duplicate", f"question id '{q.id}' is used twice")
        seen.add(q.id)
        for opt_id, n in Counter(o.id for o in q.options).items():
            if n > 1:
                yield src.error(("questions", i, "options"), "id.duplicate",
                                f"option id '{opt_id}' is used {n} times in question '{q.id}'")
        n_correct = len(q.correct_ids)
        if q.kind == "single" and n_correct != 1:
            yield src.error(("questions", i, "kind"), "answer.count",
                            f"question '{q.id}' is 'single' but has {n_correct} correct options; mark exactly one, "
                            "or make it 'multiple'")
        if q.kind == "multiple" and n_correct == 0:
            yield src.error(("questions", i, "kind"), "answer.count",
                            f"question '{q.id}' has no correct option")
        texts = [_norm(o.text) for o in q.options]
        if len(set(texts)) != len(texts):
            yield src.error(("questions", i, "options"), "choice.same-text",
                            f"two options of question '{q.id}' read the same")


def check_reflection(src: Source, r: Reflection, course: Course | None, folder_module: str | None) -> Iterator[ContentError]:
    """Unique prompt ids and a module that exists."""
    yield from _check_module_ref(src, r.module, course, folder_module)
    seen: set[str] = set()
    for i, p in enumerate(r.prompts):
        if p.id in seen:
            yield src.error(("prompts", i, "id"), "id.duplicate", f"prompt id '{p.id}' is used twice")
        seen.add(p.id)
        if p.moved_from and p.moved_from == r.module:
            yield src.error(("prompts", i, "moved_from"), "ref.moved-from",
                            f"prompt '{p.id}' says moved_from '{p.moved_from}', its own module; name the module "
                            "it came from")


def check_course(src: Source, course: Course) -> Iterator[ContentError]:
    """Unique competency, module and track ids in the manifest, and tracks that cover every module once."""
    for field, items in (("competencies", course.competencies), ("modules", course.modules), ("tracks", course.tracks)):
        seen: set[str] = set()
        for i, item in enumerate(items):
            if item.id in seen:
                what = {"modules": "module", "tracks": "track"}.get(field, "competency")
                yield src.error((field, i, "id"), "id.duplicate", f"{what} id '{item.id}' is declared twice")
            seen.add(item.id)
    yield from check_tracks(src, course)


def check_tracks(src: Source, course: Course) -> Iterator[ContentError]:
    """With a ``tracks:`` block, every module of ``modules:`` is in exactly one track, and a track names
    only modules the course has (a course without tracks is not checked: small test courses)."""
    if not course.tracks:
        return
    known = [m.id for m in course.modules]
    first: dict[str, str] = {}
    for i, track in enumerate(course.tracks):
        for j, module in enumerate(track.modules):
            if module not in known:
                yield src.error(("tracks", i, "modules", j), "track.unknown-module",
                                f"track '{track.id}' lists module '{module}', which is not in modules:"
                                + _did_you_mean(module, known))
            elif module in first and first[module] != track.id:
                yield src.error(("tracks", i, "modules", j), "track.two-tracks",
                                f"module '{module}' is in track '{first[module]}' and in track '{track.id}'; "
                                "a module belongs to exactly one track")
            first.setdefault(module, track.id)
    for i, module in enumerate(course.modules):
        if module.id not in first:
            yield src.error(("modules", i, "id"), "track.no-track",
                            f"module '{module.id}' is in no track; add it to one of "
                            f"{', '.join(t.id for t in course.tracks)} under tracks:")


def check_timing(src: Source, course: Course, timing: CourseTiming) -> Iterator[ContentError]:
    """Each declared ``minutes:`` within 15% (or 5 minutes) of the measured figure, and each track with
    a ``max_minutes`` at or under it (measured; see :mod:`widgets.content.timing`)."""
    for i, module in enumerate(course.modules):
        t = timing.modules.get(module.id)
        if t is None or t.declared_ok:
            continue
        yield src.error(("modules", i, "minutes"), "time.declared",
                        f"module '{module.id}' declares {module.minutes} minutes but measures {t.total:.0f} "
                        f"(prose {t.prose:.0f}, scenarios {t.scenario:.0f}, self-check {t.selfcheck:.0f}, "
                        f"reflection {t.reflection:.0f} at {t.wpm} words a minute); declare "
                        f"{round(t.total)} (within {t.tolerance:.0f} minutes); see `mentor-course minutes`")
    for i, track in enumerate(course.tracks):
        tt = timing.track(track.id)
        if tt is not None and tt.over_budget:
            yield src.error(("tracks", i, "max_minutes"), "time.over-budget",
                            f"track '{track.id}' measures {tt.total:.0f} minutes, over its max_minutes "
                            f"{track.max_minutes}: " + ", ".join(
                                f"{m} {timing.modules[m].total:.0f}" for m in track.modules if m in timing.modules))


def _check_module_ref(src: Source, module: str, course: Course | None, folder_module: str | None) -> Iterator[ContentError]:
    if course is not None and course.module(module) is None:
        yield src.error(("module",), "ref.module", f"module '{module}' is not in course.yaml"
                        + _did_you_mean(module, [m.id for m in course.modules]))
    if folder_module and module != folder_module:
        yield src.error(("module",), "ref.module",
                        f"module '{module}' does not match the folder the file is in ('{folder_module}')")
