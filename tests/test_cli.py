"""Does the `mentor-course` command report, draw and play as documented?"""

from __future__ import annotations

import json
import subprocess
import sys
from xml.etree import ElementTree

import pytest
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


# --- mentor-scenario/2: playtest, warnings, files of unknown kind, the map and the terminal player

def _v2():
    from tests.conftest import SCENARIO_V2_YAML as V2

    return V2


def test_cli_playtest_reports_broken_claims_with_paths_counts_and_shares(course_root, write_scenario, monkeypatch):
    write_scenario(_v2().replace("claims: [unrepaired == 0]", "claims: [unrepaired == 0, asked]"))
    monkeypatch.chdir(course_root)
    result = CliRunner().invoke(main, ["playtest"])
    assert result.exit_code == 1, result.output
    lines = result.output.strip().splitlines()
    assert lines[0].startswith("modules/01-tiny/scenarios/tiny.yaml:")
    assert " claim.violated claim 'asked' of ending 'good-ending' fails on 3 of 5 path(s)" in lines[0]
    assert "e.g. [curious, listen]" in lines[0]
    assert "modules/01-tiny/scenarios/tiny.yaml: 7 path(s)" in result.output
    assert "length cue: best option is the longest at 0 of 2 decision points (0%)" in result.output
    assert lines[-1] == "0 scenarios, 0 self-checks, 0 reflections, 1 manifest: 1 error"
    # validate runs playtest too
    assert "claim.violated" in CliRunner().invoke(main, ["validate"]).output


def test_cli_playtest_json_counts_paths(course_root, write_scenario, monkeypatch):
    write_scenario(_v2())
    monkeypatch.chdir(course_root)
    result = CliRunner().invoke(main, ["playtest", "--format", "json"])
    payload = json.loads(result.output)
    assert result.exit_code == 0 and payload["ok"] is True
    assert [(s["paths"], s["endings"]) for s in payload["scenarios"]] == [(7, {"good-ending": 5, "withdraw": 2})]
    assert payload["best_longest"] == [0, 2]


def test_cli_validate_warning_is_printed_but_does_not_fail(course_root, write_scenario, monkeypatch):
    # Best is the strictly longest option at all three points of three options: p = (1/3)^3 < 0.05.
    text = SCENARIO_YAML.replace("text: That sounds exhausting. What did it bring up?",
                                 "text: That sounds exhausting, honestly. What did it bring up for you?")
    text = text.replace("    goto: good-ending\n  good-ending:", """\
    choices:
      - {id: b2, text: Say more about that feeling of being a guest?, quality: best, scores: {listening: 2},
         feedback: Open., goto: third}
      - {id: m2, text: Report it., quality: mixed, scores: {listening: 0}, feedback: Advice., goto: third}
      - {id: h2, text: Move on., quality: harmful, scores: {listening: -1}, feedback: No., goto: third}
  third:
    choices:
      - {id: b3, text: What would help you feel at home there?, quality: best, scores: {listening: 2},
         feedback: Open., goto: good-ending}
      - {id: m3, text: Ignore them., quality: mixed, scores: {listening: 0}, feedback: Advice., goto: good-ending}
      - {id: h3, text: Grow up., quality: harmful, scores: {listening: -1}, feedback: No., goto: good-ending}
  good-ending:""").replace("path: [validate]", "path: [validate, b2, b3]")
    write_scenario(text)
    monkeypatch.chdir(course_root)
    result = CliRunner().invoke(main, ["validate"])
    assert result.exit_code == 0, result.output
    first = result.output.splitlines()[0]
    assert first.startswith("modules/01-tiny/scenarios/tiny.yaml:") and " lint.length-cue warning: " in first
    assert "at 3 of 3 decision points" in first
    assert result.output.strip().splitlines()[-1].endswith(": ok (1 warning)")


def test_cli_validate_refuses_a_yaml_file_of_unknown_kind(tmp_path, monkeypatch):
    notes = tmp_path / "notes.yaml"
    notes.write_text("title: my notes\n", encoding="utf-8")
    broken = tmp_path / "broken.yaml"
    broken.write_text("title: [unclosed\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["validate", "notes.yaml", "broken.yaml"])
    assert result.exit_code == 1, result.output
    assert "notes.yaml:1:1: file.unknown-kind cannot tell what kind of course file this is" in result.output
    assert "broken.yaml:2:1: yaml.syntax" in result.output
    assert "ok" not in result.output.splitlines()[-1]


@pytest.mark.parametrize(("text", "expected"), [
    ("title: my notes\n", [("file.unknown-kind", 1, "it has no 'schema:' tag")]),
    ("schema: mentor-notes/1\ntitle: my notes\n",
     [("file.unknown-kind", 1, "its 'schema:' tag 'mentor-notes/1' names no kind this package knows")]),
    ("- a list\n- of things\n", [("file.unknown-kind", 1, "it has no 'schema:' tag")]),
    ("title: [unclosed\n", [("file.unknown-kind", 1, "it does not read as YAML (its yaml error gives the line)"),
                             ("yaml.syntax", 2, "while parsing a flow sequence")]),
    # a tag it can see: the syntax error is the one thing to fix (the kind is plain once it reads)
    ("schema: mentor-scenario/2\ntitle: [unclosed\n", [("yaml.syntax", 3, "while parsing a flow sequence")]),
    (None, [("file.missing", 0, "no such file or folder")]),
])
def test_cli_validate_file_of_unknown_kind_is_refused_with_how_to_name_it(tmp_path, monkeypatch, text, expected):
    """`validate FILE` outside a module, with no (or an unknown) tag, malformed, or missing: never "ok", always
    an error naming the file (and the line), exit 1, and for an unknown kind the ways to say what it is."""
    if text is not None:
        (tmp_path / "notes.yaml").write_text(text, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["validate", "notes.yaml"])
    assert result.exit_code == 1, result.output
    lines = result.output.strip().splitlines()
    assert [(code, line) for code, line, _ in expected] == [
        (ln.split(" ")[1], int(ln.split(":")[1])) for ln in lines[:-1]]
    for (_, _, words), ln in zip(expected, lines, strict=False):
        assert ln.startswith("notes.yaml:") and words in ln
    if expected[0][0] == "file.unknown-kind":
        assert "give it a 'schema:' tag (one of 'mentor-assessment/1', 'mentor-course/1'" in lines[0]
        assert "'mentor-scenario/2'" in lines[0] and "a module's scenarios/ folder" in lines[0]
        assert "selfcheck.yaml" in lines[0] and "resource pack.yaml" not in lines[0]
    assert lines[-1].endswith(f": {len(expected)} error" + ("s" if len(expected) > 1 else ""))
    as_json = CliRunner().invoke(main, ["validate", "--format", "json", "notes.yaml"])
    assert as_json.exit_code == 1
    assert [e["code"] for e in json.loads(as_json.output)["errors"]] == [code for code, _, _ in expected]


def test_cli_map_shows_conditions_on_edges_and_claims_on_endings(write_scenario, tmp_path):
    out = tmp_path / "map.svg"
    result = CliRunner().invoke(main, ["map", str(write_scenario(_v2())), "-o", str(out)])
    assert result.exit_code == 0, result.output
    ns = "{http://www.w3.org/2000/svg}"
    svg = ElementTree.parse(out).getroot()
    texts = [t.text or "" for t in svg.iter(f"{ns}text")]
    assert "own-it if slips > 0" in texts
    assert "if unrepaired > 0" in texts and "otherwise" in texts
    assert "claims: unrepaired == 0" in texts
    tips = [t.text for p in svg.iter(f"{ns}path") for t in p.iter(f"{ns}title")]
    assert "dismiss; add +1 to slips" in tips and "own-it if slips > 0; repairs dismiss" in tips


def test_cli_play_in_terminal_shows_the_path_s_ending_text_and_state(write_scenario):
    result = CliRunner().invoke(main, ["play", str(write_scenario(_v2()))], input="3\n1\n")
    assert result.exit_code == 0, result.output
    out = result.output
    assert "Mei: Anyway. It's fine." in out  # a line shown because of the slip
    assert "She felt heard.\nOwning the slip mattered.\n" in out
    assert "Your question let her lead." not in out
    assert "Your path set: asked no, slips 1 (harmful choices not repaired: 0)" in out
