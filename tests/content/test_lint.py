"""Does the length-cue lint warn exactly when the right option is the longest more often than chance,
and are the course-wide shares counted as the issue defines them?"""

from __future__ import annotations

import pytest

from tests.conftest import SCENARIO_YAML
from widgets.content import lint
from widgets.content.loader import check_paths, load_scenario

SELFCHECK = """\
schema: mentor-selfcheck/1
module: 01-tiny
title: Check
questions:
{questions}
"""
QUESTION = """\
  - id: q{n}
    prompt: Which?
    kind: single
    options:
      - {{id: a, text: {right}, correct: true, explanation: Yes.}}
      - {{id: b, text: No way, correct: false, explanation: No.}}
      - {{id: c, text: Not this, correct: false, explanation: No.}}
"""


def test_lint_tail_probability_is_the_exact_upper_tail():
    assert lint.tail_probability([1 / 3] * 3, 3) == pytest.approx(1 / 27)
    assert lint.tail_probability([0.5, 0.5], 1) == pytest.approx(0.75)
    assert lint.tail_probability([0.5], 0) == 1.0
    assert lint.tail_probability([0.5], 2) == 0.0


def test_lint_strictly_longest_ties_do_not_count():
    assert lint.strictly_longest(["aaa", "bb", "c"], 0)
    assert not lint.strictly_longest(["aaa", "bbb", "c"], 0)
    assert lint.longest_is(["a", "bbb", "cc"], [1, 2]) and not lint.longest_is(["aaa", "b"], [1])


def _selfcheck(course_root, rights: list[str]):
    qs = "".join(QUESTION.format(n=n, right=r) for n, r in enumerate(rights))
    path = course_root / "modules" / "01-tiny" / "selfcheck.yaml"
    path.write_text(SELFCHECK.format(questions=qs.rstrip("\n")), encoding="utf-8")
    return path


def test_lint_warns_on_a_selfcheck_whose_correct_option_is_always_longest(course_root, write_scenario):
    # 3 of 3 questions with 3 options: p = 1/27 < 0.05: a warning at the first correct option's text.
    write_scenario()
    _selfcheck(course_root, ["Yes this one clearly"] * 3)
    result = check_paths(root=course_root)
    assert result.ok and result.errors == []
    assert [(w.code, w.line, w.col, w.severity) for w in result.warnings] == [("lint.length-cue", 9, 23, "warning")]
    assert "at 3 of 3 single-answer questions" in result.warnings[0].message
    assert result.summary().endswith(": ok (1 warning)")


def test_lint_no_warning_when_chance_could_explain_it(course_root, write_scenario):
    # 2 of 3 longest: p = 7/27 > 0.05 (and the tiny scenario's 1 of 1: p = 1/3).
    write_scenario()
    _selfcheck(course_root, ["Yes this one clearly", "Yes this one clearly", "Sure"])
    assert check_paths(root=course_root).warnings == []


def test_lint_course_shares_count_best_and_correct_longest(course_root, write_scenario):
    sc = load_scenario(write_scenario())
    # Tiny: best 'That sounds exhausting. What did it bring up?' is the longest of three options.
    shares = lint.length_shares([sc], [])
    assert (shares.best_longest, shares.decision_points, shares.best_share) == (1, 1, 1.0)
    shorter = SCENARIO_YAML.replace("text: That sounds exhausting. What did it bring up?", "text: Exhausting?")
    shares = lint.length_shares([load_scenario(write_scenario(shorter))], [])
    assert (shares.best_longest, shares.decision_points) == (0, 1)
    write_scenario()
    _selfcheck(course_root, ["Yes this one clearly", "Sure"])
    result = check_paths(root=course_root)
    shares = lint.length_shares(result.scenarios, result.selfchecks)
    assert (shares.correct_longest, shares.single_questions) == (1, 2)
    assert "correct option is the longest in 1 of 2 single-answer questions (50%)" in shares.summary()


def test_lint_course_length_shares_reads_the_whole_course(course_root, write_scenario):
    write_scenario()
    _selfcheck(course_root, ["Sure", "Yes this one clearly"])
    shares = lint.course_length_shares(course_root)
    assert (shares.best_longest, shares.decision_points, shares.correct_longest, shares.single_questions) == (1, 1, 1, 2)
