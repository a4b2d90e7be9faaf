"""deploy/jupyterhub/jupyterhub_config.py loads as JupyterHub loads it, with each documented sign-in.

NativeAuthenticator is exercised for real in test_hub.py; OAuth/OIDC (oauthenticator) and LTI 1.3
(ltiauthenticator) need an identity provider or an LMS, so here the config is loaded with each and the
authenticator class it names is imported and checked to be JupyterHub's kind of class.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import REPO

CONFIG = REPO / "deploy" / "jupyterhub" / "jupyterhub_config.py"


def _load(monkeypatch, tmp_path: Path, **env: str):
    pytest.importorskip("jupyterhub", reason="JupyterHub is not installed: pip install -e '.[hub]'")
    from traitlets.config.loader import PyFileConfigLoader

    monkeypatch.setenv("MENTOR_HUB_STATE_DIR", str(tmp_path / "state"))
    monkeypatch.setenv("MENTOR_HUB_EXCHANGE_DIR", str(tmp_path / "exchange"))
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    return PyFileConfigLoader(CONFIG.name, path=str(CONFIG.parent)).load_config()


@pytest.mark.parametrize(("auth", "module", "name"), [
    ("native", None, "CourseNativeAuthenticator"),
    ("oauth", "oauthenticator.generic", "GenericOAuthenticator"),
    ("lti", "ltiauthenticator.lti13.auth", "LTI13Authenticator"),
])
def test_each_documented_sign_in_loads(monkeypatch, tmp_path: Path, auth: str, module: str | None, name: str) -> None:
    from jupyterhub.auth import Authenticator

    config = _load(monkeypatch, tmp_path, MENTOR_HUB_AUTH=auth)
    cls = config.JupyterHub.authenticator_class
    assert isinstance(cls, type) and issubclass(cls, Authenticator) and cls.__name__ == name
    if module:
        assert cls.__module__ == module


def test_roles_groups_and_landing_page(monkeypatch, tmp_path: Path) -> None:
    config = _load(monkeypatch, tmp_path, MENTOR_HUB_TRAINERS="tara", MENTOR_HUB_FACILITATORS="fay")
    roles = {r["name"]: r for r in config.JupyterHub.load_roles}
    assert roles["mentor"]["groups"] == ["mentors"] and roles["mentor"]["scopes"] == ["self"]
    assert "servers!group=mentors" in roles["trainer"]["scopes"] and roles["trainer"]["groups"] == ["trainers"]
    assert not any(s.startswith("access:servers") for s in roles["trainer"]["scopes"])  # never open a mentor's server
    assert roles["facilitator"]["groups"] == ["facilitators"]
    assert config.Authenticator.manage_groups is True
    assert config.Spawner.default_url == "/mentor-course"
    assert config.JupyterHub.spawner_class == "jupyterhub.spawner.LocalProcessSpawner"
    assert config.NativeAuthenticator.open_signup is False


def test_a_wrong_sign_in_or_course_folder_stops_the_hub(monkeypatch, tmp_path: Path) -> None:
    with pytest.raises(SystemExit, match="use native, oauth or lti"):
        _load(monkeypatch, tmp_path, MENTOR_HUB_AUTH="ldap")
    with pytest.raises(SystemExit, match=r"has no modules/course\.yaml"):
        _load(monkeypatch, tmp_path, MENTOR_HUB_COURSE_DIR=str(tmp_path))


def test_the_trainers_gradebook_must_be_postgresql(monkeypatch, tmp_path: Path) -> None:
    """Trainers on separate servers share one gradebook: a SQLite file would be one per server."""
    with pytest.raises(SystemExit, match=r"MENTOR_HUB_GRADEBOOK_URL='sqlite:///x\.db': give a PostgreSQL URL"):
        _load(monkeypatch, tmp_path, MENTOR_HUB_GRADEBOOK_URL="sqlite:///x.db")


def test_the_rooms_store_must_be_postgresql_in_libpqs_form(monkeypatch, tmp_path: Path) -> None:
    """Every server shares the rooms; the store reads postgresql:// URLs (not SQLAlchemy's +driver form)."""
    with pytest.raises(SystemExit, match=r"MENTOR_HUB_ROOMS_URL='postgresql\+psycopg://db/rooms': give a PostgreSQL URL"):
        _load(monkeypatch, tmp_path, MENTOR_HUB_ROOMS_URL="postgresql+psycopg://db/rooms")
    config = _load(monkeypatch, tmp_path, MENTOR_HUB_ROOMS_URL="postgresql://u@db/rooms")
    assert config.Spawner.environment["MENTOR_COURSE_ROOMS_URL"] == "postgresql://u@db/rooms"
