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
    from widgets.ui import voila_request

    monkeypatch.chdir(module_dir)
    monkeypatch.setenv("MENTOR_COURSE_DATA", str(tmp_path / "data"))
    monkeypatch.setenv("VOILA_PREHEAT", "True")
    request = threading.Event()
    query: dict[str, str] = {}

    def wait_for_request(url=None):
        assert request.wait(10), "the test never delivered the request"
        monkeypatch.setenv("QUERY_STRING", query["q"])

    monkeypatch.setattr(voila_request, "wait_for_request", wait_for_request)

    def arrive(q: str) -> None:
        session = get_session()
        query["q"] = q
        request.set()
        session.binder.join(10)
        assert session.ready

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
    later = threading.Timer(0.2, preheated, args=("learner=mentor-latecomer2345",))
    later.start()
    send(top, {"action": "hello"})
    later.join(10)
    assert top.props["learner"]["id"] == "mentor-latecomer2345"


def test_session_voila_request_speaks_voilas_query_protocol(monkeypatch):
    """Against a real websocket server shaped like Voilà's RequestInfoSocketHandler."""
    import asyncio
    import json

    import tornado.web
    import tornado.websocket

    from widgets.ui import voila_request

    payload = {"QUERY_STRING": "learner=mentor-viasocket234", "SERVER_NAME": "127.0.0.1"}
    opened: list[str] = []

    class Query(tornado.websocket.WebSocketHandler):
        def open(self, kernel_id: str) -> None:
            opened.append(kernel_id)
            self.write_message(json.dumps(payload))

    ready = threading.Event()
    state: dict = {}
    # wait_for_request writes os.environ directly, as Voilà's helper does: give it a copy to write to
    import os

    monkeypatch.setattr(os, "environ", os.environ.copy())

    def serve() -> None:
        async def main() -> None:
            app = tornado.web.Application([(r"/base/voila/query/(.*)", Query)])
            server = app.listen(0, "127.0.0.1")
            state["port"] = next(iter(server._sockets.values())).getsockname()[1]
            state["stop"] = asyncio.Event()
            ready.set()
            await state["stop"].wait()
            server.stop()

        state["loop"] = asyncio.new_event_loop()
        state["loop"].run_until_complete(main())

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    assert ready.wait(10)
    env = {"VOILA_PREHEAT": "True", "VOILA_KERNEL_ID": "k-123", "VOILA_APP_PORT": str(state["port"]),
           "VOILA_SERVER_URL": "/base/"}
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    os.environ.pop("SERVER_NAME", None)
    assert voila_request.query_url() == f"ws://127.0.0.1:{state['port']}/base/voila/query/k-123"
    assert voila_request.wait_for_request() is True
    assert (os.environ["QUERY_STRING"], os.environ["SERVER_NAME"], opened) == (
        "learner=mentor-viasocket234", "127.0.0.1", ["k-123"])
    state["loop"].call_soon_threadsafe(state["stop"].set)
    thread.join(10)


def test_session_voila_request_outside_voila_waits_for_nothing(monkeypatch):
    from widgets.ui import voila_request

    monkeypatch.delenv("VOILA_KERNEL_ID", raising=False)
    assert voila_request.query_url() is None and voila_request.wait_for_request() is False
    assert voila_request.wait_for_request("ws://127.0.0.1:9/voila/query/x", connect_timeout=2) is False


@pytest.fixture
def shared(module_dir, monkeypatch, tmp_path):
    """A shared server page opened without ?learner= (from the landing page, say)."""
    monkeypatch.chdir(module_dir)
    monkeypatch.setenv("MENTOR_COURSE_DATA", str(tmp_path / "data"))
    monkeypatch.setenv("QUERY_STRING", "")
    saved = ProgressFile(tmp_path / "data" / "progress" / "mentor-remembered234.json", "mentor-remembered234")
    saved.record(make_event("selfcheck.answer", module="01-tiny", question="one", selected=["b"], correct=True))
    return saved


def test_session_page_without_learner_adopts_the_one_this_browser_remembers(shared, send):
    top, check = header(), selfcheck()
    assert top.props["learner"]["generated"] and check.props["score"]["answered"] == 0
    send(check, {"action": "hello"})
    send(top, {"action": "hello", "learner": "mentor-remembered234"})
    assert top.props["learner"]["id"] == "mentor-remembered234" and not top.props["learner"]["generated"]
    assert check.props["score"]["answered"] == 1  # every view on the page reloaded
    check.answer("many", ["a", "b"])
    assert set(shared.load()["selfchecks"]["01-tiny"]) == {"one", "many"}


def test_session_adoption_never_splits_or_overrides_progress(shared, send, monkeypatch):
    top, check = header(), selfcheck()
    check.answer("many", ["a"])  # this page already saved under its own new id
    send(top, {"action": "hello", "learner": "mentor-remembered234"})
    assert top.props["learner"]["id"] != "mentor-remembered234"
    send(top, {"action": "hello", "learner": "../../etc/passwd"})
    assert get_session().store.path.parent.name == "progress"
