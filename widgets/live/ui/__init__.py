"""The live apps' views (ipywidgets and one small anywidget): they render snapshots and forward clicks.

``facilitator_app()`` and ``participant_app()`` are the one-line calls of modules/live/*.ipynb; they
are imported on first use so that ``widgets.live.ui.html`` and ``links`` load without a kernel.
"""

from __future__ import annotations

from typing import Any

from widgets.plugins import install

install()  # the composition root: register content kinds and progress sections before any use


def facilitator_app(**kwargs: Any) -> None:
    """Show the facilitator's console (see :mod:`widgets.live.ui.facilitator`)."""
    from widgets.live.ui.facilitator import facilitator_app as show

    show(**kwargs)


def participant_app(**kwargs: Any) -> None:
    """Show the participant's page (see :mod:`widgets.live.ui.participant`)."""
    from widgets.live.ui.participant import participant_app as show

    show(**kwargs)


__all__ = ["facilitator_app", "participant_app"]
