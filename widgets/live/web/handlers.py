"""The participant's page served by the server process itself: tornado handlers for the HTML page, its
script and stylesheet, and the websocket that carries joins, votes, ticks and the room's views.

Mounted by `mentor-course serve` (:mod:`widgets.serving.app`) and, as a Jupyter server extension, by a
hub's single-user servers or Binder (:mod:`widgets.live.web.extension`). Paths are relative to the
server's base URL: ``live/join`` (the page), ``live/socket`` (the websocket), ``live/static/...``.

Who asks is worked out as for every page of the course (:mod:`widgets.serving.clients`): the client is
the visitor's address (behind a ``--trusted-proxy``, from ``X-Forwarded-For``), hashed; the browser is
a signed cookie set by the page. Wrong join codes are counted for each (in the store), so one visitor's
guessing never locks anyone else out, and one browser holds one seat per room. The websocket checks
the page's origin (Jupyter's rules) and the ``_xsrf`` token against its cookie, as tornado checks a form.
Every message a visitor sees is written for them; URLs, paths and tracebacks stay in the server's log.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import secrets
from pathlib import Path
from typing import Any

import tornado.web
from jupyter_server.base.handlers import JupyterHandler
from jupyter_server.base.websocket import WebSocketMixin
from jupyter_server.utils import url_path_join
from tornado.websocket import WebSocketClosedError, WebSocketHandler

from widgets.live.codes import MAX_NAME
from widgets.live.errors import InvalidInput, LiveError
from widgets.live.store import Joined
from widgets.live.web.page import participant_html
from widgets.live.web.rooms import LiveRooms, refusal
from widgets.serving.clients import BROWSER_COOKIE, client_address, client_key

log = logging.getLogger("widgets.live.web")

#: Where the handlers find their shared state and the trusted proxies in tornado's settings.
ROOMS_SETTING = "mentor_course_live_rooms"
PROXIES_SETTING = "mentor_course_trusted_proxies"
#: The URL paths below the server's base URL.
PAGE_PATH = "live/join"
SOCKET_PATH = "live/socket"
STATIC_PATH = "live/static"
STATIC_DIR = Path(__file__).resolve().parent / "static"
LIVE_CSS = Path(__file__).resolve().parents[2] / "ui" / "live" / "live.css"
#: A participant's name is forced to this environment variable when set (a hub's single-user server).
NAME_ENV = "JUPYTERHUB_USER"
#: The largest message a page sends (a join with a 40-character name is about 100 bytes).
MAX_MESSAGE = 2048
#: Open participant connections allowed from one address (a classroom behind one router shares one: as
#: many as a room's largest capacity) and in all; each costs a few tens of kilobytes, not a kernel.
SOCKETS_PER_CLIENT = 500
SOCKETS_IN_ALL = 5000
BUSY = ("Too many pages of the live rooms are open from your network or on this server right now. Close the "
        "ones you no longer need; this page tries again in a few seconds.")
NO_COOKIE = ("Your browser did not send this site's cookie, which keeps your seat in the room. Allow cookies for "
             "this site, then reload the page.")


def forced_name() -> str:
    """The display name the server imposes (the hub user's name), or ``""`` when participants choose."""
    return os.environ.get(NAME_ENV, "").strip()[:MAX_NAME]


def browser_id(handler: tornado.web.RequestHandler, *, create: bool) -> str:
    """The browser's id from its signed cookie; with ``create``, a new one is set when absent."""
    raw = handler.get_signed_cookie(BROWSER_COOKIE, max_age_days=365)
    value = raw.decode("ascii", "replace") if raw else ""
    if not value and create:
        value = secrets.token_urlsafe(18)
        base = handler.settings.get("base_url", "/")
        handler.set_signed_cookie(BROWSER_COOKIE, value, expires_days=365, httponly=True, samesite="Lax", path=base)
    return value


def client_of(handler: tornado.web.RequestHandler) -> str:
    return client_key(client_address(handler.request.remote_ip or "", handler.request.headers.get("X-Forwarded-For", ""),
                                     handler.settings.get(PROXIES_SETTING, ())))


class ParticipantPageHandler(JupyterHandler):
    """The page: a join form, the seat's panels and two live regions; the script does the rest."""

    @tornado.web.authenticated
    def get(self) -> None:
        browser_id(self, create=True)
        base = self.settings.get("base_url", "/")
        self.set_header("Content-Type", "text/html; charset=utf-8")
        self.set_header("Cache-Control", "no-store")
        self.set_header("Referrer-Policy", "same-origin")
        self.finish(participant_html(
            socket=url_path_join(base, SOCKET_PATH), static=url_path_join(base, STATIC_PATH) + "/",
            xsrf=self.xsrf_token.decode("ascii"), name=forced_name()))


class ParticipantSocket(WebSocketMixin, WebSocketHandler, JupyterHandler):
    """One participant page's connection: its requests in, its room's views out (JSON texts).

    Requests carry an ``id`` the reply repeats: ``join`` (code, name), ``rejoin`` (seat token), ``vote``
    (choice), ``tick`` (item, value), ``leave``. Replies say ``ok`` or give the refusal in words. A
    request is handled after the previous one finished, so a page's double click sends one vote.
    """

    seat: Joined | None = None
    client = ""
    browser = ""
    counted = False

    def set_default_headers(self) -> None:
        """None of JupyterHandler's page headers: this is a websocket."""

    @property
    def rooms(self) -> LiveRooms:
        return self.settings[ROOMS_SETTING]

    async def get(self, *args: Any, **kwargs: Any) -> None:
        if self.current_user is None:
            raise tornado.web.HTTPError(403)
        # The page's token against its cookie, exactly as tornado checks a form (a page of another site
        # can open a websocket here with the visitor's cookies, but cannot read the token).
        tornado.web.RequestHandler.check_xsrf_cookie(self)
        self.client = client_of(self)
        self.browser = browser_id(self, create=False)
        await super().get(*args, **kwargs)

    def open(self, *args: Any, **kwargs: Any) -> None:
        super().open(*args, **kwargs)
        self.set_nodelay(True)  # replies are small; Nagle would hold them for the browser's delayed ACK
        sockets = self.rooms.sockets
        if sockets[self.client] >= SOCKETS_PER_CLIENT or sum(sockets.values()) >= SOCKETS_IN_ALL:
            log.warning("live room page refused for %s: %d open from there, %d in all", self.client,
                        sockets[self.client], sum(sockets.values()))
            self.send(json.dumps({"type": "problem", "message": BUSY}))
            self.close(1013, "busy")
            return
        sockets[self.client] += 1
        self.counted = True

    def send(self, text: str) -> None:
        with contextlib.suppress(WebSocketClosedError):
            self.write_message(text)

    def out(self, message: str) -> None:
        self.seat = None
        self.send(json.dumps({"type": "out", "message": message}))

    def on_close(self) -> None:
        if self.counted:
            self.counted = False
            self.rooms.sockets[self.client] -= 1
            if self.rooms.sockets[self.client] <= 0:
                del self.rooms.sockets[self.client]
        if self.seat is not None:
            self.rooms.unfollow(self, self.seat.room_id)
            self.seat = None

    async def on_message(self, message: str | bytes) -> None:
        if len(message) > MAX_MESSAGE:
            self.close(1009, "message too big")
            return
        try:
            request = json.loads(message)
            if not isinstance(request, dict):
                raise ValueError("not an object")
        except ValueError:
            self.close(1003, "not a request")
            return
        rid = request.get("id")
        op = str(request.get("op", ""))
        try:
            reply = await self._handle(op, request)
        except Exception as exc:  # every refusal in words; surprises logged with their traceback
            self.send(json.dumps({"type": "reply", "id": rid, "ok": False, "error": refusal(exc)}))
            return
        self.send(json.dumps({"type": "reply", "id": rid, "ok": True, **reply}))

    async def _handle(self, op: str, request: dict[str, Any]) -> dict[str, Any]:
        rooms = self.rooms
        if op == "join":
            if self.seat is not None:  # one page, one seat: a scripted second join changes nothing
                return self._seat_reply(self.seat)
            if not self.browser:
                raise InvalidInput(NO_COOKIE)
            name = forced_name() or str(request.get("name", ""))
            seat = await rooms.store_call("join", str(request.get("code", "")), name, client=self.client,
                                          browser=self.browser)
            return await self._enter(seat)
        if op == "rejoin":
            seat = await rooms.store_call("rejoin", str(request.get("seat", "")))
            return await self._enter(seat)
        if op not in ("vote", "tick", "leave"):
            raise InvalidInput("This page sent a request the server does not know; reload the page.")
        seat = self.seat
        if seat is None:
            raise InvalidInput("Join the room first: type the code and your name, then press Join.")
        if op == "vote":
            choice = str(request.get("choice", ""))
            vote = await rooms.vote(seat.token, choice)
            return {"choice": vote.choice_id}
        if op == "tick":
            await rooms.store_call("tick", seat.token, str(request.get("item", "")), bool(request.get("value")))
            return {}
        await rooms.store_call("leave", seat.token)  # op == "leave"
        rooms.unfollow(self, seat.room_id)
        self.seat = None
        return {}

    async def _enter(self, seat: Joined) -> dict[str, Any]:
        if self.seat is not None and self.seat.room_id != seat.room_id:
            self.rooms.unfollow(self, self.seat.room_id)
        self.seat = seat
        try:
            await self.rooms.follow(self, seat)
        except LiveError:
            self.seat = None
            raise
        return self._seat_reply(seat)

    @staticmethod
    def _seat_reply(seat: Joined) -> dict[str, Any]:
        return {"seat": seat.token, "name": seat.name, "role": seat.role}


def routes(base_url: str, rooms: LiveRooms) -> list[tuple[Any, ...]]:
    """The handlers to add to a tornado app whose base URL is ``base_url``. ``rooms`` is shared by all
    connections of the process; keep it in the app's settings under :data:`ROOMS_SETTING` too."""
    return [
        (url_path_join(base_url, PAGE_PATH), ParticipantPageHandler),
        (url_path_join(base_url, SOCKET_PATH), ParticipantSocket),
        (url_path_join(base_url, STATIC_PATH, r"(participant\.js|page\.css)"), tornado.web.StaticFileHandler,
         {"path": str(STATIC_DIR)}),
        (url_path_join(base_url, STATIC_PATH, r"(live\.css)"), tornado.web.StaticFileHandler,
         {"path": str(LIVE_CSS.parent)}),
    ]


def mount(app: tornado.web.Application, base_url: str, *, url: str | None = None,
          trusted_proxies: tuple[str, ...] | None = None) -> LiveRooms:
    """Add the participant page to ``app`` (a Voilà or Jupyter server's tornado app); returns the rooms."""
    rooms = LiveRooms(url)
    app.settings[ROOMS_SETTING] = rooms
    if trusted_proxies is not None:
        app.settings[PROXIES_SETTING] = trusted_proxies
    app.add_handlers(".*$", routes(base_url, rooms))
    return rooms


__all__ = ["PAGE_PATH", "SOCKET_PATH", "STATIC_PATH", "ParticipantPageHandler", "ParticipantSocket", "forced_name",
           "mount", "routes"]
