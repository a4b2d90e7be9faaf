"""The landing page of a mentor's own server on a hub (pure: no Jupyter imports).

On a hub the course folder is linked into each mentor's home as ``course/`` (deploy/jupyterhub's
``pre_spawn_hook``), the single-user server's root is that home, and Voilà runs as a Jupyter server
extension; so a module's page is ``voila/render/course/modules/<id>/module.ipynb`` relative to the
server's base URL, and JupyterLab is ``lab``. The landing page is served at ``<base>/mentor-course``,
so relative links resolve against the base URL.
"""

from __future__ import annotations

from widgets.templating import render

#: Where the course folder is linked in each mentor's home (the single-user server's root).
COURSE_LINK = "course"
#: The landing page's path below the single-user server's base URL (``c.Spawner.default_url``).
LANDING_PATH = "mentor-course"
#: Voilà's page prefix for notebooks under ``modules/`` of the linked course.
VOILA_PREFIX = f"voila/render/{COURSE_LINK}/modules/"


def lab_link_html(user: str) -> str:
    """The block that puts JupyterLab one click away, and says whose server this is
    (``widgets/templates/serving/hub_section.html``)."""
    return render("serving/hub_section.html", user=user)


def with_hub_section(page: str, user: str) -> str:
    """The standalone landing page with the hub block added at the end of its main landmark."""
    block = lab_link_html(user)
    return page.replace("</main>", block + "</main>", 1) if "</main>" in page else page + block


__all__ = ["COURSE_LINK", "LANDING_PATH", "VOILA_PREFIX", "lab_link_html", "with_hub_section"]
