"""Identity from the hub (issue 18, item 2): on a JupyterHub the learner is the signed-in user.

Pure: :func:`widgets.learner.resolve_location` with the environment a hub gives each single-user
server and its kernels (``JUPYTERHUB_USER``, ``HOME``). The real hub run is tests/hub/test_hub.py.
"""

from __future__ import annotations

from pathlib import Path

from widgets import learner as learner_mod
from widgets.learner import hub_file_stem, resolve_location
from widgets.ui.status_props import learner_props


def test_hub_user_is_the_learner_and_progress_is_in_their_home(tmp_path: Path) -> None:
    home = tmp_path / "home" / "alice"
    loc = resolve_location({"JUPYTERHUB_USER": "alice", "HOME": str(home)}, None, tmp_path)
    assert loc.mode == "hub"
    assert loc.learner == "alice"
    assert loc.path == home / "mentor-data" / "progress" / "alice.json"
    assert not loc.generated  # no personal link to show: the hub's sign-in is the link
    assert loc.note == ""


def test_learner_link_is_not_accepted_on_a_hub(tmp_path: Path) -> None:
    """Bob following alice's old ``?learner=`` link still writes only to bob's own file, and is told why."""
    env = {"JUPYTERHUB_USER": "bob", "HOME": str(tmp_path / "bob"), "QUERY_STRING": "learner=mentor-alice123456",
           "MENTOR_COURSE_DATA": str(tmp_path / "shared")}
    loc = resolve_location(env, None, tmp_path)
    assert loc.learner == "bob"
    assert loc.path == tmp_path / "shared" / "progress" / "bob.json"
    assert "signed in to the course as bob" in loc.note
    assert "mentor-alice123456" not in str(loc.path)


def test_a_shared_server_still_uses_the_link_without_a_hub(tmp_path: Path) -> None:
    env = {"QUERY_STRING": "learner=mentor-alice123456", "MENTOR_COURSE_DATA": str(tmp_path)}
    loc = resolve_location(env, None, tmp_path)
    assert (loc.mode, loc.learner) == ("shared", "mentor-alice123456")


def test_an_explicit_progress_file_still_wins(tmp_path: Path) -> None:
    env = {"JUPYTERHUB_USER": "alice", "MENTOR_COURSE_PROGRESS": str(tmp_path / "mine.json")}
    assert resolve_location(env, None, tmp_path).mode == "explicit"


def test_hub_names_become_one_plain_file() -> None:
    assert hub_file_stem("Alice.Wong@example.org") == "alice.wong-example.org"
    assert hub_file_stem("../../etc/passwd") == "-..-etc-passwd"
    assert "/" not in hub_file_stem("a/b") and not hub_file_stem(".hidden").startswith(".")
    assert hub_file_stem("") == "hub-user"


def test_environment_passes_the_hub_user_on(monkeypatch) -> None:
    monkeypatch.setenv("JUPYTERHUB_USER", "carol")
    assert learner_mod.environment()["JUPYTERHUB_USER"] == "carol"


def test_header_says_who_is_signed_in(tmp_path: Path) -> None:
    loc = resolve_location({"JUPYTERHUB_USER": "alice", "HOME": str(tmp_path)}, None, tmp_path)
    props = learner_props(loc, loc.learner, "", "~/mentor-data/progress/alice.json")
    assert not props["link"]
    assert "signed in as alice" in props["where"] and "other mentors cannot read it" in props["where"]
