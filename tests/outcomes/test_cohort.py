"""Does the cohort view read a folder of exports safely and sum it up correctly?"""

from __future__ import annotations

import csv
import io
import json
import statistics
from collections import Counter
from pathlib import Path

import pytest

from tests.conftest import REPO
from tests.outcomes.cohort_maker import make_cohort
from tests.outcomes.conftest import DocBuilder
from widgets import progress
from widgets.outcomes import cohort
from widgets.outcomes.course_data import load_content
from widgets.outcomes.evidence import Tally


@pytest.fixture
def content(small_course):
    return load_content(small_course)


def _save(folder: Path, name: str, doc_or_text) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    text = doc_or_text if isinstance(doc_or_text, str) else progress.dumps(doc_or_text)
    path.write_text(text, encoding="utf-8")
    return path


def test_cohort_bad_files_are_named_with_a_reason_and_skipped(content, tmp_path):
    folder = tmp_path / "exports"
    good = DocBuilder("mentor-good0000001").rate("before", {"l-open": 4}).play("01-tiny/talk", ["validate"]).doc
    _save(folder, "good.json", good)
    _save(folder, "broken.json", '{"save_version": 1, "kind": "mentor-co')
    _save(folder, "empty.json", "")
    _save(folder, "newer.json", {**DocBuilder("mentor-newer000001").doc, "save_version": progress.SAVE_VERSION + 1})
    newer_section = DocBuilder("mentor-newsec00001").rate("before", {"l-open": 4}).doc
    newer_section["assessments"]["version"] = 99
    _save(folder, "newer-section.json", newer_section)
    _save(folder, "other-course.json", DocBuilder("mentor-other000001").rate("before", {"l-open": 4},
                                                                              course="another-course").doc)
    _save(folder, "other-modules.json", DocBuilder("mentor-othermod001").play("05-elsewhere/x", ["a"]).doc)
    damaged = DocBuilder("mentor-damaged0001").rate("before", {"l-open": 4}).doc
    damaged["assessments"]["before"]["ratings"]["l-open"]["rating"] = "four"
    _save(folder, "damaged.json", damaged)
    _save(folder, "notes.txt", "not a progress file")
    (folder / "latin1.json").write_bytes(b'{"name": "Jos\xe9"}')
    _save(folder, "a-list.json", "[1, 2]")
    older = DocBuilder("mentor-older000001").play("02-small/quiet", ["wait"], ending="good").doc
    _save(folder, "older.json", older)

    found = cohort.read_folder(folder, content)
    assert [m.file for m in found.mentors] == ["good.json", "older.json"]
    reasons = {n.file: n.reason for n in found.skipped}
    assert sorted(reasons) == ["a-list.json", "broken.json", "damaged.json", "empty.json", "latin1.json",
                               "newer-section.json", "newer.json", "notes.txt", "other-course.json",
                               "other-modules.json"]
    assert reasons["broken.json"].startswith("not valid JSON (line 1")
    assert reasons["empty.json"].startswith("empty")
    assert reasons["newer.json"].startswith(f"saved by a newer version of the course package (save_version "
                                            f"{progress.SAVE_VERSION + 1}")
    assert "section version 99" in reasons["newer-section.json"]
    assert reasons["other-course.json"] == ("not for this course: it belongs to the course 'another-course', not "
                                            "'small-course'")
    assert reasons["other-modules.json"].startswith("not for this course: none of its modules (05-elsewhere)")
    assert "'assessments.before.ratings.l-open' should be {rating: a whole number or null}" in reasons["damaged.json"]
    assert reasons["notes.txt"].startswith("not a .json file")
    assert reasons["latin1.json"].startswith("not a text file")
    assert reasons["a-list.json"].endswith("this is not a course progress file")
    assert [str(n) for n in found.upgraded] == ["older.json: no self-assessment answers in it (saved before the "
                                                "self-assessment existed, or it was never opened): its scenarios "
                                                "and modules still count"]
    assert found.mentors[1].doc["assessments"]["before"] == {"ratings": {}}


def test_cohort_two_exports_of_one_mentor_count_once(content, tmp_path):
    folder = tmp_path / "exports"
    b = DocBuilder("mentor-same0000001").rate("before", {"l-open": 2})
    _save(folder, "first.json", b.doc)
    _save(folder, "second.json", b.rate("before", {"l-open": 6}).doc)
    found = cohort.read_folder(folder, content)
    assert [m.file for m in found.mentors] == ["second.json"]
    assert [str(n) for n in found.skipped] == ["first.json: an older export of the same mentor as second.json; "
                                               "the newer one counts"]


def test_cohort_missing_folder_says_so(content, tmp_path):
    with pytest.raises(FileNotFoundError, match="is not a folder"):
        cohort.read_folder(tmp_path / "nowhere", content)


def _small_cohort() -> list[dict]:
    """Four mentors, worked out by hand below."""
    a = (DocBuilder("mentor-aaaaaaaaaa")
         .rate("before", {"l-open": 2, "l-reflect": 4}).rate("after", {"l-open": 5, "l-reflect": 5})
         .play("01-tiny/talk", ["dismiss"], ending="withdraw")
         .play("01-tiny/talk", ["validate", "reflect"], ending="good")
         .play("02-small/quiet", ["wait"], ending="good").answer("01-tiny").draft("01-tiny"))
    b = (DocBuilder("mentor-bbbbbbbbbb")
         .rate("before", {"l-open": 4, "v-steady": 2}).rate("after", {"l-open": 6, "v-steady": 5})
         .play("01-tiny/talk", ["dismiss"], ending="withdraw"))
    c = (DocBuilder("mentor-cccccccccc").rate("before", {"l-open": 3, "l-pause": None})
         .play("01-tiny/talk", ["validate", "shrug"], ending="withdraw").answer("01-tiny").draft("01-tiny")
         .play("02-small/quiet", ["fill"], ending="gone").answer("02-small").draft("02-small"))
    d = DocBuilder("mentor-dddddddddd").rate("after", {"l-open": 7, "v-steady": 6}).name("Dana")
    return [x.doc for x in (a, b, c, d)]


def test_cohort_summary_figures_match_a_hand_computation(content, tmp_path):
    folder = tmp_path / "exports"
    for i, doc in enumerate(_small_cohort()):
        _save(folder, f"m{i}.json", doc)
    s = cohort.summarise(cohort.read_folder(folder, content), content, min_n=2)
    listening = next(r for r in s.competencies if r.id == "listening")
    # before: a 3.0, b 4.0, c 3.0 (Not sure ignored); after: a 5.0, b 6.0, d 7.0; pairs: a +2, b +2.
    assert (listening.before.n, listening.before.mean) == (3, pytest.approx(10 / 3))
    assert listening.before.sd == pytest.approx(statistics.stdev([3.0, 4.0, 3.0]))
    assert (listening.after.n, listening.after.mean, listening.after.sd) == (3, 6.0, 1.0)
    assert (listening.change.n, listening.change.mean, listening.change.sd) == (2, 2.0, 0.0)
    validation = next(r for r in s.competencies if r.id == "validation")
    # Only b rated validation before and after: n = 1 is withheld at min_n = 2, its count kept.
    assert (validation.before.n, validation.before.mean, validation.change.mean) == (1, None, None)
    # Scenario evidence for listening, first attempts: a talk 0/1 + quiet 1/1; b 0/1; c talk 1/2 + quiet 0/1.
    assert listening.first == Tally(2, 6)
    assert listening.latest == Tally(4, 7)  # a's latest talk is 2/2
    assert (s.took_before, s.took_after, s.took_both) == (3, 3, 2)

    top = s.decision_points[0]
    assert (top.key, top.node, top.first_answered, top.first_harmful, top.top_harmful) == (
        "01-tiny/talk", "opening", 3, 2, "dismiss")
    assert top.latest_harmful == 1 and top.top_harmful_text == "They were curious."
    by_point = {(r.key, r.node): (r.first_answered, r.first_harmful) for r in s.decision_points}
    assert by_point == {("01-tiny/talk", "opening"): (3, 2), ("01-tiny/talk", "second"): (1, 1),
                        ("02-small/quiet", "opening"): (2, 1)}

    done = {r.module: (r.done, r.in_progress, r.not_started) for r in s.completion}
    # 01-tiny: a and c did all; b has a finished scenario only; d nothing. 02-small: c did all, a played only.
    assert done == {"01-tiny": (2, 1, 1), "02-small": (1, 1, 2)}


def test_cohort_withholds_small_groups_by_default(content, tmp_path):
    folder = tmp_path / "exports"
    for i, doc in enumerate(_small_cohort()[:2]):
        _save(folder, f"m{i}.json", doc)
    s = cohort.summarise(cohort.read_folder(folder, content), content)
    assert all(r.before.mean is None and r.after.mean is None for r in s.competencies)
    row = cohort.competency_table(s)[1]
    assert row[:6] == ["listening", "Listening", "2", "", "", "2"]


def test_cohort_never_shows_a_name_or_a_goal(content, tmp_path):
    folder = tmp_path / "exports"
    docs = _small_cohort()
    docs[3] = DocBuilder("mentor-dddddddddd").rate("after", {"l-open": 7}).goal("after", "SECRET GOAL").name("Dana").doc
    for i, doc in enumerate(docs):
        _save(folder, f"m{i}.json", doc)
    s = cohort.summarise(cohort.read_folder(folder, content), content, min_n=1)
    text = cohort.dumps(s) + "".join(cohort.csv_files(s, tmp_path / "c.csv").values())
    assert "Dana" not in text and "SECRET" not in text
    report = cohort.mentor_report(s.folder, "mentor-dddddddddd", content)
    assert report.name == "Dana" and report.after.goal == "SECRET GOAL"
    with pytest.raises(KeyError, match="no readable progress file for 'nobody'"):
        cohort.mentor_report(s.folder, "nobody", content)


# --------------------------------------------------------------------------------------------------
# Twenty generated mentors through the real course, the view and the CLI, checked against the truth
# --------------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def real_content():
    return load_content(REPO)


@pytest.fixture(scope="module")
def generated(real_content, tmp_path_factory):
    folder = tmp_path_factory.mktemp("cohort")
    made = make_cohort(real_content, 20)
    for doc, truth in made:
        _save(folder, f"mentor-course-progress-{truth.learner}.json", doc)
    return folder, [t for _, t in made]


#: The CSV rounds to two decimals; half a unit in the last place, plus float noise, is the most it may differ.
TOL = 0.005 + 1e-9


def _read_csv(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def _mean_of(values):
    return [v for v in values if v is not None]


def test_cohort_twenty_generated_mentors_csv_matches_a_direct_computation(real_content, generated, tmp_path):
    from click.testing import CliRunner

    from widgets.cli import main

    folder, truths = generated
    out = tmp_path / "out" / "cohort.csv"
    result = CliRunner().invoke(main, ["outcomes", "cohort", str(folder), "--csv", str(out), "--course", str(REPO)])
    assert result.exit_code == 0, result.output
    assert "20 mentor(s)" in result.output
    rows = {r["competency"]: r for r in _read_csv(out.read_text(encoding="utf-8"))}
    assert list(rows) == list(real_content.course.competency_ids)
    a = real_content.assessment
    scenario_comps = {k: sc.competencies for k, sc in real_content.scenarios.items()}
    for comp in real_content.course.competency_ids:
        items = [i.id for i in a.items_for(comp)]

        def per_mentor(phase, items):
            out = []
            for t in truths:
                vals = [t.ratings[phase][i] for i in items if isinstance(t.ratings[phase].get(i), int)]
                out.append(statistics.fmean(vals) if vals else None)
            return out

        before, after = per_mentor("before", items), per_mentor("after", items)
        b, af = _mean_of(before), _mean_of(after)
        change = [y - x for x, y in zip(before, after, strict=True) if x is not None and y is not None]
        row = rows[comp]
        assert int(row["before_n"]) == len(b)
        assert float(row["before_mean"]) == pytest.approx(statistics.fmean(b), abs=TOL)
        assert float(row["before_sd"]) == pytest.approx(statistics.stdev(b), abs=TOL)
        assert int(row["after_n"]) == len(af)
        assert float(row["after_mean"]) == pytest.approx(statistics.fmean(af), abs=TOL)
        assert int(row["change_n"]) == len(change)
        assert float(row["change_mean"]) == pytest.approx(statistics.fmean(change), abs=TOL)
        assert float(row["change_sd"]) == pytest.approx(statistics.stdev(change), abs=TOL)
        first = [q for t in truths for k, taken in t.first.items() if comp in scenario_comps[k] for _, _, q in taken]
        latest = [q for t in truths for k, taken in t.latest.items() if comp in scenario_comps[k] for _, _, q in taken]
        assert (int(row["first_attempt_best"]), int(row["first_attempt_decisions"])) == (
            first.count("best"), len(first))
        assert (int(row["latest_attempt_best"]), int(row["latest_attempt_decisions"])) == (
            latest.count("best"), len(latest))

    points = _read_csv(out.with_name("cohort-decision-points.csv").read_text(encoding="utf-8"))
    answered = Counter((k, node) for t in truths for k, taken in t.first.items() for node, _, _ in taken)
    harmful = Counter((k, node) for t in truths for k, taken in t.first.items() for node, _, q in taken
                      if q == "harmful")
    latest = Counter((k, node) for t in truths for k, taken in t.latest.items() for node, _, _ in taken)
    latest_harmful = Counter((k, node) for t in truths for k, taken in t.latest.items() for node, _, q in taken
                             if q == "harmful")
    assert {(f"{r['module']}/{r['scenario']}", r["node"]): (
        int(r["first_attempt_answers"]), int(r["first_attempt_harmful"]), int(r["latest_attempt_answers"]),
        int(r["latest_attempt_harmful"])) for r in points} == {
        key: (answered[key], harmful[key], latest[key], latest_harmful[key]) for key in answered | latest}
    counts = [int(r["first_attempt_harmful"]) for r in points]
    assert counts == sorted(counts, reverse=True) and counts[0] > 0

    completion = {r["module"]: r for r in _read_csv(out.with_name("cohort-completion.csv").read_text(encoding="utf-8"))}
    for module in real_content.module_ids:
        done = sum(module in t.done for t in truths)
        started = sum(module in t.in_progress for t in truths)
        row = completion[module]
        assert (int(row["mentors"]), int(row["done"]), int(row["in_progress"])) == (20, done, started)
        assert int(row["not_started"]) == 20 - done - started


def test_cohort_twenty_generated_mentors_through_the_view(real_content, generated, monkeypatch):
    from widgets.ui.outcomes.views import CohortView

    folder, truths = generated
    monkeypatch.chdir(REPO / "course")
    view = CohortView(real_content)
    view.folder_input.value = str(folder)
    view.read_button.click()
    assert view.summary is not None and view.summary.mentors == 20
    html = view.body.value
    assert "20 progress file(s) read" in html and 'download="cohort-outcomes.csv"' in html
    assert view.announcer.message == "Read 20 progress file(s)."
    assert view.mentor_body.value == ""  # nobody's answers until asked
    assert [v for _, v in view.mentor_pick.options] == sorted(t.learner for t in truths)
    view.mentor_pick.value = truths[4].learner
    view.mentor_button.click()
    assert f"Growth report of {truths[4].learner}" in view.mentor_body.value
    assert 'download="growth-report-' in view.mentor_body.value


def test_cohort_view_reports_a_missing_folder(real_content, tmp_path):
    from widgets.ui.outcomes.views import CohortView

    view = CohortView(real_content, str(tmp_path / "nowhere"))
    assert "is not a folder" in view.body.value and "is not a folder" in view.announcer.message
    assert view.mentor_box.layout.display == "none"


def test_cohort_json_holds_aggregates_only(real_content, generated):
    folder, _ = generated
    s = cohort.summarise(cohort.read_folder(folder, real_content), real_content)
    data = json.loads(cohort.dumps(s))
    assert data["mentors"] == 20 and data["kind"] == "mentor-cohort-summary"
    assert "learner" not in json.dumps(data)
