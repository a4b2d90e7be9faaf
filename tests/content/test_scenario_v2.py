"""mentor-scenario/2: does each new check fire with its code at the right line and column, does
playtest find what breaks on some path (naming the choices), and does the engine follow the state?"""

from __future__ import annotations

import re
import textwrap

import pytest

from tests.conftest import REPO, SCENARIO_V2_YAML, SCENARIO_YAML
from widgets import engine
from widgets.content.loader import check_file, check_paths, load_course, load_scenario
from widgets.content.playtest import playtest
from widgets.content.source import read_source

V2 = SCENARIO_V2_YAML


def line_of(text: str, needle: str, nth: int = 1) -> int:
    hits = [i for i, ln in enumerate(text.splitlines(), 1) if needle in ln]
    return hits[nth - 1]


def col_of(text: str, needle: str, nth: int = 1) -> int:
    line = text.splitlines()[line_of(text, needle, nth) - 1]
    return line.index(needle) + 1


def at(text: str, needle: str, nth: int = 1, plus: int = 0) -> tuple[int, int]:
    return line_of(text, needle, nth), col_of(text, needle, nth) + plus


@pytest.fixture
def found(write_scenario, course_root):
    """Write ``text`` as the tiny scenario; return its problems as (code, line, col)."""

    def run(text: str) -> list[tuple[str, int, int]]:
        course = load_course(course_root / "modules" / "course.yaml")
        _, errors = check_file(write_scenario(text), "scenario", course)
        return [(e.code, e.line, e.col) for e in sorted(errors)]

    return run


def edit(old: str, new: str, text: str = V2) -> str:
    assert old in text, old
    return text.replace(old, new, 1)


# --- loading and the valid file

def test_v2_valid_scenario_has_no_problems_and_v1_still_loads(found):
    assert found(V2) == []
    assert found(SCENARIO_YAML) == []


def test_v2_models_carry_state_effects_conditions_routes_and_claims(write_scenario):
    sc = load_scenario(write_scenario(V2))
    assert sc.version == 2
    assert [(v.name, v.type) for v in sc.state.values()] == [("asked", "flag"), ("slips", "counter")]
    dismiss = sc.choice("dismiss")
    assert dict(dismiss.add_counters) == {"slips": 1} and dismiss.reply[1].cond == "slips == 1"
    assert sc.choice("own-it").repairs == ("dismiss",) and sc.choice("own-it").cond == "slips > 0"
    after = sc.nodes["after"]
    assert [(r.cond, r.goto) for r in after.routes] == [("unrepaired > 0", "withdraw"), (None, "good-ending")]
    assert after.goto == "good-ending"  # the fallback, for code that only follows plain gotos
    end = sc.nodes["good-ending"].ending
    assert [p.cond for p in end.parts] == [None, "asked", "harmful > 0"] and end.text == "She felt heard."
    assert [c.text for c in end.claims] == ["unrepaired == 0"]


def test_v2_a_v1_file_may_not_use_v2_keys(found):
    text = edit("        goto: explore\n      - id: curious",
                "        set: {asked: true}\n        goto: explore\n      - id: curious", SCENARIO_YAML)
    assert found(text) == [("schema.unknown-key", *at(text, "set:"))]


# --- state and effects

def test_v2_undefined_name_in_a_condition_points_at_the_word_with_did_you_mean(write_scenario, course_root, found):
    text = edit("if: slips > 0\n", "if: harmful > 0 and slipz > 0\n")
    assert found(text) == [("state.undefined", *at(text, "slipz"))]
    _, errors = check_file(write_scenario(text), "scenario")
    assert "did you mean 'slips'?" in errors[0].message


def test_v2_condition_column_inside_a_quoted_scalar(found):
    text = edit("if: slips > 0\n", 'if: "slips >> 0"\n')
    assert found(text) == [("cond.syntax", *at(text, ">>", plus=1))]


def test_v2_condition_that_is_a_number_is_a_type_error(found):
    text = edit("{if: slips > 0, speaker: mei", "{if: slips, speaker: mei")
    assert found(text) == [("cond.type", *at(text, "slips, speaker"))]


def test_v2_set_on_a_counter_and_add_on_an_undeclared_name(found):
    text = edit("set: {asked: true}", "set: {slips: true}")
    assert found(text) == [("state.type", *at(text, "slips: true"))]
    text = edit("add: {slips: 1}", "add: {slip: 1}")
    assert found(text) == [("state.undefined", *at(text, "slip: 1"))]


def test_v2_declaring_a_builtin_name_is_refused(found):
    text = edit("  slips: {type: counter}\n", "  slips: {type: counter}\n  harmful: {type: counter}\n")
    assert found(text) == [("state.reserved", *at(text, "harmful: {type"))]


def test_v2_state_names_are_snake_case(found):
    text = edit("  slips: {type: counter}\n", "  slips: {type: counter}\n  slip-count: {type: counter}\n")
    assert found(text) == [("schema.id", *at(text, "slip-count"))]


def test_v2_repairs_must_name_a_harmful_choice(found):
    text = edit("repairs: [dismiss]", "repairs: [validate]")
    assert found(text) == [("ref.repair", *at(text, "validate]"))]
    text = edit("repairs: [dismiss]", "repairs: [dismis]")
    assert found(text) == [("ref.repair", *at(text, "dismis]"))]
    assert found(edit("repairs: [dismiss]", "repairs: any")) == []


# --- routing

def test_v2_routing_list_without_fallback(found):
    text = edit("      - {goto: good-ending}\n", "      - {if: unrepaired == 0, goto: good-ending}\n")
    assert found(text) == [("graph.no-fallback", *at(text, "{if: unrepaired == 0"))]


def test_v2_fallback_before_the_end_of_a_routing_list(found):
    text = edit("      - {if: unrepaired > 0, goto: withdraw}\n      - {goto: good-ending}\n",
                "      - {goto: good-ending}\n      - {if: unrepaired > 0, goto: withdraw}\n")
    found_ = found(text)
    assert ("graph.fallback-not-last", *at(text, "{goto: good-ending}")) in found_
    assert ("graph.no-fallback", *at(text, "{if: unrepaired > 0")) in found_


def test_v2_cycle_created_by_a_conditional_branch(found):
    text = edit("      - {if: unrepaired > 0, goto: withdraw}\n",
                "      - {if: unrepaired > 0, goto: withdraw}\n      - {if: slips > 2, goto: explore}\n")
    assert found(text) == [("graph.cycle", *at(text, "  explore:", plus=2))]


def test_v2_dangling_branch_target(found):
    text = edit("goto: withdraw}", "goto: withdrw}")
    assert found(text) == [("graph.dangling-goto", *at(text, "withdrw")),
                           ("graph.unreachable", *at(text, "  withdraw:", plus=2))]


# --- conditions that can never be true

def test_v2_constant_false_condition(found):
    text = edit("{if: asked, text:", "{if: 1 > 2, text:")
    assert found(text) == [("cond.never-true", *at(text, "1 > 2"))]


def test_v2_condition_false_on_every_path_playtest_plays(found):
    text = edit("{if: slips == 1, speaker: mei", "{if: slips == 1 and asked, speaker: mei")
    assert found(text) == [("cond.never-true", *at(text, "slips == 1 and asked"))]


# --- playtest: claims, the course-wide rule, reachability, offered choices, ending text

def test_v2_claim_violated_on_some_paths_names_one(write_scenario, found):
    text = edit("claims: [unrepaired == 0]", "claims: [unrepaired == 0, asked]")
    assert found(text) == [("claim.violated", *at(text, "asked]"))]
    _, errors = check_file(write_scenario(text), "scenario")
    assert "claim 'asked' of ending 'good-ending' fails on 3 of 5 path(s)" in errors[0].message
    assert "e.g. [curious, listen]" in errors[0].message


def test_v2_claim_no_path_satisfies(found):
    text = edit("claims: [unrepaired == 0]", "claims: [best > 5]")
    assert found(text) == [("claim.unsatisfiable", *at(text, "best > 5"))]


def test_v2_harmful_choice_reaching_growth_without_repair(write_scenario, found):
    text = edit("      - {if: unrepaired > 0, goto: withdraw}\n      - {goto: good-ending}\n",
                "      - {if: mixed > 1, goto: withdraw}\n      - {goto: good-ending}\n")
    text = edit("      claims: [unrepaired == 0]\n", "", text)
    problems = found(text)
    assert ("claim.harmful-growth", *at(text, "kind: growth", plus=6)) in problems
    _, errors = check_file(write_scenario(text), "scenario")
    harm = next(e for e in errors if e.code == "claim.harmful-growth")
    assert "2 of 6 path(s) reach growth ending 'good-ending'" in harm.message
    assert "(dismiss)" in harm.message and "e.g. [dismiss, listen]" in harm.message


def test_v2_repair_by_any_satisfies_the_course_wide_rule(found):
    text = edit("repairs: [dismiss]", "repairs: any")
    assert found(text) == []


def test_v2_ending_unreachable_once_conditions_apply(found):
    text = edit("{if: unrepaired > 0, goto: withdraw}", "{if: unrepaired > 0 and best > 1, goto: withdraw}")
    problems = found(text)
    assert ("play.unreachable", *at(text, "  withdraw:", plus=2)) in problems
    assert ("claim.violated", *at(text, "unrepaired == 0]")) in problems


def test_v2_decision_node_with_no_offered_choice(write_scenario, found):
    text = edit("        quality: best\n        scores: {listening: 2}",
                "        if: slips == 0\n        quality: best\n        scores: {listening: 2}")
    text = edit("        quality: mixed\n        scores: {listening: -1}\n        feedback: Changing",
                "        if: slips == 0\n        quality: mixed\n        scores: {listening: -1}\n        feedback: Changing",
                text)
    text = edit("        if: slips > 0\n        text: I brushed", "        if: slips > 0 and asked\n        text: I brushed",
                text)
    problems = found(text)
    assert ("play.no-choice", *at(text, "    choices:", 2, plus=4)) in problems
    _, errors = check_file(write_scenario(text), "scenario")
    assert "after [dismiss]" in next(e for e in errors if e.code == "play.no-choice").message


def test_v2_ending_with_no_text_part_shown(found):
    text = edit("        - text: She felt heard.\n", "")
    line = text.splitlines().index("      text:") + 1
    assert found(text) == [("play.no-text", line, 7)]


def test_v2_playtest_counts_paths_and_endings(write_scenario):
    rep = playtest(load_scenario(write_scenario(V2)))
    assert rep.paths == 7
    assert rep.endings == {"good-ending": 5, "withdraw": 2}
    assert rep.harmful_growth == 0 and not rep.capped


def test_v2_playtest_caps_pathological_graphs(write_scenario):
    src, _ = read_source(write_scenario(V2))
    rep = playtest(load_scenario(write_scenario(V2)), src, max_states=3)
    assert rep.capped and next(e.code for e in rep.errors) == "play.too-many-paths"


def test_v1_file_reports_nothing_new_but_playtest_counts_harm(write_scenario, found):
    text = edit("goto: withdraw\n  explore:", "goto: explore\n  explore:", SCENARIO_YAML)
    text = text.replace("  - {name: harmful, path: [dismiss], expect: {ending: withdraw}}\n", "")
    text = text.replace("  withdraw:\n    ending: {kind: withdrawal, title: Mei changes the subject, text: She stopped.}\n", "")
    assert found(text) == []
    rep = playtest(load_scenario(write_scenario(text)))
    assert (rep.paths, rep.harmful_growth, rep.errors) == (3, 1, [])


# --- embedded tests assert state

def test_v2_test_expecting_other_state_fails(found):
    text = edit("state: {asked: true, slips: 0}", "state: {asked: false, slips: 0}")
    assert found(text) == [("test.failed", *at(text, "{asked: false"))]


def test_v2_test_expecting_an_undeclared_name(found):
    text = edit("state: {asked: true, slips: 0}", "state: {askd: true, slips: 0}")
    assert found(text) == [("state.undefined", *at(text, "askd"))]


# --- the engine follows the state

@pytest.fixture
def sc(write_scenario):
    return load_scenario(write_scenario(V2))


def test_engine_v2_state_values_follow_effects_and_builtins(sc):
    st = engine.replay(sc, ["dismiss"])
    assert engine.state_values(sc, st) == {"asked": False, "slips": 1, "best": 0, "mixed": 0, "harmful": 1,
                                           "unrepaired": 1}
    st = engine.replay(sc, ["dismiss", "own-it"])
    assert engine.state_values(sc, st)["unrepaired"] == 0
    assert engine.set_flags(sc, engine.replay(sc, ["validate"])) == ["asked"]
    # A state rebuilt by hand (as a save would be) derives the same values by replay.
    bare = engine.PlayState(sc.id, st.node_id, st.history)
    assert engine.state_values(sc, bare) == engine.state_values(sc, st)


def test_engine_v2_choices_offered_by_condition(sc):
    assert [c.id for c in engine.available_choices(sc, engine.replay(sc, ["validate"]))] == ["listen", "move-on"]
    assert [c.id for c in engine.available_choices(sc, engine.replay(sc, ["dismiss"]))] == ["own-it", "listen",
                                                                                            "move-on"]
    with pytest.raises(engine.InvalidChoice, match="offered: listen, move-on"):
        engine.replay(sc, ["validate", "own-it"])
    assert not engine.fits(sc, ["validate", "own-it"]) and engine.fits(sc, ["dismiss", "own-it"])


def test_engine_v2_lines_and_replies_by_condition(sc):
    said = [e.text for e in engine.transcript(sc, engine.replay(sc, ["dismiss"])) if e.kind == "line"]
    assert said == ["A coworker asked where I'm really from. Again.", "Sure.", "Again?",
                    "Like a guest in my own office.", "Anyway. It's fine."]
    said = [e.text for e in engine.transcript(sc, engine.replay(sc, ["validate"])) if e.kind == "line"]
    assert "Anyway. It's fine." not in said


def test_engine_v2_routes_and_ending_text_by_condition(sc):
    st = engine.replay(sc, ["dismiss", "listen"])
    assert st.node_id == "withdraw"
    st = engine.replay(sc, ["dismiss", "own-it"])
    assert engine.ending(sc, st).text == "She felt heard.\n\nOwning the slip mattered."
    st = engine.replay(sc, ["validate", "listen"])
    assert engine.ending(sc, st).text == "She felt heard.\n\nYour question let her lead."
    assert engine.Player(sc, ["validate", "listen"]).ending.text == "She felt heard.\n\nYour question let her lead."


# --- the documented example is a valid, playtested v2 scenario

def test_v2_formats_doc_example_validates_and_playtests(tmp_path):
    doc = (REPO / "docs" / "formats.md").read_text(encoding="utf-8")
    example = next(b for b in re.findall(r"```yaml\n(.*?)```", doc, re.S) if "mentor-scenario/2" in b)
    folder = tmp_path / "modules" / "01-foundations" / "scenarios"
    folder.mkdir(parents=True)
    (tmp_path / "modules" / "course.yaml").write_text(textwrap.dedent("""\
        schema: mentor-course/1
        id: t
        title: T
        competencies: [{id: boundaries, title: B}, {id: safety, title: S}]
        modules: [{id: 01-foundations, title: F, minutes: 10, objectives: [x]}]
        """), encoding="utf-8")
    (folder / "text-me-anytime.yaml").write_text(example, encoding="utf-8")
    result = check_paths(root=tmp_path)
    assert result.errors == [] and result.warnings == []
    assert playtest(result.scenarios[0]).paths == 5


def test_v2_branch_after_one_that_always_applies_is_never_tried(write_scenario, found):
    text = edit("      - {if: unrepaired > 0, goto: withdraw}\n",
                "      - {if: best >= 0, goto: withdraw}\n      - {if: unrepaired > 0, goto: withdraw}\n")
    text = edit("      claims: [unrepaired == 0]\n", "", text)
    problems = found(text)
    assert ("cond.never-true", *at(text, "unrepaired > 0")) in problems
    _, errors = check_file(write_scenario(text), "scenario")
    assert any("is never tried: an earlier branch applies" in e.message for e in errors)


def test_v2_repair_of_a_choice_that_never_comes_first(found):
    # 'curious' is not harmful, so name a harmful choice that can only come after: add one at 'explore'.
    text = edit("      - id: move-on\n", """\
      - id: snap
        text: Honestly, you're overthinking it.
        quality: harmful
        scores: {listening: -2}
        feedback: Dismissive.
        goto: after
      - id: move-on
""")
    text = edit("repairs: [dismiss]", "repairs: [dismiss, snap]", text)
    assert ("ref.repair", *at(text, "snap]")) in found(text)


def test_v2_yaml_booleans_as_conditions_read_as_true_and_false(found):
    assert found(edit("claims: [unrepaired == 0]", "claims: [unrepaired == 0, true]")) == []
    text = edit("{if: asked, text:", "{if: false, text:")
    assert found(text) == [("cond.never-true", *at(text, "false, text"))]
