"""case summaries for the statistics

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-29 09:45:00
"""

import sqlalchemy as sa
from alembic import op

from engine.models.base import UtcDateTime

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "case_summaries",
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("referred_month", sa.String(7), nullable=False),
        sa.Column("agency", sa.String(100), nullable=True),
        sa.Column("facts_key", sa.Text(), nullable=False),
        sa.Column("rg_days", sa.Float(), nullable=True),
        sa.Column("cg_days", sa.Float(), nullable=True),
        sa.Column("rg_late", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name=op.f("fk_case_summaries_case_id_cases")),
        sa.PrimaryKeyConstraint("case_id", name=op.f("pk_case_summaries")),
    )
    with op.batch_alter_table("case_summaries", schema=None) as batch_op:
        batch_op.create_index("ix_case_summaries_created", ["created_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("case_summaries", schema=None) as batch_op:
        batch_op.drop_index("ix_case_summaries_created")
    op.drop_table("case_summaries")
