"""The grading store's schema version: Alembic revisions in ``versions/``, applied when a store opens.

nbgrader keeps its gradebook's schema the same way (SQLAlchemy tables, Alembic revisions), so one tool
serves both databases; the two never mix, because this store records its revision in its own table,
:data:`VERSION_TABLE`, not in ``alembic_version``: on PostgreSQL both live in one database, and
``nbgrader db upgrade`` would stop at a revision it does not know.

:func:`upgrade` runs when :class:`~widgets.grading.store.RubricStore` opens, so users never run Alembic
and need no ``alembic.ini``:

* an up-to-date database costs one catalog query and one SELECT (Alembic is not even imported);
* a new or older database is migrated to :data:`HEAD` under a lock (SQLite: ``BEGIN IMMEDIATE``;
  PostgreSQL: an advisory lock), in one transaction, so trainers opening it at once queue and the
  first one migrates;
* a database made before revisions existed (tables from ``create_all``, no version table) is adopted:
  revision 0001 creates only the tables it lacks, so its rows stay as they are;
* a database at a revision this package does not know was migrated by a newer package: it is refused
  with :class:`StoreTooNew`, and nothing is changed.

To change the schema, add a revision to ``versions/`` (``alembic revision -m "..."`` from the repository
root: ``[tool.alembic]`` in pyproject.toml points here; pass ``-x url=sqlite:///scratch.sqlite`` to
autogenerate against a scratch database), set :data:`HEAD` to it, and never edit a revision that has
shipped. A test checks that :data:`HEAD` is the script directory's head and that the migrated schema
matches the tables in :mod:`widgets.grading.store`.
"""

from __future__ import annotations

import contextlib
import logging
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import sqlalchemy as sa

#: Where the revisions live (inside the package, so installs carry them).
SCRIPT_LOCATION = Path(__file__).parent
#: The table that records this store's revision (not nbgrader's ``alembic_version``; see above).
VERSION_TABLE = "mentor_alembic_version"
#: The newest revision in ``versions/``; opening a store brings its database here.
HEAD = "0001"
#: The tables the store made with ``create_all`` before it had revisions.
UNVERSIONED_TABLES = ("mentor_rubric_grade", "mentor_safeguarding_flag", "mentor_submission")

#: Called with each new DBAPI connection and its pool record (SQLAlchemy's "connect" event).
OnConnect = Callable[[Any, Any], None]

#: Alembic's ``context`` and ``op`` are module-level proxies, one migration at a time per process: two
#: threads migrating at once (even two databases) would send each other's DDL down the wrong connection
#: (seen: a segfault in SQLite). Taken before the database's own lock, so the two never wait on each other.
_ONE_AT_A_TIME = threading.Lock()

log = logging.getLogger(__name__)


class StoreTooNew(RuntimeError):
    """The grading database was migrated by a newer version of the package; this one leaves it alone."""


def current_revision(conn: sa.Connection) -> str | None:
    """The revision recorded in ``conn``'s database, or None when it has none (new, or made before revisions)."""
    if not sa.inspect(conn).has_table(VERSION_TABLE):
        return None
    revisions = conn.execute(sa.text(f"SELECT version_num FROM {VERSION_TABLE}")).scalars().all()
    # One row on a linear history; if a future package ever branches, refuse rather than guess.
    return ",".join(sorted(revisions)) or None


def upgrade(engine: sa.Engine, description: str, *, on_connect: OnConnect | None = None) -> str:
    """Bring the database behind ``engine`` to :data:`HEAD` and return it; ``description`` names the
    database in messages (a URL without its password), and ``on_connect`` is the store's setup of a new
    SQLite connection (WAL, busy timeout), for the migration's own connection. Raises :class:`StoreTooNew`."""
    with engine.connect() as conn:
        current = current_revision(conn)
    if current == HEAD:
        return HEAD
    from alembic import command
    from alembic.script import ScriptDirectory

    script = ScriptDirectory(str(SCRIPT_LOCATION))
    _refuse_unknown(script, current, description)  # before taking any lock: a newer package's database is left alone
    with _ONE_AT_A_TIME, _locked(engine, on_connect) as conn:
        current = current_revision(conn)  # again, under the lock: another trainer may have just migrated it
        _refuse_unknown(script, current, description)
        if current is None and any(sa.inspect(conn).has_table(t) for t in UNVERSIONED_TABLES):
            log.info("Adopting the grading database at %s (made before schema revisions): keeping its rows",
                     description)
        if current != HEAD:
            command.upgrade(_config(conn), "head")
        return HEAD


def _refuse_unknown(script: Any, current: str | None, description: str) -> None:
    """Raise :class:`StoreTooNew` when ``current`` names a revision not in ``script``."""
    from alembic.util import CommandError

    if current is None:
        return
    try:
        known = all(script.get_revision(rev) is not None for rev in current.split(","))
    except CommandError:
        known = False
    if not known:
        raise StoreTooNew(f"The grading database at {description} was created by a newer version of "
                          f"mixed-heritage-mentoring (schema {current}, this one knows {HEAD}). "
                          "Upgrade the package: pip install -U mixed-heritage-mentoring")


def _config(conn: sa.Connection) -> Any:
    """An Alembic configuration without a file: the script location, and our connection for env.py."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(SCRIPT_LOCATION))
    config.attributes["connection"] = conn
    return config


@contextlib.contextmanager
def _locked(engine: sa.Engine, on_connect: OnConnect | None) -> Iterator[sa.Connection]:
    """A connection in a transaction that holds the schema lock until it commits.

    SQLite: a separate engine whose transactions begin with ``BEGIN IMMEDIATE`` (pysqlite would otherwise
    run DDL outside any transaction, and two trainers would both create the tables); DDL is transactional
    in SQLite, so a failed migration leaves nothing behind. PostgreSQL: a transaction-scoped advisory lock.
    An in-memory SQLite database is the store's own connection (another one would be another database),
    which no other process can see, so the process-wide lock is enough.
    """
    if engine.dialect.name == "sqlite" and engine.url.database not in (None, "", ":memory:"):
        own = sa.create_engine(engine.url, poolclass=sa.pool.NullPool)
        if on_connect is not None:
            sa.event.listen(own, "connect", on_connect)
        sa.event.listen(own, "connect", _no_implicit_transactions)
        sa.event.listen(own, "begin", lambda conn: conn.exec_driver_sql("BEGIN IMMEDIATE"))
        try:
            with own.begin() as conn:
                yield conn
        finally:
            own.dispose()
        return
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(sa.text("SELECT pg_advisory_xact_lock(hashtext(:key))"), {"key": VERSION_TABLE})
        yield conn


def _no_implicit_transactions(dbapi_connection: Any, _record: Any) -> None:
    # Let the "begin" listener decide when and how a transaction starts (SQLAlchemy's pysqlite recipe).
    dbapi_connection.isolation_level = None


__all__ = ["HEAD", "SCRIPT_LOCATION", "VERSION_TABLE", "StoreTooNew", "current_revision", "upgrade"]
