"""Can a trainer grade with the keyboard alone in the real grading notebook (served by Voilà, driven in
Debian's Chromium), and does the page pass an axe-core scan in light and dark themes?"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import REPO
from tests.grading.conftest import ASSIGNMENT, STRONG, copy_course, correct_letters, fill, write_notebook
from widgets.grading import nbgrader_apps
from widgets.grading.collect import import_folder
from widgets.grading.gradebook import Gradebook
from widgets.grading.release import student_notebook

pytestmark = pytest.mark.browser

CHROMIUM = os.environ.get("MENTOR_COURSE_CHROMIUM", "/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--no-first-run"]
ARTIFACTS = REPO / "test-artifacts" / "grading"
SERIOUS = {"serious", "critical"}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def served(tmp_path_factory, browser):
    """course/grading.ipynb in Voilà over a course copy with one autograded submission."""
    if not Path(CHROMIUM).exists():
        pytest.skip(f"Debian's Chromium is not installed at {CHROMIUM}: apt-get install -y chromium")
    mp = pytest.MonkeyPatch()
    mp.delenv("MENTOR_COURSE_GRADEBOOK_URL", raising=False)
    base = tmp_path_factory.mktemp("browser")
    course = copy_course(base / "course")
    assert nbgrader_apps.generate_assignment(course, ASSIGNMENT).ok
    write_notebook(fill(student_notebook(course, ASSIGNMENT), STRONG, correct_letters(course)),
                   base / "inbox" / f"ana_{ASSIGNMENT}.ipynb")
    import_folder(course, base / "inbox", ASSIGNMENT)
    assert [r.ok for r in nbgrader_apps.autograde(course, ASSIGNMENT)] == [True]
    port = _free_port()
    log = (base / "voila.log").open("w")
    env = {**os.environ, "JUPYTERHUB_USER": "trainer-kb"}
    proc = subprocess.Popen([sys.executable, "-m", "voila", "grading.ipynb", "--no-browser", f"--port={port}",
                             "--Voila.ip=127.0.0.1", "--show_tracebacks=True"],
                            cwd=course.root, stdout=log, stderr=subprocess.STDOUT, env=env)
    url = f"http://127.0.0.1:{port}/"
    deadline = time.time() + 90
    while time.time() < deadline:
        try:
            urllib.request.urlopen(url + "voila/static/", timeout=2)
            break
        except urllib.error.HTTPError:
            break  # the server answered, even if not with this page
        except OSError:
            if proc.poll() is not None:
                pytest.fail(f"voila exited: {(base / 'voila.log').read_text()}")
            time.sleep(0.3)
    yield {"url": url, "course": course, "browser": browser}
    proc.terminate()
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()
    log.close()
    mp.undo()


def _open(served, scheme: str = "light"):
    context = served["browser"].new_context(viewport={"width": 1280, "height": 1000}, color_scheme=scheme)
    context.set_default_timeout(60_000)
    page = context.new_page()
    page.goto(served["url"] + ("?theme=dark" if scheme == "dark" else ""), timeout=120_000)
    # the view opens the course's first assignment; the submission is for ASSIGNMENT
    page.locator(".widget-dropdown", has_text="Assignment").locator("select").select_option(label=ASSIGNMENT,
                                                                                          timeout=120_000)
    page.get_by_test_id("grading-status").filter(has_text="Showing ana").wait_for(timeout=120_000)
    return context, page


@pytest.fixture(scope="module")
def light_page(served):
    """One page load shared by the scan and the keyboard test (a load runs the notebook in a new kernel,
    the slowest step here)."""
    context, page = _open(served)
    yield page
    context.close()


def _serious(page) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [f"{v['id']} ({v['impact']}): {v['help']} -> " + " | ".join(n["html"][:160] for n in v["nodes"][:3])
            for v in results.response["violations"] if v["impact"] in SERIOUS]


def test_grading_browser_light_theme_has_no_serious_accessibility_violations(light_page):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    light_page.screenshot(path=str(ARTIFACTS / "grading-view-light-scan.png"), full_page=True)
    assert _serious(light_page) == []


def test_grading_browser_dark_theme_has_no_serious_accessibility_violations(served):
    context, page = _open(served, "dark")
    try:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "grading-view-dark-scan.png"), full_page=True)
        serious = _serious(page)
    finally:
        context.close()
    assert serious == []


def _focused_group(page) -> str:
    return page.evaluate("() => document.activeElement.closest('fieldset')?.querySelector('legend')?.textContent")


def test_grading_browser_keyboard_only_grading_saves_to_the_gradebook(served, light_page):
    page = light_page
    criteria = ["Description and presence", "Emotions, their own and the other person's",
                "Analysis with course concepts", "Assumptions, power and position (cultural humility)",
                "Action plan"]
    page.get_by_role("group", name=criteria[0]).first.get_by_role("radio").first.focus()
    for k, name in enumerate(criteria):
        assert _focused_group(page) == name
        page.keyboard.press("ArrowDown")   # level 2
        page.keyboard.press("ArrowDown")   # level 3: Reflection
        if k < len(criteria) - 1:
            page.keyboard.press("Tab")     # Tab leaves the radio group for the next one
    first = page.get_by_role("group", name=criteria[4]).first
    assert first.get_by_role("radio", name="3 Reflection: Specific").is_checked()
    page.keyboard.press("Tab")   # "No answer" checkbox
    page.keyboard.press("Tab")   # snippet list
    page.keyboard.press("ArrowDown")  # choose the first snippet
    page.keyboard.press("Tab")   # Insert snippet
    page.keyboard.press("Enter")
    page.get_by_test_id("grading-status").filter(has_text="Snippet added").wait_for()
    page.keyboard.press("Tab")   # the comment
    page.keyboard.type(" Keep going.")
    page.keyboard.press("Tab")   # Save grade for answer 1
    assert page.evaluate("() => document.activeElement.textContent.trim()") == "Save grade for answer 1"
    page.keyboard.press("Enter")
    page.get_by_test_id("grading-status").filter(has_text="Saved answer 1 for ana: 7.5 of 10 points").wait_for()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "grading-view-light.png"), full_page=True)
    course = served["course"]
    cell = Gradebook(course.db_url, course.course_id).submission(ASSIGNMENT, "ana").answers["what-would-stop-me"]
    assert cell.manual_score == 7.5
    assert cell.manual_comment.startswith("**Rubric: Reflective, 15 of 20**")
    assert cell.manual_comment.rstrip().endswith("Keep going.")
    assert "Thank you for writing about a real moment" in cell.manual_comment
