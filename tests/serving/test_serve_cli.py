"""Does `mentor-course serve` refuse bad setups with a message that says what to change?"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from widgets.cli import main
from widgets.serving.cli import TUNINGS, settings_from_options
from widgets.serving.settings import ServeSettings


def test_serve_is_listed_in_help():
    result = CliRunner().invoke(main, ["--help"])
    assert "serve" in result.output


def test_serve_help_names_its_options():
    result = CliRunner().invoke(main, ["serve", "--help"])
    assert result.exit_code == 0
    for option in ("--host", "--port", "--data-dir", "--course-dir", "--pool-size", "--no-tuning", "--stock"):
        assert option in result.output


def test_serve_without_course_says_where_it_looked(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.delenv("MENTOR_COURSE_ROOT", raising=False)
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["serve"])
    assert result.exit_code == 2
    assert "no modules/course.yaml found here or in any parent folder" in result.output
    assert "Traceback" not in result.output


def test_serve_with_broken_course_lists_its_problems(tmp_path: Path):
    (tmp_path / "modules").mkdir()
    (tmp_path / "modules" / "course.yaml").write_text("schema: mentor-course/1\nid: x\ntitle: [unclosed\n")
    result = CliRunner().invoke(main, ["serve", "--course-dir", str(tmp_path)])
    assert result.exit_code == 1
    assert "modules/course.yaml" in result.output and "fix them" in result.output
    assert "Traceback" not in result.output


def test_serve_refuses_data_dir_inside_served_folder(tiny_course: Path):
    result = CliRunner().invoke(main, ["serve", "--course-dir", str(tiny_course),
                                       "--data-dir", str(tiny_course / "modules" / "data")])
    assert result.exit_code == 2
    assert "learner data must live outside it" in result.output


def test_serve_refuses_base_url_without_slashes(tiny_course: Path):
    result = CliRunner().invoke(main, ["serve", "--course-dir", str(tiny_course), "--base-url", "course"])
    assert result.exit_code == 2
    assert "must start and end with '/'" in result.output


def test_settings_from_options_defaults_data_dir_beside_modules(tiny_course: Path):
    s = settings_from_options(tiny_course, None, "127.0.0.1", 8866, "/", 1, 600, (), False)
    assert s.data_dir == (tiny_course / "mentor-data").resolve()
    assert s.cull_interval == 60


def test_settings_from_options_short_cull_checks_often(tiny_course: Path):
    s = settings_from_options(tiny_course, None, "127.0.0.1", 8866, "/", 1, 4, (), False)
    assert (s.cull_idle_timeout, s.cull_interval) == (4, 2)


@pytest.mark.parametrize("name", sorted(TUNINGS))
def test_settings_from_options_no_tuning_switches_one_off(tiny_course: Path, name: str):
    tuned = settings_from_options(tiny_course, None, "127.0.0.1", 8866, "/", 1, 600, (), False)
    off = settings_from_options(tiny_course, None, "127.0.0.1", 8866, "/", 1, 600, (name,), False)
    changed = {f for f in ServeSettings.__dataclass_fields__ if getattr(tuned, f) != getattr(off, f)}
    assert changed == set(TUNINGS[name])
