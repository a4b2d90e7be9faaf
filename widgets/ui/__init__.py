"""Every view of the course: the notebook widgets people see, in one place, written one way.

The mentor's widgets are at the top of this package: the scenario player, self-checks, reflection
drafts, the module header and course overview. One line each in a module notebook (the working folder
is ``modules/<module-id>/``)::

    from widgets import header, play, selfcheck, reflect
    header()
    play("scenarios/where-are-you-really-from.yaml")
    selfcheck("selfcheck.yaml")
    reflect("reflection.yaml")

Layout:

* here: the mentor's views (``scenario_view``, ``selfcheck_view``, ``reflection_view``, ``status_view``
  on ``base.CourseWidget``), their pure ``*_props`` builders and the kernel's :mod:`~widgets.ui.session`;
* ``ui/live``: the facilitator's live console (modules/live/facilitator.ipynb);
* ``ui/grading``: the trainer's grading view (course/grading.ipynb);
* ``ui/outcomes``: the self-assessment, the growth report and the trainers' cohort view.

Each anywidget keeps its JavaScript and CSS in files beside its Python module (``scenario_view.js``,
``course.css``), read by :mod:`widgets.ui.esm`: ``_esm = esm(HERE / "x.js")``, ``_css = asset(HERE /
"x.css")``. JavaScript shared by the views (``h``, ``uid``, ``download``, the live-region ``speaker``)
is in ``dom.js``, which ``esm()`` puts in front of each view's module. There is one
:class:`~widgets.ui.announcer.Announcer` (a polite live region) for views built from ipywidgets; the
live console's page bridge is one. Views listen to the session until they are closed
(:class:`~widgets.ui.session.Listening`). No view lives elsewhere (``tests/test_architecture.py``
checks it); the participant's page of a live room is not a notebook but the server's own
(:mod:`widgets.live.web`, plain JavaScript served by Tornado).

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
