"""Is every kind of broken submission read as far as it can be, with a problem that names it?"""

from __future__ import annotations

import json

import pytest

from widgets.grading.notebooks import ANSWER_STUB
from widgets.grading.submissions import ANSWERED, EMPTY, MISSING, inspect_submission

PROMPTS = ["first", "second"]


def answer_cell(prompt: str, text: str, cell_type: str = "markdown") -> dict:
    cell = {"cell_type": cell_type, "metadata": {"nbgrader": {"grade_id": f"answer-{prompt}", "grade": True,
                                                              "solution": True, "points": 10}},
            "source": text.splitlines(keepends=True)}
    if cell_type == "code":
        cell.update(outputs=[], execution_count=None)
    return cell


def notebook(*cells: dict) -> bytes:
    return json.dumps({"cells": list(cells), "metadata": {}, "nbformat": 4, "nbformat_minor": 5}).encode()


def codes(inspection) -> list[tuple[str, str | None]]:
    return [(p.code, p.prompt) for p in inspection.problems]


def test_submissions_complete_answers_have_no_problems():
    found = inspect_submission(notebook(answer_cell("first", "One\ntwo"), answer_cell("second", "Three")), PROMPTS)
    assert found.readable and codes(found) == []
    assert found.answers["first"].text == "One\ntwo" and found.answers["first"].state == ANSWERED


def test_submissions_empty_answer_is_reported_and_the_stub_counts_as_empty():
    found = inspect_submission(notebook(answer_cell("first", ANSWER_STUB), answer_cell("second", "  \n")), PROMPTS)
    assert [a.state for a in found.answers.values()] == [EMPTY, EMPTY]
    assert codes(found) == [("answer.empty", "first"), ("answer.empty", "second")]


def test_submissions_deleted_answer_cell_and_text_elsewhere_are_both_shown():
    own = {"cell_type": "markdown", "metadata": {}, "source": "My answer to the second prompt, in a new cell."}
    found = inspect_submission(notebook(answer_cell("first", "Yes."), own), PROMPTS, known_sources=["# Title"])
    assert found.answers["second"].state == MISSING
    assert found.extra_text == ("My answer to the second prompt, in a new cell.",)
    assert codes(found) == [("answer.missing", "second"), ("notebook.extra-text", None)]


def test_submissions_duplicated_answer_keeps_every_copy():
    found = inspect_submission(notebook(answer_cell("first", ANSWER_STUB), answer_cell("first", "The real answer."),
                                        answer_cell("second", "Two.")), PROMPTS)
    assert found.answers["first"].texts == (ANSWER_STUB, "The real answer.")
    assert found.answers["first"].text == "The real answer."
    assert found.answers["first"].state == ANSWERED
    assert codes(found) == [("answer.duplicated", "first")]


def test_submissions_answer_turned_into_code_cell_is_still_read():
    found = inspect_submission(notebook(answer_cell("first", "Typed in a code cell", "code"),
                                        answer_cell("second", "Two.")), PROMPTS)
    assert found.answers["first"].text == "Typed in a code cell"
    assert codes(found) == [("answer.cell-type", "first")]


def test_submissions_assignment_text_is_not_mistaken_for_the_mentors():
    found = inspect_submission(notebook({"cell_type": "markdown", "metadata": {}, "source": "# Title"},
                                        answer_cell("first", "a"), answer_cell("second", "b")), PROMPTS,
                               known_sources=["# Title\n"])
    assert found.extra_text == ()


@pytest.mark.parametrize(("raw", "code", "words"), [
    (b'{"cells": [', "file.json", "line 1, column 12"),
    (b"", "file.empty", "empty"),
    (b"<!DOCTYPE html><html><body>feedback</body></html>", "file.html", "HTML export"),
    (b"PK\x03\x04zipdata", "file.zip", "unzip"),
    (b"\xff\xfe\x00garbage", "file.encoding", "not UTF-8"),
    (b'{"worksheets": []}', "file.old-format", "nbformat 3"),
    (b"[1, 2]", "file.not-notebook", "no list of cells"),
])
def test_submissions_unreadable_files_say_what_they_are(raw, code, words):
    found = inspect_submission(raw, PROMPTS)
    assert not found.readable
    assert [p.code for p in found.problems] == [code]
    assert words in found.problems[0].message
