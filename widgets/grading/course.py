"""Find the nbgrader course folder and read its configuration exactly as nbgrader does.

The folders (``source/``, ``submitted/``, ``autograded/``, ``feedback/``), the gradebook URL and the
course id all come from ``course/nbgrader_config.py`` through nbgrader's own ``CourseDirectory``, so
the ``mentor-course grading`` commands, the grading view and ``nbgrader`` itself always agree.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

CONFIG_FILE = "nbgrader_config.py"
#: Trainer-only files (rubric grades, safeguarding flags, imports that need a decision, exports).
PRIVATE = "private"


class CourseNotFound(FileNotFoundError):
    """No nbgrader course here; the message says where we looked and what to pass."""


def find_course(start: Path | str | None = None) -> Path:
    """The course folder: ``start`` itself if it holds ``nbgrader_config.py``, else its ``course/``
    child, else the same checks in each parent (so it works from the repository and from inside it)."""
    here = Path(start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        for candidate in (folder, folder / "course"):
            if (candidate / CONFIG_FILE).is_file():
                return candidate
    raise CourseNotFound(f"no nbgrader course ({CONFIG_FILE}) in {here}, its course/ folder or any parent; "
                         "run from the repository or pass --course PATH")


@dataclass(frozen=True)
class Course:
    """A course folder with its nbgrader settings resolved."""

    root: Path
    course_id: str
    db_url: str
    directory_structure: str
    source_directory: str
    submitted_directory: str
    autograded_directory: str
    feedback_directory: str

    def folder(self, step: str, student: str, assignment: str) -> Path:
        """``step`` is a directory name such as ``submitted``; mirrors ``CourseDirectory.format_path``."""
        rel = self.directory_structure.format(nbgrader_step=step, student_id=student, assignment_id=assignment)
        return self.root / rel

    def source_notebook(self, assignment: str) -> Path:
        return self.folder(self.source_directory, ".", assignment) / f"{assignment}.ipynb"

    def submitted_notebook(self, student: str, assignment: str) -> Path:
        return self.folder(self.submitted_directory, student, assignment) / f"{assignment}.ipynb"

    def autograded_notebook(self, student: str, assignment: str) -> Path:
        return self.folder(self.autograded_directory, student, assignment) / f"{assignment}.ipynb"

    def feedback_file(self, student: str, assignment: str) -> Path:
        return self.folder(self.feedback_directory, student, assignment) / f"{assignment}.html"

    @property
    def private(self) -> Path:
        return self.root / PRIVATE

    def assignments(self) -> list[str]:
        """Assignments that have a source notebook, in course order (their names start with the module number)."""
        base = self.root / self.source_directory
        if not base.is_dir():
            return []
        return sorted(p.name for p in base.iterdir() if (p / f"{p.name}.ipynb").is_file())

    def submitted_students(self, assignment: str) -> list[str]:
        """Every student folder holding this assignment in ``submitted/`` (autograded or not)."""
        base = self.root / self.submitted_directory
        if not base.is_dir():
            return []
        return sorted(p.name for p in base.iterdir() if (p / assignment).is_dir())


def nbgrader_config(root: Path):  # -> traitlets.config.Config
    """The course's ``nbgrader_config.py`` as a traitlets Config (nbgrader's own loader)."""
    from traitlets.config.loader import PyFileConfigLoader

    return PyFileConfigLoader(CONFIG_FILE, path=str(root)).load_config()


def open_course(start: Path | str | None = None) -> Course:
    """Find the course (see :func:`find_course`) and resolve its settings with nbgrader's CourseDirectory."""
    from nbgrader.coursedir import CourseDirectory

    root = find_course(start)
    config = nbgrader_config(root)
    coursedir = CourseDirectory(config=config)
    if not coursedir.root:
        coursedir.root = str(root)
    return Course(
        root=Path(coursedir.root),
        course_id=coursedir.course_id,
        db_url=coursedir.db_url,
        directory_structure=coursedir.directory_structure,
        source_directory=coursedir.source_directory,
        submitted_directory=coursedir.submitted_directory,
        autograded_directory=coursedir.autograded_directory,
        feedback_directory=coursedir.feedback_directory,
    )
