"""Can a mentor's submission give anything away, or run anything, once a trainer grades it? Real nbgrader
on a copy of course/: feedback without hidden tests or answers, mentors' HTML sanitised at autograde and
in feedback, untouched knowledge checks autograded without checksum warnings."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import nbformat
import pytest

from tests.grading.conftest import ASSIGNMENT, STRONG, copy_course, correct_letters, fill, write_notebook
from widgets.grading import nbgrader_apps
from widgets.grading.collect import import_folder
from widgets.grading.release import student_notebook

XSS = ("I felt **needed** and *proud*.\n\n- first\n- second\n\n[the module](https://example.org/module) "
       "[bad](javascript:alert(9))\n\n<script>alert(1)</script> <img src=x onerror=alert(1)> "
       "<style>body{display:none}</style>\n\nAnd `a<b` stays.")
OTHER = "Only Ola wrote this sentence about her cousin's wedding."
ANSWERS_GIVEN_AWAY = ("BEGIN HIDDEN TESTS", "END HIDDEN TESTS", "assert chosen ==", 'set("acd")', 'set("c")',
                      "BEGIN SOLUTION", '"acd"')


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    mp = pytest.MonkeyPatch()
    mp.delenv("MENTOR_COURSE_GRADEBOOK_URL", raising=False)
    base = tmp_path_factory.mktemp("trust")
    course = copy_course(base / "course")
    assert nbgrader_apps.generate_assignment(course, ASSIGNMENT).ok
    blank = student_notebook(course, ASSIGNMENT)
    right = correct_letters(course)
    wrong = ["b" if r != "b" else "d" for r in right]
    inbox = base / "inbox"
    write_notebook(fill(blank, {"what-would-stop-me": XSS, "my-agreement": STRONG["my-agreement"]}, wrong),
                   inbox / f"xena_{ASSIGNMENT}.ipynb")
    write_notebook(fill(blank, {"what-would-stop-me": OTHER}, right), inbox / f"ola_{ASSIGNMENT}.ipynb")
    write_notebook(fill(blank, STRONG, right), inbox / f"una_{ASSIGNMENT}.ipynb")
    # tess pasted a knowledge-check test cell back without its nbgrader marks, and edited it
    tess = fill(blank, STRONG, right)
    test = next(c for c in tess.cells if c.metadata["nbgrader"]["grade_id"].endswith("-test"))
    test.metadata = {}
    test.source = "# Checks that your answer to question 1 is in the right form.\nchosen = 'a'  # I changed this"
    write_notebook(tess, inbox / f"tess_{ASSIGNMENT}.ipynb")
    import_folder(course, inbox, ASSIGNMENT)
    autograded = nbgrader_apps.autograde(course, ASSIGNMENT, students=["xena", "ola", "tess"])
    feedback = nbgrader_apps.generate_feedback(course, ASSIGNMENT, students=["xena", "ola"])
    yield {"course": course, "autograded": autograded, "feedback": feedback, "base": base}
    mp.undo()


def test_trust_feedback_never_contains_hidden_tests_answers_or_another_mentors_text(graded):
    course = graded["course"]
    assert all(r.ok for r in graded["autograded"]), graded["autograded"]
    assert all(r.ok for r in graded["feedback"]), graded["feedback"]
    html = course.feedback_file("xena", ASSIGNMENT).read_text(encoding="utf-8")
    assert "Not the expected answer" in html  # the wrong letters were marked, without saying which is right
    for leak in ANSWERS_GIVEN_AWAY:
        assert leak not in html, leak
    assert "Ola wrote" not in html
    assert "Only Ola wrote" in course.feedback_file("ola", ASSIGNMENT).read_text(encoding="utf-8")


def _answer_source(path, grade_id: str) -> str:
    nb = nbformat.read(path, as_version=4)
    return next(c.source for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == grade_id)


def test_trust_autograded_answers_are_sanitised_and_keep_their_markdown(graded):
    course = graded["course"]
    source = _answer_source(course.autograded_notebook("xena", ASSIGNMENT), "answer-what-would-stop-me")
    for unsafe in ("<script", "<img", "<style", "javascript:", "onerror=\"", "<a href=\"javascript"):
        assert unsafe not in source, unsafe
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in source and "&lt;style&gt;body{display:none}" in source
    assert "<strong>needed</strong>" in source and "<em>proud</em>" in source and "<li>first</li>" in source
    assert '<a href="https://example.org/module">the module</a>' in source
    assert "<code>a&lt;b</code>" in source
    # the mentor's file itself is never changed
    assert XSS in _answer_source(course.submitted_notebook("xena", ASSIGNMENT), "answer-what-would-stop-me")
    html = course.feedback_file("xena", ASSIGNMENT).read_text(encoding="utf-8")
    assert "<script>alert(1)" not in html and "<img src=x" not in html and "<style>body{display:none}" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_trust_plain_nbgrader_autograde_gives_no_checksum_warnings_for_untouched_checks(graded):
    course = graded["course"]
    env = {k: v for k, v in os.environ.items() if k != "MENTOR_COURSE_GRADEBOOK_URL"}
    run = subprocess.run([sys.executable, "-m", "nbgrader", "autograde", ASSIGNMENT, "--student", "una"],
                         cwd=course.root, env=env, capture_output=True, text=True, timeout=240)
    assert run.returncode == 0, run.stderr[-3000:]
    assert "has changed" not in run.stderr, [ln for ln in run.stderr.splitlines() if "has changed" in ln]
    nb = nbformat.read(course.autograded_notebook("una", ASSIGNMENT), as_version=4)
    tests = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id", "").endswith("-test")]
    assert len(tests) == 3 and all("BEGIN HIDDEN TESTS" in c.source for c in tests)  # graded with the hidden tests


def test_trust_an_edited_locked_test_cell_is_still_reported_and_restored(graded):
    course = graded["course"]
    nb = nbformat.read(course.submitted_notebook("una", ASSIGNMENT), as_version=4)
    test = next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id", "").endswith("-test"))
    test.source = "pass  # the mentor emptied the check"
    target = graded["base"] / "edited"
    write_notebook(nb, target / f"vic_{ASSIGNMENT}.ipynb")
    import_folder(course, target, ASSIGNMENT)
    env = {k: v for k, v in os.environ.items() if k != "MENTOR_COURSE_GRADEBOOK_URL"}
    run = subprocess.run([sys.executable, "-m", "nbgrader", "autograde", ASSIGNMENT, "--student", "vic"],
                         cwd=course.root, env=env, capture_output=True, text=True, timeout=240)
    assert run.returncode == 0, run.stderr[-3000:]
    assert sum("'checksum'" in ln and "has changed" in ln for ln in run.stderr.splitlines()) == 1
    graded_nb = json.loads(course.autograded_notebook("vic", ASSIGNMENT).read_text(encoding="utf-8"))
    assert "the mentor emptied the check" not in json.dumps(graded_nb)


def test_trust_grading_view_shows_stray_cells_as_plain_text(graded):
    from widgets.grading.assignments import load_course_rubric
    from widgets.grading.session import GradingSession
    from widgets.ui.grading.view import GradingView

    course = graded["course"]
    rubric, _ = load_course_rubric(course)
    view = GradingView(GradingSession(course, rubric, "trainer-a"))
    view.assignment.value = ASSIGNMENT
    view.mentor.value = "tess"
    extra = view.extra.value
    assert "Other text the mentor wrote" in extra
    assert '<pre class="mc-plain"># Checks that your answer to question 1 is in the right form.' in extra
    assert "<h1" not in extra and "I changed this" in extra
    view.session.close()
