"""`mentor-course room ...`: create, list, export, delete and expire live rooms from a terminal.

Thin: each command parses its options, calls one :class:`~widgets.live.store.RoomStore` method and
prints the result. Registered lazily by ``widgets.cli`` (``LAZY_COMMANDS``). The store is the one
`mentor-course serve` uses: ``--store URL``, else ``--data-dir``, else ``$MENTOR_COURSE_ROOMS_URL`` or
``$MENTOR_COURSE_DATA``, else ``mentor-data/`` beside the course (serve's default).
"""

from __future__ import annotations

import json
import os
from datetime import datetime, timezone
from pathlib import Path

import click

from widgets.live.errors import LiveError

PAGES = "voila/render/live/"
PARTICIPANT_PATH = "live/join"  # served by the server itself (widgets/live/web)


def store_url(store: str | None, data_dir: Path | None) -> str:
    """The store URL the options (or the environment, or serve's default data folder) name."""
    from widgets.content.loader import find_root
    from widgets.live.store import DATA_ENV, DB_FILE, URL_ENV, default_url

    if store:
        return store
    if data_dir is not None:
        return f"sqlite:///{data_dir.resolve() / DB_FILE}"
    if os.environ.get(URL_ENV) or os.environ.get(DATA_ENV):
        return default_url()
    root = find_root()
    if root is not None:
        return f"sqlite:///{(root / 'mentor-data').resolve() / DB_FILE}"
    return default_url()


def _open(store: str | None, data_dir: Path | None):
    from widgets.live.store import RoomStore

    url = store_url(store, data_dir)
    if data_dir is not None:
        data_dir.mkdir(parents=True, exist_ok=True)  # as `mentor-course serve` does; a --store URL is used as given
    try:
        return RoomStore(url)
    except LiveError as exc:
        raise click.ClickException(str(exc)) from None


def _when(ts: float) -> str:
    return datetime.fromtimestamp(ts, timezone.utc).strftime("%Y-%m-%d %H:%M UTC")


store_option = click.option("--store", metavar="URL", help="sqlite:///path/to/rooms.sqlite3 or postgresql://user@host/db")
data_option = click.option("--data-dir", type=click.Path(file_okay=False, path_type=Path),
                           help="The data folder given to `mentor-course serve` (the store is a file in it).")


@click.group()
def room() -> None:
    """Live cohort rooms: create, list, export, delete, expire."""


@room.command()
@click.argument("scenario", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--hours", type=click.FloatRange(1 / 60, 720), default=None,
              help="Hours before the room and its data are deleted (default: $MENTOR_COURSE_ROOM_HOURS or 12).")
@click.option("--capacity", type=click.IntRange(1, 500), default=60, show_default=True, help="Places for participants.")
@click.option("--server", default="http://127.0.0.1:8866/", show_default=True,
              help="The address participants use to reach `mentor-course serve` (for the printed links).")
@store_option
@data_option
def create(scenario: Path, hours: float | None, capacity: int, server: str, store: str | None,
           data_dir: Path | None) -> None:
    """Open a room for SCENARIO and print its code, its join link and the private facilitator link."""
    from widgets.content.errors import ContentInvalid
    from widgets.content.loader import find_root, load_course
    from widgets.live.codes import format_code
    from widgets.live.store import default_ttl, scenario_payload

    root = find_root(scenario.resolve().parent)
    course = None
    if root is not None:
        try:
            course = load_course(root / "modules" / "course.yaml")
        except ContentInvalid:
            course = None
    try:
        payload = scenario_payload(scenario, course=course)
    except ContentInvalid as exc:
        for err in exc.errors:
            click.echo(str(err), err=True)
        raise click.ClickException(f"{scenario} has {len(exc.errors)} problem(s); fix them first") from None
    base = server if server.endswith("/") else server + "/"
    with _open(store, data_dir) as st:
        try:
            new = st.create_room(payload, ttl=(hours * 3600) if hours else default_ttl(), capacity=capacity)
        except LiveError as exc:
            raise click.ClickException(str(exc)) from None
        click.echo(f"room {new.room_id} for '{payload['scenario']['title']}' in {st.description}")
    click.echo(f"join code:         {format_code(new.code)}")
    click.echo(f"join link:         {base}{PARTICIPANT_PATH}?code={new.code}")
    click.echo(f"facilitator link:  {base}{PAGES}facilitator.ipynb?key={new.key}")
    click.echo("Keep the facilitator link private: whoever has it controls the room.")


@room.command("list")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@store_option
@data_option
def list_(fmt: str, store: str | None, data_dir: Path | None) -> None:
    """List every room in the store."""
    from widgets.live.codes import format_code

    with _open(store, data_dir) as st:
        rooms = st.list_rooms()
    if fmt == "json":
        click.echo(json.dumps([r.__dict__ for r in rooms], indent=2))
        return
    for r in rooms:
        click.echo(f"{r.id}  {format_code(r.code)}  {r.phase:<12}  {r.participants:>3} in  expires {_when(r.expires_at)}  "
                   f"{r.title}")
    click.echo(f"{len(rooms)} room{'' if len(rooms) == 1 else 's'}")


@room.command()
@click.argument("room_id_or_code")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@store_option
@data_option
def delete(room_id_or_code: str, yes: bool, store: str | None, data_dir: Path | None) -> None:
    """Delete a room (by id or join code) with everything recorded in it."""
    if not yes:
        click.confirm(f"Delete room {room_id_or_code} and all its data?", abort=True)
    with _open(store, data_dir) as st:
        try:
            gone = st.delete_by_operator(room_id_or_code)
        except LiveError as exc:
            raise click.ClickException(str(exc)) from None
    click.echo(f"deleted room {gone.id} ({gone.title})")


@room.command()
@store_option
@data_option
def expire(store: str | None, data_dir: Path | None) -> None:
    """Delete every room past its expiry time, with its data."""
    with _open(store, data_dir) as st:
        gone = st.expire()
    click.echo(f"deleted {len(gone)} expired room{'' if len(gone) == 1 else 's'}")


@room.command()
@click.argument("key")
@click.option("-o", "--output", type=click.Path(file_okay=False, path_type=Path), required=True,
              help="Folder to write the CSV files into.")
@store_option
@data_option
def export(key: str, output: Path, store: str | None, data_dir: Path | None) -> None:
    """Write a room's results as CSV files (KEY: the facilitator link, or the key in it)."""
    from widgets.live.debrief import export_tables, to_csv
    from widgets.ui.live.links import key_from

    secret = key_from(key)
    with _open(store, data_dir) as st:
        try:
            rs = st.room_for_key(secret)
            snap = st.snapshot(rs.id)
            votes = st.all_votes(secret)
            tables = export_tables(st.scenario(rs.id), snap, votes, st.payload(rs.id).get("competencies") or {})
        except LiveError as exc:
            raise click.ClickException(str(exc)) from None
    output.mkdir(parents=True, exist_ok=True)
    for name, rows in tables.items():
        (output / name).write_text("\ufeff" + to_csv(rows), encoding="utf-8", newline="")
    click.echo(f"wrote {len(tables)} CSV files to {output}")


__all__ = ["room", "store_url"]
