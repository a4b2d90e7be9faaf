"""Do the one-line helpers show friendly messages for missing or broken files, and stay light?"""

from __future__ import annotations

import subprocess
import sys
import textwrap

from tests.conftest import REPO
from widgets.ui.problem import Problem
from widgets.ui.session import get_session


def test_ui_api_names_are_reexported_from_widgets():
    import widgets
    from widgets import ui

    for name in ("play", "selfcheck", "reflect", "header", "course_overview"):
        assert getattr(widgets, name) is getattr(ui, name)


def test_ui_api_missing_file_is_a_friendly_message(in_module):
    from widgets import play

    shown = play("scenarios/nope.yaml")
    assert isinstance(shown, Problem)
    assert "This scenario cannot be shown yet." in str(shown)
    assert "modules/01-tiny/scenarios/nope.yaml" in str(shown) and "file.missing" in str(shown)
    assert 'role="alert"' in shown._repr_html_()


def test_ui_api_broken_yaml_names_file_line_and_column(in_module):
    from widgets import play, selfcheck

    (in_module / "scenarios" / "broken.yaml").write_text(textwrap.dedent("""\
        schema: mentor-scenario/1
        id: broken
        title: <b>Broken</b>
        module: 01-tiny
        summary: s
        competencies: [validation]
        characters: {mei: {name: Mei}}
        start: opening
        nodes:
          opening:
            lines: [{speaker: mei, text: hi}]
            choices:
              - {id: a, text: A, quality: best, scores: {validation: 1}, feedback: f, goto: exlpore}
        """), encoding="utf-8")
    shown = play("scenarios/broken.yaml")
    assert isinstance(shown, Problem)
    assert any(line.startswith("modules/01-tiny/scenarios/broken.yaml, line 13, column ") for line in shown.lines)
    assert "exlpore" in str(shown)
    (in_module / "selfcheck.yaml").write_text("schema: mentor-selfcheck/1\nmodule: 01-tiny\n", encoding="utf-8")
    assert "line 1" in str(selfcheck())
    assert "<b>" not in play("scenarios/broken.yaml")._repr_html_().replace("&lt;b&gt;", "")


def test_ui_api_unexpected_fault_is_not_a_traceback(in_module, monkeypatch):
    from widgets import reflect
    from widgets.ui import reflection_view

    def explode(*args, **kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(reflection_view.ReflectionView, "__init__", explode)
    shown = reflect()
    assert isinstance(shown, Problem) and "RuntimeError: disk on fire" in str(shown)
    assert "Traceback" not in str(shown)


def test_ui_api_session_caches_content_until_the_file_changes(in_module):
    session = get_session()
    first = session.load("scenarios/tiny.yaml", "scenario")
    assert session.load("scenarios/tiny.yaml", "scenario") is first
    path = in_module / "scenarios" / "tiny.yaml"
    path.write_text(path.read_text().replace("title: \"Tiny <b>talk</b>\"", "title: Retitled"))
    assert session.load("scenarios/tiny.yaml", "scenario").title == "Retitled"


def test_ui_api_import_is_light():
    """``import widgets.ui`` and the notebooks' import line must not pull in heavy libraries."""
    code = ("import sys; from widgets import header, play, selfcheck, reflect; "
            "heavy = [m for m in ('matplotlib', 'nbformat', 'nbgrader', 'jsonschema', 'voila') if m in sys.modules]; "
            "print(','.join(heavy))")
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
