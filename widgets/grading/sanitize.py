"""Mentors' Markdown as safe HTML: ordinary Markdown kept, anything that could run in a browser shown as text.

A reflection answer is rendered to HTML by nbconvert (feedback) and by nbgrader's formgrader, which
serves it from the Jupyter server's own origin: a ``<script>`` there could read the gradebook with the
trainer's cookie. So an answer is rendered to HTML once, here, with mistune (the Markdown parser
nbconvert uses), and that HTML is passed through bleach (the sanitiser nbconvert's own ``SanitizeHTML``
uses) with an allow-list: emphasis, lists, quotes, code, tables, headings and links to http(s) and mailto
addresses stay; every other tag is *escaped*, not dropped, so ``<script>alert(1)</script>`` reads as
those characters and nothing the mentor typed is lost.

The result is HTML that nbconvert's Markdown renderer passes through unchanged, and sanitising it again
gives the same text, so a notebook can go through autograde and feedback (both sanitise) safely.
"""

from __future__ import annotations

import functools
from typing import Any

#: Tags that ordinary Markdown produces, and nothing that loads or runs anything (no img, style, iframe).
ALLOWED_TAGS = frozenset({
    "a", "abbr", "acronym", "b", "blockquote", "br", "code", "del", "div", "em", "h1", "h2", "h3", "h4", "h5",
    "h6", "hr", "i", "li", "ol", "p", "pre", "span", "strong", "sub", "sup", "table", "tbody", "td", "th",
    "thead", "tr", "ul",
})
ALLOWED_ATTRIBUTES = {"a": ["href", "title"], "abbr": ["title"], "acronym": ["title"], "th": ["align"],
                      "td": ["align"], "ol": ["start"]}
ALLOWED_PROTOCOLS = frozenset({"http", "https", "mailto"})


@functools.lru_cache(maxsize=1)
def _markdown() -> Any:
    import mistune

    # escape=False: inline HTML reaches bleach, which keeps the harmless tags and escapes the rest.
    return mistune.create_markdown(escape=False, plugins=["table", "strikethrough"])


def clean_html(html_text: str) -> str:
    """``html_text`` with every tag or attribute outside the allow-list escaped or removed."""
    import bleach

    return bleach.clean(html_text, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES, protocols=ALLOWED_PROTOCOLS,
                        strip=False, strip_comments=True)


def markdown_to_safe_html(text: str) -> str:
    """A mentor's Markdown as HTML that is safe to show on the trainer's origin (see the module docstring)."""
    return clean_html(str(_markdown()(text))).strip()
