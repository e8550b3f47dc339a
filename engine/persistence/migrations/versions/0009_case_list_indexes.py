"""case list and statistics indexes

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-29 06:35:00
"""

from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.create_index(
            "ix_audit_events_action_element", ["action", "element_id", "case_id", "at"], unique=False
        )
    with op.batch_alter_table("timers", schema=None) as batch_op:
        batch_op.create_index("ix_timers_element_state", ["element_id", "state", "case_id"], unique=False)
    with op.batch_alter_table("open_tasks", schema=None) as batch_op:
        batch_op.create_index("ix_open_tasks_element", ["element_id", "name", "case_id"], unique=False)
        batch_op.create_index("ix_open_tasks_due", ["due_at", "case_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("open_tasks", schema=None) as batch_op:
        batch_op.drop_index("ix_open_tasks_due")
        batch_op.drop_index("ix_open_tasks_element")
    with op.batch_alter_table("timers", schema=None) as batch_op:
        batch_op.drop_index("ix_timers_element_state")
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.drop_index("ix_audit_events_action_element")
