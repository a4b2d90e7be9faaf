"""`mentor-course serve`: parse options, check the course, start the app, print the URL.

Registered lazily by ``widgets.cli`` (``LAZY_COMMANDS``), so other commands never import Voilà.
"""

from __future__ import annotations

import ipaddress
import sys
from pathlib import Path

import click

from widgets.content.resources import REGION_ENV
from widgets.serving.clients import parse_proxies
from widgets.serving.settings import ServeSettings, stock_settings

#: Tunings an operator (or a benchmark) can switch off one at a time with --no-tuning NAME.
TUNINGS: dict[str, dict[str, object]] = {
    "preheat": {"pool_size": 0},
    "xsrf-cookie": {"xsrf_cookie": False},
    "tcp-nodelay": {"tcp_nodelay": False},
    "immutable-cache": {"immutable_cache": False},
    "course-template": {"course_template": False},
    "extension-allowlist": {"extension_allowlist": ()},
    "culling": {"cull_idle_timeout": 0},
    "short-fill-delay": {"fill_delay": 1.0},
}


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def settings_from_options(course_dir: Path | None, data_dir: Path | None, host: str, port: int, base_url: str,
                          pool_size: int, cull_idle: int, no_tuning: tuple[str, ...], stock: bool,
                          max_kernels: int = 40, kernels_per_client: int = 10, unconnected_timeout: int = 20,
                          trusted_proxy: tuple[str, ...] = ()) -> ServeSettings:
    """Turn the command's options into :class:`ServeSettings`, or raise a ``click`` error that says what
    to change."""
    from widgets.content.errors import ContentInvalid
    from widgets.content.loader import find_root, load_course

    root = course_dir.resolve() if course_dir else find_root()
    if root is None or not (root / "modules" / "course.yaml").is_file():
        where = f"in {course_dir}" if course_dir else "here or in any parent folder"
        raise click.UsageError(f"no modules/course.yaml found {where}; run from the course folder or pass "
                               "--course-dir")
    try:
        load_course(root / "modules" / "course.yaml")
    except ContentInvalid as exc:
        for err in exc.errors:
            click.echo(str(err), err=True)
        raise click.ClickException("modules/course.yaml has problems; fix them (see above), then serve again") \
            from None
    data = (data_dir or root / "mentor-data").resolve()
    modules = (root / "modules").resolve()
    if data == modules or modules in data.parents:
        raise click.BadParameter(f"{data} is inside the served folder {modules}; learner data must live "
                                 "outside it", param_hint="--data-dir")
    if not base_url.startswith("/") or not base_url.endswith("/"):
        raise click.BadParameter(f"{base_url!r} must start and end with '/', e.g. /course/", param_hint="--base-url")
    s = ServeSettings(course_root=root, data_dir=data, host=host, port=port, base_url=base_url,
                      pool_size=pool_size, cull_idle_timeout=cull_idle,
                      # check often enough that a short timeout (as tests use) is honoured
                      cull_interval=max(1, min(60, cull_idle // 2)) if cull_idle else 60)
    try:
        proxies = parse_proxies(trusted_proxy)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--trusted-proxy") from None
    s = s.with_changes(max_kernels=max_kernels, kernels_per_client=kernels_per_client,
                       unconnected_timeout=float(unconnected_timeout), trusted_proxies=proxies)
    if stock:
        s = stock_settings(s)
    for name in no_tuning:
        s = s.with_changes(**TUNINGS[name])
    return s


def region_option(course_root: Path, region: str) -> str:
    """``--region``'s value as a pack's code, or a clear error naming the packs there are."""
    from widgets.content.resources import load_packs, normalise_region

    packs = load_packs(course_root)
    code = normalise_region(region)
    if code not in packs:
        have = ", ".join(sorted(packs)) or "none: add modules/resources/<region>.yaml"
        raise click.BadParameter(f"no resource pack for {region!r} in {course_root / 'modules' / 'resources'} "
                                 f"(packs: {have})", param_hint="--region")
    return code


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on. Anything but a loopback address lets other machines in, without a login.")
@click.option("--port", default=8866, show_default=True, type=click.IntRange(0, 65535),
              help="Port to listen on; 0 picks a free one.")
@click.option("--data-dir", type=click.Path(file_okay=False, path_type=Path),
              help="Folder for learners' saved work and the live-room database (default: mentor-data/ beside "
                   "modules/). Kernels find it in $MENTOR_COURSE_DATA.")
@click.option("--course-dir", type=click.Path(file_okay=False, exists=True, path_type=Path),
              help="Folder holding modules/course.yaml (default: this folder or the nearest parent that has one).")
@click.option("--base-url", default="/", show_default=True, help="URL prefix, when served behind a proxy at a path.")
@click.option("--pool-size", default=1, show_default=True, type=click.IntRange(0, 8),
              help="Kernels kept ready per module page (each uses memory); 0 starts one only when a page opens.")
@click.option("--cull-idle", default=600, show_default=True, type=click.IntRange(0),
              help="Seconds before a kernel whose page is gone is shut down; 0 never.")
@click.option("--max-kernels", default=40, show_default=True, type=click.IntRange(0),
              help="Open module pages (kernels, about 60 MB each) the server runs for visitors in all; past it a "
                   "page says the course is busy. 0: no cap.")
@click.option("--kernels-per-client", default=10, show_default=True, type=click.IntRange(0),
              help="Open module pages one address may hold (a classroom behind one router shares an address: "
                   "raise it there). 0: no cap.")
@click.option("--unconnected-timeout", default=20, show_default=True, type=click.IntRange(0),
              help="Seconds a page's kernel waits for the page to connect before it is shut down; 0 never.")
@click.option("--trusted-proxy", multiple=True,
              help="Address or network of a reverse proxy whose X-Forwarded-For header names the visitor "
                   "(repeatable). Without it, limits apply to the address that connects.")
@click.option("--no-tuning", multiple=True, type=click.Choice(sorted(TUNINGS)),
              help="Switch one of the measured tunings off (repeatable); see docs/serving.md.")
@click.option("--stock", is_flag=True, help="Switch every tuning off: behave like plain Voilà (for comparisons).")
@click.option("--region", default=None,
              help="Region whose resource pack (modules/resources/<region>.yaml) fills crisis lines and other "
                   "resources, e.g. CA; default: region: in course.yaml, else generic. Kernels find it in "
                   "$MENTOR_COURSE_REGION; a mentor can still switch on the page.")
def serve(host: str, port: int, data_dir: Path | None, course_dir: Path | None, base_url: str, pool_size: int,
          cull_idle: int, max_kernels: int, kernels_per_client: int, unconnected_timeout: int,
          trusted_proxy: tuple[str, ...], no_tuning: tuple[str, ...], stock: bool, region: str | None) -> None:
    """Serve the course on this machine: a landing page listing the modules, each module a Voilà page.

    Prints the URL to open. Ctrl-C stops the server and every kernel it started.
    """
    s = settings_from_options(course_dir, data_dir, host, port, base_url, pool_size, cull_idle, no_tuning, stock,
                              max_kernels, kernels_per_client, unconnected_timeout, trusted_proxy)
    if region is not None:
        s = s.with_changes(extra_env={**s.extra_env, REGION_ENV: region_option(s.course_root, region)})
    if not _is_loopback(host):
        click.echo(f"warning: listening on {host}: anyone who can reach this machine can open the course "
                   "(there is no login). Put it behind your organisation's proxy and sign-in.", err=True)

    from widgets.serving.app import PatchNotApplied, build_app

    try:
        app = build_app(s)
    except PatchNotApplied as exc:
        raise click.ClickException(str(exc)) from None
    except OSError as exc:
        raise click.ClickException(f"{exc.strerror or exc}; choose another port with --port") from None
    click.echo(f"Serving {s.modules_dir} (learner data in {s.data_dir})")
    click.echo(f"Open {app.url} in your browser. Press Ctrl-C to stop.", color=False)
    sys.stdout.flush()  # a supervisor or a test may be reading the log for the URL
    app.run()
    click.echo("Stopped; every kernel has been shut down.")
