"""Mentors' Markdown as safe HTML for nbgrader: the names the preprocessors import, kept here.

A reflection answer is rendered to HTML by nbconvert (feedback) and by nbgrader's formgrader, which
serves it from the Jupyter server's own origin: a ``<script>`` there could read the gradebook with the
trainer's cookie. So an answer is rendered to HTML once, at autograde, by the one Markdown policy
(:func:`widgets.markdown.notebook_html`: mistune with links other than http(s) and mailto refused, then
bleach with an allow-list that escapes every tag that could run or load anything), so
``<script>alert(1)</script>`` reads as those characters and nothing the mentor typed is lost.

The result is HTML that nbconvert's Markdown renderer passes through unchanged, and sanitising it again
gives the same text, so a notebook can go through autograde and feedback (both sanitise) safely.
:func:`clean_html` is also what the preprocessors apply to HTML outputs of code a mentor ran.
"""

from __future__ import annotations

from widgets.markdown import ALLOWED_ATTRIBUTES, ALLOWED_PROTOCOLS, ALLOWED_TAGS, clean_html
from widgets.markdown import notebook_html as markdown_to_safe_html

__all__ = ["ALLOWED_ATTRIBUTES", "ALLOWED_PROTOCOLS", "ALLOWED_TAGS", "clean_html", "markdown_to_safe_html"]
