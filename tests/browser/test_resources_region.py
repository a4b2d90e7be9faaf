"""Does a module page show the region's resources: Canada's with `mentor-course serve --region CA`, the
generic pack's with no region, and can a mentor switch region from the keyboard and keep the choice?

The module header every module notebook already calls renders the "Resources for your region" box,
so no notebook changes; this uses the course's first module page.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.browser.conftest import LOAD_TIMEOUT_MS, modules_with_notebooks
from tests.browser.test_accessibility import serious_violations
from tests.conftest import REPO
from widgets.serving import process

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def served_in_canada(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    tmp = tmp_path_factory.mktemp("served-ca")
    served = process.serve(REPO, tmp / "data", tmp / "serve.log", "--region", "CA", "--kernels-per-client", "0")
    yield served.url
    served.stop()


def open_box(page, base_url: str):
    page.goto(f"{base_url}voila/render/{modules_with_notebooks()[0]}/module.ipynb")
    box = page.locator("[data-testid=resources-box]").first
    box.wait_for(state="visible", timeout=LOAD_TIMEOUT_MS)
    return box


def test_module_page_shows_canadian_resources_with_region_ca(page, served_in_canada, console_errors, screenshot):
    box = open_box(page, served_in_canada)
    assert box.locator("[data-testid=resources-region]").inner_text().startswith("Resources shown for: Canada")
    crisis = box.locator("[data-testid=resource-crisis_line]")
    assert "9-8-8: Suicide Crisis Helpline" in crisis.inner_text()
    assert crisis.get_by_role("link", name="988").first.get_attribute("href") == "tel:988"
    assert "911" in box.locator("[data-testid=resource-emergency]").inner_text()
    assert box.get_by_role("heading", name="Resources for your region").count() == 1
    # every role, opened, passes an axe scan (links underlined, labelled select, announced status)
    box.locator("[data-testid=resources-more] summary").click()
    box.get_by_role("button", name="change").click()
    assert "SALCO" in box.locator("[data-testid=resource-forced_marriage]").inner_text()
    assert serious_violations(page) == []
    screenshot(box, "resources-box-canada")
    assert console_errors == []


def test_module_page_shows_the_generic_pack_without_a_region(page, served_course, console_errors):
    box = open_box(page, served_course)
    assert box.locator("[data-testid=resources-region]").inner_text().startswith("Resources shown for: No region chosen")
    crisis = box.locator("[data-testid=resource-crisis_line]").inner_text()
    assert "Find A Helpline" in crisis and "988" not in crisis
    assert console_errors == []


def test_mentor_switches_region_by_keyboard_and_the_choice_is_kept(page, served_in_canada, console_errors):
    box = open_box(page, served_in_canada)
    change = box.get_by_role("button", name="change")
    change.focus()
    page.keyboard.press("Enter")
    assert change.get_attribute("aria-expanded") == "true"
    select = box.locator("[data-testid=region-select]")
    assert select.evaluate("el => el === document.activeElement")  # focus moved into the picker
    select.select_option("SG")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")  # "Show these resources"
    status = page.locator("[data-testid=progress-result]").first
    status.get_by_text("Resources shown for: Singapore.").wait_for(timeout=30_000)
    assert status.get_attribute("aria-live") == "polite"
    box = page.locator("[data-testid=resources-box]").first
    box.locator("[data-testid=resources-region]").get_by_text("Singapore").wait_for(timeout=30_000)
    assert "1767" in box.locator("[data-testid=resource-crisis_line]").inner_text()
    # a new page for the same learner (the personal link keeps the learner id) starts in Singapore
    page.reload()
    box = page.locator("[data-testid=resources-box]").first
    box.wait_for(state="visible", timeout=LOAD_TIMEOUT_MS)
    box.locator("[data-testid=resources-region]").get_by_text("Singapore").wait_for(timeout=30_000)
    assert console_errors == []


def test_a_region_switch_refills_the_conversation_already_on_the_page(page, served_in_canada, console_errors):
    """The transcript keeps entries already shown while a run grows; a region switch gives the same
    choices other words (the crisis line), and those entries must change too, not keep Canada's line."""
    box = open_box(page, served_in_canada)
    player = page.locator("[data-testid=player]").first
    player.locator("[data-testid=continue]").click()
    for choice in ("open-thank-explore", "sundays-reflect", "how-low-ask", "contact-agree", "bad-nights-link"):
        player.locator(f"[data-testid=choice-{choice}]").click()
    transcript = player.locator("[data-testid=transcript]")
    transcript.locator("[data-testid=feedback]").nth(4).wait_for()
    assert "9-8-8: Suicide Crisis Helpline" in transcript.inner_text()
    box.get_by_role("button", name="change").click()
    box.locator("[data-testid=region-select]").select_option("GB")
    box.get_by_role("button", name="Show these resources").click()
    page.locator("[data-testid=resources-box]").first.locator("[data-testid=resources-region]") \
        .get_by_text("United Kingdom").wait_for(timeout=30_000)
    player.locator("[data-testid=transcript] .mc-mentor").get_by_text("Samaritans", exact=False).first \
        .wait_for(timeout=30_000)
    text = player.locator("[data-testid=transcript]").inner_text()
    assert "9-8-8" not in text, "the conversation on the page still shows Canada's crisis line"
    assert console_errors == []
