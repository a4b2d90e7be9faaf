"""nbgrader preprocessors the course adds to autograding (configured in course/nbgrader_config.py).

One class per step, named with a verb, as in ``nbgrader.preprocessors``.
"""

from __future__ import annotations

from typing import Any

from nbformat.notebooknode import NotebookNode, from_dict
from nbgrader.preprocessors import ClearHiddenTests, NbGraderPreprocessor
from traitlets import List, Unicode

from widgets.grading.gradebook import Gradebook, SourceCell
from widgets.grading.notebooks import NBGRADER_SCHEMA_VERSION, cell_id
from widgets.grading.sanitize import clean_html, markdown_to_safe_html


def _grade_id(cell: Any) -> str | None:
    nbg = cell.get("metadata", {}).get("nbgrader") or {}
    return nbg.get("grade_id")


def anchor_for(grade_id: str) -> list[str]:
    """Which cells a deleted graded cell belongs after, best first, by the course's naming of cells:
    an answer after its prompt, a knowledge-check test after its answer cell, then its question."""
    if grade_id.startswith("answer-"):
        return [f"prompt-{grade_id[len('answer-'):]}"]
    if grade_id.startswith("check-") and grade_id.endswith("-test"):
        stem = grade_id[: -len("-test")]
        return [stem, f"{stem}-question"]
    return []


class ClearDuplicateMarks(NbGraderPreprocessor):
    """Turn the extra copies of a duplicated graded cell into plain cells, so the submission is graded.

    nbgrader's ``DeduplicateIds`` keeps the last cell with a grade id and leaves ``"nbgrader": {}`` on
    the other copies; nbgrader 0.9.6 then reads that empty mark as metadata of an old format and fails
    the submission ("use an old version of the nbgrader metadata format", jupyter/nbgrader#1083), which
    also stops a whole ``nbgrader autograde`` run. Removing the empty mark keeps the copy's text in the
    notebook as an ordinary cell: the mentor's words still reach the autograded notebook and the feedback.
    """

    def preprocess_cell(self, cell: Any, resources: Any, cell_index: int) -> tuple[Any, Any]:
        if "nbgrader" in cell.metadata and not cell.metadata["nbgrader"]:
            del cell.metadata["nbgrader"]
        return cell, resources


class RestoreMissingGradeCells(NbGraderPreprocessor):
    """Put back a graded cell the mentor deleted, where it belongs, so its grade and comment reach the
    feedback; the trainer is told, and sees any text the mentor wrote elsewhere.

    nbgrader's own ``OverwriteCells.add_missing_cells`` (0.9.6) puts a missing cell after the previous
    source cell only if that one is itself a grade or solution cell; in these notebooks each answer
    follows its prompt (a locked cell), so it fails the submission with ``KeyError: 'prompt-...'``.
    """

    note = Unicode(
        "*This answer cell was missing from the submitted notebook and was put back when it was graded. "
        "Anything you wrote elsewhere in the notebook was shown to your trainer.*\n\n",
        help="Markdown put at the start of a restored answer cell, for the mentor and the trainer.",
    ).tag(config=True)

    def preprocess(self, nb: NotebookNode, resources: Any) -> tuple[NotebookNode, Any]:
        info = resources["nbgrader"]
        gradebook = Gradebook(info["db_url"], info.get("course_id", "default_course"))
        present = {_grade_id(c) for c in nb.cells}
        for cell in gradebook.graded_source_cells(info["assignment"], info["notebook"]):
            if cell.grade_id in present:
                continue
            self.log.warning("Graded cell %s was missing from the submission; putting it back", cell.grade_id)
            position = len(nb.cells)
            for anchor in anchor_for(cell.grade_id):
                found = [i for i, c in enumerate(nb.cells) if _grade_id(c) == anchor]
                if found:
                    position = found[-1] + 1
                    break
            nb.cells.insert(position, self._restored(cell))
            present.add(cell.grade_id)
        return nb, resources

    def _restored(self, cell: SourceCell) -> NotebookNode:
        meta = {"grade": True, "grade_id": cell.grade_id, "locked": cell.locked, "points": cell.points,
                "schema_version": NBGRADER_SCHEMA_VERSION, "solution": cell.solution, "task": False,
                "checksum": cell.checksum, "cell_type": cell.cell_type}
        restored: dict[str, Any] = {"cell_type": cell.cell_type, "id": cell_id(f"restored-{cell.grade_id}"),
                                    "metadata": {"nbgrader": meta}, "source": cell.source}
        if cell.cell_type == "code":
            restored.update(outputs=[], execution_count=None)
        else:
            restored["source"] = self.note + cell.source
        return from_dict(restored)


def _without_hidden_tests(source: str) -> str:
    """``source`` as ``generate_assignment`` releases it: nbgrader's own ClearHiddenTests on a scratch cell."""
    scratch = from_dict({"cell_type": "code", "source": source, "metadata": {}, "outputs": [], "execution_count": None})
    ClearHiddenTests(enforce_metadata=False)._remove_hidden_test_region(scratch)
    return scratch.source


class RestoreHiddenTests(NbGraderPreprocessor):
    """Put the hidden tests back into an untouched knowledge-check test cell before nbgrader checks it.

    Why nbgrader 0.9.6 warned "Attribute 'checksum' for cell check-...-test has changed!" three times per
    submission: ``generate_assignment`` stores each locked test cell in the gradebook (with its checksum)
    *before* ``ClearHiddenTests`` removes the hidden part, so the released cell, which the mentor never
    touched, can never match the stored checksum. ``OverwriteCells`` then warns and puts the source back.
    Here a locked cell whose text is exactly the stored source minus its hidden tests gets the stored
    source back first, so ``OverwriteCells`` finds it unchanged; a cell the mentor really edited still
    differs, and nbgrader still warns about it and restores it.
    """

    def preprocess(self, nb: NotebookNode, resources: Any) -> tuple[NotebookNode, Any]:
        info = resources["nbgrader"]
        gradebook = Gradebook(info["db_url"], info.get("course_id", "default_course"))
        stored = {c.grade_id: c for c in gradebook.graded_source_cells(info["assignment"], info["notebook"])
                  if c.locked and c.cell_type == "code"}
        for cell in nb.cells:
            source = stored.get(_grade_id(cell) or "")
            if source is not None and cell.source != source.source and \
                    cell.source == _without_hidden_tests(source.source):
                cell.source = source.source
        return nb, resources


class SanitizeMentorText(NbGraderPreprocessor):
    """Make everything a mentor could have written safe to render as HTML (formgrader, feedback).

    Runs last in autograding (after nbgrader has scored the cells, whose checksums need the text as sent)
    and again when feedback is generated. A Markdown or raw cell that is not locked (answers, cells the
    mentor added) becomes sanitised HTML (:mod:`widgets.grading.sanitize`); outputs of code the mentor ran
    keep only plain text, images and sanitised HTML, never JavaScript or widget views. Locked cells are the
    course's own text, put back from ``source/`` by ``OverwriteCells``. The file the mentor sent stays
    untouched in ``submitted/``; the grading view reads that one and escapes it.
    """

    safe_output_keys = frozenset({"text/plain", "image/png", "image/jpeg"})
    #: HTMLExporter configures this for every preprocessor; declared so traitlets does not warn about it.
    display_data_priority = List(config=True)

    def preprocess(self, nb: NotebookNode, resources: Any) -> tuple[NotebookNode, Any]:
        nb.metadata.pop("title", None)  # nbconvert puts it into <title> unescaped
        return super().preprocess(nb, resources)

    def preprocess_cell(self, cell: Any, resources: Any, cell_index: int) -> tuple[Any, Any]:
        locked = bool((cell.metadata.get("nbgrader") or {}).get("locked"))
        if cell.cell_type == "markdown" and not locked:
            cell.source = markdown_to_safe_html(cell.source)
            cell.pop("attachments", None)
        elif cell.cell_type == "raw":
            cell.source = clean_html(cell.source)
        elif cell.cell_type == "code":
            for output in cell.get("outputs", []):
                data = output.get("data")
                if not data:
                    continue
                for key in list(data):
                    if key in ("text/html", "text/markdown"):
                        data[key] = clean_html(str(data[key]))
                    elif key not in self.safe_output_keys:
                        del data[key]
        return cell, resources


class ClearHiddenTestsFromFeedback(ClearHiddenTests):
    """nbgrader's ``ClearHiddenTests`` for feedback, plus the error a failed hidden test left behind.

    nbgrader 0.9.6 puts hidden tests back to autograde and keeps them in the feedback (jupyter/nbgrader#917):
    the mentor would read ``assert chosen == set("acd")``. This removes the hidden region from each test
    cell's source, as ``generate_assignment`` does for the release, and cuts a failed test's traceback
    (which quotes the failing line, answer included) down to its last line, e.g. ``AssertionError: Not the
    expected answer: see the explanations in the module.``
    """

    #: HTMLExporter configures this for every preprocessor; declared so traitlets does not warn about it.
    display_data_priority = List(config=True)

    def preprocess_cell(self, cell: Any, resources: Any, cell_index: int) -> tuple[Any, Any]:
        if cell.cell_type == "code" and self.begin_test_delimeter.lower() in cell.source.lower():
            for output in cell.get("outputs", []):
                if output.get("output_type") == "error":
                    output["traceback"] = [f"{output.get('ename', 'Error')}: {output.get('evalue', '')}"]
        return super().preprocess_cell(cell, resources, cell_index)
