"""What the scenario player shows, as one JSON-ready dict: ``props_for(scenario, state) -> dict``.

Pure: no widgets, no kernel. The view sets this dict as its one synced trait after every action, so
one message carries a whole update, and tests check what a mentor would see without a browser. All
text from YAML is escaped here (:mod:`widgets.ui.text`); the browser code only places it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from widgets import engine
from widgets.content.models import NARRATOR, Choice, Scenario
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


def _mentor_item(k: int, step: int, choice: Choice) -> dict[str, Any]:
    return {"k": k, "kind": "mentor", "html": inline(choice.text), "step": step, "name": "You"}


def _feedback_item(k: int, step: int, choice: Choice, titles: Mapping[str, str]) -> dict[str, Any]:
    return {"k": k, "kind": "feedback", "html": inline(choice.feedback),
            **QUALITY.get(choice.quality, {"label": choice.quality, "icon": "•"}),
            "quality": choice.quality, "step": step, "deltas": deltas(choice.scores, titles)}


def _transcript(sc: Scenario, st: engine.PlayState, titles: Mapping[str, str]) -> list[dict[str, Any]]:
    entries = engine.transcript(sc, st, with_feedback=True)
    out: list[dict[str, Any]] = []
    step = 0
    for k, e in enumerate(entries):
        choice = sc.choice(e.choice_id) if e.choice_id else None
        if e.kind == "mentor" and choice is not None:
            step += 1
            out.append(_mentor_item(k, step, choice))
        elif e.kind == "feedback" and choice is not None:
            out.append(_feedback_item(k, step, choice, titles))
        else:
            item = {"k": k, "kind": "narration" if e.speaker == NARRATOR else "line", "html": inline(e.text),
                    "name": html_name(e.name), "speaker": e.speaker}
            # a second line in a row from one speaker: the page names them once (visually)
            item["cont"] = bool(out) and out[-1]["kind"] == "line" == item["kind"] and out[-1]["speaker"] == e.speaker
            out.append(item)
    feedbacks = [i for i in out if i["kind"] == "feedback"]
    if feedbacks:
        feedbacks[-1]["latest"] = True
    return out


def _choice_words(choice: Choice, titles: Mapping[str, str]) -> str:
    quality = QUALITY.get(choice.quality, {"label": choice.quality})["label"]
    return f"{quality}. {_deltas_words(deltas(choice.scores, titles))}. Feedback: {plain(choice.feedback)}"


def _choices(sc: Scenario, st: engine.PlayState, titles: Mapping[str, str], shown: int) -> list[dict[str, Any]]:
    """The options, each with what the page can show the moment it is chosen: the mentor's words and
    the feedback exactly as the transcript will hold them (entries ``shown`` and ``shown + 1``), and
    their announcement. The kernel still decides where the conversation goes; its update follows."""
    step = len(st.history) + 1
    out = []
    for n, c in enumerate(engine.available_choices(sc, st), 1):
        fb = _feedback_item(shown + 1, step, c, titles)
        fb["latest"] = True
        ends = engine.is_ended(sc, engine.choose(sc, st, c.id).state)
        out.append({"id": c.id, "n": n, "html": inline(c.text), "ends": ends,
                    "then": [_mentor_item(shown, step, c), fb], "announce": _choice_words(c, titles)})
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
    words = _choice_words(choice, titles)
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
        out["choices"] = _choices(sc, st, titles, len(out["transcript"]))
    return out


__all__ = ["ENDING_KINDS", "QUALITY", "announcement", "competency_title", "deltas", "props_for", "signed"]
