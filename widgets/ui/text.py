"""Course text (YAML) and user text as safe HTML: kept for the view modules that import it from here.

The policy itself (escape everything, then allow only light Markdown, on mistune) lives in
:mod:`widgets.markdown`, the one place that turns Markdown into HTML; see its docstring. The views
put these strings into the page with ``innerHTML``; nothing else is ever given to ``innerHTML``.
"""

from __future__ import annotations

from widgets.markdown import block, inline, plain

__all__ = ["block", "inline", "plain"]
