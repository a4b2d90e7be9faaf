"""Are self-assessment answers saved in the progress file like every other answer, and never lost?"""

from __future__ import annotations

import json

import pytest

from tests.outcomes.conftest import Clock, DocBuilder
from widgets import progress
from widgets.outcomes import records


def test_records_rating_is_stored_per_phase_and_item():
    doc = DocBuilder().rate("before", {"l-open": 3, "l-pause": None}).rate("after", {"l-open": 6}).doc
    assert records.ratings(doc, "before") == {"l-open": 3, "l-pause": None}
    assert records.ratings(doc, "after") == {"l-open": 6}
    assert doc["assessments"]["version"] == records.SECTION_VERSION
    assert doc["assessments"]["course"] == "small-course"
    assert progress.problems(doc) == [] and records.problems(doc) == []


def test_records_later_rating_replaces_the_earlier_one():
    doc = DocBuilder().rate("before", {"l-open": 3}).rate("before", {"l-open": 5}).doc
    assert records.ratings(doc, "before") == {"l-open": 5}
    assert records.last_answered(doc, "before") == doc["assessments"]["before"]["ratings"]["l-open"]["at"]


def test_records_goal_from_a_stale_window_keeps_the_other_text():
    clock = Clock()
    doc = progress.new_progress("mentor-test000001")
    doc = records.apply_event(doc, records.goal_event("after", "Listen more.", 0, at=clock()))
    doc = records.apply_event(doc, records.goal_event("after", "Listen more, talk less.", 1, at=clock()))
    doc = records.apply_event(doc, records.goal_event("after", "Ask about family.", 1, at=clock()))  # stale
    goal = doc["assessments"]["after"]["goal"]
    assert goal["text"] == "Ask about family."
    assert goal["rev"] == 3
    assert [k["text"] for k in goal["kept"]] == ["Listen more, talk less."]


@pytest.mark.parametrize("event, message", [
    ({"type": "assessment.rate", "phase": "during", "item": "x", "rating": 3}, "unknown assessment phase"),
    ({"type": "assessment.rate", "phase": "before", "item": "x", "rating": "3"}, "whole number or null"),
    ({"type": "assessment.rate", "phase": "before", "item": "x", "rating": True}, "whole number or null"),
    ({"type": "assessment.skip", "phase": "before"}, "unknown assessment event type"),
])
def test_records_bad_event_is_refused_with_a_reason(event, message):
    with pytest.raises(records.AssessmentEventError, match=message):
        records.apply_event(progress.new_progress("mentor-test000001"), {"at": "2025-01-01T00:00:00.000Z", **event})


def test_records_other_events_keep_the_assessments_section():
    doc = DocBuilder().rate("before", {"l-open": 4}).play("01-tiny/talk", ["validate"]).answer("01-tiny").doc
    assert records.ratings(doc, "before") == {"l-open": 4}


def test_records_merge_keeps_the_newer_answer_and_every_goal_text():
    clock = Clock()
    ours = DocBuilder(clock=clock).rate("before", {"l-open": 2, "l-pause": 4}).goal("before", "Mine.").doc
    theirs = DocBuilder(clock=clock).rate("before", {"l-open": 5, "v-steady": 3}).goal("before", "Theirs.").doc
    merged = records.merge_section(ours["assessments"], theirs["assessments"])
    doc = {"assessments": merged}
    assert records.ratings(doc, "before") == {"l-open": 5, "l-pause": 4, "v-steady": 3}
    assert records.goal_text(doc, "before") == "Theirs."
    assert [k["text"] for k in merged["before"]["goal"]["kept"]] == ["Mine."]
    assert records.merge_section(merged, merged)["before"]["goal"]["kept"] == merged["before"]["goal"]["kept"]


def test_records_merge_with_nothing_imported_changes_nothing():
    ours = DocBuilder().rate("after", {"l-open": 2}).doc["assessments"]
    assert records.merge_section(ours, None) == ours
    assert records.merge_section(None, ours)["after"] == ours["after"]


def test_records_record_saves_atomically_beside_the_other_events(tmp_path):
    path = tmp_path / "progress.json"
    store = progress.ProgressFile(path, "mentor-test000001")
    store.record(progress.make_event("scenario.position", scenario="01-tiny/talk", history=["validate"]))
    store.record(records.rate_event("before", "l-open", 4))
    store.record(progress.make_event("selfcheck.answer", module="01-tiny", question="q1", selected=["a"],
                                     correct=True))
    on_disk = json.loads(path.read_text(encoding="utf-8"))
    assert records.ratings(on_disk, "before") == {"l-open": 4}
    assert on_disk["scenarios"]["01-tiny/talk"]["history"] == ["validate"]
    assert on_disk["selfchecks"]["01-tiny"]["q1"]["correct"] is True
    assert store.doc == on_disk
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []


def test_records_record_sets_a_damaged_file_aside_and_saves_the_answer(tmp_path):
    path = tmp_path / "progress.json"
    path.write_text('{"save_version": 1, "kind": "mentor-course-pro', encoding="utf-8")
    store = progress.ProgressFile(path, "mentor-test000001")
    store.record(records.rate_event("before", "l-open", 6))
    backups = list(tmp_path.glob("progress.json.corrupt-*"))
    assert len(backups) == 1 and backups[0].read_text(encoding="utf-8").endswith("mentor-course-pro")
    assert records.ratings(json.loads(path.read_text(encoding="utf-8")), "before") == {"l-open": 6}
    assert "could not be read" in store.notices[0]


def test_records_record_never_writes_a_file_from_a_newer_package(tmp_path):
    path = tmp_path / "progress.json"
    newer = {**progress.new_progress("mentor-test000001"), "save_version": progress.SAVE_VERSION + 1}
    path.write_text(json.dumps(newer), encoding="utf-8")
    before = path.read_bytes()
    with pytest.raises(progress.ProgressTooNew, match="Upgrade the package"):
        progress.ProgressFile(path, "mentor-test000001").record(records.rate_event("before", "l-open", 6))
    assert path.read_bytes() == before


def test_records_problems_name_a_damaged_section():
    doc = DocBuilder().rate("before", {"l-open": 4}).doc
    doc["assessments"]["before"]["ratings"]["l-open"] = {"rating": "four"}
    doc["assessments"]["after"] = []
    assert records.problems(doc) == ["'assessments.before.ratings.l-open' should be {rating: a whole number or null}",
                                     "'assessments.after' should hold a 'ratings' object"]


def test_records_upgrade_adds_an_empty_section_to_an_older_file():
    doc = progress.new_progress("mentor-test000001")
    upgraded, note = records.upgrade(doc)
    assert "assessments" not in doc
    assert records.ratings(upgraded, "before") == {} and "saved before the self-assessment existed" in note
    assert records.upgrade(upgraded) == (upgraded, "")
