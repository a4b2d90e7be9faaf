"""The module header and the course overview: completion, plus the learner's saved-work controls
(download and import of the progress file, an optional name, the personal link on a server)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from widgets.learner import course_status, module_status, track_progress
from widgets.progress import make_event
from widgets.ui.base import CourseWidget
from widgets.ui.esm import esm
from widgets.ui.session import Session
from widgets.ui.status_props import header_props, learner_props, overview_props

HERE = Path(__file__).parent
#: A progress file is a few hundred kilobytes at most; refuse anything far larger before parsing.
MAX_IMPORT_CHARS = 5_000_000


class _ProgressControls(CourseWidget):
    """Shared actions: ``export``, ``import`` and ``name``; subclasses build ``props`` in ``reload``."""

    _esm = esm("status_view.js")

    def _learner(self) -> dict[str, Any]:
        s = self.session
        return learner_props(s.location, s.store.learner, s.doc.get("name", ""), s.show_path(s.location.path),
                             ready=s.ready)

    def _on_progress(self, reason: str) -> None:
        super()._on_progress(reason)
        self.reload()  # only sends when what is shown changed (traitlets compares the dicts)

    def handle(self, content: dict[str, Any]) -> None:
        """Apply one action from the browser (also what tests call)."""
        action = content.get("action")
        if action == "export":
            store = self.session.store
            self.send({"type": "download", "name": store.export_name(), "mime": "application/json",
                       "text": store.export_text()})
        elif action == "import":
            text = content.get("text")
            if not isinstance(text, str) or len(text) > MAX_IMPORT_CHARS:
                self.send({"type": "result", "ok": False,
                           "message": "Nothing was imported: that file is not a course progress file."})
                return
            ok, message = self.session.import_progress(text, str(content.get("name") or "the imported file"))
            self.send({"type": "result", "ok": ok, "message": message})
        elif action == "region":
            region = str(content.get("region", ""))[:20]
            error = self.session.set_region(region)
            name = self.session.packs().get(self.session.region()[0])
            self.send({"type": "result", "ok": not error,
                       "message": error or f"Resources shown for: {name.name if name else region}."})
        elif action == "name":
            name = str(content.get("name", ""))[:120]
            error = self.session.record(make_event("learner.name", name=name))
            self.send({"type": "result", "ok": not error,
                       "message": error or ("Your name was saved with your progress." if name.strip()
                                            else "Your name was removed; only the pseudonymous id is kept.")})


def resources_box(session: Session) -> dict[str, Any]:
    """The "Resources for your region" box: the chosen pack, why it was chosen, and the others."""
    from widgets.content.resources import pack_props

    return pack_props(session.pack(), why=session.region()[1], choices=session.packs().values())


def _track_inventories(session: Session) -> dict[str, Any]:
    """The inventory of every module a track lists (what "Core: 3 of 5 done" is counted from)."""
    course = session.course()
    if course is None:
        return {}
    return {m: session.inventory(m) for t in course.tracks for m in t.modules}


class HeaderView(_ProgressControls):
    """What is done in one module and in each track, with the saved-work panel."""

    def __init__(self, module_id: str, session: Session, **kwargs: Any) -> None:
        self.module_id = module_id
        self.inventory = session.inventory(module_id)
        self.track_inventories = _track_inventories(session)
        super().__init__(session, **kwargs)
        self.reload()

    def reload(self) -> None:
        course = self.session.course()
        info = course.module(self.module_id) if course else None
        doc = self.session.doc
        status = module_status(self.inventory, doc)
        tracks = []
        if course is not None and course.tracks:
            statuses = course_status(self.track_inventories.values(), doc)
            tracks = track_progress(course.ordered_tracks(), statuses)
        own = course.track_of(self.module_id) if course else None
        self.props = {"kind": "header", **header_props(
            status, minutes=info.minutes if info else 0,
            learner=self._learner(), notices=self.session.notices, error=self.session.error,
            tracks=tracks, track=own.id if own else ""),
            "resources": resources_box(self.session)}


class ResourcesView(_ProgressControls):
    """Only the resources box, for ``widgets.resources()`` where a notebook wants it in its prose."""

    def __init__(self, session: Session, **kwargs: Any) -> None:
        super().__init__(session, **kwargs)
        self.reload()

    def reload(self) -> None:
        self.props = {"kind": "resources", "learner": self._learner(), "resources": resources_box(self.session)}


class OverviewView(_ProgressControls):
    """Every module of the course and how much of each is done."""

    def __init__(self, session: Session, **kwargs: Any) -> None:
        course = session.course()
        assert course is not None
        self.course = course
        self.inventories = [session.inventory(m.id) for m in course.modules_in_track_order()]
        super().__init__(session, **kwargs)
        self.reload()

    def reload(self) -> None:
        statuses = course_status(self.inventories, self.session.doc)
        self.props = {"kind": "overview", "depth": self._depth(), **overview_props(
            self.course.title, statuses, {m.id: m.minutes for m in self.course.modules},
            learner=self._learner(), notices=self.session.notices, error=self.session.error,
            tracks=track_progress(self.course.ordered_tracks(), statuses))}

    def _depth(self) -> int:
        """Folders between modules/ and this notebook, so the page can link to modules/<id>/module.ipynb."""
        root = self.session.root
        if root is None:
            return 1
        try:
            return len(self.session.cwd.relative_to(root / "modules").parts)
        except ValueError:
            return 1


__all__ = ["HeaderView", "OverviewView", "ResourcesView", "resources_box"]
