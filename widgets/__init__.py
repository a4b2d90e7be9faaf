"""Mentoring People of Mixed Asian Heritage: the course's Python package.

Layout: imports point one way, from the views and entry points down to a pure core.

* **Pure core** (stdlib, PyYAML, jsonschema; no Jupyter, widget or server code): ``content`` (schemas,
  loader, validator, playtest, timing), ``engine`` (scenario play), ``progress`` (the save format, its
  JSON Schema, the reducer and merging; ``progress.files`` is the one part that touches the disk, with
  ``filelock``), ``registry``, and the pure parts of each feature (``grading.score``, ``grading.rubric``,
  ``live.room``, ``live.store``, ``live.db``, ``outcomes.content``, ...). The core names none of its
  plugins: rubrics, assessments and resource packs (content kinds) and the assessment and region sections
  of the progress file register themselves in :class:`widgets.registry.Registry` objects, and
  :mod:`widgets.plugins` (the composition root every entry point installs: the CLI, the views, the
  server, the tests) is the one list of them.
* **Features**, one package each: ``grading`` (nbgrader assignments, the rubric store), ``live`` (rooms,
  their store on SQLite or PostgreSQL in ``live.db``, the server's participant page in ``live.web``),
  ``outcomes`` (self-assessment, growth and cohort reports), ``serving`` (``mentor-course serve``),
  ``hub`` (JupyterHub).
* **One way to render**: HTML comes from Jinja2 templates with autoescape (:mod:`widgets.templating`,
  ``widgets/templates/<feature>/``); every text from content or from users goes through one Markdown
  policy on mistune (:mod:`widgets.markdown`); charts are drawn on matplotlib ``Figure`` objects
  (:mod:`widgets.figures`), never pyplot.
* **One place for views**: every widget lives under :mod:`widgets.ui` (the mentor's views at its top,
  ``ui.live``, ``ui.grading``, ``ui.outcomes``), each anywidget with its JavaScript and CSS in files
  beside it, one announcer, shared JavaScript in ``ui/dom.js``.
* **One database story**: every store has a schema version and migrations: the room store its own
  (``live.migrations``, stdlib only, so kernels need no SQLAlchemy), the grading store Alembic's
  (``grading/migrations``); both refuse a database newer than the code.

``tests/test_architecture.py`` and ``tests/test_templating.py`` keep this so. The notebook helpers
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
