"""Do the growth report and the trainers' cohort summary say how far each mentor is in each track
("Core: 1 of 2 done"), counting a module done as the progress box does, and keep per-mentor rows out
of the exported files?"""

from __future__ import annotations

import json

import pytest

from tests.outcomes.conftest import COURSE_YAML
from tests.outcomes.test_cohort import _save, _small_cohort
from widgets.outcomes import cohort
from widgets.outcomes.course_data import load_content
from widgets.outcomes.growth import build_report
from widgets.outcomes.html import cohort_html, growth_html

TRACKS = """\
tracks:
  - {id: electives, title: "Electives: during the match", modules: [02-small]}
  - {id: core, title: "Core: before your first meeting", modules: [01-tiny]}
"""


@pytest.fixture
def content(small_course):
    (small_course / "modules" / "course.yaml").write_text(COURSE_YAML + TRACKS, encoding="utf-8")
    return load_content(small_course)


def test_tracks_growth_report_says_core_first(content):
    a, b, c, _ = _small_cohort()
    report = build_report(a, content)
    assert [t.label for t in report.tracks] == ["Core: 1 of 1 done", "Electives: 0 of 1 done"]
    assert report.to_dict()["tracks"][0] == {"id": "core", "title": "Core: before your first meeting", "done": 1,
                                             "total": 1, "label": "Core: 1 of 1 done", "modules_done": ["01-tiny"]}
    assert "Core: 1 of 1 done · Electives: 0 of 1 done" in growth_html(report, None)
    assert build_report(b, content).tracks[0].label == "Core: 0 of 1 done"  # a scenario only
    assert [t.label for t in build_report(c, content).tracks] == ["Core: 1 of 1 done", "Electives: 1 of 1 done"]


def test_tracks_cohort_shows_core_completion_per_mentor_on_screen_only(content, tmp_path):
    folder = tmp_path / "exports"
    for i, doc in enumerate(_small_cohort()):
        _save(folder, f"m{i}.json", doc)
    s = cohort.summarise(cohort.read_folder(folder, content), content)
    assert cohort.tracks_table(s) == [
        ["mentor-aaaaaaaaaa", "core", "1", "1"], ["mentor-aaaaaaaaaa", "electives", "0", "1"],
        ["mentor-bbbbbbbbbb", "core", "0", "1"], ["mentor-bbbbbbbbbb", "electives", "0", "1"],
        ["mentor-cccccccccc", "core", "1", "1"], ["mentor-cccccccccc", "electives", "1", "1"],
        ["mentor-dddddddddd", "core", "0", "1"], ["mentor-dddddddddd", "electives", "0", "1"]]
    html = cohort_html(s, None)
    assert "Core: 2 of 4 mentor(s) have done every module." in html
    assert "<th scope='row'>mentor-bbbbbbbbbb</th><td class='num'>0 of 1</td>" in html
    data = json.loads(cohort.dumps(s))
    assert data["tracks"] == [{"track": "core", "modules": 1, "mentors": 4, "mentors_done": 2},
                              {"track": "electives", "modules": 1, "mentors": 4, "mentors_done": 1}]
    exported = json.dumps(data) + "".join(cohort.csv_files(s, tmp_path / "c.csv").values())
    assert "mentor-aaaaaaaaaa" not in exported
