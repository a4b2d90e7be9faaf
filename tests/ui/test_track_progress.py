"""Do the progress box (header) and the course overview say how far the mentor is in each track,
"Core: 1 of 2 done", counting a module done exactly as the progress box does?"""

from __future__ import annotations

from tests.conftest import COURSE_YAML
from widgets.learner import ModuleStatus, track_progress
from widgets.ui import course_overview, header, play, reflect, selfcheck

TRACKS = """\
  - id: 02-other
    title: Other
    minutes: 20
    objectives: [Be counted.]
tracks:
  - {id: core, title: "Core: before your <first> meeting", modules: [01-tiny, 02-other]}
"""


class _Track:
    def __init__(self, id_: str, title: str, modules: tuple[str, ...]) -> None:
        self.id, self.title, self.modules = id_, title, modules


def test_track_progress_counts_done_modules_and_names_the_track_by_its_title():
    statuses = [ModuleStatus("a", "A", parts=(("self-check", True),)),
                ModuleStatus("b", "B", parts=(("self-check", False),)),
                ModuleStatus("c", "C", parts=(("reflection", True), ("self-check", True)))]
    core, rest = track_progress([_Track("core", "Core: before your first meeting", ("a", "b", "missing")),
                                 _Track("electives", "Electives", ("c",))], statuses)
    assert core.label == "Core: 1 of 3 done" and core.modules_done == ("a",)
    assert rest.label == "Electives: 1 of 1 done"


def _with_tracks(course_root):
    (course_root / "modules" / "course.yaml").write_text(COURSE_YAML + TRACKS, encoding="utf-8")
    (course_root / "modules" / "02-other").mkdir()


def test_track_progress_in_the_header_and_the_overview(in_module, course_root, send):
    _with_tracks(course_root)
    top = header()
    assert [(t["label"], t["current"]) for t in top.props["tracks"]] == [
        ("Core: 0 of 2 done", True)]
    player, check, drafts = play("scenarios/tiny.yaml"), selfcheck(), reflect()
    send(player, {"action": "continue"})
    for cid in ("validate", "reflect"):
        player.choose(cid)
    check.answer("one", ["b"])
    check.answer("many", ["a", "b"])
    send(drafts, {"action": "draft", "prompt": "own-slip", "text": "a"})
    assert top.props["tracks"][0]["label"] == "Core: 0 of 2 done"  # one prompt still without a draft
    send(drafts, {"action": "draft", "prompt": "plan", "text": "b"})
    assert top.props["state_label"] == "Done" and top.props["tracks"][0]["label"] == "Core: 1 of 2 done"
    overview = course_overview()
    assert [t["label"] for t in overview.props["tracks"]] == ["Core: 1 of 2 done"]
    assert overview.props["tracks"][0]["title"] == "Core: before your &lt;first&gt; meeting"


def test_track_progress_is_absent_without_tracks(in_module):
    assert header().props["tracks"] == [] and course_overview().props["tracks"] == []


def test_overview_numbers_modules_as_the_landing_page_does(in_module, course_root):
    """The growth page numbered modules in course.yaml's order ("2. Safeguarding", "3. Identity
    exploration", an elective) while the landing page numbers the core track first."""
    (course_root / "modules" / "course.yaml").write_text(COURSE_YAML + """\
  - id: 02-other
    title: Other
    minutes: 20
    objectives: [Be counted.]
  - id: 03-core-too
    title: Core too
    minutes: 20
    objectives: [Come second.]
tracks:
  - {id: electives, title: Electives, modules: [02-other]}
  - {id: core, title: Core, modules: [01-tiny, 03-core-too]}
""", encoding="utf-8")
    for mid in ("02-other", "03-core-too"):
        (course_root / "modules" / mid).mkdir()
    rows = [(m["n"], m["id"]) for m in course_overview().props["modules"]]
    assert rows == [(1, "01-tiny"), (2, "03-core-too"), (3, "02-other")]
