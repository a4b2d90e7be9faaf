"""Is the scenario evidence (strongest response chosen, first and latest attempt) counted as specified?"""

from __future__ import annotations

import pytest

from tests.outcomes.conftest import DocBuilder
from widgets.outcomes.course_data import load_content
from widgets.outcomes.evidence import Tally, attempts, by_competency, decisions, scenario_evidence


@pytest.fixture
def content(small_course):
    return load_content(small_course)


def _doc() -> DocBuilder:
    return (DocBuilder()
            .play("01-tiny/talk", ["curious", "shrug"], ending="withdraw")  # mixed, harmful
            .play("01-tiny/talk", ["validate", "reflect"], ending="good")  # best, best
            .play("01-tiny/talk", ["validate"])  # a replay in progress: the latest attempt
            .play("02-small/quiet", ["fill"], ending="gone"))  # harmful


def test_evidence_attempts_are_runs_in_time_order_then_an_unfinished_replay():
    entry = _doc().doc["scenarios"]["01-tiny/talk"]
    assert attempts(entry) == [("curious", "shrug"), ("validate", "reflect"), ("validate",)]
    finished_only = {**entry, "history": ["validate", "reflect"]}
    assert attempts(finished_only) == [("curious", "shrug"), ("validate", "reflect")]
    assert attempts({"history": ["validate"]}) == [("validate",)]
    assert attempts({}) == []


def test_evidence_decisions_record_node_and_quality(content):
    sc = content.scenarios["01-tiny/talk"]
    made, note = decisions(sc, ["curious", "shrug"])
    assert [(d.node, d.choice.id, d.choice.quality) for d in made] == [("opening", "curious", "mixed"),
                                                                         ("second", "shrug", "harmful")]
    assert note == ""


def test_evidence_a_choice_that_no_longer_fits_stops_the_replay_with_a_note(content):
    made, note = decisions(content.scenarios["01-tiny/talk"], ["validate", "renamed-choice", "reflect"])
    assert [d.choice.id for d in made] == ["validate"]
    assert "'renamed-choice' no longer fits scenario 'talk'" in note


def test_evidence_per_competency_pools_the_scenarios_that_list_it(content):
    played, notes = scenario_evidence(_doc().doc, content.scenarios)
    assert notes == []
    ev = by_competency(played, ["validation", "listening"])
    # validation: only 'talk' lists it. First attempt 0 of 2 best; latest (the replay) 1 of 1.
    validation = ev["validation"]
    assert (validation.scenarios, validation.first, validation.latest) == (1, Tally(0, 2), Tally(1, 1))
    # listening: 'talk' and 'quiet'. First: 0/2 + 0/1; latest: 1/1 + 0/1.
    assert (ev["listening"].scenarios, ev["listening"].first, ev["listening"].latest) == (2, Tally(0, 3), Tally(1, 2))
    assert ev["listening"].latest.share == 0.5 and Tally().share is None


def test_evidence_scenario_not_in_the_course_is_named_and_left_out(content):
    doc = _doc().play("07-gone/old-scenario", ["x"], ending="e").doc
    played, notes = scenario_evidence(doc, content.scenarios)
    assert sorted(p.key for p in played) == ["01-tiny/talk", "02-small/quiet"]
    assert notes == ["scenario '07-gone/old-scenario' is not in this course (or cannot be loaded now), so its "
                     "choices are left out"]


def test_evidence_acknowledged_but_unplayed_scenario_is_not_evidence(content):
    doc = DocBuilder().play("01-tiny/talk", []).doc
    assert scenario_evidence(doc, content.scenarios) == ([], [])


def test_evidence_v2_replays_through_the_same_engine_with_conditions_and_flags(course_root, write_scenario):
    """A mentor-scenario/2 scenario: evidence follows the player's engine: a choice its `if:` hides
    on the saved path does not count, and the latest attempt's ending and flags are kept."""
    from tests.conftest import SCENARIO_V2_YAML as V2
    from widgets.content.loader import load_scenario

    sc = load_scenario(write_scenario(V2))
    doc = (DocBuilder()
           .play("01-tiny/tiny", ["validate", "own-it"], ending="good-ending")  # own-it is not offered here
           .play("01-tiny/tiny", ["dismiss", "own-it"], ending="good-ending")).doc
    played, notes = scenario_evidence(doc, {"01-tiny/tiny": sc})
    assert [d.choice.id for d in played[0].first] == ["validate"]
    assert "'own-it' no longer fits scenario 'tiny'" in notes[0]
    assert [d.choice.id for d in played[0].latest] == ["dismiss", "own-it"]
    assert (played[0].ending, played[0].flags) == ("good-ending", ())
    again = DocBuilder().play("01-tiny/tiny", ["validate", "listen"], ending="good-ending").doc
    played, _ = scenario_evidence(again, {"01-tiny/tiny": sc})
    assert (played[0].ending, played[0].flags, played[0].latest_tally) == ("good-ending", ("asked",), Tally(2, 2))
