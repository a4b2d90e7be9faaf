"""The cohort summary: grades per mentor and per criterion as CSV, and two plots a trainer can read at
a glance (how answers were rated on each criterion; how far each module's reflection has got), plus
where each mentor stands on the core track ("core: 3 of 5 graded"), which a programme checks before a
mentor meets their mentee (issue 15).

``collect_summary`` gathers plain rows from the grading session (gradebook, rubric store, submitted
files); ``write_csvs`` and ``draw_plots`` only format them (the plots are matplotlib ``Figure`` objects
built directly, never pyplot: see :mod:`widgets.figures`). Safeguarding flags are never exported here:
these files may travel (to a programme lead, a spreadsheet), the flags must not.
"""

from __future__ import annotations

import csv
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from widgets.content.models import CORE_TRACK
from widgets.grading.score import Rubric, overall_band, rubric_total
from widgets.grading.session import GRADED, NOT_AUTOGRADED, RESUBMITTED, TO_GRADE, UNREADABLE, GradingSession

if TYPE_CHECKING:  # matplotlib is imported only when plots are drawn: core_report() needs none of it
    from matplotlib.figure import Figure

NOT_SUBMITTED = "not submitted"
STATUSES = (GRADED, TO_GRADE, RESUBMITTED, NOT_AUTOGRADED, UNREADABLE, NOT_SUBMITTED)

MENTOR_COLUMNS = ["mentor", "name", "assignment", "track", "status", "score", "max_score", "percent", "reflection_score",
                  "reflection_max", "check_score", "check_max", "band"]
CORE_COLUMNS = ["mentor", "name", "core_submitted", "core_graded", "core_total", "core"]
CRITERION_COLUMNS = ["mentor", "name", "assignment", "prompt", "criterion", "criterion_title", "level", "level_title",
                     "level_points", "answer_total", "answer_score", "grader", "graded_at"]


@dataclass
class Summary:
    """Everything the exports are made of, as plain rows."""

    rubric: Rubric
    assignments: list[str]
    mentors: list[str]
    by_mentor: list[dict[str, object]] = field(default_factory=list)
    by_criterion: list[dict[str, object]] = field(default_factory=list)
    #: assignment -> the id of the course track its module is in ("core", "electives"); empty without tracks
    tracks: dict[str, str] = field(default_factory=dict)

    @property
    def core(self) -> list[str]:
        """The core track's assignments, in the order the summary lists them."""
        return [a for a in self.assignments if self.tracks.get(a) == CORE_TRACK]

    def core_rows(self) -> list[dict[str, object]]:
        """Per mentor: how many of the core track's reflections they have handed in, and how many are
        graded. A mentor is ready on paper when every core reflection is graded."""
        core = set(self.core)
        if not core:
            return []
        names = {str(r["mentor"]): r["name"] for r in self.by_mentor}
        rows = []
        for mentor in self.mentors:
            mine = [r for r in self.by_mentor if r["mentor"] == mentor and r["assignment"] in core]
            submitted = sum(r["status"] != NOT_SUBMITTED for r in mine)
            graded = sum(r["status"] == GRADED for r in mine)
            rows.append({"mentor": mentor, "name": names.get(mentor, ""), "core_submitted": submitted,
                         "core_graded": graded, "core_total": len(core),
                         "core": f"core: {graded} of {len(core)} graded"})
        return rows

    def core_line(self) -> str:
        """One line for the trainer: how many mentors have every core reflection graded."""
        rows = self.core_rows()
        if not rows:
            return "no core track in modules/course.yaml"
        done = sum(r["core_graded"] == r["core_total"] for r in rows)
        return f"core track: {done} of {len(rows)} mentor(s) have all {rows[0]['core_total']} core reflections graded"

    def completion(self) -> dict[str, Counter[str]]:
        """assignment -> how many mentors are at each status."""
        out: dict[str, Counter[str]] = {a: Counter() for a in self.assignments}
        for row in self.by_mentor:
            out[str(row["assignment"])][str(row["status"])] += 1
        return out

    def level_counts(self) -> dict[str, Counter[str]]:
        """criterion id -> how many graded answers were given each level."""
        out: dict[str, Counter[str]] = {c.id: Counter() for c in self.rubric.criteria}
        for row in self.by_criterion:
            out[str(row["criterion"])][str(row["level"])] += 1
        return out


def assignment_tracks(session: GradingSession) -> dict[str, str]:
    """assignment -> track id, from the ``tracks:`` of ``modules/course.yaml`` beside the nbgrader course
    (an assignment is ``<module>-reflection``). A course copied without its modules has no tracks: the
    summary then leaves the track column empty rather than guess."""
    from widgets.content.loader import check_file

    manifest = session.course.root.parent / "modules" / "course.yaml"
    if not manifest.is_file():
        return {}
    course, _errors = check_file(manifest, "course")
    if course is None:
        return {}
    return {f"{module}-reflection": track.id for track in course.tracks for module in track.modules}


def _num(x: float | None) -> object:
    return "" if x is None else round(x, 2)


def collect_summary(session: GradingSession, assignments: list[str] | None = None,
                    cohort: list[str] | None = None) -> Summary:
    """Gather every mentor x *released* assignment (cohort: the gradebook's students plus anyone who
    submitted). Without ``assignments``, an assignment counts as released once nbgrader knows it
    (``generate_assignment`` ran) or anyone submitted it; the others would list every mentor as "not
    submitted" for work they were never given."""
    rubric = session.rubric
    if assignments:
        names = assignments
    else:
        known = set(session.gradebook.assignments())
        names = [a for a in session.assignments()
                 if a in known or session.course.submitted_students(a) or session.records(a)]
    tracks = assignment_tracks(session)
    # the core track's reflections first, in track order: what a trainer checks before a first meeting
    order = {a: i for i, a in enumerate(a for a, track in tracks.items() if track == CORE_TRACK)}
    names = sorted(names, key=lambda a: (a not in order, order.get(a, 0)))
    display = session.names()
    per_assignment = {a: {r.student: r for r in session.rows(a)} for a in names}
    mentors = sorted(set(cohort or session.gradebook.students()).union(*(set(r) for r in per_assignment.values())))
    summary = Summary(rubric, names, mentors, tracks={a: tracks[a] for a in names if a in tracks})
    for a in names:
        grades = session.gradebook.submissions(a)
        stored = {(g.student, g.prompt): g for g in session.store.grades(a)}
        for mentor in mentors:
            row = per_assignment[a].get(mentor)
            sub = grades.get(mentor)
            status = row.status if row else NOT_SUBMITTED
            record: dict[str, object] = {"mentor": mentor, "name": display.get(mentor, ""), "assignment": a,
                                         "track": summary.tracks.get(a, ""), "status": status}
            totals = []
            if sub is not None:
                answers = list(sub.answers.values())
                refl = sum(c.score for c in answers)
                refl_max = sum(c.max_score for c in answers)
                check = sum(c.score for c in sub.checks)
                check_max = sum(c.max_score for c in sub.checks)
                for prompt in sub.answers:
                    g = stored.get((mentor, prompt))
                    if g is not None and not g.grade.no_answer:
                        totals.append(rubric_total(rubric, g.grade))
                record.update(score=_num(sub.score), max_score=_num(sub.max_score),
                              percent=_num(100 * sub.score / sub.max_score if sub.max_score else None),
                              reflection_score=_num(refl), reflection_max=_num(refl_max),
                              check_score=_num(check), check_max=_num(check_max))
            band = overall_band(rubric, totals) if status == GRADED else None
            record["band"] = band.title if band else ""
            summary.by_mentor.append({k: record.get(k, "") for k in MENTOR_COLUMNS})
        for (mentor, prompt), g in sorted(stored.items()):
            if g.grade.no_answer:
                continue
            total = rubric_total(rubric, g.grade)
            for crit in rubric.criteria:
                level = rubric.level(g.grade.levels[crit.id])
                assert level is not None
                summary.by_criterion.append({
                    "mentor": mentor, "name": display.get(mentor, ""), "assignment": a, "prompt": prompt, "criterion": crit.id,
                    "criterion_title": crit.title, "level": level.id, "level_title": level.title,
                    "level_points": level.points, "answer_total": total, "answer_score": g.score,
                    "grader": g.grader, "graded_at": g.updated_at})
    return summary


def spreadsheet_safe(value: object) -> object:
    """Text a spreadsheet will not run as a formula (a mentor id or comment starting with ``=``, ``+``,
    ``-``, ``@``): prefixed with an apostrophe, which spreadsheets hide."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def write_csvs(summary: Summary, out: Path) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    written = []
    tables = [("grades-by-mentor.csv", MENTOR_COLUMNS, summary.by_mentor),
              ("grades-by-criterion.csv", CRITERION_COLUMNS, summary.by_criterion)]
    if summary.core:
        tables.append(("core-by-mentor.csv", CORE_COLUMNS, summary.core_rows()))
    for name, columns, rows in tables:
        path = out / name
        with path.open("w", newline="", encoding="utf-8") as fh:
            writer = csv.DictWriter(fh, fieldnames=columns)
            writer.writeheader()
            for row in rows:
                writer.writerow({k: spreadsheet_safe(v) for k, v in row.items()})
        written.append(path)
    return written


#: Distinct in greyscale and for colour-blind readers (Okabe-Ito), and each bar also carries a hatch and
#: a number, so nothing is told by colour alone.
_COLOURS = ["#0072B2", "#E69F00", "#F0E442", "#009E73", "#CC79A7", "#E8E8E8", "#56B4E9"]
_HATCHES = ["", "//", "\\\\", "..", "xx", "", "oo"]


#: Both plots are saved at this resolution (dots per inch), as the course's other charts are drawn
#: (widgets/outcomes/charts.py); they are laid out at matplotlib's default, as they always were.
DPI = 110


def criterion_levels_figure(summary: Summary) -> Figure:
    """How answers were rated: one bar chart per rubric criterion, a bar per level with its count."""
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    rubric = summary.rubric
    counts = summary.level_counts()
    n_answers = len(summary.by_criterion) // max(len(rubric.criteria), 1)
    fig = Figure(figsize=(8, 1.3 * len(rubric.criteria) + 1.2), facecolor="white")
    axes = list(fig.subplots(len(rubric.criteria), 1, sharex=True, squeeze=False)[:, 0])
    top = max([max(c.values(), default=0) for c in counts.values()] + [1])
    labels = [f"{lv.points} {lv.title}" for lv in rubric.levels]
    for ax, crit in zip(axes, rubric.criteria, strict=True):
        values = [counts[crit.id].get(lv.id, 0) for lv in rubric.levels]
        bars = ax.barh(labels, values, color=[_COLOURS[i % len(_COLOURS)] for i in range(len(values))],
                       hatch=None, edgecolor="black", linewidth=0.6)
        for i, bar in enumerate(bars):
            bar.set_hatch(_HATCHES[i % len(_HATCHES)])
            ax.text(bar.get_width() + top * 0.01, bar.get_y() + bar.get_height() / 2, str(values[i]),
                    va="center", fontsize=9)
        ax.set_title(crit.title, loc="left", fontsize=10, fontweight="bold")
        ax.invert_yaxis()
        ax.set_xlim(0, top * 1.15)
        ax.tick_params(axis="y", labelsize=8)
        ax.spines[["top", "right"]].set_visible(False)
    axes[-1].set_xlabel("answers")
    axes[-1].xaxis.set_major_locator(MaxNLocator(integer=True))
    fig.suptitle(f"How answers were rated on each criterion ({n_answers} graded answers)", fontsize=12)
    fig.tight_layout()
    return fig


def completion_figure(summary: Summary) -> Figure:
    """How far each module's reflection has got: one stacked bar per assignment, a segment per status."""
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    completion = summary.completion()
    names = summary.assignments
    labels = [f"core · {a}" if summary.tracks.get(a) == CORE_TRACK else a for a in names]
    fig = Figure(figsize=(9, 0.55 * len(names) + 1.8), facecolor="white")
    ax = fig.subplots()
    left = [0] * len(names)
    for k, status in enumerate(STATUSES):
        values = [completion[a].get(status, 0) for a in names]
        bars = ax.barh(labels, values, left=left, label=status, color=_COLOURS[k], hatch=_HATCHES[k],
                       edgecolor="black", linewidth=0.6)
        for bar, v in zip(bars, values, strict=True):
            if v:
                ax.text(bar.get_x() + bar.get_width() / 2, bar.get_y() + bar.get_height() / 2, str(v),
                        ha="center", va="center", fontsize=8,
                        bbox={"boxstyle": "round,pad=0.15", "facecolor": "white", "edgecolor": "none"})
        left = [a + b for a, b in zip(left, values, strict=True)]
    ax.invert_yaxis()
    ax.set_xlabel(f"mentors (cohort of {len(summary.mentors)})")
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_title("Reflections per module: graded, to grade, not submitted", loc="left", pad=26)
    ax.legend(ncol=len(STATUSES), loc="lower left", bbox_to_anchor=(0, 1.0), fontsize=8, frameon=False)
    ax.spines[["top", "right"]].set_visible(False)
    fig.tight_layout()
    return fig


def draw_plots(summary: Summary, out: Path) -> list[Path]:
    """``criterion-levels.png`` and ``completion.png`` in ``out`` (cropped to what is drawn: the legend
    sits above the completion plot's axes)."""
    from widgets.figures import save_png

    out.mkdir(parents=True, exist_ok=True)
    return [save_png(criterion_levels_figure(summary), out / "criterion-levels.png", tight=True, dpi=DPI),
            save_png(completion_figure(summary), out / "completion.png", tight=True, dpi=DPI)]


def _collect_for(course: Path | str | None, assignments: list[str] | None = None) -> tuple[Summary, Path]:
    """Open the course found from ``course``, collect its summary and close the session again; also
    return the course's private folder, where exports go by default."""
    from widgets.content.errors import ContentInvalid
    from widgets.grading.assignments import load_course_rubric
    from widgets.grading.course import open_course

    found = open_course(course)
    rubric, errors = load_course_rubric(found)
    if rubric is None:
        raise ContentInvalid(errors)
    session = GradingSession(found, rubric)
    try:
        return collect_summary(session, assignments), found.private
    finally:
        session.close()


def core_report(course: Path | str | None = None) -> str:
    """Plain text for the cohort-summary notebook: the core-track line, then one line per mentor
    ("ana (Ana Lee): core: 3 of 5 graded, 4 handed in"). Plain text, not Markdown or HTML, because
    mentors' display names are text they typed."""
    result, _ = _collect_for(course)
    lines = [result.core_line()]
    for row in result.core_rows():
        who = f"{row['mentor']} ({row['name']})" if row["name"] else str(row["mentor"])
        lines.append(f"{who}: {row['core']}, {row['core_submitted']} handed in")
    return "\n".join(lines)


def export_summary(course: Path | str | None = None, out: Path | str | None = None,
                   assignments: list[str] | None = None) -> list[Path]:
    """Collect, write the CSVs and draw the plots for the course found from ``course``; return the files.

    The default folder is ``course/private/exports`` (git-ignored: these files name mentors)."""
    result, private = _collect_for(course, assignments)
    target = Path(out) if out else private / "exports"
    return [*write_csvs(result, target), *draw_plots(result, target)]
