"""The progress document's shape: version, kind, an empty document, reading parts of it, and checking it.

Pure: no file is opened here. The document is plain JSON, versioned by ``save_version`` (as ink's
``kInkSaveStateVersion`` and nbgrader's ``schema_version``), so a mentor can read it, download it and
import it elsewhere. Its shape is ``widgets/content/schemas/progress.v1.json``, checked through the
same pipeline as the course's YAML (:func:`widgets.content.schema.document_errors`); the kind and the
version are checked first, because a file of another kind is not "wrong in 12 places" and a too-new
file is not wrong at all, only not for this package.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Mapping
from datetime import datetime, timezone
from typing import Any

from widgets.content.schema import document_errors
from widgets.content.source import Source
from widgets.progress.errors import ProgressInvalid, ProgressTooNew
from widgets.progress.sections import Doc, sections

#: Bump when the document's shape changes incompatibly; add an upgrade step for older saves and a
#: ``progress.v<N>.json`` schema beside the old one.
SAVE_VERSION = 1
KIND = "mentor-course-progress"
PACKAGE = "mixed-heritage-mentoring"
#: The schema file (in ``widgets/content/schemas/``) of the current save version.
SCHEMA_FILE = f"progress.v{SAVE_VERSION}.json"


def utcnow() -> str:
    """An ISO 8601 UTC timestamp with milliseconds; sorts as text in time order."""
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def new_event_id() -> str:
    """A random id for an event (finished runs are united by it on import)."""
    return secrets.token_hex(8)


def new_progress(learner: str, *, now: str | None = None) -> Doc:
    """An empty progress document for ``learner`` (a pseudonymous id, never a name)."""
    now = now or utcnow()
    return {"save_version": SAVE_VERSION, "kind": KIND, "learner": learner, "name": "", "created": now,
            "updated": now, "scenarios": {}, "selfchecks": {}, "drafts": {}}


def scenario_key(module: str, scenario_id: str) -> str:
    """Scenarios are stored under ``<module>/<scenario id>`` (ids are unique only within a module)."""
    return f"{module}/{scenario_id}"


def _scenario_used(entry: Mapping[str, Any]) -> bool:
    return bool(entry.get("history") or entry.get("runs") or entry.get("acknowledged"))


def saved_scenario(doc: Mapping[str, Any], module: str, scenario_id: str, moved_from: str = "") -> dict[str, Any]:
    """What the learner saved for a scenario: its entry under ``<module>/<id>``, or, while that is
    empty, the entry under ``<moved_from>/<id>``, so a path saved before the scenario moved to another
    module (issue 15: nothing a mentor saved may be lost) is where they left it. New events are saved
    under the new key; the old entry is never changed."""
    entries = doc.get("scenarios") or {}
    entry = entries.get(scenario_key(module, scenario_id)) or {}
    if moved_from and not _scenario_used(entry):
        old = entries.get(scenario_key(moved_from, scenario_id)) or {}
        if _scenario_used(old):
            return old
    return entry


def saved_drafts(doc: Mapping[str, Any], module: str, moves: Mapping[str, str] | None = None) -> dict[str, Any]:
    """The module's drafts by prompt id; for a prompt that moved here (``moves``: prompt id -> old module),
    the draft saved under the old module while the new one has no text."""
    all_drafts = doc.get("drafts") or {}
    drafts = dict(all_drafts.get(module) or {})
    for pid, old_module in (moves or {}).items():
        if str(drafts.get(pid, {}).get("text", "")).strip():
            continue
        old = (all_drafts.get(old_module) or {}).get(pid)
        if isinstance(old, dict) and str(old.get("text", "")).strip():
            drafts[pid] = old
    return drafts


# --------------------------------------------------------------------------------------------------
# Checking a document
# --------------------------------------------------------------------------------------------------

def problems(doc: Any) -> list[str]:
    """Everything structurally wrong with a progress document (an empty list means usable), each
    naming the field at fault (``'scenarios.m/s.history' should be a list, found a number``).

    The version is checked separately (:func:`check_version`), because a too-new file is not wrong,
    only not for this package. A document of another kind gets one message, not one per field.
    """
    if not isinstance(doc, dict):
        return [f"expected a JSON object, found {type(doc).__name__}"]
    if doc.get("kind") != KIND:
        return [f"'kind' should be '{KIND}' (found {doc.get('kind')!r}); this is not a course progress file"]
    found = [e.message for e in document_errors(Source("progress", doc), SCHEMA_FILE)]
    for section in sections():
        found += section.problems(doc)
    return found


def check_version(doc: Any, source: str) -> None:
    """Raise :class:`ProgressTooNew` for a save from a newer package, :class:`ProgressInvalid` for
    a missing or nonsensical version."""
    version = doc.get("save_version") if isinstance(doc, dict) else None
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise ProgressInvalid(f"{source}: 'save_version' is missing or not a positive whole number; "
                              "this is not a course progress file")
    if version > SAVE_VERSION:
        raise ProgressTooNew(
            f"{source} was saved by a newer version of the course package (save_version {version}; this "
            f"version reads up to {SAVE_VERSION}). Upgrade the package with `pip install --upgrade {PACKAGE}` "
            "and open this page again. The file has not been changed.")


def parse(text: str, source: str) -> Doc:
    """Parse and check progress text; raise :class:`ProgressInvalid` (naming ``source`` and each field
    at fault) or :class:`ProgressTooNew`."""
    if not text.strip():
        raise ProgressInvalid(f"{source} is empty (perhaps a write was interrupted)")
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ProgressInvalid(f"{source} is not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg}); "
                              "perhaps a write was interrupted or the file was edited") from None
    check_version(doc, source)
    found = problems(doc)
    if found:
        raise ProgressInvalid(f"{source} is not a usable progress file: " + "; ".join(found))
    return doc


def dumps(doc: Doc) -> str:
    """The document as the file holds it: sorted keys, one space of indent, UTF-8 text kept as is."""
    return json.dumps(doc, ensure_ascii=False, indent=1, sort_keys=True) + "\n"


__all__ = [
    "KIND",
    "PACKAGE",
    "SAVE_VERSION",
    "SCHEMA_FILE",
    "Doc",
    "check_version",
    "dumps",
    "new_event_id",
    "new_progress",
    "parse",
    "problems",
    "saved_drafts",
    "saved_scenario",
    "scenario_key",
    "utcnow",
]
