"""The facilitator's console (ipywidgets and one small anywidget): it renders snapshots and forwards clicks.

``facilitator_app()`` is the one-line call of modules/live/facilitator.ipynb; it is imported on first
use so that ``widgets.ui.live.html`` and ``links`` load without a kernel. The anywidget is
:class:`~widgets.ui.live.bridge.PageBridge` (``bridge.js`` and ``live.css`` beside it), the console's
:class:`~widgets.ui.announcer.Announcer` that also reports the page's address. Participants have no
notebook: the server itself serves their page (:mod:`widgets.live.web`, which also uses ``live.css``),
with the HTML fragments of :mod:`widgets.ui.live.html`.
"""

from __future__ import annotations

from typing import Any

from widgets.plugins import install

install()  # the composition root: register content kinds and progress sections before any use


def facilitator_app(**kwargs: Any) -> None:
    """Show the facilitator's console (see :mod:`widgets.ui.live.facilitator`)."""
    from widgets.ui.live.facilitator import facilitator_app as show

    show(**kwargs)


__all__ = ["facilitator_app"]
