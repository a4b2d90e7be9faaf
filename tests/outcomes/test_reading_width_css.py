"""Do the self-assessment form and the growth report hold their prose to the module pages' reading width
(56ch, about 75 characters)? At 1280 px the form's introduction ran to about 110 characters a line."""

from __future__ import annotations

import re

from widgets.outcomes import html
from widgets.ui.outcomes.views import HERE


def _selectors_with(css: str, declaration: str) -> set[str]:
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.S)
    return {sel.strip() for rule in re.findall(r"([^{}]+)\{([^{}]*)\}", css) if declaration in rule[1]
            for sel in rule[0].split(",")}


def test_self_assessment_intro_and_paragraphs_stop_at_56ch():
    css = (HERE / "outcomes.css").read_text(encoding="utf-8")
    assert {".mc-assess .mc-intro", ".mc-assess p"} <= _selectors_with(css, "max-width: 56ch")


def test_growth_report_paragraphs_stop_at_56ch():
    assert ".mc-out p" in _selectors_with(html.STYLE, "max-width: 56ch")
