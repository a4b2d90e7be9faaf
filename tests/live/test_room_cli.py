"""Does `mentor-course room ...` create, list, export, delete and expire rooms, and explain failures?"""

from __future__ import annotations

import re
from pathlib import Path

from click.testing import CliRunner

from widgets.cli import main
from widgets.live.cli import store_url
from widgets.live.store import RoomStore


def run(*args: str):
    return CliRunner().invoke(main, ["room", *args], catch_exceptions=False)


def test_cli_room_create_list_export_delete(tmp_path: Path, live_yaml: Path):
    url = f"sqlite:///{tmp_path / 'rooms.sqlite3'}"
    made = run("create", str(live_yaml), "--store", url, "--server", "http://course.example:8866", "--hours", "2")
    assert made.exit_code == 0, made.output
    code = re.search(r"join code:\s+(\S+)", made.output).group(1)
    assert f"http://course.example:8866/live/join?code={code.replace('-', '')}" in made.output
    key = re.search(r"facilitator\.ipynb\?key=(\S+)", made.output).group(1)
    listed = run("list", "--store", url)
    assert code in listed.output and "lobby" in listed.output and "1 room" in listed.output
    with RoomStore(url) as st:
        st.join(code, "Ann")
    out = tmp_path / "export"
    exported = run("export", f"http://course.example:8866/voila/render/live/facilitator.ipynb?key={key}", "-o", str(out),
                   "--store", url)
    assert exported.exit_code == 0, exported.output
    assert "Ann" in (out / "participants.csv").read_text(encoding="utf-8-sig")
    assert run("delete", code, "--yes", "--store", url).exit_code == 0
    assert "0 rooms" in run("list", "--store", url).output
    assert "deleted 0 expired rooms" in run("expire", "--store", url).output


def test_cli_room_errors_are_messages_not_tracebacks(tmp_path: Path, write_scenario, live_yaml: Path):
    url = f"sqlite:///{tmp_path / 'rooms.sqlite3'}"
    gone = run("delete", "nope", "--yes", "--store", url)
    assert gone.exit_code == 1 and "No room has the id or code 'nope'" in gone.output
    wrong = run("export", "no-such-key", "-o", str(tmp_path / "x"), "--store", url)
    assert wrong.exit_code == 1 and "does not match any room" in wrong.output
    missing = run("list", "--store", f"sqlite:///{tmp_path / 'no' / 'rooms.sqlite3'}")
    assert missing.exit_code == 1 and "does not exist" in missing.output
    broken = write_scenario("schema: mentor-scenario/1\nid: broken\n", name="broken.yaml")
    bad = run("create", str(broken), "--store", url)
    assert bad.exit_code == 1 and "broken.yaml" in bad.output and "problem(s)" in bad.output


def test_cli_room_store_url_follows_options_then_environment(tmp_path: Path, monkeypatch):
    monkeypatch.delenv("MENTOR_COURSE_ROOMS_URL", raising=False)
    assert store_url("postgresql://x/y", tmp_path) == "postgresql://x/y"
    assert store_url(None, tmp_path) == f"sqlite:///{tmp_path.resolve() / 'live-rooms.sqlite3'}"
    monkeypatch.setenv("MENTOR_COURSE_DATA", str(tmp_path))
    assert store_url(None, None) == f"sqlite:///{tmp_path.resolve() / 'live-rooms.sqlite3'}"
    monkeypatch.setenv("MENTOR_COURSE_ROOMS_URL", "postgresql://db/test")
    assert store_url(None, None) == "postgresql://db/test"
