"""Events and the reducer: every change to a progress document is an event applied to a copy of it.

Pure: the caller (:class:`widgets.progress.files.ProgressFile`) re-reads the file under its lock,
applies the event here and writes the result, so two windows of one learner never lose each other's
events. Sections that plugins register (:mod:`widgets.progress.sections`) bring event types of their own.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Mapping
from typing import Any

from widgets.progress.errors import ProgressError, ProgressRefused
from widgets.progress.format import new_event_id, utcnow
from widgets.progress.sections import Doc, section_for, sections

#: Earlier versions of a draft replaced by another window are kept, up to this many per prompt and
#: this many bytes (UTF-8) in all per prompt, oldest dropped first.
MAX_KEPT_DRAFTS = 20
MAX_KEPT_BYTES = 200_000
#: The largest draft saved (UTF-8 bytes): a long reflection is a few thousand words, about 30 KB.
MAX_DRAFT_BYTES = 100_000
#: Finished play-throughs kept per scenario (oldest dropped first); a few hundred bytes each.
MAX_RUNS = 200

EVENT_TYPES = ("scenario.acknowledge", "scenario.position", "selfcheck.answer", "draft.save", "learner.name")
Event = Mapping[str, Any]


def make_event(type_: str, *, at: str | None = None, **payload: Any) -> dict[str, Any]:
    """An event with a unique id and a timestamp; see :func:`apply_event` for each type's payload."""
    if type_ not in EVENT_TYPES and section_for(type_) is None:
        known = [*EVENT_TYPES, *(e for s in sections() for e in s.events)]
        raise ProgressError(f"unknown progress event type {type_!r} (known: {', '.join(known)})")
    return {"type": type_, "id": new_event_id(), "at": at or utcnow(), **payload}


def scenario_entry(doc: Doc, key: str) -> dict[str, Any]:
    """The scenario's entry in ``doc`` (which is changed), made empty if there is none yet."""
    return doc["scenarios"].setdefault(key, {"history": [], "acknowledged": False, "runs": [], "updated": ""})


def check_size(event: Event) -> None:
    """Refuse (:class:`ProgressRefused`) a draft larger than :data:`MAX_DRAFT_BYTES`, before anything is
    written; the message tells the learner their text is still on the page."""
    if event.get("type") != "draft.save":
        return
    size = len(str(event.get("text", "")).encode("utf-8"))
    if size > MAX_DRAFT_BYTES:
        raise ProgressRefused(f"This draft is {size / 1000:.0f} KB and a draft can be at most "
                              f"{MAX_DRAFT_BYTES / 1000:.0f} KB. Your text is still in the box: shorten it, or "
                              "keep a copy elsewhere.")


def _acknowledge(doc: Doc, event: Event) -> None:
    sc = scenario_entry(doc, event["scenario"])
    sc["acknowledged"] = True
    sc["updated"] = max(sc.get("updated", ""), event["at"])


def _position(doc: Doc, event: Event) -> None:
    sc = scenario_entry(doc, event["scenario"])
    sc["history"] = list(event["history"])
    sc["updated"] = event["at"]
    ended = event.get("ended")
    if not ended:
        return
    runs = sc.setdefault("runs", [])
    if all(r.get("id") != event["id"] for r in runs):  # the same event applied twice records one run
        runs.append({"id": event["id"], "history": list(event["history"]), "ending": ended["ending"],
                     "totals": dict(ended.get("totals", {})), "at": event["at"]})
        del runs[:-MAX_RUNS]


def _answer(doc: Doc, event: Event) -> None:
    answers = doc["selfchecks"].setdefault(event["module"], {})
    previous = answers.get(event["question"], {})
    answers[event["question"]] = {"selected": sorted(event["selected"]), "correct": bool(event["correct"]),
                                  "attempts": int(previous.get("attempts", 0)) + 1, "at": event["at"]}


def _keep_bounded(kept: list[dict[str, Any]]) -> None:
    """Drop the oldest kept versions beyond :data:`MAX_KEPT_DRAFTS` or :data:`MAX_KEPT_BYTES` (the
    newest one always stays)."""
    del kept[:-MAX_KEPT_DRAFTS]
    while len(kept) > 1 and sum(len(k["text"].encode("utf-8")) for k in kept) > MAX_KEPT_BYTES:
        del kept[0]


def _draft(doc: Doc, event: Event) -> None:
    check_size(event)
    drafts = doc["drafts"].setdefault(event["module"], {})
    current = drafts.get(event["prompt"], {"text": "", "rev": 0, "kept": []})
    kept = list(current.get("kept", []))
    stale = int(event.get("base_rev", 0)) != int(current.get("rev", 0))
    if stale and current["text"].strip() and current["text"] != event["text"]:
        # Another window saved since this one read the draft: keep its text rather than overwrite it.
        kept.append({"text": current["text"], "at": current.get("at", ""), "reason": "another window"})
        _keep_bounded(kept)
    drafts[event["prompt"]] = {"text": event["text"], "rev": int(current.get("rev", 0)) + 1, "at": event["at"],
                               "kept": kept}


def _name(doc: Doc, event: Event) -> None:
    doc["name"] = str(event["name"]).strip()


#: Each core event type's step; it changes the copy it is given.
_STEPS: dict[str, Callable[[Doc, Event], None]] = {
    "scenario.acknowledge": _acknowledge,
    "scenario.position": _position,
    "selfcheck.answer": _answer,
    "draft.save": _draft,
    "learner.name": _name,
}


def apply_event(doc: Doc, event: Event) -> Doc:
    """Apply one event to a copy of ``doc`` and return it.

    ``scenario.acknowledge`` {scenario}: the mentor read the content warnings and chose to go on.
    ``scenario.position`` {scenario, history, ended?: {ending, totals}}: the choices taken now (a
    choice, a restart or a step back); with ``ended``, a finished play-through is also recorded.
    ``selfcheck.answer`` {module, question, selected, correct}.
    ``draft.save`` {module, prompt, text, base_rev}: if another window saved a different text since
    ``base_rev``, that text is kept in the draft's ``kept`` list rather than overwritten.
    ``learner.name`` {name}: a name the mentor chose to add (empty to remove it).
    """
    kind = event["type"]
    section = None if kind in EVENT_TYPES else section_for(kind)
    if section is not None:
        return section.apply(doc, event)
    step = _STEPS.get(kind)
    if step is None:
        raise ProgressError(f"unknown progress event type {kind!r}")
    doc = copy.deepcopy(doc)
    step(doc, event)
    doc["updated"] = max(doc.get("updated", ""), event["at"])
    return doc


__all__ = [
    "EVENT_TYPES",
    "MAX_DRAFT_BYTES",
    "MAX_KEPT_BYTES",
    "MAX_KEPT_DRAFTS",
    "MAX_RUNS",
    "apply_event",
    "check_size",
    "make_event",
    "scenario_entry",
]
