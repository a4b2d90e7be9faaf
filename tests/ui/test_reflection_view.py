"""Do reflection drafts save as the mentor types, and export to Markdown and to a notebook copy?"""

from __future__ import annotations

import json
from pathlib import Path

from widgets.ui import reflect
from widgets.ui.reflection_export import drafts_markdown, fill_notebook
from widgets.ui.reflection_view import ReflectionView
from widgets.ui.session import reset_sessions


def test_reflection_view_saves_each_draft_and_acknowledges(in_module, send, outbox, progress_path):
    view = reflect("reflection.yaml")
    assert isinstance(view, ReflectionView)
    box = outbox(view)
    send(view, {"action": "draft", "prompt": "own-slip", "text": "I once asked <b>where</b> someone was from."})
    saved = json.loads(progress_path.read_text())["drafts"]["01-tiny"]["own-slip"]
    assert saved["text"] == "I once asked <b>where</b> someone was from."
    assert box.of_type("saved")[-1]["prompt"] == "own-slip"
    send(view, {"action": "draft", "prompt": "no-such-prompt", "text": "x"})
    assert "no-such-prompt" not in json.loads(progress_path.read_text())["drafts"]["01-tiny"]


def test_reflection_view_restores_drafts_as_plain_text(in_module, send):
    view = reflect()
    send(view, {"action": "draft", "prompt": "plan", "text": "<script>x</script> **plan**"})
    reset_sessions()
    prompts = reflect().props["prompts"]
    assert [p["draft"] for p in prompts] == ["", "<script>x</script> **plan**"]  # a textarea value, not HTML
    assert prompts[0]["title"] == "A time you asked" and prompts[0]["points"] == 10


def test_reflection_view_keeps_the_text_of_another_window(in_module, send, outbox):
    first, second = reflect(), reflect()  # two views that each saw an empty draft
    box = outbox(second)
    send(first, {"action": "draft", "prompt": "plan", "text": "from the first window"})
    send(second, {"action": "draft", "prompt": "plan", "text": "from the second window"})
    kept = box.of_type("saved")[-1]["kept"]
    assert [k["text"] for k in kept] == ["from the first window"]
    send(second, {"action": "draft", "prompt": "plan", "text": "from the second window, more"})
    assert len(box.of_type("saved")[-1]["kept"]) == 1  # carrying on in one window keeps nothing new


def test_reflection_view_exports_markdown(in_module, send, outbox):
    view = reflect()
    box = outbox(view)
    send(view, {"action": "draft", "prompt": "own-slip", "text": "My answer."})
    send(view, {"action": "export-md"})
    dl = box.of_type("download")[-1]
    assert dl["name"] == "01-tiny-reflection-drafts.md" and dl["mime"] == "text/markdown"
    assert "## 1. A time you asked (10 points)" in dl["text"] and "My answer." in dl["text"]
    assert "## 2. Your plan (5 points)" in dl["text"] and "*(no draft yet)*" in dl["text"]


def test_reflection_view_says_clearly_when_the_assignment_is_missing(in_module, send, outbox):
    view = reflect()
    assert view.props["assignment_exists"] is False
    box = outbox(view)
    send(view, {"action": "export-nb"})
    result = box.of_type("result")[-1]
    assert result["ok"] is False
    assert "not available yet" in result["message"]
    assert "course/source/01-tiny-reflection/01-tiny-reflection.ipynb" in result["message"]
    assert box.of_type("download") == []


def test_reflection_view_exports_a_filled_copy_never_overwriting(in_module, send, outbox, write_assignment, tmp_path):
    source = write_assignment()
    original = source.read_text()
    view = reflect()
    box = outbox(view)
    send(view, {"action": "draft", "prompt": "own-slip", "text": "What I did."})
    send(view, {"action": "export-nb"})
    send(view, {"action": "draft", "prompt": "plan", "text": "What I will do."})
    send(view, {"action": "export-nb"})
    results = box.of_type("result")
    assert [r["ok"] for r in results] == [True, True]
    first, second = (json.loads(Path(r["path"]).read_text()) for r in results)
    assert results[0]["path"] != results[1]["path"]  # the second export did not overwrite the first
    assert results[0]["path"].endswith("my-work/01-tiny-reflection.ipynb")
    assert results[1]["path"].endswith("my-work/01-tiny-reflection-2.ipynb")
    cells = {c["id"]: c for c in second["cells"]}
    assert cells["answer-own-slip"]["source"] == "What I did."
    assert cells["answer-plan"]["source"] == "What I will do."
    assert first["cells"][2]["source"] != "What I will do."  # the first copy kept its own state
    assert source.read_text() == original  # the course's notebook is never touched
    downloads = box.of_type("download")
    assert {d["name"] for d in downloads} == {"01-tiny-reflection.ipynb"}


def test_reflection_export_from_source_strips_solutions_and_hidden_tests(write_assignment):
    nb = json.loads(write_assignment().read_text())
    filled, done, missing = fill_notebook(nb, {"own-slip": "Mine."}, ["own-slip", "plan", "ghost"], from_source=True,
                                          text_stub="Write here.", code_stub='""  # your letter')
    cells = {c["id"]: c["source"] for c in filled["cells"]}
    assert cells["answer-own-slip"] == "Mine."
    assert cells["answer-plan"] == "Write here."  # an empty draft leaves the student's stub, not the model answer
    assert cells["check"] == 'answer_1 = (\n    ""  # your letter\n)'
    assert "HIDDEN" not in cells["check-test"] and "== 'b'" not in cells["check-test"]
    assert (done, missing) == (["own-slip"], ["ghost"])


def test_reflection_export_prefers_the_release_notebook(in_module, send, outbox, write_assignment):
    write_assignment()
    release = write_assignment(where="release")
    doc = json.loads(release.read_text())
    doc["cells"][0]["source"] = "# Released version"
    release.write_text(json.dumps(doc))
    view = reflect()
    box = outbox(view)
    send(view, {"action": "export-nb"})
    copy = json.loads(Path(box.of_type("result")[-1]["path"]).read_text())
    assert copy["cells"][0]["source"] == "# Released version"


def test_reflection_markdown_quotes_prompts_and_names_only_if_given(module_dir):
    from widgets.content.loader import load_reflection

    ref = load_reflection(module_dir / "reflection.yaml")
    text = drafts_markdown(ref, {"plan": "Soon."}, learner="mentor-abcdefgh2345")
    assert "Learner: mentor-abcdefgh2345" in text and "> Describe a time you asked." in text
    assert "Learner: Sam (mentor-abcdefgh2345)" in drafts_markdown(ref, {}, learner="mentor-abcdefgh2345", name="Sam")


def test_reflection_view_typing_during_an_import_keeps_both_texts(in_module, send, outbox):
    view = reflect()
    box = outbox(view)
    send(view, {"action": "draft", "prompt": "plan", "text": "imported meanwhile"})
    send(view, {"action": "draft", "prompt": "plan", "text": "what I was typing", "keep_other": True})
    saved = box.of_type("saved")[-1]
    assert [k["text"] for k in saved["kept"]] == ["imported meanwhile"]
