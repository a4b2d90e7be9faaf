"""The region a mentor chose for the resources box, kept in their progress file (section ``preferences``).

A programme picks its region once (``mentor-course serve --region``, or ``region:`` in course.yaml);
a mentor who lives elsewhere switches with the "change" control, and that choice follows them: it is
saved like any other progress event (``learner.region``), exported and imported with their work.
Pure: stdlib and :mod:`widgets.progress` only.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Mapping
from typing import Any

from widgets import progress
from widgets.progress import Doc

SECTION = "preferences"
EVENT_TYPES = ("learner.region",)
#: A region code as packs name them (CA, GB, ...) or "generic"; "" clears the choice.
_CODE = re.compile(r"^([A-Z]{2}|generic|)$")


def chosen_region(doc: Mapping[str, Any]) -> str:
    """The region this learner chose, or "" when they never chose one."""
    sec = doc.get(SECTION)
    region = sec.get("region", "") if isinstance(sec, Mapping) else ""
    return region if isinstance(region, str) and _CODE.match(region) else ""


def apply_event(doc: Doc, event: Mapping[str, Any]) -> Doc:
    """``learner.region`` {region}: the region whose resources this learner sees ("" to clear)."""
    region = str(event.get("region", ""))
    if not _CODE.match(region):
        raise progress.ProgressError(f"not a region code: {region!r} (expected two capital letters or 'generic')")
    doc = copy.deepcopy(doc)
    sec = doc.get(SECTION)
    if not isinstance(sec, dict):
        sec = doc[SECTION] = {}
    sec["region"] = region
    sec["region_at"] = event["at"]
    doc["updated"] = max(doc.get("updated", ""), event["at"])
    return doc


def merge_section(ours: Any, theirs: Any) -> dict[str, Any]:
    """An import keeps the more recent choice."""
    mine = dict(ours) if isinstance(ours, Mapping) else {}
    other = dict(theirs) if isinstance(theirs, Mapping) else {}
    if str(other.get("region_at", "")) > str(mine.get("region_at", "")) and _CODE.match(str(other.get("region", "x"))):
        mine["region"], mine["region_at"] = other["region"], other["region_at"]
    return mine


def problems(doc: Mapping[str, Any]) -> list[str]:
    if SECTION not in doc:
        return []
    sec = doc[SECTION]
    if not isinstance(sec, Mapping):
        return [f"'{SECTION}' should be an object"]
    if not isinstance(sec.get("region", ""), str) or not _CODE.match(sec.get("region", "")):
        return [f"'{SECTION}.region' should be a region code such as 'CA' or 'generic'"]
    return []


progress.register_section(progress.Section(SECTION, EVENT_TYPES, apply_event, merge_section, problems))

__all__ = ["EVENT_TYPES", "SECTION", "apply_event", "chosen_region", "merge_section", "problems"]
