"""Measured minutes: how long a module takes, computed from its words at a stated reading rate.

Issue 15 asks for minutes that are measured, not estimated, so the core track's "at most 4 hours"
is a figure anyone can recompute. The formula (docs/formats.md, "Measured minutes"):

- prose: words in the module notebook's Markdown cells, leaving out the ``mc-lab-only`` note (it is
  hidden on the course's pages) and the ``## Sources`` section, divided by ``reading_wpm``;
- each scenario: the expected words read on one play-through when the mentor picks uniformly at
  random among the offered choices (the lines shown, every offered choice's text at each decision,
  the feedback and reply of the choice taken, the ending's title and text), divided by
  ``reading_wpm``, plus 15 seconds per decision point reached (also an expectation). Computed by
  playtest's walk over (node, path state) with the real engine, so conditional lines and branches
  count exactly as a mentor meets them;
- self-check: words in every item (question, options, each option's feedback) divided by
  ``reading_wpm``, plus 20 seconds per item;
- reflection: 10 minutes per prompt (about 150 words composed at 15 words a minute).

Pure core: no Jupyter, no widgets. The validator calls :func:`measure_found` with the models it has
already built (and playtest's memoised reports), ``mentor-course minutes`` calls
:func:`measure_course`, which reads a course folder leniently so authors can measure work in progress.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from widgets.content.models import Course, ModuleInfo, Reflection, Scenario, SelfCheck
from widgets.content.playtest import playtest_once, word_count

#: Stated reading rate when ``reading_wpm:`` is absent from course.yaml.
DEFAULT_WPM = 200
#: Seconds to weigh the offered choices at one decision point.
DECISION_SECONDS = 15
#: Seconds to think about one self-check item (beyond reading it).
ITEM_SECONDS = 20
#: Minutes per reflection prompt: about 150 words composed at 15 words a minute.
PROMPT_MINUTES = 10
#: A declared ``minutes:`` may be this far from the measured figure: 15%, or 5 minutes if larger.
TOLERANCE_SHARE = 0.15
TOLERANCE_MINUTES = 5

_LAB_ONLY = 'class="mc-lab-only"'
_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_SOURCES = re.compile(r"^sources\b", re.I)
_HTML_TAG = re.compile(r"<[^>]+>")
_LINK_TARGET = re.compile(r"\]\([^)]*\)")
_URL = re.compile(r"\b(?:https?://|www\.)\S+")


def markdown_words(text: str) -> int:
    """Words a reader reads in Markdown: tags, link targets and bare URLs do not count."""
    text = _HTML_TAG.sub(" ", text)
    text = _LINK_TARGET.sub("]", text)
    text = _URL.sub(" ", text)
    return word_count(text)


def _cell_text(cell: Mapping[str, Any]) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else str(source)


def prose_text(cells: Iterable[Mapping[str, Any]]) -> str:
    """The Markdown a mentor reads on the module page: every Markdown cell except the
    ``mc-lab-only`` note, with any ``Sources`` section (to the next heading of its level or higher)
    left out."""
    kept: list[str] = []
    skipping_level = 0  # inside a Sources section of this heading level (0: not skipping)
    for cell in cells:
        if not isinstance(cell, Mapping) or cell.get("cell_type") != "markdown":
            continue
        text = _cell_text(cell)
        if _LAB_ONLY in text:
            continue
        for line in text.splitlines():
            heading = _HEADING.match(line)
            if heading:
                level = len(heading.group(1))
                if skipping_level and level > skipping_level:
                    continue
                skipping_level = level if _SOURCES.match(heading.group(2)) else 0
            if not skipping_level:
                kept.append(line)
        kept.append("")
    return "\n".join(kept)


def prose_words(notebook: Path) -> int:
    """Words of :func:`prose_text` in a notebook file (0 when it is missing or not a notebook)."""
    try:
        cells = json.loads(notebook.read_text(encoding="utf-8")).get("cells", [])
    except (OSError, ValueError, AttributeError):
        return 0
    return markdown_words(prose_text(cells))


def selfcheck_words(sc: SelfCheck) -> int:
    """Words in every item: the question, each option and each option's feedback."""
    return sum(markdown_words(q.prompt) + sum(markdown_words(o.text) + markdown_words(o.explanation)
                                              for o in q.options)
               for q in sc.questions)


@dataclass(frozen=True)
class ScenarioTiming:
    """One scenario's expected reading on a uniformly random play-through."""

    id: str
    file: str
    words: float
    decisions: float
    capped: bool = False


def measure_scenario(sc: Scenario) -> ScenarioTiming:
    """Expected words and decision points (playtest's walk; shared with ``validate``)."""
    report = playtest_once(sc)
    return ScenarioTiming(sc.id, sc.file, report.expected_words, report.expected_decisions, report.capped)


@dataclass(frozen=True)
class ModuleTiming:
    """Measured minutes of one module, part by part, beside the ``minutes:`` course.yaml declares."""

    module: str
    title: str
    wpm: int
    declared: int | None = None
    prose_words: int = 0
    scenarios: tuple[ScenarioTiming, ...] = ()
    selfcheck_words: int = 0
    items: int = 0
    prompts: int = 0
    notes: tuple[str, ...] = ()
    #: The module has a notebook (module.ipynb) whose prose was counted.
    has_page: bool = True

    @property
    def prose(self) -> float:
        return self.prose_words / self.wpm

    @property
    def scenario(self) -> float:
        return sum(s.words / self.wpm + s.decisions * DECISION_SECONDS / 60 for s in self.scenarios)

    @property
    def selfcheck(self) -> float:
        return self.selfcheck_words / self.wpm + self.items * ITEM_SECONDS / 60

    @property
    def reflection(self) -> float:
        return float(self.prompts * PROMPT_MINUTES)

    @property
    def total(self) -> float:
        return self.prose + self.scenario + self.selfcheck + self.reflection

    @property
    def tolerance(self) -> float:
        """How far ``minutes:`` may be from :attr:`total`."""
        return max(TOLERANCE_SHARE * self.total, TOLERANCE_MINUTES)

    @property
    def declared_ok(self) -> bool:
        """Is ``minutes:`` close enough? A module without a page (no module.ipynb: test courses, a
        folder of scenarios only) has no prose to measure, so it is not held to its declaration."""
        return self.declared is None or not self.has_page or abs(self.declared - self.total) <= self.tolerance


@dataclass(frozen=True)
class TrackTiming:
    """A track's modules and their measured total (modules the course does not have count 0)."""

    id: str
    title: str
    modules: tuple[str, ...]
    total: float
    max_minutes: int | None = None

    @property
    def over_budget(self) -> bool:
        return self.max_minutes is not None and self.total > self.max_minutes


@dataclass
class CourseTiming:
    """Every course module's timing, in course order, and each track's total."""

    wpm: int
    modules: dict[str, ModuleTiming] = field(default_factory=dict)
    tracks: list[TrackTiming] = field(default_factory=list)

    def track(self, track_id: str) -> TrackTiming | None:
        return next((t for t in self.tracks if t.id == track_id), None)


def measure_module(info: ModuleInfo | str, folder: Path, wpm: int, scenarios: Iterable[Scenario],
                   selfchecks: Iterable[SelfCheck], reflections: Iterable[Reflection],
                   notes: Iterable[str] = ()) -> ModuleTiming:
    """Time one module from its notebook and the models given (those of other modules are ignored)."""
    module = info if isinstance(info, str) else info.id
    title = module if isinstance(info, str) else info.title
    declared = None if isinstance(info, str) else info.minutes
    own_checks = [s for s in selfchecks if s.module == module]
    own_reflections = [r for r in reflections if r.module == module]
    timed = tuple(measure_scenario(sc) for sc in sorted(scenarios, key=lambda s: s.id) if sc.module == module)
    return ModuleTiming(
        module=module, title=title, wpm=wpm, declared=declared,
        prose_words=prose_words(folder / "module.ipynb"),
        scenarios=timed,
        selfcheck_words=sum(selfcheck_words(s) for s in own_checks),
        items=sum(len(s.questions) for s in own_checks),
        prompts=sum(len(r.prompts) for r in own_reflections),
        notes=tuple(notes),
        has_page=(folder / "module.ipynb").is_file(),
    )


def track_totals(course: Course, modules: Mapping[str, ModuleTiming]) -> list[TrackTiming]:
    return [TrackTiming(t.id, t.title, t.modules, sum(modules[m].total for m in t.modules if m in modules),
                        t.max_minutes) for t in course.tracks]


def measure_found(course: Course, root: Path, scenarios: Iterable[Scenario], selfchecks: Iterable[SelfCheck],
                  reflections: Iterable[Reflection], only: Iterable[str] | None = None) -> CourseTiming:
    """Time the course's modules (or ``only`` those) from models already built, e.g. by ``validate``."""
    scenarios, selfchecks, reflections = list(scenarios), list(selfchecks), list(reflections)
    wanted = set(only) if only is not None else None
    out = CourseTiming(course.reading_wpm)
    for info in course.modules:
        if wanted is not None and info.id not in wanted:
            continue
        out.modules[info.id] = measure_module(info, root / "modules" / info.id, course.reading_wpm,
                                              scenarios, selfchecks, reflections)
    out.tracks = track_totals(course, out.modules)
    return out


def measure_course(root: Path, only: Iterable[str] | None = None) -> tuple[CourseTiming | None, list[str]]:
    """Time a course folder (``<root>/modules/course.yaml``), reading its files leniently.

    A file with problems is still counted when it can be built (the validator reports its problems);
    one that cannot is named in the module's ``notes``. Returns (None, reasons) when the manifest
    itself cannot be read.
    """
    from widgets.content.loader import COURSE_FILE, _check_file, display_path

    manifest = root / "modules" / COURSE_FILE
    if not manifest.is_file():
        return None, [f"{display_path(manifest)}: no course manifest here; pass the folder that holds modules/"]
    course, errors = _check_file(manifest, "course", display=display_path(manifest, root))
    if course is None:
        return None, [str(e) for e in errors]
    wanted = list(only) if only else None
    infos: list[ModuleInfo | str] = list(course.modules)
    if wanted:
        # A module folder not yet in course.yaml (an elective being written) is measured too, undeclared.
        unknown = [m for m in wanted if course.module(m) is None]
        infos += [m for m in unknown if (root / "modules" / m / "module.ipynb").is_file()]
        missing = [m for m in unknown if m not in infos]
        if missing:
            return None, [f"{display_path(manifest, root)}: no module {', '.join(repr(m) for m in missing)} "
                          f"(modules: {', '.join(m.id for m in course.modules)}; or a folder "
                          "modules/<id>/ with a module.ipynb)"]
    timing = CourseTiming(course.reading_wpm)
    for info in infos:
        mid = info if isinstance(info, str) else info.id
        if wanted and mid not in wanted and not any(mid in t.modules for t in course.tracks):
            continue
        folder = root / "modules" / mid
        scenarios: list[Scenario] = []
        notes: list[str] = []
        for f in sorted((folder / "scenarios").glob("*.y*ml")):
            model, errs = _check_file(f, "scenario", course, display=display_path(f, root))
            if model is None:
                notes.append(f"{display_path(f, root)} could not be read ({errs[0].code if errs else 'unknown'}); "
                             "not counted")
            elif any(e.code.startswith(("graph.", "node.", "cond.", "state.")) for e in errs):
                notes.append(f"{display_path(f, root)} has graph or state problems; not counted")
            else:
                scenarios.append(model)
        parts: dict[str, list[Any]] = {"selfcheck": [], "reflection": []}
        for kind in parts:
            f = folder / f"{kind}.yaml"
            if f.is_file():
                model, errs = _check_file(f, kind, course, display=display_path(f, root))
                if model is None:
                    notes.append(f"{display_path(f, root)} could not be read; not counted")
                else:
                    parts[kind].append(model)
        if not (folder / "module.ipynb").is_file():
            notes.append(f"modules/{mid}/module.ipynb is missing; prose counted as 0")
        if isinstance(info, str):
            notes.append(f"'{mid}' is not in course.yaml yet: no declared minutes to compare")
        timing.modules[mid] = measure_module(info, folder, course.reading_wpm, scenarios, parts["selfcheck"],
                                                 parts["reflection"], notes)
    timing.tracks = track_totals(course, timing.modules)
    if wanted:
        timing.modules = {m: t for m, t in timing.modules.items() if m in wanted}
    return timing, []


_MEASURED: dict[Path, tuple[tuple[Any, ...], dict[str, float]]] = {}


def _signature(root: Path) -> tuple[Any, ...]:
    """What measured minutes depend on: every manifest, scenario, self-check, reflection and notebook
    under modules/ (name, size, mtime)."""
    out = []
    for pattern in ("course.yaml", "*/module.ipynb", "*/selfcheck.yaml", "*/reflection.yaml", "*/scenarios/*.yaml"):
        for f in sorted((root / "modules").glob(pattern)):
            try:
                st = f.stat()
            except OSError:
                continue
            out.append((str(f), st.st_size, st.st_mtime_ns))
    return tuple(out)


def measured_minutes(root: Path) -> dict[str, float]:
    """Measured total minutes per module of the course at ``root``, remembered until a file changes
    (the landing pages show them on every request; measuring plays every scenario). Empty when the
    course cannot be measured, so a page falls back to the declared minutes."""
    root = Path(root).resolve()
    sig = _signature(root)
    hit = _MEASURED.get(root)
    if hit is not None and hit[0] == sig:
        return hit[1]
    try:
        timing, _ = measure_course(root)
    except Exception:  # a page must still show; `validate` names the problem
        timing = None
    totals = {m: t.total for m, t in timing.modules.items()} if timing else {}
    _MEASURED[root] = (sig, totals)
    return totals


def about(minutes: float) -> str:
    """A duration as a mentor reads it, to the nearest 5 minutes: "about 3 h 50 min", "about 45 min"."""
    rounded = max(5, int(5 * round(minutes / 5)))
    hours, rest = divmod(rounded, 60)
    if not hours:
        return f"about {rest} min"
    return f"about {hours} h {rest} min" if rest else f"about {hours} h"


def format_table(timing: CourseTiming) -> str:
    """The ``mentor-course minutes`` table: one row per module, then one per track."""
    head = f"{'module':<30} {'prose':>6} {'scen.':>6} {'check':>6} {'refl.':>6} {'total':>6} {'declared':>9}"
    rows = [f"Measured minutes at {timing.wpm} words a minute (prose / reading rate; scenarios: expected words on a "
            f"random play-through + {DECISION_SECONDS} s a decision; self-check: words + {ITEM_SECONDS} s an item; "
            f"reflection: {PROMPT_MINUTES} min a prompt)", "", head, "-" * len(head)]
    for t in timing.modules.values():
        declared = "" if t.declared is None else f"{t.declared}{'' if t.declared_ok else ' !'}"
        rows.append(f"{t.module:<30} {t.prose:6.1f} {t.scenario:6.1f} {t.selfcheck:6.1f} {t.reflection:6.1f} "
                    f"{t.total:6.1f} {declared:>9}")
        for s in t.scenarios:
            capped = " (capped: not all paths counted)" if s.capped else ""
            rows.append(f"    {s.id}: {s.words:,.0f} words, {s.decisions:.1f} decisions expected{capped}")
        rows += [f"    note: {n}" for n in t.notes]
    if any(not t.declared_ok for t in timing.modules.values()):
        rows.append(f"! declared minutes more than {TOLERANCE_SHARE:.0%} (or {TOLERANCE_MINUTES} min) from measured")
    rows.append("")
    if not timing.tracks:
        rows.append("No tracks declared in course.yaml.")
    for tr in timing.tracks:
        budget = f" (max {tr.max_minutes}{': OVER' if tr.over_budget else ''})" if tr.max_minutes is not None else ""
        rows.append(f"track {tr.id}: {tr.total:.1f} min, {about(tr.total)}{budget}; {len(tr.modules)} module(s)")
    return "\n".join(rows)


__all__ = [
    "DEFAULT_WPM",
    "CourseTiming",
    "ModuleTiming",
    "ScenarioTiming",
    "TrackTiming",
    "about",
    "format_table",
    "markdown_words",
    "measure_course",
    "measure_found",
    "measure_module",
    "measured_minutes",
    "prose_text",
    "prose_words",
    "selfcheck_words",
]
