"""Reading comfort (issue 15): on a desktop page (1280 px) no rendered line of a module's prose runs
past about 80 characters (it ran to about 180), while the widgets keep their own, wider column."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser

DESKTOP = {"width": 1280, "height": 900}
#: The widest prose line allowed, in characters (the CSS aims at about 75).
MAX_LINE_CHARS = 80

#: Characters per rendered line of every paragraph, list item and heading in the Markdown cells: each
#: character's box is measured (a Range per character) and characters are grouped by the line (box top)
#: they sit on.
WIDEST_LINES = r"""() => {
  const lines = new Map();
  const blocks = document.querySelectorAll(
    '#rendered_cells .jp-RenderedMarkdown :is(p, li, blockquote, h1, h2, h3, h4, h5, h6)');
  let n = 0;
  for (const block of blocks) {
    if (block.closest('.mc-lab-only')) continue;
    n += 1;
    const walker = document.createTreeWalker(block, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      if (node.parentElement.closest('li') !== block.closest('li')) continue;  // a nested list: its own block
      const text = node.textContent;
      for (let k = 0; k < text.length; k++) {
        const range = document.createRange();
        range.setStart(node, k);
        range.setEnd(node, k + 1);
        const box = [...range.getClientRects()].find((b) => b.width);
        if (!box) continue;  // a collapsed space or a line break
        const key = `${n}:${Math.round(box.top / 4)}`;
        lines.set(key, (lines.get(key) || '') + text[k]);
      }
    }
  }
  const all = [...lines.values()].map((t) => t.replace(/\s+/g, ' ').trim()).sort((a, b) => b.length - a.length);
  const widget = document.querySelector('#rendered_cells .mc');
  return {count: all.length, widest: all.slice(0, 3).map((t) => [t.length, t]),
          widget: widget ? widget.getBoundingClientRect().width : 0};
}"""


def test_module_prose_lines_are_at_most_about_80_characters(browser, served_course, open_module):
    context = browser.new_context(viewport=DESKTOP)
    context.set_default_navigation_timeout(120_000)
    pg = context.new_page()
    open_module(pg, served_course, "05-emotional-support")
    found = pg.evaluate(WIDEST_LINES)
    context.close()
    assert found["count"] > 100, found  # the prose was measured, not an empty page
    chars, text = found["widest"][0]
    assert chars <= MAX_LINE_CHARS, f"a prose line of {chars} characters: {text!r}"
    assert chars >= 55, f"prose squeezed to {chars} characters a line"  # the measure, not a narrow column
    assert found["widget"] >= 600, "the widgets keep their own width (46rem)"


#: The same measure over any blocks a CSS selector finds.
WIDEST_IN = WIDEST_LINES.replace("() => {", "(selector) => {", 1).replace(
    "'#rendered_cells .jp-RenderedMarkdown :is(p, li, blockquote, h1, h2, h3, h4, h5, h6)'", "selector")


@pytest.mark.parametrize(("path", "ready", "selector"), [
    # the landing page's summaries and objectives ran to about 100 characters a line
    ("", "li.module", "header p, main p, ul.objectives li"),
])
def test_landing_prose_lines_are_at_most_about_80_characters(browser, served_course, path, ready,
                                                                          selector):
    context = browser.new_context(viewport=DESKTOP)
    context.set_default_navigation_timeout(120_000)
    pg = context.new_page()
    pg.goto(served_course + path)
    pg.locator(ready).first.wait_for(timeout=120_000)
    found = pg.evaluate(WIDEST_IN, selector)
    context.close()
    assert found["count"] > 5, found
    chars, text = found["widest"][0]
    assert chars <= MAX_LINE_CHARS, f"a prose line of {chars} characters: {text!r}"
