"""Import a folder of notebooks that mentors downloaded and sent (Binder, email: no nbgrader exchange).

What ``nbgrader zip_collect`` does, plus what a trainer needs when the files come from people rather
than from the exchange:

* the file name pattern is stated and checked: ``{mentor}/{assignment}.ipynb`` (one folder per mentor)
  or ``{mentor}_{assignment}.ipynb``; a browser's `` (1)`` copy suffix is accepted;
* mentor ids with odd characters (spaces, accents, ``@``, slashes) become safe ids (``Priya Shah`` ->
  ``priya-shah``), two people never share one, and the mapping is kept in ``private/mentor-ids.json``;
* every file is read and its problems reported (not a notebook, not valid JSON, answer cells deleted,
  duplicated or empty) - an unreadable file is imported anyway, so it is on record and the trainer can
  ask for it again, and it never stops the other files;
* nothing is overwritten or lost: a different file for a mentor who already has a submission is kept
  aside in ``private/incoming/`` (or, with ``replace``, the old one is moved to ``private/replaced/``).
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from widgets.grading.course import Course
from widgets.grading.notebooks import assignment_prompts
from widgets.grading.records import local_file, open_store, write_local
from widgets.grading.store import RubricStore
from widgets.grading.submissions import Problem, inspect_submission

DEFAULT_PATTERNS = ("{mentor}/{assignment}.ipynb", "{mentor}_{assignment}.ipynb")
MAPPING_FILE = "mentor-ids.json"
#: nbgrader's own timestamp format (exchange.timestamp_format), read back for late penalties.
TIMESTAMP_FORMAT = "%Y-%m-%d %H:%M:%S.%f %Z"

IMPORTED, UNCHANGED, KEPT_ASIDE, REPLACED, SKIPPED = "imported", "unchanged", "kept aside", "replaced", "skipped"


def safe_mentor_id(raw: str) -> str:
    """A mentor id that is safe as a folder name and in nbgrader: lower-case ASCII letters, digits, dots,
    hyphens and underscores. Accents are dropped (``Zoë`` -> ``zoe``); a name with no such letters at all
    (``李明``) becomes ``mentor-`` plus a short hash of it, stable across imports."""
    ascii_text = unicodedata.normalize("NFKD", raw.translate(_APOSTROPHES)).encode("ascii", "ignore").decode("ascii").lower()
    safe = re.sub(r"[^a-z0-9._]+", "-", ascii_text)
    safe = re.sub(r"-{2,}", "-", safe).strip("-._")[:60].strip("-._")
    if not safe:
        safe = "mentor-" + hashlib.sha1(raw.encode("utf-8")).hexdigest()[:8]
    return safe


def pattern_regex(pattern: str, assignment: str) -> re.Pattern[str]:
    """``{mentor}_{assignment}.ipynb`` -> a regex over the path relative to the inbox (``/`` separated)."""
    if "{mentor}" not in pattern:
        raise ValueError(f"the pattern '{pattern}' has no {{mentor}} part, so it cannot tell who sent a file")
    out = ""
    for part in re.split(r"(\{mentor\}|\{assignment\})", pattern):
        if part == "{mentor}":
            out += r"(?P<mentor>[^/]+?)"
        elif part == "{assignment}":
            out += re.escape(assignment)
        elif part.endswith(".ipynb"):
            out += re.escape(part[: -len(".ipynb")]) + r"(?:\s?\(\d+\)|-\d)?\.ipynb"
        else:
            out += re.escape(part)
    return re.compile(out + "$")


@dataclass(frozen=True)
class ImportResult:
    """What happened to one file of the inbox."""

    file: str
    action: str
    message: str
    mentor: str | None = None
    raw_mentor: str | None = None
    problems: tuple[Problem, ...] = ()

    def __str__(self) -> str:
        who = f" [{self.mentor}]" if self.mentor else ""
        lines = [f"{self.file}{who}: {self.action}: {self.message}"]
        lines += [f"    {p.message}" for p in self.problems]
        return "\n".join(lines)


def _stamp(mtime: float) -> str:
    return datetime.fromtimestamp(mtime, timezone.utc).strftime("%Y%m%dT%H%M%S")


def _load_mapping(course: Course) -> dict[str, str]:
    path = course.private / MAPPING_FILE
    if path.is_file():
        try:
            return dict(json.loads(path.read_text(encoding="utf-8")))
        except (ValueError, TypeError):
            return {}
    return {}


def _save_mapping(course: Course, mapping: dict[str, str]) -> None:
    course.private.mkdir(parents=True, exist_ok=True)
    path = course.private / MAPPING_FILE
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(mapping, indent=1, sort_keys=True, ensure_ascii=False), encoding="utf-8")
    tmp.replace(path)


_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "\u00b4": "'", "`": "'",
                              "\uff07": "'"})


def normalise_name(raw: str) -> str:
    """A person's name as typed, made comparable: NFKC (full-width letters, ligatures), curly and straight
    apostrophes alike, runs of spaces as one. ``Zoë O'Brien`` and ``ZOË  O’BRIEN`` give the same text
    apart from case; :func:`same_person` ignores case too."""
    text = unicodedata.normalize("NFKC", raw).translate(_APOSTROPHES)
    return re.sub(r"\s+", " ", text).strip()


def same_person(a: str, b: str) -> bool:
    return normalise_name(a).casefold() == normalise_name(b).casefold()


def _assign_id(raw: str, mapping: dict[str, str]) -> str:
    """The safe id for ``raw``: the one it (or the same name typed differently) had before, else a fresh
    one no other person has."""
    for safe, known_raw in mapping.items():
        if same_person(known_raw, raw):
            return safe
    raw = normalise_name(raw)
    base = safe_mentor_id(raw)
    candidate, n = base, 2
    while candidate in mapping and mapping[candidate] != raw:
        candidate, n = f"{base}-{n}", n + 1
    mapping[candidate] = raw
    return candidate


def _write_submission(course: Course, store: RubricStore, mentor: str, raw: str, assignment: str,
                      source: Path) -> None:
    """Record the file in the store (what every trainer's server grades from) and put it in this course
    folder: ``submitted/`` if it is a notebook, ``private/unreadable/`` if not (see widgets.grading.records)."""
    stamp = datetime.fromtimestamp(source.stat().st_mtime, timezone.utc).strftime(TIMESTAMP_FORMAT)
    record = store.record_submission(assignment, mentor, source.read_bytes(), stamp, normalise_name(raw))
    path = write_local(course, record)
    if path.parent != course.submitted_notebook(mentor, assignment).parent:
        shutil.rmtree(course.submitted_notebook(mentor, assignment).parent, ignore_errors=True)


def import_folder(course: Course, inbox: Path, assignment: str, *, patterns: tuple[str, ...] = DEFAULT_PATTERNS,
                  replace: bool = False) -> list[ImportResult]:
    """Import every notebook in ``inbox`` for ``assignment``; one result per file, problems included."""
    if not course.source_notebook(assignment).is_file():
        raise FileNotFoundError(f"no assignment '{assignment}' in {course.root / course.source_directory}; "
                                f"known: {', '.join(course.assignments()) or 'none'}")
    regexes = [pattern_regex(p, assignment) for p in patterns]
    prompts = [p.id for p in assignment_prompts(course.source_notebook(assignment))]
    mapping = _load_mapping(course)
    results: list[ImportResult] = []
    by_mentor: dict[str, list[tuple[Path, str, str]]] = {}
    for path in sorted(p for p in inbox.rglob("*") if p.is_file()):
        rel = path.relative_to(inbox).as_posix()
        if any(part.startswith(".") for part in path.relative_to(inbox).parts):
            continue  # .ipynb_checkpoints, .DS_Store
        if path.suffix.lower() != ".ipynb":
            hint = "unzip it first, then import the folder" if path.suffix.lower() == ".zip" else "not a notebook"
            results.append(ImportResult(rel, SKIPPED, hint))
            continue
        match = next((m for rx in regexes if (m := rx.match(rel))), None)
        if match is None:
            example = patterns[0].format(mentor="priya-shah", assignment=assignment)
            results.append(ImportResult(rel, SKIPPED, f"the name does not say whose it is; expected "
                                                      f"{' or '.join(patterns)} (for example {example})"))
            continue
        raw = match.group("mentor").strip()
        mentor = _assign_id(raw, mapping)
        by_mentor.setdefault(mentor, []).append((path, rel, raw))
    store = open_store(course)
    try:
        for mentor, files in by_mentor.items():
            # The newest file is the submission; any older ones from the same person are kept aside, not dropped.
            files.sort(key=lambda f: f[0].stat().st_mtime, reverse=True)
            for k, (path, rel, raw) in enumerate(files):
                results.append(_import_one(course, store, assignment, prompts, mentor, raw, path, rel,
                                           newest=k == 0, replace=replace))
    finally:
        store.close()
    _save_mapping(course, mapping)
    results.sort(key=lambda r: r.file)
    return results


def _keep_aside(course: Course, assignment: str, mentor: str, path: Path) -> Path:
    aside = course.private / "incoming" / assignment / mentor / f"{_stamp(path.stat().st_mtime)}-{path.name}"
    aside.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy2(path, aside)
    return aside


def _import_one(course: Course, store: RubricStore, assignment: str, prompts: list[str], mentor: str, raw: str,
                path: Path, rel: str, *, newest: bool, replace: bool) -> ImportResult:
    data = path.read_bytes()
    inspection = inspect_submission(data, prompts)
    renamed = f" (sent as '{raw}')" if raw != mentor else ""
    common = {"mentor": mentor, "raw_mentor": raw, "problems": inspection.problems}
    root = course.root
    if not newest:
        aside = _keep_aside(course, assignment, mentor, path)
        return ImportResult(rel, KEPT_ASIDE, f"an older file from the same mentor{renamed}; the newest was "
                                             f"imported and this one kept at {aside.relative_to(root)}", **common)
    dest = course.submitted_notebook(mentor, assignment)
    record = store.submission(assignment, mentor)
    current = local_file(course, mentor, assignment)
    if record is not None and (current is None or current.read_bytes() != record.content):
        current = write_local(course, record)  # another trainer's server imported it: the record is the truth
    if current is not None:
        dest = current
        if dest.read_bytes() == data:
            return ImportResult(rel, UNCHANGED, f"already imported{renamed}", **common)
        if not replace:
            aside = _keep_aside(course, assignment, mentor, path)
            return ImportResult(rel, KEPT_ASIDE, f"{mentor} already has a different submission; this file was kept "
                                                 f"at {aside.relative_to(root)} (import again with --replace to use it; "
                                                 "the current one is then moved aside, not deleted)", **common)
        old = course.private / "replaced" / assignment / mentor / _stamp(dest.stat().st_mtime)
        old.parent.mkdir(parents=True, exist_ok=True)
        shutil.copytree(dest.parent, old, dirs_exist_ok=True)
        _write_submission(course, store, mentor, raw, assignment, path)
        return ImportResult(rel, REPLACED, f"replaced the earlier submission{renamed}, which was moved to "
                                           f"{old.relative_to(root)}; it is autograded again with the next "
                                           f"'mentor-course grading autograde {assignment}'", **common)
    dest = course.submitted_notebook(mentor, assignment)
    _write_submission(course, store, mentor, raw, assignment, path)
    if not inspection.readable:
        kept = local_file(course, mentor, assignment)
        where = kept.relative_to(root) if kept else dest.relative_to(root)
        return ImportResult(rel, IMPORTED, f"as {where}{renamed}; it cannot be read as a notebook, so it is on "
                                           "record (outside submitted/, where nbgrader would grade it 0) but "
                                           "cannot be graded until the mentor sends it again", **common)
    return ImportResult(rel, IMPORTED, f"as {dest.relative_to(root)}{renamed}", **common)
