"""Load content files into models, or report every problem in them with its position.

``check_*`` functions never raise for bad content: they return ``(model or None, errors)``.
``load_*`` functions are the API edge for callers that want a model or an exception
(:class:`ContentInvalid`, which carries all the errors).
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from widgets.content import checks, lint
from widgets.content.errors import ContentError, ContentInvalid
from widgets.content.models import (
    Course,
    Reflection,
    Scenario,
    SelfCheck,
    course_from_dict,
    reflection_from_dict,
    scenario_from_dict,
    selfcheck_from_dict,
)
from widgets.content.schema import KINDS, schema_errors, supported_version
from widgets.content.source import Source, read_source, reading_once
from widgets.registry import Registry

if TYPE_CHECKING:
    from widgets.content.timing import CourseTiming

COURSE_FILE = "course.yaml"
ROOT_ENV = "MENTOR_COURSE_ROOT"


def find_root(start: Path | str | None = None) -> Path | None:
    """The folder holding ``modules/course.yaml``: ``$MENTOR_COURSE_ROOT``, else the nearest parent
    of ``start`` (default: the working folder, which is a module folder inside notebooks)."""
    env = os.environ.get(ROOT_ENV)
    if env and (Path(env) / "modules" / COURSE_FILE).is_file():
        return Path(env).resolve()
    here = Path(start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / "modules" / COURSE_FILE).is_file():
            return folder
        if folder.name == "modules" and (folder / COURSE_FILE).is_file():
            return folder.parent
    return None


def display_path(path: Path, root: Path | None = None) -> str:
    """A path as messages show it: relative to the course root or the working folder when possible."""
    path = Path(path)
    for base in (root, Path.cwd()):
        if base is None:
            continue
        try:
            return path.resolve().relative_to(Path(base).resolve()).as_posix()
        except ValueError:
            continue
    return path.as_posix()


def folder_module(path: Path) -> str | None:
    """The module a file belongs to by where it lives: ``modules/<module>/...``.

    A module folder is a numbered one (``01-foundations``) or, since module ids became plain
    slugs (``safeguarding``), any folder holding a ``module.ipynb``; ``modules/live/`` is neither.
    """
    parts = Path(path).resolve().parts
    if "modules" in parts:
        i = len(parts) - 1 - parts[::-1].index("modules")
        if i + 2 < len(parts):
            candidate = parts[i + 1]
            if candidate[:2].isdigit() or (Path(*parts[: i + 2]) / "module.ipynb").is_file():
                return candidate
    return None


Builder = Callable[[dict[str, Any], str], Any]
Checker = Callable[..., Iterable[ContentError]]
_BUILD: Registry[tuple[Builder, Checker | None]] = Registry("content kind", {
    "scenario": (scenario_from_dict, checks.check_scenario),
    "selfcheck": (selfcheck_from_dict, checks.check_selfcheck),
    "reflection": (reflection_from_dict, checks.check_reflection),
    "course": (course_from_dict, None),
})


def check_file(path: Path | str, kind: str, course: Course | None = None, *,
               display: str | None = None, source: tuple[Source | None, list[ContentError]] | None = None,
               ) -> tuple[Any, list[ContentError]]:
    """Read, schema-check, build and semantically check one file of ``kind``.

    ``source`` passes an already parsed file (``read_source``'s result) so it is not read twice.
    Returns the model only when the file has no problem.
    """
    model, errors = _check_file(path, kind, course, display=display, source=source)
    return (None if errors else model), errors


#: Problems after which a scenario model cannot be played (playtest only counts sound graphs).
UNPLAYABLE = ("file.", "yaml.", "schema.", "graph.", "node.", "cond.syntax", "cond.type", "state.", "ref.repair")


def _check_file(path: Path | str, kind: str, course: Course | None = None, *,
                display: str | None = None, source: tuple[Source | None, list[ContentError]] | None = None,
                ) -> tuple[Any, list[ContentError]]:
    """:func:`check_file`, but returning the built model (if the schema passed) even with problems."""
    path = Path(path)
    file = display or display_path(path)
    src, errors = source if source is not None else read_source(path, file)
    errors = list(errors)
    if src is None:
        return None, errors
    errors += schema_errors(src, kind)
    if errors:
        return None, errors
    build, check = _BUILD[kind]
    model = build(src.data, file)
    if kind == "course":
        errors += checks.check_course(src, model)
    elif check is not None:
        errors += check(src, model, course, folder_module(path))
    return model, errors


def _load(path: Path | str, kind: str, course: Course | None) -> Any:
    model, errors = check_file(path, kind, course)
    if errors:
        raise ContentInvalid(errors)
    return model


def load_scenario(path: Path | str, course: Course | None = None) -> Scenario:
    """A validated scenario, or :class:`ContentInvalid` listing every problem."""
    return _load(path, "scenario", course)


def load_selfcheck(path: Path | str, course: Course | None = None) -> SelfCheck:
    return _load(path, "selfcheck", course)


def load_reflection(path: Path | str, course: Course | None = None) -> Reflection:
    return _load(path, "reflection", course)


def load_course(path: Path | str | None = None) -> Course:
    """The course manifest; by default ``modules/course.yaml`` under :func:`find_root`."""
    if path is None:
        root = find_root()
        if root is None:
            raise ContentInvalid([ContentError(COURSE_FILE, 0, 0, "file.missing",
                                               "no modules/course.yaml found here or in any parent folder; "
                                               f"run from the course folder or set {ROOT_ENV}")])
        path = root / "modules" / COURSE_FILE
    return _load(path, "course", None)


def kind_of(path: Path, src_data: Any = None) -> str | None:
    """Which kind a YAML file is, from its ``schema:`` tag, else from its name and folder."""
    if isinstance(src_data, dict) and isinstance(src_data.get("schema"), str):
        tag = src_data["schema"].split("/", 1)[0]
        for kind, (kind_tag, _) in KINDS.items():
            if kind_tag == tag:
                return kind
    if path.name == COURSE_FILE:
        return "course"
    if path.parent.name == "scenarios":
        return "scenario"
    stem = path.stem
    return stem if stem in KINDS else None


#: A ``schema:`` line as a file that does not parse may still show it (``schema: mentor-scenario/2``).
_SCHEMA_LINE = re.compile(r"""^schema:\s*["']?([A-Za-z][\w-]*)/""", re.MULTILINE)


def _how_to_say_the_kind() -> str:
    tags = ", ".join(sorted(f"'{tag}/{supported_version(kind)}'" for kind, (tag, _) in KINDS.items()))
    # Only kinds whose name can be a file name are told by it (kind_of: ``<kind>.yaml``).
    names = ", ".join(sorted(f"{k}.yaml" for k in KINDS if k != "scenario" and re.fullmatch(r"[\w-]+", k)))
    return (f"give it a 'schema:' tag (one of {tags}), or put it where its kind is told by its place: "
            f"a module's scenarios/ folder, or named {names}")


def unknown_kind_errors(path: Path, shown: str, src: Source | None) -> list[ContentError]:
    """Why a file named on the command line cannot be checked as any kind, and how to say its kind
    (``file.unknown-kind``): its ``schema:`` tag names no known kind, it has none and its place tells
    nothing, or it does not read as YAML (its read errors give the line), so its tag cannot be seen."""
    data = src.data if src is not None else None
    if src is None:
        try:
            text = path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return []  # the read error already says why (missing, a folder, unreadable)
        found = _SCHEMA_LINE.search(text)
        if found and any(tag == found.group(1) for tag, _ in KINDS.values()):
            return []  # its kind is plain once it reads; the read error is what to fix
        why = "it does not read as YAML (its yaml error gives the line), so its tag cannot be seen"
    elif isinstance(data, dict) and isinstance(data.get("schema"), str):
        why = f"its 'schema:' tag '{data['schema']}' names no kind this package knows"
    else:
        why = "it has no 'schema:' tag (such as 'schema: mentor-scenario/2') and its place tells nothing"
    return [ContentError(shown, 1, 1, "file.unknown-kind", f"cannot tell what kind of course file this is: {why}; "
                                                           f"{_how_to_say_the_kind()}. It was not checked")]


@dataclass
class CourseContent:
    """Everything ``validate`` found, by kind, plus every error."""

    course: Course | None = None
    scenarios: list[Scenario] = field(default_factory=list)
    selfchecks: list[SelfCheck] = field(default_factory=list)
    reflections: list[Reflection] = field(default_factory=list)
    others: dict[str, list[Any]] = field(default_factory=dict)
    errors: list[ContentError] = field(default_factory=list)
    warnings: list[ContentError] = field(default_factory=list)
    #: Scenarios sound enough to play (valid, or with problems only on some paths), for playtest.
    playable: list[Scenario] = field(default_factory=list)
    files: int = 0
    #: Measured minutes per module and track (:mod:`widgets.content.timing`), when the whole course
    #: was checked and had no errors.
    timing: CourseTiming | None = None

    @property
    def ok(self) -> bool:
        """No errors (warnings do not count)."""
        return not self.errors

    def summary(self) -> str:
        """One line, e.g. ``18 scenarios, 9 self-checks, 9 reflections, 1 manifest: ok``."""
        def n(count: int, word: str) -> str:
            return f"{count} {word}{'' if count == 1 else 's'}"
        parts = [n(len(self.scenarios), "scenario"), n(len(self.selfchecks), "self-check"),
                 n(len(self.reflections), "reflection"), n(1 if self.course else 0, "manifest")]
        parts += [n(len(v), k) for k, v in sorted(self.others.items())]
        verdict = "ok" if self.ok else n(len(self.errors), "error")
        if self.warnings:
            verdict += f" ({n(len(self.warnings), 'warning')})"
        return f"{', '.join(parts)}: {verdict}"


# Extension points. The core names no plugin: plugins (rubrics, assessments, resource packs) import this
# module and register here, and widgets.plugins (the composition root the entry points import) lists them.

#: Kinds checked by a function of their own: kind -> (path, course) -> (model, errors).
EXTRA_KINDS: Registry[Callable[[Path, Course | None], tuple[Any, list[ContentError]]]] = Registry(
    "content kind with its own checker")

#: Course-wide checks: (files checked, course root, what was found) -> more errors.
COURSE_CHECKS: Registry[Callable[[list[Path], Path | None, CourseContent], Iterable[ContentError]]] = Registry(
    "course-wide check")


def register_kind(kind: str, tag: str, schema_file: str, build: Builder,
                  check: Checker | None = None) -> None:
    """Teach the validator a new kind of YAML file.

    ``schema_file`` lives in ``widgets/content/schemas/``; ``build(data, file)`` makes the model;
    ``check(src, model, course, folder_module)`` yields semantic errors. After this, ``check_file``,
    ``check_paths`` and ``mentor-course validate`` handle files whose ``schema:`` tag starts ``tag/``.
    """
    KINDS.register(kind, (tag, schema_file))
    _BUILD.register(kind, (build, check))


def register_checked_kind(kind: str, tag: str, schema_file: str,
                          check: Callable[[Path, Course | None], tuple[Any, list[ContentError]]]) -> None:
    """Teach the validator a kind whose files one function reads and checks whole: ``check(path, course)``
    returns ``(model or None, errors)`` (rubrics, which have their own loader)."""
    KINDS.register(kind, (tag, schema_file))
    EXTRA_KINDS.register(kind, check)


def register_course_check(name: str,
                          check: Callable[[list[Path], Path | None, CourseContent], Iterable[ContentError]]) -> None:
    """Run ``check(files, root, found)`` after every ``check_paths``; its errors join the others."""
    COURSE_CHECKS.register(name, check)


def _yaml_files(paths: Iterable[Path]) -> tuple[list[Path], list[ContentError]]:
    files: list[Path] = []
    missing: list[ContentError] = []
    for p in paths:
        if p.is_dir():
            files += sorted(x for x in p.rglob("*.y*ml") if x.suffix in (".yaml", ".yml")
                            and not any(part.startswith(".") for part in x.relative_to(p).parts))
        elif p.exists():
            files.append(p)
        else:
            missing.append(ContentError(display_path(p), 0, 0, "file.missing", "no such file or folder"))
    return files, missing


def check_paths(paths: Iterable[Path | str] | None = None, *, root: Path | None = None) -> CourseContent:
    """Validate files and folders (default: the whole course) and cross-check them as a course.

    Kinds and checks that plugins add count only once they are registered: entry points import
    :mod:`widgets.plugins` first. Each file is parsed once in the run (:func:`reading_once`), however
    many checks read it."""
    with reading_once():
        return _check_paths(paths, root=root)


def _check_paths(paths: Iterable[Path | str] | None, *, root: Path | None) -> CourseContent:
    root = root or find_root()
    default = [root / "modules", root / "course" / "rubrics"] if root else []
    targets = [Path(p) for p in paths] if paths else [p for p in default if p.exists()]
    out = CourseContent()
    if not targets:
        out.errors.append(ContentError(COURSE_FILE, 0, 0, "file.missing",
                                       "no modules/course.yaml found here or in any parent folder; pass paths "
                                       f"or set {ROOT_ENV}"))
        return out
    files, missing = _yaml_files(targets)
    explicit = {p for p in targets if p.is_file()}
    out.errors += missing

    # The manifest first: every other file is checked against it.
    course_path = root / "modules" / COURSE_FILE if root else None
    course_real = course_path.resolve() if course_path else None
    real = {f: f.resolve() for f in files}  # resolved once: each resolve() walks the path's folders
    manifest_src: Source | None = None
    if course_path and course_path.is_file():
        out.course, errs = check_file(course_path, "course", display=display_path(course_path, root))
        manifest_src, _ = read_source(course_path, display_path(course_path, root)) if out.course else (None, [])
        if any(real[f] == course_real for f in files) or not paths:
            out.errors += errs
            out.files += 1
    files = [f for f in files if not (course_path and real[f] == course_real)]

    for f in files:
        shown = display_path(f, root)
        parsed = read_source(f, shown)
        src, read_errors = parsed
        kind = kind_of(f, src.data if src else None)
        if kind is None:
            if f in explicit:
                # Named on the command line: never say "ok" about a file we did not check.
                out.files += 1
                out.errors += [*read_errors, *unknown_kind_errors(f, shown, src)]
            continue  # found in a folder but not course content (e.g. a CI config); nothing to say
        out.files += 1
        if read_errors and src is None:
            out.errors += read_errors
            continue
        if kind in EXTRA_KINDS:
            model, errs = EXTRA_KINDS[kind](f, out.course)
            if model is not None:
                out.others.setdefault(kind, []).append(model)
            out.errors += errs
            continue
        model, errs = _check_file(f, kind, None if kind == "course" else out.course, display=shown, source=parsed)
        out.errors += errs
        if kind == "scenario" and model is not None and not any(e.code.startswith(UNPLAYABLE) for e in errs):
            out.playable.append(model)
        if errs:
            model = None
        if model is not None:
            buckets = {"scenario": out.scenarios, "selfcheck": out.selfchecks, "reflection": out.reflections,
                       "course": []}
            bucket = buckets[kind] if kind in buckets else out.others.setdefault(kind, [])
            bucket.append(model)
            if kind == "scenario" and src is not None:
                out.warnings += lint.lint_scenario(src, model)
            elif kind == "selfcheck" and src is not None:
                out.warnings += lint.lint_selfcheck(src, model)

    # Course-wide: every declared competency is scored by some scenario (only when checking it all).
    whole_course = not paths or (root is not None and any(p.resolve() == (root / "modules").resolve() for p in targets))
    if out.course and manifest_src and whole_course:
        scored = {comp for sc in out.scenarios for node in sc.nodes.values() for c in node.choices for comp in c.scores}
        complete = not out.errors  # with broken scenarios, "never scored" could be a false alarm
        for i, comp in enumerate(out.course.competencies):
            if complete and comp.id not in scored:
                out.errors.append(manifest_src.error(("competencies", i, "id"), "course.competency-unscored",
                                                     f"competency '{comp.id}' is declared but no scenario scores it"))
        for i, mod in enumerate(out.course.modules):
            if not (root / "modules" / mod.id).is_dir():
                out.errors.append(manifest_src.error(("modules", i, "id"), "course.module-missing",
                                                     f"module '{mod.id}' has no folder modules/{mod.id}/"))
        if complete:  # measured minutes only from sound files: a broken one would measure short
            from widgets.content.timing import measure_found

            out.timing = measure_found(out.course, root, out.scenarios, out.selfchecks, out.reflections)
            out.errors += checks.check_timing(manifest_src, out.course, out.timing)
    for course_check in COURSE_CHECKS.values():
        out.errors += course_check(files, root, out)
    out.errors.sort()
    out.warnings.sort()
    return out
