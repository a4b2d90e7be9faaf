"""Assemble an anywidget view's ES module: the shared DOM helpers (dom.js), then the view's own code.

anywidget takes one module per widget class; concatenating keeps the helpers in one file without a
bundler or a second request.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

HERE = Path(__file__).parent


@cache
def esm(view_file: str) -> str:
    """The ES module text for ``view_file`` (a file beside this one), with dom.js in front."""
    return (HERE / "dom.js").read_text(encoding="utf-8") + "\n" + (HERE / view_file).read_text(encoding="utf-8")
