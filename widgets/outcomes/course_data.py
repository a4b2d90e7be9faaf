"""Everything the outcomes reports need from the course, loaded once: the manifest, the scenarios,
the self-assessment, what each module holds, and which modules teach each competency.

Pure core. Content is read with the validator (``check_paths``), so a report never counts a scenario
that does not validate; such files are listed in ``problems`` rather than stopping the report.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from widgets import engine
from widgets.content.errors import ContentError, ContentInvalid
from widgets.content.loader import COURSE_FILE, ROOT_ENV, check_paths, find_root
from widgets.content.models import Course, Scenario
from widgets.learner import ModuleInventory, module_inventory
from widgets.outcomes.content import ASSESSMENT_FILE, Assessment

#: How many modules a report links to for the competency to work on.
MAX_TEACHING_LINKS = 3


@dataclass(frozen=True)
class OutcomesContent:
    """The course as the outcomes reports see it."""

    root: Path
    course: Course
    assessment: Assessment | None
    scenarios: Mapping[str, Scenario]  # "<module>/<id>" -> scenario
    inventories: tuple[ModuleInventory, ...]
    teaching: Mapping[str, tuple[str, ...]]  # competency -> module ids, most weight first
    problems: tuple[str, ...] = field(default=())

    @property
    def titles(self) -> dict[str, str]:
        return {c.id: c.title for c in self.course.competencies}

    @property
    def module_titles(self) -> dict[str, str]:
        return {m.id: m.title for m in self.course.modules}

    @property
    def module_ids(self) -> tuple[str, ...]:
        return tuple(m.id for m in self.course.modules)


def teaching_modules(course: Course, scenarios: Mapping[str, Scenario]) -> dict[str, tuple[str, ...]]:
    """Per competency, the modules whose scenarios put the most weight on it.

    Weight: the points the competency gains along each scenario's strongest path, summed per module.
    "Listening" is listed by nearly every scenario; this picks the modules where it is most at stake.
    Ties keep course order.
    """
    order = {m.id: i for i, m in enumerate(course.modules)}
    weight: dict[str, dict[str, int]] = {c: {} for c in course.competency_ids}
    for sc in scenarios.values():
        best = engine.totals(sc, engine.replay(sc, engine.strongest_path(sc)))
        for comp in sc.competencies:
            if comp in weight and best.get(comp, 0) > 0:
                weight[comp][sc.module] = weight[comp].get(sc.module, 0) + best[comp]
    return {comp: tuple(sorted(mods, key=lambda m: (-mods[m], order.get(m, len(order))))[:MAX_TEACHING_LINKS])
            for comp, mods in weight.items()}


def load_content(root: Path | str | None = None) -> OutcomesContent:
    """Load the course under ``root`` (default: :func:`find_root`); :class:`ContentInvalid` when there is
    no usable course manifest. Broken scenarios or a broken assessment are listed in ``problems``."""
    found = Path(root) if root is not None else find_root()
    if found is None or not (found / "modules" / COURSE_FILE).is_file():
        where = found or Path.cwd()
        raise ContentInvalid([ContentError(str(where), 0, 0, "file.missing",
                                           f"no modules/{COURSE_FILE} here; run from the course folder or set "
                                           f"{ROOT_ENV}")])
    result = check_paths(root=found)
    if result.course is None:
        raise ContentInvalid([e for e in result.errors if e.file.endswith(COURSE_FILE)] or result.errors)
    scenarios = {f"{sc.module}/{sc.id}": sc for sc in result.scenarios}
    assessments = [a for a in result.others.get("assessment", []) if a.file.endswith(ASSESSMENT_FILE)]
    problems = [str(e) for e in result.errors]
    if not assessments and not any(ASSESSMENT_FILE in e.file for e in result.errors):
        problems.append(f"modules/{ASSESSMENT_FILE} is missing: there is no self-assessment to take")
    modules_dir = found / "modules"
    inventories = tuple(module_inventory(modules_dir / m.id, m.title) for m in result.course.modules)
    return OutcomesContent(found, result.course, assessments[0] if assessments else None, scenarios, inventories,
                           teaching_modules(result.course, scenarios), tuple(problems))


__all__ = ["MAX_TEACHING_LINKS", "OutcomesContent", "load_content", "teaching_modules"]
