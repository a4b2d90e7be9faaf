"""Binder and email: is a folder of notebooks imported with safe mentor ids, every problem reported, and
nothing a mentor sent overwritten or lost?"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.grading.conftest import ASSIGNMENT, STRONG, WEAK, fill, write_notebook
from widgets.grading.cli import grading
from widgets.grading.collect import (
    IMPORTED,
    KEPT_ASIDE,
    REPLACED,
    SKIPPED,
    UNCHANGED,
    import_folder,
    pattern_regex,
    safe_mentor_id,
)
from widgets.grading.records import unreadable_notebook
from widgets.grading.release import student_notebook


@pytest.mark.parametrize(("raw", "safe"), [
    ("priya-shah", "priya-shah"),
    ("Priya Shah", "priya-shah"),
    ("Zoë O'Brien (ext)", "zoe-o-brien-ext"),
    ("../../etc/passwd", "etc-passwd"),
    ("anna.lee@example.org", "anna.lee-example.org"),
    ("  --weird__name--  ", "weird__name"),
])
def test_collect_safe_mentor_id(raw, safe):
    assert safe_mentor_id(raw) == safe


def test_collect_safe_mentor_id_without_latin_letters_is_a_stable_hash():
    assert safe_mentor_id("李明") == safe_mentor_id("李明")
    assert safe_mentor_id("李明").startswith("mentor-") and safe_mentor_id("李明") != safe_mentor_id("王芳")


def test_collect_pattern_accepts_browser_copy_suffixes():
    rx = pattern_regex("{mentor}_{assignment}.ipynb", ASSIGNMENT)
    for name, who in [(f"priya_{ASSIGNMENT}.ipynb", "priya"), (f"Priya Shah_{ASSIGNMENT} (1).ipynb", "Priya Shah"),
                      (f"priya_{ASSIGNMENT}-2.ipynb", "priya")]:
        assert rx.match(name).group("mentor") == who
    assert rx.match("priya_02-identity-exploration-reflection.ipynb") is None
    with pytest.raises(ValueError, match=r"no \{mentor\} part"):
        pattern_regex("{assignment}.ipynb", ASSIGNMENT)


@pytest.fixture
def inbox(course, tmp_path) -> Path:
    """What a trainer's inbox looks like after a week of email."""
    box = tmp_path / "inbox"
    blank = student_notebook(course, ASSIGNMENT)
    write_notebook(fill(blank, STRONG), box / "Zoë O'Brien (ext)" / f"{ASSIGNMENT}.ipynb")
    write_notebook(fill(blank, WEAK), box / f"sam_{ASSIGNMENT}.ipynb")
    (box / f"broken_{ASSIGNMENT}.ipynb").write_text('{"cells": [{"cell_type": "mark', encoding="utf-8")
    write_notebook(fill(blank, STRONG), box / f"{ASSIGNMENT}.ipynb")            # no name: whose is it?
    (box / "notes.txt").write_text("remember to grade", encoding="utf-8")
    (box / "all.zip").write_bytes(b"PK\x03\x04")
    return box


def test_collect_import_reports_each_file_and_never_stops(course, inbox):
    results = {r.file: r for r in import_folder(course, inbox, ASSIGNMENT)}
    assert {f: r.action for f, r in results.items()} == {
        f"Zoë O'Brien (ext)/{ASSIGNMENT}.ipynb": IMPORTED,
        f"broken_{ASSIGNMENT}.ipynb": IMPORTED,
        f"sam_{ASSIGNMENT}.ipynb": IMPORTED,
        f"{ASSIGNMENT}.ipynb": SKIPPED,
        "notes.txt": SKIPPED,
        "all.zip": SKIPPED,
    }
    zoe = results[f"Zoë O'Brien (ext)/{ASSIGNMENT}.ipynb"]
    assert zoe.mentor == "zoe-o-brien-ext" and "(sent as 'Zoë O'Brien (ext)')" in zoe.message
    assert [p.code for p in results[f"sam_{ASSIGNMENT}.ipynb"].problems] == ["answer.empty"]
    broken = results[f"broken_{ASSIGNMENT}.ipynb"]
    assert [p.code for p in broken.problems] == ["file.json"] and "cannot be graded until" in broken.message
    assert "expected {mentor}/{assignment}.ipynb or {mentor}_{assignment}.ipynb" in results[f"{ASSIGNMENT}.ipynb"].message
    assert "unzip" in results["all.zip"].message
    # The bytes the mentors sent are what nbgrader will see, with a timestamp nbgrader can read; a file that is
    # not a notebook is on record outside submitted/, where plain `nbgrader autograde` would record it as 0 points.
    assert not course.submitted_notebook("broken", ASSIGNMENT).parent.exists()
    assert unreadable_notebook(course, "broken", ASSIGNMENT).read_bytes() == \
        (inbox / f"broken_{ASSIGNMENT}.ipynb").read_bytes()
    from nbgrader.utils import parse_utc

    stamp = (course.submitted_notebook("sam", ASSIGNMENT).parent / "timestamp.txt").read_text()
    assert parse_utc(stamp).year >= 2024
    mapping = json.loads((course.private / "mentor-ids.json").read_text(encoding="utf-8"))
    assert mapping["zoe-o-brien-ext"] == "Zoë O'Brien (ext)"


def test_collect_reimport_same_file_is_unchanged_and_a_different_one_is_kept_aside(course, inbox):
    import_folder(course, inbox, ASSIGNMENT)
    assert {r.action for r in import_folder(course, inbox, ASSIGNMENT) if r.mentor == "sam"} == {UNCHANGED}
    original = course.submitted_notebook("sam", ASSIGNMENT).read_bytes()
    resent = inbox / f"sam_{ASSIGNMENT}.ipynb"
    resent.write_text(resent.read_text(encoding="utf-8").replace("I like helping", "I love helping"), encoding="utf-8")
    result = next(r for r in import_folder(course, inbox, ASSIGNMENT) if r.mentor == "sam")
    assert result.action == KEPT_ASIDE and "--replace" in result.message
    assert course.submitted_notebook("sam", ASSIGNMENT).read_bytes() == original
    aside = list((course.private / "incoming" / ASSIGNMENT / "sam").iterdir())
    assert [p.read_bytes() for p in aside] == [resent.read_bytes()]
    result = next(r for r in import_folder(course, inbox, ASSIGNMENT, replace=True) if r.mentor == "sam")
    assert result.action == REPLACED
    assert course.submitted_notebook("sam", ASSIGNMENT).read_bytes() == resent.read_bytes()
    moved = list((course.private / "replaced" / ASSIGNMENT / "sam").rglob("*.ipynb"))
    assert [p.read_bytes() for p in moved] == [original]


def test_collect_two_people_whose_names_clash_get_two_ids(course, tmp_path):
    box = tmp_path / "box"
    blank = student_notebook(course, ASSIGNMENT)
    write_notebook(fill(blank, WEAK), box / f"Ana Lee_{ASSIGNMENT}.ipynb")
    write_notebook(fill(blank, STRONG), box / f"ana-lee_{ASSIGNMENT}.ipynb")
    results = import_folder(course, box, ASSIGNMENT)
    assert sorted(r.mentor for r in results) == ["ana-lee", "ana-lee-2"]
    assert sorted(course.submitted_students(ASSIGNMENT)) == ["ana-lee", "ana-lee-2"]
    # The next import maps each person to the id they had before.
    again = {r.raw_mentor: r.mentor for r in import_folder(course, box, ASSIGNMENT)}
    assert again == {r.raw_mentor: r.mentor for r in results}


def test_collect_several_files_from_one_mentor_import_the_newest(course, tmp_path):
    box = tmp_path / "box"
    blank = student_notebook(course, ASSIGNMENT)
    old = write_notebook(fill(blank, WEAK), box / f"sam_{ASSIGNMENT}.ipynb")
    new = write_notebook(fill(blank, STRONG), box / f"sam_{ASSIGNMENT} (1).ipynb")
    os.utime(old, (time.time() - 3600, time.time() - 3600))
    actions = {r.file: r.action for r in import_folder(course, box, ASSIGNMENT)}
    assert actions == {old.name: KEPT_ASIDE, new.name: IMPORTED}
    assert course.submitted_notebook("sam", ASSIGNMENT).read_bytes() == new.read_bytes()


def test_collect_cli_reports_and_exits_1_when_a_file_was_skipped(course, inbox):
    result = CliRunner().invoke(grading, ["--course", str(course.root), "import", str(inbox), "boundaries-and-ethics-in-depth"])
    assert result.exit_code == 1
    assert "6 file(s): 3 imported, 3 skipped, 2 with problems to look at" in result.output
    assert f"next: mentor-course grading autograde {ASSIGNMENT}" in result.output
    bad = CliRunner().invoke(grading, ["--course", str(course.root), "import", str(inbox), "boundaries-and-ethics-in-dept"])
    assert bad.exit_code == 2 and "did you mean 'boundaries-and-ethics-in-depth-reflection'?" in bad.output


def test_collect_nbgrader_zip_collect_uses_the_same_naming(course):
    """The course config lets plain `nbgrader zip_collect` file `<mentor>_<assignment>.ipynb` downloads too."""
    archive = course.root / "downloaded" / ASSIGNMENT / "archive"
    blank = student_notebook(course, ASSIGNMENT)
    write_notebook(fill(blank, STRONG), archive / f"priya-shah_{ASSIGNMENT}.ipynb")
    write_notebook(fill(blank, WEAK), archive / f"sam_{ASSIGNMENT} (1).ipynb")
    run = subprocess.run([sys.executable, "-m", "nbgrader", "zip_collect", ASSIGNMENT], cwd=course.root,
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    assert course.submitted_students(ASSIGNMENT) == ["priya-shah", "sam"]
    assert course.submitted_notebook("sam", ASSIGNMENT).is_file()
