"""case summaries and fact sets for the statistics and the case list

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-29 09:45:00
"""

import sqlalchemy as sa
from alembic import op

from engine.persistence.models.base import UtcDateTime

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "fact_sets",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key_hash", sa.String(64), nullable=False),
        sa.Column("facts_key", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_fact_sets")),
        sa.UniqueConstraint("key_hash", name=op.f("uq_fact_sets_key_hash")),
    )
    op.create_table(
        "case_summaries",
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("referred_month", sa.String(7), nullable=False),
        sa.Column("agency", sa.String(100), nullable=True),
        sa.Column(
            "status",
            sa.Enum(
                "active",
                "suspended",
                "cancelled",
                "completed",
                name="casestatus",
                native_enum=False,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("fact_set_id", sa.Integer(), nullable=False),
        sa.Column("rg_days", sa.Float(), nullable=True),
        sa.Column("cg_days", sa.Float(), nullable=True),
        sa.Column("rg_late", sa.Boolean(), nullable=False),
        sa.Column("next_due_at", UtcDateTime(), nullable=True),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name=op.f("fk_case_summaries_case_id_cases")),
        sa.ForeignKeyConstraint(
            ["fact_set_id"], ["fact_sets.id"], name=op.f("fk_case_summaries_fact_set_id_fact_sets")
        ),
        sa.PrimaryKeyConstraint("case_id", name=op.f("pk_case_summaries")),
    )
    with op.batch_alter_table("case_summaries", schema=None) as batch_op:
        batch_op.create_index(
            "ix_case_summaries_month",
            ["referred_month", "agency", "fact_set_id", "rg_late", "rg_days", "cg_days"],
            unique=False,
        )
        batch_op.create_index(
            "ix_case_summaries_fact_set", ["fact_set_id", "status", "case_id"], unique=False
        )
        batch_op.create_index("ix_case_summaries_rg_days", ["rg_days", "referred_month"], unique=False)
        batch_op.create_index("ix_case_summaries_cg_days", ["cg_days", "referred_month"], unique=False)
        batch_op.create_index("ix_case_summaries_next_due", ["next_due_at", "status"], unique=False)


def downgrade() -> None:
    op.drop_table("case_summaries")
    op.drop_table("fact_sets")
