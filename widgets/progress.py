"""A learner's progress: scenario positions and endings, self-check answers, reflection drafts.

Pure core: stdlib only, no Jupyter. The document is plain JSON, versioned by ``save_version`` (as
ink's ``kInkSaveStateVersion`` and nbgrader's ``schema_version``), so a mentor can read it, download
it and import it elsewhere.

Every change is an *event* applied to the document under a lock file: re-read the file, apply the
event, write a temporary file, fsync it and rename it over the old one. Two tabs (two kernels) of the
same learner therefore never lose each other's events, and a crash mid-write leaves the previous
file whole. A file that cannot be read is never discarded: it is renamed to
``<name>.corrupt-<timestamp>`` and the rename is reported. A file saved by a newer package is never
touched: loading it raises :class:`ProgressTooNew`, whose message says to upgrade.
"""

from __future__ import annotations

import contextlib
import copy
import json
import os
import secrets
import tempfile
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from widgets.registry import Registry

#: Bump when the document's shape changes incompatibly; add an upgrade step for older saves.
SAVE_VERSION = 1
KIND = "mentor-course-progress"
PACKAGE = "mixed-heritage-mentoring"
#: Earlier versions of a draft replaced by another window are kept, up to this many per prompt and
#: this many bytes (UTF-8) in all per prompt, oldest dropped first.
MAX_KEPT_DRAFTS = 20
MAX_KEPT_BYTES = 200_000
#: The largest draft saved (UTF-8 bytes): a long reflection is a few thousand words, about 30 KB.
MAX_DRAFT_BYTES = 100_000
#: New learners (progress files) one client may start on a shared server per hour.
MAX_NEW_LEARNERS_PER_HOUR = 60
#: Finished play-throughs kept per scenario (oldest dropped first); a few hundred bytes each.
MAX_RUNS = 200

Doc = dict[str, Any]


class ProgressError(Exception):
    """A progress file or event that cannot be used; the message says what to do."""


class ProgressTooNew(ProgressError):
    """The file was written by a newer package; it is left untouched."""


class ProgressInvalid(ProgressError):
    """Text offered for import (or found on disk) that is not a usable progress file."""


class ProgressRefused(ProgressError):
    """A save the server will not store (too large, too many new learners); the message is for the
    learner and says that what they wrote is still on their page."""


def utcnow() -> str:
    """An ISO 8601 UTC timestamp with milliseconds; sorts as text in time order."""
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def new_event_id() -> str:
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

def _is_str_list(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(x, str) for x in value)


def problems(doc: Any) -> list[str]:
    """Everything structurally wrong with a progress document (an empty list means usable).

    The version is checked separately (:func:`check_version`), because a too-new file is not wrong,
    only not for this package.
    """
    if not isinstance(doc, dict):
        return [f"expected a JSON object, found {type(doc).__name__}"]
    out = []
    if doc.get("kind") != KIND:
        out.append(f"'kind' should be '{KIND}' (found {doc.get('kind')!r}); this is not a course progress file")
    if not isinstance(doc.get("learner"), str):
        out.append("'learner' should be text")
    if not isinstance(doc.get("name", ""), str):
        out.append("'name' should be text")
    for section in ("scenarios", "selfchecks", "drafts"):
        if not isinstance(doc.get(section), dict):
            out.append(f"'{section}' should be an object")
    if out:
        return out
    for key, sc in doc["scenarios"].items():
        where = f"scenarios[{key!r}]"
        if not isinstance(sc, dict):
            out.append(f"{where} should be an object")
            continue
        if not _is_str_list(sc.get("history", [])):
            out.append(f"{where}.history should be a list of choice ids")
        runs = sc.get("runs", [])
        if not isinstance(runs, list) or not all(isinstance(r, dict) and _is_str_list(r.get("history"))
                                                 and isinstance(r.get("ending"), str) for r in runs):
            out.append(f"{where}.runs should be a list of finished play-throughs (history and ending)")
    for module, answers in doc["selfchecks"].items():
        if not isinstance(answers, dict) or not all(
                isinstance(a, dict) and _is_str_list(a.get("selected")) and isinstance(a.get("correct"), bool)
                for a in answers.values()):
            out.append(f"selfchecks[{module!r}] should map question ids to answers (selected, correct)")
    for module, drafts in doc["drafts"].items():
        if not isinstance(drafts, dict) or not all(
                isinstance(d, dict) and isinstance(d.get("text"), str) and isinstance(d.get("rev", 0), int)
                for d in drafts.values()):
            out.append(f"drafts[{module!r}] should map prompt ids to drafts (text, rev)")
    for section in _sections():
        out += section.problems(doc)
    return out


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
    """Parse and check progress text; raise :class:`ProgressInvalid` or :class:`ProgressTooNew`."""
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
    return json.dumps(doc, ensure_ascii=False, indent=1, sort_keys=True) + "\n"


# --------------------------------------------------------------------------------------------------
# Events
# --------------------------------------------------------------------------------------------------

EVENT_TYPES = ("scenario.acknowledge", "scenario.position", "selfcheck.answer", "draft.save", "learner.name")


@dataclass(frozen=True)
class Section:
    """A top-level part of the document that another pure module owns (``widgets.outcomes.records``
    keeps self-assessment answers in ``assessments``): the event types it handles, how one applies (to a
    copy, returning it), how an imported section merges into ours, and what is wrong with one on disk."""

    name: str
    events: tuple[str, ...]
    apply: Callable[[Doc, Mapping[str, Any]], Doc]
    merge: Callable[[Any, Any], Any]
    problems: Callable[[Doc], list[str]]


#: Sections registered by their owners (the core names none of them: :mod:`widgets.plugins`, the
#: composition root the entry points import, lists the modules that register one).
SECTIONS: Registry[Section] = Registry("progress section")


def register_section(section: Section) -> None:
    SECTIONS.register(section.name, section)


def _sections() -> list[Section]:
    return list(SECTIONS.values())


def _section_for(kind: str) -> Section | None:
    return next((s for s in _sections() if kind in s.events), None)


def make_event(type_: str, *, at: str | None = None, **payload: Any) -> dict[str, Any]:
    """An event with a unique id and a timestamp; see :func:`apply_event` for each type's payload."""
    if type_ not in EVENT_TYPES and _section_for(type_) is None:
        known = [*EVENT_TYPES, *(e for s in _sections() for e in s.events)]
        raise ProgressError(f"unknown progress event type {type_!r} (known: {', '.join(known)})")
    return {"type": type_, "id": new_event_id(), "at": at or utcnow(), **payload}


def _scenario(doc: Doc, key: str) -> dict[str, Any]:
    return doc["scenarios"].setdefault(key, {"history": [], "acknowledged": False, "runs": [], "updated": ""})


def check_size(event: Mapping[str, Any]) -> None:
    """Refuse (:class:`ProgressRefused`) a draft larger than :data:`MAX_DRAFT_BYTES`, before anything is
    written; the message tells the learner their text is still on the page."""
    if event.get("type") != "draft.save":
        return
    size = len(str(event.get("text", "")).encode("utf-8"))
    if size > MAX_DRAFT_BYTES:
        raise ProgressRefused(f"This draft is {size / 1000:.0f} KB and a draft can be at most "
                              f"{MAX_DRAFT_BYTES / 1000:.0f} KB. Your text is still in the box: shorten it, or "
                              "keep a copy elsewhere.")


def apply_event(doc: Doc, event: Mapping[str, Any]) -> Doc:
    """Apply one event to a copy of ``doc`` and return it.

    ``scenario.acknowledge`` {scenario}: the mentor read the content warnings and chose to go on.
    ``scenario.position`` {scenario, history, ended?: {ending, totals}}: the choices taken now (a
    choice, a restart or a step back); with ``ended``, a finished play-through is also recorded.
    ``selfcheck.answer`` {module, question, selected, correct}.
    ``draft.save`` {module, prompt, text, base_rev}: if another window saved a different text since
    ``base_rev``, that text is kept in the draft's ``kept`` list rather than overwritten.
    ``learner.name`` {name}: a name the mentor chose to add (empty to remove it).
    """
    kind, at = event["type"], event["at"]
    section = None if kind in EVENT_TYPES else _section_for(kind)
    if section is not None:
        return section.apply(doc, event)
    doc = copy.deepcopy(doc)
    if kind == "scenario.acknowledge":
        sc = _scenario(doc, event["scenario"])
        sc["acknowledged"] = True
        sc["updated"] = max(sc.get("updated", ""), at)
    elif kind == "scenario.position":
        sc = _scenario(doc, event["scenario"])
        sc["history"] = list(event["history"])
        sc["updated"] = at
        ended = event.get("ended")
        if ended:
            runs = sc.setdefault("runs", [])
            if all(r.get("id") != event["id"] for r in runs):
                runs.append({"id": event["id"], "history": list(event["history"]), "ending": ended["ending"],
                             "totals": dict(ended.get("totals", {})), "at": at})
                del runs[:-MAX_RUNS]
    elif kind == "selfcheck.answer":
        answers = doc["selfchecks"].setdefault(event["module"], {})
        previous = answers.get(event["question"], {})
        answers[event["question"]] = {"selected": sorted(event["selected"]), "correct": bool(event["correct"]),
                                      "attempts": int(previous.get("attempts", 0)) + 1, "at": at}
    elif kind == "draft.save":
        check_size(event)
        drafts = doc["drafts"].setdefault(event["module"], {})
        current = drafts.get(event["prompt"], {"text": "", "rev": 0, "kept": []})
        kept = list(current.get("kept", []))
        stale = int(event.get("base_rev", 0)) != int(current.get("rev", 0))
        if stale and current["text"].strip() and current["text"] != event["text"]:
            kept.append({"text": current["text"], "at": current.get("at", ""), "reason": "another window"})
            del kept[:-MAX_KEPT_DRAFTS]
            while len(kept) > 1 and sum(len(k["text"].encode("utf-8")) for k in kept) > MAX_KEPT_BYTES:
                del kept[0]
        drafts[event["prompt"]] = {"text": event["text"], "rev": int(current.get("rev", 0)) + 1, "at": at,
                                   "kept": kept}
    elif kind == "learner.name":
        doc["name"] = str(event["name"]).strip()
    else:
        raise ProgressError(f"unknown progress event type {kind!r}")
    doc["updated"] = max(doc.get("updated", ""), at)
    return doc


# --------------------------------------------------------------------------------------------------
# Merging an imported file
# --------------------------------------------------------------------------------------------------

@dataclass
class MergeReport:
    """What an import changed, in words a mentor understands."""

    runs_added: int = 0
    positions_taken: int = 0
    answers_taken: int = 0
    drafts_taken: int = 0
    drafts_kept: int = 0
    backup: str = ""
    notes: list[str] = field(default_factory=list)

    def summary(self) -> str:
        parts = [f"{self.runs_added} finished scenario play-through(s)", f"{self.answers_taken} self-check answer(s)",
                 f"{self.drafts_taken} reflection draft(s)"]
        text = "Imported " + ", ".join(parts) + "."
        if self.drafts_kept:
            text += f" {self.drafts_kept} different version(s) of your drafts were kept beside the newer ones."
        if self.backup:
            text += f" Your progress before the import was kept as {self.backup}."
        return text


def merge(ours: Doc, theirs: Doc) -> tuple[Doc, MergeReport]:
    """Combine an imported document into ours without losing anything either holds.

    Finished play-throughs are united (by id); for a scenario's current position, a self-check answer
    and a draft the newer one wins; a draft text that loses is kept in ``kept``. Our learner id
    stays (it names this file); our name stays unless we have none.
    """
    out = copy.deepcopy(ours)
    rep = MergeReport()
    for key, sc in theirs.get("scenarios", {}).items():
        mine = _scenario(out, key)
        ids = {r.get("id") for r in mine.get("runs", [])}
        for run in sc.get("runs", []):
            if run.get("id") not in ids or run.get("id") is None:
                mine.setdefault("runs", []).append(copy.deepcopy(run))
                rep.runs_added += 1
        mine["runs"] = sorted(mine.get("runs", []), key=lambda r: r.get("at", ""))[-MAX_RUNS:]
        mine["acknowledged"] = bool(mine.get("acknowledged")) or bool(sc.get("acknowledged"))
        if sc.get("updated", "") > mine.get("updated", ""):
            mine["history"] = list(sc.get("history", []))
            mine["updated"] = sc["updated"]
            rep.positions_taken += 1
    for module, answers in theirs.get("selfchecks", {}).items():
        mine = out["selfchecks"].setdefault(module, {})
        for qid, ans in answers.items():
            if ans.get("at", "") > mine.get(qid, {}).get("at", ""):
                attempts = max(int(ans.get("attempts", 1)), int(mine.get(qid, {}).get("attempts", 0)))
                mine[qid] = {**copy.deepcopy(ans), "attempts": attempts}
                rep.answers_taken += 1
    for module, drafts in theirs.get("drafts", {}).items():
        mine = out["drafts"].setdefault(module, {})
        for pid, draft in drafts.items():
            current = mine.get(pid)
            if current is None:
                mine[pid] = copy.deepcopy(draft)
                rep.drafts_taken += 1
                continue
            kept = list(current.get("kept", []))
            known = {k["text"] for k in kept} | {current["text"]}
            for k in draft.get("kept", []):
                if k.get("text") and k["text"] not in known:
                    kept.append(copy.deepcopy(k))
                    known.add(k["text"])
            if draft["text"] == current["text"]:
                mine[pid] = {**current, "kept": kept[-MAX_KEPT_DRAFTS:]}
                continue
            newer, older = (draft, current) if draft.get("at", "") > current.get("at", "") else (current, draft)
            if older["text"].strip() and older["text"] not in {k["text"] for k in kept}:
                kept.append({"text": older["text"], "at": older.get("at", ""), "reason": "import"})
                rep.drafts_kept += 1
            if newer is draft:
                rep.drafts_taken += 1
            mine[pid] = {"text": newer["text"], "at": newer.get("at", ""),
                         "rev": max(int(current.get("rev", 0)), int(draft.get("rev", 0))) + 1,
                         "kept": kept[-MAX_KEPT_DRAFTS:]}
    for section in _sections():
        if section.name in theirs:
            out[section.name] = section.merge(out.get(section.name), theirs[section.name])
    if not out.get("name") and theirs.get("name"):
        out["name"] = theirs["name"]
    out["updated"] = max(out.get("updated", ""), theirs.get("updated", ""))
    return out, rep


# --------------------------------------------------------------------------------------------------
# Files: lock, atomic write, recovery
# --------------------------------------------------------------------------------------------------

@contextlib.contextmanager
def file_lock(path: Path) -> Iterator[None]:
    """Hold an exclusive lock on ``path`` (a separate ``.lock`` file that is never deleted: deleting
    lock files reopens the race they close)."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        if os.name == "nt":  # pragma: no cover - exercised on Windows laptops only
            import msvcrt

            while True:
                try:
                    msvcrt.locking(fd, msvcrt.LK_LOCK, 1)
                    break
                except OSError:
                    continue
            try:
                yield
            finally:
                os.lseek(fd, 0, os.SEEK_SET)
                msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)
        else:
            import fcntl

            fcntl.flock(fd, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def atomic_write(path: Path, text: str) -> None:
    """Write ``text`` so that ``path`` holds either the old or the new content, never a mix:
    a temporary file in the same folder, flushed and fsynced, then renamed over ``path``.
    The file is readable by its owner only (mkstemp's 0600), and so is a folder made for it (0700)."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    if os.name != "nt":
        dir_fd = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(dir_fd)  # make the rename itself durable
        finally:
            os.close(dir_fd)


#: What :func:`atomic_write` names its temporary files: ``.<name>.<random>.tmp``.
TMP_PATTERN = ".*.tmp"


def remove_stale_temp_files(folder: Path) -> list[Path]:
    """Delete temporary files a killed writer left under ``folder`` (they may hold a learner's draft
    text). Only safe when nothing is writing there: `mentor-course serve` calls it before it starts."""
    gone = []
    for tmp in folder.rglob(TMP_PATTERN):
        if tmp.is_file() and not tmp.is_symlink():
            with contextlib.suppress(OSError):
                tmp.unlink()
                gone.append(tmp)
    return gone


def claim_new_learner(folder: Path, client: str, *, now: float | None = None,
                      limit: int = MAX_NEW_LEARNERS_PER_HOUR) -> bool:
    """Count one new learner for ``client`` in ``folder``'s ledger (``.new-learners.json``); False when
    the client already started ``limit`` in the last hour. Learner ids cost nothing to make, so this
    is what stops one visitor filling the disk with learners."""
    now = time.time() if now is None else now
    ledger = folder / ".new-learners.json"
    with file_lock(folder / ".new-learners.lock"):
        try:
            data = json.loads(ledger.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            data = {}
        if not isinstance(data, dict):
            data = {}
        data = {c: [t for t in ts if isinstance(t, (int, float)) and t > now - 3600]
                for c, ts in data.items() if isinstance(ts, list)}
        data = {c: ts for c, ts in data.items() if ts}
        mine = data.setdefault(client, [])
        if len(mine) >= limit:
            return False
        mine.append(now)
        atomic_write(ledger, json.dumps(data))
    return True


def _stamp() -> str:
    return datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S%fZ")


def _free_name(base: Path) -> Path:
    candidate, n = base, 1
    while candidate.exists():
        n += 1
        candidate = base.with_name(f"{base.name}-{n}")
    return candidate


class ProgressFile:
    """One learner's progress file: read it, record events, export and import.

    ``notices`` collects what the learner must be told (a damaged file kept as a backup); the UI
    shows them. Nothing here prints or raises for a damaged file; a too-new file raises
    :class:`ProgressTooNew` and is never written to.
    """

    def __init__(self, path: Path | str, learner: str, *, clock: Callable[[], str] = utcnow) -> None:
        self.path = Path(path)
        self.learner = learner
        self.clock = clock
        self.notices: list[str] = []
        self.doc: Doc = new_progress(learner, now=clock())

    @property
    def lock_path(self) -> Path:
        return self.path.with_name(self.path.name + ".lock")

    def _backup_damaged(self, reason: str) -> Path:
        """Rename an unreadable file aside (keeping every byte) and say so."""
        backup = _free_name(self.path.with_name(f"{self.path.name}.corrupt-{_stamp()}"))
        os.replace(self.path, backup)
        self.notices.append(f"Your progress file could not be read: {reason.replace(str(self.path), self.path.name)}. "
                            f"It was kept, unchanged, beside it as {backup.name}; a new progress file was started. "
                            "Nothing was deleted.")
        return backup

    def _read_locked(self) -> Doc:
        """Read the file while holding the lock; back it up and start afresh if it is damaged."""
        if not self.path.exists():
            return new_progress(self.learner, now=self.clock())
        try:
            return parse(self.path.read_text(encoding="utf-8"), str(self.path))
        except ProgressTooNew:
            raise
        except (ProgressInvalid, UnicodeDecodeError) as exc:
            reason = str(exc).removeprefix(f"{self.path} ")
            self._backup_damaged(reason)
            return new_progress(self.learner, now=self.clock())

    def load(self) -> Doc:
        """The current document (empty if there is no file yet); adopts the file's learner id.

        A visitor who never does anything leaves no file behind (not even a lock file)."""
        if not self.path.exists():
            self.doc = new_progress(self.learner, now=self.clock())
            return self.doc
        with file_lock(self.lock_path):
            self.doc = self._read_locked()
        self.learner = self.doc.get("learner") or self.learner
        return self.doc

    def record(self, event: Mapping[str, Any]) -> Doc:
        """Apply ``event`` to what is on disk now (not to our possibly stale copy) and save it."""
        with file_lock(self.lock_path):
            doc = apply_event(self._read_locked(), event)
            atomic_write(self.path, dumps(doc))
        self.doc = doc
        return doc

    def export_text(self) -> str:
        """The progress as JSON text, for a download (what is on disk now, if anything is)."""
        if self.path.exists():
            with file_lock(self.lock_path):
                self.doc = self._read_locked()
        return dumps(self.doc)

    def export_name(self) -> str:
        return f"mentor-course-progress-{self.learner}.json"

    def import_text(self, text: str, source: str = "the imported file") -> MergeReport:
        """Merge a downloaded progress file into this one; keep a copy of the state before."""
        theirs = parse(text, source)
        with file_lock(self.lock_path):
            ours = self._read_locked()
            backup = ""
            if self.path.exists():
                target = _free_name(self.path.with_name(f"{self.path.name}.before-import-{_stamp()}"))
                atomic_write(target, self.path.read_text(encoding="utf-8"))
                backup = str(target)
            doc, report = merge(ours, theirs)
            report.backup = backup
            atomic_write(self.path, dumps(doc))
        self.doc = doc
        return report


__all__ = [
    "KIND",
    "SAVE_VERSION",
    "MergeReport",
    "ProgressError",
    "ProgressFile",
    "ProgressInvalid",
    "ProgressTooNew",
    "Section",
    "apply_event",
    "atomic_write",
    "check_size",
    "check_version",
    "dumps",
    "file_lock",
    "make_event",
    "merge",
    "new_progress",
    "parse",
    "problems",
    "register_section",
    "saved_drafts",
    "saved_scenario",
    "scenario_key",
]
