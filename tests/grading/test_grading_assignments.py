"""Are the committed assignment notebooks exactly what the module YAML produces, and shaped for nbgrader?"""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
import pytest
from click.testing import CliRunner

from tests.conftest import REPO
from widgets.content.models import Option, Prompt, Question, Reflection, SelfCheck
from widgets.grading.assignments import generate, module_specs, notebook_text
from widgets.grading.cli import grading
from widgets.grading.course import nbgrader_config, open_course
from widgets.grading.notebooks import ANSWER_STUB, CODE_STUB, AssignmentSpec, build_notebook

MODULES_WITH_REFLECTION = sorted(p.parent.name for p in (REPO / "modules").glob("*/reflection.yaml"))


@pytest.mark.parametrize("module", MODULES_WITH_REFLECTION)
def test_assignments_committed_notebook_matches_yaml(module, rubric):
    """Fails when a module's reflection.yaml, selfcheck.yaml, title or the rubric changed without regenerating."""
    specs, errors = module_specs(REPO, rubric)
    assert [str(e) for e in errors if module in e.file] == []
    spec = next(s for s in specs if s.reflection.module == module)
    path = REPO / "course" / "source" / spec.name / f"{spec.name}.ipynb"
    assert path.is_file(), f"{path.relative_to(REPO)} is missing; run: mentor-course grading generate"
    assert path.read_text(encoding="utf-8") == notebook_text(spec), (
        f"{path.relative_to(REPO)} differs from modules/{module}/*.yaml; run: mentor-course grading generate")


def test_assignments_no_stale_assignment_without_a_module():
    result = generate(REPO, open_course(REPO / "course"), check=True)
    assert result.stale == []
    assert result.written == []  # --check never writes
    assert sorted(p.parent.name for p in result.current + result.drift) == [
        f"{m}-reflection" for m in MODULES_WITH_REFLECTION]


def test_assignments_generate_check_fails_on_drift_and_generate_fixes_it(tmp_path):
    """The CLI round: --check exits 1 naming the file and the command, generate writes, --check passes."""
    (tmp_path / "modules").mkdir()
    for item in ["course.yaml", "01-foundations"]:
        src = REPO / "modules" / item
        if src.is_dir():
            (tmp_path / "modules" / item).mkdir()
            for name in ("reflection.yaml", "selfcheck.yaml"):
                if (src / name).is_file():
                    (tmp_path / "modules" / item / name).write_bytes((src / name).read_bytes())
        else:
            (tmp_path / "modules" / item).write_bytes(src.read_bytes())
    from tests.grading.conftest import copy_course

    course = copy_course(tmp_path / "course")
    for extra in course.assignments():
        if extra != "01-foundations-reflection":
            for f in (course.root / "source" / extra).iterdir():
                f.unlink()
            (course.root / "source" / extra).rmdir()
    nb_path = course.source_notebook("01-foundations-reflection")
    nb_path.write_text(nb_path.read_text(encoding="utf-8").replace("10 points", "11 points"), encoding="utf-8")
    runner = CliRunner()
    result = runner.invoke(grading, ["--course", str(course.root), "generate", "--check"])
    assert result.exit_code == 1
    assert ("course/source/01-foundations-reflection/01-foundations-reflection.ipynb: drift the notebook differs "
            "from its module's YAML; run: mentor-course grading generate") in result.output
    result = runner.invoke(grading, ["--course", str(course.root), "generate"])
    assert result.exit_code == 0, result.output
    assert "1 written" in result.output
    result = runner.invoke(grading, ["--course", str(course.root), "generate", "--check"])
    assert result.exit_code == 0 and "1 current" in result.output


def _spec(rubric, **overrides) -> AssignmentSpec:
    reflection = Reflection("07-role-modeling", "Reflection: <b>your</b> story", (
        Prompt("whose-story", "Whose story?", "What in your story serves *this* mentee & what is yours?", 10),
        Prompt("second", "Second", "Another prompt.", 5)), intro="Write honestly.")
    selfcheck = SelfCheck("07-role-modeling", "Check", (
        Question("q1", "Pick one.", "single", (Option("x", "No", False, "e"), Option("y", "Yes", True, "e"))),
        Question("q2", "Pick all.", "multiple", (Option("a", "A", True, "e"), Option("b", "B", False, "e"),
                                                 Option("c", "C", True, "e")))))
    values = {"reflection": reflection, "rubric": rubric, "module_title": "Role modelling", "selfcheck": selfcheck}
    values.update(overrides)
    return AssignmentSpec(**values)


def test_assignments_notebook_cells_follow_the_grade_id_contract(rubric):
    nb = build_notebook(_spec(rubric))
    nbformat.validate(nbformat.from_dict(nb))
    cells = [(c["cell_type"], c["metadata"]["nbgrader"]["grade_id"], c["metadata"]["nbgrader"]["grade"],
              c["metadata"]["nbgrader"]["solution"], c["metadata"]["nbgrader"]["locked"],
              c["metadata"]["nbgrader"].get("points")) for c in nb["cells"]]
    assert cells == [
        ("markdown", "intro", False, False, True, None),
        ("markdown", "rubric", False, False, True, None),
        ("markdown", "prompt-whose-story", False, False, True, None),
        ("markdown", "answer-whose-story", True, True, False, 10),
        ("markdown", "prompt-second", False, False, True, None),
        ("markdown", "answer-second", True, True, False, 5),
        ("markdown", "check-intro", False, False, True, None),
        ("markdown", "check-q1-question", False, False, True, None),
        ("code", "check-q1", False, True, False, None),
        ("code", "check-q1-test", True, False, True, 1),
        ("markdown", "check-q2-question", False, False, True, None),
        ("code", "check-q2", False, True, False, None),
        ("code", "check-q2-test", True, False, True, 1),
    ]
    assert all(c["id"] == c["metadata"]["nbgrader"]["grade_id"] for c in nb["cells"])
    assert nb["cells"][3]["source"] == ANSWER_STUB
    q2 = nb["cells"][11]["source"] + nb["cells"][12]["source"]
    assert '"ac"' in q2 and 'set("ac")' in q2 and "### BEGIN HIDDEN TESTS" in q2


def test_assignments_yaml_text_is_escaped_and_rubric_shown(rubric):
    nb = build_notebook(_spec(rubric))
    intro, table = nb["cells"][0]["source"], nb["cells"][1]["source"]
    assert intro.startswith("# Reflection: &lt;b&gt;your&lt;/b&gt; story")
    assert "*this* mentee &amp; what" in nb["cells"][2]["source"]
    assert "| **Action plan** | None | Generic | Specific | Specific and feasible, with a review date |" in table
    assert "5-9 Descriptive; 10-14 Developing; 15-18 Reflective; 19-20 Critical" in table


def test_assignments_without_selfcheck_has_no_knowledge_check(rubric):
    nb = build_notebook(_spec(rubric, selfcheck=None))
    assert [c["metadata"]["nbgrader"]["grade_id"] for c in nb["cells"]][-1] == "answer-second"
    assert "knowledge check" not in nb["cells"][0]["source"]


def test_assignments_notebook_text_is_what_jupyter_writes(rubric):
    """Saving the notebook in JupyterLab unchanged must not count as drift."""
    text = notebook_text(_spec(rubric))
    assert text == nbformat.writes(nbformat.reads(text, as_version=4)) + "\n"
    assert json.loads(text)["nbformat_minor"] == 5


def test_assignments_config_stubs_match_generator():
    config = nbgrader_config(REPO / "course")
    assert config.ClearSolutions.text_stub == ANSWER_STUB
    assert config.ClearSolutions.code_stub == {"python": CODE_STUB}
    assert config.OverwriteCells.add_missing_cells is False  # replaced by RestoreMissingGradeCells
    assert "widgets.grading.preprocessors.RestoreMissingGradeCells" in config.Autograde.sanitize_preprocessors
    assert {"*.py", "*.md", "*.Rmd", "*.qmd"} <= set(config.CourseDirectory.ignore)


def test_assignments_course_config_roots_at_its_own_folder(tmp_path: Path):
    from tests.grading.conftest import copy_course

    course = copy_course(tmp_path / "elsewhere")
    assert course.root == tmp_path / "elsewhere"
    assert course.db_url == f"sqlite:///{tmp_path / 'elsewhere' / 'gradebook.db'}"
    assert course.course_id == "mixed-heritage-mentoring"
