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
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.conftest import REPO

pytestmark = [pytest.mark.slow, pytest.mark.browser]

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

    The test's own interpreter may live under /root (pyenv), which other users cannot enter; a venv
    from the system's Python of the same version, with a .pth that adds this environment's
    site-packages and share/jupyter, runs the same code as any user. (A programme installs the course into a venv under
    /opt instead: deploy/jupyterhub/README.md.)"""
    system = Path(f"/usr/bin/python{sys.version_info.major}.{sys.version_info.minor}")
    if not system.exists():
        return sys.executable
    env = root / "singleuser-env"
    subprocess.run([str(system), "-m", "venv", "--without-pip", str(env)], check=True)
    site = next(p for p in sys.path if p.endswith("site-packages") and Path(p).is_dir())
    (next((env / "lib").glob("python3*/site-packages")) / "mentor_course_hub.pth").write_text(
        f"import site; site.addsitedir({site!r})\n", encoding="utf-8")
    # Commands the servers run from PATH (nbgrader runs `alembic`), started by this Python.
    for command, module in (("alembic", "alembic.config"), ("nbgrader", "nbgrader.apps.nbgraderapp")):
        script = env / "bin" / command
        script.write_text(f"#!{env / 'bin' / 'python'}\nimport sys\nfrom {module} import main\nsys.exit(main())\n")
        script.chmod(0o755)
    # Jupyter finds templates (Voilà's), lab extensions (the widgets') and server config under sys.prefix.
    for folder in ("share", "etc"):
        if (Path(sys.prefix) / folder).is_dir():
            (env / folder).symlink_to(Path(sys.prefix) / folder, target_is_directory=True)
    return str(env / "bin" / "python")


@dataclass
class Hub:
    url: str
    log: Path
    root: Path
    python: str
    users: list[str] = field(default_factory=list)
    #: The mentors who signed in and played, once the first test has passed.
    mentors: list[str] = field(default_factory=list)

    def name(self, role: str) -> str:
        """A fresh hub (and Unix) user name; every one is removed after the test."""
        name = f"mc{secrets.token_hex(3)}-{role}"
        self.users.append(name)
        return name


@pytest.fixture(scope="module")
def hub() -> Iterator[Hub]:
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
    state = Hub(f"http://127.0.0.1:{port}", log, root, env["MENTOR_HUB_SINGLEUSER_PYTHON"])
    admin = state.name("admin")
    env["MENTOR_HUB_ADMINS"] = admin
    env["MENTOR_HUB_TRAINERS"] = state.name("trainer")
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
    uid = pwd.getpwnam(name).pw_uid
    tick = os.sysconf("SC_CLK_TCK")
    rss_kib, cpu, count = 0, 0.0, 0
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            if proc.stat().st_uid != uid:
                continue
            status = (proc / "status").read_text()
            fields = (proc / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        rss_kib += next((int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS:")), 0)
        cpu += (int(fields[11]) + int(fields[12])) / tick  # utime + stime
        count += 1
    return {"rss_mib": round(rss_kib / 1024, 1), "cpu_seconds": round(cpu, 1), "processes": count}


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

    pages = {}
    for name in (ana, ben):
        page = _sign_in(browser, hub, name)
        # The hub spawns the mentor's own server, which opens the course's landing page (default_url).
        page.wait_for_url(f"**/user/{name}/mentor-course", timeout=SPAWN_TIMEOUT_MS)
        assert f"signed in as {name}" in page.inner_text("main")
        assert page.locator("a", has_text="Open JupyterLab").get_attribute("href") == "lab"
        pages[name] = page

    for name, page in pages.items():
        page.locator("a[href*='01-foundations/module.ipynb']").first.click()
        page.wait_for_url(f"**/user/{name}/voila/render/course/modules/01-foundations/module.ipynb*")
        player = page.locator("[data-testid=player]").first
        try:
            player.locator("[data-testid=continue], [data-choice]").first.wait_for(timeout=SPAWN_TIMEOUT_MS)
            if player.locator("[data-testid=continue]").count():  # a content note comes before the scenario
                player.locator("[data-testid=continue]").click()
            player.locator("[data-testid=choices] [data-choice]").first.click()
        except Exception:
            ARTIFACTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / f"module-01-{name.rsplit('-', 1)[-1]}.png"), full_page=True)
            raise

    docs = {name: _wait_for_event(_progress(name)) for name in pages}
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


ASSIGNMENT = "01-foundations-reflection"
COURSE_ID = "mixed-heritage-mentoring"


def _as_user(hub: Hub, name: str, *args: str, cwd: Path) -> subprocess.CompletedProcess:
    """Run nbgrader as Unix user ``name`` with the environment the hub gives that user's server."""
    home = pwd.getpwnam(name).pw_dir
    env = ["env", "-i", f"HOME={home}", f"USER={name}", f"PATH={Path(hub.python).parent}:/usr/bin:/bin",
           f"JUPYTER_CONFIG_PATH={CONFIG.parent / 'singleuser'}", f"MENTOR_COURSE_EXCHANGE={hub.root / 'exchange'}"]
    return subprocess.run(["runuser", "-u", name, "--", *env, hub.python, "-m", "nbgrader", *args],
                          cwd=cwd, capture_output=True, text=True, timeout=180)


def test_trainers_round_through_the_nbgrader_exchange(hub: Hub) -> None:
    """A trainer releases, each mentor fetches and submits as their own Unix user, the trainer collects
    and autogrades: nbgrader's exchange as deploy/jupyterhub configures it (the CLI each server runs)."""
    if not hub.mentors:
        pytest.skip("the sign-in test did not get two mentors onto the hub")
    trainer = hub.users[1]
    subprocess.run(["useradd", "--create-home", "--user-group", "--shell", "/usr/sbin/nologin", trainer], check=True)
    entry = pwd.getpwnam(trainer)
    Path(entry.pw_dir).chmod(0o700)  # as the hub's pre_spawn_hook makes every user's home
    course = Path(entry.pw_dir) / "course"
    shutil.copytree(REPO / "course", course, ignore=shutil.ignore_patterns("gradebook.db", "release", "submitted",
                                                                              "autograded", "feedback"))
    subprocess.run(["chown", "-R", f"{trainer}:{trainer}", str(course)], check=True)

    def ok(result: subprocess.CompletedProcess) -> str:
        assert result.returncode == 0, result.stdout + result.stderr
        return result.stdout + result.stderr

    ok(_as_user(hub, trainer, "generate_assignment", ASSIGNMENT, "--force", cwd=course))
    ok(_as_user(hub, trainer, "release_assignment", ASSIGNMENT, cwd=course))
    mentor, other = hub.mentors  # one mentor submits (each nbgrader command takes seconds to start)
    home = Path(pwd.getpwnam(mentor).pw_dir)
    ok(_as_user(hub, mentor, "fetch_assignment", ASSIGNMENT, "--course", COURSE_ID, cwd=home))
    fetched = home / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
    assert fetched.stat().st_uid == pwd.getpwnam(mentor).pw_uid
    ok(_as_user(hub, mentor, "submit", ASSIGNMENT, "--course", COURSE_ID, cwd=home))
    ok(_as_user(hub, trainer, "collect", ASSIGNMENT, cwd=course))
    assert (course / "submitted" / mentor / ASSIGNMENT / f"{ASSIGNMENT}.ipynb").is_file()
    ok(_as_user(hub, trainer, "autograde", ASSIGNMENT, cwd=course))
    graded = course / "autograded" / mentor / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
    assert graded.is_file() and graded.stat().st_uid == entry.pw_uid
    # A mentor cannot read the trainer's course folder (the submissions), nor another mentor's copy.
    for reader, target in ((other, course / "submitted"), (other, Path(pwd.getpwnam(mentor).pw_dir) / ASSIGNMENT)):
        peek = subprocess.run(["runuser", "-u", reader, "--", "ls", str(target)], capture_output=True, text=True)
        assert peek.returncode != 0 and "Permission denied" in peek.stderr
