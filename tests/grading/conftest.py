"""Builders for the grading tests: a temporary copy of the real ``course/``, filled-in mentor notebooks.

Every test that runs nbgrader works on its own copy of ``course/`` (the committed source notebooks,
rubric and nbgrader_config.py, nothing else), never on the repository's course folder.
"""

from __future__ import annotations

import copy
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import nbformat
import pytest

from tests.conftest import REPO
from widgets.grading.course import Course, open_course
from widgets.grading.rubric import load_rubric
from widgets.grading.score import Rubric

#: A real assignment with two prompts (issue 15 cut the core module 01 to one; its second prompt moved here).
ASSIGNMENT = "boundaries-and-ethics-in-depth-reflection"
#: Never copied: learner data and nbgrader's outputs, if a trainer ran nbgrader in the working tree.
_NOT_COPIED = shutil.ignore_patterns("gradebook.db", "submitted", "autograded", "feedback", "release", "private",
                                     "downloaded", "exchange", ".ipynb_checkpoints", "__pycache__")

STRONG = {
    "what-would-stop-me": (
        "Last spring my colleague Aroha told me, late one evening, that her teenage nephew had stopped coming to "
        "our club because of trouble at home, and asked me to keep it quiet. I said nothing for weeks. I felt "
        "**loyal**, and afraid of being wrong and of shaming her family; I think she felt relieved, and also alone "
        "with it. Looking at it with the module's ideas, I treated a concern about a young person's safety as a "
        "family secret instead of passing it on through the protocol, and nobody had said the limits before she "
        "spoke. As an older coach I had standing she could not easily question. I assumed privacy always meant "
        "respect; I now see it also came from my wish to avoid conflict. From next week I will say the limits of "
        "confidentiality at the start, and I will read our protocol with my coordinator on 1 March."),
    "my-agreement": (
        "\"You can message me on weekdays between 9 and 6; I usually reply within a day. What you tell me stays "
        "with me, except if someone might be seriously harmed: then I would tell the programme coordinator, and "
        "I would tell you first.\" Writing the exceptions felt uncomfortable, because I worried it sounds cold. "
        "For a mentee whose family values privacy and face, it may sound like a warning. I was applying my own "
        "workplace norms about openness. I will soften the wording, ask what privacy means in their family, and "
        "check the reporting route with the coordinator this week."),
}
WEAK = {"what-would-stop-me": "I like helping people. I will try to have good boundaries."}


@pytest.fixture(autouse=True)
def _sqlite_gradebook(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests use the SQLite gradebook in their course copy unless a test asks for PostgreSQL."""
    monkeypatch.delenv("MENTOR_COURSE_GRADEBOOK_URL", raising=False)


def copy_course(target: Path) -> Course:
    shutil.copytree(REPO / "course", target, ignore=_NOT_COPIED)
    return open_course(target)


@pytest.fixture
def course(tmp_path: Path) -> Course:
    """A fresh copy of the real course folder."""
    return copy_course(tmp_path / "course")


@pytest.fixture(scope="session")
def rubric() -> Rubric:
    return load_rubric(REPO / "course" / "rubrics" / "reflection.yaml")


def fill(nb: Any, answers: dict[str, str], letters: list[str] | None = None) -> Any:
    """A copy of a student notebook with answers typed in and knowledge-check letters chosen."""
    nb = copy.deepcopy(nb)
    letters = list(letters or [])
    for cell in nb.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id", "")
        if grade_id.startswith("answer-") and grade_id[len("answer-"):] in answers:
            cell.source = answers[grade_id[len("answer-"):]]
        elif cell.cell_type == "code" and cell.metadata.get("nbgrader", {}).get("solution") and letters:
            cell.source = cell.source.replace('""', f'"{letters.pop(0)}"', 1)
    return nb


def correct_letters(course: Course, assignment: str = ASSIGNMENT) -> list[str]:
    """The knowledge check's right answers, read from the source notebook's solution regions."""
    nb = nbformat.read(course.source_notebook(assignment), as_version=4)
    out = []
    for cell in nb.cells:
        if cell.cell_type == "code" and cell.metadata.get("nbgrader", {}).get("solution"):
            lines = cell.source.splitlines()
            start = next(i for i, ln in enumerate(lines) if "BEGIN SOLUTION" in ln)
            out.append(lines[start + 1].strip().strip('"'))
    return out


def write_notebook(nb: Any, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, str(path))
    return path


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.chdir(tmp_path)
    yield tmp_path


#: The local PostgreSQL server the shared-gradebook tests use (trust auth, as this machine and CI run it).
PG_ADMIN = "host=127.0.0.1 port=5432 user=postgres dbname=test connect_timeout=3"


def fresh_postgres_database(prefix: str) -> Iterator[str]:
    """Yield the SQLAlchemy URL of a new, empty PostgreSQL database named ``<prefix>_<random>`` and drop it
    afterwards; skip (saying why) when no server is reachable. For module fixtures: ``yield from`` it."""
    import uuid

    psycopg = pytest.importorskip("psycopg", reason="psycopg is not installed (pip install -e '.[postgres]')")
    try:
        admin = psycopg.connect(PG_ADMIN, autocommit=True)
    except psycopg.OperationalError as exc:
        pytest.skip(f"no PostgreSQL server reachable at 127.0.0.1:5432 as user postgres ({str(exc).strip()}); "
                    "the shared-gradebook tests need one")
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"
    finally:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()
