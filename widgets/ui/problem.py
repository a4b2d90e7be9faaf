"""A friendly message shown in place of a widget when its file is missing or broken.

A mentor should see what is wrong and where (file, line, column), and that their progress is safe,
never a Python traceback. Rendered as escaped HTML, with a plain-text form for terminals and tests.
"""

from __future__ import annotations

import html
from collections.abc import Iterable

from widgets.content.errors import ContentError


class Problem:
    """What could not be shown, and why; displays itself in a notebook or a Voilà page."""

    def __init__(self, title: str, lines: Iterable[str], hint: str = "") -> None:
        self.title = title
        self.lines = list(lines)
        self.hint = hint

    @classmethod
    def from_errors(cls, what: str, errors: Iterable[ContentError]) -> Problem:
        errors = list(errors)
        lines = [f"{e.file}, line {e.line}, column {e.col}: {e.message} ({e.code})" if e.line
                 else f"{e.file}: {e.message} ({e.code})" for e in errors]
        missing = any(e.code == "file.missing" for e in errors)
        hint = ("Check the file name in this notebook cell." if missing else
                "The course's authors can check every file with `mentor-course validate`.")
        return cls(f"This {what} cannot be shown yet.", lines, hint + " Your saved progress is not affected.")

    def __str__(self) -> str:
        return "\n".join([self.title, *(f"  {line}" for line in self.lines), self.hint]).strip()

    __repr__ = __str__

    def _repr_html_(self) -> str:
        items = "".join(f"<li><code>{html.escape(line)}</code></li>" for line in self.lines)
        return (
            '<div class="mc-problem" role="alert" style="max-width:46rem;border:1px solid '
            'var(--jp-border-color2,#e0e0e0);border-left:6px solid var(--jp-error-color1,#d32f2f);'
            'border-radius:6px;padding:.6rem .9rem;margin:.5rem 0;color:var(--jp-content-font-color1,#222);'
            'background:var(--jp-layout-color1,#fff)">'
            f"<p style='margin:0 0 .3rem'><strong>{html.escape(self.title)}</strong></p>"
            f"<ul style='margin:.2rem 0;padding-left:1.3rem'>{items}</ul>"
            f"<p style='margin:.3rem 0 0'>{html.escape(self.hint)}</p></div>"
        )


__all__ = ["Problem"]
