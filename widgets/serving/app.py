"""The standalone Voilà app behind `mentor-course serve`.

:class:`CourseVoila` is Voilà's own app (``voila.app.Voila``) with the course's landing page on ``/``
and the handler changes from :mod:`widgets.serving.handlers`. Everything tunable comes from
:class:`~widgets.serving.settings.ServeSettings` through ordinary traitlets configuration.

The standalone app, never the Jupyter server extension: it forwards only widget messages to kernels,
so a visitor cannot run code on the server.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
import socket
import time
from collections.abc import Callable
from glob import glob
from pathlib import Path
from typing import Any

import tornado.ioloop
import tornado.web
from jupyter_core.utils import run_sync
from jupyter_server.utils import url_path_join
from tornado.httpserver import HTTPServer
from tornado.netutil import bind_sockets
from traitlets.config import Config
from voila.app import Voila
from voila.tornado.contentshandler import VoilaContentsHandler
from voila.tornado.handler import TornadoVoilaHandler
from voila.tornado.kernel_websocket_handler import VoilaKernelWebsocketHandler
from voila.tornado.treehandler import TornadoVoilaTreeHandler

from widgets.live.web.handlers import mount as mount_live
from widgets.plugins import install
from widgets.serving.clients import CURRENT_VISIT, KernelLimits
from widgets.serving.handlers import (
    LIMITS_SETTING,
    PROXIES_SETTING,
    LandingHandler,
    LimitedVoilaHandler,
    NoDelayKernelWebsocketHandler,
    TrackedKernelWebsocketHandler,
    TreeRedirectHandler,
    XsrfCookieVoilaHandler,
)
from widgets.serving.settings import ServeSettings, voila_config

install()  # the composition root: register content kinds and progress sections before any use

#: Where the package's Voilà template lives (``voila/templates/mentor-course`` below it).
SHARE_DIR = Path(__file__).resolve().parent / "share" / "jupyter"

Route = tuple[Any, ...]


class PatchNotApplied(RuntimeError):
    """A change the course makes to Voilà found nothing to change: Voilà moved on; see docs/serving.md."""


def _route_class(route: Route) -> Any:
    return route[1]


def use_course_templates() -> None:
    """Put the package's templates on the Jupyter data path, where Voilà looks them up (at start and
    per request). Idempotent."""
    share = str(SHARE_DIR)
    parts = [p for p in os.environ.get("JUPYTER_PATH", "").split(os.pathsep) if p]
    if share not in parts:
        os.environ["JUPYTER_PATH"] = os.pathsep.join([share, *parts])


def immutable_asset_urls(labextension_paths: list[str], server_url: str) -> list[str]:
    """URL prefixes of lab-extension ``static/`` folders: webpack names every file in them by a hash of
    its content, so a browser may keep them for a year without asking again."""
    urls = set()
    for root in labextension_paths:
        for static in glob(os.path.join(root, "**", "static"), recursive=True):
            rel = Path(os.path.relpath(static, root)).as_posix()
            urls.add(url_path_join(server_url, "voila/labextensions", rel) + "/")
    return sorted(urls)


class CourseVoila(Voila):
    """Voilà's standalone app serving ``modules/`` with the course's settings."""

    name = "mentor-course-serve"

    def __init__(self, course_settings: ServeSettings, **kwargs: Any) -> None:
        config = Config(voila_config(course_settings))
        super().__init__(config=config, **kwargs)
        self.course_settings = course_settings
        self._sockets: list[socket.socket] = []
        self._served = False
        self.limits = KernelLimits(max_kernels=course_settings.max_kernels,
                                   per_client=course_settings.kernels_per_client,
                                   unconnected_timeout=course_settings.unconnected_timeout)

    # -- handlers ---------------------------------------------------------------------------------

    def init_handlers(self) -> list:
        """Voilà's routes, with the course's replacements; raises :class:`PatchNotApplied` if Voilà no
        longer has a route one of them replaces."""
        return course_routes(super().init_handlers(), self.course_settings, self.server_url)

    # -- lifecycle --------------------------------------------------------------------------------

    def bind(self) -> None:
        """Bind the listening socket first, so the real port (``--port 0`` picks a free one) is known
        before preheated kernels are started: they are told the port to reach the app on."""
        try:
            self._sockets = bind_sockets(self.port, self.ip)
        except OSError as exc:
            raise OSError(exc.errno, f"cannot listen on {self.ip}:{self.port}: {exc.strerror}") from exc
        self.port = self._sockets[0].getsockname()[1]

    def prepare(self) -> None:
        """Voilà's own ``start`` (connection folder, settings and kernel manager, application, routes), with
        the course's steps around it: the socket is bound before (preheated kernels are told its port),
        and :meth:`listen`, the step ``start`` ends with, serves on that socket without running the loop
        (:meth:`run` does). Nothing of ``start`` is copied here, so a step a new Voilà adds still runs;
        tests/serving/test_serve_voila_start.py pins the ``start`` this was checked against."""
        if not self._sockets:
            self.bind()
        if self.course_settings.immutable_cache:
            self.tornado_settings = {
                **self.tornado_settings,
                "static_immutable_cache": immutable_asset_urls(self.labextensions_path, self.server_url or "/"),
            }
        self._served = False
        super().start()
        if not self._served:
            raise PatchNotApplied("Voilà's start() no longer ends by calling listen(), where mentor-course serve "
                                  "adds its steps: check CourseVoila.prepare in widgets/serving/app.py against "
                                  "the installed Voilà version.")

    def listen(self) -> None:
        """The last step of Voilà's ``start``, which would listen on a port and run the loop until stopped.
        Here: the course's additions to the application Voilà built (trusted notebooks, per-visitor limits,
        live rooms, kernel counting and culling), then serve on the socket :meth:`bind` opened, and return."""
        trusted = trust_course_notebooks(self.contents_manager.notary, self.course_settings.modules_dir)
        self.log.info("Serving %d course notebooks from %s", trusted, self.course_settings.modules_dir)
        self.app.settings[LIMITS_SETTING] = self.limits
        self.app.settings[PROXIES_SETTING] = self.course_settings.trusted_proxies
        # Participants of live rooms are served here, by this process: one watcher per room, no kernels.
        self.live_rooms = mount_live(self.app, self.server_url or "/",
                                     trusted_proxies=tuple(self.course_settings.trusted_proxies))
        self._count_visitor_kernels()
        tornado.ioloop.PeriodicCallback(self._cull_unconnected, 2000).start()
        HTTPServer(self.app).add_sockets(self._sockets)
        self._served = True

    def _count_visitor_kernels(self) -> None:
        """Record which kernel each page request gets (started for it, or taken from the pool), so
        :class:`KernelLimits` counts it for the visitor. Wraps the two kernel manager calls Voilà's page
        handler makes; pool refills run with no visit, so pooled kernels are not counted."""
        km = self.kernel_manager
        limits = self.limits
        start_kernel = km.start_kernel

        async def counted_start(*args: Any, **kwargs: Any) -> str:
            visit = CURRENT_VISIT.get()
            token = CURRENT_VISIT.set(None)
            try:
                kernel_id = await start_kernel(*args, **kwargs)
            finally:
                CURRENT_VISIT.reset(token)
            if visit is not None:
                limits.assign(visit, kernel_id)
            return kernel_id

        km.start_kernel = counted_start
        rendered = getattr(km, "get_rendered_notebook", None)
        if rendered is None:
            return

        async def counted_rendered(*args: Any, **kwargs: Any) -> Any:
            visit = CURRENT_VISIT.get()
            token = CURRENT_VISIT.set(None)
            try:
                result = await rendered(*args, **kwargs)
            finally:
                CURRENT_VISIT.reset(token)
            if visit is not None:
                limits.assign(visit, result[2])
            return result

        km.get_rendered_notebook = counted_rendered

    async def _cull_unconnected(self) -> None:
        """Shut down visitor kernels whose page never opened its websocket (seconds, not the idle
        culler's minutes): a script fetching pages must not hold kernels."""
        km = self.kernel_manager
        self.limits.forget_missing(km.list_kernel_ids())
        wall, mono = time.time(), time.monotonic()

        def last_activity(kid: str) -> float:
            try:
                seen = km.get_kernel(kid).last_activity
            except KeyError:
                return 0.0
            return mono - (wall - seen.timestamp()) if seen is not None else 0.0

        for kid in self.limits.unconnected(last_activity):
            self.log.warning("shutting down kernel %s: its page never connected", kid)
            try:
                await km.shutdown_kernel(kid)
            except Exception:  # already gone
                self.log.debug("kernel %s was already gone", kid, exc_info=True)
        self.limits.forget_missing(km.list_kernel_ids())

    @property
    def url(self) -> str:
        host = self.ip if self.ip not in ("", "0.0.0.0", "::") else socket.gethostname()
        return f"http://{host}:{self.port}{self.base_url}"

    def run(self) -> None:
        """Serve until Ctrl-C or SIGTERM, then shut every kernel down and remove connection files."""
        loop = asyncio.get_event_loop()
        stop = loop.stop
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop)
        try:
            tornado.ioloop.IOLoop.current().start()
        finally:
            for sig in (signal.SIGINT, signal.SIGTERM):
                loop.remove_signal_handler(sig)
            self.shutdown()

    def shutdown(self) -> None:
        """Stop every kernel (the visitors' and the preheated ones) and remove the connection folder."""
        run_sync(self.kernel_manager.shutdown_all)()
        rooms = getattr(self, "live_rooms", None)
        if rooms is not None:
            rooms.close()
        shutil.rmtree(self.connection_dir, ignore_errors=True)


def trust_course_notebooks(notary: Any, modules_dir: Path) -> int:
    """Sign the course's own notebooks with the server's notary, as ``jupyter trust`` would.

    Jupyter marks a notebook trusted when its signature is in the notary's store; without one, every
    page load logged "Notebook ... is not trusted" (12 warnings at start alone), which new users read
    as an error. These notebooks are the course itself, stored without outputs, so trusting them is
    true; a notebook that is not the course's (none is served) would still be reported. Returns how
    many notebooks were checked.
    """
    import nbformat

    count = 0
    for path in sorted(modules_dir.rglob("*.ipynb")):
        if any(part.startswith(".") for part in path.relative_to(modules_dir).parts):
            continue
        nb = nbformat.read(path, as_version=4)
        if not notary.check_signature(nb):
            notary.sign(nb)
        count += 1
    return count


def course_routes(routes: list[Route], s: ServeSettings, server_url: str) -> list[Route]:
    """Voilà's directory-mode routes with the course's changes applied.

    Each change names the Voilà class it expects to find; if Voilà stops using one, this raises rather
    than serving quietly without the fix.
    """
    changes: list[tuple[str, Callable[[Route], bool], Callable[[Route], list[Route]]]] = []
    modules_dir = s.modules_dir

    def is_(cls: type) -> Callable[[Route], bool]:
        return lambda r: _route_class(r) is cls

    def replace_class(cls: type) -> Callable[[Route], list[Route]]:
        return lambda r: [(r[0], cls, *r[2:])]

    root = server_url if server_url.endswith("/") else server_url + "/"
    changes.append(("landing page on /", lambda r: is_(TornadoVoilaTreeHandler)(r) and r[0] in (root, root.rstrip("/")),
                    lambda r: [(r[0], LandingHandler, {"modules_dir": modules_dir})]))
    changes.append(("file browser redirected", lambda r: is_(TornadoVoilaTreeHandler)(r) and "voila/tree" in r[0],
                    lambda r: [(r[0], TreeRedirectHandler)]))
    changes.append(("contents API removed", is_(VoilaContentsHandler), lambda r: []))
    # Limits and hidden tracebacks are not tunings: the stock handlers below still have them.
    changes.append(("pages limited per visitor", is_(TornadoVoilaHandler),
                    replace_class(XsrfCookieVoilaHandler if s.xsrf_cookie else LimitedVoilaHandler)))
    changes.append(("kernel websockets tracked" + (", TCP_NODELAY on kernel websockets" if s.tcp_nodelay else ""),
                    is_(VoilaKernelWebsocketHandler),
                    replace_class(NoDelayKernelWebsocketHandler if s.tcp_nodelay else TrackedKernelWebsocketHandler)))

    applied = {name: 0 for name, _, _ in changes}
    out: list[Route] = []
    for route in routes:
        for name, matches, apply in changes:
            if matches(route):
                applied[name] += 1
                out.extend(apply(route))
                break
        else:
            out.append(route)
    missing = [name for name, n in applied.items() if n == 0]
    if missing:
        raise PatchNotApplied(
            "Voilà's routes no longer contain what mentor-course serve changes: " + "; ".join(missing)
            + ". Check widgets/serving/app.py against the installed Voilà version.")
    return out


def build_app(s: ServeSettings) -> CourseVoila:
    """A configured, bound app ready to :meth:`~CourseVoila.run` (Voilà's ``initialize`` + ``prepare``).

    Sets the process environment the kernels inherit (data folder, course root, template path). A new
    data folder is readable by the server's user only; temporary files a killed save left in it (they
    may hold a learner's draft) are removed, as nothing is writing there yet.
    """
    from widgets.progress import remove_stale_temp_files

    if not s.data_dir.exists():
        s.data_dir.mkdir(mode=0o700, parents=True)
        s.data_dir.chmod(0o700)
    for tmp in remove_stale_temp_files(s.data_dir):
        print(f"removed a temporary file left by an interrupted save: {tmp.relative_to(s.data_dir)}", flush=True)
    os.environ.update(s.kernel_env())
    use_course_templates()
    app = CourseVoila(s)
    app.initialize([])
    app.prepare()
    return app
