"""cases: when, why and by whom a case's personal data was erased; its legal hold

Revision ID: 0018
Revises: 0017
"""

import sqlalchemy as sa
from alembic import op

from engine.persistence.models.base import UtcDateTime

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("cases") as batch:
        batch.add_column(sa.Column("personal_data_erased_at", UtcDateTime(), nullable=True))
        batch.add_column(sa.Column("erasure_reason", sa.String(500), nullable=True))
        batch.add_column(sa.Column("erased_by", sa.String(200), nullable=True))
        batch.add_column(sa.Column("legal_hold_at", UtcDateTime(), nullable=True))
        batch.add_column(sa.Column("legal_hold_by", sa.String(200), nullable=True))
        batch.add_column(sa.Column("legal_hold_reason", sa.Text(), nullable=True))
        batch.create_index("ix_cases_status_ended_at", ["status", "ended_at"])


def downgrade() -> None:
    with op.batch_alter_table("cases") as batch:
        batch.drop_index("ix_cases_status_ended_at")
        for column in (
            "legal_hold_reason",
            "legal_hold_by",
            "legal_hold_at",
            "erased_by",
            "erasure_reason",
            "personal_data_erased_at",
        ):
            batch.drop_column(column)
