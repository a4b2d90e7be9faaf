"""Measured minutes (``widgets.content.timing``, ``mentor-course minutes``) and the validator's track checks.

The expected-words figures below are worked out by hand from the small scenario, so a change to the
formula (or to what the walk counts) fails here rather than silently moving every module's minutes.
"""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

from widgets.cli import main
from widgets.content.loader import check_paths
from widgets.content.models import scenario_from_dict
from widgets.content.playtest import playtest
from widgets.content.timing import about, markdown_words, measure_course, prose_text

# Start: "Hello there friend" (3 words). Decision d1 offers three choices when `warm` is false:
#   a "Tell me more" (3) feedback "Good open question" (3), reply "Okay so" (2) -> end-good
#   b "Calm down" (2) feedback "That minimises" (2) -> d2
#   c "Nice weather" (2, only if warm: never offered) ...
# d2: line "She frowns" (2, if harmful > 0: always true here); choices
#   x "Sorry I rushed" (3) feedback "Repair" (1) -> end-good
#   y "Anyway" (1) feedback "Withdraws" (1) -> end-bad
# end-good: title "Heard" (1), text "She felt heard" (3) + part "You repaired it" (3, if harmful > 0)
# end-bad: title "Gone" (1), text "She left" (2)
SMALL = {
    "schema": "mentor-scenario/2", "id": "small", "title": "Small", "module": "m1", "summary": "S.",
    "competencies": ["listening"], "characters": {"kim": {"name": "Kim"}},
    "state": {"warm": {"type": "flag"}},
    "start": "open",
    "nodes": {
        "open": {"lines": [{"speaker": "kim", "text": "Hello there friend"}], "goto": "d1"},
        "d1": {"choices": [
            {"id": "a", "text": "Tell me more", "quality": "best", "scores": {"listening": 2},
             "feedback": "Good open question", "reply": [{"speaker": "kim", "text": "Okay so"}], "goto": "end-good"},
            {"id": "b", "text": "Calm down", "quality": "harmful", "scores": {"listening": -1},
             "feedback": "That minimises", "goto": "d2"},
            {"id": "c", "text": "Nice weather", "quality": "mixed", "scores": {"listening": 0}, "if": "warm",
             "feedback": "Off topic", "goto": "end-bad"},
        ]},
        "d2": {"lines": [{"speaker": "kim", "text": "She frowns", "if": "harmful > 0"}], "choices": [
            {"id": "x", "text": "Sorry I rushed", "quality": "best", "scores": {"listening": 2},
             "feedback": "Repair", "repairs": ["b"], "goto": "end-good"},
            {"id": "y", "text": "Anyway", "quality": "harmful", "scores": {"listening": -1},
             "feedback": "Withdraws", "goto": "end-bad"},
        ]},
        "end-good": {"ending": {"kind": "growth", "title": "Heard", "text": [
            {"text": "She felt heard"}, {"text": "You repaired it", "if": "harmful > 0"}]}},
        "end-bad": {"ending": {"kind": "withdrawal", "title": "Gone", "text": "She left"}},
    },
}


def test_timing_expected_words_and_decisions_by_hand():
    report = playtest(scenario_from_dict(SMALL))
    # Start 3. At d1 (p=1): offered a, b read (3 + 2); decisions 1.
    #   a (p=1/2): 3 feedback + 2 reply; end-good without the repair part: 1 + 3.
    #   b (p=1/2): 2 feedback + d2's line 2; at d2: x, y read (3 + 1), decisions 1/2.
    #     x (p=1/4): 1 + end-good with the repair part (1 + 3 + 3); y (p=1/4): 1 + end-bad (1 + 2).
    expected = 3 + 5 + 0.5 * (5 + 4) + 0.5 * (2 + 2 + 4) + 0.25 * (1 + 7) + 0.25 * (1 + 3)
    assert report.expected_words == pytest.approx(expected)
    assert report.expected_decisions == pytest.approx(1.5)


def test_timing_markdown_words_ignore_markup_links_and_urls():
    assert markdown_words('<div class="x">Two words</div>') == 2
    assert markdown_words("See [the guide](https://example.org/a-b-c) or www.example.org now.") == 5
    assert markdown_words("Don't split well-being; *emphasis* counts, 60% too.") == 7


def test_timing_prose_leaves_out_the_lab_note_and_sources_only():
    cells = [
        {"cell_type": "markdown", "source": '<div class="mc-lab-only">\n\nRun all cells now please\n</div>'},
        {"cell_type": "markdown", "source": "# Title here\n\nOne two three."},
        {"cell_type": "code", "source": "play('x.yaml')"},
        {"cell_type": "markdown", "source": "## Sources\n\n- Author (2001). A book.\n\n### Sub list\n\n- More"},
        {"cell_type": "markdown", "source": "## After sources\n\nFour five."},
    ]
    text = prose_text(cells)
    assert "Run all" not in text and "Author" not in text and "More" not in text
    assert markdown_words(text) == 2 + 3 + 2 + 2


def test_timing_about_rounds_to_five_minutes():
    assert about(230.4) == "about 3 h 50 min"
    assert about(44) == "about 45 min"
    assert about(121) == "about 2 h"


# --- a small course on disk: the formula end to end, and the validator's track checks

def _notebook(words: int) -> str:
    cells = [{"cell_type": "markdown", "metadata": {}, "source": '<div class="mc-lab-only">\n\nignored words\n</div>'},
             {"cell_type": "markdown", "metadata": {}, "source": " ".join(["word"] * words)},
             {"cell_type": "markdown", "metadata": {}, "source": "## Sources\n\n- Not counted (2020)."}]
    return json.dumps({"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5})


def _course(tmp: Path, tracks: str, minutes: tuple[int, int] = (17, 10)) -> Path:
    (tmp / "modules").mkdir()
    (tmp / "modules" / "course.yaml").write_text(textwrap.dedent(f"""\
        schema: mentor-course/1
        id: t
        title: T
        reading_wpm: 200
        competencies: [{{id: listening, title: L}}]
        modules:
          - {{id: m1, title: One, minutes: {minutes[0]}, objectives: [x]}}
          - {{id: m2, title: Two, minutes: {minutes[1]}, objectives: [x]}}
        """) + tracks, encoding="utf-8")
    for mid, words in (("m1", 400), ("m2", 2000)):
        folder = tmp / "modules" / mid
        folder.mkdir()
        (folder / "module.ipynb").write_text(_notebook(words), encoding="utf-8")
    scen = tmp / "modules" / "m1" / "scenarios"
    scen.mkdir()
    import copy

    import yaml

    # On disk without the never-offered choice (the validator rightly calls its condition never true);
    # it changes nothing a mentor reads.
    small = copy.deepcopy(SMALL)
    del small["state"]
    small["nodes"]["d1"]["choices"].pop()
    (scen / "small.yaml").write_text(yaml.safe_dump(small, sort_keys=False), encoding="utf-8")
    (tmp / "modules" / "m1" / "selfcheck.yaml").write_text(textwrap.dedent("""\
        schema: mentor-selfcheck/1
        module: m1
        title: Check
        questions:
          - id: q1
            prompt: One two three four
            kind: single
            options:
              - {id: a, text: "Yes", correct: true, explanation: Because it is}
              - {id: b, text: "No", correct: false, explanation: It is not}
        """), encoding="utf-8")
    (tmp / "modules" / "m1" / "reflection.yaml").write_text(textwrap.dedent("""\
        schema: mentor-reflection/1
        module: m1
        title: Reflect
        prompts:
          - {id: p1, title: P, text: Write., points: 5}
        """), encoding="utf-8")
    return tmp


CORE = """\
tracks:
  - {id: core, title: Core, max_minutes: 40, modules: [m1]}
  - {id: electives, title: Electives, modules: [m2]}
"""


def test_timing_measures_a_course_folder_part_by_part(tmp_path):
    timing, problems = measure_course(_course(tmp_path, CORE))
    assert problems == []
    m1 = timing.modules["m1"]
    assert m1.prose_words == 400 and m1.prose == pytest.approx(2.0)
    words = playtest(scenario_from_dict(SMALL)).expected_words
    assert m1.scenario == pytest.approx(words / 200 + 1.5 * 15 / 60)
    assert m1.selfcheck_words == 4 + 1 + 3 + 1 + 3 and m1.selfcheck == pytest.approx(12 / 200 + 20 / 60)
    assert m1.reflection == 10
    assert timing.modules["m2"].total == pytest.approx(10.0)
    assert timing.track("core").total == pytest.approx(m1.total)


def test_timing_validate_passes_a_course_whose_tracks_and_minutes_fit(tmp_path):
    result = check_paths(root=_course(tmp_path, CORE))
    assert [str(e) for e in result.errors] == []
    assert result.timing is not None and result.timing.track("core").total < 40


def _codes(result) -> list[tuple[str, int]]:
    return [(e.code, e.line) for e in result.errors]


def test_timing_validate_reports_a_declared_minutes_far_from_measured(tmp_path):
    result = check_paths(root=_course(tmp_path, CORE, minutes=(17, 20)))
    assert _codes(result) == [("time.declared", 8)]
    assert "declares 20 minutes but measures 10" in result.errors[0].message


def test_timing_validate_reports_a_track_over_its_budget(tmp_path):
    result = check_paths(root=_course(tmp_path, CORE.replace("max_minutes: 40", "max_minutes: 12")))
    assert _codes(result) == [("time.over-budget", 10)]
    assert "track 'core' measures 13 minutes, over its max_minutes 12: m1 13" in result.errors[0].message


@pytest.mark.parametrize("tracks, expected", [
    ("tracks:\n  - {id: core, title: C, modules: [m1, m3]}\n  - {id: electives, title: E, modules: [m2]}\n",
     [("track.unknown-module", 10)]),
    ("tracks:\n  - {id: core, title: C, modules: [m1, m2]}\n  - {id: electives, title: E, modules: [m2]}\n",
     [("track.two-tracks", 11)]),
    ("tracks:\n  - {id: core, title: C, modules: [m1]}\n", [("track.no-track", 8)]),
])
def test_timing_validate_reports_track_membership_problems(tmp_path, tracks, expected):
    result = check_paths(root=_course(tmp_path, tracks))
    assert _codes(result) == expected
    assert all(e.file == "modules/course.yaml" for e in result.errors)


def test_timing_cli_prints_a_table_for_another_checkout(tmp_path, monkeypatch):
    root = _course(tmp_path / "other", CORE) if (tmp_path / "other").mkdir() is None else None
    monkeypatch.chdir(tmp_path)
    out = CliRunner().invoke(main, ["minutes", "--course-dir", str(root)])
    assert out.exit_code == 0, out.output
    assert "m1" in out.output and "m2" in out.output and "track core:" in out.output
    data = json.loads(CliRunner().invoke(main, ["minutes", "--course-dir", str(root), "--format", "json", "m2"]).output)
    assert [m["module"] for m in data["modules"]] == ["m2"] and data["modules"][0]["total"] == 10.0
    bad = CliRunner().invoke(main, ["minutes", "--course-dir", str(root), "nope"])
    assert bad.exit_code != 0 and "no module 'nope'" in bad.output


def test_timing_the_real_course_is_measured_for_every_module():
    from tests.conftest import REPO

    timing, problems = measure_course(REPO)
    assert problems == []
    for t in timing.modules.values():
        assert t.prose_words > 500 and t.scenarios and t.items and t.prompts, t.module
