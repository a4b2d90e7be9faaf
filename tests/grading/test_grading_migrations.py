"""Does every grading database carry a schema version, and does opening the store bring it up to date
without losing rows, while refusing one a newer package migrated?"""

from __future__ import annotations

import subprocess
import sys
import textwrap
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from tests.conftest import REPO
from tests.grading.conftest import fresh_postgres_database
from widgets.grading import migrations
from widgets.grading.score import RubricGrade
from widgets.grading.store import FLAGS, GRADES, METADATA, SUBMISSIONS, RubricStore, StoreTooNew

GRADE = RubricGrade({"description": "reflection"}, "Good.")


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty database on each backend (PostgreSQL: a fresh database, dropped afterwards)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'grading.sqlite'}"
    else:
        yield from fresh_postgres_database("mentor_migrations")


def _tables(url: str) -> set[str]:
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            return set(sa.inspect(conn).get_table_names())
    finally:
        engine.dispose()


def _execute(url: str, sql: str) -> None:
    engine = sa.create_engine(url)
    try:
        with engine.begin() as conn:
            conn.execute(sa.text(sql))
    finally:
        engine.dispose()


def test_migrations_head_is_the_newest_revision_in_the_package():
    """Is HEAD (checked on every open without loading Alembic) the one head of versions/?"""
    from alembic.script import ScriptDirectory

    script = ScriptDirectory(str(migrations.SCRIPT_LOCATION))
    assert script.get_heads() == [migrations.HEAD]
    assert migrations.SCRIPT_LOCATION == REPO / "widgets" / "grading" / "migrations"


def test_migrations_new_database_records_its_version_in_a_table_of_its_own(url):
    with RubricStore(url) as store:
        assert store.schema_version() == migrations.HEAD
    tables = _tables(url)
    assert migrations.VERSION_TABLE in tables
    # nbgrader's gradebook keeps its own revision in alembic_version, in the same database on PostgreSQL
    assert "alembic_version" not in tables
    assert {"mentor_rubric_grade", "mentor_safeguarding_flag", "mentor_submission"} <= tables


@pytest.mark.parametrize("memory", ["sqlite://", "sqlite:///:memory:"])
def test_migrations_in_memory_database_gets_its_tables(memory):
    """In memory, the migration must run on the store's own connection (another would be another database)."""
    with RubricStore(memory) as store:
        assert store.schema_version() == migrations.HEAD
        assert store.save_grade("a", "m1", "p1", GRADE, 1.0, "t1", expected_version=0).version == 1


def test_migrations_schema_is_exactly_what_the_store_code_expects(url):
    """Do the revisions make what ``create_all`` of the store's tables made (no column, type or key apart)?"""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    RubricStore(url).close()
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"version_table": migrations.VERSION_TABLE})
            assert compare_metadata(context, METADATA) == []
    finally:
        engine.dispose()


@pytest.mark.parametrize("layout", [(GRADES, FLAGS, SUBMISSIONS), (GRADES, FLAGS)], ids=["all-tables", "before-submissions"])
def test_migrations_database_made_before_versions_is_adopted_with_its_rows(url, layout):
    """A database made by the old ``create_all`` (no version table; without the submissions table if it
    is older still) gets a version, the tables it lacks, and keeps every row."""
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        METADATA.create_all(conn, tables=list(layout))
        conn.execute(sa.insert(GRADES).values(assignment="a", student="m1", prompt="p1", levels='{"description": "x"}',
                                              no_answer=False, comment="Kept.", score=4.0, grader="t1",
                                              updated_at="2026-11-30T10:00:00+00:00", version=3))
        conn.execute(sa.insert(FLAGS).values(assignment="a", student="m1", note="Kept too.", raised_by="t1",
                                             raised_at="2026-11-30T10:00:00+00:00"))
        if SUBMISSIONS in layout:
            conn.execute(sa.insert(SUBMISSIONS).values(assignment="a", student="m1", display_name="Mei", sha256="0" * 64,
                                                       content=b"{}", timestamp="t", recorded_at="r"))
    engine.dispose()
    assert migrations.VERSION_TABLE not in _tables(url)

    with RubricStore(url) as store:
        assert store.schema_version() == migrations.HEAD
        kept = store.grade("a", "m1", "p1")
        assert kept is not None and (kept.grade.comment, kept.version, kept.score) == ("Kept.", 3, 4.0)
        assert [f.note for f in store.flags()] == ["Kept too."]
        assert [s.display_name for s in store.submissions()] == (["Mei"] if SUBMISSIONS in layout else [])
        # and it is usable: a save on top of the old row, a new submission
        assert store.save_grade("a", "m1", "p1", GRADE, 5.0, "t2", expected_version=3).version == 4
        store.record_submission("b", "m2", b"{}", "t", "Ana")
    with RubricStore(url) as again:  # a second open finds it current and changes nothing
        assert again.schema_version() == migrations.HEAD and again.grade("a", "m1", "p1").version == 4


def test_migrations_failed_revision_leaves_the_database_as_it_was(url, tmp_path, monkeypatch):
    """A revision that fails halfway is rolled back whole (one transaction): its table is gone and the
    version stays where it was, so the next open tries again."""
    import shutil

    RubricStore(url).close()
    scripts = tmp_path / "migrations"
    shutil.copytree(migrations.SCRIPT_LOCATION, scripts, ignore=shutil.ignore_patterns("__pycache__"))
    (scripts / "versions" / "0002_broken.py").write_text(textwrap.dedent("""
        import sqlalchemy as sa
        from alembic import op

        revision = "0002"
        down_revision = "0001"

        def upgrade():
            op.create_table("mentor_half_done", sa.Column("id", sa.Integer, primary_key=True))
            op.execute("INSERT INTO mentor_no_such_table VALUES (1)")
    """), encoding="utf-8")
    monkeypatch.setattr(migrations, "SCRIPT_LOCATION", scripts)
    monkeypatch.setattr(migrations, "HEAD", "0002")
    with pytest.raises(sa.exc.SQLAlchemyError):
        RubricStore(url)
    assert "mentor_half_done" not in _tables(url)
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        assert migrations.current_revision(conn) == "0001"
    engine.dispose()


def test_migrations_newer_database_is_refused_naming_it_and_both_versions(url):
    RubricStore(url).close()
    _execute(url, f"UPDATE {migrations.VERSION_TABLE} SET version_num = '0099'")
    secret = url.replace("postgres@", "postgres:hunter2@") if url.startswith("postgresql") else url
    with pytest.raises(StoreTooNew) as err:
        RubricStore(secret)
    message = str(err.value)
    assert "newer version" in message and "0099" in message and migrations.HEAD in message
    assert "pip install -U mixed-heritage-mentoring" in message
    assert url.split("://", 1)[1].split("/", 1)[1] in message  # the database's name or file
    assert "hunter2" not in message
    # nothing was touched
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        assert migrations.current_revision(conn) == "0099"
    engine.dispose()


def test_migrations_newer_database_is_a_one_line_error_on_the_command_line(course):
    from click.testing import CliRunner

    from widgets.grading.cli import grading
    from widgets.grading.store import default_store_url

    url = default_store_url(course.db_url, course.private)
    RubricStore(url).close()
    _execute(url, f"UPDATE {migrations.VERSION_TABLE} SET version_num = '0099'")
    result = CliRunner().invoke(grading, ["--course", str(course.root), "flags"])
    assert result.exit_code == 1 and "was created by a newer version" in result.output and "0099" in result.output
    assert "Traceback" not in result.output


def test_migrations_trainers_opening_a_new_database_at_once_all_succeed(url):
    """Eight stores opening one empty database together: one migrates, the others wait and find it done."""
    errors: list[BaseException] = []
    barrier = threading.Barrier(8)

    def trainer() -> None:
        try:
            barrier.wait()
            RubricStore(url).close()
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=trainer) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    with RubricStore(url) as store:
        assert store.schema_version() == migrations.HEAD


def test_migrations_several_databases_migrating_at_once_in_one_process(tmp_path):
    """Alembic's ``op`` and ``context`` are per process: do stores opening different databases on several
    threads still each get their own tables (unserialised, DDL went down another thread's connection)?"""
    urls = [f"sqlite:///{tmp_path / f'grading{k}.sqlite'}" for k in range(4)]
    errors: list[BaseException] = []
    barrier = threading.Barrier(8)

    def trainer(url: str) -> None:
        try:
            barrier.wait()
            RubricStore(url).close()
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=trainer, args=(urls[k % 4],)) for k in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    for url in urls:
        with RubricStore(url) as store:
            assert store.schema_version() == migrations.HEAD


def test_migrations_store_beside_nbgraders_gradebook_leaves_its_version_alone(tmp_path):
    """In one database with nbgrader's gradebook (as on PostgreSQL), each keeps its own revision."""
    from nbgrader.api import Gradebook

    url = f"sqlite:///{tmp_path / 'gradebook.db'}"
    with Gradebook(url):
        pass
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        theirs = conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalars().all()
    with RubricStore(url) as store:
        assert store.schema_version() == migrations.HEAD
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalars().all() == theirs
    engine.dispose()
    with Gradebook(url) as gb:  # and nbgrader still opens it
        assert gb.assignments == []


def test_migrations_up_to_date_database_opens_without_loading_alembic(tmp_path):
    """Opening a current database is one SELECT: Alembic is imported only when there is work to do."""
    url = f"sqlite:///{tmp_path / 'grading.sqlite'}"
    RubricStore(url).close()
    code = textwrap.dedent(f"""
        import sys
        from widgets.grading.store import RubricStore
        RubricStore({url!r}).close()
        print("alembic" in sys.modules)
    """)
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=120, check=True)
    assert out.stdout.strip() == "False"
