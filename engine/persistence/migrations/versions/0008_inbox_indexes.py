"""inbox indexes: a group's open tasks in page order, their counts; claimed tasks by assignee

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-29 07:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

INBOX = ["candidate_group", "due_at", "created_at", "case_id", "element_id", "assignee"]
CLAIMED = sa.text("assignee IS NOT NULL")


def upgrade() -> None:
    with op.batch_alter_table("open_tasks", schema=None) as batch_op:
        batch_op.drop_index("ix_open_tasks_group_due")
        batch_op.drop_index("ix_open_tasks_assignee_due")
        batch_op.create_index("ix_open_tasks_inbox", INBOX, unique=False)
        batch_op.create_index("ix_open_tasks_group", ["candidate_group"], unique=False)
        batch_op.create_index(
            "ix_open_tasks_assigned",
            ["assignee", "due_at"],
            unique=False,
            sqlite_where=CLAIMED,
            postgresql_where=CLAIMED,
        )


def downgrade() -> None:
    with op.batch_alter_table("open_tasks", schema=None) as batch_op:
        batch_op.drop_index("ix_open_tasks_assigned")
        batch_op.drop_index("ix_open_tasks_group")
        batch_op.drop_index("ix_open_tasks_inbox")
        batch_op.create_index("ix_open_tasks_assignee_due", ["assignee", "due_at"], unique=False)
        batch_op.create_index("ix_open_tasks_group_due", ["candidate_group", "due_at"], unique=False)
