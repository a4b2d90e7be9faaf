"""The one-line notebook helpers: ``play``, ``selfcheck``, ``reflect``, ``header``, ``course_overview``.

Each returns a widget to display, or a :class:`~widgets.ui.problem.Problem` that explains, with file
and line, why it cannot (a missing or broken file). Nothing here lets a traceback reach a mentor.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from widgets.content.errors import ContentError, ContentInvalid
from widgets.ui.problem import Problem
from widgets.ui.session import Session, get_session

#: cell id -> (the run that made its views, those views): a cell run again closes what its last run made.
_BY_CELL: dict[str, tuple[str, list[weakref.ref]]] = {}


def _running_cell() -> Mapping[str, Any]:
    """The execute request being run (JupyterLab puts the cell's id in its metadata), or {} outside a kernel."""
    try:
        from IPython import get_ipython

        kernel = getattr(get_ipython(), "kernel", None)
        return kernel.get_parent("shell") or {} if kernel is not None else {}
    except Exception:  # no IPython, or an older kernel: nothing to replace
        return {}


def _replaces_earlier_run(view: Any) -> Any:
    """Close the views this cell's previous run made, so re-running a cell in JupyterLab frees them (they
    stop listening to the session, :class:`~widgets.ui.session.Listening`) instead of piling up."""
    parent = _running_cell()
    cell = (parent.get("metadata") or {}).get("cellId")
    run = (parent.get("header") or {}).get("msg_id")
    if not cell or not run:
        return view  # Voila and nbclient run each cell once; a plain kernel gives no cell id
    last_run, views = _BY_CELL.get(cell, ("", []))
    if last_run != run:
        for ref in views:
            old = ref()
            if old is not None and hasattr(old, "close"):
                old.close()
        views = []
        _BY_CELL[cell] = (run, views)
    if hasattr(view, "close"):
        views.append(weakref.ref(view))
    return view


def _guard(what: str, build: Callable[[Session], Any]) -> Any:
    try:
        session = get_session()
        return _replaces_earlier_run(build(session))
    except ContentInvalid as exc:
        return Problem.from_errors(what, exc.errors)
    except Exception as exc:  # an unexpected fault: say so plainly, keep the page usable
        return Problem(f"This {what} cannot be shown because of an unexpected problem.",
                       [f"{type(exc).__name__}: {exc}"],
                       "Reloading the page may help; your saved progress is not affected.")


def play(path: str | Path) -> Any:
    """The scenario player for ``path`` (relative to the notebook's folder), resuming saved progress."""
    from widgets.ui.scenario_view import ScenarioView

    return _guard("scenario", lambda s: ScenarioView(s.load(path, "scenario"), s))


def selfcheck(path: str | Path = "selfcheck.yaml") -> Any:
    """The module's self-check questions, with explanations, a score and retries."""
    from widgets.ui.selfcheck_view import SelfCheckView

    return _guard("self-check", lambda s: SelfCheckView(s.load(path, "selfcheck"), s))


def reflect(path: str | Path = "reflection.yaml") -> Any:
    """Reflection drafts that save as the mentor types and export to Markdown or the assignment."""
    from widgets.ui.reflection_view import ReflectionView

    return _guard("reflection", lambda s: ReflectionView(s.load(path, "reflection"), s))


def header(module: str | None = None) -> Any:
    """What is done in this module (inferred from the folder ``modules/<module-id>/``), plus the
    learner's saved-work controls: download, import, personal link."""
    from widgets.ui.status_view import HeaderView

    def build(s: Session) -> Any:
        module_id = s.module_id(module)
        if not module_id:
            raise ContentInvalid([ContentError(str(s.cwd), 0, 0, "module.unknown",
                                               "cannot tell which module this is: open the notebook from "
                                               "modules/<module-id>/ or call header('<module-id>')")])
        return HeaderView(module_id, s)

    return _guard("module header", build)


def resources() -> Any:
    """The "Resources for your region" box on its own (the module header shows it too): crisis lines,
    emergency number and reporting bodies from the programme's region pack, with a control to switch."""
    from widgets.ui.status_view import ResourcesView

    return _guard("resources box", lambda s: ResourcesView(s))


def course_overview() -> Any:
    """Every module of the course with what the learner has done in it."""
    from widgets.ui.status_view import OverviewView

    def build(s: Session) -> Any:
        if s.root is None:
            raise ContentInvalid([ContentError("modules/course.yaml", 0, 0, "file.missing",
                                               "no modules/course.yaml here or in any parent folder")])
        course = s.course()
        if course is None:
            path = s.root / "modules" / "course.yaml"
            s.load(path, "course")  # raises ContentInvalid with the manifest's problems
        return OverviewView(s)

    return _guard("course overview", build)


__all__ = ["course_overview", "header", "play", "reflect", "resources", "selfcheck"]
