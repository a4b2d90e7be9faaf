"""Issue 17: one visitor cannot spoil a shared `mentor-course serve`. Real servers on 127.0.0.1, real
kernels, plain HTTP and a real kernel websocket."""

from __future__ import annotations

import asyncio
import json
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import nbformat
import pytest
from tornado.websocket import websocket_connect

from tests.serving.test_serve_server import PAGE, page_config
from widgets.serving import process

WHO_CELL = """\
import os
print("client=" + os.environ.get("HTTP_X_MENTOR_CLIENT", "unset"), "browser=" + os.environ.get("HTTP_X_MENTOR_BROWSER", "unset"))
"""


def fetch(url: str, headers: dict[str, str] | None = None) -> tuple[int, str, dict[str, str]]:
    """One GET as `curl` makes it: no cookies kept, no websocket opened afterwards."""
    req = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=120) as r:
            return r.status, r.read().decode(), dict(r.headers)
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode(), dict(e.headers)


def test_client_address_reads_forwarded_for_only_from_a_trusted_proxy():
    from widgets.serving.clients import client_address, client_key

    assert client_address("203.0.113.9", "10.1.1.1", ()) == "203.0.113.9"  # nobody trusted: header ignored
    assert client_address("203.0.113.9", "10.1.1.1", ("10.0.0.0/8",)) == "203.0.113.9"  # peer is not the proxy
    # the visitor can write anything on the left; the proxy appends the address it saw
    assert client_address("10.0.0.2", "1.2.3.4, 198.51.100.7", ("10.0.0.2",)) == "198.51.100.7"
    assert client_address("10.0.0.2", "198.51.100.7, 10.0.0.3", ("10.0.0.0/24",)) == "198.51.100.7"
    assert client_key("198.51.100.7") != client_key("198.51.100.8")
    assert "198.51.100.7" not in client_key("198.51.100.7")


def test_kernel_limits_count_per_client_and_in_all():
    from widgets.serving.clients import KernelLimits

    limits = KernelLimits(max_kernels=3, per_client=2, unconnected_timeout=5, clock=lambda: now[0])
    now = [0.0]
    a1, a2 = limits.admit("a"), limits.admit("a")
    assert isinstance(limits.admit("a"), str)  # a's third page
    limits.assign(a1, "k1")
    limits.finish(a1)
    b1 = limits.admit("b")
    assert not isinstance(b1, str) and isinstance(limits.admit("c"), str)  # the server's third kernel
    limits.finish(a2)  # a's second page ended without a kernel
    limits.websocket_opened("k1")
    limits.assign(b1, "k2")
    now[0] = 6.0
    assert limits.unconnected(lambda kid: 0.0) == ["k2"]  # k1's page connected; k2's never did
    assert limits.unconnected(lambda kid: 5.5) == []  # k2 was busy rendering a moment ago


@pytest.fixture
def who_course(tmp_path: Path) -> Path:
    from tests.serving.conftest import write_tiny_course

    root = write_tiny_course(tmp_path / "course")
    nb = nbformat.read(root / "modules" / "01-tiny" / "module.ipynb", as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell(WHO_CELL))
    nbformat.write(nb, root / "modules" / "01-tiny" / "module.ipynb")
    return root


def test_serve_caps_kernels_per_client_and_in_all_and_culls_pages_that_never_connect(who_course: Path,
                                                                                        tmp_path: Path):
    """Six parallel `curl`s of a module page made six kernels; a kernel with no websocket lived 600 s."""
    from widgets.serving.clients import client_key

    served = process.serve(who_course, tmp_path / "data", tmp_path / "serve.log", "--pool-size", "0",
                           "--max-kernels", "3", "--kernels-per-client", "2", "--unconnected-timeout", "3",
                           "--trusted-proxy", "127.0.0.1")
    try:
        def as_visitor(address: str) -> tuple[int, str, dict[str, str]]:
            return fetch(served.url + PAGE, {"X-Forwarded-For": address, "X-Mentor-Client": "addr:forged"})

        with ThreadPoolExecutor(6) as pool:
            results = list(pool.map(as_visitor, ["198.51.100.1"] * 6))
        assert sorted(status for status, _, _ in results) == [200, 200, 503, 503, 503, 503]
        busy = next(body for status, body, _ in results if status == 503)
        assert "You already have many pages of this course open" in busy and "try again in a minute" in busy
        assert next(h for s, _, h in results if s == 503).get("Retry-After") == "60"
        assert len(served.kernel_pids()) == 2
        status, body, _ = as_visitor("198.51.100.2")  # another visitor still gets a page ...
        assert status == 200
        assert f"client={client_key('198.51.100.2')}" in body and "addr:forged" not in body
        status, body, _ = as_visitor("198.51.100.3")  # ... until the server's cap
        assert status == 503 and "Many pages of this course are open right now" in body
        started = time.monotonic()
        process.wait_until(lambda: not served.kernel_pids(), timeout=60,
                           message="kernels of pages that never connected to be shut down")
        assert time.monotonic() - started < 30  # seconds, not the idle culler's 600
        assert "its page never connected" in served.output()
        assert as_visitor("198.51.100.1")[0] == 200  # freed: the first visitor may come back
        assert (tmp_path / "data").stat().st_mode & 0o777 == 0o700  # issue 17 (6): a private data folder
    finally:
        served.stop()


def test_serve_hides_a_malformed_comm_open_traceback_from_the_visitor(tmp_path: Path):
    """A malformed comm_open streamed a kernel traceback with server paths to the page."""
    from tests.serving.conftest import write_tiny_course

    course = write_tiny_course(tmp_path / "course")
    stale = tmp_path / "data" / "progress" / ".mentor-abc.json.k3j2.tmp"  # a save killed by kill -9
    stale.parent.mkdir(parents=True)
    stale.write_text('{"drafts": "words nobody should find later"}')
    served = process.serve(course, tmp_path / "data", tmp_path / "serve.log", "--pool-size", "0")
    try:
        assert not stale.exists()  # issue 17 (6): removed at start-up
        assert "removed a temporary file left by an interrupted save" in served.output()
        status, html, _ = fetch(served.url + PAGE)
        assert status == 200
        kernel = page_config(html)["kernelId"]
        ws_url = served.url.replace("http://", "ws://") + f"api/kernels/{kernel}/channels?session_id=probe"

        async def probe() -> list[str]:
            conn = await websocket_connect(ws_url)
            msg = {"header": {"msg_id": "m1", "msg_type": "comm_open", "username": "", "session": "probe",
                              "date": "", "version": "5.3"},
                   "parent_header": {}, "metadata": {}, "channel": "shell", "buffers": [],
                   "content": {"comm_id": "c1", "target_name": "jupyter.widget", "data": {"state": 42}}}
            await conn.write_message(json.dumps(msg))
            got: list[str] = []
            end = asyncio.get_running_loop().time() + 6
            while asyncio.get_running_loop().time() < end:
                try:
                    m = await asyncio.wait_for(conn.read_message(), 1)
                except asyncio.TimeoutError:
                    continue
                if m is None:
                    break
                got.append(m if isinstance(m, str) else m.decode("utf-8", "replace"))
            conn.close()
            return got

        seen = "\n".join(asyncio.run(probe()))
        process.wait_until(lambda: "hidden from the visitor" in served.output(), timeout=30,
                           message="the traceback in the server's log")
        assert "Traceback" not in seen and "site-packages" not in seen and "/" + "usr" not in seen
        assert "Traceback" in served.output() or "Exception opening comm" in served.output()
    finally:
        served.stop()
