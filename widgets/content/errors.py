"""Problems in content files, as values that carry their location.

Validation collects every problem instead of stopping at the first (as jsonschema's ``iter_errors``
and yamllint's ``LintProblem`` do), so an author fixes a file in one pass.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class ContentError:
    """One problem in one file.

    ``line`` and ``col`` are 1-based, as editors count; 0 means the location is unknown (for example
    a missing file). ``code`` is stable across releases so that tests and tools can match on it.
    """

    file: str
    line: int
    col: int
    code: str
    message: str
    path: tuple[str | int, ...] = ()
    #: ``error`` (validation fails) or ``warning`` (printed, but ``validate`` still exits 0).
    severity: str = "error"

    def __str__(self) -> str:
        """Render as ``file:line:col: code message``, the format editors and CI annotate."""
        level = "warning: " if self.severity == "warning" else ""
        return f"{self.file}:{self.line}:{self.col}: {self.code} {level}{self.message}"

    def as_dict(self) -> dict[str, object]:
        """A JSON-ready record, for ``mentor-course validate --format json``."""
        return {
            "file": self.file,
            "line": self.line,
            "col": self.col,
            "code": self.code,
            "message": self.message,
            "path": list(self.path),
            "severity": self.severity,
        }


class ContentInvalid(ValueError):
    """Raised at an API edge (a loader asked for one model) when the file has problems."""

    def __init__(self, errors: list[ContentError]) -> None:
        self.errors = sorted(errors)
        lines = "\n".join(str(e) for e in self.errors)
        super().__init__(f"{len(self.errors)} problem(s):\n{lines}")
