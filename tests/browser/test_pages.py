"""Does the served course work in a real browser: the landing page lists every module, each module page
shows its first scenario ready to play with no error, and closing pages frees their kernels?

`mentor-course serve` over this repository's course (tests/browser/conftest.py), Debian's Chromium.
Screenshots of every page go to test-artifacts/browser/ for a person to look at.
"""

from __future__ import annotations

import pytest

from tests.browser.conftest import modules_with_notebooks
from tests.conftest import REPO
from widgets.content.loader import load_course
from widgets.serving import process
from widgets.serving.landing import LIVE_APPS

pytestmark = pytest.mark.browser


def test_landing_page_lists_every_module_in_order(page, served_course, console_errors, screenshot):
    course = load_course(REPO / "modules" / "course.yaml")
    page.goto(served_course)
    headings = page.locator("li.module h3").all_inner_texts()
    assert headings == [f"Module {i}. {m.title}" for i, m in enumerate(course.modules, start=1)]
    for m in course.modules:
        link = page.get_by_role("link", name=m.title, exact=True)
        if (REPO / "modules" / m.id / "module.ipynb").is_file():
            assert link.get_attribute("href") == f"voila/render/{m.id}/module.ipynb"
        else:
            assert link.count() == 0
    for app in LIVE_APPS:
        link = page.get_by_role("link", name=app.title, exact=True)
        # a page the server serves itself (live/join) is listed when the notebook it needs is there
        assert link.count() == (1 if (REPO / "modules" / (app.needs or app.path)).is_file() else 0)
    screenshot(page, "landing")
    page.emulate_media(color_scheme="dark")
    screenshot(page, "landing-dark")
    assert console_errors == []


def test_landing_page_link_opens_the_module(page, served_course, open_module):
    page.goto(served_course)
    first = page.locator("li.module h3 a").first
    module_id = first.get_attribute("href").split("/")[2]
    first.click()
    page.wait_for_url(f"**/voila/render/{module_id}/module.ipynb")
    open_module(page, served_course, module_id)


def test_module_page_shows_first_scenario_ready_without_errors(page, served_course, module_id, open_module,
                                                               console_errors, screenshot):
    button = open_module(page, served_course, module_id)
    assert button.is_enabled()
    assert page.locator(".mc-problem").count() == 0, page.locator(".mc-problem").first.inner_text()
    assert page.locator('[data-mime-type="application/vnd.jupyter.stderr"]').count() == 0
    assert page.locator("#rendered_cells").get_attribute("role") == "main"
    screenshot(page, f"module-{module_id}")
    screenshot(page.locator("[data-testid=player]").first, f"module-{module_id}-first-scenario")
    assert console_errors == []


def test_closing_module_pages_frees_their_kernels(browser, served_course, served_course_process, open_module):
    """The page's shutdown request on close passes the XSRF check, so each kernel goes at once (stock Voilà
    keeps them until culled)."""
    module_id = modules_with_notebooks()[0]
    kernel_ids, contexts = [], []
    for _ in range(3):
        context = browser.new_context()
        pg = context.new_page()
        open_module(pg, served_course, module_id)
        kernel_ids.append(pg.evaluate("JSON.parse(document.getElementById('jupyter-config-data').textContent)"
                                      ".kernelId"))
        contexts.append((context, pg))
    assert len(set(kernel_ids)) == 3
    assert set(kernel_ids) <= served_course_process.kernel_ids()
    for context, pg in contexts:
        pg.close(run_before_unload=True)  # as closing the tab does: the page's beforeunload handler runs
        context.close()
    process.wait_until(lambda: not set(kernel_ids) & served_course_process.kernel_ids(), timeout=30,
                       message="the closed pages' kernels to be shut down")
