"""What the self-assessment form shows, as one JSON-ready dict: ``form_props(assessment, doc, phase, ...)``.

Pure (no widgets, no kernel), like :mod:`widgets.ui.player_props`: the view sets this dict as its one
synced trait after every answer, and tests check what a mentor would see without a browser. Text from
YAML is escaped here and may carry light Markdown; the mentor's own goal text is passed as plain text
and the browser sets it as a textarea's value, never as HTML.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from widgets.outcomes import records
from widgets.outcomes.content import Assessment
from widgets.ui.text import block, inline

NOT_SURE = "Not sure"


def form_props(assessment: Assessment, doc: Mapping[str, Any], phase: str, *, titles: Mapping[str, str],
               descriptions: Mapping[str, str], seq: int = 0, status: str = "", error: str = "",
               notices: tuple[str, ...] = ()) -> dict[str, Any]:
    """Everything the form renders for ``phase`` of ``assessment`` given the progress ``doc``.

    ``seq`` grows with every save so the browser knows the status line is new (and announces it).
    """
    answers = records.ratings(doc, phase)
    info = assessment.phases[phase]
    groups = []
    for comp, items in assessment.groups:
        groups.append({
            "id": comp,
            "title": inline(titles.get(comp, comp)),
            "description": inline(descriptions.get(comp, "")),
            "items": [{"id": item.id, "html": inline(item.text), "answered": item.id in answers,
                       "value": answers.get(item.id)} for item in items],
        })
    total = len(assessment.items)
    answered = sum(1 for i in assessment.items if i.id in answers)
    return {
        "phase": phase,
        "title": inline(info.title),
        "intro": block(info.intro),
        "stem": inline(assessment.stem),
        "scale": [{"value": v, "anchor": inline(assessment.anchor(v))}
                  for v in range(assessment.scale_min, assessment.scale_max + 1)],
        "not_sure": NOT_SURE,
        "groups": groups,
        "goal": {"prompt": inline(assessment.goal_prompt), "hint": inline(assessment.goal_hint),
                 "text": records.goal_text(doc, phase), "rev": records.goal_rev(doc, phase)},
        "answered": answered,
        "total": total,
        "progress": progress_words(answered, total),
        "seq": seq,
        "status": status,
        "error": error,
        "notices": [inline(n) for n in notices],
    }


def progress_words(answered: int, total: int) -> str:
    if answered >= total:
        return f"All {total} statements answered. You can still change any answer."
    return f"{answered} of {total} statements answered."


def rating_words(assessment: Assessment, value: int | None) -> str:
    """``5`` -> ``5``; ``7`` -> ``7, Extremely skilled``; ``None`` -> ``Not sure`` (for announcements)."""
    if value is None:
        return NOT_SURE
    anchor = assessment.anchor(value)
    return f"{value}, {anchor}" if anchor else str(value)


__all__ = ["NOT_SURE", "form_props", "progress_words", "rating_words"]
