"""The Alembic migrations build exactly the tables the ORM models describe."""

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from engine.models import Base


def test_migrated_schema_matches_the_models(engine):
    with engine.db.engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert differences == [], f"write a migration for: {differences}"
