"""The kernel's learner session: one progress file, the course manifest, and cached content.

Every widget on a page shares one session, so a pseudonymous learner id made for a shared server is
made once per kernel, and the module header hears about a choice made in the player. No ipywidgets
here: views subscribe with plain callbacks, and unsubscribe when they are closed (:class:`Listening`).
"""

from __future__ import annotations

import contextlib
import logging
import os
import threading
import weakref
from collections.abc import Callable
from pathlib import Path
from typing import Any

from widgets import learner as learner_mod
from widgets.content.errors import ContentInvalid
from widgets.content.loader import check_file, display_path, find_root, folder_module
from widgets.content.models import Course
from widgets.progress import (
    ProgressError,
    ProgressFile,
    ProgressRefused,
    ProgressTooNew,
    check_size,
    claim_new_learner,
    make_event,
)

#: Content kinds whose text may carry resource placeholders ({crisis_line}); filled on load.
FILLED_KINDS = ("scenario", "selfcheck", "reflection")

Listener = Callable[[str], None]
log = logging.getLogger(__name__)
#: The visitor's client (hashed address), set by `mentor-course serve` (widgets/serving/clients.py).
CLIENT_ENV = "HTTP_X_MENTOR_CLIENT"


#: Set once this kernel has received its page request (a preheated kernel serves one page).
_REQUEST_SEEN = threading.Event()


def _needs_voila_request(env: dict[str, str]) -> bool:
    """A preheated Voilà kernel runs the notebook before anyone asked for the page, so on a shared
    server the learner id (in the page's query string) is not known yet when the widgets are built.
    A QUERY_STRING inherited from the server's own environment does not count: only the request does.
    On a JupyterHub the signed-in user is known from the start, so there is nothing to wait for."""
    return (os.environ.get("VOILA_PREHEAT") == "True" and learner_mod.DATA_ENV in env
            and learner_mod.HUB_USER_ENV not in env
            and learner_mod.PROGRESS_ENV not in env and not _REQUEST_SEEN.is_set())


class Session:
    """Progress, course and content for this kernel (see :func:`get_session`)."""

    def __init__(self, cwd: Path, env: dict[str, str], *, defer: bool = False) -> None:
        self.cwd = cwd
        self.root = find_root(cwd)
        self.error = ""  # set when progress cannot be saved at all (a too-new file)
        self._listeners: list[Listener] = []
        self._course: Course | None = None
        self._course_key: tuple[Any, ...] | None = None
        self._content: dict[tuple[str, str], tuple[tuple[int, int], Any]] = {}
        self._packs: dict[str, Any] = {}
        self._packs_key: tuple[Any, ...] | None = None
        #: id of a filled model -> (that model, the model as written), so a view can be refilled
        #: when the region changes (see :meth:`refill`).
        self._raw: dict[int, tuple[Any, Any]] = {}
        self._lock = threading.RLock()
        self._ready = threading.Event()
        self.binder: threading.Thread | None = None
        #: Increases when the learner becomes known (a preheated kernel) or changes (:meth:`adopt`);
        #: a view that rendered an older generation reloads when its page speaks
        #: (``CourseWidget._catch_up``).
        self.generation = 0
        self._bind(env, load=not defer)
        if defer:
            # Render at once from empty progress; bind the learner when Voilà passes the request on.
            # Each view reloads when its page first speaks ("hello"): an update pushed from this
            # thread, outside any request of the page, reached the browser seconds late.
            self.binder = threading.Thread(target=self._bind_when_requested, name="mentor-course-learner", daemon=True)
            self.binder.start()
        else:
            self._ready.set()

    def _bind(self, env: dict[str, str], *, load: bool = True) -> None:
        self._open(learner_mod.resolve_location(env, self.root, self.cwd), load=load)

    def _open(self, location: learner_mod.Location, *, load: bool = True) -> None:
        """Use ``location``'s progress file from now on (reading it unless ``load`` is false)."""
        self.location = location
        self.store = ProgressFile(location.path, location.learner)
        self.error = ""
        if not load:
            return
        try:
            self.store.load()
        except ProgressTooNew as exc:
            self.error = self._scrub(str(exc))
        except (OSError, ProgressError) as exc:
            log.warning("progress of %s cannot be read: %s", location.path, exc)
            self.error = f"Your progress cannot be read{self._where(location)}: {self._why(exc)}"

    def _bind_when_requested(self) -> None:
        from widgets.ui import voila_request

        # Without request info the generated id stays (and the page shows its link); a fault here
        # must not leave the page unable to save.
        with contextlib.suppress(Exception):
            if voila_request.wait_for_request():
                _REQUEST_SEEN.set()
        with self._lock:
            self._bind(learner_mod.environment())
            self.generation += 1
            self._ready.set()

    # ----------------------------------------------------------------------------- progress
    @property
    def ready(self) -> bool:
        """False only while a preheated Voilà kernel waits to learn who the visitor is."""
        return self._ready.is_set()

    @property
    def doc(self) -> dict[str, Any]:
        return self.store.doc

    @property
    def notices(self) -> list[str]:
        notes = list(self.store.notices)
        if self.location.note:
            notes.insert(0, self.location.note)
        return notes

    def record(self, event: dict[str, Any]) -> str:
        """Save one event; return an error message for the learner, or "" when it was saved."""
        if not self._ready.wait(timeout=30):
            return "This page has not finished connecting to the course, so this step was not saved. Reload the page."
        if self.error:
            return self.error + " Nothing more is saved until then."
        try:
            with self._lock:
                check_size(event)
                client = os.environ.get(CLIENT_ENV, "")
                if (self.location.mode == "shared" and client and not self.store.path.exists()
                        and not claim_new_learner(self.store.path.parent, client)):
                    return ("Too many new learners were started from your network in the last hour, so this "
                            "page cannot save yet. What you wrote is still on the page; if you saved work "
                            "before, open the course with your own link, or try again later.")
                self.store.record(event)
        except ProgressTooNew as exc:
            self.error = self._scrub(str(exc))
            return self.error
        except ProgressRefused as exc:
            return str(exc)
        except (OSError, ProgressError) as exc:
            log.warning("progress of %s not saved: %s", self.location.path, exc)
            return (f"Your last step could not be saved{self._where(self.location)} ({self._why(exc)}). "
                    "Download your progress from the module header to keep a copy.")
        self.notify("event")
        return ""

    @staticmethod
    def _where(location: learner_mod.Location) -> str:
        """Where progress lives, for a message: never on a shared server (a visitor has no business
        with the server's folders; the log has the path)."""
        return "" if location.mode == "shared" else f" to {location.path}"

    def _scrub(self, text: str) -> str:
        """``text`` with the progress file's full path cut to its name on a shared server."""
        path = self.location.path
        return text.replace(str(path), path.name) if self.location.mode == "shared" else text

    def _why(self, exc: BaseException) -> str:
        if self.location.mode != "shared":
            return str(exc)
        if isinstance(exc, OSError):
            return exc.strerror or "the server could not write it"
        return "the saved file has a problem"

    def export_dir(self) -> Path:
        """Where exported copies (filled assignment notebooks) are written: beside the learner's
        progress on a shared server, ``my-work/`` in the course folder on a laptop."""
        loc = self.location
        if loc.mode == "shared":
            return loc.path.parent.parent / "exports" / self.store.learner
        if loc.mode == "hub":  # the user's own storage: no need to keep learners apart inside it
            return loc.path.parent.parent / "exports"
        if loc.mode == "local":
            return (self.root or self.cwd) / "my-work"
        return loc.path.parent / "my-work"

    def import_progress(self, text: str, source: str) -> tuple[bool, str]:
        """Merge a downloaded progress file into this learner's; tell every view. Returns
        (ok, message for the learner); a rejected file changes nothing."""
        if not self._ready.wait(timeout=30):
            return False, "This page has not finished connecting to the course; reload it and import again."
        if self.error:
            return False, self.error
        try:
            with self._lock:
                report = self.store.import_text(text, source)
        except ProgressTooNew as exc:
            return False, f"Nothing was imported. {exc}"
        except (OSError, ProgressError) as exc:
            return False, f"Nothing was imported: {exc}"
        self.notify("import")
        return True, report.summary()

    def adopt(self, learner: str) -> bool:
        """Take over the learner id this browser remembered from an earlier page, when this page came
        without one (a visitor who followed a link from the landing page) and nothing was saved under
        the id made for it. Every view reloads. Returns whether the id was adopted."""
        loc = self.location
        if (loc.mode != "shared" or not loc.generated or not learner_mod.is_learner_id(learner)
                or learner == self.store.learner or self.store.path.exists()):
            return False
        with self._lock:
            self._open(learner_mod.Location(loc.path.with_name(f"{learner}.json"), learner, "shared"))
            self.generation += 1
        self.notify("learner")
        return True

    def wait_until_ready(self, timeout: float = 30) -> bool:
        return self._ready.wait(timeout)

    def subscribe(self, listener: Listener) -> Callable[[], None]:
        """Call ``listener(reason)`` on every :meth:`notify` until the returned function is called (or
        :meth:`unsubscribe`): a view stops listening when it is closed (see :class:`Listening`)."""
        self._listeners.append(listener)
        return lambda: self.unsubscribe(listener)

    def unsubscribe(self, listener: Listener) -> None:
        """Stop calling ``listener``, and drop the session's reference to it (and so to its view)."""
        with contextlib.suppress(ValueError):
            self._listeners.remove(listener)

    def notify(self, reason: str) -> None:
        """Tell every view the progress changed: ``event`` (a step anywhere), ``import`` (replaced
        from a file), ``learner`` (another learner id was adopted) or ``region`` (the mentor chose
        another region's resources)."""
        for listener in list(self._listeners):
            try:
                listener(reason)
            except Exception:  # a broken view must not stop saving or other views
                continue

    # ----------------------------------------------------------------------------- content
    def course(self) -> Course | None:
        """The course manifest, re-read when it changes; None outside a course or when it is broken
        (a scenario still plays, with competency ids as titles)."""
        if self.root is None:
            return None
        path = self.root / "modules" / "course.yaml"
        try:
            st = path.stat()
        except OSError:
            return None
        key = (st.st_mtime_ns, st.st_size)
        if key != self._course_key:
            model, _ = check_file(path, "course", display=display_path(path, self.root))
            self._course, self._course_key = model, key
        return self._course

    def competency_titles(self) -> dict[str, str]:
        course = self.course()
        return {c.id: c.title for c in course.competencies} if course else {}

    def resolve(self, path: str | Path) -> Path:
        p = Path(path).expanduser()
        return p if p.is_absolute() else self.cwd / p

    def load(self, path: str | Path, kind: str) -> Any:
        """A validated model of ``kind`` from ``path`` (cached until the file changes), or
        :class:`ContentInvalid` with every problem located."""
        full = self.resolve(path)
        key = (str(full), kind)
        try:
            st = full.stat()
            stamp = (st.st_mtime_ns, st.st_size)
        except OSError:
            stamp = (0, 0)
        cached = self._content.get(key)
        if cached and cached[0] == stamp and stamp != (0, 0):
            return cached[1]
        model, errors = check_file(full, kind, self.course(), display=display_path(full, self.root))
        if errors:
            raise ContentInvalid(errors)
        self._content[key] = (stamp, model)
        return self.fill(model) if kind in FILLED_KINDS else model

    # ----------------------------------------------------------------------------- resources
    def packs(self) -> dict[str, Any]:
        """The course's resource packs by region code (re-read when modules/resources/ changes)."""
        from widgets.content import resources

        folder = resources.packs_folder(self.root)
        try:
            key = tuple(sorted((p.name, p.stat().st_mtime_ns, p.stat().st_size) for p in folder.glob("*.yaml"))) \
                if folder is not None and folder.is_dir() else ()
        except OSError:
            key = ()
        if key != self._packs_key:
            self._packs, self._packs_key = resources.load_packs(self.root), key
        return self._packs

    def region(self) -> tuple[str, str]:
        """The region whose resources this learner sees, and why (learner, server, course, default)."""
        from widgets.content.resources import choose_region
        from widgets.region_choice import chosen_region

        course = self.course()
        return choose_region(self.packs(), learner=chosen_region(self.doc), course=course.region if course else None)

    def pack(self) -> Any:
        """The chosen region's pack (None when the course has no packs at all)."""
        from widgets.content.resources import GENERIC

        packs = self.packs()
        return packs.get(self.region()[0]) or packs.get(GENERIC)

    def fill(self, model: Any) -> Any:
        """``model`` with its resource placeholders filled from the chosen region's pack."""
        from widgets.content.resources import fill_model

        filled = fill_model(model, self.pack())
        if filled is not model:
            self._raw[id(filled)] = (filled, model)
        return filled

    def refill(self, model: Any) -> Any:
        """A model :meth:`load` returned, filled again for the region chosen now."""
        kept = self._raw.get(id(model))
        raw = kept[1] if kept and kept[0] is model else model
        return self.fill(raw)

    def set_region(self, region: str) -> str:
        """Show ``region``'s resources to this learner from now on, and tell every view. Returns an
        error message for the learner, or "" when it was saved."""
        from widgets.content.resources import normalise_region

        code = normalise_region(region)
        if code not in self.packs():
            return f"There is no resource pack for '{region}' in this course."
        problem = self.record(make_event("learner.region", region=code))
        if not problem:
            self.notify("region")
        return problem

    def module_id(self, given: str | None = None) -> str | None:
        """The module a notebook belongs to: given, or from the working folder ``modules/<id>/``."""
        if given:
            return given
        return folder_module(self.cwd / "x")

    def module_dir(self, module_id: str) -> Path | None:
        if self.root is not None and (self.root / "modules" / module_id).is_dir():
            return self.root / "modules" / module_id
        if self.cwd.name == module_id:
            return self.cwd
        return None

    def inventory(self, module_id: str) -> learner_mod.ModuleInventory:
        """What the module holds (scenario, question and prompt ids), read cheaply from its folder."""
        course = self.course()
        info = course.module(module_id) if course else None
        title = info.title if info else module_id
        folder = self.module_dir(module_id)
        return learner_mod.module_inventory(folder, title) if folder else learner_mod.ModuleInventory(module_id, title)

    def show_path(self, path: Path) -> str:
        """A path as a learner may see it: inside the course, relative to it; on a shared server only the
        file's name (the server's folders are none of a visitor's business)."""
        if self.location.mode == "shared":
            return path.name
        return display_path(path, self.root)


_SESSIONS: dict[tuple[Any, ...], Session] = {}


def _close_later(view: weakref.ReferenceType[Any]) -> Callable[[Any], None]:
    """A comm's close callback that closes its view, without keeping the view alive itself."""

    def closed(_msg: Any) -> None:
        found = view()
        if found is not None:
            found.close()

    return closed


class Listening:
    """For a view that listens to the session: :meth:`listen` subscribes its handlers until the view is
    closed, by ``close()`` in the kernel (``Widget.close_all()``, a test) or by the page closing its comm.

    Otherwise the session would hold every view ever made in this kernel: a notebook cell run again
    makes new views, and the old ones would still be called on every save and never freed. Put it first
    among the bases, so its ``close()`` runs before the widget's own.
    """

    def listen(self, session: Session, *listeners: Listener) -> None:
        stops = self.__dict__.setdefault("_session_stops", [])
        stops.extend(session.subscribe(listener) for listener in listeners)
        comm = getattr(self, "comm", None)
        if comm is not None and not self.__dict__.get("_closes_with_comm"):
            self.__dict__["_closes_with_comm"] = True
            comm.on_close(_close_later(weakref.ref(self)))  # the page closed the widget

    def close(self) -> None:
        """Stop listening to the session, then close the widget."""
        for stop in self.__dict__.pop("_session_stops", []):
            stop()
        close = getattr(super(), "close", None)
        if close is not None:
            close()


def get_session() -> Session:
    """The session for this kernel's working folder and progress settings (a new one if they change,
    which only tests do; the query string is left out, as it arrives late in a preheated kernel)."""
    env = learner_mod.environment()
    cwd = Path.cwd().resolve()
    key = (str(cwd), env.get(learner_mod.PROGRESS_ENV, ""), env.get(learner_mod.DATA_ENV, ""),
           os.environ.get("MENTOR_COURSE_ROOT", ""))
    if key not in _SESSIONS:
        _SESSIONS[key] = Session(cwd, env, defer=_needs_voila_request(env))
    return _SESSIONS[key]


def reset_sessions() -> None:
    """Forget every session, as a kernel restart would (tests use this)."""
    _SESSIONS.clear()


__all__ = ["Listening", "Session", "get_session", "reset_sessions"]
