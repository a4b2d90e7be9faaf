"""Does the self-check explain every option once answered, score, retry, and remember answers?"""

from __future__ import annotations

import json

from widgets.ui import selfcheck
from widgets.ui.selfcheck_view import SelfCheckView
from widgets.ui.session import reset_sessions


def test_selfcheck_view_hides_answers_until_checked(in_module):
    view = selfcheck("selfcheck.yaml")
    assert isinstance(view, SelfCheckView)
    q = view.props["questions"][0]
    assert q["state"] == "open" and q["hint"] == "Choose one answer."
    assert all(set(o) == {"id", "html"} for o in q["options"])  # nothing about which is right
    assert view.props["score"] == {"answered": 0, "correct": 0, "total": 2}


def test_selfcheck_view_single_answer_explains_every_option(in_module, send, progress_path):
    view = selfcheck()
    send(view, {"action": "check", "question": "one", "selected": ["a"]})
    q = view.props["questions"][0]
    assert (q["state"], q["correct"], q["result"]) == ("answered", False, "Not quite.")
    assert [(o["id"], o["verdict"]) for o in q["options"]] == [
        ("a", "You chose this, but it is not right."), ("b", "You did not choose this, but it is right.")]
    assert [o["explanation"] for o in q["options"]] == ["<p>Choosing a side is a stressor.</p>",
                                                        "<p>It validates before asking.</p>"]
    assert view.props["focus"] == "result-one" and view.props["announce"].startswith("Question 1: Not quite.")
    saved = json.loads(progress_path.read_text())["selfchecks"]["01-tiny"]["one"]
    assert (saved["selected"], saved["correct"], saved["attempts"]) == (["a"], False, 1)


def test_selfcheck_view_multiple_answer_partly_right_then_retry(in_module, send):
    view = selfcheck()
    send(view, {"action": "check", "question": "many", "selected": ["a", "c"]})
    q = view.props["questions"][1]
    assert q["result"] == "Partly right: you found 1 of the 2 right answers and chose 1 that is not right."
    send(view, {"action": "retry", "question": "many"})
    assert view.props["questions"][1]["state"] == "open" and view.props["focus"] == "q-many"
    send(view, {"action": "check", "question": "many", "selected": ["b", "a"]})
    q = view.props["questions"][1]
    assert (q["correct"], q["attempts"]) == (True, 2)
    assert view.props["score"] == {"answered": 1, "correct": 1, "total": 2}
    assert view.props["announce"].endswith("1 of 2 correct so far.")


def test_selfcheck_view_refuses_an_empty_or_double_single_answer(in_module, send, progress_path):
    view = selfcheck()
    send(view, {"action": "check", "question": "one", "selected": []})
    assert view.props["questions"][0]["problem"] == "Choose an answer first."
    send(view, {"action": "check", "question": "one", "selected": ["a", "b"]})
    assert view.props["questions"][0]["problem"] == "Choose only one answer for this question."
    assert not progress_path.exists()


def test_selfcheck_view_score_and_answers_survive_a_new_kernel(in_module, send):
    view = selfcheck()
    send(view, {"action": "check", "question": "one", "selected": ["b"]})
    send(view, {"action": "check", "question": "many", "selected": ["a", "b"]})
    assert view.props["score"] == {"answered": 2, "correct": 2, "total": 2}
    reset_sessions()
    again = selfcheck()
    assert [q["state"] for q in again.props["questions"]] == ["answered", "answered"]
    assert again.props["score"]["correct"] == 2
    send(again, {"action": "retry-all"})
    assert [q["state"] for q in again.props["questions"]] == ["open", "open"] and again.props["focus"] == "first"
