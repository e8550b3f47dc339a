"""The Alembic migrations build exactly the tables the ORM models describe."""

import json

import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import create_engine

from engine.persistence import schema
from engine.persistence.models import Base
from engine.spec.serialization import state_dict


def test_migrated_schema_matches_the_models(engine):
    with engine.db.engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert differences == [], f"write a migration for: {differences}"


def test_stored_states_survive_the_move_to_compressed_storage(database_url, moving_clock):
    """Migration 0013: a case's JSON text becomes zlib'd bytes and back on downgrade, unchanged."""
    config = schema.alembic_config(database_url)
    command.upgrade(config, "0012")
    text = json.dumps({"tasks": {}, "root": None, "data": {"person": "Ané"}})
    db = create_engine(database_url)
    with db.begin() as connection:
        connection.execute(
            sa.text(
                "INSERT INTO definition_versions (id, process_id, process_name, version, content_hash,"
                " spec_json, serializer_version, deployed_at, deployed_by)"
                " VALUES (1, 'p', 'P', 1, 'h', '{}', '1.5', :now, 'test')"
            ),
            {"now": moving_clock.now()},
        )
        connection.execute(
            sa.text(
                "INSERT INTO cases (id, business_key, definition_id, status, state_json, serializer_version,"
                " version, created_by, created_at, updated_at) VALUES (1, 'NRM-2026-000001', 1, 'active',"
                " :state, '1.5', 1, 'test', :now, :now)"
            ),
            {"state": text, "now": moving_clock.now()},
        )
    command.upgrade(config, "0013")
    with db.connect() as connection:
        stored = connection.execute(sa.text("SELECT state FROM cases")).scalar_one()
    assert state_dict(stored) == json.loads(text)
    command.downgrade(config, "0012")
    with db.connect() as connection:
        assert connection.execute(sa.text("SELECT state_json FROM cases")).scalar_one() == text
    db.dispose()
