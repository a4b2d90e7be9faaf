"""Does the scenario map come out of its template unchanged, with every piece of scenario text escaped?

The CLI tests (``tests/test_cli.py``: ``test_cli_map_*``) read the map as XML; these check the markup itself:
fragments copied from the output of the f-string version, hostile text, and the packaging of the template.
"""

from __future__ import annotations

import ast
import re
from fnmatch import fnmatch
from xml.etree import ElementTree

from tests.conftest import REPO, SCENARIO_V2_YAML
from widgets.content.loader import load_scenario
from widgets.scenario_map import render_svg
from widgets.templating import environment

SVG = "{http://www.w3.org/2000/svg}"
HOSTILE_TITLE = """<script>alert("x")</script> & 'quoted' Tiny"""
HOSTILE_LINE = """<script>alert('hi')</script> "quoted" & <b>bold</b>"""


def _v2_map(write_scenario, text: str = SCENARIO_V2_YAML) -> str:
    return render_svg(load_scenario(write_scenario(text)))


def test_scenario_map_markup_is_the_f_string_version_s(write_scenario):
    """Fragments of the map made before the template (edges, an ending with claims, the legend): same bytes."""
    svg = _v2_map(write_scenario)
    assert svg.startswith('<svg xmlns="http://www.w3.org/2000/svg" width="1320" height="380" viewBox="0 0 1320 380" '
                          'role="img" aria-label="Tiny (tiny)"><title>Tiny (tiny)</title><defs><marker id="arrow-best"')
    assert svg.endswith('class="line">moves on</text></svg>\n')
    assert svg.count("\n") == 1 and not re.search(r">\s+<", svg)  # no whitespace crept in between tags
    for fragment in (
        '<path d="M260,112.0 C320.0,112.0 320.0,112.0 380,112.0" fill="none" stroke="#cf222e" stroke-width="2" '
        'stroke-dasharray="2 4" marker-end="url(#arrow-harmful)"><title>dismiss; add +1 to slips</title></path>'
        '<text x="320" y="109" class="edge" fill="#cf222e">dismiss</text>',
        '<g class="node"><rect x="1060" y="80" width="220" height="64" rx="8" fill="#f6f8fa" stroke="#24292f" '
        'stroke-width="3"/><rect x="1064" y="84" width="212" height="56" rx="6" fill="none" stroke="#24292f"/>'
        '<text x="1070" y="100" class="id">good-ending — ending: growth</text><text x="1070" y="118" class="line">'
        'Mei keeps talking</text><text x="1064" y="158" class="claim">claims: unrepaired == 0<title>'
        "claims: unrepaired == 0</title></text></g>",
        '<line x1="340" y1="350" x2="380" y2="350" stroke="#cf222e" stroke-width="2" stroke-dasharray="2 4"/>'
        '<text x="388" y="354" class="line">harmful</text>',
    ):
        assert fragment in svg


def test_scenario_map_escapes_scenario_text(write_scenario):
    """A title, a line and a claim with tags, quotes and ampersands are text in the SVG, never markup."""
    text = (SCENARIO_V2_YAML
            .replace("title: Tiny", "title: '" + HOSTILE_TITLE.replace("'", "''") + "'")
            .replace("text: \"A coworker asked where I'm really from. Again.\"",
                     "text: '" + HOSTILE_LINE.replace("'", "''") + "'")
            .replace("claims: [unrepaired == 0]", "claims: [unrepaired == 0, slips < 2]"))
    svg = _v2_map(write_scenario, text)
    assert "<script" not in svg and "<b>" not in svg
    assert 'aria-label="&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; &#39;quoted&#39; Tiny (tiny)"' in svg
    root = ElementTree.fromstring(svg)
    assert root.get("aria-label") == f"{HOSTILE_TITLE} (tiny)"
    assert root.find(f"{SVG}title").text == f"{HOSTILE_TITLE} (tiny)"
    lines = [t.text for t in root.iter(f"{SVG}text") if t.get("class") == "line"]
    assert """<script>alert('hi')</script> "quoted" & <b>bold</b>""" in " ".join(lines[:2])
    claims = [t for t in root.iter(f"{SVG}text") if t.get("class") == "claim"]
    assert claims[0].text == "claims: unrepaired == 0; slips < 2"
    assert len(list(root.iter(f"{SVG}script"))) == 0


def test_scenario_map_template_is_autoescaped_and_packaged():
    """The .svg template is escaped like the .html ones, and a wheel ships it (package-data)."""
    assert environment().autoescape("authoring/scenario_map.svg") is True
    # read the line itself: tomllib is 3.11+, and the package supports 3.10
    line = re.search(r'^"widgets" = (\[.*\])$', (REPO / "pyproject.toml").read_text(encoding="utf-8"), re.M)
    patterns = ast.literal_eval(line.group(1))
    templates = REPO / "widgets" / "templates"
    for path in templates.rglob("*.*"):
        name = path.relative_to(REPO / "widgets").as_posix()
        assert any(fnmatch(name, p) for p in patterns), f"{name} is not in pyproject.toml's package-data"
