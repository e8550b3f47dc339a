"""case state stored compressed (zlib'd JSON in `state`, replacing the `state_json` text)

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-29 12:40:00

Existing states are compressed as they are; their finished sub-processes are dropped the next
time the case moves (engine/spec/serialization.py). Downgrading writes them back as text.
"""

import zlib

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None
BATCH = 1000


def _copy(source: str, target: str, convert) -> None:
    connection = op.get_bind()
    cases = sa.table("cases", sa.column("id", sa.Integer), sa.column(source), sa.column(target))
    last = 0
    while True:
        rows = connection.execute(
            sa.select(cases.c.id, cases.c[source]).where(cases.c.id > last).order_by(cases.c.id).limit(BATCH)
        ).all()
        if not rows:
            return
        connection.execute(
            cases.update()
            .where(cases.c.id == sa.bindparam("b_id"))
            .values({target: sa.bindparam("b_value")}),
            [{"b_id": row[0], "b_value": convert(row[1])} for row in rows],
        )
        last = rows[-1][0]


def upgrade() -> None:
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.add_column(sa.Column("state", sa.LargeBinary(), nullable=True))
    _copy("state_json", "state", lambda text: zlib.compress(text.encode(), 1))
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.alter_column("state", existing_type=sa.LargeBinary(), nullable=False)
        batch_op.drop_column("state_json")


def downgrade() -> None:
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.add_column(sa.Column("state_json", sa.Text(), nullable=True))
    _copy("state", "state_json", lambda blob: zlib.decompress(blob).decode())
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.alter_column("state_json", existing_type=sa.Text(), nullable=False)
        batch_op.drop_column("state")
