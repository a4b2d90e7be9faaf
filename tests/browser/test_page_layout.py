"""Does a module page add up and line up for a mentor? The progress box counts the rows it shows, numbers
scenarios as the page does and says what "done" means; self-check questions carry a visible number; prose
and widgets share one column on a desktop page.

`mentor-course serve` over this repository's course, Debian's Chromium (tests/browser/conftest.py).
"""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser

MODULE = "06-limits-and-referral"  # two scenarios, so the numbering check compares more than one row


@pytest.fixture
def module_page(page, served_course, open_module):
    page.set_viewport_size({"width": 1280, "height": 900})
    open_module(page, served_course, MODULE)
    page.locator("[data-testid=module-header] .mc-status li").first.wait_for()
    return page


def test_progress_box_counts_its_rows_and_numbers_scenarios_as_the_page_does(module_page, screenshot):
    rows = module_page.locator("[data-testid=module-header] .mc-status li")
    labels = rows.all_inner_texts()
    players = module_page.locator("[data-testid=player] h3.mc-title").all_inner_texts()
    assert len(players) >= 2
    scenario_rows = [t[t.index("Scenario "):] for t in labels if "Scenario " in t]
    assert [t.split(":")[0] for t in scenario_rows] == [f"Scenario {n}" for n in range(1, len(players) + 1)]
    for row, title in zip(scenario_rows, players, strict=True):
        assert title.strip() in row
    state = module_page.get_by_test_id("module-state").inner_text()
    assert f"of {rows.count()} parts done" in state or state.strip().startswith("Not started")
    assert "Done means:" in module_page.get_by_test_id("done-means").inner_text()
    screenshot(module_page, f"desktop-{MODULE}")


def test_selfcheck_questions_are_numbered_visibly(module_page):
    number = module_page.locator("[data-testid=selfcheck] [data-testid=question-number]").first
    number.wait_for()
    assert number.inner_text().strip() == "Question 1."
    box = number.bounding_box()
    assert box and box["width"] > 20 and box["height"] > 5  # shown, not only read out by screen readers


def test_prose_and_widgets_share_one_column_on_a_desktop_page(module_page):
    prose = module_page.evaluate(
        "Math.max(...[...document.querySelectorAll('.jp-MarkdownCell .jp-RenderedMarkdown')]"
        ".map(e => e.getBoundingClientRect().right))")
    widget = module_page.locator("[data-testid=player]").first.bounding_box()
    assert widget is not None
    assert abs(prose - (widget["x"] + widget["width"])) <= 4, (prose, widget)


def test_the_jupyterlab_note_is_hidden_on_served_pages(module_page):
    """The first cell tells a JupyterLab user to Run All; a served page runs by itself, so it hides it."""
    note = module_page.locator(".mc-lab-only")
    assert note.count() == 1 and not note.is_visible()
