"""The last line every benchmark prints, and its exit code: a run that misses its budget fails loudly.

``VERDICT: PASS <what was measured against what budget>`` exits 0; ``VERDICT: FAIL <why>`` exits 1. A
benchmark whose own measurement is broken (its positive control did not show what it must) fails too:
a benchmark that cannot see a problem must never report its absence.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Verdict:
    """Whether a run met its budget, and one line saying what was compared with what."""

    ok: bool
    summary: str

    @property
    def line(self) -> str:
        return f"VERDICT: {'PASS' if self.ok else 'FAIL'} {self.summary}"

    @property
    def exit_code(self) -> int:
        return 0 if self.ok else 1


def finish(verdict: Verdict) -> int:
    """Print the verdict line (the run's last) and return the exit code for ``sys.exit``."""
    print(verdict.line, flush=True)
    return verdict.exit_code


__all__ = ["Verdict", "finish"]
