"""nbgrader preprocessors the course adds to autograding (configured in course/nbgrader_config.py).

One class per step, named with a verb, as in ``nbgrader.preprocessors``.
"""

from __future__ import annotations

from typing import Any

from nbformat.notebooknode import NotebookNode, from_dict
from nbgrader.preprocessors import NbGraderPreprocessor
from traitlets import Unicode

from widgets.grading.gradebook import Gradebook, SourceCell
from widgets.grading.notebooks import NBGRADER_SCHEMA_VERSION, cell_id


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
