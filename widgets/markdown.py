"""The one Markdown policy: every text from the course's YAML or from a user becomes HTML here, and only here.

All Markdown is parsed by mistune (the parser nbconvert uses), with one renderer class configured once:
raw HTML is never passed through (``escape=True``: a ``<script>`` or ``<img onerror>`` typed in a YAML
file, a draft, an answer or a comment is shown as the characters typed), and a link or image whose URL
has a scheme other than http, https or mailto gets ``#harmful-link`` (so ``javascript:``, ``data:`` and
``vbscript:`` never reach an ``href``, however they are spelt: mistune decodes entities and percent-escapes
before checking). Two profiles differ only in how much Markdown they understand:

``inline`` / ``block`` (course text, drafts shown back to their writer)
    ``*emphasis*``, ``**strong**`` and `` `code` ``, with blank lines between paragraphs (docs/formats.md);
    everything else, headings and lists included, is text. Whitespace runs become one space. Text is shown
    exactly as typed: ``&amp;`` in YAML reads as ``&amp;``, and quotes are escaped too, so the result is
    also safe inside an attribute.
``answer`` (a mentor's answer or a trainer's comment, shown to the trainer, and the rubric)
    CommonMark with tables and strikethrough, as JupyterLab shows a Markdown cell (entities such as
    ``&lt;`` mean their character), then bleach with an allow-list as a second line of defence (a Markdown
    image becomes text: nothing is loaded from an answer).
``notebook_html`` (an answer written back into the autograded notebook for nbgrader)
    the same Markdown, but raw HTML goes to bleach's allow-list rather than being escaped by mistune,
    because nbgrader sanitises that HTML a second time and the result must not change (see there).

:func:`plain` gives the words without marks (screen-reader announcements, buttons, plain-text exports),
and :func:`escape_markdown` goes the other way: user or YAML text written *into* Markdown that
nbgrader or JupyterLab renders with raw HTML allowed. Pure: mistune, bleach and MarkupSafe only.
"""

from __future__ import annotations

import functools
import html
import re
from urllib.parse import unquote

import mistune
from markupsafe import Markup
from mistune.renderers.html import HTMLRenderer
from mistune.util import safe_entity

#: URL schemes a generated link may use; anything else with a scheme becomes ``#harmful-link``.
SAFE_SCHEMES = ("http:", "https:", "mailto:")
HARMFUL_LINK = "#harmful-link"

#: Tags that ordinary Markdown produces, and nothing that loads or runs anything (no img, style, iframe).
ALLOWED_TAGS = frozenset({
    "a", "abbr", "acronym", "b", "blockquote", "br", "code", "del", "div", "em", "h1", "h2", "h3", "h4", "h5",
    "h6", "hr", "i", "li", "ol", "p", "pre", "span", "strong", "sub", "sup", "table", "tbody", "td", "th",
    "thead", "tr", "ul",
})
ALLOWED_ATTRIBUTES = {"a": ["href", "title"], "abbr": ["title"], "acronym": ["title"], "th": ["align"],
                      "td": ["align"], "ol": ["start"]}
ALLOWED_PROTOCOLS = frozenset({"http", "https", "mailto"})

_SPACE = re.compile(r"\s+")
_CONTROL = re.compile(r"[\x00-\x20\x7f]+")


def safe_url(url: str) -> str:
    """``url`` if it is relative or uses one of :data:`SAFE_SCHEMES`, else :data:`HARMFUL_LINK`.

    Checked as a browser reads it: percent-escapes decoded (up to three times, ``%256a`` included), and
    spaces and control characters removed (a browser ignores a tab inside ``java\tscript:``).
    """
    decoded = url
    for _ in range(3):
        once = unquote(decoded)
        if once == decoded:
            break
        decoded = once
    squeezed = _CONTROL.sub("", decoded).lower()
    if squeezed.startswith(SAFE_SCHEMES):
        return url
    head = re.split(r"[/?#]", squeezed, maxsplit=1)[0]
    return HARMFUL_LINK if ":" in head else url


class SafeRenderer(HTMLRenderer):
    """mistune's HTML renderer with raw HTML always escaped and links limited to :data:`SAFE_SCHEMES`
    (our own check, :func:`safe_url`, whatever mistune's version allows by default: it allows ``tel:``,
    ``ftp:``, ``irc:`` and images as ``data:``)."""

    def __init__(self, *, raw_html: bool = False) -> None:
        # raw_html=True only for notebook_html(), whose every output goes through bleach (see there).
        super().__init__(escape=not raw_html)

    def sanitize_url(self, url: str) -> str:  # mistune >= 3.1: the URL, escaped later with the attributes
        return safe_url(url)

    def safe_url(self, url: str) -> str:  # mistune 3.0: the URL ready for an attribute
        return safe_entity(safe_url(url))

    def text(self, text: str) -> str:
        # An entity means its character (``&lt;`` shows ``<``), as in JupyterLab; a bare ``<`` is escaped.
        return safe_entity(text)


class CourseRenderer(SafeRenderer):
    """Light Markdown for course text: paragraphs without newlines between them, text as typed."""

    def text(self, text: str) -> str:
        return html.escape(_SPACE.sub(" ", text), quote=True)

    def codespan(self, text: str) -> str:
        return "<code>" + html.escape(text, quote=True) + "</code>"

    def softbreak(self) -> str:
        return " "

    def paragraph(self, text: str) -> str:
        return "<p>" + text + "</p>"


class PlainRenderer(CourseRenderer):
    """The same parse as :class:`CourseRenderer`, with the marks dropped and nothing escaped (for text nodes)."""

    def text(self, text: str) -> str:
        return _SPACE.sub(" ", text)

    def codespan(self, text: str) -> str:
        return text

    def emphasis(self, text: str) -> str:
        return text

    def strong(self, text: str) -> str:
        return text

    def paragraph(self, text: str) -> str:
        return text


class _CourseBlock(mistune.BlockParser):
    """Paragraphs only: a line starting with ``#``, ``-``, ``1.`` or four spaces stays text."""

    DEFAULT_RULES = ("blank_line",)


class _CourseInline(mistune.InlineParser):
    """Emphasis, strong and code only: no links, autolinks, raw HTML or backslash escapes (shown as typed)."""

    DEFAULT_RULES = ("codespan", "emphasis")


@functools.cache
def _parser(profile: str) -> mistune.Markdown:
    if profile in ("answer", "notebook"):
        renderer = SafeRenderer(raw_html=profile == "notebook")
        return mistune.create_markdown(renderer=renderer, plugins=["table", "strikethrough"])
    renderer = PlainRenderer() if profile == "plain" else CourseRenderer()
    return mistune.Markdown(renderer=renderer, block=_CourseBlock(), inline=_CourseInline())


def inline(text: object) -> str:
    """One paragraph of light Markdown as safe HTML (line breaks and blank lines become spaces)."""
    return str(_parser("course")(" ".join(str(text).split()))).removeprefix("<p>").removesuffix("</p>")


def block(text: object) -> str:
    """Paragraphs of light Markdown as safe HTML ``<p>`` elements (none for blank text)."""
    return str(_parser("course")(str(text).strip()))


def plain(text: object) -> str:
    """The words without Markdown marks, for screen-reader announcements and plain-text exports (not HTML:
    put it in a text node or a template, which escapes it)."""
    return str(_parser("plain")(" ".join(str(text).split())))


def clean_html(html_text: str) -> str:
    """``html_text`` with every tag or attribute outside the allow-list escaped (not dropped: nothing a mentor
    typed is lost) and every link outside http, https and mailto removed."""
    import bleach

    return bleach.clean(html_text, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES, protocols=ALLOWED_PROTOCOLS,
                        strip=False, strip_comments=True)


def answer(text: object) -> str:
    """A mentor's (or trainer's) Markdown as HTML that is safe on the trainer's origin: formgrader and the
    grading view serve it where a script could read the gradebook with the trainer's cookie. Cleaning it
    again gives the same HTML, so nbconvert's own sanitising (autograde, feedback) leaves it alone."""
    return clean_html(str(_parser("answer")(str(text)))).strip()


def notebook_html(text: object) -> str:
    """A mentor's answer as sanitised HTML to put back into the autograded notebook (nbgrader's formgrader and
    feedback render it from there, on the trainer's origin).

    The one exception to "raw HTML is escaped by mistune": this HTML is sanitised *again* when feedback is
    generated (the same preprocessor runs in both apps), so sanitising must be idempotent, and escaping raw
    HTML is not (the second pass would show the first pass's tags as text). So raw HTML reaches bleach's
    allow-list (:func:`clean_html`) instead, which keeps harmless tags (``<b>``), escapes every other tag
    (``<script>`` reads as typed), removes unsafe links, and gives the same HTML when run on its own output.
    Links get the same scheme check (:func:`safe_url`) as everywhere else.
    """
    return clean_html(str(_parser("notebook")(str(text)))).strip()


def inline_markup(text: object) -> Markup:
    """:func:`inline` marked safe for templates (the ``|inline`` filter)."""
    return Markup(inline(text))


def block_markup(text: object) -> Markup:
    """:func:`block` marked safe for templates (the ``|block`` filter)."""
    return Markup(block(text))


def answer_markup(text: object) -> Markup:
    """:func:`answer` marked safe for templates (the ``|answer`` filter)."""
    return Markup(answer(text))


def escape_markdown(text: str, *, entities: bool = False) -> str:
    """``text`` written into Markdown that is rendered with raw HTML allowed, so that any tag in it reads as
    typed while light Markdown (emphasis, lists) still works.

    Two spellings, one rule (no ``<`` reaches the renderer as a tag opener):

    * default, a backslash before ``<`` (``\\<b>``): for nbgrader comments, which the formgrader also shows
      raw in a text box, where ``\\<b>`` still reads naturally; an existing ``\\<`` is not doubled.
    * ``entities=True``, HTML entities for ``&``, ``<`` and ``>``: for the cells of a generated notebook,
      which keep the bytes the course has always had (``mentor-course grading generate --check`` compares
      them), and where an entity typed in YAML reads as typed.
    """
    if entities:
        return html.escape(text, quote=False)
    return text.replace("\\<", "<").replace("<", "\\<")


__all__ = [
    "ALLOWED_ATTRIBUTES",
    "ALLOWED_PROTOCOLS",
    "ALLOWED_TAGS",
    "HARMFUL_LINK",
    "SAFE_SCHEMES",
    "answer",
    "answer_markup",
    "block",
    "block_markup",
    "clean_html",
    "escape_markdown",
    "inline",
    "inline_markup",
    "notebook_html",
    "plain",
    "safe_url",
]
