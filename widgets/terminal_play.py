"""Play a scenario in a plain terminal: handy for authors checking a branch without Jupyter.

Input and output are passed in, so tests drive it with a list of answers.
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable

from widgets import engine
from widgets.content.models import Scenario

QUALITY_WORDS = {"best": "strong response", "mixed": "mixed response", "harmful": "harmful response"}


def _say(out: Callable[[str], None], name: str, text: str) -> None:
    prefix = f"{name}: " if name else ""
    out(textwrap.fill(text, width=88, initial_indent=prefix, subsequent_indent=" " * len(prefix)))


def play_in_terminal(sc: Scenario, ask: Callable[[str], str], out: Callable[[str], None]) -> engine.PlayState:
    """Play ``sc`` to an ending, asking for a number at each decision point. Returns the final state.

    Typing ``q`` stops early; the state reached so far is returned.
    """
    out(f"== {sc.title} ==")
    if sc.content_warnings:
        out("Content note: " + "; ".join(sc.content_warnings))
    st = engine.start(sc)
    for entry in engine.transcript(sc, st):
        _say(out, entry.name, entry.text)
    while not engine.is_ended(sc, st):
        choices = engine.available_choices(sc, st)
        out("")
        for i, c in enumerate(choices, 1):
            out(textwrap.fill(c.text, width=88, initial_indent=f"  {i}. ", subsequent_indent="     "))
        answer = ask(f"Your response [1-{len(choices)}, q to quit]: ").strip().lower()
        if answer in ("q", "quit"):
            return st
        if not answer.isdigit() or not 1 <= int(answer) <= len(choices):
            out(f"Please type a number from 1 to {len(choices)}.")
            continue
        before = len(engine.transcript(sc, st))
        step = engine.choose(sc, st, choices[int(answer) - 1].id)
        st = step.state
        deltas = ", ".join(f"{k} {v:+d}" for k, v in step.deltas.items()) or "no score change"
        out(f"\n[{QUALITY_WORDS[step.quality]}: {deltas}]")
        _say(out, "Feedback", step.feedback)
        out("")
        for entry in engine.transcript(sc, st)[before + 1:]:
            _say(out, entry.name, entry.text)
    end = engine.ending(sc, st)
    assert end is not None
    out(f"\n== Ending: {end.title} ({end.kind}) ==")
    for paragraph in (p for p in end.text.split("\n\n") if p.strip()):
        _say(out, "", paragraph)
    out("Totals: " + ", ".join(f"{k} {v:+d}" for k, v in engine.totals(sc, st).items()))
    if sc.state:
        values = engine.state_values(sc, st)
        shown = [f"{name} {'yes' if v is True else 'no' if v is False else v}"
                 for name in sc.state for v in (values[name],)]
        out("Your path set: " + ", ".join(shown) + f" (harmful choices not repaired: {values['unrepaired']})")
    best = engine.strongest_path(sc)
    out("Your path:      " + " > ".join(st.history))
    out("Strongest path: " + " > ".join(best))
    if sc.debrief_prompts:
        out("Debrief:")
        for p in sc.debrief_prompts:
            _say(out, "  -", p)
    return st
