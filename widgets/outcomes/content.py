"""The self-assessment file (``modules/assessment.yaml``): its model, its checks, and its registration.

Importing this module teaches the content loader the ``assessment`` kind (``mentor-assessment/1``,
``widgets/content/schemas/assessment.v1.json``), so ``mentor-course validate`` checks the file with
the same ``file:line:col: code message`` errors as every other content file. Pure: stdlib, PyYAML
(through the loader) and the content package only.

Codes (each with a failing and a passing example):

``ref.competency``
    fails: ``- competency: empathy`` when course.yaml declares no ``empathy``
    passes: ``- competency: validation``
``assessment.competency-missing``
    fails: course.yaml declares ``networks`` and the assessment has no ``- competency: networks`` group
    passes: a group of items for every declared competency
``assessment.item-count``
    fails: a competency group with two items, or with five
    passes: three or four items
``assessment.scale``
    fails: ``anchors: [{point: 0, label: None}]`` on a 1-7 scale, or anchors that leave out 1 or 7
    passes: ``anchors: [{point: 1, label: Not at all skilled}, {point: 7, label: Extremely skilled}]``
``id.duplicate``
    fails: two items ``id: open-questions`` (anywhere in the file), or two groups for one competency
    passes: ``id: open-questions`` and ``id: open-questions-family``
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from difflib import get_close_matches
from pathlib import Path
from typing import Any

from widgets.content.errors import ContentError, ContentInvalid
from widgets.content.loader import check_file, register_kind
from widgets.content.models import Course
from widgets.content.source import Source

KIND = "assessment"
TAG = "mentor-assessment"
SCHEMA_FILE = "assessment.v1.json"
ASSESSMENT_FILE = "assessment.yaml"
PHASES = ("before", "after")
ITEMS_PER_COMPETENCY = (3, 4)


@dataclass(frozen=True)
class Item:
    """One behaviour a mentor rates, e.g. ``ask-open-questions``; its id is stored in progress files."""

    id: str
    text: str
    competency: str


@dataclass(frozen=True)
class Phase:
    title: str
    intro: str


@dataclass(frozen=True)
class Assessment:
    """A validated self-assessment: a scale, and items grouped by competency (in file order)."""

    id: str
    title: str
    stem: str
    scale_min: int
    scale_max: int
    anchors: tuple[tuple[int, str], ...]
    phases: dict[str, Phase]
    goal_prompt: str
    goal_hint: str
    groups: tuple[tuple[str, tuple[Item, ...]], ...]
    file: str = ""

    @property
    def items(self) -> tuple[Item, ...]:
        return tuple(item for _, items in self.groups for item in items)

    @property
    def competencies(self) -> tuple[str, ...]:
        return tuple(comp for comp, _ in self.groups)

    def items_for(self, competency: str) -> tuple[Item, ...]:
        return next((items for comp, items in self.groups if comp == competency), ())

    def item(self, item_id: str) -> Item | None:
        return next((i for i in self.items if i.id == item_id), None)

    def anchor(self, point: int) -> str:
        """The words for a point of the scale, or "" where the scale has none."""
        return dict(self.anchors).get(point, "")

    def valid_rating(self, value: Any) -> bool:
        return isinstance(value, int) and not isinstance(value, bool) and self.scale_min <= value <= self.scale_max


def assessment_from_dict(d: dict[str, Any], file: str = "") -> Assessment:
    """Build an :class:`Assessment` from schema-valid data."""
    return Assessment(
        id=d["id"],
        title=d["title"],
        stem=d["stem"],
        scale_min=d["scale"]["min"],
        scale_max=d["scale"]["max"],
        anchors=tuple(sorted((a["point"], a["label"]) for a in d["scale"]["anchors"])),
        phases={name: Phase(p["title"], p["intro"]) for name, p in d["phases"].items()},
        goal_prompt=d["goal"]["prompt"],
        goal_hint=d["goal"].get("hint", ""),
        groups=tuple((g["competency"], tuple(Item(i["id"], i["text"], g["competency"]) for i in g["items"]))
                     for g in d["competencies"]),
        file=file,
    )


def check_assessment(src: Source, model: Assessment, course: Course | None,
                     folder_module: str | None = None) -> Iterator[ContentError]:
    """Problems a schema cannot see: references to course.yaml, counts, ids, the scale's anchors."""
    low, high = model.scale_min, model.scale_max
    points = [p for p, _ in model.anchors]
    for i, anchor in enumerate(src.data["scale"]["anchors"]):
        if not low <= anchor["point"] <= high:
            yield src.error(("scale", "anchors", i, "point"), "assessment.scale",
                            f"anchor point {anchor['point']} is outside the scale {low}-{high}")
    if low not in points or high not in points:
        yield src.error(("scale", "anchors"), "assessment.scale",
                        f"give words for both ends of the scale ({low} and {high}) so every mentor reads it the "
                        "same way")
    if len(set(points)) != len(points):
        yield src.error(("scale", "anchors"), "id.duplicate", "two anchors name the same point of the scale")

    declared = list(course.competency_ids) if course else []
    seen_groups: dict[str, int] = {}
    seen_items: dict[str, str] = {}
    for g, (comp, items) in enumerate(model.groups):
        if comp in seen_groups:
            yield src.error(("competencies", g, "competency"), "id.duplicate",
                            f"competency '{comp}' already has a group of items (group {seen_groups[comp] + 1}); "
                            "put all its items in one group")
        seen_groups.setdefault(comp, g)
        if course is not None and comp not in declared:
            close = get_close_matches(comp, declared, n=1, cutoff=0.6)
            hint = f" (did you mean '{close[0]}'?)" if close else ""
            yield src.error(("competencies", g, "competency"), "ref.competency",
                            f"competency '{comp}' is not declared in course.yaml{hint}")
        lo, hi = ITEMS_PER_COMPETENCY
        if not lo <= len(items) <= hi:
            yield src.error(("competencies", g, "items"), "assessment.item-count",
                            f"competency '{comp}' has {len(items)} item(s); give it {lo} or {hi}, each a concrete "
                            "behaviour, so its rating does not hang on one wording")
        for k, item in enumerate(items):
            if item.id in seen_items:
                yield src.error(("competencies", g, "items", k, "id"), "id.duplicate",
                                f"item id '{item.id}' is already used under '{seen_items[item.id]}'; item ids are "
                                "stored in progress files and must be unique in the file")
            seen_items.setdefault(item.id, comp)
    for comp in declared:
        if comp not in seen_groups:
            yield src.error(("competencies",), "assessment.competency-missing",
                            f"course.yaml declares competency '{comp}' but the assessment has no items for it",
                            at_key=True)


def check_assessment_file(path: Path | str,
                          course: Course | None = None) -> tuple[Assessment | None, list[ContentError]]:
    """Read, schema-check and check one assessment file: ``(model, [])`` or ``(None, every problem)``."""
    return check_file(path, KIND, course)


def load_assessment(path: Path | str, course: Course | None = None) -> Assessment:
    """The assessment at ``path``, or :class:`ContentInvalid` listing every problem with its line."""
    model, errors = check_assessment_file(path, course)
    if errors or model is None:
        raise ContentInvalid(errors)
    return model


register_kind(KIND, TAG, SCHEMA_FILE, assessment_from_dict, check_assessment)

__all__ = [
    "ASSESSMENT_FILE",
    "PHASES",
    "Assessment",
    "Item",
    "Phase",
    "assessment_from_dict",
    "check_assessment",
    "check_assessment_file",
    "load_assessment",
]
