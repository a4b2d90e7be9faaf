"""``mentor-course outcomes``: the cohort's figures and one mentor's growth report, from the command line.

Thin, as the rest of the CLI: parse options, call the pure core, format. Registered lazily by
``widgets.cli.LAZY_COMMANDS`` (``outcomes`` -> ``widgets.outcomes.cli:outcomes``), so matplotlib is
imported only when a chart is asked for.

    mentor-course outcomes cohort FOLDER [--csv out.csv] [--json out.json] [--chart cohort.png] [--min-n 3]
    mentor-course outcomes report FILE [--png r.png] [--pdf r.pdf] [--json r.json]
"""

from __future__ import annotations

import json
from pathlib import Path

import click

from widgets.content.errors import ContentInvalid
from widgets.outcomes import cohort, records
from widgets.outcomes.course_data import OutcomesContent, load_content
from widgets.outcomes.growth import build_report, percent, rating, summary


def _content(course: Path | None) -> OutcomesContent:
    try:
        return load_content(course)
    except ContentInvalid as exc:
        for err in exc.errors:
            click.echo(str(err), err=True)
        raise click.ClickException("the course cannot be read; run from the course folder or pass --course") from None


def _write(path: Path, data: bytes | str) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(data, bytes):
            path.write_bytes(data)
        else:
            path.write_text(data, encoding="utf-8")
    except OSError as exc:
        raise click.ClickException(f"cannot write {path}: {exc.strerror or exc}") from None
    click.echo(f"wrote {path}")


def _stats(x: cohort.Stats) -> str:
    if x.n == 0:
        return "-"
    if x.mean is None:
        return f"withheld (n={x.n})"
    return f"{x.mean:.2f} ± {x.sd:.2f} (n={x.n})" if x.sd is not None else f"{x.mean:.2f} (n={x.n})"


course_option = click.option("--course", "course", type=click.Path(file_okay=False, path_type=Path), default=None,
                             help="The course folder (holding modules/course.yaml); default: found from here.")


@click.group()
def outcomes() -> None:
    """Growth reports and cohort outcomes from exported progress files."""


@outcomes.command("cohort")
@click.argument("folder", type=click.Path(path_type=Path))
@click.option("--csv", "csv_path", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the competency table here, and -decision-points.csv and -completion.csv beside it.")
@click.option("--json", "json_path", type=click.Path(dir_okay=False, path_type=Path),
              help="Write every figure as JSON.")
@click.option("--chart", "chart_path", type=click.Path(dir_okay=False, path_type=Path), help="Write the chart as PNG.")
@click.option("--min-n", default=cohort.DEFAULT_MIN_N, show_default=True, type=click.IntRange(1),
              help="Withhold self-rating figures drawn from fewer mentors than this.")
@course_option
def cohort_command(folder: Path, csv_path: Path | None, json_path: Path | None, chart_path: Path | None, min_n: int,
                   course: Path | None) -> None:
    """Sum up a FOLDER of progress files mentors chose to send: per competency the change in self-rating,
    the decision points most often answered with a harmful option, and completion per module.

    Files that cannot be used are named with the reason and skipped. No mentor's answers are shown;
    use `outcomes report FILE` for one mentor's report.
    """
    content = _content(course)
    try:
        found = cohort.read_folder(folder, content)
    except FileNotFoundError as exc:
        raise click.BadParameter(str(exc), param_hint="FOLDER") from None
    s = cohort.summarise(found, content, min_n=min_n)
    for note in found.skipped:
        click.echo(f"skipped {note}", err=True)
    for note in found.upgraded:
        click.echo(f"upgraded {note}", err=True)
    click.echo(f"{s.mentors} mentor(s): {s.took_before} took the self-assessment before, {s.took_after} after, "
               f"{s.took_both} both.")
    click.echo("\nSelf-rating per competency (mean ± SD, n): before | after | change per mentor")
    for r in s.competencies:
        click.echo(f"  {r.title}: {_stats(r.before)} | {_stats(r.after)} | {_stats(r.change)}")
    harmful = [r for r in s.decision_points if r.first_harmful][:10]
    click.echo("\nDecision points most often answered with a harmful option (first attempts):")
    for r in harmful:
        click.echo(f"  {r.key} at '{r.node}': {r.first_harmful} of {r.first_answered} ({percent(r.first_share)}), "
                   f"most often '{r.top_harmful}'")
    if not harmful:
        click.echo("  none")
    click.echo("\nCompletion per module:")
    for m in s.completion:
        click.echo(f"  {m.module}: {m.done} of {m.mentors} done, {m.in_progress} in progress")
    if csv_path:
        for path, text in cohort.csv_files(s, csv_path).items():
            _write(path, text)
    if json_path:
        _write(json_path, cohort.dumps(s))
    if chart_path:
        from widgets.outcomes import charts

        _write(chart_path, charts.png_bytes(charts.cohort_figure(s)))


@outcomes.command("report")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--png", "png_path", type=click.Path(dir_okay=False, path_type=Path), help="Write the chart as PNG.")
@click.option("--pdf", "pdf_path", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the chart and summary as PDF.")
@click.option("--json", "json_path", type=click.Path(dir_okay=False, path_type=Path), help="Write the report as JSON.")
@course_option
def report_command(file: Path, png_path: Path | None, pdf_path: Path | None, json_path: Path | None,
                   course: Path | None) -> None:
    """One mentor's growth report from their progress FILE: self-ratings before and after, scenario
    evidence, what to work on next, and what is missing."""
    content = _content(course)
    found = cohort.read_export(file, content, shown=str(file))
    if isinstance(found, cohort.FileNote):
        raise click.ClickException(str(found))
    doc, note = records.upgrade(found.doc)
    if note:
        click.echo(f"upgraded {file}: {note}", err=True)
    report = build_report(doc, content)
    for para in summary(report):
        click.echo(para)
    for missing in report.missing:
        click.echo(f"Missing: {missing}")
    click.echo("")
    for c in report.competencies:
        click.echo(f"  {c.title}: {rating(c.before.mean)} -> {rating(c.after.mean)}; strongest response "
                   f"{percent(c.first.share)} -> {percent(c.latest.share)}")
    if png_path or pdf_path:
        from widgets.outcomes import charts

        if png_path:
            _write(png_path, charts.png_bytes(charts.growth_figure(report)))
        if pdf_path:
            _write(pdf_path, charts.pdf_bytes(report))
    if json_path:
        _write(json_path, json.dumps(report.to_dict(), indent=1, ensure_ascii=False) + "\n")


__all__ = ["outcomes"]
