"""The trainers' own records beside nbgrader's gradebook: rubric levels per answer, and safeguarding flags.

nbgrader keeps one score and one comment per answer; the chosen levels are kept here as data, so the
cohort summary can count them per criterion without reading comments back. Safeguarding flags are kept
here *only*: they never enter the gradebook, whose comments become the mentor's feedback.

One SQLAlchemy class for SQLite and PostgreSQL, configured by URL, like nbgrader's ``Gradebook``. By
default it follows the gradebook: a SQLite gradebook puts this store in ``course/private/grading.sqlite``
(git-ignored); a PostgreSQL gradebook holds these tables too (prefixed ``mentor_``), so several trainers
on different servers share both.

Several trainers at once: every saved grade carries a version. A save names the version it started
from and succeeds only if nobody saved in between (one conditional UPDATE, atomic on both databases);
otherwise :class:`GradeConflict` says who saved and when, and nothing is overwritten.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from types import MappingProxyType
from typing import Any

import sqlalchemy as sa

from widgets.grading import migrations
from widgets.grading.migrations import StoreTooNew as StoreTooNew  # re-exported: what opening may raise
from widgets.grading.score import RubricGrade

#: The tables as the code uses them; the schema itself comes from the revisions in ``migrations/versions``
#: (a test checks that the two agree).
METADATA = sa.MetaData()

GRADES = sa.Table(
    "mentor_rubric_grade", METADATA,
    sa.Column("assignment", sa.String(128), primary_key=True),
    sa.Column("student", sa.String(128), primary_key=True),
    sa.Column("prompt", sa.String(128), primary_key=True),
    sa.Column("levels", sa.Text, nullable=False),          # JSON: criterion id -> level id
    sa.Column("no_answer", sa.Boolean, nullable=False),
    sa.Column("comment", sa.Text, nullable=False),           # the trainer's own words (not the generated text)
    sa.Column("score", sa.Float, nullable=False),
    sa.Column("grader", sa.String(128), nullable=False),
    sa.Column("updated_at", sa.String(40), nullable=False),  # ISO 8601, UTC
    sa.Column("version", sa.Integer, nullable=False),
)

FLAGS = sa.Table(
    "mentor_safeguarding_flag", METADATA,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("assignment", sa.String(128), nullable=False),
    sa.Column("student", sa.String(128), nullable=False),
    sa.Column("prompt", sa.String(128), nullable=True),
    sa.Column("note", sa.Text, nullable=False),
    sa.Column("raised_by", sa.String(128), nullable=False),
    sa.Column("raised_at", sa.String(40), nullable=False),
    sa.Column("resolved_by", sa.String(128), nullable=True),
    sa.Column("resolved_at", sa.String(40), nullable=True),
    sa.Column("resolution", sa.Text, nullable=True),
)


#: What grading needs of each submission, kept in the database so that trainers on several servers, each
#: with their own course/ folder, grade the same files: the notebook as sent (and which one it replaced),
#: the autograded notebook made from it, and the mentor's name as they gave it.
SUBMISSIONS = sa.Table(
    "mentor_submission", METADATA,
    sa.Column("assignment", sa.String(128), primary_key=True),
    sa.Column("student", sa.String(128), primary_key=True),
    sa.Column("display_name", sa.Text, nullable=False),
    sa.Column("sha256", sa.String(64), nullable=False),       # of the file as sent
    sa.Column("content", sa.LargeBinary, nullable=False),
    sa.Column("timestamp", sa.String(40), nullable=False),    # nbgrader's timestamp.txt text
    sa.Column("recorded_at", sa.String(40), nullable=False),
    sa.Column("replaced_at", sa.String(40), nullable=True),   # set when a different file replaced an earlier one
    sa.Column("autograded_sha256", sa.String(64), nullable=True),  # which file the autograded notebook came from
    sa.Column("autograded", sa.LargeBinary, nullable=True),
)


@dataclass(frozen=True)
class SubmissionRecord:
    """One mentor's current submission of one assignment, as the database holds it."""

    assignment: str
    student: str
    display_name: str
    sha256: str
    content: bytes
    timestamp: str
    recorded_at: str
    replaced_at: str | None
    autograded_sha256: str | None
    autograded: bytes | None

    @property
    def autograded_current(self) -> bool:
        """The autograded notebook was made from the file now on record."""
        return self.autograded_sha256 == self.sha256


def sha256(data: bytes) -> str:
    import hashlib

    return hashlib.sha256(data).hexdigest()


def now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def default_store_url(gradebook_url: str, private: Path) -> str:
    """Where the store lives for a given gradebook: beside a SQLite one, inside a PostgreSQL one."""
    if gradebook_url.startswith("sqlite"):
        private.mkdir(parents=True, exist_ok=True)
        return f"sqlite:///{private / 'grading.sqlite'}"
    return gradebook_url


@dataclass(frozen=True)
class StoredGrade:
    assignment: str
    student: str
    prompt: str
    grade: RubricGrade
    score: float
    grader: str
    updated_at: str
    version: int


@dataclass(frozen=True)
class Flag:
    id: int
    assignment: str
    student: str
    prompt: str | None
    note: str
    raised_by: str
    raised_at: str
    resolved_by: str | None = None
    resolved_at: str | None = None
    resolution: str | None = None

    @property
    def open(self) -> bool:
        return self.resolved_at is None


class GradeConflict(RuntimeError):
    """Someone saved this answer's grade after it was opened here; ``current`` is what they saved."""

    def __init__(self, current: StoredGrade | None) -> None:
        self.current = current
        who = f"{current.grader} at {current.updated_at}" if current else "another trainer"
        super().__init__(f"{who} saved a grade for this answer after you opened it; reload it to see theirs "
                         "before saving yours (nothing was overwritten)")


class FlagNotFound(LookupError):
    pass


class RubricStore:
    """Rubric grades and safeguarding flags in one database, given by URL.

    Opening it brings the database's schema to the newest revision (see :mod:`widgets.grading.migrations`):
    a new database gets the tables, an older one is migrated with its rows kept, and one migrated by a
    newer package is refused with :class:`StoreTooNew`.
    """

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = sa.create_engine(url, future=True)
        #: the URL without its password, for messages
        self.description = self.engine.url.render_as_string(hide_password=True)
        sqlite = self.engine.dialect.name == "sqlite"
        if sqlite:
            sa.event.listen(self.engine, "connect", _sqlite_pragmas)
        try:
            migrations.upgrade(self.engine, self.description, on_connect=_sqlite_pragmas if sqlite else None)
        except BaseException:
            self.engine.dispose()
            raise

    def schema_version(self) -> str | None:
        """The schema revision the database records (:data:`widgets.grading.migrations.HEAD` once open)."""
        with self.engine.connect() as conn:
            return migrations.current_revision(conn)

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> RubricStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- rubric grades -------------------------------------------------------------------------------

    def grade(self, assignment: str, student: str, prompt: str) -> StoredGrade | None:
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(GRADES).where(_key(assignment, student, prompt))).mappings().first()
        return _grade(row) if row else None

    def grades(self, assignment: str | None = None) -> list[StoredGrade]:
        query = sa.select(GRADES).order_by(GRADES.c.assignment, GRADES.c.student, GRADES.c.prompt)
        if assignment is not None:
            query = query.where(GRADES.c.assignment == assignment)
        with self.engine.connect() as conn:
            return [_grade(r) for r in conn.execute(query).mappings()]

    def save_grade(self, assignment: str, student: str, prompt: str, grade: RubricGrade, score: float, grader: str,
                   *, expected_version: int) -> StoredGrade:
        """Save if the stored version is still ``expected_version`` (0: none saved yet); else GradeConflict."""
        values = {"levels": json.dumps(dict(grade.levels), sort_keys=True), "no_answer": grade.no_answer,
                  "comment": grade.comment, "score": score, "grader": grader, "updated_at": now(),
                  "version": expected_version + 1}
        try:
            with self.engine.begin() as conn:
                if expected_version == 0:
                    conn.execute(sa.insert(GRADES).values(assignment=assignment, student=student, prompt=prompt,
                                                          **values))
                    changed = 1
                else:
                    changed = conn.execute(sa.update(GRADES).where(
                        _key(assignment, student, prompt), GRADES.c.version == expected_version).values(**values)).rowcount
        except sa.exc.IntegrityError:
            changed = 0
        if changed != 1:
            raise GradeConflict(self.grade(assignment, student, prompt))
        saved = self.grade(assignment, student, prompt)
        assert saved is not None
        return saved

    # -- submissions -------------------------------------------------------------------------------------

    def record_submission(self, assignment: str, student: str, content: bytes, timestamp: str,
                          display_name: str) -> SubmissionRecord:
        """Keep ``content`` as the mentor's submission; a different file than the one on record is a
        resubmission (``replaced_at`` is set; the autograded notebook of the old file stays until the new
        one is autograded). The same file again changes nothing."""
        digest = sha256(content)
        current = self.submission(assignment, student)
        if current is not None and current.sha256 == digest:
            if display_name and display_name != current.display_name:
                with self.engine.begin() as conn:
                    conn.execute(sa.update(SUBMISSIONS).where(_sub_key(assignment, student)).values(
                        display_name=display_name))
            return self.submission(assignment, student)  # type: ignore[return-value]
        values = {"display_name": display_name or (current.display_name if current else student), "sha256": digest,
                  "content": content, "timestamp": timestamp, "recorded_at": now()}
        with self.engine.begin() as conn:
            if current is None:
                conn.execute(sa.insert(SUBMISSIONS).values(assignment=assignment, student=student, **values))
            else:
                conn.execute(sa.update(SUBMISSIONS).where(_sub_key(assignment, student)).values(
                    replaced_at=values["recorded_at"], **values))
        return self.submission(assignment, student)  # type: ignore[return-value]

    def record_autograded(self, assignment: str, student: str, from_sha256: str, autograded: bytes) -> None:
        with self.engine.begin() as conn:
            conn.execute(sa.update(SUBMISSIONS).where(_sub_key(assignment, student)).values(
                autograded_sha256=from_sha256, autograded=autograded))

    def submission(self, assignment: str, student: str) -> SubmissionRecord | None:
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(SUBMISSIONS).where(_sub_key(assignment, student))).mappings().first()
        return SubmissionRecord(**row) if row else None

    def submissions(self, assignment: str | None = None) -> list[SubmissionRecord]:
        query = sa.select(SUBMISSIONS).order_by(SUBMISSIONS.c.assignment, SUBMISSIONS.c.student)
        if assignment is not None:
            query = query.where(SUBMISSIONS.c.assignment == assignment)
        with self.engine.connect() as conn:
            return [SubmissionRecord(**r) for r in conn.execute(query).mappings()]

    def display_names(self) -> dict[str, str]:
        """mentor id -> the name they gave (the latest on record)."""
        with self.engine.connect() as conn:
            rows = conn.execute(sa.select(SUBMISSIONS.c.student, SUBMISSIONS.c.display_name)
                                .order_by(SUBMISSIONS.c.recorded_at)).all()
        return {student: name for student, name in rows if name}

    # -- safeguarding flags --------------------------------------------------------------------------

    def raise_flag(self, assignment: str, student: str, note: str, raised_by: str, prompt: str | None = None) -> Flag:
        with self.engine.begin() as conn:
            result = conn.execute(sa.insert(FLAGS).values(assignment=assignment, student=student, prompt=prompt,
                                                          note=note.strip(), raised_by=raised_by, raised_at=now()))
            flag_id = result.inserted_primary_key[0]
        return self.flag(flag_id)

    def flag(self, flag_id: int) -> Flag:
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(FLAGS).where(FLAGS.c.id == flag_id)).mappings().first()
        if row is None:
            raise FlagNotFound(f"no safeguarding flag with id {flag_id}")
        return Flag(**row)

    def flags(self, *, open_only: bool = True, assignment: str | None = None, student: str | None = None) -> list[Flag]:
        query = sa.select(FLAGS).order_by(FLAGS.c.raised_at, FLAGS.c.id)
        if open_only:
            query = query.where(FLAGS.c.resolved_at.is_(None))
        if assignment is not None:
            query = query.where(FLAGS.c.assignment == assignment)
        if student is not None:
            query = query.where(FLAGS.c.student == student)
        with self.engine.connect() as conn:
            return [Flag(**r) for r in conn.execute(query).mappings()]

    def resolve_flag(self, flag_id: int, resolved_by: str, resolution: str) -> Flag:
        with self.engine.begin() as conn:
            changed = conn.execute(sa.update(FLAGS).where(FLAGS.c.id == flag_id, FLAGS.c.resolved_at.is_(None)).values(
                resolved_by=resolved_by, resolved_at=now(), resolution=resolution.strip())).rowcount
        flag = self.flag(flag_id)  # raises FlagNotFound for an unknown id
        if changed != 1 and flag.open:
            raise RuntimeError(f"could not resolve flag {flag_id}")
        return flag


def _key(assignment: str, student: str, prompt: str) -> Any:
    return sa.and_(GRADES.c.assignment == assignment, GRADES.c.student == student, GRADES.c.prompt == prompt)


def _sub_key(assignment: str, student: str) -> Any:
    return sa.and_(SUBMISSIONS.c.assignment == assignment, SUBMISSIONS.c.student == student)


def _grade(row: Any) -> StoredGrade:
    grade = RubricGrade(MappingProxyType(json.loads(row["levels"])), row["comment"], bool(row["no_answer"]))
    return StoredGrade(row["assignment"], row["student"], row["prompt"], grade, row["score"], row["grader"],
                       row["updated_at"], row["version"])


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    """WAL lets trainers read while one saves; a busy timeout waits out a concurrent save instead of failing."""
    cur = dbapi_connection.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA busy_timeout=5000")
    cur.close()
