"""Mentoring People of Mixed Asian Heritage: the course's Python package.

The pure core (``widgets.content``, ``widgets.engine``, ``widgets.progress``) imports no Jupyter code,
and names none of its plugins: rubrics, assessments and resource packs (content kinds) and the
assessment and region sections of the progress file register themselves in the core's
:class:`widgets.registry.Registry` objects when imported, and :mod:`widgets.plugins` (the composition
root, installed by every entry point: the CLI, ``widgets.ui``, the live, outcomes and grading views,
the server and the tests) is the one list of them. ``tests/test_architecture.py`` keeps it so. The notebook helpers
(``play``, ``selfcheck``, ``reflect``, ``header``) live in ``widgets.ui`` and are imported on first
use, so ``import widgets`` stays cheap for the CLI and for tests of the core.
"""

from __future__ import annotations

from typing import Any

__version__ = "0.1.0"

_UI_EXPORTS = ("play", "selfcheck", "reflect", "header", "course_overview", "resources")


def __getattr__(name: str) -> Any:
    if name in _UI_EXPORTS:
        from widgets import ui

        return getattr(ui, name)
    raise AttributeError(f"module 'widgets' has no attribute '{name}'")


__all__ = ["__version__", *_UI_EXPORTS]
