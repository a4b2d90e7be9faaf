"""Do the module header and the course overview show what is done, and move progress in and out?"""

from __future__ import annotations

import json

from widgets.progress import ProgressFile, make_event
from widgets.ui import course_overview, header, play, reflect, selfcheck
from widgets.ui.session import reset_sessions
from widgets.ui.status_view import HeaderView, OverviewView


def states(view) -> list[tuple[str, str]]:
    return [(i["kind"], i["state"]) for i in view.props["items"]]


def test_header_view_infers_the_module_and_follows_progress(in_module, send):
    top = header()
    assert isinstance(top, HeaderView) and top.props["module"] == "01-tiny"
    assert top.props["state_label"] == "Not started" and top.props["part_count"] == 3
    assert states(top) == [("scenario", "Not played yet"), ("selfcheck", "0 of 2 answered, 0 correct"),
                           ("reflection", "0 of 2 prompts drafted")]
    player, check, drafts = play("scenarios/tiny.yaml"), selfcheck(), reflect()
    send(player, {"action": "continue"})
    assert states(top)[0] == ("scenario", "Started")
    for cid in ("validate", "reflect"):
        player.choose(cid)
    check.answer("one", ["b"])
    check.answer("many", ["a", "b"])
    send(drafts, {"action": "draft", "prompt": "own-slip", "text": "a"})
    send(drafts, {"action": "draft", "prompt": "plan", "text": "b"})
    assert top.props["state_label"] == "Done" and top.props["done_count"] == 3
    assert states(top) == [("scenario", "Played to an ending"), ("selfcheck", "2 of 2 answered, 2 correct"),
                           ("reflection", "2 of 2 prompts drafted")]


def test_header_view_takes_a_module_id_outside_its_folder(module_dir, course_root, monkeypatch, tmp_path):
    monkeypatch.chdir(course_root)
    monkeypatch.setenv("MENTOR_COURSE_PROGRESS", str(tmp_path / "p.json"))
    assert header("01-tiny").props["title"] == "Tiny"
    problem = header()
    assert "cannot tell which module this is" in str(problem)


def test_header_view_download_and_import_progress(in_module, send, outbox, tmp_path):
    top = header()
    box = outbox(top)
    selfcheck().answer("one", ["b"])
    send(top, {"action": "export"})
    dl = box.of_type("download")[-1]
    assert dl["mime"] == "application/json" and dl["name"].startswith("mentor-course-progress-mentor-")
    assert json.loads(dl["text"])["selfchecks"]["01-tiny"]["one"]["correct"] is True

    elsewhere = ProgressFile(tmp_path / "laptop.json", "mentor-laptop00001")
    elsewhere.record(make_event("draft.save", module="01-tiny", prompt="plan", text="from my laptop", base_rev=0))
    drafts = reflect()
    send(top, {"action": "import", "name": "laptop.json", "text": elsewhere.export_text()})
    result = box.of_type("result")[-1]
    assert result["ok"] is True and "Imported" in result["message"]
    assert [p["draft"] for p in drafts.props["prompts"]] == ["", "from my laptop"]  # views reload at once
    assert states(top)[2] == ("reflection", "1 of 2 prompts drafted")


def test_header_view_rejects_a_file_that_is_not_progress(in_module, send, outbox, progress_path):
    top = header()
    box = outbox(top)
    selfcheck().answer("one", ["b"])
    before = progress_path.read_text()
    send(top, {"action": "import", "name": "notes.json", "text": '{"just": "notes"}'})
    result = box.of_type("result")[-1]
    assert result["ok"] is False and result["message"].startswith("Nothing was imported")
    send(top, {"action": "import", "name": "x", "text": None})
    assert box.of_type("result")[-1]["ok"] is False
    assert progress_path.read_text() == before


def test_header_view_name_is_stored_only_when_added(in_module, send, progress_path):
    top = header()
    selfcheck().answer("one", ["b"])
    assert json.loads(progress_path.read_text())["name"] == ""
    send(top, {"action": "name", "name": "Sam"})
    assert json.loads(progress_path.read_text())["name"] == "Sam" and top.props["learner"]["name"] == "Sam"


def test_header_view_on_a_shared_server_offers_a_personal_link(module_dir, monkeypatch, tmp_path):
    monkeypatch.chdir(module_dir)
    monkeypatch.setenv("MENTOR_COURSE_DATA", str(tmp_path / "data"))
    monkeypatch.setenv("QUERY_STRING", "")
    first = header().props["learner"]
    assert first["mode"] == "shared" and first["generated"] and first["link"] and first["ready"]
    assert "pseudonymous" in first["where"]
    selfcheck().answer("one", ["b"])
    assert (tmp_path / "data" / "progress" / f"{first['id']}.json").is_file()

    reset_sessions()  # the mentor comes back with the personal link
    monkeypatch.setenv("QUERY_STRING", f"learner={first['id']}")
    back = header()
    assert back.props["learner"]["id"] == first["id"] and not back.props["learner"]["generated"]
    assert back.props["items"][1]["state"] == "1 of 2 answered, 1 correct"


def test_course_overview_lists_every_module(in_module, send):
    overview = course_overview()
    assert isinstance(overview, OverviewView)
    assert [(m["id"], m["state"]) for m in overview.props["modules"]] == [("01-tiny", "not started")]
    selfcheck().answer("one", ["b"])
    m = overview.props["modules"][0]
    assert (m["state_label"], m["selfcheck"], m["minutes"]) == ("In progress", "1 of 2 answered", 30)
    assert overview.props["done"] == 0 and overview.props["total"] == 1


def test_header_props_one_prompt_is_singular():
    """A core module has one reflection prompt: "0 of 1 prompt drafted", not "prompts" (journey finding)."""
    from widgets.learner import ModuleStatus
    from widgets.ui.status_props import _parts

    one = _parts(ModuleStatus("01-foundations", "Foundations", prompts_total=1))
    two = _parts(ModuleStatus("02-identity-exploration", "Identity", prompts_total=2, prompts_drafted=1))
    assert [p["state"] for p in one if p["kind"] == "reflection"] == ["0 of 1 prompt drafted"]
    assert [p["state"] for p in two if p["kind"] == "reflection"] == ["1 of 2 prompts drafted"]
