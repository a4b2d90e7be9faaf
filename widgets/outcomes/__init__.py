"""Outcomes: a competency self-assessment before and after the course, a growth report for each
mentor, and a cohort view for trainers (issue 9).

The notebook helpers (``assessment``, ``growth_report``, ``cohort_view``, ``mentor_report``) import
ipywidgets and matplotlib, so they load on first use; importing ``widgets.outcomes.content`` (which
``widgets.plugins`` does to teach the validator the ``assessment`` kind) stays as light as the rest of the core.

Pure parts: ``content`` (the assessment file), ``records`` (answers in the progress file),
``evidence`` (scenario choices), ``growth`` (one mentor's report), ``cohort`` (a folder of exports).
Drawing: ``charts``. Views: :mod:`widgets.ui.outcomes.views`. Command line: ``cli``.
"""

from __future__ import annotations

from typing import Any

_VIEW_EXPORTS = ("assessment", "growth_report", "cohort_view", "mentor_report")


def __getattr__(name: str) -> Any:
    if name in _VIEW_EXPORTS:
        from widgets.ui.outcomes import views

        return getattr(views, name)
    raise AttributeError(f"module 'widgets.outcomes' has no attribute '{name}'")


__all__ = list(_VIEW_EXPORTS)
