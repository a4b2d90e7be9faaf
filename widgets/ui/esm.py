"""Assemble an anywidget view's ES module: the shared DOM helpers (dom.js), then the view's own code.

anywidget takes one module per widget class, and it loads that module from a blob, so a view's file
cannot ``import`` a sibling. Concatenating keeps the helpers (``h``, ``uid``, ``download``, ``speaker``,
``announceFrom``) in one file without a bundler or a second request. Every view's JavaScript still
lives in a ``.js`` file beside its Python module: ``_esm = esm(HERE / "view.js")``; a view that needs
none of the helpers names its file directly (``_esm = HERE / "view.js"``), as anywidget's docs do.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

HERE = Path(__file__).parent
#: The shared helpers, put in front of every module built here.
DOM = HERE / "dom.js"


class Bundle(str):
    """The text of an ES module, remembering the files it was read from (``sources``), so a test can tell
    a view's module built from files beside it from JavaScript written inline in a Python string."""

    sources: tuple[Path, ...]

    def __new__(cls, sources: tuple[Path, ...]) -> Bundle:
        text = "\n".join(path.read_text(encoding="utf-8") for path in sources)
        bundle = super().__new__(cls, text)
        bundle.sources = sources
        return bundle


@cache
def esm(view_file: str | Path) -> Bundle:
    """The ES module text for ``view_file`` with dom.js in front. A relative name is a file beside this
    one (``esm("scenario_view.js")``); views elsewhere pass their own path (``esm(HERE / "x.js")``)."""
    path = Path(view_file)
    return Bundle((DOM, path if path.is_absolute() else HERE / path))
