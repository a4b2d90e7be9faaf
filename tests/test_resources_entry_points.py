"""Outside the notebook views, is text filled from the region too: the terminal player, live rooms, and
`mentor-course serve --region` (which tells every kernel through $MENTOR_COURSE_REGION)?"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.conftest import SCENARIO_YAML
from tests.content.test_resources import write_pack
from widgets.cli import main
from widgets.content.resources import REGION_ENV
from widgets.live.store import scenario_payload
from widgets.serving.cli import region_option, settings_from_options

PLACED = SCENARIO_YAML.replace("feedback: Validating first lets Mei lead.", "feedback: Offer {crisis_line} now.")


@pytest.fixture
def regional_course(course_root: Path, write_scenario, monkeypatch) -> Path:
    monkeypatch.delenv(REGION_ENV, raising=False)
    write_pack(course_root, "generic", "No region chosen")
    sg = write_pack(course_root, "SG", "Singapore")
    sg.write_text(sg.read_text().replace("Test Lifeline", "SOS Line"), encoding="utf-8")
    write_pack(course_root, "CA", "Canada")
    return write_scenario(PLACED)


def test_terminal_play_fills_from_the_region_option(regional_course):
    result = CliRunner().invoke(main, ["play", str(regional_course), "--region", "sg"], input="1\n1\n")
    assert result.exit_code == 0, result.output
    assert "Offer SOS Line (call or text 988) now." in result.output and "{crisis_line}" not in result.output


def test_terminal_play_without_a_region_uses_the_generic_pack_and_refuses_unknown_ones(regional_course):
    result = CliRunner().invoke(main, ["play", str(regional_course)], input="1\n1\n")
    assert "Offer Test Lifeline (call or text 988) now." in result.output  # generic pack of the test course
    bad = CliRunner().invoke(main, ["play", str(regional_course), "--region", "XX"])
    assert bad.exit_code == 2 and "no resource pack for 'XX'" in bad.output and "Traceback" not in bad.output


def test_live_room_payload_is_filled_from_the_server_region(regional_course, monkeypatch):
    monkeypatch.setenv(REGION_ENV, "SG")
    data = scenario_payload(regional_course)["scenario"]
    validate = next(c for c in data["nodes"]["opening"]["choices"] if c["id"] == "validate")
    assert validate["feedback"] == "Offer SOS Line (call or text 988) now."


def test_serve_region_option_is_checked_and_reaches_the_kernels(regional_course, course_root):
    assert region_option(course_root, "ca") == "CA"
    s = settings_from_options(course_root, None, "127.0.0.1", 8866, "/", 1, 600, (), False)
    assert REGION_ENV not in s.kernel_env()
    s = s.with_changes(extra_env={REGION_ENV: region_option(course_root, "ca")})
    assert s.kernel_env()[REGION_ENV] == "CA"
    result = CliRunner().invoke(main, ["serve", "--course-dir", str(course_root), "--region", "Narnia"])
    assert result.exit_code == 2
    assert "no resource pack for 'Narnia'" in result.output and "CA, SG, generic" in result.output
    assert "Traceback" not in result.output


def test_serve_region_reaches_the_settings_the_app_is_built_with(regional_course, course_root, monkeypatch, tmp_path):
    built = []

    class FakeApp:
        url = "http://127.0.0.1:1/"

        def run(self) -> None:
            pass

    def fake_build_app(s):
        built.append(s)
        return FakeApp()

    monkeypatch.setattr("widgets.serving.app.build_app", fake_build_app)
    result = CliRunner().invoke(main, ["serve", "--course-dir", str(course_root), "--data-dir", str(tmp_path / "d"),
                                       "--region", "sg"])
    assert result.exit_code == 0, result.output
    assert built[0].kernel_env()[REGION_ENV] == "SG"
