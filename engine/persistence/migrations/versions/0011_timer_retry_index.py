"""an index for the scheduler's poll of retried timers

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-29 10:55:00
"""

from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("timers", schema=None) as batch_op:
        batch_op.create_index("ix_timers_state_next_attempt", ["state", "next_attempt_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("timers", schema=None) as batch_op:
        batch_op.drop_index("ix_timers_state_next_attempt")
