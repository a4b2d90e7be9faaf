"""Read what a mentor submitted, whatever state the file is in, and say what is wrong with it.

Pure (stdlib only). The grading view shows a submission from the file the mentor sent (``submitted/``),
not from nbgrader's sanitised copy, because nbgrader keeps only the last of two cells with the same
grade id and puts a deleted answer cell back empty: text the mentor wrote would be out of sight. Here
every cell that carries an answer id is kept, and text in cells the assignment never had is listed, so
nothing a mentor wrote is lost to the trainer.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from widgets.grading.notebooks import ANSWER_STUB, answer_grade_id

#: Stubs that mean "not answered": ours, and nbgrader's default in case a course overrides neither.
EMPTY_ANSWERS = frozenset({ANSWER_STUB, "YOUR ANSWER HERE"})

ANSWERED, EMPTY, MISSING = "answered", "empty", "missing"


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a submission; ``code`` is stable for tests, ``message`` is for the trainer."""

    code: str
    message: str
    prompt: str | None = None


@dataclass(frozen=True)
class Answer:
    """Everything the mentor wrote for one prompt: usually one text, more when the cell was duplicated."""

    prompt: str
    texts: tuple[str, ...] = ()

    @property
    def state(self) -> str:
        if not self.texts:
            return MISSING
        return ANSWERED if any(is_answered(t) for t in self.texts) else EMPTY

    @property
    def text(self) -> str:
        """The answer as one text: every non-empty copy, in notebook order."""
        kept = [t.strip() for t in self.texts if is_answered(t)]
        return "\n\n---\n\n".join(kept)


@dataclass(frozen=True)
class Inspection:
    """A submission read as far as it can be: answers per prompt, stray text, problems."""

    readable: bool
    answers: Mapping[str, Answer] = field(default_factory=lambda: MappingProxyType({}))
    extra_text: tuple[str, ...] = ()
    problems: tuple[Problem, ...] = ()


def is_answered(text: str) -> bool:
    return bool(text.strip()) and text.strip() not in EMPTY_ANSWERS


def _source(cell: Mapping[str, Any]) -> str:
    src = cell.get("source", "")
    if isinstance(src, list):
        return "".join(str(s) for s in src)
    return src if isinstance(src, str) else ""


def parse_notebook(raw: bytes) -> tuple[dict[str, Any] | None, Problem | None]:
    """The notebook's JSON, or a problem that says what the file is instead."""
    if not raw.strip():
        return None, Problem("file.empty", "the file is empty (0 bytes of notebook); ask the mentor to download it again")
    head = raw.lstrip()[:200].lower()
    if head.startswith((b"<!doctype html", b"<html")):
        return None, Problem("file.html", "this is a web page (an HTML export), not a notebook; ask the mentor for "
                                          "the .ipynb file (File > Download)")
    if head.startswith(b"pk"):
        return None, Problem("file.zip", "this is a zip archive, not a notebook; unzip it and import the .ipynb inside")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return None, Problem("file.encoding", f"not UTF-8 text (byte {exc.start}); ask the mentor to download it again")
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        return None, Problem("file.json", f"not valid notebook JSON (line {exc.lineno}, column {exc.colno}: {exc.msg}); "
                                          "the file may be cut short: ask the mentor to download it again")
    if not isinstance(data, dict) or not isinstance(data.get("cells"), list):
        if isinstance(data, dict) and "worksheets" in data:
            return None, Problem("file.old-format", "an old notebook format (nbformat 3); open and save it in "
                                                    "JupyterLab to convert it")
        return None, Problem("file.not-notebook", "valid JSON but not a Jupyter notebook (it has no list of cells)")
    return data, None


def inspect_submission(raw: bytes, prompts: Iterable[str], known_sources: Iterable[str] = ()) -> Inspection:
    """Read ``raw`` (a submitted notebook's bytes) against the assignment's prompt ids.

    ``known_sources`` are the texts of the assignment's own cells, so that text the mentor added in new
    cells (for instance after deleting an answer cell) can be told apart and shown.
    """
    data, problem = parse_notebook(raw)
    if data is None:
        return Inspection(False, problems=(problem,) if problem else ())
    prompts = list(prompts)
    wanted = {answer_grade_id(p): p for p in prompts}
    found: dict[str, list[str]] = {p: [] for p in prompts}
    known = {s.strip() for s in known_sources}
    problems: list[Problem] = []
    extra: list[str] = []
    for cell in data["cells"]:
        if not isinstance(cell, dict):
            continue
        meta = cell.get("metadata") if isinstance(cell.get("metadata"), dict) else {}
        nbg = meta.get("nbgrader") if isinstance(meta.get("nbgrader"), dict) else {}
        grade_id = nbg.get("grade_id")
        source = _source(cell)
        if isinstance(grade_id, str) and grade_id in wanted:
            prompt = wanted[grade_id]
            found[prompt].append(source)
            if cell.get("cell_type") != "markdown":
                problems.append(Problem("answer.cell-type", f"the answer to '{prompt}' is in a {cell.get('cell_type')} "
                                                            "cell, not a Markdown cell; nbgrader turns it back into "
                                                            "Markdown when grading", prompt))
        elif not grade_id and source.strip() and source.strip() not in known:
            extra.append(source.strip())
    answers = {p: Answer(p, tuple(found[p])) for p in prompts}
    for p, ans in answers.items():
        if ans.state == MISSING:
            problems.append(Problem("answer.missing", f"the answer cell for '{p}' was deleted; nbgrader adds it back "
                                                      "empty (0 points) - check the mentor's other text below", p))
        elif len(ans.texts) > 1:
            problems.append(Problem("answer.duplicated", f"the answer cell for '{p}' appears {len(ans.texts)} times; "
                                                         "nbgrader grades only the last copy - every copy is shown here", p))
        if ans.state == EMPTY:
            problems.append(Problem("answer.empty", f"no answer was written for '{p}'", p))
    if extra:
        problems.append(Problem("notebook.extra-text", f"{len(extra)} cell(s) of the mentor's own text outside the "
                                                       "answer cells; shown below the answers"))
    return Inspection(True, MappingProxyType(answers), tuple(extra), tuple(problems))
