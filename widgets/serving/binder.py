"""Setting up a Binder image (run by binder/postBuild) and the Binder landing page.

On Binder the course is served by the Jupyter server the visitor owns, through Voilà's server extension
(``?urlpath=voila/render/...``), not by `mentor-course serve`. So the build:

1. installs the package's Voilà template (no CDN requests, a main landmark) where Voilà looks for it;
2. writes ``voila.json`` into the environment's Jupyter config folder: the template, only the widget
   extensions in pages, sources stripped, tracebacks hidden; and ``jupyter_server_config.json`` with no
   MathJax URL, so pages make no request to a public CDN (see :data:`SERVER_CONFIG`);
3. writes ``modules/index.ipynb``, the landing page as a notebook (one cell calling :func:`landing`), since
   the server extension has no page of its own for it.

Run ``python -m widgets.serving.binder`` from the repository's root (repo2docker's working folder).
"""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path
from typing import Any

from widgets.serving.settings import TEMPLATE_NAME, WIDGET_EXTENSIONS

TEMPLATE_SOURCE = Path(__file__).resolve().parent / "share" / "jupyter" / "voila" / "templates" / TEMPLATE_NAME
LANDING_NOTEBOOK = Path("modules") / "index.ipynb"
#: Marks a notebook this module wrote, so a later build may replace it but never an author's own file.
GENERATED_KEY = "mentor_course_generated"

VOILA_CONFIG: dict[str, Any] = {
    "VoilaConfiguration": {
        "template": TEMPLATE_NAME,
        "extension_allowlist": list(WIDGET_EXTENSIONS),
        "strip_sources": True,
        "show_tracebacks": False,
    }
}


#: The Jupyter server's settings for Voilà's server extension. Voilà puts the server's ``mathjax_url`` and
#: ``mathjax_config`` in every page's config and, when they are unset, fills in cdnjs.cloudflare.com: every
#: page then fetched MathJax from that CDN (failing offline, and telling a third party each visitor's
#: address). Both set to null is what standalone Voilà (``mentor-course serve``) does, and the page then
#: loads no MathJax; the course's prose has no mathematics.
#: The Jupyter server extension that serves the live rooms' participant page.
LIVE_EXTENSION = "widgets.live.web.extension"
SERVER_CONFIG: dict[str, Any] = {"ServerApp": {"tornado_settings": {"mathjax_url": None, "mathjax_config": None}}}


def landing() -> Any:
    """The landing page for a notebook: the modules of ``modules/course.yaml`` with links relative to
    ``modules/`` (where the landing notebook lives). Live apps are left out: on Binder every visitor has a
    server of their own, so there is no room to share."""
    from IPython.display import HTML

    from widgets.content.loader import find_root, load_course
    from widgets.serving.landing import Availability, discover, landing_html

    root = find_root()
    if root is None:
        raise FileNotFoundError("no modules/course.yaml in this folder or any parent folder")
    course = load_course(root / "modules" / "course.yaml")
    found = discover(course, root / "modules")
    return HTML(landing_html(course, Availability(found.modules, ()), prefix="", standalone=False))


def landing_notebook(title: str) -> dict[str, Any]:
    """The landing notebook: one code cell; its title is the page's title in the browser tab."""
    return {
        "nbformat": 4,
        "nbformat_minor": 5,
        "metadata": {
            "title": title,
            GENERATED_KEY: True,
            "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
            "language_info": {"name": "python"},
        },
        "cells": [{
            "cell_type": "code", "id": "landing", "metadata": {}, "execution_count": None, "outputs": [],
            "source": "from widgets.serving.binder import landing\n\nlanding()",
        }],
    }


def write_landing_notebook(repo: Path) -> Path | None:
    """Write ``modules/index.ipynb`` unless an author's own notebook is there; returns what was written."""
    from widgets.content.loader import load_course

    path = repo / LANDING_NOTEBOOK
    if path.exists():
        try:
            mine = json.loads(path.read_text(encoding="utf-8")).get("metadata", {}).get(GENERATED_KEY, False)
        except (ValueError, AttributeError):
            mine = False
        if not mine:
            return None
    course = load_course(repo / "modules" / "course.yaml")
    path.write_text(json.dumps(landing_notebook(course.title), indent=1) + "\n", encoding="utf-8")
    return path


def install_template(prefix: Path) -> Path:
    """Copy the course template into ``<prefix>/share/jupyter/voila/templates/``."""
    target = prefix / "share" / "jupyter" / "voila" / "templates" / TEMPLATE_NAME
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(TEMPLATE_SOURCE, target)
    return target


def write_voila_config(prefix: Path) -> Path:
    """Write (merging into any existing one) ``<prefix>/etc/jupyter/voila.json``, which Voilà's server
    extension reads."""
    path = prefix / "etc" / "jupyter" / "voila.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    config: dict[str, Any] = {}
    if path.exists():
        config = json.loads(path.read_text(encoding="utf-8"))
    config.setdefault("VoilaConfiguration", {}).update(VOILA_CONFIG["VoilaConfiguration"])
    path.write_text(json.dumps(config, indent=2) + "\n", encoding="utf-8")
    return path


def write_server_config(prefix: Path) -> Path:
    """Write (merging into any existing one) ``<prefix>/etc/jupyter/jupyter_server_config.json`` with
    :data:`SERVER_CONFIG`."""
    path = prefix / "etc" / "jupyter" / "jupyter_server_config.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    config: dict[str, Any] = {}
    if path.exists():
        config = json.loads(path.read_text(encoding="utf-8"))
    config.setdefault("ServerApp", {}).setdefault("tornado_settings", {}).update(
        SERVER_CONFIG["ServerApp"]["tornado_settings"])
    # The live rooms' participant page (live/join), served by the server itself: no kernel per participant.
    config["ServerApp"].setdefault("jpserver_extensions", {})[LIVE_EXTENSION] = True
    path.write_text(json.dumps(config, indent=2) + "\n", encoding="utf-8")
    return path


def main(repo: Path | None = None, prefix: Path | None = None) -> None:
    """The Binder build step: template, Voilà configuration, landing notebook. Prints what it did."""
    repo = repo or Path.cwd()
    prefix = prefix or Path(sys.prefix)
    print(f"installed the Voilà template at {install_template(prefix)}")
    print(f"wrote {write_voila_config(prefix)}")
    print(f"wrote {write_server_config(prefix)}")
    written = write_landing_notebook(repo)
    print(f"wrote {written}" if written else f"kept the existing {repo / LANDING_NOTEBOOK}")


if __name__ == "__main__":  # pragma: no cover - run by binder/postBuild
    main()
