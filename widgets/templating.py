"""The one Jinja2 environment that makes every HTML page and fragment of the package: autoescape on.

Templates live in ``widgets/templates/<feature>/*.html`` (``live/``, ``outcomes/``, ``serving/``,
``grading/``; ``authoring/scenario_map.svg`` is the one SVG): one folder for all of them, so the escaping
policy and the Markdown filters are set up in one place and a reviewer finds every piece of markup
together. A feature's small fragments are macros in one file (``live/fragments.html``), called from
Python through :func:`macros`; whole pages are rendered with :func:`render`.

Every value given to a template is escaped unless it is :class:`markupsafe.Markup`, which only the
Markdown filters (``|inline``, ``|block``, ``|answer``: :mod:`widgets.markdown`), other templates and
a few ready-made pieces (an SVG made by segno) produce. ``StrictUndefined`` turns a misspelt variable
into an error instead of an empty string. Pure: Jinja2 and MarkupSafe only, no Jupyter.
"""

from __future__ import annotations

import functools
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from widgets import markdown


@functools.lru_cache(maxsize=1)
def environment() -> Environment:
    """The package's environment, built once (templates are compiled once, then cached by Jinja2)."""
    env = Environment(
        loader=PackageLoader("widgets", "templates"),
        # html and svg (the scenario map): both are XML-ish markup that the same escaping makes safe.
        autoescape=select_autoescape(enabled_extensions=("html", "svg"), default_for_string=True, default=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
        auto_reload=False,
    )
    env.filters["inline"] = markdown.inline_markup
    env.filters["block"] = markdown.block_markup
    env.filters["answer"] = markdown.answer_markup
    env.filters["plain"] = markdown.plain
    return env


def render(name: str, /, **context: Any) -> str:
    """The template ``name`` (e.g. ``"serving/landing.html"``) rendered with ``context``, as a string."""
    return environment().get_template(name).render(**context)


def macros(name: str, /, **constants: Any) -> Any:
    """The macros of the template ``name`` (``macros("live/fragments.html").notice("Saved.", "info")``), with
    ``constants`` as the template's globals. Each call renders the template's top level once: callers keep
    the result (``functools.cache``). A macro returns ``Markup``; callers return ``str(...)`` so code that
    concatenates fragments with other strings keeps working (``Markup + str`` would escape the ``str``)."""
    # A fresh module with ``constants`` as its context each call: ``get_template(globals=...)`` would fold
    # them into the one cached template, whose ``.module`` is cached too, so the first caller's constants
    # would win for every caller (a test passing {} emptied the live pages' quality icons).
    return environment().get_template(name).make_module(vars=constants)


__all__ = ["Markup", "environment", "macros", "render"]
