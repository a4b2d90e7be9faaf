"""One small registry mechanism for everything plugins add to the pure core.

The core (:mod:`widgets.content.loader`, :mod:`widgets.content.schema`, :mod:`widgets.progress`) owns a
:class:`Registry` for each extension point (content kinds, course-wide checks, progress sections) and
never names a plugin. Plugins import the core and register into it; :mod:`widgets.plugins`, the
composition root that the entry points import, is the only place that lists the plugins. So imports
point one way (STYLE.md §1) and ``tests/test_architecture.py`` can check it.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Generic, TypeVar

T = TypeVar("T")


class Registry(Mapping[str, T], Generic[T]):
    """Named entries of one kind, in the order they were first registered (a read-only mapping).

    Registering a name again replaces its entry in place, so re-importing a plugin (``importlib.reload``
    in tests, a notebook cell run twice) is harmless.
    """

    def __init__(self, what: str, entries: Mapping[str, T] | None = None) -> None:
        self.what = what
        self._entries: dict[str, T] = dict(entries or {})

    def register(self, name: str, entry: T) -> T:
        """Add (or replace) ``name``; returns ``entry`` so it can be used as a decorator's result."""
        self._entries[name] = entry
        return entry

    def __getitem__(self, name: str) -> T:
        try:
            return self._entries[name]
        except KeyError:
            known = ", ".join(self._entries) or "none"
            raise KeyError(f"no {self.what} named {name!r} is registered (known: {known}); is the plugin "
                           "that provides it installed by widgets.plugins?") from None

    def __iter__(self) -> Iterator[str]:
        return iter(self._entries)

    def __len__(self) -> int:
        return len(self._entries)

    def __repr__(self) -> str:
        return f"Registry({self.what!r}, {list(self._entries)})"


__all__ = ["Registry"]
