"""The rubric model and the arithmetic of rubric grading: levels in, nbgrader points and comment text out.

Pure (stdlib, and the Markdown policy of :mod:`widgets.markdown` for the comment text), like nbgrader's
``utils.determine_grade``: the grading view, the CLI and the tests all call these functions, and only
``widgets.grading.gradebook`` talks to nbgrader.

How levels become points (the reasoning is in docs/trainers.md): each answer is read as a whole piece
and given one level per criterion; the level points add up to a rubric total (5 to 20 with the course
rubric), and the answer earns the same share of its nbgrader points: ``points * total / max_total``,
rounded half up to one decimal. A missing or empty answer earns 0 without levels.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from types import MappingProxyType
from typing import Any

from widgets.markdown import escape_markdown


@dataclass(frozen=True)
class Level:
    """One step of the scale, e.g. ``reflection`` worth 3 points."""

    id: str
    title: str
    points: int


@dataclass(frozen=True)
class Criterion:
    """One row of the rubric: what to look for and what each level looks like."""

    id: str
    title: str
    descriptors: Mapping[str, str]
    look_for: str = ""


@dataclass(frozen=True)
class Band:
    """A named range of rubric totals, e.g. 15 to 18 is *Reflective*."""

    id: str
    title: str
    min: int
    max: int


@dataclass(frozen=True)
class Snippet:
    """Reusable comment text; ``criterion`` ties it to one row (None: general)."""

    id: str
    text: str
    criterion: str | None = None


@dataclass(frozen=True)
class Rubric:
    """Criteria x levels, with bands, the safeguarding flag's wording and comment snippets."""

    id: str
    title: str
    levels: tuple[Level, ...]
    criteria: tuple[Criterion, ...]
    bands: tuple[Band, ...]
    safeguarding_label: str
    safeguarding_help: str
    summary: str = ""
    source: str = ""
    snippets: tuple[Snippet, ...] = ()
    file: str = ""

    @property
    def max_total(self) -> int:
        """The highest rubric total: every criterion at the top level."""
        return len(self.criteria) * max(lv.points for lv in self.levels)

    @property
    def min_total(self) -> int:
        return len(self.criteria) * min(lv.points for lv in self.levels)

    def level(self, level_id: str) -> Level | None:
        return next((lv for lv in self.levels if lv.id == level_id), None)

    def criterion(self, criterion_id: str) -> Criterion | None:
        return next((c for c in self.criteria if c.id == criterion_id), None)

    def band_for(self, total: int) -> Band | None:
        """The band a rubric total falls in (None outside every band)."""
        return next((b for b in self.bands if b.min <= total <= b.max), None)

    def snippets_for(self, criterion_id: str | None) -> tuple[Snippet, ...]:
        return tuple(s for s in self.snippets if s.criterion == criterion_id)


def rubric_from_dict(d: Mapping[str, Any], file: str = "") -> Rubric:
    """Build a :class:`Rubric` from schema-valid data (see ``widgets.grading.rubric`` for the checks)."""
    guard = d["safeguarding"]
    return Rubric(
        id=d["id"],
        title=d["title"],
        summary=d.get("summary", ""),
        source=d.get("source", ""),
        levels=tuple(Level(lv["id"], lv["title"], lv["points"]) for lv in d["levels"]),
        criteria=tuple(Criterion(c["id"], c["title"], MappingProxyType(dict(c["descriptors"])), c.get("look_for", ""))
                       for c in d["criteria"]),
        bands=tuple(Band(b["id"], b["title"], b["min"], b["max"]) for b in d["bands"]),
        safeguarding_label=guard["label"],
        safeguarding_help=guard["help"],
        snippets=tuple(Snippet(s["id"], s["text"], s.get("criterion")) for s in d.get("snippets") or ()),
        file=file,
    )


class IncompleteGrade(ValueError):
    """A grade that cannot be scored yet; ``problems`` says what is missing or unknown, in rubric order."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("; ".join(problems))


@dataclass(frozen=True)
class RubricGrade:
    """What a trainer chose for one answer: a level per criterion, or "no answer", plus free comment."""

    levels: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    comment: str = ""
    no_answer: bool = False

    def as_dict(self) -> dict[str, Any]:
        return {"levels": dict(self.levels), "comment": self.comment, "no_answer": self.no_answer}


def grade_problems(rubric: Rubric, grade: RubricGrade) -> list[str]:
    """Why ``grade`` cannot be scored (empty when it can): criteria without a level, unknown ids."""
    if grade.no_answer:
        return []
    problems = [f"choose a level for '{c.title}'" for c in rubric.criteria if c.id not in grade.levels]
    for crit_id, level_id in grade.levels.items():
        if rubric.criterion(crit_id) is None:
            problems.append(f"'{crit_id}' is not a criterion of the rubric '{rubric.id}'")
        elif rubric.level(level_id) is None:
            problems.append(f"'{level_id}' is not a level of the rubric '{rubric.id}'")
    return problems


def rubric_total(rubric: Rubric, grade: RubricGrade) -> int:
    """The sum of level points (0 for "no answer"); raises :class:`IncompleteGrade` when levels are missing."""
    problems = grade_problems(rubric, grade)
    if problems:
        raise IncompleteGrade(problems)
    if grade.no_answer:
        return 0
    return sum(rubric.level(grade.levels[c.id]).points for c in rubric.criteria)  # type: ignore[union-attr]


def round_half_up(value: float | Decimal, places: int = 1) -> float:
    """Round as people do (2.25 -> 2.3), not as ``round`` does (banker's rounding: 2.25 -> 2.2)."""
    quantum = Decimal(1).scaleb(-places)
    return float(Decimal(str(value)).quantize(quantum, rounding=ROUND_HALF_UP))


def answer_score(rubric: Rubric, grade: RubricGrade, points: float) -> float:
    """The nbgrader score for an answer worth ``points``: the rubric total's share of them."""
    total = rubric_total(rubric, grade)
    if grade.no_answer:
        return 0.0
    return round_half_up(Decimal(str(points)) * total / rubric.max_total)


def _escape_markdown(text: str) -> str:
    """Show a trainer's text as typed in nbgrader's feedback, which renders comments as Markdown with raw
    HTML (:func:`widgets.markdown.escape_markdown`: a backslash before ``<``, readable in the formgrader)."""
    return escape_markdown(text)


def _number(x: float) -> str:
    return f"{x:g}" if float(x).is_integer() else f"{x:.1f}"


def comment_markdown(rubric: Rubric, grade: RubricGrade, points: float) -> str:
    """The comment stored in nbgrader: the band, each chosen level with its descriptor, then the trainer's words.

    It is the only place rubric levels live in nbgrader, so feedback (generated from comments) carries
    them; the wording is for the mentor, not for machines (the rubric store keeps the structured levels).
    """
    score = answer_score(rubric, grade, points)
    free = _escape_markdown(grade.comment.strip())
    if grade.no_answer:
        head = f"**No answer was found for this prompt** (0 of {_number(points)} points)."
        return head + (f"\n\n{free}" if free else "")
    total = rubric_total(rubric, grade)
    band = rubric.band_for(total)
    band_text = f"{_escape_markdown(band.title)}, " if band else ""
    lines = [f"**Rubric: {band_text}{total} of {rubric.max_total}** ({_number(score)} of {_number(points)} points)", ""]
    for crit in rubric.criteria:
        level = rubric.level(grade.levels[crit.id])
        assert level is not None  # rubric_total checked it
        top = max(lv.points for lv in rubric.levels)
        lines.append(f"- {_escape_markdown(crit.title)}: **{_escape_markdown(level.title)}** ({level.points} of {top})"
                     f" - {_escape_markdown(crit.descriptors.get(level.id, ''))}")
    if free:
        lines += ["", free]
    return "\n".join(lines)


def overall_band(rubric: Rubric, totals: list[int]) -> Band | None:
    """One level for a whole submission (Kember): the band of the mean answer total, rounded half up."""
    if not totals:
        return None
    mean = Decimal(sum(totals)) / len(totals)
    return rubric.band_for(int(mean.quantize(Decimal(1), rounding=ROUND_HALF_UP)))
