"""Does the `mentor-course` command report, draw and play as documented?"""

from __future__ import annotations

import json
import subprocess
import sys
from xml.etree import ElementTree

from click.testing import CliRunner

from tests.conftest import REPO, SCENARIO_YAML
from widgets import __version__
from widgets.cli import main


def test_cli_validate_ok_prints_summary(course_root, write_scenario, monkeypatch):
    write_scenario()
    monkeypatch.chdir(course_root)
    result = CliRunner().invoke(main, ["validate"])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "1 scenario, 0 self-checks, 0 reflections, 1 manifest: ok"


def test_cli_validate_reports_every_problem_in_every_file_and_exits_1(course_root, write_scenario, monkeypatch):
    write_scenario(SCENARIO_YAML.replace("goto: withdraw", "goto: withdrew"))
    write_scenario(SCENARIO_YAML.replace("id: tiny", "id: other").replace("quality: mixed", "quality: meh"),
                   name="other.yaml")
    monkeypatch.chdir(course_root)
    result = CliRunner().invoke(main, ["validate"])
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert lines[0].startswith("modules/01-tiny/scenarios/other.yaml:23:18: schema.enum")
    assert lines[1].startswith("modules/01-tiny/scenarios/tiny.yaml:32:15: graph.dangling-goto")
    assert "did you mean 'withdraw'?" in lines[1]
    assert lines[2].startswith("modules/01-tiny/scenarios/tiny.yaml:38:3: graph.unreachable")
    assert lines[-1] == "0 scenarios, 0 self-checks, 0 reflections, 1 manifest: 3 errors"


def test_cli_validate_json_format(course_root, write_scenario, monkeypatch):
    write_scenario(SCENARIO_YAML.replace("goto: withdraw", "goto: withdrew"))
    monkeypatch.chdir(course_root)
    result = CliRunner().invoke(main, ["validate", "--format", "json"])
    payload = json.loads(result.output)
    assert payload["ok"] is False
    assert [(e["code"], e["line"], e["col"]) for e in payload["errors"]] == [
        ("graph.dangling-goto", 32, 15), ("graph.unreachable", 38, 3)]


def test_cli_validate_missing_path(course_root, monkeypatch):
    monkeypatch.chdir(course_root)
    result = CliRunner().invoke(main, ["validate", "modules/99-nowhere"])
    assert result.exit_code == 1
    assert "modules/99-nowhere:0:0: file.missing" in result.output


def test_cli_map_writes_a_readable_svg(write_scenario, tmp_path):
    out = tmp_path / "map.svg"
    result = CliRunner().invoke(main, ["map", str(write_scenario()), "-o", str(out)])
    assert result.exit_code == 0, result.output
    svg = ElementTree.parse(out).getroot()
    ns = "{http://www.w3.org/2000/svg}"
    texts = " ".join(t.text or "" for t in svg.iter(f"{ns}text"))
    for node in ("opening", "explore", "good-ending", "withdraw"):
        assert node in texts
    assert "ending: growth" in texts and "ending: withdrawal" in texts
    edges = [p for p in svg.iter(f"{ns}path") if p.get("marker-end")]
    assert len(edges) == 4  # three choices and one automatic goto
    assert {p.get("stroke") for p in edges} == {"#1a7f37", "#9a6700", "#cf222e", "#57606a"}


def test_cli_map_refuses_a_broken_scenario_with_its_errors(write_scenario, tmp_path):
    path = write_scenario(SCENARIO_YAML.replace("goto: withdraw", "goto: withdrew"))
    result = CliRunner().invoke(main, ["map", str(path), "-o", str(tmp_path / "m.svg")])
    assert result.exit_code == 1
    assert "graph.dangling-goto" in result.output and "fix them first" in result.output


def test_cli_play_in_terminal_to_an_ending(write_scenario):
    result = CliRunner().invoke(main, ["play", str(write_scenario())], input="9\n1\n")
    assert result.exit_code == 0, result.output
    out = result.output
    assert "Please type a number from 1 to 3." in out
    assert "[strong response: validation +2, listening +1]" in out
    assert "== Ending: Mei keeps talking (growth) ==" in out
    assert "Strongest path: validate" in out


def test_cli_version_and_help():
    runner = CliRunner()
    assert runner.invoke(main, ["--version"]).output.strip() == f"mentor-course, version {__version__}"
    help_text = runner.invoke(main, ["--help"]).output
    for command in ("validate", "map", "play"):
        assert command in help_text


def test_cli_startup_does_not_import_jupyter():
    """`validate` must stay fast: Jupyter, ipywidgets, nbformat and jsonschema stay off its path."""
    code = ("import sys; from click.testing import CliRunner; from widgets.cli import main; "
            "CliRunner().invoke(main, ['validate']); "
            "print(','.join(m for m in ('ipywidgets','nbformat','jupyter_client','voila','nbgrader','jsonschema')"
            " if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
