"""Semantic checks that a JSON Schema cannot express: references, the scenario graph, answers.

Each check yields located :class:`ContentError` values with a stable code. The codes, with a
failing and a passing example each, are listed in ``docs/error-codes.md``.
"""

from __future__ import annotations

from collections import Counter, deque
from collections.abc import Iterator
from difflib import get_close_matches

from widgets import engine
from widgets.content.errors import ContentError
from widgets.content.models import NARRATOR, Course, Reflection, Scenario, SelfCheck
from widgets.content.source import Source


def _did_you_mean(word: str, options: list[str]) -> str:
    close = get_close_matches(word, options, n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


def _norm(text: str) -> str:
    return " ".join(text.lower().split())


def check_scenario(src: Source, sc: Scenario, course: Course | None, folder_module: str | None) -> Iterator[ContentError]:
    """Every reference, graph and scoring problem in a schema-valid scenario."""
    node_ids = list(sc.nodes)
    stem = src.file.rsplit("/", 1)[-1].removesuffix(".yaml").removesuffix(".yml")
    if stem != sc.id:
        yield src.error(("id",), "id.filename", f"scenario id '{sc.id}' differs from its file name '{stem}.yaml'; "
                                                "make them the same so links and saves find it")

    # --- references to the course manifest
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

    # --- ids
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

    # --- speakers and scored competencies
    speakers = [*sc.characters, NARRATOR]

    def line_errors(lines: tuple, path: tuple) -> Iterator[ContentError]:
        for k, ln in enumerate(lines):
            if ln.speaker not in speakers:
                yield src.error((*path, k, "speaker"), "ref.speaker",
                                f"speaker '{ln.speaker}' is not one of the characters (or 'narrator')"
                                + _did_you_mean(ln.speaker, speakers))

    listed = list(sc.competencies)
    scored: set[str] = set()
    for node in sc.nodes.values():
        yield from line_errors(node.lines, ("nodes", node.id, "lines"))
        for k, c in enumerate(node.choices):
            yield from line_errors(c.reply, ("nodes", node.id, "choices", k, "reply"))
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

    # --- graph: targets, node shape, reachability, endings
    dangling = False
    if sc.start not in sc.nodes:
        dangling = True
        yield src.error(("start",), "graph.dangling-goto",
                        f"start node '{sc.start}' does not exist" + _did_you_mean(sc.start, node_ids))
    edges: dict[str, list[str]] = {nid: [] for nid in node_ids}
    for node in sc.nodes.values():
        shapes = [name for name, present in (("choices", node.choices), ("goto", node.goto), ("ending", node.ending))
                  if present]
        if not shapes:
            yield src.error(("nodes", node.id), "graph.dead-end",
                            f"node '{node.id}' has no choices, no goto and no ending: play would stop here")
        elif len(shapes) > 1:
            yield src.error(("nodes", node.id), "node.ambiguous",
                            f"node '{node.id}' has {' and '.join(shapes)}; a node offers choices, moves on with "
                            "goto, or ends, never more than one")
        targets = [(("nodes", node.id, "goto"), node.goto)] if node.goto else []
        targets += [(("nodes", node.id, "choices", k, "goto"), c.goto) for k, c in enumerate(node.choices)]
        for path, target in targets:
            if target in sc.nodes:
                edges[node.id].append(target)
            else:
                dangling = True
                who = f"choice '{node.choices[path[3]].id}'" if len(path) > 3 else f"node '{node.id}'"
                yield src.error(path, "graph.dangling-goto",
                                f"{who} goes to unknown node '{target}'" + _did_you_mean(target, node_ids))

    reachable: set[str] = set()
    if sc.start in sc.nodes:
        queue = deque([sc.start])
        while queue:
            nid = queue.popleft()
            if nid in reachable:
                continue
            reachable.add(nid)
            queue.extend(edges[nid])
        for nid in node_ids:
            if nid not in reachable:
                yield src.error(("nodes", nid), "graph.unreachable", f"node '{nid}' cannot be reached from '{sc.start}'",
                                at_key=True)

    reverse: dict[str, list[str]] = {nid: [] for nid in node_ids}
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
    if not any(n.ending for n in sc.nodes.values()):
        yield src.error(("nodes",), "graph.no-ending", "the scenario has no ending node")
    else:
        for nid in node_ids:
            if nid not in can_end and nid in reachable and sc.nodes[nid].ending is None and (
                sc.nodes[nid].choices or sc.nodes[nid].goto
            ):
                yield src.error(("nodes", nid), "graph.no-ending",
                                f"no ending can be reached from node '{nid}' (a trap or a loop without exit)",
                                at_key=True)

    # --- decision points
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

    # --- embedded tests (only on a sound graph, so replay cannot fail for unrelated reasons)
    if dangling:
        return
    for k, t in enumerate(sc.tests):
        tpath = ("tests", k)
        if t.ending not in sc.nodes or sc.nodes[t.ending].ending is None:
            yield src.error((*tpath, "expect", "ending"), "test.failed",
                            f"test '{t.name}' expects ending '{t.ending}', which is not an ending node"
                            + _did_you_mean(t.ending, [n for n, v in sc.nodes.items() if v.ending]))
            continue
        try:
            st = engine.replay(sc, t.path)
        except engine.InvalidChoice as exc:
            yield src.error((*tpath, "path"), "test.failed", f"test '{t.name}': {exc}")
            continue
        if st.node_id != t.ending:
            where = "stops at decision point" if not engine.is_ended(sc, st) else "ends at"
            yield src.error((*tpath, "path"), "test.failed",
                            f"test '{t.name}' {where} '{st.node_id}', expected ending '{t.ending}'")
        elif t.scores is not None:
            got = engine.totals(sc, st)
            wrong = {c: got.get(c, 0) for c, v in t.scores.items() if got.get(c, 0) != v}
            if wrong:
                yield src.error((*tpath, "expect", "scores"), "test.failed",
                                f"test '{t.name}' totals differ: got {wrong}, expected "
                                f"{ {c: t.scores[c] for c in wrong} }")


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


def check_course(src: Source, course: Course) -> Iterator[ContentError]:
    """Unique competency and module ids in the manifest."""
    for field, items in (("competencies", course.competencies), ("modules", course.modules)):
        seen: set[str] = set()
        for i, item in enumerate(items):
            if item.id in seen:
                yield src.error((field, i, "id"), "id.duplicate", f"{field[:-1] if field == 'modules' else 'competency'} "
                                                                    f"id '{item.id}' is declared twice")
            seen.add(item.id)


def _check_module_ref(src: Source, module: str, course: Course | None, folder_module: str | None) -> Iterator[ContentError]:
    if course is not None and course.module(module) is None:
        yield src.error(("module",), "ref.module", f"module '{module}' is not in course.yaml"
                        + _did_you_mean(module, [m.id for m in course.modules]))
    if folder_module and module != folder_module:
        yield src.error(("module",), "ref.module",
                        f"module '{module}' does not match the folder the file is in ('{folder_module}')")
