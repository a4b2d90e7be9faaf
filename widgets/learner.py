"""Who the learner is, where their progress file lives, and how much of each module they have done.

Pure core (stdlib and PyYAML). Three places for the progress file, first match wins:

1. ``$MENTOR_COURSE_PROGRESS``: an explicit file path (a mentor's own choice, or a test).
2. On a JupyterHub (``$JUPYTERHUB_USER`` is set in every single-user server and its kernels): the
   learner is the signed-in user, and progress is ``<data>/progress/<user>.json`` where ``<data>`` is
   ``$MENTOR_COURSE_DATA`` or ``~/mentor-data``, in that user's own home (their Unix user or volume).
   The page's ``learner`` parameter is ignored: the hub's sign-in says who this is, and a link must
   not let one mentor write into another's file.
3. ``$MENTOR_COURSE_DATA/progress/<learner>.json``: a shared server (``mentor-course serve`` sets
   ``MENTOR_COURSE_DATA``). Every browser is a different learner, named by the page's ``learner``
   query parameter (Voilà passes the query string to the kernel as ``QUERY_STRING``); without one, a
   new pseudonymous id is made and the page shows a personal link to come back to.
4. ``<course root>/.progress/progress.json``: one learner on their own machine.

Only a pseudonymous id is stored, never a name unless the mentor adds one.
"""

from __future__ import annotations

import os
import re
import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

from widgets.progress import saved_drafts, saved_scenario

PROGRESS_ENV = "MENTOR_COURSE_PROGRESS"
DATA_ENV = "MENTOR_COURSE_DATA"
QUERY_ENV = "QUERY_STRING"
QUERY_PARAM = "learner"
#: Set by JupyterHub in each single-user server's environment (and so in its kernels'): the signed-in user.
HUB_USER_ENV = "JUPYTERHUB_USER"
HOME_ENV = "HOME"
HUB_DATA_DIR = "mentor-data"
LOCAL_DIR = ".progress"
LOCAL_FILE = "progress.json"

#: Lower-case letters, digits and hyphens: safe as a file name and in a URL, never a path.
LEARNER_ID = re.compile(r"^[a-z0-9][a-z0-9-]{5,62}[a-z0-9]$")
#: No 0/o, 1/l/i: a mentor may copy the id by hand from a printed link.
_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"


def new_learner_id() -> str:
    """A pseudonymous id, e.g. ``mentor-k7qz3v9mwd2x``: 12 characters from 31, about 59 bits, so one
    learner's link cannot be guessed from another's."""
    return "mentor-" + "".join(secrets.choice(_ALPHABET) for _ in range(12))


def is_learner_id(value: str) -> bool:
    return bool(LEARNER_ID.match(value or ""))


def learner_from_query(query: str) -> str | None:
    """The ``learner`` parameter of a URL query string (``a=1&learner=x``), or None."""
    values = parse_qs((query or "").lstrip("?"), keep_blank_values=True).get(QUERY_PARAM)
    return values[0].strip() if values else None


def hub_file_stem(user: str) -> str:
    """A file name for a hub user's progress: JupyterHub names may hold ``@``, ``.`` or capitals
    (e-mail addresses from OAuth), never ``/``; anything outside ``[a-z0-9._-]`` becomes ``-`` so the
    name is always one plain file, and a leading dot cannot hide it."""
    stem = re.sub(r"[^a-z0-9._-]", "-", user.lower()).lstrip(".")
    return stem or "hub-user"


@dataclass(frozen=True)
class Location:
    """Where this learner's progress lives and how it was decided.

    ``mode`` is ``explicit``, ``hub``, ``shared`` or ``local``. ``generated`` is true when a new id was made
    for a shared server (the page must show the personal link). ``note`` explains anything odd,
    for instance a link whose learner id was not valid.
    """

    path: Path
    learner: str
    mode: str
    generated: bool = False
    note: str = ""


def resolve_location(env: Mapping[str, str], course_root: Path | None, cwd: Path,
                     *, new_id: str | None = None) -> Location:
    """Decide where progress is saved, from the environment (see the module docstring)."""
    explicit = env.get(PROGRESS_ENV, "").strip()
    if explicit:
        return Location(Path(explicit).expanduser(), new_id or new_learner_id(), "explicit")
    hub_user = env.get(HUB_USER_ENV, "").strip()
    if hub_user:
        return hub_location(env, hub_user)
    data = env.get(DATA_ENV, "").strip()
    if data:
        asked = learner_from_query(env.get(QUERY_ENV, ""))
        note = ""
        if asked and is_learner_id(asked):
            learner, generated = asked, False
        else:
            learner, generated = new_id or new_learner_id(), True
            if asked:
                note = ("The learner id in this page's link is not valid (ids use letters, digits and hyphens), "
                        "so a new one was made.")
        return Location(Path(data).expanduser() / "progress" / f"{learner}.json", learner, "shared", generated, note)
    base = course_root if course_root is not None else cwd
    return Location(base / LOCAL_DIR / LOCAL_FILE, new_id or new_learner_id(), "local")


def hub_location(env: Mapping[str, str], user: str) -> Location:
    """The signed-in hub user's progress file, in their own storage (see the module docstring)."""
    data = env.get(DATA_ENV, "").strip()
    home = env.get(HOME_ENV, "").strip()
    base = Path(data).expanduser() if data else (Path(home) if home else Path.home()) / HUB_DATA_DIR
    note = ""
    if learner_from_query(env.get(QUERY_ENV, "")) is not None:
        note = (f"You are signed in to the course as {user}, so your work is saved under that name; "
                "the learner id in this page's link is not used here.")
    return Location(base / "progress" / f"{hub_file_stem(user)}.json", user, "hub", False, note)


# --------------------------------------------------------------------------------------------------
# What a module holds, read cheaply (ids and titles only, no validation)
# --------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class ScenarioInfo:
    id: str
    title: str
    file: str
    #: The module the scenario moved from (its saved progress may still be under that key).
    moved_from: str = ""


@dataclass(frozen=True)
class ModuleInventory:
    """The ids a module's progress is measured against."""

    module: str
    title: str = ""
    scenarios: tuple[ScenarioInfo, ...] = ()
    questions: tuple[str, ...] = ()
    prompts: tuple[str, ...] = ()
    #: Prompt id -> the module it moved from, for reflection prompts that moved here.
    prompt_moves: tuple[tuple[str, str], ...] = ()


def _quick_yaml(path: Path) -> Any:
    """Parse YAML for ids only; a broken file counts as empty (the widget for it reports the error)."""
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        return yaml.load(path.read_text(encoding="utf-8"), Loader=loader)
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return None


_HEAD_KEY = re.compile(r"^(id|title|moved_from):(.*)$")


def _scenario_head(path: Path) -> Any:
    """A scenario's top-level ``id``, ``title`` and ``moved_from``, read from those lines alone: parsing a
    whole scenario (a thousand lines) for three scalars made the progress box, which lists every module
    of the course's tracks, slow to appear. Falls back to the whole file for a block scalar or a file
    whose keys are not plain top-level lines."""
    import yaml

    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    head = [m for m in (_HEAD_KEY.match(line) for line in text.splitlines()) if m]
    if not any(m.group(1) == "id" for m in head) or any(m.group(2).strip()[:1] in (">", "|", "") for m in head):
        return _quick_yaml(path)
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        data = yaml.load("\n".join(m.group(0) for m in head), Loader=loader)
    except yaml.YAMLError:
        return _quick_yaml(path)
    return data if isinstance(data, dict) else _quick_yaml(path)


def _ids(items: Any) -> tuple[str, ...]:
    if not isinstance(items, list):
        return ()
    return tuple(i["id"] for i in items if isinstance(i, dict) and isinstance(i.get("id"), str))


#: A notebook cell that plays a scenario: ``play("scenarios/<file>.yaml")`` (the notebooks' one-line calls).
_PLAY_CALL = re.compile(r"""\bplay\(\s*["']scenarios/([^"']+\.ya?ml)["']""")


def page_order(module_dir: Path) -> list[str]:
    """Scenario file names in the order the module's page plays them (its ``play(...)`` cells, top to
    bottom), so progress lists "Scenario 1" where the page shows it; empty if there is no notebook."""
    import json

    nb_path = module_dir / "module.ipynb"
    try:
        cells = json.loads(nb_path.read_text(encoding="utf-8")).get("cells", [])
    except (OSError, ValueError, AttributeError):
        return []
    names: list[str] = []
    for cell in cells:
        if not isinstance(cell, dict) or cell.get("cell_type") != "code":
            continue
        source = cell.get("source", "")
        source = "".join(source) if isinstance(source, list) else str(source)
        names += [m for m in _PLAY_CALL.findall(source) if m not in names]
    return names


def module_inventory(module_dir: Path, title: str = "") -> ModuleInventory:
    """Scenario ids and titles, self-check question ids and reflection prompt ids of a module folder.

    Scenarios come in the page's order (files the page does not play follow, by name)."""
    scenarios = []
    order = {name: k for k, name in enumerate(page_order(module_dir))}
    files = sorted((module_dir / "scenarios").glob("*.yaml"), key=lambda f: (order.get(f.name, len(order)), f.name))
    for f in files:
        data = _scenario_head(f)
        if isinstance(data, dict):
            sid = data.get("id") if isinstance(data.get("id"), str) else f.stem
            moved = data.get("moved_from") if isinstance(data.get("moved_from"), str) else ""
            scenarios.append(ScenarioInfo(sid, str(data.get("title") or sid), f"scenarios/{f.name}", moved))
    sc_data = _quick_yaml(module_dir / "selfcheck.yaml") if (module_dir / "selfcheck.yaml").is_file() else None
    rf_data = _quick_yaml(module_dir / "reflection.yaml") if (module_dir / "reflection.yaml").is_file() else None
    return ModuleInventory(
        module=module_dir.name,
        title=title,
        scenarios=tuple(scenarios),
        questions=_ids(sc_data.get("questions")) if isinstance(sc_data, dict) else (),
        prompts=_ids(rf_data.get("prompts")) if isinstance(rf_data, dict) else (),
        prompt_moves=_moves(rf_data.get("prompts")) if isinstance(rf_data, dict) else (),
    )


def _moves(items: Any) -> tuple[tuple[str, str], ...]:
    if not isinstance(items, list):
        return ()
    return tuple((i["id"], i["moved_from"]) for i in items if isinstance(i, dict) and isinstance(i.get("id"), str)
                 and isinstance(i.get("moved_from"), str) and i["moved_from"])


# --------------------------------------------------------------------------------------------------
# Completion
# --------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class ScenarioStatus:
    id: str
    title: str
    state: str  # "not started" | "in progress" | "finished"
    endings: tuple[str, ...] = ()  # ending node ids reached, in the order first reached


@dataclass(frozen=True)
class ModuleStatus:
    """How much of one module a learner has done. A part with nothing in it does not count."""

    module: str
    title: str
    scenarios: tuple[ScenarioStatus, ...] = ()
    questions_total: int = 0
    questions_answered: int = 0
    questions_correct: int = 0
    prompts_total: int = 0
    prompts_drafted: int = 0
    parts: tuple[tuple[str, bool], ...] = field(default_factory=tuple)

    @property
    def parts_done(self) -> int:
        return sum(1 for _, done in self.parts if done)

    @property
    def state(self) -> str:
        """``done``, ``in progress`` or ``not started``."""
        if self.parts and self.parts_done == len(self.parts):
            return "done"
        started = (any(s.state != "not started" for s in self.scenarios) or self.questions_answered
                   or self.prompts_drafted)
        return "in progress" if started else "not started"


def module_status(inv: ModuleInventory, doc: Mapping[str, Any]) -> ModuleStatus:
    """Compare a module's inventory with a progress document."""
    scenarios = []
    for info in inv.scenarios:
        entry = saved_scenario(doc, inv.module, info.id, info.moved_from)
        endings = tuple(dict.fromkeys(r["ending"] for r in entry.get("runs", ())))
        if endings:
            state = "finished"
        elif entry.get("history") or entry.get("acknowledged"):
            state = "in progress"
        else:
            state = "not started"
        scenarios.append(ScenarioStatus(info.id, info.title, state, endings))
    answers = doc.get("selfchecks", {}).get(inv.module, {})
    answered = [q for q in inv.questions if q in answers]
    drafts = saved_drafts(doc, inv.module, dict(inv.prompt_moves))
    drafted = [p for p in inv.prompts if drafts.get(p, {}).get("text", "").strip()]
    # One part per row the progress box shows: each scenario on its own, then the self-check and the
    # reflection. (Counting "the scenarios" as one part made "0 of 3 parts done" sit over four rows, one
    # of them ticked.)
    parts: list[tuple[str, bool]] = [(f"scenario {s.id}", s.state == "finished") for s in scenarios]
    if inv.questions:
        parts.append(("self-check", len(answered) == len(inv.questions)))
    if inv.prompts:
        parts.append(("reflection", len(drafted) == len(inv.prompts)))
    return ModuleStatus(
        module=inv.module, title=inv.title or inv.module, scenarios=tuple(scenarios),
        questions_total=len(inv.questions), questions_answered=len(answered),
        questions_correct=sum(1 for q in answered if answers[q].get("correct")),
        prompts_total=len(inv.prompts), prompts_drafted=len(drafted), parts=tuple(parts),
    )


def course_status(modules: Iterable[ModuleInventory], doc: Mapping[str, Any]) -> list[ModuleStatus]:
    return [module_status(inv, doc) for inv in modules]


@dataclass(frozen=True)
class TrackProgress:
    """How many of a track's modules are done ("done" as the progress box means it: every part of the
    module done; see :meth:`ModuleStatus.state`)."""

    id: str
    title: str
    done: int
    total: int
    modules_done: tuple[str, ...] = ()

    @property
    def name(self) -> str:
        """The track's short name: its title up to a colon ("Core: before your first meeting" -> "Core")."""
        return self.title.split(":", 1)[0].strip() or self.id

    @property
    def label(self) -> str:
        """E.g. "Core: 3 of 5 done"."""
        return f"{self.name}: {self.done} of {self.total} done"


def track_progress(tracks: Iterable[Any], statuses: Iterable[ModuleStatus]) -> list[TrackProgress]:
    """Per track (objects with ``id``, ``title`` and ``modules``, e.g. the course's tracks; core first if
    the caller orders them so), how many of its modules the statuses say are done. A module with no
    status (no folder yet) counts as not done."""
    by_id = {st.module: st for st in statuses}
    out = []
    for t in tracks:
        done = tuple(m for m in t.modules if m in by_id and by_id[m].state == "done")
        out.append(TrackProgress(t.id, t.title, len(done), len(t.modules), done))
    return out


def environment() -> dict[str, str]:
    """The variables :func:`resolve_location` reads, from this process."""
    return {k: os.environ[k] for k in (PROGRESS_ENV, DATA_ENV, QUERY_ENV, HUB_USER_ENV, HOME_ENV) if k in os.environ}


__all__ = [
    "DATA_ENV",
    "HUB_USER_ENV",
    "PROGRESS_ENV",
    "QUERY_PARAM",
    "Location",
    "ModuleInventory",
    "ModuleStatus",
    "ScenarioInfo",
    "ScenarioStatus",
    "TrackProgress",
    "course_status",
    "environment",
    "is_learner_id",
    "learner_from_query",
    "module_inventory",
    "module_status",
    "new_learner_id",
    "resolve_location",
    "track_progress",
]
