"""``Announcer``: the one way a view built from ipywidgets tells screen-reader users what just happened.

A polite ARIA live region (``role="status"``) that is in the page before its words change: screen
readers read changes to a region they already know, not a region that appears with its words. Each
:meth:`Announcer.say` is announced, the same words said twice included ("Snippet added." after a second
snippet): ``count`` grows with every call, and the page empties the region and fills it again.

The grading view and the outcomes views show one; the live console's :class:`~widgets.ui.live.bridge.PageBridge`
is one (with the page's address as well). The mentor's views render their own region inside their
anywidget, with the same JavaScript (``speaker`` in dom.js), because what they announce comes with their
``props``.
"""

from __future__ import annotations

from pathlib import Path

import anywidget
import traitlets

from widgets.ui.esm import asset, esm

HERE = Path(__file__).parent


class Announcer(anywidget.AnyWidget):
    """A polite live region; ``say(words)`` announces ``words``, even when they are the same as last time."""

    _esm = esm(HERE / "announcer.js")
    _css = asset(HERE / "announcer.css")
    message = traitlets.Unicode("", help="The words shown and last announced.").tag(sync=True)
    count = traitlets.Int(0, help="Grows with every say(), so the same words said again are announced "
                                  "again.").tag(sync=True)
    testid = traitlets.Unicode("", help="The region's data-testid, for tests (e.g. 'grading-status').").tag(sync=True)

    def say(self, message: str) -> None:
        """Announce ``message`` (again, even when it is the same words as last time)."""
        with self.hold_sync():  # one update message: the page announces once
            self.message = message
            self.count += 1


__all__ = ["Announcer"]
