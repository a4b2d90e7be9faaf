"""The browser fixtures every test area shares, defined once.

They live here, not in tests/browser/conftest.py, because tests outside tests/browser (grading, live,
outcomes) use them too, and a fixture imported into two conftest files becomes two fixtures: two
session-wide Playwright instances in one process, which Playwright refuses. tests/conftest.py imports
them, so there is exactly one ``browser`` per test session. tests/conftest.py also runs every browser
test after all others: Playwright's sync API keeps an event loop running in the main thread, and tests
that call ``asyncio.run`` cannot run while it does.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.browser.conftest import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS, INSTALL_HINT, LOAD_TIMEOUT_MS
from widgets.serving import process

REPO = Path(__file__).resolve().parent.parent.parent


@pytest.fixture(scope="session")
def browser() -> Iterator:
    if not Path(CHROMIUM).exists():
        pytest.skip(INSTALL_HINT.format(path=CHROMIUM))
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser) -> Iterator:
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    context.set_default_timeout(30_000)
    context.set_default_navigation_timeout(LOAD_TIMEOUT_MS)
    pg = context.new_page()
    yield pg
    context.close()


@pytest.fixture
def console_errors(page) -> list[str]:
    """Console errors and warnings, and uncaught exceptions, of ``page`` (registered before the test
    navigates). Warnings count: a visitor's console should be clean, and version-mismatch warnings between
    Voilà's bundled JupyterLab and the widget extensions were a real fault (see pyproject's pins)."""
    errors: list[str] = []
    page.on("console", lambda m: errors.append(f"console {m.type}: {m.text}")
            if m.type in ("error", "warning") else None)
    page.on("pageerror", lambda e: errors.append(f"uncaught: {e}"))
    return errors


@pytest.fixture(scope="session")
def served_course_process(tmp_path_factory: pytest.TempPathFactory) -> Iterator[process.ServeProcess]:
    tmp = tmp_path_factory.mktemp("served-course")
    # The browser suite opens every module page from 127.0.0.1, one client: the per-client kernel cap
    # (tests/serving/test_serve_limits.py tests it) is off here, as a facilitator raises it for a classroom.
    served = process.serve(REPO, tmp / "data", tmp / "serve.log", "--kernels-per-client", "0", "--max-kernels", "0")
    yield served
    served.stop()


@pytest.fixture(scope="session")
def served_course(served_course_process: process.ServeProcess) -> str:
    return served_course_process.url


@pytest.fixture
def screenshot():
    """``screenshot(page_or_locator, name)``: a PNG at test-artifacts/browser/<name>.png (the full page, or
    just the element a locator finds); returns its path."""

    def take(target, name: str) -> Path:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        path = ARTIFACTS / (re.sub(r"[^A-Za-z0-9_.-]+", "-", name).strip("-") + ".png")
        if hasattr(target, "goto"):
            target.screenshot(path=str(path), full_page=True)
        else:
            target.screenshot(path=str(path))
        return path

    return take
