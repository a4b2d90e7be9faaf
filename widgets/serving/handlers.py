"""The tornado handlers `mentor-course serve` adds to, or puts in place of, Voilà's own.

Each replacement is a subclass that changes one thing, so it keeps working as long as Voilà keeps the
class and method it extends; ``app.CourseVoila.init_handlers`` fails loudly when one is gone.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

import tornado.web
from jupyter_server.base.handlers import JupyterHandler
from jupyter_server.utils import url_path_join
from voila.tornado.handler import TornadoVoilaHandler
from voila.tornado.kernel_websocket_handler import VoilaKernelWebsocketHandler

from widgets.content.errors import ContentInvalid
from widgets.content.loader import load_course
from widgets.content.models import Course
from widgets.serving.landing import discover, landing_html, problem_html

log = logging.getLogger(__name__)


class XsrfCookieVoilaHandler(TornadoVoilaHandler):
    """Voilà's page handler, which also sets the `_xsrf` cookie on the page.

    When a page closes it asks the server to shut its kernel down (a POST). Voilà never sets the
    cookie that request must echo, so the XSRF check refuses it (403, voila-dashboards/voila#1458) and
    the kernel runs on until culled. Reading ``self.xsrf_token`` sets the cookie.
    """

    @tornado.web.authenticated
    async def get(self, path: str | None = None) -> None:
        self.xsrf_token  # noqa: B018 - the property sets the cookie as a side effect
        await super().get(path=path)


class NoDelayKernelWebsocketHandler(VoilaKernelWebsocketHandler):
    """Voilà's kernel websocket with Nagle's algorithm off (TCP_NODELAY).

    Tornado leaves Nagle on (tornadoweb/tornado#755). A reply made of several messages, such as a
    scenario choice that updates several widgets, then waits for the browser's delayed ACK
    (about 40 ms) before its second message leaves the server.
    """

    async def open(self, kernel_id: str) -> None:  # type: ignore[override]
        self.set_nodelay(True)
        await super().open(kernel_id)


@dataclass
class _CachedCourse:
    mtime: float
    course: Course


class LandingHandler(JupyterHandler):
    """The landing page at the server's root: the modules of ``modules/course.yaml``, no kernel needed.

    The manifest is read again when it changes, so an author sees an edit on reload. If it has
    problems, the visitor gets a short page and the log gets every problem with its line.
    """

    def initialize(self, modules_dir: Path) -> None:
        self.modules_dir = modules_dir

    _cache: dict[Path, _CachedCourse] = {}  # noqa: RUF012 - shared across requests on purpose

    def _course(self) -> Course:
        path = self.modules_dir / "course.yaml"
        mtime = path.stat().st_mtime
        cached = self._cache.get(path)
        if cached is None or cached.mtime != mtime:
            cached = _CachedCourse(mtime, load_course(path))
            self._cache[path] = cached
        return cached.course

    @tornado.web.authenticated
    def get(self) -> None:
        self.set_header("Content-Type", "text/html; charset=utf-8")
        self.set_header("Cache-Control", "no-cache")
        try:
            course = self._course()
        except (ContentInvalid, OSError) as exc:
            for line in str(exc).splitlines():
                log.error("modules/course.yaml: %s", line)
            self.set_status(503)
            self.finish(problem_html("The course is being updated",
                                     "The course list cannot be shown right now. Please try again in a few "
                                     "minutes; if this persists, tell the course's organiser."))
            return
        self.finish(landing_html(course, discover(course, self.modules_dir)))


class TreeRedirectHandler(JupyterHandler):
    """Voilà's file browser pages go to the landing page instead: visitors need the course, not files."""

    @tornado.web.authenticated
    def get(self, path: str = "") -> None:
        self.redirect(url_path_join(self.base_url, "/"))
