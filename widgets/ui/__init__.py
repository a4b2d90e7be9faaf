"""Notebook widgets for learners: the scenario player, self-checks, reflection drafts, progress.

One line each in a module notebook (the working folder is ``modules/<module-id>/``)::

    from widgets import header, play, selfcheck, reflect
    header()
    play("scenarios/where-are-you-really-from.yaml")
    selfcheck("selfcheck.yaml")
    reflect("reflection.yaml")

The helpers are imported on first use, so the pure modules of this package (``text``,
``player_props`` and friends) load without ipywidgets.
"""

from __future__ import annotations

from typing import Any

from widgets.plugins import install

install()  # the composition root: register content kinds and progress sections before any use

_API = ("play", "selfcheck", "reflect", "header", "course_overview", "resources")


def __getattr__(name: str) -> Any:
    if name in _API:
        from widgets.ui import api

        return getattr(api, name)
    raise AttributeError(f"module 'widgets.ui' has no attribute '{name}'")


__all__ = list(_API)
