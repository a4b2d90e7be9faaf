"""``mentor-course grading ...``: the reflection assignments from YAML to returned feedback.

Each command parses its options, calls one function of ``widgets.grading`` and prints one line per
item (assignment, file, submission), then a summary; it exits 1 when anything needs a person's
attention, after reporting everything. docs/trainers.md shows them in the order a trainer uses them.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from widgets.grading.course import Course, CourseNotFound, open_course


def _course(ctx: click.Context) -> Course:
    try:
        return open_course(ctx.obj.get("course"))
    except CourseNotFound as exc:
        raise click.ClickException(str(exc)) from None


def _assignment(course: Course, name: str) -> str:
    known = course.assignments()
    if name in known:
        return name
    if f"{name}-reflection" in known:  # a module id is accepted too
        return f"{name}-reflection"
    from difflib import get_close_matches

    close = get_close_matches(name, known, n=1)
    hint = f" (did you mean '{close[0]}'?)" if close else f"; known: {', '.join(known) or 'none'}"
    raise click.BadParameter(f"no assignment '{name}' in {course.root / course.source_directory}{hint}",
                             param_hint="ASSIGNMENT")


def _rubric(course: Course):  # -> Rubric
    from widgets.grading.assignments import load_course_rubric

    rubric, errors = load_course_rubric(course)
    if rubric is None:
        for err in errors:
            click.echo(str(err), err=True)
        raise click.ClickException("the rubric has problems; fix them first")
    return rubric


def _session(course: Course, grader: str | None = None):  # -> GradingSession
    from widgets.grading.session import GradingSession

    return GradingSession(course, _rubric(course), grader)


class _GradingGroup(click.Group):
    """Turns a grading database this package cannot use (migrated by a newer one) into a one-line error,
    whichever command opened it."""

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except RuntimeError as exc:
            from widgets.grading.migrations import StoreTooNew  # already loaded if a store was opened

            if isinstance(exc, StoreTooNew):
                raise click.ClickException(str(exc)) from None
            raise


@click.group(cls=_GradingGroup)
@click.option("--course", type=click.Path(path_type=Path), default=None,
              help="The nbgrader course folder (default: ./course or the nearest folder with nbgrader_config.py).")
@click.pass_context
def grading(ctx: click.Context, course: Path | None) -> None:
    """Reflection assignments: generate them, import and autograde submissions, grade, export."""
    ctx.ensure_object(dict)
    ctx.obj["course"] = course


@grading.command()
@click.option("--check", is_flag=True, help="Only compare; exit 1 if a committed notebook differs from its YAML.")
@click.pass_context
def generate(ctx: click.Context, check: bool) -> None:
    """Write course/source/<module>-reflection/ for every module with a reflection.yaml."""
    from widgets.grading.assignments import describe
    from widgets.grading.assignments import generate as run

    course = _course(ctx)
    repo = course.root.parent
    if not (repo / "modules").is_dir():
        raise click.ClickException(f"no modules/ folder beside {course.root}; the course must sit in the repository")
    result = run(repo, course, check=check)
    for line in describe(result, repo, check=check):
        click.echo(line)
    sys.exit(0 if result.ok else 1)


@grading.command("release-notebook")
@click.argument("assignment")
@click.option("-o", "--output", type=click.Path(), default=".", show_default=True,
              help="File or folder to write the student version to (a path ending in / is a folder).")
@click.pass_context
def release_notebook(ctx: click.Context, assignment: str, output: str) -> None:
    """Write ASSIGNMENT's student version (what nbgrader would release) without a gradebook: for Binder or email."""
    from widgets.grading.release import write_student_notebook

    course = _course(ctx)
    path = write_student_notebook(course, _assignment(course, assignment), output)
    click.echo(f"wrote {path}")


@grading.command("import")
@click.argument("inbox", type=click.Path(path_type=Path, exists=True, file_okay=False))
@click.argument("assignment")
@click.option("--pattern", "patterns", multiple=True,
              help="File name pattern with {mentor} and {assignment}, relative to INBOX "
                   "(default: {mentor}/{assignment}.ipynb and {mentor}_{assignment}.ipynb).")
@click.option("--replace", is_flag=True, help="Use a newer file for a mentor who already has a submission "
                                              "(the old one is moved to private/replaced/, not deleted).")
@click.pass_context
def import_(ctx: click.Context, inbox: Path, assignment: str, patterns: tuple[str, ...], replace: bool) -> None:
    """Import notebooks mentors sent (Binder, email) from INBOX as submissions of ASSIGNMENT."""
    from widgets.grading.collect import DEFAULT_PATTERNS, IMPORTED, REPLACED, SKIPPED, import_folder

    course = _course(ctx)
    name = _assignment(course, assignment)
    try:
        results = import_folder(course, inbox, name, patterns=patterns or DEFAULT_PATTERNS, replace=replace)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--pattern") from None
    for r in results:
        click.echo(str(r))
    done = sum(r.action in (IMPORTED, REPLACED) for r in results)
    skipped = sum(r.action == SKIPPED for r in results)
    flagged = sum(bool(r.problems) for r in results)
    click.echo(f"{len(results)} file(s): {done} imported, {skipped} skipped, {flagged} with problems to look at; "
               f"next: mentor-course grading autograde {name}")
    sys.exit(1 if skipped else 0)


@grading.command()
@click.argument("assignment")
@click.option("--student", "students", multiple=True, help="Only these mentors (repeatable).")
@click.option("--force", is_flag=True, help="Autograde again submissions that were autograded before.")
@click.pass_context
def autograde(ctx: click.Context, assignment: str, students: tuple[str, ...], force: bool) -> None:
    """Autograde each submission of ASSIGNMENT, reporting each one; a bad one never stops the rest."""
    from widgets.grading.nbgrader_apps import autograde as run

    course = _course(ctx)
    name = _assignment(course, assignment)
    results = run(course, name, students=list(students) or None, force=force)
    for r in results:
        click.echo(f"{r.student}: {'ok' if r.ok else 'FAILED'}: {r.message}")
    failed = sum(not r.ok for r in results)
    click.echo(f"{len(results)} submission(s): {len(results) - failed} ok, {failed} failed")
    sys.exit(1 if failed else 0)


@grading.command()
@click.argument("assignment")
@click.option("--student", "students", multiple=True, help="Only these mentors (repeatable).")
@click.pass_context
def feedback(ctx: click.Context, assignment: str, students: tuple[str, ...]) -> None:
    """Generate each autograded submission's feedback (HTML with scores, rubric levels and comments)."""
    from widgets.grading.nbgrader_apps import generate_feedback

    course = _course(ctx)
    results = generate_feedback(course, _assignment(course, assignment), students=list(students) or None)
    for r in results:
        click.echo(f"{r.student}: {'ok' if r.ok else 'skipped'}: {r.message}")
    click.echo(f"{sum(r.ok for r in results)} feedback file(s) written")


@grading.command()
@click.argument("assignment")
@click.pass_context
def status(ctx: click.Context, assignment: str) -> None:
    """Where grading of ASSIGNMENT stands: each mentor's status and problems."""
    course = _course(ctx)
    session = _session(course)
    rows = session.rows(_assignment(course, assignment))
    for r in rows:
        score = f" {r.score:g}/{r.max_score:g}" if r.score is not None and r.max_score else ""
        click.echo(f"{r.label}: {r.status}{score}{' (safeguarding concern open)' if r.flagged else ''}")
        for p in r.problems:
            click.echo(f"    {p.message}")
    click.echo(session.progress(rows).describe())


@grading.command()
@click.option("-a", "--assignment", "assignments", multiple=True, help="Only these assignments (default: all).")
@click.option("-o", "--output", type=click.Path(path_type=Path), default=None,
              help="Folder for the CSV files and plots (default: course/private/exports).")
@click.pass_context
def summary(ctx: click.Context, assignments: tuple[str, ...], output: Path | None) -> None:
    """Export grades per mentor and per criterion (CSV) and draw the cohort plots (PNG)."""
    from widgets.grading.summary import collect_summary, draw_plots, write_csvs

    course = _course(ctx)
    names = [_assignment(course, a) for a in assignments] or None
    session = _session(course)
    result = collect_summary(session, names)
    out = output or course.private / "exports"
    for path in [*write_csvs(result, out), *draw_plots(result, out)]:
        click.echo(f"wrote {path}")
    click.echo(f"{len(result.mentors)} mentor(s), {len(result.assignments)} assignment(s), "
               f"{len(result.by_criterion) // max(len(result.rubric.criteria), 1)} graded answer(s)")
    if result.core:
        click.echo(result.core_line())


@grading.command()
@click.option("--all", "show_all", is_flag=True, help="Include concerns already followed up.")
@click.option("--resolve", type=int, default=None, help="Mark concern ID as followed up.")
@click.option("--note", default="", help="With --resolve: what was done.")
@click.pass_context
def flags(ctx: click.Context, show_all: bool, resolve: int | None, note: str) -> None:
    """List safeguarding concerns raised while grading (never part of grades or feedback)."""
    from widgets.grading.store import FlagNotFound

    session = _session(_course(ctx))
    if resolve is not None:
        if not note.strip():
            raise click.BadParameter("say what was done, for the record", param_hint="--note")
        try:
            flag = session.store.resolve_flag(resolve, session.grader, note)
        except FlagNotFound as exc:
            raise click.ClickException(str(exc)) from None
        click.echo(f"{flag.id}: followed up by {flag.resolved_by} ({flag.resolved_at}): {flag.resolution}")
        return
    found = session.store.flags(open_only=not show_all)
    for f in found:
        state = "open" if f.open else f"followed up by {f.resolved_by} ({f.resolved_at}): {f.resolution}"
        click.echo(f"{f.id}: {f.assignment} {f.student}: {f.note} [raised by {f.raised_by}, {f.raised_at}; {state}]")
    click.echo(f"{sum(f.open for f in found)} open concern(s)")
