"""The tornado handlers `mentor-course serve` adds to, or puts in place of, Voilà's own.

Each replacement is a subclass that changes one thing, so it keeps working as long as Voilà keeps the
class and method it extends; ``app.CourseVoila.init_handlers`` fails loudly when one is gone.
"""

from __future__ import annotations

import json
import logging
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import tornado.ioloop
import tornado.web
from jupyter_server.base.handlers import JupyterHandler
from jupyter_server.utils import url_path_join
from voila.tornado.handler import TornadoVoilaHandler
from voila.tornado.kernel_websocket_handler import VoilaKernelWebsocketHandler, read_header_from_binary_message

from widgets.content.errors import ContentInvalid
from widgets.content.loader import load_course
from widgets.content.models import Course
from widgets.content.timing import measured_minutes
from widgets.serving.clients import (
    BROWSER_COOKIE,
    BROWSER_HEADER,
    BUSY_TITLE,
    CLIENT_HEADER,
    CURRENT_VISIT,
    KernelLimits,
    client_address,
    client_key,
)
from widgets.serving.landing import discover, landing_html, problem_html, refuse_unreadable_course

log = logging.getLogger(__name__)

#: Where the app keeps its :class:`KernelLimits` and trusted proxies in tornado's settings.
LIMITS_SETTING = "mentor_course_limits"
PROXIES_SETTING = "mentor_course_trusted_proxies"


class LimitedVoilaHandler(TornadoVoilaHandler):
    """Voilà's page handler, which first says who is asking and whether they may have a kernel.

    It tells the page's kernel the visitor's client (hashed address) and browser (a signed cookie) in
    request headers it sets itself, which Voilà passes on as environment variables; and it answers with
    a "busy" page, without starting a kernel, when the visitor or the server already holds its cap
    (see :mod:`widgets.serving.clients`).
    """

    def _browser(self) -> str:
        raw = self.get_signed_cookie(BROWSER_COOKIE, max_age_days=365)
        value = raw.decode("ascii", "replace") if raw else ""
        if not value:
            value = secrets.token_urlsafe(18)
            self.set_signed_cookie(BROWSER_COOKIE, value, expires_days=365, httponly=True, samesite="Lax",
                                   path=self.base_url)
        return value

    @tornado.web.authenticated
    async def get(self, path: str | None = None) -> None:
        limits: KernelLimits | None = self.settings.get(LIMITS_SETTING)
        client = client_key(client_address(self.request.remote_ip or "", self.request.headers.get("X-Forwarded-For", ""),
                                           self.settings.get(PROXIES_SETTING, ())))
        self.request.headers[CLIENT_HEADER] = client  # replaces whatever the visitor sent under these names
        self.request.headers[BROWSER_HEADER] = self._browser()
        if limits is None:
            await super().get(path=path)
            return
        limits.forget_missing(self.kernel_manager.list_kernel_ids())  # pages closed since the last sweep
        visit = limits.admit(client)
        if isinstance(visit, str):
            log.warning("busy page for %s: %d kernels in use, %d held by this client", client, limits.in_use(),
                        limits.held_by(client))
            self.set_status(503)
            self.set_header("Retry-After", "60")
            self.set_header("Content-Type", "text/html; charset=utf-8")
            self.finish(problem_html(BUSY_TITLE, visit))
            return
        token = CURRENT_VISIT.set(visit)
        try:
            await super().get(path=path)
        finally:
            CURRENT_VISIT.reset(token)
            limits.finish(visit)


class XsrfCookieVoilaHandler(LimitedVoilaHandler):
    """Voilà's page handler, which also sets the `_xsrf` cookie on the page.

    When a page closes it asks the server to shut its kernel down (a POST). Voilà never sets the
    cookie that request must echo, so the XSRF check refuses it (403, voila-dashboards/voila#1458) and
    the kernel runs on until culled. Reading ``self.xsrf_token`` sets the cookie.
    """

    @tornado.web.authenticated
    async def get(self, path: str | None = None) -> None:
        self.xsrf_token  # noqa: B018 - the property sets the cookie as a side effect
        await super().get(path=path)


def _hidden_output(message: Any) -> str | None:
    """The text of a kernel message a visitor must not see (an ``error`` or a ``stderr`` stream: both
    carry tracebacks with server paths, e.g. from a malformed ``comm_open``), else None."""
    if isinstance(message, bytes):
        header = read_header_from_binary_message(message) or {}
        content: Any = {}
        kind = header.get("msg_type")
        if kind in ("error", "stream"):
            try:
                n = int.from_bytes(message[:8], "little")
                offsets = [int.from_bytes(message[8 * (i + 1):8 * (i + 2)], "little") for i in range(n)]
                end = offsets[5] if n > 5 else len(message)
                content = json.loads(message[offsets[4]:end].decode("utf-8"))
            except (ValueError, IndexError):
                content = {}
    elif isinstance(message, str):
        if '"msg_type": "error"' not in message and '"stderr"' not in message and '"msg_type":"error"' not in message:
            return None
        try:
            msg = json.loads(message)
        except ValueError:
            return None
        kind, content = msg.get("header", {}).get("msg_type"), msg.get("content", {})
    else:
        return None
    if kind == "error":
        return "\n".join(content.get("traceback") or [f"{content.get('ename')}: {content.get('evalue')}"])
    if kind == "stream" and content.get("name") == "stderr":
        return str(content.get("text", ""))
    return None


class TrackedKernelWebsocketHandler(VoilaKernelWebsocketHandler):
    """Voilà's kernel websocket, which tells :class:`KernelLimits` that the page connected (so its
    kernel is not culled as a page that never came), and keeps error output from visitors: an
    ``error`` message or a ``stderr`` stream goes to the server's log instead of the page."""

    async def open(self, kernel_id: str) -> None:  # type: ignore[override]
        limits: KernelLimits | None = self.settings.get(LIMITS_SETTING)
        if limits is not None:
            limits.websocket_opened(kernel_id)
        await super().open(kernel_id)

    def write_message(self, message: Any, binary: bool = False) -> Any:
        hidden = _hidden_output(message)
        if hidden is not None:
            log.warning("kernel output hidden from the visitor:\n%s", hidden)
            return None
        return super().write_message(message, binary)


class NoDelayKernelWebsocketHandler(TrackedKernelWebsocketHandler):
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
    async def get(self) -> None:
        self.set_header("Content-Type", "text/html; charset=utf-8")
        self.set_header("Cache-Control", "no-cache")
        try:
            course = self._course()
        except (ContentInvalid, OSError) as exc:
            refuse_unreadable_course(self, exc, log)
            return
        # Measuring plays every scenario (about a second, once per change of the content): off the event
        # loop, so other requests are not held up.
        minutes = await tornado.ioloop.IOLoop.current().run_in_executor(None, measured_minutes, self.modules_dir.parent)
        self.finish(landing_html(course, discover(course, self.modules_dir), minutes=minutes))


class TreeRedirectHandler(JupyterHandler):
    """Voilà's file browser pages go to the landing page instead: visitors need the course, not files."""

    @tornado.web.authenticated
    def get(self, path: str = "") -> None:
        self.redirect(url_path_join(self.base_url, "/"))
