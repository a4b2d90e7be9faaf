"""What a mentor's scenario choices show, per competency: how often they chose the strongest response.

Pure core (the engine and the progress document). A scenario scores the competencies it lists; among
the decision points a mentor answered in those scenarios, the share where they picked a ``best``
option is the evidence for each of them, on the first attempt of each scenario and on the latest.

Attempts come from the progress file: every finished play-through (``runs``, in time order), then
the current position if it holds choices that are not simply the last finished run (a replay in
progress). A step back inside an attempt is not recorded, so only the choices kept count.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from widgets import engine
from widgets.content.models import Choice, Scenario


@dataclass(frozen=True)
class Tally:
    """Decision points answered, and how many of them with a ``best`` option."""

    best: int = 0
    answered: int = 0

    @property
    def share(self) -> float | None:
        return self.best / self.answered if self.answered else None

    def __add__(self, other: Tally) -> Tally:
        return Tally(self.best + other.best, self.answered + other.answered)


@dataclass(frozen=True)
class Decision:
    """One answered decision point: where it was, and what the mentor chose."""

    node: str
    choice: Choice


@dataclass(frozen=True)
class ScenarioEvidence:
    """One scenario a mentor played: their first and latest attempts, replayed through the engine."""

    key: str  # "<module>/<scenario id>", as progress files store it
    scenario: Scenario
    attempts: int
    first: tuple[Decision, ...]
    latest: tuple[Decision, ...]
    note: str = ""  # set when a saved choice no longer fits the scenario (it was edited since)
    #: Where the latest attempt ended ("" if unfinished) and the flags its path set, read through the
    #: same engine as the player (``mentor-scenario/2``: a flag such as ``asked_risk``).
    ending: str = ""
    flags: tuple[str, ...] = ()

    @property
    def first_tally(self) -> Tally:
        return _tally(self.first)

    @property
    def latest_tally(self) -> Tally:
        return _tally(self.latest)


def _tally(decisions: Iterable[Decision]) -> Tally:
    items = list(decisions)
    return Tally(sum(1 for d in items if d.choice.quality == "best"), len(items))


def attempts(entry: Mapping[str, Any]) -> list[tuple[str, ...]]:
    """The choice histories of a scenario's attempts, oldest first (see the module docstring)."""
    runs = sorted((r for r in entry.get("runs") or () if isinstance(r, dict)), key=lambda r: str(r.get("at", "")))
    out = [tuple(r.get("history") or ()) for r in runs]
    current = tuple(entry.get("history") or ())
    if current and (not out or current != out[-1]):
        out.append(current)
    return out


def decisions(sc: Scenario, history: Iterable[str]) -> tuple[tuple[Decision, ...], str]:
    """Replay ``history``; return the decisions it made and a note if a choice no longer fits.

    Replaying stops at the first choice the scenario does not offer there (the scenario was edited
    after the mentor played it); the decisions before it still count.
    """
    st = engine.start(sc)
    out: list[Decision] = []
    for cid in history:
        node = st.node_id
        try:
            step = engine.choose(sc, st, cid)
        except engine.InvalidChoice:
            return tuple(out), (f"a saved choice '{cid}' no longer fits scenario '{sc.id}' (it was changed after "
                                "you played it); only the choices before it count")
        out.append(Decision(node, step.choice))
        st = step.state
    return tuple(out), ""


def outcome(sc: Scenario, history: Iterable[str]) -> tuple[str, tuple[str, ...]]:
    """The ending a (fitting) path reached, "" if none yet, and the declared flags it set."""
    st = engine.replay(sc, history)
    return (st.node_id if engine.is_ended(sc, st) else ""), tuple(engine.set_flags(sc, st))


def scenario_evidence(doc: Mapping[str, Any],
                      scenarios: Mapping[str, Scenario]) -> tuple[list[ScenarioEvidence], list[str]]:
    """Evidence for every scenario of the course the mentor played; and notes on what was left out.

    ``scenarios`` maps ``<module>/<id>`` to the course's scenario models. A played scenario the course
    no longer has is named in the notes and left out.
    """
    out: list[ScenarioEvidence] = []
    notes: list[str] = []
    for key, entry in sorted((doc.get("scenarios") or {}).items()):
        if not isinstance(entry, dict):
            continue
        histories = [h for h in attempts(entry) if h]
        if not histories:
            continue
        sc = scenarios.get(key)
        if sc is None:
            notes.append(f"scenario '{key}' is not in this course (or cannot be loaded now), so its choices are "
                         "left out")
            continue
        first, note_first = decisions(sc, histories[0])
        latest, note_latest = decisions(sc, histories[-1])
        note = note_first or note_latest
        if note:
            notes.append(note)
        ending, flags = outcome(sc, [d.choice.id for d in latest])
        out.append(ScenarioEvidence(key, sc, len(histories), first, latest, note, ending, flags))
    return out, notes


@dataclass(frozen=True)
class CompetencyEvidence:
    """Pooled over the scenarios that list a competency: first attempts and latest attempts."""

    competency: str
    scenarios: int
    first: Tally
    latest: Tally


def by_competency(evidence: Iterable[ScenarioEvidence], competencies: Iterable[str]) -> dict[str, CompetencyEvidence]:
    """Per competency, the decisions of every played scenario whose ``competencies`` include it."""
    played = list(evidence)
    out = {}
    for comp in competencies:
        mine = [e for e in played if comp in e.scenario.competencies]
        out[comp] = CompetencyEvidence(comp, len(mine), sum((e.first_tally for e in mine), Tally()),
                                       sum((e.latest_tally for e in mine), Tally()))
    return out


__all__ = [
    "CompetencyEvidence",
    "Decision",
    "ScenarioEvidence",
    "Tally",
    "attempts",
    "by_competency",
    "decisions",
    "outcome",
    "scenario_evidence",
]
