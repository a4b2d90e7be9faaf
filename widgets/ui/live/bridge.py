"""``PageBridge``: the one custom widget of the live apps. It does three small things the standard
ipywidgets cannot:

* tells the kernel the page's real address (``href``), so join links use the host name people typed,
  even behind a proxy;
* writes the seat's (or the facilitator's) token into the address bar with ``history.replaceState``
  (``query``), so reloading the page, or restoring the tab, comes back to the same seat;
* keeps two live regions in the page, a polite one for news (``message``: "Votes are open") and an
  assertive one for problems (``error``), so screen readers hear what changed without hunting for it.

Why the URL rather than the browser's storage: the address is what Voilà hands the new kernel when the
page is reloaded (``QUERY_STRING``), before any JavaScript runs, so the seat is known at once; it also
keeps two tabs of one browser as two separate seats, and it is visible: a participant can see and
bookmark it. The cost is that a copied address takes the seat with it, which the page says.
It also carries the apps' stylesheet (``live.css``); its JavaScript is ``bridge.js`` beside this file.
Text only ever goes into ``textContent``.
"""

from __future__ import annotations

from pathlib import Path

import traitlets

from widgets.ui.announcer import Announcer
from widgets.ui.esm import asset, esm

_HERE = Path(__file__).parent


class PageBridge(Announcer):
    """The page's address, its query string, and its two live regions (see the module docstring).

    It is the course's :class:`~widgets.ui.announcer.Announcer` (``message``, ``count``, :meth:`say`),
    whose page also reports its address and keeps the assertive region for problems."""

    _esm = esm(_HERE / "bridge.js")
    _css = asset(_HERE / "live.css")
    href = traitlets.Unicode("", help="The page's address as the browser shows it (set by the page).").tag(sync=True)
    query = traitlets.Unicode("", help="Query string to put into the address bar without reloading.").tag(sync=True)
    error = traitlets.Unicode("", help="A problem to announce at once; empty hides it.").tag(sync=True)

    def say(self, message: str) -> None:
        """Announce news politely (again, when it is the same words) and clear any earlier problem."""
        with self.hold_sync():
            self.error = ""
            super().say(message)

    def problem(self, text: str) -> None:
        self.error = text


__all__ = ["PageBridge"]
