"""Rubric grades, safeguarding flags and submissions: the tables ``create_all`` made before revisions.

Revision ID: 0001
Revises: (none)

A database made before the store had revisions already holds some of these tables (all three, or only
the first two if it predates submissions on record), exactly as written here: this revision creates the
ones missing and leaves the others, and their rows, as they are. That is how such a database is adopted.
Do not edit: it has shipped.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def _tables() -> list[tuple[str, list[sa.Column]]]:
    return [
        ("mentor_rubric_grade", [
            sa.Column("assignment", sa.String(128), primary_key=True),
            sa.Column("student", sa.String(128), primary_key=True),
            sa.Column("prompt", sa.String(128), primary_key=True),
            sa.Column("levels", sa.Text, nullable=False),
            sa.Column("no_answer", sa.Boolean, nullable=False),
            sa.Column("comment", sa.Text, nullable=False),
            sa.Column("score", sa.Float, nullable=False),
            sa.Column("grader", sa.String(128), nullable=False),
            sa.Column("updated_at", sa.String(40), nullable=False),
            sa.Column("version", sa.Integer, nullable=False),
        ]),
        ("mentor_safeguarding_flag", [
            sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
            sa.Column("assignment", sa.String(128), nullable=False),
            sa.Column("student", sa.String(128), nullable=False),
            sa.Column("prompt", sa.String(128), nullable=True),
            sa.Column("note", sa.Text, nullable=False),
            sa.Column("raised_by", sa.String(128), nullable=False),
            sa.Column("raised_at", sa.String(40), nullable=False),
            sa.Column("resolved_by", sa.String(128), nullable=True),
            sa.Column("resolved_at", sa.String(40), nullable=True),
            sa.Column("resolution", sa.Text, nullable=True),
        ]),
        ("mentor_submission", [
            sa.Column("assignment", sa.String(128), primary_key=True),
            sa.Column("student", sa.String(128), primary_key=True),
            sa.Column("display_name", sa.Text, nullable=False),
            sa.Column("sha256", sa.String(64), nullable=False),
            sa.Column("content", sa.LargeBinary, nullable=False),
            sa.Column("timestamp", sa.String(40), nullable=False),
            sa.Column("recorded_at", sa.String(40), nullable=False),
            sa.Column("replaced_at", sa.String(40), nullable=True),
            sa.Column("autograded_sha256", sa.String(64), nullable=True),
            sa.Column("autograded", sa.LargeBinary, nullable=True),
        ]),
    ]


def upgrade() -> None:
    present = set(sa.inspect(op.get_bind()).get_table_names())
    for name, columns in _tables():
        if name not in present:
            op.create_table(name, *columns)


def downgrade() -> None:
    for name, _ in reversed(_tables()):
        op.drop_table(name)
