"""Does a running `mentor-course serve` behave as its settings say, against the same server with every
tuning off (`--stock`)? Real processes on 127.0.0.1, real kernels, plain HTTP (the browser tests in
tests/browser do the same through Chromium)."""

from __future__ import annotations

import http.cookiejar
import json
import re
import sys
import urllib.error
import urllib.request
from pathlib import Path

import psutil
import pytest

from widgets.serving import process
from widgets.serving.settings import WIDGET_EXTENSIONS

PAGE = "voila/render/01-tiny/module.ipynb"
WIDGETS_ASSET = "voila/labextensions/@jupyter-widgets/jupyterlab-manager/static/"


class Client:
    """A cookie-keeping HTTP client, as a browser is."""

    def __init__(self) -> None:
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def get(self, url: str) -> tuple[int, dict[str, str], str]:
        with self.opener.open(url, timeout=120) as r:
            return r.status, dict(r.headers), r.read().decode()

    def post(self, url: str, headers: dict[str, str]) -> int:
        req = urllib.request.Request(url, data=b"", method="POST", headers=headers)
        try:
            with self.opener.open(req, timeout=60) as r:
                return r.status
        except urllib.error.HTTPError as e:
            return e.code

    def cookie(self, name: str) -> str | None:
        return next((c.value for c in self.jar if c.name == name), None)


def page_config(html: str) -> dict:
    m = re.search(r'<script id="jupyter-config-data" type="application/json">(.*?)</script>', html, re.S)
    assert m, "the page has no jupyter-config-data"
    return json.loads(m.group(1))


def first_asset(served: process.ServeProcess) -> str:
    """The URL of one content-hashed file the widget manager extension serves."""
    _, _, html = Client().get(served.url + PAGE)
    entry = next(e for e in page_config(html)["federated_extensions"]
                 if e["name"] == "@jupyter-widgets/jupyterlab-manager")
    return f"{served.url}{WIDGETS_ASSET}{entry['load'].split('/')[-1]}"


def test_serve_landing_page_lists_modules_and_links_existing_ones(tuned: process.ServeProcess):
    status, headers, html = Client().get(tuned.url)
    assert status == 200 and headers["Content-Type"].startswith("text/html")
    assert html.index("Tiny: &#34;one&#34; &lt;b&gt;button&lt;/b&gt;") < html.index("Not written yet")
    assert f'href="{PAGE}"' in html
    assert "voila/render/02-missing" not in html


def test_serve_file_browser_redirects_to_landing_page(tuned: process.ServeProcess):
    status, _, html = Client().get(tuned.url + "voila/tree")
    assert status == 200 and "Modules" in html and "A tiny &lt;course&gt;" in html


def test_serve_module_page_is_rendered_without_sources(tuned: process.ServeProcess):
    _, _, html = Client().get(tuned.url + PAGE)
    assert "application/vnd.jupyter.widget-view+json" in html
    assert "button.on_click" not in html  # the cell's source is stripped


def test_serve_kernels_get_the_data_folder_and_course_root(tuned: process.ServeProcess, tiny_course: Path):
    process.wait_until(lambda: bool(tuned.kernel_pids()), message="a kernel")
    pid = min(tuned.kernel_pids())
    env = psutil.Process(pid).environ()
    data_dir = Path(env["MENTOR_COURSE_DATA"])
    assert data_dir.is_dir() and data_dir.name == "data"
    assert Path(env["MENTOR_COURSE_ROOT"]) == tiny_course.resolve()


def test_serve_sets_xsrf_cookie_so_closing_a_page_frees_its_kernel(tuned: process.ServeProcess):
    client = Client()
    _, _, html = client.get(tuned.url + PAGE)
    kernel_id = page_config(html)["kernelId"]
    token = client.cookie("_xsrf")
    assert token
    assert kernel_id in tuned.kernel_ids()
    # what the page sends on close (voila's beforeunload: POST voila/api/shutdown/<id> with the XSRF header)
    status = client.post(f"{tuned.url}voila/api/shutdown/{kernel_id}", {"X-XSRFToken": token})
    assert status == 204
    process.wait_until(lambda: kernel_id not in tuned.kernel_ids(), message="the kernel to be shut down")


def test_stock_sets_no_xsrf_cookie_and_refuses_the_shutdown(stock: process.ServeProcess):
    client = Client()
    _, _, html = client.get(stock.url + PAGE)
    assert client.cookie("_xsrf") is None
    status = client.post(f"{stock.url}voila/api/shutdown/{page_config(html)['kernelId']}", {})
    assert status == 403


def test_serve_preheats_a_kernel_per_module_before_any_visit(tuned: process.ServeProcess,
                                                              stock: process.ServeProcess):
    process.wait_until(lambda: len(tuned.kernel_pids()) >= 1, message="the preheated kernel")
    assert "Kernel pool of 01-tiny/module.ipynb is filled" in tuned.output()
    assert "Kernel pool" not in stock.output()


def test_serve_pages_have_no_third_party_requests_and_a_main_landmark(tuned: process.ServeProcess,
                                                                      stock: process.ServeProcess):
    _, _, html = Client().get(tuned.url + PAGE)
    assert not re.findall(r'(?:href|src)="https?://(?!127\.0\.0\.1)', html)
    assert '<div id="rendered_cells" role="main"' in html
    _, _, stock_html = Client().get(stock.url + PAGE)
    assert "cdn.jsdelivr.net" in stock_html


def test_serve_pages_load_only_widget_extensions(tuned: process.ServeProcess, stock: process.ServeProcess):
    _, _, html = Client().get(tuned.url + PAGE)
    names = {e["name"] for e in page_config(html)["federated_extensions"]}
    assert names and names <= set(WIDGET_EXTENSIONS)
    _, _, stock_html = Client().get(stock.url + PAGE)
    assert {e["name"] for e in page_config(stock_html)["federated_extensions"]} > names


def test_serve_hashed_assets_are_cached_for_a_year(tuned: process.ServeProcess, stock: process.ServeProcess):
    _, headers, _ = Client().get(first_asset(tuned))
    assert headers["Cache-Control"] == "public, max-age=31536000, immutable"
    _, stock_headers, _ = Client().get(first_asset(stock))
    assert stock_headers["Cache-Control"] == "no-cache"


def test_serve_culls_a_kernel_whose_page_went_away(tiny_course: Path, tmp_path: Path):
    served = process.serve(tiny_course, tmp_path / "data", tmp_path / "serve.log", "--cull-idle", "2",
                           "--pool-size", "0")
    try:
        Client().get(served.url + PAGE)  # starts a kernel; no websocket ever connects to it
        assert len(served.kernel_pids()) == 1
        process.wait_until(lambda: not served.kernel_pids(), message="the idle kernel to be culled")
        assert "Culling" in served.output()
    finally:
        served.stop()


def _running(pid: int) -> bool:
    """Is ``pid`` a live process (not gone, not a zombie waiting for its parent to collect it)?"""
    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


def test_serve_ctrl_c_stops_cleanly_and_shuts_every_kernel_down(tiny_course: Path, tmp_path: Path):
    served = process.serve(tiny_course, tmp_path / "data", tmp_path / "serve.log")
    Client().get(served.url + PAGE)
    process.wait_until(lambda: len(served.kernel_pids()) >= 2, message="a visitor's kernel and a refilled pool")
    kernels = served.kernel_pids()
    assert served.stop() == 0
    assert {pid for pid in kernels if _running(pid)} == set()
    assert "Stopped; every kernel has been shut down." in served.output()
    # the server itself reports no error (a kernel stopped in the middle of running its notebook may log
    # one of its own, prefixed [IPKernelApp])
    server_lines = [line for line in served.output().splitlines() if not line.startswith(("[IPKernelApp]", " "))]
    assert not [line for line in server_lines if "ERROR" in line or "Exception in callback" in line
                or "never retrieved" in line]


def test_serve_refuses_a_port_in_use(tiny_course: Path, tmp_path: Path, tuned: process.ServeProcess):
    port = tuned.url.rsplit(":", 1)[1].strip("/")
    with pytest.raises(RuntimeError, match="choose another port with --port"):
        process.start([sys.executable, "-m", "widgets.cli", "serve", "--course-dir", str(tiny_course),
                       "--data-dir", str(tmp_path / "data"), "--port", port], tmp_path / "second.log")


def test_serve_log_is_quiet_kernels_use_unix_sockets_and_notebooks_are_trusted(tuned: process.ServeProcess):
    """Does a new user see only real warnings? The course's own notebooks are signed as trusted at start
    (no "Notebook ... is not trusted" per page), and kernels talk over Unix sockets (no "Kernel is running
    over TCP without encryption" per kernel, and no TCP port to race for between two servers)."""
    Client().get(tuned.url + PAGE)
    process.wait_until(lambda: len(tuned.kernel_pids()) >= 1, message="a kernel")
    log = tuned.output()
    assert "is not trusted" not in log
    assert "without encryption" not in log
    assert "Serving 1 course notebooks" in log
    pid = min(tuned.kernel_pids())
    cmdline = psutil.Process(pid).cmdline()
    connection_file = Path(next(a for a in cmdline if a.endswith(".json")))
    assert json.loads(connection_file.read_text())["transport"] == "ipc"
