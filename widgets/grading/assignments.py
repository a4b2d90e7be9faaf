"""Generate (or check) every module's assignment notebook in ``course/source/`` from the module YAML.

``mentor-course grading generate`` writes them; ``--check`` (and tests/grading/test_assignments.py)
fails when a committed notebook differs from what its YAML produces, naming the command that fixes it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from widgets.content.errors import ContentError
from widgets.content.loader import check_file, display_path
from widgets.grading.course import Course
from widgets.grading.notebooks import AssignmentSpec, assignment_name, build_notebook
from widgets.grading.rubric import check_rubric
from widgets.grading.score import Rubric

RUBRIC_FILE = Path("rubrics") / "reflection.yaml"
REGENERATE = "mentor-course grading generate"


def notebook_text(spec: AssignmentSpec) -> str:
    """The notebook file's exact text, as Jupyter writes it (so a save in JupyterLab does not cause drift).

    Here rather than in :mod:`widgets.grading.notebooks`, which builds the notebook as plain data and
    stays pure: writing it is nbformat's job."""
    import nbformat

    return nbformat.writes(nbformat.from_dict(build_notebook(spec)), version=4) + "\n"


def rubric_path(course: Course) -> Path:
    return course.root / RUBRIC_FILE


def load_course_rubric(course: Course) -> tuple[Rubric | None, list[ContentError]]:
    return check_rubric(rubric_path(course), display=display_path(rubric_path(course), course.root.parent))


@dataclass
class Generation:
    """What generating found and did: notebooks written or already current, drift, stale folders, errors."""

    written: list[Path] = field(default_factory=list)
    current: list[Path] = field(default_factory=list)
    drift: list[Path] = field(default_factory=list)
    stale: list[Path] = field(default_factory=list)
    errors: list[ContentError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """Nothing left to fix: no content errors, no drift, no stale assignment."""
        return not (self.errors or self.drift or self.stale)


def module_specs(repo: Path, rubric: Rubric) -> tuple[list[AssignmentSpec], list[ContentError]]:
    """An assignment spec for every module folder with a ``reflection.yaml`` (the course manifest gives
    titles; a module missing from it still gets an assignment, titled by its id)."""
    modules = repo / "modules"
    course_model, errors = check_file(modules / "course.yaml", "course", display="modules/course.yaml")
    specs = []
    for folder in sorted(p for p in modules.iterdir() if p.is_dir() and (p / "reflection.yaml").is_file()):
        refl, errs = check_file(folder / "reflection.yaml", "reflection", course_model,
                                display=display_path(folder / "reflection.yaml", repo))
        errors += errs
        if refl is None:
            continue
        selfcheck = None
        if (folder / "selfcheck.yaml").is_file():
            selfcheck, errs = check_file(folder / "selfcheck.yaml", "selfcheck", course_model,
                                         display=display_path(folder / "selfcheck.yaml", repo))
            errors += errs
        info = course_model.module(refl.module) if course_model else None
        specs.append(AssignmentSpec(refl, rubric, info.title if info else refl.module, selfcheck))
    return specs, errors


def generate(repo: Path, course: Course, *, check: bool = False) -> Generation:
    """Write each module's source notebook (or, with ``check``, only compare). Never deletes anything:
    an assignment folder without a module reflection is reported as stale for a person to remove."""
    out = Generation()
    rubric, errs = load_course_rubric(course)
    out.errors += errs
    if rubric is None:
        return out
    specs, errs = module_specs(repo, rubric)
    out.errors += errs
    expected = set()
    for spec in specs:
        path = course.source_notebook(spec.name)
        expected.add(spec.name)
        wanted = notebook_text(spec)
        current = path.read_text(encoding="utf-8") if path.is_file() else None
        if current == wanted:
            out.current.append(path)
        elif check:
            out.drift.append(path)
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(".ipynb.tmp")
            tmp.write_text(wanted, encoding="utf-8")
            tmp.replace(path)
            out.written.append(path)
    for name in course.assignments():
        if name.endswith("-reflection") and name not in expected:
            module = name[: -len("-reflection")]
            if not (repo / "modules" / module / "reflection.yaml").is_file():
                out.stale.append(course.source_notebook(name))
    return out


def describe(gen: Generation, root: Path, *, check: bool) -> list[str]:
    """Lines for a person: each problem with the next step, then a one-line summary."""
    lines = [str(e) for e in gen.errors]
    for p in gen.drift:
        lines.append(f"{display_path(p, root)}: drift the notebook differs from its module's YAML; run: {REGENERATE}")
    for p in gen.stale:
        lines.append(f"{display_path(p, root)}: stale no module has a reflection.yaml for this assignment; "
                     f"remove the folder {display_path(p.parent, root)}")
    for p in gen.written:
        lines.append(f"wrote {display_path(p, root)}")
    verb = "checked" if check else "generated"
    lines.append(f"{verb} {len(gen.written) + len(gen.current) + len(gen.drift)} assignment(s): "
                 f"{len(gen.written)} written, {len(gen.current)} current, {len(gen.drift)} drifted, "
                 f"{len(gen.stale)} stale, {len(gen.errors)} content error(s)")
    return lines


__all__ = ["Generation", "assignment_name", "describe", "generate", "load_course_rubric", "module_specs"]
