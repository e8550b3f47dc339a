"""case_name_index and index_keys: managers' search by name through a keyed blind index

Revision ID: 0019
Revises: 0018
"""

import sqlalchemy as sa
from alembic import op

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "case_name_index",
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.LargeBinary(32), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name=op.f("fk_case_name_index_case_id_cases")),
        sa.PrimaryKeyConstraint("case_id", "token_hash", name=op.f("pk_case_name_index")),
    )
    op.create_index("ix_case_name_index_token", "case_name_index", ["token_hash", "case_id"])
    op.create_table(
        "index_keys",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("wrapped_key", sa.LargeBinary(), nullable=False),
        sa.Column("key_id", sa.String(16), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_index_keys")),
    )
    op.create_index(op.f("ix_index_keys_key_id"), "index_keys", ["key_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_index_keys_key_id"), table_name="index_keys")
    op.drop_table("index_keys")
    op.drop_index("ix_case_name_index_token", table_name="case_name_index")
    op.drop_table("case_name_index")
