"""The participant page as a Jupyter server extension, for servers that are not `mentor-course serve`:
a hub's single-user servers (deploy/jupyterhub) and Binder.

Enable it with ``jupyter server extension enable widgets.live.web.extension`` or in the server's config
(``c.ServerApp.jpserver_extensions = {"widgets.live.web.extension": True}``). It serves
``<base>/live/join`` (the page), ``<base>/live/socket`` (its websocket) and ``<base>/live/static/...``,
all behind the server's own login. The room store is the one the facilitator's kernel uses
(``$MENTOR_COURSE_ROOMS_URL``, else the SQLite file in ``$MENTOR_COURSE_DATA``): on a hub that must be
one PostgreSQL database shared by every user's server. When ``$JUPYTERHUB_USER`` is set, as in every
single-user server, a participant's display name is that user name and cannot be changed on the page.
"""

from __future__ import annotations

from typing import Any

from widgets.live.web.handlers import PAGE_PATH, mount


def _jupyter_server_extension_points() -> list[dict[str, Any]]:
    return [{"module": "widgets.live.web.extension"}]


def _load_jupyter_server_extension(serverapp: Any) -> None:
    web_app = serverapp.web_app
    base = web_app.settings["base_url"]
    # Watcher threads are daemons and the store's connections close with the process: nothing to stop.
    mount(web_app, base, trusted_proxies=tuple(web_app.settings.get("mentor_course_trusted_proxies", ())))
    serverapp.log.info("mentor-course: live room participant page at %s%s", base, PAGE_PATH)


__all__ = ["_jupyter_server_extension_points", "_load_jupyter_server_extension"]
