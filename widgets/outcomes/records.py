"""Self-assessment answers in the learner's progress file: events, how they apply, how imports merge.

Pure core (stdlib plus :mod:`widgets.progress`). The answers live in one more section of the same JSON
document as scenario choices and drafts, so they are saved, exported and imported with everything
else, and nothing leaves the learner's machine unless they export it::

    "assessments": {
      "version": 1,
      "course": "mixed-heritage-mentoring",        # the course the answers belong to
      "assessment": "mentoring-skills",             # the id of modules/assessment.yaml
      "before": {"ratings": {"ask-open-questions": {"rating": 4, "at": "..."},
                             "ask-about-suicide": {"rating": null, "at": "..."}},   # null: "Not sure"
                 "goal": {"text": "...", "rev": 2, "at": "...", "kept": []}},
      "after": {...}
    }

The section registers itself with :mod:`widgets.progress` (:func:`progress.register_section`), so its
events are saved with ``ProgressFile.record`` / ``Session.record`` like any other, an import merges it
with :func:`merge_section`, and ``progress.problems`` checks it.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

from widgets import progress
from widgets.progress import Doc

SECTION = "assessments"
#: Bump when the section's shape changes; readers upgrade older sections and skip newer ones.
SECTION_VERSION = 1
PHASES = ("before", "after")
EVENT_TYPES = ("assessment.rate", "assessment.goal")
#: Earlier texts of the goal replaced by another window are kept, as drafts keep theirs.
MAX_KEPT_GOALS = 20


class AssessmentEventError(progress.ProgressError):
    """An assessment event that does not make sense (an unknown phase, a rating that is not a number)."""


def empty_section(course: str = "", assessment: str = "") -> dict[str, Any]:
    return {"version": SECTION_VERSION, "course": course, "assessment": assessment,
            "before": {"ratings": {}}, "after": {"ratings": {}}}


def section(doc: Mapping[str, Any]) -> dict[str, Any]:
    """The assessments section of a document (an empty one if it has none); never modifies ``doc``."""
    found = doc.get(SECTION)
    return found if isinstance(found, dict) else empty_section()


def phase_data(doc: Mapping[str, Any], phase: str) -> dict[str, Any]:
    """``{"ratings": {...}, "goal": {...}?}`` for ``phase`` (empty when the phase was never opened)."""
    data = section(doc).get(phase)
    return data if isinstance(data, dict) else {"ratings": {}}


def ratings(doc: Mapping[str, Any], phase: str) -> dict[str, int | None]:
    """Item id -> rating (None for "Not sure") for every item answered in ``phase``."""
    out: dict[str, int | None] = {}
    for item, entry in (phase_data(doc, phase).get("ratings") or {}).items():
        if isinstance(entry, dict) and "rating" in entry:
            out[item] = entry["rating"]
    return out


def goal_text(doc: Mapping[str, Any], phase: str) -> str:
    goal = phase_data(doc, phase).get("goal")
    return goal.get("text", "") if isinstance(goal, dict) else ""


def goal_rev(doc: Mapping[str, Any], phase: str) -> int:
    goal = phase_data(doc, phase).get("goal")
    return int(goal.get("rev", 0)) if isinstance(goal, dict) else 0


def last_answered(doc: Mapping[str, Any], phase: str) -> str:
    """The timestamp of the latest rating in ``phase`` ("" when none): when the mentor took it."""
    stamps = [e.get("at", "") for e in (phase_data(doc, phase).get("ratings") or {}).values() if isinstance(e, dict)]
    return max(stamps, default="")


# --------------------------------------------------------------------------------------------------
# Checking a section (for files read from elsewhere)
# --------------------------------------------------------------------------------------------------

def _is_rating(value: Any) -> bool:
    return value is None or (isinstance(value, int) and not isinstance(value, bool))


def problems(doc: Mapping[str, Any]) -> list[str]:
    """What is structurally wrong with a document's assessments section (empty: usable or absent)."""
    if SECTION not in doc:
        return []
    sec = doc[SECTION]
    if not isinstance(sec, dict):
        return [f"'{SECTION}' should be an object"]
    out = []
    version = sec.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        out.append(f"'{SECTION}.version' should be a positive whole number")
    for phase in PHASES:
        data = sec.get(phase, {"ratings": {}})
        if not isinstance(data, dict) or not isinstance(data.get("ratings", {}), dict):
            out.append(f"'{SECTION}.{phase}' should hold a 'ratings' object")
            continue
        for item, entry in data.get("ratings", {}).items():
            if not isinstance(entry, dict) or not _is_rating(entry.get("rating")):
                out.append(f"'{SECTION}.{phase}.ratings.{item}' should be {{rating: a whole number or null}}")
        goal = data.get("goal")
        if goal is not None and not (isinstance(goal, dict) and isinstance(goal.get("text"), str)):
            out.append(f"'{SECTION}.{phase}.goal' should be {{text: ...}}")
    return out


def section_version(doc: Mapping[str, Any]) -> int | None:
    """The section's version, or None when the document predates self-assessments (no section)."""
    sec = doc.get(SECTION)
    return sec.get("version") if isinstance(sec, dict) else None


def upgrade(doc: Doc) -> tuple[Doc, str]:
    """Bring an older document's section up to :data:`SECTION_VERSION`; return it and what was done.

    A progress file saved before self-assessments existed (or by a mentor who never opened them) has
    no section: it gets an empty one, so its scenarios and completion still count and the report says
    the assessments are missing.
    """
    if SECTION not in doc:
        out = copy.deepcopy(doc)
        out[SECTION] = empty_section()
        return out, ("no self-assessment answers in it (saved before the self-assessment existed, or it was "
                     "never opened): its scenarios and modules still count")
    return doc, ""


# --------------------------------------------------------------------------------------------------
# Events
# --------------------------------------------------------------------------------------------------

def rate_event(phase: str, item: str, rating: int | None, *, course: str = "", assessment: str = "",
               at: str | None = None) -> dict[str, Any]:
    """The mentor rated ``item`` in ``phase`` (``None``: "Not sure")."""
    return {"type": "assessment.rate", "id": progress.new_event_id(), "at": at or progress.utcnow(),
            "phase": phase, "item": item, "rating": rating, "course": course, "assessment": assessment}


def goal_event(phase: str, text: str, base_rev: int, *, course: str = "", assessment: str = "",
               at: str | None = None) -> dict[str, Any]:
    """The mentor's "what I want to get better at" text for ``phase``; ``base_rev`` is the revision
    their window started from, so a text saved meanwhile by another window is kept, not overwritten."""
    return {"type": "assessment.goal", "id": progress.new_event_id(), "at": at or progress.utcnow(),
            "phase": phase, "text": str(text), "base_rev": int(base_rev), "course": course,
            "assessment": assessment}


def apply_event(doc: Doc, event: Mapping[str, Any]) -> Doc:
    """Apply one assessment event to a copy of ``doc`` and return it."""
    kind, phase = event.get("type"), event.get("phase")
    if kind not in EVENT_TYPES:
        raise AssessmentEventError(f"unknown assessment event type {kind!r} (known: {', '.join(EVENT_TYPES)})")
    if phase not in PHASES:
        raise AssessmentEventError(f"unknown assessment phase {phase!r} (known: {', '.join(PHASES)})")
    doc = copy.deepcopy(doc)
    sec = doc.get(SECTION)
    if not isinstance(sec, dict):
        sec = doc[SECTION] = empty_section()
    sec["version"] = SECTION_VERSION
    for key in ("course", "assessment"):
        if event.get(key) and not sec.get(key):
            sec[key] = event[key]
    data = sec.setdefault(phase, {"ratings": {}})
    data.setdefault("ratings", {})
    at = event["at"]
    if kind == "assessment.rate":
        rating = event.get("rating")
        if not _is_rating(rating):
            raise AssessmentEventError(f"a rating must be a whole number or null, not {rating!r}")
        data["ratings"][str(event["item"])] = {"rating": rating, "at": at}
    else:
        current = data.get("goal") or {"text": "", "rev": 0, "kept": []}
        kept = list(current.get("kept", []))
        stale = int(event.get("base_rev", 0)) != int(current.get("rev", 0))
        if stale and current.get("text", "").strip() and current["text"] != event["text"]:
            kept.append({"text": current["text"], "at": current.get("at", ""), "reason": "another window"})
            del kept[:-MAX_KEPT_GOALS]
        data["goal"] = {"text": event["text"], "rev": int(current.get("rev", 0)) + 1, "at": at, "kept": kept}
    doc["updated"] = max(doc.get("updated", ""), at)
    return doc


def merge_section(ours: Mapping[str, Any] | None, theirs: Mapping[str, Any] | None) -> dict[str, Any]:
    """Combine two assessments sections without losing an answer: per item the newer rating wins;
    for the goal the newer text wins and a different older text is kept in ``kept``.

    This is what ``progress.merge`` should call for the ``assessments`` key (docs/outcomes.md).
    """
    out = copy.deepcopy(dict(ours)) if isinstance(ours, Mapping) else empty_section()
    if not isinstance(theirs, Mapping):
        return out
    out["version"] = SECTION_VERSION
    for key in ("course", "assessment"):
        if not out.get(key) and theirs.get(key):
            out[key] = theirs[key]
    for phase in PHASES:
        mine = out.setdefault(phase, {"ratings": {}})
        mine.setdefault("ratings", {})
        other = theirs.get(phase) or {}
        for item, entry in (other.get("ratings") or {}).items():
            if entry.get("at", "") > mine["ratings"].get(item, {}).get("at", ""):
                mine["ratings"][item] = copy.deepcopy(entry)
        their_goal = other.get("goal")
        if not their_goal:
            continue
        my_goal = mine.get("goal")
        if not my_goal:
            mine["goal"] = copy.deepcopy(their_goal)
            continue
        kept = list(my_goal.get("kept", []))
        known = {k.get("text") for k in kept} | {my_goal.get("text")}
        kept += [copy.deepcopy(k) for k in their_goal.get("kept", []) if k.get("text") not in known]
        if their_goal.get("text") != my_goal.get("text"):
            newer, older = ((their_goal, my_goal) if their_goal.get("at", "") > my_goal.get("at", "")
                            else (my_goal, their_goal))
            if older.get("text", "").strip() and older["text"] not in {k.get("text") for k in kept}:
                kept.append({"text": older["text"], "at": older.get("at", ""), "reason": "import"})
            my_goal = {**newer, "rev": max(int(my_goal.get("rev", 0)), int(their_goal.get("rev", 0))) + 1}
        mine["goal"] = {**my_goal, "kept": kept[-MAX_KEPT_GOALS:]}
    return out


progress.register_section(progress.Section(SECTION, EVENT_TYPES, apply_event, merge_section, problems))

__all__ = [
    "EVENT_TYPES",
    "PHASES",
    "SECTION",
    "SECTION_VERSION",
    "AssessmentEventError",
    "apply_event",
    "goal_event",
    "goal_rev",
    "goal_text",
    "last_answered",
    "merge_section",
    "phase_data",
    "problems",
    "rate_event",
    "ratings",
    "section",
    "section_version",
    "upgrade",
]
