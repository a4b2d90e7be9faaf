"""Does every page fit a phone? At 375 px wide nothing may run past the right edge of the screen (long
URLs in a module's Sources did, with no way to scroll to them)."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser

PHONE = {"width": 375, "height": 800}

#: Visible elements whose right edge lies past the viewport. Elements inside a box that a reader can
#: scroll sideways on purpose (``overflow-x: auto|scroll`` on something narrower than the page, such as a
#: wide table's wrapper) are allowed; clipped (``hidden``) overflow is not: nobody can reach that text.
OVERFLOWING = """() => {
  const width = document.documentElement.clientWidth;
  const scrolls = (el) => { for (let p = el.parentElement; p; p = p.parentElement) {
      const s = getComputedStyle(p); if (/(auto|scroll)/.test(s.overflowX) && p.clientWidth < width - 40)
          return true; } return false; };
  const out = [];
  for (const el of document.querySelectorAll('body *')) {
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.height === 0 || r.right <= width + 1 || scrolls(el)) continue;
    const cls = el.className && typeof el.className === "string" ? "." + el.className.split(" ")[0] : "";
    out.push(`${el.tagName.toLowerCase()}${cls}`
             + ` right=${Math.round(r.right)} text=${(el.textContent || '').trim().slice(0, 60)}`);
  }
  return {width, scrollWidth: document.documentElement.scrollWidth, out: out.slice(0, 10)};
}"""


def _check(pg) -> None:
    found = pg.evaluate(OVERFLOWING)
    assert found["out"] == [] and found["scrollWidth"] <= found["width"] + 1, found


def test_landing_page_fits_a_phone(browser, served_course):
    context = browser.new_context(viewport=PHONE)
    pg = context.new_page()
    pg.goto(served_course)
    _check(pg)
    context.close()


def test_module_page_fits_a_phone(browser, served_course, module_id, open_module, screenshot):
    context = browser.new_context(viewport=PHONE)
    context.set_default_navigation_timeout(120_000)
    pg = context.new_page()
    open_module(pg, served_course, module_id)
    pg.wait_for_load_state("networkidle")
    _check(pg)
    if module_id.startswith("01-"):
        screenshot(pg, f"phone-{module_id}")
    context.close()
