"""Does the landing page list every module in order, escape what YAML says, and link only what exists?"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

from widgets.content.models import Course, ModuleInfo
from widgets.serving.landing import LIVE_APPS, Availability, discover, landing_html, notebook_href, problem_html


def course(*modules: ModuleInfo, summary: str = "") -> Course:
    return Course(id="c", title="Course <1> & \"2\"", competencies=(), modules=modules, summary=summary)


M1 = ModuleInfo("01-first", "First <script>alert(1)</script>", 30, ("Say \"hi\" & <wave>.",))
M2 = ModuleInfo("02-second", "Second", 45, ("Listen.", "Ask."))
M3 = ModuleInfo("03-third", "Third", 60, ("Close.",))


class Links(HTMLParser):
    """Collects (href, text) of links, the text of h3 headings, and every start tag."""

    def __init__(self) -> None:
        super().__init__()
        self.links: list[tuple[str, str]] = []
        self.h3: list[str] = []
        self.tags: list[str] = []
        self._href: str | None = None
        self._in_h3 = False
        self._text = ""

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        if tag == "a":
            self._href = dict(attrs).get("href")
            self._text = ""
        if tag == "h3":
            self._in_h3, self._h3 = True, ""

    def handle_endtag(self, tag):
        if tag == "a" and self._href is not None:
            self.links.append((self._href, self._text))
            self._href = None
        if tag == "h3":
            self._in_h3 = False
            self.h3.append(self._h3.strip())

    def handle_data(self, data):
        if self._href is not None:
            self._text += data
        if self._in_h3:
            self._h3 += data


def parse(html: str) -> Links:
    p = Links()
    p.feed(html)
    return p


def test_landing_html_lists_modules_in_course_order():
    page = parse(landing_html(course(M1, M2, M3), Availability(frozenset({"01-first", "02-second", "03-third"}), ())))
    assert page.h3 == ["Module 1. First <script>alert(1)</script>", "Module 2. Second", "Module 3. Third"]


def test_landing_html_escapes_every_text_from_yaml():
    html = landing_html(course(M1, summary="<img src=x onerror=alert(1)>"), Availability(frozenset({"01-first"}), ()))
    page = parse(html)
    assert "script" not in page.tags and "img" not in page.tags and "wave" not in page.tags
    assert "&lt;script&gt;" in html
    assert "Say &#34;hi&#34; &amp; &lt;wave&gt;." in html  # MarkupSafe (Jinja2 autoescape) spells " as &#34;
    assert "<title>Course &lt;1&gt; &amp; &#34;2&#34;</title>" in html


def test_landing_html_links_only_modules_with_a_notebook():
    page = parse(landing_html(course(M1, M2), Availability(frozenset({"02-second"}), ())))
    assert [href for href, _ in page.links if "render" in href] == ["voila/render/02-second/module.ipynb"]
    assert "Not available yet." in landing_html(course(M1, M2), Availability(frozenset({"02-second"}), ()))


def test_landing_html_shows_minutes_objectives_and_total():
    html = landing_html(course(M1, M2, M3), Availability(frozenset(), ()))
    assert "About 30 minutes" in html and "About 45 minutes" in html
    assert "<li>Listen.</li><li>Ask.</li>" in html
    assert "3 modules, about 2 hours in all." in html


def test_landing_html_links_live_apps_only_when_they_exist():
    without = landing_html(course(M1), Availability(frozenset(), ()))
    assert "Live role-plays" not in without
    page = parse(landing_html(course(M1), Availability(frozenset(), LIVE_APPS)))
    assert ("voila/render/live/facilitator.ipynb", "Facilitator console") in page.links
    assert ("live/join", "Join a live room") in page.links  # served by the server itself (widgets/live/web)


def test_landing_html_fragment_uses_given_prefix_and_no_document():
    html = landing_html(course(M1), Availability(frozenset({"01-first"}), ()), prefix="", standalone=False)
    assert not html.startswith("<!DOCTYPE")
    assert ("01-first/module.ipynb", "First <script>alert(1)</script>") in parse(html).links


def test_notebook_href_quotes_each_segment():
    assert notebook_href("01 odd/na#me?.ipynb", "voila/render/") == "voila/render/01%20odd/na%23me%3F.ipynb"


def test_discover_finds_notebooks_and_live_apps(tmp_path: Path):
    (tmp_path / "01-first").mkdir()
    (tmp_path / "01-first" / "module.ipynb").write_text("{}")
    (tmp_path / "02-second").mkdir()
    (tmp_path / "live").mkdir()
    assert discover(course(M1, M2), tmp_path).live_apps == ()
    (tmp_path / "live" / "facilitator.ipynb").write_text("{}")
    found = discover(course(M1, M2), tmp_path)
    assert found.modules == frozenset({"01-first"})
    assert [a.path for a in found.live_apps] == ["live/facilitator.ipynb", "live/join"]


def test_problem_html_escapes_its_message():
    html = problem_html("T<", "a <b>")
    assert "a &lt;b&gt;" in html and "<title>T&lt;</title>" in html


def test_landing_links_the_before_and_after_self_assessment_pages_around_the_modules(tmp_path: Path):
    modules_dir = tmp_path / "modules"
    for path in ("01-first/module.ipynb", "00-before-you-begin/before-you-begin.ipynb",
                 "99-your-growth/your-growth.ipynb"):
        (modules_dir / path).parent.mkdir(parents=True, exist_ok=True)
        (modules_dir / path).write_text("{}")
    html = landing_html(course(M1), discover(course(M1), modules_dir))
    parser = Links()
    parser.feed(html)
    hrefs = [href for href, _ in parser.links]
    assert hrefs.index("voila/render/00-before-you-begin/before-you-begin.ipynb") < hrefs.index(
        "voila/render/01-first/module.ipynb") < hrefs.index("voila/render/99-your-growth/your-growth.ipynb")


def test_landing_leaves_out_self_assessment_pages_that_do_not_exist(tmp_path: Path):
    html = landing_html(course(M1), discover(course(M1), tmp_path))
    assert "before-you-begin" not in html and "your-growth" not in html


# --- tracks (issue 15): the core track first with its measured total, then the electives

def tracked(*modules: ModuleInfo) -> Course:
    from widgets.content.models import Track

    return Course(id="c", title="Course", competencies=(), modules=modules, tracks=(
        Track("electives", "Electives: during the match", ("02-second",), "Deeper <modules>."),
        Track("core", "Core: before your <first> meeting", ("03-third", "01-first"), "Read first.", 240),
    ))


def test_landing_tracks_show_core_first_with_its_measured_total():
    html = landing_html(tracked(M1, M2, M3), Availability(frozenset({"01-first", "02-second", "03-third"}), ()),
                        minutes={"01-first": 100.0, "03-third": 130.4, "02-second": 44.0})
    h2 = re.findall(r"<h2[^>]*>(.*?)</h2>", html)
    assert [re.sub(r"<[^>]+>", "", t) for t in h2[:2]] == [
        "Core: before your &lt;first&gt; meeting · about 3 h 50 min", "Electives: during the match · about 45 min"]
    page = parse(html)
    # Core's modules in the track's order, numbered on into the electives.
    assert [t.split(". ", 1)[1] for t in page.h3] == ["Third", "First <script>alert(1)</script>", "Second"]
    assert page.h3[0].startswith("Module 1.") and page.h3[2].startswith("Module 3.")
    assert "About 130 minutes" in html and "About 44 minutes" in html  # measured, not declared (60, 45)
    assert "Deeper &lt;modules&gt;." in html and "<first>" not in html


def test_landing_tracks_fall_back_to_declared_minutes_when_not_measured():
    html = landing_html(tracked(M1, M2, M3), Availability(frozenset(), ()))
    assert "Core: before your &lt;first&gt; meeting <span class=\"track-total\">· about 1 h 30 min</span>" in html
    assert "estimated at 200 words a minute" in html


def test_landing_measured_minutes_of_the_real_course_are_cached_until_a_file_changes(tmp_path):
    import shutil

    from tests.conftest import REPO
    from widgets.content import timing

    root = tmp_path / "course"
    shutil.copytree(REPO / "modules", root / "modules")
    first = timing.measured_minutes(root)
    assert set(first) >= {"01-foundations", "10-capstone"} and all(v > 10 for v in first.values())
    assert timing.measured_minutes(root) is first
    reflection = root / "modules" / "10-capstone" / "reflection.yaml"
    reflection.write_text(reflection.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    again = timing.measured_minutes(root)
    assert again is not first and again == first


def test_landing_track_says_its_total_and_when_to_take_it_once():
    """A mentor read "about 3 h 50 min" and "before your first meeting" twice in a row (heading, then the
    line under the summary), and "in any order" twice for the electives."""
    course_ = tracked(M1, M2, M3)
    course_ = Course(id="c", title="Course", competencies=(), modules=course_.modules, tracks=(
        course_.tracks[0].__class__("electives", "Electives: during the match", ("02-second",),
                                    "Take them in any order, when the match calls for them."),
        course_.tracks[1]))
    html = landing_html(course_, Availability(frozenset({"01-first", "02-second", "03-third"}), ()),
                        minutes={"01-first": 100.0, "03-third": 130.4, "02-second": 44.0})
    sections = re.findall(r'<section class="track".*?</section>', html)
    core = re.sub(r"<[^>]+>", "", sections[0])
    electives = re.sub(r"<[^>]+>", "", sections[1])
    assert core.count("about 3 h 50 min") == 1 and core.count("first&gt; meeting") == 1
    assert "Take them in order." in core
    assert electives.count("in any order") == 1


def test_landing_section_heading_is_not_repeated_by_its_only_link(tmp_path: Path):
    """"Before you begin" was both the section heading and its card's title, one under the other."""
    (tmp_path / "00-before-you-begin").mkdir()
    (tmp_path / "00-before-you-begin" / "before-you-begin.ipynb").write_text("{}")
    html = landing_html(course(M1), discover(course(M1), tmp_path))
    for section in re.findall(r"<section.*?</section>", html):
        h2 = re.sub(r"<[^>]+>", "", re.search(r"<h2[^>]*>(.*?)</h2>", section).group(1))
        assert h2 not in parse(section).h3, h2


def test_landing_prose_is_held_to_a_reading_width():
    """Paragraphs and objectives ran to about 100 characters a line in the 52rem column."""
    html = landing_html(course(M1), Availability(frozenset({"01-first"}), ()))
    rule = re.search(r"([^{}]*)\{\s*max-width:\s*56ch;\s*\}", html)
    assert rule is not None
    assert {"main p", "ul.objectives li"} <= {s.strip() for s in rule.group(1).split(",")}
