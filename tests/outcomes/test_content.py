"""Does the validator check the self-assessment file like every other content file, with positions?"""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from tests.conftest import REPO
from tests.outcomes.conftest import ASSESSMENT_YAML
from widgets.cli import main
from widgets.content.loader import check_paths, kind_of
from widgets.content.source import read_source
from widgets.outcomes.content import check_assessment_file, load_assessment


def _write(root: Path, text: str) -> Path:
    path = root / "modules" / "assessment.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_content_real_assessment_covers_every_competency_with_three_or_four_items():
    result = check_paths(root=REPO)
    assert [str(e) for e in result.errors if "assessment" in e.file] == []
    [assessment] = result.others["assessment"]
    assert set(assessment.competencies) == set(result.course.competency_ids)
    assert all(3 <= len(assessment.items_for(c)) <= 4 for c in assessment.competencies)
    assert (assessment.scale_min, assessment.scale_max) == (1, 7)
    assert assessment.anchor(1) == "Not at all skilled" and assessment.anchor(7) == "Extremely skilled"


def test_content_assessment_kind_is_detected_by_its_schema_tag(small_course):
    path = small_course / "modules" / "assessment.yaml"
    src, _ = read_source(path)
    assert kind_of(path, src.data) == "assessment"
    renamed = small_course / "modules" / "skills.yaml"
    renamed.write_text(ASSESSMENT_YAML, encoding="utf-8")
    assert kind_of(renamed, read_source(renamed)[0].data) == "assessment"


def test_content_assessment_semantic_errors_carry_file_line_and_column(small_course):
    text = (ASSESSMENT_YAML
            .replace("- competency: listening", "- competency: listenning")
            .replace("{id: v-steady, text: staying steady}", "{id: v-acknowledge, text: staying steady}")
            .replace("    - {point: 7, label: Extremely skilled}\n", "    - {point: 9, label: Extremely skilled}\n"))
    path = _write(small_course, text)
    course = check_paths(root=small_course).course
    model, errors = check_assessment_file(path, course)
    assert model is None
    assert [(e.code, e.line, e.col) for e in sorted(errors)] == [
        ("assessment.scale", 9, 5),  # the anchors leave out the top of the scale
        ("assessment.scale", 11, 15),  # point 9 is outside 1-7
        ("assessment.competency-missing", 16, 1),  # 'listening' has no group now
        ("id.duplicate", 21, 14),
        ("ref.competency", 22, 17),
    ]
    assert "did you mean 'listening'?" in next(e.message for e in errors if e.code == "ref.competency")


def test_content_assessment_item_count_is_three_or_four(small_course):
    text = ASSESSMENT_YAML.replace("      - {id: v-steady, text: staying steady}\n", "")
    text = text.replace("      - {id: l-summary, text: summarising}\n",
                        "      - {id: l-summary, text: summarising}\n      - {id: l-five, text: a fifth}\n")
    errors = check_assessment_file(_write(small_course, text), check_paths(root=small_course).course)[1]
    assert [(e.code, e.line) for e in sorted(errors)] == [("assessment.item-count", 19), ("assessment.item-count", 23)]
    assert "has 2 item(s); give it 3 or 4" in errors[0].message


def test_content_assessment_schema_errors_are_located(small_course):
    text = ASSESSMENT_YAML.replace("stem: How", "stme: How").replace("{id: l-open,", "{id: L_Open,")
    errors = check_assessment_file(_write(small_course, text))[1]
    assert [(e.code, e.line, e.col) for e in sorted(errors)] == [
        ("schema.required", 1, 1), ("schema.unknown-key", 4, 1), ("schema.id", 24, 14)]


def test_content_assessment_newer_version_says_upgrade(small_course):
    path = _write(small_course, ASSESSMENT_YAML.replace("mentor-assessment/1", "mentor-assessment/2"))
    [err] = check_assessment_file(path)[1]
    assert (err.code, err.line) == ("schema.version", 1)
    assert "pip install -U" in err.message


def test_content_load_assessment_returns_the_model(small_course):
    a = load_assessment(small_course / "modules" / "assessment.yaml")
    assert [i.id for i in a.items_for("listening")] == ["l-open", "l-reflect", "l-pause", "l-summary"]
    assert a.item("v-steady").competency == "validation"
    assert a.valid_rating(7) and not a.valid_rating(8) and not a.valid_rating(True)


def test_content_validate_command_checks_the_assessment(small_course, monkeypatch):
    _write(small_course, ASSESSMENT_YAML.replace("- competency: listening", "- competency: listenning"))
    monkeypatch.chdir(small_course)
    result = CliRunner().invoke(main, ["validate"])
    assert result.exit_code == 1
    assert "modules/assessment.yaml:22:17: ref.competency competency 'listenning' is not declared" in result.output
    _write(small_course, ASSESSMENT_YAML)
    result = CliRunner().invoke(main, ["validate"])
    assert result.exit_code == 0, result.output
    assert "1 assessment" in result.output
