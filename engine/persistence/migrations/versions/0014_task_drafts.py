"""people's unfinished answers to task forms (saved to come back later, or kept when not sent)

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-01 10:00:00
"""

import sqlalchemy as sa
from alembic import op

from engine.persistence.models.base import UtcDateTime

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "task_drafts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("task_id", sa.String(36), nullable=False),
        sa.Column("username", sa.String(200), nullable=False),
        sa.Column("answers_json", sa.Text(), nullable=False),
        sa.Column("saved_at", UtcDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_task_drafts")),
        sa.UniqueConstraint("task_id", "username", name="uq_task_drafts_task_id_username"),
    )
    op.create_index(op.f("ix_task_drafts_task_id"), "task_drafts", ["task_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_task_drafts_task_id"), table_name="task_drafts")
    op.drop_table("task_drafts")
