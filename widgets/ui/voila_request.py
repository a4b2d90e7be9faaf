"""Learn the page request of a preheated Voilà kernel: its query string (the learner id) and the rest.

A preheated kernel runs the notebook before any visitor asks for the page; when one does, Voilà sends
the request's details over a websocket (``/voila/query/<kernel id>``) that the kernel must open. Voilà
ships ``voila.utils.wait_for_request`` for this, but importing the ``voila`` package costs seconds of
CPU (it pulls in the Jupyter server); measured here, that made the learner's progress appear about
three seconds after the page. This speaks the same small protocol with tornado, which the kernel has
already loaded. The variable names are Voilà's (``voila.utils.ENV_VARIABLE``).
"""

from __future__ import annotations

import asyncio
import json
import os


def query_url(env: dict[str, str] | None = None) -> str | None:
    """The websocket Voilà answers on for this kernel, or None outside a preheated Voilà kernel."""
    env = dict(os.environ if env is None else env)
    kernel_id = env.get("VOILA_KERNEL_ID")
    if env.get("VOILA_PREHEAT") != "True" or not kernel_id:
        return None
    protocol = env.get("VOILA_WS_PROTOCOL", "ws")
    host = env.get("VOILA_APP_IP", "127.0.0.1")
    port = env.get("VOILA_APP_PORT", "8866")
    base = env.get("VOILA_WS_BASE_URL", env.get("VOILA_SERVER_URL", "/"))
    return f"{protocol}://{host}:{port}{base}voila/query/{kernel_id}"


async def _receive(url: str, connect_timeout: float) -> str | None:
    from tornado.websocket import websocket_connect

    conn = await asyncio.wait_for(websocket_connect(url), connect_timeout)
    try:
        message = await conn.read_message()  # sent when a visitor takes this kernel; may be hours away
    finally:
        conn.close()
    return message if isinstance(message, str) else None


def wait_for_request(url: str | None = None, *, connect_timeout: float = 10.0) -> bool:
    """Block until Voilà passes the page request on, then put its details in ``os.environ`` (as
    Voilà's own helper does). Returns False when there is nothing to wait for or it failed."""
    url = url or query_url()
    if url is None:
        return False
    try:
        payload = asyncio.run(_receive(url, connect_timeout))
    except (OSError, asyncio.TimeoutError, ValueError):
        return False
    if payload is None:
        return False
    try:
        details = json.loads(payload)
    except json.JSONDecodeError:
        return False
    for key, value in details.items():
        if isinstance(key, str) and isinstance(value, str):
            os.environ[key] = value
    return True


__all__ = ["query_url", "wait_for_request"]
