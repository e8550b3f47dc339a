"""process owners' drafts of bundles

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-29 12:20:00
"""

import sqlalchemy as sa
from alembic import op

from engine.persistence.models.base import UtcDateTime

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "model_drafts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("based_on_id", sa.Integer(), nullable=True),
        sa.Column("files_json", sa.Text(), nullable=False),
        sa.Column("created_by", sa.String(200), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("updated_by", sa.String(200), nullable=False),
        sa.Column("updated_at", UtcDateTime(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["based_on_id"],
            ["definition_versions.id"],
            name=op.f("fk_model_drafts_based_on_id_definition_versions"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_model_drafts")),
    )


def downgrade() -> None:
    op.drop_table("model_drafts")
