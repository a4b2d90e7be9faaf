"""Progress on disk: a lock per file, atomic writes, recovery of damaged files, export and import.

Every change is an event applied under the file's lock: re-read the file, apply the event (pure, in
:mod:`widgets.progress.events`), write a temporary file, fsync it and rename it over the old one. Two
tabs (two kernels) of the same learner therefore never lose each other's events, and a crash mid-write
leaves the previous file whole. A file that cannot be read is never discarded: it is renamed to
``<name>.corrupt-<timestamp>`` and the rename is reported. A file saved by a newer package is never
touched: loading it raises :class:`ProgressTooNew`, whose message says to upgrade.

Locking is ``filelock.FileLock`` (``flock`` on POSIX, ``msvcrt`` on Windows, where it sleeps between
tries instead of spinning), with a timeout: a writer that hangs while holding the lock makes the others
fail with :class:`ProgressLocked` and a message, rather than wait for ever.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
import time
from collections.abc import Callable, Iterator, Mapping
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from widgets.progress.errors import ProgressInvalid, ProgressLocked, ProgressTooNew
from widgets.progress.events import apply_event
from widgets.progress.format import dumps, new_progress, parse, utcnow
from widgets.progress.merge import MergeReport, merge
from widgets.progress.sections import Doc

#: New learners (progress files) one client may start on a shared server per hour.
MAX_NEW_LEARNERS_PER_HOUR = 60
#: How long a writer waits for another to finish with a file. A save takes milliseconds; far longer
#: means the holder is stuck (a hung network disk), and the learner is better told than left waiting.
LOCK_TIMEOUT_S = 30.0
#: What :func:`atomic_write` names its temporary files: ``.<name>.<random>.tmp``.
TMP_PATTERN = ".*.tmp"


@contextlib.contextmanager
def file_lock(path: Path, timeout: float | None = None) -> Iterator[None]:
    """Hold an exclusive lock on ``path`` (a separate ``.lock`` file, private to the learner) across
    processes; raise :class:`ProgressLocked` after ``timeout`` seconds of waiting (default
    :data:`LOCK_TIMEOUT_S`, read at each call; negative: wait for ever)."""
    from filelock import FileLock, Timeout  # (on first save, not when a kernel imports the views)

    timeout = LOCK_TIMEOUT_S if timeout is None else timeout
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    lock = FileLock(path, timeout=timeout, mode=0o600)
    try:
        lock.acquire()
    except Timeout:
        raise ProgressLocked(
            f"{path} has been locked by another window or process for more than {timeout:g} seconds, so "
            "nothing was saved; try again in a moment (if it keeps happening, close the course's other tabs "
            "or restart the server)") from None
    try:
        yield
    finally:
        lock.release()


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


def _recent_claims(data: Any, now: float) -> dict[str, list[float]]:
    """The ledger's claims of the last hour, by client (anything malformed is dropped)."""
    if not isinstance(data, dict):
        return {}
    recent = {c: [t for t in ts if isinstance(t, (int, float)) and t > now - 3600]
              for c, ts in data.items() if isinstance(ts, list)}
    return {c: ts for c, ts in recent.items() if ts}


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
        data = _recent_claims(data, now)
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
    "LOCK_TIMEOUT_S",
    "MAX_NEW_LEARNERS_PER_HOUR",
    "TMP_PATTERN",
    "ProgressFile",
    "atomic_write",
    "claim_new_learner",
    "file_lock",
    "remove_stale_temp_files",
]
