"""A Jupyter server extension for the course on a hub: the landing page at ``<base>/mentor-course``.

JupyterHub opens each mentor's server at ``c.Spawner.default_url = "/mentor-course"`` (see
deploy/jupyterhub/jupyterhub_config.py); the page lists the modules, each linked to its Voilà page
(Voilà runs as a server extension next to JupyterLab), and links JupyterLab. The server's own login
(the hub's OAuth) protects it, like every other page of the server.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any

import tornado.ioloop
import tornado.web
from jupyter_server.base.handlers import JupyterHandler
from jupyter_server.utils import url_path_join

from widgets.content.errors import ContentInvalid
from widgets.content.loader import ROOT_ENV, load_course
from widgets.content.timing import measured_minutes
from widgets.hub.links import LANDING_PATH, VOILA_PREFIX, with_hub_section
from widgets.learner import HUB_USER_ENV
from widgets.serving.landing import discover, landing_html, refuse_unreadable_course

log = logging.getLogger("mentor_course.hub")


class HubLandingHandler(JupyterHandler):
    """The course's landing page inside a mentor's own server."""

    def initialize(self, course_root: Path) -> None:
        self.course_root = course_root

    @tornado.web.authenticated
    async def get(self) -> None:
        self.set_header("Content-Type", "text/html; charset=utf-8")
        self.set_header("Cache-Control", "no-cache")
        modules = self.course_root / "modules"
        try:
            course = load_course(modules / "course.yaml")
        except (ContentInvalid, OSError) as exc:
            refuse_unreadable_course(self, exc, log)
            return
        minutes = await tornado.ioloop.IOLoop.current().run_in_executor(None, measured_minutes, self.course_root)
        page = landing_html(course, discover(course, modules), prefix=VOILA_PREFIX, minutes=minutes)
        self.finish(with_hub_section(page, os.environ.get(HUB_USER_ENV, "")))


def course_root() -> Path:
    """The course folder: ``$MENTOR_COURSE_ROOT`` (the hub's spawner sets it), else ``~/course``."""
    given = os.environ.get(ROOT_ENV, "").strip()
    return Path(given) if given else Path.home() / "course"


def _jupyter_server_extension_points() -> list[dict[str, Any]]:
    return [{"module": "widgets.hub.extension"}]


def _load_jupyter_server_extension(serverapp: Any) -> None:
    web_app = serverapp.web_app
    route = url_path_join(web_app.settings["base_url"], LANDING_PATH) + "/?"
    web_app.add_handlers(".*$", [(route, HubLandingHandler, {"course_root": course_root()})])
    serverapp.log.info("mentor-course: landing page at %s", route)


__all__ = ["HubLandingHandler", "course_root"]
