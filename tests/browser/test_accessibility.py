"""Do the landing page and every module page pass an axe-core scan with no serious or critical violation?

axe-core ships inside axe-playwright-python (no download). Module pages are scanned once their first
scenario is interactive, so the widgets' markup is scanned too, not only Voilà's page.
"""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe

pytestmark = pytest.mark.browser

SERIOUS = {"serious", "critical"}


def serious_violations(page) -> list[str]:
    """One line per serious or critical violation: rule, impact, and the first few offending elements."""
    results = Axe().run(page)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} -> " + " | ".join(n["html"][:160] for n in v["nodes"][:3])
        for v in results.response["violations"] if v["impact"] in SERIOUS
    ]


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_landing_page_has_no_serious_accessibility_violations(page, served_course, scheme):
    page.emulate_media(color_scheme=scheme)
    page.goto(served_course)
    page.locator("li.module").first.wait_for()
    assert serious_violations(page) == []


def test_module_page_has_no_serious_accessibility_violations(page, served_course, module_id, open_module):
    open_module(page, served_course, module_id)
    assert serious_violations(page) == []
