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


#: A position in the source document (keys and list indexes), kept on conditional parts so the
#: validator and playtest can point at the ``if:`` they are talking about.
Site = tuple[str | int, ...]


@dataclass(frozen=True)
class Line:
    """One spoken line; in ``mentor-scenario/2`` shown only when ``cond`` (its ``if:``) holds."""

    speaker: str
    text: str
    cond: str | None = None
    site: Site = field(default=(), compare=False, repr=False)


@dataclass(frozen=True)
class Route:
    """One branch of a conditional ``goto``: go to ``goto`` when ``cond`` holds (None: always)."""

    goto: str
    cond: str | None = None
    site: Site = field(default=(), compare=False, repr=False)


@dataclass(frozen=True)
class StateVar:
    """A declared flag (starts false) or counter (starts 0)."""

    name: str
    type: str
    description: str = ""


@dataclass(frozen=True)
class Choice:
    """What the mentor may say at a decision point, and what follows from it.

    ``goto`` is the plain target, or for a list of branches the final fallback; ``routes`` holds
    every branch in order (one unconditional route for a plain ``goto``). ``cond`` is the choice's
    ``if:``; ``set_flags``/``add_counters`` are its effects; ``repairs`` lists the earlier harmful
    choices it repairs, and ``repairs_any`` says it repairs every one.
    """

    id: str
    text: str
    quality: str
    scores: Mapping[str, int]
    feedback: str
    goto: str
    reply: tuple[Line, ...] = ()
    cond: str | None = None
    set_flags: Mapping[str, bool] = field(default_factory=lambda: MappingProxyType({}))
    add_counters: Mapping[str, int] = field(default_factory=lambda: MappingProxyType({}))
    repairs: tuple[str, ...] = ()
    repairs_any: bool = False
    routes: tuple[Route, ...] = ()
    site: Site = field(default=(), compare=False, repr=False)

    def __post_init__(self) -> None:
        if not self.routes:
            object.__setattr__(self, "routes", (Route(self.goto),))

    @property
    def total(self) -> int:
        """The sum of score changes; at each point the ``best`` option must have the highest."""
        return sum(self.scores.values())


@dataclass(frozen=True)
class TextPart:
    """A paragraph of an ending, shown when ``cond`` holds (None: always)."""

    text: str
    cond: str | None = None
    site: Site = field(default=(), compare=False, repr=False)


@dataclass(frozen=True)
class Claim:
    """What must hold on every path that reaches an ending (checked by playtest)."""

    text: str
    site: Site = field(default=(), compare=False, repr=False)


@dataclass(frozen=True)
class Ending:
    """An ending. ``text`` is the whole text of a v1 ending, or the parts without a condition
    joined; the engine's ``ending()`` returns a copy whose ``text`` is what this path shows."""

    kind: str
    title: str
    text: str
    parts: tuple[TextPart, ...] = ()
    claims: tuple[Claim, ...] = ()

    def __post_init__(self) -> None:
        if not self.parts:
            object.__setattr__(self, "parts", (TextPart(self.text),))


@dataclass(frozen=True)
class Node:
    id: str
    lines: tuple[Line, ...] = ()
    choices: tuple[Choice, ...] = ()
    goto: str | None = None
    ending: Ending | None = None
    routes: tuple[Route, ...] = ()

    def __post_init__(self) -> None:
        if self.goto and not self.routes:
            object.__setattr__(self, "routes", (Route(self.goto),))

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
    #: ``setting:`` where the character lives now: a country by its common English name, and a place.
    country: str = ""
    place: str = ""


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
    state: Mapping[str, bool | int] | None = None


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
    state: Mapping[str, StateVar] = field(default_factory=lambda: MappingProxyType({}))
    version: int = 1
    #: The module this scenario moved from (id kept): saved progress under ``<moved_from>/<id>`` follows it.
    moved_from: str = ""

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
    #: The module this prompt moved from (id kept): a draft saved under that module follows it.
    moved_from: str = ""


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

    @property
    def moves(self) -> dict[str, str]:
        """Prompt id -> the module it moved from, for prompts that moved."""
        return {p.id: p.moved_from for p in self.prompts if p.moved_from}


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
class Track:
    """A route through the course: ``core`` before the first meeting, ``electives`` during the match.

    ``max_minutes`` caps the track's measured total (:mod:`widgets.content.timing`)."""

    id: str
    title: str
    modules: tuple[str, ...]
    summary: str = ""
    max_minutes: int | None = None


#: The track a mentor completes before their first meeting; shown first everywhere.
CORE_TRACK = "core"
#: Words a minute used for every measured minute when course.yaml states no ``reading_wpm``.
DEFAULT_READING_WPM = 200


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
    tracks: tuple[Track, ...] = ()
    #: The stated reading rate behind every measured minute.
    reading_wpm: int = DEFAULT_READING_WPM

    @property
    def competency_ids(self) -> tuple[str, ...]:
        return tuple(c.id for c in self.competencies)

    def module(self, module_id: str) -> ModuleInfo | None:
        return next((m for m in self.modules if m.id == module_id), None)

    def competency(self, competency_id: str) -> Competency | None:
        return next((c for c in self.competencies if c.id == competency_id), None)

    def track(self, track_id: str) -> Track | None:
        return next((t for t in self.tracks if t.id == track_id), None)

    def track_of(self, module_id: str) -> Track | None:
        """The (first) track listing ``module_id``; None when no track does."""
        return next((t for t in self.tracks if module_id in t.modules), None)

    @property
    def core(self) -> Track | None:
        """The ``core`` track, if the course declares one."""
        return self.track(CORE_TRACK)

    def ordered_tracks(self) -> tuple[Track, ...]:
        """Core first, then the others in the order course.yaml lists them."""
        return tuple(sorted(self.tracks, key=lambda t: t.id != CORE_TRACK))

    def modules_in_track_order(self) -> tuple[ModuleInfo, ...]:
        """The modules as the landing page numbers them: each track's (core first), then any no track lists.

        Every page that numbers modules uses this order, so "Module 3" is the same module everywhere (the
        growth page's overview once numbered them in course.yaml's module order instead).
        """
        seen: dict[str, ModuleInfo] = {}
        for track in self.ordered_tracks():
            for mid in track.modules:
                info = self.module(mid)
                if info is not None:
                    seen.setdefault(mid, info)
        return (*seen.values(), *(m for m in self.modules if m.id not in seen))


def _cond(item: Any) -> str | None:
    """The ``if:`` of a mapping as text (YAML reads ``if: true`` as a boolean)."""
    if not isinstance(item, dict) or "if" not in item:
        return None
    value = item["if"]
    return ("true" if value else "false") if isinstance(value, bool) else str(value)


def _lines(items: Any, site: Site = ()) -> tuple[Line, ...]:
    return tuple(Line(i["speaker"], i["text"], _cond(i), (*site, k)) for k, i in enumerate(items or ()))


def _routes(goto: Any, site: Site) -> tuple[str | None, tuple[Route, ...]]:
    """A ``goto`` as (fallback target, branches): a plain string is one unconditional branch."""
    if goto is None:
        return None, ()
    if isinstance(goto, str):
        return goto, (Route(goto, None, site),)
    routes = tuple(Route(b["goto"], _cond(b), (*site, k)) for k, b in enumerate(goto))
    return (routes[-1].goto if routes else None), routes


def _choice(c: dict[str, Any], site: Site) -> Choice:
    goto, routes = _routes(c["goto"], (*site, "goto"))
    repairs = c.get("repairs") or ()
    return Choice(
        c["id"], c["text"], c["quality"], MappingProxyType(dict(c["scores"])), c["feedback"], goto or "",
        _lines(c.get("reply"), (*site, "reply")),
        cond=_cond(c),
        set_flags=MappingProxyType(dict(c.get("set") or {})),
        add_counters=MappingProxyType(dict(c.get("add") or {})),
        repairs=() if isinstance(repairs, str) else tuple(repairs),
        repairs_any=repairs == "any",
        routes=routes,
        site=site,
    )


def _ending(e: dict[str, Any], site: Site) -> Ending:
    text = e["text"]
    if isinstance(text, str):
        parts: tuple[TextPart, ...] = (TextPart(text, None, (*site, "text")),)
    else:
        parts = tuple(TextPart(p["text"], _cond(p), (*site, "text", k)) for k, p in enumerate(text))
    claims = tuple(Claim(_cond({"if": c}) or "", (*site, "claims", k)) for k, c in enumerate(e.get("claims") or ()))
    plain = "\n\n".join(p.text for p in parts if p.cond is None)
    return Ending(e["kind"], e["title"], plain, parts, claims)


def scenario_from_dict(d: dict[str, Any], file: str = "") -> Scenario:
    """Build a :class:`Scenario` from schema-valid data (``mentor-scenario/1`` or ``/2``)."""
    nodes = {}
    for node_id, n in d["nodes"].items():
        ending = n.get("ending")
        site = ("nodes", node_id)
        goto, routes = _routes(n.get("goto"), (*site, "goto"))
        nodes[node_id] = Node(
            id=node_id,
            lines=_lines(n.get("lines"), (*site, "lines")),
            choices=tuple(_choice(c, (*site, "choices", k)) for k, c in enumerate(n.get("choices") or ())),
            goto=goto,
            ending=_ending(ending, (*site, "ending")) if ending else None,
            routes=routes,
        )
    version = str(d.get("schema", "")).rpartition("/")[2]
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
                           c.get("context", ""), (c.get("setting") or {}).get("country", ""),
                           (c.get("setting") or {}).get("place", ""))
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
                     MappingProxyType(t["expect"]["scores"]) if "scores" in t["expect"] else None,
                     MappingProxyType(t["expect"]["state"]) if "state" in t["expect"] else None)
            for k, t in enumerate(d.get("tests") or ())
        ),
        file=file,
        state=MappingProxyType({
            name: StateVar(name, v["type"], v.get("description", "")) for name, v in (d.get("state") or {}).items()
        }),
        version=int(version) if version.isdigit() else 1,
        moved_from=d.get("moved_from", ""),
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
        prompts=tuple(Prompt(p["id"], p["title"], p["text"], p["points"], p.get("moved_from", "")) for p in d["prompts"]),
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
        tracks=tuple(Track(t["id"], t["title"], tuple(t["modules"]), t.get("summary", ""), t.get("max_minutes"))
                     for t in d.get("tracks") or ()),
        reading_wpm=int(d.get("reading_wpm", DEFAULT_READING_WPM)),
    )
