"""A trainer's view of a cohort: a folder of progress files that mentors chose to send, summed up.

Pure core. Per competency: the self-ratings before and after (mean, spread and n) and the paired
change; the scenario decision points most often answered with a harmful option on a first attempt
(where the course should teach better); completion per module. Only aggregates: no mentor's answers
appear here, and a figure drawn from fewer than ``min_n`` mentors is withheld (a mean of one or two
people is their answer). One mentor's report is made only on request (:func:`mentor_report`).

Bad input never stops the reading: a file that is not JSON, is damaged, comes from a newer package
or belongs to another course is named in ``skipped`` with the reason; a file from before
self-assessments existed is upgraded in memory and named in ``upgraded``.
"""

from __future__ import annotations

import csv
import io
import json
import math
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from widgets import learner, progress
from widgets.outcomes import records
from widgets.outcomes.course_data import OutcomesContent
from widgets.outcomes.evidence import Tally, by_competency, scenario_evidence
from widgets.outcomes.growth import GrowthReport, build_report, phase_rating

#: Figures drawn from fewer mentors than this are withheld by default.
DEFAULT_MIN_N = 3
#: A progress file is a few hundred kilobytes at most; anything far larger is not one.
MAX_FILE_BYTES = 20_000_000


@dataclass(frozen=True)
class MentorFile:
    """One readable export: its file name and its (upgraded) progress document."""

    file: str
    doc: dict[str, Any]

    @property
    def learner(self) -> str:
        return str(self.doc.get("learner", ""))


@dataclass(frozen=True)
class FileNote:
    file: str
    reason: str

    def __str__(self) -> str:
        return f"{self.file}: {self.reason}"


@dataclass(frozen=True)
class Folder:
    """What was found in a folder of exports."""

    mentors: tuple[MentorFile, ...]
    skipped: tuple[FileNote, ...] = ()
    upgraded: tuple[FileNote, ...] = ()


def _course_modules(doc: Mapping[str, Any]) -> set[str]:
    mods = {key.split("/", 1)[0] for key in (doc.get("scenarios") or {})}
    return mods | set(doc.get("selfchecks") or {}) | set(doc.get("drafts") or {})


def course_mismatch(doc: Mapping[str, Any], content: OutcomesContent) -> str:
    """Why ``doc`` belongs to another course ("" when it fits this one).

    A file names its course in its own ``course`` field (when the progress format carries one) and in
    its assessments; without either, a file whose modules are all unknown here is another course's.
    """
    course_id = content.course.id
    for named in (doc.get("course"), records.section(doc).get("course")):
        if isinstance(named, str) and named and named != course_id:
            return f"it belongs to the course '{named}', not '{course_id}'"
    mods = _course_modules(doc)
    if mods and not mods & set(content.module_ids):
        return (f"none of its modules ({', '.join(sorted(mods)[:3])}{', ...' if len(mods) > 3 else ''}) are in "
                f"the course '{course_id}'")
    return ""


def read_export(path: Path, content: OutcomesContent, shown: str | None = None) -> MentorFile | FileNote:
    """Read one exported progress file: a :class:`MentorFile`, or a :class:`FileNote` saying why not.

    An upgraded file comes back as a :class:`MentorFile` whose document has been upgraded; call
    :func:`upgrade_note` to learn what was done.
    """
    name = shown or path.name
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            return FileNote(name, f"{size:,} bytes is far larger than any progress file; not read")
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        return FileNote(name, "not a text file (not UTF-8); it is not a progress file or it is damaged")
    except OSError as exc:
        return FileNote(name, f"cannot be read ({exc.strerror or exc})")
    try:
        doc = progress.parse(text, name)
    except progress.ProgressTooNew:
        version = json.loads(text).get("save_version")
        return FileNote(name, f"saved by a newer version of the course package (save_version {version}; this one reads "
                              f"up to {progress.SAVE_VERSION}); upgrade the package here to read it")
    except progress.ProgressInvalid as exc:
        return FileNote(name, str(exc).removeprefix(name).lstrip(": ").removeprefix("is ").strip())
    bad = records.problems(doc)
    if bad:
        return FileNote(name, "its self-assessment answers are damaged: " + "; ".join(bad))
    version = records.section_version(doc)
    if version is not None and version > records.SECTION_VERSION:
        return FileNote(name, f"its self-assessments were saved by a newer version of the course package (section "
                              f"version {version}; this one reads up to {records.SECTION_VERSION}); upgrade the "
                              "package")
    mismatch = course_mismatch(doc, content)
    if mismatch:
        return FileNote(name, f"not for this course: {mismatch}")
    return MentorFile(name, doc)


def read_folder(folder: Path | str, content: OutcomesContent) -> Folder:
    """Read every ``*.json`` file in ``folder`` (not its subfolders). Two exports of one mentor (same
    learner id): the most recently updated counts and the other is named as skipped."""
    folder = Path(folder)
    if not folder.is_dir():
        raise FileNotFoundError(f"{folder} is not a folder; give the folder that holds the mentors' progress files")
    mentors: dict[str, MentorFile] = {}
    skipped: list[FileNote] = []
    upgraded: list[FileNote] = []
    for path in sorted(folder.iterdir()):
        if path.name.startswith(".") or not path.is_file():
            continue
        if path.suffix.lower() != ".json":
            skipped.append(FileNote(path.name, "not a .json file; progress files are exported as .json"))
            continue
        found = read_export(path, content)
        if isinstance(found, FileNote):
            skipped.append(found)
            continue
        doc, note = records.upgrade(found.doc)
        if note:
            upgraded.append(FileNote(found.file, note))
        found = MentorFile(found.file, doc)
        other = mentors.get(found.learner)
        if other is not None:
            newer, older = ((found, other) if str(found.doc.get("updated", "")) > str(other.doc.get("updated", ""))
                            else (other, found))
            skipped.append(FileNote(older.file, f"an older export of the same mentor as {newer.file}; the newer one "
                                                "counts"))
            mentors[found.learner] = newer
        else:
            mentors[found.learner] = found
    ordered = tuple(sorted(mentors.values(), key=lambda m: m.file))
    return Folder(ordered, tuple(sorted(skipped, key=lambda n: n.file)), tuple(upgraded))


# --------------------------------------------------------------------------------------------------
# Aggregation
# --------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Stats:
    """Mean and sample standard deviation of ``n`` values (SD needs two values)."""

    n: int
    mean: float | None
    sd: float | None

    @classmethod
    def of(cls, values: Iterable[float]) -> Stats:
        xs = list(values)
        n = len(xs)
        if not n:
            return cls(0, None, None)
        mean = math.fsum(xs) / n
        sd = math.sqrt(math.fsum((x - mean) ** 2 for x in xs) / (n - 1)) if n > 1 else None
        return cls(n, mean, sd)

    def withheld(self, min_n: int) -> Stats:
        """The same count with the figures withheld when there are fewer than ``min_n`` values."""
        return self if self.n >= min_n else Stats(self.n, None, None)


@dataclass(frozen=True)
class CompetencyRow:
    id: str
    title: str
    before: Stats
    after: Stats
    change: Stats  # of each mentor's after minus before (mentors with both)
    first: Tally  # scenario decisions pooled over the cohort
    latest: Tally


@dataclass(frozen=True)
class DecisionPointRow:
    """A decision point and how often a first (and a latest) attempt chose a harmful option there."""

    key: str  # "<module>/<scenario>"
    scenario_title: str
    module: str
    node: str
    first_answered: int
    first_harmful: int
    latest_answered: int
    latest_harmful: int
    top_harmful: str  # the harmful choice id taken most often on first attempts
    top_harmful_text: str

    @property
    def first_share(self) -> float | None:
        return self.first_harmful / self.first_answered if self.first_answered else None


@dataclass(frozen=True)
class CompletionRow:
    module: str
    title: str
    mentors: int
    done: int
    in_progress: int
    not_started: int

    @property
    def done_share(self) -> float | None:
        return self.done / self.mentors if self.mentors else None


@dataclass(frozen=True)
class MentorTracks:
    """One mentor's modules done per track ("Core: 3 of 5 done"), core first: the trainer's view of who
    is ready for a first meeting. Names the mentor by pseudonymous id only."""

    learner: str
    file: str
    tracks: tuple[learner.TrackProgress, ...]


@dataclass(frozen=True)
class CohortSummary:
    mentors: int
    min_n: int
    competencies: tuple[CompetencyRow, ...]
    decision_points: tuple[DecisionPointRow, ...]
    completion: tuple[CompletionRow, ...]
    took_before: int
    took_after: int
    took_both: int
    folder: Folder = field(default_factory=lambda: Folder(()))
    mentor_tracks: tuple[MentorTracks, ...] = ()


def _mentor_rating(doc: Mapping[str, Any], phase: str, items: tuple[str, ...], low: int, high: int) -> float | None:
    return phase_rating(items, records.ratings(doc, phase), low, high).mean


def summarise(folder: Folder, content: OutcomesContent, *, min_n: int = DEFAULT_MIN_N) -> CohortSummary:
    """The cohort's figures (see the module docstring)."""
    docs = [m.doc for m in folder.mentors]
    assessment = content.assessment
    low, high = (assessment.scale_min, assessment.scale_max) if assessment else (1, 7)
    comps = content.course.competency_ids
    evidence = [scenario_evidence(doc, content.scenarios)[0] for doc in docs]
    per_mentor = [by_competency(ev, comps) for ev in evidence]

    rows = []
    for comp in content.course.competencies:
        items = tuple(i.id for i in assessment.items_for(comp.id)) if assessment else ()
        before = [_mentor_rating(d, "before", items, low, high) for d in docs]
        after = [_mentor_rating(d, "after", items, low, high) for d in docs]
        paired = [a - b for b, a in zip(before, after, strict=True) if a is not None and b is not None]
        rows.append(CompetencyRow(
            comp.id, comp.title,
            Stats.of(x for x in before if x is not None).withheld(min_n),
            Stats.of(x for x in after if x is not None).withheld(min_n),
            Stats.of(paired).withheld(min_n),
            sum((m[comp.id].first for m in per_mentor), Tally()),
            sum((m[comp.id].latest for m in per_mentor), Tally()),
        ))

    all_items = tuple(i.id for i in assessment.items) if assessment else ()
    took = {p: {i for i, d in enumerate(docs) if any(x in records.ratings(d, p) for x in all_items)}
            for p in records.PHASES}

    completion = []
    for inv in content.inventories:
        states = Counter(learner.module_status(inv, d).state for d in docs)
        completion.append(CompletionRow(inv.module, inv.title or inv.module, len(docs), states["done"],
                                        states["in progress"], states["not started"]))

    per_mentor_tracks: tuple[MentorTracks, ...] = ()
    if content.course.tracks:
        tracks = content.course.ordered_tracks()
        per_mentor_tracks = tuple(
            MentorTracks(m.learner, m.file,
                         tuple(learner.track_progress(tracks, learner.course_status(content.inventories, m.doc))))
            for m in folder.mentors)
    return CohortSummary(len(docs), min_n, tuple(rows), decision_point_rows(evidence), tuple(completion),
                         len(took["before"]), len(took["after"]), len(took["before"] & took["after"]), folder,
                         per_mentor_tracks)


def decision_point_rows(evidence: Iterable[Iterable[Any]]) -> tuple[DecisionPointRow, ...]:
    """Every decision point answered by the cohort, most often harmful (on first attempts) first."""
    first: dict[tuple[str, str], list[Any]] = {}
    latest: dict[tuple[str, str], list[Any]] = {}
    scenarios: dict[str, Any] = {}
    for mentor in evidence:
        for ev in mentor:
            scenarios[ev.key] = ev.scenario
            for d in ev.first:
                first.setdefault((ev.key, d.node), []).append(d.choice)
            for d in ev.latest:
                latest.setdefault((ev.key, d.node), []).append(d.choice)
    rows = []
    for key, node in sorted(set(first) | set(latest)):
        f, lt = first.get((key, node), []), latest.get((key, node), [])
        harmful = Counter(c.id for c in f if c.quality == "harmful")
        top = harmful.most_common(1)[0][0] if harmful else ""
        sc = scenarios[key]
        top_choice = sc.choice(top) if top else None
        rows.append(DecisionPointRow(key, sc.title, sc.module, node, len(f), sum(harmful.values()), len(lt),
                                     sum(1 for c in lt if c.quality == "harmful"), top,
                                     top_choice.text if top_choice else ""))
    rows.sort(key=lambda r: (-r.first_harmful, -(r.first_share or 0), r.key, r.node))
    return tuple(rows)


def mentor_report(folder: Folder, learner_or_file: str, content: OutcomesContent) -> GrowthReport:
    """One mentor's growth report, chosen by learner id or file name: only when a trainer asks."""
    for m in folder.mentors:
        if learner_or_file in (m.learner, m.file):
            return build_report(m.doc, content)
    known = ", ".join(m.learner for m in folder.mentors) or "none"
    raise KeyError(f"no readable progress file for '{learner_or_file}' in this folder (learner ids: {known})")


# --------------------------------------------------------------------------------------------------
# CSV
# --------------------------------------------------------------------------------------------------

def _num(x: float | None, digits: int = 2) -> str:
    return "" if x is None else f"{x:.{digits}f}"


COMPETENCY_COLUMNS = ("competency", "title", "before_n", "before_mean", "before_sd", "after_n", "after_mean",
                      "after_sd", "change_n", "change_mean", "change_sd", "first_attempt_best",
                      "first_attempt_decisions", "first_attempt_best_share", "latest_attempt_best",
                      "latest_attempt_decisions", "latest_attempt_best_share")
DECISION_COLUMNS = ("module", "scenario", "scenario_title", "node", "first_attempt_answers", "first_attempt_harmful",
                    "first_attempt_harmful_share", "latest_attempt_answers", "latest_attempt_harmful",
                    "most_common_harmful_choice")
COMPLETION_COLUMNS = ("module", "title", "mentors", "done", "in_progress", "not_started", "done_share")
TRACK_COLUMNS = ("mentor", "track", "modules_done", "modules")


def competency_table(s: CohortSummary) -> list[list[str]]:
    return [[r.id, r.title, str(r.before.n), _num(r.before.mean), _num(r.before.sd), str(r.after.n),
             _num(r.after.mean), _num(r.after.sd), str(r.change.n), _num(r.change.mean), _num(r.change.sd),
             str(r.first.best), str(r.first.answered), _num(r.first.share, 3), str(r.latest.best),
             str(r.latest.answered), _num(r.latest.share, 3)] for r in s.competencies]


def decision_table(s: CohortSummary) -> list[list[str]]:
    return [[r.module, r.key.split("/", 1)[1], r.scenario_title, r.node, str(r.first_answered), str(r.first_harmful),
             _num(r.first_share, 3), str(r.latest_answered), str(r.latest_harmful), r.top_harmful]
            for r in s.decision_points]


def completion_table(s: CohortSummary) -> list[list[str]]:
    return [[r.module, r.title, str(r.mentors), str(r.done), str(r.in_progress), str(r.not_started),
             _num(r.done_share, 3)] for r in s.completion]


def tracks_table(s: CohortSummary) -> list[list[str]]:
    """Per mentor (pseudonymous id) and track, modules done of the track's modules: for the trainer's
    screen (the cohort view), never in the exported files, which hold aggregates only."""
    return [[m.learner, t.id, str(t.done), str(t.total)] for m in s.mentor_tracks for t in m.tracks]


def track_totals(s: CohortSummary) -> list[dict[str, Any]]:
    """Per track, how many mentors have done every one of its modules (an aggregate, for the exports)."""
    if not s.mentor_tracks:
        return []
    out = []
    for k, t in enumerate(s.mentor_tracks[0].tracks):
        done = sum(1 for m in s.mentor_tracks if m.tracks[k].done == m.tracks[k].total)
        out.append({"track": t.id, "modules": t.total, "mentors": len(s.mentor_tracks), "mentors_done": done})
    return out


def csv_text(columns: Iterable[str], rows: Iterable[Iterable[str]]) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(list(columns))
    writer.writerows(rows)
    return buf.getvalue()


def csv_files(s: CohortSummary, path: Path | str) -> dict[Path, str]:
    """The tables as CSV texts keyed by file: ``PATH`` (competencies), ``PATH-decision-points.csv``
    and ``PATH-completion.csv`` beside it (aggregates only: per-mentor track completion stays on the
    trainer's screen, :func:`tracks_table`)."""
    path = Path(path)
    stem = path.with_suffix("")
    return {
        path: csv_text(COMPETENCY_COLUMNS, competency_table(s)),
        stem.with_name(stem.name + "-decision-points.csv"): csv_text(DECISION_COLUMNS, decision_table(s)),
        stem.with_name(stem.name + "-completion.csv"): csv_text(COMPLETION_COLUMNS, completion_table(s)),
    }


def to_dict(s: CohortSummary) -> dict[str, Any]:
    """The cohort's figures as JSON-ready data (aggregates only, like the CSV)."""
    def stats(x: Stats) -> dict[str, Any]:
        return {"n": x.n, "mean": None if x.mean is None else round(x.mean, 3),
                "sd": None if x.sd is None else round(x.sd, 3)}

    return {
        "kind": "mentor-cohort-summary", "version": 1, "mentors": s.mentors, "min_n": s.min_n,
        "took": {"before": s.took_before, "after": s.took_after, "both": s.took_both},
        "competencies": [{"id": r.id, "title": r.title, "before": stats(r.before), "after": stats(r.after),
                          "change": stats(r.change),
                          "first_attempt": {"best": r.first.best, "decisions": r.first.answered},
                          "latest_attempt": {"best": r.latest.best, "decisions": r.latest.answered}}
                         for r in s.competencies],
        "decision_points": [dict(zip(DECISION_COLUMNS, row, strict=True)) for row in decision_table(s)],
        "completion": [dict(zip(COMPLETION_COLUMNS, row, strict=True)) for row in completion_table(s)],
        "tracks": track_totals(s),
        "skipped": [str(n) for n in s.folder.skipped],
        "upgraded": [str(n) for n in s.folder.upgraded],
    }


def dumps(s: CohortSummary) -> str:
    return json.dumps(to_dict(s), indent=1, ensure_ascii=False) + "\n"


__all__ = [
    "DEFAULT_MIN_N",
    "CohortSummary",
    "CompetencyRow",
    "CompletionRow",
    "DecisionPointRow",
    "FileNote",
    "Folder",
    "MentorFile",
    "MentorTracks",
    "Stats",
    "competency_table",
    "completion_table",
    "course_mismatch",
    "csv_files",
    "csv_text",
    "decision_table",
    "dumps",
    "mentor_report",
    "read_export",
    "read_folder",
    "summarise",
    "to_dict",
    "track_totals",
    "tracks_table",
]
