"""In Chromium, through `mentor-course serve`: does a mentor's "before" answer reach their progress file,
and does the "Your growth" page show and download their report? Both pages pass an axe-core scan."""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.browser.conftest import LOAD_TIMEOUT_MS
from widgets.outcomes import records

pytestmark = pytest.mark.browser

BEFORE = "voila/render/00-before-you-begin/before-you-begin.ipynb"
AFTER = "voila/render/99-your-growth/your-growth.ipynb"


def serious_violations(page) -> list[str]:
    """Serious or critical axe-core violations in the page's widgets and chrome. The notebooks' Markdown
    is left out: Voilà's template shows links in running text by colour alone (link-in-text-block) on
    every course page, which the page template, not this page, has to fix."""
    results = Axe().run(page, context={"exclude": [[".jp-RenderedMarkdown"]]})
    return [f"{v['id']} ({v['impact']}): {v['help']} -> " + " | ".join(n["html"][:160] for n in v["nodes"][:3])
            for v in results.response["violations"] if v["impact"] in {"serious", "critical"}]


def _progress_file(served_course_process, since: float) -> Path:
    """The progress file the page saved to: the newest learner file in the server's data folder (a served
    course never inherits a single MENTOR_COURSE_PROGRESS file; widgets/serving/process.py drops it)."""
    folder = served_course_process.log.parent / "data" / "progress"
    # dot-files are the server's own ledgers (``.new-learners.json``), not a learner's progress
    fresh = [p for p in folder.glob("[!.]*.json") if p.stat().st_mtime >= since]
    assert len(fresh) == 1, f"expected one new progress file in {folder}, found {fresh}"
    return fresh[0]


def test_browser_before_and_after_pages_save_answers_and_show_the_report(page, served_course, served_course_process,
                                                                        screenshot, tmp_path):
    started = time.time() - 1
    page.goto(served_course + BEFORE)
    form = page.locator("[data-testid=assessment]")
    form.wait_for(timeout=LOAD_TIMEOUT_MS)
    items = form.locator("fieldset.mc-item")
    items.nth(0).get_by_label(re.compile(r"^2$")).check()
    items.nth(1).get_by_label(re.compile(r"^4\s*Moderately skilled$")).check()
    items.nth(1).get_by_label(re.compile(r"^4")).press("ArrowRight")  # the keyboard moves the answer to 5
    items.nth(2).get_by_label("Not sure").check()
    area = form.get_by_role("textbox", name="What I want to get better at")
    area.fill("Wait before I advise.")
    area.press("Tab")
    page.locator(".mc-progress").filter(has_text="3 of 32 statements answered").wait_for()
    form.locator(".mc-status").filter(has_text="Saved what you wrote").wait_for()
    assert serious_violations(page) == []
    screenshot(page, "outcomes-before-you-begin")

    path = _progress_file(served_course_process, started)
    doc = json.loads(path.read_text(encoding="utf-8"))
    learner = doc["learner"]
    first_items = [i.id for i in _assessment().items][:3]
    saved = records.ratings(doc, "before")
    assert {i: saved.get(i, "missing") for i in first_items} == {first_items[0]: 2, first_items[1]: 5,
                                                                 first_items[2]: None}
    assert records.goal_text(doc, "before") == "Wait before I advise."

    page.goto(f"{served_course}{AFTER}?learner={learner}")
    report = page.locator("[data-testid=growth-report]")
    report.wait_for(timeout=LOAD_TIMEOUT_MS)
    assert "You have not taken the \"after\" self-assessment yet" in report.inner_text()
    after = page.locator("[data-testid=assessment]")
    after.locator("fieldset.mc-item").nth(0).get_by_label(re.compile(r"^6$")).check()
    page.get_by_text("Your growth report below was updated.").wait_for()
    assert "Your \"after\" self-assessment has 1 of 32 statements answered" in report.inner_text()
    assert report.get_by_role("img").get_attribute("alt").startswith("Dumbbell chart")
    with page.expect_download() as got:
        report.get_by_role("link", name="The chart and summary (PDF)").click()
    saved = tmp_path / got.value.suggested_filename
    got.value.save_as(saved)
    assert saved.name == f"growth-report-{learner}.pdf" and saved.read_bytes()[:4] == b"%PDF"
    assert saved.stat().st_size > 10_000
    assert serious_violations(page) == []
    screenshot(page, "outcomes-your-growth")
    assert records.ratings(json.loads(path.read_text(encoding="utf-8")), "after")[first_items[0]] == 6


def _assessment():
    from tests.conftest import REPO
    from widgets.outcomes.content import load_assessment

    return load_assessment(Path(REPO) / "modules" / "assessment.yaml")
