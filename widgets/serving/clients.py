"""Who is asking, and how many kernels they may hold: the per-visitor limits of `mentor-course serve`.

Every module page starts (or takes) a kernel, so a visitor who opens pages without end could fill the
machine's memory. :class:`KernelLimits` counts the kernels each client holds and the server holds in
all, and refuses a page (a friendly "busy" page, no kernel) past either cap. A kernel whose page never
opened its websocket (a script fetching pages, a tab closed while loading) is shut down after
``unconnected_timeout`` seconds, not left for the idle culler's ten minutes.

A client is the visitor's address: the socket's peer, or, when that peer is a proxy the operator named
with ``--trusted-proxy``, the last address in ``X-Forwarded-For`` that is not a trusted proxy (the one
the proxy itself saw; earlier entries are whatever the visitor wrote). Addresses are hashed before they
reach a kernel or a database. The kernel learns both its client and its browser (a signed cookie)
through Voilà's request details (``http_header_envs``), as ``HTTP_X_MENTOR_CLIENT`` and
``HTTP_X_MENTOR_BROWSER``; the handler overwrites whatever the visitor sent under those names.

Pure (stdlib only): the handlers and the app wire it to tornado and Voilà.
"""

from __future__ import annotations

import contextvars
import hashlib
import ipaddress
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

#: The request headers the page handler sets (never the visitor), passed to kernels as environment
#: variables ``HTTP_X_MENTOR_CLIENT`` / ``HTTP_X_MENTOR_BROWSER`` (Voilà's rfc3875 naming).
CLIENT_HEADER = "X-Mentor-Client"
BROWSER_HEADER = "X-Mentor-Browser"
BROWSER_COOKIE = "mentor_course_browser"

BUSY_TITLE = "The course is busy"
BUSY_MESSAGE = ("Many pages of this course are open right now, so this one could not start. Please try again "
                "in a minute. Closing pages of the course you no longer need helps.")
YOURS_MESSAGE = ("You already have many pages of this course open. Close some of them, then try again in a "
                 "minute.")


def _networks(entries: Iterable[str]) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    return tuple(ipaddress.ip_network(e.strip(), strict=False) for e in entries if e.strip())


def parse_proxies(entries: Iterable[str]) -> tuple[str, ...]:
    """Trusted proxy addresses or networks, checked; ``ValueError`` naming the bad one."""
    out = []
    for e in entries:
        try:
            ipaddress.ip_network(e.strip(), strict=False)
        except ValueError:
            raise ValueError(f"{e!r} is not an IP address or network (e.g. 10.0.0.5 or 10.0.0.0/24)") from None
        out.append(e.strip())
    return tuple(out)


def _trusted(address: str, nets: tuple) -> bool:
    try:
        ip = ipaddress.ip_address(address.strip())
    except ValueError:
        return False
    return any(ip in n for n in nets)


def client_address(peer: str, forwarded_for: str, trusted_proxies: Iterable[str]) -> str:
    """The visitor's address: ``peer`` unless it is a trusted proxy, then the nearest address in
    ``X-Forwarded-For`` (read from the right) that is not itself a trusted proxy."""
    nets = _networks(trusted_proxies)
    if not nets or not _trusted(peer, nets):
        return peer
    hops = [h.strip() for h in forwarded_for.split(",") if h.strip()]
    for hop in reversed(hops):
        if not _trusted(hop, nets):
            return hop
    return hops[0] if hops else peer


def client_key(address: str) -> str:
    """What kernels and databases see of an address: a short hash (limits need equality, not the address)."""
    return "addr:" + hashlib.sha256(address.encode("utf-8")).hexdigest()[:20]


@dataclass
class Visit:
    """One page request from ``client``, until it has a kernel (then the kernel counts instead)."""

    client: str
    kernel_id: str = ""


#: The visit the current page request belongs to: set by the page handler, read by the kernel manager's
#: wrappers (they run in the handler's task, so they see it; pool refills start with it cleared).
CURRENT_VISIT: contextvars.ContextVar[Visit | None] = contextvars.ContextVar("mentor_course_visit", default=None)


@dataclass
class KernelLimits:
    """Kernel caps per client and in all, and the record of which visitor kernel belongs to whom."""

    max_kernels: int = 40
    per_client: int = 10
    unconnected_timeout: float = 20.0
    clock: Callable[[], float] = time.monotonic
    kernels: dict[str, str] = field(default_factory=dict)  # kernel id -> client
    assigned_at: dict[str, float] = field(default_factory=dict)
    connected: set[str] = field(default_factory=set)
    pending: list[Visit] = field(default_factory=list)

    def forget_missing(self, alive: Iterable[str]) -> None:
        """Drop kernels that no longer run (shut down by their page, the culler or us)."""
        live = set(alive)
        for kid in [k for k in self.kernels if k not in live]:
            self.kernels.pop(kid, None)
            self.assigned_at.pop(kid, None)
            self.connected.discard(kid)

    def held_by(self, client: str) -> int:
        return (sum(1 for c in self.kernels.values() if c == client)
                + sum(1 for v in self.pending if v.client == client))

    def in_use(self) -> int:
        return len(self.kernels) + len(self.pending)

    def admit(self, client: str) -> Visit | str:
        """A :class:`Visit` to start a page for ``client``, or the message of the busy page."""
        if self.max_kernels and self.in_use() >= self.max_kernels:
            return BUSY_MESSAGE
        if self.per_client and self.held_by(client) >= self.per_client:
            return YOURS_MESSAGE
        visit = Visit(client)
        self.pending.append(visit)
        return visit

    def assign(self, visit: Visit, kernel_id: str) -> None:
        """``visit`` got ``kernel_id``: the kernel now counts for its client."""
        if visit in self.pending:
            self.pending.remove(visit)
        visit.kernel_id = kernel_id
        self.kernels[kernel_id] = visit.client
        self.assigned_at[kernel_id] = self.clock()

    def finish(self, visit: Visit) -> None:
        """The page request ended (with or without a kernel)."""
        if visit in self.pending:
            self.pending.remove(visit)

    def websocket_opened(self, kernel_id: str) -> None:
        self.connected.add(kernel_id)

    def unconnected(self, last_activity: Callable[[str], float]) -> list[str]:
        """Visitor kernels whose page never connected and that have been quiet for the timeout:
        ``last_activity(kernel id)`` gives the kernel's last message time on ``clock``'s scale (a page
        still rendering keeps its kernel busy, so it is not cut off mid-render)."""
        if not self.unconnected_timeout:
            return []
        now = self.clock()
        out = []
        for kid, since in self.assigned_at.items():
            if kid in self.connected:
                continue
            quiet_since = max(since, last_activity(kid))
            if now - quiet_since > self.unconnected_timeout:
                out.append(kid)
        return out


__all__ = [
    "BROWSER_COOKIE",
    "BROWSER_HEADER",
    "BUSY_MESSAGE",
    "BUSY_TITLE",
    "CLIENT_HEADER",
    "CURRENT_VISIT",
    "KernelLimits",
    "Visit",
    "client_address",
    "client_key",
    "parse_proxies",
]
