"""Is a learner's progress always saved, never lost, and never silently discarded?

Covers widgets.progress (events, atomic writes, recovery, merge on import, many writers at once) and
widgets.learner (where the file lives, who the learner is, what counts as done).
"""

from __future__ import annotations

import json
import multiprocessing
import os
import threading
import time
from pathlib import Path

import pytest

from widgets import learner, progress
from widgets.progress import ProgressFile, ProgressInvalid, ProgressTooNew, make_event


def answer(module: str, question: str, correct: bool = True, selected: tuple[str, ...] = ("a",)) -> dict:
    return make_event("selfcheck.answer", module=module, question=question, selected=list(selected), correct=correct)


def draft(prompt: str, text: str, base_rev: int = 0, module: str = "01-tiny") -> dict:
    return make_event("draft.save", module=module, prompt=prompt, text=text, base_rev=base_rev)


@pytest.fixture
def store(tmp_path: Path) -> ProgressFile:
    return ProgressFile(tmp_path / "progress.json", "mentor-test0000001")


# ------------------------------------------------------------------------------------------- saving

def test_progress_record_writes_versioned_json_at_once(store):
    """Is every event on disk as soon as record() returns, with the save version?"""
    store.record(make_event("scenario.position", scenario="01-tiny/tiny", history=["validate"]))
    on_disk = json.loads(store.path.read_text(encoding="utf-8"))
    assert on_disk["save_version"] == progress.SAVE_VERSION
    assert on_disk["kind"] == progress.KIND
    assert on_disk["learner"] == "mentor-test0000001"
    assert on_disk["scenarios"]["01-tiny/tiny"]["history"] == ["validate"]


def test_progress_record_applies_to_disk_not_to_a_stale_copy(tmp_path):
    """Two store objects on one file (two kernels): does each event land on the other's?"""
    a = ProgressFile(tmp_path / "p.json", "mentor-aaaaaaaaaa")
    b = ProgressFile(tmp_path / "p.json", "mentor-aaaaaaaaaa")
    a.load()
    b.load()
    a.record(answer("m1", "q1"))
    b.record(answer("m1", "q2"))
    assert set(json.loads((tmp_path / "p.json").read_text())["selfchecks"]["m1"]) == {"q1", "q2"}


def test_progress_failed_write_leaves_previous_file_whole(store, monkeypatch):
    """If the disk fails mid-save, is the last good file still there, with no temp file left over?"""
    store.record(answer("m1", "q1"))
    before = store.path.read_text(encoding="utf-8")

    def broken_fsync(fd):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(progress.files.os, "fsync", broken_fsync)
    with pytest.raises(OSError, match="No space"):
        store.record(answer("m1", "q2"))
    assert store.path.read_text(encoding="utf-8") == before
    assert [p.name for p in store.path.parent.iterdir() if p.suffix == ".tmp"] == []


def test_progress_load_without_file_creates_nothing(store):
    """Does a visitor who only looks leave no file (nor lock file) behind?"""
    doc = store.load()
    assert doc["scenarios"] == {} and not store.path.exists() and not store.lock_path.exists()


def test_progress_load_adopts_the_files_learner_id(tmp_path):
    ProgressFile(tmp_path / "p.json", "mentor-firstid0001").record(answer("m", "q"))
    again = ProgressFile(tmp_path / "p.json", "mentor-otherid0002")
    again.load()
    assert again.learner == "mentor-firstid0001"


# ------------------------------------------------------------------------------------------- damaged files

@pytest.mark.parametrize("content, reason", [
    ('{"save_version": 1, "kind": "mentor-course-progress", "learner": "x", "scen', "not valid JSON"),
    ("", "empty"),
    ('{"save_version": 1, "kind": "something-else", "learner": "x", "scenarios": {}, "selfchecks": {}, "drafts": {}}',
     "not a course progress file"),
    ('{"save_version": 1, "kind": "mentor-course-progress", "learner": "x", "scenarios": {"a/b": {"history": 3}},'
     ' "selfchecks": {}, "drafts": {}}', "'scenarios.a/b.history' should be a list, found a number"),
])
def test_progress_damaged_file_is_kept_as_backup_and_reported(store, content, reason):
    """A half-written or corrupt file: is it kept byte for byte, reported, and a new file started?"""
    store.path.write_text(content, encoding="utf-8")
    store.load()
    backups = sorted(store.path.parent.glob("progress.json.corrupt-*"))
    assert len(backups) == 1
    assert backups[0].read_text(encoding="utf-8") == content
    assert len(store.notices) == 1 and reason in store.notices[0] and backups[0].name in store.notices[0]
    store.record(answer("m1", "q1"))
    assert json.loads(store.path.read_text())["selfchecks"]["m1"]["q1"]["correct"] is True


def test_progress_damaged_file_found_while_recording_is_kept_too(store):
    store.record(answer("m1", "q1"))
    store.path.write_text('{"save_version": 1, "kind": "mentor-c', encoding="utf-8")  # another writer died
    store.record(answer("m1", "q2"))
    assert len(list(store.path.parent.glob("progress.json.corrupt-*"))) == 1
    assert "could not be read" in store.notices[0]


def test_progress_newer_save_version_fails_with_upgrade_message_and_is_never_written(store):
    text = json.dumps({**progress.new_progress("mentor-x"), "save_version": progress.SAVE_VERSION + 1})
    store.path.write_text(text, encoding="utf-8")
    with pytest.raises(ProgressTooNew, match=r"newer version.*pip install --upgrade mixed-heritage-mentoring"):
        store.load()
    with pytest.raises(ProgressTooNew):
        store.record(answer("m1", "q1"))
    assert store.path.read_text(encoding="utf-8") == text
    assert list(store.path.parent.glob("*.corrupt-*")) == []


# ------------------------------------------------------------------------------------------- events

def test_progress_position_with_ending_records_a_finished_run(store):
    store.record(make_event("scenario.acknowledge", scenario="m/s"))
    store.record(make_event("scenario.position", scenario="m/s", history=["a", "b"],
                            ended={"ending": "good", "totals": {"validation": 3}}))
    store.record(make_event("scenario.position", scenario="m/s", history=[]))
    sc = store.doc["scenarios"]["m/s"]
    assert sc["acknowledged"] is True and sc["history"] == []
    assert [(r["history"], r["ending"], r["totals"]) for r in sc["runs"]] == [(["a", "b"], "good", {"validation": 3})]


def test_progress_answer_counts_attempts_and_keeps_the_latest(store):
    store.record(answer("m", "q", correct=False, selected=("b",)))
    store.record(answer("m", "q", correct=True, selected=("a",)))
    assert store.doc["selfchecks"]["m"]["q"] == {"selected": ["a"], "correct": True, "attempts": 2,
                                                 "at": store.doc["selfchecks"]["m"]["q"]["at"]}


def test_progress_draft_from_a_stale_window_keeps_the_other_text(store):
    """Two tabs editing one draft: is the text the second tab did not see kept, not overwritten?"""
    store.record(draft("p", "first tab's words", base_rev=0))
    rev = store.doc["drafts"]["01-tiny"]["p"]["rev"]
    store.record(draft("p", "first tab, more words", base_rev=rev))  # same tab carries on: nothing kept
    assert store.doc["drafts"]["01-tiny"]["p"]["kept"] == []
    store.record(draft("p", "second tab's words", base_rev=0))  # a tab that never saw those saves
    saved = store.doc["drafts"]["01-tiny"]["p"]
    assert saved["text"] == "second tab's words"
    assert [k["text"] for k in saved["kept"]] == ["first tab, more words"]


def test_progress_learner_name_only_when_added(store):
    store.record(answer("m", "q"))
    assert store.doc["name"] == ""
    store.record(make_event("learner.name", name="  Sam  "))
    assert json.loads(store.path.read_text())["name"] == "Sam"


def test_progress_unknown_event_type_is_refused():
    with pytest.raises(progress.ProgressError, match="unknown progress event type"):
        make_event("scenario.teleport", scenario="x")


# ------------------------------------------------------------------------------------------- many writers

def _writer(path: str, worker: int, count: int) -> None:
    store = ProgressFile(Path(path), "mentor-concurrent01")
    for i in range(count):
        kind = i % 3
        if kind == 0:
            store.record(answer(f"m{worker}", f"q{i}"))
        elif kind == 1:
            store.record(draft(f"w{worker}-p{i}", f"draft {worker}/{i}", module=f"m{worker}"))
        else:
            store.record(make_event("scenario.position", scenario=f"m{worker}/s{i}", history=[f"c{i}"],
                                    ended={"ending": "end", "totals": {}}))
    # and every worker also writes the same draft, each without seeing the others
    store.record(draft("shared", f"from worker {worker}", base_rev=0, module="common"))


def test_progress_concurrent_processes_lose_no_event(tmp_path):
    """Six processes (six kernels of one learner) write at once: is every event in the file?"""
    path = tmp_path / "progress.json"
    workers, count = 6, 24
    ctx = multiprocessing.get_context("fork")
    procs = [ctx.Process(target=_writer, args=(str(path), w, count)) for w in range(workers)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(60)
    assert [p.exitcode for p in procs] == [0] * workers
    doc = progress.parse(path.read_text(encoding="utf-8"), str(path))
    for w in range(workers):
        assert set(doc["selfchecks"][f"m{w}"]) == {f"q{i}" for i in range(count) if i % 3 == 0}
        assert set(doc["drafts"][f"m{w}"]) == {f"w{w}-p{i}" for i in range(count) if i % 3 == 1}
        for i in range(count):
            if i % 3 == 2:
                assert len(doc["scenarios"][f"m{w}/s{i}"]["runs"]) == 1
    shared = doc["drafts"]["common"]["shared"]
    texts = {shared["text"], *(k["text"] for k in shared["kept"])}
    assert texts == {f"from worker {w}" for w in range(workers)}
    assert list(tmp_path.glob("*.corrupt-*")) == [] and list(tmp_path.glob("*.tmp")) == []


# ------------------------------------------------------------------------------------------- export / import

def test_progress_export_import_round_trip(tmp_path, store):
    store.record(answer("m", "q"))
    store.record(draft("p", "my words"))
    store.record(make_event("scenario.position", scenario="m/s", history=["a"], ended={"ending": "e", "totals": {}}))
    exported = store.export_text()
    other = ProgressFile(tmp_path / "elsewhere" / "progress.json", "mentor-elsewhere01")
    report = other.import_text(exported, "download.json")
    assert other.doc["selfchecks"] == store.doc["selfchecks"]
    assert other.doc["drafts"]["01-tiny"]["p"]["text"] == "my words"
    assert other.doc["scenarios"]["m/s"]["runs"] == store.doc["scenarios"]["m/s"]["runs"]
    assert other.doc["learner"] == "mentor-elsewhere01"  # the file keeps naming its own learner
    assert (report.runs_added, report.answers_taken, report.drafts_taken) == (1, 1, 1)
    assert report.backup == ""  # there was nothing here before
    again = other.import_text(exported, "download.json")  # importing twice adds nothing
    assert (again.runs_added, again.answers_taken, again.drafts_taken) == (0, 0, 0)
    assert len(other.doc["scenarios"]["m/s"]["runs"]) == 1


def test_progress_import_keeps_both_versions_of_a_draft_and_a_backup(tmp_path, store):
    store.record(draft("p", "written on the laptop"))
    other = ProgressFile(tmp_path / "o.json", "mentor-other00001")
    other.record(draft("p", "written on the server later"))
    report = store.import_text(other.export_text(), "server.json")
    saved = store.doc["drafts"]["01-tiny"]["p"]
    assert saved["text"] == "written on the server later"
    assert [k["text"] for k in saved["kept"]] == ["written on the laptop"]
    assert report.drafts_kept == 1
    backup = Path(report.backup)
    assert backup.is_file() and "written on the laptop" in backup.read_text() and "before-import" in backup.name
    assert "kept" in report.summary() and backup.name in report.summary()


@pytest.mark.parametrize("text, error", [
    ("not json at all", ProgressInvalid),
    ('{"hello": "world"}', ProgressInvalid),
    (json.dumps({**progress.new_progress("x"), "save_version": 99}), ProgressTooNew),
])
def test_progress_import_rejects_bad_files_and_changes_nothing(store, text, error):
    store.record(answer("m", "q"))
    before = store.path.read_text(encoding="utf-8")
    with pytest.raises(error):
        store.import_text(text, "upload.json")
    assert store.path.read_text(encoding="utf-8") == before
    assert list(store.path.parent.glob("*before-import*")) == []


# ------------------------------------------------------------------------------------------- where, who, done

def test_learner_location_prefers_explicit_path(tmp_path):
    env = {"MENTOR_COURSE_PROGRESS": str(tmp_path / "mine.json"), "MENTOR_COURSE_DATA": str(tmp_path / "data")}
    loc = learner.resolve_location(env, tmp_path, tmp_path)
    assert (loc.path, loc.mode) == (tmp_path / "mine.json", "explicit")


def test_learner_location_on_shared_server_uses_query_learner(tmp_path):
    env = {"MENTOR_COURSE_DATA": str(tmp_path), "QUERY_STRING": "theme=dark&learner=mentor-k7qz3v9mwd2x"}
    loc = learner.resolve_location(env, None, tmp_path)
    assert loc.path == tmp_path / "progress" / "mentor-k7qz3v9mwd2x.json"
    assert (loc.learner, loc.mode, loc.generated) == ("mentor-k7qz3v9mwd2x", "shared", False)


@pytest.mark.parametrize("query", ["", "theme=dark", "learner=../../etc/passwd", "learner=Sam%20Smith"])
def test_learner_location_on_shared_server_generates_a_pseudonymous_id(tmp_path, query):
    loc = learner.resolve_location({"MENTOR_COURSE_DATA": str(tmp_path), "QUERY_STRING": query}, None, tmp_path)
    assert loc.generated and learner.is_learner_id(loc.learner) and loc.learner.startswith("mentor-")
    assert loc.path.parent == tmp_path / "progress"  # never outside the data folder
    assert ("not valid" in loc.note) == ("learner=" in query)


def test_learner_location_for_one_local_learner(tmp_path):
    loc = learner.resolve_location({}, tmp_path, tmp_path / "modules" / "01-x")
    assert (loc.path, loc.mode) == (tmp_path / ".progress" / "progress.json", "local")


def test_learner_ids_are_unguessable_and_url_safe():
    ids = {learner.new_learner_id() for _ in range(200)}
    assert len(ids) == 200 and all(learner.is_learner_id(i) for i in ids)


def test_learner_module_status_counts_each_part(tmp_path):
    folder = tmp_path / "modules" / "01-x"
    (folder / "scenarios").mkdir(parents=True)
    (folder / "scenarios" / "a.yaml").write_text("id: a\ntitle: A talk\n")
    (folder / "scenarios" / "b.yaml").write_text("id: b\ntitle: B talk\n")
    (folder / "selfcheck.yaml").write_text("questions: [{id: q1}, {id: q2}]\n")
    (folder / "reflection.yaml").write_text("prompts: [{id: p1}]\n")
    inv = learner.module_inventory(folder, "Module X")
    doc = progress.new_progress("mentor-x")
    assert learner.module_status(inv, doc).state == "not started"
    doc["scenarios"]["01-x/a"] = {"history": [], "runs": [{"history": ["c"], "ending": "good"}]}
    doc["scenarios"]["01-x/b"] = {"history": ["c"], "runs": []}
    doc["selfchecks"]["01-x"] = {"q1": {"selected": ["a"], "correct": True}}
    doc["drafts"]["01-x"] = {"p1": {"text": "   ", "rev": 1}}
    st = learner.module_status(inv, doc)
    assert [(s.id, s.state) for s in st.scenarios] == [("a", "finished"), ("b", "in progress")]
    assert (st.questions_answered, st.questions_correct, st.prompts_drafted) == (1, 1, 0)
    # one part per row the progress box shows: scenario a (done), scenario b, the self-check, the reflection
    assert (st.state, st.parts_done, len(st.parts)) == ("in progress", 1, 4)
    doc["scenarios"]["01-x/b"]["runs"] = [{"history": ["c"], "ending": "bad"}]
    doc["selfchecks"]["01-x"]["q2"] = {"selected": ["b"], "correct": False}
    doc["drafts"]["01-x"]["p1"]["text"] = "done"
    assert learner.module_status(inv, doc).state == "done"


def test_learner_inventory_lists_scenarios_in_the_order_the_page_plays_them(tmp_path):
    """Does the progress box say "Scenario 1" for the scenario the page shows first, not the first file name?"""
    folder = tmp_path / "modules" / "01-x"
    (folder / "scenarios").mkdir(parents=True)
    (folder / "scenarios" / "a-first-by-name.yaml").write_text("id: a-first-by-name\ntitle: Second on the page\n")
    (folder / "scenarios" / "z-last-by-name.yaml").write_text("id: z-last-by-name\ntitle: First on the page\n")
    (folder / "scenarios" / "unplayed.yaml").write_text("id: unplayed\ntitle: Not on the page\n")
    nb = {"cells": [{"cell_type": "markdown", "source": "play('scenarios/a-first-by-name.yaml') in prose"},
                    {"cell_type": "code", "source": ["from widgets import play\n", "play(\"scenarios/z-last-by-name.yaml\")"]},
                    {"cell_type": "code", "source": "play('scenarios/a-first-by-name.yaml')"}]}
    (folder / "module.ipynb").write_text(json.dumps(nb))
    inv = learner.module_inventory(folder, "Module X")
    assert [s.title for s in inv.scenarios] == ["First on the page", "Second on the page", "Not on the page"]


def test_learner_inventory_survives_broken_yaml(tmp_path):
    folder = tmp_path / "01-x"
    (folder / "scenarios").mkdir(parents=True)
    (folder / "scenarios" / "bad.yaml").write_text("id: [unclosed\n")
    (folder / "selfcheck.yaml").write_text(": : :\n")
    inv = learner.module_inventory(folder)
    assert (inv.scenarios, inv.questions, inv.prompts) == ((), (), ())


def test_progress_files_are_private_to_the_learner(store):
    store.record(answer("m", "q"))
    if os.name == "posix":
        assert store.path.stat().st_mode & 0o077 == 0


# ------------------------------------------------------------------- limits on a shared server (issue 17)

def test_progress_refuses_an_oversized_draft_and_keeps_the_saved_one(store):
    """Issue 17 (3): a 2 MB draft was saved as is (25 of them grew one learner to 59 MiB)."""
    store.record(draft("plan", "a short plan"))
    with pytest.raises(progress.ProgressRefused, match=r"at most 100 KB.*still in the box"):
        store.record(draft("plan", "x" * 2_000_000, base_rev=1))
    assert json.loads(store.path.read_text())["drafts"]["01-tiny"]["plan"]["text"] == "a short plan"
    store.record(draft("plan", "é" * (progress.MAX_DRAFT_BYTES // 2), base_rev=1))  # the limit is in bytes


def test_progress_kept_versions_are_bounded_by_bytes(store):
    """Each save from a stale window keeps the text it replaces: kept versions stay under a byte budget."""
    big = progress.MAX_DRAFT_BYTES - 10
    for k in range(12):
        store.record(draft("plan", f"{k}" + "y" * big, base_rev=0))  # every save comes from a stale window
    kept = json.loads(store.path.read_text())["drafts"]["01-tiny"]["plan"]["kept"]
    assert sum(len(x["text"].encode()) for x in kept) <= progress.MAX_KEPT_BYTES
    assert kept and kept[-1]["text"].startswith("10")  # the newest replaced text survives
    assert store.path.stat().st_size < 4 * progress.MAX_DRAFT_BYTES


def test_progress_new_learners_per_client_per_hour_are_capped(tmp_path):
    folder = tmp_path / "progress"
    folder.mkdir()
    for _ in range(progress.MAX_NEW_LEARNERS_PER_HOUR):
        assert progress.claim_new_learner(folder, "addr:one", now=1000.0)
    assert not progress.claim_new_learner(folder, "addr:one", now=1001.0)
    assert progress.claim_new_learner(folder, "addr:two", now=1001.0)  # another client is not affected
    assert progress.claim_new_learner(folder, "addr:one", now=1000.0 + 3601)  # an hour later


def test_progress_stale_temp_files_are_removed_and_folders_are_private(tmp_path):
    """Issue 17 (6): `kill -9` during a save left `.tmp` files holding draft text, never cleaned."""
    data = tmp_path / "data"
    path = data / "progress" / "mentor-x.json"
    progress.atomic_write(path, "{}")
    stale = path.parent / ".mentor-x.json.abc123.tmp"
    stale.write_text("a draft nobody should read")
    keep = path.parent / "notes.tmp.json"
    keep.write_text("{}")
    assert progress.remove_stale_temp_files(data) == [stale]
    assert not stale.exists() and keep.exists() and path.exists()
    if os.name == "posix":
        assert path.parent.stat().st_mode & 0o777 == 0o700
        assert path.stat().st_mode & 0o777 == 0o600


# ------------------------------------------------------------------- the lock and the schema (issue: split progress)

def _hold_lock(lock: str, held, release, seconds: float) -> None:
    """In another process: take the progress file's lock, say so, and keep it until told (or ``seconds``)."""
    with progress.file_lock(Path(lock)):
        held.set()
        release.wait(seconds)


def _locked_by_another_process(lock: Path, seconds: float = 30.0):
    ctx = multiprocessing.get_context("spawn")  # a fresh interpreter: nothing shared with this one but the file
    held, release = ctx.Event(), ctx.Event()
    proc = ctx.Process(target=_hold_lock, args=(str(lock), held, release, seconds))
    proc.start()
    assert held.wait(60), "the other process never took the lock"
    return proc, release


def test_progress_lock_held_by_another_process_makes_a_writer_wait(store):
    """Does a second process wait for the lock (filelock) and then save, losing nothing?"""
    store.record(answer("m", "q1"))
    proc, release = _locked_by_another_process(store.lock_path)
    letting_go = threading.Timer(0.5, release.set)  # the other process lets go half a second from now
    try:
        start = time.monotonic()
        letting_go.start()
        store.record(answer("m", "q2"))  # blocks until the other process lets go
        waited = time.monotonic() - start
    finally:
        letting_go.cancel()
        release.set()
        proc.join(30)
    assert proc.exitcode == 0
    assert waited >= 0.45, f"record() did not wait for the other process's lock (waited {waited:.3f} s)"
    assert set(json.loads(store.path.read_text())["selfchecks"]["m"]) == {"q1", "q2"}


def test_progress_lock_held_too_long_times_out_with_a_clear_message(store, monkeypatch):
    """A writer stuck holding the lock: is the next save refused with a message, not left hanging?"""
    store.record(answer("m", "q1"))
    before = store.path.read_text(encoding="utf-8")
    monkeypatch.setattr(progress.files, "LOCK_TIMEOUT_S", 0.3)
    proc, release = _locked_by_another_process(store.lock_path)
    try:
        with pytest.raises(progress.ProgressLocked, match=r"progress\.json\.lock has been locked by another window or "
                                                          r"process for more than 0\.3 seconds, so nothing was saved"):
            store.record(answer("m", "q2"))
    finally:
        release.set()
        proc.join(30)
    assert issubclass(progress.ProgressLocked, progress.ProgressError)  # the session reports it as "not saved"
    assert store.path.read_text(encoding="utf-8") == before
    store.record(answer("m", "q2"))  # once released, saving works again


def test_progress_schema_refuses_a_malformed_document_naming_each_field(tmp_path):
    """Is the save format checked by its JSON Schema (widgets/content/schemas/progress.v1.json), with every
    field at fault named, and the file named in the error?"""
    doc = progress.new_progress("mentor-x")
    doc["selfchecks"] = {"m1": {"q1": {"selected": ["a"], "correct": "yes"}}}
    doc["drafts"] = {"m1": {"p1": {"rev": 2}}}
    doc["scenarios"] = {"m1/s": {"history": ["a"], "runs": [{"history": ["a"]}]}}
    assert progress.problems(doc) == [
        "'drafts.m1.p1' is missing the required key 'text'",
        "'scenarios.m1/s.runs.0' is missing the required key 'ending'",
        "'selfchecks.m1.q1.correct' should be true or false, found text",
    ]
    with pytest.raises(ProgressInvalid, match=r"^upload\.json is not a usable progress file: 'drafts\.m1\.p1' is "):
        progress.parse(json.dumps(doc), "upload.json")
    missing = {k: v for k, v in progress.new_progress("mentor-x").items() if k != "learner"}
    assert progress.problems(missing) == ["'document' is missing the required key 'learner'"]
    assert progress.problems(progress.new_progress("mentor-x")) == []


def test_progress_schema_file_is_the_one_the_content_pipeline_loads():
    from widgets.content.schema import load_schema

    schema = load_schema(progress.SCHEMA_FILE)
    assert schema["properties"]["kind"] == {"const": progress.KIND}
    assert {"save_version", "kind", "learner", "scenarios", "selfchecks", "drafts"} <= set(schema["required"])
