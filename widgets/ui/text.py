"""Turn course text (YAML) and user text into safe HTML: escape everything, then allow light Markdown.

Content uses only ``*emphasis*``, ``**strong**`` and `` `code` ``, with blank lines between
paragraphs (docs/formats.md). Escaping happens first, so raw HTML in a YAML file or a draft is shown
as typed and can never run. The views put these strings into the page with ``innerHTML``; nothing
else is ever given to ``innerHTML``.
"""

from __future__ import annotations

import html
import re

_CODE = re.compile(r"`([^`\n]+)`")
_STRONG = re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*", re.S)
_EM = re.compile(r"(?<![\*\w])\*(?=[^\s*])(.+?)(?<=[^\s*])\*(?![\*\w])", re.S)
_BLANK = re.compile(r"\n\s*\n")


def inline(text: str) -> str:
    """One paragraph of light Markdown as safe HTML (single newlines become spaces)."""
    out = html.escape(" ".join(str(text).split()), quote=True)
    out = _CODE.sub(r"<code>\1</code>", out)
    out = _STRONG.sub(r"<strong>\1</strong>", out)
    return _EM.sub(r"<em>\1</em>", out)


def block(text: str) -> str:
    """Paragraphs of light Markdown as safe HTML ``<p>`` elements."""
    paras = [p for p in _BLANK.split(str(text).strip()) if p.strip()]
    return "".join(f"<p>{inline(p)}</p>" for p in paras)


def plain(text: str) -> str:
    """The words without Markdown marks, for screen-reader announcements and plain-text exports."""
    out = _CODE.sub(r"\1", " ".join(str(text).split()))
    out = _STRONG.sub(r"\1", out)
    return _EM.sub(r"\1", out)


__all__ = ["block", "inline", "plain"]
