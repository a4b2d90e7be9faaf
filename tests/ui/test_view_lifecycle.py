"""Does a view stop listening to the session once it is closed, so a notebook cell run again does not
leave its old views called on every save and kept in memory for the life of the kernel?"""

from __future__ import annotations

import gc
import weakref

from widgets.progress import make_event
from widgets.ui import header, play, selfcheck
from widgets.ui.session import get_session


def _held_by_session(view) -> bool:
    return any(getattr(listener, "__self__", None) is view for listener in get_session()._listeners)


def test_view_lifecycle_open_views_hear_the_session(in_module):
    """Do views listen while open (the module header follows a choice made in the player)?"""
    view = header()
    assert _held_by_session(view)
    calls: list[str] = []
    view.reload = lambda: calls.append("reload")
    get_session().notify("region")
    assert calls  # (the header reloads twice: its progress part, then its own)


def test_view_lifecycle_closed_view_is_not_called_and_not_held(in_module):
    """Is a closed view left out of the next change, and released by the session?"""
    views = [header(), play("scenarios/tiny.yaml"), selfcheck()]
    session = get_session()
    calls: list[str] = []
    for view in views:
        name = type(view).__name__
        view.reload = lambda name=name: calls.append(name)
    views[0].close()
    views[1].close()
    session.notify("region")
    assert calls == ["SelfCheckView"]
    assert [_held_by_session(v) for v in views] == [False, False, True]
    gone = weakref.ref(views[0])
    del views[0]
    gc.collect()
    assert gone() is None  # nothing else in the kernel keeps a closed view alive either


def test_view_lifecycle_page_closing_the_comm_closes_the_view(in_module):
    """When the page closes the widget's comm, does the view stop listening too?"""
    view = header()
    view.comm.handle_close({"content": {"data": {}}})
    assert not _held_by_session(view) and view.comm is None


def test_view_lifecycle_saving_after_a_view_closed_still_reaches_the_others(in_module):
    """Does a save made after one view closed still update the views still open?"""
    closed, still = header(), header()
    closed.close()
    before = still.props
    assert get_session().record(make_event("learner.name", name="Ana")) == ""
    assert still.props != before


def test_view_lifecycle_a_cell_run_again_closes_what_its_last_run_made(in_module, monkeypatch):
    """Re-running a cell in JupyterLab (same cell id, a new request) closes the views its previous run
    made, so they stop listening and can be freed; other cells' views, and views of the same run, stay."""
    from widgets.ui import api

    monkeypatch.setattr(api, "_BY_CELL", {})
    request = {"header": {"msg_id": "run-1"}, "metadata": {"cellId": "cell-a"}}
    monkeypatch.setattr(api, "_running_cell", lambda: request)
    first_header, first_play = header(), play("scenarios/tiny.yaml")
    request = {"header": {"msg_id": "run-2"}, "metadata": {"cellId": "cell-b"}}
    other = selfcheck()
    request = {"header": {"msg_id": "run-3"}, "metadata": {"cellId": "cell-a"}}
    again = header()
    assert [_held_by_session(v) for v in (first_header, first_play, other, again)] == [False, False, True, True]
    assert first_header.comm is None and again.comm is not None


def test_view_lifecycle_no_cell_id_closes_nothing(in_module, monkeypatch):
    """Voila and nbclient run each cell once and send no cell id: nothing is replaced."""
    from widgets.ui import api

    monkeypatch.setattr(api, "_BY_CELL", {})
    monkeypatch.setattr(api, "_running_cell", lambda: {"header": {"msg_id": "x"}, "metadata": {}})
    views = [header(), header()]
    assert all(_held_by_session(v) for v in views)
