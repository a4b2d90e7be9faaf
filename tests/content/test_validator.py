"""Does each validator check fire, with its stable code, at the right line and column?"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import SCENARIO_YAML
from widgets.content.loader import check_file, check_paths, load_course


def problems(path: Path, course_root: Path) -> list[tuple[str, int, int]]:
    course = load_course(course_root / "modules" / "course.yaml")
    _, errors = check_file(path, "scenario", course)
    return [(e.code, e.line, e.col) for e in sorted(errors)]


def line_of(text: str, needle: str, nth: int = 1) -> int:
    """1-based line number of the nth line containing ``needle``."""
    hits = [i for i, ln in enumerate(text.splitlines(), 1) if needle in ln]
    return hits[nth - 1]


def col_of(text: str, needle: str, nth: int = 1) -> int:
    line = text.splitlines()[line_of(text, needle, nth) - 1]
    return line.index(needle) + 1


def test_validator_valid_scenario_has_no_problems(write_scenario, course_root):
    assert problems(write_scenario(), course_root) == []


def test_validator_dangling_goto_suggests_the_near_name(write_scenario, course_root):
    text = SCENARIO_YAML.replace("goto: explore\n      - id: curious", "goto: exlpore\n      - id: curious")
    path = write_scenario(text)
    assert problems(path, course_root) == [("graph.dangling-goto", line_of(text, "exlpore"), 15)]
    _, errors = check_file(path, "scenario", load_course(course_root / "modules/course.yaml"))
    assert "did you mean 'explore'?" in errors[0].message
    assert "choice 'validate'" in errors[0].message


def test_validator_unreachable_node(write_scenario, course_root):
    text = SCENARIO_YAML.replace("  withdraw:\n", "  orphan:\n    ending: {kind: neutral, title: Lost, text: x}\n  withdraw:\n")
    assert problems(write_scenario(text), course_root) == [("graph.unreachable", line_of(text, "orphan:"), 3)]


def test_validator_dead_end(write_scenario, course_root):
    text = SCENARIO_YAML.replace("    goto: good-ending\n", "")
    assert problems(write_scenario(text), course_root) == [
        ("graph.dead-end", line_of(text, "Like a guest"), 5),
        ("graph.unreachable", line_of(text, "  good-ending:"), 3),
        ("test.failed", line_of(text, "name: strongest"), 29),
    ]


def test_validator_cycle_without_exit(write_scenario, course_root):
    text = SCENARIO_YAML.replace("    goto: good-ending\n", "    goto: loop\n  loop:\n    goto: explore\n")
    found = problems(write_scenario(text), course_root)
    assert ("graph.no-ending", line_of(text, "  explore:"), 3) in found
    assert ("graph.no-ending", line_of(text, "  loop:"), 3) in found
    assert ("graph.unreachable", line_of(text, "  good-ending:"), 3) in found


def test_validator_duplicate_choice_id(write_scenario, course_root):
    text = SCENARIO_YAML.replace("id: curious", "id: validate")
    assert ("id.duplicate", line_of(text, "id: validate", 2), 13) in problems(write_scenario(text), course_root)


def test_validator_duplicate_yaml_key(write_scenario, course_root):
    text = SCENARIO_YAML.replace("  withdraw:\n", "  explore:\n    goto: good-ending\n  withdraw:\n")
    assert problems(write_scenario(text), course_root) == [("yaml.duplicate-key", line_of(text, "  explore:", 2), 3)]


def test_validator_undeclared_competency_in_manifest(write_scenario, course_root):
    text = SCENARIO_YAML.replace("competencies: [validation, listening]", "competencies: [validation, listenning]")
    found = problems(write_scenario(text), course_root)
    assert ("ref.competency", 6, col_of(text, "listenning")) in found


def test_validator_score_for_unlisted_competency(write_scenario, course_root):
    text = SCENARIO_YAML.replace("scores: {listening: -1}", "scores: {safety: -1}")
    assert problems(write_scenario(text), course_root) == [("ref.competency", line_of(text, "safety"), col_of(text, "safety"))]


def test_validator_undeclared_speaker(write_scenario, course_root):
    text = SCENARIO_YAML.replace("{speaker: mei, text: \"Like", "{speaker: may, text: \"Like")
    path = write_scenario(text)
    assert problems(path, course_root) == [("ref.speaker", line_of(text, "speaker: may"), 23)]


def test_validator_best_option_must_score_highest(write_scenario, course_root):
    text = SCENARIO_YAML.replace("scores: {listening: -1}", "scores: {listening: 3}")
    assert problems(write_scenario(text), course_root) == [("choice.best-not-highest", line_of(text, "validation: 2"), 17)]


def test_validator_no_best_option(write_scenario, course_root):
    text = SCENARIO_YAML.replace("quality: best", "quality: mixed")
    assert ("choice.no-best", line_of(text, "choices:"), 5) in problems(write_scenario(text), course_root)


def test_validator_options_that_read_the_same(write_scenario, course_root):
    text = SCENARIO_YAML.replace("text: They were just curious.", "text: Did you tell them about your  parents?")
    assert problems(write_scenario(text), course_root) == [("choice.same-text", line_of(text, "your  parents"), 15)]


def test_validator_listed_competency_never_scored(write_scenario, course_root):
    text = SCENARIO_YAML.replace("{validation: 2, listening: 1}", "{validation: 2}").replace(
        "{listening: -1}", "{validation: -1}")
    assert problems(write_scenario(text), course_root) == [("competency.unscored", 6, col_of(text, "listening"))]


def test_validator_test_path_reaching_another_ending(write_scenario, course_root):
    text = SCENARIO_YAML.replace("path: [dismiss], expect: {ending: withdraw}", "path: [dismiss], expect: {ending: good-ending}")
    found = problems(write_scenario(text), course_root)
    assert found == [("test.failed", line_of(text, "name: harmful"), 27)]


def test_validator_test_path_with_choice_not_offered(write_scenario, course_root):
    text = SCENARIO_YAML.replace("path: [validate]", "path: [validate, dismiss]")
    assert problems(write_scenario(text), course_root) == [("test.failed", line_of(text, "name: strongest"), 29)]


def test_validator_file_name_differs_from_id(write_scenario, course_root):
    path = write_scenario(name="other.yaml")
    assert problems(path, course_root) == [("id.filename", 2, 5)]


def test_validator_node_with_choices_and_ending(write_scenario, course_root):
    both = "    goto: good-ending\n    ending: {kind: neutral, title: t, text: t}\n"
    text = SCENARIO_YAML.replace("    goto: good-ending\n", both)
    assert problems(write_scenario(text), course_root) == [
        ("node.ambiguous", line_of(text, "Like a guest"), 5),
        ("test.failed", line_of(text, "name: strongest"), 29),  # play now stops at 'explore'
    ]


def test_validator_schema_errors_are_all_reported_with_positions(write_scenario, course_root):
    text = SCENARIO_YAML.replace("quality: mixed", "quality: okay").replace("title: Tiny", "titel: Tiny")
    found = problems(write_scenario(text), course_root)
    assert ("schema.enum", line_of(text, "quality: okay"), 18) in found
    assert ("schema.unknown-key", 3, 1) in found
    assert ("schema.required", 1, 1) in found  # 'title' now missing


def test_validator_newer_schema_version_says_to_upgrade(write_scenario, course_root):
    path = write_scenario(SCENARIO_YAML.replace("mentor-scenario/1", "mentor-scenario/3"))
    _, errors = check_file(path, "scenario")
    assert [(e.code, e.line) for e in errors] == [("schema.version", 1)]
    assert "pip install -U" in errors[0].message


def test_validator_course_wide_unscored_competency(course_root, write_scenario):
    text = COURSE_WITH_SAFETY = (course_root / "modules/course.yaml").read_text().replace(
        "  - {id: listening, title: Listening}\n", "  - {id: listening, title: Listening}\n  - {id: safety, title: Safety}\n")
    (course_root / "modules/course.yaml").write_text(COURSE_WITH_SAFETY)
    write_scenario()
    result = check_paths(root=course_root)
    assert [(e.file, e.code, e.line) for e in result.errors] == [
        ("modules/course.yaml", "course.competency-unscored", line_of(text, "id: safety"))]


def test_validator_whole_course_summary(course_root, write_scenario):
    write_scenario()
    result = check_paths(root=course_root)
    assert result.ok
    assert result.summary() == "1 scenario, 0 self-checks, 0 reflections, 1 manifest: ok"


@pytest.mark.parametrize("kind,text,expected", [
    ("selfcheck", """\
schema: mentor-selfcheck/1
module: 01-tiny
title: Check
questions:
  - id: q1
    prompt: Which?
    kind: single
    options:
      - {id: a, text: One, correct: true, explanation: Yes.}
      - {id: b, text: Two, correct: true, explanation: Also yes.}
""", [("answer.count", 7, 11)]),
    ("reflection", """\
schema: mentor-reflection/1
module: 02-nowhere
title: Reflect
prompts:
  - {id: p1, title: One, text: Write., points: 10}
  - {id: p1, title: Two, text: Write more., points: 10}
""", [("id.duplicate", 6, 10), ("ref.module", 2, 9), ("ref.module", 2, 9)]),
])
def test_validator_selfcheck_and_reflection(course_root, kind, text, expected):
    path = course_root / "modules" / "01-tiny" / f"{kind}.yaml"
    path.write_text(text)
    _, errors = check_file(path, kind, load_course(course_root / "modules/course.yaml"))
    assert sorted((e.code, e.line, e.col) for e in errors) == sorted(expected)


def test_validator_schema_messages_come_from_the_rule_not_its_wording(write_scenario, course_root):
    """Messages are built from jsonschema's ``validator_value`` (the rule), not by parsing its English text."""
    text = SCENARIO_YAML.replace("        feedback: A closed question about the incident.\n", "").replace(
        "scores: {validation: -2}", "scores: {validation: -5}")
    _, errors = check_file(write_scenario(text), "scenario")
    by_code = {e.code: e.message for e in errors}
    assert by_code["schema.required"] == "'nodes.opening.choices.1' is missing the required key 'feedback'"
    assert by_code["schema.range"] == ("'nodes.opening.choices.2.scores.validation' is -5; less than the minimum of "
                                       "-3")
    text = SCENARIO_YAML.replace("  mei: {name: Mei", "  Mei_X: {name: Mei")
    assert problems(write_scenario(text), course_root)[0] == ("schema.id", line_of(text, "Mei_X"), 3)


def test_validator_every_missing_key_is_named_once(write_scenario):
    text = SCENARIO_YAML.replace("        feedback: A closed question about the incident.\n", "").replace(
        "        quality: mixed\n", "")
    _, errors = check_file(write_scenario(text), "scenario")
    assert sorted(e.message for e in errors if e.code == "schema.required") == [
        "'nodes.opening.choices.1' is missing the required key 'feedback'",
        "'nodes.opening.choices.1' is missing the required key 'quality'"]


def test_validator_module_folder_may_be_a_plain_slug(tmp_path):
    """Module ids are slugs (``safeguarding``), not only numbered (``01-foundations``); ``live/`` is no module."""
    from widgets.content.loader import folder_module

    for folder in ("01-foundations", "safeguarding", "live"):
        (tmp_path / "modules" / folder).mkdir(parents=True)
    (tmp_path / "modules" / "safeguarding" / "module.ipynb").write_text("{}", encoding="utf-8")
    assert folder_module(tmp_path / "modules" / "safeguarding" / "selfcheck.yaml") == "safeguarding"
    assert folder_module(tmp_path / "modules" / "01-foundations" / "selfcheck.yaml") == "01-foundations"
    assert folder_module(tmp_path / "modules" / "live" / "room.yaml") is None
