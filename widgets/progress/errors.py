"""What can go wrong with a progress file or event: one family of exceptions, each message saying what to do.

Kept apart so the pure modules (format, events, merge) and the file I/O (files) raise the same classes
without importing each other.
"""

from __future__ import annotations


class ProgressError(Exception):
    """A progress file or event that cannot be used; the message says what to do."""


class ProgressTooNew(ProgressError):
    """The file was written by a newer package; it is left untouched."""


class ProgressInvalid(ProgressError):
    """Text offered for import (or found on disk) that is not a usable progress file."""


class ProgressRefused(ProgressError):
    """A save the server will not store (too large, too many new learners); the message is for the
    learner and says that what they wrote is still on their page."""


class ProgressLocked(ProgressError):
    """Another process held the progress file's lock for longer than we wait; nothing was written."""


__all__ = ["ProgressError", "ProgressInvalid", "ProgressLocked", "ProgressRefused", "ProgressTooNew"]
