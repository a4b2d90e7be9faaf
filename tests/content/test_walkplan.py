"""Does playtest's compiled walk (widgets.content.walkplan) agree with the engine it stands in for?"""

from __future__ import annotations

import random

import pytest

from tests.conftest import REPO
from widgets import engine
from widgets.content.conditions import ConditionError, evaluate, parse, slot_evaluator
from widgets.content.loader import check_paths
from widgets.content.walkplan import ScenarioPlan

SCENARIOS = check_paths(root=REPO).scenarios


def _env_of(plan: ScenarioPlan, s: tuple) -> dict:
    env = dict(zip(plan.names, s[:plan.n], strict=True))
    env.update(best=s[plan.n], mixed=s[plan.n + 1], harmful=s[plan.n + 2], unrepaired=len(s[plan.n + 3]))
    return env


def _outcome(fn, *args):
    try:
        return ("ok", fn(*args))
    except ConditionError as exc:
        return ("error", exc.code, exc.offset, exc.message)


@pytest.mark.parametrize("text", [
    "asked", "not asked", "asked and slips > 1", "asked or slips == 2", "slips >= 2 and not (harmful < 1)",
    "unrepaired == 0", "unrepaired > 0 or best != 1", "1 > 2", "true", "missing_name", "asked > 1",
    "slips and asked", "asked == 1", "slips != true", "(", "asked ==",
])
def test_slot_evaluator_matches_evaluate(text):
    """Same value, or the same ConditionError, for every state (a text that does not parse fails alike)."""
    slots = {"asked": 0, "slips": 1, "best": 2, "mixed": 3, "harmful": 4, "unrepaired": 5}
    compiled = slot_evaluator(text, slots, frozenset({"unrepaired"}))
    for s in [(False, 0, 0, 0, 0, ()), (True, 3, 1, 0, 2, ("a",)), (True, 2, 1, 1, 0, ("a", "b"))]:
        env = {"asked": s[0], "slips": s[1], "best": s[2], "mixed": s[3], "harmful": s[4], "unrepaired": len(s[5])}
        try:
            ast = parse(text)
        except ConditionError as exc:
            expected = ("error", exc.code, exc.offset, exc.message)
        else:
            expected = _outcome(evaluate, ast, env)
        assert _outcome(compiled, s) == expected


@pytest.mark.parametrize("sc", SCENARIOS, ids=lambda sc: sc.id)
def test_walkplan_follows_the_engine_on_random_paths(sc):
    """Along 30 random play-throughs, the compiled state, the node play rests on and the choices
    offered are the engine's (nothing projected away: every name counts as read)."""
    seen: list[tuple] = []
    plan = ScenarioPlan(sc, set(sc.state) | {"best", "mixed", "harmful", "unrepaired"},
                        lambda site, value: seen.append((site, value)))
    rnd = random.Random(sc.id)
    for _ in range(30):
        st = engine.start(sc)
        s = plan.start
        assert plan.settle(sc.start, s)[-1] == st.node_id
        while not engine.is_ended(sc, st):
            env = engine.state_values(sc, st)
            assert _env_of(plan, s) == env
            offered = plan.offered(st.node_id, s)
            assert [p.choice.id for p in offered] == [c.id for c in engine.available_choices(sc, st)]
            pick = rnd.choice(offered)
            st = engine.choose(sc, st, pick.choice.id).state
            s = plan.apply(pick, s)
            target = plan.route(pick.routes, s)
            assert plan.settle(target, s)[-1] == st.node_id
        assert _env_of(plan, s) == engine.state_values(sc, st)
