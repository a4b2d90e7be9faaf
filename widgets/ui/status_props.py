"""What the module header and the course overview show (pure; escaped here).

Completion comes from :mod:`widgets.learner`; this module only turns it into words. Every state is
written out ("Done", "2 of 7 answered") beside its symbol, never shown by colour alone.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from widgets.learner import Location, ModuleStatus, TrackProgress
from widgets.ui.text import inline

STATE_WORDS = {"done": ("Done", "✓"), "in progress": ("In progress", "◐"), "not started": ("Not started", "○")}
SCENARIO_WORDS = {"finished": ("Played to an ending", "✓"), "in progress": ("Started", "◐"),
                  "not started": ("Not played yet", "○")}


def learner_props(location: Location, learner: str, name: str, where: str, *, ready: bool = True) -> dict[str, Any]:
    """Who is saving, and where, in words. ``link`` asks the page to show the personal link; ``ready``
    is false while the learner is not known yet (the page then shows no link)."""
    if location.mode == "shared":
        text = ("Your work is saved on this course server under a pseudonymous id, not your name. Bookmark your "
                "personal link to come back to it; anyone with the link can see your progress, so keep it to "
                "yourself.")
    elif location.mode == "hub":
        text = (f"You are signed in as {learner}. Your work is saved in your own space on this course's hub, "
                f"in {where}; other mentors cannot read it.")
    elif location.mode == "local":
        text = f"Your work is saved on this computer, in {where}. Nothing leaves it unless you download it."
    else:
        text = f"Your work is saved in {where}. Nothing leaves this machine unless you download it."
    return {"id": learner, "name": name, "mode": location.mode, "generated": location.generated,
            "link": location.mode == "shared" and ready, "ready": ready, "where": text}


#: What "done" means for each kind of row, said once under the rows (the count above them adds these up).
DONE_MEANS = {
    "scenario": "a scenario is done once you have played it to any ending",
    "selfcheck": "the self-check once every question is answered",
    "reflection": "the reflection once every prompt has a draft",
}


def _parts(status: ModuleStatus) -> list[dict[str, Any]]:
    """One row per part the module's count is made of, scenarios numbered and titled as the page shows them."""
    items = []
    for n, sc in enumerate(status.scenarios, 1):
        words, icon = SCENARIO_WORDS[sc.state]
        detail = ""
        if len(sc.endings) > 1:
            detail = f"{len(sc.endings)} different endings reached"
        items.append({"kind": "scenario", "label": f"Scenario {n}: {inline(sc.title)}", "done": sc.state == "finished",
                      "state": words, "icon": icon, "detail": detail})
    if status.questions_total:
        done = status.questions_answered == status.questions_total
        state = (f"{status.questions_answered} of {status.questions_total} answered, "
                 f"{status.questions_correct} correct")
        items.append({"kind": "selfcheck", "label": "Self-check", "done": done, "state": state,
                      "icon": "✓" if done else ("◐" if status.questions_answered else "○"), "detail": ""})
    if status.prompts_total:
        done = status.prompts_drafted == status.prompts_total
        state = f"{status.prompts_drafted} of {status.prompts_total} prompt{'' if status.prompts_total == 1 else 's'} drafted"
        items.append({"kind": "reflection", "label": "Reflection drafts", "done": done, "state": state,
                      "icon": "✓" if done else ("◐" if status.prompts_drafted else "○"), "detail": ""})
    return items


def _done_means(items: list[dict[str, Any]]) -> str:
    kinds = [k for k in DONE_MEANS if any(i["kind"] == k for i in items)]
    if not kinds:
        return ""
    said = [DONE_MEANS[k] for k in kinds]
    text = said[0] if len(said) == 1 else ", ".join(said[:-1]) + " and " + said[-1]
    return "Done means: " + text + "."


def tracks_props(tracks: Iterable[TrackProgress], current: str = "") -> list[dict[str, Any]]:
    """One entry per track, e.g. {"label": "Core: 3 of 5 done", ...}; ``current`` marks the track of the
    module being shown."""
    return [{"id": t.id, "title": inline(t.title), "label": inline(t.label), "done": t.done, "total": t.total,
             "current": t.id == current} for t in tracks]


def header_props(status: ModuleStatus, *, minutes: int = 0, learner: Mapping[str, Any], notices: Iterable[str] = (),
                 error: str = "", tracks: Iterable[TrackProgress] = (), track: str = "") -> dict[str, Any]:
    """The module header: title, what is done (in this module and in each track of the course), and the
    learner's saved-work panel. ``track`` is the id of the track this module belongs to."""
    words, icon = STATE_WORDS[status.state]
    return {
        "tracks": tracks_props(tracks, track),
        "module": status.module,
        "title": inline(status.title),
        "minutes": minutes,
        "state": status.state,
        "state_label": words,
        "state_icon": icon,
        "done_count": status.parts_done,
        "part_count": len(status.parts),
        "items": (items := _parts(status)),
        "done_means": _done_means(items),
        "learner": dict(learner),
        "notices": list(notices),
        "error": error,
    }


def overview_props(title: str, statuses: Iterable[ModuleStatus], minutes: Mapping[str, int], *,
                   learner: Mapping[str, Any], notices: Iterable[str] = (), error: str = "",
                   tracks: Iterable[TrackProgress] = ()) -> dict[str, Any]:
    """Every module with its completion, in course order, and each track's count ("Core: 3 of 5 done")."""
    modules = []
    for n, st in enumerate(statuses, 1):
        words, icon = STATE_WORDS[st.state]
        finished = sum(1 for s in st.scenarios if s.state == "finished")
        modules.append({
            "id": st.module, "n": n, "title": inline(st.title), "minutes": minutes.get(st.module, 0),
            "state": st.state, "state_label": words, "state_icon": icon,
            "scenarios": f"{finished} of {len(st.scenarios)} finished" if st.scenarios else "none",
            "selfcheck": f"{st.questions_answered} of {st.questions_total} answered" if st.questions_total else "none",
            "reflection": f"{st.prompts_drafted} of {st.prompts_total} drafted" if st.prompts_total else "none",
        })
    done = sum(1 for m in modules if m["state"] == "done")
    return {"title": inline(title), "modules": modules, "done": done, "total": len(modules),
            "tracks": tracks_props(tracks), "learner": dict(learner), "notices": list(notices), "error": error}


__all__ = ["header_props", "learner_props", "overview_props", "tracks_props"]
