"""Can a mentor play a scenario through the widget, and is every step saved and resumed?"""

from __future__ import annotations

import json
import random

import pytest

from widgets import engine
from widgets.content.loader import check_paths
from widgets.ui import play
from widgets.ui.scenario_view import ScenarioView
from widgets.ui.session import get_session, reset_sessions


def click_choice(view: ScenarioView, send, choice_id: str) -> None:
    """What the browser sends when a choice button is pressed."""
    send(view, {"action": "choose", "choice": choice_id, "at": view.props["at"]})


def test_scenario_view_plays_to_an_ending_through_browser_messages(in_module, send, progress_path):
    view = play("scenarios/tiny.yaml")
    assert isinstance(view, ScenarioView)
    assert view.props["phase"] == "warning"
    send(view, {"action": "continue"})
    assert view.props["phase"] == "playing" and view.props["focus"] == "start"

    click_choice(view, send, "curious")
    p = view.props
    assert p["focus"] == "feedback" and p["seq"] == 2
    assert [e["kind"] for e in p["transcript"]][-4:] == ["mentor", "feedback", "line", "line"]
    feedback = p["transcript"][-3]
    assert (feedback["label"], feedback["html"]) == ("Mixed response", "A closed question about the incident.")
    assert [d["text"] + " " + d["title"] for d in feedback["deltas"]] == ["−1 Listening"]
    assert [c["id"] for c in p["choices"]] == ["reflect", "fix"]

    click_choice(view, send, "reflect")
    p = view.props
    assert p["phase"] == "ended" and p["focus"] == "ending"
    assert p["ending"]["title"] == "Mei keeps talking"
    assert {t["id"]: t["yours"] for t in p["ending"]["totals"]} == {"validation": "0", "listening": "+1"}
    saved = json.loads(progress_path.read_text())["scenarios"]["01-tiny/tiny"]
    assert saved["history"] == ["curious", "reflect"] and saved["acknowledged"] is True
    assert [(r["ending"], r["totals"]) for r in saved["runs"]] == [("good-ending", {"validation": 0, "listening": 1})]


def test_scenario_view_transcript_grows_and_keeps_earlier_entries(in_module):
    view = play("scenarios/tiny.yaml")
    view.handle({"action": "continue"})
    first = view.props["transcript"]
    view.choose("validate")
    assert view.props["transcript"][: len(first)] == first
    assert len(view.props["transcript"]) > len(first)


def test_scenario_view_resumes_after_the_widget_and_the_kernel_are_gone(in_module, send):
    view = play("scenarios/tiny.yaml")
    send(view, {"action": "continue"})
    click_choice(view, send, "validate")
    before = view.props
    view.close()

    again = play("scenarios/tiny.yaml")  # the notebook re-run in the same kernel
    assert (again.props["phase"], again.props["history"]) == ("playing", ["validate"])
    assert again.props["transcript"] == before["transcript"] and again.props["seq"] == 0

    reset_sessions()  # a new kernel: nothing in memory
    fresh = play("scenarios/tiny.yaml")
    assert fresh.props["history"] == ["validate"] and fresh.props["phase"] == "playing"
    assert fresh.props["announce"] == ""  # a restored page does not speak or steal focus


def test_scenario_view_warning_acknowledgement_is_remembered(in_module, send):
    view = play("scenarios/tiny.yaml")
    send(view, {"action": "continue"})
    reset_sessions()
    assert play("scenarios/tiny.yaml").props["phase"] == "playing"


def test_scenario_view_play_again_and_try_a_different_path(in_module, send, progress_path):
    view = play("scenarios/tiny.yaml")
    send(view, {"action": "continue"})
    click_choice(view, send, "dismiss")
    assert view.props["ending"]["title"] == "Mei changes the subject"
    send(view, {"action": "back"})
    assert (view.props["phase"], view.props["history"], view.props["focus"]) == ("playing", [], "choices")
    click_choice(view, send, "validate")
    click_choice(view, send, "reflect")
    assert view.props["ending"]["same_as_strongest"] is True
    send(view, {"action": "restart"})
    assert (view.props["phase"], view.props["history"]) == ("playing", [])
    runs = json.loads(progress_path.read_text())["scenarios"]["01-tiny/tiny"]["runs"]
    assert [r["ending"] for r in runs] == ["withdraw", "good-ending"]


def test_scenario_view_ignores_a_late_double_click_and_unknown_choices(in_module, send):
    view = play("scenarios/tiny.yaml")
    send(view, {"action": "continue"})
    send(view, {"action": "choose", "choice": "validate", "at": 0})
    send(view, {"action": "choose", "choice": "curious", "at": 0})  # the second click of a double click
    send(view, {"action": "choose", "choice": "no-such-choice", "at": 1})
    send(view, {"action": "teleport"})
    send(view, "not even a dict")
    assert view.props["history"] == ["validate"] and view.props["error"] == ""


def test_scenario_view_starts_again_with_a_note_when_the_scenario_was_revised(in_module, send, progress_path):
    view = play("scenarios/tiny.yaml")
    send(view, {"action": "continue"})
    click_choice(view, send, "validate")
    doc = json.loads(progress_path.read_text())
    doc["scenarios"]["01-tiny/tiny"]["history"] = ["validate", "renamed-choice"]
    progress_path.write_text(json.dumps(doc))
    reset_sessions()
    again = play("scenarios/tiny.yaml")
    assert again.props["history"] == [] and again.props["phase"] == "playing"
    assert "This scenario was revised; your earlier path no longer fits, so it starts again." in again.props["notice"]
    # The learner plays on from the start; the new path is saved.
    click_choice(again, send, "curious")
    assert json.loads(progress_path.read_text())["scenarios"]["01-tiny/tiny"]["history"] == ["curious"]


def test_scenario_view_reports_a_save_failure_in_the_page(in_module, send, progress_path):
    progress_path.parent.mkdir(parents=True, exist_ok=True)
    progress_path.write_text(json.dumps({"save_version": 99, "kind": "mentor-course-progress"}))
    view = play("scenarios/tiny.yaml")
    assert "newer version of the course package" in view.props["error"]
    send(view, {"action": "continue"})
    assert view.props["phase"] == "playing"  # playing still works
    assert "Nothing more is saved" in view.props["error"]
    assert json.loads(progress_path.read_text())["save_version"] == 99  # and the newer file is untouched


def test_scenario_view_shows_a_damaged_progress_file_was_kept(in_module, progress_path):
    progress_path.parent.mkdir(parents=True, exist_ok=True)
    progress_path.write_text('{"save_version": 1, "kin')
    view = play("scenarios/tiny.yaml")
    assert "could not be read" in view.props["notice"] and ".corrupt-" in view.props["notice"]


def _repo_scenarios():
    from tests.conftest import REPO

    content = check_paths([REPO / "modules"], root=REPO)
    return content.scenarios


@pytest.mark.parametrize("seed", [1, 2])
def test_scenario_view_plays_every_valid_repo_scenario(tmp_path, monkeypatch, seed):
    """Every scenario under modules/ that validates: strongest path and a random walk, to an ending."""
    from tests.conftest import REPO

    scenarios = _repo_scenarios()
    if not scenarios:
        pytest.skip("no scenario under modules/ validates yet")
    monkeypatch.setenv("MENTOR_COURSE_PROGRESS", str(tmp_path / "p.json"))
    rng = random.Random(seed)
    for sc in scenarios:
        monkeypatch.chdir(REPO / "modules" / sc.module)
        reset_sessions()
        view = ScenarioView(sc, get_session())
        view.handle({"action": "continue"})
        path = engine.strongest_path(sc) if seed == 1 else ()
        steps = 0
        while view.props["phase"] == "playing":
            ids = [c["id"] for c in view.props["choices"]]
            pick = path[steps] if steps < len(path) else rng.choice(ids)
            shown = len(view.props["transcript"])
            promised = next(c["then"] for c in view.props["choices"] if c["id"] == pick)
            view.choose(pick)
            assert view.props["transcript"][shown:shown + 2] == promised, sc.id
            steps += 1
            assert view.props["transcript"][-1]["kind"] in ("line", "narration", "feedback"), sc.id
            assert steps <= len(sc.nodes), f"{sc.id} does not end"
        assert view.props["phase"] == "ended", sc.id
        assert view.props["ending"]["totals"] and view.props["ending"]["title"]
        if seed == 1:
            assert view.props["ending"]["same_as_strongest"], sc.id
        assert "<script" not in json.dumps(view.props).lower()
