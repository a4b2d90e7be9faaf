"""What the scenario player shows, as one JSON-ready dict: ``props_for(scenario, state) -> dict``.

Pure: no widgets, no kernel. The view sets this dict as its one synced trait after every action, so
one message carries a whole update, and tests check what a mentor would see without a browser. All
text from YAML is escaped here (:mod:`widgets.ui.text`); the browser code only places it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from widgets import engine
from widgets.content.models import NARRATOR, Scenario
from widgets.ui.text import block, inline, plain

#: Quality in words and a symbol, never by colour alone.
QUALITY = {
    "best": {"label": "Strong response", "icon": "✓"},
    "mixed": {"label": "Mixed response", "icon": "◐"},
    "harmful": {"label": "Harmful response", "icon": "✗"},
}
ENDING_KINDS = {"growth": "Growth", "repair": "Repair", "withdrawal": "Withdrawal", "neutral": "Neutral"}


def competency_title(comp: str, titles: Mapping[str, str]) -> str:
    return titles.get(comp) or comp.replace("-", " ").capitalize()


def signed(points: int) -> str:
    """``+2``, ``−1`` (a real minus sign, read as "minus" by screen readers), ``0``."""
    return f"+{points}" if points > 0 else (f"−{-points}" if points < 0 else "0")


def deltas(scores: Mapping[str, int], titles: Mapping[str, str]) -> list[dict[str, Any]]:
    return [{"id": comp, "title": competency_title(comp, titles), "points": pts, "text": signed(pts),
             "direction": "gained" if pts > 0 else ("lost" if pts < 0 else "unchanged")}
            for comp, pts in scores.items()]


def _deltas_words(items: list[dict[str, Any]]) -> str:
    return ", ".join(f"{d['title']} {d['text']}" for d in items) or "no change in points"


def _characters(sc: Scenario) -> list[dict[str, str]]:
    out = []
    for ch in sc.characters.values():
        facts = [f for f in (ch.pronouns, f"{ch.age}" if ch.age else "", ch.heritage) if f]
        out.append({"name": html_name(ch.name), "facts": inline(", ".join(facts)), "context": inline(ch.context)})
    return out


def html_name(name: str) -> str:
    return inline(name).replace("<em>", "").replace("</em>", "")


def _transcript(sc: Scenario, st: engine.PlayState, titles: Mapping[str, str]) -> list[dict[str, Any]]:
    entries = engine.transcript(sc, st, with_feedback=True)
    out: list[dict[str, Any]] = []
    step = 0
    for k, e in enumerate(entries):
        item: dict[str, Any] = {"k": k, "kind": e.kind, "html": inline(e.text)}
        if e.kind == "line":
            item["kind"] = "narration" if e.speaker == NARRATOR else "line"
            item["name"] = html_name(e.name)
            item["speaker"] = e.speaker
        elif e.kind == "mentor":
            step += 1
            item["step"] = step
            item["name"] = "You"
        elif e.kind == "feedback":
            choice = sc.choice(e.choice_id)
            item.update(QUALITY.get(e.quality, {"label": e.quality, "icon": "•"}))
            item["quality"] = e.quality
            item["step"] = step
            item["deltas"] = deltas(choice.scores if choice else {}, titles)
        out.append(item)
    feedbacks = [i for i in out if i["kind"] == "feedback"]
    if feedbacks:
        feedbacks[-1]["latest"] = True
    return out


def _ending(sc: Scenario, st: engine.PlayState, titles: Mapping[str, str]) -> dict[str, Any]:
    end = engine.ending(sc, st)
    assert end is not None
    best_path = engine.strongest_path(sc)
    best_state = engine.replay(sc, best_path)
    yours, strongest = engine.totals(sc, st), engine.totals(sc, best_state)
    comps = list(dict.fromkeys([*sc.competencies, *yours, *strongest]))

    def path_items(history: tuple[str, ...]) -> list[dict[str, Any]]:
        items = []
        for n, cid in enumerate(history, 1):
            c = sc.choice(cid)
            if c is None:
                continue
            items.append({"n": n, "id": cid, "html": inline(c.text), "quality": c.quality,
                          **QUALITY.get(c.quality, {"label": c.quality, "icon": "•"})})
        return items

    return {
        "node": st.node_id,
        "title": inline(end.title),
        "kind": end.kind,
        "kind_label": ENDING_KINDS.get(end.kind, end.kind.capitalize()),
        "html": block(end.text),
        "totals": [{"id": c, "title": competency_title(c, titles), "yours": signed(yours.get(c, 0)),
                    "strongest": signed(strongest.get(c, 0))} for c in comps],
        "yours": path_items(st.history),
        "strongest": path_items(best_path),
        "same_as_strongest": tuple(st.history) == best_path,
        "strongest_ending": inline((engine.ending(sc, best_state) or end).title),
        "debrief": [inline(p) for p in sc.debrief_prompts],
    }


def announcement(sc: Scenario, st: engine.PlayState, titles: Mapping[str, str]) -> str:
    """Plain words for the live region after the latest choice: quality, points, feedback, and the
    ending if one was reached."""
    if not st.history:
        return ""
    choice = sc.choice(st.history[-1])
    if choice is None:
        return ""
    quality = QUALITY.get(choice.quality, {"label": choice.quality})["label"]
    words = f"{quality}. {_deltas_words(deltas(choice.scores, titles))}. Feedback: {plain(choice.feedback)}"
    end = engine.ending(sc, st)
    if end is not None:
        words += f" The conversation has ended: {plain(end.title)}."
    return words


def props_for(sc: Scenario, st: engine.PlayState, *, acknowledged: bool = False,
              titles: Mapping[str, str] | None = None, seq: int = 0, focus: str = "",
              notice: str = "", error: str = "") -> dict[str, Any]:
    """Everything the player view renders for ``st``.

    ``phase`` is ``warning`` (content warnings shown, waiting for the mentor to continue), ``playing``
    or ``ended``. ``seq`` increases with every action so the browser knows when to move focus to
    ``focus`` (``feedback``, ``ending``, ``choices`` or ``start``); a restored page has seq 0 and
    does not steal focus.
    """
    titles = titles or {}
    ended = engine.is_ended(sc, st)
    acknowledged = acknowledged or bool(st.history) or not sc.content_warnings
    phase = "warning" if not acknowledged else ("ended" if ended else "playing")
    out: dict[str, Any] = {
        "scenario": sc.id,
        "module": sc.module,
        "title": inline(sc.title),
        "summary": inline(sc.summary),
        "characters": _characters(sc),
        "warnings": [inline(w) for w in sc.content_warnings],
        "phase": phase,
        "at": len(st.history),
        "history": list(st.history),
        "seq": seq,
        "focus": focus,
        "notice": notice,
        "error": error,
        "transcript": [],
        "choices": [],
        "ending": None,
        "announce": "",
    }
    if phase == "warning":
        return out
    out["transcript"] = _transcript(sc, st, titles)
    out["announce"] = announcement(sc, st, titles) if seq else ""
    if ended:
        out["ending"] = _ending(sc, st, titles)
    else:
        out["choices"] = [{"id": c.id, "n": n, "html": inline(c.text)}
                          for n, c in enumerate(engine.available_choices(sc, st), 1)]
    return out


__all__ = ["ENDING_KINDS", "QUALITY", "announcement", "competency_title", "deltas", "props_for", "signed"]
