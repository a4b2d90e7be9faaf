"""A learner's progress: scenario positions and endings, self-check answers, reflection drafts.

One package, split by what each part may touch:

- :mod:`~widgets.progress.format`: the document's shape, version and JSON Schema check (pure);
- :mod:`~widgets.progress.sections`: the registry of sections plugins add (pure);
- :mod:`~widgets.progress.events`: events and the reducer that applies them (pure);
- :mod:`~widgets.progress.merge`: merging an imported document (pure);
- :mod:`~widgets.progress.files`: the file on disk (lock, atomic write, recovery, import/export).

The pure modules never import :mod:`~widgets.progress.files` (``tests/test_architecture.py`` checks
it), so the reducer and the merge can be tested and reused without a disk. Every name callers use is
re-exported here: ``from widgets.progress import ProgressFile, make_event`` keeps working.
"""

from __future__ import annotations

from widgets.progress.errors import ProgressError, ProgressInvalid, ProgressLocked, ProgressRefused, ProgressTooNew
from widgets.progress.events import (
    EVENT_TYPES,
    MAX_DRAFT_BYTES,
    MAX_KEPT_BYTES,
    MAX_KEPT_DRAFTS,
    MAX_RUNS,
    apply_event,
    check_size,
    make_event,
)
from widgets.progress.files import (
    LOCK_TIMEOUT_S,
    MAX_NEW_LEARNERS_PER_HOUR,
    TMP_PATTERN,
    ProgressFile,
    atomic_write,
    claim_new_learner,
    file_lock,
    remove_stale_temp_files,
)
from widgets.progress.format import (
    KIND,
    PACKAGE,
    SAVE_VERSION,
    SCHEMA_FILE,
    check_version,
    dumps,
    new_event_id,
    new_progress,
    parse,
    problems,
    saved_drafts,
    saved_scenario,
    scenario_key,
    utcnow,
)
from widgets.progress.merge import MergeReport, merge
from widgets.progress.sections import SECTIONS, Doc, Section, register_section

__all__ = [
    "EVENT_TYPES",
    "KIND",
    "LOCK_TIMEOUT_S",
    "MAX_DRAFT_BYTES",
    "MAX_KEPT_BYTES",
    "MAX_KEPT_DRAFTS",
    "MAX_NEW_LEARNERS_PER_HOUR",
    "MAX_RUNS",
    "PACKAGE",
    "SAVE_VERSION",
    "SCHEMA_FILE",
    "SECTIONS",
    "TMP_PATTERN",
    "Doc",
    "MergeReport",
    "ProgressError",
    "ProgressFile",
    "ProgressInvalid",
    "ProgressLocked",
    "ProgressRefused",
    "ProgressTooNew",
    "Section",
    "apply_event",
    "atomic_write",
    "check_size",
    "check_version",
    "claim_new_learner",
    "dumps",
    "file_lock",
    "make_event",
    "merge",
    "new_event_id",
    "new_progress",
    "parse",
    "problems",
    "register_section",
    "remove_stale_temp_files",
    "saved_drafts",
    "saved_scenario",
    "scenario_key",
    "utcnow",
]
