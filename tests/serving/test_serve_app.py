"""Do the course's changes to Voilà still apply to the installed Voilà, and do they take effect?

These build the app in this process (no subprocess), so they can look at its routes, its kernel
manager and the server side of a kernel websocket. If a Voilà upgrade renames what the course patches,
these fail instead of the server quietly running without the fix.
"""

from __future__ import annotations

import asyncio
import inspect
import json
import os
import re
import signal
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
from tornado.httpclient import AsyncHTTPClient
from tornado.websocket import websocket_connect
from voila.tornado.contentshandler import VoilaContentsHandler
from voila.tornado.handler import TornadoVoilaHandler
from voila.tornado.kernel_websocket_handler import VoilaKernelWebsocketHandler
from voila.tornado.treehandler import TornadoVoilaTreeHandler

from widgets.serving.app import CourseVoila, PatchNotApplied, build_app, course_routes
from widgets.serving.handlers import (
    LandingHandler,
    LimitedVoilaHandler,
    NoDelayKernelWebsocketHandler,
    TrackedKernelWebsocketHandler,
    TreeRedirectHandler,
    XsrfCookieVoilaHandler,
)
from widgets.serving.settings import ServeSettings, stock_settings


@pytest.fixture
def clean_process_state(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The app sets environment variables and a SIGTERM handler in this process: put them back after."""
    for name in ("JUPYTER_PATH", "MENTOR_COURSE_DATA", "MENTOR_COURSE_ROOT"):
        # setenv records the original state (absent included), so the undo removes what the app adds;
        # delenv of an absent variable would record nothing and leak the app's value into later tests.
        was_set = name in os.environ
        monkeypatch.setenv(name, os.environ.get(name, ""))
        if not was_set:
            monkeypatch.delenv(name)
    sigterm = signal.getsignal(signal.SIGTERM)
    yield
    signal.signal(signal.SIGTERM, sigterm)


def settings(course: Path, tmp_path: Path, **changes) -> ServeSettings:
    return ServeSettings(course_root=course, data_dir=tmp_path / "data", port=0, **changes)


def voila_routes(s: ServeSettings) -> list[tuple]:
    """Voilà's own routes for ``s`` (before the course's changes), from a real, unstarted app."""
    app = CourseVoila(s)
    app.initialize([])
    app.init_settings()
    return super(CourseVoila, app).init_handlers()


def classes(routes: list[tuple]) -> list[type]:
    return [r[1] for r in routes]


def test_course_routes_replace_voila_handlers(tiny_course: Path, tmp_path: Path, clean_process_state):
    s = settings(tiny_course, tmp_path, pool_size=0)
    routes = course_routes(voila_routes(s), s, "/")
    found = classes(routes)
    for cls in (LandingHandler, TreeRedirectHandler, XsrfCookieVoilaHandler, NoDelayKernelWebsocketHandler):
        assert cls in found
    for cls in (TornadoVoilaTreeHandler, VoilaContentsHandler, TornadoVoilaHandler, VoilaKernelWebsocketHandler):
        assert cls not in found
    landing = next(r for r in routes if r[1] is LandingHandler)
    assert landing[0] == "/"


def test_course_routes_keep_stock_handlers_when_tunings_are_off(tiny_course: Path, tmp_path: Path,
                                                                  clean_process_state):
    s = stock_settings(settings(tiny_course, tmp_path))
    found = classes(course_routes(voila_routes(s), s, "/"))
    assert LimitedVoilaHandler in found and TrackedKernelWebsocketHandler in found  # limits are not tunings
    assert XsrfCookieVoilaHandler not in found and NoDelayKernelWebsocketHandler not in found
    assert LandingHandler in found  # the landing page is not a tuning


def test_course_routes_fail_loudly_when_voila_lacks_a_route(tiny_course: Path, tmp_path: Path, clean_process_state):
    s = settings(tiny_course, tmp_path, pool_size=0)
    without_websocket = [r for r in voila_routes(s) if r[1] is not VoilaKernelWebsocketHandler]
    with pytest.raises(PatchNotApplied, match="TCP_NODELAY on kernel websockets"):
        course_routes(without_websocket, s, "/")


def test_app_ignores_voila_config_files(tiny_course: Path, tmp_path: Path, clean_process_state,
                                       monkeypatch: pytest.MonkeyPatch):
    """A stray voila.json beside the course cannot undo the hardened settings."""
    (tiny_course / "voila.json").write_text('{"VoilaConfiguration": {"show_tracebacks": true, "strip_sources": false}}')
    monkeypatch.chdir(tiny_course)
    try:
        app = CourseVoila(settings(tiny_course, tmp_path, pool_size=0))
        app.initialize([])
        assert app.voila_configuration.show_tracebacks is False
        assert app.voila_configuration.strip_sources is True
    finally:
        (tiny_course / "voila.json").unlink()


def test_patched_methods_still_exist_in_voila():
    """The subclasses override these; if Voilà renamed them, the override would never run."""
    assert asyncio.iscoroutinefunction(inspect.unwrap(TornadoVoilaHandler.get))
    assert asyncio.iscoroutinefunction(VoilaKernelWebsocketHandler.open)
    assert callable(VoilaKernelWebsocketHandler.set_nodelay)


def test_voila_lab_template_still_has_what_the_course_template_edits():
    """The course template rewrites two CDN links and the cells' container in Voilà's `lab` template."""
    from jupyter_core.paths import jupyter_path

    text = next(Path(p, "voila", "templates", "lab", "index.html.j2") for p in jupyter_path()
                if Path(p, "voila", "templates", "lab", "index.html.j2").is_file()).read_text()
    assert "https://cdn.jsdelivr.net/npm/@fortawesome/fontawesome-free@^5/css/all.min.css" in text
    assert "https://cdn.jsdelivr.net/npm/@fortawesome/fontawesome-free@^5/css/v4-shims.min.css" in text
    assert '<div id="rendered_cells"' in text


def _server_side(client: socket.socket) -> socket.socket:
    """The accepted socket in this process whose peer is ``client`` (found through /proc/self/fd)."""
    want = client.getsockname()
    for fd in os.listdir("/proc/self/fd"):
        dup = os.dup(int(fd))
        try:
            s = socket.socket(fileno=dup)
        except OSError:  # not a socket
            os.close(dup)
            continue
        try:
            if s.family == socket.AF_INET and s.type == socket.SOCK_STREAM and s.getpeername() == want:
                return s
        except OSError:
            pass
        s.close()
    raise AssertionError(f"no server-side socket connected to {want}")


def _kernel_websocket_nodelay(s: ServeSettings) -> tuple[int, int, float, int]:
    """Open the module page and its kernel websocket on a real app; return the server side's TCP_NODELAY,
    the kernel manager's cull timeout, its fill delay (or -1 without preheating) and the pool size."""

    async def scenario() -> tuple[int, int, float, int]:
        app = build_app(s)
        base = f"http://127.0.0.1:{app.port}"
        try:
            page = await AsyncHTTPClient().fetch(f"{base}/voila/render/01-tiny/module.ipynb")
            config = json.loads(re.search(rb'<script id="jupyter-config-data" type="application/json">(.*?)</script>',
                                          page.body, re.S).group(1))
            ws = await websocket_connect(f"ws://127.0.0.1:{app.port}/api/kernels/{config['kernelId']}/channels"
                                         "?session_id=test")
            server = _server_side(ws.protocol.stream.socket)
            nodelay = server.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY)
            server.close()
            ws.close()
            km = app.kernel_manager
            return (nodelay, km.cull_idle_timeout, getattr(km, "fill_delay", -1.0),
                    km.get_pool_size("01-tiny/module.ipynb"))
        finally:
            await km_shutdown(app)

    async def km_shutdown(app: CourseVoila) -> None:
        await app.kernel_manager.shutdown_all()

    return asyncio.run(scenario())


def test_tcp_nodelay_on_kernel_websocket_and_kernel_manager_settings(tiny_course: Path, tmp_path: Path,
                                                                     clean_process_state):
    nodelay, cull, fill_delay, pool = _kernel_websocket_nodelay(settings(tiny_course, tmp_path, fill_delay=0.3))
    assert nodelay != 0
    assert (cull, fill_delay) == (600, 0.3)
    assert pool == 1  # refilled after this visit took the preheated kernel


def test_tcp_nodelay_off_when_tuning_is_off(tiny_course: Path, tmp_path: Path, clean_process_state):
    nodelay, cull, fill_delay, pool = _kernel_websocket_nodelay(stock_settings(settings(tiny_course, tmp_path)))
    assert nodelay == 0
    assert (cull, fill_delay, pool) == (0, -1.0, 0)
