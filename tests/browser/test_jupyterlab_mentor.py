"""Does JupyterLab explain itself to a mentor? Started in modules/ (as the README says), module 01 opens
with a note telling the mentor to Run All, since its widgets appear only once the notebook runs; the
page's console stays clean and no request fails (nbgrader's lab extension is installed alongside)."""

from __future__ import annotations

import os
import re
import sys

import pytest

from tests.browser.conftest import LOAD_TIMEOUT_MS
from tests.conftest import REPO
from widgets.serving import process

pytestmark = pytest.mark.browser

TOKEN = "lab-test-token"


@pytest.fixture(scope="module")
def mentor_lab(tmp_path_factory: pytest.TempPathFactory):
    tmp = tmp_path_factory.mktemp("mentor-lab")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("JUPYTER", "MENTOR_COURSE"))}
    env.update(HOME=str(tmp), MENTOR_COURSE_DATA=str(tmp / "data"))
    command = [sys.executable, "-m", "jupyter", "lab", "--no-browser", "--port=0", "--ip=127.0.0.1",
               f"--IdentityProvider.token={TOKEN}", "--allow-root", "modules/"]
    served = process.start(command, tmp / "lab.log", cwd=REPO, env=env,
                           url_pattern=re.compile(r"(http://127\.0\.0\.1:\d+/)lab"))
    yield served
    served.stop()


def test_jupyterlab_tells_a_mentor_to_run_all_and_stays_quiet(browser, mentor_lab):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(LOAD_TIMEOUT_MS)
    pg = context.new_page()
    console: list[str] = []
    failed: list[str] = []
    pg.on("console", lambda m: console.append(f"{m.type}: {m.text}") if m.type in ("error", "warning") else None)
    pg.on("response", lambda r: failed.append(f"{r.status} {r.url}") if r.status >= 400 else None)
    pg.goto(f"{mentor_lab.url}lab/tree/01-foundations/module.ipynb?token={TOKEN}")
    note = pg.locator(".jp-Notebook .jp-MarkdownCell .jp-RenderedMarkdown").filter(has_text="Run All Cells")
    note.first.wait_for(state="visible")
    first_cell = pg.locator(".jp-Notebook .jp-MarkdownCell").first
    assert "Run All Cells" in first_cell.inner_text()
    pg.wait_for_timeout(3000)  # let the lab extensions finish their start-up requests
    context.close()
    assert failed == []
    assert console == []
