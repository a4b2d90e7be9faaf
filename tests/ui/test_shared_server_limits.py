"""Issue 17 (3, 5): on a shared server (`mentor-course serve`: progress in $MENTOR_COURSE_DATA), what one
visitor can make the server store is bounded, and messages never show the server's folders."""

from __future__ import annotations

from pathlib import Path

import pytest

from widgets import progress
from widgets.ui import reflect
from widgets.ui.session import get_session, reset_sessions


@pytest.fixture
def shared(module_dir: Path, tmp_path: Path, monkeypatch) -> Path:
    """A module page as `mentor-course serve` runs it, for a visitor from one address."""
    data = tmp_path / "server-data"
    monkeypatch.chdir(module_dir)
    monkeypatch.setenv("MENTOR_COURSE_DATA", str(data))
    monkeypatch.setenv("HTTP_X_MENTOR_CLIENT", "addr:visitor")
    return data


def test_shared_oversized_draft_is_refused_with_a_message_and_nothing_is_stored(shared, send, outbox):
    view = reflect("reflection.yaml")
    box = outbox(view)
    send(view, {"action": "draft", "prompt": "plan", "text": "x" * 2_000_000})
    error = box.of_type("save-error")[-1]
    assert "at most 100 KB" in error["message"] and "still in the box" in error["message"]
    assert not list(shared.rglob("*.json"))  # refused before anything was written
    send(view, {"action": "draft", "prompt": "plan", "text": "a real plan"})
    assert box.of_type("saved")[-1]["prompt"] == "plan"


def test_shared_export_replaces_the_learners_copy_and_shows_no_server_path(shared, send, outbox, write_assignment):
    write_assignment()
    view = reflect("reflection.yaml")
    box = outbox(view)
    for text in ("first", "second", "third"):
        send(view, {"action": "draft", "prompt": "plan", "text": text})
        send(view, {"action": "export-nb"})
    results = box.of_type("result")
    assert [r["ok"] for r in results] == [True, True, True]
    exports = list((shared / "exports").rglob("*.ipynb"))
    assert len(exports) == 1 and '"third"' in exports[0].read_text()  # replaced, not accumulated
    for r in results:
        assert str(shared) not in r["message"] and "/" not in r["path"] and str(Path.home()) not in r["message"]
    assert "replaces the copy you exported before" in results[-1]["message"]


def test_shared_new_learner_ids_per_client_per_hour_are_capped(shared, send, outbox):
    """Learner ids were free to mint: every page without one in its link made a new learner on save."""
    for _ in range(progress.MAX_NEW_LEARNERS_PER_HOUR):
        reset_sessions()
        send(reflect("reflection.yaml"), {"action": "draft", "prompt": "plan", "text": "hi"})
    assert len(list((shared / "progress").glob("mentor-*.json"))) == progress.MAX_NEW_LEARNERS_PER_HOUR
    reset_sessions()
    view = reflect("reflection.yaml")
    box = outbox(view)
    send(view, {"action": "draft", "prompt": "plan", "text": "one more"})
    assert "Too many new learners" in box.of_type("save-error")[-1]["message"]
    assert len(list((shared / "progress").glob("mentor-*.json"))) == progress.MAX_NEW_LEARNERS_PER_HOUR
    learner = next((shared / "progress").glob("mentor-*.json")).stem  # a returning learner still saves
    reset_sessions()
    import os
    os.environ["QUERY_STRING"] = f"learner={learner}"
    try:
        view = reflect("reflection.yaml")
        box = outbox(view)
        send(view, {"action": "draft", "prompt": "plan", "text": "back again"})
        assert box.of_type("saved")
    finally:
        del os.environ["QUERY_STRING"]


def test_shared_save_failure_shows_no_server_path(shared, send, outbox, monkeypatch):
    view = reflect("reflection.yaml")
    box = outbox(view)

    def broken(*args, **kwargs):
        raise PermissionError(13, "Permission denied", str(shared / "progress" / "x.json"))

    monkeypatch.setattr(progress.files, "atomic_write", broken)  # what ProgressFile calls
    send(view, {"action": "draft", "prompt": "plan", "text": "words"})
    message = box.of_type("save-error")[-1]["message"]
    assert "could not be saved" in message and str(shared) not in message and "Permission denied" in message
    assert get_session().location.mode == "shared"


def test_shared_too_new_progress_file_is_named_without_its_folder(shared, send, outbox, monkeypatch):
    learner = "mentor-abcdefghjkmn"
    path = shared / "progress" / f"{learner}.json"
    path.parent.mkdir(parents=True)
    path.write_text('{"save_version": 99}')
    monkeypatch.setenv("QUERY_STRING", f"learner={learner}")
    view = reflect("reflection.yaml")
    box = outbox(view)
    send(view, {"action": "draft", "prompt": "plan", "text": "words"})
    message = box.of_type("save-error")[-1]["message"]
    assert "newer version" in message and f"{learner}.json" in message and str(shared) not in message
