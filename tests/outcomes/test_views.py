"""Clicked through in Python: does the form save each answer, and does the report follow?"""

from __future__ import annotations

import json

import pytest

from widgets.outcomes import records
from widgets.ui.problem import Problem


@pytest.fixture
def page(small_course, isolated_session):
    """A page in module 01-tiny of the small course, with a fresh progress file."""
    return isolated_session(small_course / "modules" / "01-tiny")


def _click(view, **message):
    """What the browser sends when a mentor picks an option or leaves the text box."""
    view._handle_custom_msg(message, [])


def _on_disk(path):
    return json.loads(path.read_text(encoding="utf-8"))


def test_views_form_shows_every_statement_with_the_scale(page):
    from widgets.outcomes import assessment

    view = assessment("before")
    p = view.props
    assert p["phase"] == "before" and p["title"] == "Before you begin"
    assert p["intro"] == "<p>Rate yourself <em>today</em>.</p>"
    assert [g["id"] for g in p["groups"]] == ["validation", "listening"]
    assert [i["id"] for i in p["groups"][1]["items"]] == ["l-open", "l-reflect", "l-pause", "l-summary"]
    assert [(s["value"], s["anchor"]) for s in p["scale"]] == [
        (1, "Not at all skilled"), (2, ""), (3, ""), (4, "Moderately skilled"), (5, ""), (6, ""),
        (7, "Extremely skilled")]
    assert (p["answered"], p["total"], p["progress"]) == (0, 7, "0 of 7 statements answered.")


def test_views_form_saves_each_click_to_the_progress_file(page):
    from widgets.outcomes import assessment

    view = assessment("before")
    _click(view, type="rate", item="l-open", rating=5)
    assert records.ratings(_on_disk(page), "before") == {"l-open": 5}
    assert view.props["groups"][1]["items"][0] == {"id": "l-open", "html": "asking open questions",
                                                     "answered": True, "value": 5}
    assert view.props["status"] == "Saved 5. 1 of 7 statements answered."
    seq = view.props["seq"]
    _click(view, type="rate", item="l-open", rating=7)
    _click(view, type="rate", item="l-pause", rating=None)
    assert records.ratings(_on_disk(page), "before") == {"l-open": 7, "l-pause": None}
    assert view.props["status"] == "Saved Not sure. 2 of 7 statements answered."
    assert view.props["seq"] == seq + 2 and view.props["error"] == ""


def test_views_form_refuses_what_the_page_cannot_have_sent(page):
    from widgets.outcomes import assessment

    view = assessment("before")
    _click(view, type="rate", item="no-such-item", rating=3)
    assert "'no-such-item' is not a statement" in view.props["error"]
    _click(view, type="rate", item="l-open", rating=12)
    assert view.props["error"] == "12 is not on the scale 1 to 7."
    assert not page.exists()  # nothing was written


def test_views_form_saves_the_goal_and_keeps_a_text_from_another_window(page):
    from widgets.outcomes import assessment

    first, second = assessment("after"), assessment("after")
    _click(first, type="goal", text="Ask about family.", base_rev=0)
    assert records.goal_text(_on_disk(page), "after") == "Ask about family."
    assert second.props["goal"] == {"prompt": "What I want to get better at", "hint": "Optional.",
                                    "text": "Ask about family.", "rev": 1}
    _click(first, type="goal", text="Ask about family, then wait.", base_rev=1)
    _click(second, type="goal", text="Hold the silence.", base_rev=1)  # written from an older copy
    goal = _on_disk(page)["assessments"]["after"]["goal"]
    assert goal["text"] == "Hold the silence." and [k["text"] for k in goal["kept"]] == ["Ask about family, then wait."]


def test_views_before_and_after_are_kept_apart(page):
    from widgets.outcomes import assessment

    before, after = assessment("before"), assessment("after")
    _click(before, type="rate", item="v-steady", rating=2)
    _click(after, type="rate", item="v-steady", rating=6)
    assert records.ratings(_on_disk(page), "before") == {"v-steady": 2}
    assert records.ratings(_on_disk(page), "after") == {"v-steady": 6}
    assert before.props["groups"][0]["items"][2]["value"] == 2


def test_views_report_follows_the_answers_on_the_same_page(page):
    from widgets.outcomes import assessment, growth_report

    form, report = assessment("after"), growth_report()
    assert 'You did not take the "before" self-assessment' in report.body.value.replace("&#34;", '"')
    assert report.announcer.message == ""
    for item in ("l-open", "l-reflect", "l-pause", "l-summary"):
        _click(form, type="rate", item=item, rating=6)
    assert report.report.competency("listening").after.mean == 6.0
    assert report.announcer.message == "Your growth report below was updated."
    html = report.body.value
    assert "<td class='num'>6.0</td>" in html
    for name in ("png", "pdf", "json"):
        assert f'download="growth-report-{report.report.learner}.{name}"' in html
    assert 'alt="Dumbbell chart of your self-rating' in html


def test_views_closed_report_and_form_stop_following_the_session(page):
    """Once closed (a cell run again, a page gone), are a report and a form left out of later saves?"""
    from widgets.outcomes import assessment, growth_report
    from widgets.ui.session import get_session

    form, closed, still = assessment("after"), growth_report(), growth_report()
    closed.close()
    _click(form, type="rate", item="l-open", rating=6)
    assert still.announcer.message == "Your growth report below was updated."
    assert closed.announcer.message == "" and "<td class='num'>6.0</td>" not in closed.body.value
    held = [getattr(listener, "__self__", None) for listener in get_session()._listeners]
    assert still in held and closed not in held and form in held
    form.close()
    assert form not in [getattr(listener, "__self__", None) for listener in get_session()._listeners]


def test_views_report_links_to_the_modules_that_teach_the_focus(page):
    from widgets.outcomes import assessment, growth_report

    form = assessment("before")
    for item, value in {"v-acknowledge": 6, "v-no-minimising": 6, "v-steady": 6, "l-open": 2}.items():
        _click(form, type="rate", item=item, rating=value)
    html = growth_report().body.value
    assert "Where to practise Listening" in html
    assert '<a href="../01-tiny/module.ipynb">Module 1: Tiny module</a>' in html


def test_views_report_escapes_what_the_mentor_wrote(page):
    from widgets.outcomes import assessment, growth_report

    _click(assessment("before"), type="goal", text="<script>alert(1)</script> & more", base_rev=0)
    html = growth_report().body.value
    assert "<script>alert" not in html and "&lt;script&gt;alert(1)&lt;/script&gt; &amp; more" in html


def test_views_unknown_phase_and_missing_course_show_a_problem_not_a_traceback(page, isolated_session, tmp_path):
    from widgets.outcomes import assessment, growth_report

    assert isinstance(assessment("during"), Problem)
    isolated_session(tmp_path)  # not inside a course
    problem = growth_report()
    assert isinstance(problem, Problem) and "cannot find the course" in str(problem)


def test_views_broken_assessment_file_is_named_with_its_line(small_course, isolated_session):
    (small_course / "modules" / "assessment.yaml").write_text(
        (small_course / "modules" / "assessment.yaml").read_text().replace("max: 7", "max: seven"))
    isolated_session(small_course / "modules" / "01-tiny")
    from widgets.outcomes import assessment

    problem = assessment("before")
    assert isinstance(problem, Problem)
    assert "modules/assessment.yaml:7:8: schema.type" in str(problem)


def test_views_progress_file_from_a_newer_package_is_never_written(small_course, isolated_session):
    path = isolated_session(small_course / "modules" / "01-tiny")
    path.parent.mkdir(parents=True)
    path.write_text(json.dumps({"save_version": 99, "kind": "mentor-course-progress"}), encoding="utf-8")
    from widgets.outcomes import assessment

    view = assessment("before")
    _click(view, type="rate", item="l-open", rating=4)
    assert "newer version of the course package" in view.props["error"]
    assert json.loads(path.read_text(encoding="utf-8"))["save_version"] == 99
