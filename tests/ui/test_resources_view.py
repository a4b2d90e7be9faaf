"""Does every text a mentor reads come filled from the chosen region's pack, and can a mentor switch
region from the resources box, with the choice kept in their progress?"""

from __future__ import annotations

import json

import pytest

from tests.content.test_resources import write_pack
from tests.ui.builders import REFLECTION, SELFCHECK, WARNED_SCENARIO
from widgets.progress import ProgressFile, make_event
from widgets.region_choice import chosen_region, merge_section
from widgets.ui import header, play, reflect, selfcheck
from widgets.ui.api import resources
from widgets.ui.session import get_session
from widgets.ui.status_view import ResourcesView

CRISIS = "Test Lifeline (call or text 988)"


@pytest.fixture
def regional(module_dir, course_root, progress_path, monkeypatch):
    """The tiny module with placeholders in its scenario, self-check and reflection, and two packs."""
    write_pack(course_root, "generic", "No region chosen")
    ca = write_pack(course_root, "CA", "Canada")
    sg = write_pack(course_root, "SG", "Singapore")
    sg.write_text(sg.read_text().replace("Test Lifeline", "SOS Line").replace('"988"', '"1767"'), encoding="utf-8")
    ca.write_text(ca.read_text().replace("name: Emergency services,", "name: Emergency <b>services</b>,"),
                  encoding="utf-8")
    (module_dir / "scenarios" / "tiny.yaml").write_text(
        WARNED_SCENARIO.replace("feedback: Validating first lets Mei lead.", "feedback: Offer {crisis_line} too.")
        .replace("text: They were just curious.", "text: Call {emergency} for her."), encoding="utf-8")
    (module_dir / "selfcheck.yaml").write_text(
        SELFCHECK.replace("prompt: Which response validates first?", "prompt: When would you call {crisis_line}?"),
        encoding="utf-8")
    (module_dir / "reflection.yaml").write_text(
        REFLECTION.replace("text: Describe a time you asked.", 'text: "Who answers {reporting_body}?"'), encoding="utf-8")
    monkeypatch.chdir(module_dir)
    monkeypatch.setenv("MENTOR_COURSE_PROGRESS", str(progress_path))
    return module_dir


def texts(view) -> str:
    return json.dumps(view.props)


def test_resources_views_show_filled_text_for_the_server_region(regional, monkeypatch, send):
    monkeypatch.setenv("MENTOR_COURSE_REGION", "CA")
    player, check, drafts = play("scenarios/tiny.yaml"), selfcheck(), reflect()
    assert get_session().region() == ("CA", "server")
    for view in (player, check, drafts):
        assert "{crisis_line}" not in texts(view) and "{reporting_body}" not in texts(view)
    assert f"When would you call {CRISIS}?" in texts(check)
    assert "the service your protocol names" in texts(drafts)
    send(player, {"action": "continue"})
    assert "Call Emergency &lt;b&gt;services&lt;/b&gt; (call 911) for her." in texts(player)  # escaped like any text


def test_resources_no_region_means_the_generic_pack(regional):
    assert get_session().region() == ("generic", "default")
    box = header().props["resources"]
    assert box["region"] == "generic" and box["name"] == "No region chosen"
    assert [r["code"] for r in box["regions"]] == ["generic", "CA", "SG"]


def test_resources_course_yaml_region_is_the_default(regional, course_root):
    manifest = course_root / "modules" / "course.yaml"
    manifest.write_text(manifest.read_text().replace("title: A tiny course\n", "title: A tiny course\nregion: SG\n"),
                        encoding="utf-8")
    assert get_session().region() == ("SG", "course")
    assert "SOS Line (call or text 1767)" in texts(selfcheck())


def test_resources_a_mentor_switches_region_and_every_view_refills(regional, monkeypatch, send, outbox, progress_path):
    monkeypatch.setenv("MENTOR_COURSE_REGION", "CA")
    top, player, check = header(), play("scenarios/tiny.yaml"), selfcheck()
    box = outbox(top)
    assert top.props["resources"]["name"] == "Canada" and CRISIS in texts(check)
    send(top, {"action": "region", "region": "sg"})
    assert box.of_type("result")[-1] == {"type": "result", "ok": True, "message": "Resources shown for: Singapore."}
    assert top.props["resources"]["name"] == "Singapore"
    assert "SOS Line (call or text 1767)" in texts(check) and CRISIS not in texts(check)
    send(player, {"action": "continue"})
    player.choose("validate")
    assert "Offer SOS Line (call or text 1767) too." in texts(player)
    # the choice is kept in the learner's progress, so the next page (a new kernel) starts there
    assert chosen_region(json.loads(progress_path.read_text())) == "SG"


def test_resources_unknown_region_is_refused_and_nothing_changes(regional, send, outbox, progress_path):
    top = header()
    box = outbox(top)
    send(top, {"action": "region", "region": "<script>"})
    result = box.of_type("result")[-1]
    assert result["ok"] is False and "no resource pack" in result["message"]
    assert get_session().region() == ("generic", "default")


def test_resources_box_marks_unverified_entries_and_lists_every_role(regional, monkeypatch):
    monkeypatch.setenv("MENTOR_COURSE_REGION", "CA")
    view = resources()
    assert isinstance(view, ResourcesView) and view.props["kind"] == "resources"
    roles = {r["role"]: r for r in view.props["resources"]["roles"]}
    assert list(roles) == ["emergency", "crisis_line", "crisis_text", "reporting_body", "domestic_violence",
                           "forced_marriage", "therapist_directory"]
    assert roles["crisis_text"]["unverified"] == "Unverified: check before use"
    assert roles["crisis_line"]["unverified"] == ""
    assert roles["domestic_violence"]["absent"] == "None confirmed."
    assert roles["crisis_line"]["ways"][0] == {"kind": "phone", "label": "Call", "value": "988", "href": "tel:988"}


def test_resources_region_choice_survives_export_and_import(tmp_path):
    a = ProgressFile(tmp_path / "a.json", "mentor-aaaaaaaaaaaa")
    a.record(make_event("learner.region", region="CA", at="2026-01-01T00:00:00Z"))
    b = ProgressFile(tmp_path / "b.json", "mentor-bbbbbbbbbbbb")
    b.record(make_event("learner.region", region="SG", at="2025-01-01T00:00:00Z"))
    b.import_text(a.export_text(), "a.json")
    assert chosen_region(b.doc) == "CA"  # the newer choice wins
    assert merge_section({"region": "SG", "region_at": "2027"}, {"region": "CA", "region_at": "2026"})["region"] == "SG"
    with pytest.raises(Exception, match="not a region code"):
        a.record(make_event("learner.region", region="canada"))
