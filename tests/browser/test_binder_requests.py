"""Does the Binder path keep every request on the visitor's own server, with a clean console?

On Binder the course is served through Voilà's *server extension* (``/voila/render/modules/index.ipynb``)
with the configuration binder/postBuild writes, not by `mentor-course serve`. Every page there fetched
MathJax from a public CDN (failing offline and telling a third party each visitor's address). This test
writes that configuration into a temporary Jupyter prefix (the same functions postBuild runs), starts a
real Jupyter server on 127.0.0.1 over a copy of the course, opens the landing notebook and module 01 in
Chromium, and records every request the pages make.
"""

from __future__ import annotations

import os
import re
import shutil
import sys
from urllib.parse import urlsplit

import pytest

from tests.browser.conftest import LOAD_TIMEOUT_MS
from tests.conftest import REPO
from widgets.serving import binder, process

pytestmark = pytest.mark.browser

TOKEN = "binder-test-token"


@pytest.fixture(scope="module")
def binder_server(tmp_path_factory: pytest.TempPathFactory):
    tmp = tmp_path_factory.mktemp("binder-path")
    repo = tmp / "repo"
    shutil.copytree(REPO / "modules", repo / "modules", ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    prefix = tmp / "prefix"
    binder.install_template(prefix)
    binder.write_voila_config(prefix)
    binder.write_server_config(prefix)
    binder.write_landing_notebook(repo)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("JUPYTER", "MENTOR_COURSE"))}
    env.update(JUPYTER_CONFIG_PATH=str(prefix / "etc" / "jupyter"), JUPYTER_PATH=str(prefix / "share" / "jupyter"),
               MENTOR_COURSE_DATA=str(tmp / "data"), HOME=str(tmp))
    command = [sys.executable, "-m", "jupyter", "server", "--no-browser", "--port=0", "--ip=127.0.0.1",
               f"--IdentityProvider.token={TOKEN}", "--allow-root", f"--ServerApp.root_dir={repo}"]
    served = process.start(command, tmp / "server.log", cwd=repo, env=env,
                           url_pattern=re.compile(r"(http://127\.0\.0\.1:\d+/)"))
    yield served
    served.stop()


@pytest.mark.parametrize("path", ["modules/index.ipynb", "modules/01-foundations/module.ipynb"])
def test_binder_pages_request_nothing_from_third_parties(browser, binder_server, path):
    origin = urlsplit(binder_server.url).netloc
    context = browser.new_context()
    context.set_default_navigation_timeout(LOAD_TIMEOUT_MS)
    pg = context.new_page()
    requests: list[str] = []
    console: list[str] = []
    pg.on("request", lambda r: requests.append(r.url))
    pg.on("console", lambda m: console.append(f"{m.type}: {m.text}") if m.type in ("error", "warning") else None)
    pg.goto(f"{binder_server.url}voila/render/{path}?token={TOKEN}", wait_until="networkidle")
    if "01-foundations" in path:
        pg.locator("[data-testid=player]").first.wait_for(timeout=LOAD_TIMEOUT_MS)
    pg.wait_for_load_state("networkidle")
    context.close()
    others = sorted({u for u in requests
                     if not (u.startswith(("data:", "blob:http://" + origin)) or urlsplit(u).netloc == origin)})
    assert requests and others == []
    assert console == []
