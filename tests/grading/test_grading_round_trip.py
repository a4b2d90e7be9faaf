"""The whole trainer round trip with real nbgrader on a copy of course/: generate, mentors' submissions
(strong, weak with a duplicated cell, one with a deleted answer cell, one that is not valid JSON, an odd
mentor id), autograde, rubric grades written through the grading view, feedback, CSV export."""

from __future__ import annotations

import copy
import csv
import json
from pathlib import Path

import nbformat
import pytest

from tests.grading.conftest import ASSIGNMENT, STRONG, WEAK, copy_course, correct_letters, fill, write_notebook
from widgets.grading import nbgrader_apps
from widgets.grading.assignments import load_course_rubric
from widgets.grading.collect import import_folder
from widgets.grading.gradebook import Gradebook
from widgets.grading.records import local_file
from widgets.grading.release import student_notebook
from widgets.grading.score import RubricGrade
from widgets.grading.session import GRADED, TO_GRADE, UNREADABLE, GradingSession
from widgets.grading.store import GradeConflict
from widgets.grading.summary import export_summary
from widgets.ui.grading.view import GradingView

ZOE, SAM, DEE, BROKEN = "zoe-o-brien-ext", "sam", "dee", "broken"
PAIRED_SECRET = "answer_1 = \"acd\"  # BEGIN SOLUTION (a jupytext pairing would leak this)"
FLAG_NOTE = "Mentions staying up every night answering a mentee; sounds exhausted."


def choose(panel, chosen: dict[str, str]) -> None:
    for crit, level in chosen.items():
        panel.radios[crit].value = level


@pytest.fixture(scope="module")
def trip(tmp_path_factory):
    mp = pytest.MonkeyPatch()
    mp.delenv("MENTOR_COURSE_GRADEBOOK_URL", raising=False)
    base = tmp_path_factory.mktemp("trip")
    course = copy_course(base / "course")
    source_dir = course.source_notebook(ASSIGNMENT).parent
    (source_dir / f"{ASSIGNMENT}.py").write_text(PAIRED_SECRET, encoding="utf-8")
    (source_dir / f"{ASSIGNMENT}.md").write_text(PAIRED_SECRET, encoding="utf-8")
    generated = nbgrader_apps.generate_assignment(course, ASSIGNMENT)

    blank = student_notebook(course, ASSIGNMENT)
    right = correct_letters(course)
    wrong = [("b" if r != "b" else "a") for r in right]
    inbox = base / "inbox"
    write_notebook(fill(blank, STRONG, right), inbox / "Zoë O'Brien (ext)" / f"{ASSIGNMENT}.ipynb")
    weak = fill(blank, WEAK, wrong)
    first = next(i for i, c in enumerate(weak.cells) if c.metadata["nbgrader"]["grade_id"] == "answer-what-would-stop-me")
    dup = copy.deepcopy(weak.cells[first])
    dup.source = "Also: I text back at midnight because I worry they will feel dropped."
    dup["id"] = "sam-copy"
    weak.cells.insert(first + 1, dup)
    write_notebook(weak, inbox / f"{SAM}_{ASSIGNMENT}.ipynb")
    deleted = fill(blank, {"what-would-stop-me": STRONG["what-would-stop-me"]}, right)
    gone = next(i for i, c in enumerate(deleted.cells) if c.metadata["nbgrader"]["grade_id"] == "answer-my-agreement")
    deleted.cells[gone] = nbformat.v4.new_markdown_cell("My agreement: weekdays only, and I tell you first.",
                                                        id="dee-own")
    write_notebook(deleted, inbox / f"{DEE}_{ASSIGNMENT}.ipynb")
    (inbox / f"{BROKEN}_{ASSIGNMENT}.ipynb").write_text('{"cells": [{"cell_type": "markdown", "sou',
                                                          encoding="utf-8")
    imported = import_folder(course, inbox, ASSIGNMENT)
    autograded = nbgrader_apps.autograde(course, ASSIGNMENT)

    rubric, errors = load_course_rubric(course)
    assert errors == []
    session = GradingSession(course, rubric, "trainer-a")
    view = GradingView(session)
    view.assignment.value = ASSIGNMENT
    opened_first = view.mentor.value
    view.mentor.value = ZOE
    a1, a2 = view.panels[0], view.panels[1]
    choose(a1, {"description": "critical", "emotions": "reflection", "analysis": "reflection",
                "positionality": "understanding", "action": "critical"})
    a1.snippet.value = "review-date"
    a1.insert.click()
    a1.save.click()
    choose(a2, {c.id: "reflection" for c in rubric.criteria})
    a2.comment.value = "Your wording for exceptions is warm and clear."
    a2.save.click()
    view.mentor.value = SAM
    choose(view.panels[0], {c.id: "habitual" for c in rubric.criteria})
    view.panels[0].comment.value = "Try anchoring this in one specific moment."
    view.panels[0].save.click()
    no_answer_prefilled = view.panels[1].no_answer.value
    view.panels[1].save.click()
    view.flag_note.value = FLAG_NOTE
    view.flag_button.click()
    announced = view.status.message
    feedback = nbgrader_apps.generate_feedback(course, ASSIGNMENT)
    exports = export_summary(course.root, base / "exports")
    yield {"course": course, "generated": generated, "inbox": inbox, "imported": imported, "autograded": autograded,
           "session": session, "view": view, "opened_first": opened_first, "feedback": feedback,
           "exports": exports, "no_answer_prefilled": no_answer_prefilled, "announced": announced}
    session.close()
    mp.undo()


def test_round_trip_release_has_no_solutions_hidden_tests_or_paired_files(trip):
    course = trip["course"]
    assert trip["generated"].ok, trip["generated"].message
    release = course.root / "release" / ASSIGNMENT
    assert sorted(p.name for p in release.iterdir()) == [f"{ASSIGNMENT}.ipynb"]
    text = (release / f"{ASSIGNMENT}.ipynb").read_text(encoding="utf-8")
    for leak in ("BEGIN SOLUTION", "END SOLUTION", "HIDDEN TESTS", "set(\"acd\")", "\"acd\"", PAIRED_SECRET):
        assert leak not in text
    sources = "".join(c.source for c in nbformat.reads(text, as_version=4).cells)
    assert "Write your answer here, in place of this line." in sources
    assert '""  # type the letter(s) of your choice between these quotes' in sources


def test_round_trip_student_notebook_matches_nbgrader_release(trip):
    course = trip["course"]
    mine = nbformat.writes(student_notebook(course, ASSIGNMENT)) + "\n"
    assert mine == (course.root / "release" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb").read_text(encoding="utf-8")


def test_round_trip_each_bad_submission_is_reported_and_the_rest_autograded(trip):
    results = {r.student: r for r in trip["autograded"]}
    assert {s: r.ok for s, r in results.items()} == {BROKEN: False, DEE: True, SAM: True, ZOE: True}
    assert "not valid notebook JSON (line 1" in results[BROKEN].message
    checks = {s: sum(c.score for c in g.checks)
              for s, g in Gradebook(trip["course"].db_url, trip["course"].course_id).submissions(ASSIGNMENT).items()}
    assert checks == {DEE: 3.0, SAM: 0.0, ZOE: 3.0}


def test_round_trip_view_shows_progress_and_every_status(trip):
    session, view = trip["session"], trip["view"]
    rows = {r.student: r for r in session.rows(ASSIGNMENT)}
    assert {s: r.status for s, r in rows.items()} == {BROKEN: UNREADABLE, DEE: TO_GRADE, SAM: GRADED, ZOE: GRADED}
    assert rows[SAM].flagged and not rows[ZOE].flagged
    assert session.progress(list(rows.values())).describe() == "2 of 4 graded, 1 to grade, 1 need attention"
    assert view.progress_bar.value == 2 and view.progress_bar.max == 4
    assert trip["opened_first"] == DEE  # the view opens the first submission still to grade
    assert [label for label, _ in view.mentor.options] == [
        "broken  (! unreadable)", "dee  (○ to grade)", "sam  (✓ graded, flagged)",
        "Zoë O'Brien (ext) (zoe-o-brien-ext)  (✓ graded)"]  # the name the mentor gave, beside the id files use
    assert trip["announced"].startswith("Safeguarding concern recorded for sam.")


def test_round_trip_gradebook_holds_rubric_scores_and_comments(trip):
    course = trip["course"]
    grades = Gradebook(course.db_url, course.course_id).submissions(ASSIGNMENT)
    zoe, sam = grades[ZOE].answers, grades[SAM].answers
    assert (zoe["what-would-stop-me"].manual_score, zoe["my-agreement"].manual_score) == (8.0, 7.5)
    assert (sam["what-would-stop-me"].manual_score, sam["my-agreement"].manual_score) == (2.5, 0.0)
    assert not any(c.needs_manual_grade for c in grades[ZOE].cells)
    comment = zoe["what-would-stop-me"].manual_comment
    assert comment.startswith("**Rubric: Reflective, 16 of 20** (8 of 10 points)")
    assert "- Action plan: **Critical reflection** (4 of 4) - Specific and feasible, with a review date" in comment
    assert comment.endswith("A strong plan. Add a date or an occasion when you will check whether you are doing it.")
    assert trip["no_answer_prefilled"] is True
    assert sam["my-agreement"].manual_comment.startswith("**No answer was found for this prompt**")
    assert grades[ZOE].score == 18.5 and grades[ZOE].max_score == 23.0


def test_round_trip_feedback_carries_rubric_levels_and_comments(trip):
    course = trip["course"]
    assert {r.student: r.ok for r in trip["feedback"]} == {BROKEN: False, DEE: True, SAM: True, ZOE: True}
    html = course.feedback_file(ZOE, ASSIGNMENT).read_text(encoding="utf-8")
    assert "(Score: 18.5 / 23.0)" in html
    assert "<strong>Rubric: Reflective, 16 of 20</strong> (8 of 10 points)" in html
    assert "Assumptions, power and position (cultural humility): <strong>Understanding, introspection</strong>" in html
    assert "Your wording for exceptions is warm and clear." in html
    assert "Add a date or an occasion when you will check" in html
    assert "Critical reflection" in html and "19-20 Critical" in html  # the rubric itself is in the feedback
    sam = course.feedback_file(SAM, ASSIGNMENT).read_text(encoding="utf-8")
    assert "<strong>Rubric: Descriptive, 5 of 20</strong> (2.5 of 10 points)" in sam
    assert "No answer was found for this prompt" in sam


def test_round_trip_safeguarding_flag_is_listed_and_never_reaches_the_mentor(trip):
    course, session = trip["course"], trip["session"]
    flags = session.open_flags(ASSIGNMENT)
    assert [(f.student, f.note, f.raised_by) for f in flags] == [(SAM, FLAG_NOTE, "trainer-a")]
    assert "Open safeguarding concerns (1)" in trip["view"].follow_up.value
    leaked = [p for p in course.root.rglob("*") if p.is_file() and "private" not in p.parts
              and FLAG_NOTE.encode() in p.read_bytes()]
    assert leaked == []
    assert all(FLAG_NOTE not in p.read_text(encoding="utf-8") for p in trip["exports"] if p.suffix == ".csv")


def test_round_trip_duplicated_and_deleted_answers_are_shown_not_lost(trip):
    session = trip["session"]
    sam = session.open(ASSIGNMENT, SAM)
    first = sam.answer("what-would-stop-me").answer
    assert first.texts == (WEAK["what-would-stop-me"], "Also: I text back at midnight because I worry they will "
                                                         "feel dropped.")
    assert "answer.duplicated" in [p.code for p in sam.problems]
    dee = session.open(ASSIGNMENT, DEE)
    assert dee.answer("my-agreement").answer.state == "missing"
    assert dee.inspection.extra_text == ("My agreement: weekdays only, and I tell you first.",)
    restored = dee.answer("my-agreement").cell
    assert (restored.auto_score, restored.needs_manual_grade) == (None, True)  # put back, left to the trainer
    autograded = nbformat.read(trip["course"].autograded_notebook(DEE, ASSIGNMENT), as_version=4)
    ids = [c.metadata.get("nbgrader", {}).get("grade_id") for c in autograded.cells]
    assert ids.index("answer-my-agreement") == ids.index("prompt-my-agreement") + 1
    assert "was missing from the submitted notebook" in autograded.cells[ids.index("answer-my-agreement")].source


def test_round_trip_mentor_files_are_never_changed(trip):
    course, inbox = trip["course"], trip["inbox"]
    sent = {r.mentor: (inbox / r.file).read_bytes() for r in trip["imported"] if r.mentor}
    assert {m: local_file(course, m, ASSIGNMENT).read_bytes() for m in sent} == sent
    assert not course.submitted_notebook(BROKEN, ASSIGNMENT).exists()  # unreadable: kept out of nbgrader's way


def test_round_trip_csv_export_per_mentor_and_per_criterion(trip):
    files = {p.name: p for p in trip["exports"]}
    assert sorted(files) == ["completion.png", "criterion-levels.png", "grades-by-criterion.csv",
                             "grades-by-mentor.csv"]
    for png in ("completion.png", "criterion-levels.png"):
        assert files[png].read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    with files["grades-by-mentor.csv"].open(encoding="utf-8") as fh:
        mentors = {(r["mentor"], r["assignment"]): r for r in csv.DictReader(fh)}
    zoe = mentors[(ZOE, ASSIGNMENT)]
    assert (zoe["status"], zoe["score"], zoe["max_score"], zoe["reflection_score"], zoe["check_score"], zoe["band"]) \
        == (GRADED, "18.5", "23.0", "15.5", "3.0", "Reflective")
    assert mentors[(BROKEN, ASSIGNMENT)]["status"] == UNREADABLE
    assert mentors[(DEE, ASSIGNMENT)]["status"] == TO_GRADE
    assert zoe["name"] == "Zoë O'Brien (ext)" and mentors[(SAM, ASSIGNMENT)]["name"] == "sam"
    # only the released assignment: the others were never given to anyone, so nobody "did not submit" them
    assert {a for _, a in mentors} == {ASSIGNMENT}
    with files["grades-by-criterion.csv"].open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == 3 * 5  # zoe's two answers and sam's first; "no answer" has no levels
    assert {(r["mentor"], r["prompt"], r["criterion"], r["level"], r["grader"]) for r in rows if r["criterion"] ==
            "positionality"} == {(ZOE, "what-would-stop-me", "positionality", "understanding", "trainer-a"),
                                 (ZOE, "my-agreement", "positionality", "reflection", "trainer-a"),
                                 (SAM, "what-would-stop-me", "positionality", "habitual", "trainer-a")}


def test_round_trip_cohort_summary_notebook_runs(trip):
    """course/cohort-summary.ipynb executes in the course folder and shows both plots (the grading
    notebook is run by the browser test, in Voilà)."""
    from nbclient import NotebookClient

    course = trip["course"]
    nb = nbformat.read(course.root / "cohort-summary.ipynb", as_version=4)
    NotebookClient(nb, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(course.root)}}).execute()
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]
    assert [o for o in outputs if o.output_type == "error"] == []
    assert sum("image/png" in o.get("data", {}) for o in outputs) == 2
    assert (course.private / "exports" / "grades-by-mentor.csv").is_file()
    for name in ("grading.ipynb", "cohort-summary.ipynb"):  # committed without outputs
        committed = json.loads((course.root / name).read_text(encoding="utf-8"))
        assert all(not c.get("outputs") for c in committed["cells"]), name


def test_round_trip_conflicting_save_is_refused(trip):
    """A second trainer who opened Zoë's submission before the first saved cannot overwrite the grade."""
    course, session = trip["course"], trip["session"]
    rubric = session.rubric
    other = GradingSession(course, rubric, "trainer-b")
    stale = other.open(ASSIGNMENT, DEE)
    session.save(session.open(ASSIGNMENT, DEE), "what-would-stop-me",
                 RubricGrade({c.id: "reflection" for c in rubric.criteria}))
    with pytest.raises(GradeConflict, match="trainer-a"):
        other.save(stale, "what-would-stop-me", RubricGrade({c.id: "critical" for c in rubric.criteria}))
    grades = Gradebook(course.db_url, course.course_id).submission(ASSIGNMENT, DEE).answers
    assert grades["what-would-stop-me"].manual_score == 7.5
    other.close()
    assert Path(course.private / "grading.sqlite").is_file()


def test_round_trip_view_incomplete_grade_is_not_saved_and_says_what_is_missing(trip):
    view, course = trip["view"], trip["course"]
    view.mentor.value = DEE
    panel = view.panels[1]  # the deleted answer: nothing saved yet, "no answer" suggested
    assert panel.no_answer.value is True
    panel.no_answer.value = False
    choose(panel, {"description": "reflection", "emotions": "reflection"})
    assert "Still to do: choose a level for &#39;Analysis with course concepts&#39;" in panel.preview.value
    before = Gradebook(course.db_url, course.course_id).submission(ASSIGNMENT, DEE).answers["my-agreement"]
    panel.save.click()
    assert view.status.message.startswith("Not saved: choose a level for 'Analysis with course concepts'")
    after = Gradebook(course.db_url, course.course_id).submission(ASSIGNMENT, DEE).answers["my-agreement"]
    assert after == before


def test_round_trip_view_no_answer_disables_levels_and_snippets_need_a_choice(trip):
    view = trip["view"]
    view.mentor.value = DEE
    panel = view.panels[1]
    panel.no_answer.value = True
    assert all(r.disabled for r in panel.radios.values())
    assert "0 of 10 points." in panel.preview.value
    panel.no_answer.value = False
    assert not any(r.disabled for r in panel.radios.values())
    panel.snippet.value = ""
    panel.insert.click()
    assert view.status.message == "Choose a snippet in the list first."
    count = view.status.count
    panel.insert.click()
    assert view.status.count == count + 1  # the same words are announced again


def test_round_trip_view_empty_concern_is_refused(trip):
    view = trip["view"]
    view.mentor.value = ZOE
    view.flag_note.value = "   "
    view.flag_button.click()
    assert view.status.message.startswith("Not recorded: say briefly what the concern is")
    assert [f.student for f in trip["session"].open_flags(ASSIGNMENT)] == [SAM]


def test_round_trip_view_escapes_what_mentors_wrote(trip, tmp_path):
    """A mentor's raw HTML is shown as text in the grading view, never run."""
    session = trip["session"]
    from widgets.grading.submissions import inspect_submission
    from widgets.ui.grading.view import _html

    raw = json.dumps({"cells": [{"cell_type": "markdown", "metadata": {"nbgrader": {
        "grade_id": "answer-what-would-stop-me"}}, "source": "<img src=x onerror=alert(1)> *fine*"}]}).encode()
    answer = inspect_submission(raw, [p.id for p in session.prompts(ASSIGNMENT)]).answers["what-would-stop-me"]
    html = _html("answer", 1, "Prompt <b>", 10, "", "## Prompt", answer.text)
    assert "<img" not in html and "&lt;img src=x onerror=alert(1)&gt;" in html and "<em>fine</em>" in html
    assert "Prompt &lt;b&gt;" in html and "<h2>Prompt</h2>" in html


def test_round_trip_plain_nbgrader_never_records_an_unreadable_file(trip, tmp_path):
    """Plain `nbgrader autograde` over the whole course, then `nbgrader export`: the cut-short file is not a
    0-point submission (it is kept out of submitted/), and the rest keep their grades."""
    import os
    import subprocess
    import sys

    course = trip["course"]
    env = {k: v for k, v in os.environ.items() if k != "MENTOR_COURSE_GRADEBOOK_URL"}
    run = subprocess.run([sys.executable, "-m", "nbgrader", "autograde", ASSIGNMENT], cwd=course.root, env=env,
                         capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr[-3000:]
    assert BROKEN not in Gradebook(course.db_url, course.course_id).submissions(ASSIGNMENT)
    out = tmp_path / "grades.csv"
    export = subprocess.run([sys.executable, "-m", "nbgrader", "export", "--to", str(out)], cwd=course.root, env=env,
                            capture_output=True, text=True, timeout=300)
    assert export.returncode == 0, export.stderr[-3000:]
    with out.open(encoding="utf-8") as fh:
        exported = {r["student_id"] for r in csv.DictReader(fh) if r["assignment"] == ASSIGNMENT}
    assert exported == {DEE, SAM, ZOE}
