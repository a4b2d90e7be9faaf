"""The ``mentor-course`` command: thin wrappers that parse options, call the core, format results.

Heavy imports (Jupyter, ipywidgets, nbformat) stay inside the commands that need them, so
``mentor-course validate`` starts in a fraction of a second.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from widgets import __version__
from widgets.plugins import install

install()  # the composition root: register content kinds and progress sections before any use

#: Commands that live beside the part they drive, imported only when invoked (or listed in --help),
#: so that `mentor-course validate` never pays for Voilà, nbgrader or a database driver.
LAZY_COMMANDS: dict[str, tuple[str, str]] = {
    "serve": ("widgets.serving.cli", "serve"),
    "grading": ("widgets.grading.cli", "grading"),
    "room": ("widgets.live.cli", "room"),
    "outcomes": ("widgets.outcomes.cli", "outcomes"),
}


class LazyGroup(click.Group):
    """A click group whose extra commands are imported on first use."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *(n for n in LAZY_COMMANDS if self._available(n))})

    @staticmethod
    def _available(name: str) -> bool:
        from importlib.util import find_spec

        module = LAZY_COMMANDS[name][0]
        try:
            return find_spec(module) is not None
        except ModuleNotFoundError:
            return False

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name in LAZY_COMMANDS and self._available(name):
            from importlib import import_module

            module, attr = LAZY_COMMANDS[name]
            return getattr(import_module(module), attr)
        return super().get_command(ctx, name)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="mentor-course")
def main() -> None:
    """Mentoring People of Mixed Asian Heritage: validate, preview and serve the course."""


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="json prints one record per problem, for editors and CI.")
def validate(paths: tuple[Path, ...], fmt: str) -> None:
    """Check course content (default: the whole course) and report every problem.

    Prints one `file:line:col: code message` line per problem and a summary; exits 1 on any error
    (warnings, such as `lint.length-cue`, are printed but do not fail). Scenarios are playtested:
    every path is played and every ending's claims are checked (see `mentor-course playtest`).
    """
    from widgets.content.loader import check_paths

    result = check_paths(paths or None)
    if fmt == "json":
        click.echo(json.dumps({"summary": result.summary(), "ok": result.ok,
                               "errors": [e.as_dict() for e in result.errors],
                               "warnings": [e.as_dict() for e in result.warnings]}, indent=2))
    else:
        for err in sorted([*result.errors, *result.warnings]):
            click.echo(str(err))
        click.echo(result.summary())
    sys.exit(0 if result.ok else 1)


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="json prints the per-scenario counts and every problem.")
def playtest(paths: tuple[Path, ...], fmt: str) -> None:
    """Play every path of every scenario (default: the whole course) and check what endings claim.

    Prints each broken claim, harmful-to-growth path, unreachable ending, decision without an offered
    choice, ending without text and never-true condition as `file:line:col: code message` (with the
    choice ids of a path that shows it), then paths per scenario and the course's length-cue shares.
    Exits 1 on any error.
    """
    from widgets.content.lint import length_shares
    from widgets.content.loader import check_paths
    from widgets.content.playtest import playtest as play_all

    result = check_paths(paths or None)
    reports = [play_all(sc) for sc in result.playable]
    shares = length_shares(result.playable, result.selfchecks)
    if fmt == "json":
        click.echo(json.dumps({
            "ok": result.ok,
            "scenarios": [{"file": r.file, "version": r.version, "paths": r.paths, "states": r.states,
                           "endings": r.endings, "harmful_growth_paths": r.harmful_growth, "capped": r.capped}
                          for r in reports],
            "best_longest": [shares.best_longest, shares.decision_points],
            "correct_longest": [shares.correct_longest, shares.single_questions],
            "errors": [e.as_dict() for e in result.errors],
            "warnings": [e.as_dict() for e in result.warnings]}, indent=2))
        sys.exit(0 if result.ok else 1)
    for err in sorted([*result.errors, *result.warnings]):
        click.echo(str(err))
    for r in reports:
        note = "" if r.version >= 2 else " (mentor-scenario/1: counted, not checked)"
        harm = f", {r.harmful_growth} harmful-to-growth path(s) without a repair" if r.harmful_growth else ""
        capped = " (capped)" if r.capped else ""
        click.echo(f"{r.file}: {r.paths} path(s){capped}, {r.states} state(s), {len(r.endings)} ending(s) "
                   f"reached{harm}{note}")
    total = sum(r.paths for r in reports)
    click.echo(f"{len(reports)} scenario(s), {total} path(s) played")
    click.echo(f"length cue: {shares.summary()}")
    click.echo(result.summary())
    sys.exit(0 if result.ok else 1)


@main.command()
@click.argument("modules", nargs=-1)
@click.option("--course-dir", type=click.Path(path_type=Path, file_okay=False, exists=True), default=None,
              help="The course checkout to measure (the folder holding modules/course.yaml); default: the one "
                   "this command is run in (or $MENTOR_COURSE_ROOT).")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def minutes(modules: tuple[str, ...], course_dir: Path | None, fmt: str) -> None:
    """Measured minutes per module (default: every module) and per track.

    Prose words / reading_wpm; each scenario's expected words on a play-through with uniformly random
    choices / reading_wpm + 15 s per decision point reached; self-check words / reading_wpm + 20 s per
    item; 10 min per reflection prompt. The declared `minutes:` of course.yaml is shown beside it
    (marked `!` when more than 15%, or 5 minutes, away). Files with problems are still measured when
    they can be read; run `validate` for the problems.
    """
    from widgets.content.loader import find_root
    from widgets.content.timing import about, format_table, measure_course

    root = course_dir.resolve() if course_dir else find_root()
    if root is None:
        raise click.ClickException("no modules/course.yaml found here or in any parent folder; pass --course-dir")
    timing, problems = measure_course(root, modules or None)
    if timing is None:
        for line in problems:
            click.echo(line, err=True)
        raise click.ClickException("cannot measure this course")
    if fmt == "json":
        click.echo(json.dumps({
            "reading_wpm": timing.wpm,
            "modules": [{"module": t.module, "prose": round(t.prose, 2), "scenarios": round(t.scenario, 2),
                         "selfcheck": round(t.selfcheck, 2), "reflection": round(t.reflection, 2),
                         "total": round(t.total, 2), "declared": t.declared, "declared_ok": t.declared_ok,
                         "prose_words": t.prose_words, "selfcheck_items": t.items, "prompts": t.prompts,
                         "scenario_detail": [{"id": s.id, "words": round(s.words, 1),
                                              "decisions": round(s.decisions, 2), "capped": s.capped}
                                             for s in t.scenarios],
                         "notes": list(t.notes)} for t in timing.modules.values()],
            "tracks": [{"id": tr.id, "total": round(tr.total, 2), "about": about(tr.total),
                        "max_minutes": tr.max_minutes, "over_budget": tr.over_budget, "modules": list(tr.modules)}
                       for tr in timing.tracks]}, indent=2))
        return
    click.echo(format_table(timing))


def _scenario_or_exit(path: Path):
    from widgets.content.errors import ContentInvalid
    from widgets.content.loader import find_root, load_course, load_scenario

    course = None
    if find_root(path.parent) is not None:
        try:
            course = load_course(find_root(path.parent) / "modules" / "course.yaml")
        except ContentInvalid:
            course = None  # still let an author look at the scenario itself
    try:
        return load_scenario(path, course)
    except ContentInvalid as exc:
        for err in exc.errors:
            click.echo(str(err), err=True)
        raise click.ClickException(f"{path} has {len(exc.errors)} problem(s); fix them first") from None


@main.command("map")
@click.argument("scenario", type=click.Path(path_type=Path))
@click.option("-o", "--output", type=click.Path(path_type=Path), required=True, help="SVG file to write.")
def map_(scenario: Path, output: Path) -> None:
    """Draw SCENARIO's branching graph as an SVG file."""
    from widgets.scenario_map import render_svg

    sc = _scenario_or_exit(scenario)
    output.write_text(render_svg(sc), encoding="utf-8")
    click.echo(f"wrote {output} ({len(sc.nodes)} nodes)")


@main.command()
@click.argument("scenario", type=click.Path(path_type=Path))
@click.option("--region", default=None, help="Fill {crisis_line} and other resources from this region's pack "
              "(modules/resources/<region>.yaml); default: $MENTOR_COURSE_REGION, region: in course.yaml, generic.")
def play(scenario: Path, region: str | None) -> None:
    """Play SCENARIO in the terminal, choosing by number."""
    from widgets.content.loader import find_root
    from widgets.content.resources import fill_model, load_packs, normalise_region, region_pack
    from widgets.terminal_play import play_in_terminal

    sc = _scenario_or_exit(scenario)
    root = find_root(scenario.resolve().parent)
    if region is not None and normalise_region(region) not in load_packs(root):
        raise click.BadParameter(f"no resource pack for {region!r} (packs: {', '.join(sorted(load_packs(root)))})",
                                 param_hint="--region")
    sc = fill_model(sc, region_pack(root, chosen=region))

    def ask(prompt: str) -> str:
        try:
            return input(prompt)
        except EOFError:
            return "q"

    play_in_terminal(sc, ask, click.echo)


if __name__ == "__main__":  # pragma: no cover
    main()
