"""Does the Binder build step install the template, configure Voilà and write the landing notebook, without
overwriting an author's own files? (Fast, in temporary folders; test_serve_binder.py does a real build.)"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from widgets.serving import binder


def test_install_template_copies_the_course_template(tmp_path: Path):
    target = binder.install_template(tmp_path)
    assert target == tmp_path / "share" / "jupyter" / "voila" / "templates" / "mentor-course"
    assert sorted(p.name for p in target.iterdir()) == ["conf.json", "index.html.j2"]
    assert binder.install_template(tmp_path) == target  # a second build replaces it


def test_write_voila_config_merges_into_an_existing_file(tmp_path: Path):
    path = tmp_path / "etc" / "jupyter" / "voila.json"
    path.parent.mkdir(parents=True)
    path.write_text(json.dumps({"VoilaConfiguration": {"theme": "dark", "show_tracebacks": True}, "Other": {"x": 1}}))
    assert binder.write_voila_config(tmp_path) == path
    config = json.loads(path.read_text())
    assert config["Other"] == {"x": 1}
    assert config["VoilaConfiguration"]["theme"] == "dark"
    assert config["VoilaConfiguration"]["show_tracebacks"] is False
    assert config["VoilaConfiguration"]["template"] == "mentor-course"


def test_write_landing_notebook_writes_and_replaces_its_own(tiny_course: Path):
    path = binder.write_landing_notebook(tiny_course)
    assert path == tiny_course / "modules" / "index.ipynb"
    nb = json.loads(path.read_text())
    assert nb["metadata"]["title"] == "A tiny <course> & more"
    assert "landing()" in nb["cells"][0]["source"]
    assert binder.write_landing_notebook(tiny_course) == path
    path.unlink()


def test_write_landing_notebook_keeps_an_authors_notebook(tiny_course: Path):
    path = tiny_course / "modules" / "index.ipynb"
    path.write_text('{"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}')
    try:
        assert binder.write_landing_notebook(tiny_course) is None
        assert json.loads(path.read_text())["cells"] == []
    finally:
        path.unlink()


def test_landing_links_modules_relative_to_modules_folder(tiny_course: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.delenv("MENTOR_COURSE_ROOT", raising=False)
    monkeypatch.chdir(tiny_course / "modules")
    html = binder.landing().data
    assert 'href="01-tiny/module.ipynb"' in html
    assert "Tiny: &#34;one&#34; &lt;b&gt;button&lt;/b&gt;" in html
    assert "<style>" not in html and "Live role-plays" not in html


def test_write_server_config_turns_the_mathjax_cdn_off_and_keeps_other_settings(tmp_path: Path):
    path = tmp_path / "etc" / "jupyter" / "jupyter_server_config.json"
    path.parent.mkdir(parents=True)
    path.write_text(json.dumps({"ServerApp": {"tornado_settings": {"keep": 1}, "ip": "0.0.0.0"}}))
    binder.write_server_config(tmp_path)
    config = json.loads(path.read_text())
    assert config["ServerApp"]["ip"] == "0.0.0.0"
    assert config["ServerApp"]["tornado_settings"] == {"keep": 1, "mathjax_url": None, "mathjax_config": None}


def test_the_landing_notebook_postbuild_writes_is_ignored_by_git():
    """Running binder/postBuild on a checkout must not leave it dirty."""
    import shutil
    import subprocess

    from tests.conftest import REPO

    if shutil.which("git") is None or not (REPO / ".git").exists():
        pytest.skip("needs the repository's git metadata")
    result = subprocess.run(["git", "check-ignore", "-q", "modules/index.ipynb"], cwd=REPO)
    assert result.returncode == 0
