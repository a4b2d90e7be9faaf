"""Browser fixtures: Debian's Chromium driven by Playwright, and the course served by `mentor-course serve`.

Fixtures for every browser test:

- ``browser`` (session): one headless Chromium; open several contexts on it for several people.
- ``page`` (per test): a fresh browser context (its own cookies and storage) and a page in it.
- ``served_course`` (session): the base URL (``http://127.0.0.1:<port>/``) of `mentor-course serve` over this
  repository's course, with its defaults and a temporary data folder; ``served_course_process`` is the
  same server as a :class:`widgets.serving.process.ServeProcess` (its kernels, its log).
- ``console_errors`` (per test): errors the ``page`` logged in its console or threw.
- ``screenshot`` (per test): ``screenshot(page, name)`` saves a full-page PNG under test-artifacts/browser/.

When Chromium is absent every browser test is skipped with the command that installs it. Playwright never
downloads a browser here: it launches /usr/bin/chromium (or $MENTOR_COURSE_CHROMIUM).
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from tests.conftest import REPO

CHROMIUM = os.environ.get("MENTOR_COURSE_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--no-first-run"]
INSTALL_HINT = ("Debian's Chromium is not installed at {path}: install it with "
                "`apt-get update && apt-get install -y chromium` (or point MENTOR_COURSE_CHROMIUM at a Chromium "
                "binary), then run the browser tests again")
ARTIFACTS = REPO / "test-artifacts" / "browser"
#: A page's first load may start a kernel and run the whole notebook: slow on two busy cores.
LOAD_TIMEOUT_MS = 120_000


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Skip browser tests, saying how to install Chromium, when it is absent."""
    if Path(CHROMIUM).exists():
        return
    skip = pytest.mark.skip(reason=INSTALL_HINT.format(path=CHROMIUM))
    for item in items:
        if item.get_closest_marker("browser") is not None:
            item.add_marker(skip)














def modules_with_notebooks() -> list[str]:
    """Module ids of modules/course.yaml, in order, whose folder has a module.ipynb."""
    from widgets.content.loader import load_course

    course = load_course(REPO / "modules" / "course.yaml")
    return [m.id for m in course.modules if (REPO / "modules" / m.id / "module.ipynb").is_file()]


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """A test that takes ``module_id`` runs once per module page of the course."""
    if "module_id" in metafunc.fixturenames:
        metafunc.parametrize("module_id", modules_with_notebooks())


def first_scenario_cell(module_id: str) -> int | None:
    """The 1-based position (Voilà's ``cell-index``) of the module notebook's first ``play(...)`` cell."""
    import json

    nb = json.loads((REPO / "modules" / module_id / "module.ipynb").read_text(encoding="utf-8"))
    for i, cell in enumerate(nb["cells"], start=1):
        source = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
        if cell["cell_type"] == "code" and re.search(r"\bplay\(", source):
            return i
    return None


@pytest.fixture
def open_module():
    """``open_module(page, base_url, module_id)``: open a module page and wait until its first scenario is
    interactive (a choice or the content note's Continue button is enabled); returns that button."""

    def go(pg, base_url: str, module_id: str):
        pg.goto(f"{base_url}voila/render/{module_id}/module.ipynb")
        index = first_scenario_cell(module_id)
        scope = pg.locator(f'[cell-index="{index}"]') if index else pg.locator("#rendered_cells")
        button = scope.locator('[data-testid=player] button:is([data-testid^="choice-"], [data-testid=continue])')
        button.first.wait_for(state="visible", timeout=LOAD_TIMEOUT_MS)
        return button.first

    return go
