"""record_views: every look at a case's personal data (append-only: UPDATE and DELETE refused)

Revision ID: 0017
Revises: 0016
"""

import sqlalchemy as sa
from alembic import op

from engine.persistence.models.base import UtcDateTime

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None

MESSAGE = "record_views is append-only: the record of who looked is never changed"


def upgrade() -> None:
    op.create_table(
        "record_views",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("at", UtcDateTime(), nullable=False),
        sa.Column("username", sa.String(200), nullable=False),
        sa.Column("groups", sa.String(1000), nullable=False),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("task_id", sa.String(36), nullable=True),
        sa.Column("task_name", sa.String(300), nullable=True),
        sa.Column("within_own_work", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name=op.f("fk_record_views_case_id_cases")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_record_views")),
    )
    op.create_index("ix_record_views_case", "record_views", ["case_id", "at"])
    op.create_index(
        "ix_record_views_outside", "record_views", ["within_own_work", "at", "username", "case_id"]
    )
    if op.get_bind().dialect.name == "sqlite":
        for event in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER record_views_no_{event.lower()} BEFORE {event} ON record_views "
                f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END"
            )
        return
    op.execute(
        "CREATE FUNCTION record_views_append_only() RETURNS trigger LANGUAGE plpgsql AS "
        f"$$ BEGIN RAISE EXCEPTION '{MESSAGE}'; END $$"
    )
    op.execute(
        "CREATE TRIGGER record_views_append_only BEFORE UPDATE OR DELETE ON record_views "
        "FOR EACH ROW EXECUTE FUNCTION record_views_append_only()"
    )


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        op.execute("DROP TRIGGER record_views_append_only ON record_views")
        op.execute("DROP FUNCTION record_views_append_only()")
    op.drop_index("ix_record_views_outside", table_name="record_views")
    op.drop_index("ix_record_views_case", table_name="record_views")
    op.drop_table("record_views")
