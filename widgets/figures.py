"""Saving matplotlib figures, one way for every chart the package draws (outcomes/charts.py, the
cohort summary's plots in grading/summary.py).

Figures are :class:`matplotlib.figure.Figure` objects built directly, never through pyplot: pyplot keeps
a global list of open figures and picks a GUI backend, which a Voilà kernel serving one page while
another draws must not share. A ``Figure`` renders itself with the Agg canvas when saved, so no backend
is chosen and nothing has to be closed. tests/test_architecture.py fails if a module imports pyplot.
"""

from __future__ import annotations

import io
from pathlib import Path

from matplotlib.figure import Figure


def png_bytes(fig: Figure, *, tight: bool = False, dpi: float | None = None) -> bytes:
    """``fig`` as PNG on white, at ``dpi`` (default: the figure's own); ``tight`` crops the margins to what
    is drawn (labels that reach past the axes are kept)."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", facecolor="white", bbox_inches="tight" if tight else None, dpi=dpi or "figure")
    return buf.getvalue()


def save_png(fig: Figure, path: Path, *, tight: bool = False, dpi: float | None = None) -> Path:
    """Write :func:`png_bytes` of ``fig`` to ``path``; return ``path``."""
    path.write_bytes(png_bytes(fig, tight=tight, dpi=dpi))
    return path


__all__ = ["png_bytes", "save_png"]
