"""The student (release) version of an assignment notebook, made without a gradebook.

On Binder or a laptop there is no exchange and no gradebook, but a mentor still needs the notebook
nbgrader would release: answers replaced by stubs, hidden tests removed, cells locked and checksummed.
This runs nbgrader's own preprocessors, in the order ``GenerateAssignment`` runs them, minus the one
that writes to the database (``SaveCells``); tests/grading compare the result with ``nbgrader
generate_assignment``'s release byte for byte.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from widgets.grading.course import Course, nbgrader_config


def student_notebook(course: Course, assignment: str) -> Any:  # -> nbformat.NotebookNode
    """The release version of ``assignment`` as nbgrader would produce it from ``source/``."""
    import nbformat
    from nbgrader.preprocessors import (
        CheckCellMetadata,
        ClearHiddenTests,
        ClearMarkScheme,
        ClearOutput,
        ClearSolutions,
        ComputeChecksums,
        IncludeHeaderFooter,
        LockCells,
    )

    config = nbgrader_config(course.root)
    nb = nbformat.read(course.source_notebook(assignment), as_version=4)
    resources: dict[str, Any] = {"nbgrader": {"assignment": assignment, "notebook": assignment}}
    steps = [IncludeHeaderFooter, LockCells, ClearSolutions, ClearOutput, CheckCellMetadata, ComputeChecksums,
             ClearHiddenTests, ClearMarkScheme, ComputeChecksums, CheckCellMetadata]
    for step in steps:
        nb, resources = step(config=config).preprocess(nb, resources)
    return nb


def write_student_notebook(course: Course, assignment: str, target: Path | str) -> Path:
    """Write the release version to ``target``: a folder (one that exists, or any path ending in ``/``,
    created if need be) gets ``<assignment>.ipynb``; anything else is the file to write."""
    import os

    import nbformat

    folder = str(target).endswith(("/", os.sep)) or Path(target).is_dir()
    path = Path(target)
    if folder:
        path.mkdir(parents=True, exist_ok=True)
        path = path / f"{assignment}.ipynb"
    else:
        path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(student_notebook(course, assignment), str(path))
    return path
