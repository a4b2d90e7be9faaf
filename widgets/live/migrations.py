"""The room database's schema, as numbered migrations recorded in the ``live_migrations`` table.

Each migration runs once, in one transaction, and is recorded with its number and name (as
sqlite-utils' ``migrations.py`` does). A store opened on a database whose highest recorded number is
above :data:`LATEST` refuses to touch it: that database was written by a newer package.

The SQL is written once for both SQLite and PostgreSQL (``DOUBLE PRECISION``, ``TEXT``, ``INTEGER`` and
``ON CONFLICT`` mean the same in both). Every table name starts with ``live_`` so the tables can share
a database (or a PostgreSQL schema) with other things. To change the schema, append a migration; never
edit one that has shipped. Pure: stdlib only.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    statements: tuple[str, ...]


TABLE = "live_migrations"
CREATE_TABLE = (f"CREATE TABLE IF NOT EXISTS {TABLE} (version INTEGER PRIMARY KEY, name TEXT NOT NULL, "
                "applied_at DOUBLE PRECISION NOT NULL)")

MIGRATIONS: tuple[Migration, ...] = (
    Migration(1, "rooms, seats, votes, decisions, checklist ticks, join limits", (
        """CREATE TABLE live_rooms (
            id TEXT PRIMARY KEY,
            code TEXT NOT NULL UNIQUE,
            facilitator_hash TEXT NOT NULL UNIQUE,
            scenario_id TEXT NOT NULL,
            title TEXT NOT NULL,
            payload TEXT NOT NULL,
            phase TEXT NOT NULL,
            history TEXT NOT NULL,
            vote_round INTEGER NOT NULL,
            capacity INTEGER NOT NULL,
            created_at DOUBLE PRECISION NOT NULL,
            expires_at DOUBLE PRECISION NOT NULL,
            updated_at DOUBLE PRECISION NOT NULL,
            version INTEGER NOT NULL,
            public_version INTEGER NOT NULL)""",
        "CREATE INDEX live_rooms_expires ON live_rooms (expires_at)",
        """CREATE TABLE live_seats (
            room_id TEXT NOT NULL,
            id TEXT NOT NULL,
            token_hash TEXT NOT NULL UNIQUE,
            name TEXT NOT NULL,
            name_key TEXT NOT NULL,
            role TEXT NOT NULL,
            joined_at DOUBLE PRECISION NOT NULL,
            position INTEGER NOT NULL,
            status TEXT NOT NULL,
            left_at DOUBLE PRECISION,
            PRIMARY KEY (room_id, id))""",
        """CREATE TABLE live_votes (
            room_id TEXT NOT NULL,
            round INTEGER NOT NULL,
            seat_id TEXT NOT NULL,
            choice_id TEXT NOT NULL,
            cast_at DOUBLE PRECISION NOT NULL,
            changes INTEGER NOT NULL,
            PRIMARY KEY (room_id, round, seat_id))""",
        """CREATE TABLE live_decisions (
            room_id TEXT NOT NULL,
            round INTEGER NOT NULL,
            node_id TEXT NOT NULL,
            choice_id TEXT NOT NULL,
            decided_by TEXT NOT NULL,
            tally TEXT NOT NULL,
            decided_at DOUBLE PRECISION NOT NULL,
            PRIMARY KEY (room_id, round))""",
        """CREATE TABLE live_ticks (
            room_id TEXT NOT NULL,
            seat_id TEXT NOT NULL,
            item_id TEXT NOT NULL,
            ticked INTEGER NOT NULL,
            at DOUBLE PRECISION NOT NULL,
            PRIMARY KEY (room_id, seat_id, item_id))""",
        "CREATE TABLE live_join_failures (client TEXT NOT NULL, at DOUBLE PRECISION NOT NULL)",
        "CREATE INDEX live_join_failures_at ON live_join_failures (at)",
        """CREATE TABLE live_retired_codes (
            code TEXT PRIMARY KEY,
            reason TEXT NOT NULL,
            until DOUBLE PRECISION NOT NULL)""",
    )),
    Migration(2, "one seat per browser per room; facilitators can block a browser", (
        "ALTER TABLE live_seats ADD COLUMN browser TEXT NOT NULL DEFAULT ''",
        "CREATE INDEX live_seats_browser ON live_seats (room_id, browser)",
        """CREATE TABLE live_blocked (
            room_id TEXT NOT NULL,
            browser TEXT NOT NULL,
            at DOUBLE PRECISION NOT NULL,
            PRIMARY KEY (room_id, browser))""",
        "CREATE INDEX live_join_failures_client ON live_join_failures (client, at)",
    )),
)

LATEST = MIGRATIONS[-1].version
#: Every table the migrations create, children first (the order rows are deleted in).
TABLES = ("live_votes", "live_decisions", "live_ticks", "live_blocked", "live_seats", "live_rooms", "live_join_failures",
          "live_retired_codes", TABLE)


def pending(current: int) -> tuple[Migration, ...]:
    """Migrations above ``current``, in order."""
    return tuple(m for m in MIGRATIONS if m.version > current)


__all__ = ["CREATE_TABLE", "LATEST", "MIGRATIONS", "TABLE", "TABLES", "Migration", "pending"]
