"""The scenario player: one AnyWidget whose ``props`` trait is set from :func:`props_for`.

The browser renders ``props`` and sends back what the mentor did (``continue``, ``choose``,
``restart``, ``back``) as a custom message; it never decides branching. Each option in ``props``
carries its words and feedback exactly as the transcript will hold them, so the page shows them the
moment a choice is made (measured here: about 2 ms, against 6-12 ms for a bare Voilà button round
trip); the kernel then calls ``engine.choose``, sets ``props`` once (one message: what follows and
the next options) and saves the event after its reply has left.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from widgets import engine
from widgets.content.models import Scenario
from widgets.progress import make_event, saved_scenario, scenario_key
from widgets.ui.base import CourseWidget, after_reply
from widgets.ui.esm import esm
from widgets.ui.player_props import props_for
from widgets.ui.session import Session

HERE = Path(__file__).parent


#: Shown when a saved path no longer replays on the scenario (an author revised it).
REVISED_NOTICE = "This scenario was revised; your earlier path no longer fits, so it starts again."


def _resume(sc: Scenario, history: list[str]) -> tuple[engine.PlayState, str]:
    """Replay saved choices; when they no longer fit the scenario, start again with a note.

    A saved path stops fitting when an author removed a choice, or gave it a new id because its
    meaning changed; with path state (``mentor-scenario/2``) a prefix of it could also mean something
    else now (a flag set by a choice that no longer exists), so the play starts over rather than
    resuming halfway. The saved history stays in the learner's progress file until they play on.
    """
    if engine.fits(sc, history):
        return engine.replay(sc, history), ""
    return engine.start(sc), REVISED_NOTICE


class ScenarioView(CourseWidget):
    """Plays one scenario, saving every step to the learner's progress."""

    _esm = esm("scenario_view.js")
    _filled = ("scenario",)

    def __init__(self, scenario: Scenario, session: Session, **kwargs: Any) -> None:
        super().__init__(session, **kwargs)
        self.scenario = scenario
        self.key = scenario_key(scenario.module, scenario.id)
        self.titles = session.competency_titles()
        self.seq = 0
        self.reload()

    # ------------------------------------------------------------------ state
    def _saved(self) -> dict[str, Any]:
        return saved_scenario(self.session.doc, self.scenario.module, self.scenario.id, self.scenario.moved_from)

    def reload(self) -> None:
        saved = self._saved()
        self.state, notice = _resume(self.scenario, list(saved.get("history", [])))
        self.acknowledged = bool(saved.get("acknowledged")) or bool(saved.get("history"))
        self._render(notice=" ".join(n for n in (notice, *self.session.notices) if n), error=self.session.error)

    def _render(self, *, focus: str = "", notice: str = "", error: str = "") -> None:
        self.props = props_for(self.scenario, self.state, acknowledged=self.acknowledged, titles=self.titles,
                               seq=self.seq, focus=focus, notice=notice, error=error)

    def report_fault(self, message: str) -> None:
        self._render(error=message)

    # ------------------------------------------------------------------ actions
    def handle(self, content: dict[str, Any]) -> None:
        """Apply one action from the browser (also what tests call)."""
        action = content.get("action")
        if action == "continue":
            self.acknowledged = True
            self.seq += 1
            self._render(focus="start")
            self._save(make_event("scenario.acknowledge", scenario=self.key))
        elif action == "choose":
            self._choose(str(content.get("choice", "")), content.get("at"))
        elif action == "restart":
            self.state = engine.start(self.scenario)
            self.seq += 1
            self._render(focus="start")
            self._save(make_event("scenario.position", scenario=self.key, history=[]))
        elif action == "back" and self.state.history:
            self.state = engine.replay(self.scenario, self.state.history[:-1])
            self.seq += 1
            self._render(focus="choices")
            self._save(make_event("scenario.position", scenario=self.key, history=list(self.state.history)))

    def choose(self, choice_id: str) -> None:
        """Take ``choice_id`` now (the same path a click takes)."""
        self.handle({"action": "choose", "choice": choice_id, "at": len(self.state.history)})

    def _choose(self, choice_id: str, at: Any) -> None:
        try:
            if at is not None and at != len(self.state.history):
                raise engine.InvalidChoice("a click from a page that had not seen the last step")
            step = engine.choose(self.scenario, self.state, choice_id)
        except engine.InvalidChoice:
            # The page may already show this choice (it shows a choice at once): send the truth back.
            self.seq += 1
            self._render()
            return
        self.state = step.state
        self.seq += 1
        ended = engine.ending(self.scenario, self.state)
        self._render(focus="ending" if ended else "feedback")
        extra = {}
        if ended is not None:
            extra["ended"] = {"ending": self.state.node_id, "totals": engine.totals(self.scenario, self.state)}
        self._save(make_event("scenario.position", scenario=self.key, history=list(self.state.history), **extra))

    def _save(self, event: dict[str, Any]) -> None:
        def save() -> None:
            problem = self.session.record(event)
            if problem:
                self._render(error=problem)

        after_reply(save)


__all__ = ["ScenarioView"]
