"""What the reflection drafts view shows, as one JSON-ready dict (pure; escaped here).

Drafts travel as plain text (the browser puts them in a ``<textarea>``'s value, never into HTML).
``generation`` changes only when the drafts change from outside the page (an import), so typing is
never interrupted by a re-render.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from widgets.content.models import Reflection
from widgets.ui.text import block, inline


def reflection_props(ref: Reflection, drafts: Mapping[str, Mapping[str, Any]], *, generation: int = 0,
                     assignment: str = "", assignment_exists: bool = False, notice: str = "",
                     error: str = "") -> dict[str, Any]:
    """Everything the reflection view shows; ``drafts`` is the module's saved drafts by prompt id."""
    prompts = []
    for n, p in enumerate(ref.prompts, 1):
        saved = drafts.get(p.id, {})
        prompts.append({
            "id": p.id,
            "n": n,
            "title": inline(p.title),
            "text": block(p.text),
            "points": p.points,
            "draft": str(saved.get("text", "")),
            "at": str(saved.get("at", "")),
            "kept": [{"text": str(k.get("text", "")), "at": str(k.get("at", ""))} for k in saved.get("kept", [])],
        })
    return {
        "module": ref.module,
        "title": inline(ref.title),
        "intro": block(ref.intro) if ref.intro else "",
        "points": ref.points,
        "prompts": prompts,
        "generation": generation,
        "assignment": assignment,
        "assignment_exists": assignment_exists,
        "notice": notice,
        "error": error,
    }


__all__ = ["reflection_props"]
