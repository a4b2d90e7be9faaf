"""What the room store needs of a database, whichever backend it is: the :class:`Database` that gives
transactions (:class:`Tx`) and change watchers (:class:`Watcher`).

Each backend (:mod:`widgets.live.db.sqlite`, :mod:`widgets.live.db.postgres`) implements these; the store
(:mod:`widgets.live.store`) is written against them only, so it never knows which one it runs on except
through :attr:`Database.dialect` (for the one lock statement that differs). Pure: stdlib only.
"""

from __future__ import annotations

import contextlib
from collections.abc import Sequence
from typing import Any, Protocol

Row = tuple[Any, ...]
Params = Sequence[Any]


class Tx(Protocol):
    """One open transaction. SQL uses ``?`` placeholders on every backend."""

    #: appended to a SELECT that locks the rows it reads until commit (empty where the write lock is global)
    for_update: str

    def execute(self, sql: str, params: Params = ()) -> int: ...

    def one(self, sql: str, params: Params = ()) -> Row | None: ...

    def all(self, sql: str, params: Params = ()) -> list[Row]: ...

    def batch(self, queries: Sequence[tuple[str, Params]]) -> list[list[Row]]: ...

    def notify(self, room_id: str, public: bool = True) -> None: ...


class Watcher(Protocol):
    """``wait(timeout)`` returns True soon after another connection commits a change (or when the caller
    must re-read because changes may have been missed), False at the timeout."""

    def wait(self, timeout: float) -> bool: ...

    def close(self) -> None: ...


class Database(Protocol):
    """One backend: ``write()`` holds the write lock from its first statement, ``read()`` is a consistent
    snapshot, ``watcher()`` reports commits by other connections."""

    dialect: str
    description: str

    def write(self) -> contextlib.AbstractContextManager[Tx]: ...

    def read(self) -> contextlib.AbstractContextManager[Tx]: ...

    def watcher(self, room_id: str | None = None, public: bool = False) -> Watcher: ...

    def close(self) -> None: ...


__all__ = ["Database", "Params", "Row", "Tx", "Watcher"]
