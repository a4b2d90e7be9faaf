"""How quick is a live room end to end, through the real server, with N participant pages at once?

Budget (issue 17): p95 <= 300 ms from a participant's click to "vote recorded" and from the facilitator's
reveal to every participant's page, with 40 participants on this 2-core machine, and 0 votes lost.

A real `mentor-course serve` (``--kernels-per-client 0 --max-kernels 0 --pool-size 0``, on 127.0.0.1, a
fresh server and data folder per N) serves the participants' page (widgets/live/web). N participants are
driven exactly as the page's script (widgets/live/web/static/participant.js) drives the server: an HTTP
GET of ``live/join`` (which sets the browser cookie and gives the XSRF token), then the websocket
``live/socket?_xsrf=...`` with those cookies and the page's Origin, a ``join`` with the code and a name.
The facilitator's console is a Voilà kernel that calls the room store; this process makes the same store
calls (create the room, start, open votes, reveal, next step) on the same database. Then, each round:
votes open; every participant votes at the same moment (click -> the server's acknowledgement, which it
sends only after the store committed the vote); the facilitator reveals (the call starts -> each
participant's page receives the reveal). Votes lost: acknowledged votes missing from the store.

Also measured: the server's CPU time per round (open, N votes, reveal, next step: what one machine pays
for a room, whatever else runs on it), seconds until all N pages are joined (opened at once, 20 at a time), the server's memory
per participant (RSS after joining minus before, / N; psutil), and the room's
store backend (SQLite by default; ``--postgres`` uses database ``test`` on 127.0.0.1:5432 in a schema of
its own, dropped afterwards).

Run: python benchmarks/bench_live_e2e.py [--participants 10 40 500] [--rounds 3] [--postgres] [--verbose]
(500 is a room's largest capacity, widgets.live.room.MAX_CAPACITY: the largest N one room can take.)
Prints p50/p95/max per N and writes benchmarks/results/live_e2e.json; the verdict is taken at N = 40
(or the N closest to it that ran).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import secrets
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import psutil

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench_serve_common import NO_KERNEL_CAPS, machine, write_results  # noqa: E402
from verdict import Verdict, finish  # noqa: E402

from widgets.live import room  # noqa: E402
from widgets.live.store import RoomStore, scenario_payload  # noqa: E402
from widgets.serving import process  # noqa: E402

SCENARIO = REPO / "modules" / "extended-role-play" / "scenarios" / "capstone.yaml"
PG_BASE = os.environ.get("MENTOR_COURSE_BENCH_PG", "postgresql://postgres@127.0.0.1:5432/test")
BUDGET_MS = 300.0
VERDICT_N = 40
TIMEOUT = 60.0
JOIN_AT_ONCE = 20


def rss_bytes(pid: int) -> int:
    return int(psutil.Process(pid).memory_info().rss)


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of process ``pid`` (all its threads) so far."""
    times = psutil.Process(pid).cpu_times()
    return times.user + times.system


def pct(xs: list[float], q: float) -> float:
    if not xs:
        return float("nan")
    s = sorted(xs)
    return s[min(len(s) - 1, max(0, round(q * (len(s) - 1))))]


def summary(xs: list[float]) -> dict[str, float]:
    return {"p50": pct(xs, 0.5), "p95": pct(xs, 0.95), "max": max(xs) if xs else float("nan"), "n": len(xs)}


class Page:
    """One participant's page as its script behaves: a websocket, requests with ids, the views it gets."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.ws: Any = None
        self.next_id = 1
        self.replies: dict[int, asyncio.Future[dict[str, Any]]] = {}
        self.phase = ""
        self.phase_seen: dict[str, float] = {}
        self.seat = ""
        self.reader: asyncio.Task[None] | None = None
        self.errors: list[str] = []

    async def open(self, base: str, code: str) -> None:
        from tornado.httpclient import AsyncHTTPClient, HTTPRequest
        from tornado.websocket import websocket_connect

        page = await AsyncHTTPClient().fetch(base + "live/join?code=" + code)
        html = page.body.decode()
        xsrf = re.search(r'data-xsrf="([^"]+)"', html).group(1)
        socket = re.search(r'data-socket="([^"]+)"', html).group(1)
        cookies = "; ".join(c.split(";", 1)[0] for c in page.headers.get_list("Set-Cookie"))
        origin = base.rstrip("/")
        url = "ws://" + origin.split("://", 1)[1] + socket + "?_xsrf=" + xsrf.replace("|", "%7C")
        self.ws = await websocket_connect(HTTPRequest(url, headers={"Cookie": cookies, "Origin": origin}))
        self.reader = asyncio.ensure_future(self._read())
        reply = await self.request("join", code=code, name=self.name)
        if not reply.get("ok"):
            raise RuntimeError(f"{self.name} could not join: {reply.get('error')}")
        self.seat = reply["seat"]

    async def _read(self) -> None:
        while True:
            text = await self.ws.read_message()
            at = time.monotonic()
            if text is None:
                return
            msg = json.loads(text)
            if msg["type"] == "reply":
                fut = self.replies.pop(msg["id"], None)
                if fut is not None and not fut.done():
                    fut.set_result({**msg, "_at": at})
            elif msg["type"] == "state":
                phase = msg["room"]["phase"] + f":{msg['room']['round']}"
                if phase != self.phase:
                    self.phase = phase
                    self.phase_seen.setdefault(phase, at)
            elif msg["type"] in ("problem", "out"):
                self.errors.append(msg["message"])

    async def request(self, op: str, **fields: Any) -> dict[str, Any]:
        rid = self.next_id
        self.next_id += 1
        fut: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        self.replies[rid] = fut
        await self.ws.write_message(json.dumps({"op": op, "id": rid, **fields}))
        return await asyncio.wait_for(fut, TIMEOUT)

    async def seen(self, phase: str) -> float:
        deadline = time.monotonic() + TIMEOUT
        while phase not in self.phase_seen:
            if time.monotonic() > deadline:
                raise TimeoutError(f"{self.name} never saw {phase} (last: {self.phase})")
            await asyncio.sleep(0.005)
        return self.phase_seen[phase]

    def close(self) -> None:
        if self.ws is not None:
            self.ws.close()
        if self.reader is not None:
            self.reader.cancel()


async def run_room(base: str, url: str, n: int, rounds: int, pid: int, verbose: bool = False) -> dict[str, Any]:
    loop = asyncio.get_running_loop()
    payload = scenario_payload(SCENARIO)
    store = RoomStore(url)
    new = store.create_room(payload, capacity=max(n, 1))
    sc = store.scenario(new.room_id)
    mentor = next(r for r, k in room.roles_of(sc).items() if k == room.DECIDE)

    async def fac(fn: Any, *args: Any, **kw: Any) -> Any:
        return await loop.run_in_executor(None, lambda: fn(*args, **kw))

    await asyncio.sleep(1.0)
    rss_before = rss_bytes(pid)
    pages = [Page(f"P{i:03d}") for i in range(n)]
    gate = asyncio.Semaphore(JOIN_AT_ONCE)

    async def open_one(p: Page) -> None:
        async with gate:
            await p.open(base, new.code)

    t0 = time.monotonic()
    await asyncio.gather(*(open_one(p) for p in pages))
    joined_s = time.monotonic() - t0
    for seat in store.snapshot(new.room_id).seats:  # every participant a mentor: all of them vote
        if seat.role != mentor:
            await fac(store.set_role, new.key, seat.id, mentor)
    await fac(store.start, new.key)
    await asyncio.gather(*(p.seen("node:0") for p in pages))
    await asyncio.sleep(1.0)
    rss_after = rss_bytes(pid)

    votes, reveals, opens = [], [], []
    acked = lost = 0
    played = 0
    cpu_before = cpu_seconds(pid)
    for r in range(rounds):
        rs = store.snapshot(new.room_id).room
        if rs.phase != room.NODE:
            break
        t_open = time.monotonic()
        await fac(store.open_votes, new.key)
        seen = await asyncio.gather(*(p.seen(f"voting:{r}") for p in pages))
        opens += [(s - t_open) * 1000 for s in seen]
        choices = room.offered(sc, store.snapshot(new.room_id).room)

        async def vote(p: Page, k: int, choices: tuple[Any, ...] = choices) -> float:
            sent = time.monotonic()
            reply = await p.request("vote", choice=choices[k % len(choices)].id)
            if not reply.get("ok"):
                raise RuntimeError(f"{p.name}'s vote was refused: {reply.get('error')}")
            return (reply["_at"] - sent) * 1000

        got = await asyncio.gather(*(vote(p, k) for k, p in enumerate(pages)))
        if verbose:
            print(f"  N={n} round {r}: click->recorded ms, sorted: {[round(x) for x in sorted(got)]}", flush=True)
        votes += got
        acked += n
        snap = store.snapshot(new.room_id)
        lost += n - len({v.seat_id for v in snap.votes})
        t_rev = time.monotonic()
        await fac(store.reveal, new.key, choices[0].id)
        seen = await asyncio.gather(*(p.seen(f"reveal:{r + 1}") for p in pages))
        reveals += [(s - t_rev) * 1000 for s in seen]
        played += 1
        await fac(store.advance, new.key)
    cpu_used = cpu_seconds(pid) - cpu_before
    errors = sorted({e for p in pages for e in p.errors})
    for p in pages:
        p.close()
    store.close()
    return {"participants": n, "rounds": played, "joined_s": joined_s, "vote_ms": summary(votes),
            "reveal_ms": summary(reveals), "open_ms": summary(opens), "votes_acknowledged": acked, "votes_lost": lost,
            "errors": errors, "rss_before_mib": rss_before / 2**20, "rss_after_mib": rss_after / 2**20,
            "mib_per_participant": (rss_after - rss_before) / 2**20 / n,
            "server_cpu_ms_per_round": cpu_used * 1000 / max(played, 1), "load_average_after": os.getloadavg()}


def one_n(n: int, rounds: int, pg: str | None, verbose: bool = False) -> dict[str, Any]:
    tmp = Path(tempfile.mkdtemp(prefix="bench-live-e2e-"))
    data = tmp / "data"
    schema = None
    env_before = os.environ.get("MENTOR_COURSE_ROOMS_URL")
    if pg:
        schema = f"bench_e2e_{secrets.token_hex(4)}"
        url = f"{pg}?schema={schema}"
        os.environ["MENTOR_COURSE_ROOMS_URL"] = url
    else:
        data.mkdir(mode=0o700)
        url = f"sqlite:///{data / 'live-rooms.sqlite3'}"
    served = process.serve(REPO, data, tmp / "serve.log", *NO_KERNEL_CAPS, "--pool-size", "0")
    try:
        base = served.url if served.url.endswith("/") else served.url + "/"
        result = asyncio.run(run_room(base, url, n, rounds, served.proc.pid, verbose))
    finally:
        served.stop()
        if env_before is None:
            os.environ.pop("MENTOR_COURSE_ROOMS_URL", None)
        else:
            os.environ["MENTOR_COURSE_ROOMS_URL"] = env_before
        if schema:
            import psycopg

            with psycopg.connect(pg, autocommit=True) as conn:
                conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
    return result


def judge(n: int, lost: int, errors: list[str], vote_p95: float, reveal_p95: float,
          budget_ms: float = BUDGET_MS) -> Verdict:
    """Pass when no vote was lost, no page was told of a problem, and both p95s are within budget."""
    ok = lost == 0 and not errors and vote_p95 <= budget_ms and reveal_p95 <= budget_ms
    return Verdict(ok, f"N={n}: p95 click->recorded {vote_p95:.0f} ms, reveal->every participant {reveal_p95:.0f} ms "
                       f"(budget {budget_ms:.0f} ms), {lost} votes lost, {len(errors)} problems shown")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--participants", type=int, nargs="+", default=[10, 40, room.MAX_CAPACITY],
                        help=f"room sizes to run (a room holds at most {room.MAX_CAPACITY})")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--postgres", action="store_true", help=f"store rooms in PostgreSQL ({PG_BASE})")
    parser.add_argument("--verbose", action="store_true", help="print every round's vote latencies")
    args = parser.parse_args()
    load = os.getloadavg()
    print(f"load average at start {load[0]:.1f} on {os.cpu_count()} CPUs"
          + ("; latencies include waiting for a CPU" if load[0] > (os.cpu_count() or 1) else ""))
    backend = "postgres" if args.postgres else "sqlite"
    runs = []
    print(f"{'N':>4} {'joined s':>8} {'vote p50':>9} {'p95':>7} {'max':>7} {'reveal p50':>10} {'p95':>7} {'max':>7} "
          f"{'MiB/part':>8} {'lost':>4} {'srv CPU ms/round':>16} {'load':>5}  backend={backend}")
    for n in args.participants:
        r = one_n(n, args.rounds, PG_BASE if args.postgres else None, args.verbose)
        runs.append(r)
        v, rv = r["vote_ms"], r["reveal_ms"]
        print(f"{n:4d} {r['joined_s']:8.2f} {v['p50']:9.1f} {v['p95']:7.1f} {v['max']:7.1f} {rv['p50']:10.1f} "
              f"{rv['p95']:7.1f} {rv['max']:7.1f} {r['mib_per_participant']:8.2f} {r['votes_lost']:4d} "
              f"{r['server_cpu_ms_per_round']:16.0f} {r['load_average_after'][0]:5.1f}"
              + (f"  problems: {r['errors']}" if r["errors"] else ""), flush=True)
    path = write_results(f"live_e2e_{backend}", {"budget_ms": BUDGET_MS, "backend": backend,
                                                 "load_average_at_start": load, "runs": runs, **machine()})
    print(f"results: {path}")
    pick = min(runs, key=lambda r: abs(r["participants"] - VERDICT_N))
    sys.exit(finish(judge(pick["participants"], pick["votes_lost"], pick["errors"], pick["vote_ms"]["p95"],
                          pick["reveal_ms"]["p95"])))


if __name__ == "__main__":
    main()
