"""Does the engine play scenarios correctly, and does every walk through the repo's scenarios end?"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.conftest import REPO
from widgets import engine
from widgets.content.loader import check_paths, load_scenario


@pytest.fixture
def tiny(write_scenario):
    return load_scenario(write_scenario())


def test_engine_start_rests_on_first_decision_point(tiny):
    state = engine.start(tiny)
    assert state.node_id == "opening"
    assert [c.id for c in engine.available_choices(tiny, state)] == ["validate", "curious", "dismiss"]
    assert not engine.is_ended(tiny, state)


def test_engine_choose_returns_feedback_deltas_and_follows_automatic_goto(tiny):
    step = engine.choose(tiny, engine.start(tiny), "validate")
    assert step.feedback == "Validating first lets Mei lead."
    assert step.deltas == {"validation": 2, "listening": 1}
    assert step.quality == "best"
    assert step.state.node_id == "good-ending"  # 'explore' moves on by itself
    assert engine.is_ended(tiny, step.state)
    assert engine.ending(tiny, step.state).kind == "growth"


def test_engine_totals_cover_every_listed_competency(tiny):
    state = engine.replay(tiny, ["dismiss"])
    assert engine.totals(tiny, state) == {"validation": -2, "listening": 0}


def test_engine_transcript_grows_with_mentor_words_and_lines(tiny):
    state = engine.replay(tiny, ["curious"])
    kinds = [(e.kind, e.name, e.text) for e in engine.transcript(tiny, state)]
    assert kinds == [
        ("line", "Mei", "A coworker asked where I'm really from. Again."),
        ("mentor", "You", "Did you tell them about your parents?"),
        ("line", "Mei", "Like a guest in my own office."),
    ]
    with_fb = engine.transcript(tiny, state, with_feedback=True)
    assert [e.kind for e in with_fb] == ["line", "mentor", "feedback", "line"]


def test_engine_rejects_a_choice_not_offered(tiny):
    with pytest.raises(engine.InvalidChoice, match="'nope' is not a choice at node 'opening'"):
        engine.choose(tiny, engine.start(tiny), "nope")
    ended = engine.replay(tiny, ["validate"])
    with pytest.raises(engine.InvalidChoice, match="scenario has ended"):
        engine.choose(tiny, ended, "validate")


def test_engine_state_is_immutable_and_undo_is_free(tiny):
    player = engine.Player(tiny)
    before = player.state
    player.choose("dismiss")
    assert before.history == () and player.history == ("dismiss",)
    player.undo()
    assert player.state == before


def test_engine_strongest_path_takes_best_options(tiny):
    assert engine.strongest_path(tiny) == ("validate",)


def test_engine_decision_points_names_the_node_of_each_choice(tiny):
    assert engine.decision_points(tiny, ["validate"]) == ["opening"]


def _repo_scenarios() -> list[Path]:
    result = check_paths(root=REPO)
    return sorted(Path(REPO / sc.file) for sc in result.scenarios)


REPO_SCENARIOS = _repo_scenarios()


@pytest.mark.skipif(not REPO_SCENARIOS, reason="the course has no valid scenarios yet")
@pytest.mark.parametrize("path", REPO_SCENARIOS, ids=lambda p: p.stem)
def test_engine_every_random_walk_ends(path):
    """Property: from the start, any sequence of offered choices reaches an ending within a bound."""
    sc = load_scenario(path)
    bound = len(sc.nodes)

    @settings(max_examples=60, deadline=None)
    @given(picks=st.lists(st.integers(min_value=0, max_value=50), min_size=bound, max_size=bound))
    def walk(picks):
        state = engine.start(sc)
        for pick in picks:
            choices = engine.available_choices(sc, state)
            if not choices:
                break
            state = engine.choose(sc, state, choices[pick % len(choices)].id).state
        assert engine.is_ended(sc, state), f"walk {state.history} did not end within {bound} choices"

    walk()
