"""Does a Binder build of this repository work? As far as this machine can reproduce one: a fresh virtual
environment (no system packages), `pip install -r binder/requirements.txt` from the repository's root (as
repo2docker runs it), then binder/postBuild; then the package, Voilà and nbgrader's extensions are there.

Slow (a few minutes: a whole Jupyter stack is installed), so marked `slow`.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO

pytestmark = [pytest.mark.slow, pytest.mark.timeout(480)]


def repo_files() -> list[str]:
    """The files a clone would have: tracked, plus new ones not ignored (the lead commits them)."""
    out = subprocess.run(["git", "ls-files", "--cached", "--others", "--exclude-standard"], cwd=REPO,
                         capture_output=True, text=True, check=True).stdout
    return sorted({f for f in out.splitlines() if (REPO / f).is_file()})


@pytest.fixture(scope="module")
def binder_build(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, dict[str, str]]:
    """(repository copy, virtual environment, environment for running its commands) after the build."""
    if shutil.which("git") is None or not (REPO / ".git").exists():
        pytest.skip("needs the repository's git metadata to know which files a clone has")
    tmp = tmp_path_factory.mktemp("binder")
    repo = tmp / "repo"
    for name in repo_files():
        target = repo / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(REPO / name, target)
    venv = tmp / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("VIRTUAL_ENV", "PYTHON", "JUPYTER",
                                                                      "MENTOR_COURSE"))}
    env.update(PATH=f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}", HOME=str(tmp / "home"),
               PIP_DISABLE_PIP_VERSION_CHECK="1")
    (tmp / "home").mkdir()
    install = subprocess.run([str(venv / "bin" / "pip"), "install", "-q", "-r", "binder/requirements.txt"],
                             cwd=repo, env=env, capture_output=True, text=True)
    assert install.returncode == 0, install.stdout[-3000:] + install.stderr[-3000:]
    post = subprocess.run(["bash", "binder/postBuild"], cwd=repo, env=env, capture_output=True, text=True)
    assert post.returncode == 0, post.stdout + post.stderr
    return repo, venv, env


def run(binder_build, *command: str, cwd: Path | None = None) -> str:
    repo, _, env = binder_build
    result = subprocess.run(command, cwd=cwd or repo, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout + result.stderr


def test_binder_build_installs_the_package_itself(binder_build):
    _, venv, _ = binder_build
    where = run(binder_build, str(venv / "bin" / "python"), "-c",
                "import widgets, widgets.ui, widgets.serving.app; print(widgets.__file__)",
                cwd=venv)  # not the repository's folder, whose widgets/ would shadow the installed one
    assert str(venv) in where  # installed into the environment, not imported from the copy
    assert "site-packages" in where


def test_binder_build_has_voila_and_nbgrader_extensions(binder_build):
    _, venv, _ = binder_build
    server = run(binder_build, str(venv / "bin" / "jupyter"), "server", "extension", "list")
    assert "voila" in server and "nbgrader" in server
    assert "enabled" in server
    lab = run(binder_build, str(venv / "bin" / "jupyter"), "labextension", "list")
    assert "@jupyter/nbgrader" in lab and "@jupyter-widgets/jupyterlab-manager" in lab
    assert run(binder_build, str(venv / "bin" / "voila"), "--version").strip()


def test_binder_postbuild_installs_template_and_voila_config(binder_build):
    _, venv, _ = binder_build
    template = venv / "share" / "jupyter" / "voila" / "templates" / "mentor-course"
    assert (template / "index.html.j2").is_file() and (template / "conf.json").is_file()
    config = json.loads((venv / "etc" / "jupyter" / "voila.json").read_text())
    assert config["VoilaConfiguration"]["template"] == "mentor-course"
    assert config["VoilaConfiguration"]["show_tracebacks"] is False


def test_binder_landing_notebook_lists_modules_with_relative_links(binder_build):
    repo, venv, _ = binder_build
    nb = json.loads((repo / "modules" / "index.ipynb").read_text())
    assert nb["metadata"]["title"] == "Mentoring People of Mixed Asian Heritage"
    html = run(binder_build, str(venv / "bin" / "python"), "-c",
               "from widgets.serving.binder import landing; print(landing().data)", cwd=repo / "modules")
    assert 'href="01-foundations/module.ipynb"' in html
    assert "voila/render" not in html and "live/" not in html


def test_binder_installed_package_ships_its_voila_template(binder_build):
    """`mentor-course serve` from an installed (not editable) package finds its template in the package."""
    _, venv, _ = binder_build
    where = run(binder_build, str(venv / "bin" / "python"), "-c",
                "from widgets.serving.app import SHARE_DIR; print(SHARE_DIR)", cwd=venv).strip()
    template = Path(where) / "voila" / "templates" / "mentor-course"
    assert str(venv) in where
    assert sorted(p.name for p in template.iterdir()) == ["conf.json", "index.html.j2"]
