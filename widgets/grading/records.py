"""Submissions kept in the database, so trainers on several servers grade the same files, and a
replaced submission is known as one.

nbgrader reads and writes files in the course folder (``submitted/``, ``autograded/``); the gradebook holds
only grades. Two trainers with the same PostgreSQL gradebook but their own ``course/`` folders would each
see the other's submissions as missing. So every submission (the file as sent, the autograded notebook
made from it, the mentor's name) is also recorded in the trainers' store (``mentor_submission``, beside the
rubric grades), and :func:`sync` writes what a course folder lacks before nbgrader runs there. The file
a mentor sent is never changed: the store keeps its bytes, and a replacement keeps the old file in
``private/replaced/`` as before.

A file that cannot be read as a notebook is kept in ``private/unreadable/`` instead of ``submitted/``:
plain ``nbgrader autograde`` would otherwise record it as a 0-point submission that then appears in
``nbgrader export``.
"""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path

from widgets.grading.course import Course
from widgets.grading.store import RubricStore, SubmissionRecord, default_store_url, sha256
from widgets.grading.submissions import parse_notebook

UNREADABLE_FOLDER = "unreadable"


def open_store(course: Course) -> RubricStore:
    """The trainers' store for ``course`` (beside a SQLite gradebook, inside a PostgreSQL one)."""
    return RubricStore(default_store_url(course.db_url, course.private))


def unreadable_notebook(course: Course, student: str, assignment: str) -> Path:
    return course.private / UNREADABLE_FOLDER / assignment / student / f"{assignment}.ipynb"


def unreadable_students(course: Course, assignment: str) -> list[str]:
    base = course.private / UNREADABLE_FOLDER / assignment
    return sorted(p.name for p in base.iterdir() if p.is_dir()) if base.is_dir() else []


def readable(content: bytes) -> bool:
    return parse_notebook(content)[1] is None


def _timestamp_of(folder: Path) -> str:
    stamp = folder / "timestamp.txt"
    return stamp.read_text(encoding="utf-8").strip() if stamp.is_file() else ""


def _write(path: Path, data: bytes) -> None:
    """Write ``data`` even over nbgrader's read-only (0444) files."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.exists():
        os.chmod(path, 0o644)
        path.unlink()
    tmp = path.with_name(path.name + ".part")
    tmp.write_bytes(data)
    tmp.replace(path)


def write_local(course: Course, record: SubmissionRecord) -> Path:
    """Put the file on record where nbgrader (or, if unreadable, the trainer) expects it."""
    if readable(record.content):
        path = course.submitted_notebook(record.student, record.assignment)
        stale = unreadable_notebook(course, record.student, record.assignment)
        if stale.exists():
            stale.unlink()
    else:
        path = unreadable_notebook(course, record.student, record.assignment)
    _write(path, record.content)
    # The copy is as old as the record, so sync() never mistakes it for a newer file that arrived here.
    recorded = datetime.fromisoformat(record.recorded_at).timestamp()
    os.utime(path, (recorded, recorded))
    if record.timestamp:
        (path.parent / "timestamp.txt").write_text(record.timestamp, encoding="utf-8")
    return path


def local_file(course: Course, student: str, assignment: str) -> Path | None:
    for path in (course.submitted_notebook(student, assignment), unreadable_notebook(course, student, assignment)):
        if path.is_file():
            return path
    return None


def sync(store: RubricStore, course: Course, assignment: str, display_names: dict[str, str] | None = None) -> None:
    """Make this course folder and the store agree on every submission of ``assignment``.

    * on record but missing (or older) here: written here, with its autograded notebook if it has one;
    * here but not on record (``nbgrader collect`` put it in ``submitted/``), or newer here than on
      record: recorded (a different file from the one on record counts as a resubmission).
    """
    names = display_names or {}
    records = {r.student: r for r in store.submissions(assignment)}
    local = set(course.submitted_students(assignment)) | set(unreadable_students(course, assignment))
    for student in sorted(local | set(records)):
        record = records.get(student)
        path = local_file(course, student, assignment)
        data = path.read_bytes() if path is not None else None
        if record is None:
            if data is not None:
                store.record_submission(assignment, student, data, _timestamp_of(path.parent),
                                        names.get(student, student))
            continue
        if data is not None and sha256(data) != record.sha256:
            mtime = path.stat().st_mtime
            recorded = datetime.fromisoformat(record.recorded_at).timestamp()
            if mtime > recorded + 1:  # a newer file arrived here (nbgrader collect --update)
                record = store.record_submission(assignment, student, data, _timestamp_of(path.parent),
                                                 names.get(student, record.display_name))
            else:
                write_local(course, record)
        elif data is None:
            write_local(course, record)
        if record.autograded is not None and record.autograded_current:
            target = course.autograded_notebook(student, assignment)
            if not target.is_file() or target.read_bytes() != record.autograded:
                _write(target, record.autograded)
