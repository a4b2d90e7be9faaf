"""Do rubric levels turn into the right nbgrader points, band and comment text? (pure, no nbgrader)"""

from __future__ import annotations

import pytest

from widgets.grading.score import (
    IncompleteGrade,
    RubricGrade,
    answer_score,
    comment_markdown,
    grade_problems,
    overall_band,
    round_half_up,
    rubric_total,
)

CRITERIA = ["description", "emotions", "analysis", "positionality", "action"]


def levels(*ids: str) -> dict[str, str]:
    return dict(zip(CRITERIA, ids, strict=True))


def test_rubric_course_rubric_matches_content_section_c(rubric):
    """Five criteria, four levels worth 1-4, bands 5-9 / 10-14 / 15-18 / 19-20 (CONTENT.md §C)."""
    assert [c.id for c in rubric.criteria] == CRITERIA
    assert [lv.points for lv in rubric.levels] == [1, 2, 3, 4]
    assert [(b.title, b.min, b.max) for b in rubric.bands] == [
        ("Descriptive", 5, 9), ("Developing", 10, 14), ("Reflective", 15, 18), ("Critical", 19, 20)]
    assert (rubric.min_total, rubric.max_total) == (5, 20)
    assert rubric.criterion("action").descriptors["critical"] == "Specific and feasible, with a review date"
    assert rubric.safeguarding_label.startswith("Safeguarding concern")


@pytest.mark.parametrize(("chosen", "points", "total", "score"), [
    (("critical",) * 5, 10, 20, 10.0),
    (("habitual",) * 5, 10, 5, 2.5),
    (("critical", "reflection", "reflection", "understanding", "critical"), 10, 16, 8.0),
    (("reflection",) * 5, 7, 15, 5.3),          # 7 * 15/20 = 5.25 -> 5.3 (half up, not banker's 5.2)
    (("habitual",) * 5, 7, 5, 1.8),             # 1.75 -> 1.8
    (("understanding",) * 5, 3, 10, 1.5),
])
def test_score_answer_score_is_points_times_share_of_rubric_total(rubric, chosen, points, total, score):
    grade = RubricGrade(levels(*chosen))
    assert rubric_total(rubric, grade) == total
    assert answer_score(rubric, grade, points) == score


def test_score_round_half_up_differs_from_builtin_round():
    assert round(2.25, 1) == 2.2
    assert round_half_up(2.25) == 2.3
    assert round_half_up(0.05) == 0.1


def test_score_no_answer_scores_zero_without_levels(rubric):
    grade = RubricGrade({}, "Please resend.", no_answer=True)
    assert grade_problems(rubric, grade) == []
    assert answer_score(rubric, grade, 10) == 0.0
    assert comment_markdown(rubric, grade, 10) == ("**No answer was found for this prompt** (0 of 10 points)."
                                                   "\n\nPlease resend.")


def test_score_incomplete_grade_names_each_missing_criterion_in_rubric_order(rubric):
    grade = RubricGrade({"analysis": "reflection", "action": "critical", "emotions": "nonsense"})
    assert grade_problems(rubric, grade) == [
        "choose a level for 'Description and presence'",
        "choose a level for 'Assumptions, power and position (cultural humility)'",
        "'nonsense' is not a level of the rubric 'reflection'",
    ]
    with pytest.raises(IncompleteGrade) as err:
        answer_score(rubric, grade, 10)
    assert len(err.value.problems) == 3


def test_score_comment_spells_out_band_levels_descriptors_and_trainer_words(rubric):
    grade = RubricGrade(levels("critical", "reflection", "reflection", "understanding", "critical"),
                        "A strong plan.")
    assert comment_markdown(rubric, grade, 10).splitlines() == [
        "**Rubric: Reflective, 16 of 20** (8 of 10 points)",
        "",
        "- Description and presence: **Critical reflection** (4 of 4) - Rich and specific, the writer fully present",
        "- Emotions, their own and the other person's: **Reflection** (3 of 4) - Explored",
        "- Analysis with course concepts: **Reflection** (3 of 4) - Applied to the case",
        "- Assumptions, power and position (cultural humility): **Understanding, introspection** (2 of 4) - "
        "Acknowledged",
        "- Action plan: **Critical reflection** (4 of 4) - Specific and feasible, with a review date",
        "",
        "A strong plan.",
    ]


def test_score_comment_keeps_trainer_html_literal(rubric):
    """nbgrader renders comments as Markdown with raw HTML; a typed tag must stay text."""
    grade = RubricGrade(levels(*["reflection"] * 5), "Use <b>one</b> moment <script>x</script>")
    text = comment_markdown(rubric, grade, 10)
    assert text.endswith("Use \\<b>one\\</b> moment \\<script>x\\</script>")


def test_score_overall_band_is_band_of_mean_total(rubric):
    assert overall_band(rubric, [16, 14]).title == "Reflective"   # mean 15
    assert overall_band(rubric, [14, 15]).title == "Reflective"   # 14.5 rounds half up to 15
    assert overall_band(rubric, [9, 10]).title == "Developing"    # 9.5 -> 10
    assert overall_band(rubric, []) is None
