"""Where every anywidget gets its JavaScript and CSS: files beside the view's Python module, read here.

``_esm = esm(HERE / "view.js")`` is the view's ES module with the shared DOM helpers (dom.js) in front.
anywidget takes one module per widget class and loads it from a blob, so a view's file cannot
``import`` a sibling; concatenating keeps the helpers (``h``, ``uid``, ``download``, ``speaker``,
``announceFrom``) in one file without a bundler or a second request. ``_css = asset(HERE / "view.css")``
is a stylesheet (or a module that needs no helpers) as it is.

Why the text rather than a ``Path``, which anywidget's docs show: anywidget turns a ``Path`` into a
``FileContents`` shared by the class, and every widget made connects a callback to it that holds the
widget; a closed view could then never be freed (a notebook cell run again would keep its old views for
the life of the kernel). The text is read once per file; anywidget's hot reload, a development aid,
does not apply.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

HERE = Path(__file__).parent
#: The shared helpers, put in front of every module built by :func:`esm`.
DOM = HERE / "dom.js"


class Bundle(str):
    """The text of the files in ``sources``, joined; it remembers them, so a test can tell JavaScript or CSS
    kept in files beside a view from text written inline in a Python string."""

    sources: tuple[Path, ...]

    def __new__(cls, sources: tuple[Path, ...]) -> Bundle:
        text = "\n".join(path.read_text(encoding="utf-8") for path in sources)
        bundle = super().__new__(cls, text)
        bundle.sources = sources
        return bundle


def _beside(name: str | Path) -> Path:
    path = Path(name)
    return path if path.is_absolute() else HERE / path


@cache
def esm(view_file: str | Path) -> Bundle:
    """The ES module for ``view_file`` with dom.js in front. A relative name is a file beside this module
    (``esm("scenario_view.js")``); views elsewhere pass their own path (``esm(HERE / "levels.js")``)."""
    return Bundle((DOM, _beside(view_file)))


@cache
def asset(file: str | Path) -> Bundle:
    """The text of one file (a view's stylesheet), named as for :func:`esm`."""
    return Bundle((_beside(file),))


__all__ = ["Bundle", "asset", "esm"]
