# The course on JupyterHub, on one machine: sign-in, one server (and one Unix user) per mentor, roles for
# trainers and facilitators, every mentor's server opening the course's landing page in Voila.
# Read README.md beside this file first. Run as root (LocalProcessSpawner starts each server as its user):
#
#     jupyterhub -f deploy/jupyterhub/jupyterhub_config.py
#
# Everything a programme changes is an environment variable (MENTOR_HUB_*), so this file is used as it is.
import importlib.util
import os
import pwd
import shutil
import subprocess
import sys
from pathlib import Path

c = get_config()  # noqa: F821 - provided by JupyterHub's config loader

HERE = Path(__file__).resolve().parent


def _env(name: str, default: str = "") -> str:
    return os.environ.get(name, default).strip()


def _names(name: str) -> set[str]:
    """A comma-separated list of hub user names from the environment."""
    return {n.strip() for n in _env(name).split(",") if n.strip()}


COURSE_DIR = Path(_env("MENTOR_HUB_COURSE_DIR", str(HERE.parent.parent))).resolve()
STATE_DIR = Path(_env("MENTOR_HUB_STATE_DIR", "/srv/mentor-course-hub"))
ADMINS = _names("MENTOR_HUB_ADMINS") or {"course-admin"}
TRAINERS = _names("MENTOR_HUB_TRAINERS")
FACILITATORS = _names("MENTOR_HUB_FACILITATORS")
AUTH = _env("MENTOR_HUB_AUTH", "native")
#: Unix user names are made from hub names, so only names that are valid for both are accepted.
USERNAME_PATTERN = r"^[a-z][a-z0-9-]{1,30}$"

if not (COURSE_DIR / "modules" / "course.yaml").is_file():
    raise SystemExit(f"MENTOR_HUB_COURSE_DIR={COURSE_DIR} has no modules/course.yaml: point it at the course folder")
STATE_DIR.mkdir(parents=True, exist_ok=True, mode=0o700)

# ------------------------------------------------------------------------------------------ the hub
c.JupyterHub.bind_url = _env("MENTOR_HUB_BIND_URL", "http://0.0.0.0:8000/")
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = int(_env("MENTOR_HUB_HUB_PORT", "8081"))
c.ConfigurableHTTPProxy.api_url = _env("MENTOR_HUB_PROXY_API_URL", "http://127.0.0.1:8001")
c.JupyterHub.db_url = _env("MENTOR_HUB_DB_URL", f"sqlite:///{STATE_DIR / 'jupyterhub.sqlite'}")
c.JupyterHub.cookie_secret_file = str(STATE_DIR / "jupyterhub_cookie_secret")
c.ConfigurableHTTPProxy.pid_file = str(STATE_DIR / "jupyterhub-proxy.pid")
# Users who were approved stay approved across restarts; the hub's database is the roster.
c.Authenticator.allow_existing_users = True
c.Authenticator.admin_users = ADMINS
c.Authenticator.username_pattern = USERNAME_PATTERN


# ------------------------------------------------------------------------------------------ sign-in
def _role_groups(name: str) -> list[str]:
    """The groups a hub user belongs to: everyone named as a trainer or facilitator is in that group;
    everyone else is a mentor. Decided at each sign-in, so a change in MENTOR_HUB_* applies at once."""
    groups = [g for g, names in (("trainers", TRAINERS), ("facilitators", FACILITATORS)) if name in names]
    return groups or ["mentors"]


if AUTH == "native":
    # Small programmes: mentors sign up with a name and password; nobody gets in until a course admin
    # approves them at /hub/authorize. No outside service to run, and the admin sees every person.
    from nativeauthenticator import NativeAuthenticator
    from nativeauthenticator.handlers import LoginHandler as NativeLoginHandler

    class _NoTimer:
        def start(self):
            return self

        def stop(self, send: bool = True) -> None:
            return None

    class _NoStatsd:
        def timer(self, name: str) -> _NoTimer:
            return _NoTimer()

    class CourseLoginHandler(NativeLoginHandler):
        """NativeAuthenticator 1.3.0 (its latest release) times sign-ins with the handler's ``statsd``,
        which JupyterHub 6 removed; without this every sign-in fails with a 500. Remove this class when
        a NativeAuthenticator release no longer uses ``self.statsd``."""

        @property
        def statsd(self) -> _NoStatsd:
            return _NoStatsd()

    class CourseNativeAuthenticator(NativeAuthenticator):
        """NativeAuthenticator whose sign-in also sets the user's course groups (mentors, trainers, facilitators)."""

        def get_handlers(self, app):
            return [(path, CourseLoginHandler if handler is NativeLoginHandler else handler)
                    for path, handler in super().get_handlers(app)]

        async def authenticate(self, handler, data):
            name = await super().authenticate(handler, data)
            if not name:
                return name
            return {"name": name, "groups": _role_groups(name)}

    c.JupyterHub.authenticator_class = CourseNativeAuthenticator
    # NativeAuthenticator lets in only the users an admin approved, so JupyterHub's own allow list is
    # not needed on top of it (JupyterHub 5+ lets nobody in unless one of the two says so).
    c.Authenticator.allow_all = True
    c.NativeAuthenticator.open_signup = False  # every sign-up waits for an admin's approval
    c.NativeAuthenticator.minimum_password_length = 10
    c.NativeAuthenticator.check_common_password = True
    c.NativeAuthenticator.allowed_failed_logins = 5
    c.NativeAuthenticator.seconds_before_next_try = 300
    import nativeauthenticator

    c.JupyterHub.template_paths = [str(Path(nativeauthenticator.__file__).parent / "templates")]
elif AUTH == "oauth":
    # An organisation's sign-in (OpenID Connect: Microsoft Entra, Google Workspace, Keycloak, ...).
    # The provider's groups claim says who is a trainer or facilitator.
    from oauthenticator.generic import GenericOAuthenticator

    c.JupyterHub.authenticator_class = GenericOAuthenticator
    c.GenericOAuthenticator.client_id = _env("MENTOR_HUB_OAUTH_CLIENT_ID")
    c.GenericOAuthenticator.client_secret = _env("MENTOR_HUB_OAUTH_CLIENT_SECRET")
    c.GenericOAuthenticator.oauth_callback_url = _env("MENTOR_HUB_OAUTH_CALLBACK_URL")
    c.GenericOAuthenticator.authorize_url = _env("MENTOR_HUB_OAUTH_AUTHORIZE_URL")
    c.GenericOAuthenticator.token_url = _env("MENTOR_HUB_OAUTH_TOKEN_URL")
    c.GenericOAuthenticator.userdata_url = _env("MENTOR_HUB_OAUTH_USERDATA_URL")
    c.GenericOAuthenticator.scope = ["openid", "profile", "email"]
    c.GenericOAuthenticator.username_claim = "preferred_username"
    c.GenericOAuthenticator.claim_groups_key = "groups"
    c.GenericOAuthenticator.manage_groups = True
    c.GenericOAuthenticator.allowed_groups = {"mentors", "trainers", "facilitators"}
elif AUTH == "lti":
    # Launch from a learning platform (Moodle, Canvas, Blackboard) with LTI 1.3: the LMS signs the
    # learner in; its course roles decide who is a trainer (Instructor) or a mentor (Learner).
    from ltiauthenticator.lti13.auth import LTI13Authenticator

    c.JupyterHub.authenticator_class = LTI13Authenticator
    c.LTI13Authenticator.issuer = _env("MENTOR_HUB_LTI_ISSUER")
    c.LTI13Authenticator.authorize_url = _env("MENTOR_HUB_LTI_AUTHORIZE_URL")
    c.LTI13Authenticator.jwks_endpoint = _env("MENTOR_HUB_LTI_JWKS_URL")
    c.LTI13Authenticator.client_id = _names("MENTOR_HUB_LTI_CLIENT_ID")
    c.LTI13Authenticator.username_key = "sub"
else:
    raise SystemExit(f"MENTOR_HUB_AUTH={AUTH!r}: use native, oauth or lti")

# Groups come from sign-in (above), so JupyterHub's own group editing is off and nothing drifts.
c.Authenticator.manage_groups = True

# ------------------------------------------------------------------------------------------ roles
# Mentors have JupyterHub's default "user" role: their own server only. Trainers see mentors and can
# start or stop their servers (never open them: a mentor's work is read through nbgrader's exchange).
# Facilitators see who is on the hub, to run live rooms.
c.JupyterHub.load_roles = [
    {"name": "mentor", "description": "A mentor taking the course: their own server only.",
     "scopes": ["self"], "groups": ["mentors"]},
    {"name": "trainer", "description": "Runs the trainers' round: sees mentors, starts and stops their servers.",
     "scopes": ["self", "list:users", "read:users!group=mentors", "servers!group=mentors", "read:groups"],
     "groups": ["trainers"]},
    {"name": "facilitator", "description": "Runs live rooms: sees who is on the hub.",
     "scopes": ["self", "list:users", "read:users:name", "read:users:activity!group=mentors"],
     "groups": ["facilitators"]},
]

# ------------------------------------------------------------------------------------------ servers
c.JupyterHub.spawner_class = "jupyterhub.spawner.LocalProcessSpawner"
# The Python that runs each mentor's server and kernels: it must be one every Unix user can run (an
# environment under /opt, not under /root); by default the hub's own.
SINGLEUSER_PYTHON = _env("MENTOR_HUB_SINGLEUSER_PYTHON", sys.executable)
c.Spawner.cmd = [SINGLEUSER_PYTHON, "-m", "jupyterhub.singleuser"]
c.Spawner.notebook_dir = "~"
# Each mentor's server opens the course's landing page (widgets/hub/extension.py); JupyterLab is /lab.
c.Spawner.default_url = "/mentor-course"
c.Spawner.environment = {
    "JUPYTER_CONFIG_PATH": str(HERE / "singleuser"),
    "MENTOR_COURSE_ROOT": str(COURSE_DIR),
    # That environment's commands first: nbgrader runs `alembic` from PATH, and the hub's own PATH may
    # name an environment the mentors cannot run.
    "PATH": os.pathsep.join([str(Path(SINGLEUSER_PYTHON).parent), "/usr/local/bin", "/usr/bin", "/bin"]),
}
# nbgrader's exchange: one folder every user can write into (sticky, like /tmp), where trainers release
# and collect and mentors fetch and submit (deploy/jupyterhub/singleuser/nbgrader_config.py reads it).
EXCHANGE_DIR = Path(_env("MENTOR_HUB_EXCHANGE_DIR", "/srv/nbgrader/exchange"))
EXCHANGE_DIR.mkdir(parents=True, exist_ok=True)
EXCHANGE_DIR.chmod(0o1777)
c.Spawner.environment["MENTOR_COURSE_EXCHANGE"] = str(EXCHANGE_DIR)
#: The trainers' gradebook (nbgrader's tables and the course's rubric grades and safeguarding flags), shared
#: by every trainer's server: a PostgreSQL URL. Given to trainers' servers only (make_unix_user below): it
#: holds every mentor's grades, so a mentor's server must not be able to reach it.
GRADEBOOK_URL = _env("MENTOR_HUB_GRADEBOOK_URL")
if GRADEBOOK_URL and not GRADEBOOK_URL.startswith("postgresql"):
    raise SystemExit(f"MENTOR_HUB_GRADEBOOK_URL={GRADEBOOK_URL!r}: give a PostgreSQL URL "
                     "(postgresql+psycopg://user:password@host/database); trainers on separate servers share it")
#: Where each trainer's own nbgrader course (a copy of the course's course/ folder) is made, in their home.
TRAINER_COURSE = "nbgrader-course"

# Live rooms across servers: every mentor's server must use the same store, so on a hub it is PostgreSQL
# (without this each mentor would get a private SQLite file in their home, and rooms would not be shared).
if _env("MENTOR_HUB_ROOMS_URL"):
    if not _env("MENTOR_HUB_ROOMS_URL").startswith(("postgresql://", "postgres://")):
        raise SystemExit(f"MENTOR_HUB_ROOMS_URL={_env('MENTOR_HUB_ROOMS_URL')!r}: give a PostgreSQL URL in libpq's form, "
                         "postgresql://user:password@host:5432/database (every server shares it)")
    c.Spawner.environment["MENTOR_COURSE_ROOMS_URL"] = _env("MENTOR_HUB_ROOMS_URL")
c.Spawner.start_timeout = int(_env("MENTOR_HUB_START_TIMEOUT", "120"))
c.Spawner.http_timeout = int(_env("MENTOR_HUB_HTTP_TIMEOUT", "120"))
c.Spawner.mem_limit = _env("MENTOR_HUB_MEM_LIMIT") or None


def make_unix_user(spawner) -> None:
    """One Unix user per hub user, made on first start: a private home (0700) that holds the mentor's
    progress, drafts and exports, and a link to the course there. Names were checked against
    USERNAME_PATTERN at sign-up, so they are valid Unix names."""
    name = spawner.user.name
    try:
        entry = pwd.getpwnam(name)
    except KeyError:
        subprocess.run(["useradd", "--create-home", "--user-group", "--shell", "/usr/sbin/nologin",
                        "--comment", "mentor-course hub user", name], check=True)
        entry = pwd.getpwnam(name)
    home = Path(entry.pw_dir)
    home.mkdir(mode=0o700, exist_ok=True)
    os.chown(home, entry.pw_uid, entry.pw_gid)
    home.chmod(0o700)
    link = home / "course"
    if not link.is_symlink() and not link.exists():
        link.symlink_to(COURSE_DIR, target_is_directory=True)
        os.lchown(link, entry.pw_uid, entry.pw_gid)
    if "trainers" in {g.name for g in spawner.user.groups}:
        prepare_trainer(spawner, entry)


def prepare_trainer(spawner, entry: pwd.struct_passwd) -> None:
    """A trainer's server: their own nbgrader course, copied from the course's ``course/`` folder on first
    start (nbgrader writes releases, submissions and feedback into it, so it cannot be the shared, read-only
    course), and the shared gradebook's URL. Later starts keep the copy as it is: it holds their work."""
    home = Path(entry.pw_dir)
    target = home / TRAINER_COURSE
    if not target.exists():
        shutil.copytree(COURSE_DIR / "course", target, symlinks=False, ignore=shutil.ignore_patterns(
            "gradebook.db", "release", "submitted", "autograded", "feedback", "private", ".ipynb_checkpoints"))
        for folder, _dirs, files in os.walk(target):
            os.chown(folder, entry.pw_uid, entry.pw_gid)
            for name in files:
                os.chown(os.path.join(folder, name), entry.pw_uid, entry.pw_gid)
    if GRADEBOOK_URL:
        spawner.environment = {**spawner.environment, "MENTOR_COURSE_GRADEBOOK_URL": GRADEBOOK_URL}


c.Spawner.pre_spawn_hook = make_unix_user

# ------------------------------------------------------------------------------------------ culling
CULL_SECONDS = int(_env("MENTOR_HUB_CULL_SECONDS", "3600"))
if CULL_SECONDS > 0 and importlib.util.find_spec("jupyterhub_idle_culler") is not None:
    c.JupyterHub.services = [{"name": "idle-culler",
                              "command": [sys.executable, "-m", "jupyterhub_idle_culler", f"--timeout={CULL_SECONDS}"]}]
    c.JupyterHub.load_roles.append({"name": "idle-culler", "services": ["idle-culler"],
                                    "scopes": ["list:users", "read:users:activity", "read:servers", "delete:servers"]})
