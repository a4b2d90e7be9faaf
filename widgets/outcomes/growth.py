"""One mentor's growth report: per competency, the self-rating before and after the course beside the
scenario evidence, a plain-language summary, the competency to work on next and where it is taught.

Pure core: built from a progress document and :class:`OutcomesContent`; the view, the PNG/PDF chart
and the JSON download all draw on the same :class:`GrowthReport`. A report is always made, however
little the mentor has done; what is missing is said in ``missing`` rather than raised.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from typing import Any

from widgets.learner import TrackProgress, course_status, track_progress
from widgets.outcomes import records
from widgets.outcomes.course_data import OutcomesContent
from widgets.outcomes.evidence import Tally, by_competency, scenario_evidence

REPORT_KIND = "mentor-growth-report"
REPORT_VERSION = 1
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December")
#: A change in self-rating smaller than this (on the 1-7 scale) is read as "about the same".
STEADY = 0.25


@dataclass(frozen=True)
class PhaseRating:
    """A competency's self-rating in one phase: the mean of its rated items (None if none rated)."""

    mean: float | None
    rated: int  # items with a number
    answered: int  # items with a number or "Not sure"
    items: int


@dataclass(frozen=True)
class CompetencyGrowth:
    id: str
    title: str
    before: PhaseRating
    after: PhaseRating
    scenarios: int
    first: Tally
    latest: Tally
    modules: tuple[tuple[str, str, int], ...]  # (id, title, number in course order) of the modules teaching it most

    @property
    def change(self) -> float | None:
        if self.before.mean is None or self.after.mean is None:
            return None
        return self.after.mean - self.before.mean

    @property
    def latest_rating(self) -> float | None:
        return self.after.mean if self.after.mean is not None else self.before.mean


@dataclass(frozen=True)
class PhaseStatus:
    name: str  # before | after
    answered: int
    items: int
    taken: str  # ISO timestamp of the latest answer ("" if none)
    goal: str

    @property
    def state(self) -> str:
        """``not taken``, ``partly taken`` or ``taken``."""
        if not self.answered:
            return "not taken"
        return "taken" if self.answered >= self.items else "partly taken"


@dataclass(frozen=True)
class GrowthReport:
    learner: str
    name: str
    course_id: str
    course_title: str
    scale: tuple[int, int]
    phases: tuple[PhaseStatus, PhaseStatus]
    competencies: tuple[CompetencyGrowth, ...]
    focus: str | None  # the competency to work on next
    missing: tuple[str, ...]
    notes: tuple[str, ...]
    overall_first: Tally
    overall_latest: Tally
    scenarios_played: int
    generated: str
    #: How many modules of each track are done ("Core: 3 of 5 done"), core first; empty without tracks.
    tracks: tuple[TrackProgress, ...] = ()

    @property
    def before(self) -> PhaseStatus:
        return self.phases[0]

    @property
    def after(self) -> PhaseStatus:
        return self.phases[1]

    def competency(self, comp: str) -> CompetencyGrowth | None:
        return next((c for c in self.competencies if c.id == comp), None)

    def to_dict(self) -> dict[str, Any]:
        """The report as JSON-ready data (the "download as JSON"); carries the learner's pseudonymous
        id, and their name only if they added one."""
        out: dict[str, Any] = {"kind": REPORT_KIND, "version": REPORT_VERSION, "generated": self.generated,
                               "learner": self.learner, "course": {"id": self.course_id, "title": self.course_title},
                               "scale": {"min": self.scale[0], "max": self.scale[1]}}
        if self.name:
            out["name"] = self.name
        out["assessments"] = {p.name: {"state": p.state, "answered": p.answered, "items": p.items,
                                       "taken": p.taken, "goal": p.goal} for p in self.phases}
        out["competencies"] = [{
            "id": c.id, "title": c.title,
            "before": _rating_dict(c.before), "after": _rating_dict(c.after),
            "change": _round(c.change),
            "scenarios": {"played": c.scenarios,
                          "first_attempt": _tally_dict(c.first), "latest_attempt": _tally_dict(c.latest)},
            "modules": [{"id": m, "title": t, "number": n} for m, t, n in c.modules],
        } for c in self.competencies]
        out["scenarios"] = {"played": self.scenarios_played, "first_attempt": _tally_dict(self.overall_first),
                            "latest_attempt": _tally_dict(self.overall_latest)}
        out["tracks"] = [{"id": t.id, "title": t.title, "done": t.done, "total": t.total, "label": t.label,
                          "modules_done": list(t.modules_done)} for t in self.tracks]
        out["focus"] = self.focus
        out["summary"] = summary(self)
        out["missing"] = list(self.missing)
        out["notes"] = list(self.notes)
        return out


def _round(x: float | None, digits: int = 2) -> float | None:
    return None if x is None else round(x, digits)


def _rating_dict(r: PhaseRating) -> dict[str, Any]:
    return {"mean": _round(r.mean), "rated": r.rated, "answered": r.answered, "items": r.items}


def _tally_dict(t: Tally) -> dict[str, Any]:
    return {"best": t.best, "answered": t.answered, "share": _round(t.share, 3)}


def phase_rating(assessment_items: tuple[str, ...], answers: Mapping[str, int | None], low: int,
                 high: int) -> PhaseRating:
    """Mean of the numeric answers among ``assessment_items``; answers outside the scale are ignored."""
    values = [answers[i] for i in assessment_items if isinstance(answers.get(i), int) and low <= answers[i] <= high]
    answered = sum(1 for i in assessment_items if i in answers)
    return PhaseRating(sum(values) / len(values) if values else None, len(values), answered, len(assessment_items))


def _weakness(c: CompetencyGrowth, low: int, high: int) -> float | None:
    """0 (weakest) to 1: the mean of the latest self-rating (rescaled) and the latest scenario share,
    whichever of the two exist."""
    parts = []
    if c.latest_rating is not None:
        parts.append((c.latest_rating - low) / (high - low))
    if c.latest.share is not None:
        parts.append(c.latest.share)
    return sum(parts) / len(parts) if parts else None


def build_report(doc: Mapping[str, Any], content: OutcomesContent, *, now: str | None = None) -> GrowthReport:
    """The growth report for the progress document ``doc``."""
    course = content.course
    assessment = content.assessment
    low, high = (assessment.scale_min, assessment.scale_max) if assessment else (1, 7)
    played, notes = scenario_evidence(doc, content.scenarios)
    ev = by_competency(played, course.competency_ids)
    answers = {p: records.ratings(doc, p) for p in records.PHASES}
    module_titles = content.module_titles
    number = {m: i for i, m in enumerate(content.module_ids, start=1)}
    comps = []
    for comp in course.competencies:
        items = tuple(i.id for i in assessment.items_for(comp.id)) if assessment else ()
        e = ev[comp.id]
        comps.append(CompetencyGrowth(
            comp.id, comp.title,
            phase_rating(items, answers["before"], low, high), phase_rating(items, answers["after"], low, high),
            e.scenarios, e.first, e.latest,
            tuple((m, module_titles.get(m, m), number.get(m, 0)) for m in content.teaching.get(comp.id, ())),
        ))
    all_items = tuple(i.id for i in assessment.items) if assessment else ()
    phases = tuple(PhaseStatus(p, sum(1 for i in all_items if i in answers[p]), len(all_items),
                               records.last_answered(doc, p), records.goal_text(doc, p).strip())
                   for p in records.PHASES)
    scored = [(w, i) for i, c in enumerate(comps) if (w := _weakness(c, low, high)) is not None]
    # Naming one competency "to work on next" needs something to compare it with: with evidence on a
    # single competency, that one would be flagged merely for being the only one rated or played.
    focus = comps[min(scored)[1]].id if len(scored) >= 2 else None
    report = GrowthReport(
        learner=str(doc.get("learner", "")), name=str(doc.get("name", "") or ""),
        course_id=course.id, course_title=course.title, scale=(low, high),
        phases=(phases[0], phases[1]), competencies=tuple(comps), focus=focus, missing=(),
        notes=tuple(notes), overall_first=sum((p.first_tally for p in played), Tally()),
        overall_latest=sum((p.latest_tally for p in played), Tally()), scenarios_played=len(played),
        generated=now or datetime.now(timezone.utc).isoformat(timespec="seconds").replace("+00:00", "Z"),
        tracks=tuple(track_progress(course.ordered_tracks(), course_status(content.inventories, doc))),
    )
    return _with_missing(report, assessment is None, len(content.scenarios))


def _with_missing(report: GrowthReport, no_assessment: bool, course_scenarios: int) -> GrowthReport:
    missing = []
    if no_assessment:
        missing.append("The course has no self-assessment file (modules/assessment.yaml), so there are no "
                       "self-ratings to show; ask your trainer.")
    else:
        before, after = report.before, report.after
        if before.state == "not taken":
            missing.append("You did not take the \"before\" self-assessment, so there is no starting point to "
                           "compare with. Your report shows your other ratings and the scenario evidence.")
        elif before.state == "partly taken":
            missing.append(f"Your \"before\" self-assessment has {before.answered} of {before.items} statements "
                           "answered; a competency with none answered has no starting point.")
        if after.state == "not taken":
            missing.append("You have not taken the \"after\" self-assessment yet. Take it on the \"Your growth\" "
                           "page once you have finished the modules; until then this report shows your starting "
                           "point and the scenario evidence.")
        elif after.state == "partly taken":
            missing.append(f"Your \"after\" self-assessment has {after.answered} of {after.items} statements "
                           "answered; answer the rest to see every competency's change.")
    if report.scenarios_played == 0:
        missing.append(f"You have not played any of the course's {course_scenarios} scenarios yet, so there is "
                       "no scenario evidence.")
    return replace(report, missing=tuple(missing))


# --------------------------------------------------------------------------------------------------
# Words
# --------------------------------------------------------------------------------------------------

def day(timestamp: str) -> str:
    """``2025-03-03T10:00:00.000Z`` -> ``3 March 2025`` (no locale: the same on every machine)."""
    try:
        d = datetime.fromisoformat(timestamp.replace("Z", "+00:00"))
    except ValueError:
        return timestamp
    return f"{d.day} {MONTHS[d.month - 1]} {d.year}"


def percent(share: float | None) -> str:
    return "no data" if share is None else f"{round(share * 100)}%"


def rating(x: float | None) -> str:
    return "no rating" if x is None else f"{x:.1f}"


def _list(words: list[str]) -> str:
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + " and " + words[-1]


def summary(report: GrowthReport) -> list[str]:
    """A few short paragraphs of plain text, the report in words (the same in the view and the JSON)."""
    out: list[str] = []
    before, after = report.before, report.after
    taken = [f"{'before' if p is before else 'after'} the course ({day(p.taken)})"
             for p in (before, after) if p.state != "not taken"]
    if taken:
        out.append("You rated your own skills " + " and ".join(taken) + ".")
    changes = [c for c in report.competencies if c.change is not None]
    if changes:
        rose = [c for c in changes if c.change >= STEADY]
        fell = [c for c in changes if c.change <= -STEADY]
        text = f"Your self-rating rose in {len(rose)} of {len(changes)} competencies"
        if rose:
            top = max(rose, key=lambda c: c.change)
            text += f", most in {top.title} ({rating(top.before.mean)} to {rating(top.after.mean)})"
        text += "."
        if fell:
            text += (f" It fell in {'; '.join(c.title for c in fell)}. A lower rating after training is common: a "
                     "course often shows there is more to a skill than it seemed at the start.")
        out.append(text)
    elif report.competencies and any(c.latest_rating is not None for c in report.competencies):
        rated = [c for c in report.competencies if c.latest_rating is not None]
        low = min(rated, key=lambda c: c.latest_rating)
        high = max(rated, key=lambda c: c.latest_rating)
        out.append(f"Your highest self-rating is {high.title} ({rating(high.latest_rating)}) and your lowest is "
                   f"{low.title} ({rating(low.latest_rating)}), on a scale of {report.scale[0]} to {report.scale[1]}.")
    if report.scenarios_played:
        out.append(f"In the {report.scenarios_played} scenario(s) you played, you chose the strongest response at "
                   f"{percent(report.overall_first.share)} of decision points on your first attempt and "
                   f"{percent(report.overall_latest.share)} on your latest.")
    focus = report.competency(report.focus) if report.focus else None
    if focus is not None:
        evidence = []
        if focus.latest_rating is not None:
            evidence.append(f"your self-rating is {rating(focus.latest_rating)}")
        if focus.latest.share is not None:
            evidence.append(f"you chose the strongest response {percent(focus.latest.share)} of the time in its "
                            "scenarios")
        text = f"The competency to work on next is {focus.title}: {_list(evidence)}."
        if focus.modules:
            text += " It is taught most in " + "; ".join(f"module {n}, {t}" for _, t, n in focus.modules) + "."
        out.append(text)
    return out


__all__ = [
    "REPORT_KIND",
    "REPORT_VERSION",
    "CompetencyGrowth",
    "GrowthReport",
    "PhaseRating",
    "PhaseStatus",
    "build_report",
    "day",
    "percent",
    "phase_rating",
    "rating",
    "summary",
]
