"""Every setting of `mentor-course serve`, as plain values, and the Voilà configuration they make.

Each default below was measured on a 2-core machine against stock Voilà 0.5.13 in the same run (see
docs/serving.md and benchmarks/README.md); each can be switched off, so a benchmark or an operator can
see what it buys. This module imports nothing from Jupyter: tests check the mapping directly.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

#: The only lab extensions a course page needs: the widget managers and anywidget. An allow list rather
#: than a deny list, so an extension installed later (nbgrader's, the notebook shell's) stays out of the
#: page too: those two fail to load outside JupyterLab and log errors in every visitor's console.
WIDGET_EXTENSIONS: tuple[str, ...] = (
    "@jupyter-widgets/jupyterlab-manager",
    "@voila-dashboards/widgets-manager8",
    "@voila-dashboards/widgets-manager7",
    "anywidget",
)

#: Notebooks (paths relative to modules/, matched as substrings) that get no preheated kernel: the live
#: apps read who the visitor is from the page's URL, which a kernel started before the visit cannot know
#: from its environment.
LIVE_APPS_PREFIX = "live/"

#: Environment variables exported to every kernel.
DATA_ENV = "MENTOR_COURSE_DATA"
ROOT_ENV = "MENTOR_COURSE_ROOT"

#: The Voilà template shipped in this package: Voilà's `lab` template without its third-party CDN links.
TEMPLATE_NAME = "mentor-course"


@dataclass(frozen=True)
class ServeSettings:
    """What `mentor-course serve` runs with. ``course_root`` is the folder holding ``modules/``."""

    course_root: Path
    data_dir: Path
    host: str = "127.0.0.1"
    port: int = 8866
    #: URL prefix, for a server behind a proxy at a path; always starts and ends with "/".
    base_url: str = "/"
    #: Kernels started ahead of visitors, per module notebook; each has already run its notebook, so a
    #: page arrives rendered. 0 turns preheating off.
    pool_size: int = 1
    #: Seconds before a pool refills after a visitor takes its kernel (Voilà's default is 1 s).
    fill_delay: float = 0.1
    #: Seconds a kernel with no open page may stay idle before it is shut down; 0 turns culling off.
    cull_idle_timeout: int = 600
    cull_interval: int = 60
    #: Set the `_xsrf` cookie on each page, so the page's shutdown request on close passes the XSRF
    #: check and its kernel is freed at once (voila-dashboards/voila#1458).
    xsrf_cookie: bool = True
    #: Turn Nagle's algorithm off on kernel websockets (tornadoweb/tornado#755): replies made of
    #: several messages (a scenario choice updates several widgets) are not held back.
    tcp_nodelay: bool = True
    #: Serve content-hashed lab-extension assets with a one-year immutable cache header.
    immutable_cache: bool = True
    #: Use the package's template (no CDN requests, a main landmark); False uses Voilà's `lab`.
    course_template: bool = True
    strip_sources: bool = True
    show_tracebacks: bool = False
    extension_allowlist: tuple[str, ...] = WIDGET_EXTENSIONS
    preheat_denylist: tuple[str, ...] = (LIVE_APPS_PREFIX,)
    extra_env: dict[str, str] = field(default_factory=dict)
    #: Kernels (open module pages) the server runs for visitors in all, and per client (address); past
    #: either, a page gets a "busy, try again in a minute" answer instead of a kernel. 0 means no cap.
    max_kernels: int = 40
    kernels_per_client: int = 10
    #: Seconds a visitor's kernel may wait for its page's websocket before it is shut down; 0 never.
    unconnected_timeout: float = 20.0
    #: Proxies (addresses or networks) whose X-Forwarded-For names the visitor; nobody else's is read.
    trusted_proxies: tuple[str, ...] = ()

    @property
    def modules_dir(self) -> Path:
        return self.course_root / "modules"

    def with_changes(self, **changes: Any) -> ServeSettings:
        """A copy with some settings changed (benchmarks switch tunings off one at a time)."""
        return replace(self, **changes)

    def kernel_env(self) -> dict[str, str]:
        """Variables every kernel gets: where learner data lives, which course it belongs to, and the
        address a preheated kernel reaches the app on to learn its visitor's request (Voilà's
        ``/voila/query/<kernel>`` socket; Voilà itself tells such kernels the port, not the address)."""
        reach = "127.0.0.1" if self.host in ("", "0.0.0.0", "::", "localhost") else self.host
        return {**self.extra_env, DATA_ENV: str(self.data_dir), ROOT_ENV: str(self.course_root),
                "VOILA_APP_IP": reach}


def voila_config(s: ServeSettings) -> dict[str, dict[str, Any]]:
    """The traitlets configuration (section -> trait -> value) that ``s`` stands for.

    ``VoilaKernelManager`` is the class Voilà builds when preheating is on; ``MappingKernelManager``
    settings reach Voilà's kernel manager because it is a subclass.
    """
    voila: dict[str, Any] = {
        "ip": s.host,
        "port": s.port,
        "base_url": s.base_url,
        "open_browser": False,
        "root_dir": str(s.modules_dir),
        # No voila.json / voila.py from the working folder or Jupyter's config folders: what runs is what
        # these settings say (and what the tests checked), not whatever config file happens to be around.
        "config_file_paths": [],
    }
    configuration: dict[str, Any] = {
        "strip_sources": s.strip_sources,
        "show_tracebacks": s.show_tracebacks,
        "preheat_kernel": s.pool_size > 0,
        "default_pool_size": max(s.pool_size, 0),
        "extension_allowlist": list(s.extension_allowlist),
        # Visitors cannot switch to a template or theme that was not reviewed (e.g. `?template=reveal`).
        "allow_template_override": "NO",
        "allow_theme_override": "NO",
        # Who is asking (set by the course's page handler, never taken from the visitor), passed to
        # the kernel as HTTP_X_MENTOR_CLIENT / HTTP_X_MENTOR_BROWSER: see widgets/serving/clients.py.
        "http_header_envs": ["X-Mentor-Client", "X-Mentor-Browser"],
    }
    if s.course_template:
        configuration["template"] = TEMPLATE_NAME
    kernels: dict[str, Any] = {
        "cull_idle_timeout": s.cull_idle_timeout,
        "cull_interval": s.cull_interval,
        # A page that is still open keeps its kernel: a mentor may read for a long while between clicks.
        "cull_connected": False,
        "cull_busy": False,
    }
    pool: dict[str, Any] = {
        "fill_delay": s.fill_delay,
        "preheat_denylist": list(s.preheat_denylist),
    }
    return {
        "Voila": voila,
        "VoilaConfiguration": configuration,
        "MappingKernelManager": kernels,
        "VoilaKernelManager": pool,
        # Kernels talk to the server over Unix sockets in the server's private connection folder, not TCP
        # ports on 127.0.0.1: no other local user can connect to them, no port can be taken between
        # choosing it and binding it (two servers starting kernels at once raced for ports and a page
        # failed with "Kernel died before replying"), and ipykernel has no reason to log "Kernel is
        # running over TCP without encryption" for every kernel.
        "KernelManager": {"transport": "ipc"},
    }


def stock_settings(s: ServeSettings) -> ServeSettings:
    """``s`` with every tuning off: what Voilà does on its own (a baseline for benchmarks and tests)."""
    return s.with_changes(pool_size=0, fill_delay=1.0, cull_idle_timeout=0, xsrf_cookie=False,
                          tcp_nodelay=False, immutable_cache=False, course_template=False,
                          extension_allowlist=())
