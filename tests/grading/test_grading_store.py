"""Does the trainers' store keep rubric levels and safeguarding flags safely when trainers work at once?"""

from __future__ import annotations

import threading

import pytest

from widgets.grading.score import RubricGrade
from widgets.grading.store import FlagNotFound, GradeConflict, RubricStore, default_store_url


@pytest.fixture
def store(tmp_path):
    with RubricStore(f"sqlite:///{tmp_path / 'grading.sqlite'}") as s:
        yield s


GRADE = RubricGrade({"description": "reflection"}, "Good.")


def test_store_default_url_follows_the_gradebook(tmp_path):
    assert default_store_url("sqlite:////x/gradebook.db", tmp_path / "private") == \
        f"sqlite:///{tmp_path / 'private' / 'grading.sqlite'}"
    assert (tmp_path / "private").is_dir()
    pg = "postgresql+psycopg://postgres@127.0.0.1:5432/grades"
    assert default_store_url(pg, tmp_path / "unused") == pg


def test_store_save_then_read_back(store):
    saved = store.save_grade("a", "m1", "p1", GRADE, 7.5, "trainer1", expected_version=0)
    assert (saved.version, saved.score, saved.grader, dict(saved.grade.levels)) == (1, 7.5, "trainer1",
                                                                                     {"description": "reflection"})
    again = store.save_grade("a", "m1", "p1", RubricGrade({}, "", True), 0.0, "trainer1", expected_version=1)
    assert again.version == 2 and again.grade.no_answer
    assert [g.prompt for g in store.grades("a")] == ["p1"]


def test_store_second_trainer_on_a_stale_version_is_refused_and_nothing_overwritten(store):
    store.save_grade("a", "m1", "p1", GRADE, 7.5, "trainer1", expected_version=0)
    with pytest.raises(GradeConflict) as err:
        store.save_grade("a", "m1", "p1", GRADE, 2.5, "trainer2", expected_version=0)
    assert "trainer1" in str(err.value) and "nothing was overwritten" in str(err.value)
    assert store.grade("a", "m1", "p1").score == 7.5


def test_store_concurrent_saves_from_the_same_version_let_exactly_one_win(tmp_path):
    url = f"sqlite:///{tmp_path / 'grading.sqlite'}"
    RubricStore(url).save_grade("a", "m1", "p1", GRADE, 1.0, "setup", expected_version=0)
    outcomes: list[str] = []
    barrier = threading.Barrier(8)

    def trainer(k: int) -> None:
        with RubricStore(url) as own:
            barrier.wait()
            try:
                own.save_grade("a", "m1", "p1", GRADE, float(k), f"t{k}", expected_version=1)
                outcomes.append("saved")
            except GradeConflict:
                outcomes.append("conflict")

    threads = [threading.Thread(target=trainer, args=(k,)) for k in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["conflict"] * 7 + ["saved"]
    assert RubricStore(url).grade("a", "m1", "p1").version == 2


def test_store_flags_are_listed_until_resolved(store):
    first = store.raise_flag("a", "m1", "  Mentions feeling unsafe at home.  ", "trainer1", prompt="p1")
    store.raise_flag("b", "m2", "Describes meeting a mentee alone at night.", "trainer2")
    assert first.note == "Mentions feeling unsafe at home." and first.open
    assert [f.student for f in store.flags()] == ["m1", "m2"]
    assert [f.student for f in store.flags(assignment="b")] == ["m2"]
    done = store.resolve_flag(first.id, "coordinator", "Called; referred to support.")
    assert not done.open and done.resolved_by == "coordinator"
    assert [f.student for f in store.flags()] == ["m2"]
    assert [f.student for f in store.flags(open_only=False)] == ["m1", "m2"]
    with pytest.raises(FlagNotFound):
        store.resolve_flag(999, "x", "y")
