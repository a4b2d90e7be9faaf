"""Does ``mentor-course grading`` report each submission, name the next step, and set the exit code?"""

from __future__ import annotations

import nbformat
import pytest
from click.testing import CliRunner

from tests.conftest import REPO
from tests.grading.conftest import ASSIGNMENT, STRONG, copy_course, correct_letters, fill, write_notebook
from widgets.cli import main
from widgets.grading import nbgrader_apps
from widgets.grading.cli import grading
from widgets.grading.collect import import_folder
from widgets.grading.release import student_notebook


@pytest.fixture(scope="module")
def graded_course(tmp_path_factory):
    """One good and one broken submission, imported but not autograded yet."""
    mp = pytest.MonkeyPatch()
    mp.delenv("MENTOR_COURSE_GRADEBOOK_URL", raising=False)
    base = tmp_path_factory.mktemp("cli")
    course = copy_course(base / "course")
    assert nbgrader_apps.generate_assignment(course, ASSIGNMENT).ok
    write_notebook(fill(student_notebook(course, ASSIGNMENT), STRONG, correct_letters(course)),
                   base / "inbox" / f"ana_{ASSIGNMENT}.ipynb")
    (base / "inbox" / f"bo_{ASSIGNMENT}.ipynb").write_text("{not json", encoding="utf-8")
    import_folder(course, base / "inbox", ASSIGNMENT)
    yield course
    mp.undo()


def run(course, *args: str):
    return CliRunner().invoke(grading, ["--course", str(course.root), *args])


def test_cli_grading_is_registered_on_mentor_course():
    result = CliRunner().invoke(main, ["grading", "--help"])
    assert result.exit_code == 0
    for command in ("generate", "import", "autograde", "feedback", "status", "summary", "flags", "release-notebook"):
        assert command in result.output


def test_cli_autograde_reports_each_submission_and_exits_1_on_a_failure(graded_course):
    result = run(graded_course, "autograde", "boundaries-and-ethics-in-depth")
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert lines[0] == "ana: ok: autograded"
    assert lines[1].startswith("bo: FAILED: not valid notebook JSON (line 1, column 2")
    assert lines[-1] == "2 submission(s): 1 ok, 1 failed"
    again = run(graded_course, "autograde", ASSIGNMENT, "--student", "ana")
    assert again.exit_code == 0 and "already autograded (use --force to autograde again)" in again.output


def test_cli_status_lists_mentors_problems_and_progress(graded_course):
    run(graded_course, "autograde", ASSIGNMENT)
    result = run(graded_course, "status", ASSIGNMENT)
    assert result.exit_code == 0
    assert result.output.splitlines() == [
        "ana: to grade 3/23",
        "bo: unreadable",
        "    not valid notebook JSON (line 1, column 2: Expecting property name enclosed in double quotes); "
        "the file may be cut short: ask the mentor to download it again",
        "0 of 2 graded, 1 to grade, 1 need attention",
    ]


def test_cli_flags_list_and_resolve(graded_course):
    from widgets.grading.assignments import load_course_rubric
    from widgets.grading.session import GradingSession

    rubric, _ = load_course_rubric(graded_course)
    session = GradingSession(graded_course, rubric, "trainer-a")
    flag = session.raise_flag(ASSIGNMENT, "ana", "Describes being overwhelmed.")
    session.close()
    listed = run(graded_course, "flags")
    assert f"{flag.id}: {ASSIGNMENT} ana: Describes being overwhelmed. [raised by trainer-a" in listed.output
    assert listed.output.strip().endswith("1 open concern(s)")
    assert run(graded_course, "flags", "--resolve", str(flag.id)).exit_code == 2  # a note is required
    done = run(graded_course, "flags", "--resolve", str(flag.id), "--note", "Coordinator called.")
    assert done.exit_code == 0 and "Coordinator called." in done.output
    assert run(graded_course, "flags").output.strip() == "0 open concern(s)"
    assert "followed up by" in run(graded_course, "flags", "--all").output
    missing = run(graded_course, "flags", "--resolve", "999", "--note", "x")
    assert missing.exit_code == 1 and "no safeguarding flag with id 999" in missing.output


def test_cli_summary_writes_csv_and_plots(graded_course, tmp_path):
    result = run(graded_course, "summary", "-a", ASSIGNMENT, "-o", str(tmp_path / "out"))
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [
        "completion.png", "criterion-levels.png", "grades-by-criterion.csv", "grades-by-mentor.csv"]
    assert result.output.strip().endswith("2 mentor(s), 1 assignment(s), 0 graded answer(s)")


def test_cli_summary_knows_the_core_track(graded_course, tmp_path):
    """Issue 15: the trainers' summary says where each mentor stands on the core track, core first."""
    import csv
    import shutil

    modules = graded_course.root.parent / "modules"
    modules.mkdir(exist_ok=True)
    shutil.copy(REPO / "modules" / "course.yaml", modules / "course.yaml")
    result = run(graded_course, "summary", "-a", ASSIGNMENT, "-a", "01-foundations-reflection",
                 "-o", str(tmp_path / "out"))
    assert result.exit_code == 0, result.output
    assert "core track: 0 of 2 mentor(s) have all 1 core reflections graded" in result.output
    with (tmp_path / "out" / "grades-by-mentor.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert rows[0]["assignment"] == "01-foundations-reflection"  # the core track's reflections come first
    assert {(r["assignment"], r["track"]) for r in rows} == {
        ("01-foundations-reflection", "core"), (ASSIGNMENT, "electives")}
    with (tmp_path / "out" / "core-by-mentor.csv").open(encoding="utf-8") as fh:
        core = list(csv.DictReader(fh))
    assert len(core) == 2 and {r["core"] for r in core} == {"core: 0 of 1 graded"}
    assert {r["core_submitted"] for r in core} == {"0"}


def test_cli_release_notebook_for_binder(graded_course, tmp_path):
    result = run(graded_course, "release-notebook", ASSIGNMENT, "-o", str(tmp_path))
    assert result.exit_code == 0
    nb = nbformat.read(tmp_path / f"{ASSIGNMENT}.ipynb", as_version=4)
    assert "BEGIN SOLUTION" not in "".join(c.source for c in nb.cells)


def test_cli_unknown_course_and_assignment_are_clear_errors(tmp_path, graded_course):
    result = CliRunner().invoke(grading, ["--course", str(tmp_path), "status", ASSIGNMENT])
    assert result.exit_code == 1 and "no nbgrader course (nbgrader_config.py)" in result.output
    assert "Traceback" not in result.output
    bad = run(graded_course, "feedback", "99-nothing")
    assert bad.exit_code == 2 and "no assignment '99-nothing'" in bad.output


def test_cli_summary_escapes_formulas_for_spreadsheets():
    from widgets.grading.summary import spreadsheet_safe

    assert [spreadsheet_safe(v) for v in ["=HYPERLINK(1)", "+1", "-2", "@x", "ana", 3.5]] == [
        "'=HYPERLINK(1)", "'+1", "'-2", "'@x", "ana", 3.5]


def test_cli_release_notebook_trailing_slash_means_a_folder(graded_course, tmp_path):
    result = run(graded_course, "release-notebook", ASSIGNMENT, "-o", str(tmp_path / "handout") + "/")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "handout").is_dir()
    assert nbformat.read(tmp_path / "handout" / f"{ASSIGNMENT}.ipynb", as_version=4).cells
    named = run(graded_course, "release-notebook", ASSIGNMENT, "-o", str(tmp_path / "mail" / "for-priya.ipynb"))
    assert named.exit_code == 0 and (tmp_path / "mail" / "for-priya.ipynb").is_file()


def test_cli_status_names_the_mentor_as_they_gave_their_name(graded_course, tmp_path):
    blank = student_notebook(graded_course, ASSIGNMENT)
    write_notebook(fill(blank, STRONG), tmp_path / "inbox" / "Zoë O'Brien" / f"{ASSIGNMENT}.ipynb")
    write_notebook(fill(blank, STRONG), tmp_path / "inbox" / f"ZOË  O’BRIEN_{ASSIGNMENT}.ipynb")
    imported = import_folder(graded_course, tmp_path / "inbox", ASSIGNMENT)
    assert {r.mentor for r in imported} == {"zoe-o-brien"}  # one person, however the name was typed
    assert sorted(r.action for r in imported) == ["imported", "kept aside"]
    lines = run(graded_course, "status", ASSIGNMENT).output.splitlines()
    # the name as given (in the newest file), normalised: one space, a straight apostrophe
    assert any(line.casefold().startswith("zoë o'brien (zoe-o-brien): not autograded") for line in lines), lines
