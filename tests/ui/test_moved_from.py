"""When a scenario or a reflection prompt moves to another module (issue 15), does what a mentor saved
under the old module follow it: the saved path, finished runs, drafts, and the progress box's count?"""

from __future__ import annotations

import json
from pathlib import Path

from tests.ui.builders import REFLECTION, WARNED_SCENARIO
from widgets.content.loader import check_paths
from widgets.learner import module_inventory, module_status
from widgets.progress import new_progress, saved_drafts, saved_scenario
from widgets.ui import play, reflect

OLD = "06-old-home"


def _doc() -> dict:
    doc = new_progress("mentor-test1234")
    doc["scenarios"][f"{OLD}/tiny"] = {"history": ["validate"], "acknowledged": True,
                                       "runs": [{"id": "r1", "history": ["validate", "reflect"],
                                                 "ending": "good-ending", "totals": {}, "at": "2026-01-01"}]}
    doc["drafts"][OLD] = {"plan": {"text": "My plan, written before the move.", "rev": 3, "at": "2026-01-01"}}
    return doc


def test_moved_from_saved_scenario_reads_the_old_key_only_while_the_new_one_is_empty():
    doc = _doc()
    assert saved_scenario(doc, "01-tiny", "tiny", OLD)["history"] == ["validate"]
    assert saved_scenario(doc, "01-tiny", "tiny") == {}  # no move declared: nothing borrowed
    doc["scenarios"]["01-tiny/tiny"] = {"history": ["dismiss"], "runs": []}
    assert saved_scenario(doc, "01-tiny", "tiny", OLD)["history"] == ["dismiss"]


def test_moved_from_saved_drafts_fill_only_empty_prompts_that_moved():
    doc = _doc()
    assert saved_drafts(doc, "01-tiny", {"plan": OLD})["plan"]["text"] == "My plan, written before the move."
    assert saved_drafts(doc, "01-tiny", {}) == {}
    assert "own-slip" not in saved_drafts(doc, "01-tiny", {"own-slip": OLD})  # nothing saved there
    doc["drafts"]["01-tiny"] = {"plan": {"text": "Newer text", "rev": 1}}
    assert saved_drafts(doc, "01-tiny", {"plan": OLD})["plan"]["text"] == "Newer text"
    doc["drafts"]["01-tiny"] = {"plan": {"text": "  ", "rev": 1}}
    assert saved_drafts(doc, "01-tiny", {"plan": OLD})["plan"]["text"] == "My plan, written before the move."


def _moved(module_dir: Path) -> None:
    sc = module_dir / "scenarios" / "tiny.yaml"
    sc.write_text(WARNED_SCENARIO.replace("module: 01-tiny\n", f"module: 01-tiny\nmoved_from: {OLD}\n"), encoding="utf-8")
    (module_dir / "reflection.yaml").write_text(REFLECTION.replace(
        "text: What will you do differently?, points: 5}",
        f"text: What will you do differently?, points: 5, moved_from: {OLD}}}"), encoding="utf-8")


def test_moved_from_is_valid_content_and_the_progress_box_counts_the_old_work(module_dir):
    _moved(module_dir)
    result = check_paths(root=module_dir.parent.parent)
    assert [str(e) for e in result.errors] == []
    assert result.scenarios[0].moved_from == OLD and result.reflections[0].moves == {"plan": OLD}
    status = module_status(module_inventory(module_dir, "Tiny"), _doc())
    assert status.scenarios[0].state == "finished" and status.prompts_drafted == 1


def test_moved_from_naming_its_own_module_is_refused(module_dir):
    (module_dir / "scenarios" / "tiny.yaml").write_text(
        WARNED_SCENARIO.replace("module: 01-tiny\n", "module: 01-tiny\nmoved_from: 01-tiny\n"), encoding="utf-8")
    result = check_paths(root=module_dir.parent.parent)
    assert [e.code for e in result.errors] == ["ref.moved-from"]
    assert result.errors[0].line == 5


def test_moved_from_player_and_drafts_resume_and_then_save_under_the_new_key(in_module, progress_path, send):
    _moved(in_module)
    progress_path.parent.mkdir(parents=True, exist_ok=True)
    progress_path.write_text(json.dumps(_doc()), encoding="utf-8")
    view = play("scenarios/tiny.yaml")
    assert view.state.history == ("validate",) and view.acknowledged
    view.choose("reflect")
    saved = json.loads(progress_path.read_text())
    assert saved["scenarios"]["01-tiny/tiny"]["history"] == ["validate", "reflect"]
    assert saved["scenarios"][f"{OLD}/tiny"]["history"] == ["validate"]  # the old entry is left as it was
    drafts = reflect()
    assert [p["draft"] for p in drafts.props["prompts"]] == ["", "My plan, written before the move."]
    send(drafts, {"action": "draft", "prompt": "plan", "text": "My plan, revised."})
    saved = json.loads(progress_path.read_text())
    assert saved["drafts"]["01-tiny"]["plan"]["text"] == "My plan, revised."
    assert saved["drafts"][OLD]["plan"]["text"] == "My plan, written before the move."


def test_moved_from_inventory_reads_the_scenario_head_as_a_full_parse_would(tmp_path):
    from widgets.learner import _quick_yaml, _scenario_head

    plain = tmp_path / "a.yaml"
    plain.write_text(WARNED_SCENARIO.replace("module: 01-tiny\n", f"module: 01-tiny\nmoved_from: {OLD}\n"),
                     encoding="utf-8")
    folded = tmp_path / "b.yaml"
    folded.write_text(WARNED_SCENARIO.replace('title: "Tiny <b>talk</b>"', "title: >-\n  Tiny\n  talk"),
                      encoding="utf-8")
    for f in (plain, folded):
        head, full = _scenario_head(f), _quick_yaml(f)
        assert (head["id"], head["title"], head.get("moved_from")) == (full["id"], full["title"], full.get("moved_from"))
    assert _scenario_head(folded)["title"] == "Tiny talk" and _scenario_head(plain)["moved_from"] == OLD
