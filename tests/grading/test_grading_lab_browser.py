"""The trainer's own tools in a real browser: JupyterLab (started in course/, as docs/trainers.md says) with
nbgrader's formgrader, and the feedback file a mentor opens. Does a mentor's HTML run anywhere? Do the arrow
keys grade in JupyterLab instead of moving the notebook's cell selection?"""

from __future__ import annotations

import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest

from tests.conftest import REPO
from tests.grading.conftest import ASSIGNMENT, STRONG, copy_course, correct_letters, fill, write_notebook
from widgets.grading import nbgrader_apps
from widgets.grading.collect import import_folder
from widgets.grading.release import student_notebook

pytestmark = pytest.mark.browser

ARTIFACTS = REPO / "test-artifacts" / "grading"
SCRIPT, IMG, STYLE = "<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "<style>body{display:none}</style>"
XSS_ANSWER = f"My mentee said *thank you*.\n\n{SCRIPT} {IMG} {STYLE}"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def lab(tmp_path_factory, browser):
    """JupyterLab on 127.0.0.1 with a token, started in a course copy holding one autograded submission whose
    answer carries a script, an image with onerror and a style element; its feedback generated."""
    mp = pytest.MonkeyPatch()
    mp.delenv("MENTOR_COURSE_GRADEBOOK_URL", raising=False)
    base = tmp_path_factory.mktemp("lab")
    course = copy_course(base / "course")
    assert nbgrader_apps.generate_assignment(course, ASSIGNMENT).ok
    write_notebook(fill(student_notebook(course, ASSIGNMENT), {**STRONG, "what-would-stop-me": XSS_ANSWER},
                        correct_letters(course)), base / "inbox" / f"xena_{ASSIGNMENT}.ipynb")
    import_folder(course, base / "inbox", ASSIGNMENT)
    assert [r.ok for r in nbgrader_apps.autograde(course, ASSIGNMENT)] == [True]
    assert [r.ok for r in nbgrader_apps.generate_feedback(course, ASSIGNMENT)] == [True]
    token, port = secrets.token_hex(16), _free_port()
    home = base / "home"
    env = {**{k: v for k, v in os.environ.items() if k != "MENTOR_COURSE_GRADEBOOK_URL"},
           "JUPYTERHUB_USER": "trainer-lab", "JUPYTER_RUNTIME_DIR": str(home / "runtime"),
           "JUPYTERLAB_WORKSPACES_DIR": str(home / "workspaces"), "JUPYTER_CONFIG_DIR": str(home / "config")}
    log = (base / "lab.log").open("w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "jupyter", "lab", "--no-browser", "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={port}",
         f"--IdentityProvider.token={token}", "--LabApp.expose_app_in_browser=True",
         "--LabApp.news_url=", "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
         *(["--allow-root"] if os.geteuid() == 0 else [])],
        cwd=course.root, stdout=log, stderr=subprocess.STDOUT, env=env)
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + 120
    while True:
        try:
            urllib.request.urlopen(f"{url}/api/status?token={token}", timeout=3)
            break
        except urllib.error.HTTPError:
            break
        except OSError:
            if proc.poll() is not None or time.time() > deadline:
                pytest.fail(f"jupyter lab did not start: {(base / 'lab.log').read_text()[-3000:]}")
            time.sleep(0.5)
    yield {"url": url, "token": token, "course": course, "browser": browser, "base": base}
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
    log.close()
    mp.undo()


def _page(lab):
    context = lab["browser"].new_context(viewport={"width": 1400, "height": 1000})
    context.set_default_timeout(60_000)
    page = context.new_page()
    dialogs: list[str] = []

    def on_dialog(dialog) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", on_dialog)
    return context, page, dialogs


def _assert_shown_as_text(page, dialogs: list[str]) -> None:
    page.wait_for_timeout(1500)  # an onerror handler fires once the broken image has failed to load
    assert dialogs == []
    assert page.locator("body").is_visible()
    for typed in (SCRIPT, IMG, STYLE):
        assert page.get_by_text(typed, exact=False).first.is_visible(), typed
    assert page.locator("script:text('alert(1)')").count() == 0


def test_lab_feedback_html_shows_a_mentors_html_as_text_and_runs_none_of_it(lab):
    context, page, dialogs = _page(lab)
    try:
        page.goto(lab["course"].feedback_file("xena", ASSIGNMENT).as_uri())
        page.get_by_text("My mentee said").first.wait_for()
        _assert_shown_as_text(page, dialogs)
    finally:
        context.close()


def test_lab_formgrader_submission_page_shows_a_mentors_html_as_text_and_runs_none_of_it(lab):
    from nbgrader.api import Gradebook

    course = lab["course"]
    with Gradebook(course.db_url, course.course_id) as gb:
        submission_id = gb.find_submission_notebook(ASSIGNMENT, ASSIGNMENT, "xena").id
    context, page, dialogs = _page(lab)
    try:
        page.goto(f"{lab['url']}/formgrader/submissions/{submission_id}/?token={lab['token']}", timeout=120_000)
        page.get_by_text("My mentee said").first.wait_for(timeout=120_000)
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "formgrader-sanitised.png"), full_page=True)
        _assert_shown_as_text(page, dialogs)
    finally:
        context.close()


def _notebook_state(page) -> dict:
    return page.evaluate("""() => {
      const panel = window.jupyterapp.shell.currentWidget;
      return {cells: panel.content.widgets.length, active: panel.content.activeCellIndex,
              mode: panel.content.mode};
    }""")


def test_lab_arrow_keys_choose_a_rubric_level_and_leave_the_notebook_alone(lab):
    context, page, dialogs = _page(lab)
    try:
        page.goto(f"{lab['url']}/lab/tree/grading.ipynb?token={lab['token']}", timeout=120_000)
        page.wait_for_function("() => window.jupyterapp && window.jupyterapp.shell.currentWidget "
                               "&& window.jupyterapp.shell.currentWidget.content "
                               "&& window.jupyterapp.shell.currentWidget.sessionContext.session", timeout=120_000)
        page.wait_for_function("() => window.jupyterapp.shell.currentWidget.sessionContext.session.kernel"
                               " && window.jupyterapp.shell.currentWidget.sessionContext.session.kernel.status"
                               " === 'idle'", timeout=120_000)
        page.evaluate("() => window.jupyterapp.commands.execute('notebook:run-all-cells')")
        # the view opens the course's first assignment; the submissions are for ASSIGNMENT
        page.locator(".widget-dropdown", has_text="Assignment").locator("select").select_option(
            label=ASSIGNMENT, timeout=120_000)
        page.get_by_test_id("grading-status").filter(has_text="Showing xena").wait_for(timeout=120_000)
        group = page.get_by_role("group", name="Description and presence").first
        level3 = group.get_by_role("radio", name="3 Reflection", exact=False)
        level3.click()
        assert level3.is_checked()
        before = _notebook_state(page)
        assert before["cells"] == 2 and before["mode"] == "command"
        page.keyboard.press("ArrowUp")      # in command mode this would select the cell above
        assert group.get_by_role("radio", name="2 Understanding", exact=False).is_checked()
        page.keyboard.press("ArrowDown")
        page.keyboard.press("ArrowDown")
        assert group.get_by_role("radio", name="4 Critical reflection", exact=False).is_checked()
        for stray in ("b", "a", "d", "x"):  # insert below/above, delete (dd), cut: none may reach the notebook
            page.keyboard.press(stray)
        page.keyboard.press("d")
        after = _notebook_state(page)
        assert (after["cells"], after["active"]) == (before["cells"], before["active"])
        assert page.evaluate("() => document.activeElement.closest('fieldset')?.querySelector('legend')"
                             "?.textContent") == "Description and presence"
        assert dialogs == []
    finally:
        context.close()
