"""Does a preheated Voilà kernel find its learner when the visitor arrives, and not before?"""

from __future__ import annotations

import threading

import pytest

from widgets.progress import ProgressFile, make_event
from widgets.ui import header, selfcheck
from widgets.ui.session import get_session


@pytest.fixture
def preheated(module_dir, monkeypatch, tmp_path):
    """A kernel that ran the notebook before the request; ``arrive(query)`` plays Voilà's part."""
    import voila.utils

    monkeypatch.chdir(module_dir)
    monkeypatch.setenv("MENTOR_COURSE_DATA", str(tmp_path / "data"))
    monkeypatch.setenv("VOILA_PREHEAT", "True")
    request = threading.Event()
    query: dict[str, str] = {}

    def wait_for_request(url=None):
        assert request.wait(10), "the test never delivered the request"
        monkeypatch.setenv("QUERY_STRING", query["q"])

    monkeypatch.setattr(voila.utils, "wait_for_request", wait_for_request)

    def arrive(q: str) -> None:
        query["q"] = q
        request.set()
        get_session().binder.join(10)
        assert get_session().ready

    return arrive


def test_session_preheated_kernel_binds_the_learner_from_the_late_query(preheated, tmp_path, send):
    saved = ProgressFile(tmp_path / "data" / "progress" / "mentor-returning234.json", "mentor-returning234")
    saved.record(make_event("selfcheck.answer", module="01-tiny", question="one", selected=["b"], correct=True))
    top, check = header(), selfcheck()  # built before anyone asked for the page
    assert top.props["learner"]["ready"] is False and top.props["learner"]["link"] is False
    assert check.props["score"]["answered"] == 0
    preheated("learner=mentor-returning234")
    for view in (top, check):
        send(view, {"action": "hello"})  # each page view speaks when it renders
    assert top.props["learner"]["id"] == "mentor-returning234" and top.props["learner"]["ready"] is True
    assert check.props["score"] == {"answered": 1, "correct": 1, "total": 2}  # the view reloaded
    check.answer("many", ["a", "b"])
    assert set(saved.load()["selfchecks"]["01-tiny"]) == {"one", "many"}


def test_session_preheated_kernel_without_learner_gets_a_new_id_and_link(preheated, send):
    top = header()
    preheated("theme=dark")
    send(top, {"action": "hello"})
    learner = top.props["learner"]
    assert learner["generated"] and learner["link"] and learner["id"].startswith("mentor-")


def test_session_hello_waits_for_a_learner_still_on_its_way(preheated, send):
    """A page that speaks before Voilà passed the request on: does its view wait and then reload?"""
    import threading

    top = header()
    threading.Timer(0.2, preheated, args=("learner=mentor-latecomer2345",)).start()
    send(top, {"action": "hello"})
    assert top.props["learner"]["id"] == "mentor-latecomer2345"
