"""``ShortcutGuard``: keys pressed in a view built from ipywidgets stay in that view, in JupyterLab too.

JupyterLab 4 (Lumino) matches its notebook shortcuts (arrows move the cell selection, A and B add cells,
D D deletes one) against the focused element first, and skips any element carrying
``data-lm-suppress-shortcuts``. The course's own anywidgets set it on what they draw (``h()`` in dom.js);
a view assembled from standard ipywidgets has no such hook, so this invisible widget, placed inside it,
marks every control of the enclosing element ``within`` (a CSS selector), now and whenever it redraws.
"""

from __future__ import annotations

from pathlib import Path

import anywidget
import traitlets

from widgets.ui.esm import asset

HERE = Path(__file__).parent


class ShortcutGuard(anywidget.AnyWidget):
    """Marks every control inside the closest element matching ``within`` (see the module docstring)."""

    _esm = asset(HERE / "keys.js")
    within = traitlets.Unicode(help="CSS selector of the view's root element, e.g. '.mc-grading'.").tag(sync=True)


__all__ = ["ShortcutGuard"]
