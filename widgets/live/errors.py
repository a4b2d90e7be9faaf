"""Everything that can go wrong in a live room, as exceptions whose message is written for the person
who caused it (a participant, a facilitator or an operator), so a view can show ``str(exc)`` as is.

Two families: :class:`RoomError` (a rule of the room said no: wrong phase, wrong role, full room) and
:class:`StoreError` (the database could not be reached or used). Both derive from :class:`LiveError`,
the one class the views catch. Pure: stdlib only.
"""

from __future__ import annotations

import logging


class LiveError(Exception):
    """Base of every live-room error; ``str(exc)`` is a message fit to show to the user."""


class RoomError(LiveError):
    """The room's rules refuse an action."""


class RoomNotFound(RoomError):
    """No room has this code, id or key (it was mistyped, deleted, or never existed)."""


class RoomExpired(RoomNotFound):
    """The room existed but has expired (or was deleted); its data is gone."""


class RoomClosed(RoomError):
    """The facilitator closed the room; it accepts no more joins, votes or ticks."""


class RoomFull(RoomError):
    """The room has as many participants as its capacity allows."""


class NotAllowed(RoomError):
    """The action does not fit the room's phase or the seat's role."""


class InvalidInput(RoomError, ValueError):
    """A value typed or sent by a user is malformed (a code, a name, a choice id, a role)."""


class Unauthorized(RoomError):
    """The token does not control this room or this seat (wrong, revoked, or the seat was removed)."""


class TooManyAttempts(RoomError):
    """Too many wrong join codes were tried; joining by code is paused for a while."""


class StoreError(LiveError):
    """The room database could not be used."""


class StoreUnavailable(StoreError):
    """The database cannot be opened or reached (missing folder, unreadable file, server down)."""


class StoreBusy(StoreError):
    """The database stayed locked by someone else for longer than the busy timeout."""


class StoreTooNew(StoreError):
    """The database was migrated by a newer version of the package than this one."""


#: What a visitor is told when the database cannot be used: never its URL, host, schema or file path
#: (the server's log has the full message).
STORE_PROBLEM = ("The room database cannot be used right now, so this did not work. Try again in a minute; if it "
                 "keeps happening, tell the course's organiser (the server's log says what is wrong).")


def for_visitor(exc: LiveError) -> str:
    """``exc`` as a page may show it: a store's own message names where the database is, so it goes to
    the log and the page gets :data:`STORE_PROBLEM`; a busy database and every room rule keep theirs."""
    if isinstance(exc, StoreError) and not isinstance(exc, StoreBusy):
        logging.getLogger("widgets.live").warning("room store problem: %s", exc)
        return STORE_PROBLEM
    return str(exc)


__all__ = [
    "STORE_PROBLEM",
    "InvalidInput",
    "LiveError",
    "NotAllowed",
    "RoomClosed",
    "RoomError",
    "RoomExpired",
    "RoomFull",
    "RoomNotFound",
    "StoreBusy",
    "StoreError",
    "StoreTooNew",
    "StoreUnavailable",
    "TooManyAttempts",
    "Unauthorized",
    "for_visitor",
]
