"""Does `mentor-course outcomes` report, write its files and name bad input, without tracebacks?"""

from __future__ import annotations

import json

from click.testing import CliRunner

from tests.outcomes.conftest import DocBuilder
from widgets import progress
from widgets.cli import main


def _folder(tmp_path):
    folder = tmp_path / "exports"
    folder.mkdir()
    for i, (before, after) in enumerate([(2, 5), (3, 6), (4, 4)]):
        doc = (DocBuilder(f"mentor-cli{i:07d}").rate("before", {"l-open": before}).rate("after", {"l-open": after})
               .play("01-tiny/talk", ["dismiss"], ending="withdraw").doc)
        (folder / f"m{i}.json").write_text(progress.dumps(doc), encoding="utf-8")
    (folder / "bad.json").write_text("{", encoding="utf-8")
    return folder


def test_cli_outcomes_is_registered_lazily():
    result = CliRunner().invoke(main, ["--help"])
    assert "outcomes" in result.output
    result = CliRunner().invoke(main, ["outcomes", "--help"])
    assert result.exit_code == 0 and "cohort" in result.output and "report" in result.output


def test_cli_outcomes_cohort_prints_figures_and_writes_csv_json_and_chart(small_course, tmp_path):
    folder = _folder(tmp_path)
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["outcomes", "cohort", str(folder), "--course", str(small_course),
                                       "--csv", str(out / "c.csv"), "--json", str(out / "c.json"),
                                       "--chart", str(out / "c.png")])
    assert result.exit_code == 0, result.output
    assert "skipped bad.json: not valid JSON" in result.output
    assert "3 mentor(s): 3 took the self-assessment before, 3 after, 3 both." in result.output
    assert "  Listening: 3.00 ± 1.00 (n=3) | 5.00 ± 1.00 (n=3) | 2.00 ± 1.73 (n=3)" in result.output
    assert "  01-tiny/talk at 'opening': 3 of 3 (100%), most often 'dismiss'" in result.output
    assert sorted(p.name for p in out.iterdir()) == ["c-completion.csv", "c-decision-points.csv", "c.csv", "c.json",
                                                     "c.png"]
    assert json.loads((out / "c.json").read_text())["skipped"] == [
        "bad.json: not valid JSON (line 1, column 2: Expecting property name enclosed in double quotes); perhaps a "
        "write was interrupted or the file was edited"]
    assert (out / "c.png").read_bytes()[:4] == b"\x89PNG"


def test_cli_outcomes_cohort_withholds_below_min_n(small_course, tmp_path):
    result = CliRunner().invoke(main, ["outcomes", "cohort", str(_folder(tmp_path)), "--course", str(small_course),
                                       "--min-n", "4"])
    assert "  Listening: withheld (n=3) | withheld (n=3) | withheld (n=3)" in result.output


def test_cli_outcomes_cohort_missing_folder_is_a_usage_error(small_course, tmp_path):
    result = CliRunner().invoke(main, ["outcomes", "cohort", str(tmp_path / "nope"), "--course", str(small_course)])
    assert result.exit_code == 2 and "is not a folder" in result.output and "Traceback" not in result.output


def test_cli_outcomes_outside_a_course_says_where_to_run(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("MENTOR_COURSE_ROOT", raising=False)
    result = CliRunner().invoke(main, ["outcomes", "cohort", str(tmp_path)])
    assert result.exit_code == 1 and "the course cannot be read" in result.output


def test_cli_outcomes_report_for_one_mentor(small_course, tmp_path):
    path = _folder(tmp_path) / "m0.json"
    out = tmp_path / "r"
    result = CliRunner().invoke(main, ["outcomes", "report", str(path), "--course", str(small_course),
                                       "--png", str(out / "r.png"), "--pdf", str(out / "r.pdf"),
                                       "--json", str(out / "r.json")])
    assert result.exit_code == 0, result.output
    assert "Your self-rating rose in 1 of 1 competencies, most in Listening (2.0 to 5.0)." in result.output
    assert "  Listening: 2.0 -> 5.0; strongest response 0% -> 0%" in result.output
    data = json.loads((out / "r.json").read_text())
    assert data["learner"] == "mentor-cli0000000" and data["kind"] == "mentor-growth-report"
    assert (out / "r.pdf").read_bytes()[:4] == b"%PDF" and (out / "r.png").stat().st_size > 10_000


def test_cli_outcomes_report_names_a_bad_file(small_course, tmp_path):
    result = CliRunner().invoke(main, ["outcomes", "report", str(_folder(tmp_path) / "bad.json"), "--course",
                                       str(small_course)])
    assert result.exit_code == 1 and "bad.json: not valid JSON" in result.output and "Traceback" not in result.output
