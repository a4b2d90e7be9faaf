"""Typed, immutable models of validated content.

Models are built only from data that passed the schema, so constructors trust the shape. They are
frozen: the engine, live rooms and grading share one loaded scenario without copying it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

QUALITIES = ("best", "mixed", "harmful")
NARRATOR = "narrator"


@dataclass(frozen=True)
class Line:
    speaker: str
    text: str


@dataclass(frozen=True)
class Choice:
    """What the mentor may say at a decision point, and what follows from it."""

    id: str
    text: str
    quality: str
    scores: Mapping[str, int]
    feedback: str
    goto: str
    reply: tuple[Line, ...] = ()

    @property
    def total(self) -> int:
        """The sum of score changes; at each point the ``best`` option must have the highest."""
        return sum(self.scores.values())


@dataclass(frozen=True)
class Ending:
    kind: str
    title: str
    text: str


@dataclass(frozen=True)
class Node:
    id: str
    lines: tuple[Line, ...] = ()
    choices: tuple[Choice, ...] = ()
    goto: str | None = None
    ending: Ending | None = None

    @property
    def is_decision(self) -> bool:
        return bool(self.choices)

    def choice(self, choice_id: str) -> Choice | None:
        return next((c for c in self.choices if c.id == choice_id), None)


@dataclass(frozen=True)
class Character:
    id: str
    name: str
    pronouns: str = ""
    age: int | None = None
    heritage: str = ""
    context: str = ""


@dataclass(frozen=True)
class ChecklistItem:
    id: str
    text: str
    competency: str | None = None


@dataclass(frozen=True)
class PathTest:
    name: str
    path: tuple[str, ...]
    ending: str
    scores: Mapping[str, int] | None = None


@dataclass(frozen=True)
class Scenario:
    """A branching role-play, ready for the engine."""

    id: str
    title: str
    module: str
    summary: str
    competencies: tuple[str, ...]
    characters: Mapping[str, Character]
    start: str
    nodes: Mapping[str, Node]
    content_warnings: tuple[str, ...] = ()
    debrief_prompts: tuple[str, ...] = ()
    debrief_notes: str = ""
    live_roles: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    checklist: tuple[ChecklistItem, ...] = ()
    tests: tuple[PathTest, ...] = ()
    file: str = ""

    def speaker_name(self, speaker: str) -> str:
        """The display name of a speaker id (``narrator`` has none)."""
        if speaker == NARRATOR:
            return ""
        char = self.characters.get(speaker)
        return char.name if char else speaker

    def choice(self, choice_id: str) -> Choice | None:
        """Find a choice anywhere in the scenario by its (scenario-unique) id."""
        for node in self.nodes.values():
            found = node.choice(choice_id)
            if found:
                return found
        return None

    @property
    def decision_nodes(self) -> tuple[Node, ...]:
        return tuple(n for n in self.nodes.values() if n.is_decision)


@dataclass(frozen=True)
class Option:
    id: str
    text: str
    correct: bool
    explanation: str


@dataclass(frozen=True)
class Question:
    id: str
    prompt: str
    kind: str
    options: tuple[Option, ...]

    @property
    def correct_ids(self) -> frozenset[str]:
        return frozenset(o.id for o in self.options if o.correct)


@dataclass(frozen=True)
class SelfCheck:
    module: str
    title: str
    questions: tuple[Question, ...]
    intro: str = ""
    file: str = ""


@dataclass(frozen=True)
class Prompt:
    id: str
    title: str
    text: str
    points: int


@dataclass(frozen=True)
class Reflection:
    module: str
    title: str
    prompts: tuple[Prompt, ...]
    intro: str = ""
    file: str = ""

    @property
    def points(self) -> int:
        return sum(p.points for p in self.prompts)


@dataclass(frozen=True)
class Competency:
    id: str
    title: str
    description: str = ""


@dataclass(frozen=True)
class ModuleInfo:
    id: str
    title: str
    minutes: int
    objectives: tuple[str, ...]


@dataclass(frozen=True)
class Course:
    id: str
    title: str
    competencies: tuple[Competency, ...]
    modules: tuple[ModuleInfo, ...]
    summary: str = ""
    file: str = ""
    #: ``region:`` in course.yaml: the resource pack shown when neither the mentor nor the server chose one.
    region: str = ""

    @property
    def competency_ids(self) -> tuple[str, ...]:
        return tuple(c.id for c in self.competencies)

    def module(self, module_id: str) -> ModuleInfo | None:
        return next((m for m in self.modules if m.id == module_id), None)

    def competency(self, competency_id: str) -> Competency | None:
        return next((c for c in self.competencies if c.id == competency_id), None)


def _lines(items: Any) -> tuple[Line, ...]:
    return tuple(Line(i["speaker"], i["text"]) for i in items or ())


def scenario_from_dict(d: dict[str, Any], file: str = "") -> Scenario:
    """Build a :class:`Scenario` from schema-valid data."""
    nodes = {}
    for node_id, n in d["nodes"].items():
        ending = n.get("ending")
        nodes[node_id] = Node(
            id=node_id,
            lines=_lines(n.get("lines")),
            choices=tuple(
                Choice(c["id"], c["text"], c["quality"], MappingProxyType(dict(c["scores"])), c["feedback"],
                       c["goto"], _lines(c.get("reply")))
                for c in n.get("choices") or ()
            ),
            goto=n.get("goto"),
            ending=Ending(ending["kind"], ending["title"], ending["text"]) if ending else None,
        )
    live = d.get("live") or {}
    debrief = d.get("debrief") or {}
    return Scenario(
        id=d["id"],
        title=d["title"],
        module=d["module"],
        summary=d["summary"],
        competencies=tuple(d["competencies"]),
        characters=MappingProxyType({
            cid: Character(cid, c["name"], c.get("pronouns", ""), c.get("age"), c.get("heritage", ""),
                           c.get("context", ""))
            for cid, c in d["characters"].items()
        }),
        start=d["start"],
        nodes=MappingProxyType(nodes),
        content_warnings=tuple(d.get("content_warnings") or ()),
        debrief_prompts=tuple(debrief.get("prompts") or ()),
        debrief_notes=debrief.get("notes", ""),
        live_roles=MappingProxyType(dict(live.get("roles") or {})),
        checklist=tuple(ChecklistItem(i["id"], i["text"], i.get("competency")) for i in live.get("checklist") or ()),
        tests=tuple(
            PathTest(t.get("name", f"test {k + 1}"), tuple(t["path"]), t["expect"]["ending"],
                     MappingProxyType(t["expect"]["scores"]) if "scores" in t["expect"] else None)
            for k, t in enumerate(d.get("tests") or ())
        ),
        file=file,
    )


def selfcheck_from_dict(d: dict[str, Any], file: str = "") -> SelfCheck:
    """Build a :class:`SelfCheck` from schema-valid data."""
    return SelfCheck(
        module=d["module"],
        title=d["title"],
        intro=d.get("intro", ""),
        questions=tuple(
            Question(q["id"], q["prompt"], q["kind"],
                     tuple(Option(o["id"], o["text"], o["correct"], o["explanation"]) for o in q["options"]))
            for q in d["questions"]
        ),
        file=file,
    )


def reflection_from_dict(d: dict[str, Any], file: str = "") -> Reflection:
    """Build a :class:`Reflection` from schema-valid data."""
    return Reflection(
        module=d["module"],
        title=d["title"],
        intro=d.get("intro", ""),
        prompts=tuple(Prompt(p["id"], p["title"], p["text"], p["points"]) for p in d["prompts"]),
        file=file,
    )


def course_from_dict(d: dict[str, Any], file: str = "") -> Course:
    """Build a :class:`Course` from schema-valid data."""
    return Course(
        id=d["id"],
        title=d["title"],
        summary=d.get("summary", ""),
        competencies=tuple(Competency(c["id"], c["title"], c.get("description", "")) for c in d["competencies"]),
        modules=tuple(ModuleInfo(m["id"], m["title"], m["minutes"], tuple(m["objectives"])) for m in d["modules"]),
        file=file,
        region=d.get("region", ""),
    )
