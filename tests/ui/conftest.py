"""Builders for the UI tests: a tiny course with a scenario, a self-check and a reflection, opened as
a notebook would open it (the module folder as working directory, progress in a temporary file)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.ui.builders import REFLECTION, SELFCHECK, WARNED_SCENARIO
from widgets.ui.session import reset_sessions


def assignment_notebook(prompt_ids: list[str], *, with_solution: bool = True) -> dict:
    """A notebook shaped like the grading side's ``course/source/<module>-reflection`` notebook."""
    cells = [{"cell_type": "markdown", "id": "intro", "metadata": {"nbgrader": {"grade_id": "intro", "locked": True}},
              "source": "# Reflection"}]
    for pid in prompt_ids:
        cells.append({"cell_type": "markdown", "id": f"answer-{pid}",
                      "metadata": {"nbgrader": {"grade": True, "solution": True, "grade_id": f"answer-{pid}",
                                                "points": 5}},
                      "source": "A model answer the trainer wrote." if with_solution else "YOUR ANSWER HERE"})
    cells.append({"cell_type": "code", "id": "check", "execution_count": None, "outputs": [],
                  "metadata": {"nbgrader": {"grade": False, "solution": True, "grade_id": "check"}},
                  "source": 'answer_1 = (\n    ### BEGIN SOLUTION\n    "b"\n    ### END SOLUTION\n)'})
    cells.append({"cell_type": "code", "id": "check-test", "execution_count": None, "outputs": [],
                  "metadata": {"nbgrader": {"grade": True, "solution": False, "grade_id": "check-test", "points": 1}},
                  "source": "assert answer_1\n### BEGIN HIDDEN TESTS\nassert answer_1 == 'b'\n### END HIDDEN TESTS"})
    return {"cells": cells, "metadata": {"kernelspec": {"name": "python3", "language": "python"}},
            "nbformat": 4, "nbformat_minor": 5}


@pytest.fixture(autouse=True)
def _fresh_sessions(monkeypatch):
    """Every test starts as a new kernel would, with no progress settings from the outside."""
    for var in ("MENTOR_COURSE_PROGRESS", "MENTOR_COURSE_DATA", "QUERY_STRING", "MENTOR_COURSE_ROOT",
                "VOILA_PREHEAT"):
        monkeypatch.delenv(var, raising=False)
    reset_sessions()
    yield
    reset_sessions()


@pytest.fixture
def module_dir(course_root: Path) -> Path:
    """The tiny module with a warned scenario, a self-check and a reflection."""
    folder = course_root / "modules" / "01-tiny"
    (folder / "scenarios" / "tiny.yaml").write_text(WARNED_SCENARIO, encoding="utf-8")
    (folder / "selfcheck.yaml").write_text(SELFCHECK, encoding="utf-8")
    (folder / "reflection.yaml").write_text(REFLECTION, encoding="utf-8")
    return folder


@pytest.fixture
def progress_path(tmp_path: Path) -> Path:
    return tmp_path / "saved" / "progress.json"


@pytest.fixture
def in_module(module_dir: Path, progress_path: Path, monkeypatch) -> Path:
    """Work as a module notebook does: inside its folder, saving progress to ``progress_path``."""
    monkeypatch.chdir(module_dir)
    monkeypatch.setenv("MENTOR_COURSE_PROGRESS", str(progress_path))
    return module_dir


@pytest.fixture
def write_assignment(course_root: Path):
    """Write the module's assignment notebook where the grading side puts it."""

    def write(prompt_ids: list[str] | None = None, *, where: str = "source", module: str = "01-tiny") -> Path:
        name = f"{module}-reflection"
        path = course_root / "course" / where / name / f"{name}.ipynb"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(assignment_notebook(prompt_ids or ["own-slip", "plan"])), encoding="utf-8")
        return path

    return write


class Outbox:
    """Messages a view sends to the browser (``view.send``), for assertions."""

    def __init__(self, view) -> None:
        self.messages: list[dict] = []
        view.send = lambda content, buffers=None: self.messages.append(content)

    def of_type(self, kind: str) -> list[dict]:
        return [m for m in self.messages if m.get("type") == kind]


@pytest.fixture
def outbox():
    """``outbox(view)`` records what ``view`` sends to the browser."""
    return Outbox


def browser_says(view, content: dict) -> None:
    """Deliver a message as the browser's ``model.send(content)`` would (through ipywidgets)."""
    view._handle_custom_msg(content, [])


@pytest.fixture
def send():
    return browser_says
