"""Does the one Markdown policy turn hostile text from YAML, drafts, answers and comments into inert HTML,
while keeping the light Markdown each profile allows?"""

from __future__ import annotations

import re

import pytest
from markupsafe import Markup

from widgets import markdown as md

#: (hostile input, what the course profile (``inline``) must give, exactly).
COURSE_CASES = [
    ("<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;"),
    ("<img src=x onerror=alert(1)>", "&lt;img src=x onerror=alert(1)&gt;"),
    ('"><svg onload=alert(1)>', "&quot;&gt;&lt;svg onload=alert(1)&gt;"),
    ("[click](javascript:alert(1))", "[click](javascript:alert(1))"),  # no links in course text: shown as typed
    ("<javascript:alert(1)>", "&lt;javascript:alert(1)&gt;"),
    ("![x](http://evil/t.png)", "![x](http://evil/t.png)"),
    ("*<b>bold</b>*", "<em>&lt;b&gt;bold&lt;/b&gt;</em>"),
    ("`<script>`", "<code>&lt;script&gt;</code>"),
    ("&lt;b&gt; &amp;", "&amp;lt;b&amp;gt; &amp;amp;"),  # course text is shown exactly as typed
    ("It's \"quoted\"", "It&#x27;s &quot;quoted&quot;"),  # quotes too: safe inside an attribute
    ("# not a heading\n- not a list", "# not a heading - not a list"),
    ("**strong** and *em* and `code`", "<strong>strong</strong> and <em>em</em> and <code>code</code>"),
]

#: (hostile input, what must appear in the answer profile's HTML, what must not).
ANSWER_CASES = [
    ("<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;", "<script"),
    ("<img src=x onerror=alert(1)>", "&lt;img src=x onerror=alert(1)&gt;", "<img"),
    ("[a](javascript:alert(1))", '<a href="#harmful-link">a</a>', "javascript:"),
    ("[a](JaVaScRiPt:alert(1))", '<a href="#harmful-link">a</a>', "alert"),
    ("[a](jav&#x61;script:alert(1))", '<a href="#harmful-link">a</a>', "alert"),
    ("[a](java%09script:alert(1))", '<a href="#harmful-link">a</a>', "alert"),
    ("[a](%256Aavascript:alert(1))", '<a href="#harmful-link">a</a>', "alert"),
    ("[a](vbscript:msgbox(1))", '<a href="#harmful-link">a</a>', "vbscript"),
    ("[a](data:text/html;base64,PHNjcmlwdD4=)", '<a href="#harmful-link">a</a>', "data:"),
    ("<javascript:alert(1)>", '<a href="#harmful-link">', 'href="javascript'),
    ("![x](http://tracker.example/p.png)", "&lt;img", "<img"),  # nothing is loaded from an answer
    ('[a](https://ok.example/ "t\\" onmouseover=\\"x")', 'href="https://ok.example/"', '" onmouseover'),
    ("<style>body{display:none}</style>", "&lt;style&gt;", "<style"),
    ("<!-- hidden -->", "&lt;!-- hidden --&gt;", "<!--"),
    ("<iframe src=//evil></iframe>", "&lt;iframe", "<iframe"),
]


@pytest.mark.parametrize(("text", "expected"), COURSE_CASES)
def test_markdown_inline_turns_hostile_course_text_into_text(text, expected):
    assert md.inline(text) == expected


@pytest.mark.parametrize(("text", "present", "absent"), ANSWER_CASES)
def test_markdown_answer_never_lets_html_or_unsafe_links_through(text, present, absent):
    out = md.answer(text)
    assert present in out and absent not in out, out
    assert md.clean_html(out) == out  # nbconvert's own sanitising (autograde, feedback) leaves it alone


def test_markdown_answer_keeps_ordinary_markdown():
    out = md.answer("I felt **needed**.\n\n- one\n- two\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n"
                    "[module](https://example.org/m) <mailto:a@b.org> [rel](../x.ipynb) ~~old~~ `a<b`")
    for kept in ("<strong>needed</strong>", "<li>one</li>", "<table>", "<td>1</td>", '<a href="https://example.org/m">',
                 '<a href="mailto:a@b.org">', '<a href="../x.ipynb">', "<del>old</del>", "<code>a&lt;b</code>"):
        assert kept in out, kept


def test_markdown_answer_reads_entities_as_jupyterlab_does():
    """A generated prompt cell holds ``&lt;b&gt;`` for a typed ``<b>``: it must read ``<b>``, not ``&lt;b&gt;``."""
    assert md.answer("A &lt;b&gt; tag &amp; more") == "<p>A &lt;b&gt; tag &amp; more</p>"


def test_markdown_block_makes_paragraphs_only():
    assert md.block("one\nline\n\n\n  two <b>\n\n") == "<p>one line</p><p>two &lt;b&gt;</p>"
    assert md.block("   ") == ""


def test_markdown_plain_drops_marks_and_escapes_nothing():
    """plain() is for text nodes and templates, which escape it themselves."""
    assert md.plain("**very** *much* `code` <b>x</b>\n\nnext") == "very much code <b>x</b> next"


def test_markdown_escape_markdown_keeps_tags_literal_both_ways():
    assert md.escape_markdown("Use <b>one</b> \\<i>") == "Use \\<b>one\\</b> \\<i>"
    assert md.escape_markdown("a <b> & c", entities=True) == "a &lt;b&gt; &amp; c"
    # what nbgrader then renders with raw HTML allowed shows the tag as typed
    assert "<b>" not in md.answer(md.escape_markdown("Use <b>one</b>", entities=True))


@pytest.mark.parametrize(("url", "safe"), [
    ("https://a.example/x?y=1", True), ("http://a", True), ("mailto:x@y.z", True), ("../m/module.ipynb", True),
    ("#top", True), ("?q=a:b", True), ("javascript:alert(1)", False), (" JAVASCRIPT:x", False),
    ("java\nscript:x", False), ("tel:123", False), ("ftp://x", False), ("data:image/png;base64,AA", False),
])
def test_markdown_safe_url_allows_only_http_https_mailto_and_relative(url, safe):
    assert (md.safe_url(url) == url) is safe
    assert safe or md.safe_url(url) == md.HARMFUL_LINK


def test_markdown_filters_give_markup_so_templates_do_not_escape_twice():
    for f in (md.inline_markup, md.block_markup, md.answer_markup):
        out = f("*x* <b>")
        assert isinstance(out, Markup) and "&lt;b&gt;" in out and "&amp;lt;" not in out


def test_markdown_inline_output_never_contains_a_tag_it_did_not_make():
    """Whatever the input, the only tags inline() emits are em, strong and code."""
    text = "<a href=x>*<i>a</i>*</a> **<u>b</u>** `<c>` <p>[x](y)</p> \\*z\\*"
    tags = set(re.findall(r"</?([a-zA-Z]+)", md.inline(text)))
    assert tags <= {"em", "strong", "code"}


@pytest.mark.parametrize(("text", "present", "absent"), ANSWER_CASES)
def test_markdown_notebook_html_is_safe_and_the_same_when_sanitised_again(text, present, absent):
    """nbgrader sanitises an answer at autograde and again at feedback: the second pass keeps it safe and
    keeps every tag of the first (it may only wrap bare text in a paragraph)."""
    out = md.notebook_html(text)
    again = md.notebook_html(out)
    assert absent not in out and absent not in again, (out, again)
    assert md.clean_html(out) == out
    assert again in (out, f"<p>{out}</p>")
