"""case_evidence (uploaded files) and case_notes (append-only: UPDATE and DELETE refused)

Revision ID: 0015
Revises: 0013
"""

import sqlalchemy as sa
from alembic import op

from engine.persistence.models.base import UtcDateTime

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None

MESSAGE = "case_notes is append-only: notes are never changed or deleted"


def upgrade() -> None:
    op.create_table(
        "case_evidence",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("case_id", sa.Integer(), sa.ForeignKey("cases.id"), nullable=False),
        sa.Column("description", sa.String(500), nullable=False),
        sa.Column("filename", sa.String(200), nullable=False),
        sa.Column("media_type", sa.String(100), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("uploaded_by", sa.String(100), nullable=False),
        sa.Column("uploaded_at", UtcDateTime(), nullable=False),
    )
    op.create_index("ix_case_evidence_case_id", "case_evidence", ["case_id"])
    op.create_table(
        "case_notes",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("case_id", sa.Integer(), sa.ForeignKey("cases.id"), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("written_by", sa.String(100), nullable=False),
        sa.Column("written_at", UtcDateTime(), nullable=False),
    )
    op.create_index("ix_case_notes_case_id", "case_notes", ["case_id"])
    if op.get_bind().dialect.name == "sqlite":
        for event in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER case_notes_no_{event.lower()} BEFORE {event} ON case_notes "
                f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END"
            )
        return
    op.execute(
        "CREATE FUNCTION case_notes_append_only() RETURNS trigger LANGUAGE plpgsql AS "
        f"$$ BEGIN RAISE EXCEPTION '{MESSAGE}'; END $$"
    )
    op.execute(
        "CREATE TRIGGER case_notes_append_only BEFORE UPDATE OR DELETE ON case_notes "
        "FOR EACH ROW EXECUTE FUNCTION case_notes_append_only()"
    )


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        op.execute("DROP TRIGGER case_notes_append_only ON case_notes")
        op.execute("DROP FUNCTION case_notes_append_only()")
    op.drop_table("case_notes")  # SQLite drops its triggers with it
    op.drop_table("case_evidence")
