"""Reflection drafts out of the page: as Markdown, and into a copy of the module's nbgrader notebook.

Pure (json and pathlib; no nbformat, no nbgrader). The contract with the grading side:

* the assignment notebook is ``course/source/<module>-reflection/<module>-reflection.ipynb``
  (``course/release/...`` is preferred when it exists: it is what nbgrader hands to students);
* each prompt's answer is a markdown cell whose ``metadata.nbgrader.grade_id`` is ``answer-<prompt>``.

Export fills a *copy*; it never writes over a file that exists, and it never touches the source.
When copying from ``source/``, solution and hidden-test regions are replaced by nbgrader's stubs, so
the copy carries nothing a student version would not.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from widgets.content.models import Reflection
from widgets.progress import atomic_write
from widgets.ui.text import plain

#: nbgrader's default stubs; the course sets its own in course/nbgrader_config.py, and the view passes
#: those (widgets.grading.notebooks keeps them equal to the config).
CODE_STUB = "# YOUR CODE HERE\nraise NotImplementedError()"
TEXT_STUB = "YOUR ANSWER HERE"


class AssignmentMissing(FileNotFoundError):
    """The module's assignment notebook is not in the course yet."""


@dataclass
class NotebookExport:
    """A filled copy: where it was written, its text, which prompts went in and which had no cell."""

    path: Path
    text: str
    filled: list[str] = field(default_factory=list)
    no_cell: list[str] = field(default_factory=list)


def assignment_name(module: str) -> str:
    return f"{module}-reflection"


def assignment_notebook(course_root: Path, module: str) -> Path:
    """The notebook drafts are exported into (release first, else source); may not exist."""
    name = assignment_name(module)
    release = course_root / "course" / "release" / name / f"{name}.ipynb"
    return release if release.is_file() else course_root / "course" / "source" / name / f"{name}.ipynb"


def _source_text(cell: Mapping[str, Any]) -> str:
    src = cell.get("source", "")
    return "".join(src) if isinstance(src, list) else str(src)


def _strip_for_student(cell: dict[str, Any], text_stub: str, code_stub: str) -> None:
    """What nbgrader's ClearSolutions and ClearHiddenTests do to a source cell: solution regions
    become the stub (a solution cell without regions becomes the stub), hidden tests go."""
    stub = (code_stub if cell.get("cell_type") == "code" else text_stub).split("\n")
    out: list[str] = []
    in_solution = in_hidden = replaced = False
    for line in _source_text(cell).split("\n"):
        if "BEGIN HIDDEN TESTS" in line:
            in_hidden = True
        elif "END HIDDEN TESTS" in line:
            in_hidden = False
        elif "BEGIN SOLUTION" in line:
            in_solution = replaced = True
            indent = line[: len(line) - len(line.lstrip())]
            out += [indent + s for s in stub]
        elif "END SOLUTION" in line:
            in_solution = False
        elif not (in_solution or in_hidden):
            out.append(line)
    solution = bool(((cell.get("metadata") or {}).get("nbgrader") or {}).get("solution"))
    cell["source"] = "\n".join(stub) if solution and not replaced else "\n".join(out)


def fill_notebook(nb: Mapping[str, Any], drafts: Mapping[str, str], prompt_ids: list[str], *, from_source: bool,
                  text_stub: str = TEXT_STUB, code_stub: str = CODE_STUB) -> tuple[dict[str, Any], list[str], list[str]]:
    """A copy of ``nb`` with each ``answer-<prompt>`` cell holding that prompt's draft.

    Returns the notebook, the prompt ids filled in and the prompt ids that have no answer cell. An
    empty draft leaves the cell as it was (nbgrader's "YOUR ANSWER HERE").
    """
    out = copy.deepcopy(dict(nb))
    by_grade_id: dict[str, dict[str, Any]] = {}
    for cell in out.get("cells", []):
        meta = (cell.get("metadata") or {}).get("nbgrader") or {}
        if from_source and (meta.get("solution") or meta.get("grade")):
            _strip_for_student(cell, text_stub, code_stub)
        if cell.get("cell_type") == "markdown" and isinstance(meta.get("grade_id"), str):
            by_grade_id[meta["grade_id"]] = cell
    filled, no_cell = [], []
    for pid in prompt_ids:
        cell = by_grade_id.get(f"answer-{pid}")
        if cell is None:
            no_cell.append(pid)
            continue
        text = drafts.get(pid, "")
        if text.strip():
            cell["source"] = text
            filled.append(pid)
    return out, filled, no_cell


def free_path(folder: Path, filename: str) -> Path:
    """``folder/filename``, or ``name-2.ext``, ``name-3.ext``... whichever does not exist yet."""
    candidate = folder / filename
    stem, suffix = Path(filename).stem, Path(filename).suffix
    n = 1
    while candidate.exists():
        n += 1
        candidate = folder / f"{stem}-{n}{suffix}"
    return candidate


def export_notebook(course_root: Path | None, module: str, drafts: Mapping[str, str], prompt_ids: list[str],
                    out_dir: Path, *, text_stub: str = TEXT_STUB, code_stub: str = CODE_STUB,
                    replace: bool = False) -> NotebookExport:
    """Write the filled copy into ``out_dir`` under a name that does not exist yet (``replace``: over
    the learner's previous export, as a shared server does so that exports do not pile up).

    Raises :class:`AssignmentMissing` (with a message for the mentor) when the notebook is not there.
    ``text_stub``/``code_stub`` are what replaces solutions when copying from ``source/`` (the
    course's ``ClearSolutions`` settings).
    """
    name = assignment_name(module)
    if course_root is None:
        raise AssignmentMissing(f"The assignment notebook for {module} cannot be found: this notebook is not "
                                "inside the course folder. Your drafts are safe; download them as Markdown instead.")
    src = assignment_notebook(course_root, module)
    if not src.is_file():
        shown = f"course/source/{name}/{name}.ipynb"
        raise AssignmentMissing(f"The assignment notebook for this module is not available yet ({shown} was not "
                                "found). Your drafts are saved; download them as Markdown for now, or export again "
                                "once your trainer has added the assignment.")
    try:
        nb = json.loads(src.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise AssignmentMissing(f"The assignment notebook {Path(*src.parts[-4:]).as_posix()} cannot be read "
                                f"({type(exc).__name__}). Your drafts are saved; "
                                "download them as Markdown instead.") from None
    filled_nb, filled, no_cell = fill_notebook(nb, drafts, prompt_ids, from_source=src.parts[-3] == "source",
                                             text_stub=text_stub, code_stub=code_stub)
    text = json.dumps(filled_nb, ensure_ascii=False, indent=1) + "\n"
    target = out_dir / f"{name}.ipynb" if replace else free_path(out_dir, f"{name}.ipynb")
    atomic_write(target, text)
    return NotebookExport(target, text, filled, no_cell)


def drafts_markdown(ref: Reflection, drafts: Mapping[str, str], *, learner: str, name: str = "",
                    exported_at: str = "") -> str:
    """The drafts as a Markdown document: the prompts quoted, each answer under its heading."""
    who = f"{name} ({learner})" if name else learner
    lines = [f"# {plain(ref.title)}", "", f"Module: {ref.module}  ", f"Learner: {who}  "]
    if exported_at:
        lines.append(f"Exported: {exported_at}  ")
    lines.append("")
    for n, p in enumerate(ref.prompts, 1):
        lines += [f"## {n}. {plain(p.title)} ({p.points} points)", ""]
        lines += [f"> {line}" if line else ">" for line in p.text.strip().splitlines()]
        lines.append("")
        text = drafts.get(p.id, "").strip()
        lines += [text if text else "*(no draft yet)*", ""]
    return "\n".join(lines).rstrip() + "\n"


__all__ = [
    "AssignmentMissing",
    "NotebookExport",
    "assignment_name",
    "assignment_notebook",
    "drafts_markdown",
    "export_notebook",
    "fill_notebook",
    "free_path",
]
