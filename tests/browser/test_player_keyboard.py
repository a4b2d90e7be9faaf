"""Can a mentor use a module page by keyboard alone, in a real browser, with no serious accessibility
violations? Served by `mentor-course serve` (real Voilà on 127.0.0.1, with its preheated kernels),
driven in Debian's Chromium (the ``browser`` and ``screenshot`` fixtures of tests/browser/conftest.py).

The course is written into a temporary folder (tests/ui/builders.py's texts), so these tests do not
depend on content still being written. Screenshots go to test-artifacts/browser/ for a person to see.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import COURSE_YAML
from tests.ui.builders import REFLECTION, SELFCHECK, WARNED_SCENARIO

pytestmark = pytest.mark.browser

NOTEBOOK_CELLS = [
    ("markdown", "# Tiny module\n\nA page for testing the course widgets."),
    ("code", "from widgets import header, play, selfcheck, reflect\nheader()"),
    ("markdown", "## Scenario"),
    ("code", 'play("scenarios/tiny.yaml")'),
    ("markdown", "## Check your understanding"),
    ("code", 'selfcheck("selfcheck.yaml")'),
    ("markdown", "## Reflection"),
    ("code", 'reflect("reflection.yaml")'),
]
PAGE = "voila/render/01-tiny/module.ipynb"
SERIOUS = {"serious", "critical"}


def write_course(root: Path) -> Path:
    module = root / "modules" / "01-tiny"
    (module / "scenarios").mkdir(parents=True)
    (root / "modules" / "course.yaml").write_text(COURSE_YAML, encoding="utf-8")
    (module / "scenarios" / "tiny.yaml").write_text(WARNED_SCENARIO, encoding="utf-8")
    (module / "selfcheck.yaml").write_text(SELFCHECK, encoding="utf-8")
    (module / "reflection.yaml").write_text(REFLECTION, encoding="utf-8")
    cells = [{"cell_type": kind, "metadata": {}, "source": src, **({"outputs": [], "execution_count": None}
                                                                  if kind == "code" else {})}
             for kind, src in NOTEBOOK_CELLS]
    nb = {"cells": cells, "nbformat": 4, "nbformat_minor": 5,
          "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}}}
    (module / "module.ipynb").write_text(json.dumps(nb), encoding="utf-8")
    return root


class Server:
    def __init__(self, url: str, data: Path) -> None:
        self.url, self.data = url, data


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """`mentor-course serve` (its defaults: preheated kernels, a data folder) over the temporary course."""
    from widgets.serving import process

    root = write_course(tmp_path_factory.mktemp("course"))
    tmp = tmp_path_factory.mktemp("served")
    with pytest.MonkeyPatch.context() as env:
        # tests/conftest.py points the test process at one progress file; a server has one per visitor
        env.delenv("MENTOR_COURSE_PROGRESS", raising=False)
        served = process.serve(root, tmp / "data", tmp / "serve.log", "--kernels-per-client", "0")
    yield Server(served.url, tmp / "data")
    served.stop()


def open_page(browser, server: Server, *, width: int = 900, query: str = ""):
    page = browser.new_page(viewport={"width": width, "height": 1000})
    page.goto(server.url + PAGE + query, timeout=120_000)
    page.wait_for_selector("[data-testid=reflection]", timeout=120_000)
    page.wait_for_function("() => new URL(location.href).searchParams.get('learner')", timeout=60_000)
    return page


def focused(page) -> dict:
    return page.evaluate("""() => { const e = document.activeElement;
        return { tag: e.tagName, testid: e.dataset.testid || "", choice: e.dataset.choice || "",
                 text: (e.textContent || "").trim().slice(0, 200), type: e.type || "" }; }""")


def tab_until(page, check, what: str, limit: int = 80) -> dict:
    """Press Tab until ``check(focused element)`` holds: the only way a keyboard user moves."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        now = focused(page)
        if check(now):
            return now
    raise AssertionError(f"{what} is not reachable with Tab (last focus: {focused(page)})")


def serious_violations(page, selector: str) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, context=selector)
    return [f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
            for v in results.response["violations"] if v.get("impact") in SERIOUS]


def choose_by_keyboard(page, choice_id: str, key: str, feedback_count: int) -> None:
    tab_until(page, lambda f: f["choice"] == choice_id, f"choice '{choice_id}'")
    page.keyboard.press(key)
    page.wait_for_function(f"document.querySelectorAll('[data-testid=feedback]').length === {feedback_count}")


def test_player_keyboard_plays_to_an_ending_and_axe_finds_nothing_serious(browser, server, screenshot):
    page = open_page(browser, server)
    player = page.locator("[data-testid=player]")
    assert "a microaggression at work" in player.inner_text()  # the warning comes before the scenario
    assert player.locator("[data-testid=choices]").count() == 0
    assert serious_violations(page, "[data-testid=player]") == []

    tab_until(page, lambda f: f["testid"] == "continue", "the Continue button")
    page.keyboard.press("Enter")
    page.wait_for_selector("[data-testid=choices]")
    page.wait_for_function("document.activeElement && document.activeElement.textContent === 'The conversation'")
    assert "Tiny &lt;b&gt;talk" not in player.inner_text() and "Tiny <b>talk</b>" in player.inner_text()
    assert "<script>alert(1)</script>" in player.inner_text()  # shown as typed, never run

    choose_by_keyboard(page, "curious", "Enter", 1)
    page.wait_for_function("document.activeElement.dataset.testid === 'feedback'")
    feedback = focused(page)["text"]
    assert "Mixed response" in feedback and "−1 Listening" in feedback and "A closed question" in feedback
    page.wait_for_function("document.querySelector('[data-testid=announce]').textContent.startsWith('Mixed response')")
    screenshot(page, "player-keyboard-feedback")

    choose_by_keyboard(page, "reflect", " ", 2)  # Space works as well as Enter
    page.wait_for_selector("[data-testid=ending]")
    page.wait_for_function("document.activeElement.dataset.testid === 'ending-title'")
    ending = player.locator("[data-testid=ending]").inner_text()
    assert "Mei keeps talking" in ending and "Growth" in ending
    assert re.search(r"Listening\s+\+1\s+\+3", player.locator("[data-testid=totals]").inner_text())
    assert "The strongest path" in ending and "What made Mei keep talking?" in ending
    page.wait_for_function("document.querySelector('[data-testid=announce]').textContent.includes('has ended')")
    page.set_viewport_size({"width": 900, "height": 3000})  # element screenshots stop at the viewport
    screenshot(player, "player-keyboard-ending")
    assert serious_violations(page, "[data-testid=player]") == []

    tab_until(page, lambda f: f["testid"] == "different-path", "Try a different path")
    page.keyboard.press("Enter")
    page.wait_for_selector("[data-testid=choices]")
    assert focused(page)["text"] == "What do you say?"
    page.close()


def test_player_keyboard_progress_resumes_after_reload(browser, server):
    page = open_page(browser, server)
    url = page.url  # the page keeps the learner's id in its address
    learner = re.search(r"learner=([a-z0-9-]+)", url).group(1)
    tab_until(page, lambda f: f["testid"] == "continue", "the Continue button")
    page.keyboard.press("Enter")
    page.wait_for_selector("[data-testid=choices]")
    choose_by_keyboard(page, "validate", "Enter", 1)
    page.close()

    again = open_page(browser, server, query="?" + url.split("?", 1)[1])
    player = again.locator("[data-testid=player]")
    player.locator("[data-testid=feedback]").wait_for()  # the page asks its kernel for this learner's state
    assert player.locator("[data-testid=feedback]").count() == 1
    assert "Strong response" in player.inner_text() and player.locator("[data-choice=reflect]").count() == 1
    assert (server.data / "progress" / f"{learner}.json").is_file()
    again.close()


def test_player_keyboard_selfcheck_and_drafts(browser, server):
    page = open_page(browser, server)
    tab_until(page, lambda f: f["testid"] == "option-one-a", "the first question's options")
    page.keyboard.press("ArrowDown")  # within a radio group, arrows move and choose (b)
    assert focused(page)["testid"] == "option-one-b"
    tab_until(page, lambda f: f["testid"] == "check-one", "Check my answer")
    page.keyboard.press("Enter")
    page.wait_for_function("document.activeElement.dataset.testid === 'result-one'")
    check = page.locator("[data-testid=selfcheck]").inner_text()
    assert "Correct." in check and "It validates before asking." in check and "Choosing a side is a stressor." in check
    assert "Score: 1 of 2 correct" in check
    assert serious_violations(page, "[data-testid=selfcheck]") == []

    tab_until(page, lambda f: f["testid"] == "draft-own-slip", "the first draft")
    page.keyboard.type("I asked a colleague where she was really from.")
    page.keyboard.press("Tab")  # leaving the field saves at once
    page.wait_for_function("document.querySelector('[data-testid=status-own-slip]').textContent.startsWith('Saved')")
    assert serious_violations(page, "[data-testid=reflection]") == []
    assert serious_violations(page, "[data-testid=module-header]") == []
    query = "?" + page.url.split("?", 1)[1]
    page.close()
    again = open_page(browser, server, query=query)
    again.wait_for_function("document.querySelector('[data-testid=draft-own-slip]').value !== ''")
    assert again.locator("[data-testid=draft-own-slip]").input_value() == "I asked a colleague where she was really from."
    assert "1 of 2 prompts drafted" in again.locator("[data-testid=module-header]").inner_text()
    again.close()


def use_jupyterlab_theme(page, theme: str) -> None:
    """Apply JupyterLab's own theme variables (the served course pins Voilà's light theme, so the dark
    one is loaded here the way JupyterLab loads it: a stylesheet of --jp-* variables)."""
    if theme == "light":
        return
    from jupyter_core.paths import jupyter_path

    for folder in jupyter_path("voila", "themes"):
        css = Path(folder) / "@jupyterlab" / f"theme-{theme}-extension" / "index.css"
        if css.is_file():
            page.add_style_tag(content=css.read_text(encoding="utf-8")
                               + "body { background: var(--jp-layout-color0); color: var(--jp-ui-font-color1); }")
            return
    raise AssertionError(f"JupyterLab's {theme} theme stylesheet is not installed")


@pytest.mark.parametrize("theme, width", [("light", 375), ("dark", 375), ("dark", 900)])
def test_player_keyboard_fits_a_phone_and_both_themes(browser, server, screenshot, theme, width):
    page = open_page(browser, server, width=width)
    use_jupyterlab_theme(page, theme)
    page.locator("[data-testid=continue]").click()
    page.locator("[data-choice=dismiss]").click()
    page.wait_for_selector("[data-testid=ending]")
    overflow = page.evaluate("""() => [...document.querySelectorAll('.mc button, .mc-choice, .mc-bubble, .mc table')]
        .filter(e => e.scrollWidth > e.clientWidth + 1).map(e => e.className + ': ' + e.textContent.slice(0, 40))""")
    assert overflow == []
    assert page.evaluate("document.querySelector('[data-testid=player]').getBoundingClientRect().right") <= width
    for name in ("player", "module-header", "selfcheck", "reflection"):
        assert serious_violations(page, f"[data-testid={name}]") == [], name
    page.set_viewport_size({"width": width, "height": 4000})  # element screenshots stop at the viewport
    for name in ("player", "module-header", "selfcheck", "reflection"):
        screenshot(page.locator(f"[data-testid={name}]"), f"player-keyboard-{name}-{theme}-{width}")
    page.close()


def test_player_keyboard_same_browser_keeps_its_learner_without_the_link(browser, server):
    """A mentor who comes back from the landing page (no ?learner= in the address) finds their work."""
    context = browser.new_context(viewport={"width": 900, "height": 1000})
    try:
        first = context.new_page()
        first.goto(server.url + PAGE, timeout=120_000)
        first.wait_for_function("() => new URL(location.href).searchParams.get('learner')", timeout=60_000)
        learner = re.search(r"learner=([a-z0-9-]+)", first.url).group(1)
        first.locator("[data-testid=option-one-b]").check()
        first.locator("[data-testid=check-one]").click()
        first.wait_for_selector("[data-testid=result-one]")
        first.close()
        second = context.new_page()
        second.goto(server.url + PAGE, timeout=120_000)
        second.wait_for_function(f"() => new URL(location.href).searchParams.get('learner') === '{learner}'",
                                 timeout=60_000)
        second.wait_for_selector("[data-testid=result-one]")
        assert "1 of 2 answered" in second.locator("[data-testid=module-header]").inner_text()
    finally:
        context.close()
