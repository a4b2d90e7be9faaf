"""Build a module's nbgrader assignment notebook (the *source* version, with solutions) from its YAML.

The notebook is a function of ``reflection.yaml``, ``selfcheck.yaml``, the module's title in
``course.yaml`` and the rubric, and nothing else: no random cell ids, no timestamps, keys sorted as
Jupyter writes them. So ``mentor-course grading generate --check`` can compare bytes, and a notebook
that a person saved in JupyterLab without editing still matches.

Cell layout (grade ids are the contract with the learner widgets and the grading view):

``intro``                    locked Markdown: title, the module's intro, how to hand in, where to get support
``rubric``                   locked Markdown: the rubric table, bands and how levels become points
``prompt-<P>``               locked Markdown: prompt P's title, points and text
``answer-<P>``               Markdown, manually graded (``grade`` + ``solution``), worth P's points
``check-intro``              locked Markdown, only when the module has a self-check
``check-<Q>-question``       locked Markdown: the question and its lettered options
``check-<Q>``                code solution cell: ``answer_<n> = ( "b" )`` (the letter is removed on release)
``check-<Q>-test``           locked test cell, 1 point: a visible form check, the correct letter hidden
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from widgets.content.models import Question, Reflection, SelfCheck
from widgets.grading.score import Rubric
from widgets.markdown import escape_markdown

#: What replaces an answer in the released notebook (ClearSolutions.text_stub in course/nbgrader_config.py).
ANSWER_STUB = "Write your answer here, in place of this line."
#: What replaces a knowledge-check letter (ClearSolutions.code_stub["python"] in course/nbgrader_config.py).
CODE_STUB = '""  # type the letter(s) of your choice between these quotes'
#: The most questions taken from a module's self-check: the check should stay short.
MAX_CHECK_QUESTIONS = 3
NBGRADER_SCHEMA_VERSION = 3
KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}


def assignment_name(module_id: str) -> str:
    """``03-social-navigation`` -> ``03-social-navigation-reflection`` (also the notebook's file stem)."""
    return f"{module_id}-reflection"


def answer_grade_id(prompt_id: str) -> str:
    return f"answer-{prompt_id}"


def prompt_id_of(grade_id: str) -> str | None:
    """The prompt id of an ``answer-<P>`` grade id (None for other cells)."""
    return grade_id[len("answer-"):] if grade_id.startswith("answer-") else None


def text(s: str) -> str:
    """YAML text for a Markdown cell: light Markdown kept, raw HTML shown as typed (entities render as
    the characters typed, so ``<b>`` reads as ``<b>`` rather than turning text bold): the one policy's
    :func:`widgets.markdown.escape_markdown`, spelt with entities as these notebooks always were."""
    return escape_markdown(s.strip(), entities=True)


def _cell_text(s: str) -> str:
    """Text for a Markdown table cell: one line, pipes escaped."""
    return text(" ".join(s.split())).replace("|", "\\|")


def _meta(grade_id: str, *, grade: bool = False, solution: bool = False, locked: bool = False,
          points: float | None = None) -> dict[str, Any]:
    meta: dict[str, Any] = {"grade": grade, "grade_id": grade_id, "locked": locked,
                            "schema_version": NBGRADER_SCHEMA_VERSION, "solution": solution, "task": False}
    if grade:
        meta["points"] = points
    return {"nbgrader": meta}


def cell_id(grade_id: str) -> str:
    """A notebook cell id for a grade id: the same when it fits nbformat's 64 characters, else a stable
    shortening (the grade id itself, which nbgrader uses, is never shortened)."""
    if len(grade_id) <= 64:
        return grade_id
    import hashlib

    return f"{grade_id[:55]}-{hashlib.sha1(grade_id.encode()).hexdigest()[:8]}"


def _markdown(grade_id: str, source: str, **meta: Any) -> dict[str, Any]:
    return {"cell_type": "markdown", "id": cell_id(grade_id), "metadata": _meta(grade_id, **meta), "source": source}


def _code(grade_id: str, source: str, **meta: Any) -> dict[str, Any]:
    return {"cell_type": "code", "execution_count": None, "id": cell_id(grade_id), "metadata": _meta(grade_id, **meta),
            "outputs": [], "source": source}


def rubric_markdown(rubric: Rubric) -> str:
    """The rubric as the mentor (and the feedback) sees it: a table of criteria x levels, then the bands."""
    head = ["Criterion", *(f"{lv.points} {lv.title}" for lv in rubric.levels)]
    rows = ["| " + " | ".join(_cell_text(h) for h in head) + " |", "|" + "---|" * len(head)]
    for crit in rubric.criteria:
        cells = [f"**{_cell_text(crit.title)}**", *(_cell_text(crit.descriptors.get(lv.id, "")) for lv in rubric.levels)]
        rows.append("| " + " | ".join(cells) + " |")
    bands = "; ".join(f"{b.min}-{b.max} {text(b.title)}" for b in rubric.bands)
    parts = [
        "## How your answers are read",
        text(rubric.summary) if rubric.summary else "",
        "\n".join(rows),
        f"**Bands** (rubric points per answer, {rubric.min_total} to {rubric.max_total}): {bands}.",
        f"**Points.** An answer earns the same share of its points as of the {rubric.max_total} rubric points: "
        f"for example {rubric.max_total * 3 // 4} of {rubric.max_total} on a 10-point prompt is "
        f"{10 * (rubric.max_total * 3 // 4) / rubric.max_total:g} points. Your feedback names the level chosen "
        "for each criterion.",
        f"*{text(rubric.source)}*" if rubric.source else "",
    ]
    return "\n\n".join(p for p in parts if p)


def _intro_markdown(reflection: Reflection, module_title: str, checks: tuple[Question, ...]) -> str:
    name = assignment_name(reflection.module)
    total = reflection.points
    check_note = (f", and a short knowledge check worth {len(checks)} point{'s' if len(checks) != 1 else ''} that is "
                  "marked automatically" if checks else "")
    parts = [
        f"# {text(reflection.title)}",
        f"*{text(module_title)}*: reflection assignment `{name}`",
        text(reflection.intro) if reflection.intro else "",
        f"**How this works.** Write each answer in the cell below its prompt, in place of the line that says "
        f"*{ANSWER_STUB}* (double-click the cell to edit it; Shift+Enter shows it formatted). "
        f"There {'is 1 prompt' if len(reflection.prompts) == 1 else f'are {len(reflection.prompts)} prompts'} "
        f"worth {total} points{check_note}. Your trainer reads each answer as a whole against the rubric below and "
        "returns feedback that names the level chosen for each criterion.",
        "**Handing it in.** On the course's JupyterHub: save, then submit it from the *Assignments* tab. "
        "On Binder or your own computer: save, then choose *File > Download* and send the file to your trainer "
        f"the way they asked (for example by email), keeping its name `{name}.ipynb`.",
        "**If this brings something up.** Writing about your own practice can stir up difficult memories. You "
        "do not have to write about a moment you would rather not revisit; choose another. If something is "
        "weighing on you, talk to your programme coordinator or someone you trust.",
    ]
    return "\n\n".join(p for p in parts if p)


def _prompt_markdown(number: int, title: str, points: int, body: str) -> str:
    return f"## {number}. {text(title)}\n\n*{points} point{'s' if points != 1 else ''}*\n\n{text(body)}"


def _letters(question: Question) -> list[str]:
    return [chr(ord("a") + i) for i in range(len(question.options))]


def _check_cells(selfcheck: SelfCheck, questions: tuple[Question, ...], first_number: int) -> list[dict[str, Any]]:
    intro = (
        "## Knowledge check\n\n"
        f"{len(questions)} question{'s' if len(questions) != 1 else ''} from this module, 1 point each, marked "
        "automatically when your trainer collects your work. In each code cell, type the letter of your choice "
        "between the quotes (where a question says *choose all that apply*, type every letter you choose, for "
        'example `"ac"`), then run the cell and the check below it with Shift+Enter. The check tells you only '
        "whether your answer is in the right form; whether it is right is marked later."
    )
    cells = [_markdown("check-intro", intro, locked=True)]
    for k, q in enumerate(questions, start=first_number):
        letters = _letters(q)
        options = "\n".join(f"- **{letter}.** {text(o.text)}" for letter, o in zip(letters, q.options, strict=True))
        how = "Choose one." if q.kind == "single" else "Choose all that apply."
        cells.append(_markdown(f"check-{q.id}-question", f"**Question {k}.** {text(q.prompt)}\n\n{options}\n\n*{how}*",
                               locked=True))
        correct = "".join(letter for letter, o in zip(letters, q.options, strict=True) if o.correct)
        cells.append(_code(f"check-{q.id}",
                           f"# Question {k}: type your letter(s) between the quotes, then press Shift+Enter.\n"
                           f"answer_{k} = (\n    ### BEGIN SOLUTION\n    \"{correct}\"\n    ### END SOLUTION\n)",
                           solution=True))
        allowed = "".join(letters)
        test = [
            f"# Checks that your answer to question {k} is in the right form; whether it is right is marked later.",
            f"chosen = {{c for c in str(answer_{k}).lower() if c.isalpha()}}",
            'assert chosen, "Type the letter of your choice between the quotes, for example \\"a\\"."',
            f'assert chosen <= set("{allowed}"), "Use only the letters {", ".join(letters)}."',
        ]
        if q.kind == "single":
            test.append('assert len(chosen) == 1, "This question has one answer: type one letter."')
        test += ["### BEGIN HIDDEN TESTS",
                 f'assert chosen == set("{correct}"), "Not the expected answer: see the explanations in the module."',
                 "### END HIDDEN TESTS"]
        cells.append(_code(f"check-{q.id}-test", "\n".join(test), grade=True, locked=True, points=1))
    return cells


@dataclass(frozen=True)
class AssignmentSpec:
    """Everything a module's assignment notebook is made from."""

    reflection: Reflection
    rubric: Rubric
    module_title: str
    selfcheck: SelfCheck | None = None

    @property
    def name(self) -> str:
        return assignment_name(self.reflection.module)

    @property
    def check_questions(self) -> tuple[Question, ...]:
        """The self-check's first questions, which make the knowledge check (none without a self-check)."""
        return self.selfcheck.questions[:MAX_CHECK_QUESTIONS] if self.selfcheck else ()


def build_notebook(spec: AssignmentSpec) -> dict[str, Any]:
    """The source notebook as plain JSON-ready data (nbformat 4.5)."""
    checks = spec.check_questions
    cells = [
        _markdown("intro", _intro_markdown(spec.reflection, spec.module_title, checks), locked=True),
        _markdown("rubric", rubric_markdown(spec.rubric), locked=True),
    ]
    for n, p in enumerate(spec.reflection.prompts, start=1):
        cells.append(_markdown(f"prompt-{p.id}", _prompt_markdown(n, p.title, p.points, p.text), locked=True))
        cells.append(_markdown(answer_grade_id(p.id), ANSWER_STUB, grade=True, solution=True, points=p.points))
    if checks and spec.selfcheck is not None:
        cells += _check_cells(spec.selfcheck, checks, 1)
    return {
        "cells": cells,
        "metadata": {"kernelspec": dict(KERNELSPEC), "language_info": {"name": "python"}},
        "nbformat": 4,
        "nbformat_minor": 5,
    }


@dataclass(frozen=True)
class PromptInfo:
    """A prompt as the assignment's source notebook states it."""

    id: str
    title: str
    markdown: str
    points: float


def assignment_prompts(source_notebook: Path) -> list[PromptInfo]:
    """The prompts of an assignment, in notebook order, read from its source notebook (the truth for
    nbgrader): each ``answer-<P>`` cell's points, and the ``prompt-<P>`` cell's text."""
    nb = json.loads(source_notebook.read_text(encoding="utf-8"))
    texts: dict[str, str] = {}
    prompts: list[tuple[str, float]] = []
    for cell in nb["cells"]:
        nbg = cell.get("metadata", {}).get("nbgrader", {})
        grade_id = nbg.get("grade_id", "")
        source = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
        if grade_id.startswith("prompt-"):
            texts[grade_id[len("prompt-"):]] = source
        pid = prompt_id_of(grade_id)
        if pid is not None and nbg.get("grade"):
            prompts.append((pid, float(nbg.get("points", 0))))
    out = []
    for pid, points in prompts:
        md = texts.get(pid, "")
        first = md.splitlines()[0] if md else pid
        title = re.sub(r"^#+\s*(\d+\.\s*)?", "", first).strip() or pid
        out.append(PromptInfo(pid, title, md, points))
    return out
