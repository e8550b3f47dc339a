"""cases.data_key: each case's data key, wrapped by the master key; evidence names sealed

Revision ID: 0016
Revises: 0015
"""

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("cases") as batch:
        batch.add_column(sa.Column("data_key", sa.LargeBinary(), nullable=True))
        batch.add_column(sa.Column("data_key_id", sa.String(16), nullable=True))
        batch.create_index("ix_cases_data_key_id", ["data_key_id"])
    with op.batch_alter_table("case_evidence") as batch:  # sealed, they are longer than typed
        batch.alter_column("filename", type_=sa.Text(), existing_type=sa.String(200))
        batch.alter_column("description", type_=sa.Text(), existing_type=sa.String(500))


def downgrade() -> None:
    with op.batch_alter_table("case_evidence") as batch:
        batch.alter_column("description", type_=sa.String(500), existing_type=sa.Text())
        batch.alter_column("filename", type_=sa.String(200), existing_type=sa.Text())
    with op.batch_alter_table("cases") as batch:
        batch.drop_index("ix_cases_data_key_id")
        batch.drop_column("data_key_id")
        batch.drop_column("data_key")
