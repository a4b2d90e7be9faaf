"""The participant page's HTML shell (pure): the join form, the seat's panels, two live regions.

The script (static/participant.js) fills the panels from the server's views: HTML fragments the server
made with :mod:`widgets.ui.live.html` (every name and scenario text escaped there), and plain texts it
puts in ``textContent``. The only values written here are the server's own (paths, the XSRF token, the
hub user's name), escaped all the same by the template, ``widgets/templates/live/participant.html``.
"""

from __future__ import annotations

from widgets.live.codes import MAX_NAME
from widgets.templating import render


def participant_html(*, socket: str, static: str, xsrf: str, name: str = "") -> str:
    """The page (``widgets/templates/live/participant.html``). ``name``: a display name the server imposes
    (the hub user), shown read-only."""
    return render("live/participant.html", socket=socket, static=static, xsrf=xsrf, name=name, max_name=MAX_NAME)


__all__ = ["participant_html"]
