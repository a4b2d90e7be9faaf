"""A friendly message shown in place of a widget when its file is missing or broken.

A mentor should see what is wrong and where (file, line, column), and that their progress is safe,
never a Python traceback. Rendered as escaped HTML, with a plain-text form for terminals and tests.
"""

from __future__ import annotations

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
        from widgets.templating import render  # (Jinja2 only when a problem is shown)

        return render("ui/content_problem.html", title=self.title, lines=self.lines, hint=self.hint)


__all__ = ["Problem"]
