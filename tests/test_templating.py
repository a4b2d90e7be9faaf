"""Do the templates escape by default, and is all page markup made by templates (not f-strings)?"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from jinja2 import UndefinedError
from markupsafe import Markup

from tests.conftest import REPO
from widgets import templating

HOSTILE = '<script>alert("x")</script>'


def test_templating_escapes_a_variable_by_default():
    env = templating.environment()
    out = env.from_string('<p title="{{ v }}">{{ v }}</p>').render(v=HOSTILE)
    assert "<script" not in out and "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in out
    page = env.get_template("serving/problem.html").render(title=HOSTILE, message=HOSTILE)
    assert page.count("&lt;script&gt;") == 3  # title, h1, p


def test_templating_macros_escape_arguments_and_markdown_filters_escape_first():
    live = templating.macros("live/fragments.html", quality_icon={}, quality_words={}, narrator="narrator")
    assert "&lt;script&gt;" in str(live.notice(HOSTILE, HOSTILE)) and "<script" not in str(live.notice(HOSTILE, "x"))
    out = templating.environment().from_string("{{ v|inline }}|{{ v|block }}|{{ v|answer }}").render(v="*em* " + HOSTILE)
    assert "<script" not in out and out.count("<em>em</em>") == 3


def test_templating_only_markup_passes_unescaped():
    """Markup is how a template takes ready-made HTML (an SVG from segno): nothing else gets through."""
    env = templating.environment()
    assert env.from_string("{{ v }}").render(v=Markup("<svg></svg>")) == "<svg></svg>"
    assert env.from_string("{{ v }}").render(v="<svg></svg>") == "&lt;svg&gt;&lt;/svg&gt;"


def test_templating_a_misspelt_variable_is_an_error_not_an_empty_string():
    with pytest.raises(UndefinedError):
        templating.render("serving/problem.html", title="t")


# --------------------------------------------------------------------------------------------------
# No markup outside the templates
# --------------------------------------------------------------------------------------------------

#: An opening or closing tag (``<p``, ``</div>``, ``<a href``) in the literal parts of an f-string.
_TAG = re.compile(r"</?[a-zA-Z][a-zA-Z0-9-]*(?=[\s>/]|$)")

#: Files that still make markup in Python, and why. Shrink this list; do not grow it.
ALLOWED = {
    # The policy itself: its renderers are where Markdown becomes tags, and escape_markdown writes entities.
    "widgets/markdown.py": "the Markdown policy's renderer",
    # Not markup: an error message naming the folder ``modules/<id>/``.
    "widgets/content/timing.py": "a message naming modules/<id>/",
}


def markup_in_python(root: Path) -> dict[str, list[str]]:
    """Per file under ``root/widgets``: each ``html.escape`` use and each f-string that writes a tag."""
    found: dict[str, list[str]] = {}
    for path in sorted((root / "widgets").rglob("*.py")):
        hits = []
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.JoinedStr):
                literal = "".join(v.value for v in node.values if isinstance(v, ast.Constant) and isinstance(v.value, str))
                if _TAG.search(literal):
                    hits.append(f"{node.lineno}: f-string with a tag")
            elif isinstance(node, ast.Attribute) and node.attr == "escape" and getattr(node.value, "id", "") == "html":
                hits.append(f"{node.lineno}: html.escape")
            elif isinstance(node, ast.ImportFrom) and node.module == "html" and any(a.name == "escape" for a in node.names):
                hits.append(f"{node.lineno}: from html import escape")
        if hits:
            found[str(path.relative_to(root))] = hits
    return found


def test_templating_no_markup_is_built_in_python_outside_the_allow_list():
    """HTML comes from templates that escape by default; a module that builds tags in f-strings, or escapes
    value by value with ``html.escape``, is one forgotten call away from an injection.

    The allow-list (``ALLOWED``) names each exception and why: the Markdown policy (where Markdown becomes
    tags, by design), a false positive (a message naming ``modules/<id>/``), and modules outside this
    issue's part that still build markup and are to be converted next (the views' files are being
    refactored in parallel). Plain string constants (CSS in ``<style>``, fixed markup with no value in it)
    are not flagged: they cannot carry user text.
    """
    found = markup_in_python(REPO)
    assert {k: v for k, v in found.items() if k not in ALLOWED} == {}
    stale = sorted(k for k in ALLOWED if k not in found)
    assert stale == [], f"no longer makes markup in Python: remove from ALLOWED: {stale}"


def test_templating_the_markup_check_catches_a_planted_f_string(tmp_path):
    target = tmp_path / "widgets" / "ui" / "new_view.py"
    target.parent.mkdir(parents=True)
    target.write_text('import html\n\ndef card(name):\n    return f"<p>{html.escape(name)}</p>"\n', encoding="utf-8")
    assert markup_in_python(tmp_path) == {"widgets/ui/new_view.py": ["4: f-string with a tag", "4: html.escape"]}


def test_templating_macros_constants_belong_to_each_caller():
    """Two callers of one template with different constants each see their own (the cached template once
    kept the first caller's, so a test passing {} emptied the live pages' quality icons)."""
    empty = templating.macros("live/fragments.html", quality_icon={}, quality_words={}, narrator="n")
    icons = templating.macros("live/fragments.html", quality_icon={"best": "✓"}, quality_words={}, narrator="n")
    assert "✓" in str(icons.quality_label("best")) and "✓" not in str(empty.quality_label("best"))
