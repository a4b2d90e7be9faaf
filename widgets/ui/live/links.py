"""Addresses of the live apps: reading the page's query, making join and facilitator links, the QR code.

Pure apart from reading the environment Voilà gives each kernel: ``QUERY_STRING`` (the page URL's
query) and ``VOILA_REQUEST_URL`` (the whole URL). The page also reports its address from the browser
(:class:`~widgets.ui.live.bridge.PageBridge`), which wins when it differs (a proxy in front).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from urllib.parse import parse_qs, urlencode, urlsplit, urlunsplit

#: The participant's page, served by the server itself (widgets/live/web), below the server's base URL.
PARTICIPANT_PATH = "live/join"
#: Set by JupyterHub in each single-user server (and so in its kernels): the hub's base URL.
HUB_BASE_ENV = "JUPYTERHUB_BASE_URL"
FACILITATOR_PAGE = "facilitator.ipynb"
#: Query parameter names.
CODE = "code"
SEAT = "seat"
KEY = "key"


def query(environ: Mapping[str, str] | None = None, href: str = "") -> dict[str, str]:
    """The page's query parameters (first value of each), from ``href`` if given, else the environment."""
    env = os.environ if environ is None else environ
    raw = urlsplit(href).query if href else env.get("QUERY_STRING", "")
    return {k: v[0] for k, v in parse_qs(raw, keep_blank_values=False).items() if v}


def page_url(environ: Mapping[str, str] | None = None) -> str:
    env = os.environ if environ is None else environ
    return env.get("VOILA_REQUEST_URL", "")


def sibling(href: str, page: str, params: Mapping[str, str]) -> str:
    """``href`` with its last path segment replaced by ``page`` and its query by ``params``."""
    parts = urlsplit(href)
    path = parts.path.rsplit("/", 1)[0] + "/" + page if "/" in parts.path else page
    return urlunsplit((parts.scheme, parts.netloc, path, urlencode(dict(params)), ""))


def server_base(href: str) -> str:
    """The server's base URL in a Voilà page's address: everything before ``voila/`` (``/`` for
    `mentor-course serve`, ``/user/<name>/`` on a hub); the page's folder if it is not a Voilà page."""
    parts = urlsplit(href)
    path = parts.path
    path = path.split("/voila/", 1)[0] + "/" if "/voila/" in path else path.rsplit("/", 1)[0] + "/" if "/" in path else "/"
    return urlunsplit((parts.scheme, parts.netloc, path, "", ""))


def join_link(href: str, code: str, hub_base: str = "") -> str:
    """The participant page's address with the join code filled in (what the QR code holds): the page
    the server itself serves (widgets/live/web), next to the facilitator's Voilà page ``href``.

    On a hub (``hub_base``: ``$JUPYTERHUB_BASE_URL``, set in every single-user server and its kernels)
    each participant must open the page on their own server, not the facilitator's, which would refuse
    them: the hub's ``user-redirect`` sends everyone to theirs."""
    query_part = "?" + urlencode({CODE: code})
    if hub_base:
        parts = urlsplit(href)
        base = hub_base if hub_base.endswith("/") else hub_base + "/"
        return urlunsplit((parts.scheme, parts.netloc, base + "hub/user-redirect/" + PARTICIPANT_PATH, "", "")) + query_part
    return server_base(href) + PARTICIPANT_PATH + query_part


def facilitator_link(href: str, key: str) -> str:
    return sibling(href, FACILITATOR_PAGE, {KEY: key})


def key_from(text: str) -> str:
    """The facilitator key in a pasted link (``...?key=...``) or the key itself."""
    text = (text or "").strip()
    if "key=" in text:
        return query(href=text if "://" in text or "?" in text else "?" + text).get(KEY, "")
    return text


def qr_svg(link: str) -> str:
    """The QR code of ``link`` as inline SVG (black on white, whatever the page's theme)."""
    import segno

    return segno.make(link, error="m").svg_inline(scale=4, dark="#000000", light="#ffffff", border=2)


__all__ = ["PARTICIPANT_PATH", "facilitator_link", "join_link", "key_from", "page_url", "qr_svg", "query", "server_base",
           "sibling"]
