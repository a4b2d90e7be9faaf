"""The course on a real JupyterHub (issue 18): deploy/jupyterhub/jupyterhub_config.py as a programme runs it.

JupyterHub with configurable-http-proxy on 127.0.0.1, NativeAuthenticator with admin approval and
LocalProcessSpawner, one Unix user per mentor. In Chromium: an admin and two mentors sign up; a mentor
cannot sign in before approval; after it, each mentor's server opens the course's landing page, each
plays a choice in module 01, and each sees only their own progress, saved in their own home and owned
by their own Unix user, which the other cannot read.

Needs root (it creates and removes Unix users), configurable-http-proxy (``npm install -g
configurable-http-proxy``; .ci/run installs it) and the ``hub`` extra.
"""

from __future__ import annotations

import json
import os
import pwd
import secrets
import shutil
import signal
import socket
import stat
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psutil
import pytest

from tests.conftest import REPO
from tests.grading.conftest import ASSIGNMENT  # the grading tests' assignment: both prompts answered

#: Each test has 15 minutes, not the suite's 5: on two cores shared with other work a server's start, a
#: Voilà page's kernel and each nbgrader command take several times their idle-machine time (the steps'
#: seconds are in test-artifacts/hub/steps.json).
pytestmark = [pytest.mark.slow, pytest.mark.browser, pytest.mark.timeout(900)]

CONFIG = REPO / "deploy" / "jupyterhub" / "jupyterhub_config.py"
ARTIFACTS = REPO / "test-artifacts" / "hub"
PASSWORD = "a-long-course-password-4821"
#: A server's first start imports the Jupyter server, JupyterLab and Voilà: slow on two busy cores.
SPAWN_TIMEOUT_MS = 90_000


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _singleuser_python(root: Path) -> str:
    """A Python every Unix user can run, seeing this environment's packages.

    The test's own interpreter may live under /root (pyenv), which other users cannot enter. Its
    installation is hard-linked into ``root`` (same files, no copying, when both are on one filesystem)
    and a venv made from it, with a .pth that adds this environment's site-packages: the same Python,
    to the patch release, as the packages were installed for (Debian's python3.11 is 3.11.2, and
    soupsieve 2.7+, which nbconvert's HTML export uses, needs 3.11.5+: feedback failed with it). The
    interpreter finds its libpython through a small launcher that sets LD_LIBRARY_PATH (its RUNPATH names
    the /root folder); the server's processes inherit it. Without hard links, the system's Python of the
    same minor version is used. (A programme installs the course into a venv under /opt instead:
    deploy/jupyterhub/README.md.)"""
    base = Path(sys.base_prefix)
    linked = root / "python"
    env = root / "singleuser-env"
    stdlib = f"lib/python{sys.version_info.major}.{sys.version_info.minor}"
    parts = [f"bin/python{sys.version_info.major}.{sys.version_info.minor}",
             *(str(p.relative_to(base)) for p in (base / "lib").glob("libpython*")),
             *(str(p.relative_to(base)) for p in (base / stdlib).iterdir() if p.name != "site-packages")]
    (linked / stdlib / "site-packages").mkdir(parents=True)
    (linked / "bin").mkdir()
    if all(subprocess.run(["cp", "-al", str(base / part), str(linked / part)], capture_output=True).returncode == 0
           for part in parts):
        interpreter = linked / "bin" / f"python{sys.version_info.major}.{sys.version_info.minor}"
        subprocess.run([str(interpreter), "-m", "venv", "--without-pip", str(env)], check=True,
                       env=dict(os.environ, LD_LIBRARY_PATH=str(linked / "lib")))
        launcher = env / "bin" / "python-for-hub"
        launcher.write_text(f"#!/bin/sh\nexport LD_LIBRARY_PATH={linked / 'lib'}\nexec {env / 'bin' / 'python'} \"$@\"\n")
        launcher.chmod(0o755)
        python = launcher
    else:
        system = Path(f"/usr/bin/python{sys.version_info.major}.{sys.version_info.minor}")
        if not system.exists():
            return sys.executable
        subprocess.run([str(system), "-m", "venv", "--without-pip", str(env)], check=True)
        python = env / "bin" / "python"
    site = next(p for p in sys.path if p.endswith("site-packages") and Path(p).is_dir())
    (next((env / "lib").glob("python3*/site-packages")) / "mentor_course_hub.pth").write_text(
        f"import site; site.addsitedir({site!r})\n", encoding="utf-8")
    # Commands the servers run from PATH (nbgrader runs `alembic`), started by this Python.
    for command, module in (("alembic", "alembic.config"), ("nbgrader", "nbgrader.apps.nbgraderapp"),
                            ("mentor-course", "widgets.cli")):
        script = env / "bin" / command
        script.write_text(f"#!{env / 'bin' / 'python'}\nimport sys\nfrom {module} import main\nsys.exit(main())\n")
        script.chmod(0o755)
    # Jupyter finds templates (Voilà's), lab extensions (the widgets') and server config under sys.prefix.
    for folder in ("share", "etc"):
        if (Path(sys.prefix) / folder).is_dir():
            (env / folder).symlink_to(Path(sys.prefix) / folder, target_is_directory=True)
    return str(python)


#: Seconds each step of each test took, written to test-artifacts/hub/steps.json (where the minutes go).
STEPS: dict[str, float] = {}
_last = [time.monotonic()]


def _step(name: str) -> None:
    """Record the time since the previous step under ``name``."""
    now = time.monotonic()
    STEPS[name] = round(now - _last[0], 1)
    _last[0] = now


@dataclass
class Hub:
    url: str
    log: Path
    root: Path
    python: str
    users: list[str] = field(default_factory=list)
    #: The mentors who signed in and played, once the first test has passed.
    mentors: list[str] = field(default_factory=list)
    #: The trainers' PostgreSQL gradebook and the live rooms' store (None without a PostgreSQL server).
    gradebook_url: str | None = None
    rooms_url: str | None = None

    def name(self, role: str) -> str:
        """A fresh hub (and Unix) user name; every one is removed after the test."""
        name = f"mc{secrets.token_hex(3)}-{role}"
        self.users.append(name)
        return name


PG_ADMIN = "host=127.0.0.1 port=5432 user=postgres dbname=test connect_timeout=3"


@contextmanager
def _databases(*purposes: str) -> Iterator[dict[str, str | None]]:
    """A new PostgreSQL database per purpose (the trainers' gradebook, the live rooms' store), dropped
    afterwards; each URL is None when no server is reachable (the tests that need one then say so)."""
    try:
        import psycopg

        admin = psycopg.connect(PG_ADMIN, autocommit=True)
    except Exception:  # no driver or no server: the sign-in tests still run
        yield dict.fromkeys(purposes)
        return
    names = {p: f"mentor_hub_{p}_{secrets.token_hex(4)}" for p in purposes}
    try:
        for name in names.values():
            admin.execute(f'CREATE DATABASE "{name}"')
        # nbgrader's gradebook takes SQLAlchemy's form of the URL; the room store takes libpq's.
        scheme = {"gradebook": "postgresql+psycopg"}
        yield {p: f"{scheme.get(p, 'postgresql')}://postgres@127.0.0.1:5432/{name}" for p, name in names.items()}
    finally:
        for name in names.values():
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


@pytest.fixture(scope="module")
def databases() -> Iterator[dict[str, str | None]]:
    with _databases("gradebook", "rooms") as urls:
        yield urls


@pytest.fixture(scope="module")
def hub(databases: dict[str, str | None]) -> Iterator[Hub]:
    if shutil.which("configurable-http-proxy") is None:
        pytest.skip("configurable-http-proxy is not installed: `npm install -g configurable-http-proxy` "
                    "(bash .ci/run does this), then run tests/hub again")
    pytest.importorskip("jupyterhub", reason="JupyterHub is not installed: pip install -e '.[hub]'")
    pytest.importorskip("nativeauthenticator", reason="NativeAuthenticator is not installed: pip install -e '.[hub]'")
    if os.geteuid() != 0:
        pytest.skip("tests/hub must run as root: LocalProcessSpawner starts each mentor's server as their own "
                    "Unix user, and the test creates and removes those users")
    root = Path(tempfile.mkdtemp(prefix="mentor-course-hub-", dir="/var/tmp"))
    root.chmod(0o755)  # the mentors' servers run the Python inside it
    log = root / "jupyterhub.log"
    port = _free_port()
    env = dict(os.environ,
               MENTOR_HUB_STATE_DIR=str(root / "state"),
               MENTOR_HUB_BIND_URL=f"http://127.0.0.1:{port}/",
               MENTOR_HUB_HUB_PORT=str(_free_port()),
               MENTOR_HUB_PROXY_API_URL=f"http://127.0.0.1:{_free_port()}",
               MENTOR_HUB_COURSE_DIR=str(REPO),
               MENTOR_HUB_SINGLEUSER_PYTHON=_singleuser_python(root),
               MENTOR_HUB_EXCHANGE_DIR=str(root / "exchange"),
               MENTOR_HUB_CULL_SECONDS="0")
    state = Hub(f"http://127.0.0.1:{port}", log, root, env["MENTOR_HUB_SINGLEUSER_PYTHON"],
                gradebook_url=databases["gradebook"], rooms_url=databases["rooms"])
    admin = state.name("admin")
    env["MENTOR_HUB_ADMINS"] = admin
    env["MENTOR_HUB_TRAINERS"] = state.name("trainer")
    env["MENTOR_HUB_FACILITATORS"] = state.name("facil")
    for key, url in (("MENTOR_HUB_GRADEBOOK_URL", state.gradebook_url), ("MENTOR_HUB_ROOMS_URL", state.rooms_url)):
        if url:
            env[key] = url
    with log.open("w") as out:
        proc = subprocess.Popen([sys.executable, "-m", "jupyterhub", "-f", str(CONFIG)], cwd=root, env=env,
                                stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{state.url}/hub/api/", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"JupyterHub did not start:\n{log.read_text(errors='replace')[-3000:]}")
            time.sleep(0.5)
        _step("hub: start")
        yield state
    finally:
        proc.send_signal(signal.SIGTERM)  # the hub stops the mentors' servers and the proxy it started
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
        for name in state.users:
            subprocess.run(["pkill", "-KILL", "-u", name], check=False)
            subprocess.run(["userdel", "--remove", name], check=False, capture_output=True)
        ARTIFACTS.mkdir(parents=True, exist_ok=True)  # the hub's log, for a failure's diagnosis
        shutil.copy(log, ARTIFACTS / "jupyterhub.log")
        (ARTIFACTS / "steps.json").write_text(json.dumps(STEPS, indent=2), encoding="utf-8")
        shutil.rmtree(root, ignore_errors=True)


def _sign_up(browser, hub: Hub, name: str) -> str:
    context = browser.new_context()
    page = context.new_page()
    page.goto(f"{hub.url}/hub/signup")
    page.fill("#username_input", name)
    page.fill("#password_input", PASSWORD)
    page.fill("#password_confirmation_input", PASSWORD)
    page.click("#signup_submit")
    page.wait_for_load_state()
    text = page.inner_text("body")
    context.close()
    return text


def _sign_in(browser, hub: Hub, name: str, next_url: str = ""):
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    context.set_default_timeout(60_000)
    page = context.new_page()
    page.goto(f"{hub.url}/hub/login" + (f"?next={next_url}" if next_url else ""))
    page.fill("#username_input", name)
    page.fill("#password_input", PASSWORD)
    page.click("#login_submit")
    return page


def _progress(name: str) -> Path:
    return Path(pwd.getpwnam(name).pw_dir) / "mentor-data" / "progress" / f"{name}.json"


def _usage(name: str) -> dict[str, float]:
    """Resident memory (MiB) and CPU time used so far (s) by every process of Unix user ``name``."""
    rss, cpu, count = 0, 0.0, 0
    for proc in psutil.process_iter(["username", "memory_info", "cpu_times"]):
        info = proc.info
        if info["username"] != name or info["memory_info"] is None or info["cpu_times"] is None:
            continue  # another user's, or one that ended or could not be read while we looked
        rss += info["memory_info"].rss
        cpu += info["cpu_times"].user + info["cpu_times"].system
        count += 1
    return {"rss_mib": round(rss / 2**20, 1), "cpu_seconds": round(cpu, 1), "processes": count}


def _wait_for_event(path: Path, timeout: float = 60) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            doc = json.loads(path.read_text(encoding="utf-8"))
            if doc.get("scenarios"):  # the choice moved a scenario on
                return doc
        except (OSError, ValueError):
            pass
        time.sleep(0.5)
    raise AssertionError(f"no scenario step was saved in {path}")


def test_two_mentors_sign_in_play_module_01_and_each_sees_only_their_own_work(browser, hub: Hub) -> None:
    _step("(between tests)")
    admin = hub.users[0]
    ana, ben = hub.name("ana"), hub.name("ben")
    for name in (admin, ana, ben):
        _sign_up(browser, hub, name)

    # Not approved yet: NativeAuthenticator refuses the sign-in.
    early = _sign_in(browser, hub, ana)
    early.wait_for_load_state()
    assert "/user/" not in early.url and "not been authorized" in early.inner_text("body")
    early.context.close()

    # The course admin approves both mentors (admins are approved when they sign up).
    approve = _sign_in(browser, hub, admin, next_url="/hub/authorize")
    approve.wait_for_url("**/hub/authorize")
    for name in (ana, ben):
        approve.goto(f"{hub.url}/hub/authorize/{name}")
    approve.context.close()
    _step("sign-in: sign up, refuse, approve")

    # Both sign in before either server is up: the hub spawns the two servers at once.
    pages = {name: _sign_in(browser, hub, name) for name in (ana, ben)}
    for name, page in pages.items():
        # The hub spawns the mentor's own server, which opens the course's landing page (default_url).
        page.wait_for_url(f"**/user/{name}/mentor-course", timeout=SPAWN_TIMEOUT_MS)
        assert f"signed in as {name}" in page.inner_text("main")
        assert page.locator("a", has_text="Open JupyterLab").get_attribute("href") == "lab"
    _step("sign-in: two servers spawned")

    for name, page in pages.items():
        page.locator("a[href*='01-foundations/module.ipynb']").first.click()
        page.wait_for_url(f"**/user/{name}/voila/render/course/modules/01-foundations/module.ipynb*")
        player = page.locator("[data-testid=player]").first
        try:
            player.locator("[data-testid=continue], [data-choice]").first.wait_for(timeout=SPAWN_TIMEOUT_MS)
            if player.locator("[data-testid=continue]").count():  # a content note comes before the scenario
                player.locator("[data-testid=continue]").click()
            player.locator("[data-testid=choices] [data-choice]").first.click()
            # The course's Voilà template (deploy/jupyterhub/singleuser/voila.py), not Voilà's stock one: the
            # rendered cells are the page's main landmark, the JupyterLab-only note is hidden, no CDN links
            # (Font Awesome: the template; MathJax: the server's tornado_settings).
            assert page.locator("#rendered_cells[role=main]").count() == 1
            assert page.locator(".mc-lab-only").count() == 1 and not page.locator(".mc-lab-only").is_visible()
            html = page.content().lower()
            assert "cdn.jsdelivr.net" not in html and "ajax/libs/mathjax" not in html
        except Exception:
            ARTIFACTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / f"module-01-{name.rsplit('-', 1)[-1]}.png"), full_page=True)
            raise

    docs = {name: _wait_for_event(_progress(name)) for name in pages}
    _step("sign-in: module 01 played")
    # What one active mentor costs (their server and the kernel of the page they have open), for the
    # capacity table in deploy/jupyterhub/README.md; written beside the hub's log.
    usage = {name: _usage(name) for name in pages}
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "mentor-usage.json").write_text(json.dumps(usage, indent=2), encoding="utf-8")
    assert all(u["processes"] >= 2 for u in usage.values())  # a server and a kernel, as that mentor
    for name, page in pages.items():
        other = ben if name == ana else ana
        path = _progress(name)
        user = pwd.getpwnam(name)
        # Saved in the mentor's own home, by their own Unix user, under their hub name.
        assert path.stat().st_uid == user.pw_uid
        assert stat.S_IMODE(Path(user.pw_dir).stat().st_mode) == 0o700
        assert docs[name]["learner"] == name
        assert other not in path.read_text(encoding="utf-8")
        # The page says who is signed in (no personal ?learner= link on a hub).
        header = page.locator("[data-testid=module-header]").first.text_content() or ""  # "Your saved work" is folded
        assert f"signed in as {name}" in header and other not in header
        # The other mentor's Unix user cannot read this mentor's work.
        peek = subprocess.run(["runuser", "-u", other, "--", "cat", str(path)], capture_output=True, text=True)
        assert peek.returncode != 0 and "Permission denied" in peek.stderr
        page.context.close()
    hub.mentors = [ana, ben]


COURSE_ID = "mixed-heritage-mentoring"
#: The rubric's criteria, as the grading view names its radio groups (course/rubrics/reflection.yaml).
CRITERIA = ["Description and presence", "Emotions, their own and the other person's",
            "Analysis with course concepts", "Assumptions, power and position (cultural humility)", "Action plan"]


def _approve(browser, hub: Hub, *names: str) -> None:
    """The course admin approves sign-ups at /hub/authorize (admins are approved when they sign up)."""
    page = _sign_in(browser, hub, hub.users[0], next_url="/hub/authorize")
    page.wait_for_url("**/hub/authorize")
    for name in names:
        page.goto(f"{hub.url}/hub/authorize/{name}")
    page.context.close()


def _server_env(name: str) -> dict[str, str]:
    """The environment JupyterHub gave ``name``'s single-user server (read from the running process), so a
    command run with it is what that user runs in a terminal of their own server."""
    for proc in psutil.process_iter(["username", "cmdline"]):
        if proc.info["username"] != name or "jupyterhub.singleuser" not in " ".join(proc.info["cmdline"] or []):
            continue
        try:
            return proc.environ()
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            continue
    raise AssertionError(f"no single-user server is running as {name}")


def _in_server(name: str, *command: str, cwd: Path) -> str:
    """Run ``command`` as Unix user ``name`` with their server's environment; fail with its output."""
    env = {k: v for k, v in _server_env(name).items() if "TOKEN" not in k}  # no API token needed
    result = subprocess.run(["runuser", "-u", name, "--", "env", "-i", *(f"{k}={v}" for k, v in env.items()),
                             *command], cwd=cwd, capture_output=True, text=True, timeout=180)
    assert result.returncode == 0, f"{' '.join(command)} as {name}:\n{result.stdout}{result.stderr}"
    return result.stdout + result.stderr


#: A request from a page of the user's own server, as JupyterLab's Assignments tab sends it (the server's
#: XSRF cookie in the header): the nbgrader and Contents APIs of that server, running as that user.
_FETCH = """async ([method, url, body]) => {
  const xsrf = (document.cookie.match(/(?:^|; )_xsrf=([^;]*)/) || [])[1];
  const headers = {"Content-Type": "application/json"};
  if (xsrf) headers["X-XSRFToken"] = decodeURIComponent(xsrf);
  const r = await fetch(url, {method, headers, body: body === null ? undefined : JSON.stringify(body)});
  return {status: r.status, text: await r.text()};
}"""


def _call(page, method: str, url: str, body: object = None) -> object:
    reply = page.evaluate(_FETCH, [method, url, body])
    assert reply["status"] in (200, 201), f"{method} {url}: {reply['status']} {reply['text'][:500]}"
    return json.loads(reply["text"])


def _nbgrader(page, hub: Hub, name: str, action: str) -> list[dict]:
    """Fetch, submit or fetch feedback from ``name``'s own server (nbgrader's assignment_list extension)."""
    reply = _call(page, "POST", f"{hub.url}/user/{name}/assignments/{action}",
                  {"assignment_id": ASSIGNMENT, "course_id": COURSE_ID})
    assert isinstance(reply, list) or reply.get("success"), f"{action} as {name}: {reply}"
    listed = _call(page, "GET", f"{hub.url}/user/{name}/assignments?course_id={COURSE_ID}")
    assert listed["success"], listed
    return [a for a in listed["value"] if a["assignment_id"] == ASSIGNMENT]


@pytest.fixture(scope="module")
def staff(browser, hub: Hub) -> dict[str, Any]:
    """The trainer and the facilitator named in MENTOR_HUB_TRAINERS/_FACILITATORS, signed up and approved
    (one visit of the admin for both), then signed in at once, so both servers spawn together; each test
    takes its person's page (``<role>-page``) and waits for the landing page."""
    if not hub.mentors:
        pytest.skip("the sign-in test did not get two mentors onto the hub")
    names = {"trainer": hub.users[1], "facilitator": hub.users[2]}
    for name in names.values():
        _sign_up(browser, hub, name)
    _approve(browser, hub, *names.values())
    pages = {f"{role}-page": _sign_in(browser, hub, name) for role, name in names.items()}
    _step("staff: sign up, approve, sign in")
    return {**names, **pages}


def test_trainers_round_on_the_hub_through_the_course_views(browser, hub: Hub, staff: dict[str, Any]) -> None:
    """A trainer (hub group trainers) releases; a mentor fetches, answers and submits from their own server;
    the trainer collects, autogrades, grades in course/grading.ipynb (Voilà, on their own server) into the
    PostgreSQL gradebook and returns feedback; the mentor fetches it. Every step runs as its user, with the
    environment the hub gave that user's server."""
    if not hub.gradebook_url:
        pytest.skip("no PostgreSQL server at 127.0.0.1:5432: the hub's trainers share a PostgreSQL gradebook")
    import nbformat
    import psycopg
    from nbgrader.api import Gradebook

    from tests.grading.conftest import STRONG, correct_letters, fill
    from widgets.grading.course import open_course

    trainer = staff["trainer"]
    mentor, other = hub.mentors
    desk = staff["trainer-page"]
    desk.wait_for_url(f"**/user/{trainer}/mentor-course", timeout=SPAWN_TIMEOUT_MS)
    entry = pwd.getpwnam(trainer)
    course = Path(entry.pw_dir) / "nbgrader-course"
    # The hub made the trainer's own nbgrader course and gave only trainers' servers the gradebook.
    assert course.is_dir() and course.stat().st_uid == entry.pw_uid
    assert _server_env(trainer)["MENTOR_COURSE_GRADEBOOK_URL"] == hub.gradebook_url
    assert "MENTOR_COURSE_GRADEBOOK_URL" not in _server_env(mentor)
    _step("trainers: trainer's server spawned")

    # Release (docs/trainers.md, workflow A), as in a terminal of the trainer's server.
    _in_server(trainer, "nbgrader", "generate_assignment", ASSIGNMENT, "--force", cwd=course)
    _in_server(trainer, "nbgrader", "release_assignment", ASSIGNMENT, cwd=course)
    _step("trainers: generate and release")

    # The mentor fetches, answers and submits from their own server.
    own = _sign_in(browser, hub, mentor)
    own.wait_for_url(f"**/user/{mentor}/mentor-course", timeout=SPAWN_TIMEOUT_MS)
    assert [a["status"] for a in _nbgrader(own, hub, mentor, "fetch")] == ["fetched"]
    rel = f"{ASSIGNMENT}/{ASSIGNMENT}.ipynb"
    fetched = _call(own, "GET", f"{hub.url}/user/{mentor}/api/contents/{rel}")

    letters = correct_letters(open_course(course))
    answered = fill(nbformat.from_dict(fetched["content"]), STRONG, letters)
    _call(own, "PUT", f"{hub.url}/user/{mentor}/api/contents/{rel}",
          {"type": "notebook", "format": "json", "content": answered})
    home = Path(pwd.getpwnam(mentor).pw_dir)
    assert (home / rel).stat().st_uid == pwd.getpwnam(mentor).pw_uid  # saved by the mentor's own server
    statuses = {a["status"] for a in _nbgrader(own, hub, mentor, "submit")}
    assert "submitted" in statuses, statuses
    _step("trainers: mentor fetches, answers, submits")

    # Collect and autograde (the course's command: one line per mentor), into the PostgreSQL gradebook.
    _in_server(trainer, "nbgrader", "collect", ASSIGNMENT, cwd=course)
    assert (course / "submitted" / mentor / ASSIGNMENT / f"{ASSIGNMENT}.ipynb").stat().st_uid == entry.pw_uid
    graded = _in_server(trainer, "mentor-course", "grading", "autograde", ASSIGNMENT, cwd=course)
    assert f"{mentor}: ok" in graded
    assert not (course / "gradebook.db").exists()
    _step("trainers: collect and autograde")

    # Grade with the course's rubric view, served by Voilà on the trainer's own server.
    desk.goto(f"{hub.url}/user/{trainer}/voila/render/nbgrader-course/grading.ipynb")
    status = desk.get_by_test_id("grading-status")
    try:
        # the view opens the course's first assignment; the submission is for ASSIGNMENT
        desk.locator(".widget-dropdown", has_text="Assignment").locator("select").select_option(
            label=ASSIGNMENT, timeout=SPAWN_TIMEOUT_MS)
        status.filter(has_text=f"Showing {mentor}").wait_for(timeout=SPAWN_TIMEOUT_MS)
        for criterion in CRITERIA:
            group = desk.get_by_role("group", name=criterion).first
            group.get_by_role("radio", name="3 Reflection", exact=False).check()
        desk.get_by_role("button", name="Save grade for answer 1").click()
        status.filter(has_text=f"Saved answer 1 for {mentor}: 7.5 of 10 points").wait_for()
    except Exception:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        desk.screenshot(path=str(ARTIFACTS / "trainer-grading.png"), full_page=True)
        raise
    with Gradebook(hub.gradebook_url, COURSE_ID) as gb:
        cell = gb.find_submission(ASSIGNMENT, mentor).notebooks[0]
        answer = next(g for g in cell.grades if g.name == "answer-what-would-stop-me")
        assert answer.manual_score == 7.5
        comment = next(c for c in cell.comments if c.name == "answer-what-would-stop-me").manual_comment
    assert comment.startswith("**Rubric: Reflective, 15 of 20**")
    with psycopg.connect(hub.gradebook_url.replace("postgresql+psycopg", "postgresql")) as conn:
        graders = conn.execute("SELECT grader FROM mentor_rubric_grade WHERE student = %s", (mentor,)).fetchall()
    assert graders == [(trainer,)]  # the view knows the trainer by their hub name
    _step("trainers: grade in the grading view")
    desk.context.close()

    # Feedback, returned through the exchange; the mentor fetches it from their own server.
    written = _in_server(trainer, "mentor-course", "grading", "feedback", ASSIGNMENT, "--student", mentor, cwd=course)
    assert "1 feedback file(s) written" in written, written
    released = _in_server(trainer, "nbgrader", "release_feedback", ASSIGNMENT, cwd=course)
    assert f"Releasing feedback for student '{mentor}'" in released, released
    _nbgrader(own, hub, mentor, "fetch_feedback")
    returned = list((home / ASSIGNMENT / "feedback").rglob(f"{ASSIGNMENT}.html"))
    assert len(returned) == 1, (released, sorted(str(p) for p in (hub.root / "exchange").rglob("*")),
                                sorted(str(p) for p in (home / ".local").rglob("*")),
                                [(p.parent.name, p.read_text()) for p in course.rglob("submission_secret.txt")],
                                [p.read_text() for p in home.rglob("submission_secret.txt")])
    assert returned[0].stat().st_uid == pwd.getpwnam(mentor).pw_uid
    _step("trainers: feedback generated, returned, fetched")
    html = returned[0].read_text(encoding="utf-8")
    assert "<strong>Rubric: Reflective, 15 of 20</strong> (7.5 of 10 points)" in html
    own.context.close()

    # The other mentor can read neither the trainer's course (the submissions) nor this mentor's feedback.
    for target in (course / "submitted", returned[0]):
        peek = subprocess.run(["runuser", "-u", other, "--", "ls", str(target)], capture_output=True, text=True)
        assert peek.returncode != 0 and "Permission denied" in peek.stderr


LIVE_WAIT_MS = 30_000


def _press(page, name: str) -> None:
    """Click the facilitator's button ``name`` once it is enabled (the console enables it from the room's state)."""
    page.wait_for_function(
        "(name) => [...document.querySelectorAll('button')].some(b => b.textContent.trim() === name && !b.disabled)",
        arg=name, timeout=LIVE_WAIT_MS)
    page.get_by_role("button", name=name, exact=True).click()


def test_two_mentors_join_one_live_room_from_their_own_servers(browser, hub: Hub, staff: dict[str, Any]) -> None:
    """The facilitator (hub group facilitators) opens a room on their own server; two mentors open the link
    it shares, each lands on the participant page of their own server (widgets.live.web.extension), joins
    under their hub name (not typed) and votes; the facilitator's console lists both hub names and counts
    both votes, all through the PostgreSQL store."""
    if not hub.rooms_url:
        pytest.skip("no PostgreSQL server at 127.0.0.1:5432: servers on a hub share live rooms through PostgreSQL")
    import psycopg

    facilitator = staff["facilitator"]
    ana, ben = hub.mentors
    fac = staff["facilitator-page"]
    fac.wait_for_url(f"**/user/{facilitator}/mentor-course", timeout=SPAWN_TIMEOUT_MS)
    assert _server_env(facilitator)["MENTOR_COURSE_ROOMS_URL"] == hub.rooms_url
    _step("live: facilitator's server spawned")
    fac.goto(f"{hub.url}/user/{facilitator}/voila/render/course/modules/live/facilitator.ipynb")
    people = {}
    try:
        select = fac.get_by_label("Scenario")
        select.wait_for(timeout=SPAWN_TIMEOUT_MS)
        options = [o.replace("\xa0", " ") for o in select.evaluate("s => [...s.options].map(o => o.textContent)")]
        capstone = [k for k, o in enumerate(options) if "Capstone" in o]
        assert capstone, f"no capstone scenario among {options}: {fac.locator('body').inner_text()[:800]}"
        select.select_option(index=capstone[0])
        fac.get_by_role("button", name="Create room").click()
        fac.locator(".mc-live-code").wait_for(timeout=LIVE_WAIT_MS)
        link = fac.locator(".mc-live-link a").get_attribute("href")
        # The link the facilitator shares sends each person to their own server, not the facilitator's.
        assert f"/user/{facilitator}/" not in link and "/hub/user-redirect/" in link, link
        _step("live: room created")

        for name in (ana, ben):
            page = _sign_in(browser, hub, name)  # their server is still running from the first test
            page.wait_for_url(f"**/user/{name}/mentor-course", timeout=SPAWN_TIMEOUT_MS)
            page.goto(link)
            page.wait_for_url(f"**/user/{name}/live/join*")  # the participant page on their own server
            assert page.locator("#mc-name").input_value() == name and page.locator("#mc-name").get_attribute(
                "readonly") is not None  # the hub name, shown and not editable
            page.get_by_role("button", name="Join").wait_for(timeout=SPAWN_TIMEOUT_MS)
            page.get_by_role("button", name="Join").click()
            you = page.locator(".mc-live-you")
            you.wait_for(timeout=LIVE_WAIT_MS)
            assert name in you.inner_text()  # the hub name, which nobody typed
            people[name] = page
        fac.get_by_text("Participants (2 of").wait_for(timeout=LIVE_WAIT_MS)
        _step("live: two mentors joined")
        # The console knows each participant by their hub name; both become mentors, so the room votes.
        fac.get_by_label(ben).select_option("mentor")
        people[ben].locator(".mc-live-you", has_text="the mentor").wait_for(timeout=LIVE_WAIT_MS)
        _press(fac, "Start the role-play")
        _press(fac, "Open votes")
        for page in people.values():
            page.locator(".mc-live-choice").first.wait_for(timeout=LIVE_WAIT_MS)
            page.locator(".mc-live-choice").first.click()
            page.get_by_role("button", name="✓ Your vote:").wait_for(timeout=LIVE_WAIT_MS)
        fac.locator('.mc-live-count[data-voters="2"]').wait_for(timeout=LIVE_WAIT_MS)
        _step("live: two votes counted")
        votes = fac.locator(".mc-live-votes").inner_text() if fac.locator(".mc-live-votes").count() else ""
    except Exception:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        for who, page in (("facilitator", fac), *people.items()):
            page.screenshot(path=str(ARTIFACTS / f"live-{who.rsplit('-', 1)[-1]}.png"), full_page=True)
        raise
    finally:
        for page in (fac, *people.values()):
            page.context.close()
    # Both votes are in the one PostgreSQL store, under the hub names.
    with psycopg.connect(hub.rooms_url.replace("postgresql+psycopg", "postgresql")) as conn:
        voters = conn.execute("SELECT s.name FROM live_votes v JOIN live_seats s ON s.id = v.seat_id").fetchall()
    assert sorted(v[0] for v in voters) == sorted([ana, ben]), (voters, votes)
